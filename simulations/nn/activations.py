"""Activation functions and their derivatives, vectorized and safe for any finite input.

Each activation is a pair of pure functions of the pre-activation ``x``: its value
phi(x) and its derivative phi'(x). Both are elementwise, so they work on arrays of any
shape (e.g. ``(seeds, batch, units)``). None of them overflows for large ``|x|``: the
exponentials only ever see non-positive arguments.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, get_args

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


def sigmoid(x: Array) -> Array:
    """1 / (1 + e^-x), as 0.5 + 0.5 tanh(x/2) (the identity XLA uses for its logistic).

    Never overflows, and is accurate to ~1e-16 in absolute terms; it is not *relatively*
    accurate below that (it returns 0 for x < -37, where e^x < 1e-16), which no use here
    needs. Three times faster than the exp-based form on large arrays.
    """
    s = x * 0.5
    np.tanh(s, out=s)
    s *= 0.5
    s += 0.5
    return s


def sigmoid_derivative(x: Array) -> Array:
    """sigma(x) (1 - sigma(x)) = e^-|x| / (1 + e^-|x|)^2: symmetric, at most 1/4 (at 0)."""
    e = _exp_neg_abs(x)
    denominator = 1.0 + e
    denominator *= denominator
    e /= denominator
    return e


def tanh(x: Array) -> Array:
    return np.tanh(x)


def tanh_derivative(x: Array) -> Array:
    """1 - tanh(x)^2, at most 1 (at 0)."""
    t = np.tanh(x)
    t *= t
    np.subtract(1.0, t, out=t)
    return t


def sigmoid_derivative_from_output(s: Array) -> Array:
    """sigma' = s (1 - s) from s = sigma(x); absolute error ~1e-16, as torch computes it."""
    d = 1.0 - s
    d *= s
    return d


def tanh_derivative_from_output(t: Array) -> Array:
    """tanh' = 1 - t^2 from t = tanh(x)."""
    d = t * t
    np.subtract(1.0, d, out=d)
    return d


def relu_derivative_from_output(y: Array) -> Array:
    """1 where relu(x) > 0, i.e. where x > 0: exact."""
    return (y > 0).astype(y.dtype)


def relu(x: Array) -> Array:
    return np.maximum(x, 0.0)


def relu_derivative(x: Array) -> Array:
    """1 for x > 0 and 0 otherwise (the subgradient 0 is taken at x = 0)."""
    return (x > 0).astype(x.dtype)


def _step(x: Array, low: float) -> Array:
    """1 where x > 0, ``low`` elsewhere (faster than np.where on large arrays)."""
    d = (x > 0).astype(x.dtype)
    d *= 1.0 - low
    d += low
    return d


def leaky_relu(x: Array) -> Array:
    return np.maximum(x, LEAKY_SLOPE * x)  # the slope is below 1


def leaky_relu_derivative(x: Array) -> Array:
    return _step(x, LEAKY_SLOPE)


def elu(x: Array) -> Array:
    """x for x > 0, e^x - 1 otherwise (alpha = 1)."""
    v = np.minimum(x, 0.0)
    np.expm1(v, out=v)
    v += np.maximum(x, 0.0)
    return v


def elu_derivative(x: Array) -> Array:
    """1 for x > 0, e^x otherwise: e^min(x, 0) is both at once."""
    d = np.minimum(x, 0.0)
    return np.exp(d, out=d)


def selu(x: Array) -> Array:
    """scale * (x for x > 0, alpha (e^x - 1) otherwise)."""
    v = np.minimum(x, 0.0)
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


def _gelu_parts(x: Array) -> tuple[Array, Array]:
    """The clipped input xc and t = tanh(c xc (1 + k xc^2)), shared by value and derivative."""
    xc = np.clip(x, -_GELU_CLIP, _GELU_CLIP)
    t = xc * xc
    t *= _GELU_K
    t += 1.0
    t *= xc
    t *= _GELU_C
    return xc, np.tanh(t, out=t)


def gelu(x: Array) -> Array:
    """GELU, tanh approximation: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))."""
    _, t = _gelu_parts(x)
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


def swish(x: Array) -> Array:
    """x sigma(x) (SiLU)."""
    s = sigmoid(x)
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


@dataclass(frozen=True)
class Activation:
    """An elementwise nonlinearity: its value and its derivative.

    Both functions return a new array (never a view of the input): callers may modify it
    in place, as ActivationLayer.backward does. ``derivative_from_output``, where given,
    computes phi'(x) from y = phi(x) in fewer passes (equal to ``derivative`` up to an
    absolute error of ~1e-16); the exact ``derivative(x)`` is what experiments measure.
    """

    name: str
    value: Callable[[Array], Array]
    derivative: Callable[[Array], Array]
    derivative_from_output: Callable[[Array], Array] | None = None


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
