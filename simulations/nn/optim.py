"""Optimizers (SGD, Adam) and gradient clipping, batched over seeds.

Every parameter and gradient carries the seed axis first: a weight of one network
is ``(n_in, n_out)``, of S networks ``(S, n_in, n_out)``. The S networks are
independent, so everything "global" here — the global norm, the clipping factor —
is computed per seed, over all of that seed's parameters, never across seeds.

An optimizer updates the parameter arrays in place and returns the update it
applied (``new - old``), so an experiment can measure update norms without
recomputing them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

Arrays = Sequence[np.ndarray]


def _per_seed_sum(array: np.ndarray) -> np.ndarray:
    """Sum over every axis except the first (the seed axis): shape (S,)."""
    return array.reshape(array.shape[0], -1).sum(axis=1)


def global_norm(grads: Arrays) -> np.ndarray:
    """The L2 norm of each seed's gradients taken together, shape (S,).

    Squares overflow above ~1e154, so a seed whose plain sum of squares is inf is
    recomputed after dividing by its largest entry: the norm is inf or NaN only when a
    gradient entry is (the network already overflowed), never merely because it is big,
    so clipping still rescales a huge but finite gradient.
    """
    if not grads:
        raise ValueError("global_norm needs at least one gradient array")
    with np.errstate(over="ignore", invalid="ignore"):
        norms = np.sqrt(sum(_per_seed_sum(grad * grad) for grad in grads))
        redo = np.isinf(norms)
        if redo.any():
            rows = [grad[redo].reshape(int(redo.sum()), -1) for grad in grads]
            scale = np.max([np.max(np.abs(row), axis=1) for row in rows], axis=0)
            finite = np.isfinite(scale)
            safe = np.where(finite, scale, 1.0)[:, None]
            scaled = np.sqrt(sum(np.sum((row / safe) ** 2, axis=1) for row in rows))
            norms[redo] = np.where(finite, scaled * safe[:, 0], np.inf)
    return norms


def _broadcast_per_seed(values: np.ndarray, like: np.ndarray) -> np.ndarray:
    """Reshape a (S,) vector so it multiplies an array whose first axis is the seed."""
    return values.reshape((-1,) + (1,) * (like.ndim - 1))


def clip_by_global_norm(grads: Arrays, max_norm: float) -> tuple[list[np.ndarray], np.ndarray]:
    """Scale each seed's gradients so that their global norm is at most ``max_norm``.

    The direction is kept: a seed whose norm exceeds the cap is multiplied by
    ``max_norm / norm`` as a whole; the others are left as they are. Returns the
    clipped gradients and the norms before clipping, shape (S,). A seed whose norm
    is not finite is left unscaled (there is no direction to keep); callers report
    it as overflow.
    """
    if not max_norm > 0:
        raise ValueError(f"max_norm must be positive, got {max_norm}")
    norms = global_norm(grads)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(np.isfinite(norms) & (norms > max_norm), max_norm / norms, 1.0)
    clipped = [grad * _broadcast_per_seed(scale, grad) for grad in grads]
    return clipped, norms


def clip_by_value(grads: Arrays, limit: float) -> list[np.ndarray]:
    """Cap every gradient entry to [-limit, limit] (this changes the direction)."""
    if not limit > 0:
        raise ValueError(f"limit must be positive, got {limit}")
    return [np.clip(grad, -limit, limit) for grad in grads]


class SGD:
    """Plain stochastic gradient descent: ``p <- p - lr * g``."""

    def __init__(self, lr: float) -> None:
        if not lr > 0:
            raise ValueError(f"learning rate must be positive, got {lr}")
        self.lr = lr

    def step(self, params: Arrays, grads: Arrays) -> list[np.ndarray]:
        _check_shapes(params, grads)
        updates = []
        with np.errstate(over="ignore", invalid="ignore"):
            for param, grad in zip(params, grads, strict=True):
                update = -self.lr * grad
                param += update
                updates.append(update)
        return updates


class Adam:
    """Adam (Kingma & Ba 2015) with bias-corrected first and second moments.

    ``m <- b1 m + (1-b1) g``, ``v <- b2 v + (1-b2) g^2``,
    ``p <- p - lr * m_hat / (sqrt(v_hat) + eps)`` with ``m_hat = m / (1-b1^t)``,
    ``v_hat = v / (1-b2^t)``. The moments are created on the first step, shaped
    like the parameters, so one optimizer serves one fixed list of parameters.
    """

    def __init__(
        self, lr: float, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8
    ) -> None:
        if not lr > 0:
            raise ValueError(f"learning rate must be positive, got {lr}")
        if not (0 <= beta1 < 1 and 0 <= beta2 < 1):
            raise ValueError(f"betas must lie in [0, 1), got {beta1}, {beta2}")
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.t = 0
        self.m: list[np.ndarray] = []
        self.v: list[np.ndarray] = []

    def step(self, params: Arrays, grads: Arrays) -> list[np.ndarray]:
        _check_shapes(params, grads)
        if not self.m:
            self.m = [np.zeros_like(param) for param in params]
            self.v = [np.zeros_like(param) for param in params]
        elif len(self.m) != len(params):
            raise ValueError("Adam was created for a different list of parameters")
        self.t += 1
        correction1 = 1 - self.beta1**self.t
        correction2 = 1 - self.beta2**self.t
        updates = []
        with np.errstate(over="ignore", invalid="ignore"):
            for param, grad, m, v in zip(params, grads, self.m, self.v, strict=True):
                m *= self.beta1
                m += (1 - self.beta1) * grad
                v *= self.beta2
                v += (1 - self.beta2) * grad * grad
                update = -self.lr * (m / correction1) / (np.sqrt(v / correction2) + self.eps)
                param += update
                updates.append(update)
        return updates


def _check_shapes(params: Arrays, grads: Arrays) -> None:
    if len(params) != len(grads):
        raise ValueError(f"{len(params)} parameters but {len(grads)} gradients")
    for param, grad in zip(params, grads, strict=True):
        if param.shape != grad.shape:
            raise ValueError(f"parameter shape {param.shape} != gradient shape {grad.shape}")
