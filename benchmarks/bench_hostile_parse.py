"""Time to check one question file against its size, for the worst shapes a parser can meet.

Each shape (thousands of choices, 100 KB of spaces or of '[' before a claim link, bracket and
emphasis soup, one-character lines, a line of links, plain prose as the reference) is grown from
16 KB to just under the 1 MiB file limit and loaded the way ``quizengine check`` loads it. A
file the limits refuse (too many lines or too much Markdown punctuation) is refused fast, which
is the point: the bound is that any file under the size limit checks in under 2 s. The baseline,
measured in the same run, is the bundled bank's largest question.

    python benchmarks/bench_hostile_parse.py [--sizes 16,64,256,1023] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from hostile_corpus import SHAPES, shape  # noqa: E402

from quizengine.bank.diagnostics import QuizFormatError  # noqa: E402
from quizengine.bank.load import load_bank  # noqa: E402
from quizengine.bank.parser import read_question_file  # noqa: E402


def accepted(text: str) -> bool:
    """Whether the limits checked before parsing let the file through."""
    try:
        read_question_file("q.md", text.encode("utf-8"))
    except QuizFormatError:
        return False
    return True


def largest_accepted(name: str, limit: int) -> int:
    """The size of the largest file of this shape the limits let through (binary search)."""
    low, high = 1, limit
    while low < high:
        middle = (low + high + 1) // 2
        if accepted(shape(name, middle)):
            low = middle
        else:
            high = middle - 1
    return low


def time_check(path: Path, runs: int) -> tuple[float, str]:
    samples, outcome = [], ""
    for _ in range(runs):
        started = time.perf_counter()
        bank = load_bank([path])
        samples.append(time.perf_counter() - started)
        errors = bank.errors
        outcome = "valid" if not errors else f"error: {errors[0].message[:60]}"
    return statistics.median(samples), outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="16,64,256,1023", help="file sizes in KiB")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median shown)")
    args = parser.parse_args()
    sizes = [int(s) * 1024 for s in args.sizes.split(",")]
    biggest = max((ROOT / "quizzes").glob("*.md"), key=lambda p: p.stat().st_size)
    load_bank([biggest])  # imports markdown-it, PyYAML and pydantic's validators once
    baseline, _ = time_check(biggest, max(args.runs, 5))
    print(f"baseline: {biggest.name} ({biggest.stat().st_size:,} bytes) {baseline * 1000:.1f} ms")
    print(f"{'shape':24} {'size':>9} {'seconds':>8} {'x baseline':>10}  outcome")
    worst = 0.0
    with tempfile.TemporaryDirectory() as folder:
        for name in SHAPES:
            # The sizes asked for, then the largest file of the shape the limits let through:
            # the worst a file under the limits can do.
            at_limits = largest_accepted(name, max(sizes))
            for size, label in [*((s, "") for s in sizes), (at_limits, "  (largest accepted)")]:
                path = Path(folder) / "q.md"
                path.write_text(shape(name, size), encoding="utf-8")
                seconds, outcome = time_check(path, args.runs)
                worst = max(worst, seconds)
                print(
                    f"{name:24} {path.stat().st_size:>9,} {seconds:8.3f} "
                    f"{seconds / baseline:10.0f}  {outcome}{label}",
                    flush=True,
                )
    print(f"slowest: {worst:.2f} s (bound: 2 s for any file under the limit)")


if __name__ == "__main__":
    main()
