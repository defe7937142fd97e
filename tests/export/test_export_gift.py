"""GIFT export, read by an independent parser: gift-pegjs (npm, pinned in package.json) must
find our questions, weights, answers and feedback, whatever characters the text holds."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from export_support import make_question, parse_gift, random_question

from quizengine.bank.load import load_bank
from quizengine.bank.model import Question
from quizengine.export import gift
from quizengine.export.content import QuestionContent
from quizengine.export.credit import moodle_grades, percent, tolerance
from quizengine.export.exporter import contents


def assert_parsed_as_ours(content: QuestionContent, parsed: dict[str, Any]) -> None:
    question = content.question
    assert parsed["title"] == question.title
    assert parsed["id"] == question.id
    assert parsed["tags"] == question.tags
    assert parsed["stem"] == {"format": "html", "text": content.prompt_html.strip()}
    assert parsed["globalFeedback"] == {
        "format": "html",
        "text": content.general_feedback_html.strip(),
    }
    if question.type == "numeric":
        assert question.answer is not None
        assert parsed["type"] == "Numerical"
        (choice,) = parsed["choices"]
        assert choice["isCorrect"] is True and choice["weight"] is None
        assert choice["text"] == {
            "type": "range",
            "number": question.answer.value,
            "range": tolerance(question.answer),
        }
        assert choice["feedback"]["text"] == content.answer_feedback_html.strip()
        return
    assert parsed["type"] == "MC"
    grades = moodle_grades(question).fractions
    assert len(parsed["choices"]) == len(content.choices)
    for ours, theirs, grade in zip(content.choices, parsed["choices"], grades, strict=True):
        assert theirs["text"] == {"format": "html", "text": ours.html.strip()}
        assert theirs["feedback"] == {"format": "html", "text": ours.feedback_html.strip()}
        if question.type == "single":
            assert theirs["isCorrect"] is ours.correct and theirs["weight"] is None
        else:
            assert theirs["isCorrect"] is False  # '~' with a weight: Moodle shows checkboxes
            assert theirs["weight"] == float(percent(grade))


def export_and_parse(
    questions: list[Question], folder: Path
) -> tuple[list[QuestionContent], list[dict]]:
    items = contents(questions, None, 0)
    file = folder / "out.gift"
    file.write_bytes(gift.document([gift.render(c) for c in items]))
    (parsed,) = parse_gift(file)
    assert len(parsed) == len(items)
    return items, parsed


def test_gift_pegjs_reads_the_bank_as_we_wrote_it(tmp_path: Path) -> None:
    items, parsed = export_and_parse(load_bank().questions, tmp_path)
    for content, item in zip(items, parsed, strict=True):
        assert_parsed_as_ours(content, item)


def test_gift_pegjs_reads_hostile_text_as_we_wrote_it(tmp_path: Path) -> None:
    rng = random.Random(7)
    questions = [random_question(rng, f"hostile-{i}") for i in range(80)]
    questions.append(
        make_question(
            "specials",
            "multiple",
            title="::not a title:: {=x} ~y #z \\n",
            prompt="// not a comment\n\n$CATEGORY: nope\n\n{#1:2}\n\n\n\nblank lines above",
            choices=[("= looks correct", False), ("~%100% looks weighted", True), ("#", True)],
            explanation="####not general feedback\n\n}",
        )
    )
    items, parsed = export_and_parse(questions, tmp_path)
    for content, item in zip(items, parsed, strict=True):
        assert_parsed_as_ours(content, item)


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("a~b", "a\\~b"),
        ("x=1", "x\\=1"),
        ("#{}", "\\#\\{\\}"),
        ("http://", "http\\://"),
        ("\\n", "\\\\n"),
    ],
)
def test_specials_are_escaped(raw: str, escaped: str) -> None:
    assert gift.escape(raw) == escaped


def test_newlines_never_make_a_blank_line() -> None:
    assert "\n" not in gift.escape("a\n\n\nb\r\nc")
