"""Axes for plots of simulation series: log-scale points and whole-decade or whole-number ticks."""

from __future__ import annotations

import math
from collections.abc import Sequence


def log_points(values: Sequence[float]) -> tuple[list[int], list[float]]:
    """(1-based index, log10 value) of the positive, finite values (zeros cannot be drawn)."""
    points = [(i, math.log10(v)) for i, v in enumerate(values, 1) if v > 0 and math.isfinite(v)]
    return [i for i, _ in points], [y for _, y in points]


def decade_ticks(lows_highs: Sequence[float], max_ticks: int = 7) -> tuple[list[float], list[str]]:
    """Ticks at whole decades covering the log10 values given, labelled ``1e-5``."""
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
