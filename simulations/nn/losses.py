"""Losses over a seed-batched prediction: per-seed values and the gradient of their sum.

Each loss takes predictions of shape (S, B, n) and returns ``(loss, grad)``: ``loss`` has
shape (S,) (one value per independent network) and ``grad`` is d(sum of losses)/d(pred),
so each network's gradient is exactly that of its own loss.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.floating]


def mse(pred: Array, target: Array) -> tuple[Array, Array]:
    """Mean squared error over batch and outputs: mean((pred - target)^2)."""
    diff = pred - target
    count = diff.shape[-2] * diff.shape[-1]
    return np.mean(diff * diff, axis=(-2, -1)), (2.0 / count) * diff


def mean_output(pred: Array) -> tuple[Array, Array]:
    """The mean of the outputs: a loss whose gradient is the same constant for every output."""
    count = pred.shape[-2] * pred.shape[-1]
    return np.mean(pred, axis=(-2, -1)), np.full_like(pred, 1.0 / count)


def softmax_cross_entropy(logits: Array, labels: NDArray[np.integer]) -> tuple[Array, Array]:
    """Mean over the batch of -log softmax(logits)[label].

    ``logits`` is (S, B, C); ``labels`` holds class indices, shape (S, B) or (B,).
    Computed via log-sum-exp after subtracting the row maximum, so it never overflows.
    """
    batch, classes = logits.shape[-2], logits.shape[-1]
    labels = np.broadcast_to(labels, logits.shape[:-1])
    shifted = logits - logits.max(axis=-1, keepdims=True)
    exp = np.exp(shifted)
    total = exp.sum(axis=-1, keepdims=True)
    log_probs = shifted - np.log(total)
    picked = np.take_along_axis(log_probs, labels[..., None], axis=-1)[..., 0]
    one_hot = np.eye(classes, dtype=logits.dtype)[labels]
    grad = (exp / total - one_hot) / batch
    return -picked.mean(axis=-1), grad
