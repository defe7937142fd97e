"""Axes for plots of simulation series: the points, a y range with a margin, and ticks (whole
decades on a log axis, round values on a linear one, whole numbers for positions)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

X_SERIES = "x"
"""A series of this name holds the x values of the other series of its length (inputs of an
activation, say); without it, series are plotted against positions 1..n (layers, steps)."""


def x_values(series: Mapping[str, Sequence[float]], name: str) -> list[float] | None:
    """The x values of series ``name``, or None when it has none but its positions."""
    xs = series.get(X_SERIES)
    if name != X_SERIES and xs is not None and len(xs) == len(series.get(name, ())):
        return list(xs)
    return None


def plotted_names(series: Mapping[str, object], main: Sequence[str]) -> list[str]:
    """The series worth a plot, the main ones first (never the x values themselves)."""
    names = list(main) + [s for s in series if s not in main]
    return [n for n in names if n != X_SERIES]


def log_points(
    values: Sequence[float], xs: Sequence[float] | None = None
) -> tuple[list[float], list[float]]:
    """(x, log10 value) of the positive, finite values (zeros cannot be drawn); x is the
    1-based position unless ``xs`` gives the x values."""
    positions: Sequence[float] = xs if xs is not None else range(1, len(values) + 1)
    pairs = zip(positions, values, strict=False)
    points = [(x, math.log10(v)) for x, v in pairs if v > 0 and math.isfinite(v)]
    return [x for x, _ in points], [y for _, y in points]


def linear_points(
    values: Sequence[float], xs: Sequence[float] | None = None
) -> tuple[list[float], list[float]]:
    """(x, value) of the finite values; x as in :func:`log_points`."""
    positions: Sequence[float] = xs if xs is not None else range(1, len(values) + 1)
    points = [(x, v) for x, v in zip(positions, values, strict=False) if math.isfinite(v)]
    return [x for x, _ in points], [y for _, y in points]


def padded_range(values: Sequence[float], margin: float = 0.08) -> tuple[float, float]:
    """A y range holding every value with ``margin`` of the span free above and below, so no
    line runs along the frame (a flat series gets ±0.5, or ±10 % of its size)."""
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return 0.0, 1.0
    low, high = min(finite), max(finite)
    span = high - low
    if span == 0:
        pad = 0.1 * abs(low) or 0.5
        return low - pad, high + pad
    return low - margin * span, high + margin * span


def nice_ticks(low: float, high: float, max_ticks: int = 6) -> list[float]:
    """Round ticks (1, 2, 2.5 or 5 times a power of ten apart) inside [low, high], at most about
    ``max_ticks`` of them: ``-10, -5, 0, 5, 10`` for inputs over [-10, 10]."""
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        return [low] if math.isfinite(low) else []
    raw = (high - low) / max(1, max_ticks - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    ticks = []
    k = math.ceil(low / step - 1e-9)
    while k * step <= high + 1e-9 * step:
        ticks.append(round(k * step, 12) + 0.0)
        k += 1
    return ticks


def tick_label(value: float) -> str:
    return f"{value:g}"


def decade_ticks(lows_highs: Sequence[float], max_ticks: int = 7) -> tuple[list[float], list[str]]:
    """Ticks at whole decades covering the log10 values given, labelled ``1e-5``: one per
    power of ten when ``max_ticks`` allows (the panel passes what its height holds)."""
    if not lows_highs:
        return [], []
    low, high = math.floor(min(lows_highs)), math.ceil(max(lows_highs))
    if high == low:
        high = low + 1
    step = max(1, math.ceil((high - low) / (max_ticks - 1)))
    ticks = [float(d) for d in range(low, high + 1, step)]
    return ticks, [f"1e{int(t)}" if t else "1" for t in ticks]


def index_ticks(n: int, max_ticks: int = 6) -> list[int]:
    """Whole-number ticks for positions 1..n (layers, time steps), at most about ``max_ticks``."""
    step = max(1, math.ceil(n / max_ticks))
    return list(range(1, n + 1, step))


def format_value(value: float) -> str:
    return f"{value:.3g}"


@dataclass(frozen=True)
class Axes:
    """The y range and both axes' ticks and labels of one plot."""

    y_range: tuple[float, float]
    y_ticks: list[float]
    y_labels: list[str]
    x_ticks: list[float]
    x_labels: list[str] | None
    """None for positions: whole numbers, which the plot labels as they are."""


def plot_axes(
    xs: Sequence[float], ys: Sequence[float], *, log: bool, real_x: bool, rows: int
) -> Axes:
    """The axes for points ``xs``, ``ys`` (log10 values when ``log``) in ``rows`` rows: a y range
    holding the data with a margin, y ticks as many as the rows allow (one per power of ten on
    a log axis), the x axis in the experiment's own values when ``real_x``, else positions."""
    if log:
        y_ticks, y_labels = decade_ticks(ys, max_ticks=rows)
        y_range = padded_range([*ys, y_ticks[0], y_ticks[-1]], margin=0.04)
    else:
        y_range = padded_range(ys)
        y_ticks = nice_ticks(*y_range, max_ticks=max(3, rows // 2))
        y_labels = [tick_label(t) for t in y_ticks]
    if real_x:
        x_ticks = nice_ticks(min(xs), max(xs))
        return Axes(y_range, y_ticks, y_labels, x_ticks, [tick_label(t) for t in x_ticks])
    return Axes(y_range, y_ticks, y_labels, list(index_ticks(int(max(xs)))), None)
