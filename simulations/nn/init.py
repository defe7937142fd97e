"""Weight initializers: each draws a stack of weight matrices from a numpy Generator.

Every initializer takes ``(rng, shape, dtype)`` with ``shape = (..., fan_in, fan_out)``,
typically ``(seeds, n_in, n_out)``: one independent matrix per seed, drawn in one call so
that the same Generator state gives bit-identical weights.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, get_args

import numpy as np
from numpy.typing import DTypeLike, NDArray

Array = NDArray[np.floating]
Initializer = Callable[[np.random.Generator, tuple[int, ...], DTypeLike], Array]

SMALL_STD = 0.01
LARGE_STD = 1.0


def _fans(shape: tuple[int, ...]) -> tuple[int, int]:
    if len(shape) < 2:
        raise ValueError(f"weight shape needs (..., fan_in, fan_out), got {shape}")
    return shape[-2], shape[-1]


def _normal(
    rng: np.random.Generator, shape: tuple[int, ...], std: float, dtype: DTypeLike
) -> Array:
    weights = rng.standard_normal(shape)
    weights *= std  # in place: these arrays are the largest a run allocates
    return weights.astype(dtype, copy=False)


def _uniform(
    rng: np.random.Generator, shape: tuple[int, ...], var: float, dtype: DTypeLike
) -> Array:
    # U(-a, a) has variance a^2 / 3.
    limit = np.sqrt(3.0 * var)
    return rng.uniform(-limit, limit, shape).astype(dtype, copy=False)


def small(rng: np.random.Generator, shape: tuple[int, ...], dtype: DTypeLike = np.float64) -> Array:
    """N(0, 0.01^2) whatever the fan-in: too small for deep nets."""
    return _normal(rng, shape, SMALL_STD, dtype)


def large(rng: np.random.Generator, shape: tuple[int, ...], dtype: DTypeLike = np.float64) -> Array:
    """N(0, 1) whatever the fan-in: too large for any width above a few units."""
    return _normal(rng, shape, LARGE_STD, dtype)


def xavier(
    rng: np.random.Generator, shape: tuple[int, ...], dtype: DTypeLike = np.float64
) -> Array:
    """Glorot/Xavier normal: variance 2 / (fan_in + fan_out)."""
    fan_in, fan_out = _fans(shape)
    return _normal(rng, shape, np.sqrt(2.0 / (fan_in + fan_out)), dtype)


def xavier_uniform(
    rng: np.random.Generator, shape: tuple[int, ...], dtype: DTypeLike = np.float64
) -> Array:
    """Glorot/Xavier uniform: same variance 2 / (fan_in + fan_out)."""
    fan_in, fan_out = _fans(shape)
    return _uniform(rng, shape, 2.0 / (fan_in + fan_out), dtype)


def lecun(rng: np.random.Generator, shape: tuple[int, ...], dtype: DTypeLike = np.float64) -> Array:
    """LeCun normal: variance 1 / fan_in."""
    fan_in, _ = _fans(shape)
    return _normal(rng, shape, np.sqrt(1.0 / fan_in), dtype)


def he(rng: np.random.Generator, shape: tuple[int, ...], dtype: DTypeLike = np.float64) -> Array:
    """He/Kaiming normal: variance 2 / fan_in (keeps ReLU signals level)."""
    fan_in, _ = _fans(shape)
    return _normal(rng, shape, np.sqrt(2.0 / fan_in), dtype)


def he_uniform(
    rng: np.random.Generator, shape: tuple[int, ...], dtype: DTypeLike = np.float64
) -> Array:
    """He/Kaiming uniform: variance 2 / fan_in."""
    fan_in, _ = _fans(shape)
    return _uniform(rng, shape, 2.0 / fan_in, dtype)


def orthogonal(
    rng: np.random.Generator, shape: tuple[int, ...], dtype: DTypeLike = np.float64
) -> Array:
    """A (semi-)orthogonal matrix per seed, gain 1 (Saxe et al. 2014).

    QR of a Gaussian matrix, with the signs of R's diagonal folded into Q so that Q is
    uniformly (Haar) distributed rather than biased by the QR convention.
    """
    fan_in, fan_out = _fans(shape)
    tall = (*shape[:-2], max(fan_in, fan_out), min(fan_in, fan_out))
    q, r = np.linalg.qr(rng.standard_normal(tall))
    q = q * np.sign(np.diagonal(r, axis1=-2, axis2=-1))[..., None, :]
    if fan_in < fan_out:
        q = np.swapaxes(q, -1, -2)
    return np.ascontiguousarray(q, dtype=dtype)


InitName = Literal[
    "small", "large", "xavier", "xavier_uniform", "lecun", "he", "he_uniform", "orthogonal"
]
"""The initializer names, as a type for experiment parameters."""

INITIALIZERS: dict[str, Initializer] = {
    "small": small,
    "large": large,
    "xavier": xavier,
    "xavier_uniform": xavier_uniform,
    "lecun": lecun,
    "he": he,
    "he_uniform": he_uniform,
    "orthogonal": orthogonal,
}


assert tuple(INITIALIZERS) == get_args(InitName)

DESCRIPTIONS: dict[str, str] = {
    "small": "N(0, 0.01^2)",
    "large": "N(0, 1)",
    "xavier": "Glorot normal, variance 2/(fan_in+fan_out)",
    "xavier_uniform": "Glorot uniform, variance 2/(fan_in+fan_out)",
    "lecun": "LeCun normal, variance 1/fan_in",
    "he": "He normal, variance 2/fan_in",
    "he_uniform": "He uniform, variance 2/fan_in",
    "orthogonal": "orthogonal, gain 1",
}
"""One line per initializer: its distribution, for claim statements and help texts."""


def get_initializer(name: str) -> Initializer:
    """The initializer called ``name``; a ValueError names the known ones."""
    try:
        return INITIALIZERS[name]
    except KeyError:
        raise ValueError(f"unknown init {name!r}; known: {', '.join(INITIALIZERS)}") from None
