"""Shared fixtures: a valid question text to mutate, an isolated environment, and a history
store on a hand-moved clock."""

from __future__ import annotations

import os

# One BLAS thread per process, set before numpy loads: on 2 shared cores a multi-threaded
# OpenBLAS oversubscribes (the verify tests run 2 worker processes) and some matmuls then run
# many times slower. setdefault keeps a caller's explicit choice.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from test_history_support import Clock  # noqa: E402

from quizengine.history.store import HistoryStore  # noqa: E402

VALID_SINGLE = """\
---
id: sample-single
type: single
tags: [activations]
difficulty: easy
topic: vanishing gradients
---
# The sigmoid's slope

Which value bounds the sigmoid's derivative?

- [x] 0.25
- [ ] 1.0
- [ ] 4.0

## Answer

sigma'(x) = sigma(x)(1 - sigma(x)) peaks at x = 0.

## References

- [Glorot and Bengio (2010)](https://proceedings.mlr.press/v9/glorot10a.html)
"""


@pytest.fixture(autouse=True)
def _isolated_user_data(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Never touch the real user's history database or cache from a test."""
    home = tmp_path_factory.mktemp("userdata")
    monkeypatch.setenv("QUIZENGINE_DB", str(home / "history.sqlite3"))
    monkeypatch.setenv("QUIZENGINE_CACHE", str(home / "cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache-home"))


@pytest.fixture
def clock() -> Clock:
    """Time for a history test: stands still until the test moves it."""
    return Clock()


@pytest.fixture
def store(tmp_path: Path, clock: Clock):
    """A new history database in the test's folder, on ``clock``."""
    with HistoryStore.open(tmp_path / "h.sqlite3", clock=clock) as opened:
        yield opened
