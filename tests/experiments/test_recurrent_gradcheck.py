"""Backpropagation through time in the RNN, LSTM and GRU cells vs central finite differences."""

from __future__ import annotations

import numpy as np
import pytest
from gradcheck import numeric_grad, rel_error

from simulations.nn.recurrent import CELL_KINDS, CellKind, make_cell

STEPS, SEEDS, BATCH, N_IN, HIDDEN = 5, 2, 3, 3, 4


def _setup(kind: CellKind, gate_bias: float | None = None):
    rng = np.random.default_rng(np.random.SeedSequence(11))
    # A spectral radius above 1 and a non-zero gate bias exercise every term of the recurrence.
    cell = make_cell(kind, N_IN, HIDDEN, SEEDS, rng, spectral_radius=1.3, gate_bias=gate_bias)
    for value in cell.params():
        value += 0.1 * rng.standard_normal(value.shape)  # break the structure of the init
    x = rng.standard_normal((STEPS, SEEDS, BATCH, N_IN))
    weights = rng.standard_normal((STEPS, SEEDS, BATCH, HIDDEN))  # L = sum(weights * h)
    return cell, x, weights


def _loss(cell, x: np.ndarray, weights: np.ndarray) -> float:
    return float(np.sum(weights * cell.forward(x)))


@pytest.mark.parametrize("kind", CELL_KINDS)
def test_backward_matches_finite_differences(kind: CellKind) -> None:
    cell, x, weights = _setup(kind, gate_bias=None if kind == "rnn" else 0.5)
    cell.forward(x)
    dx = cell.backward(weights)
    assert dx.shape == x.shape

    def f() -> float:
        return _loss(cell, x, weights)

    assert rel_error(dx, numeric_grad(f, x)) < 1e-6
    for name, value in cell.weights.items():
        grad = cell.weight_grads[name]
        assert grad.shape == value.shape
        assert rel_error(grad, numeric_grad(f, value)) < 1e-6, name
    assert all(g is cell.weight_grads[k] for g, k in zip(cell.grads(), cell.weights, strict=True))


@pytest.mark.parametrize("kind", CELL_KINDS)
def test_loss_on_last_step_only(kind: CellKind) -> None:
    """The experiment's case: the loss sees h_T only, so the gradient must travel back in time."""
    cell, x, weights = _setup(kind)
    weights[:-1] = 0.0
    cell.forward(x)
    dx = cell.backward(weights)
    numeric = numeric_grad(lambda: _loss(cell, x, weights), x)
    assert np.all(np.abs(dx[0]) > 0)  # the first step is reached
    assert rel_error(dx, numeric) < 1e-6


def test_seeds_are_independent() -> None:
    """Perturbing seed 0's input changes nothing in seed 1's outputs."""
    cell, x, _ = _setup("lstm")
    before = cell.forward(x)[:, 1].copy()
    x[:, 0] += 1.0
    assert np.array_equal(cell.forward(x)[:, 1], before)


def test_init_spectral_radius_and_gate_biases() -> None:
    rng = np.random.default_rng(0)
    lstm = make_cell("lstm", 3, 5, 2, rng, spectral_radius=1.5)
    forget = lstm.weights["b"][..., 5:10]
    assert np.all(forget == 1.0) and np.count_nonzero(lstm.weights["b"]) == forget.size
    block = lstm.weights["wh"][1][:, 5:10]  # seed 1, forget-gate recurrent block
    assert np.allclose(np.abs(np.linalg.eigvals(block)), 1.5)
    gru = make_cell("gru", 3, 5, 2, rng)
    assert not np.any(gru.weights["b"])
    with pytest.raises(ValueError, match="no gate"):
        make_cell("rnn", 3, 5, 2, rng, gate_bias=1.0)


def test_bad_input_shape_is_a_clear_error() -> None:
    cell, x, _ = _setup("rnn")
    with pytest.raises(ValueError, match="input must be"):
        cell.forward(x[:, :, :, :2])
