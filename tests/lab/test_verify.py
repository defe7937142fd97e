"""Verification mechanics on a toy experiment: verdicts, sharing, caching, output formats."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

import pytest

from quizengine.cli import main
from simulations import registry

QUESTION = """\
---
id: {id}
type: multiple
---
# Toy

Which hold?

- [x] x is positive [c](sim:toy?x=2#positive)
- [ ] minus x is positive [c](sim:toy?x=-2#positive)
- [x] doubled x is positive [c](sim:toy?x=1&mode=double#positive)

## Answer

Because. [run](sim:toy?x=2)
"""

NUMERIC = """\
---
id: toy-square
type: numeric
answer: {value: 4.0, abs_tol: 0.01, metric: "sim:toy?x=2#square"}
---
# Square

What is 2 squared?

## Answer

Four.
"""


@pytest.fixture(autouse=True)
def toy_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registry._MODULES, "toy", "toy_experiment")


def write_bank(folder: Path, *texts: str) -> Path:
    folder.mkdir(exist_ok=True)
    for number, text in enumerate(texts):
        (folder / f"q{number}.md").write_text(text)
    return folder


def verify(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["verify", "--jobs", "1", "--quick", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_agreeing_keys_exit_0_and_share_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bank = write_bank(tmp_path / "bank", QUESTION.format(id="a"), QUESTION.format(id="b"), NUMERIC)
    code, out, _ = verify(capsys, str(bank))
    assert code == 0, out
    summary = out.splitlines()[-1]
    # 3 distinct runs: x=2 (shared by both questions and the numeric metric), x=-2, x=1 doubled
    assert "7 keys: 7 agree, 0 disagree, 0 fragile, 0 broken" in summary
    assert "3 simulation runs (0 cached)" in summary
    code, out, _ = verify(capsys, str(bank))
    assert "3 simulation runs (3 cached)" in out.splitlines()[-1]


def test_a_wrong_key_is_reported_with_path_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = QUESTION.format(id="a").replace("- [ ] minus", "- [x] minus")
    bank = write_bank(tmp_path / "bank", wrong)
    code, out, _ = verify(capsys, str(bank))
    assert code == 1
    assert "choice 2: key correct, simulation: fails  DISAGREES" in out
    assert f"{bank / 'q0.md'}:10:" in out
    assert "value -2, threshold 0" in out


def test_wrong_numeric_key_disagrees(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bank = write_bank(tmp_path / "bank", NUMERIC.replace("value: 4.0", "value: 5.0"))
    code, out, _ = verify(capsys, str(bank))
    assert code == 1 and "answer: key 5, simulation: 4  DISAGREES" in out


def test_broken_links_fail(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = QUESTION.format(id="a").replace("sim:toy?x=-2#positive", "sim:toy?x=-2&y=1#positive")
    text = text.replace("mode=double#positive", "mode=double#negative")
    bank = write_bank(tmp_path / "bank", text)
    code, out, _ = verify(capsys, str(bank))
    assert code == 1
    assert "unknown parameter 'y' for toy; allowed: x, mode" in out
    assert "unknown claim 'negative' of toy; known: positive, shallow" in out


def test_seed_is_part_of_the_cache_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bank = write_bank(tmp_path / "bank", NUMERIC)
    verify(capsys, str(bank))
    _, out, _ = verify(capsys, "--seed", "7", str(bank))
    assert "1 simulation run (0 cached)" in out
    _, out, _ = verify(capsys, "--no-cache", str(bank))
    assert "1 simulation run (0 cached)" in out


def test_json_and_junit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wrong = QUESTION.format(id="a").replace("- [x] x is", "- [ ] x is")
    bank = write_bank(tmp_path / "bank", wrong, NUMERIC)
    junit = tmp_path / "out" / "verify.xml"
    code, out, _ = verify(capsys, "--format", "json", "--junit-xml", str(junit), str(bank))
    assert code == 1
    data = json.loads(out)
    assert data["ok"] is False
    assert data["counts"] == {"agree": 3, "disagree": 1, "fragile": 0, "broken": 0}
    first = data["questions"][0]
    assert first["verdict"] == "disagree" and first["items"][0]["verdict"] == "disagree"
    suite = ElementTree.parse(junit).getroot()
    assert suite.get("tests") == "4" and suite.get("failures") == "1"
    (failure,) = suite.iter("failure")
    assert failure.get("message") == "disagree: keyed wrong, simulation says holds"


def test_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "--jobs", "0", str(tmp_path)]) == 2
    assert main(["verify", str(tmp_path / "missing")]) == 2
    assert "no such file or directory" in capsys.readouterr().err


def test_a_broken_run_link_in_the_explanation_fails_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = QUESTION.format(id="a").replace("[run](sim:toy?x=2)", "[run](sim:toy?z=2)")
    bank = write_bank(tmp_path / "bank", text)
    code, out, _ = verify(capsys, str(bank))
    assert code == 1
    assert out.count("unknown parameter 'z' for toy; allowed: x, mode") == 1
    assert "3 keys: 3 agree, 0 disagree, 0 fragile, 0 broken" in out
    assert "1 file error;" in out
