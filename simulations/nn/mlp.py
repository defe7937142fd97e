"""A deep multilayer perceptron built from the layers, batched over seeds.

Hidden layer l computes h_l = a_{l-1} W_l (+ b_l), optionally batch-normalizes h_l, and
outputs a_l = phi(h_l), or a_l = a_{l-1} + phi(h_l) with a residual connection. A linear
readout maps the last hidden output to the outputs. The MLP records, on each backward
pass, the norm of dL/da_l for every hidden layer: the backpropagated signal whose decay
or growth with depth is the vanishing or exploding gradient.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import DTypeLike, NDArray

from simulations.nn.layers import ActivationLayer, BatchNorm, Dense, Layer, Residual, Sequential
from simulations.nn.parallel import seedwise

Array = NDArray[np.floating]


def _sum_squares(out: Array, flat: Array) -> None:
    np.einsum("sn,sn->s", flat, flat, out=out)


def seed_norms(a: Array) -> Array:
    """Frobenius norm per seed over all other axes: (S, ...) -> (S,).

    Squares of values above ~1e154 overflow float64, so seeds whose plain norm is not
    finite are recomputed after scaling by their largest entry; a norm is inf or NaN only
    when the array itself holds inf or NaN (or the norm truly exceeds the float range).
    """
    flat = a.reshape(a.shape[0], -1)
    with np.errstate(over="ignore", invalid="ignore"):
        norms = seedwise(_sum_squares, np.empty(flat.shape[0], flat.dtype), flat)
        np.sqrt(norms, out=norms)
        redo = ~np.isfinite(norms)
        if redo.any():
            rows = flat[redo]
            scale = np.max(np.abs(rows), axis=1, keepdims=True)
            safe = np.where(np.isfinite(scale) & (scale > 0), scale, 1.0)
            scaled = np.sqrt(np.sum((rows / safe) ** 2, axis=1)) * safe[:, 0]
            norms[redo] = np.where(np.isfinite(scale[:, 0]), scaled, scale[:, 0] + np.nan)
    return norms


class MLP(Layer):
    """Hidden blocks then a linear readout; see the module docstring."""

    def __init__(
        self,
        dense: list[Dense],
        activations: list[ActivationLayer],
        batchnorms: list[BatchNorm] | None,
        residual: list[bool],
        readout: Dense,
    ) -> None:
        self.dense = dense
        self.activations = activations
        self.batchnorms = batchnorms
        self.residual = residual
        self.blocks: list[Layer] = []
        for i, (layer, act) in enumerate(zip(dense, activations, strict=True)):
            parts: list[Layer] = [layer] if batchnorms is None else [layer, batchnorms[i]]
            body = Sequential([*parts, act])
            self.blocks.append(Residual(body) if residual[i] else body)
        self.readout = readout
        self.hidden_grad_norms: Array | None = None
        """(S, depth): per seed, ||dL/da_l|| over the batch for each hidden layer, first to last."""
        self._slices: dict[tuple[int, int], tuple[list[Array], MLP]] = {}

    @property
    def depth(self) -> int:
        return len(self.blocks)

    def forward(self, x: Array) -> Array:
        with np.errstate(over="ignore", invalid="ignore"):  # overflow is an outcome, not an error
            for block in self.blocks:
                x = block.forward(x)
            return self.readout.forward(x)

    def backward(self, dy: Array) -> Array:
        norms = np.empty((dy.shape[0], self.depth), dtype=np.float64)
        with np.errstate(over="ignore", invalid="ignore"):
            dy = self.readout.backward(dy)
            for i in range(self.depth - 1, -1, -1):
                norms[:, i] = seed_norms(dy)  # dy is dL/da_i here
                dy = self.blocks[i].backward(dy)
        self.hidden_grad_norms = norms
        return dy

    def weight_grad_norms(self) -> Array:
        """(S, depth): ||dL/dW_l|| (Frobenius) per seed for each hidden layer, first to last."""
        return np.stack([seed_norms(layer.weight_grad) for layer in self.dense], axis=1)

    def params(self) -> list[Array]:
        return [p for block in self.blocks for p in block.params()] + self.readout.params()

    def grads(self) -> list[Array]:
        return [g for block in self.blocks for g in block.grads()] + self.readout.grads()

    def seed_slice(self, lo: int, hi: int) -> MLP:
        """Networks ``lo`` to ``hi - 1`` as an MLP of their own (see Layer.seed_slice).

        The same range gives the same MLP again while this one's parameters are the same
        arrays (checked at each call), so that its forward caches and gradients are replaced
        pass after pass, as this MLP's own are, and their memory is reused: a fresh slice
        per pass freed ~0.5 GB at the end of each, and the next pass's page faults cost
        ~140 ms of a ~800 ms forward+backward (benchmarks/bench_gradient_flow.py).
        """
        params = self.params()
        kept = self._slices.get((lo, hi))
        if kept is not None and all(a is b for a, b in zip(kept[0], params, strict=True)):
            return kept[1]
        part = MLP(
            [layer.seed_slice(lo, hi) for layer in self.dense],
            [act.seed_slice(lo, hi) for act in self.activations],
            None if self.batchnorms is None else [bn.seed_slice(lo, hi) for bn in self.batchnorms],
            self.residual,
            self.readout.seed_slice(lo, hi),
        )
        self._slices[lo, hi] = (params, part)
        return part


def build_mlp(
    rng: np.random.Generator,
    *,
    seeds: int,
    n_in: int,
    width: int,
    depth: int,
    n_out: int = 1,
    activation: str = "relu",
    init: str = "he",
    batchnorm: bool = False,
    residual: bool = False,
    bias: bool = False,
    dtype: DTypeLike = np.float64,
) -> MLP:
    """``depth`` hidden layers of ``width`` units and a readout, every weight from ``init``.

    A residual connection needs equal input and output widths, so with ``residual`` the
    first hidden layer is plain when ``n_in != width``. Weights are drawn layer by layer,
    first to last, then the readout: the same Generator state gives the same network.
    """
    if depth < 1 or width < 1 or n_in < 1 or n_out < 1 or seeds < 1:
        raise ValueError("seeds, n_in, width, depth and n_out must be positive")
    dense = []
    for i in range(depth):
        fan_in = n_in if i == 0 else width
        dense.append(Dense.create(rng, seeds, fan_in, width, init, bias=bias, dtype=dtype))
    activations = [ActivationLayer(activation) for _ in range(depth)]
    batchnorms = [BatchNorm(seeds, width, dtype=dtype) for _ in range(depth)] if batchnorm else None
    skips = [residual and (i > 0 or n_in == width) for i in range(depth)]
    readout = Dense.create(rng, seeds, width, n_out, init, bias=bias, dtype=dtype)
    return MLP(dense, activations, batchnorms, skips, readout)
