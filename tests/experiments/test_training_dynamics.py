"""training-dynamics via the registry: verdicts stable over base seeds 0..4, mechanics, limits."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from seed_verdicts import assert_verdicts_for_base_seeds_0_to_4

from simulations import registry
from simulations.nn.losses import mse
from simulations.registry import SimulationError
from simulations.training_dynamics import TrainingDynamicsParams, build_task, train

SMALL = {"depth": 4, "width": 8, "inputs": 4, "batch": 8, "seeds": 3, "steps": 5}

# The parameter sets the bank links, with the verdict every base seed 0..4 must give.
EXPECTED: list[tuple[dict[str, object], dict[str, bool]]] = [
    (
        {"activation": "sigmoid", "init": "xavier"},
        {
            "early-layers-stall": True,
            "early-layers-learn": False,
            "higher-lr-helps-early-layers": False,
            "more-steps-help-early-layers": False,
        },
    ),
    (
        {"activation": "relu", "init": "he"},
        {
            "early-layers-stall": False,
            "early-layers-learn": True,
            "more-steps-help-early-layers": True,
        },
    ),
]


@pytest.mark.parametrize(("params", "verdicts"), EXPECTED)
def test_verdicts_are_the_same_for_base_seeds_0_to_4(
    params: dict[str, object], verdicts: dict[str, bool]
) -> None:
    assert_verdicts_for_base_seeds_0_to_4("training-dynamics", params, verdicts)


def test_same_seed_is_bit_identical_and_seeds_differ() -> None:
    first = registry.run("training-dynamics", SMALL, 3)
    again = registry.run("training-dynamics", SMALL, 3)
    other = registry.run("training-dynamics", SMALL, 4)
    assert first.model_dump() == again.model_dump()
    assert first.metrics != other.metrics


def test_series_and_metrics_agree() -> None:
    result = registry.run("training-dynamics", {**SMALL, "activation": "tanh"}, 0)
    change = result.series["relative_weight_change"]
    assert len(change) == SMALL["depth"]
    assert len(result.series["loss"]) == SMALL["steps"] + 1
    assert result.metrics["first_layer_change"] == change[0]
    assert result.metrics["last_layer_change"] == change[-1]
    assert result.metrics["initial_loss"] == result.series["loss"][0]
    m = result.metrics
    assert m["change_ratio_min"] <= m["change_ratio"] <= m["change_ratio_max"]
    statement = result.claim("early-layers-stall").statement
    assert "4-layer MLP of width 8 with tanh activations" in statement and "< 0.01" in statement


def test_relative_change_is_measured_on_the_weights() -> None:
    """One SGD step moves W_l by exactly lr * dL/dW_l: recompute it from the gradient."""
    p = TrainingDynamicsParams(**{**SMALL, "steps": 1})
    trace = train(p, seed=0, lr=0.05, steps=1, record={1})
    net, x, y = build_task(p, 0)
    net.backward(mse(net.forward(x), y)[1])
    for layer in (0, p.depth - 1):
        w0, grad = net.dense[layer].weight, net.dense[layer].weight_grad
        expected = 0.05 * np.linalg.norm(grad, axis=(1, 2)) / np.linalg.norm(w0, axis=(1, 2))
        assert np.allclose(trace.changes[1][:, layer], expected, rtol=1e-12)
    assert np.allclose(trace.losses[0], mse(net.forward(x), y)[0])


def test_the_counterfactuals_rerun_the_same_networks() -> None:
    """10x steps continues the base run; 10x lr starts from the same weights and data."""
    p = TrainingDynamicsParams(**SMALL)
    result = registry.run("training-dynamics", SMALL, 0)
    longer = train(p, seed=0, lr=p.lr, steps=10 * p.steps, record={10 * p.steps})
    ratio = longer.changes[10 * p.steps][:, 0] / longer.changes[10 * p.steps][:, -1]
    assert result.metrics["change_ratio_10x_steps"] == pytest.approx(float(np.median(ratio)))
    faster = train(p, seed=0, lr=10 * p.lr, steps=p.steps, record={p.steps})
    assert np.array_equal(faster.losses[0], longer.losses[0])  # same start


def test_clipping_by_value_caps_each_step() -> None:
    """With |g| <= c entrywise, one SGD step moves W_1 by at most lr * c * sqrt(entries)."""
    cap, lr = 1e-4, 0.01
    p = TrainingDynamicsParams(**{**SMALL, "clip": "value", "clip_threshold": cap})
    w0 = build_task(p, 0)[0].dense[0].weight
    trace = train(p, seed=0, lr=lr, steps=1, record={1})
    bound = lr * cap * np.sqrt(w0[0].size) / np.linalg.norm(w0, axis=(1, 2))
    assert np.all(trace.changes[1][:, 0] <= bound * (1 + 1e-12))


def test_divergence_is_reported_without_warnings() -> None:
    params = {**SMALL, "activation": "relu", "init": "large", "lr": 10.0, "depth": 10}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a RuntimeWarning from numpy fails the test
        result = registry.run("training-dynamics", params, 0)
    assert result.metrics["diverged_seeds"] > 0
    assert any("inf/NaN" in note for note in result.notes)
    assert not result.claim("early-layers-learn").holds


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"optimizer": "rmsprop"}, "optimizer"),
        ({"activation": "softplus"}, "activation"),
        ({"lr": 0}, "lr"),
        ({"clip": "yes"}, "clip"),
        ({"depth": 60, "steps": 1000}, "depth\\*steps = 60,000 exceeds the limit 6,000"),
        ({"seeds": 32, "width": 256, "depth": 20}, "exceeds the limit 4,000,000"),
        ({"batch": 512, "width": 128, "steps": 300}, "exceeds the limit 2,000,000,000"),
        ({"cell": "lstm"}, "unknown parameter 'cell'"),
    ],
)
def test_bad_parameters_are_one_line_errors(params: dict[str, object], message: str) -> None:
    with pytest.raises(SimulationError, match=message) as error:
        registry.run("training-dynamics", params)
    assert "\n" not in str(error.value)


def test_a_plain_training_run_without_the_counterfactuals() -> None:
    raw = {"depth": 4, "width": 8, "batch": 8, "seeds": 1, "steps": 20}
    plain = registry.run("training-dynamics", {**raw, "counterfactuals": "false"}, 1)
    full = registry.run("training-dynamics", raw, 1)
    assert {c.id for c in plain.claims} == {"early-layers-stall", "early-layers-learn"}
    assert "change_ratio_10x_lr" not in plain.metrics
    # the same training: the reruns do not change the run's own numbers
    for name in ("change_ratio", "final_loss", "initial_loss", "loss_reduction"):
        assert plain.metrics[name] == full.metrics[name], name
    losses = plain.series["loss"]
    assert plain.metrics["loss_reduction"] == pytest.approx(1 - losses[-1] / losses[0], rel=1e-12)
