"""The experiments added for the bank's remedies: residual-scaling (and its ScaledResidual
layer), dead-recovery and layerwise-pretraining. Backward passes against finite
differences, metrics against direct computations, determinism, and the verdicts the bank
relies on at small sizes."""

from __future__ import annotations

import numpy as np
import pytest
from gradcheck import check_layer

from simulations import registry
from simulations.dead_recovery import DeadRecoveryParams, inactive_units
from simulations.dead_relu import DeadReluParams, build
from simulations.layerwise_pretraining import LayerwisePretrainingParams, pretrain
from simulations.layerwise_pretraining import build as build_pretraining
from simulations.nn import make_rng
from simulations.nn.layers import ActivationLayer, Dense, Sequential
from simulations.nn.losses import mse
from simulations.nn.scaled_residual import ScaledResidual
from simulations.registry import SimulationError
from simulations.residual_scaling import ResidualScalingParams, build_blocks, measure

S, B, N = 2, 5, 4


@pytest.mark.parametrize("alpha", [0.0, 0.3, 1.0])
def test_scaled_residual_backward_matches_finite_differences(alpha: float) -> None:
    rng = make_rng(11)
    body = Sequential([Dense.create(rng, S, N, N, "he", bias=True), ActivationLayer("tanh")])
    layer = ScaledResidual(body, np.full((S, 1, 1), alpha))
    check_layer(layer, rng.standard_normal((S, B, N)), rng)


def test_scaled_residual_rejects_a_bad_alpha_shape() -> None:
    with pytest.raises(ValueError, match="alpha must be"):
        ScaledResidual(Sequential([]), np.ones((S, 1)))


SMALL_RES = {"depth": 12, "width": 32, "batch": 16, "seeds": 3}


def test_residual_scaling_metrics_match_a_direct_computation() -> None:
    """Recompute the forward RMS ratio and the backpropagated signal with plain numpy."""
    p = ResidualScalingParams(**SMALL_RES, branch="scaled")
    rng = make_rng(4)
    blocks, readout = build_blocks(p, rng)
    x = rng.standard_normal((p.seeds, p.batch, p.width))
    target = rng.standard_normal((p.seeds, p.batch, 1))
    alpha = 1 / np.sqrt(p.depth)
    weights = [block.body.layers[0].weight for block in blocks]  # type: ignore[attr-defined]
    acts, pre = [x], []
    for w in weights:
        pre.append(acts[-1] @ w)
        acts.append(acts[-1] + alpha * np.maximum(pre[-1], 0))
    out = acts[-1] @ readout.weight
    grad = 2 * (out - target) / (p.batch) @ np.swapaxes(readout.weight, 1, 2)
    signal = []
    for w, h in zip(weights[::-1], pre[::-1], strict=True):
        signal.append(np.linalg.norm(grad.reshape(p.seeds, -1), axis=1))
        grad = grad + alpha * ((grad * (h > 0)) @ np.swapaxes(w, 1, 2))
    signal = signal[::-1]
    rms = [np.sqrt(np.mean(a.reshape(p.seeds, -1) ** 2, axis=1)) for a in acts]
    m = measure(p, 4)
    assert np.allclose(m["rms"], np.stack(rms, axis=1))
    assert np.allclose(m["signal"], np.stack(signal, axis=1))
    result = registry.run("residual-scaling", {**SMALL_RES, "branch": "scaled"}, 4)
    assert result.metrics["forward_growth"] == pytest.approx(np.median(rms[-1] / rms[0]))


@pytest.mark.parametrize(
    ("branch", "grows", "level"),
    [("unscaled", True, False), ("zero", False, True)],
)
def test_residual_scaling_verdicts(branch: str, grows: bool, level: bool) -> None:
    for seed in range(3):
        result = registry.run("residual-scaling", {**SMALL_RES, "branch": branch}, seed)
        assert result.claim("forward-grows").holds is grows
        assert result.claim("gradient-grows").holds is grows
        assert result.claim("forward-level").holds is level
        assert result.claim("gradient-level").holds is level


def test_zero_branches_are_exactly_the_identity_and_report_no_weight_gradient() -> None:
    result = registry.run("residual-scaling", {**SMALL_RES, "branch": "zero"}, 0)
    assert result.metrics["forward_growth"] == 1.0
    assert result.metrics["grad_ratio"] == 1.0
    assert np.isnan(result.metrics["weight_grad_ratio"])  # 0/0 is not a "vanished" 0
    assert any("no gradient" in note for note in result.notes)


def test_residual_scaling_is_deterministic_and_bounded() -> None:
    first = registry.run("residual-scaling", SMALL_RES, 7)
    assert first == registry.run("residual-scaling", SMALL_RES, 7)
    with pytest.raises(SimulationError, match="exceeds"):
        registry.run("residual-scaling", {"depth": 200, "width": 1024, "batch": 1024})


SMALL_DEAD = {"depth": 2, "width": 16, "inputs": 4, "batch": 32, "seeds": 3, "steps": 40}


def test_inactive_units_match_a_direct_count() -> None:
    net, x, _ = build(DeadReluParams(**SMALL_DEAD), 2)
    for layer in net.dense:  # push some units below zero on every input
        layer.bias[..., :3] = -50.0  # type: ignore[index]
    mask, finite = inactive_units(net, x)
    h1 = x @ net.dense[0].weight + net.dense[0].bias
    assert np.array_equal(mask[:, 0], np.all(h1 <= 0, axis=1))
    assert mask[:, :, :3].all() and finite.all()


def test_relu_units_of_the_first_layer_never_recover() -> None:
    """An inactive first-layer ReLU gets no gradient and sees fixed inputs: it stays."""
    params = {**SMALL_DEAD, "recovery_steps": 30, "lr": 0.3}
    result = registry.run("dead-recovery", params, 0)
    assert result.metrics["inactive_units_phase1"] > 0
    first = result.metrics["first_layer_recovered_fraction"]
    assert np.isnan(first) or first == 0.0
    assert result == registry.run("dead-recovery", params, 0)
    assert DeadRecoveryParams(**params).recovery_steps == 30


SMALL_PRE = {
    "depth": 4,
    "width": 8,
    "inputs": 4,
    "batch": 16,
    "seeds": 2,
    "pretrain_steps": 20,
    "steps": 20,
}


def test_pretraining_lowers_each_layers_reconstruction_error() -> None:
    p = LayerwisePretrainingParams(**SMALL_PRE)
    net, x, _ = build_pretraining(p, 0)
    few = pretrain(p.model_copy(update={"pretrain_steps": 1}), net, x, make_rng(1))
    net, x, _ = build_pretraining(p, 0)
    many = pretrain(p, net, x, make_rng(1))
    assert np.all(many[:, 0] < few[:, 0])


def test_layerwise_pretraining_reports_its_runs() -> None:
    result = registry.run("layerwise-pretraining", SMALL_PRE, 3)
    m = result.metrics
    assert m["loss_ratio"] == pytest.approx(
        m["pretrained_final_loss"] / m["baseline_final_loss"], rel=0.5
    )
    assert m["baseline_first_weight_norm_ratio"] > 0
    assert result == registry.run("layerwise-pretraining", SMALL_PRE, 3)
    p = LayerwisePretrainingParams(**SMALL_PRE)
    net, x, y = build_pretraining(p, 3)
    assert m["initial_loss"] == pytest.approx(float(np.median(mse(net.forward(x), y)[0])))


def test_negative_tail_slope_against_the_closed_forms() -> None:
    """The smallest slope over [-50, -5] (input_std 5): leaky ReLU keeps 0.01, ELU's is e^-50."""
    leaky = registry.run("activation-derivatives", {"activation": "leaky_relu", "samples": 1000})
    elu = registry.run("activation-derivatives", {"activation": "elu", "samples": 1000})
    assert leaky.metrics["negative_tail_min_derivative"] == pytest.approx(0.01)
    assert elu.metrics["negative_tail_min_derivative"] == pytest.approx(np.exp(-50.0))
