"""Time `quizengine verify` on the bundled bank: robust cold and warm, and dask against the pool.

Runs the real command in subprocesses, each with a fresh cache directory, so the figures are
what a user sees, and reports how many simulation runs each makes. Baselines measured in the
same run: a bare interpreter start-up; the local process pool, against which a dask
LocalCluster (same worker count, one thread each, processes) is compared on the same runs.

    python benchmarks/bench_verify.py [--jobs N] [--skip-dask] [--sweep N] [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(
    args: list[str], cache: Path, env_extra: dict[str, str] | None = None
) -> tuple[float, dict]:
    env = {
        **os.environ,
        "QUIZENGINE_CACHE": str(cache),
        "PYTHONPATH": str(ROOT),
        **(env_extra or {}),
    }
    started = time.perf_counter()
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode not in (0, 1):
        sys.exit(f"failed: {' '.join(args)}\n{result.stderr}")
    report = json.loads(result.stdout) if result.stdout.startswith("{") else {}
    return elapsed, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--sweep", type=int, default=8, help="verify --sweep (default 8)")
    parser.add_argument("--skip-dask", action="store_true", help="no dask comparison")
    parser.add_argument("--rounds", type=int, default=3, help="pool/dask rounds (default 3)")
    args = parser.parse_args()
    verify = [sys.executable, "-m", "quizengine", "verify", "--format", "json"]
    robust = [*verify, "--jobs", str(args.jobs), "--sweep", str(args.sweep)]
    with tempfile.TemporaryDirectory() as tmp:
        bare = min(timed([sys.executable, "-c", "pass"], Path(tmp) / "x")[0] for _ in range(3))
        cold, report = timed(robust, Path(tmp) / "robust")
        warm = min(timed(robust, Path(tmp) / "robust")[0] for _ in range(3))
        quick, quick_report = timed([*verify, "--jobs", str(args.jobs), "--quick"], Path(tmp) / "q")
        print(f"cores: {os.cpu_count()}, jobs: {args.jobs}, load average {os.getloadavg()[0]:.1f}")
        print(f"bare interpreter start-up        {bare:7.2f} s")
        print(f"quick cold verify (link values)  {quick:7.2f} s   {quick_report.get('runs')} runs")
        print(
            f"robust cold verify               {cold:7.2f} s   {report.get('runs')} runs, "
            f"counts {report.get('counts')}   (target < 300 s on 2 cores)"
        )
        print(
            f"robust warm verify (cached)      {warm:7.2f} s   {cold / warm:.0f}x faster than "
            "cold   (target < 2 s)"
        )
        if args.skip_dask:
            return
        try:
            from distributed import LocalCluster
        except ImportError:
            print("dask: distributed is not installed (pip install -e '.[distributed]')")
            return
        # The same runs (the quick bank) through the pool and through a LocalCluster, each cold,
        # alternated over rounds: this machine's speed drifts by up to 2x over minutes, so one
        # pool run then one dask run compared two different machines. The best of each counts.
        pools, dasks = [], []
        with LocalCluster(
            n_workers=args.jobs, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster:
            for round_ in range(args.rounds):
                pools.append(
                    timed([*verify, "--jobs", str(args.jobs), "--quick"], Path(tmp) / f"p{round_}")[
                        0
                    ]
                )
                seconds, dask_report = timed(
                    [*verify, "--quick", "--scheduler", cluster.scheduler_address],
                    Path(tmp) / f"d{round_}",
                )
                dasks.append(seconds)
        pool, dask = min(pools), min(dasks)
        ratios = ", ".join(f"{d / p:.2f}" for p, d in zip(pools, dasks, strict=True))
        same = dask_report.get("counts") == quick_report.get("counts")
        print(f"quick cold, {args.jobs}-process pool       {pool:7.2f} s")
        print(
            f"quick cold, dask LocalCluster    {dask:7.2f} s   {dask / pool:.2f}x the pool "
            f"(target <= 1.2x; each round: {ratios}), same verdicts: {same}"
        )


if __name__ == "__main__":
    main()
