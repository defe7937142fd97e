"""Scoring rules and choice shuffling (quizengine.practice.scoring)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizengine.bank.model import Choice, Explanation, NumericAnswer, Question
from quizengine.practice.scoring import (
    original_indices,
    reorder_choices,
    score,
    score_multiple,
    shuffle_choices,
    shuffled_order,
)


def make_question(kind: str, key: list[bool] | None = None, **extra: object) -> Question:
    choices = [Choice(text=f"choice {i}", correct=c) for i, c in enumerate(key or [])]
    return Question(
        path="q.md",
        id=f"a-{kind}",
        type=kind,  # type: ignore[arg-type]
        title="T",
        prompt="P",
        choices=choices,
        explanation=Explanation(markdown="E"),
        content_hash="0" * 64,
        **extra,  # type: ignore[arg-type]
    )


def test_single_is_all_or_nothing() -> None:
    q = make_question("single", [False, True, False])
    assert score(q, frozenset({1})) == 1.0
    assert score(q, frozenset({0})) == 0.0
    assert score(q, frozenset({0, 1})) == 0.0
    assert score(q, frozenset()) == 0.0
    assert score(q, None) == 0.0


def test_multiple_partial_credit_examples() -> None:
    # 4 choices, 2 correct (0 and 1): each hit +1/2, each wrong pick -1/2.
    q = make_question("multiple", [True, True, False, False])
    assert score(q, frozenset({0, 1})) == 1.0
    assert score(q, frozenset({0})) == 0.5
    assert score(q, frozenset({0, 1, 2})) == 0.5
    assert score(q, frozenset({0, 2})) == 0.0
    assert score(q, frozenset({0, 1, 2, 3})) == 0.0
    assert score(q, frozenset({2})) == 0.0  # clamped, not -0.5


def test_multiple_uneven_weights() -> None:
    # 5 choices, 3 correct: a hit is worth 1/3, a wrong pick costs 1/2.
    assert score_multiple(5, [0, 1, 2], [0, 1, 3]) == pytest.approx(2 / 3 - 1 / 2)
    assert score_multiple(5, [0, 1, 2], [0, 1, 2, 3, 4]) == 0.0


def test_multiple_with_every_choice_correct() -> None:
    assert score_multiple(3, [0, 1, 2], [0, 1]) == pytest.approx(2 / 3)


def test_multiple_rejects_out_of_range_picks() -> None:
    with pytest.raises(ValueError, match="invalid key or picks"):
        score_multiple(3, [0], [5])


@given(st.data())
def test_multiple_score_bounds_and_random_guessing(data: st.DataObject) -> None:
    n = data.draw(st.integers(2, 9))
    key = data.draw(st.lists(st.booleans(), min_size=n, max_size=n).filter(any))
    picked = data.draw(st.frozensets(st.integers(0, n - 1)))
    correct = [i for i, c in enumerate(key) if c]
    value = score_multiple(n, correct, picked)
    assert 0.0 <= value <= 1.0
    assert (value == 1.0) == (picked == frozenset(correct))
    if len(correct) < n:
        assert score_multiple(n, correct, range(n)) == 0.0  # ticking everything earns nothing


def test_numeric_uses_tolerance() -> None:
    q = make_question("numeric", answer=NumericAnswer(value=0.25, abs_tol=0.001))
    assert score(q, 0.2505) == 1.0
    assert score(q, 0.26) == 0.0
    assert score(q, float("nan")) == 0.0
    with pytest.raises(TypeError):
        score(q, frozenset({0}))


def test_choice_question_rejects_a_number() -> None:
    with pytest.raises(TypeError):
        score(make_question("single", [True, False]), 1.0)


def test_shuffled_order_is_deterministic_and_salted() -> None:
    assert shuffled_order(8, 1, "a") == shuffled_order(8, 1, "a")
    assert sorted(shuffled_order(8, 1, "a")) == list(range(8))
    orders = {tuple(shuffled_order(8, seed, "a")) for seed in range(10)}
    assert len(orders) > 1
    assert shuffled_order(8, 1, "a") != shuffled_order(8, 1, "b")


@given(st.integers(0, 10_000), st.lists(st.booleans(), min_size=2, max_size=9).filter(any))
def test_shuffle_keeps_the_key(seed: int, key: list[bool]) -> None:
    q = make_question("multiple", key)
    shuffled, order = shuffle_choices(q, seed)
    assert [c.text for c in shuffled.choices] == [q.choices[i].text for i in order]
    for i, choice in enumerate(shuffled.choices):
        assert choice.correct == key[order[i]]
    # Picking the shuffled correct choices is picking the original correct ones.
    picked = frozenset(shuffled.correct_indices)
    assert original_indices(order, picked) == frozenset(q.correct_indices)
    assert score(shuffled, picked) == score(q, original_indices(order, picked)) == 1.0


def test_reorder_rejects_a_non_permutation() -> None:
    with pytest.raises(ValueError, match="not a permutation"):
        reorder_choices(make_question("single", [True, False]), [0, 0])
