"""Scoring answers, and shuffling choices without losing the key.

The rules (also in ``docs/scoring.md``):

- ``single``: 1 if the one correct choice is exactly what was picked, else 0.
- ``numeric``: 1 if the guess is within the key's tolerance (``NumericAnswer.accepts``), else 0.
- ``multiple``, with ``n`` choices of which ``k`` are correct: each correct choice picked adds
  ``1/k``, each wrong choice picked subtracts ``1/(n-k)``, and the total is clamped at 0.
  Picking every choice therefore scores 0, as does picking nothing; all correct and no wrong
  ones scores 1. Before the clamp, ticking boxes at random (each with even odds) earns 0 on
  average; the clamp lifts that to 0.16-0.25 (0.19 for 2 correct of 4 choices, 0.25 whenever
  one choice is correct or one wrong): about what guessing a single-answer question of four
  choices earns. ``docs/scoring.md`` has the table, and the tests recompute it by enumeration.

Every function here is pure: scores depend only on the question and the response.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Sequence

from quizengine.bank.model import ChoiceQuestion, NumericQuestion, Question

Response = frozenset[int] | float | None
"""What a learner gave: indices of the picked choices, a number, or nothing."""


def score_single(correct: Collection[int], picked: Collection[int]) -> float:
    return 1.0 if set(picked) == set(correct) else 0.0


def pick_contributions(
    n_choices: int, correct: Collection[int], picked: Collection[int]
) -> list[float]:
    """What each choice adds to a ``multiple`` score before the clamp: ``1/k`` for a correct
    one picked, ``-1/(n-k)`` for a wrong one picked, 0 for one not picked (the feedback shows
    them, so a learner sees how a partial score came about)."""
    correct_set, picked_set = set(correct), set(picked)
    k = len(correct_set)
    if not 0 < k <= n_choices or not picked_set <= set(range(n_choices)):
        raise ValueError(f"invalid key or picks: {k} correct of {n_choices}, picked {picked_set}")
    wrong_total = n_choices - k  # 0 when every choice is correct: then no pick can be wrong
    return [
        0.0 if i not in picked_set else 1 / k if i in correct_set else -1 / wrong_total
        for i in range(n_choices)
    ]


def score_multiple(n_choices: int, correct: Collection[int], picked: Collection[int]) -> float:
    """Partial credit with a penalty for wrong picks; see the module docstring."""
    correct_set, picked_set = set(correct), set(picked)
    k = len(correct_set)
    if not 0 < k <= n_choices or not picked_set <= set(range(n_choices)):
        raise ValueError(f"invalid key or picks: {k} correct of {n_choices}, picked {picked_set}")
    hits = len(picked_set & correct_set)
    misses = len(picked_set - correct_set)
    wrong_total = n_choices - k  # 0 when every choice is correct: then no pick can be wrong
    # From the counts, not by adding up pick_contributions: all ticked must be exactly 0.
    raw = hits / k - (misses / wrong_total if wrong_total else 0.0)
    return max(0.0, raw)


def score(question: Question, response: Response) -> float:
    """The score in [0, 1] of ``response`` to ``question``; no response scores 0."""
    if response is None:
        return 0.0
    if isinstance(question, NumericQuestion):
        if isinstance(response, frozenset):
            raise TypeError("a numeric question takes a number, not picked choices")
        return 1.0 if question.answer.accepts(float(response)) else 0.0
    if not isinstance(response, frozenset):
        raise TypeError(f"a {question.type} question takes picked choices, not a number")
    if question.type == "single":
        return score_single(question.correct_indices, response)
    return score_multiple(len(question.choices), question.correct_indices, response)


def shuffled_order(n: int, seed: int, salt: str) -> list[int]:
    """A permutation of ``range(n)`` fixed by ``seed`` and ``salt`` (e.g. the question id).

    Salting by question keeps each question's order the same whatever else is in the quiz.
    """
    order = list(range(n))
    random.Random(f"{seed}:{salt}").shuffle(order)
    return order


def reorder_choices(question: ChoiceQuestion, order: Sequence[int]) -> ChoiceQuestion:
    """The question with its choices shown in ``order`` (``order[i]`` = original index).

    Each choice carries its own ``correct`` flag, so the key moves with it.
    """
    if sorted(order) != list(range(len(question.choices))):
        raise ValueError(f"{list(order)} is not a permutation of {len(question.choices)} choices")
    return question.model_copy(update={"choices": [question.choices[i] for i in order]})


def shuffle_choices(question: ChoiceQuestion, seed: int) -> tuple[ChoiceQuestion, list[int]]:
    """Shuffle a question's choices; returns it with the order (to map picks back)."""
    order = shuffled_order(len(question.choices), seed, question.id)
    return reorder_choices(question, order), order


def original_indices(order: Sequence[int], picked: Collection[int]) -> frozenset[int]:
    """Map picks on shuffled choices back to the file's choice numbers (what history stores)."""
    return frozenset(order[i] for i in picked)
