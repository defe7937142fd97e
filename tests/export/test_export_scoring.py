"""Round trip of scores: each format's own scoring, evaluated from the exported files, gives
quizengine's score for every bank question and every set of picks, within 1e-5.

QTI: the item's responseProcessing is executed (mapping, lowerBound, match, equal). Moodle and
GIFT: the fractions read back from the files are added and clamped to [0, 1], as Moodle does.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from export_support import (
    QtiItem,
    choice_questions,
    gift_score,
    make_question,
    moodle_score,
    numeric_guesses,
    parse_gift,
    pick_sets,
    random_question,
    read_moodle,
    score,
)
from hypothesis import given, settings

from quizengine.bank.load import load_bank
from quizengine.bank.model import NumericAnswer, Question
from quizengine.export import gift, moodle, qti21
from quizengine.export.credit import MOODLE_FRACTIONS, Inexpressible, moodle_grades, tolerance
from quizengine.export.exporter import contents

TOLERANCE = 1e-5


@pytest.fixture(scope="module")
def bank() -> list[Question]:
    questions = load_bank().questions
    assert {q.type for q in questions} == {"single", "multiple", "numeric"}
    return questions


def responses(question: Question) -> list[frozenset[int] | float | None]:
    if question.type == "numeric":
        assert question.answer is not None
        return [None, *numeric_guesses(question.answer)]
    return [None, *pick_sets(question)]


def assert_same_scores(question: Question, scorer, qti_ids: list[str] | None = None) -> int:
    checked = 0
    for response in responses(question):
        ours = score(question, response)
        theirs = scorer(response)
        assert abs(theirs - ours) <= TOLERANCE, (question.id, response, ours, theirs)
        checked += 1
    return checked


def qti_scorer(item: QtiItem):
    ids = item.choice_ids()

    def scorer(response: frozenset[int] | float | None) -> float:
        if isinstance(response, frozenset):
            return item.score(frozenset(ids[i] for i in response))
        return item.score(response)

    return scorer


def test_qti_scores_equal_ours_for_every_bank_question_and_pick_set(bank: list[Question]) -> None:
    checked = 0
    for content in contents(bank, None, 0):
        item = QtiItem(qti21.render(content).xml)
        checked += assert_same_scores(content.question, qti_scorer(item))
    assert checked > 100


def test_moodle_scores_equal_ours_for_every_bank_question_and_pick_set(
    bank: list[Question],
) -> None:
    rendered = [moodle.render(content) for content in contents(bank, None, 0)]
    assert not any(r.warnings for r in rendered)
    read = read_moodle(moodle.document(rendered))
    for question, parsed in zip(bank, read, strict=True):
        assert parsed["idnumber"] == question.id
        assert_same_scores(question, lambda r, p=parsed: moodle_score(p, r))


def test_gift_scores_parsed_by_gift_pegjs_equal_ours(bank: list[Question], tmp_path: Path) -> None:
    rendered = [gift.render(content) for content in contents(bank, None, 0)]
    file = tmp_path / "bank.gift"
    file.write_bytes(gift.document(rendered))
    (parsed,) = parse_gift(file)
    assert len(parsed) == len(bank)
    for question, item in zip(bank, parsed, strict=True):
        assert item["id"] == question.id
        assert_same_scores(question, lambda r, p=item: gift_score(p, r))


def test_generated_questions_round_trip_in_every_format(tmp_path: Path) -> None:
    import random

    rng = random.Random(15)
    questions = [random_question(rng, f"generated-{i}") for i in range(60)]
    items = contents(questions, None, 0)
    file = tmp_path / "generated.gift"
    file.write_bytes(gift.document([gift.render(c) for c in items]))
    (gift_parsed,) = parse_gift(file)
    moodle_parsed = read_moodle(moodle.document([moodle.render(c) for c in items]))
    for content, from_gift, from_moodle in zip(items, gift_parsed, moodle_parsed, strict=True):
        question = content.question
        assert_same_scores(question, qti_scorer(QtiItem(qti21.render(content).xml)))
        assert_same_scores(question, lambda r, p=from_moodle: moodle_score(p, r))
        assert_same_scores(question, lambda r, p=from_gift: gift_score(p, r))


@settings(max_examples=60, deadline=None)
@given(choice_questions())
def test_any_choice_question_qti_is_exact_and_moodle_never_more_generous(
    question: Question,
) -> None:
    (content,) = contents([question], None, 0)
    item = QtiItem(qti21.render(content).xml)
    ids = item.choice_ids()
    picks = list(pick_sets(question, limit=256))
    for picked in picks:
        assert abs(item.score(frozenset(ids[i] for i in picked)) - score(question, picked)) <= 1e-9
    k = sum(c.correct for c in question.choices)
    if question.type == "multiple" and k > 10:
        with pytest.raises(Inexpressible, match=r"1/1[1-4]"):
            moodle.render(content)
        return
    rendered = moodle.render(content)
    (parsed,) = read_moodle(moodle.document([rendered]))
    exact = not rendered.warnings
    for picked in picks:
        ours, theirs = score(question, picked), moodle_score(parsed, picked)
        assert theirs <= ours + TOLERANCE, (picked, ours, theirs)
        if exact:
            assert abs(theirs - ours) <= TOLERANCE, (picked, ours, theirs)
    wrong = len(question.choices) - k
    assert exact == (question.type == "single" or wrong == 0 or wrong <= 10)


def test_a_penalty_moodle_lacks_is_rounded_to_a_harsher_one_with_a_warning() -> None:
    # 1 correct of 13: a wrong pick costs 1/12 by our rule; Moodle's next harsher grade is 10%.
    question = make_question(
        "thirteen", "multiple", choices=[("right", True)] + [(f"w{i}", False) for i in range(12)]
    )
    grades = moodle_grades(question)
    assert grades.fractions[0] == 1
    assert set(grades.fractions[1:]) == {Fraction(-1, 10)}
    assert "costs -10% instead" in grades.warnings[0]
    assert all(g in MOODLE_FRACTIONS for g in grades.fractions)


def test_relative_tolerance_becomes_the_wider_absolute_range() -> None:
    answer = NumericAnswer(value=-200.0, abs_tol=0.5, rel_tol=0.01)
    assert tolerance(answer) == 2.0
    question = make_question("rel", "numeric", answer=answer)
    (content,) = contents([question], None, 0)
    item = QtiItem(qti21.render(content).xml)
    for guess in (-202.0, -198.0, -197.9, -202.1, -200.4):
        assert item.score(guess) == score(question, guess)
