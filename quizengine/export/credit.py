"""quizengine's scoring rule (docs/scoring.md) as credit per choice, and Moodle's grade set.

Every format scores a choice question by adding up a credit per picked choice and clamping the
sum to [0, 1]; that is exactly our rule when each correct choice of a ``multiple`` question is
worth ``1/k`` and each wrong one ``-1/(n-k)``. Moodle (and so GIFT) accepts only a fixed set of
fractions on import; where ``1/k`` or ``1/(n-k)`` is not in it, this module says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from quizengine.export.engine import NumericAnswer, Question

# Moodle's question_bank::fraction_options_full(): the grades an import accepts, each within
# 1e-5 (question/engine/bank.php; a fraction further from all of them is rejected).
_MOODLE_POSITIVE = (
    *("1.0000000", "0.9000000", "0.8333333", "0.8000000", "0.7500000", "0.7000000", "0.6666667"),
    *("0.6000000", "0.5000000", "0.4000000", "0.3333333", "0.3000000", "0.2500000", "0.2000000"),
    *("0.1666667", "0.1428571", "0.1250000", "0.1111111", "0.1000000", "0.0500000"),
)
MOODLE_FRACTIONS: tuple[Fraction, ...] = tuple(
    sorted(
        {Fraction(0)}
        | {Fraction(text) for text in _MOODLE_POSITIVE}
        | {-Fraction(text) for text in _MOODLE_POSITIVE}
    )
)
MOODLE_TOLERANCE = Fraction(1, 100_000)
"""How far from an allowed grade Moodle's import still matches it."""
_SAME_GRADE = Fraction(1, 1_000_000)
"""Closer than this to an allowed grade, a credit is that grade (the set is rounded to 7
decimals, and five decimals of a percentage keep it)."""


class Inexpressible(Exception):
    """A question that a format cannot score by our rule; the message says why."""


def choice_credits(question: Question) -> list[Fraction]:
    """Each choice's exact credit under our rule: summed over the picks and clamped to [0, 1]
    it gives :func:`quizengine.scoring.score` (``single`` is picked with one radio button)."""
    correct = [choice.correct for choice in question.choices]
    if question.type == "single":
        return [Fraction(int(is_correct)) for is_correct in correct]
    k = sum(correct)
    wrong = len(correct) - k
    return [Fraction(1, k) if is_correct else Fraction(-1, wrong) for is_correct in correct]


def tolerance(answer: NumericAnswer) -> float:
    """The one absolute tolerance equivalent to ``abs_tol`` or ``rel_tol`` (whichever is
    wider): the relative tolerance converted to a range around the value."""
    widths = [answer.abs_tol or 0.0]
    if answer.rel_tol is not None:
        widths.append(answer.rel_tol * abs(answer.value))
    return max(widths)


def check_numeric(answer: NumericAnswer) -> None:
    """Raise Inexpressible when the key has no finite value or range."""
    if not (math.isfinite(answer.value) and math.isfinite(tolerance(answer))):
        raise Inexpressible(f"the key {answer.value:g} ± {tolerance(answer):g} is not finite")


@dataclass(frozen=True)
class MoodleGrades:
    """The grades to write, one per choice (values of :data:`MOODLE_FRACTIONS`), and why any
    of them differs from the exact credit."""

    fractions: tuple[Fraction, ...]
    warnings: tuple[str, ...] = ()


def moodle_grades(question: Question) -> MoodleGrades:
    """Moodle's grades for a choice question, never more generous than our rule.

    A positive credit must be in Moodle's set (the positive grades must add up to 100%, so
    rounding one down would break the import); a penalty not in the set is rounded to the next
    larger penalty, with a warning. Raises Inexpressible when a positive credit is not in it.
    """
    fractions: list[Fraction] = []
    warnings: list[str] = []
    for number, credit in enumerate(choice_credits(question), start=1):
        same = [grade for grade in MOODLE_FRACTIONS if abs(grade - credit) < _SAME_GRADE]
        if same:
            fractions.append(same[0])
            continue
        if credit > 0:
            raise Inexpressible(
                f"each correct choice is worth 1/{round(1 / credit)} of the mark, and Moodle's "
                "grades have no such fraction (it has 1/1 to 1/10 and 1/20); split the question "
                "or keep at most 10 correct choices"
            )
        harsher = max(grade for grade in MOODLE_FRACTIONS if grade < credit)
        fractions.append(harsher)
        warnings.append(
            f"choice {number}: a wrong pick costs {float(-credit):.4g} of the mark by our rule; "
            f"Moodle has no such grade, so it costs {percent(harsher)}% instead (never more "
            "credit than ours)"
        )
    return MoodleGrades(tuple(fractions), tuple(warnings))


def percent(fraction: Fraction) -> str:
    """A grade as Moodle and GIFT write it: a percentage with at most five decimals
    (``33.33333``, ``-50``, ``100``), within 1e-5 of the grade as Moodle requires."""
    text = f"{float(fraction * 100):.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def clamped_sum(credits: list[float]) -> float:
    """How Moodle (and QTI's bounded mapping) score the picks: the credits added, in [0, 1]."""
    return min(1.0, max(0.0, sum(credits)))
