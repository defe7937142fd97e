"""Time the history store: record_answer latency, opening, FSRS replay, two concurrent writers.

Baselines measured in the same run: a bare SQLite INSERT in autocommit mode on a WAL file with
the same fsync setting (synchronous=FULL), and the same store with synchronous=NORMAL (what a
commit costs without its fsync). Runs in a few seconds.

    python benchmarks/bench_history.py [--answers N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quizengine.bank.model import Choice, Explanation, Question  # noqa: E402
from quizengine.history.store import HistoryStore  # noqa: E402


def question(i: int) -> Question:
    return Question(
        path=f"q{i}.md", id=f"q-{i}", type="single", title="t", prompt="p",
        choices=[Choice(text=str(c), correct=c == 0) for c in range(4)],
        explanation=Explanation(markdown="e"), tags=[f"tag-{i % 7}"], topic=f"topic-{i % 3}",
        content_hash=f"hash-{i}",
    )  # fmt: skip


def percentiles(samples: list[float]) -> str:
    ms = sorted(1000 * s for s in samples)
    p95 = ms[int(0.95 * (len(ms) - 1))]
    return f"median {statistics.median(ms):6.2f} ms   p95 {p95:6.2f} ms"


def time_store(path: Path, n: int, synchronous: str) -> list[float]:
    questions = [question(i) for i in range(50)]
    with HistoryStore.open(path) as store:
        store._conn.execute(f"PRAGMA synchronous = {synchronous}")
        session = store.start_session([q.id for q in questions])
        samples = []
        for i in range(n):
            started = time.perf_counter()
            store.record_answer(session.id, questions[i % 50], [i % 4], float(i % 2), 7.5)
            samples.append(time.perf_counter() - started)
    return samples


def time_raw(path: Path, n: int) -> list[float]:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("CREATE TABLE answers (question_id TEXT, picked TEXT, score REAL, at TEXT)")
    samples = []
    for i in range(n):
        started = time.perf_counter()
        conn.execute(
            "INSERT INTO answers VALUES (?, ?, ?, ?)",
            (f"q-{i % 50}", "[0]", 1.0, dt.datetime.now(dt.UTC).isoformat()),
        )
        samples.append(time.perf_counter() - started)
    conn.close()
    return samples


WRITER = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, sys.argv[3])
    from benchmarks.bench_history import question
    from quizengine.history.store import HistoryStore
    n = int(sys.argv[2])
    questions = [question(i) for i in range(50)]
    store = HistoryStore.open(sys.argv[1])
    session = store.start_session([q.id for q in questions])
    sys.stdin.readline()
    worst, started = 0.0, time.perf_counter()
    for i in range(n):
        t = time.perf_counter()
        store.record_answer(session.id, questions[i % 50], [i % 4], 1.0, 5.0)
        worst = max(worst, time.perf_counter() - t)
    print(time.perf_counter() - started, worst)
    """
)


def concurrent_writers(path: Path, n: int) -> tuple[list[tuple[float, float]], int, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), str(n), str(ROOT)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(2)
    ]
    time.sleep(1.0)  # both opened and waiting
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    results = []
    for proc in procs:
        out, _ = proc.communicate(timeout=300)
        if proc.returncode != 0:
            sys.exit("a writer failed")
        total, worst = map(float, out.split())
        results.append((total, worst))
    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT count(*) FROM answers").fetchone()[0]
    check = conn.execute("PRAGMA integrity_check").fetchone()[0]
    conn.close()
    return results, rows, check


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=300, help="answers per timing run")
    args = parser.parse_args()
    n = args.answers
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        raw = time_raw(folder / "raw.sqlite3", n)
        full = time_store(folder / "full.sqlite3", n, "FULL")
        normal = time_store(folder / "normal.sqlite3", n, "NORMAL")
        print(f"record_answer, {n} answers (filesystem of {folder}):")
        print(f"  bare INSERT, WAL, synchronous=FULL   {percentiles(raw)}")
        print(f"  store, synchronous=FULL (shipped)    {percentiles(full)}"
              f"   x{statistics.median(full) / statistics.median(raw):.2f} bare")  # fmt: skip
        print(f"  store, synchronous=NORMAL            {percentiles(normal)}")

        # A big history: 20,000 answers over 500 questions, then open + schedule as the TUI does.
        big = folder / "big.sqlite3"
        questions = [question(i) for i in range(500)]
        start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
        clock_state = {"t": start}

        def clock() -> dt.datetime:
            clock_state["t"] += dt.timedelta(minutes=37)
            return clock_state["t"]

        with HistoryStore.open(big, clock=clock) as store:
            store._conn.execute("PRAGMA synchronous = OFF")  # just filling it
            session = store.start_session([q.id for q in questions])
            for i in range(20_000):
                store.record_answer(session.id, questions[i % 500], [i % 4], (i % 3) / 2, 9.0)
        started = time.perf_counter()
        store = HistoryStore.open(big)
        opened = time.perf_counter() - started
        started = time.perf_counter()
        answers = store.answers()
        read = time.perf_counter() - started
        started = time.perf_counter()
        store.schedule(questions)
        replay = time.perf_counter() - started
        store.close()
        size = big.stat().st_size / 1e6
        print(f"history of {len(answers)} answers, 500 questions ({size:.1f} MB):")
        print(f"  open (header, quick_check, WAL)  {1000 * opened:7.1f} ms")
        print(f"  answers()                        {1000 * read:7.1f} ms")
        print(f"  schedule() (FSRS replay)         {1000 * replay:7.1f} ms")

        results, rows, check = concurrent_writers(folder / "shared.sqlite3", n)
        print(f"two processes writing {n} answers each at once:")
        for k, (total, worst) in enumerate(results, 1):
            print(f"  writer {k}: {n / total:7.0f} answers/s, slowest record_answer "
                  f"{1000 * worst:.1f} ms")  # fmt: skip
        print(f"  rows {rows} of {2 * n}, integrity_check: {check}")


if __name__ == "__main__":
    main()
