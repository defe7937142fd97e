"""layerwise-pretraining: greedy layer-wise pre-training, then fine-tuning, against training
the same deep sigmoid network from its random start.

Setup (per seed, ``seeds`` networks batched): training-dynamics' teacher task (``batch``
inputs x ~ N(0, 1) of dimension ``inputs``, standardized targets of a random tanh teacher)
and an MLP of ``depth`` hidden layers of ``width`` units with biases and ``activation``
units, ``init`` weights, and a linear readout.

1. Pre-training (greedy, unsupervised, one layer at a time, first to last): hidden layer l
   and a fresh linear decoder are trained as an autoencoder to reconstruct layer l's input
   (the data for l = 1, else the output of the already pre-trained layer l-1) from layer
   l's output, by Adam at ``pretrain_lr`` for ``pretrain_steps`` full-batch updates; the
   decoder is then thrown away.
2. Fine-tuning: the whole network (readout included) is trained on the MSE loss by SGD at
   ``lr`` for ``steps`` full-batch updates.
3. Baseline: the same initial networks, not pre-trained, trained exactly as in step 2.

Reported: the final MSE of both, and the relative change of the first and last hidden
layers during fine-tuning, ||W_l(end) - W_l(start)|| / ||W_l(start)||. The baseline's
first-layer weight norm after training over before tells whether the early weights shrink
towards zero (a symptom some sources list) or simply stay where they started.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from pydantic import Field, model_validator

from simulations.base import Claim, Experiment, Params, Result
from simulations.nn import make_rng
from simulations.nn.activations import ActivationName
from simulations.nn.init import DESCRIPTIONS, InitName
from simulations.nn.layers import Dense, Layer, Sequential
from simulations.nn.losses import mse
from simulations.nn.mlp import MLP, seed_norms
from simulations.nn.optim import SGD, Adam
from simulations.training_dynamics import teacher_task

Array = NDArray[np.float64]

HELPS_FACTOR = 0.8
"""pretraining-helps: the pre-trained network's final loss is at most 0.8x the baseline's."""
MOVES_FACTOR = 100.0
"""pretraining-moves-early-layers: fine-tuning's first/last change ratio >= 100x the
baseline's."""
STAYS_WITHIN = 0.1
"""early-weights-stay: the baseline's first-layer weight norm moves by less than 10%."""
MAX_LAYER_STEPS = 8_000  # depth * (pretrain_steps + 2 * steps)
MAX_MATMUL_WORK = 12_000_000_000  # seeds * batch * width^2 * depth * (pretrain + 2 * steps)


class LayerwisePretrainingParams(Params):
    """Parameters of layerwise-pretraining; every default is the documented setup."""

    depth: int = Field(8, ge=2, le=30, description="hidden layers")
    width: int = Field(32, ge=4, le=256, description="units per hidden layer")
    inputs: int = Field(16, ge=1, le=256, description="input dimension")
    batch: int = Field(64, ge=4, le=512, description="training examples (full batch)")
    seeds: int = Field(8, ge=1, le=32, description="independent networks; summaries are medians")
    activation: ActivationName = Field("sigmoid", description="hidden-layer nonlinearity")
    init: InitName = Field("xavier", description="weight initializer (biases start at 0)")
    pretrain_lr: float = Field(0.03, gt=0, le=1, description="Adam rate of the autoencoders")
    pretrain_steps: int = Field(300, ge=1, le=1000, description="autoencoder updates per layer")
    lr: float = Field(0.5, gt=0, le=10, description="SGD rate of fine-tuning and baseline")
    steps: int = Field(200, ge=1, le=2000, description="fine-tuning (and baseline) updates")

    @model_validator(mode="after")
    def _bounded(self) -> LayerwisePretrainingParams:
        layer_steps = self.depth * (self.pretrain_steps + 2 * self.steps)
        if layer_steps > MAX_LAYER_STEPS:
            raise ValueError(
                f"depth*(pretrain_steps + 2*steps) = {layer_steps:,} exceeds {MAX_LAYER_STEPS:,}"
            )
        work = self.seeds * self.batch * self.width**2 * layer_steps
        if work > MAX_MATMUL_WORK:
            raise ValueError(
                f"seeds*batch*width^2*depth*(all steps) = {work:,} exceeds {MAX_MATMUL_WORK:,}"
            )
        return self


def build(p: LayerwisePretrainingParams, seed: int) -> tuple[MLP, Array, Array]:
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


def fit(model: Layer, x: Array, target: Array, optimizer: SGD | Adam, steps: int) -> Array:
    """Full-batch training of ``model`` on MSE; returns the final loss per seed (S,)."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        for _ in range(steps):
            _, dpred = mse(model.forward(x), target)
            model.backward(dpred)
            optimizer.step(model.params(), model.grads())
        return mse(model.forward(x), target)[0]


def pretrain(p: LayerwisePretrainingParams, net: MLP, x: Array, rng: np.random.Generator) -> Array:
    """Greedy autoencoder pre-training of every hidden layer in place; returns the final
    reconstruction error of each layer, (S, depth)."""
    errors = []
    a = x
    for block in net.blocks:
        decoder = Dense.create(rng, p.seeds, p.width, a.shape[-1], p.init, bias=True)
        autoencoder = Sequential([block, decoder])
        errors.append(fit(autoencoder, a, a, Adam(p.pretrain_lr), p.pretrain_steps))
        a = block.forward(a)
    return np.stack(errors, axis=1)


def finetune(p: LayerwisePretrainingParams, net: MLP, x: Array, y: Array) -> tuple[Array, Array]:
    """Train the whole network by SGD; returns the final loss (S,) and the relative weight
    change of every hidden layer, (S, depth)."""
    start = [layer.weight.copy() for layer in net.dense]
    loss = fit(net, x, y, SGD(p.lr), p.steps)
    pairs = zip(net.dense, start, strict=True)
    changes = np.stack([seed_norms(layer.weight - w0) / seed_norms(w0) for layer, w0 in pairs], 1)
    return loss, changes


def _median(values: Array) -> float:
    return float(np.median(values)) if np.all(np.isfinite(values)) else float("nan")


def run(params: LayerwisePretrainingParams, seed: int) -> Result:
    p = params
    base_net, x, y = build(p, seed)
    w1_start = seed_norms(base_net.dense[0].weight)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        initial_loss = mse(base_net.forward(x), y)[0]
    base_loss, base_changes = finetune(p, base_net, x, y)
    w1_ratio = seed_norms(base_net.dense[0].weight) / w1_start

    net, _, _ = build(p, seed)
    recon = pretrain(p, net, x, make_rng(seed + 1_000_003))
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        pretrained_loss = mse(net.forward(x), y)[0]
    loss, changes = finetune(p, net, x, y)
    with np.errstate(divide="ignore", invalid="ignore"):
        gain = loss / base_loss

    with np.errstate(divide="ignore", invalid="ignore"):
        base_ratio = base_changes[:, 0] / base_changes[:, -1]
        ratio = changes[:, 0] / changes[:, -1]
    metrics = {
        "baseline_change_ratio": _median(base_ratio),
        "pretrained_change_ratio": _median(ratio),
        "initial_loss": _median(initial_loss),
        "baseline_final_loss": _median(base_loss),
        "pretrained_final_loss": _median(loss),
        "loss_ratio": _median(gain),
        "loss_before_finetuning": _median(pretrained_loss),
        "reconstruction_error_first": _median(recon[:, 0]),
        "reconstruction_error_last": _median(recon[:, -1]),
        "baseline_first_layer_change": _median(base_changes[:, 0]),
        "baseline_last_layer_change": _median(base_changes[:, -1]),
        "pretrained_first_layer_change": _median(changes[:, 0]),
        "baseline_first_weight_norm_ratio": _median(w1_ratio),
    }
    series = {
        "baseline_relative_change": [_median(c) for c in base_changes.T],
        "pretrained_relative_change": [_median(c) for c in changes.T],
    }
    notes = []
    if not (np.all(np.isfinite(loss)) and np.all(np.isfinite(base_loss))):
        notes.append("some network's loss became inf or NaN")
    return Result(
        simulation="layerwise-pretraining",
        params=p.model_dump(),
        seed=seed,
        metrics=metrics,
        series=series,
        claims=_claims(p, metrics),
        notes=notes,
    )


def setup_text(p: LayerwisePretrainingParams) -> str:
    return (
        f"a {p.depth}-hidden-layer MLP of width {p.width} with {p.activation} activations and "
        f"{p.init} init ({DESCRIPTIONS[p.init]}), fine-tuned by SGD at lr {p.lr:g} for "
        f"{p.steps} full-batch steps on MSE ({p.batch}-example teacher task), median over "
        f"{p.seeds} networks"
    )


def _claims(p: LayerwisePretrainingParams, m: dict[str, float]) -> list[Claim]:
    where = setup_text(p)
    ratio = m["loss_ratio"]
    norm_ratio = m["baseline_first_weight_norm_ratio"]
    pre = (
        f"greedy layer-wise autoencoder pre-training (Adam, lr {p.pretrain_lr:g}, "
        f"{p.pretrain_steps} updates per layer)"
    )
    return [
        Claim(
            id="pretraining-helps",
            statement=(
                f"For {where}, {pre} before fine-tuning ends with a loss at most "
                f"{HELPS_FACTOR:g}x that of the same networks trained from their random start "
                "(median over networks of the ratio of final losses)."
            ),
            holds=bool(ratio <= HELPS_FACTOR),
            evidence={
                "loss_ratio": ratio,
                "pretrained_final_loss": m["pretrained_final_loss"],
                "baseline_final_loss": m["baseline_final_loss"],
                "threshold": HELPS_FACTOR,
            },
        ),
        Claim(
            id="pretraining-moves-early-layers",
            statement=(
                f"For {where}, after {pre} the first hidden layer's relative weight change "
                "over the last's during fine-tuning is at least "
                f"{MOVES_FACTOR:g}x that of the same networks trained from their random start."
            ),
            holds=bool(m["pretrained_change_ratio"] >= MOVES_FACTOR * m["baseline_change_ratio"]),
            evidence={
                "pretrained_change_ratio": m["pretrained_change_ratio"],
                "baseline_change_ratio": m["baseline_change_ratio"],
                "threshold_factor": MOVES_FACTOR,
            },
        ),
        Claim(
            id="early-weights-go-to-zero",
            statement=(
                f"Training {where} from the random start shrinks the first hidden layer's "
                f"weights towards zero: their norm ends below {1 - STAYS_WITHIN:g}x its "
                "starting value."
            ),
            holds=bool(norm_ratio < 1 - STAYS_WITHIN),
            evidence={"first_weight_norm_ratio": norm_ratio, "threshold": 1 - STAYS_WITHIN},
        ),
    ]


EXPERIMENT = Experiment(
    name="layerwise-pretraining",
    summary="greedy layer-wise autoencoder pre-training then fine-tuning vs training from "
    "the random start",
    params=LayerwisePretrainingParams,
    run=run,
    claims={
        "pretraining-helps": f"pre-trained final loss <= {HELPS_FACTOR:g}x the baseline's",
        "pretraining-moves-early-layers": f"fine-tuning's first/last change ratio >= "
        f"{MOVES_FACTOR:g}x the baseline's",
        "early-weights-go-to-zero": f"baseline first-layer weight norm ends below "
        f"{1 - STAYS_WITHIN:g}x its start",
    },
    metrics={
        "baseline_change_ratio": "baseline: median first / last hidden layer relative change",
        "pretrained_change_ratio": "fine-tuning: median first / last relative change",
        "initial_loss": "median MSE before any training",
        "baseline_final_loss": "median MSE after training from the random start",
        "pretrained_final_loss": "median MSE after pre-training and fine-tuning",
        "loss_ratio": "median over networks of pretrained / baseline final loss",
        "loss_before_finetuning": "median MSE right after pre-training (readout untrained)",
        "reconstruction_error_first": "median final reconstruction MSE of the first layer",
        "reconstruction_error_last": "median final reconstruction MSE of the last layer",
        "baseline_first_layer_change": "baseline: relative change of the first hidden layer",
        "baseline_last_layer_change": "baseline: relative change of the last hidden layer",
        "pretrained_first_layer_change": "fine-tuning: relative change of the first layer",
        "baseline_first_weight_norm_ratio": "baseline: ||W_1(end)|| / ||W_1(start)||",
    },
    main_series=("baseline_relative_change", "pretrained_relative_change"),
    log_scale=True,
    comparison={"activation": "relu", "init": "he"},
    conditions={
        "depth": ("6", "8", "10"),
        "width": ("24", "32", "48"),
        "inputs": ("8", "16", "32"),
        "batch": ("32", "64", "128"),
        # the scenario: held at the default unless a link names it
        "seeds": ("8",),
        "activation": ("sigmoid",),
        "init": ("xavier",),
        "pretrain_lr": ("0.03",),
        "pretrain_steps": ("300",),
        "lr": ("0.5",),
        "steps": ("200",),
    },
)
