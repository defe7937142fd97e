"""The bundled bank's answer keys against the real simulations, at each link's values.

Every key agrees at its link's values; flipping any one key is caught. Whether each key also
survives the open conditions and base seeds 0-4 (robust verification) is the CI's full
`quizengine verify quizzes --seeds 5` (.ci/run), too slow for the test suite.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from quizengine.bank.load import default_bank_path, load_bank
from quizengine.bank.model import Bank, ChoiceQuestion, NumericQuestion, Question
from quizengine.lab.cache import ResultCache
from quizengine.lab.conditions import Sweep
from quizengine.lab.executor import Executor
from quizengine.lab.verify import Report, verify_bank

QUICK = Sweep.quick()

JOBS = 2


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> ResultCache:
    return ResultCache(tmp_path_factory.mktemp("verify-cache"))


@pytest.fixture(scope="module")
def bank() -> Bank:
    bank = load_bank()
    assert not bank.errors, [str(e) for e in bank.errors]
    return bank


@pytest.fixture(scope="module")
def report(bank: Bank, cache: ResultCache) -> Report:
    return verify_bank(bank, seed=0, executor=Executor(JOBS), cache=cache, sweep=QUICK)


def _problems(report: Report) -> list[str]:
    return [
        f"{q.path}: {item.label} keyed {item.key}, simulation says {item.simulation_says}"
        for q in report.questions
        for item in q.items
        if item.verdict != "agree"
    ]


# Keys that disagree at their link's values since gradient-flow's default width became 128
# (issue 12): the finding, for the bank's rewrite (issue 13) to fix. Remove entries as they go.
KNOWN_FINDINGS: list[str] = []


def test_every_key_of_the_bundled_bank_agrees(report: Report) -> None:
    assert report.file_errors == []
    assert [p.split("quizzes/")[-1] for p in _problems(report)] == [
        f.split("quizzes/")[-1] for f in KNOWN_FINDINGS
    ]
    assert sum(report.counts().values()) >= 40


def _flipped_texts(question: Question, text: str) -> list[tuple[str, str]]:
    """(what was flipped, new file text) for every key of the question."""
    lines = text.splitlines(keepends=True)
    variants = []
    choices = question.choices if isinstance(question, ChoiceQuestion) else []
    for number, choice in enumerate(choices, start=1):
        flipped = list(lines)
        index = choice.line - 1
        old, new = ("[x]", "[ ]") if choice.correct else ("[ ]", "[x]")
        assert old in flipped[index]
        flipped[index] = flipped[index].replace(old, new, 1)
        if question.type == "single" and not choice.correct:
            # a lone flip would give two correct choices (a file error): move the key instead
            (right,) = [c for c in choices if c.correct]
            flipped[right.line - 1] = flipped[right.line - 1].replace("[x]", "[ ]", 1)
        variants.append((f"choice {number}", "".join(flipped)))
    if isinstance(question, NumericQuestion):
        wrong = question.answer.value * 10 + 1
        flipped_text = re.sub(r"(\bvalue:\s*)([-+0-9.eE]+)", rf"\g<1>{wrong!r}", text, count=1)
        assert flipped_text != text
        variants.append(("answer", flipped_text))
    return variants


def test_every_flipped_key_is_detected(
    bank: Bank, report: Report, cache: ResultCache, tmp_path: Path
) -> None:
    known = {f.split(": ")[0].split("quizzes/")[-1] for f in KNOWN_FINDINGS}
    missed = []
    flips = 0
    for question in bank.questions:
        if Path(question.path).name in known:
            continue  # a key that already disagrees cannot be flipped into disagreeing
        text = Path(question.path).read_text(encoding="utf-8")
        for label, flipped in _flipped_texts(question, text):
            flips += 1
            folder = tmp_path / f"{question.id}-{label.replace(' ', '-')}"
            folder.mkdir()
            (folder / Path(question.path).name).write_text(flipped, encoding="utf-8")
            result = verify_bank(load_bank([folder]), seed=0, cache=cache, sweep=QUICK)
            if result.file_errors:
                # the flip made the file invalid (e.g. a multiple question with no correct
                # choice): verify reports the file error and fails
                assert not result.ok
                continue
            (verdict,) = result.questions
            if verdict.verdict != "disagree":
                missed.append(f"{question.id} {label}")
    assert flips >= 40
    assert missed == []


def test_bundled_bank_is_the_default(bank: Bank) -> None:
    assert Path(bank.questions[0].path).resolve().is_relative_to(default_bank_path().resolve())
