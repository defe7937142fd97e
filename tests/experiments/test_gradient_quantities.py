"""The four quantities of gradient-flow, each against a direct computation for a small net.

The reference below shares nothing with the simulation but the initializers and the random
stream: a plain per-network forward pass in 2-D numpy, the loss as a function of the weights
and of an injected perturbation of each hidden output, and central finite differences for
dL/dW_l and dL/da_l. The forward signal and the relative update are computed from their
definitions on the same arrays.
"""

from __future__ import annotations

import numpy as np
import pytest
from gradcheck import numeric_grad

from simulations.gradient_flow import GradientFlowParams, run
from simulations.nn import make_rng
from simulations.nn.activations import get_activation
from simulations.nn.init import get_initializer


def direct_quantities(p: GradientFlowParams, seed: int) -> dict[str, np.ndarray]:
    """Per hidden layer, for the single network of the setup (p.seeds == 1)."""
    assert p.seeds == 1 and not p.batchnorm
    rng = make_rng(seed)
    init = get_initializer(p.init)
    act = get_activation(p.activation)
    weights = [init(rng, (1, p.width, p.width), np.float64)[0] for _ in range(p.depth)]
    readout = init(rng, (1, p.width, 1), np.float64)[0]
    x = rng.standard_normal((1, p.batch, p.width))[0]
    target = rng.standard_normal((1, p.batch, 1))[0]
    shifts = [np.zeros((p.batch, p.width)) for _ in range(p.depth)]

    def forward() -> tuple[float, list[np.ndarray]]:
        a, outputs = x, []
        for w, shift in zip(weights, shifts, strict=True):
            h = a @ w
            a = (a + act.value(h) if p.residual else act.value(h)) + shift
            outputs.append(a)
        out = a @ readout
        loss = np.mean((out - target) ** 2) if p.loss == "mse" else np.mean(out)
        return float(loss), outputs

    _, outputs = forward()
    weight_grads = [numeric_grad(lambda: forward()[0], w) for w in weights]
    signal = [numeric_grad(lambda: forward()[0], shift) for shift in shifts]
    return {
        "activation_grad_norm": np.array([np.linalg.norm(g) for g in signal]),
        "weight_grad_norm": np.array([np.linalg.norm(g) for g in weight_grads]),
        "activation_rms": np.array([np.sqrt(np.mean(a**2)) for a in outputs]),
        "relative_update": np.array(
            [
                np.linalg.norm(g) / np.linalg.norm(w)
                for g, w in zip(weight_grads, weights, strict=True)
            ]
        ),
    }


@pytest.mark.parametrize(
    "overrides",
    [
        {"activation": "sigmoid", "init": "xavier"},
        {"activation": "relu", "init": "he", "loss": "sum"},
        {"activation": "tanh", "init": "large", "residual": True},
    ],
)
def test_each_quantity_matches_finite_differences(overrides: dict[str, object]) -> None:
    p = GradientFlowParams(depth=4, width=5, batch=6, seeds=1, **overrides)
    result = run(p, seed=2)
    direct = direct_quantities(p, seed=2)
    for name, expected in direct.items():
        assert np.allclose(result.series[name], expected, rtol=1e-6, atol=1e-12), name
    ratios = {
        "grad_ratio": "activation_grad_norm",
        "weight_grad_ratio": "weight_grad_norm",
        "forward_ratio": "activation_rms",
        "update_ratio": "relative_update",
    }
    for metric, series in ratios.items():
        expected = direct[series][0] / direct[series][-1]
        assert result.metrics[metric] == pytest.approx(expected, rel=1e-6), metric
    assert result.metrics["weight_grad_decades"] == pytest.approx(
        abs(np.log10(direct["weight_grad_norm"][0] / direct["weight_grad_norm"][-1])), rel=1e-6
    )
    assert result.metrics["first_relative_update"] == pytest.approx(
        direct["relative_update"][0], rel=1e-6
    )
    assert result.metrics["last_activation_rms"] == pytest.approx(
        direct["activation_rms"][-1], rel=1e-9
    )


def test_the_four_quantities_disagree_where_the_docs_say() -> None:
    """ReLU with too-small weights: the signal ratio vanishes, the weight-gradient and
    relative-update ratios stay near 1, the forward signal shrinks to the output."""
    m = run(GradientFlowParams(depth=12, width=32, batch=32, activation="relu", init="small"), 0)
    assert m.metrics["grad_ratio"] < 1e-9
    assert 0.1 < m.metrics["weight_grad_ratio"] < 10
    assert 0.1 < m.metrics["update_ratio"] < 10
    assert m.metrics["forward_ratio"] > 1e9
