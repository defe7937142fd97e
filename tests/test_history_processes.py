"""Real processes: SIGKILL mid-quiz loses nothing; two writers at once corrupt nothing."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from quizengine.history.store import HistoryStore

REPO = Path(__file__).resolve().parent.parent

# A learner's sitting as the TUI drives the store: look for a session to resume, start one,
# record each answer as it is submitted. ``pause`` is the thinking time between answers.
QUIZ_TAKER = textwrap.dedent(
    """
    import sys, time
    from test_history_support import make_question
    from quizengine.history.store import HistoryStore

    db, count, pause = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    template = make_question("q")
    questions = [
        template.model_copy(update={"id": f"q-{i}", "content_hash": f"hash-{i}"})
        for i in range(count)
    ]
    store = HistoryStore.open(db)
    print("ready", flush=True)
    if len(sys.argv) > 4:  # wait for the signal to start, so writers overlap
        sys.stdin.readline()
    session = store.start_session([q.id for q in questions])
    for i, question in enumerate(questions):
        store.record_answer(session.id, question, [i % 4], float(i % 4 == 0), 2.0)
        print(f"recorded {question.id}", flush=True)
        if i % 50 == 0:
            store.last_results()  # the browser reads while others write
        time.sleep(pause)
    store.finish_session(session.id)
    print("finished", flush=True)
    """
)


def start_taker(tmp_path: Path, db: Path, count: int, pause: float, *, wait: bool = False):
    script = tmp_path / "taker.py"
    script.write_text(QUIZ_TAKER)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), str(REPO / "tests")]))
    argv = [sys.executable, str(script), str(db), str(count), str(pause)] + (
        ["wait"] if wait else []
    )
    return subprocess.Popen(
        argv,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def integrity(db: Path) -> str:
    raw = sqlite3.connect(db)
    try:
        return raw.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        raw.close()


@pytest.mark.parametrize("pause", [0.0, 0.01], ids=["writing-flat-out", "between-answers"])
def test_sigkill_mid_quiz_loses_no_submitted_answer(tmp_path: Path, pause: float) -> None:
    db = tmp_path / "h.sqlite3"
    count, kill_after = 20_000, 40
    taker = start_taker(tmp_path, db, count, pause)
    assert taker.stdout is not None
    confirmed: list[str] = []
    for line in taker.stdout:
        if line.startswith("recorded "):
            confirmed.append(line.split()[1])
            if len(confirmed) == kill_after:
                break
    assert taker.poll() is None, taker.stderr.read() if taker.stderr else ""
    os.kill(taker.pid, signal.SIGKILL)
    assert taker.wait() == -signal.SIGKILL
    confirmed += [line.split()[1] for line in taker.stdout if line.startswith("recorded ")]
    taker.stdout.close()
    taker.stderr.close()  # type: ignore[union-attr]

    assert integrity(db) == "ok"
    with HistoryStore.open(db) as store:
        stored = [a.question_id for a in store.answers()]
        # Every answer whose record_answer returned is there; at most one more was committed
        # between its commit and its "recorded" line.
        assert stored[: len(confirmed)] == confirmed
        assert len(stored) - len(confirmed) in (0, 1)
        session = store.unfinished_session()
        assert session is not None and session.status == "open"
        assert list(session.answered_ids) == stored
        assert session.remaining[0] == f"q-{len(stored)}"
        assert len(session.remaining) == count - len(stored)


def test_two_writers_at_once_keep_every_row_and_a_sound_file(tmp_path: Path) -> None:
    db = tmp_path / "shared.sqlite3"  # absent: both processes race to create it too
    count = 150
    takers = [start_taker(tmp_path, db, count, 0.0, wait=True) for _ in range(2)]
    for taker in takers:
        assert taker.stdout is not None and taker.stdout.readline() == "ready\n"
    for taker in takers:
        assert taker.stdin is not None
        taker.stdin.write("go\n")
        taker.stdin.flush()
    for taker in takers:
        out, err = taker.communicate(timeout=120)
        assert taker.returncode == 0, err
        assert out.count("recorded ") == count and out.endswith("finished\n")

    assert integrity(db) == "ok"
    with HistoryStore.open(db) as store:
        sessions = store.sessions()
        assert [s.status for s in sessions] == ["finished", "finished"]
        for session in sessions:
            assert list(session.answered_ids) == [f"q-{i}" for i in range(count)]
        assert len(store.answers()) == 2 * count
