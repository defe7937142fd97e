"""One run through a list of questions: where the learner is, what they answered, how they did.

Pure state, no Textual: the screens read and update a :class:`Quiz`, and the tests can too.
Times come from a clock passed in, so a fixed clock gives reproducible summaries.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from quizengine.bank.model import ChoiceQuestion, NumericQuestion, Question
from quizengine.practice.scoring import Response, original_indices, score, shuffle_choices
from quizengine.words import UNTAGGED


@dataclass(frozen=True)
class Item:
    """A question as shown: its choices in shown order, ``order[i]`` = the file's index."""

    question: Question
    order: tuple[int, ...]

    @property
    def original(self) -> Question:
        """The question with its choices back in file order."""
        if isinstance(self.question, NumericQuestion):
            return self.question
        restored = [self.question.choices[self.order.index(i)] for i in range(len(self.order))]
        return self.question.model_copy(update={"choices": restored})

    def shown_response(self, picked: Sequence[int] | None, value: float | None) -> Response:
        """A recorded answer (picks numbered as in the file) as this item shows it."""
        if isinstance(self.question, NumericQuestion):
            return value
        return frozenset(self.order.index(i) for i in picked or ())


@dataclass(frozen=True)
class Attempt:
    response: Response
    """Picked choices in *shown* order, or the number typed."""
    score: float
    seconds: float
    answer_id: int | None = None
    """The history's record of it, when there is a history."""
    rating: int | None = None
    """The learner's own review rating (1 Again .. 4 Easy), when they overruled the score's."""

    @property
    def verdict(self) -> str:
        return "correct" if self.score >= 1 else "partly right" if self.score > 0 else "wrong"


@dataclass(frozen=True)
class TagResult:
    tag: str
    questions: int
    answered: int
    score: float


def make_items(
    questions: Sequence[Question], *, shuffle: bool, seed: int, keep_order: bool = False
) -> list[Item]:
    """Questions as shown. ``shuffle`` seeds both the question order (unless ``keep_order``, e.g.
    to resume a sitting in its planned order) and each question's choices."""
    ordered = list(questions)
    if shuffle and not keep_order:
        random.Random(seed).shuffle(ordered)
    items = []
    for question in ordered:
        if not isinstance(question, ChoiceQuestion):
            items.append(Item(question, ()))
        elif shuffle:
            shown, order = shuffle_choices(question, seed)
            items.append(Item(shown, tuple(order)))
        else:
            items.append(Item(question, tuple(range(len(question.choices)))))
    return items


@dataclass
class Quiz:
    items: list[Item]
    started_at: float
    index: int = 0
    attempts: dict[int, Attempt] = field(default_factory=dict)
    shown_at: float = 0.0
    finished_at: float | None = None
    """The history session this run records into, if there is a history store."""
    kind: str = "quiz"
    """"quiz", "retry" or "review" (a review says so on screen)."""
    paused_at: float | None = None

    def __post_init__(self) -> None:
        if not self.items:
            raise ValueError("a quiz needs at least one question")
        self.shown_at = self.started_at

    @property
    def item(self) -> Item:
        return self.items[self.index]

    @property
    def question(self) -> Question:
        return self.item.question

    @property
    def attempt(self) -> Attempt | None:
        return self.attempts.get(self.index)

    @property
    def progress(self) -> str:
        return f"question {self.index + 1} of {len(self.items)}"

    @property
    def is_last(self) -> bool:
        return self.index == len(self.items) - 1

    def show(self, index: int, now: float) -> None:
        """Move to question ``index``; its answer time counts from now."""
        if not 0 <= index < len(self.items):
            raise IndexError(f"no question {index + 1} in a quiz of {len(self.items)}")
        self.index = index
        self.shown_at = now

    def submit(self, response: Response, now: float) -> Attempt:
        """Score and keep the answer to the current question (answering twice is refused)."""
        if self.index in self.attempts:
            raise ValueError(f"{self.progress} is already answered")
        attempt = Attempt(response, score(self.question, response), max(0.0, now - self.shown_at))
        self.attempts[self.index] = attempt
        return attempt

    def picked_in_file_order(self, attempt: Attempt) -> list[int]:
        """The current question's picks numbered as in its file (what the history stores)."""
        if not isinstance(attempt.response, frozenset):
            return []
        return sorted(original_indices(self.item.order, attempt.response))

    def next_unanswered(self) -> int | None:
        """The first unanswered question after the current one, wrapping around."""
        n = len(self.items)
        for step in range(1, n + 1):
            candidate = (self.index + step) % n
            if candidate not in self.attempts:
                return candidate
        return None

    def pause(self, now: float) -> None:
        """Left for the bank: the time until :meth:`resume` does not count."""
        if self.paused_at is None:
            self.paused_at = now

    def resume(self, now: float) -> None:
        if self.paused_at is not None:
            away = max(0.0, now - self.paused_at)
            self.started_at += away
            self.shown_at = now
            self.paused_at = None

    @property
    def done(self) -> bool:
        return len(self.attempts) == len(self.items)

    def finish(self, now: float) -> None:
        if self.finished_at is None:
            self.finished_at = now

    @property
    def total(self) -> float:
        return sum(a.score for a in self.attempts.values())

    def elapsed(self, now: float) -> float:
        end = self.finished_at if self.finished_at is not None else now
        return max(0.0, end - self.started_at)

    def by_tag(self) -> list[TagResult]:
        """Per-tag results (a question counts once for each of its tags), sorted by tag."""
        questions: Counter[str] = Counter()
        answered: Counter[str] = Counter()
        points: defaultdict[str, float] = defaultdict(float)
        for i, item in enumerate(self.items):
            attempt = self.attempts.get(i)
            for tag in item.question.tags or [UNTAGGED]:
                questions[tag] += 1
                if attempt is not None:
                    answered[tag] += 1
                    points[tag] += attempt.score
        return [TagResult(t, questions[t], answered[t], points[t]) for t in sorted(questions)]

    def to_retry(self) -> list[Question]:
        """Questions not fully right (unanswered ones included), choices back in file order."""
        return [
            item.original
            for i, item in enumerate(self.items)
            if (a := self.attempts.get(i)) is None or a.score < 1
        ]
