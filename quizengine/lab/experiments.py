"""What the simulation panel needs from an experiment, as plain data: no Textual, no numpy.

The panel's worker calls :func:`run_simulation` in a thread; importing the simulations (and so
numpy) happens there, never on the start-up path.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, get_args, get_origin

if TYPE_CHECKING:
    from pydantic import BaseModel

    from simulations.base import Result

ParamKind = Literal["choice", "int", "float", "text"]
# Compared against when the link does not say: the remedy most questions are about.
PREFERRED_COMPARISON = {"activation": "relu", "init": "he", "cell": "lstm"}


@dataclass(frozen=True)
class ParamSpec:
    """One parameter of an experiment, as a form field."""

    name: str
    kind: ParamKind
    default: str
    options: tuple[str, ...] = ()
    description: str = ""


def param_text(value: object) -> str:
    """A parameter value as a form and a link write it (``true``, not ``True``)."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def param_specs(model: type[BaseModel]) -> list[ParamSpec]:
    """Form fields from a pydantic Params model: Literal and bool become choices."""
    specs = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        # An empty field means "the default"; None (e.g. an optional bias) has no text form.
        default = "" if field.is_required() or field.default is None else param_text(field.default)
        description = field.description or ""
        if get_origin(annotation) is Literal:
            options = tuple(param_text(a) for a in get_args(annotation))
            specs.append(ParamSpec(name, "choice", default, options, description))
        elif annotation is bool:
            specs.append(ParamSpec(name, "choice", default, ("false", "true"), description))
        elif annotation is int:
            specs.append(ParamSpec(name, "int", default, (), description))
        elif annotation is float:
            specs.append(ParamSpec(name, "float", default, (), description))
        else:
            specs.append(ParamSpec(name, "text", default, (), description))
    return specs


def default_comparison(specs: Sequence[ParamSpec], values: Mapping[str, str]) -> dict[str, str]:
    """A second configuration worth plotting next to ``values``: one choice changed.

    The activation (then init, then cell) is preferred, switched to the usual remedy (ReLU, He,
    LSTM), or, when that is the current value already, to the first other option.
    """
    choices = {s.name: s for s in specs if s.kind == "choice" and len(s.options) > 1}
    ordered = [n for n in PREFERRED_COMPARISON if n in choices] + [
        n for n in choices if n not in PREFERRED_COMPARISON
    ]
    for name in ordered:
        spec = choices[name]
        current = values.get(name, spec.default)
        preferred = PREFERRED_COMPARISON.get(name)
        if preferred in spec.options and preferred != current:
            return {name: preferred}
        for option in spec.options:
            if option != current:
                return {name: option}
    return {}


def parse_overrides(text: str) -> dict[str, str]:
    """``activation=relu depth=10`` (or joined by ``&``) → a dict; ValueError names a bad pair."""
    overrides: dict[str, str] = {}
    for pair in text.replace("&", " ").split():
        key, sep, value = pair.partition("=")
        if not sep or not key or not value:
            raise ValueError(
                f"write the comparison as key=value pairs, e.g. activation=relu (got {pair!r})"
            )
        overrides[key] = value
    return overrides


def format_overrides(overrides: Mapping[str, object]) -> str:
    return " ".join(f"{k}={param_text(v)}" for k, v in overrides.items())


def config_label(params: Mapping[str, object], keys: Sequence[str]) -> str:
    """``activation=sigmoid``: a run's values of the keys its comparison changes."""
    return format_overrides({k: params.get(k) for k in keys}) or "this run"


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
    """Round ticks (1, 2 or 5 times a power of ten apart) inside [low, high], at most about
    ``max_ticks`` of them: ``-10, -5, 0, 5, 10`` for inputs over [-10, 10]."""
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        return [low] if math.isfinite(low) else []
    raw = (high - low) / max(1, max_ticks - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.ceil(low / step - 1e-9)
    ticks = []
    k = first
    while k * step <= high + 1e-9 * step:
        ticks.append(round(k * step, 12) + 0.0)
        k += 1
    return ticks


def tick_label(value: float) -> str:
    return f"{value:g}"


def index_ticks(n: int, max_ticks: int = 6) -> list[int]:
    """Whole-number ticks for positions 1..n (layers, time steps), at most about ``max_ticks``."""
    step = max(1, math.ceil(n / max_ticks))
    return list(range(1, n + 1, step))


def format_value(value: float) -> str:
    return f"{value:.3g}"


@dataclass(frozen=True)
class SimRun:
    """A finished run: the experiment's form, the result, and the comparison's result."""

    name: str
    summary: str
    specs: list[ParamSpec]
    main_series: tuple[str, ...]
    log_scale: bool
    claim_texts: dict[str, str]
    metric_texts: dict[str, str]
    result: Result
    comparison: Result | None
    overrides: dict[str, str]
    seconds: float


def run_simulation(
    name: str, values: Mapping[str, str], overrides: Mapping[str, str], seed: int
) -> SimRun:
    """Run ``name`` with ``values``, and again with ``overrides`` applied when there are any.

    Blocking and CPU-bound (numpy releases the GIL): call it from a thread worker. Raises
    ``simulations.registry.SimulationError`` for an unknown name or a bad parameter.
    """
    from simulations import registry

    started = time.perf_counter()
    experiment = registry.get(name)
    result = registry.run(name, dict(values), seed)
    comparison = registry.run(name, {**values, **overrides}, seed) if overrides else None
    return SimRun(
        name=name,
        summary=experiment.summary,
        specs=param_specs(experiment.params),
        main_series=experiment.main_series or tuple(result.series),
        log_scale=experiment.log_scale,
        claim_texts=dict(experiment.claims),
        metric_texts=dict(experiment.metrics),
        result=result,
        comparison=comparison,
        overrides=dict(overrides),
        seconds=time.perf_counter() - started,
    )


def load_specs(name: str) -> tuple[str, list[ParamSpec]]:
    """The experiment's summary and form fields (imports it: call from a worker too)."""
    from simulations import registry

    experiment = registry.get(name)
    return experiment.summary, param_specs(experiment.params)
