"""The learner's answer history in SQLite: every submitted answer is committed at once.

API (everything raises :class:`HistoryError` with a one-line message for a bad database file
or a failed write, e.g. locked by another instance beyond the busy timeout; ``ValueError``
means the caller passed something impossible)::

    store = HistoryStore.open(path)              # checks the file, creates/migrates the schema
    session = store.start_session(question_ids, kind="quiz")   # -> Session (id, question_ids, ...)
    store.record_answer(session.id, question, picked, score, seconds)  # committed before it returns
    store.finish_session(session.id)             # or store.abandon_session(session.id)
    store.unfinished_session()                   # -> Session | None: the latest open session with
                                                 #    questions left that no other running
                                                 #    instance holds; .answered_ids, .remaining
    store.claim_session(session.id)              # -> bool: take it over to resume it
    store.release_session(session.id)            # quit mid-quiz: the next start may resume it
    store.last_results()                         # -> {question_id: AnswerRecord} (latest answer)
    store.answers(question_id=None)              # -> [AnswerRecord], oldest first
    store.schedule(questions, now=None)          # -> {question_id: Scheduled} (FSRS)
    store.due(questions, now=None)               # -> [Question] due for review, most overdue first
    store.close()                                # or use the store as a context manager
    move_aside(path)                             # --reset-db: rename the file (and -wal/-shm) aside

``picked`` is the list of chosen indices into ``question.choices`` in file order (the TUI maps
shuffled positions back), or a float for a numeric question. Times are timezone-aware UTC.

Safety: the file is inspected (SQLite header, ``application_id``, ``user_version``, tables,
``PRAGMA quick_check``) before anything is written, so a foreign or damaged file is reported and
left byte-for-byte untouched. WAL mode and a busy timeout let two instances share one file.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import os
import secrets
import socket
import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, Self

if TYPE_CHECKING:
    from quizengine.bank.model import Question
    from quizengine.history.schedule import Scheduled

SQLITE_MAGIC = b"SQLite format 3\x00"
APPLICATION_ID = int.from_bytes(b"QZEN", "big")
"""In the database header (``PRAGMA application_id``): marks a file as a quizengine history."""
BUSY_TIMEOUT_SECONDS = 10.0
"""How long a write waits for another instance's transaction; ours last milliseconds."""

SessionStatus = Literal["open", "finished", "abandoned"]

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
)
SCHEMA_VERSION = len(MIGRATIONS)
EXPECTED_TABLES = frozenset({"sessions", "answers"})


class HistoryError(Exception):
    """The history database cannot be used; the message is one line, for the user."""


@dataclass(frozen=True)
class AnswerRecord:
    """One submitted answer."""

    id: int
    session_id: int
    question_id: str
    content_hash: str
    picked: tuple[int, ...] | None
    """Chosen choice indices in file order (single/multiple), None for a numeric question."""
    value: float | None
    """The number given (numeric), None otherwise."""
    score: float
    seconds: float
    answered_at: dt.datetime
    tags: tuple[str, ...] = ()
    topic: str | None = None


@dataclass(frozen=True)
class Session:
    """A sitting: the questions planned, in order, and which of them were answered."""

    id: int
    kind: str
    question_ids: tuple[str, ...]
    started_at: dt.datetime
    ended_at: dt.datetime | None = None
    status: SessionStatus = "open"
    answered_ids: tuple[str, ...] = field(default=())
    """Questions answered in this session, in the order answered (a retried one appears twice)."""
    owner: str | None = None
    """The instance holding it open (see :func:`instance_owner`), None when none does."""

    @property
    def remaining(self) -> tuple[str, ...]:
        """Planned questions not answered yet, in the planned order."""
        done = set(self.answered_ids)
        return tuple(q for q in self.question_ids if q not in done)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def instance_owner() -> str:
    """A name for one open store: this host, this process and a token (one process may open
    the history twice)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def owner_is_running(owner: str) -> bool:
    """Whether the process named in ``owner`` still runs on this host.

    An owner on another host counts as gone: hosts sharing a history file cannot see each
    other's processes, and a session nobody can ever resume would be worse than one resumed
    twice. So does any owner on Windows, where signal 0 would terminate the process.
    """
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    if os.name == "nt" or host != socket.gethostname() or not pid.isdigit() or int(pid) <= 0:
        return False
    try:
        os.kill(int(pid), 0)  # signal 0: only asks whether the process exists
    except PermissionError:
        return True  # it exists, run by another user
    except OSError:
        return False
    return True


def _stamp(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    # One fixed format, so text order is time order in SQL.
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _parse_stamp(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def move_aside(path: Path, now: dt.datetime | None = None) -> Path | None:
    """Rename ``path`` (with its -wal/-shm files) to ``NAME.DATE.bak``; never deletes anything.

    Returns the new name of the database file, or None if there was nothing to move.
    """
    if not path.exists():
        return None
    stamp = (now or utc_now()).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.{stamp}.bak")
    counter = 1
    while target.exists():  # two resets within a second must not clobber the first
        counter += 1
        target = path.with_name(f"{path.name}.{stamp}-{counter}.bak")
    for suffix in ("-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            companion.rename(target.with_name(target.name + suffix))
    path.rename(target)
    return target


_SESSION_COLUMNS = (
    "SELECT id, kind, question_ids, started_at, ended_at, status, owner FROM sessions"
)

_RESET_HINT = "it was left untouched; pass --reset-db to move it aside and start a new history"


def _inspect(conn: sqlite3.Connection, path: Path) -> int:
    """The schema version of the database behind ``conn``, after checking it is ours and sound.

    Reads only. A brand-new (empty) file is version 0.
    """
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {
            row[0]
            for row in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")
            if not row[0].startswith("sqlite_")
        }
        check = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise HistoryError(f"{path} is damaged ({error}); {_RESET_HINT}") from None
    if app_id == 0 and version == 0 and not tables:
        return 0
    if app_id != APPLICATION_ID:
        found = ", ".join(sorted(tables)) or "none"
        raise HistoryError(
            f"{path} is an SQLite database of another application (tables: {found}); {_RESET_HINT}"
        )
    if version > SCHEMA_VERSION:
        raise HistoryError(
            f"{path} was written by a newer quizengine (schema v{version}, this one knows up to "
            f"v{SCHEMA_VERSION}); upgrade quizengine"
        )
    if missing := EXPECTED_TABLES - tables:
        raise HistoryError(
            f"{path} is damaged (missing tables: {', '.join(sorted(missing))}); {_RESET_HINT}"
        )
    if check != "ok":
        raise HistoryError(f"{path} is damaged (integrity check: {check}); {_RESET_HINT}")
    return version


def _check_header(path: Path) -> None:
    """Refuse a non-SQLite file before SQLite sees it. A missing or empty file is a new database."""
    if path.is_dir():
        raise HistoryError(f"{path} is a directory, not a history database")
    try:
        with path.open("rb") as file:
            header = file.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        return
    except OSError as error:
        raise HistoryError(f"cannot read {path}: {error.strerror or error}") from None
    if header and header != SQLITE_MAGIC:
        raise HistoryError(
            f"{path} is not a quizengine history (not an SQLite file); {_RESET_HINT}"
        )


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Bring the schema to SCHEMA_VERSION in one transaction (another instance may race us)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Re-inspect under the write lock: another process may have created or migrated it.
        version = _inspect(conn, path)
        for statements in MIGRATIONS[version:]:
            for statement in statements:
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


class HistoryStore:
    """A connection to one history database. Safe to share between the threads of one process."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path,
        clock: Callable[[], dt.datetime],
        owner: str,
    ):
        self._conn = conn
        self._lock = threading.Lock()
        self.path = path
        self._clock = clock
        self.owner = owner
        """How this store marks the sessions it holds open (see :func:`instance_owner`)."""

    # -- opening --------------------------------------------------------------------------
    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        clock: Callable[[], dt.datetime] = utc_now,
        timeout: float = BUSY_TIMEOUT_SECONDS,
        owner: str | None = None,
    ) -> Self:
        """Open (creating or migrating) the history at ``path``; HistoryError if it isn't one.

        ``timeout``: seconds a write waits for another instance's lock before HistoryError.
        ``owner``: how to mark the sessions this store holds (default: :func:`instance_owner`).
        """
        path = Path(path)
        _check_header(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                path, timeout=timeout, isolation_level=None, check_same_thread=False
            )
        except (OSError, sqlite3.Error) as error:
            raise HistoryError(f"cannot open {path}: {error}") from None
        try:
            if _inspect(conn, path) < SCHEMA_VERSION:
                _migrate(conn, path)
            # WAL: readers never block the writer and a killed writer loses nothing committed.
            # FULL: each commit is fsynced, so a submitted answer survives even a power cut.
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as error:
            conn.close()
            raise HistoryError(f"cannot use {path}: {error}") from None
        except BaseException:
            conn.close()
            raise
        return cls(conn, path, clock, owner or instance_owner())

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _write(self, sql: str, params: Sequence[object] = ()) -> sqlite3.Cursor:
        """Run one statement; in autocommit mode it is its own transaction, committed on return."""
        try:
            with self._lock:
                return self._conn.execute(sql, params)
        except sqlite3.Error as error:  # e.g. locked beyond the timeout, disk full, damaged
            raise HistoryError(f"{self.path}: {error}") from None

    def _query(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        try:
            with self._lock:
                return self._conn.execute(sql, params).fetchall()
        except sqlite3.Error as error:
            raise HistoryError(f"{self.path}: {error}") from None

    # -- sessions -------------------------------------------------------------------------
    def start_session(self, question_ids: Iterable[str], kind: str = "quiz") -> Session:
        """Begin a sitting over ``question_ids`` (in the order they will be asked)."""
        ids = tuple(question_ids)
        started = self._clock()
        cursor = self._write(
            "INSERT INTO sessions (kind, question_ids, started_at, owner) VALUES (?, ?, ?, ?)",
            (kind, json.dumps(ids), _stamp(started), self.owner),
        )
        assert cursor.lastrowid is not None
        return Session(cursor.lastrowid, kind, ids, started, owner=self.owner)

    def claim_session(self, session_id: int) -> bool:
        """Take over an open session to resume it; False when it is closed, or held by another
        instance whose process still runs (e.g. the learner resumed it in another window)."""
        rows = self._query(
            "SELECT owner FROM sessions WHERE id = ? AND status = 'open'", (session_id,)
        )
        if not rows:
            return False
        (owner,) = rows[0]
        if self._held_elsewhere(owner):
            return False
        # Compare and set: of two instances claiming at once, only one finds the owner it read.
        cursor = self._write(
            "UPDATE sessions SET owner = ? WHERE id = ? AND status = 'open' AND owner IS ?",
            (self.owner, session_id, owner),
        )
        return cursor.rowcount == 1

    def _held_elsewhere(self, owner: str | None) -> bool:
        """Whether a session marked ``owner`` is held by another store whose process runs."""
        return owner is not None and owner != self.owner and owner_is_running(owner)

    def release_session(self, session_id: int) -> None:
        """Let go of an open session this store holds (the learner quit mid-quiz): the next
        start may offer to resume it."""
        self._write(
            "UPDATE sessions SET owner = NULL WHERE id = ? AND owner = ?", (session_id, self.owner)
        )

    def finish_session(self, session_id: int) -> None:
        """Mark a sitting as completed (the learner reached the end)."""
        self._end_session(session_id, "finished")

    def abandon_session(self, session_id: int) -> None:
        """Close a sitting the learner chose not to resume; its answers stay recorded."""
        self._end_session(session_id, "abandoned")

    def _end_session(self, session_id: int, status: SessionStatus) -> None:
        cursor = self._write(
            "UPDATE sessions SET status = ?, ended_at = ? WHERE id = ? AND status = 'open'",
            (status, _stamp(self._clock()), session_id),
        )
        if cursor.rowcount == 0:
            self.session(session_id)  # raises ValueError for an unknown id
            # Already closed: ending it twice is harmless (e.g. quit right after the summary).

    def session(self, session_id: int) -> Session:
        rows = self._query(f"{_SESSION_COLUMNS} WHERE id = ?", (session_id,))
        if not rows:
            raise ValueError(f"no session {session_id}")
        return self._session_from_row(rows[0])

    def sessions(self) -> list[Session]:
        """Every session, oldest first."""
        rows = self._query(f"{_SESSION_COLUMNS} ORDER BY id")
        return [self._session_from_row(row) for row in rows]

    def unfinished_session(self) -> Session | None:
        """The latest open session that still has planned questions unanswered, if any.

        An open session whose questions were all answered (killed between the last answer and
        the summary) has nothing to resume, so it is skipped; so is one that another running
        instance holds (a quiz going on in another window).
        """
        rows = self._query(f"{_SESSION_COLUMNS} WHERE status = 'open' ORDER BY id DESC")
        for row in rows:
            session = self._session_from_row(row)
            if session.remaining and not self._held_elsewhere(session.owner):
                return session
        return None

    def _session_from_row(self, row: tuple[Any, ...]) -> Session:
        session_id, kind, question_ids, started_at, ended_at, status, owner = row
        answered = self._query(
            "SELECT question_id FROM answers WHERE session_id = ? ORDER BY id", (session_id,)
        )
        return Session(
            id=session_id,
            kind=kind,
            question_ids=tuple(json.loads(question_ids)),
            started_at=_parse_stamp(started_at),
            ended_at=_parse_stamp(ended_at) if ended_at else None,
            status=status,
            answered_ids=tuple(r[0] for r in answered),
            owner=owner,
        )

    # -- answers --------------------------------------------------------------------------
    def record_answer(
        self,
        session_id: int,
        question: Question,
        picked: Sequence[int] | float,
        score: float,
        seconds: float,
    ) -> AnswerRecord:
        """Store one submitted answer; it is committed (and fsynced) before this returns.

        ``picked``: choice indices in file order for single/multiple, a float for numeric.
        """
        choices, value = _validate_answer(question, picked)
        if not 0.0 <= score <= 1.0:
            raise ValueError(f"score must be within 0..1, got {score}")
        if not (seconds >= 0.0 and math.isfinite(seconds)):
            raise ValueError(f"seconds must be a finite non-negative number, got {seconds}")
        answered = self._clock()
        # One statement in autocommit mode is one transaction: committed when it returns.
        # Selecting from sessions turns an unknown session into a no-op we can detect. A
        # closed session still takes the answer: another instance may have abandoned it (its
        # learner declined to resume it) while this one was still answering, and an answer
        # the learner submitted is never dropped.
        cursor = self._write(
            "INSERT INTO answers (session_id, question_id, content_hash, picked, value, score,"
            " seconds, answered_at, tags, topic)"
            " SELECT id, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM sessions WHERE id = ?",
            (
                question.id,
                question.content_hash,
                None if choices is None else json.dumps(choices),
                value,
                float(score),
                float(seconds),
                _stamp(answered),
                json.dumps(list(question.tags)),
                question.topic,
                session_id,
            ),
        )
        if cursor.rowcount != 1:
            raise ValueError(f"no session {session_id}")
        assert cursor.lastrowid is not None
        return AnswerRecord(
            id=cursor.lastrowid,
            session_id=session_id,
            question_id=question.id,
            content_hash=question.content_hash,
            picked=choices,
            value=value,
            score=float(score),
            seconds=float(seconds),
            answered_at=answered,
            tags=tuple(question.tags),
            topic=question.topic,
        )

    def answers(self, question_id: str | None = None) -> list[AnswerRecord]:
        """Every recorded answer (or one question's), oldest first."""
        sql = (
            "SELECT id, session_id, question_id, content_hash, picked, value, score, seconds,"
            " answered_at, tags, topic FROM answers"
        )
        params: tuple[str, ...] = ()
        if question_id is not None:
            sql += " WHERE question_id = ?"
            params = (question_id,)
        rows = self._query(sql + " ORDER BY answered_at, id", params)
        return [_record_from_row(row) for row in rows]

    def last_results(self) -> dict[str, AnswerRecord]:
        """The latest answer to each question id (whatever its content hash)."""
        latest: dict[str, AnswerRecord] = {}
        for record in self.answers():  # oldest first, so later answers overwrite earlier ones
            latest[record.question_id] = record
        return latest

    # -- scheduling -----------------------------------------------------------------------
    def schedule(
        self, questions: Iterable[Question], now: dt.datetime | None = None
    ) -> dict[str, Scheduled]:
        """Each question's FSRS card, replayed from its answers (see schedule.py)."""
        from quizengine.history.schedule import schedule  # fsrs loads only when scheduling

        return schedule(questions, self.answers(), now or self._clock())

    def due(self, questions: Iterable[Question], now: dt.datetime | None = None) -> list[Question]:
        """Questions due at ``now``, most overdue first (never-answered ones are not due)."""
        from quizengine.history.schedule import due

        return due(questions, self.answers(), now or self._clock())


def _validate_answer(
    question: Question, picked: Sequence[int] | float
) -> tuple[tuple[int, ...] | None, float | None]:
    if question.type == "numeric":
        if isinstance(picked, bool) or not isinstance(picked, int | float):
            raise ValueError(f"{question.id}: a numeric question's answer is a number")
        if not math.isfinite(picked):
            raise ValueError(f"{question.id}: the answer must be a finite number, got {picked}")
        return None, float(picked)
    if isinstance(picked, int | float):
        raise ValueError(f"{question.id}: a {question.type} question's answer is a list of indices")
    indices = tuple(sorted(int(i) for i in picked))
    if len(set(indices)) != len(indices):
        raise ValueError(f"{question.id}: a choice was picked twice: {list(picked)}")
    if indices and not (indices[0] >= 0 and indices[-1] < len(question.choices)):
        raise ValueError(
            f"{question.id}: choice indices must be within 0..{len(question.choices) - 1}"
        )
    return indices, None


@functools.lru_cache(maxsize=4096)
def _json_tuple(text: str) -> tuple[Any, ...]:
    # The same few tag lists and choice sets recur in thousands of rows: parse each once.
    return tuple(json.loads(text))


def _record_from_row(row: tuple[Any, ...]) -> AnswerRecord:
    (
        rid,
        session_id,
        question_id,
        content_hash,
        picked,
        value,
        score,
        seconds,
        answered_at,
        tags,
        topic,
    ) = row
    return AnswerRecord(
        id=rid,
        session_id=session_id,
        question_id=question_id,
        content_hash=content_hash,
        picked=None if picked is None else _json_tuple(picked),
        value=value,
        score=score,
        seconds=seconds,
        answered_at=_parse_stamp(answered_at),
        tags=_json_tuple(tags),
        topic=topic,
    )
