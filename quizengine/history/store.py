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
    store.rate_answer(answer.id, 3)              # the learner overrules the rating (1-4, None)
    store.schedule(questions, now=None)          # -> {question_id: Scheduled} (FSRS)
    store.due(questions, now=None)               # -> [Question] due for review, most overdue first
    store.close()                                # or use the store as a context manager

``picked`` is the list of chosen indices into ``question.choices`` in file order (the TUI maps
shuffled positions back), or a float for a numeric question. Times are timezone-aware UTC.

Safety: the file is inspected (SQLite header, ``application_id``, ``user_version``, tables,
``PRAGMA quick_check``; see schema.py) before anything is written, so a foreign or damaged file
is reported and left byte-for-byte untouched. The values it returns are in records.py; which
process holds a sitting open, in owners.py. WAL mode and a busy timeout let two instances share
one file.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from quizengine.history.owners import instance_owner, owner_is_running
from quizengine.history.records import (
    AnswerRecord,
    HistoryError,
    Session,
    SessionStatus,
    utc_now,
)
from quizengine.history.schema import (
    SCHEMA_VERSION,
    check_header,
    explain,
    inspect_schema,
    migrate,
)

if TYPE_CHECKING:
    from quizengine.bank.model import Question
    from quizengine.history.schedule import Scheduled

BUSY_TIMEOUT_SECONDS = 10.0
"""How long a write waits for another instance's transaction; ours last milliseconds."""


def _stamp(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    # One fixed format, so text order is time order in SQL.
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _parse_stamp(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)  # ValueError or TypeError for what is not a time
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no time zone")
    return moment


class _BadRow(ValueError):
    """A row whose values cannot be what this schema stores (edited by hand, another tool)."""


_SESSION_COLUMNS = (
    "SELECT id, kind, question_ids, started_at, ended_at, status, owner FROM sessions"
)


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
        self.damaged_rows: list[str] = []
        """One line per row read but left out because its values are damaged."""

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
        check_header(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                path, timeout=timeout, isolation_level=None, check_same_thread=False
            )
        except OSError as error:
            raise HistoryError(f"cannot open {path}: {error.strerror or error}") from None
        except sqlite3.Error as error:
            raise HistoryError(explain(error, path)) from None
        try:
            if inspect_schema(conn, path) < SCHEMA_VERSION:
                migrate(conn, path)
            # WAL: readers never block the writer and a killed writer loses nothing committed.
            # FULL: each commit is fsynced, so a submitted answer survives even a power cut.
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as error:
            conn.close()
            raise HistoryError(explain(error, path)) from None
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
            raise HistoryError(explain(error, self.path)) from None

    def _query(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        try:
            with self._lock:
                return self._conn.execute(sql, params).fetchall()
        except sqlite3.Error as error:
            raise HistoryError(explain(error, self.path)) from None

    def _skip(self, table: str, row_id: object, error: Exception) -> None:
        """Remember a damaged row, which is left out of what the store returns."""
        message = f"{self.path}: {table} row {row_id} is damaged ({error}); it is left out"
        if message not in self.damaged_rows:
            self.damaged_rows.append(message)

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
        try:
            return self._session_from_row(rows[0])
        except _BadRow as error:
            message = f"{self.path}: sessions row {session_id} is damaged ({error})"
            raise HistoryError(message) from None

    def sessions(self) -> list[Session]:
        """Every session, oldest first; damaged rows are left out (see ``damaged_rows``)."""
        rows = self._query(f"{_SESSION_COLUMNS} ORDER BY id")
        return list(self._good_sessions(rows))

    def _good_sessions(self, rows: list[tuple[Any, ...]]) -> Iterable[Session]:
        for row in rows:
            try:
                yield self._session_from_row(row)
            except _BadRow as error:
                self._skip("sessions", row[0], error)

    def unfinished_session(self) -> Session | None:
        """The latest open session that still has planned questions unanswered, if any.

        An open session whose questions were all answered (killed between the last answer and
        the summary) has nothing to resume, so it is skipped; so is one that another running
        instance holds (a quiz going on in another window).
        """
        rows = self._query(f"{_SESSION_COLUMNS} WHERE status = 'open' ORDER BY id DESC")
        for session in self._good_sessions(rows):
            if session.remaining and not self._held_elsewhere(session.owner):
                return session
        return None

    def _session_from_row(self, row: tuple[Any, ...]) -> Session:
        session_id, kind, question_ids, started_at, ended_at, status, owner = row
        answered = self._query(
            "SELECT question_id FROM answers WHERE session_id = ? ORDER BY id", (session_id,)
        )
        try:
            planned = _json_tuple(question_ids)
            if not all(isinstance(q, str) for q in planned):
                raise ValueError("question_ids is not a list of ids")
            return Session(
                id=session_id,
                kind=kind,
                question_ids=planned,
                started_at=_parse_stamp(started_at),
                ended_at=_parse_stamp(ended_at) if ended_at else None,
                status=status,
                answered_ids=tuple(str(r[0]) for r in answered),
                owner=owner,
            )
        except (ValueError, TypeError) as error:
            raise _BadRow(_reason(error)) from None

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

    def rate_answer(self, answer_id: int, rating: int | None) -> None:
        """Overrule the FSRS rating of a recorded answer (1 Again .. 4 Easy), or with None go
        back to the one its score and time give; the schedule replays with it."""
        if rating is not None and rating not in (1, 2, 3, 4):
            raise ValueError(f"a rating is 1 (Again) to 4 (Easy), not {rating!r}")
        cursor = self._write("UPDATE answers SET rating = ? WHERE id = ?", (rating, answer_id))
        if cursor.rowcount != 1:
            raise ValueError(f"no answer {answer_id}")

    def answers(self, question_id: str | None = None) -> list[AnswerRecord]:
        """Every recorded answer (or one question's), oldest first."""
        sql = (
            "SELECT id, session_id, question_id, content_hash, picked, value, score, seconds,"
            " answered_at, tags, topic, rating FROM answers"
        )
        params: tuple[str, ...] = ()
        if question_id is not None:
            sql += " WHERE question_id = ?"
            params = (question_id,)
        rows = self._query(sql + " ORDER BY answered_at, id", params)
        records = []
        for row in rows:
            try:
                records.append(_record_from_row(row))
            except _BadRow as error:
                self._skip("answers", row[0], error)
        return records

    def has_answers(self) -> bool:
        """Whether any answer is recorded (damaged rows count): a new history has none."""
        return bool(self._query("SELECT EXISTS (SELECT 1 FROM answers)")[0][0])

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
    from quizengine.bank.model import NumericQuestion  # loaded already: here is a question

    if isinstance(question, NumericQuestion):
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
    value = json.loads(text)  # TypeError for a non-text value, ValueError for bad JSON
    if not isinstance(value, list):
        raise ValueError(f"expected a JSON list, got {text[:40]!r}")
    return tuple(value)


def _reason(error: Exception) -> str:
    return str(error).splitlines()[0][:120] if str(error) else type(error).__name__


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
        rating,
    ) = row
    try:
        choices = None if picked is None else _json_tuple(picked)
        if choices is not None and not all(type(i) is int for i in choices):
            raise ValueError("picked is not a list of choice numbers")
        tag_list = _json_tuple(tags)
        if not all(isinstance(t, str) for t in tag_list):
            raise ValueError("tags is not a list of words")
        numbers = (score, seconds) if value is None else (score, seconds, value)
        if not all(isinstance(n, int | float) and math.isfinite(n) for n in numbers):
            raise ValueError("score, seconds or value is not a number")
        if not isinstance(question_id, str) or not (topic is None or isinstance(topic, str)):
            raise ValueError("question_id or topic is not text")
        if rating is not None and rating not in (1, 2, 3, 4):
            raise ValueError("rating is not 1 to 4")
        return AnswerRecord(
            id=rid,
            session_id=session_id,
            question_id=question_id,
            content_hash=str(content_hash),
            picked=choices,
            value=value,
            score=float(score),
            seconds=float(seconds),
            answered_at=_parse_stamp(answered_at),
            tags=tag_list,
            topic=topic,
            rating=rating,
        )
    except (ValueError, TypeError) as error:
        raise _BadRow(_reason(error)) from None
