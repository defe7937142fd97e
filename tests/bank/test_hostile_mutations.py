"""Real bank files mutated structurally, not byte by byte: lines and tokens duplicated, deleted
and swapped, control and separator characters inserted, brackets nested. Whatever comes out, the
parser gives a question or errors at real positions, and never a traceback or a control byte."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizengine.bank.diagnostics import QuizFormatError
from quizengine.bank.parser import parse_question, read_question_file, split_lines

BANK = sorted((Path(__file__).resolve().parents[2] / "quizzes").glob("*.md"))
SOURCES = [path.read_text(encoding="utf-8") for path in BANK]
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
INSERTS = [
    "\x0b", "\x0c", "\x1b[5m", "\x1b]0;t\x07", "\x07", "\x00", "\r", "\x85", "\u2028", "\u2029",
    "\u202e", "\x9b", "\t", "\ufeff", "[", "]", "(", ")", "[" * 30, "{" * 30, "[[x]]", "](sim:",
    "`", "*", "\\", "---\n", "\n", "- [x] ", "- [ ] ", "## Answer\n", "  ", ": ", "&a ", "- ",
]  # fmt: skip

FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _lines_op(data: st.DataObject, lines: list[str]) -> list[str]:
    if not lines:
        return lines
    op = data.draw(st.sampled_from(["duplicate", "delete", "swap", "move"]))
    i = data.draw(st.integers(0, len(lines) - 1))
    j = data.draw(st.integers(0, len(lines) - 1))
    if op == "duplicate":
        return [*lines[: i + 1], lines[i], *lines[i + 1 :]]
    if op == "delete":
        return lines[:i] + lines[i + 1 :]
    if op == "swap":
        lines = list(lines)
        lines[i], lines[j] = lines[j], lines[i]
        return lines
    moved = lines[:i] + lines[i + 1 :]
    return [*moved[:j], lines[i], *moved[j:]]


def _tokens_op(data: st.DataObject, text: str) -> str:
    tokens = re.split(r"(\s+)", text)
    if len(tokens) < 2:
        return text
    op = data.draw(st.sampled_from(["duplicate", "delete", "swap"]))
    i = data.draw(st.integers(0, len(tokens) - 1))
    j = data.draw(st.integers(0, len(tokens) - 1))
    if op == "duplicate":
        tokens.insert(i, tokens[i])
    elif op == "delete":
        del tokens[i]
    else:
        tokens[i], tokens[j] = tokens[j], tokens[i]
    return "".join(tokens)


def _insert_op(data: st.DataObject, text: str) -> str:
    where = data.draw(st.integers(0, len(text)))
    what = data.draw(st.sampled_from(INSERTS))
    return text[:where] + what + text[where:]


@st.composite
def mutated_files(draw: st.DrawFn) -> str:
    data = draw(st.data())
    text = SOURCES[draw(st.integers(0, len(SOURCES) - 1))]
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["lines", "tokens", "insert", "insert"]))
        if kind == "lines":
            text = "".join(_lines_op(data, split_lines(text)))
        elif kind == "tokens":
            text = _tokens_op(data, text)
        else:
            text = _insert_op(data, text)
    return text


@FAST
@given(mutated_files())
def test_a_mutated_bank_file_parses_or_fails_at_real_positions(text: str) -> None:
    data = text.encode("utf-8", "surrogatepass")
    try:
        parsed = parse_question(read_question_file("q.md", data), "q.md")
    except QuizFormatError as error:
        findings = error.diagnostics
    else:
        question = parsed.question
        findings = parsed.warnings
        shown_text = [question.title, question.prompt, question.explanation.markdown]
        shown_text += [choice.text for choice in question.choices]
        assert all(t.strip() for t in [question.title, question.explanation.markdown])
        assert not any("\r" in t for t in shown_text if "\r" not in text.replace("\r\n", ""))
    line_count = text.count("\n") + 1
    for finding in findings:
        assert 1 <= finding.line <= line_count + 1, finding
        assert finding.col >= 1, finding
        assert CONTROL.search(str(finding)) is None, str(finding)


@FAST
@given(mutated_files())
def test_no_choice_text_is_lost(text: str) -> None:
    """Every word of a choice line survives into the choice's text or its claim link."""
    try:
        parsed = parse_question(read_question_file("q.md", text.encode()), "q.md")
    except QuizFormatError:
        return
    lines = split_lines(text.replace("\r\n", "\n"))
    for choice in parsed.question.choices:
        source = lines[choice.line - 1]
        if "\n" in choice.text or not source.lstrip().startswith(("- [x]", "- [ ]")):
            continue  # a choice continued on the next lines, or a lazy continuation
        body = source.split("]", 1)[1]
        claim = "" if choice.claim is None else f"]({choice.claim.href})"
        for word in body.split():
            assert word in choice.text or word in claim or "sim:" in word or word.startswith("["), (
                word,
                choice.text,
            )
