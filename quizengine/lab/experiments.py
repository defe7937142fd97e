"""The one door to ``simulations/``: describe an experiment, resolve a link, run it.

- :func:`describe`: an experiment's parameters (types, limits, defaults, choices), claims,
  metrics, plotting hints and the comparison it proposes, as plain data.
- :func:`resolve`: a simulation name, raw (text) parameters and a seed, validated once into a
  :class:`~quizengine.lab.cache.RunKey`, the cache's key and everything a run needs.
- :func:`run`: the typed result of a resolved run, from the run cache when it has it.

No other module of quizengine imports ``simulations`` (an import-linter contract). Importing
this module is cheap: the simulations (and numpy) load inside the calls. The simulation panel
calls :func:`run_simulation` from a thread worker, never on the start-up path.
"""

from __future__ import annotations

import json
import time
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, get_args, get_origin

from quizengine.lab.cache import ResultCache, RunKey

if TYPE_CHECKING:
    from pydantic import BaseModel

    from simulations.base import Experiment, Result

ParamKind = Literal["choice", "int", "float", "text"]


class ExperimentError(ValueError):
    """An unknown or unavailable simulation, or a bad parameter: the message says which."""


def names() -> list[str]:
    """The registered simulation names, sorted (no experiment is imported)."""
    from simulations import registry

    return registry.names()


def catalogue() -> list[tuple[str, str]]:
    """Every registered simulation with its one-line summary (or why it is not available)."""
    from simulations import registry

    entries = []
    for name in registry.names():
        try:
            summary = registry.get(name).summary
        except ImportError as error:  # an experiment still being written
            summary = f"(not available: {error})"
        entries.append((name, summary))
    return entries


def _experiment(name: str) -> Experiment:
    """The experiment called ``name`` (imports its module, and so numpy)."""
    from simulations import registry

    try:
        return registry.get(name)
    except registry.SimulationError as error:
        raise ExperimentError(str(error)) from None
    except ImportError as error:
        raise ExperimentError(f"simulation {name!r} is not available: {error}") from None


# --- describe -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParamSpec:
    """One parameter of an experiment, as a form field (and a line of ``simulate --help``)."""

    name: str
    kind: ParamKind
    default: str
    options: tuple[str, ...] = ()
    description: str = ""
    type_text: str = field(default="", compare=False)
    """The type in words: ``int``, ``one of: a, b``, ``true/false``, ``float | None``."""
    limits: str = field(default="", compare=False)
    """Bounds as ``2 <= x <= 500``; empty when there are none."""
    default_text: str = field(default="", compare=False)
    """The default as help shows it, ``None`` included (``default`` leaves None empty)."""


@dataclass(frozen=True)
class Description:
    """What an experiment is, known without running it."""

    name: str
    summary: str
    params: list[ParamSpec]
    params_doc: str
    """The parameters' docstring: limits on products of parameters, which fields cannot show."""
    claims: dict[str, str]
    metrics: dict[str, str]
    main_series: tuple[str, ...]
    log_scale: bool
    comparison: dict[str, str]
    """The parameters worth switching for a second run, in order of preference, each with the
    value to switch to (the experiment's own choice: the engine knows no topic)."""
    conditions: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False)
    """Every parameter's declared condition values (as a link writes them): verify samples
    those with more than one when a link leaves them open."""
    defaults: dict[str, str] = field(default_factory=dict, compare=False)
    """Every parameter's default, as a link writes it."""


def describe(name: str) -> Description:
    """The experiment called ``name``, described; ExperimentError for an unknown one."""
    from simulations import registry

    experiment = _experiment(name)
    return Description(
        name=experiment.name,
        summary=experiment.summary,
        params=param_specs(experiment.params),
        params_doc=(experiment.params.__doc__ or "").strip(),
        claims=dict(experiment.claims),
        metrics=dict(experiment.metrics),
        main_series=tuple(experiment.main_series),
        log_scale=experiment.log_scale,
        comparison=dict(experiment.comparison),
        conditions=registry.condition_ranges(experiment),
        defaults=registry.defaults(experiment),
    )


def param_text(value: object) -> str:
    """A parameter value as a form and a link write it (``true``, not ``True``)."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def type_text(annotation: Any) -> str:
    """A parameter's type in words: ``int``, ``one of: a, b``, ``true/false``."""
    if typing.get_origin(annotation) is typing.Literal:
        return "one of: " + ", ".join(str(v) for v in typing.get_args(annotation))
    if annotation is bool:
        return "true/false"
    if isinstance(annotation, type):
        return annotation.__name__
    if isinstance(annotation, types.UnionType):
        return " | ".join(type_text(arg) for arg in typing.get_args(annotation))
    return str(annotation)


def limits_text(metadata: list[Any]) -> str:
    """Bounds from Field(ge=, le=, gt=, lt=) as ``2 <= x <= 500``."""
    low = high = ""
    for item in metadata:
        for attr, sign in (("ge", "<="), ("gt", "<")):
            if getattr(item, attr, None) is not None:
                low = f"{getattr(item, attr):g} {sign} "
        for attr, sign in (("le", "<="), ("lt", "<")):
            if getattr(item, attr, None) is not None:
                high = f" {sign} {getattr(item, attr):g}"
    return f"{low}x{high}" if low or high else ""


def param_specs(model: type[BaseModel]) -> list[ParamSpec]:
    """Form fields from a pydantic Params model: Literal and bool become choices."""
    specs = []
    for name, info in model.model_fields.items():
        annotation = info.annotation
        # An empty field means "the default"; None (e.g. an optional bias) has no text form.
        default = "" if info.is_required() or info.default is None else param_text(info.default)
        words = {
            "description": info.description or "",
            "type_text": type_text(annotation),
            "limits": limits_text(info.metadata),
            "default_text": param_text(info.default),
        }
        if get_origin(annotation) is Literal:
            options = tuple(param_text(a) for a in get_args(annotation))
            specs.append(ParamSpec(name, "choice", default, options, **words))
        elif annotation is bool:
            specs.append(ParamSpec(name, "choice", default, ("false", "true"), **words))
        elif annotation is int:
            specs.append(ParamSpec(name, "int", default, (), **words))
        elif annotation is float:
            specs.append(ParamSpec(name, "float", default, (), **words))
        else:
            specs.append(ParamSpec(name, "text", default, (), **words))
    return specs


def default_comparison(
    specs: Sequence[ParamSpec], values: Mapping[str, str], preferred: Mapping[str, str]
) -> dict[str, str]:
    """A second configuration worth plotting next to ``values``: one choice changed.

    The parameters the experiment prefers (``preferred``, in order) come first, switched to the
    value it names, or, when that is the current value already, to the first other option;
    then any other choice.
    """
    choices = {s.name: s for s in specs if s.kind == "choice" and len(s.options) > 1}
    ordered = [n for n in preferred if n in choices] + [n for n in choices if n not in preferred]
    for name in ordered:
        spec = choices[name]
        current = values.get(name, spec.default)
        wanted = preferred.get(name)
        if wanted in spec.options and wanted != current:
            return {name: wanted}
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


def format_value(value: float) -> str:
    return f"{value:.3g}"


# --- resolve and run ----------------------------------------------------------------------------


def resolve(simulation: str, raw_params: Mapping[str, Any], seed: int) -> RunKey:
    """Validate the parameters, once, into the run's key; ExperimentError names what is wrong."""
    from simulations import registry

    try:
        experiment = registry.get(simulation)
        params = registry.parse_params(experiment, raw_params).model_dump(mode="json")
    except registry.SimulationError as error:
        raise ExperimentError(str(error)) from None
    return RunKey(simulation, json.dumps(params, sort_keys=True), seed)


def run(key: RunKey, cache: ResultCache | None = None) -> Result:
    """The result of a resolved run: from ``cache`` when it holds it, else run (and cached).

    Blocking and CPU-bound (numpy releases the GIL): call it from a worker.
    """
    from simulations import registry
    from simulations.base import Result

    if cache is not None and (hit := cache.get(key)) is not None:
        return Result.model_validate(hit)
    experiment = registry.get(key.simulation)
    # The key's parameters were validated by resolve(): model_validate only rebuilds them.
    result = experiment.run(experiment.params.model_validate(key.params), key.seed)
    if cache is not None:
        cache.put(key, result.model_dump(mode="json"))
    return result


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
    name: str,
    values: Mapping[str, str],
    overrides: Mapping[str, str],
    seed: int,
    cache: ResultCache | None = None,
) -> SimRun:
    """Run ``name`` with ``values``, and again with ``overrides`` applied when there are any.

    Blocking and CPU-bound: call it from a thread worker. Raises ExperimentError for an unknown
    name or a bad parameter.
    """
    started = time.perf_counter()
    described = describe(name)
    result = run(resolve(name, values, seed), cache)
    comparison = run(resolve(name, {**values, **overrides}, seed), cache) if overrides else None
    return SimRun(
        name=name,
        summary=described.summary,
        specs=described.params,
        main_series=described.main_series or tuple(result.series),
        log_scale=described.log_scale,
        claim_texts=described.claims,
        metric_texts=described.metrics,
        result=result,
        comparison=comparison,
        overrides=dict(overrides),
        seconds=time.perf_counter() - started,
    )
