"""Moodle XML export: read back with a second parser (lxml; ElementTree wrote it), Moodle's
import rules as properties of any question, and the Moodle XML and GIFT of each question
describing the same question."""

from __future__ import annotations

import math
import random
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from export_support import (
    choice_questions,
    gift_weight,
    make_question,
    parse_gift,
    random_question,
    read_moodle,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from quizengine.bank.load import load_bank
from quizengine.bank.model import NumericAnswer, Question
from quizengine.export import gift, moodle, qti21
from quizengine.export.credit import MOODLE_FRACTIONS, Inexpressible
from quizengine.export.exporter import contents


def export(questions: list[Question]) -> list[dict[str, Any]]:
    return read_moodle(moodle.document([moodle.render(c) for c in contents(questions, None, 0)]))


def assert_moodle_accepts(parsed: dict[str, Any]) -> None:
    """What Moodle's importer and the question types' save checks require."""
    assert parsed["name"].strip() and parsed["questiontext"].strip()
    assert len(parsed["idnumber"]) <= 100
    for answer in parsed["answers"]:
        text = answer["fraction_text"]
        assert -Decimal(text).as_tuple().exponent <= 5, f"more than five decimals: {text}"
        grade = Fraction(text) / 100
        assert any(abs(grade - allowed) <= Fraction(1, 100_000) for allowed in MOODLE_FRACTIONS), (
            text
        )
    fractions = [a["fraction"] / 100 for a in parsed["answers"]]
    if parsed["type"] == "numerical":
        (answer,) = parsed["answers"]
        assert answer["fraction"] == 100
        assert math.isfinite(float(answer["text"])) and float(answer["tolerance"]) >= 0
    elif parsed["single"] == "true":
        assert sorted(fractions)[-1] == 1 and sorted(fractions)[:-1] == [0] * (len(fractions) - 1)
    else:
        assert parsed["single"] == "false"
        assert round(sum(f for f in fractions if f > 0), 2) == 1  # "add up to 100%"


def test_the_bank_reads_back_with_lxml_as_written() -> None:
    questions = load_bank().questions
    items = contents(questions, None, 0)
    parsed = export(questions)
    for content, item in zip(items, parsed, strict=True):
        question = content.question
        assert item["name"] == question.title and item["idnumber"] == question.id
        assert item["questiontext"] == content.prompt_html
        assert item["generalfeedback"] == content.general_feedback_html
        assert item["tags"] == question.tags
        assert_moodle_accepts(item)
        if question.type != "numeric":
            assert [a["text"] for a in item["answers"]] == [c.html for c in content.choices]
            assert [a["feedback"] for a in item["answers"]] == [
                c.feedback_html for c in content.choices
            ]


@settings(max_examples=80, deadline=None)
@given(choice_questions(max_choices=24))
def test_every_choice_question_meets_moodles_import_rules_or_is_refused(question: Question) -> None:
    (content,) = contents([question], None, 0)
    try:
        rendered = moodle.render(content)
    except Inexpressible as reason:
        assert question.type == "multiple" and sum(c.correct for c in question.choices) > 10
        assert "no such fraction" in str(reason)
        return
    (parsed,) = read_moodle(moodle.document([rendered]))
    assert_moodle_accepts(parsed)
    assert parsed["single"] == ("true" if question.type == "single" else "false")


@settings(max_examples=60, deadline=None)
@given(
    st.floats(-1e9, 1e9, allow_nan=False),
    st.one_of(st.none(), st.floats(0, 1e6)),
    st.one_of(st.none(), st.floats(0, 10)),
)
def test_every_numeric_key_meets_moodles_import_rules(
    value: float, abs_tol: float | None, rel_tol: float | None
) -> None:
    if abs_tol is None and rel_tol is None:
        abs_tol = 0.0
    answer = NumericAnswer(value=value, abs_tol=abs_tol, rel_tol=rel_tol)
    (parsed,) = export([make_question("n", "numeric", answer=answer)])
    assert_moodle_accepts(parsed)
    (written,) = parsed["answers"]
    assert float(written["text"]) == value  # the decimal round-trips exactly
    width = max(abs_tol or 0.0, (rel_tol or 0.0) * abs(value))
    assert float(written["tolerance"]) == width


def test_a_range_too_wide_for_a_float_is_refused() -> None:
    # A finite key whose relative tolerance overflows: 10 x 1e308 is no float.
    answer = NumericAnswer(value=1e308, rel_tol=10)
    (content,) = contents([make_question("huge", "numeric", answer=answer)], None, 0)
    for writer in (moodle, gift, qti21):
        with pytest.raises(Inexpressible, match="not finite"):
            writer.render(content)


def test_moodle_xml_and_gift_describe_the_same_questions(tmp_path: Path) -> None:
    rng = random.Random(3)
    questions = load_bank().questions + [random_question(rng, f"g-{i}") for i in range(40)]
    items = contents(questions, None, 0)
    from_moodle = read_moodle(moodle.document([moodle.render(c) for c in items]))
    file = tmp_path / "same.gift"
    file.write_bytes(gift.document([gift.render(c) for c in items]))
    (from_gift,) = parse_gift(file)
    for xml, text in zip(from_moodle, from_gift, strict=True):
        assert (xml["name"], xml["idnumber"], xml["tags"]) == (
            text["title"],
            text["id"],
            text["tags"],
        )
        assert xml["questiontext"].strip() == text["stem"]["text"]
        assert xml["generalfeedback"].strip() == text["globalFeedback"]["text"]
        if xml["type"] == "numerical":
            assert text["type"] == "Numerical"
            (answer,), (choice,) = xml["answers"], text["choices"]
            assert float(answer["text"]) == choice["text"]["number"]
            assert float(answer["tolerance"]) == choice["text"]["range"]
            assert answer["feedback"].strip() == choice["feedback"]["text"]
            continue
        assert text["type"] == "MC"
        single = all(c["weight"] is None for c in text["choices"])
        assert (xml["single"] == "true") == single
        assert [a["fraction"] for a in xml["answers"]] == [gift_weight(c) for c in text["choices"]]
        assert [a["text"].strip() for a in xml["answers"]] == [
            c["text"]["text"] for c in text["choices"]
        ]
        assert [a["feedback"].strip() for a in xml["answers"]] == [
            c["feedback"]["text"] for c in text["choices"]
        ]
