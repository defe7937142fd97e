"""dead-relu: how many hidden units a large learning rate kills for good.

Setup (per seed, ``seeds`` networks batched): the teacher task of training-dynamics
(``batch`` inputs x ~ N(0, 1) of dimension ``inputs``, standardized targets of a random
tanh teacher), an MLP of ``depth`` hidden layers of ``width`` units with biases
(h = a W + b, a = phi(h)) and a linear readout, He-initialized by default, trained
full-batch on the MSE loss for ``steps`` updates.

A hidden unit is **dead** when its output is exactly 0 on every training input: then
its derivative is 0 on every input too, no gradient reaches its weights, and no later
update can revive it. ``dead_fraction`` is the fraction of all hidden units (every layer)
that are dead after training, the median over seeds. A leaky ReLU outputs 0.01 h < 0 for
h < 0, so it is never dead in this sense; ``inactive_fraction`` counts the units whose
pre-activation is <= 0 on every input (for ReLU the same units; for leaky ReLU units that
sit on the small slope but still get gradient).

The same networks are also trained at ``baseline_lr`` (default 0.001, Adam's usual
rate), so the effect of the large rate is measured against an ordinary one.
"""

from __future__ import annotations

from typing import Literal, Self

import numpy as np
from numpy.typing import NDArray
from pydantic import Field, model_validator

from simulations.base import Claim, Experiment, Params, Result
from simulations.nn.activations import ActivationName
from simulations.nn.init import DESCRIPTIONS, InitName
from simulations.nn.losses import mse
from simulations.nn.mlp import MLP
from simulations.nn.optim import SGD, Adam
from simulations.training_dynamics import teacher_task

Array = NDArray[np.float64]

MANY_DEAD = 0.1
NO_DEAD = 0.01
LR_EFFECT = 0.1
"""large-lr-kills-units: the large rate kills at least this much more of the units."""

# Budgets: two training runs of ``steps`` full-batch updates. Work per update is about
# 6 * seeds * batch * width^2 * depth flops; Python walks 2 * depth layers per update.
MAX_MATMUL_WORK = 5_000_000_000  # seeds*batch*width^2*depth*steps: the default is 1.7e9
MAX_LAYER_STEPS = 8_000  # depth * steps: the default is 400
MAX_ACTIVATION_ENTRIES = 20_000_000  # seeds*batch*width*depth (memory)


class DeadReluParams(Params):
    """Parameters of dead-relu; every default is the documented setup."""

    activation: ActivationName = Field("relu", description="hidden-layer nonlinearity")
    init: InitName = Field("he", description="weight initializer (biases start at 0)")
    depth: int = Field(4, ge=1, le=20, description="hidden layers")
    width: int = Field(64, ge=2, le=512, description="units per hidden layer")
    inputs: int = Field(16, ge=1, le=256, description="input dimension")
    batch: int = Field(128, ge=2, le=1024, description="training examples (full batch)")
    seeds: int = Field(8, ge=1, le=32, description="independent networks; summaries are medians")
    optimizer: Literal["adam", "sgd"] = Field("adam", description="adam (betas 0.9, 0.999) or sgd")
    lr: float = Field(0.03, gt=0, le=10, description="the large learning rate")
    baseline_lr: float = Field(0.001, gt=0, le=10, description="an ordinary rate to compare")
    steps: int = Field(100, ge=1, le=2000, description="training steps (full-batch updates)")

    @model_validator(mode="after")
    def _bounded(self) -> Self:
        activations = self.seeds * self.batch * self.width * self.depth
        if activations > MAX_ACTIVATION_ENTRIES:
            raise ValueError(
                f"seeds*batch*width*depth = {activations:,} exceeds the limit "
                f"{MAX_ACTIVATION_ENTRIES:,} (memory)"
            )
        work = activations * self.width * self.steps
        if work > MAX_MATMUL_WORK:
            raise ValueError(
                f"seeds*batch*width*width*depth*steps = {work:,} exceeds the limit "
                f"{MAX_MATMUL_WORK:,} (run time)"
            )
        layer_steps = self.depth * self.steps
        if layer_steps > MAX_LAYER_STEPS:
            raise ValueError(
                f"depth*steps = {layer_steps:,} exceeds the limit {MAX_LAYER_STEPS:,} (run time)"
            )
        return self


def unit_states(net: MLP, x: Array) -> tuple[Array, Array, Array]:
    """Per seed and hidden layer (S, depth): the fraction of units dead on every input and
    the fraction inactive on every input; and per seed (S,) whether the outputs are all
    finite (a diverged network has NaN units, not dead ones)."""
    with np.errstate(over="ignore", invalid="ignore"):
        out = net.forward(x)
        dead, inactive = [], []
        for layer in net.activations:
            h = layer.last_input
            assert h is not None
            dead.append(np.mean(np.all(layer.activation.value(h) == 0, axis=1), axis=1))
            inactive.append(np.mean(np.all(h <= 0, axis=1), axis=1))
    return np.stack(dead, axis=1), np.stack(inactive, axis=1), np.all(np.isfinite(out), (1, 2))


def build(p: DeadReluParams, seed: int) -> tuple[MLP, Array, Array]:
    """Data and untrained networks: the same seed, the same start."""
    return teacher_task(
        seed,
        seeds=p.seeds,
        batch=p.batch,
        inputs=p.inputs,
        width=p.width,
        depth=p.depth,
        activation=p.activation,
        init=p.init,
    )


def train(p: DeadReluParams, net: MLP, x: Array, y: Array, lr: float) -> Array:
    """Train the networks in place at ``lr``; returns the final loss per seed (S,)."""
    optimizer = SGD(lr) if p.optimizer == "sgd" else Adam(lr)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        for _ in range(p.steps):
            _, dpred = mse(net.forward(x), y)
            net.backward(dpred)
            optimizer.step(net.params(), net.grads())
        return mse(net.forward(x), y)[0]


def _median(values: Array, finite: Array) -> float:
    """Median over seeds; NaN if any seed diverged (reported, never hidden)."""
    return float(np.median(values)) if np.all(finite) else float("nan")


def run(params: DeadReluParams, seed: int) -> Result:
    p = params
    net, x, y = build(p, seed)
    dead_init = unit_states(net, x)[0].mean(axis=1)
    loss = train(p, net, x, y, p.lr)
    dead_layers, inactive_layers, finite = unit_states(net, x)
    finite &= np.isfinite(loss)
    # Every layer has ``width`` units, so the mean over layers is the fraction of all units.
    dead, inactive = dead_layers.mean(axis=1), inactive_layers.mean(axis=1)
    base_net, _, _ = build(p, seed)
    base_loss = train(p, base_net, x, y, p.baseline_lr)
    base_dead_layers, _, base_finite = unit_states(base_net, x)
    base_finite &= np.isfinite(base_loss)

    metrics = {
        "dead_fraction": _median(dead, finite),
        "dead_fraction_min": float(dead[finite].min()) if finite.any() else float("nan"),
        "dead_fraction_max": float(dead[finite].max()) if finite.any() else float("nan"),
        "inactive_fraction": _median(inactive, finite),
        "dead_fraction_at_init": float(np.median(dead_init)),
        "dead_fraction_baseline_lr": _median(base_dead_layers.mean(axis=1), base_finite),
        "final_loss": _median(loss, finite),
        "final_loss_baseline_lr": _median(base_loss, base_finite),
        "diverged_seeds": float(np.count_nonzero(~finite)),
    }
    series = {
        "dead_fraction_per_layer": [_median(column, finite) for column in dead_layers.T],
        "dead_fraction_per_layer_baseline_lr": [
            _median(column, base_finite) for column in base_dead_layers.T
        ],
    }
    notes = []
    if not finite.all():
        notes.append(
            f"training at lr {p.lr:g} diverged (inf/NaN) in {int((~finite).sum())} "
            f"of {p.seeds} networks"
        )
    if not base_finite.all():
        notes.append(
            f"training at the baseline lr {p.baseline_lr:g} diverged (inf/NaN) in "
            f"{int((~base_finite).sum())} of {p.seeds} networks"
        )
    return Result(
        simulation="dead-relu",
        params=p.model_dump(),
        seed=seed,
        metrics=metrics,
        series=series,
        claims=_claims(p, metrics),
        notes=notes,
    )


def setup_text(p: DeadReluParams, lr: float | None = None) -> str:
    optimizer = "Adam" if p.optimizer == "adam" else "SGD"
    return (
        f"a {p.depth}-hidden-layer MLP of width {p.width} with {p.activation} activations, "
        f"{p.init} init ({DESCRIPTIONS[p.init]}), biases starting at 0, trained by {optimizer} at "
        f"lr {lr if lr is not None else p.lr:g} for {p.steps} full-batch steps on MSE "
        f"({p.batch}-example teacher task), median over {p.seeds} networks"
    )


def _claims(p: DeadReluParams, m: dict[str, float]) -> list[Claim]:
    dead = m["dead_fraction"]
    where = setup_text(p)
    dead_text = (
        "the fraction of hidden units whose output is 0 on every training input (they pass "
        "no gradient, so they can never recover)"
    )
    evidence = {
        "dead_fraction": dead,
        "dead_fraction_min": m["dead_fraction_min"],
        "dead_fraction_max": m["dead_fraction_max"],
        "inactive_fraction": m["inactive_fraction"],
        "dead_fraction_at_init": m["dead_fraction_at_init"],
        "diverged_seeds": m["diverged_seeds"],
    }
    increase = dead - m["dead_fraction_baseline_lr"]
    return [
        Claim(
            id="many-dead",
            statement=f"After training {where}, {dead_text} is at least {MANY_DEAD:g}.",
            holds=bool(dead >= MANY_DEAD),
            evidence={**evidence, "threshold": MANY_DEAD},
        ),
        Claim(
            id="no-dead",
            statement=f"After training {where}, {dead_text} is below {NO_DEAD:g}.",
            holds=bool(dead < NO_DEAD),
            evidence={**evidence, "threshold": NO_DEAD},
        ),
        Claim(
            id="large-lr-kills-units",
            statement=(
                f"Training {where} leaves a dead fraction ({dead_text}) at least "
                f"{LR_EFFECT:g} higher than training the same networks at lr "
                f"{p.baseline_lr:g}."
            ),
            holds=bool(increase >= LR_EFFECT),
            evidence={
                "dead_fraction": dead,
                "dead_fraction_baseline_lr": m["dead_fraction_baseline_lr"],
                "increase": increase,
                "threshold": LR_EFFECT,
            },
        ),
    ]


EXPERIMENT = Experiment(
    name="dead-relu",
    summary="fraction of hidden units dead (output 0 on every input) after a large lr",
    params=DeadReluParams,
    run=run,
    claims={
        "many-dead": f"dead_fraction >= {MANY_DEAD:g}",
        "no-dead": f"dead_fraction < {NO_DEAD:g}",
        "large-lr-kills-units": f"dead_fraction - dead_fraction_baseline_lr >= {LR_EFFECT:g}",
    },
    metrics={
        "dead_fraction": "median over seeds of the fraction of hidden units dead after training",
        "dead_fraction_min": "smallest per-seed dead fraction (networks that did not diverge)",
        "dead_fraction_max": "largest per-seed dead fraction (networks that did not diverge)",
        "inactive_fraction": "median fraction of units with pre-activation <= 0 on every input",
        "dead_fraction_at_init": "median dead fraction before training",
        "dead_fraction_baseline_lr": "median dead fraction after training at baseline_lr",
        "final_loss": "median MSE after training at lr",
        "final_loss_baseline_lr": "median MSE after training at baseline_lr",
        "diverged_seeds": "networks whose outputs or loss became inf or NaN at lr",
    },
    main_series=("dead_fraction_per_layer",),
    log_scale=False,
    comparison={"activation": "relu", "init": "he"},
    conditions={
        "depth": ("2", "4", "8"),
        "width": ("32", "64", "96"),
        "inputs": ("8", "16", "32"),
        "batch": ("64", "128", "256"),
        # the scenario: held at the default unless a link names it
        "activation": ("relu",),
        "init": ("he",),
        "seeds": ("8",),
        "optimizer": ("adam",),
        "lr": ("0.03",),
        "baseline_lr": ("0.001",),
        "steps": ("100",),
    },
)
