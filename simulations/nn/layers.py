"""Layers with a hand-written backward pass, batched over independent networks (seeds).

Arrays carry a leading seed axis: activations are ``(S, B, n)`` (seeds, batch, units) and
a dense weight is ``(S, n_in, n_out)``, so ``x @ W`` runs S networks as one batched
matmul. A layer's ``forward(x)`` caches what its backward needs; ``backward(dy)`` takes
dL/dy, stores the parameter gradients (shaped like the parameters, overwritten on each
call) and returns dL/dx. ``params()`` and ``grads()`` list them in the same order.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import DTypeLike, NDArray

from simulations.nn.activations import Activation, get_activation
from simulations.nn.init import get_initializer
from simulations.nn.parallel import seedwise

Array = NDArray[np.floating]


def _transpose(a: Array) -> Array:
    """Swap the last two axes (a view: BLAS reads it as a transposed operand)."""
    return np.swapaxes(a, -1, -2)


def _matmul(a: Array, b: Array) -> Array:
    """a @ b for stacks of matrices, seed groups in parallel (simulations.nn.parallel)."""
    shape = (*np.broadcast_shapes(a.shape[:-2], b.shape[:-2]), a.shape[-2], b.shape[-1])
    out = np.empty(shape, dtype=np.result_type(a, b))
    if a.ndim < 3 or a.shape[:-2] != b.shape[:-2]:
        return np.matmul(a, b, out=out)  # a single matrix, or broadcasting: one call
    return seedwise(lambda o, x, y: np.matmul(x, y, out=o), out, a, b)


class Layer:
    """Base class: a differentiable map with optional parameters."""

    def forward(self, x: Array) -> Array:
        raise NotImplementedError

    def backward(self, dy: Array) -> Array:
        raise NotImplementedError

    def params(self) -> list[Array]:
        return []

    def grads(self) -> list[Array]:
        return []

    def seed_slice(self, lo: int, hi: int) -> Layer:
        """Networks ``lo`` to ``hi - 1`` as a layer of their own: its parameters are views of
        this layer's (an update through one is seen by the other), its gradients and forward
        caches its own, so that groups of seeds can run forward and backward side by side."""
        raise NotImplementedError


class Dense(Layer):
    """y = x W (+ b), with W of shape (S, n_in, n_out) and b of shape (S, 1, n_out)."""

    def __init__(self, weight: Array, bias: Array | None = None) -> None:
        self.weight = weight
        self.bias = bias
        # np.zeros, not zeros_like: calloc'd pages cost nothing until backward overwrites
        # them, and a seed slice of a deep network is made for every run (seed_slice).
        self.weight_grad = np.zeros(weight.shape, weight.dtype)
        self.bias_grad = None if bias is None else np.zeros(bias.shape, bias.dtype)
        self._x: Array | None = None

    @classmethod
    def create(
        cls,
        rng: np.random.Generator,
        seeds: int,
        n_in: int,
        n_out: int,
        init: str,
        *,
        bias: bool = False,
        dtype: DTypeLike = np.float64,
    ) -> Dense:
        """Weights from the named initializer; a bias, if any, starts at zero."""
        weight = get_initializer(init)(rng, (seeds, n_in, n_out), dtype)
        return cls(weight, np.zeros((seeds, 1, n_out), dtype=dtype) if bias else None)

    @property
    def last_input(self) -> Array | None:
        """The input of the last forward pass (the previous layer's output a_{l-1})."""
        return self._x

    def forward(self, x: Array) -> Array:
        self._x = x
        y = _matmul(x, self.weight)
        if self.bias is not None:
            y += self.bias
        return y

    def backward(self, dy: Array) -> Array:
        assert self._x is not None, "backward before forward"
        self.weight_grad = _matmul(_transpose(self._x), dy)
        if self.bias is not None:
            self.bias_grad = dy.sum(axis=1, keepdims=True)
        return _matmul(dy, _transpose(self.weight))

    def params(self) -> list[Array]:
        return [self.weight] if self.bias is None else [self.weight, self.bias]

    def seed_slice(self, lo: int, hi: int) -> Dense:
        return Dense(self.weight[lo:hi], None if self.bias is None else self.bias[lo:hi])

    def grads(self) -> list[Array]:
        if self.bias_grad is None:
            return [self.weight_grad]
        return [self.weight_grad, self.bias_grad]


class ActivationLayer(Layer):
    """a = phi(h) elementwise; caches h (and a) for phi'(h).

    Where the activation can compute phi' from its output (sigmoid, tanh, relu), backward
    does so, as autograd frameworks do: fewer passes over the array, and a is kept alive
    anyway as the next layer's input.
    """

    def __init__(self, activation: Activation | str) -> None:
        self.activation = get_activation(activation) if isinstance(activation, str) else activation
        self.last_input: Array | None = None
        """The pre-activation h of the last forward pass (e.g. to measure saturation)."""
        self.last_output: Array | None = None

    def forward(self, x: Array) -> Array:
        self.last_input = x
        value = self.activation.value
        self.last_output = seedwise(lambda out, x: value(x, out), np.empty_like(x), x)
        return self.last_output

    def backward(self, dy: Array) -> Array:
        assert self.last_input is not None and self.last_output is not None, "backward first"
        from_output = self.activation.derivative_from_output
        derivative = self.activation.derivative

        def kernel(out: Array, y: Array, h: Array, dy: Array) -> None:
            d = from_output(y, out) if from_output is not None else derivative(h)
            np.multiply(d, dy, out=out)

        dx = np.empty_like(self.last_output)
        return seedwise(kernel, dx, self.last_output, self.last_input, dy)

    def seed_slice(self, lo: int, hi: int) -> ActivationLayer:
        return ActivationLayer(self.activation)


class BatchNorm(Layer):
    """Batch normalization in training mode: statistics over the batch axis (axis 1).

    y = gamma (x - mean) / sqrt(var + eps) + beta, per seed and unit, with the biased
    batch variance; gamma starts at 1 and beta at 0, each of shape (S, 1, n).
    """

    def __init__(
        self, seeds: int, n: int, *, eps: float = 1e-5, dtype: DTypeLike = np.float64
    ) -> None:
        self.gamma = np.ones((seeds, 1, n), dtype=dtype)
        self.beta = np.zeros((seeds, 1, n), dtype=dtype)
        self.gamma_grad = np.zeros_like(self.gamma)
        self.beta_grad = np.zeros_like(self.beta)
        self.eps = eps
        self._xhat: Array | None = None
        self._inv_std: Array | None = None

    def forward(self, x: Array) -> Array:
        mean = x.mean(axis=1, keepdims=True)
        centered = x - mean
        var = np.mean(centered * centered, axis=1, keepdims=True)
        self._inv_std = 1.0 / np.sqrt(var + self.eps)
        self._xhat = centered * self._inv_std
        return self.gamma * self._xhat + self.beta

    def backward(self, dy: Array) -> Array:
        assert self._xhat is not None and self._inv_std is not None, "backward before forward"
        xhat = self._xhat
        self.gamma_grad = np.sum(dy * xhat, axis=1, keepdims=True)
        self.beta_grad = dy.sum(axis=1, keepdims=True)
        dxhat = dy * self.gamma
        # The mean and variance depend on every example of the batch, hence the two
        # batch-mean terms that project out the directions the normalization removes.
        return self._inv_std * (
            dxhat
            - dxhat.mean(axis=1, keepdims=True)
            - xhat * np.mean(dxhat * xhat, axis=1, keepdims=True)
        )

    def params(self) -> list[Array]:
        return [self.gamma, self.beta]

    def seed_slice(self, lo: int, hi: int) -> BatchNorm:
        part = BatchNorm(hi - lo, self.gamma.shape[-1], eps=self.eps, dtype=self.gamma.dtype)
        part.gamma, part.beta = self.gamma[lo:hi], self.beta[lo:hi]
        return part

    def grads(self) -> list[Array]:
        return [self.gamma_grad, self.beta_grad]


class Sequential(Layer):
    """Layers applied in order; backward runs them in reverse."""

    def __init__(self, layers: Sequence[Layer]) -> None:
        self.layers = list(layers)

    def forward(self, x: Array) -> Array:
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, dy: Array) -> Array:
        for layer in reversed(self.layers):
            dy = layer.backward(dy)
        return dy

    def params(self) -> list[Array]:
        return [p for layer in self.layers for p in layer.params()]

    def grads(self) -> list[Array]:
        return [g for layer in self.layers for g in layer.grads()]


class Residual(Layer):
    """y = x + body(x): the identity path carries dL/dy straight through to dL/dx."""

    def __init__(self, body: Layer) -> None:
        self.body = body

    def forward(self, x: Array) -> Array:
        y = self.body.forward(x)
        if y.shape != x.shape:
            raise ValueError(f"residual body changes shape {x.shape} -> {y.shape}")
        return x + y

    def backward(self, dy: Array) -> Array:
        return dy + self.body.backward(dy)

    def params(self) -> list[Array]:
        return self.body.params()

    def grads(self) -> list[Array]:
        return self.body.grads()
