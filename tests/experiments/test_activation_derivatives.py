"""activation-derivatives: known maxima, the two-sided saturation rule, seed-stable verdicts."""

from __future__ import annotations

import math

import pytest

from simulations import registry
from simulations.activation_derivatives import SATURATED_BELOW
from simulations.nn.activations import ACTIVATIONS


def run(activation: str, seed: int = 0, **extra: object):
    return registry.run("activation-derivatives", {"activation": activation, **extra}, seed)


# activation -> verdicts of (at-most-quarter, below-one, saturates, no-saturation-positive)
EXPECTED = {
    "sigmoid": (True, True, True, False),
    "tanh": (False, True, True, False),
    "relu": (False, False, False, True),
    "leaky_relu": (False, False, False, True),
    "elu": (False, False, False, True),
    "selu": (False, False, False, True),
    "gelu": (False, False, False, False),
    "swish": (False, False, False, False),
}
CLAIM_IDS = (
    "max-derivative-at-most-quarter",
    "max-derivative-below-one",
    "saturates",
    "no-saturation-positive",
)


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_verdicts_are_the_expected_ones_for_seeds_0_to_4(activation: str) -> None:
    assert set(EXPECTED) == set(ACTIVATIONS)
    for seed in range(5):
        result = run(activation, seed)
        verdicts = tuple(result.claim(claim_id).holds for claim_id in CLAIM_IDS)
        assert verdicts == EXPECTED[activation], seed


def test_known_maxima() -> None:
    assert run("sigmoid").metrics["max_derivative"] == 0.25
    assert run("sigmoid").metrics["argmax_x"] == 0.0
    assert run("tanh").metrics["max_derivative"] == 1.0
    # GELU (tanh form) peaks at about 1.129 near x = 1.42; swish at about 1.0998 near x = 2.40.
    assert run("gelu").metrics["max_derivative"] == pytest.approx(1.129, abs=1e-3)
    assert run("swish").metrics["max_derivative"] == pytest.approx(1.0998, abs=1e-4)


def test_saturated_fraction_matches_the_gaussian_tail() -> None:
    """sigmoid'(x) < 0.01 exactly where |x| > ln(s / (1 - s)) with s(1 - s) = 0.01."""
    s = (1 + math.sqrt(1 - 4 * SATURATED_BELOW)) / 2
    edge = math.log(s / (1 - s))
    for std in (2.0, 5.0):
        expected = math.erfc(edge / (std * math.sqrt(2)))
        measured = run("sigmoid", input_std=std).metrics["saturated_fraction"]
        assert measured == pytest.approx(expected, abs=0.003)  # ~6 standard errors at 1e6


def test_saturation_depends_on_the_input_scale() -> None:
    """At input scale 1 the sigmoid is not yet flat one standard deviation out."""
    assert not run("sigmoid", input_std=1.0).claim("saturates").holds
    assert run("tanh", input_std=3.0).claim("saturates").holds


def test_bad_values_name_what_is_allowed() -> None:
    with pytest.raises(registry.SimulationError, match="input_std"):
        run("tanh", input_std="-1")
    with pytest.raises(registry.SimulationError, match="samples"):
        run("tanh", samples=10**9)
