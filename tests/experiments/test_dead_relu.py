"""dead-relu through the registry: verdicts stable over base seeds 0..4, the dead-unit count."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from seed_verdicts import assert_verdicts_for_base_seeds_0_to_4

from simulations import registry
from simulations.dead_relu import DeadReluParams, build, train, unit_states
from simulations.nn.losses import mse
from simulations.registry import SimulationError

SMALL = {"depth": 2, "width": 8, "inputs": 4, "batch": 16, "seeds": 3, "steps": 10}

# The parameter sets the bank links, with the verdict every base seed 0..4 must give.
EXPECTED: list[tuple[dict[str, object], dict[str, bool]]] = [
    (
        {"activation": "relu"},
        {"many-dead": True, "no-dead": False, "large-lr-kills-units": True},
    ),
    (
        {"activation": "leaky_relu"},
        {"many-dead": False, "no-dead": True, "large-lr-kills-units": False},
    ),
]


@pytest.mark.parametrize(("params", "verdicts"), EXPECTED)
def test_verdicts_are_the_same_for_base_seeds_0_to_4(
    params: dict[str, object], verdicts: dict[str, bool]
) -> None:
    assert_verdicts_for_base_seeds_0_to_4("dead-relu", params, verdicts)


def test_dead_units_are_counted_against_a_direct_check() -> None:
    """Recount by hand: a unit is dead when relu(h) is 0 for every example of the batch."""
    p = DeadReluParams(**{**SMALL, "lr": 0.3})
    net, x, y = build(p, 0)
    train(p, net, x, y, p.lr)
    dead, inactive, finite = unit_states(net, x)
    assert finite.all()
    for layer, act in enumerate(net.activations):
        h = act.last_input
        assert h is not None
        for seed in range(p.seeds):
            by_hand = sum(
                all(max(h[seed, b, unit], 0.0) == 0.0 for b in range(p.batch))
                for unit in range(p.width)
            )
            assert dead[seed, layer] == by_hand / p.width
    assert np.array_equal(dead, inactive)  # for relu, output 0 <=> pre-activation <= 0
    assert dead.max() > 0  # the check above is not vacuous


def test_a_dead_unit_gets_no_gradient() -> None:
    p = DeadReluParams(**{**SMALL, "lr": 0.3})
    net, x, y = build(p, 0)
    train(p, net, x, y, p.lr)
    net.backward(mse(net.forward(x), y)[1])
    h = net.activations[0].last_input
    assert h is not None
    dead = np.all(h <= 0, axis=1)  # (S, width), first hidden layer
    assert dead.any()
    grad = net.dense[0].weight_grad  # (S, inputs, width)
    assert np.all(grad.transpose(0, 2, 1)[dead] == 0)


def test_leaky_units_can_sit_below_zero_without_being_dead() -> None:
    result = registry.run("dead-relu", {"activation": "leaky_relu"}, 0)
    assert result.metrics["dead_fraction"] == 0
    assert result.metrics["inactive_fraction"] > 0.1  # pushed negative, yet passing gradient


def test_same_seed_is_bit_identical_and_series_shape() -> None:
    first = registry.run("dead-relu", SMALL, 5)
    assert first.model_dump() == registry.run("dead-relu", SMALL, 5).model_dump()
    assert first.metrics != registry.run("dead-relu", SMALL, 6).metrics
    assert len(first.series["dead_fraction_per_layer"]) == SMALL["depth"]
    assert "width 8 with relu activations" in first.claim("many-dead").statement


def test_divergence_is_reported_without_warnings() -> None:
    params = {**SMALL, "activation": "leaky_relu", "optimizer": "sgd", "lr": 5.0, "init": "large"}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = registry.run("dead-relu", params, 0)
    assert result.metrics["diverged_seeds"] > 0
    assert any("diverged" in note for note in result.notes)
    assert not result.claim("many-dead").holds and not result.claim("no-dead").holds


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"activation": "maxout"}, "activation"),
        ({"lr": -1}, "lr"),
        ({"seeds": 32, "batch": 1024, "width": 512, "depth": 2}, "exceeds the limit 20,000,000"),
        ({"width": 512, "steps": 2000}, "exceeds the limit 5,000,000,000"),
        ({"depth": 20, "steps": 2000, "width": 4}, "depth\\*steps = 40,000 exceeds"),
        ({"cell": "gru"}, "unknown parameter 'cell'"),
    ],
)
def test_bad_parameters_are_one_line_errors(params: dict[str, object], message: str) -> None:
    with pytest.raises(SimulationError, match=message) as error:
        registry.run("dead-relu", params)
    assert "\n" not in str(error.value)
