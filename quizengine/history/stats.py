"""Where the learner stands: pure functions from answer records to statistics.

Definitions (also in docs/history.md):

- *accuracy*: the mean score (0..1, partial credit counts) over every answer given;
- *standing*: the mean of each question's **latest** score; it shows where the learner is
  now, so weakest areas are ranked by it (a topic once failed and since learned is not weak);
- a question is placed in an area by its tags and topic in the current bank, or, for a
  question no longer in the bank, by those recorded with the answer; one without tags is in
  the row "(untagged)", one without a topic in "(no topic)", so every answer is in a row;
- *trend*: accuracy per calendar day (or ISO week, for histories longer than
  ``WEEKLY_AFTER_DAYS``) in the learner's time zone; periods without answers are omitted.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from quizengine.words import NO_TOPIC, UNTAGGED

if TYPE_CHECKING:
    from quizengine.bank.model import Question
    from quizengine.history.records import AnswerRecord

Period = Literal["day", "week"]
AreaKind = Literal["tag", "topic"]
WEEKLY_AFTER_DAYS = 60
WEAK_MIN_ANSWERS = 3
"""An area needs this many answers before it can be called weak: one miss is not a pattern."""
# Answers to questions without a tag or topic get rows of their own (UNTAGGED, NO_TOPIC), so
# every answer is in a row of each table; they are not areas to practise, never the weakest.


@dataclass(frozen=True)
class Area:
    """Results in one tag or topic."""

    kind: AreaKind
    name: str
    answers: int
    questions: int
    accuracy: float
    standing: float


@dataclass(frozen=True)
class TrendPoint:
    start: dt.date
    """First day of the period."""
    answers: int
    accuracy: float


@dataclass(frozen=True)
class Summary:
    answers: int
    questions_answered: int
    accuracy: float
    standing: float
    seconds: float
    """Total time spent answering."""
    due: int
    new: int
    """Questions in the bank never answered."""
    by_tag: list[Area] = field(default_factory=list)
    by_topic: list[Area] = field(default_factory=list)
    period: Period = "day"
    trend: list[TrendPoint] = field(default_factory=list)
    weakest: list[Area] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON types; dates as ISO strings, scores rounded to 4 places."""

        def clean(value: Any) -> Any:
            if isinstance(value, float):
                return round(value, 4)
            if isinstance(value, dt.date):
                return value.isoformat()
            if isinstance(value, dict):
                return {k: clean(v) for k, v in value.items()}
            if isinstance(value, list):
                return [clean(v) for v in value]
            return value

        return clean(asdict(self))


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def latest_per_question(records: Iterable[AnswerRecord]) -> dict[str, AnswerRecord]:
    latest: dict[str, AnswerRecord] = {}
    for record in sorted(records, key=lambda r: (r.answered_at, r.id)):
        latest[record.question_id] = record
    return latest


def areas(
    records: Sequence[AnswerRecord], kind: AreaKind, bank: Mapping[str, Question]
) -> list[Area]:
    """Accuracy and standing per tag (or topic), sorted by name. ``bank`` maps id -> question."""

    def names(record: AnswerRecord) -> Iterable[str]:
        question = bank.get(record.question_id)
        if kind == "tag":
            tags = question.tags if question is not None else record.tags
            return tags or [UNTAGGED]
        topic = question.topic if question is not None else record.topic
        return [topic or NO_TOPIC]

    scores: dict[str, list[float]] = defaultdict(list)
    for record in records:
        for name in names(record):
            scores[name].append(record.score)
    latest: dict[str, list[float]] = defaultdict(list)
    for record in latest_per_question(records).values():
        for name in names(record):
            latest[name].append(record.score)
    return [
        Area(
            kind,
            name,
            len(scores[name]),
            len(latest[name]),
            _mean(scores[name]),
            _mean(latest[name]),
        )
        for name in sorted(scores, key=lambda n: (n in (UNTAGGED, NO_TOPIC), n))
    ]


def choose_period(records: Sequence[AnswerRecord]) -> Period:
    if not records:
        return "day"
    times = [r.answered_at for r in records]
    return "week" if max(times) - min(times) > dt.timedelta(days=WEEKLY_AFTER_DAYS) else "day"


def trend(records: Iterable[AnswerRecord], period: Period, tz: dt.tzinfo) -> list[TrendPoint]:
    """Accuracy per day or ISO week (starting Monday) in time zone ``tz``, oldest first."""
    buckets: dict[dt.date, list[float]] = defaultdict(list)
    for record in records:
        day = record.answered_at.astimezone(tz).date()
        if period == "week":
            day -= dt.timedelta(days=day.weekday())
        buckets[day].append(record.score)
    return [TrendPoint(day, len(s), _mean(s)) for day, s in sorted(buckets.items())]


def weakest(
    candidates: Iterable[Area], limit: int = 3, min_answers: int = WEAK_MIN_ANSWERS
) -> list[Area]:
    """The areas with the lowest standing, among those with enough answers and room to improve."""
    eligible = [
        a
        for a in candidates
        if a.answers >= min_answers and a.standing < 1.0 and a.name not in (UNTAGGED, NO_TOPIC)
    ]
    # Ties: the area with more evidence first.
    return sorted(eligible, key=lambda a: (a.standing, -a.answers, a.kind, a.name))[:limit]


def summarize(
    records: Sequence[AnswerRecord],
    questions: Sequence[Question],
    due: int,
    tz: dt.tzinfo,
) -> Summary:
    """Everything ``quizengine stats`` shows. ``due`` comes from the scheduler."""
    bank = {q.id: q for q in questions}
    latest = latest_per_question(records)
    by_tag = areas(records, "tag", bank)
    by_topic = areas(records, "topic", bank)
    period = choose_period(records)
    return Summary(
        answers=len(records),
        questions_answered=len(latest),
        accuracy=_mean([r.score for r in records]),
        standing=_mean([r.score for r in latest.values()]),
        seconds=sum(r.seconds for r in records),
        due=due,
        new=sum(1 for q in questions if q.id not in latest),
        by_tag=by_tag,
        by_topic=by_topic,
        period=period,
        trend=trend(records, period, tz),
        weakest=weakest(by_tag + by_topic),
    )
