"""One executor interface: this process, a local process pool, or a dask cluster, same report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from quizengine.bank.load import load_bank
from quizengine.cli import main
from quizengine.lab import executor
from quizengine.lab.cache import ResultCache
from quizengine.lab.executor import Executor, run_each
from quizengine.lab.verify import report_json, verify_bank

# Real (tiny) experiments: worker processes import the registry afresh, so no toy here.
RELU = "sim:gradient-flow?activation=relu&init=he#weight_grad_ratio>=2*baseline"
SLOPE = "sim:activation-derivatives?activation=sigmoid&samples=1000#max-derivative-at-most-quarter"
QUESTION = f"""\
---
id: executors
type: multiple
baseline: "sim:gradient-flow?activation=sigmoid&init=xavier&depth=6&width=12&batch=10&seeds=2"
---
# Tiny nets

Which hold?

- [x] ReLU with He weights improves the weight-gradient ratio [c]({RELU})
- [ ] tanh at depth 6 vanishes [c](sim:gradient-flow?activation=tanh#vanishes)
- [x] the sigmoid's steepest slope is a quarter [c]({SLOPE})

## Answer

Because.
"""


def _square(x: int) -> int:
    return x * x


def test_every_executor_returns_every_task() -> None:
    tasks = [1, 2, 3, 4]
    assert sorted(run_each(Executor(jobs=1), _square, tasks)) == [(t, t * t) for t in tasks]
    assert list(run_each(Executor(jobs=2), _square, [])) == []


def test_scheduler_comes_from_the_option_or_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("QUIZENGINE_SCHEDULER", "tcp://10.0.0.5:8786")
    assert Executor.from_options(2, None).scheduler == "tcp://10.0.0.5:8786"
    assert Executor.from_options(2, "tcp://h:1").scheduler == "tcp://h:1"
    monkeypatch.delenv("QUIZENGINE_SCHEDULER")
    assert Executor.from_options(2, None) == Executor(jobs=2)


def test_an_unreachable_scheduler_is_a_clear_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("distributed")
    monkeypatch.setattr(executor, "CONNECT_TIMEOUT", 1.0)
    (tmp_path / "q.md").write_text(QUESTION)
    code = main(
        ["verify", "--quick", "--no-cache", "--scheduler", "tcp://127.0.0.1:9", str(tmp_path)]
    )
    assert code == 2
    assert "cannot reach the dask scheduler at tcp://127.0.0.1:9" in capsys.readouterr().err


def _comparable(report: dict) -> dict:
    return {k: v for k, v in report.items() if k not in ("seconds", "cached")}


def test_a_dask_local_cluster_gives_the_same_report_as_the_process_pool(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    (tmp_path / "bank").mkdir()
    (tmp_path / "bank" / "q.md").write_text(QUESTION)
    bank = load_bank([tmp_path / "bank"])
    assert not bank.errors, bank.errors
    pooled = verify_bank(bank, executor=Executor(jobs=2), cache=ResultCache(tmp_path / "pool"))
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        cache = ResultCache(tmp_path / "dask")
        on_dask = verify_bank(
            bank, executor=Executor(scheduler=cluster.scheduler_address), cache=cache
        )
        # the same cache serves both: a second run on the cluster runs nothing
        again = verify_bank(
            bank, executor=Executor(scheduler=cluster.scheduler_address), cache=cache
        )
    assert pooled.runs > 10 and pooled.cached == 0
    expected = json.dumps(_comparable(report_json(pooled)), sort_keys=True)
    assert json.dumps(_comparable(report_json(on_dask)), sort_keys=True) == expected
    assert again.cached == again.runs
    assert report_json(pooled)["counts"] == {"agree": 3, "disagree": 0, "fragile": 0, "broken": 0}
