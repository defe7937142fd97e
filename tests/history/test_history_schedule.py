"""FSRS scheduling through the real fsrs package: the rating rule, intervals, edited questions."""

from __future__ import annotations

import datetime as dt

import pytest
from fsrs import Rating
from test_history_support import T0, Clock, make_question

from quizengine.history.schedule import EASY_SECONDS, rating_for, schedule
from quizengine.history.store import HistoryStore

DAY = dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("score", "seconds", "rating"),
    [
        (0.0, 3.0, Rating.Again),
        (0.0, 300.0, Rating.Again),
        (0.25, 3.0, Rating.Hard),
        (0.999, 3.0, Rating.Hard),
        (1.0, EASY_SECONDS, Rating.Good),
        (1.0, 120.0, Rating.Good),
        (1.0, EASY_SECONDS - 0.1, Rating.Easy),
        (1 / 3 + 1 / 3 + 1 / 3, 60.0, Rating.Good),  # sums of 1/k count as full credit
    ],
)
def test_rating_rule(score: float, seconds: float, rating: Rating) -> None:
    assert rating_for(score, seconds) == rating


WRONG = make_question("wrong-one")
RIGHT = make_question("right-one")
QUICK = make_question("quick-one")
FRESH = make_question("never-seen")


def answer(store: HistoryStore, pairs: list[tuple[object, float, float]]) -> None:
    session = store.start_session([q.id for q, _, _ in pairs])  # type: ignore[attr-defined]
    for question, score, seconds in pairs:
        store.record_answer(session.id, question, [0 if score else 1], score, seconds)  # type: ignore[arg-type]


def test_a_wrong_answer_comes_back_sooner_than_a_right_one(
    store: HistoryStore, clock: Clock
) -> None:
    answer(store, [(WRONG, 0.0, 40.0), (RIGHT, 1.0, 40.0), (QUICK, 1.0, 5.0)])
    plan = store.schedule([WRONG, RIGHT, QUICK, FRESH])
    assert plan[WRONG.id].due == T0 + DAY  # wrong: tomorrow (whole-day intervals, no steps)
    assert T0 + DAY < plan[RIGHT.id].due < plan[QUICK.id].due  # type: ignore[operator]
    assert {plan[q.id].state for q in (WRONG, RIGHT, QUICK)} == {"review"}
    assert (plan[FRESH.id].state, plan[FRESH.id].due, plan[FRESH.id].reviews) == ("new", None, 0)

    questions = [FRESH, QUICK, RIGHT, WRONG]
    assert store.due(questions, now=T0 + DAY / 2) == []
    assert store.due(questions, now=T0 + DAY) == [WRONG]
    # Later, everything met is due, most overdue first; the never-answered one never is.
    assert store.due(questions, now=T0 + 60 * DAY) == [WRONG, RIGHT, QUICK]


def test_each_success_lengthens_the_interval(store: HistoryStore, clock: Clock) -> None:
    intervals = []
    for _ in range(4):
        answer(store, [(RIGHT, 1.0, 40.0)])
        due = store.schedule([RIGHT])[RIGHT.id].due
        assert due is not None
        intervals.append(due - clock.now)
        clock.now = due  # come back exactly when asked
    assert intervals == sorted(intervals) and intervals[0] < intervals[-1]
    assert store.schedule([RIGHT])[RIGHT.id].reviews == 4


def test_a_lapse_after_successes_shortens_the_interval(store: HistoryStore, clock: Clock) -> None:
    answer(store, [(RIGHT, 1.0, 40.0)])
    clock.now = store.schedule([RIGHT])[RIGHT.id].due  # type: ignore[assignment]
    answer(store, [(RIGHT, 1.0, 40.0)])
    long_gap = store.schedule([RIGHT])[RIGHT.id].due - clock.now  # type: ignore[operator]
    clock.now += long_gap
    answer(store, [(RIGHT, 0.0, 40.0)])
    after_lapse = store.schedule([RIGHT])[RIGHT.id]
    assert after_lapse.due - clock.now < long_gap  # type: ignore[operator]


def test_an_edited_question_starts_a_fresh_card_due_at_once(
    store: HistoryStore, clock: Clock
) -> None:
    original = make_question("edited", version="1")
    answer(store, [(original, 1.0, 5.0)])  # Easy: not due for days
    clock.advance(hours=2)
    edited = make_question("edited", version="2")
    assert edited.content_hash != original.content_hash
    assert store.due([original], now=clock.now) == []

    plan = store.schedule([edited])[edited.id]
    assert (plan.state, plan.reviews, plan.due) == ("edited", 0, T0)
    assert store.due([edited], now=clock.now) == [edited]

    # The new card's history is the new version's answers only: one wrong answer -> tomorrow.
    answer(store, [(edited, 0.0, 30.0)])
    plan = store.schedule([edited])[edited.id]
    assert (plan.reviews, plan.due) == (1, clock.now + DAY)


def test_schedule_does_not_depend_on_the_order_answers_are_given(store: HistoryStore) -> None:
    answer(store, [(WRONG, 0.0, 40.0), (RIGHT, 1.0, 40.0)])
    records = store.answers()
    now = T0 + 3 * DAY
    assert schedule([WRONG, RIGHT], records, now) == schedule([WRONG, RIGHT], records[::-1], now)
