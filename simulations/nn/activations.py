"""Activation functions and their derivatives, vectorized and safe for any finite input.

Each activation is a pair of pure functions of the pre-activation ``x``: its value
phi(x) and its derivative phi'(x). Both are elementwise, so they work on arrays of any
shape (e.g. ``(seeds, batch, units)``). None of them warns or returns NaN for large
``|x|``: the exponentials see non-positive arguments, except the sigmoid's, whose overflow
to inf gives the right limit 0 (and is silenced).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol, get_args

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.floating]

LEAKY_SLOPE = 0.01
"""Slope of leaky ReLU for negative inputs."""

# SELU constants (Klambauer et al. 2017): the self-normalizing fixed point mean 0, variance 1.
SELU_ALPHA = 1.6732632423543772
SELU_SCALE = 1.0507009873554805

# GELU, tanh approximation (Hendrycks & Gimpel 2016): 0.5 x (1 + tanh(c (x + k x^3))).
_GELU_C = np.sqrt(2.0 / np.pi)
_GELU_K = 0.044715
# Beyond |x| = 20 the tanh is exactly +-1 in float64, so clipping the cubic there changes
# nothing but keeps x^3 from overflowing.
_GELU_CLIP = 20.0


# The functions below work in place on their own temporaries: on large arrays, fresh
# allocations (and the page faults behind them) cost more than the arithmetic.


def _exp_neg_abs(x: Array) -> Array:
    """e^-|x| in a new array: in (0, 1], never overflows."""
    e = np.abs(x)
    np.negative(e, out=e)
    return np.exp(e, out=e)


def sigmoid(x: Array, out: Array | None = None) -> Array:
    """1 / (1 + e^-x), computed as written.

    Relatively accurate (a few ulp) for every x: for x < -709, e^-x overflows to inf and
    1 / (1 + inf) = 0, the right limit (the overflow is silenced here). It is also faster
    than the tanh form 0.5 + 0.5 tanh(x/2), which is only absolutely accurate (0 for
    x < -37): numpy's exp is about twice as fast as its tanh (0.8-1.0 vs 1.8-2.1 ms on 2^20
    float64), so the four passes here take 1.7-2.2 ms against 2.5-3.2 ms for the tanh form
    (best of 30, on the 2-core AVX-512 machine of docs/simulations.md).
    """
    s = np.negative(x, out=out)
    with np.errstate(over="ignore"):
        np.exp(s, out=s)
    s += 1.0
    return np.divide(1.0, s, out=s)


def sigmoid_derivative(x: Array) -> Array:
    """sigma(x) (1 - sigma(x)) = e^-|x| / (1 + e^-|x|)^2: symmetric, at most 1/4 (at 0)."""
    e = _exp_neg_abs(x)
    denominator = 1.0 + e
    denominator *= denominator
    e /= denominator
    return e


def tanh(x: Array, out: Array | None = None) -> Array:
    return np.tanh(x, out=out)


def tanh_derivative(x: Array) -> Array:
    """1 - tanh(x)^2, at most 1 (at 0)."""
    t = np.tanh(x)
    t *= t
    np.subtract(1.0, t, out=t)
    return t


def sigmoid_derivative_from_output(s: Array, out: Array | None = None) -> Array:
    """sigma' = s (1 - s) from s = sigma(x); absolute error ~1e-16, as torch computes it."""
    d = np.subtract(1.0, s, out=out)
    d *= s
    return d


def tanh_derivative_from_output(t: Array, out: Array | None = None) -> Array:
    """tanh' = 1 - t^2 from t = tanh(x)."""
    d = np.multiply(t, t, out=out)
    return np.subtract(1.0, d, out=d)


def relu_derivative_from_output(y: Array, out: Array | None = None) -> Array:
    """1 where relu(x) > 0, i.e. where x > 0: exact."""
    return np.greater(y, 0, out=np.empty_like(y) if out is None else out)


def relu(x: Array, out: Array | None = None) -> Array:
    return np.maximum(x, 0.0, out=out)


def relu_derivative(x: Array) -> Array:
    """1 for x > 0 and 0 otherwise (the subgradient 0 is taken at x = 0)."""
    return (x > 0).astype(x.dtype)


def _step(x: Array, low: float) -> Array:
    """1 where x > 0, ``low`` elsewhere (faster than np.where on large arrays)."""
    d = (x > 0).astype(x.dtype)
    d *= 1.0 - low
    d += low
    return d


def leaky_relu(x: Array, out: Array | None = None) -> Array:
    return np.maximum(x, LEAKY_SLOPE * x, out=out)  # the slope is below 1


def leaky_relu_derivative(x: Array) -> Array:
    return _step(x, LEAKY_SLOPE)


def elu(x: Array, out: Array | None = None) -> Array:
    """x for x > 0, e^x - 1 otherwise (alpha = 1)."""
    v = np.minimum(x, 0.0, out=out)
    np.expm1(v, out=v)
    v += np.maximum(x, 0.0)
    return v


def elu_derivative(x: Array) -> Array:
    """1 for x > 0, e^x otherwise: e^min(x, 0) is both at once."""
    d = np.minimum(x, 0.0)
    return np.exp(d, out=d)


def selu(x: Array, out: Array | None = None) -> Array:
    """scale * (x for x > 0, alpha (e^x - 1) otherwise)."""
    v = np.minimum(x, 0.0, out=out)
    np.expm1(v, out=v)
    v *= SELU_ALPHA
    v += np.maximum(x, 0.0)
    v *= SELU_SCALE
    return v


def selu_derivative(x: Array) -> Array:
    d = np.minimum(x, 0.0)
    np.exp(d, out=d)  # 1 for x > 0
    d *= _step(x, SELU_ALPHA)
    d *= SELU_SCALE
    return d


def _gelu_parts(x: Array, out: Array | None = None) -> tuple[Array, Array]:
    """The clipped input xc and t = tanh(c xc (1 + k xc^2)) (in ``out`` if given), shared by
    value and derivative."""
    xc = np.clip(x, -_GELU_CLIP, _GELU_CLIP)
    t = np.multiply(xc, xc, out=out)
    t *= _GELU_K
    t += 1.0
    t *= xc
    t *= _GELU_C
    return xc, np.tanh(t, out=t)


def gelu(x: Array, out: Array | None = None) -> Array:
    """GELU, tanh approximation: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))."""
    _, t = _gelu_parts(x, out)
    t += 1.0
    t *= x
    t *= 0.5
    return t


def gelu_derivative(x: Array) -> Array:
    """Exact derivative of the tanh approximation (not of the erf form):
    0.5 (1 + t) + 0.5 x (1 - t^2) c (1 + 3 k x^2)."""
    xc, t = _gelu_parts(x)
    d = xc * xc
    d *= 3.0 * _GELU_K
    d += 1.0
    d *= _GELU_C
    d *= xc
    sech2 = t * t
    np.subtract(1.0, sech2, out=sech2)
    d *= sech2
    d += 1.0
    d += t
    d *= 0.5
    return d


def swish(x: Array, out: Array | None = None) -> Array:
    """x sigma(x) (SiLU)."""
    s = sigmoid(x, out)
    s *= x
    return s


def swish_derivative(x: Array) -> Array:
    """sigma(x) + x sigma(x) (1 - sigma(x)) = sigma(x) (1 + x (1 - sigma(x)))."""
    s = sigmoid(x)
    d = 1.0 - s
    d *= x
    d += 1.0
    d *= s
    return d


class ArrayFunction(Protocol):
    """An elementwise function: a new array, or ``out`` filled and returned if given."""

    def __call__(self, x: Array, out: Array | None = None, /) -> Array: ...


@dataclass(frozen=True)
class Activation:
    """An elementwise nonlinearity: its value and its derivative.

    Both functions return a new array (never a view of the input): callers may modify it
    in place, as ActivationLayer.backward does. ``value(x, out)`` and
    ``derivative_from_output(y, out)`` write into ``out`` instead when it is given (an
    array shaped like the input, not the input itself). ``derivative_from_output``, where
    given, computes phi'(x) from y = phi(x) in fewer passes (equal to ``derivative`` up to
    an absolute error of ~1e-16); the exact ``derivative(x)`` is what experiments measure.
    """

    name: str
    value: ArrayFunction
    derivative: Callable[[Array], Array]
    derivative_from_output: ArrayFunction | None = None


ActivationName = Literal["sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "gelu", "swish"]
"""The activation names, as a type for experiment parameters."""

ACTIVATIONS: dict[str, Activation] = {
    activation.name: activation
    for activation in (
        Activation("sigmoid", sigmoid, sigmoid_derivative, sigmoid_derivative_from_output),
        Activation("tanh", tanh, tanh_derivative, tanh_derivative_from_output),
        Activation("relu", relu, relu_derivative, relu_derivative_from_output),
        Activation("leaky_relu", leaky_relu, leaky_relu_derivative),
        Activation("elu", elu, elu_derivative),
        Activation("selu", selu, selu_derivative),
        Activation("gelu", gelu, gelu_derivative),
        Activation("swish", swish, swish_derivative),
    )
}


assert tuple(ACTIVATIONS) == get_args(ActivationName)


def get_activation(name: str) -> Activation:
    """The activation called ``name``; a ValueError names the known ones."""
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ValueError(f"unknown activation {name!r}; known: {', '.join(ACTIVATIONS)}") from None
