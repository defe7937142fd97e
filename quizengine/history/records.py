"""What the history holds, as plain values: an answer, a sitting, and the error for a bad file."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

SessionStatus = Literal["open", "finished", "abandoned"]


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
    rating: int | None = None
    """The learner's own FSRS rating (1 Again, 2 Hard, 3 Good, 4 Easy), overruling the one
    the score and time give; None when not overruled."""


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
