"""A small numpy neural-network toolkit with hand-written backpropagation.

Everything is batched over seeds: S independent networks run as one computation, with
weights of shape (S, n_in, n_out) and activations of shape (S, B, n). Modules:
:mod:`~simulations.nn.activations`, :mod:`~simulations.nn.init`,
:mod:`~simulations.nn.layers` (Dense, BatchNorm, Residual, ...),
:mod:`~simulations.nn.losses` and :mod:`~simulations.nn.mlp`.
"""

from __future__ import annotations

import numpy as np


def make_rng(seed: int) -> np.random.Generator:
    """The one Generator of a run: the same seed gives bit-identical results."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))
