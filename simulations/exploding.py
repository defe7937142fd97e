"""exploding: gradients that grow with depth under large initialization, and what clipping does.

Setup: the gradient-flow network (inputs ~ N(0, 1) of dimension ``width``, no biases, a
linear readout initialized like the hidden layers, MSE against N(0, 1) targets), by
default ReLU with N(0, 1) weights. At initialization the backpropagated gradient grows by
about sqrt(width/2) per layer. Then the same batch is trained for ``steps`` steps of plain
gradient descent twice from the same initial weights: without clipping, and with the
gradient clipped to global norm ``clip`` (per network, over all its parameters) before
each step. Finally a vanishing network (sigmoid, Xavier weights, same shape) shows what
clipping does to a gradient that is already small.

The growth is measured on the backpropagated signal ||dL/da_l||: the weight gradients
dL/dW_l = a_{l-1}^T dL/dh_l stay level across layers here (the activations grow forward
as fast as the signal grows backward), yet all of them are astronomically large.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from pydantic import Field, model_validator

from simulations.bands import EXPLODE_ABOVE
from simulations.base import Claim, Experiment, Params, Result
from simulations.gradient_flow import build_network, seed_ratios
from simulations.nn.activations import ActivationName
from simulations.nn.init import DESCRIPTIONS, InitName
from simulations.nn.losses import mse
from simulations.nn.mlp import MLP, seed_norms
from simulations.nn.optim import SGD, clip_by_global_norm, global_norm

MAX_ACTIVATION_ENTRIES = 20_000_000
MAX_MATMUL_WORK = 6_000_000_000
"""(2*steps + 2) * depth*seeds*batch*width^2: forward and backward passes of all runs."""

RESTORE_FACTOR = 10.0
TOLERANCE = 1e-9
"""Relative slack for "norm <= lr*clip" and "cosine = 1" under float64 rounding."""


class ExplodingParams(Params):
    """Limits: depth*seeds*batch*width <= 20,000,000 (memory);
    (2*steps+2)*depth*seeds*batch*width*width <= 6,000,000,000 (run time)."""

    depth: int = Field(30, ge=2, le=200, description="hidden layers")
    width: int = Field(128, ge=2, le=1024, description="units per hidden layer (and inputs)")
    batch: int = Field(64, ge=1, le=2048, description="examples in the (fixed) batch")
    seeds: int = Field(8, ge=1, le=64, description="independent networks; summaries are medians")
    activation: ActivationName = Field("relu", description="nonlinearity of the exploding net")
    init: InitName = Field("large", description="initializer of the exploding net")
    clip: float = Field(1.0, gt=0, le=1e6, description="global-norm clipping threshold c")
    lr: float = Field(0.01, gt=0, le=10.0, description="gradient-descent learning rate")
    steps: int = Field(3, ge=1, le=50, description="gradient-descent steps, with and without clip")

    @model_validator(mode="after")
    def _bounded(self) -> ExplodingParams:
        activations = self.depth * self.seeds * self.batch * self.width
        if activations > MAX_ACTIVATION_ENTRIES:
            raise ValueError(
                f"depth*seeds*batch*width = {activations:,} exceeds the limit "
                f"{MAX_ACTIVATION_ENTRIES:,} (memory)"
            )
        work = (2 * self.steps + 2) * self.depth * self.seeds * self.width**2 * self.batch
        if work > MAX_MATMUL_WORK:
            raise ValueError(
                f"(2*steps+2)*depth*seeds*batch*width*width = {work:,} exceeds the limit "
                f"{MAX_MATMUL_WORK:,} (run time)"
            )
        return self


def _network(
    p: ExplodingParams, seed: int, activation: str, init: str
) -> tuple[MLP, NDArray[np.float64], NDArray[np.float64]]:
    """The gradient-flow network and its batch, identical for identical arguments."""
    return build_network(
        seed,
        depth=p.depth,
        width=p.width,
        batch=p.batch,
        seeds=p.seeds,
        activation=activation,
        init=init,
    )


def _gradients(mlp: MLP, x: NDArray[np.float64], target: NDArray[np.float64]) -> NDArray:
    """One forward and backward pass; returns the per-network losses."""
    loss, dout = mse(mlp.forward(x), target)
    mlp.backward(dout)
    return loss


def _per_seed_dot(a: list[np.ndarray], b: list[np.ndarray]) -> NDArray[np.float64]:
    seeds = a[0].shape[0]
    return sum(
        np.einsum("sn,sn->s", u.reshape(seeds, -1), v.reshape(seeds, -1))
        for u, v in zip(a, b, strict=True)
    )


def _train(
    p: ExplodingParams, seed: int, clip: bool
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Gradient descent on one fixed batch. Returns, per step and network (steps, S):
    the loss before the step, the gradient's global norm, the update's global norm and
    the cosine between the update and the negative gradient."""
    mlp, x, target = _network(p, seed, p.activation, p.init)
    sgd = SGD(p.lr)
    shape = (p.steps, p.seeds)
    losses, grad_norms, update_norms, cosines = (np.empty(shape) for _ in range(4))
    for step in range(p.steps):
        losses[step] = _gradients(mlp, x, target)
        grads = mlp.grads()
        applied = clip_by_global_norm(grads, p.clip)[0] if clip else grads
        updates = sgd.step(mlp.params(), applied)
        grad_norms[step] = global_norm(grads)
        update_norms[step] = global_norm(updates)
        # Scale both to unit norm first, so that the dot product cannot overflow.
        unit_u = [u / update_norms[step].reshape(-1, *[1] * (u.ndim - 1)) for u in updates]
        unit_g = [g / grad_norms[step].reshape(-1, *[1] * (g.ndim - 1)) for g in grads]
        cosines[step] = -_per_seed_dot(unit_u, unit_g)
    return losses, grad_norms, update_norms, cosines


def _first_nonfinite_step(losses: NDArray[np.float64]) -> NDArray[np.float64]:
    """Per network, the first step whose loss is inf/NaN (steps+1 when it never is)."""
    bad = ~np.isfinite(losses)
    return np.where(bad.any(axis=0), bad.argmax(axis=0) + 1, losses.shape[0] + 1).astype(float)


def run(params: ExplodingParams, seed: int) -> Result:
    p = params
    with np.errstate(all="ignore"):  # overflow is measured and reported, never warned about
        mlp, x, target = _network(p, seed, p.activation, p.init)
        _gradients(mlp, x, target)
        act_norms = mlp.hidden_grad_norms
        assert act_norms is not None
        growth = float(np.median(seed_ratios(act_norms[:, 0], act_norms[:, -1])))
        w_norms = mlp.weight_grad_norms()
        w_growth = float(np.median(seed_ratios(w_norms[:, 0], w_norms[:, -1])))
        init_norms = global_norm(mlp.grads())
        finite = bool(np.all(np.isfinite(act_norms)) and np.all(np.isfinite(init_norms)))

        raw_losses, _, raw_updates, _ = _train(p, seed, clip=False)
        clip_losses, clip_grads, clip_updates, clip_cosines = _train(p, seed, clip=True)

        sig, sx, st = _network(p, seed, "sigmoid", "xavier")
        _gradients(sig, sx, st)
        first = seed_norms(sig.dense[0].weight_grad)
        clipped = clip_by_global_norm(sig.grads(), p.clip)[0]
        first_clipped = seed_norms(clipped[0])  # the first hidden layer's weight gradient
        gains = seed_ratios(first_clipped, first)

    bound = p.lr * p.clip
    max_update = float(np.max(clip_updates))
    min_cosine = float(np.min(clip_cosines))
    bounded = bool(np.all(clip_updates <= bound * (1 + TOLERANCE)))
    parallel = bool(np.all(clip_cosines >= 1 - TOLERANCE))
    gain = float(np.median(gains))
    diverged_at = _first_nonfinite_step(raw_losses)
    metrics = {
        "grad_growth": growth,
        "weight_grad_growth": w_growth,
        "max_grad_norm": float(np.median(init_norms)),
        "clipped_max_norm": max_update / p.lr,
        "unclipped_first_update_norm": float(np.median(raw_updates[0])),
        "clipped_max_update_norm": max_update,
        "unclipped_nonfinite_step": float(np.median(diverged_at)),
        "clipped_final_loss": float(np.median(clip_losses[-1])),
        "sigmoid_first_grad_norm": float(np.median(first)),
        "sigmoid_clipping_gain": gain,
    }
    net = (
        f"a {p.depth}-layer {p.activation} MLP with {p.init} init ({DESCRIPTIONS[p.init]}), "
        f"width {p.width}, batch {p.batch}, MSE against N(0,1) targets, at initialization, "
        f"median over {p.seeds} networks"
    )
    trained = net.replace("at initialization", "starting from initialization")
    claims = [
        Claim(
            id="explodes",
            statement=(
                f"In {net}, the backpropagated gradient grows towards the input: the median "
                f"ratio ||dL/da_1|| / ||dL/da_{p.depth}|| is above {EXPLODE_ABOVE:g}, or some "
                "gradient overflows to inf/NaN."
            ),
            holds=growth > EXPLODE_ABOVE or not finite,
            evidence={
                "grad_growth": growth,
                "threshold": EXPLODE_ABOVE,
                "max_grad_norm": metrics["max_grad_norm"],
            },
        ),
        Claim(
            id="clipping-bounds-update",
            statement=(
                f"Clipping the gradient to global norm c = {p.clip:g} before each of {p.steps} "
                f"gradient-descent steps (learning rate {p.lr:g}) of {trained}: every "
                f"update's global norm is at most lr*c = {bound:g}, and every update "
                "points exactly along the negative gradient (cosine 1 within 1e-9)."
            ),
            holds=bounded and parallel,
            evidence={
                "max_update_norm": max_update,
                "bound": bound,
                "min_cosine": min_cosine,
                "max_grad_norm_before_clipping": float(np.max(clip_grads)),
            },
        ),
        Claim(
            id="clipping-restores-early-gradients",
            statement=(
                f"In a vanishing {p.depth}-layer sigmoid MLP with xavier init "
                f"({DESCRIPTIONS['xavier']}), width {p.width}, batch {p.batch}, clipping the "
                f"gradient to global norm {p.clip:g} raises the first hidden layer's weight "
                f"gradient norm at least {RESTORE_FACTOR:g}-fold (median over {p.seeds} networks)."
            ),
            holds=gain >= RESTORE_FACTOR,
            evidence={
                "clipping_gain": gain,
                "threshold": RESTORE_FACTOR,
                "first_grad_norm": metrics["sigmoid_first_grad_norm"],
            },
        ),
    ]
    notes = []
    if np.any(diverged_at <= p.steps):
        notes.append(
            f"without clipping the loss overflowed (inf/NaN) in "
            f"{int(np.sum(diverged_at <= p.steps))} of {p.seeds} networks, first at step "
            f"{int(diverged_at.min())}"
        )
    if not finite:
        notes.append("gradients overflowed (inf/NaN) at initialization")
    return Result(
        simulation="exploding",
        params=p.model_dump(),
        seed=seed,
        metrics=metrics,
        series={
            "activation_grad_norm": np.median(act_norms, axis=0).tolist(),
            "weight_grad_norm": np.median(w_norms, axis=0).tolist(),
            "unclipped_update_norm": np.median(raw_updates, axis=1).tolist(),
            "clipped_update_norm": np.median(clip_updates, axis=1).tolist(),
        },
        claims=claims,
        notes=notes,
    )


EXPERIMENT = Experiment(
    name="exploding",
    summary="gradients growing with depth under large init, and gradient clipping",
    params=ExplodingParams,
    run=run,
    claims={
        "explodes": f"first/last backpropagated gradient ratio > {EXPLODE_ABOVE:g} or overflow",
        "clipping-bounds-update": "with clipping at c, every update norm <= lr*c, direction kept",
        "clipping-restores-early-gradients": f"clipping raises a vanishing sigmoid net's first-"
        f"layer gradient >= {RESTORE_FACTOR:g}x",
    },
    metrics={
        "grad_growth": "median ||dL/da_1|| / ||dL/da_L|| at initialization",
        "weight_grad_growth": "median ||dL/dW_1|| / ||dL/dW_L|| at initialization",
        "max_grad_norm": "median global gradient norm at initialization (all parameters)",
        "clipped_max_norm": "largest global norm of a clipped gradient actually applied",
        "unclipped_first_update_norm": "median norm of the first update without clipping",
        "clipped_max_update_norm": "largest update norm with clipping",
        "unclipped_nonfinite_step": "median first step with an inf/NaN loss without clipping "
        "(steps+1: never)",
        "clipped_final_loss": "median loss before the last clipped step",
        "sigmoid_first_grad_norm": "median first-layer weight gradient norm, sigmoid+xavier",
        "sigmoid_clipping_gain": "median (clipped / unclipped) first-layer gradient norm",
    },
    main_series=("activation_grad_norm", "weight_grad_norm"),
    log_scale=True,
    comparison={"activation": "relu", "init": "he"},
    conditions={
        "depth": ("20", "30", "50"),
        "width": ("64", "128", "192"),
        "batch": ("32", "64", "128"),
        # the scenario: held at the default unless a link names it
        "seeds": ("8",),
        "activation": ("relu",),
        "init": ("large",),
        "clip": ("1",),
        "lr": ("0.01",),
        "steps": ("3",),
    },
)
