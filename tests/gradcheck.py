"""Central finite differences: the reference every hand-written backward pass is checked against."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

STEP = 1e-6
"""Step of the central differences: truncation error ~STEP**2, rounding error ~1e-16/STEP."""


def numeric_grad(f: Callable[[], float], x: np.ndarray) -> np.ndarray:
    """Central differences of the scalar f() with respect to every entry of x.

    Each entry of x is perturbed in place and restored, so f must read x (not a copy).
    """
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        saved = x[index]
        x[index] = saved + STEP
        plus = f()
        x[index] = saved - STEP
        minus = f()
        x[index] = saved
        grad[index] = (plus - minus) / (2 * STEP)
    return grad


def rel_error(a: np.ndarray, b: np.ndarray) -> float:
    """||a - b|| / (||a|| + ||b||), 0 when both are 0."""
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300))


def check_layer(
    layer: Any, x: np.ndarray, rng: np.random.Generator, tolerance: float = 1e-6
) -> None:
    """A layer's backward pass against central differences: dL/dx and every parameter gradient
    of L = sum(layer(x) * R), R random (drawn from ``rng``), within ``tolerance`` relative error."""
    weights = rng.standard_normal(layer.forward(x).shape)

    def loss() -> float:
        return float(np.sum(layer.forward(x) * weights))

    layer.forward(x)
    dx = layer.backward(weights)
    analytic = [dx, *[g.copy() for g in layer.grads()]]
    numeric = [numeric_grad(loss, x), *[numeric_grad(loss, p) for p in layer.params()]]
    for a, n in zip(analytic, numeric, strict=True):
        assert a.shape == n.shape
        assert rel_error(a, n) < tolerance
