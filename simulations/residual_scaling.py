"""residual-scaling: how a deep residual stack's signal grows with depth, and what scaling
the branches does.

Setup: inputs x ~ N(0, 1) of dimension ``width``; ``depth`` residual blocks
a_l = a_{l-1} + alpha * phi(a_{l-1} W_l) (no biases); a linear readout to one output; MSE
loss against targets ~ N(0, 1). ``branch`` sets alpha at initialization: ``unscaled``
(alpha = 1, the plain ResNet sum), ``scaled`` (alpha = 1/sqrt(depth)), ``zero`` (alpha = 0,
SkipInit/Fixup style: every block starts as the identity, and alpha is learned), or
``none`` (no skip path at all: a_l = phi(a_{l-1} W_l), the plain stack for comparison).
One forward and one backward pass per network, ``seeds`` networks batched, medians.

Each block adds its branch's variance to the signal's: with ReLU and He weights the branch
has the same second moment as its input, so an unscaled block doubles it (the RMS grows by
sqrt(2) per block) and the backpropagated signal grows the same way going back. Scaling
the branches by 1/sqrt(depth) bounds the total growth by about e^(1/2) in RMS at any depth;
a zero branch keeps it exactly level.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import Field, model_validator

from simulations.base import Claim, Experiment, Params, Result
from simulations.nn import make_rng
from simulations.nn.activations import ActivationName
from simulations.nn.init import DESCRIPTIONS, InitName
from simulations.nn.layers import ActivationLayer, Dense, Layer, Sequential
from simulations.nn.losses import mean_output, mse
from simulations.nn.mlp import seed_norms
from simulations.nn.scaled_residual import ScaledResidual

Array = NDArray[np.float64]

MAX_WORK = 4_000_000_000  # depth*seeds*batch*width^2: the default is 0.25e9
MAX_ENTRIES = 40_000_000  # depth*seeds*max(batch, width)*width (cached activations, weights)

GROWS_ABOVE = 10.0
"""The signal "grows with depth" when the last block's RMS is over 10x the input's."""
LEVEL_LOW, LEVEL_HIGH = 1 / 3, 3.0
"""The signal "stays level" when both ratios lie within a factor 3 of 1."""

Branch = Literal["unscaled", "scaled", "zero", "none"]
BRANCH_WORDS: dict[str, str] = {
    "unscaled": "residual blocks a_l = a_(l-1) + phi(a_(l-1) W_l) (unscaled branches)",
    "scaled": "residual blocks a_l = a_(l-1) + phi(a_(l-1) W_l) / sqrt(depth) (scaled branches)",
    "zero": "residual blocks a_l = a_(l-1) + alpha phi(a_(l-1) W_l), alpha starting at 0 "
    "(zero-initialized branches)",
    "none": "plain layers a_l = phi(a_(l-1) W_l) (no skip connections)",
}


class ResidualScalingParams(Params):
    """Limits: depth*seeds*batch*width*width <= 4e9 and depth*seeds*max(batch, width)*width
    <= 4e7."""

    depth: int = Field(30, ge=2, le=200, description="residual blocks")
    width: int = Field(128, ge=4, le=1024, description="units per block (and inputs)")
    batch: int = Field(64, ge=4, le=1024, description="examples per batch")
    seeds: int = Field(8, ge=1, le=64, description="independent networks; summaries are medians")
    activation: ActivationName = Field("relu", description="nonlinearity inside each branch")
    init: InitName = Field("he", description="weight initializer (branches and readout)")
    branch: Branch = Field("unscaled", description="unscaled, scaled (1/sqrt(depth)), zero, none")
    loss: Literal["mse", "sum"] = Field(
        "mse", description="mse against N(0,1) targets, or sum: the mean of the outputs"
    )

    @model_validator(mode="after")
    def _bounded(self) -> ResidualScalingParams:
        work = self.depth * self.seeds * self.batch * self.width * self.width
        if work > MAX_WORK:
            raise ValueError(f"depth*seeds*batch*width*width = {work:,} exceeds {MAX_WORK:,}")
        entries = self.depth * self.seeds * max(self.batch, self.width) * self.width
        if entries > MAX_ENTRIES:
            raise ValueError(
                f"depth*seeds*max(batch, width)*width = {entries:,} exceeds {MAX_ENTRIES:,}"
            )
        return self


def initial_alpha(branch: Branch, depth: int) -> float:
    return {"unscaled": 1.0, "scaled": 1.0 / np.sqrt(depth), "zero": 0.0, "none": 1.0}[branch]


def build_blocks(p: ResidualScalingParams, rng: np.random.Generator) -> tuple[list[Layer], Dense]:
    """The blocks (ScaledResidual, or plain Sequential for ``none``) and the readout."""
    alpha = initial_alpha(p.branch, p.depth)
    blocks: list[Layer] = []
    for _ in range(p.depth):
        body = Sequential(
            [Dense.create(rng, p.seeds, p.width, p.width, p.init), ActivationLayer(p.activation)]
        )
        if p.branch == "none":
            blocks.append(body)
        else:
            blocks.append(ScaledResidual(body, np.full((p.seeds, 1, 1), alpha)))
    readout = Dense.create(rng, p.seeds, p.width, 1, p.init)
    return blocks, readout


def _rms(a: Array) -> Array:
    """Root mean square per seed: (S, B, n) -> (S,)."""
    return seed_norms(a) / np.sqrt(a[0].size)


def _dense_of(block: Layer) -> Dense:
    body = block.body if isinstance(block, ScaledResidual) else block
    assert isinstance(body, Sequential) and isinstance(body.layers[0], Dense)
    return body.layers[0]


def _ratio(first: Array, last: Array) -> Array:
    """first/last per seed; NaN where both are 0 (nothing to compare), inf on overflow."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = first / last
    return np.where(~np.isfinite(first) | ~np.isfinite(last), np.inf, ratio)


def measure(p: ResidualScalingParams, seed: int) -> dict[str, Array]:
    """Per seed: the RMS of every block's output, ||dL/da_l|| and ||dL/dW_l|| per block."""
    rng = make_rng(seed)
    blocks, readout = build_blocks(p, rng)
    x = rng.standard_normal((p.seeds, p.batch, p.width))
    target = rng.standard_normal((p.seeds, p.batch, 1))
    rms = [_rms(x)]
    with np.errstate(all="ignore"):  # overflow is an outcome, reported as inf
        a = x
        for block in blocks:
            a = block.forward(a)
            rms.append(_rms(a))
        out = readout.forward(a)
        _, dout = mse(out, target) if p.loss == "mse" else mean_output(out)
        dy = readout.backward(dout)
        signal = []
        for block in reversed(blocks):
            signal.append(seed_norms(dy))
            dy = block.backward(dy)
        weight = [seed_norms(_dense_of(block).weight_grad) for block in blocks]
    return {
        "rms": np.stack(rms, axis=1),
        "signal": np.stack(signal[::-1], axis=1),
        "weight": np.stack(weight, axis=1),
    }


def _median(values: Array) -> float:
    """Median over seeds; NaN stays NaN (0/0: no weight gradient anywhere)."""
    return float(np.median(values)) if not np.isnan(values).any() else float("nan")


def run(params: ResidualScalingParams, seed: int) -> Result:
    p = params
    m = measure(p, seed)
    forward = _ratio(m["rms"][:, -1], m["rms"][:, 0])
    signal = _ratio(m["signal"][:, 0], m["signal"][:, -1])
    weight = _ratio(m["weight"][:, 0], m["weight"][:, -1])
    growth = _median(forward)
    metrics = {
        "forward_growth": growth,
        "grad_ratio": _median(signal),
        "weight_grad_ratio": _median(weight),
        "per_block_growth": float(growth ** (1.0 / p.depth)),
        "initial_alpha": initial_alpha(p.branch, p.depth),
        "first_weight_grad_norm": float(np.median(m["weight"][:, 0])),
    }
    series = {
        "forward_rms": np.median(m["rms"], axis=0).tolist(),
        "activation_grad_norm": np.median(m["signal"], axis=0).tolist(),
        "weight_grad_norm": np.median(m["weight"], axis=0).tolist(),
    }
    notes = []
    if np.isnan(weight).any():
        notes.append(
            "the branch weights get no gradient at initialization (alpha = 0 multiplies it "
            "away); only alpha does, so the first step opens the branches"
        )
    if not np.all(np.isfinite(m["rms"])):
        notes.append("the forward signal overflowed (inf/NaN)")
    return Result(
        simulation="residual-scaling",
        params=p.model_dump(),
        seed=seed,
        metrics=metrics,
        series=series,
        claims=_claims(p, metrics),
        notes=notes,
    )


def setup_text(p: ResidualScalingParams) -> str:
    return (
        f"{p.depth} {BRANCH_WORDS[p.branch]}, phi = {p.activation}, {p.init} init "
        f"({DESCRIPTIONS[p.init]}), width {p.width}, batch {p.batch}, at initialization, "
        f"median over {p.seeds} networks"
    )


def _claims(p: ResidualScalingParams, m: dict[str, float]) -> list[Claim]:
    where = setup_text(p)
    growth, signal = m["forward_growth"], m["grad_ratio"]
    evidence = {"forward_growth": growth, "grad_ratio": signal}
    forward_words = "the RMS of the last block's output over that of the input"
    signal_words = "the backpropagated signal ||dL/da_1|| / ||dL/da_L||"
    return [
        Claim(
            id="forward-grows",
            statement=f"With {where}, the forward signal grows: {forward_words} is above "
            f"{GROWS_ABOVE:g}.",
            holds=bool(growth > GROWS_ABOVE),
            evidence={**evidence, "threshold": GROWS_ABOVE},
        ),
        Claim(
            id="gradient-grows",
            statement=f"With {where}, the gradient grows going back: {signal_words} is above "
            f"{GROWS_ABOVE:g}.",
            holds=bool(signal > GROWS_ABOVE),
            evidence={**evidence, "threshold": GROWS_ABOVE},
        ),
        Claim(
            id="forward-level",
            statement=f"With {where}, the forward signal stays level: {forward_words} lies "
            f"between {LEVEL_LOW:.2g} and {LEVEL_HIGH:g}.",
            holds=bool(LEVEL_LOW <= growth <= LEVEL_HIGH),
            evidence={**evidence, "low": LEVEL_LOW, "high": LEVEL_HIGH},
        ),
        Claim(
            id="gradient-level",
            statement=f"With {where}, the gradient stays level going back: {signal_words} "
            f"lies between {LEVEL_LOW:.2g} and {LEVEL_HIGH:g}.",
            holds=bool(LEVEL_LOW <= signal <= LEVEL_HIGH),
            evidence={**evidence, "low": LEVEL_LOW, "high": LEVEL_HIGH},
        ),
    ]


EXPERIMENT = Experiment(
    name="residual-scaling",
    summary="forward and backward signal through a deep residual stack: unscaled, "
    "scaled or zero-initialized branches",
    params=ResidualScalingParams,
    run=run,
    claims={
        "forward-grows": f"RMS(a_L) / RMS(x) > {GROWS_ABOVE:g}",
        "gradient-grows": f"||dL/da_1|| / ||dL/da_L|| > {GROWS_ABOVE:g}",
        "forward-level": f"RMS(a_L) / RMS(x) within [{LEVEL_LOW:.2g}, {LEVEL_HIGH:g}]",
        "gradient-level": f"||dL/da_1|| / ||dL/da_L|| within [{LEVEL_LOW:.2g}, {LEVEL_HIGH:g}]",
    },
    metrics={
        "forward_growth": "median over networks of RMS(a_L) / RMS(x)",
        "grad_ratio": "median of ||dL/da_1|| / ||dL/da_L|| (the backpropagated signal)",
        "weight_grad_ratio": "median of ||dL/dW_1|| / ||dL/dW_L|| (NaN when alpha = 0: "
        "no weight gradient at all)",
        "per_block_growth": "forward_growth ** (1/depth): the RMS growth per block",
        "initial_alpha": "the branch multiplier at initialization",
        "first_weight_grad_norm": "median ||dL/dW_1||",
    },
    main_series=("forward_rms", "activation_grad_norm"),
    log_scale=True,
    comparison={"branch": "zero"},
    conditions={
        "depth": ("10", "20", "30", "50"),
        "width": ("64", "128", "256"),
        "batch": ("32", "64", "128"),
        "loss": ("mse", "sum"),
        # the scenario: held at the default unless a link names it
        "seeds": ("8",),
        "activation": ("relu",),
        "init": ("he",),
        "branch": ("unscaled",),
    },
)
