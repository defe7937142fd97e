"""The contract every experiment follows: typed parameters in, a typed result out.

An experiment is a pure function of its parameters and a base seed. Its result
holds named scalar metrics, named series, and the claims it can decide; each
claim states its conditions and threshold in words and carries the numbers
behind its verdict.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict


class Params(BaseModel):
    """Base class of every experiment's parameters: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Claim(BaseModel):
    """A statement the experiment decides, with the numbers behind the verdict."""

    model_config = ConfigDict(frozen=True)

    id: str
    statement: str
    holds: bool
    evidence: dict[str, float] = {}
    """Named numbers behind the verdict (measured values and thresholds)."""


class Result(BaseModel):
    """What one run of an experiment produced. Its JSON form is a stable contract."""

    model_config = ConfigDict(frozen=True)

    simulation: str
    params: dict[str, Any]
    seed: int
    metrics: dict[str, float]
    series: dict[str, list[float]]
    claims: list[Claim]
    notes: list[str] = []
    """Outcomes worth telling in words, e.g. "exploded at step 12"."""

    def claim(self, claim_id: str) -> Claim:
        for claim in self.claims:
            if claim.id == claim_id:
                return claim
        raise KeyError(claim_id)


@dataclass(frozen=True)
class Experiment:
    """A registered experiment: its name, parameters, the claims and metrics it yields."""

    name: str
    summary: str
    params: type[Params]
    run: Callable[[Any, int], Result]
    """``run(params, seed)``: deterministic for a given seed."""
    claims: dict[str, str] = field(default_factory=dict)
    """Claim id -> one-line description, known without running."""
    metrics: dict[str, str] = field(default_factory=dict)
    """Metric name -> one-line description, known without running."""
    main_series: tuple[str, ...] = ()
    """The series worth plotting first (e.g. gradient norm per layer)."""
    log_scale: bool = True
    """Whether the main series reads best on a log scale."""
    comparison: dict[str, str] = field(default_factory=dict)
    """What a second run is compared against by default (the TUI's simulation panel): the
    parameters worth switching, in order of preference, each with the value to switch to,
    usually the remedy the questions are about."""
    conditions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Parameter -> the values (as a link writes them) over which a statement that does not
    name the parameter should still hold; ``verify`` samples them. A single value (the
    default) says the parameter is part of the scenario: held there unless a link names it."""
