"""Spaced review with FSRS (the ``fsrs`` package): when should each question come back?

A question's FSRS card is not stored: it is replayed from the recorded answers to the
question's current version (same ``content_hash``), oldest first. So the history stays the
single source of truth, and a changed rule or scheduler applies to the past too.

Rating rule (score in 0..1, from quizengine.practice.scoring; ``seconds`` = time to answer):

=====================================  =========
score == 0                             Again
0 < score < 1 (partial credit)         Hard
score == 1 and seconds >= EASY_SECONDS Good
score == 1 and seconds <  EASY_SECONDS Easy
=====================================  =========

The learner may overrule the rating of an answer (Again / Hard / Good / Easy, as in Anki):
the recorded ``rating`` then replaces the one from the table.

An edited question (new content hash) starts a fresh card; if the learner answered an older
version it is due at once, since what they remember may no longer match it. A question never
answered in any version is *new*, not due: ``quizengine take`` introduces it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from fsrs import Card, Rating, Scheduler, State

from quizengine.bank.model import Question
from quizengine.history.records import AnswerRecord

EASY_SECONDS = 20.0
"""A full score in less time than this means the answer was known cold: Easy rather than Good."""

# Scores are sums of fractions (1/k per right choice); treat rounding residue as full credit.
_FULL = 1.0 - 1e-9

# No learning or relearning steps: FSRS's defaults (1 and 10 minutes) suit flashcard drills,
# but here they would make every question of a quiz due again within the same sitting.
# Whole-day intervals from the first answer on: wrong -> tomorrow, right -> days later.
# No fuzzing: cards are replayed on every read, so intervals must be deterministic.
SCHEDULER = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)


def rating_for(score: float, seconds: float) -> Rating:
    """The FSRS rating of one answer (see the table in the module docstring)."""
    if score <= 0.0:
        return Rating.Again
    if score < _FULL:
        return Rating.Hard
    return Rating.Easy if seconds < EASY_SECONDS else Rating.Good


def card_for(answers: Sequence[AnswerRecord]) -> Card:
    """The card after reviewing it once per answer, in order; answers share one content hash."""
    card = Card(card_id=1)  # an explicit id: the default one sleeps 1 ms to stay unique
    for answer in answers:
        rating = (
            Rating(answer.rating)
            if answer.rating is not None
            else rating_for(answer.score, answer.seconds)
        )
        card, _log = SCHEDULER.review_card(
            card,
            rating,
            review_datetime=answer.answered_at.astimezone(dt.UTC),
            review_duration=round(answer.seconds * 1000),
        )
    return card


@dataclass(frozen=True)
class Scheduled:
    """Where one question stands for review."""

    question_id: str
    reviews: int
    """Answers to the current version (0 for a new or just-edited question)."""
    due: dt.datetime | None
    """When to ask again; None for a question never answered in any version."""
    state: str
    """"new", "edited" (fresh card after a change), or FSRS's "learning"/"review"/"relearning"."""
    stability: float | None = None
    """FSRS stability in days: the interval at which recall drops to 90%."""

    def is_due(self, now: dt.datetime) -> bool:
        return self.due is not None and self.due <= now


def schedule(
    questions: Iterable[Question], answers: Iterable[AnswerRecord], now: dt.datetime
) -> dict[str, Scheduled]:
    """Each question's schedule, keyed by id. ``answers`` may be in any order."""
    by_version: dict[tuple[str, str], list[AnswerRecord]] = defaultdict(list)
    last_seen: dict[str, dt.datetime] = {}
    for answer in sorted(answers, key=lambda a: (a.answered_at, a.id)):
        by_version[answer.question_id, answer.content_hash].append(answer)
        last_seen[answer.question_id] = answer.answered_at
    result: dict[str, Scheduled] = {}
    for question in questions:
        current = by_version.get((question.id, question.content_hash), [])
        if current:
            card = card_for(current)
            result[question.id] = Scheduled(
                question.id,
                len(current),
                card.due,
                State(card.state).name.lower(),
                card.stability,
            )
        elif question.id in last_seen:
            # Met before, but in another version: a fresh card, due from the last encounter.
            result[question.id] = Scheduled(
                question.id, 0, min(last_seen[question.id], now), "edited"
            )
        else:
            result[question.id] = Scheduled(question.id, 0, None, "new")
    return result


def due(
    questions: Iterable[Question], answers: Iterable[AnswerRecord], now: dt.datetime
) -> list[Question]:
    """The questions due at ``now``, most overdue first (ties keep the bank's order)."""
    questions = list(questions)
    plan = schedule(questions, answers, now)
    ready = [q for q in questions if plan[q.id].is_due(now)]
    return sorted(ready, key=lambda q: plan[q.id].due or now)


def introduced_on(answers: Iterable[AnswerRecord], day: dt.date, tz: dt.tzinfo) -> int:
    """How many questions were answered for the first time (in any version) on ``day``, in
    the learner's time zone ``tz``: the new questions that day has taken already."""
    first: dict[str, dt.datetime] = {}
    for answer in answers:
        seen = first.get(answer.question_id)
        if seen is None or answer.answered_at < seen:
            first[answer.question_id] = answer.answered_at
    return sum(1 for moment in first.values() if moment.astimezone(tz).date() == day)


def new_to_introduce(
    questions: Iterable[Question], plan: dict[str, Scheduled], per_day: int, introduced: int
) -> list[Question]:
    """Questions never answered, in the bank's order, as many as ``per_day`` leaves room for
    after the ``introduced`` ones (as Anki's new cards per day: a review does not turn into a
    flood of unseen questions)."""
    room = max(0, per_day - introduced)
    return [q for q in questions if plan[q.id].state == "new"][:room]
