"""training-dynamics: which layers of a deep MLP actually move when it is trained.

Setup (per seed, ``seeds`` networks batched): a fixed training set of ``batch`` inputs
x ~ N(0, 1) of dimension ``inputs`` and targets from a random teacher,
y = tanh(2 x V) u with V ~ N(0, 1/inputs) of 8 columns and u ~ N(0, 1/8), standardized
to mean 0 and variance 1. The student is an MLP of ``depth`` hidden layers of ``width``
units with biases (h_l = a_{l-1} W_l + b_l, optional batch norm, a_l = phi(h_l), optional
residual connection) and a linear readout, trained full-batch on the MSE loss for
``steps`` updates of SGD or Adam, with optional gradient clipping.

The symptom of vanishing gradients is measured as the relative weight change of each
hidden layer, ||W_l(end) - W_l(start)|| / ||W_l(start)||, and ``change_ratio``, the median
over seeds of that change for the first hidden layer divided by that of the last.

Two counterfactuals rerun the same networks on the same data: with 10x the learning
rate, and for 10x as many steps (what hardware 10x as fast buys in the same time).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Self

import numpy as np
from numpy.typing import NDArray
from pydantic import Field, model_validator

from simulations.base import Claim, Experiment, Params, Result
from simulations.nn import make_rng
from simulations.nn.activations import ActivationName
from simulations.nn.init import DESCRIPTIONS, InitName
from simulations.nn.losses import mse
from simulations.nn.mlp import MLP, build_mlp, seed_norms
from simulations.nn.optim import SGD, Adam, clip_by_global_norm, clip_by_value

Array = NDArray[np.float64]

TEACHER_UNITS = 8
FACTOR = 10
"""The counterfactuals use FACTOR x the learning rate and FACTOR x the steps."""
STALL_BELOW = 0.01
LEARN_AT_LEAST = 0.1

# Budgets. A run makes (FACTOR + 1) * steps training steps (the 10x-steps run and the
# 10x-lr run); each walks 2 * depth layers in Python (~0.1 ms apiece at small sizes) and
# does ~6 * seeds * batch * width^2 flops per layer.
MAX_LAYER_STEPS = 6_000  # depth * steps: the default is 2,000
MAX_MATMUL_WORK = 2_000_000_000  # seeds * batch * width^2 * depth * steps: default 5.2e8
MAX_WEIGHT_ENTRIES = 4_000_000  # seeds * width^2 * depth, ~6 copies (Adam, start weights)


class TrainingDynamicsParams(Params):
    """Parameters of training-dynamics; every default is the documented setup."""

    depth: int = Field(20, ge=2, le=60, description="hidden layers")
    width: int = Field(32, ge=2, le=256, description="units per hidden layer")
    inputs: int = Field(16, ge=1, le=256, description="input dimension")
    batch: int = Field(32, ge=2, le=512, description="training examples (full-batch training)")
    seeds: int = Field(8, ge=1, le=32, description="independent networks; summaries are medians")
    activation: ActivationName = Field("sigmoid", description="hidden-layer nonlinearity")
    init: InitName = Field("xavier", description="weight initializer, hidden layers and readout")
    batchnorm: bool = Field(False, description="batch norm (batch statistics) before phi")
    residual: bool = Field(False, description="a_l = a_{l-1} + phi(h_l) (not on the first layer)")
    optimizer: Literal["sgd", "adam"] = Field("sgd", description="sgd, or adam (betas 0.9, 0.999)")
    lr: float = Field(0.003, gt=0, le=10, description="learning rate")
    clip: Literal["none", "norm", "value"] = Field(
        "none", description="clip gradients by global norm (per network) or by value"
    )
    clip_threshold: float = Field(
        1.0, gt=0, le=1e6, description="the global-norm cap or the value cap when clip is on"
    )
    steps: int = Field(100, ge=1, le=3000, description="training steps (full-batch updates)")
    counterfactuals: bool = Field(
        True,
        description="also rerun with 10x the learning rate and for 10x the steps (11x the work);"
        " false for a plain training run, e.g. a remedy judged against its baseline",
    )

    @model_validator(mode="after")
    def _bounded(self) -> Self:
        layer_steps = self.depth * self.steps
        if layer_steps > MAX_LAYER_STEPS:
            raise ValueError(
                f"depth*steps = {layer_steps:,} exceeds the limit {MAX_LAYER_STEPS:,} (run time)"
            )
        weights = self.seeds * self.width * self.width * self.depth
        if weights > MAX_WEIGHT_ENTRIES:
            raise ValueError(
                f"seeds*width*width*depth = {weights:,} exceeds the limit "
                f"{MAX_WEIGHT_ENTRIES:,} (memory)"
            )
        work = weights * self.batch * self.steps
        if work > MAX_MATMUL_WORK:
            raise ValueError(
                f"seeds*batch*width*width*depth*steps = {work:,} exceeds the limit "
                f"{MAX_MATMUL_WORK:,} (run time)"
            )
        return self


@dataclass(frozen=True)
class Trace:
    """What one training run recorded."""

    changes: dict[int, Array]
    """step -> (S, depth) relative weight change of every hidden layer after that step."""
    losses: Array
    """(steps + 1, S): the loss before each update, then after the last."""


def teacher_data(
    rng: np.random.Generator, seeds: int, batch: int, inputs: int
) -> tuple[Array, Array]:
    """Inputs (S, B, inputs) ~ N(0, 1) and standardized targets (S, B, 1) of a tanh teacher."""
    x = rng.standard_normal((seeds, batch, inputs))
    v = rng.standard_normal((seeds, inputs, TEACHER_UNITS)) / np.sqrt(inputs)
    u = rng.standard_normal((seeds, TEACHER_UNITS, 1)) / np.sqrt(TEACHER_UNITS)
    y = np.tanh(2.0 * (x @ v)) @ u
    y = (y - y.mean(axis=1, keepdims=True)) / y.std(axis=1, keepdims=True)
    return x, y


def teacher_task(
    seed: int,
    *,
    seeds: int,
    batch: int,
    inputs: int,
    width: int,
    depth: int,
    activation: str,
    init: str,
    batchnorm: bool = False,
    residual: bool = False,
) -> tuple[MLP, Array, Array]:
    """Teacher data and untrained MLPs with biases, drawn in a fixed order (the data, then
    the weights): every call with the same arguments agrees, so reruns start identically."""
    rng = make_rng(seed)
    x, y = teacher_data(rng, seeds, batch, inputs)
    net = build_mlp(
        rng,
        seeds=seeds,
        n_in=inputs,
        width=width,
        depth=depth,
        activation=activation,
        init=init,
        batchnorm=batchnorm,
        residual=residual,
        bias=True,
    )
    return net, x, y


def build_task(p: TrainingDynamicsParams, seed: int) -> tuple[MLP, Array, Array]:
    """Data and networks of a run: every call with the same seed agrees."""
    return teacher_task(
        seed,
        seeds=p.seeds,
        batch=p.batch,
        inputs=p.inputs,
        width=p.width,
        depth=p.depth,
        activation=p.activation,
        init=p.init,
        batchnorm=p.batchnorm,
        residual=p.residual,
    )


def _relative_changes(net: MLP, start: list[Array]) -> Array:
    """(S, depth): ||W_l - W_l(start)|| / ||W_l(start)|| per seed and hidden layer."""
    return np.stack(
        [
            seed_norms(layer.weight - w0) / seed_norms(w0)
            for layer, w0 in zip(net.dense, start, strict=True)
        ],
        axis=1,
    )


def train(p: TrainingDynamicsParams, seed: int, lr: float, steps: int, record: set[int]) -> Trace:
    """Train the seed's networks; record relative weight changes after the listed steps."""
    net, x, y = build_task(p, seed)
    start = [layer.weight.copy() for layer in net.dense]
    optimizer = SGD(lr) if p.optimizer == "sgd" else Adam(lr)
    losses = []
    changes: dict[int, Array] = {}
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        for step in range(1, steps + 1):
            loss, dpred = mse(net.forward(x), y)
            losses.append(loss)
            net.backward(dpred)
            grads = net.grads()
            if p.clip == "norm":
                grads, _ = clip_by_global_norm(grads, p.clip_threshold)
            elif p.clip == "value":
                grads = clip_by_value(grads, p.clip_threshold)
            optimizer.step(net.params(), grads)
            if step in record:
                changes[step] = _relative_changes(net, start)
        losses.append(mse(net.forward(x), y)[0])
    return Trace(changes, np.array(losses))


def change_ratios(changes: Array) -> Array:
    """(S,): first hidden layer's relative change over the last's.

    A first layer that did not move at all (0, also when the last did not: updates below
    float64 resolution) gives 0; a diverged network (inf/NaN weights) gives NaN.
    """
    first, last = changes[:, 0], changes[:, -1]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(first == 0, 0.0, first / last)
    return np.where(np.isfinite(ratio), ratio, np.nan)


def _factor(after: float, before: float) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.float64(after) / np.float64(before))


def _median(values: Array) -> float:
    """Median over seeds; NaN if any seed diverged (reported, never hidden)."""
    return float(np.median(values)) if np.all(np.isfinite(values)) else float("nan")


def setup_text(p: TrainingDynamicsParams, lr: float | None = None, steps: int | None = None) -> str:
    """The conditions of a run in words, for claim statements."""
    parts = [
        f"a {p.depth}-layer MLP of width {p.width} with {p.activation} activations",
        f"{p.init} init ({DESCRIPTIONS[p.init]})",
        "batch norm" if p.batchnorm else "no batch norm",
    ]
    if p.residual:
        parts.append("residual connections")
    parts.append(f"trained by {p.optimizer.upper() if p.optimizer == 'sgd' else 'Adam'}")
    parts.append(f"lr {lr if lr is not None else p.lr:g}")
    if p.clip != "none":
        parts.append(f"gradients clipped by {p.clip} at {p.clip_threshold:g}")
    parts.append(f"for {steps if steps is not None else p.steps} full-batch steps")
    parts.append(f"MSE on a {p.batch}-example teacher task, median over {p.seeds} networks")
    return ", ".join(parts)


def _divergence_note(label: str, losses: Array) -> str | None:
    bad = ~np.isfinite(losses)
    if not bad.any():
        return None
    seeds = bad.any(axis=0)
    first = int(np.argmax(bad.any(axis=1)))
    return (
        f"{label}: the loss became inf/NaN in {int(seeds.sum())} of {len(seeds)} networks, "
        f"first before update {first + 1}"
    )


def run(params: TrainingDynamicsParams, seed: int) -> Result:
    p = params
    long_steps = FACTOR * p.steps if p.counterfactuals else p.steps
    base = train(p, seed, p.lr, long_steps, record={p.steps, long_steps})
    changes = base.changes[p.steps]
    ratios = change_ratios(changes)
    losses = base.losses[: p.steps + 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        reductions = 1.0 - losses[-1] / losses[0]
    metrics = {
        "change_ratio": _median(ratios),
        "change_ratio_min": float(np.nanmin(ratios)) if np.any(np.isfinite(ratios)) else np.nan,
        "change_ratio_max": float(np.nanmax(ratios)) if np.any(np.isfinite(ratios)) else np.nan,
        "first_layer_change": _median(changes[:, 0]),
        "last_layer_change": _median(changes[:, -1]),
        "initial_loss": _median(losses[0]),
        "final_loss": _median(losses[-1]),
        "loss_reduction": _median(reductions),
        "diverged_seeds": float(np.count_nonzero(~np.isfinite(losses).all(axis=0))),
    }
    fast = None
    if p.counterfactuals:
        fast = train(p, seed, FACTOR * p.lr, p.steps, record={p.steps})
        metrics |= {
            "change_ratio_10x_lr": _median(change_ratios(fast.changes[p.steps])),
            "first_layer_change_10x_lr": _median(fast.changes[p.steps][:, 0]),
            "change_ratio_10x_steps": _median(change_ratios(base.changes[long_steps])),
            "first_layer_change_10x_steps": _median(base.changes[long_steps][:, 0]),
        }
    series = {
        "relative_weight_change": [_median(column) for column in changes.T],
        "loss": [_median(row) for row in losses],
    }
    notes = [
        note
        for note in (
            _divergence_note("training", losses),
            _divergence_note(f"with {FACTOR}x the learning rate", fast.losses) if fast else None,
            _divergence_note(f"over {FACTOR}x the steps", base.losses[p.steps :]) if fast else None,
        )
        if note
    ]
    return Result(
        simulation="training-dynamics",
        params=p.model_dump(),
        seed=seed,
        metrics=metrics,
        series=series,
        claims=_claims(p, metrics),
        notes=notes,
    )


RATIO_TEXT = (
    "change_ratio = (relative weight change of the first hidden layer) / "
    "(that of the last hidden layer)"
)


def _claims(p: TrainingDynamicsParams, m: dict[str, float]) -> list[Claim]:
    ratio = m["change_ratio"]
    where = setup_text(p)
    evidence = {
        "change_ratio": ratio,
        "change_ratio_min": m["change_ratio_min"],
        "change_ratio_max": m["change_ratio_max"],
        "first_layer_change": m["first_layer_change"],
        "last_layer_change": m["last_layer_change"],
    }
    claims = [
        Claim(
            id="early-layers-stall",
            statement=(
                f"For {where}, the early layers barely move while the late ones train: "
                f"{RATIO_TEXT} < {STALL_BELOW:g}."
            ),
            holds=bool(ratio < STALL_BELOW),
            evidence={**evidence, "threshold": STALL_BELOW},
        ),
        Claim(
            id="early-layers-learn",
            statement=(
                f"For {where}, the first hidden layer moves at least a tenth as much as the "
                f"last: {RATIO_TEXT} >= {LEARN_AT_LEAST:g}."
            ),
            holds=bool(ratio >= LEARN_AT_LEAST),
            evidence={**evidence, "threshold": LEARN_AT_LEAST},
        ),
    ]
    if not p.counterfactuals:
        return claims
    return [
        *claims,
        _rerun_claim(
            "higher-lr-helps-early-layers",
            f"Rerunning {setup_text(p, lr=FACTOR * p.lr)} (the same networks and data with "
            f"{FACTOR}x the learning rate)",
            m,
            "10x_lr",
        ),
        _rerun_claim(
            "more-steps-help-early-layers",
            f"Training {setup_text(p, steps=FACTOR * p.steps)} ({FACTOR}x the steps, what "
            f"{FACTOR}x faster hardware buys in the same time)",
            m,
            "10x_steps",
        ),
    ]


def _rerun_claim(claim_id: str, rerun: str, m: dict[str, float], suffix: str) -> Claim:
    """The counterfactual ``rerun`` (in words; its metrics end in ``suffix``) gets the
    early layers learning: its change_ratio is at least LEARN_AT_LEAST."""
    ratio, rerun_ratio = m["change_ratio"], m[f"change_ratio_{suffix}"]
    return Claim(
        id=claim_id,
        statement=(
            f"{rerun} gets the early layers learning: change_ratio >= {LEARN_AT_LEAST:g}, "
            f"where {RATIO_TEXT}."
        ),
        holds=bool(rerun_ratio >= LEARN_AT_LEAST),
        evidence={
            "change_ratio": ratio,
            f"change_ratio_{suffix}": rerun_ratio,
            f"first_layer_change_{suffix}": m[f"first_layer_change_{suffix}"],
            "factor": _factor(rerun_ratio, ratio),
            "threshold": LEARN_AT_LEAST,
        },
    )


EXPERIMENT = Experiment(
    name="training-dynamics",
    summary="train a deep MLP; per-layer relative weight change and the loss curve",
    params=TrainingDynamicsParams,
    run=run,
    claims={
        "early-layers-stall": f"change_ratio < {STALL_BELOW:g}",
        "early-layers-learn": f"change_ratio >= {LEARN_AT_LEAST:g}",
        "higher-lr-helps-early-layers": (
            f"with {FACTOR}x the learning rate, change_ratio >= {LEARN_AT_LEAST:g}"
        ),
        "more-steps-help-early-layers": (
            f"with {FACTOR}x the steps, change_ratio >= {LEARN_AT_LEAST:g}"
        ),
    },
    metrics={
        "change_ratio": "median over seeds of first / last hidden layer relative weight change",
        "change_ratio_min": "smallest per-seed change ratio",
        "change_ratio_max": "largest per-seed change ratio",
        "first_layer_change": "median ||W_1 - W_1(start)|| / ||W_1(start)||",
        "last_layer_change": "median ||W_L - W_L(start)|| / ||W_L(start)||",
        "initial_loss": "median MSE before training",
        "final_loss": "the median training loss (MSE) after the last step",
        "loss_reduction": "the median fraction of the initial training loss removed by the "
        "training steps, 1 - final/initial",
        "change_ratio_10x_lr": f"change_ratio when rerun with {FACTOR}x the learning rate",
        "first_layer_change_10x_lr": f"first_layer_change with {FACTOR}x the learning rate",
        "change_ratio_10x_steps": f"change_ratio after {FACTOR}x the steps",
        "first_layer_change_10x_steps": f"first_layer_change after {FACTOR}x the steps",
        "diverged_seeds": "networks whose loss became inf or NaN",
    },
    main_series=("relative_weight_change",),
    log_scale=True,
    comparison={"activation": "relu", "init": "he"},
    conditions={
        "depth": ("10", "20", "30"),
        "width": ("16", "32", "48"),
        "batch": ("16", "32", "64"),
        "inputs": ("8", "16", "32"),
        # the scenario: held at the default unless a link names it
        "seeds": ("8",),
        "activation": ("sigmoid",),
        "init": ("xavier",),
        "batchnorm": ("false",),
        "residual": ("false",),
        "optimizer": ("sgd",),
        "lr": ("0.003",),
        "clip": ("none",),
        "clip_threshold": ("1",),
        "steps": ("100",),
        "counterfactuals": ("true",),
    },
)
