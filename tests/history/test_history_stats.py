"""The pure statistics: areas, standing, trend buckets, weakest areas."""

from __future__ import annotations

import datetime as dt
import json

from test_history_support import T0, make_question

from quizengine.history.records import AnswerRecord
from quizengine.history.stats import (
    Area,
    areas,
    choose_period,
    summarize,
    trend,
    weakest,
)

_ids = iter(range(1, 10_000))


def rec(
    qid: str,
    score: float,
    at: dt.datetime = T0,
    *,
    tags: tuple[str, ...] = (),
    topic: str | None = None,
    seconds: float = 10.0,
) -> AnswerRecord:
    return AnswerRecord(
        id=next(_ids), session_id=1, question_id=qid, content_hash="h", picked=(0,),
        value=None, score=score, seconds=seconds, answered_at=at, tags=tags, topic=topic,
    )  # fmt: skip


def test_areas_use_the_current_bank_and_fall_back_on_the_recorded_tags() -> None:
    retagged = make_question("retagged", tags=("new-tag",), topic="now")
    records = [
        rec("retagged", 0.0, tags=("old-tag",), topic="then"),  # the bank's tags win
        rec("retired", 1.0, tags=("old-tag",), topic="then"),  # gone from the bank: recorded
    ]
    bank = {retagged.id: retagged}
    assert {a.name for a in areas(records, "tag", bank)} == {"new-tag", "old-tag"}
    by_topic = {a.name: a.accuracy for a in areas(records, "topic", bank)}
    assert by_topic == {"now": 0.0, "then": 1.0}


def test_accuracy_counts_every_answer_and_standing_only_the_latest() -> None:
    q = make_question("q", tags=("t",))
    records = [
        rec("q", 0.0, T0),
        rec("q", 0.0, T0 + dt.timedelta(days=1)),
        rec("q", 1.0, T0 + dt.timedelta(days=2)),
    ]
    [area] = areas(records[::-1], "tag", {"q": q})  # order of the input does not matter
    assert (area.answers, area.questions, area.accuracy, area.standing) == (3, 1, 1 / 3, 1.0)


def test_trend_buckets_days_in_the_learners_time_zone() -> None:
    late = dt.datetime(2026, 3, 2, 23, 30, tzinfo=dt.UTC)
    records = [rec("a", 1.0, late), rec("b", 0.0, late - dt.timedelta(hours=2))]
    assert [(p.start, p.answers) for p in trend(records, "day", dt.UTC)] == [
        (dt.date(2026, 3, 2), 2)
    ]
    plus_two = dt.timezone(dt.timedelta(hours=2))
    points = trend(records, "day", plus_two)
    assert [(p.start, p.answers, p.accuracy) for p in points] == [
        (dt.date(2026, 3, 2), 1, 0.0),
        (dt.date(2026, 3, 3), 1, 1.0),
    ]


def test_weekly_trend_starts_on_monday_and_long_histories_go_weekly() -> None:
    monday = dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC)  # 2026-03-02 is a Monday
    records = [
        rec("a", 1.0, monday),
        rec("a", 0.0, monday + dt.timedelta(days=6)),  # Sunday, same week
        rec("a", 1.0, monday + dt.timedelta(days=7)),
    ]
    points = trend(records, "week", dt.UTC)
    assert [(p.start, p.answers, p.accuracy) for p in points] == [
        (dt.date(2026, 3, 2), 2, 0.5),
        (dt.date(2026, 3, 9), 1, 1.0),
    ]
    assert choose_period(records) == "day"
    assert choose_period([*records, rec("a", 1.0, monday + dt.timedelta(days=61))]) == "week"
    assert choose_period([]) == "day"


def test_weakest_needs_evidence_and_room_to_improve() -> None:
    candidates = [
        Area("tag", "few-answers", 2, 1, 0.0, 0.0),
        Area("tag", "mastered", 9, 3, 0.6, 1.0),
        Area("tag", "shaky", 5, 2, 0.5, 0.5),
        Area("topic", "weak", 4, 2, 0.25, 0.25),
        Area("tag", "also-shaky", 8, 3, 0.5, 0.5),
    ]
    assert [a.name for a in weakest(candidates)] == ["weak", "also-shaky", "shaky"]
    assert [a.name for a in weakest(candidates, limit=1)] == ["weak"]


def test_summary_figures_and_json() -> None:
    bank = [
        make_question("a", tags=("x",), topic="t"),
        make_question("b", tags=("x", "y")),
        make_question("never"),
    ]
    records = [
        rec("a", 0.5, T0, seconds=30.0),
        rec("b", 1.0, T0 + dt.timedelta(days=1), seconds=12.5),
    ]
    summary = summarize(records, bank, due=1, tz=dt.UTC)
    assert (summary.answers, summary.questions_answered, summary.new, summary.due) == (2, 2, 1, 1)
    assert (summary.accuracy, summary.standing, summary.seconds) == (0.75, 0.75, 42.5)
    data = summary.to_json()
    assert json.loads(json.dumps(data)) == data  # plain JSON types only
    assert data["trend"] == [
        {"start": "2026-03-02", "answers": 1, "accuracy": 0.5},
        {"start": "2026-03-03", "answers": 1, "accuracy": 1.0},
    ]
    assert [a["name"] for a in data["by_tag"]] == ["x", "y"]
    assert data["weakest"] == []  # no area has three answers yet


def test_an_empty_history_summarizes_to_zeros() -> None:
    summary = summarize([], [make_question("a")], due=0, tz=dt.UTC)
    assert (summary.answers, summary.accuracy, summary.new, summary.trend) == (0, 0.0, 1, [])


def test_untagged_and_topicless_answers_have_rows_of_their_own() -> None:
    """Every answer is in a row of each table (issue 14: rows summed to less than the total)."""
    tagged = make_question("tagged", tags=("t",), topic="x")
    bare = make_question("bare")
    records = [rec("tagged", 1.0), rec("bare", 0.0), rec("bare", 0.0), rec("bare", 0.5)]
    bank = {q.id: q for q in (tagged, bare)}
    by_tag = areas(records, "tag", bank)
    by_topic = areas(records, "topic", bank)
    assert [(a.name, a.answers) for a in by_tag] == [("t", 1), ("(untagged)", 3)]
    assert [(a.name, a.answers) for a in by_topic] == [("x", 1), ("(no topic)", 3)]
    assert sum(a.answers for a in by_tag) == sum(a.answers for a in by_topic) == len(records)
    assert weakest(by_tag + by_topic, min_answers=1) == []  # not areas to practise
