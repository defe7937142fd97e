"""Gradients through time in a recurrent net: plain tanh RNN vs LSTM vs GRU, and clipping.

Setup (per seed, S seeds batched): a sequence of ``steps`` inputs x_t ~ N(0, 1) of
``inputs`` features drives a cell of ``hidden`` units from a zero state; a linear
readout of the last hidden state h_T (weights ~ N(0, 1/hidden)) predicts a target
y ~ N(0, 1); the loss is 0.5 * mean over the batch of (readout - y)^2. The loss looks
at the last step only, so the gradient reaching x_t has travelled T - t steps back.

1. At initialization, backpropagation through time gives ||dL/dx_t|| (Frobenius norm
   over the batch and features) at every step; ``time_grad_ratio`` is the median over
   seeds of ||dL/dx_1|| / ||dL/dx_T||. A plain tanh RNN of the same spectral radius,
   on the same data, is measured alongside as the baseline.
2. Then ``train_steps`` SGD updates on the same batch train the cell and the readout,
   with or without clipping by global norm (per seed, over all parameters). Every
   update's gradient norm is recorded before and after clipping.

Initialization (Keras' defaults): input weights LeCun normal, recurrent weights an
orthogonal matrix per gate times ``spectral_radius`` (every eigenvalue then has that
modulus), biases zero except the LSTM forget gate (1.0, Jozefowicz et al. 2015) —
``gate_bias`` overrides the LSTM forget-gate or GRU update-gate bias.
"""

from __future__ import annotations

from typing import Literal, Self

import numpy as np
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
from simulations.nn.optim import SGD, clip_by_global_norm, global_norm
from simulations.nn.recurrent import Cell, make_cell

# Bounds on the work product: elements of one cached (T, S, B, gates*H) array (memory),
# those elements times the passes (elementwise work), multiply-adds of the whole run, and
# time steps walked in Python (each costs ~0.1-0.5 ms even when tiny). A pass is one
# forward + backward; a run makes train_steps + 2. The defaults sit far below all four.
MAX_CACHE_ELEMENTS = 4_000_000
MAX_ELEMENT_PASSES = 100_000_000
MAX_WORK = 5_000_000_000
MAX_STEP_PASSES = 10_000
GATES = {"rnn": 1, "gru": 3, "lstm": 4}

BEATS_RNN_FACTOR = 100.0


class RnnBpttParams(Params):
    """Parameters of ``rnn-bptt``; every one has a default."""

    cell: Literal["rnn", "lstm", "gru"] = Field("rnn", description="recurrent cell")
    steps: int = Field(50, ge=2, le=200, description="sequence length T (time steps)")
    hidden: int = Field(32, ge=2, le=256, description="hidden units H")
    inputs: int = Field(8, ge=1, le=64, description="input features per time step")
    batch: int = Field(16, ge=1, le=256, description="sequences per batch")
    seeds: int = Field(8, ge=1, le=32, description="independent networks (median over them)")
    spectral_radius: float = Field(
        1.0, gt=0, le=5, description="modulus of every eigenvalue of each recurrent weight block"
    )
    gate_bias: float | None = Field(
        None,
        ge=-10,
        le=10,
        description="LSTM forget-gate / GRU update-gate bias (default: 1.0 LSTM, 0.0 GRU)",
    )
    clip: bool = Field(False, description="clip each update's gradient by global norm")
    clip_norm: float = Field(1.0, gt=0, le=1e6, description="global-norm cap c when clip=true")
    lr: float = Field(0.1, gt=0, le=10, description="SGD learning rate of the training updates")
    train_steps: int = Field(20, ge=1, le=200, description="SGD updates after initialization")

    @model_validator(mode="after")
    def _bounded(self) -> Self:
        if self.cell == "rnn" and self.gate_bias is not None:
            raise ValueError("gate_bias applies to lstm and gru only (a plain rnn has no gate)")
        passes = self.steps * (self.train_steps + 2)
        if passes > MAX_STEP_PASSES:
            raise ValueError(
                f"steps*(train_steps+2) = {passes} exceeds the limit {MAX_STEP_PASSES}"
            )
        cache = self.steps * self.seeds * self.batch * GATES[self.cell] * self.hidden
        if cache > MAX_CACHE_ELEMENTS:
            raise ValueError(
                f"steps*seeds*batch*gates*hidden = {cache} exceeds the limit {MAX_CACHE_ELEMENTS}"
            )
        element_passes = cache * (self.train_steps + 2)
        if element_passes > MAX_ELEMENT_PASSES:
            raise ValueError(
                f"steps*seeds*batch*gates*hidden*(train_steps+2) = {element_passes} "
                f"exceeds the limit {MAX_ELEMENT_PASSES}"
            )
        work = element_passes * (self.hidden + self.inputs)
        if work > MAX_WORK:
            raise ValueError(
                "steps*seeds*batch*gates*hidden*(hidden+inputs)*(train_steps+2) = "
                f"{work} exceeds the limit {MAX_WORK}"
            )
        return self


def _loss_and_grads(
    cell: Cell, readout: np.ndarray, x: np.ndarray, y: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Loss per seed (S,), dL/dx (T, S, B, n_in), dL/d readout (S, H, 1)."""
    hs = cell.forward(x)
    error = hs[-1] @ readout - y  # (S, B, 1)
    batch = x.shape[2]
    dh = np.zeros_like(hs)
    dh[-1] = error @ readout.transpose(0, 2, 1) / batch
    dx = cell.backward(dh)
    d_readout = hs[-1].transpose(0, 2, 1) @ error / batch
    return 0.5 * np.mean(error**2, axis=(1, 2)), dx, d_readout


def _step_norms(dx: np.ndarray) -> np.ndarray:
    """||dL/dx_t|| per time step and seed: (T, S)."""
    return np.sqrt(np.sum(dx * dx, axis=(2, 3)))


def _ratios(norms: np.ndarray) -> np.ndarray:
    """||dL/dx_1|| / ||dL/dx_T|| per seed; NaN where either is not finite or the last is 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = norms[0] / norms[-1]
    return np.where(np.isfinite(ratio), ratio, np.nan)


def _median(values: np.ndarray) -> float:
    """Median over seeds; a non-finite seed makes it NaN (reported, never hidden)."""
    return float(np.median(values)) if np.all(np.isfinite(values)) else float("nan")


def run(params: RnnBpttParams, seed: int) -> Result:
    rng = make_rng(seed)
    p = params
    # Data and readout first, so they are the same for every cell kind.
    x = rng.standard_normal((p.steps, p.seeds, p.batch, p.inputs))
    y = rng.standard_normal((p.seeds, p.batch, 1))
    readout = rng.standard_normal((p.seeds, p.hidden, 1)) / np.sqrt(p.hidden)
    cell = make_cell(
        p.cell,
        p.inputs,
        p.hidden,
        p.seeds,
        rng,
        spectral_radius=p.spectral_radius,
        gate_bias=p.gate_bias,
    )
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        _, dx, _ = _loss_and_grads(cell, readout, x, y)
        norms = _step_norms(dx)
        ratios = _ratios(norms)
        if p.cell == "rnn":
            baseline_ratios = ratios
        else:
            baseline = make_cell(
                "rnn", p.inputs, p.hidden, p.seeds, rng, spectral_radius=p.spectral_radius
            )
            baseline_ratios = _ratios(_step_norms(_loss_and_grads(baseline, readout, x, y)[1]))
        raw_norms, applied_norms, losses = _train(p, cell, readout, x, y)

    ratio = _median(ratios)
    baseline_ratio = _median(baseline_ratios)
    finite_ratios = ratios[np.isfinite(ratios)]
    nonfinite_updates = int(np.count_nonzero(~np.isfinite(raw_norms)))
    metrics = {
        "time_grad_ratio": ratio,
        "time_grad_ratio_min": float(finite_ratios.min()) if finite_ratios.size else float("nan"),
        "time_grad_ratio_max": float(finite_ratios.max()) if finite_ratios.size else float("nan"),
        "per_step_factor": ratio ** (1 / (p.steps - 1)),
        "rnn_time_grad_ratio": baseline_ratio,
        "nonfinite_seeds": float(np.count_nonzero(~np.isfinite(ratios))),
        "max_grad_norm": float(np.max(raw_norms)),
        "clipped_update_norm": float(np.max(applied_norms)),
        "nonfinite_updates": float(nonfinite_updates),
        "initial_loss": _median(losses[0]),
        "final_loss": _median(losses[-1]),
    }
    series = {
        "input_grad_norm": [_median(row) for row in norms],
        "grad_norm_per_update": np.max(raw_norms, axis=1).tolist(),
        "applied_norm_per_update": np.max(applied_norms, axis=1).tolist(),
        "loss": [_median(row) for row in losses],
    }
    notes = _notes(p, ratios, raw_norms)
    return Result(
        simulation="rnn-bptt",
        params=p.model_dump(),
        seed=seed,
        metrics=metrics,
        series=series,
        claims=_claims(p, metrics, ratios),
        notes=notes,
    )


def _train(
    p: RnnBpttParams, cell: Cell, readout: np.ndarray, x: np.ndarray, y: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """SGD on the fixed batch; per update and seed: raw norm, applied norm, loss before it."""
    optimizer = SGD(p.lr)
    raw, applied, losses = [], [], []
    for _ in range(p.train_steps):
        loss, _, d_readout = _loss_and_grads(cell, readout, x, y)
        params = [*cell.params(), readout]
        grads = [*cell.grads(), d_readout]
        if p.clip:
            grads, norms = clip_by_global_norm(grads, p.clip_norm)
        else:
            norms = global_norm(grads)
        raw.append(norms)
        applied.append(global_norm(grads))
        losses.append(loss)
        optimizer.step(params, grads)
    losses.append(_loss_and_grads(cell, readout, x, y)[0])
    return np.array(raw), np.array(applied), np.array(losses)


def _notes(p: RnnBpttParams, ratios: np.ndarray, raw_norms: np.ndarray) -> list[str]:
    notes = []
    bad_seeds = int(np.count_nonzero(~np.isfinite(ratios)))
    if bad_seeds:
        notes.append(f"the input gradient at initialization overflowed in {bad_seeds} seed(s)")
    bad_updates = ~np.isfinite(raw_norms)
    if bad_updates.any():
        first = int(np.argmax(bad_updates.any(axis=1))) + 1
        notes.append(
            f"the gradient overflowed at update {first}; "
            f"{int(bad_updates.sum())} of {bad_updates.size} update norms are inf or NaN"
        )
    return notes


def _setting(p: RnnBpttParams, at_init: bool = True) -> str:
    gate = ""
    if p.cell == "lstm":
        gate = f", forget-gate bias {1.0 if p.gate_bias is None else p.gate_bias:g}"
    elif p.cell == "gru":
        gate = f", update-gate bias {0.0 if p.gate_bias is None else p.gate_bias:g}"
    return (
        f"a {p.cell.upper() if p.cell != 'rnn' else 'plain tanh RNN'} of {p.hidden} units"
        f"{gate}, recurrent weights of spectral radius {p.spectral_radius:g}, "
        f"{p.steps} time steps, loss on the last step"
        + (f", at initialization, median of {p.seeds} seeds" if at_init else "")
    )


def _claims(p: RnnBpttParams, m: dict[str, float], ratios: np.ndarray) -> list[Claim]:
    ratio = m["time_grad_ratio"]
    finite = bool(np.all(np.isfinite(ratios)))
    where = _setting(p)
    evidence = {
        "time_grad_ratio": ratio,
        "time_grad_ratio_min": m["time_grad_ratio_min"],
        "time_grad_ratio_max": m["time_grad_ratio_max"],
        "nonfinite_seeds": m["nonfinite_seeds"],
    }
    beats = m["time_grad_ratio"] / m["rnn_time_grad_ratio"]
    clip_text = f"clipped by global norm at c = {p.clip_norm:g}" if p.clip else "not clipped"
    return [
        vanishes_claim(  # ratio is NaN, so not vanishing, unless every seed is finite
            "vanishes-through-time",
            f"For {where}, the gradient reaching the first input is below "
            f"{VANISH_BELOW:g} of the gradient reaching the last: "
            f"||dL/dx_1|| / ||dL/dx_T|| < {VANISH_BELOW:g}.",
            ratio,
            evidence,
        ),
        kept_claim(
            "keeps-gradient",
            f"For {where}, the gradient keeps its size on the trip back in time, "
            "neither vanishing nor exploding: "
            f"{KEPT_LOW:g} <= ||dL/dx_1|| / ||dL/dx_T|| <= {KEPT_HIGH:g}, "
            "every seed finite.",
            ratio,
            finite,
            evidence,
        ),
        explodes_claim(
            "explodes-through-time",
            f"For {where}, the gradient grows going back in time: "
            f"||dL/dx_1|| / ||dL/dx_T|| > {EXPLODE_ABOVE:g}, or it overflows.",
            ratio,
            finite,
            evidence,
        ),
        Claim(
            id="keeps-more-than-rnn",
            statement=(
                f"For {where}, the ratio ||dL/dx_1|| / ||dL/dx_T|| is at least "
                f"{BEATS_RNN_FACTOR:g}x that of a plain tanh RNN with the same spectral radius "
                "on the same inputs and seeds."
            ),
            holds=bool(np.isfinite(beats)) and beats >= BEATS_RNN_FACTOR,
            evidence={
                "time_grad_ratio": ratio,
                "rnn_time_grad_ratio": m["rnn_time_grad_ratio"],
                "factor": beats,
                "threshold": BEATS_RNN_FACTOR,
            },
        ),
        Claim(
            id="clipping-bounds-update",
            statement=(
                f"Training {_setting(p, at_init=False)}, for {p.train_steps} SGD "
                f"updates (lr {p.lr:g}) with gradients {clip_text}: every update of every seed "
                f"applies a gradient of global norm <= {p.clip_norm:g} (the step is lr times it)."
            ),
            holds=bool(m["clipped_update_norm"] <= p.clip_norm * (1 + 1e-12)),
            evidence={
                "clipped_update_norm": m["clipped_update_norm"],
                "max_grad_norm": m["max_grad_norm"],
                "clip_norm": p.clip_norm,
                "nonfinite_updates": m["nonfinite_updates"],
            },
        ),
    ]


EXPERIMENT = Experiment(
    name="rnn-bptt",
    summary="gradient w.r.t. each time step's input: plain RNN vs LSTM vs GRU; clipping",
    params=RnnBpttParams,
    run=run,
    claims={
        "vanishes-through-time": f"||dL/dx_1|| / ||dL/dx_T|| < {VANISH_BELOW:g} at init",
        "keeps-gradient": f"{KEPT_LOW:g} <= ||dL/dx_1|| / ||dL/dx_T|| <= {KEPT_HIGH:g} at init",
        "explodes-through-time": f"||dL/dx_1|| / ||dL/dx_T|| > {EXPLODE_ABOVE:g} or overflow",
        "keeps-more-than-rnn": f"time_grad_ratio >= {BEATS_RNN_FACTOR:g}x a plain tanh RNN's",
        "clipping-bounds-update": "every training update's applied gradient norm <= clip_norm",
    },
    metrics={
        "time_grad_ratio": "median over seeds of ||dL/dx_1|| / ||dL/dx_T|| at initialization",
        "time_grad_ratio_min": "smallest per-seed ratio",
        "time_grad_ratio_max": "largest per-seed ratio",
        "per_step_factor": "time_grad_ratio ** (1 / (steps - 1)): the mean shrink per step",
        "rnn_time_grad_ratio": "the same ratio for a plain tanh RNN (baseline)",
        "nonfinite_seeds": "seeds whose input gradient overflowed",
        "max_grad_norm": "largest global gradient norm over updates and seeds, before clipping",
        "clipped_update_norm": "largest global norm of an applied (clipped) gradient",
        "nonfinite_updates": "update norms that were inf or NaN",
        "initial_loss": "median loss before training",
        "final_loss": "median loss after the training updates",
    },
    main_series=("input_grad_norm",),
    log_scale=True,
    comparison={"cell": "lstm"},
    conditions={
        "steps": ("30", "50", "100"),
        "hidden": ("16", "32", "64"),
        "inputs": ("4", "8", "16"),
        "batch": ("8", "16", "32"),
        # the scenario: held at the default unless a link names it
        "cell": ("rnn",),
        "seeds": ("8",),
        "spectral_radius": ("1",),
        "gate_bias": ("None",),
        "clip": ("false",),
        "clip_norm": ("1",),
        "lr": ("0.1",),
        "train_steps": ("20",),
    },
)
