"""The history file's schema: recognising our database, and migrating it to the current version.

Nothing here writes before :func:`inspect_schema` has found the file to be ours and sound, so a
foreign or damaged file is left byte-for-byte untouched.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from quizengine.history.records import HistoryError
from quizengine.safefile import NotReadable, read_start

SQLITE_MAGIC = b"SQLite format 3\x00"
APPLICATION_ID = int.from_bytes(b"QZEN", "big")
"""In the database header (``PRAGMA application_id``): marks a file as a quizengine history."""
# Each entry upgrades the schema from version i to i + 1 (PRAGMA user_version). Never edit a
# shipped entry: append a new one, and add a test that opens a database of the previous version.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # v1: sessions and answers.
    (
        f"PRAGMA application_id = {APPLICATION_ID}",
        """CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            question_ids TEXT NOT NULL,        -- JSON array, in the order asked
            started_at TEXT NOT NULL,          -- ISO 8601, UTC
            ended_at TEXT,
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'finished', 'abandoned'))
        )""",
        """CREATE TABLE answers (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id),
            question_id TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            picked TEXT,                       -- JSON array of choice indices (file order)
            value REAL,                        -- the number given to a numeric question
            score REAL NOT NULL CHECK (score BETWEEN 0 AND 1),
            seconds REAL NOT NULL CHECK (seconds >= 0),
            answered_at TEXT NOT NULL
        )""",
        "CREATE INDEX answers_by_question ON answers(question_id, answered_at)",
    ),
    # v2: snapshot the question's tags and topic, so statistics still place answers to a
    # question that has since left the bank; and find a session's answers without a scan.
    (
        "ALTER TABLE answers ADD COLUMN tags TEXT NOT NULL DEFAULT '[]'",
        "ALTER TABLE answers ADD COLUMN topic TEXT",
        "CREATE INDEX answers_by_session ON answers(session_id)",
    ),
    # v3: which running instance holds an open session (host:pid:token, NULL when none), so
    # that two windows on one history do not both resume it.
    ("ALTER TABLE sessions ADD COLUMN owner TEXT",),
    # v4: the learner's own rating of an answer (1 Again .. 4 Easy, as FSRS numbers them),
    # overruling the one its score and time give; NULL when they did not overrule it.
    ("ALTER TABLE answers ADD COLUMN rating INTEGER CHECK (rating BETWEEN 1 AND 4)",),
)
SCHEMA_VERSION = len(MIGRATIONS)
EXPECTED_TABLES = frozenset({"sessions", "answers"})


RESET_HINT = "it was left untouched; pass --reset-db to move it aside and start a new history"


def explain(error: sqlite3.Error, path: Path) -> str:
    """What an SQLite error means for the user, in words: not 'disk I/O error' or 'cannot
    rollback' when the disk is full, not 'damaged' when the folder is read-only."""
    name = getattr(error, "sqlite_errorname", "") or ""
    if name.startswith("SQLITE_FULL") or "disk is full" in str(error):
        return f"cannot write {path}: the disk is full; free some space and try again"
    if name.startswith(("SQLITE_READONLY", "SQLITE_PERM", "SQLITE_AUTH")) or (
        name.startswith("SQLITE_CANTOPEN") and not os.access(path.parent, os.W_OK)
    ):
        return (
            f"cannot write {path}: it or its folder is read-only; check the permissions "
            "(the history needs to write the file and a -wal and -shm file beside it)"
        )
    if name.startswith("SQLITE_CANTOPEN"):
        return f"cannot open {path}: {error}; check that its folder exists and is writable"
    if name.startswith("SQLITE_BUSY") or name.startswith("SQLITE_LOCKED"):
        return f"{path}: {error} (another program is writing to it; try again when it is done)"
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return f"{path} is damaged ({error}); {RESET_HINT}"
    return f"{path}: {error}"


def inspect_schema(conn: sqlite3.Connection, path: Path) -> int:
    """The schema version of the database behind ``conn``, after checking it is ours and sound.

    Reads only. A brand-new (empty) file is version 0.
    """
    # The reads share one snapshot (a read transaction, unless the caller holds one): read one
    # by one, they could straddle another process's creation of the schema, and see its tables
    # without its application id, "another application's database".
    snapshot = not conn.in_transaction
    try:
        if snapshot:
            conn.execute("BEGIN")
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            objects = conn.execute("SELECT type, name FROM sqlite_schema").fetchall()
            check = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
        finally:
            if snapshot and conn.in_transaction:
                conn.execute("COMMIT")
    except sqlite3.Error as error:
        raise HistoryError(explain(error, path)) from None
    tables = {name for kind, name in objects if kind == "table" and not name.startswith("sqlite_")}
    # Empty means no schema object at all: a file holding only views, triggers or indexes is
    # another application's, and must be left as it is.
    if app_id == 0 and version == 0 and not objects:
        return 0
    if app_id != APPLICATION_ID:
        found = "; ".join(
            f"{kind}s: " + ", ".join(sorted(n for k, n in objects if k == kind))
            for kind in ("table", "view", "index", "trigger")
            if any(k == kind for k, _ in objects)
        )
        found = (found or "tables: none")[:200]
        raise HistoryError(
            f"{path} is an SQLite database of another application ({found}); {RESET_HINT}"
        )
    if version > SCHEMA_VERSION:
        raise HistoryError(
            f"{path} was written by a newer quizengine (schema v{version}, this one knows up to "
            f"v{SCHEMA_VERSION}); upgrade quizengine"
        )
    if missing := EXPECTED_TABLES - tables:
        raise HistoryError(
            f"{path} is damaged (missing tables: {', '.join(sorted(missing))}); {RESET_HINT}"
        )
    if check != "ok":
        raise HistoryError(f"{path} is damaged (integrity check: {check}); {RESET_HINT}")
    return version


def check_header(path: Path) -> None:
    """Refuse a non-SQLite file before SQLite sees it. A missing or empty file is a new database."""
    if path.is_dir():
        raise HistoryError(f"{path} is a directory, not a history database")
    if not path.exists():
        return
    try:
        # Not open().read(): a FIFO would block forever, a device is no database either.
        header = read_start(path, len(SQLITE_MAGIC))
    except NotReadable as error:
        raise HistoryError(f"{path}: {error}") from None
    if header and header != SQLITE_MAGIC:
        raise HistoryError(f"{path} is not a quizengine history (not an SQLite file); {RESET_HINT}")


def migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Bring the schema to SCHEMA_VERSION in one transaction (another instance may race us)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Re-inspect under the write lock: another process may have created or migrated it.
        version = inspect_schema(conn, path)
        for statements in MIGRATIONS[version:]:
            for statement in statements:
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        # SQLite has already rolled back after some errors (a full disk): a second ROLLBACK
        # would fail with "no transaction is active" and hide the error that matters.
        if conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
        raise
