"""A question's keyed links: each key with its role, what it expects, and the link proving it."""

from __future__ import annotations

from quizengine.bank.load import default_bank_path, load_bank
from quizengine.bank.model import Question


def _bank_question(question_id: str) -> Question:
    return load_bank([default_bank_path()]).by_id(question_id)


def test_a_numeric_question_keys_its_answer_to_its_metric_link() -> None:
    question = _bank_question("sigmoid-derivative-max")
    [keyed] = question.keyed_links()
    assert (keyed.role, keyed.label, keyed.expected, keyed.key_text) == (
        "metric",
        "answer",
        0.25,
        "0.25",
    )
    assert keyed.link is question.metric_link and keyed.link.target == "max_derivative"


def test_each_choice_is_keyed_to_its_claim_in_file_order() -> None:
    question = _bank_question("dying-relu")
    keyed = question.keyed_links()
    assert [k.label for k in keyed] == [f"choice {n}" for n in range(1, len(question.choices) + 1)]
    assert all(k.role == "claim" for k in keyed)
    assert [k.expected for k in keyed] == [c.correct for c in question.choices]
    assert [k.key_text for k in keyed] == [
        "correct" if c.correct else "wrong" for c in question.choices
    ]
    assert [k.link for k in keyed] == [c.claim for c in question.choices]


def test_roled_links_name_the_explanations_runs_too() -> None:
    question = _bank_question("dying-relu")
    roles = question.roled_links()
    assert [link for _, link in roles] == question.sim_links
    claims = sum(c.claim is not None for c in question.choices)
    assert [role for role, _ in roles] == ["claim"] * claims + ["run"] * len(
        question.explanation.links
    )
