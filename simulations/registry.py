"""Experiments by name, loaded on first use so that importing this module stays cheap."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from simulations.base import Experiment, Params, Result

# name -> module that defines ``EXPERIMENT``. Adding an experiment is one line here.
_MODULES: dict[str, str] = {
    "gradient-flow": "simulations.gradient_flow",
    "training-dynamics": "simulations.training_dynamics",
    "activation-derivatives": "simulations.activation_derivatives",
    "dead-relu": "simulations.dead_relu",
    "rnn-bptt": "simulations.rnn_bptt",
    "exploding": "simulations.exploding",
    "residual-scaling": "simulations.residual_scaling",
    "dead-recovery": "simulations.dead_recovery",
    "layerwise-pretraining": "simulations.layerwise_pretraining",
}


class SimulationError(ValueError):
    """A bad experiment name or parameter; the message names what is allowed."""


def names() -> list[str]:
    """The registered experiment names, sorted."""
    return sorted(_MODULES)


def get(name: str) -> Experiment:
    """The experiment called ``name``; raises SimulationError naming the known ones."""
    module_name = _MODULES.get(name)
    if module_name is None:
        raise SimulationError(f"unknown simulation {name!r}; known: {', '.join(names())}")
    experiment = importlib.import_module(module_name).EXPERIMENT
    assert isinstance(experiment, Experiment)
    return experiment


def parse_params(experiment: Experiment, raw: Mapping[str, Any]) -> Params:
    """Validate raw (often string) values into the experiment's typed parameters."""
    fields = experiment.params.model_fields
    for key in raw:
        if key not in fields:
            raise SimulationError(
                f"unknown parameter {key!r} for {experiment.name}; allowed: {', '.join(fields)}"
            )
    try:
        return experiment.params.model_validate(dict(raw))
    except ValidationError as error:
        raise SimulationError(describe_validation_error(experiment.name, error)) from None


def describe_validation_error(name: str, error: ValidationError) -> str:
    """One line per problem: ``gradient-flow: depth: Input should be ...``."""
    lines = []
    for problem in error.errors(include_url=False):
        where = ".".join(str(part) for part in problem["loc"])
        value = f" (got {problem['input']!r})" if where and "input" in problem else ""
        lines.append(f"{name}: {where + ': ' if where else ''}{problem['msg']}{value}")
    return "; ".join(lines)


def link_value(value: Any) -> str:
    """A parameter value as a link writes it (``true``, ``30``, ``0.01``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return f"{value:g}" if isinstance(value, float) else str(value)


def defaults(experiment: Experiment) -> dict[str, str]:
    """Every parameter's default, as a link writes it."""
    return {name: link_value(f.default) for name, f in experiment.params.model_fields.items()}


def condition_ranges(experiment: Experiment) -> dict[str, tuple[str, ...]]:
    """Every parameter's declared condition values; an undeclared one is held at its default."""
    held = defaults(experiment)
    return {name: tuple(experiment.conditions.get(name, (held[name],))) for name in held}


def run(name: str, raw_params: Mapping[str, Any] | None = None, seed: int = 0) -> Result:
    """Run an experiment by name with raw parameters."""
    experiment = get(name)
    params = parse_params(experiment, raw_params or {})
    return experiment.run(params, seed)
