"""Scoring rules and choice shuffling (quizengine.practice.scoring)."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizengine.bank.model import (
    Choice,
    ChoiceQuestion,
    Explanation,
    NumericAnswer,
    NumericQuestion,
    Question,
)
from quizengine.practice.scoring import (
    original_indices,
    pick_contributions,
    reorder_choices,
    score,
    score_multiple,
    shuffle_choices,
    shuffled_order,
)


def make_question(kind: str, key: list[bool] | None = None, **extra: object) -> Question:
    choices = [Choice(text=f"choice {i}", correct=c) for i, c in enumerate(key or [])]
    common: dict[str, Any] = {
        "path": "q.md",
        "id": f"a-{kind}",
        "title": "T",
        "prompt": "P",
        "explanation": Explanation(markdown="E"),
        "content_hash": "0" * 64,
        **extra,
    }
    if kind == "numeric":
        return NumericQuestion(type="numeric", **common)
    return ChoiceQuestion(type=kind, choices=choices, **common)  # type: ignore[arg-type]


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


def expected_random_score(n: int, k: int, *, at_least_one: bool) -> float:
    """The mean score over every set of picks (each box ticked with even odds)."""
    picks = [
        frozenset(c)
        for size in range(1 if at_least_one else 0, n + 1)
        for c in combinations(range(n), size)
    ]
    return sum(score_multiple(n, range(k), p) for p in picks) / len(picks)


def documented_guessing_table() -> list[tuple[int, list[int], float, float]]:
    text = (Path(__file__).parents[2] / "docs" / "scoring.md").read_text(encoding="utf-8")
    section = text.split("## What guessing earns", 1)[1]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].isdigit():
            ks = [int(k) for k in cells[1].split(" or ")]
            rows.append((int(cells[0]), ks, float(cells[2]), float(cells[3])))
    return rows


def test_random_guessing_expectation_is_as_documented() -> None:
    """The clamp makes random ticking earn 0.16-0.25, not 0: docs/scoring.md says so, with a
    table this test recomputes by enumerating every set of picks."""
    rows = documented_guessing_table()
    assert {n for n, *_ in rows} == {3, 4, 5, 6}
    for n, ks, any_picks, some_picks in rows:
        for k in ks:
            assert round(expected_random_score(n, k, at_least_one=False), 2) == any_picks
            assert round(expected_random_score(n, k, at_least_one=True), 2) == some_picks
    # Before the clamp the expectation is exactly 0, as the docs explain.
    for n in range(2, 8):
        for k in range(1, n):
            raw = [sum(pick_contributions(n, range(k), c)) for c in all_subsets(n)]
            assert sum(raw) / len(raw) == pytest.approx(0.0, abs=1e-12)
    assert expected_random_score(4, 2, at_least_one=False) == pytest.approx(3 / 16)


def all_subsets(n: int) -> list[frozenset[int]]:
    return [frozenset(c) for size in range(n + 1) for c in combinations(range(n), size)]


def test_pick_contributions_add_up_to_the_score_before_the_clamp() -> None:
    assert pick_contributions(4, [0, 1], [0, 2]) == [0.5, 0.0, -0.5, 0.0]
    assert pick_contributions(3, [0, 1, 2], [1]) == pytest.approx([0, 1 / 3, 0])
    assert score_multiple(4, [0, 1], [2]) == 0.0 and sum(pick_contributions(4, [0, 1], [2])) < 0
