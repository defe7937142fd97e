"""The run cache's key, and the one cache verify and the simulation panel share."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from quizengine.bank.load import load_bank
from quizengine.lab import cache as run_cache
from quizengine.lab.cache import ResultCache
from quizengine.lab.conditions import Sweep
from quizengine.lab.experiments import resolve as run_key
from quizengine.lab.experiments import run_simulation
from quizengine.lab.verify import verify_bank
from simulations import registry


@pytest.fixture(autouse=True)
def toy_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registry._MODULES, "toy", "toy_experiment")


def test_parameters_and_seed_each_change_the_key() -> None:
    base = run_key("toy", {"x": "2"}, 0).digest()
    assert run_key("toy", {"x": "2.0", "mode": "plain"}, 0).digest() == base  # same validated
    assert run_key("toy", {"x": "3"}, 0).digest() != base
    assert run_key("toy", {"x": "2", "depth": "20"}, 0).digest() != base
    assert run_key("toy", {"x": "2"}, 1).digest() != base
    assert run_key("gradient-flow", {}, 0).digest() != run_key("toy", {}, 0).digest()


def test_the_simulations_source_changes_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    key = run_key("toy", {"x": "2"}, 0)
    before = key.digest()
    monkeypatch.setattr(run_cache, "source_fingerprint", lambda: "edited")
    assert key.digest() != before


def test_the_fingerprint_covers_every_file_of_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "simulations"
    (package / "nn").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "nn" / "layers.py").write_text("A = 1\n")
    fake = types.ModuleType("simulations")
    fake.__file__ = str(package / "__init__.py")
    monkeypatch.setitem(sys.modules, "simulations", fake)
    fingerprint = run_cache.source_fingerprint.__wrapped__
    first = fingerprint()
    (package / "nn" / "layers.py").write_text("A = 2\n")
    assert fingerprint() != first
    (package / "nn" / "layers.py").write_text("A = 1\n")
    assert fingerprint() == first
    (package / "extra.py").write_text("")
    assert fingerprint() != first


def test_the_panel_reads_what_verify_ran_and_fills_the_same_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "bank"
    folder.mkdir()
    (folder / "q.md").write_text(
        "---\nid: toy\ntype: multiple\n---\n# Toy\n\nWhich?\n\n"
        "- [x] positive [c](sim:toy?x=2#positive)\n"
        "- [ ] negative [c](sim:toy?x=-2#positive)\n\n## Answer\n\nBecause.\n"
    )
    cache = ResultCache(tmp_path / "cache")
    report = verify_bank(load_bank([folder]), cache=cache, sweep=Sweep.quick())
    assert report.ok and report.runs == 2

    def no_runs(*args: object, **kwargs: object) -> None:
        raise AssertionError("ran a simulation the cache holds")

    monkeypatch.setattr(registry, "run", no_runs)
    shown = run_simulation("toy", {"x": "2"}, {}, 0, cache)
    assert shown.result.metrics["value"] == 2.0
    monkeypatch.undo()
    monkeypatch.setitem(registry._MODULES, "toy", "toy_experiment")
    run_simulation("toy", {"x": "2"}, {"mode": "double"}, 0, cache)  # fills it
    assert cache.get(run_key("toy", {"x": "2", "mode": "double"}, 0)) is not None
