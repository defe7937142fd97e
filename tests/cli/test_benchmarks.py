"""The start-up benchmark runs: it drives the real TUI in a pseudo-terminal through cli.main.

A smoke test, not a timing: it fails when the screens' text the benchmark waits for changes,
or when numpy creeps onto the start-up path. No figure is asserted.
"""

from __future__ import annotations

import sys

import pytest
from benchmark_run import run_benchmark


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_the_start_up_benchmark_runs_every_app_to_its_second_screen() -> None:
    done = run_benchmark("bench_startup.py", "--runs", "1", timeout=120)
    assert done.returncode == 0, done.stderr + done.stdout
    out = done.stdout
    for label in ("bare Textual app", "the floor", "quizengine take", "no parse cache yet"):
        assert label in out
    assert "numpy imported before the first question: False" in out
