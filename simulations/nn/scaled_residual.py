"""A residual block whose branch is multiplied by a per-network scalar: y = x + alpha * body(x).

Three ways to start alpha, after the papers that studied why deep residual stacks blow up:
1 (the plain ResNet sum: each block adds the branch's variance, so the signal grows with
depth), 1/sqrt(depth) (the sum of depth branches then adds a bounded total variance), and 0
(SkipInit, De & Smith 2020; Fixup, Zhang et al. 2019, zero-initializes the branch's last
layer to the same effect: every block starts as the identity). alpha is a learnable
parameter of shape (S, 1, 1), one per network.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from simulations.nn.layers import Layer

Array = NDArray[np.floating]


class ScaledResidual(Layer):
    """y = x + alpha * body(x), with a learnable scalar alpha per network (seed)."""

    def __init__(self, body: Layer, alpha: Array) -> None:
        if alpha.ndim != 3 or alpha.shape[1:] != (1, 1):
            raise ValueError(f"alpha must be (S, 1, 1), got {alpha.shape}")
        self.body = body
        self.alpha = alpha
        self.alpha_grad = np.zeros_like(alpha)
        self._branch: Array | None = None

    def forward(self, x: Array) -> Array:
        branch = self.body.forward(x)
        if branch.shape != x.shape:
            raise ValueError(f"residual body changes shape {x.shape} -> {branch.shape}")
        self._branch = branch
        return x + self.alpha * branch

    def backward(self, dy: Array) -> Array:
        assert self._branch is not None, "backward before forward"
        self.alpha_grad = np.sum(dy * self._branch, axis=(1, 2), keepdims=True)
        return dy + self.body.backward(self.alpha * dy)

    def params(self) -> list[Array]:
        return [*self.body.params(), self.alpha]

    def grads(self) -> list[Array]:
        return [*self.body.grads(), self.alpha_grad]
