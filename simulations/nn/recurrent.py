"""Recurrent cells unrolled through time: plain tanh RNN, LSTM and GRU.

Layout (time-major, seeds batched): an input sequence is ``(T, S, B, n_in)`` —
time, seed, batch, feature — so ``x[t]`` is one time step of S independent
networks. ``forward(x)`` returns every hidden state, ``(T, S, B, H)``, and caches
what the backward pass needs; ``backward(dh)`` takes the loss gradient with
respect to each of those hidden states (zeros where the loss does not look),
runs backpropagation through time, returns ``dL/dx`` shaped like ``x`` and stores
parameter gradients shaped like the parameters. As for the layers in
:mod:`simulations.nn.layers`, ``params()`` and ``grads()`` list them in the same order.

Parameters, for G gate blocks (RNN 1, GRU 3, LSTM 4) of width H each:
``wx`` (S, n_in, G*H), ``wh`` (S, H, G*H), ``b`` (S, 1, G*H). The initial state is zero.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from simulations.nn.activations import sigmoid as _sigmoid
from simulations.nn.init import lecun, orthogonal

CellKind = Literal["rnn", "lstm", "gru"]
CELL_KINDS: tuple[CellKind, ...] = ("rnn", "lstm", "gru")


def _sum_outer(a: np.ndarray, d: np.ndarray) -> np.ndarray:
    """sum over t and b of a[t, s, b, :]^T d[t, s, b, :] -> (S, i, j), as one batched matmul."""
    steps, seeds, batch, n_a = a.shape
    a_flat = a.transpose(1, 3, 0, 2).reshape(seeds, n_a, steps * batch)
    d_flat = d.transpose(1, 0, 2, 3).reshape(seeds, steps * batch, d.shape[-1])
    return a_flat @ d_flat


def _check_input(x: np.ndarray, wx: np.ndarray) -> None:
    if x.ndim != 4 or x.shape[1] != wx.shape[0] or x.shape[3] != wx.shape[1]:
        raise ValueError(
            f"input must be (T, S={wx.shape[0]}, B, n_in={wx.shape[1]}), got {x.shape}"
        )


class _Cell:
    """Shared parameter bookkeeping; subclasses define the step and its gradient."""

    gates: int = 1

    def __init__(self, wx: np.ndarray, wh: np.ndarray, b: np.ndarray) -> None:
        seeds, hidden = wh.shape[0], wh.shape[1]
        width = self.gates * hidden
        if wx.shape[::2] != (seeds, width) or wh.shape != (seeds, hidden, width):
            raise ValueError(f"weights do not fit {self.gates} gate block(s) of width {hidden}")
        if b.shape != (seeds, 1, width):
            raise ValueError(f"bias must be ({seeds}, 1, {width}), got {b.shape}")
        self.hidden = hidden
        self.weights: dict[str, np.ndarray] = {"wx": wx, "wh": wh, "b": b}
        self.weight_grads = {name: np.zeros_like(value) for name, value in self.weights.items()}

        self._cache: tuple[np.ndarray, ...] | None = None

    def params(self) -> list[np.ndarray]:
        return list(self.weights.values())

    def grads(self) -> list[np.ndarray]:
        return list(self.weight_grads.values())

    def _cached(self) -> tuple[np.ndarray, ...]:
        if self._cache is None:
            raise RuntimeError("backward before forward")
        return self._cache

    def _start(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """x W_x + b for every time step at once, (T, S, B, G*H), and zeros for the hidden
        states h_0..h_T, (T+1, S, B, H): h_0 is the zero initial state, forward fills the rest."""
        _check_input(x, self.weights["wx"])
        gx = x @ self.weights["wx"] + self.weights["b"]
        return gx, np.zeros((x.shape[0] + 1, *gx.shape[1:-1], self.hidden))

    def _store_grads(
        self, x: np.ndarray, h_prev: np.ndarray, dgx: np.ndarray, dgh: np.ndarray
    ) -> np.ndarray:
        """Parameter gradients from the per-step pre-activation gradients; returns dL/dx."""
        self.weight_grads["wx"] = _sum_outer(x, dgx)
        self.weight_grads["wh"] = _sum_outer(h_prev, dgh)
        self.weight_grads["b"] = dgx.sum(axis=(0, 2))[:, None, :]
        return dgx @ self.weights["wx"].transpose(0, 2, 1)


class RNN(_Cell):
    """Elman cell: ``h_t = tanh(x_t W_x + h_{t-1} W_h + b)``."""

    gates = 1

    def forward(self, x: np.ndarray) -> np.ndarray:
        gx, h = self._start(x)
        wh = self.weights["wh"]
        for t in range(x.shape[0]):
            h[t + 1] = np.tanh(gx[t] + h[t] @ wh)
        self._cache = (x, h)
        return h[1:]

    def backward(self, dh_out: np.ndarray) -> np.ndarray:
        x, h = self._cached()
        wh_t = self.weights["wh"].transpose(0, 2, 1)
        dpre = np.empty_like(dh_out)
        carry = np.zeros_like(dh_out[0])
        for t in reversed(range(x.shape[0])):
            dpre[t] = (dh_out[t] + carry) * (1.0 - h[t + 1] ** 2)
            carry = dpre[t] @ wh_t
        return self._store_grads(x, h[:-1], dpre, dpre)


class LSTM(_Cell):
    """LSTM without peepholes; gate blocks in the order input, forget, candidate, output.

    ``c_t = f * c_{t-1} + i * g``, ``h_t = o * tanh(c_t)``. The cell state's
    additive path carries the gradient back through time scaled by the forget
    gate alone.
    """

    gates = 4

    def forward(self, x: np.ndarray) -> np.ndarray:
        gx, h = self._start(x)
        wh, n = self.weights["wh"], self.hidden
        c = np.zeros_like(h)
        acts = np.empty_like(gx)
        for t in range(x.shape[0]):
            pre = gx[t] + h[t] @ wh
            acts[t, ..., : 2 * n] = _sigmoid(pre[..., : 2 * n])
            acts[t, ..., 2 * n : 3 * n] = np.tanh(pre[..., 2 * n : 3 * n])
            acts[t, ..., 3 * n :] = _sigmoid(pre[..., 3 * n :])
            i, f, g, o = np.split(acts[t], 4, axis=-1)
            c[t + 1] = f * c[t] + i * g
            h[t + 1] = o * np.tanh(c[t + 1])
        self._cache = (x, h, c, acts)
        return h[1:]

    def backward(self, dh_out: np.ndarray) -> np.ndarray:
        x, h, c, acts = self._cached()
        wh_t = self.weights["wh"].transpose(0, 2, 1)
        dpre = np.empty_like(acts)
        dh_carry = np.zeros_like(dh_out[0])
        dc_carry = np.zeros_like(dh_out[0])
        for t in reversed(range(x.shape[0])):
            i, f, g, o = np.split(acts[t], 4, axis=-1)
            dh = dh_out[t] + dh_carry
            tanh_c = np.tanh(c[t + 1])
            dc = dc_carry + dh * o * (1.0 - tanh_c**2)
            dpre[t] = np.concatenate(
                [
                    dc * g * i * (1.0 - i),
                    dc * c[t] * f * (1.0 - f),
                    dc * i * (1.0 - g**2),
                    dh * tanh_c * o * (1.0 - o),
                ],
                axis=-1,
            )
            dc_carry = dc * f
            dh_carry = dpre[t] @ wh_t
        return self._store_grads(x, h[:-1], dpre, dpre)


class GRU(_Cell):
    """GRU in the PyTorch form, gate blocks reset, update, candidate.

    ``r = s(x W_xr + h W_hr + b_r)``, ``z = s(x W_xz + h W_hz + b_z)``,
    ``n = tanh(x W_xn + b_n + r * (h W_hn))``, ``h_t = (1 - z) * n + z * h_{t-1}``.
    (PyTorch also has a bias inside ``r * (...)``; it is left out here.)
    """

    gates = 3

    def forward(self, x: np.ndarray) -> np.ndarray:
        gx, h = self._start(x)
        wh, n = self.weights["wh"], self.hidden
        acts = np.empty_like(gx)  # r, z, candidate
        gh_n = np.empty_like(h[1:])  # h_{t-1} W_hn, needed for dr
        for t in range(x.shape[0]):
            gh = h[t] @ wh
            acts[t, ..., : 2 * n] = _sigmoid(gx[t, ..., : 2 * n] + gh[..., : 2 * n])
            gh_n[t] = gh[..., 2 * n :]
            r, z = acts[t, ..., :n], acts[t, ..., n : 2 * n]
            acts[t, ..., 2 * n :] = np.tanh(gx[t, ..., 2 * n :] + r * gh_n[t])
            h[t + 1] = (1.0 - z) * acts[t, ..., 2 * n :] + z * h[t]
        self._cache = (x, h, acts, gh_n)
        return h[1:]

    def backward(self, dh_out: np.ndarray) -> np.ndarray:
        x, h, acts, gh_n = self._cached()
        wh_t = self.weights["wh"].transpose(0, 2, 1)
        dgx = np.empty_like(acts)
        dgh = np.empty_like(acts)
        carry = np.zeros_like(dh_out[0])
        for t in reversed(range(x.shape[0])):
            r, z, cand = np.split(acts[t], 3, axis=-1)
            dh = dh_out[t] + carry
            d_cand = dh * (1.0 - z) * (1.0 - cand**2)
            d_r = d_cand * gh_n[t] * r * (1.0 - r)
            d_z = dh * (h[t] - cand) * z * (1.0 - z)
            dgx[t] = np.concatenate([d_r, d_z, d_cand], axis=-1)
            dgh[t] = np.concatenate([d_r, d_z, d_cand * r], axis=-1)
            carry = dh * z + dgh[t] @ wh_t
        return self._store_grads(x, h[:-1], dgx, dgh)


CELLS: dict[CellKind, type[_Cell]] = {"rnn": RNN, "lstm": LSTM, "gru": GRU}
Cell = RNN | LSTM | GRU


def make_cell(
    kind: CellKind,
    n_in: int,
    hidden: int,
    seeds: int,
    rng: np.random.Generator,
    *,
    spectral_radius: float = 1.0,
    gate_bias: float | None = None,
) -> Cell:
    """A cell for S seeds with the usual initialization (Keras' defaults).

    Input weights: LeCun normal (variance 1/n_in). Recurrent weights: each gate
    block an orthogonal matrix times ``spectral_radius``, so every eigenvalue has
    modulus exactly ``spectral_radius`` (1 = Keras' orthogonal default; above 1 is
    the exploding setup). Biases zero, except ``gate_bias`` on the LSTM forget
    gate (default 1.0, Keras' ``unit_forget_bias``, Jozefowicz et al. 2015) or on
    the GRU update gate (default 0.0, Keras' and PyTorch's zero bias). The plain
    RNN has no gate, so ``gate_bias`` must be None for it.
    """
    cls = CELLS[kind]
    if kind == "rnn" and gate_bias is not None:
        raise ValueError("a plain RNN has no gate to bias")
    wx = lecun(rng, (seeds, n_in, cls.gates * hidden), np.float64)
    blocks = spectral_radius * orthogonal(rng, (seeds, cls.gates, hidden, hidden), np.float64)
    wh = blocks.transpose(0, 2, 1, 3).reshape(seeds, hidden, cls.gates * hidden)
    b = np.zeros((seeds, 1, cls.gates * hidden))
    if kind == "lstm":
        b[..., hidden : 2 * hidden] = 1.0 if gate_bias is None else gate_bias
    elif kind == "gru":
        b[..., hidden : 2 * hidden] = 0.0 if gate_bias is None else gate_bias
    return cls(wx, wh, b)
