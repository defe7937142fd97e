"""Time `quizengine verify` on the bundled bank: cold (serial and parallel) and warm (cached).

Runs the real command in subprocesses, each with a fresh cache directory, so the figures are
what a user sees. Baselines measured in the same run: a bare interpreter start-up, and the
serial cold run (the parallel speed-up is reported against it).

    python benchmarks/bench_verify.py [--jobs N]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(args: list[str], cache: Path) -> float:
    env = {**os.environ, "QUIZENGINE_CACHE": str(cache), "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode not in (0, 1):
        sys.exit(f"failed: {' '.join(args)}\n{result.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    verify = [sys.executable, "-m", "quizengine", "verify", "--format", "json"]
    with tempfile.TemporaryDirectory() as tmp:
        bare = min(timed([sys.executable, "-c", "pass"], Path(tmp) / "x") for _ in range(3))
        serial = timed([*verify, "--jobs", "1"], Path(tmp) / "serial")
        parallel = timed([*verify, "--jobs", str(args.jobs)], Path(tmp) / "parallel")
        warm = min(
            timed([*verify, "--jobs", str(args.jobs)], Path(tmp) / "parallel") for _ in range(3)
        )
    print(f"cores: {os.cpu_count()}, jobs: {args.jobs}")
    print(f"bare interpreter start-up     {bare:7.2f} s")
    print(f"cold verify, 1 process        {serial:7.2f} s")
    print(
        f"cold verify, {args.jobs} processes      {parallel:7.2f} s   "
        f"speed-up {serial / parallel:.2f}x"
        "   (target < 30 s)"
    )
    print(
        f"warm verify (cached)          {warm:7.2f} s   {parallel / warm:.0f}x faster than cold"
        "   (target < 2 s)"
    )


if __name__ == "__main__":
    main()
