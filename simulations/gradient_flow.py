"""gradient-flow: per-layer gradient norms of a deep MLP at initialization.

Setup (fixed, so that results compare across runs): inputs ~ N(0, 1) of dimension
``width``; ``depth`` hidden layers h_l = a_{l-1} W_l without biases, optional batch norm
on h_l, a_l = phi(h_l) (or a_{l-1} + phi(h_l) with residual connections); a linear readout
to one output, initialized like the hidden layers; loss MSE against targets ~ N(0, 1) or
(``loss=sum``) the mean of the outputs. One forward and one backward pass per network,
``seeds`` independent networks batched together, every summary the median over them.

Four per-layer quantities, each also reported as a first/last ratio (median over networks):

- ``activation_grad_norm`` = ||dL/da_l||, the backpropagated signal (ratio ``grad_ratio``);
- ``weight_grad_norm`` = ||dL/dW_l|| = ||a_{l-1}^T dL/dh_l||, the weight gradient
  (``weight_grad_ratio``);
- ``activation_rms`` = sqrt(mean(a_l^2)), the forward signal (``forward_ratio``);
- ``relative_update`` = ||dL/dW_l|| / ||W_l||, how far one gradient step moves the layer
  relative to its size (``update_ratio``).

They can disagree: with too-small weights the activations shrink forward while the signal
shrinks backward, so the weight gradients can stay level while the backpropagated signal
vanishes. The named claims (vanishes, explodes, stable, no-vanishing) use the backpropagated
signal and say so; a claim written as a metric expression names its quantity itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Literal, TypeVar

import numpy as np
from numpy.typing import DTypeLike, NDArray
from pydantic import Field, model_validator

from simulations.bands import (
    EXPLODE_ABOVE,
    KEPT_HIGH,
    KEPT_LOW,
    VANISH_BELOW,
    explodes_claim,
    kept_claim,
    vanishes_claim,
)
from simulations.base import Claim, Experiment, Params, Result
from simulations.nn import make_rng
from simulations.nn.activations import ActivationName
from simulations.nn.init import DESCRIPTIONS, InitName
from simulations.nn.losses import mean_output, mse
from simulations.nn.mlp import MLP, build_mlp, seed_norms
from simulations.nn.parallel import in_seed_groups

R = TypeVar("R")

# Work and memory budgets: one run touches about depth*seeds*batch*width activation
# entries (several cached per layer) and does about 6*depth*seeds*batch*width^2 flops.
MAX_ACTIVATION_ENTRIES = 40_000_000  # ~1 GB of float64 caches at most
MAX_WEIGHT_ENTRIES = 40_000_000
MAX_MATMUL_WORK = 12_000_000_000  # depth*seeds*batch*width^2: 3x the default, ~2 s

SATURATION_DERIVATIVE = 0.01
"""A pre-activation counts as saturated where phi'(h) is below this."""


class GradientFlowParams(Params):
    """Limits: depth*seeds*batch*width <= 40,000,000 and depth*seeds*width*width <=
    40,000,000 (memory); depth*seeds*batch*width*width <= 12,000,000,000 (run time)."""

    depth: int = Field(30, ge=2, le=500, description="hidden layers")
    width: int = Field(128, ge=2, le=2048, description="units per hidden layer (and inputs)")
    batch: int = Field(128, ge=2, le=4096, description="examples per batch")
    seeds: int = Field(8, ge=1, le=64, description="independent networks; summaries are medians")
    activation: ActivationName = Field("sigmoid", description="hidden-layer nonlinearity")
    init: InitName = Field("xavier", description="weight initializer, hidden layers and readout")
    batchnorm: bool = Field(False, description="batch norm (batch statistics) before phi")
    residual: bool = Field(False, description="a_l = a_{l-1} + phi(h_l)")
    loss: Literal["mse", "sum"] = Field(
        "mse", description="mse against N(0,1) targets, or sum: the mean of the outputs"
    )
    dtype: Literal["float64", "float32"] = Field("float64", description="floating-point type")

    @model_validator(mode="after")
    def _bounded(self) -> GradientFlowParams:
        activations = self.depth * self.seeds * self.batch * self.width
        if activations > MAX_ACTIVATION_ENTRIES:
            raise ValueError(
                f"depth*seeds*batch*width = {activations:,} exceeds the limit "
                f"{MAX_ACTIVATION_ENTRIES:,} (memory)"
            )
        weights = self.depth * self.seeds * self.width * self.width
        if weights > MAX_WEIGHT_ENTRIES:
            raise ValueError(
                f"depth*seeds*width*width = {weights:,} exceeds the limit "
                f"{MAX_WEIGHT_ENTRIES:,} (memory)"
            )
        work = activations * self.width
        if work > MAX_MATMUL_WORK:
            raise ValueError(
                f"depth*seeds*batch*width*width = {work:,} exceeds the limit "
                f"{MAX_MATMUL_WORK:,} (run time)"
            )
        return self


def setup_text(p: GradientFlowParams) -> str:
    """The conditions of a run in words, for claim statements."""
    parts = [
        f"{p.activation} activations",
        f"{p.init} init ({DESCRIPTIONS[p.init]})",
        "batch norm before each activation" if p.batchnorm else "no batch norm",
        "residual connections" if p.residual else "no residual connections",
        f"depth {p.depth}, width {p.width}, batch {p.batch}",
        "MSE loss against N(0,1) targets" if p.loss == "mse" else "loss = mean of the outputs",
    ]
    if p.dtype != "float64":
        parts.append(p.dtype)
    return ", ".join(parts) + ", at initialization"


def seed_ratios(first: NDArray[np.float64], last: NDArray[np.float64]) -> NDArray[np.float64]:
    """first/last per seed; a non-finite gradient counts as an infinite (exploded) ratio
    and 0/0 (no gradient anywhere) as a vanished one."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = first / last
    exploded = ~np.isfinite(first) | ~np.isfinite(last)
    ratio = np.where(exploded, np.inf, ratio)
    return np.where(np.isnan(ratio), 0.0, ratio)


def saturated_fractions(mlp: MLP) -> NDArray[np.float64]:
    """(S,): per network, the fraction of hidden pre-activations with phi'(h) below 0.01."""
    counts = np.zeros(mlp.dense[0].weight.shape[0])
    total = 0
    for layer in mlp.activations:
        h = layer.last_input
        assert h is not None
        with np.errstate(invalid="ignore", over="ignore"):
            small = layer.activation.derivative(h) < SATURATION_DERIVATIVE
        counts += small.sum(axis=(1, 2))
        total += h.shape[1] * h.shape[2]
    return counts / total


def forward_overflows(mlp: MLP) -> NDArray[np.bool_]:
    """(S, depth): per network, whether each hidden layer's pre-activations hold inf/NaN."""
    bad = []
    for layer in mlp.activations:
        assert layer.last_input is not None
        bad.append(~np.isfinite(layer.last_input).all(axis=(1, 2)))
    return np.stack(bad, axis=1)


def forward_overflow_note(bad: NDArray[np.bool_]) -> str | None:
    """The first hidden layer whose pre-activations overflowed (inf/NaN), in words, or None;
    ``bad`` is :func:`forward_overflows`'s (S, depth) array."""
    seeds_bad = bad.any(axis=1)
    if not seeds_bad.any():
        return None
    first = min(int(np.flatnonzero(row)[0]) for row in bad[seeds_bad])
    return (
        f"activations overflowed (inf/NaN) in the forward pass in {int(seeds_bad.sum())} of "
        f"{len(seeds_bad)} networks, first at hidden layer {first + 1}"
    )


def overflow_note(act_norms: NDArray[np.float64], w_norms: NDArray[np.float64]) -> str | None:
    """Where gradients first became inf/NaN going backward, in words, or None."""
    bad = ~np.isfinite(act_norms) | ~np.isfinite(w_norms)
    seeds_bad = bad.any(axis=1)
    if not seeds_bad.any():
        return None
    # Backward runs from the last layer to the first: the first overflow is the highest index.
    deepest = max(int(np.flatnonzero(row)[-1]) for row in bad[seeds_bad])
    return (
        f"gradients overflowed (inf/NaN) in {int(seeds_bad.sum())} of {len(seeds_bad)} "
        f"networks, first at hidden layer {deepest + 1} (counting from the input)"
    )


def forward_rms(mlp: MLP) -> NDArray[np.float64]:
    """(S, depth): per network, the RMS of each hidden layer's output a_l over batch and units.

    a_l is what the next layer (or the readout) received as input in the forward pass.
    """
    outputs = [layer.last_input for layer in [*mlp.dense[1:], mlp.readout]]
    rms = []
    for a in outputs:
        assert a is not None
        rms.append(seed_norms(a) / np.sqrt(a.shape[1] * a.shape[2]))
    return np.stack(rms, axis=1)


def relative_updates(mlp: MLP, w_norms: NDArray[np.float64]) -> NDArray[np.float64]:
    """(S, depth): ||dL/dW_l|| / ||W_l|| per network and hidden layer."""
    sizes = np.stack([seed_norms(layer.weight) for layer in mlp.dense], axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return w_norms / sizes


def grad_decades(ratio: float) -> float:
    """|log10(ratio)|: how many orders of magnitude the first layer is off the last, either
    way (inf when the ratio is 0 or inf)."""
    with np.errstate(divide="ignore"):
        return float(abs(np.log10(ratio))) if ratio == ratio else float("nan")


def build_network(
    seed: int,
    *,
    depth: int,
    width: int,
    batch: int,
    seeds: int,
    activation: str,
    init: str,
    batchnorm: bool = False,
    residual: bool = False,
    dtype: DTypeLike = np.float64,
) -> tuple[MLP, NDArray[np.floating], NDArray[np.floating]]:
    """The setup's networks (one output) and their batch: inputs and targets ~ N(0, 1).

    The weights are drawn first, then the data, from one Generator: the same arguments
    give the same networks and batch.
    """
    rng = make_rng(seed)
    mlp = build_mlp(
        rng,
        seeds=seeds,
        n_in=width,
        width=width,
        depth=depth,
        n_out=1,
        activation=activation,
        init=init,
        batchnorm=batchnorm,
        residual=residual,
        dtype=dtype,
    )
    x = rng.standard_normal((seeds, batch, width)).astype(dtype, copy=False)
    target = rng.standard_normal((seeds, batch, 1)).astype(dtype, copy=False)
    return mlp, x, target


@dataclass(frozen=True)
class Measures:
    """What one forward and backward pass shows, per network (axis 0: the seeds)."""

    loss: NDArray[np.float64]  # (S,)
    activation_grad_norms: NDArray[np.float64]  # (S, depth): ||dL/da_l||
    weight_grad_norms: NDArray[np.float64]  # (S, depth): ||dL/dW_l||
    activation_rms: NDArray[np.float64]  # (S, depth)
    relative_updates: NDArray[np.float64]  # (S, depth): ||dL/dW_l|| / ||W_l||
    saturated_fraction: NDArray[np.float64]  # (S,)
    forward_overflows: NDArray[np.bool_]  # (S, depth)

    @classmethod
    def concatenate(cls, parts: list[Measures]) -> Measures:
        """Groups of networks' measures as one, in the order given."""
        if len(parts) == 1:
            return parts[0]
        joined = {f.name: np.concatenate([getattr(m, f.name) for m in parts]) for f in fields(cls)}
        return cls(**joined)


def forward_backward(
    mlp: MLP, x: NDArray[np.floating], target: NDArray[np.floating], loss: str
) -> tuple[NDArray[np.floating], NDArray[np.float64], NDArray[np.float64]]:
    """One forward and backward pass: per network the loss (S,), ||dL/da_l|| and ||dL/dW_l||
    (S, depth); the MLP keeps its forward caches."""
    with np.errstate(all="ignore"):  # overflow is reported, not warned about
        out = mlp.forward(x)
        values, dout = mse(out, target) if loss == "mse" else mean_output(out)
        mlp.backward(dout)
        w_norms = mlp.weight_grad_norms()
    assert mlp.hidden_grad_norms is not None
    return values, mlp.hidden_grad_norms, w_norms


def measure(mlp: MLP, x: NDArray[np.floating], target: NDArray[np.floating], loss: str) -> Measures:
    """The four per-layer quantities and the rest of :class:`Measures` for these networks."""
    values, a_norms, w_norms = forward_backward(mlp, x, target, loss)
    return Measures(
        loss=values,
        activation_grad_norms=a_norms,
        weight_grad_norms=w_norms,
        activation_rms=forward_rms(mlp),
        relative_updates=relative_updates(mlp, w_norms),
        saturated_fraction=saturated_fractions(mlp),
        forward_overflows=forward_overflows(mlp),
    )


def in_groups(
    step: Callable[[MLP, NDArray[np.floating], NDArray[np.floating], str], R],
    mlp: MLP,
    x: NDArray[np.floating],
    target: NDArray[np.floating],
    loss: str,
) -> list[R]:
    """``step`` on groups of the networks side by side, each group's whole forward and backward
    on one thread (simulations.nn.parallel.in_seed_groups): two synchronisations per run
    instead of several per layer, each core on its own networks' data. Serial when the
    networks are small or BLAS is set to one thread (verify's workers)."""
    entries = max(x.size, mlp.dense[-1].weight.size)
    return in_seed_groups(
        lambda lo, hi: step(mlp.seed_slice(lo, hi), x[lo:hi], target[lo:hi], loss),
        x.shape[0],
        entries=entries,
    )


def run(params: GradientFlowParams, seed: int) -> Result:
    p = params
    mlp, x, target = build_network(
        seed,
        depth=p.depth,
        width=p.width,
        batch=p.batch,
        seeds=p.seeds,
        activation=p.activation,
        init=p.init,
        batchnorm=p.batchnorm,
        residual=p.residual,
        dtype=np.dtype(p.dtype),
    )
    m = Measures.concatenate(in_groups(measure, mlp, x, target, p.loss))
    loss, act_norms, w_norms = m.loss, m.activation_grad_norms, m.weight_grad_norms
    saturation, rms, updates = m.saturated_fraction, m.activation_rms, m.relative_updates

    ratios = seed_ratios(act_norms[:, 0], act_norms[:, -1])
    w_ratios = seed_ratios(w_norms[:, 0], w_norms[:, -1])
    forward_ratios = seed_ratios(rms[:, 0], rms[:, -1])
    update_ratios = seed_ratios(updates[:, 0], updates[:, -1])
    grad_ratio = float(np.median(ratios))
    weight_grad_ratio = float(np.median(w_ratios))
    finite = bool(np.all(np.isfinite(act_norms)) and np.all(np.isfinite(w_norms)))
    nonfinite_seeds = int((~np.isfinite(act_norms) | ~np.isfinite(w_norms)).any(axis=1).sum())
    with np.errstate(all="ignore"):
        metrics = {
            "grad_ratio": grad_ratio,
            "weight_grad_ratio": weight_grad_ratio,
            "forward_ratio": float(np.median(forward_ratios)),
            "update_ratio": float(np.median(update_ratios)),
            "grad_decades": grad_decades(grad_ratio),
            "weight_grad_decades": grad_decades(weight_grad_ratio),
            "first_grad_norm": float(np.median(act_norms[:, 0])),
            "last_grad_norm": float(np.median(act_norms[:, -1])),
            "first_weight_grad_norm": float(np.median(w_norms[:, 0])),
            "last_weight_grad_norm": float(np.median(w_norms[:, -1])),
            "first_activation_rms": float(np.median(rms[:, 0])),
            "last_activation_rms": float(np.median(rms[:, -1])),
            "first_relative_update": float(np.median(updates[:, 0])),
            "last_relative_update": float(np.median(updates[:, -1])),
            "per_layer_factor": float(grad_ratio ** (1.0 / (p.depth - 1))),
            "saturated_fraction": float(np.median(saturation)),
            "nonfinite_seeds": float(nonfinite_seeds),
            "initial_loss": float(np.median(loss)),
        }
    series = {
        "weight_grad_norm": np.median(w_norms, axis=0).tolist(),
        "activation_grad_norm": np.median(act_norms, axis=0).tolist(),
        "activation_rms": np.median(rms, axis=0).tolist(),
        "relative_update": np.median(updates, axis=0).tolist(),
    }
    evidence = {
        "grad_ratio": grad_ratio,
        "min_seed_ratio": float(ratios.min()),
        "max_seed_ratio": float(ratios.max()),
        "nonfinite_seeds": float(nonfinite_seeds),
    }
    setup = setup_text(p)
    ratio_words = (
        f"the median over {p.seeds} networks of ||dL/da_1|| / ||dL/da_{p.depth}|| (the "
        "backpropagated gradient at the first hidden layer over that at the last)"
    )
    claims = [
        vanishes_claim(
            "vanishes",
            f"With {setup}, {ratio_words} is below {VANISH_BELOW:g}.",
            grad_ratio,
            evidence,
        ),
        explodes_claim(
            "explodes",
            f"With {setup}, {ratio_words} is above {EXPLODE_ABOVE:g}, "
            "or some network's gradients overflow to inf/NaN.",
            grad_ratio,
            finite,
            evidence,
        ),
        kept_claim(
            "stable",
            f"With {setup}, {ratio_words} lies between {KEPT_LOW:g} and {KEPT_HIGH:g} "
            "(neither vanishing nor exploding) and every gradient is finite.",
            grad_ratio,
            finite,
            evidence,
        ),
        Claim(
            id="no-vanishing",
            statement=(
                f"With {setup}, {ratio_words} is at least {KEPT_LOW:g}: the first layer "
                f"receives at least 1/{1 / KEPT_LOW:g} of the last layer's gradient."
            ),
            holds=grad_ratio >= KEPT_LOW,
            evidence={**evidence, "threshold": KEPT_LOW},
        ),
    ]
    notes = [
        note
        for note in (forward_overflow_note(m.forward_overflows), overflow_note(act_norms, w_norms))
        if note is not None
    ]
    return Result(
        simulation="gradient-flow",
        params=p.model_dump(),
        seed=seed,
        metrics=metrics,
        series=series,
        claims=claims,
        notes=notes,
    )


EXPERIMENT = Experiment(
    name="gradient-flow",
    summary="per-layer gradient norms of a deep MLP at initialization",
    params=GradientFlowParams,
    run=run,
    claims={
        "vanishes": f"first/last backpropagated gradient ratio < {VANISH_BELOW:g}",
        "explodes": f"first/last ratio > {EXPLODE_ABOVE:g}, or gradients overflow",
        "stable": f"{KEPT_LOW:g} <= first/last ratio <= {KEPT_HIGH:g}, all finite",
        "no-vanishing": f"first/last ratio >= {KEPT_LOW:g}",
    },
    metrics={
        "grad_ratio": "the first/last ratio of the backpropagated signal ||dL/da_1|| / "
        "||dL/da_L|| (median over networks)",
        "weight_grad_ratio": "the first/last ratio of the weight gradients ||dL/dW_1|| / "
        "||dL/dW_L|| (median over networks)",
        "forward_ratio": "the first/last ratio of the forward signal, the activations' RMS "
        "(median over networks)",
        "update_ratio": "the first/last ratio of the relative update ||dL/dW_l|| / ||W_l|| "
        "(median over networks)",
        "grad_decades": "how many orders of magnitude the backpropagated signal at the first "
        "layer is off that at the last, either way: |log10(grad_ratio)|",
        "weight_grad_decades": "how many orders of magnitude the first layer's weight gradient "
        "is off the last layer's, either way: |log10(weight_grad_ratio)|",
        "first_grad_norm": "the backpropagated signal ||dL/da_1|| at the first hidden layer "
        "(median)",
        "last_grad_norm": "the backpropagated signal ||dL/da_L|| at the last hidden layer (median)",
        "first_weight_grad_norm": "the first hidden layer's weight gradient ||dL/dW_1|| (median)",
        "last_weight_grad_norm": "the last hidden layer's weight gradient ||dL/dW_L|| (median)",
        "first_activation_rms": "the RMS of the first hidden layer's activations (median)",
        "last_activation_rms": "the RMS of the last hidden layer's activations (median)",
        "first_relative_update": "||dL/dW_1|| / ||W_1||, the first layer's relative update "
        "(median)",
        "last_relative_update": "||dL/dW_L|| / ||W_L||, the last layer's relative update (median)",
        "per_layer_factor": "grad_ratio ** (1/(depth-1)): the mean shrink/growth per layer",
        "saturated_fraction": f"median fraction of pre-activations with phi'(h) < "
        f"{SATURATION_DERIVATIVE:g}",
        "nonfinite_seeds": "networks whose gradients overflowed to inf/NaN",
        "initial_loss": "median loss at initialization",
    },
    main_series=("activation_grad_norm", "weight_grad_norm"),
    log_scale=True,
    comparison={"activation": "relu", "init": "he"},
    conditions={
        "depth": ("10", "20", "30", "50"),
        "width": ("64", "128", "256"),
        "batch": ("64", "128", "256"),
        "loss": ("mse", "sum"),
        # the scenario: held at the default unless a link names it
        "seeds": ("8",),
        "activation": ("sigmoid",),
        "init": ("xavier",),
        "batchnorm": ("false",),
        "residual": ("false",),
        "dtype": ("float64",),
    },
)
