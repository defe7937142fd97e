"""Independent consumers of the exports, for the export tests: an evaluator of QTI response
processing, a reader of Moodle XML (lxml, not the ElementTree that wrote it), gift-pegjs through
node, the official QTI schema, and generators of questions with hostile text."""

from __future__ import annotations

import itertools
import json
import random
import shutil
import subprocess
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st
from lxml import etree

from quizengine.bank.model import (
    Choice,
    ChoiceQuestion,
    Explanation,
    NumericAnswer,
    NumericQuestion,
    Question,
    Reference,
)
from quizengine.cli import main
from quizengine.practice.scoring import score

ROOT = Path(__file__).resolve().parents[2]
QTI_SCHEMA = ROOT.parent / "shared" / "qti21" / "qtiv2p1" / "imsqti_v2p1.xsd"
QTI = "{http://www.imsglobal.org/xsd/imsqti_v2p1}"
__all__ = ["score"]  # quizengine's own rule, the reference every exported score must match


# --- questions --------------------------------------------------------------------------------

HOSTILE = "~=#{}:\\<>&\"'[]()*_`|$%/\n é∑😀"


def make_question(
    qid: str,
    kind: str,
    choices: list[tuple[str, bool]] | None = None,
    answer: NumericAnswer | None = None,
    title: str = "A question",
    prompt: str = "Which is it?",
    explanation: str = "Because.",
    references: list[tuple[str, str]] | None = None,
) -> Question:
    common: dict[str, Any] = {
        "path": f"quizzes/{qid}.md",
        "id": qid,
        "title": title,
        "prompt": prompt,
        "explanation": Explanation(markdown=explanation),
        "references": [Reference(title=t, url=u) for t, u in references or []],
        "tags": ["generated"],
        "content_hash": "0" * 64,
    }
    if kind == "numeric":
        assert answer is not None and not choices, "a numeric question has an answer, no choices"
        return NumericQuestion(type="numeric", answer=answer, **common)
    assert answer is None, f"a {kind} question has choices, no numeric answer"
    listed = [Choice(text=t, correct=c) for t, c in choices or []]
    return ChoiceQuestion(type=kind, choices=listed, **common)  # type: ignore[arg-type]


def _text(rng: random.Random, alphabet: str = HOSTILE) -> str:
    words = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 6))) for _ in range(4)]
    return " ".join(["word", *words, "end"])


def random_question(rng: random.Random, qid: str) -> Question:
    """A question with hostile text: GIFT's and XML's special characters, Markdown, newlines."""
    kind = rng.choice(["single", "multiple", "numeric"])
    common = {
        "title": _text(rng, "~=#{}:\\<>&é ab").replace("\n", " "),
        "prompt": _text(rng) + "\n\n" + _text(rng),
        "explanation": _text(rng)
        + "\n\n- "
        + _text(rng, "ab*_`")
        + "\n- [a link](https://x.org/?a=1&b=2#f)",
        "references": [("Ref {1} = #2", "https://example.org/a:b?c=d&e=f#g")],
    }
    if kind == "numeric":
        value = rng.choice([0.25, -3.5, 1234.5, 0.0001, 7.0])
        abs_tol, rel_tol = rng.choice([(0.001, None), (None, 0.05), (0.5, 0.05), (0.0, 0.01)])
        answer = NumericAnswer(value=value, abs_tol=abs_tol, rel_tol=rel_tol)
        return make_question(qid, kind, answer=answer, **common)
    n = rng.randint(2, 7)
    flags = [False] * n
    if kind == "single":
        flags[rng.randrange(n)] = True
    else:
        for index in rng.sample(range(n), rng.randint(1, n)):
            flags[index] = True
    choices = [(_text(rng).replace("\n", " "), flag) for flag in flags]
    return make_question(qid, kind, choices=choices, **common)


@st.composite
def choice_questions(draw: st.DrawFn, max_choices: int = 14) -> Question:
    """single or multiple questions of any shape, including ones Moodle cannot grade."""
    kind = draw(st.sampled_from(["single", "multiple"]))
    n = draw(st.integers(2 if kind == "single" else 1, max_choices))
    if kind == "single":
        correct = {draw(st.integers(0, n - 1))}
    else:
        correct = set(draw(st.lists(st.integers(0, n - 1), min_size=1, unique=True)))
    text = st.text(alphabet=HOSTILE.replace("\n", "") + "abc", min_size=1, max_size=12).filter(
        lambda t: t.strip() and not t.strip().startswith(("#", "*", "-", "+", ">", "|"))
    )
    choices = [(f"c{i} " + draw(text), i in correct) for i in range(n)]
    return make_question("generated", kind, choices=choices, title="T " + draw(text))


def pick_sets(question: Question, limit: int = 4096) -> Iterator[frozenset[int]]:
    """Every set of picks a learner can give: one radio button (or none) for ``single``,
    every subset of the checkboxes for ``multiple`` (a sample beyond ``limit``)."""
    n = len(question.choices)
    if question.type == "single":
        yield frozenset()
        yield from (frozenset({i}) for i in range(n))
        return
    if 2**n <= limit:
        for size in range(n + 1):
            yield from (frozenset(c) for c in itertools.combinations(range(n), size))
        return
    rng = random.Random(n)
    for _ in range(limit):
        yield frozenset(i for i in range(n) if rng.random() < 0.5)


def numeric_guesses(answer: NumericAnswer) -> list[float]:
    """Guesses well inside, just inside, just outside and far outside the accepted range."""
    v = answer.value
    width = max(answer.abs_tol or 0.0, (answer.rel_tol or 0.0) * abs(v))
    offsets = [0.0, 0.5, 0.999, 1.001, 2.0, 100.0]
    return [v + sign * f * width for f in offsets for sign in (1, -1)] + [v + 1.0, v - 1.0]


# --- QTI: the schema and an evaluator of the response processing we emit ------------------------


@cache
def qti_schema() -> etree.XMLSchema:
    if not QTI_SCHEMA.is_file():
        pytest.fail(
            f"the IMS QTI 2.1 schema is missing: expected {QTI_SCHEMA} (shared/qti21 beside the "
            "repository's clone, as on CI)",
            pytrace=False,
        )
    return etree.XMLSchema(etree.parse(str(QTI_SCHEMA)))


class QtiItem:
    """Scores a response by executing the item's responseProcessing, as a QTI player would."""

    def __init__(self, xml: bytes) -> None:
        self.root = etree.fromstring(xml)
        self.decl = self.root.find(f"{QTI}responseDeclaration")
        assert self.decl is not None

    def choice_ids(self) -> list[str]:
        return [c.get("identifier") for c in self.root.iter(f"{QTI}simpleChoice")]

    def score(self, response: frozenset[str] | float | None) -> float:
        outcomes: dict[str, Any] = {}
        for declaration in self.root.findall(f"{QTI}outcomeDeclaration"):
            default = declaration.find(f"{QTI}defaultValue/{QTI}value")
            outcomes[declaration.get("identifier")] = (
                float(default.text) if default is not None else None
            )
        if isinstance(response, frozenset) and not response:
            response = None  # an empty container is NULL in QTI
        if self.decl.get("cardinality") == "single" and isinstance(response, frozenset):
            (response,) = response
        self.response = response
        processing = self.root.find(f"{QTI}responseProcessing")
        assert processing is not None and processing.get("template") is None
        self._rules(processing, outcomes)
        return float(outcomes["SCORE"])

    def _rules(self, parent: etree._Element, outcomes: dict[str, Any]) -> None:
        for rule in parent:
            tag = etree.QName(rule).localname
            if tag == "setOutcomeValue":
                outcomes[rule.get("identifier")] = self._expr(rule[0])
            elif tag == "responseCondition":
                for branch in rule:
                    kind = etree.QName(branch).localname
                    if kind == "responseElse" or self._expr(branch[0]) is True:
                        body = branch if kind == "responseElse" else list(branch)[1:]
                        self._rules(body, outcomes)  # type: ignore[arg-type]
                        break
            else:
                raise AssertionError(f"rule the evaluator does not know: {tag}")

    def _correct(self) -> Any:
        values = [v.text for v in self.decl.findall(f"{QTI}correctResponse/{QTI}value")]
        if self.decl.get("baseType") == "float":
            return float(values[0])
        return values[0] if self.decl.get("cardinality") == "single" else frozenset(values)

    def _expr(self, node: etree._Element) -> Any:
        tag = etree.QName(node).localname
        if tag == "variable":
            assert node.get("identifier") == "RESPONSE"
            return self.response
        if tag == "correct":
            return self._correct()
        if tag == "baseValue":
            return float(node.text) if node.get("baseType") == "float" else node.text
        if tag == "isNull":
            return self._expr(node[0]) is None
        if tag == "multiple":
            values: list[Any] = []
            for child in node:
                value = self._expr(child)
                if isinstance(value, frozenset):
                    values.extend(value)
                elif value is not None:
                    values.append(value)
            return frozenset(values) if values else None
        if tag == "match":
            left, right = (self._expr(child) for child in node)
            return None if left is None or right is None else left == right
        if tag == "mapResponse":
            mapping = self.decl.find(f"{QTI}mapping")
            assert mapping is not None
            entries = {
                e.get("mapKey"): float(e.get("mappedValue")) for e in mapping.iter(f"{QTI}mapEntry")
            }
            picked = self.response if isinstance(self.response, frozenset) else {self.response}
            total = sum(entries.get(key, float(mapping.get("defaultValue", "0"))) for key in picked)
            if mapping.get("lowerBound") is not None:
                total = max(total, float(mapping.get("lowerBound")))
            if mapping.get("upperBound") is not None:
                total = min(total, float(mapping.get("upperBound")))
            return total
        if tag == "equal":
            x, y = (self._expr(child) for child in node)
            if x is None or y is None:
                return None
            assert node.get("toleranceMode") == "absolute"
            widths = [float(t) for t in node.get("tolerance").split()]
            low, high = widths[0], widths[-1]
            lower_ok = (
                y - low <= x if node.get("includeLowerBound", "true") == "true" else y - low < x
            )
            upper_ok = (
                x <= y + high if node.get("includeUpperBound", "true") == "true" else x < y + high
            )
            return lower_ok and upper_ok
        raise AssertionError(f"expression the evaluator does not know: {tag}")


# --- Moodle XML, read back with lxml ----------------------------------------------------------


def read_moodle(xml: bytes) -> list[dict[str, Any]]:
    """Every question of a Moodle XML file, as Moodle's importer reads the fields we use."""
    root = etree.fromstring(xml)
    assert root.tag == "quiz"
    questions = []
    for question in root.findall("question"):
        answers = [
            {
                "fraction": float(a.get("fraction")),
                "fraction_text": a.get("fraction"),
                "text": a.findtext("text") or "",
                "feedback": a.findtext("feedback/text") or "",
                "tolerance": a.findtext("tolerance"),
            }
            for a in question.findall("answer")
        ]
        questions.append(
            {
                "type": question.get("type"),
                "name": question.findtext("name/text") or "",
                "idnumber": question.findtext("idnumber") or "",
                "questiontext": question.findtext("questiontext/text") or "",
                "generalfeedback": question.findtext("generalfeedback/text") or "",
                "single": question.findtext("single"),
                "answers": answers,
                "tags": [t.text for t in question.findall("tags/tag/text")],
            }
        )
    return questions


def moodle_score(question: dict[str, Any], response: frozenset[int] | float | None) -> float:
    """Moodle's grading: the picked answers' fractions added and clamped to [0, 1]; a number
    gets the fraction of the first answer whose tolerance range holds it."""
    if response is None:
        return 0.0
    if question["type"] == "numerical":
        for answer in question["answers"]:
            value, width = float(answer["text"]), float(answer["tolerance"])
            if value - width <= response <= value + width:
                return answer["fraction"] / 100
        return 0.0
    assert isinstance(response, frozenset)
    total = sum(question["answers"][i]["fraction"] / 100 for i in response)
    return min(1.0, max(0.0, total))


# --- GIFT, parsed by gift-pegjs ---------------------------------------------------------------


def parse_gift(*files: Path) -> list[list[dict[str, Any]]]:
    """gift-pegjs's parse of each file (one node process for all of them)."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed: the GIFT tests parse with gift-pegjs", pytrace=False)
    if not (ROOT / "node_modules" / "gift-pegjs").is_dir():
        pytest.fail(
            "gift-pegjs is not installed: run 'npm ci' at the repository root", pytrace=False
        )
    done = subprocess.run(
        [node, str(ROOT / "tests" / "export" / "gift_parse.mjs"), *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def gift_score(question: dict[str, Any], response: frozenset[int] | float | None) -> float:
    """Moodle's grading of a GIFT question: ``=`` is 100%, ``~`` 0% unless weighted."""
    if response is None:
        return 0.0
    if question["type"] == "Numerical":
        for choice in question["choices"]:
            text = choice["text"]
            if text["number"] - text["range"] <= response <= text["number"] + text["range"]:
                return (choice["weight"] if choice["weight"] is not None else 100) / 100
        return 0.0
    assert isinstance(response, frozenset)
    weights = [gift_weight(c) for c in question["choices"]]
    return min(1.0, max(0.0, sum(weights[i] for i in response) / 100))


def gift_weight(choice: dict[str, Any]) -> float:
    if choice["weight"] is not None:
        return float(choice["weight"])
    return 100.0 if choice["isCorrect"] else 0.0


def export(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """``quizengine export ARGS`` through the entry point: the exit status and stderr, with
    no traceback on either stream."""
    code = main(["export", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, err
