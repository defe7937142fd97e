"""A sitting: a quiz and its session in the history, started, resumed, answered and finished.

The :class:`Quiz` is the pure state; the sitting adds the store, so that every submitted
answer is committed as it is given and a sitting left unfinished can be resumed. A failing
store never stops the quiz: its error goes to ``report`` (the TUI shows it) and the quiz goes on
without the history. No Textual here: the app only routes messages to a sitting.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from quizengine.bank.model import Question
from quizengine.history.records import HistoryError, Session
from quizengine.practice.quiz import Attempt, Quiz, make_items

if TYPE_CHECKING:
    from quizengine.history.store import HistoryStore
    from quizengine.practice.scoring import Response

P = ParamSpec("P")
R = TypeVar("R")
Report = Callable[[HistoryError], None]
"""Told of a history that failed (e.g. the disk is full); the sitting goes on without it."""


def guarded(report: Report, method: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R | None:
    """Call the history store; a HistoryError goes to ``report`` and gives None."""
    try:
        return method(*args, **kwargs)
    except HistoryError as error:
        report(error)
        return None


@dataclass(frozen=True)
class ResumeOffer:
    """An unfinished sitting worth offering to resume."""

    session: Session
    answered: int
    """Its questions answered, of those still in the bank."""
    planned: int
    """Its questions still in the bank."""


def unfinished(
    store: HistoryStore, by_id: Mapping[str, Question], report: Report
) -> ResumeOffer | None:
    """The latest unfinished sitting that still has questions of the bank left, if any."""
    session = guarded(report, store.unfinished_session)
    if session is None:
        return None
    known = [qid for qid in session.question_ids if qid in by_id]
    if not [qid for qid in session.remaining if qid in by_id]:
        return None  # the questions left were removed from the bank: nothing to resume
    return ResumeOffer(session, len(set(session.answered_ids) & set(known)), len(known))


class Sitting:
    """One quiz and, with a store, the history session it is recorded in."""

    def __init__(
        self,
        quiz: Quiz,
        store: HistoryStore | None,
        session_id: int | None,
        report: Report,
    ) -> None:
        self.quiz = quiz
        self.store = store
        self.session_id = session_id
        self.report = report

    @classmethod
    def start(
        cls,
        questions: Sequence[Question],
        *,
        store: HistoryStore | None,
        kind: str,
        shuffle: bool,
        seed: int,
        now: float,
        report: Report,
    ) -> Sitting:
        """A new sitting on ``questions``, with a new session in the store if there is one."""
        items = make_items(questions, shuffle=shuffle, seed=seed)
        quiz = Quiz(items, started_at=now, kind=kind)
        session_id = None
        if store is not None:
            session = guarded(report, store.start_session, [i.question.id for i in items], kind)
            session_id = session.id if session is not None else None
        return cls(quiz, store, session_id, report)

    @classmethod
    def resume(
        cls,
        session: Session,
        by_id: Mapping[str, Question],
        *,
        store: HistoryStore,
        shuffle: bool,
        seed: int,
        now: float,
        report: Report,
    ) -> Sitting:
        """The sitting of ``session`` (claimed already) with its recorded answers, at the
        first question not answered yet. The time already spent counts in the total."""
        questions = [by_id[qid] for qid in session.question_ids if qid in by_id]
        items = make_items(questions, shuffle=shuffle, seed=seed, keep_order=True)
        quiz = Quiz(items, started_at=now, kind=session.kind)
        records = [r for r in guarded(report, store.answers) or [] if r.session_id == session.id]
        positions = {item.question.id: i for i, item in enumerate(items)}
        for record in records:  # a retried question keeps its latest answer
            if (i := positions.get(record.question_id)) is not None:
                response = items[i].shown_response(record.picked, record.value)
                quiz.attempts[i] = Attempt(
                    response, record.score, record.seconds, record.id, record.rating
                )
        quiz.started_at -= sum(a.seconds for a in quiz.attempts.values())
        quiz.show(quiz.next_unanswered() or 0, now)
        return cls(quiz, store, session.id, report)

    def submit(self, response: Response, now: float, index: int | None = None) -> Attempt | None:
        """Score the answer to the current question and commit it to the history.

        With ``index`` (the question the answer was given to), a submit that comes late, for
        another question or for one answered already (two Enters in one moment), is dropped:
        None.
        """
        quiz = self.quiz
        if index is not None and (index != quiz.index or quiz.attempt is not None):
            return None
        attempt = quiz.submit(response, now)
        if self.store is not None and self.session_id is not None:
            answer = (
                float(attempt.response)
                if isinstance(attempt.response, float)
                else quiz.picked_in_file_order(attempt)
            )
            record = guarded(
                self.report,
                self.store.record_answer,
                self.session_id,
                quiz.item.original,
                answer,
                attempt.score,
                attempt.seconds,
            )
            if record is not None:  # the rating can be overruled once it is recorded
                attempt = replace(attempt, answer_id=record.id)
                quiz.attempts[quiz.index] = attempt
        return attempt

    def rate(self, index: int, rating: int | None) -> bool:
        """Overrule the review rating of question ``index``'s answer (1 Again .. 4 Easy; None:
        the one its score gives). False when there is no recorded answer or the store failed."""
        attempt = self.quiz.attempts.get(index)
        if self.store is None or attempt is None or attempt.answer_id is None:
            return False
        try:
            self.store.rate_answer(attempt.answer_id, rating)
        except HistoryError as error:
            self.report(error)
            return False
        self.quiz.attempts[index] = replace(attempt, rating=rating)
        return True

    def pause(self, now: float) -> None:
        """Left for the bank (Esc): the time away does not count."""
        self.quiz.pause(now)

    def resume_after_pause(self, now: float) -> None:
        self.quiz.resume(now)

    def finish(self, now: float) -> None:
        self.quiz.finish(now)
        if self.store is not None and self.session_id is not None:
            guarded(self.report, self.store.finish_session, self.session_id)

    def release(self) -> None:
        """Quitting mid-quiz lets go of the session, so the next start offers to resume it."""
        if self.store is not None and self.session_id is not None:
            guarded(self.report, self.store.release_session, self.session_id)
