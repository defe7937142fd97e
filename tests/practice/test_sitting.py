"""A sitting over the history store: start, submit, finish, resume, and a failing store."""

from __future__ import annotations

import pytest
from test_history_support import make_question

from quizengine.history.records import HistoryError
from quizengine.history.store import HistoryStore
from quizengine.practice.sitting import Sitting, unfinished

SINGLE = make_question("single")
NUMERIC = make_question("numeric", "numeric")
BY_ID = {q.id: q for q in (SINGLE, NUMERIC)}


def _start(store: HistoryStore | None, errors: list[HistoryError]) -> Sitting:
    return Sitting.start(
        [SINGLE, NUMERIC],
        store=store,
        kind="quiz",
        shuffle=False,
        seed=0,
        now=100.0,
        report=errors.append,
    )


def test_each_answer_is_committed_as_it_is_submitted(store: HistoryStore) -> None:
    errors: list[HistoryError] = []
    sitting = _start(store, errors)
    assert sitting.session_id is not None
    attempt = sitting.submit(frozenset({0}), now=110.0)
    assert attempt.score == 1.0 and attempt.seconds == 10.0
    [record] = store.answers()
    assert (record.session_id, record.question_id, record.picked) == (
        sitting.session_id,
        "single",
        (0,),
    )
    sitting.quiz.show(1, now=110.0)
    sitting.submit(2.0, now=115.0)
    assert [r.value for r in store.answers()] == [None, 2.0]
    sitting.finish(now=120.0)
    assert store.session(sitting.session_id).status == "finished"
    assert errors == []


def test_a_released_sitting_is_offered_and_resumed_where_it_stopped(store: HistoryStore) -> None:
    errors: list[HistoryError] = []
    first = _start(store, errors)
    first.submit(frozenset({1}), now=130.0)  # wrong, after 30 s
    first.release()
    offer = unfinished(store, BY_ID, errors.append)
    assert offer is not None and (offer.answered, offer.planned) == (1, 2)
    assert store.claim_session(offer.session.id)
    resumed = Sitting.resume(
        offer.session,
        BY_ID,
        store=store,
        shuffle=False,
        seed=0,
        now=1000.0,
        report=errors.append,
    )
    assert resumed.session_id == first.session_id
    assert resumed.quiz.index == 1  # the first question not answered yet
    assert resumed.quiz.attempts[0].response == frozenset({1})
    assert resumed.quiz.started_at == 1000.0 - 30.0  # the time already spent counts
    assert errors == []


def test_without_a_store_the_quiz_goes_on() -> None:
    sitting = _start(None, [])
    assert sitting.session_id is None
    assert sitting.submit(frozenset({0}), now=101.0).score == 1.0
    sitting.finish(now=102.0)
    assert sitting.quiz.finished_at == 102.0


def test_a_failing_store_is_reported_and_the_quiz_goes_on(
    store: HistoryStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    errors: list[HistoryError] = []
    sitting = _start(store, errors)

    def full_disk(*args: object, **kwargs: object) -> None:
        raise HistoryError("the disk is full")

    monkeypatch.setattr(store, "record_answer", full_disk)
    assert sitting.submit(frozenset({0}), now=105.0).score == 1.0
    assert [str(e) for e in errors] == ["the disk is full"]
    assert sitting.quiz.attempts[0].score == 1.0
