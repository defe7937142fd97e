"""Simulation runs keyed by what determines them, cached on disk.

A run is determined by the simulation's source, its parameters (after validation, so defaults
and spellings like ``depth=30`` vs ``depth=030`` agree) and the base seed. The source is taken
as the whole ``simulations`` package: experiments share the toolkit, so any edit to it must
invalidate every cached result. Entries are written atomically (temp file + rename), so a
crash never leaves a half-written entry that a later run would trust.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

CACHE_ENV = "QUIZENGINE_CACHE"


@dataclass(frozen=True)
class RunKey:
    """One simulation run: name, validated parameters (JSON-able, sorted) and seed."""

    simulation: str
    params_json: str
    seed: int

    @property
    def params(self) -> dict[str, Any]:
        return json.loads(self.params_json)

    def digest(self) -> str:
        text = f"{source_fingerprint()}\n{self.simulation}\n{self.params_json}\n{self.seed}"
        return hashlib.sha256(text.encode()).hexdigest()


def run_key(simulation: str, raw_params: dict[str, str], seed: int) -> RunKey:
    """Validate the parameters (raises registry.SimulationError) and build the key."""
    from simulations import registry

    experiment = registry.get(simulation)
    params = registry.parse_params(experiment, raw_params).model_dump(mode="json")
    return RunKey(simulation, json.dumps(params, sort_keys=True), seed)


@cache
def source_fingerprint() -> str:
    """sha256 over every Python file of the simulations package, by relative path."""
    import simulations

    root = Path(simulations.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def default_cache_dir() -> Path:
    if override := os.environ.get(CACHE_ENV):
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("quizengine"))


class ResultCache:
    """Results of simulation runs as JSON files under ``root/runs``."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = (root or default_cache_dir()) / "runs"

    def _path(self, key: RunKey) -> Path:
        return self.root / f"{key.digest()}.json"

    def get(self, key: RunKey) -> dict[str, Any] | None:
        try:
            return json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None  # missing or unreadable: run again

    def put(self, key: RunKey, result: dict[str, Any]) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(dir=self.root, suffix=".tmp")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as file:
                    json.dump(result, file)
                os.replace(temp, self._path(key))
            except BaseException:
                os.unlink(temp)  # no half-written temp files left behind
                raise
        except OSError:
            pass  # a cache that cannot be written only costs time
