"""activation-derivatives: how large an activation's derivative gets, and where it is flat.

The derivative phi'(x) is evaluated on a fine grid over [-10, 10] (step 1e-4, containing
x = 0 exactly) for its largest and smallest values, on the two tails |x| >= input_std for
saturation, and on inputs x ~ N(0, input_std^2) for the fraction of inputs that receive
almost no gradient. Through n layers the backpropagated gradient picks up n such factors
(times the weights), which is why the largest derivative matters.

"Saturates" follows the usual definition (Gulcehre et al. 2016, "Noisy Activation
Functions"): the derivative tends to 0 in *both* tails, as for sigmoid and tanh. ReLU is
flat only for x < 0 and has derivative 1 for every x > 0: it is non-saturating (its
zero side is the "dying ReLU" problem, measured by dead-relu).
"""

from __future__ import annotations

import numpy as np
from pydantic import Field, model_validator

from simulations.base import Claim, Experiment, Params, Result
from simulations.nn import make_rng
from simulations.nn.activations import ActivationName, get_activation

GRID_HALF_WIDTH = 10.0
GRID_POINTS_PER_SIDE = 100_000  # step 1e-4
PLOT_POINTS_PER_SIDE = 200
TAIL_POINTS = 9001
SATURATED_BELOW = 0.01
"""|phi'(x)| below this counts as saturated (less than 1/100 of a unit gradient passes)."""
TOLERANCE = 1e-12
QUARTER = 0.25


class ActivationDerivativesParams(Params):
    """The grid over [-10, 10] is fixed; only the sampled inputs depend on the seed."""

    activation: ActivationName = Field("sigmoid", description="the activation to examine")
    input_std: float = Field(
        5.0, ge=0.01, le=100.0, description="std of the inputs x ~ N(0, input_std^2)"
    )
    samples: int = Field(
        1_000_000, ge=1_000, le=10_000_000, description="inputs drawn for saturated_fraction"
    )

    @model_validator(mode="after")
    def _finite(self) -> ActivationDerivativesParams:
        if not np.isfinite(self.input_std):
            raise ValueError("input_std must be a finite number")
        return self


def grid() -> np.ndarray:
    """[-10, 10] in steps of 1e-4; built from integers so that 0 is exactly on it."""
    step = GRID_HALF_WIDTH / GRID_POINTS_PER_SIDE
    return np.arange(-GRID_POINTS_PER_SIDE, GRID_POINTS_PER_SIDE + 1) * step


def run(params: ActivationDerivativesParams, seed: int) -> Result:
    p = params
    act = get_activation(p.activation)
    x = grid()
    with np.errstate(all="ignore"):
        d = act.derivative(x)
        at_zero = float(d[GRID_POINTS_PER_SIDE])
        off_zero = np.delete(d, GRID_POINTS_PER_SIDE)
        positive = d[GRID_POINTS_PER_SIDE + 1 :]
        # Both tails, from one standard deviation out to ten.
        tail = p.input_std * np.linspace(1.0, 10.0, TAIL_POINTS)
        tail_max = float(np.max(np.abs(act.derivative(np.concatenate([-tail, tail])))))
        # Far out on the negative side: does a slope remain (leaky ReLU) or vanish (ELU, ...)?
        negative_tail_min = float(np.min(np.abs(act.derivative(-tail))))
        inputs = make_rng(seed).standard_normal(p.samples) * p.input_std
        saturated = float(np.mean(np.abs(act.derivative(inputs)) < SATURATED_BELOW))
        plot_x = np.linspace(-GRID_HALF_WIDTH, GRID_HALF_WIDTH, 2 * PLOT_POINTS_PER_SIDE + 1)
        plot_d = act.derivative(plot_x)
        plot_v = act.value(plot_x)

    max_d = float(d.max())
    min_positive = float(positive.min())
    max_off_zero = float(off_zero.max())
    metrics = {
        "max_derivative": max_d,
        "argmax_x": float(x[int(np.argmax(d))]),
        "derivative_at_zero": at_zero,
        "min_derivative_positive": min_positive,
        "saturated_fraction": saturated,
        "tail_max_derivative": tail_max,
        "negative_tail_min_derivative": negative_tail_min,
    }
    name = p.activation
    on_grid = "on a grid of step 1e-4 over [-10, 10] that contains 0"
    claims = [
        Claim(
            id="max-derivative-at-most-quarter",
            statement=(
                f"{name}'s derivative never exceeds 0.25 (the sigmoid's maximum, at 0), {on_grid}."
            ),
            holds=max_d <= QUARTER + TOLERANCE,
            evidence={"max_derivative": max_d, "threshold": QUARTER},
        ),
        Claim(
            id="max-derivative-below-one",
            statement=(
                f"{name}'s derivative is at most 1 everywhere and strictly below 1 at every point "
                f"except x = 0, {on_grid}."
            ),
            holds=max_d <= 1.0 + TOLERANCE and max_off_zero < 1.0,
            evidence={"max_derivative": max_d, "max_derivative_off_zero": max_off_zero},
        ),
        Claim(
            id="saturates",
            statement=(
                f"{name} saturates on both sides: |phi'(x)| < {SATURATED_BELOW:g} for every x with "
                f"{p.input_std:g} <= |x| <= {10 * p.input_std:g}, i.e. inputs of standard "
                f"deviation {p.input_std:g} that land beyond one standard deviation, on either "
                "side, pass on less than 1/100 of the gradient."
            ),
            holds=tail_max < SATURATED_BELOW,
            evidence={
                "tail_max_derivative": tail_max,
                "threshold": SATURATED_BELOW,
                "saturated_fraction": saturated,
                "input_std": p.input_std,
            },
        ),
        Claim(
            id="no-saturation-positive",
            statement=(
                f"{name} does not saturate for positive inputs: its derivative is at least 1 at "
                f"every x > 0 (within 1e-12), {on_grid}."
            ),
            holds=min_positive >= 1.0 - TOLERANCE,
            evidence={"min_derivative_positive": min_positive, "threshold": 1.0},
        ),
    ]
    return Result(
        simulation="activation-derivatives",
        params=p.model_dump(),
        seed=seed,
        metrics=metrics,
        series={"x": plot_x.tolist(), "derivative": plot_d.tolist(), "value": plot_v.tolist()},
        claims=claims,
    )


EXPERIMENT = Experiment(
    name="activation-derivatives",
    summary="largest derivative and saturation of one activation function",
    params=ActivationDerivativesParams,
    run=run,
    claims={
        "max-derivative-at-most-quarter": "max phi' <= 0.25 on [-10, 10]",
        "max-derivative-below-one": "phi' <= 1, and < 1 everywhere except 0",
        "saturates": f"|phi'| < {SATURATED_BELOW:g} in both tails |x| >= input_std",
        "no-saturation-positive": "phi'(x) >= 1 for every x > 0",
    },
    metrics={
        "max_derivative": "largest phi'(x) on the grid over [-10, 10] (0 included)",
        "argmax_x": "where the largest derivative is attained",
        "derivative_at_zero": "phi'(0)",
        "min_derivative_positive": "smallest phi'(x) over x > 0 on the grid",
        "saturated_fraction": f"fraction of x ~ N(0, input_std^2) with |phi'(x)| < "
        f"{SATURATED_BELOW:g}",
        "tail_max_derivative": "largest |phi'(x)| for input_std <= |x| <= 10 input_std",
        "negative_tail_min_derivative": "smallest |phi'(x)| for -10 input_std <= x <= -input_std: "
        "the slope left for very negative inputs",
    },
    main_series=("derivative",),
    log_scale=False,
    comparison={"activation": "relu"},
    conditions={
        # exact properties of one function: nothing to vary but what a link names
        "activation": ("sigmoid",),
        "input_std": ("5",),
        "samples": ("1000000",),
    },
)
