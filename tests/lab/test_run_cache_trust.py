"""The simulation run cache is checked like the parse cache: a damaged, edited, misnamed or
wrong-shaped entry is dropped and the run done again, so verify's verdicts never rest on it."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from test_verify import QUESTION, verify, write_bank

from quizengine.lab.cache import ResultCache
from quizengine.lab.experiments import resolve as run_key
from simulations import registry


@pytest.fixture(autouse=True)
def toy_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registry._MODULES, "toy", "toy_experiment")


def entries() -> list[Path]:
    return sorted((Path(os.environ["QUIZENGINE_CACHE"]) / "runs").glob("*.json"))


def resigned(document: dict) -> bytes:
    """An entry whose checksum matches its (altered) content."""
    payload = json.dumps(document).encode()
    return hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload


def flip_holds(data: bytes) -> bytes:
    # An edit that keeps the JSON valid: every verdict turned around, checksum left as it was.
    return (
        data.replace(b'"holds": true', b'"holds": TMP')
        .replace(b'"holds": false', b'"holds": true')
        .replace(b'"holds": TMP', b'"holds": false')
    )


def wrong_shape(data: bytes) -> bytes:
    document = json.loads(data.partition(b"\n")[2])
    document["result"]["claims"] = [{"id": 1}]  # valid JSON, checksum right, not a Result
    return resigned(document)


def no_key(data: bytes) -> bytes:
    document = json.loads(data.partition(b"\n")[2])
    return resigned(document["result"])  # the layout of entries before they were checked


def other_simulation(data: bytes) -> bytes:
    document = json.loads(data.partition(b"\n")[2])
    document["result"]["simulation"] = "gradient-flow"
    return resigned(document)


@pytest.mark.parametrize(
    "damage",
    [
        flip_holds,
        wrong_shape,
        no_key,
        other_simulation,
        lambda data: data[: len(data) // 2],
        lambda data: b"\x00" * 10,
        lambda data: b"",
    ],
    ids=["edited", "wrong-shape", "old-layout", "other-sim", "truncated", "garbage", "empty"],
)
def test_a_bad_entry_is_dropped_and_run_again(
    damage: Callable[[bytes], bytes], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bank = write_bank(tmp_path / "bank", QUESTION.format(id="a"))
    code, out, _ = verify(capsys, str(bank))
    assert code == 0 and "(0 cached)" in out
    good = {path: path.read_bytes() for path in entries()}
    for path, data in good.items():
        path.write_bytes(damage(data))
    code, out, _ = verify(capsys, str(bank))
    assert code == 0, out  # the keys still agree: nothing was believed from the damaged entries
    assert "(0 cached)" in out and "Traceback" not in out
    assert {path: path.read_bytes() for path in entries()} == good  # replaced by fresh runs
    code, out, _ = verify(capsys, str(bank))
    assert "(3 cached)" in out


def test_an_entry_copied_under_another_runs_name_is_not_believed(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path)
    plus, minus = run_key("toy", {"x": "2"}, 0), run_key("toy", {"x": "-2"}, 0)
    from quizengine.lab.executor import Executor
    from quizengine.lab.verify import execute_runs

    execute_runs([plus, minus], cache, Executor())
    (tmp_path / "runs" / f"{minus.digest()}.json").write_bytes(
        (tmp_path / "runs" / f"{plus.digest()}.json").read_bytes()
    )
    assert cache.get(minus) is None
    assert cache.get(plus) is not None


def test_a_fifo_or_device_in_the_cache_is_not_read(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path)
    key = run_key("toy", {"x": "2"}, 0)
    (tmp_path / "runs").mkdir()
    os.mkfifo(tmp_path / "runs" / f"{key.digest()}.json")
    assert cache.get(key) is None  # and did not block
    other = run_key("toy", {"x": "3"}, 0)
    (tmp_path / "runs" / f"{other.digest()}.json").symlink_to("/dev/zero")
    assert cache.get(other) is None
