"""Every backward pass of the toolkit against central finite differences (float64)."""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
import pytest
from gradcheck import STEP, check_layer, numeric_grad, rel_error

from simulations.nn import make_rng
from simulations.nn.activations import ACTIVATIONS, LEAKY_SLOPE, get_activation
from simulations.nn.init import INITIALIZERS, get_initializer
from simulations.nn.layers import ActivationLayer, BatchNorm, Dense, Residual, Sequential
from simulations.nn.losses import mean_output, mse, softmax_cross_entropy
from simulations.nn.mlp import build_mlp, seed_norms

TOLERANCE = 1e-6
S, B, N = 2, 5, 4


def away_from_zero(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Inputs with |x| >= 0.1, so kinks at 0 (relu, leaky_relu, selu) are not straddled."""
    x = rng.standard_normal(shape) * 2
    return np.where(np.abs(x) < 0.1, np.sign(x) * 0.1 + x, x)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_derivative_matches_finite_differences(name: str) -> None:
    act = get_activation(name)
    x = away_from_zero(make_rng(1), (400,))
    numeric = (act.value(x + STEP) - act.value(x - STEP)) / (2 * STEP)
    assert rel_error(act.derivative(x), numeric) < TOLERANCE


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_layer_backward(name: str) -> None:
    rng = make_rng(2)
    check_layer(ActivationLayer(name), away_from_zero(rng, (S, B, N)), rng)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activations_are_finite_and_silent_on_extreme_inputs(name: str) -> None:
    act = get_activation(name)
    x = np.array([-1e300, -800.0, -50.0, 0.0, 50.0, 800.0, 1e300])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.all(np.isfinite(act.derivative(x)))
        value = act.value(x)
    assert np.all(np.isfinite(value[1:-1]))


def test_activation_reference_values() -> None:
    x = np.array([-2.0, 0.0, 3.0])
    assert np.allclose(get_activation("sigmoid").value(x), 1 / (1 + np.exp(-x)))
    assert get_activation("sigmoid").derivative(np.array([0.0]))[0] == 0.25
    assert get_activation("tanh").derivative(np.array([0.0]))[0] == 1.0
    assert np.allclose(get_activation("leaky_relu").value(x), [-2 * LEAKY_SLOPE, 0, 3])
    assert np.allclose(get_activation("elu").value(x), [np.expm1(-2), 0, 3])
    # GELU tanh approximation vs the exact erf form: within 1e-3 on this range.
    exact = np.array([-0.04550026, 0.0, 2.99595031])
    assert np.allclose(get_activation("gelu").value(x), exact, atol=1e-3)
    with pytest.raises(ValueError, match="known: sigmoid"):
        get_activation("softsign")


@pytest.mark.parametrize("bias", [False, True])
def test_dense_backward(bias: bool) -> None:
    rng = make_rng(3)
    layer = Dense.create(rng, S, N, 3, "xavier", bias=bias)
    if layer.bias is not None:
        layer.bias[...] = rng.standard_normal(layer.bias.shape)
    check_layer(layer, rng.standard_normal((S, B, N)), rng)


def test_batchnorm_backward() -> None:
    rng = make_rng(4)
    layer = BatchNorm(S, N)
    layer.gamma[...] = rng.standard_normal(layer.gamma.shape)
    layer.beta[...] = rng.standard_normal(layer.beta.shape)
    check_layer(layer, rng.standard_normal((S, B, N)) * 3 + 1, rng)


def test_batchnorm_normalizes_over_the_batch() -> None:
    x = make_rng(5).standard_normal((S, 64, N)) * 7 + 3
    y = BatchNorm(S, N).forward(x)
    assert np.allclose(y.mean(axis=1), 0, atol=1e-12)
    assert np.allclose(y.var(axis=1), 1, atol=1e-4)


def test_residual_backward() -> None:
    rng = make_rng(6)
    body = Sequential(
        # No bias before batch norm: its gradient is exactly zero (the mean removes it).
        [Dense.create(rng, S, N, N, "he"), BatchNorm(S, N), ActivationLayer("tanh")]
    )
    check_layer(Residual(body), rng.standard_normal((S, B, N)), rng)


def check_loss(fn: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]], pred: np.ndarray) -> None:
    _, grad = fn(pred)
    numeric = numeric_grad(lambda: float(fn(pred)[0].sum()), pred)
    assert rel_error(grad, numeric) < TOLERANCE


def test_mse_backward_and_value() -> None:
    rng = make_rng(7)
    pred, target = rng.standard_normal((S, B, 3)), rng.standard_normal((S, B, 3))
    check_loss(lambda p: mse(p, target), pred)
    loss, _ = mse(pred, target)
    assert loss.shape == (S,)
    assert np.allclose(loss[1], np.mean((pred[1] - target[1]) ** 2))


def test_mean_output_backward() -> None:
    check_loss(mean_output, make_rng(8).standard_normal((S, B, 2)))


def test_softmax_cross_entropy_backward_and_value() -> None:
    rng = make_rng(9)
    logits = rng.standard_normal((S, B, 4)) * 3
    labels = rng.integers(0, 4, size=(S, B))
    check_loss(lambda p: softmax_cross_entropy(p, labels), logits)
    loss, _ = softmax_cross_entropy(logits, labels)
    probs = np.exp(logits[0]) / np.exp(logits[0]).sum(axis=1, keepdims=True)
    assert np.isclose(loss[0], -np.mean(np.log(probs[np.arange(B), labels[0]])))


def test_softmax_cross_entropy_is_stable_for_huge_logits() -> None:
    logits = np.array([[[1000.0, 0.0], [-1000.0, 1000.0]]])
    loss, grad = softmax_cross_entropy(logits, np.array([0, 0]))
    assert np.isclose(loss[0], 1000.0) and np.all(np.isfinite(grad))


@pytest.mark.parametrize(
    ("activation", "batchnorm", "residual", "bias"),
    [
        ("sigmoid", False, False, True),
        ("relu", True, False, False),
        ("gelu", False, True, True),
        ("tanh", True, True, False),
    ],
)
def test_mlp_backward(activation: str, batchnorm: bool, residual: bool, bias: bool) -> None:
    rng = make_rng(10)
    mlp = build_mlp(
        rng,
        seeds=S,
        n_in=3,
        width=N,
        depth=3,
        n_out=2,
        activation=activation,
        init="xavier",
        batchnorm=batchnorm,
        residual=residual,
        bias=bias,
    )
    x = rng.standard_normal((S, B, 3))
    target = rng.standard_normal((S, B, 2))

    def loss() -> float:
        return float(mse(mlp.forward(x), target)[0].sum())

    _, dout = mse(mlp.forward(x), target)
    dx = mlp.backward(dout)
    analytic = [dx, *[g.copy() for g in mlp.grads()]]
    numeric = [numeric_grad(loss, x), *[numeric_grad(loss, p) for p in mlp.params()]]
    for a, n in zip(analytic, numeric, strict=True):
        assert rel_error(a, n) < TOLERANCE


def test_mlp_records_hidden_gradient_norms() -> None:
    """hidden_grad_norms[:, i] is ||dL/da_l||, checked by differentiating from a_l onwards."""
    rng = make_rng(11)
    mlp = build_mlp(rng, seeds=S, n_in=N, width=N, depth=3, activation="tanh", init="xavier")
    x, target = rng.standard_normal((S, B, N)), rng.standard_normal((S, B, 1))
    mlp.backward(mse(mlp.forward(x), target)[1])
    assert mlp.hidden_grad_norms is not None
    for i in range(mlp.depth):
        a = x
        for block in mlp.blocks[: i + 1]:
            a = block.forward(a)
        a = a.copy()

        def loss_from(a: np.ndarray = a, i: int = i) -> float:
            out = a
            for block in mlp.blocks[i + 1 :]:
                out = block.forward(out)
            return float(mse(mlp.readout.forward(out), target)[0].sum())

        numeric = numeric_grad(loss_from, a)
        expected = np.linalg.norm(numeric.reshape(S, -1), axis=1)
        assert np.allclose(mlp.hidden_grad_norms[:, i], expected, rtol=1e-6)


def test_seeds_are_independent_networks() -> None:
    """Network 1 of a 2-seed batch computes exactly what it computes alone."""
    rng = make_rng(12)
    both = build_mlp(rng, seeds=2, n_in=N, width=N, depth=2, activation="relu", init="he")
    x, target = rng.standard_normal((2, B, N)), rng.standard_normal((2, B, 1))
    both.backward(mse(both.forward(x), target)[1])
    alone = build_mlp(make_rng(0), seeds=1, n_in=N, width=N, depth=2, activation="relu", init="he")
    for mine, theirs in zip(alone.params(), both.params(), strict=True):
        mine[...] = theirs[1:]
    alone.backward(mse(alone.forward(x[1:]), target[1:])[1])
    for mine, theirs in zip(alone.grads(), both.grads(), strict=True):
        assert np.allclose(mine, theirs[1:], rtol=1e-12, atol=0)


@pytest.mark.parametrize("batchnorm,residual,bias", [(False, False, False), (True, True, True)])
def test_a_seed_slice_is_those_networks_sharing_their_parameters(
    batchnorm: bool, residual: bool, bias: bool
) -> None:
    rng = make_rng(13)
    mlp = build_mlp(
        rng, seeds=4, n_in=N, width=N, depth=3, batchnorm=batchnorm, residual=residual, bias=bias
    )
    x, target = rng.standard_normal((4, B, N)), rng.standard_normal((4, B, 1))
    mlp.backward(mse(mlp.forward(x), target)[1])
    part = mlp.seed_slice(1, 3)
    part.backward(mse(part.forward(x[1:3]), target[1:3])[1])
    for mine, whole in zip(part.grads(), mlp.grads(), strict=True):
        assert np.array_equal(mine, whole[1:3])
    for mine, whole in zip(part.params(), mlp.params(), strict=True):
        assert np.shares_memory(mine, whole) and np.array_equal(mine, whole[1:3])
    assert part.hidden_grad_norms is not None and mlp.hidden_grad_norms is not None
    assert np.array_equal(part.hidden_grad_norms, mlp.hidden_grad_norms[1:3])


def test_a_seed_slice_is_reused_only_while_the_parameters_are_the_same_arrays() -> None:
    mlp = build_mlp(make_rng(14), seeds=4, n_in=N, width=N, depth=2)
    part = mlp.seed_slice(0, 2)
    assert mlp.seed_slice(0, 2) is part
    assert mlp.seed_slice(2, 4) is not part
    mlp.dense[1].weight = mlp.dense[1].weight.copy()  # replaced, not updated in place
    fresh = mlp.seed_slice(0, 2)
    assert fresh is not part
    assert np.shares_memory(fresh.dense[1].weight, mlp.dense[1].weight)


def test_seed_norms_survive_values_whose_squares_overflow() -> None:
    a = np.full((2, 3, 4), 1e200)
    a[1, 0, 0] = np.inf
    norms = seed_norms(a)
    assert np.isclose(norms[0], 1e200 * np.sqrt(12)) and not np.isfinite(norms[1])


@pytest.mark.parametrize(
    ("name", "variance"),
    [
        ("small", 1e-4),
        ("large", 1.0),
        ("xavier", 2 / (200 + 100)),
        ("xavier_uniform", 2 / (200 + 100)),
        ("lecun", 1 / 200),
        ("he", 2 / 200),
        ("he_uniform", 2 / 200),
    ],
)
def test_initializer_variance(name: str, variance: float) -> None:
    w = get_initializer(name)(make_rng(13), (4, 200, 100), np.float64)
    assert w.shape == (4, 200, 100)
    assert abs(w.var() / variance - 1) < 0.02


@pytest.mark.parametrize("shape", [(3, 6, 4), (3, 4, 6)])
def test_orthogonal_init(shape: tuple[int, int, int]) -> None:
    w = get_initializer("orthogonal")(make_rng(14), shape, np.float64)
    small_side = min(shape[1:])
    gram = w.swapaxes(-1, -2) @ w if shape[1] >= shape[2] else w @ w.swapaxes(-1, -2)
    assert w.shape == shape
    assert np.allclose(gram, np.broadcast_to(np.eye(small_side), gram.shape), atol=1e-12)


@pytest.mark.parametrize("name", list(INITIALIZERS))
def test_same_seed_gives_identical_weights(name: str) -> None:
    init = get_initializer(name)
    a = init(make_rng(15), (2, 5, 3), np.float64)
    b = init(make_rng(15), (2, 5, 3), np.float64)
    assert np.array_equal(a, b) and not np.array_equal(a, init(make_rng(16), (2, 5, 3), np.float64))


@pytest.mark.parametrize("name", list(ACTIVATIONS))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_activations_return_new_arrays_of_the_input_dtype(name: str, dtype: type) -> None:
    act = get_activation(name)
    x = make_rng(17).standard_normal((2, 3)).astype(dtype)
    for fn in (act.value, act.derivative):
        out = fn(x)
        assert out.dtype == dtype and not np.shares_memory(out, x)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu"])
def test_derivative_from_output_matches_the_exact_derivative(name: str) -> None:
    act = get_activation(name)
    assert act.derivative_from_output is not None
    x = np.linspace(-60, 60, 100_001)
    from_output = act.derivative_from_output(act.value(x))
    assert np.max(np.abs(from_output - act.derivative(x))) < 3e-16


def test_sigmoid_is_accurate_in_relative_terms() -> None:
    """Within 4 ulp (relative 1e-15) of the stable form everywhere, down to e^-700; 0
    (the limit) where e^-x overflows, silently."""
    x = np.linspace(-700, 700, 100_001)
    exact = np.exp(np.minimum(x, 0)) / (1 + np.exp(-np.abs(x)))
    sigmoid = get_activation("sigmoid").value
    assert np.max(np.abs(sigmoid(x) - exact) / exact) <= 1e-15
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert sigmoid(np.array([-710.0, -1e300]))[0] == 0.0


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activations_fill_out_when_given(name: str) -> None:
    act = get_activation(name)
    x = away_from_zero(make_rng(18), (3, 40))
    pairs = [(act.value, x)]
    if act.derivative_from_output is not None:
        pairs.append((act.derivative_from_output, act.value(x)))
    for fn, arg in pairs:
        out = np.full_like(arg, np.nan)
        assert fn(arg, out) is out
        assert np.array_equal(out, fn(arg))
