"""The bundled question bank: it loads clean, covers the domain, and every answer is linked.

These tests read the real quizzes/ folder, so they fail when an edited question breaks the
format, drops a claim link, or loses a scenario the bank must contain.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from quizengine.bank.load import default_bank_path, load_bank
from quizengine.bank.model import Bank, Question

# The two source scenarios (issue 13), by the ids of the questions that carry them, with
# the source's key: which of its four choices are correct, in the source's order.
SCENARIO_KEYS = {
    "harper-early-layers-learn-slowly": [True, True, True, False],
    "kaylee-sigmoid-network-wont-train": [False, True, True, False],
}
SCENARIO_IDS = tuple(SCENARIO_KEYS)
TAGS = {
    "architecture",
    "activations",
    "initialization",
    "batch-norm",
    "residual",
    "recurrent",
    "clipping",
    "symptoms",
    "optimization",
}
TOPICS = {"vanishing gradients", "exploding gradients"}


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank()


@pytest.fixture(scope="module")
def questions(bank: Bank) -> list[Question]:
    return bank.questions


def test_bundled_bank_loads_without_findings(bank: Bank) -> None:
    assert [str(d) for d in bank.diagnostics] == []
    assert len(bank.questions) == bank.files


def test_bank_is_big_enough_and_mixes_types(questions: list[Question]) -> None:
    types = Counter(q.type for q in questions)
    assert len(questions) >= 35
    assert types["single"] >= 8
    assert types["numeric"] >= 6
    assert types["multiple"] >= 1
    assert sum(q.difficulty == "hard" for q in questions) >= 3


def test_every_tag_is_on_at_least_three_questions(questions: list[Question]) -> None:
    counts = Counter(tag for q in questions for tag in q.tags)
    assert {tag: counts[tag] for tag in TAGS if counts[tag] < 3} == {}


def test_ids_are_unique_and_match_file_names(questions: list[Question]) -> None:
    ids = [q.id for q in questions]
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    files = sorted(p.stem for p in default_bank_path().glob("*.md"))
    assert sorted(ids) == files
    for question in questions:
        assert Path(question.path).name == f"{question.id}.md"


def test_both_source_scenarios_keep_their_four_choices_and_key(bank: Bank) -> None:
    for question_id, key in SCENARIO_KEYS.items():
        question = bank.by_id(question_id)
        assert question.type == "multiple"
        assert [c.correct for c in question.choices] == key
        # one stated baseline that every choice changes one thing from
        assert question.baseline is not None, question_id


def test_every_choice_ends_with_a_claim_link(questions: list[Question]) -> None:
    missing = [
        f"{q.id}: choice {n}"
        for q in questions
        for n, choice in enumerate(q.choices, start=1)
        if choice.claim is None or choice.claim.target is None
    ]
    assert missing == []


def test_every_numeric_answer_names_a_metric(questions: list[Question]) -> None:
    for question in questions:
        if question.type != "numeric":
            continue
        assert question.answer is not None
        assert question.metric_link is not None, question.id
        assert question.metric_link.target, question.id


def test_every_explanation_has_a_run_link(questions: list[Question]) -> None:
    without = [
        q.id for q in questions if not any(link.target is None for link in q.explanation.links)
    ]
    assert without == []


def test_every_question_cites_references(questions: list[Question]) -> None:
    for question in questions:
        assert question.references, question.id
        for reference in question.references:
            assert reference.url.startswith(("https://", "http://")), (question.id, reference)


def test_tags_and_topics_come_from_one_vocabulary(questions: list[Question]) -> None:
    for question in questions:
        assert question.tags, question.id
        assert set(question.tags) <= TAGS, (question.id, set(question.tags) - TAGS)
        assert question.topic in TOPICS, (question.id, question.topic)


def test_every_sim_link_names_a_real_simulation_claim_and_metric(
    questions: list[Question],
) -> None:
    from quizengine.lab.links import link_problems

    problems = [str(d) for q in questions for d in link_problems(q)]
    assert problems == []
