"""Property tests: no input makes the parser raise anything but QuizFormatError,
and a question written by the writer parses back to the same question."""

from __future__ import annotations

import string

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizengine.bank.diagnostics import QuizFormatError
from quizengine.bank.model import Choice, Explanation, NumericAnswer, Question, Reference, SimLink
from quizengine.bank.parser import parse_question, read_question_file
from quizengine.bank.writer import to_markdown

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

yaml_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20)
)
yaml_values = st.recursive(
    yaml_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
keys = st.sampled_from(["id", "type", "tags", "difficulty", "topic", "answer", "created", "x"])
frontmatters = st.dictionaries(keys | st.text(max_size=10), yaml_values, max_size=7)
markdown_fragments = st.sampled_from(
    [
        "---\n",
        "# Title\n",
        "## Answer\n",
        "## References\n",
        "- [x] a\n",
        "- [ ] b\n",
        "- plain\n",
        "text\n",
        "\n",
        "[l](sim:x?a=1#c)\n",
        "[l](sim:?#)\n",
        "```\n",
        "> q\n",
    ]
)


def _parse_or_format_error(text: str) -> None:
    try:
        parse_question(text, "p.md")
    except QuizFormatError as error:
        assert error.diagnostics and all(d.line >= 1 and d.col >= 1 for d in error.diagnostics)


@FAST
@given(st.text())
def test_arbitrary_text_only_raises_format_errors(text: str) -> None:
    _parse_or_format_error(text)


@FAST
@given(st.binary(max_size=200))
def test_arbitrary_bytes_only_raise_format_errors(data: bytes) -> None:
    try:
        text = read_question_file("p.md", data)
    except QuizFormatError:
        return
    _parse_or_format_error(text)


@FAST
@given(frontmatters, st.lists(markdown_fragments, max_size=12))
def test_arbitrary_frontmatter_and_layout_only_raise_format_errors(
    data: dict, fragments: list[str]
) -> None:
    front = yaml.safe_dump(data, allow_unicode=True)
    _parse_or_format_error(f"---\n{front}---\n" + "".join(fragments))


words = (
    st.text(alphabet=string.ascii_letters + " ", min_size=1, max_size=30)
    .map(str.strip)
    .filter(bool)
)
slugs = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}", fullmatch=True)


@st.composite
def questions(draw: st.DrawFn) -> Question:
    kind = draw(st.sampled_from(["single", "multiple", "numeric"]))
    choices: list[Choice] = []
    answer = None
    if kind == "numeric":
        answer = NumericAnswer(value=draw(st.floats(-1e6, 1e6)), abs_tol=0.5)
    else:
        texts = draw(st.lists(words, min_size=2, max_size=6, unique=True))
        correct = draw(st.sets(st.integers(0, len(texts) - 1), min_size=1, max_size=len(texts)))
        if kind == "single":
            correct = {min(correct)}
        with_claim = draw(st.booleans())
        choices = [
            Choice(
                text=t,
                correct=i in correct,
                claim=SimLink(
                    simulation="gradient-flow",
                    params={"depth": str(i + 2), "activation": "relu"},
                    target="stable",
                    text="claim",
                )
                if with_claim
                else None,
            )
            for i, t in enumerate(texts)
        ]
    return Question(
        path="q.md",
        id=draw(slugs),
        type=kind,
        title=draw(words),
        prompt=draw(words) + "?",
        choices=choices,
        answer=answer,
        explanation=Explanation(markdown=draw(words) + "."),
        references=[Reference(title=draw(words), url="https://example.org/paper")],
        tags=draw(st.lists(slugs, max_size=3)),
        content_hash="",
    )


def _comparable(question: Question) -> dict:
    """Everything an author wrote, without positions and hashes."""
    data = question.model_dump(exclude={"path", "content_hash", "id_line"})
    for choice in data["choices"]:
        choice.pop("line")
        if choice["claim"]:
            choice["claim"].pop("line")
            choice["claim"].pop("col")
    for ref in data["references"]:
        ref.pop("line")
    data["explanation"].pop("line")
    return data


@FAST
@given(questions())
def test_writer_round_trip(question: Question) -> None:
    parsed = parse_question(to_markdown(question), "q.md").question
    assert _comparable(parsed) == _comparable(question)
