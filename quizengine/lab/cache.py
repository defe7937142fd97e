"""Simulation runs keyed by what determines them, cached on disk.

A run is determined by the simulation's source, its parameters (after validation, so defaults
and spellings like ``depth=30`` vs ``depth=030`` agree) and the base seed. The source is taken
as the whole ``simulations`` package: experiments share the toolkit, so any edit to it must
invalidate every cached result. Entries are written atomically (temp file + rename), so a
crash never leaves a half-written entry that a later run would trust.

An entry is trusted no more than the parse cache's: its first line is the sha256 of the rest, a
JSON document naming the run it holds (the key's digest) and the result, which must validate
as the experiment's ``Result`` of that simulation and seed. A damaged, edited, truncated,
misnamed or wrong-shaped entry is dropped and the run done again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from quizengine.safefile import NotReadable, read_regular_file

CACHE_ENV = "QUIZENGINE_CACHE"
MAX_ENTRY_BYTES = 64 * 1024 * 1024
"""A result's series are at most a few MB; anything larger is not an entry we wrote."""


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
        """The cached result of ``key``; None when missing or not to be trusted (then it is
        removed, so the run's fresh result replaces it)."""
        path = self._path(key)
        data = _read_bounded(path)
        if data is None:
            return None
        result = _verified(key, data)
        if result is None:
            with contextlib.suppress(OSError):
                path.unlink()
        return result

    def put(self, key: RunKey, result: dict[str, Any]) -> None:
        try:
            payload = json.dumps({"key": key.digest(), "result": result}).encode()
        except (TypeError, ValueError):
            return  # not JSON: nothing a later run could read back
        checksum = hashlib.sha256(payload).hexdigest().encode()
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(dir=self.root, suffix=".tmp")
            try:
                with os.fdopen(handle, "wb") as file:
                    file.write(checksum + b"\n" + payload)
                os.replace(temp, self._path(key))
            except BaseException:
                os.unlink(temp)  # no half-written temp files left behind
                raise
        except OSError:
            pass  # a cache that cannot be written only costs time


def _read_bounded(path: Path) -> bytes | None:
    try:
        return read_regular_file(path, MAX_ENTRY_BYTES)
    except NotReadable:
        return None  # missing, or not a file this cache wrote: run again


def _verified(key: RunKey, data: bytes) -> dict[str, Any] | None:
    """The result an entry holds, if its checksum, its key and its shape are right."""
    from pydantic import ValidationError

    from simulations.base import Result

    checksum, _, payload = data.partition(b"\n")
    if len(data) > MAX_ENTRY_BYTES or hashlib.sha256(payload).hexdigest().encode() != checksum:
        return None
    try:
        document = json.loads(payload)
    except ValueError:
        return None
    if not isinstance(document, dict) or document.get("key") != key.digest():
        return None
    result = document.get("result")
    try:
        parsed = Result.model_validate(result)
    except ValidationError:
        return None
    if parsed.simulation != key.simulation or parsed.seed != key.seed:
        return None
    return result if isinstance(result, dict) else None
