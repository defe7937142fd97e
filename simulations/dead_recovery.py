"""dead-recovery: do units knocked below zero by a large learning rate come back?

"Leaky units never die" is true by definition: a leaky ReLU's output is never exactly 0,
so counting dead units cannot tell the activations apart. This experiment measures
recovery instead. Phase 1 is dead-relu's setup (the teacher task, an MLP with biases,
trained by Adam at the large rate ``lr``): afterwards a unit is **inactive** when its
pre-activation is <= 0 on every training input. Phase 2 continues training the same
networks at the ordinary rate ``recovery_lr`` for ``recovery_steps`` updates (a fresh
Adam). A phase-1 inactive unit has **recovered** when its pre-activation is positive on at
least one training input afterwards. ``recovered_fraction`` is, over all seeds together,
the recovered units over the phase-1 inactive ones.

An inactive ReLU unit passes no gradient, so its own weights never change; it can only
come back if the layers below it change its inputs (a first-layer unit, whose inputs are
the fixed data, never can). An inactive leaky unit still passes 0.01 of the gradient.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from pydantic import Field, model_validator

from simulations.base import Claim, Experiment, Params, Result
from simulations.dead_relu import DeadReluParams, build, train
from simulations.nn.activations import ActivationName
from simulations.nn.init import DESCRIPTIONS, InitName
from simulations.nn.mlp import MLP

Array = NDArray[np.float64]

RECOVER_AT_LEAST = 0.25
STAY_BELOW = 0.05
MAX_LAYER_STEPS = 8_000  # depth * (steps + recovery_steps): the default is 1,200
MAX_MATMUL_WORK = 20_000_000_000  # seeds*batch*width^2*depth*(steps + recovery_steps)


class DeadRecoveryParams(Params):
    """Parameters of dead-recovery; every default is the documented setup."""

    activation: ActivationName = Field("relu", description="hidden-layer nonlinearity")
    init: InitName = Field("he", description="weight initializer (biases start at 0)")
    depth: int = Field(4, ge=1, le=20, description="hidden layers")
    width: int = Field(64, ge=2, le=512, description="units per hidden layer")
    inputs: int = Field(16, ge=1, le=256, description="input dimension")
    batch: int = Field(128, ge=2, le=1024, description="training examples (full batch)")
    seeds: int = Field(8, ge=1, le=32, description="independent networks")
    lr: float = Field(0.03, gt=0, le=10, description="the large Adam rate of phase 1")
    steps: int = Field(100, ge=1, le=2000, description="phase-1 steps")
    recovery_lr: float = Field(0.001, gt=0, le=10, description="the ordinary Adam rate of phase 2")
    recovery_steps: int = Field(100, ge=1, le=4000, description="phase-2 steps")

    @model_validator(mode="after")
    def _bounded(self) -> DeadRecoveryParams:
        layer_steps = self.depth * (self.steps + self.recovery_steps)
        if layer_steps > MAX_LAYER_STEPS:
            raise ValueError(
                f"depth*(steps+recovery_steps) = {layer_steps:,} exceeds {MAX_LAYER_STEPS:,}"
            )
        work = self.seeds * self.batch * self.width**2 * layer_steps
        if work > MAX_MATMUL_WORK:
            raise ValueError(
                f"seeds*batch*width^2*depth*(all steps) = {work:,} exceeds {MAX_MATMUL_WORK:,}"
            )
        return self


def inactive_units(net: MLP, x: Array) -> tuple[Array, Array]:
    """(S, depth, width) booleans: pre-activation <= 0 on every input; and (S,) finite."""
    with np.errstate(over="ignore", invalid="ignore"):
        out = net.forward(x)
        masks = []
        for layer in net.activations:
            h = layer.last_input
            assert h is not None
            masks.append(np.all(h <= 0, axis=1))
    return np.stack(masks, axis=1), np.all(np.isfinite(out), axis=(1, 2))


def run(params: DeadRecoveryParams, seed: int) -> Result:
    p = params
    phase1 = DeadReluParams(
        activation=p.activation,
        init=p.init,
        depth=p.depth,
        width=p.width,
        inputs=p.inputs,
        batch=p.batch,
        seeds=p.seeds,
        optimizer="adam",
        lr=p.lr,
        steps=p.steps,
    )
    net, x, y = build(phase1, seed)
    train(phase1, net, x, y, p.lr)
    before, finite_before = inactive_units(net, x)
    loss = train(phase1.model_copy(update={"steps": p.recovery_steps}), net, x, y, p.recovery_lr)
    after, finite_after = inactive_units(net, x)
    finite = finite_before & finite_after & np.isfinite(loss)
    recovered = before & ~after
    n_before = int(before[finite].sum())
    n_recovered = int(recovered[finite].sum())
    first_before = int(before[finite][:, 0].sum())
    first_recovered = int(recovered[finite][:, 0].sum())
    units = p.depth * p.width

    def fraction(part: int, whole: int) -> float:
        return part / whole if whole else float("nan")

    metrics = {
        "inactive_after_phase1": fraction(n_before, int(finite.sum()) * units),
        "inactive_after_phase2": fraction(int(after[finite].sum()), int(finite.sum()) * units),
        "recovered_fraction": fraction(n_recovered, n_before),
        "first_layer_recovered_fraction": fraction(first_recovered, first_before),
        "inactive_units_phase1": float(n_before),
        "recovered_units": float(n_recovered),
        "diverged_seeds": float(np.count_nonzero(~finite)),
        "final_loss": float(np.median(loss[finite])) if finite.any() else float("nan"),
    }
    notes = []
    if n_before == 0:
        notes.append("no unit was inactive after phase 1: nothing to recover")
    if not finite.all():
        notes.append(f"{int((~finite).sum())} of {p.seeds} networks diverged and are left out")
    return Result(
        simulation="dead-recovery",
        params=p.model_dump(),
        seed=seed,
        metrics=metrics,
        series={
            "inactive_per_layer_phase1": before[finite].mean(axis=(0, 2)).tolist(),
            "inactive_per_layer_phase2": after[finite].mean(axis=(0, 2)).tolist(),
        },
        claims=_claims(p, metrics),
        notes=notes,
    )


def setup_text(p: DeadRecoveryParams) -> str:
    return (
        f"a {p.depth}-hidden-layer MLP of width {p.width} with {p.activation} activations, "
        f"{p.init} init ({DESCRIPTIONS[p.init]}), biases starting at 0, trained by Adam at lr "
        f"{p.lr:g} for {p.steps} full-batch steps, then at lr {p.recovery_lr:g} for "
        f"{p.recovery_steps} more ({p.batch}-example teacher task, {p.seeds} networks)"
    )


def _claims(p: DeadRecoveryParams, m: dict[str, float]) -> list[Claim]:
    share = m["recovered_fraction"]
    where = setup_text(p)
    words = (
        "the units inactive on every training input after the large-rate phase that are "
        "active on some input after the ordinary-rate phase, as a share of those inactive units"
    )
    evidence = {
        "recovered_fraction": share,
        "inactive_units_phase1": m["inactive_units_phase1"],
        "recovered_units": m["recovered_units"],
    }
    has_units = m["inactive_units_phase1"] > 0
    return [
        Claim(
            id="units-recover",
            statement=f"For {where}, {words} is at least {RECOVER_AT_LEAST:g}.",
            holds=bool(has_units and share >= RECOVER_AT_LEAST),
            evidence={**evidence, "threshold": RECOVER_AT_LEAST},
        ),
        Claim(
            id="units-stay-dead",
            statement=(
                f"For {where}, at least one unit is inactive after the large-rate phase, "
                f"and {words} is below {STAY_BELOW:g}."
            ),
            holds=bool(has_units and share < STAY_BELOW),
            evidence={**evidence, "threshold": STAY_BELOW},
        ),
    ]


EXPERIMENT = Experiment(
    name="dead-recovery",
    summary="units inactive after a large learning rate: do they recover at an ordinary one?",
    params=DeadRecoveryParams,
    run=run,
    claims={
        "units-recover": f"recovered_fraction >= {RECOVER_AT_LEAST:g}",
        "units-stay-dead": f"some inactive units, recovered_fraction < {STAY_BELOW:g}",
    },
    metrics={
        "inactive_after_phase1": "fraction of hidden units inactive on every input after phase 1",
        "inactive_after_phase2": "the same after phase 2",
        "recovered_fraction": "phase-1 inactive units active again after phase 2, as a share",
        "first_layer_recovered_fraction": "the same share for the first hidden layer alone",
        "inactive_units_phase1": "number of inactive units after phase 1, all seeds",
        "recovered_units": "number of those that recovered",
        "diverged_seeds": "networks whose loss became inf or NaN (left out)",
        "final_loss": "median MSE after phase 2",
    },
    main_series=("inactive_per_layer_phase1", "inactive_per_layer_phase2"),
    log_scale=False,
    comparison={"activation": "leaky_relu"},
    conditions={
        "depth": ("2", "4", "6"),
        "width": ("32", "64", "96"),
        "inputs": ("8", "16", "32"),
        "batch": ("64", "128", "192"),
        # the scenario: held at the default unless a link names it
        "activation": ("relu",),
        "init": ("he",),
        "seeds": ("8",),
        "lr": ("0.03",),
        "steps": ("100",),
        "recovery_lr": ("0.001",),
        "recovery_steps": ("100",),
    },
)
