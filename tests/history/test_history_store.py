"""The history store: recording and reading back, sessions, migrations, refusing foreign files."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from test_history_support import Clock, make_question

from quizengine.history.owners import instance_owner, owner_is_running
from quizengine.history.paths import move_aside
from quizengine.history.records import HistoryError
from quizengine.history.schema import (
    APPLICATION_ID,
    MIGRATIONS,
    SCHEMA_VERSION,
    inspect_schema,
    migrate,
)
from quizengine.history.store import HistoryStore

SINGLE = make_question("vanishing-sigmoid", tags=("gradients", "activations"), topic="deep-nets")
MULTI = make_question("relu-fixes", "multiple", tags=("activations",))
NUMERIC = make_question("grad-norm", "numeric", topic="deep-nets")


def test_answers_are_recorded_and_read_back_after_reopening(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "sub" / "h.sqlite3"  # the parent folder is created too
    with HistoryStore.open(path, clock=clock) as store:
        session = store.start_session([SINGLE.id, MULTI.id, NUMERIC.id])
        recorded = [store.record_answer(session.id, SINGLE, [2], 0.0, 12.5)]
        clock.advance(seconds=30)
        recorded.append(store.record_answer(session.id, MULTI, (2, 0), 1.0, 8.0))
        clock.advance(seconds=30)
        recorded.append(store.record_answer(session.id, NUMERIC, 2.05, 1.0, 40.25))
    with HistoryStore.open(path) as store:
        answers = store.answers()
    assert answers == recorded
    single, multi, numeric = answers
    assert (single.picked, single.value, single.score, single.seconds) == ((2,), None, 0.0, 12.5)
    assert single.tags == ("gradients", "activations") and single.topic == "deep-nets"
    assert single.content_hash == SINGLE.content_hash and single.session_id == session.id
    assert multi.picked == (0, 2)  # stored sorted: a set of choices
    assert (numeric.picked, numeric.value) == (None, 2.05)
    assert numeric.answered_at - single.answered_at == clock.now - single.answered_at


def test_an_answer_is_committed_before_record_answer_returns(store: HistoryStore) -> None:
    session = store.start_session([SINGLE.id])
    store.record_answer(session.id, SINGLE, [0], 1.0, 3.0)
    # Another connection (another process, in effect) sees it while the store is still open.
    other = sqlite3.connect(store.path)
    try:
        assert other.execute("SELECT question_id, score FROM answers").fetchall() == [
            (SINGLE.id, 1.0)
        ]
    finally:
        other.close()


def test_last_results_and_per_question_answers(store: HistoryStore, clock: Clock) -> None:
    first = store.start_session([SINGLE.id, MULTI.id])
    assert not store.has_answers()  # a session alone is no answer
    store.record_answer(first.id, SINGLE, [1], 0.0, 5.0)
    store.record_answer(first.id, MULTI, [0], 0.5, 5.0)
    clock.advance(days=1)
    second = store.start_session([SINGLE.id])
    latest = store.record_answer(second.id, SINGLE, [0], 1.0, 4.0)
    results = store.last_results()
    assert store.has_answers()
    assert results[SINGLE.id] == latest
    assert results[MULTI.id].score == 0.5
    assert [a.score for a in store.answers(SINGLE.id)] == [0.0, 1.0]


@pytest.mark.parametrize(
    ("question", "picked", "score", "seconds", "message"),
    [
        (SINGLE, [0], 1.5, 1.0, "score"),
        (SINGLE, [0], -0.1, 1.0, "score"),
        (SINGLE, [0], 1.0, -1.0, "seconds"),
        (SINGLE, [0], 1.0, float("nan"), "seconds"),
        (SINGLE, [4], 1.0, 1.0, "within 0..3"),
        (SINGLE, [-1], 1.0, 1.0, "within 0..3"),
        (MULTI, [1, 1], 1.0, 1.0, "twice"),
        (SINGLE, 2.0, 1.0, 1.0, "list of indices"),
        (NUMERIC, [0], 1.0, 1.0, "is a number"),
        (NUMERIC, float("inf"), 1.0, 1.0, "finite"),
    ],
)
def test_impossible_answers_are_refused_and_not_stored(
    store: HistoryStore, question, picked, score, seconds, message: str
) -> None:
    session = store.start_session([question.id])
    with pytest.raises(ValueError, match=message):
        store.record_answer(session.id, question, picked, score, seconds)
    assert store.answers() == []


def test_recording_into_an_unknown_session_fails(store: HistoryStore) -> None:
    with pytest.raises(ValueError, match="no session 999"):
        store.record_answer(999, SINGLE, [0], 1.0, 1.0)
    with pytest.raises(ValueError, match="no session 999"):
        store.finish_session(999)
    assert store.answers() == []


def test_an_answer_to_a_session_closed_by_another_instance_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    # The first instance runs on another host: the second cannot tell it still runs.
    with (
        HistoryStore.open(path, owner="elsewhere:4242:a") as first,
        HistoryStore.open(path) as second,
    ):
        session = first.start_session([SINGLE.id, MULTI.id])
        first.record_answer(session.id, SINGLE, [0], 1.0, 1.0)
        offered = second.unfinished_session()  # the other instance offers to resume it...
        assert offered is not None and offered.id == session.id
        second.abandon_session(session.id)  # ...and its learner declines
        first.record_answer(session.id, MULTI, [0, 2], 1.0, 1.0)  # still recorded
        assert first.session(session.id).answered_ids == (SINGLE.id, MULTI.id)
        assert first.session(session.id).status == "abandoned"


def finished_process_id() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_owner_is_running_asks_the_process_table() -> None:
    host = socket.gethostname()
    assert owner_is_running(instance_owner())
    assert owner_is_running(f"{host}:{os.getpid()}:other-store")
    assert not owner_is_running(f"{host}:{finished_process_id()}:gone")
    assert not owner_is_running(f"elsewhere:{os.getpid()}:x")  # another host: taken as gone
    assert not owner_is_running(f"{host}:0:x") and not owner_is_running("garbage")


def test_a_session_held_by_a_running_instance_is_neither_offered_nor_claimed(
    tmp_path: Path,
) -> None:
    path = tmp_path / "h.sqlite3"
    with HistoryStore.open(path) as first, HistoryStore.open(path) as second:
        assert first.owner != second.owner  # one process, two windows' stores
        session = first.start_session([SINGLE.id, MULTI.id])
        assert second.session(session.id).owner == first.owner
        assert second.unfinished_session() is None  # the quiz goes on in the first window
        assert not second.claim_session(session.id)
        assert first.unfinished_session().id == session.id  # type: ignore[union-attr]

        first.release_session(session.id)  # the first window quit mid-quiz
        assert second.unfinished_session().id == session.id  # type: ignore[union-attr]
        assert second.claim_session(session.id)
        assert not first.claim_session(session.id)  # now the second window holds it
        second.finish_session(session.id)
        assert not second.claim_session(session.id)  # closed: nothing to resume


def test_a_session_left_by_a_crashed_process_is_offered_and_claimed(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    crashed = f"{socket.gethostname()}:{finished_process_id()}:gone"
    with HistoryStore.open(path, owner=crashed) as first:
        session = first.start_session([SINGLE.id, MULTI.id])
    with HistoryStore.open(path) as second:
        assert second.unfinished_session().id == session.id  # type: ignore[union-attr]
        assert second.claim_session(session.id)
        assert second.session(session.id).owner == second.owner


def test_unfinished_session_is_the_latest_open_one_with_questions_left(
    store: HistoryStore, clock: Clock
) -> None:
    assert store.unfinished_session() is None
    older = store.start_session([SINGLE.id, MULTI.id])
    clock.advance(minutes=1)
    newer = store.start_session([MULTI.id, NUMERIC.id, SINGLE.id], kind="review")
    store.record_answer(newer.id, MULTI, [0, 2], 1.0, 9.0)

    found = store.unfinished_session()
    assert found is not None
    assert (found.id, found.kind, found.status) == (newer.id, "review", "open")
    assert found.question_ids == (MULTI.id, NUMERIC.id, SINGLE.id)
    assert found.answered_ids == (MULTI.id,)
    assert found.remaining == (NUMERIC.id, SINGLE.id)
    assert found.started_at == newer.started_at

    store.abandon_session(newer.id)
    assert store.unfinished_session().id == older.id  # type: ignore[union-attr]
    store.finish_session(older.id)
    store.finish_session(older.id)  # twice is harmless
    assert store.unfinished_session() is None
    statuses = [(s.id, s.status, s.ended_at is not None) for s in store.sessions()]
    assert statuses == [(older.id, "finished", True), (newer.id, "abandoned", True)]


def test_an_open_session_with_every_question_answered_is_not_offered(store: HistoryStore) -> None:
    session = store.start_session([SINGLE.id])
    store.record_answer(session.id, SINGLE, [0], 1.0, 2.0)  # killed before the summary
    assert store.session(session.id).status == "open"
    assert store.unfinished_session() is None


def test_the_database_is_marked_and_in_wal_mode(store: HistoryStore) -> None:
    raw = sqlite3.connect(store.path)
    try:
        assert raw.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        raw.close()


# -- migrations ----------------------------------------------------------------------------


def make_v1_database(path: Path) -> None:
    """A database as quizengine with schema v1 left it, with one session and two answers."""
    raw = sqlite3.connect(path, isolation_level=None)
    for statement in MIGRATIONS[0]:
        raw.execute(statement)
    raw.execute("PRAGMA user_version = 1")
    raw.execute(
        "INSERT INTO sessions (kind, question_ids, started_at) VALUES ('quiz', ?, ?)",
        (json.dumps([SINGLE.id, NUMERIC.id, MULTI.id]), "2026-01-05T10:00:00.000000+00:00"),
    )
    raw.execute(
        "INSERT INTO answers (session_id, question_id, content_hash, picked, value, score,"
        " seconds, answered_at) VALUES (1, ?, ?, '[1]', NULL, 0.0, 7.5, ?)",
        (SINGLE.id, SINGLE.content_hash, "2026-01-05T10:00:10.000000+00:00"),
    )
    raw.execute(
        "INSERT INTO answers (session_id, question_id, content_hash, picked, value, score,"
        " seconds, answered_at) VALUES (1, ?, ?, NULL, 2.0, 1.0, 30.0, ?)",
        (NUMERIC.id, NUMERIC.content_hash, "2026-01-05T10:00:50.000000+00:00"),
    )
    raw.close()


def test_a_v1_database_is_upgraded_with_its_data_kept(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "old.sqlite3"
    make_v1_database(path)
    with HistoryStore.open(path, clock=clock) as store:
        answers = store.answers()
        assert [(a.question_id, a.picked, a.value, a.score, a.seconds) for a in answers] == [
            (SINGLE.id, (1,), None, 0.0, 7.5),
            (NUMERIC.id, None, 2.0, 1.0, 30.0),
        ]
        assert [(a.tags, a.topic) for a in answers] == [((), None), ((), None)]
        resumed = store.unfinished_session()
        assert resumed is not None and resumed.answered_ids == (SINGLE.id, NUMERIC.id)
        assert resumed.remaining == (MULTI.id,)
        # The upgraded schema takes new rows with the v2 columns.
        session = store.start_session([MULTI.id])
        store.record_answer(session.id, MULTI, [0, 2], 1.0, 3.0)
        assert store.answers(MULTI.id)[0].tags == ("activations",)
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        indexes = {r[0] for r in raw.execute("SELECT name FROM sqlite_schema WHERE type='index'")}
        assert "answers_by_session" in indexes
    finally:
        raw.close()


# -- files that are not ours ---------------------------------------------------------------


def assert_refused_untouched(path: Path, message: str) -> None:
    before = path.read_bytes()
    with pytest.raises(HistoryError, match=message) as caught:
        HistoryStore.open(path)
    assert "\n" not in str(caught.value)
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # no -wal/-shm left


def test_random_bytes_are_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    path.write_bytes(os.urandom(8192))
    assert_refused_untouched(path, "not an SQLite file.*--reset-db")


def test_a_damaged_sqlite_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    with HistoryStore.open(path) as store:
        store.start_session([SINGLE.id])
    data = bytearray(path.read_bytes())
    data[100:] = os.urandom(len(data) - 100)  # keep the header, scramble every page
    path.write_bytes(bytes(data))
    for companion in tmp_path.glob("h.sqlite3-*"):
        companion.unlink()
    assert_refused_untouched(path, "is damaged")


def test_a_foreign_sqlite_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE notes (body TEXT)")
    raw.execute("INSERT INTO notes VALUES ('keep me')")
    raw.commit()
    raw.close()
    assert_refused_untouched(path, "another application \\(tables: notes\\)")


def test_our_marker_without_our_tables_is_damaged(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    raw.execute("PRAGMA user_version = 2")
    raw.execute("CREATE TABLE sessions (id INTEGER)")
    raw.commit()
    raw.close()
    assert_refused_untouched(path, "missing tables: answers")


def test_a_newer_schema_asks_for_an_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    with HistoryStore.open(path):
        pass
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    raw.commit()
    raw.execute("PRAGMA journal_mode = DELETE")  # fold the WAL in, so only the file remains
    raw.close()
    assert_refused_untouched(path, "newer quizengine")


def test_an_empty_file_becomes_a_history(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    path.touch()
    with HistoryStore.open(path) as store:
        assert store.answers() == []


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(HistoryError, match="is a directory"):
        HistoryStore.open(tmp_path)


def test_move_aside_keeps_the_old_file_and_its_wal(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    path.write_bytes(b"garbage")
    (tmp_path / "h.sqlite3-wal").write_bytes(b"wal")
    moved = move_aside(path)
    assert moved is not None and moved.read_bytes() == b"garbage"
    assert Path(f"{moved}-wal").read_bytes() == b"wal"
    assert not path.exists()
    again = tmp_path / "h.sqlite3"
    again.write_bytes(b"more garbage")
    second = move_aside(again)
    assert second is not None and second != moved and moved.read_bytes() == b"garbage"
    assert move_aside(tmp_path / "absent.sqlite3") is None
    with HistoryStore.open(path) as store:  # the path is free for a new history
        assert store.answers() == []


def test_one_store_can_be_shared_by_threads(store: HistoryStore) -> None:
    # The TUI reads the schedule in a worker thread while the UI thread records answers.
    from concurrent.futures import ThreadPoolExecutor

    session = store.start_session([SINGLE.id])

    def work(k: int) -> int:
        for i in range(25):
            store.record_answer(session.id, SINGLE, [i % 4], 1.0, float(k))
            store.last_results()
        return k

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert sorted(pool.map(work, range(4))) == [0, 1, 2, 3]
    assert len(store.answers()) == 100


def test_the_db_path_comes_from_the_option_then_the_environment_then_the_user_data_dir(
    tmp_path: Path,
) -> None:
    import platformdirs

    from quizengine.history.paths import DB_ENV, resolve_db_path

    env = {DB_ENV: str(tmp_path / "env.sqlite3")}
    assert resolve_db_path(str(tmp_path / "cli.sqlite3"), env) == tmp_path / "cli.sqlite3"
    assert resolve_db_path(None, env) == tmp_path / "env.sqlite3"
    default = resolve_db_path(None, {})
    assert default.parent == Path(platformdirs.user_data_dir("quizengine", appauthor=False))
    assert default.name == "history.sqlite3"


def test_a_lock_held_too_long_is_a_history_error_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    with HistoryStore.open(path, timeout=0.2) as store:
        session = store.start_session([SINGLE.id])
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another instance in the middle of a write
        try:
            with pytest.raises(HistoryError, match="database is locked"):
                store.record_answer(session.id, SINGLE, [0], 1.0, 1.0)
        finally:
            other.execute("ROLLBACK")
            other.close()
        store.record_answer(session.id, SINGLE, [0], 1.0, 1.0)  # fine once released
        assert len(store.answers()) == 1


def test_a_v3_database_gains_ratings_and_a_rating_overrules_the_schedule(
    tmp_path: Path, clock: Clock
) -> None:
    from fsrs import Rating

    from quizengine.history.schedule import card_for

    path = tmp_path / "v3.sqlite3"
    raw = sqlite3.connect(path, isolation_level=None)
    for migration in MIGRATIONS[:3]:
        for statement in migration:
            raw.execute(statement)
    raw.execute("PRAGMA user_version = 3")
    raw.close()
    with HistoryStore.open(path, clock=clock) as store:
        session = store.start_session([SINGLE.id])
        answer = store.record_answer(session.id, SINGLE, [0], 1.0, 60.0)  # right, slowly: Good
        assert store.answers()[0].rating is None
        by_score = card_for(store.answers()).due
        store.rate_answer(answer.id, int(Rating.Again))  # the learner knows it was a guess
        assert store.answers()[0].rating == 1
        assert card_for(store.answers()).due < by_score  # back sooner
        store.rate_answer(answer.id, None)
        assert card_for(store.answers()).due == by_score
        with pytest.raises(ValueError, match="1 \\(Again\\) to 4"):
            store.rate_answer(answer.id, 5)
        with pytest.raises(ValueError, match="no answer"):
            store.rate_answer(999, 3)
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 4
    finally:
        raw.close()


class CreatedMidway:
    """A connection whose file another connection turns into a history (in a thread) right after
    the first read: the moment two processes starting on a new history can meet."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn, self.path = conn, path
        self.creator: threading.Thread | None = None
        self.errors: list[BaseException] = []

    @property
    def in_transaction(self) -> bool:
        return self.conn.in_transaction

    def execute(self, sql: str) -> sqlite3.Cursor:
        cursor = self.conn.execute(sql)
        if self.creator is None and sql.startswith("PRAGMA"):
            self.creator = threading.Thread(target=self._create)
            self.creator.start()
            self.creator.join(timeout=0.5)  # done by now, unless it waits for our snapshot
        return cursor

    def _create(self) -> None:
        other = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        try:
            migrate(other, self.path)
        except BaseException as error:  # reported by the test
            self.errors.append(error)
        finally:
            other.close()


def test_a_history_created_by_another_process_while_it_is_inspected_is_not_foreign(
    tmp_path: Path,
) -> None:
    """The schema's reads share one snapshot: read one by one, they saw the other process's
    tables without its application id and called the new history another application's."""
    path = tmp_path / "new.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    midway = CreatedMidway(conn, path)
    try:
        assert inspect_schema(midway, path) == 0  # type: ignore[arg-type]  # still empty
    finally:
        conn.close()
    assert midway.creator is not None
    midway.creator.join()
    assert midway.errors == []
    with HistoryStore.open(path) as store:  # and the other's history is whole
        assert store.has_answers() is False
