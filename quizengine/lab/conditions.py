"""The conditions a claim is checked under: its link's values, then a sample of the rest.

Every experiment declares, per parameter, the values over which a statement that does not
name the parameter should still hold (``Experiment.conditions``). A link pins the parameters
it names; the others are *open*. A claim is checked at the link's values for several base
seeds, then at a deterministic sample of combinations of the open parameters' values.

The sample depends only on the experiment and on which parameters are open, never on the
pinned values: choices that leave the same parameters open are checked under the same
conditions, so a comparison and its baseline share them.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass

MAX_CANDIDATES = 20_000
"""Above this many combinations, values are drawn per parameter instead of enumerated."""


@dataclass(frozen=True)
class Sweep:
    """How widely to check: ``conditions`` sampled combinations and ``seeds`` base seeds."""

    conditions: int = 8
    seeds: int = 3

    @classmethod
    def quick(cls) -> Sweep:
        """The link's values at the base seed only."""
        return cls(conditions=0, seeds=1)


@dataclass(frozen=True)
class Condition:
    """Parameter values to set on top of the link's (the open ones only) and a base seed."""

    overrides: tuple[tuple[str, str], ...]
    seed: int

    @property
    def at_link_values(self) -> bool:
        return not self.overrides

    def describe(self) -> str:
        """``depth=20 width=64 seed 1``; ``the link's values, seed 0`` when nothing is changed."""
        values = " ".join(f"{k}={v}" for k, v in self.overrides) or "the link's values,"
        return f"{values} seed {self.seed}"


def open_parameters(ranges: Mapping[str, tuple[str, ...]], pinned: set[str]) -> list[str]:
    """Parameters with more than one declared value that the link does not name, sorted."""
    return sorted(name for name, values in ranges.items() if len(values) > 1 and name not in pinned)


def sample(
    name: str,
    ranges: Mapping[str, tuple[str, ...]],
    defaults: Mapping[str, str],
    pinned: set[str],
    count: int,
    valid: Callable[[dict[str, str]], bool] | None = None,
) -> list[dict[str, str]]:
    """Up to ``count`` distinct combinations of the open parameters' values, none equal to the
    defaults (the link's values are checked anyway), each accepted by ``valid`` (e.g. within
    the experiment's run-time limits). Deterministic for the experiment and open set."""
    names = open_parameters(ranges, pinned)
    if not names or count <= 0:
        return []
    rng = random.Random(f"{name}:{','.join(names)}")
    default = tuple(defaults[n] for n in names)
    size = 1
    for n in names:
        size *= len(ranges[n])
    if size <= MAX_CANDIDATES:
        candidates = [c for c in itertools.product(*(ranges[n] for n in names)) if c != default]
        rng.shuffle(candidates)
    else:
        candidates = [tuple(rng.choice(ranges[n]) for n in names) for _ in range(count * 20)]
    chosen: list[dict[str, str]] = []
    seen: set[tuple[str, ...]] = set()
    for combo in candidates:
        if combo in seen or combo == default:
            continue
        seen.add(combo)
        overrides = dict(zip(names, combo, strict=True))
        if valid is not None and not valid(overrides):
            continue
        chosen.append(overrides)
        if len(chosen) == count:
            break
    return chosen


def plan(
    name: str,
    ranges: Mapping[str, tuple[str, ...]],
    defaults: Mapping[str, str],
    pinned: set[str],
    sweep: Sweep,
    base_seed: int,
    valid: Callable[[dict[str, str]], bool] | None = None,
) -> list[Condition]:
    """The link's values at ``sweep.seeds`` base seeds, then the sampled conditions, the i-th
    at base seed ``base_seed + i % sweep.seeds`` (so every seed meets several conditions)."""
    seeds = max(sweep.seeds, 1)
    conditions = [Condition((), base_seed + i) for i in range(seeds)]
    for i, overrides in enumerate(sample(name, ranges, defaults, pinned, sweep.conditions, valid)):
        conditions.append(Condition(tuple(sorted(overrides.items())), base_seed + i % seeds))
    return conditions
