"""Every parser error an author can make: message and line number."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import VALID_SINGLE

from quizengine.bank.diagnostics import Diagnostic, QuizFormatError
from quizengine.bank.load import load_bank
from quizengine.bank.parser import MAX_FILE_BYTES, parse_question, read_question_file


def errors_of(text: str) -> list[Diagnostic]:
    with pytest.raises(QuizFormatError) as caught:
        parse_question(text, "q.md")
    return caught.value.diagnostics


def only_error(text: str) -> Diagnostic:
    errors = errors_of(text)
    assert len(errors) == 1, [str(e) for e in errors]
    return errors[0]


def test_valid_question_parses_into_models() -> None:
    parsed = parse_question(VALID_SINGLE, "q.md")
    q = parsed.question
    assert (q.id, q.type, q.title) == ("sample-single", "single", "The sigmoid's slope")
    assert q.prompt == "Which value bounds the sigmoid's derivative?"
    assert [c.text for c in q.choices] == ["0.25", "1.0", "4.0"]
    assert q.correct_indices == [0]
    assert [c.line for c in q.choices] == [12, 13, 14]
    assert q.explanation.markdown.startswith("sigma'(x)")
    assert q.references[0].url == "https://proceedings.mlr.press/v9/glorot10a.html"
    assert q.tags == ["activations"] and q.difficulty == "easy"
    assert len(q.content_hash) == 64
    assert parsed.warnings and all(w.severity == "warning" for w in parsed.warnings)


def test_single_with_two_correct_choices_names_them() -> None:
    text = VALID_SINGLE.replace("- [ ] 4.0", "- [x] 4.0")
    error = only_error(text)
    assert str(error) == (
        "q.md:12:1: error: single-choice question has 2 correct choices (choices 1 and 3); "
        "mark exactly one with [x]"
    )


def test_single_without_correct_choice() -> None:
    error = only_error(VALID_SINGLE.replace("- [x] 0.25", "- [ ] 0.25"))
    assert error.line == 12
    assert "no correct choice; mark exactly one with [x]" in error.message


def test_multiple_without_correct_choice() -> None:
    text = VALID_SINGLE.replace("type: single", "type: multiple").replace("[x]", "[ ]")
    error = only_error(text)
    assert error.message == (
        "multiple-choice question has no correct choice; mark at least one with [x]"
    )
    assert error.line == 12


def test_fewer_than_two_choices() -> None:
    text = VALID_SINGLE.replace("- [ ] 1.0\n- [ ] 4.0\n", "")
    error = only_error(text)
    assert error.message == "only 1 choice; a single question needs at least two"
    assert error.line == 12


def test_unknown_key_suggests_the_right_one() -> None:
    error = only_error(VALID_SINGLE.replace("difficulty: easy", "dificulty: easy"))
    assert error.line == 5 and error.col == 1
    assert error.message.startswith("unknown key 'dificulty' (did you mean 'difficulty'?)")


def test_bad_value_points_at_its_key() -> None:
    error = only_error(VALID_SINGLE.replace("difficulty: easy", "difficulty: brutal"))
    assert error.line == 5
    assert "difficulty" in error.message and "'brutal'" in error.message


def test_bad_id_is_explained() -> None:
    error = only_error(VALID_SINGLE.replace("id: sample-single", "id: Sample Single"))
    assert error.line == 2 and error.message.startswith("id: ")


def test_unknown_type_suggests() -> None:
    error = only_error(VALID_SINGLE.replace("type: single", "type: singel"))
    assert error.line == 3 and error.col == 1
    assert "unknown type 'singel'" in error.message and "did you mean 'single'" in error.message


def test_missing_type() -> None:
    error = only_error(VALID_SINGLE.replace("type: single\n", ""))
    assert "missing key 'type'" in error.message


def test_missing_explanation() -> None:
    text = VALID_SINGLE.split("## Answer")[0]
    error = only_error(text)
    assert error.message.startswith("missing explanation: add a '## Answer' section")


def test_empty_explanation() -> None:
    text = VALID_SINGLE.replace("sigma'(x) = sigma(x)(1 - sigma(x)) peaks at x = 0.\n", "")
    error = only_error(text)
    assert error.line == 16 and "'## Answer' section is empty" in error.message


def test_no_frontmatter_tells_what_to_add() -> None:
    body = VALID_SINGLE.split("---\n", 2)[2]
    error = only_error(body)
    assert (error.line, error.col) == (1, 1)
    assert error.message.startswith("this file has a title but no frontmatter: start the file")
    assert "'id: your-question-id'" in error.message and "'type: single'" in error.message


def test_unclosed_frontmatter() -> None:
    text = VALID_SINGLE.replace("topic: vanishing gradients\n---\n", "topic: x\n")
    errors = errors_of(text)
    assert "frontmatter is not closed" in errors[0].message


def test_invalid_yaml_points_at_the_line() -> None:
    error = only_error(VALID_SINGLE.replace("tags: [activations]", "tags: [activations"))
    assert error.message.startswith("invalid YAML in frontmatter")
    assert 4 <= error.line <= 6


def test_yaml_that_is_not_a_mapping() -> None:
    text = "---\n- a\n- b\n---\n# T\n\nQ?\n\n- [x] a\n- [ ] b\n\n## Answer\n\nx\n"
    error = only_error(text)
    assert error.line == 2
    assert error.message == (
        "frontmatter must be a mapping of keys (id: ..., type: ...), but it is a list"
    )


def test_yaml_alias_bomb_is_rejected_without_expanding() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(9)
    )
    text = VALID_SINGLE.replace("id: sample-single\n", "id: sample-single\n" + bomb)
    error = only_error(text)
    assert error.message == (
        "invalid YAML in frontmatter: YAML aliases (*name) are not allowed in frontmatter"
    )
    assert error.line == 4  # the first alias


def test_numeric_needs_answer_and_tolerance() -> None:
    numeric = "---\nid: n\ntype: numeric\n---\n# T\n\nHow much?\n\n## Answer\n\nThis much.\n"
    assert "missing key 'answer'" in only_error(numeric).message
    no_tol = numeric.replace("type: numeric\n", "type: numeric\nanswer:\n  value: 0.25\n")
    error = only_error(no_tol)
    assert error.line == 4 and "give a tolerance" in error.message


def test_numeric_question_parses_with_metric_link() -> None:
    text = (
        "---\nid: n\ntype: numeric\nanswer:\n  value: 0.25\n  abs_tol: 0.001\n"
        '  metric: "sim:activation-derivatives?activation=sigmoid#max_derivative"\n---\n'
        "# T\n\nHow much?\n\n## Answer\n\nThis much.\n"
    )
    q = parse_question(text, "n.md").question
    assert q.answer is not None and q.answer.accepts(0.2505) and not q.answer.accepts(0.3)
    assert q.metric_link is not None and q.metric_link.line == 7
    assert q.metric_link.target == "max_derivative"
    assert q.metric_link.params == {"activation": "sigmoid"}


def test_metric_link_in_a_flow_style_answer_points_at_its_key() -> None:
    text = (
        "---\nid: n\ntype: numeric\n"
        'answer: {value: 0.25, abs_tol: 0.001, metric: "sim:x?a=1&a=2#m"}\n---\n'
        "# T\n\nHow much?\n\n## Answer\n\nThis much.\n"
    )
    error = only_error(text)
    assert (error.line, error.col) == (4, 39)
    assert error.message.startswith("answer.metric: parameter 'a' given twice")
    good = text.replace("sim:x?a=1&a=2#m", "sim:x?a=1#m")
    link = parse_question(good, "n.md").question.metric_link
    assert link is not None and (link.line, link.col) == (4, 39)


def test_numeric_question_with_choices_is_an_error() -> None:
    text = VALID_SINGLE.replace(
        "type: single", "type: numeric\nanswer: {value: 0.25, abs_tol: 0.01}"
    )
    assert "a numeric question has no choices" in only_error(text).message


def test_choices_missing_entirely() -> None:
    text = VALID_SINGLE.replace("- [x] 0.25\n- [ ] 1.0\n- [ ] 4.0\n", "")
    assert only_error(text).message.startswith("no choices found")


def test_list_item_without_checkbox() -> None:
    error = only_error(VALID_SINGLE.replace("- [ ] 1.0", "- 1.0"))
    assert error.line == 13 and error.message.startswith("choice 2 has no checkbox")


def test_text_after_choices_is_an_error() -> None:
    text = VALID_SINGLE.replace("- [ ] 4.0\n", "- [ ] 4.0\n\nA stray paragraph.\n")
    error = only_error(text)
    assert error.line == 16 and "text after the choices" in error.message


def test_claim_links_are_parsed_and_stripped_from_the_choice() -> None:
    text = VALID_SINGLE.replace(
        "- [x] 0.25",
        "- [x] 0.25 [claim](sim:activation-derivatives?activation=sigmoid"
        "#max-derivative-at-most-quarter)",
    )
    choice = parse_question(text, "q.md").question.choices[0]
    assert choice.text == "0.25"
    assert choice.claim is not None
    assert (choice.claim.simulation, choice.claim.target) == (
        "activation-derivatives",
        "max-derivative-at-most-quarter",
    )
    assert choice.claim.line == 12 and choice.claim.col == 20


def test_claim_link_must_name_a_claim() -> None:
    text = VALID_SINGLE.replace("- [x] 0.25", "- [x] 0.25 [c](sim:gradient-flow?depth=3)")
    error = only_error(text)
    assert error.line == 12 and "must name a claim after '#'" in error.message


def test_claim_link_must_end_the_choice() -> None:
    text = VALID_SINGLE.replace("- [x] 0.25", "- [x] 0.25 [c](sim:gradient-flow#stable) and more")
    assert "must be the last thing in the choice" in only_error(text).message


def test_bad_sim_link_parameters() -> None:
    text = VALID_SINGLE.replace("- [x] 0.25", "- [x] 0.25 [c](sim:gradient-flow?depth=3&depth=4#x)")
    assert "parameter 'depth' given twice" in only_error(text).message


def test_run_links_in_the_explanation() -> None:
    text = VALID_SINGLE.replace(
        "peaks at x = 0.", "peaks at x = 0. [Run it](sim:gradient-flow?activation=sigmoid)."
    )
    links = parse_question(text, "q.md").question.explanation.links
    assert [(link.simulation, link.params, link.line) for link in links] == [
        ("gradient-flow", {"activation": "sigmoid"}, 18)
    ]


@pytest.mark.parametrize(
    ("data", "message", "line"),
    [
        (b"", "empty file", 1),
        (b"  \n\n", "empty file", 1),
        (b"---\nid: a\x00\n", "binary file", 1),
        (b"---\nid: caf\xe9\n", "not UTF-8: byte 0xe9", 2),
        (b"#" * (MAX_FILE_BYTES + 1), "file is too large", 1),
    ],
)
def test_unreadable_files(data: bytes, message: str, line: int) -> None:
    with pytest.raises(QuizFormatError) as caught:
        read_question_file("f.md", data)
    (error,) = caught.value.diagnostics
    assert error.message.startswith(message) and error.line == line


def test_one_broken_file_does_not_stop_the_others(tmp_path: Path) -> None:
    (tmp_path / "good.md").write_text(VALID_SINGLE)
    (tmp_path / "bad.md").write_bytes(b"\xff\xfe garbage")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "good2.md").write_text(VALID_SINGLE.replace("sample-single", "second"))
    bank = load_bank([tmp_path])
    assert [q.id for q in bank.questions] == ["sample-single", "second"]
    assert bank.files == 3
    assert [d.path.endswith("bad.md") for d in bank.errors] == [True]


def test_duplicate_ids_name_both_places(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(VALID_SINGLE)
    (tmp_path / "b.md").write_text(VALID_SINGLE)
    bank = load_bank([tmp_path])
    assert len(bank.questions) == 1
    (error,) = bank.errors
    assert error.path.endswith("b.md") and error.line == 2
    assert error.message.startswith("duplicate id 'sample-single'; first defined at ")
    assert error.message.endswith("a.md:2")
