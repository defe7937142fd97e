"""A hostile or unlucky history database: a foreign file with only views, triggers or indexes is
left byte-identical; damaged rows are named and left out (history, stats, the TUI); a full disk
and a read-only folder are said as such."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from tui_support import Clock, fixture_bank

from quizengine.cli import main
from quizengine.history.records import HistoryError
from quizengine.history.schema import explain as _explain
from quizengine.history.store import HistoryStore
from quizengine.tui.app import QuizApp


@pytest.mark.parametrize(
    "schema",
    [
        "CREATE VIEW v AS SELECT 1 AS one",
        "CREATE VIEW v AS SELECT 1 AS one;"
        " CREATE TRIGGER tr INSTEAD OF INSERT ON v BEGIN SELECT 1; END",
        # ANALYZE leaves its sqlite_stat1 table, which the old check did not count as a table.
        "CREATE TABLE t(x); CREATE INDEX i ON t(x); INSERT INTO t VALUES (1); ANALYZE;"
        " DROP TABLE t",
    ],
    ids=["view", "view-and-trigger", "statistics-only"],
)
def test_a_foreign_file_with_only_views_triggers_or_indexes_is_left_untouched(
    schema: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    try:
        conn.executescript(schema)
    except sqlite3.Error:
        pytest.skip("this SQLite cannot build that schema")
    conn.close()
    with sqlite3.connect(path) as check:
        objects = check.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0]
    if objects == 0:
        pytest.skip("nothing foreign left in the file: an empty database is a new history")
    before = path.read_bytes()
    with pytest.raises(HistoryError, match="another application"):
        HistoryStore.open(path)
    monkeypatch.setenv("QUIZENGINE_DB", str(path))
    for command in (["stats"], ["history"], ["review", "--list"]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert len(err.splitlines()) == 1 and "another application" in err
    assert path.read_bytes() == before


def test_a_view_only_file_names_what_it_holds(tmp_path: Path) -> None:
    path = tmp_path / "views.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE VIEW answers AS SELECT 1 AS id")
    with pytest.raises(HistoryError, match=r"\(views: answers\)"):
        HistoryStore.open(path)


DAMAGE = {
    "answered_at": "UPDATE answers SET answered_at = 'last tuesday' WHERE id = 1",
    "naive time": "UPDATE answers SET answered_at = '2026-01-01T00:00:00' WHERE id = 1",
    "tags": "UPDATE answers SET tags = 'not json' WHERE id = 1",
    "tags not a list": "UPDATE answers SET tags = '{\"a\": 1}' WHERE id = 1",
    "picked": "UPDATE answers SET picked = '[\"x\"]' WHERE id = 1",
    "question list": "UPDATE sessions SET question_ids = '[1, 2' WHERE id = 1",
    "started_at": "UPDATE sessions SET started_at = 7 WHERE id = 1",
}


def damaged_history(path: Path, damage: str) -> None:
    bank = fixture_bank()
    single = next(q for q in bank.questions if q.type == "single")
    with HistoryStore.open(path, clock=Clock()) as store:
        first = store.start_session([single.id])
        store.record_answer(first.id, single, [0], 1.0, 5.0)
        second = store.start_session([single.id])
        store.record_answer(second.id, single, [1], 0.0, 6.0)
    with sqlite3.connect(path) as conn:
        conn.execute(DAMAGE[damage])


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_row_is_named_and_left_out(
    damage: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "h.sqlite3"
    damaged_history(path, damage)
    monkeypatch.setenv("QUIZENGINE_DB", str(path))
    with HistoryStore.open(path) as store:
        answers, sessions = store.answers(), store.sessions()
        store.unfinished_session()
        assert store.damaged_rows
        table = "sessions" if damage in ("question list", "started_at") else "answers"
        assert f"{table} row 1 is damaged" in store.damaged_rows[0]
    assert len(answers) + len(sessions) == 3  # of 2 answers and 2 sessions, only the bad one left
    for command in (["history"], ["stats"], ["review", "--list"]):
        assert main(command) == 0, command
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        if table == "answers":
            assert "answers row 1 is damaged" in err


async def test_the_tui_starts_on_a_damaged_history_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    damaged_history(path, "tags")
    with HistoryStore.open(path) as store:
        app = QuizApp(fixture_bank(), store=store, clock=Clock())
        async with app.run_test(size=(100, 30)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            notes = [str(n.message) for n in app._notifications]
    assert any("answers row 1 is damaged" in note for note in notes)


def test_a_full_disk_is_said_as_such(tmp_path: Path) -> None:
    bank = fixture_bank()
    single = next(q for q in bank.questions if q.type == "single")
    with HistoryStore.open(tmp_path / "h.sqlite3", clock=Clock()) as store:
        session = store.start_session([single.id])
        pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
        store._conn.execute(f"PRAGMA max_page_count = {pages}")  # the file may not grow
        with pytest.raises(HistoryError, match="the disk is full"):
            for _ in range(200):
                store.record_answer(session.id, single, [0], 1.0, 5.0)


def synthetic(name: str, message: str) -> sqlite3.Error:
    error = sqlite3.OperationalError(message)
    error.sqlite_errorname = name  # type: ignore[attr-defined]
    return error


@pytest.mark.parametrize(
    ("name", "message", "said"),
    [
        ("SQLITE_FULL", "database or disk is full", "the disk is full"),
        ("SQLITE_READONLY", "attempt to write a readonly database", "read-only"),
        ("SQLITE_READONLY_DIRECTORY", "attempt to write a readonly database", "read-only"),
        ("SQLITE_CORRUPT", "database disk image is malformed", "is damaged"),
        ("SQLITE_BUSY", "database is locked", "another program is writing"),
    ],
)
def test_sqlite_errors_are_explained_in_words(
    name: str, message: str, said: str, tmp_path: Path
) -> None:
    assert said in _explain(synthetic(name, message), tmp_path / "h.sqlite3")


def test_a_migration_on_a_full_disk_reports_the_full_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite rolls back by itself after SQLITE_FULL: the error shown must be the full disk,
    not 'cannot rollback - no transaction is active'."""
    import quizengine.history.schema as schema_module
    import quizengine.history.store as store_module

    statements = list(schema_module.MIGRATIONS[0])
    # A statement that fails with SQLITE_FULL inside the migration's transaction.
    filler = "CREATE TABLE filler AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n LIMIT 100000) SELECT randomblob(100) FROM n"  # noqa: E501
    monkeypatch.setattr(
        schema_module, "MIGRATIONS", ((*statements, filler), *schema_module.MIGRATIONS[1:])
    )
    real_connect = sqlite3.connect

    def small_connect(*args: object, **kwargs: object) -> sqlite3.Connection:
        conn = real_connect(*args, **kwargs)  # type: ignore[arg-type]
        conn.execute("PRAGMA max_page_count = 20")
        return conn

    monkeypatch.setattr(store_module.sqlite3, "connect", small_connect)
    with pytest.raises(HistoryError, match="the disk is full"):
        HistoryStore.open(tmp_path / "h.sqlite3")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through any permission")
def test_a_read_only_folder_is_said_as_such(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    with HistoryStore.open(folder / "h.sqlite3"):
        pass
    for name in ("h.sqlite3-wal", "h.sqlite3-shm"):
        (folder / name).unlink(missing_ok=True)
    folder.chmod(0o555)
    try:
        with (
            pytest.raises(HistoryError, match="read-only"),
            HistoryStore.open(folder / "h.sqlite3") as store,
        ):
            store.start_session(["q"])
    finally:
        folder.chmod(0o755)


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_fifo_or_device_as_the_history_is_refused_without_blocking(
    kind: str, tmp_path: Path
) -> None:
    path = tmp_path / "h.sqlite3"
    if kind == "fifo":
        os.mkfifo(path)  # opening it for reading used to block forever
    else:
        path.symlink_to("/dev/zero")
    with pytest.raises(HistoryError, match="not a regular file"):
        HistoryStore.open(path)
