"""The start-up benchmark runs: it drives the real TUI in a pseudo-terminal through cli.main.

A smoke test, not a timing: it fails when the screens' text the benchmark waits for changes,
or when numpy creeps onto the start-up path. No figure is asserted.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_the_start_up_benchmark_runs_every_app_to_its_second_screen() -> None:
    done = subprocess.run(
        [sys.executable, "benchmarks/bench_startup.py", "--runs", "1"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    out = done.stdout
    for label in ("bare Textual app", "the floor", "quizengine take", "no parse cache yet"):
        assert label in out
    assert "numpy imported before the first question: False" in out
