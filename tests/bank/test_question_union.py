"""A question is a choice question or a numeric question, told apart by its ``type``."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import VALID_SINGLE
from pydantic import TypeAdapter, ValidationError

from quizengine.bank import load as bank_load
from quizengine.bank.diagnostics import QuizFormatError
from quizengine.bank.load import load_bank
from quizengine.bank.model import Bank, ChoiceQuestion, NumericQuestion, Question
from quizengine.bank.parser import parse_question

NUMERIC = """\
---
id: sample-numeric
type: numeric
answer:
  value: 0.25
  abs_tol: 0.01
  unit: per step
  metric: "sim:activation-derivatives?activation=sigmoid#max_derivative"
---
# The sigmoid's slope

How large is the sigmoid's derivative at most?

## Answer

sigma'(x) = sigma(x)(1 - sigma(x)) peaks at x = 0.
"""


def test_a_choice_file_parses_into_a_choice_question() -> None:
    single = parse_question(VALID_SINGLE, "q.md").question
    multiple = parse_question(VALID_SINGLE.replace("type: single", "type: multiple"), "q.md")
    for question, kind in ((single, "single"), (multiple.question, "multiple")):
        assert isinstance(question, ChoiceQuestion) and question.type == kind
        assert [c.text for c in question.choices] == ["0.25", "1.0", "4.0"]
        assert not hasattr(question, "answer")  # the key is the choices' marks, nothing else
        assert [k.role for k in question.keyed_links()] == ["claim"] * 3


def test_a_numeric_file_parses_into_a_numeric_question() -> None:
    question = parse_question(NUMERIC, "n.md").question
    assert isinstance(question, NumericQuestion) and question.type == "numeric"
    assert (question.answer.value, question.answer.abs_tol, question.answer.unit) == (
        0.25,
        0.01,
        "per step",
    )
    assert not hasattr(question, "choices")
    [keyed] = question.keyed_links()
    assert (keyed.role, keyed.expected, keyed.link) == ("metric", 0.25, question.metric_link)
    assert question.metric_link is not None and question.metric_link.line == 8


def _error(text: str) -> str:
    with pytest.raises(QuizFormatError) as caught:
        parse_question(text, "quizzes/q.md")
    [error] = caught.value.diagnostics
    return str(error)


def test_a_choice_frontmatter_with_a_numeric_answer_is_an_error_at_the_key() -> None:
    text = VALID_SINGLE.replace("type: single\n", "type: single\nanswer: {value: 1, abs_tol: 0}\n")
    message = _error(text)
    assert message.startswith("quizzes/q.md:4:1: error: unknown key 'answer'")


def test_a_numeric_frontmatter_without_its_answer_is_an_error_at_the_frontmatter() -> None:
    text = NUMERIC.replace(NUMERIC[NUMERIC.index("answer:") : NUMERIC.index("---\n#")], "")
    assert _error(text).startswith("quizzes/q.md:2:1: error: missing key 'answer'")


def test_a_numeric_frontmatter_over_a_task_list_is_an_error_at_the_choices() -> None:
    text = VALID_SINGLE.replace("type: single", "type: numeric\nanswer: {value: 0.25, abs_tol: 0}")
    message = _error(text)
    assert message.startswith("quizzes/q.md:") and "a numeric question has no choices" in message


def test_the_union_validates_by_type_and_refuses_the_other_kinds_fields() -> None:
    adapter: TypeAdapter[Question] = TypeAdapter(Question)
    choice = parse_question(VALID_SINGLE, "q.md").question
    numeric = parse_question(NUMERIC, "n.md").question
    for question in (choice, numeric):
        again = adapter.validate_python(question.model_dump())
        assert type(again) is type(question) and again == question
    with pytest.raises(ValidationError, match="answer"):
        adapter.validate_python({**numeric.model_dump(), "type": "single", "choices": []})
    with pytest.raises(ValidationError, match="answer"):
        adapter.validate_python({**choice.model_dump(), "type": "numeric"})
    bank = Bank(questions=[choice, numeric])
    assert [type(q) for q in Bank.model_validate(bank.model_dump()).questions] == [
        ChoiceQuestion,
        NumericQuestion,
    ]


def test_the_parse_cache_rebuilds_each_kind_of_question(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "bank"
    root.mkdir()
    (root / "a.md").write_text(VALID_SINGLE)
    (root / "n.md").write_text(NUMERIC)
    parsed = load_bank([root], cache_dir=tmp_path / "cache")
    monkeypatch.setattr(bank_load, "parse_file", pytest.fail)  # from here on, only the cache
    cached = load_bank([root], cache_dir=tmp_path / "cache")
    assert [type(q) for q in cached.questions] == [ChoiceQuestion, NumericQuestion]
    assert cached == parsed
    numeric = cached.by_id("sample-numeric")
    assert isinstance(numeric, NumericQuestion) and numeric.answer.accepts(0.255)
