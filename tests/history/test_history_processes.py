"""Real processes: SIGKILL mid-quiz (a script, then the real TUI in a pseudo-terminal) loses
nothing; two writers at once corrupt nothing."""

from __future__ import annotations

import fcntl
import os
import pty
import signal
import sqlite3
import struct
import subprocess
import sys
import termios
import textwrap
import threading
import time
from pathlib import Path

import pytest
from test_history_support import write_bank

from quizengine.history.store import HistoryStore

REPO = Path(__file__).resolve().parents[2]

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


class Terminal:
    """The real ``quizengine take`` in a pseudo-terminal: keys in, screen output collected."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:

        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.process = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
        )
        os.close(slave)
        self.output = bytearray()
        self.lock = threading.Lock()
        # Keep draining: a terminal app blocks when nobody reads its screen updates.
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            with self.lock:
                self.output += chunk

    def wait_for_text(self, text: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if text.encode() in self.output:
                    self.output.clear()
                    return
            assert self.process.poll() is None, "the TUI exited"
            time.sleep(0.05)
        raise AssertionError(f"{text!r} never appeared on the screen")

    def press(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def kill(self) -> int:
        os.kill(self.process.pid, signal.SIGKILL)
        code = self.process.wait()
        os.close(self.master)
        return code


def wait_for_answers(db: Path, count: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if db.exists():
            raw = sqlite3.connect(db)
            try:
                if raw.execute("SELECT count(*) FROM answers").fetchone()[0] >= count:
                    return
            except sqlite3.OperationalError:  # the schema is being created
                pass
            finally:
                raw.close()
        time.sleep(0.05)
    raise AssertionError(f"{count} answers never reached the database")


async def test_sigkill_of_the_real_tui_then_the_next_start_offers_to_resume(
    tmp_path: Path,
) -> None:
    from quizengine.bank.load import load_bank
    from quizengine.tui.app import QuizApp
    from quizengine.tui.dialogs.resume import ResumeScreen

    bank_dir = write_bank(tmp_path / "bank")  # chain-bound (numeric), remedies, sigmoid-slope
    db = tmp_path / "h.sqlite3"
    env = dict(os.environ, PYTHONPATH=str(REPO), TERM="xterm-256color", COLUMNS="80", LINES="24")
    argv = [sys.executable, "-m", "quizengine", "take", str(bank_dir), "--db", str(db)]
    term = Terminal(argv, env)
    try:
        term.wait_for_text("Start shown")
        term.press("\r")  # start every question shown
        term.wait_for_text("Question 1 of 3")
        term.press("0.0625\r")  # chain-bound, right
        wait_for_answers(db, 1)
        term.press("n")
        term.wait_for_text("Question 2 of 3")
        term.press("1")  # remedies: one of its two right choices
        term.press("\r")
        wait_for_answers(db, 2)
    finally:
        code = term.kill()
    assert code == -signal.SIGKILL

    assert integrity(db) == "ok"
    bank = load_bank([bank_dir])
    with HistoryStore.open(db) as store:
        answers = store.answers()
        assert [(a.question_id, a.value, a.picked, a.score) for a in answers] == [
            ("chain-bound", 0.0625, None, 1.0),
            ("remedies", None, (0,), 0.5),
        ]
        session = store.unfinished_session()
        assert session is not None and session.remaining == ("sigmoid-slope",)

        # The next start offers to resume it, and resuming goes on with the question left.
        app = QuizApp(bank, store=store)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, ResumeScreen)
            await pilot.press("y")
            await pilot.pause()
            assert app.sitting is not None and app.sitting.session_id == session.id
            assert app.quiz.question.id == "sigmoid-slope"
            assert len(app.quiz.attempts) == 2
