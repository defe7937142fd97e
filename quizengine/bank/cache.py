"""Parsed question files cached on disk, so the TUI does not parse an unchanged bank again.

Parsing the bundled bank costs ~80 ms at start-up: importing markdown-it, PyYAML and pydantic's
validators, then parsing each file. A cached file costs a stat, a read and a sha256 instead.

One cache file per bank (its resolved roots, so starting from another directory reuses it)
under ``<cache dir>/bank/``. Its first line is the sha256 of the rest, a JSON document holding
the fingerprint of the code that parses and, per question file (by resolved path), the path
shown in messages (relative to the working directory), size, mtime, sha256 and what parsing it
gave (the question and its warnings, or the errors). An entry is used only when all of these
match the file now; anything else, a damaged, truncated or foreign cache file included, is
ignored and the file is parsed again.
The entries were dumped from validated models, so they are rebuilt with ``model_construct``
(no second validation); the checksum and the code fingerprint make sure they are exactly what
was dumped by this code. Writes are atomic (temp file + rename).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sys
import tempfile
import types
import typing
from collections.abc import Callable
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from quizengine.bank.diagnostics import Diagnostic, QuizFormatError
from quizengine.bank.model import QUESTION_CLASSES, Question
from quizengine.safefile import NotReadable, read_regular_file

FORMAT = 2
"""Bumped when the layout of a cache file changes (2: a question's class is told by its type)."""
MAX_CACHE_BYTES = 256 * 1024 * 1024
"""Far above any bank's cache; a larger file (or a device, a FIFO) is not one this code wrote."""
# The modules whose code decides what a file parses to, ours and the libraries'.
# Dotted names under quizengine/: the bank package's parsing modules and the shared helpers
# they import.
_OWN_MODULES = (
    "bank.load",
    "bank.cache",
    "bank.claimexpr",
    "bank.diagnostics",
    "bank.frontmatter",
    "bank.images",
    "bank.model",
    "bank.parser",
    "bank.simlink",
    "safefile",
    "safetext",
)
_LIBRARIES = ("markdown_it", "mdit_py_plugins", "yaml", "pydantic", "pydantic_core")

Parse = Callable[[str, bytes], tuple[Question, list[Diagnostic]]]
"""Parse a file's bytes, given the path shown in messages; raises QuizFormatError."""


@cache
def code_fingerprint() -> str:
    """sha256 over our parsing modules' source and the installed libraries' locations and
    mtimes: editing the parser or upgrading markdown-it invalidates every entry."""
    digest = hashlib.sha256(f"{FORMAT} {sys.version}".encode())
    package = Path(__file__).parent.parent  # quizengine/
    for name in _OWN_MODULES:
        try:
            digest.update((package / f"{name.replace('.', '/')}.py").read_bytes())
        except OSError:
            digest.update(f"no {name}".encode())
    for name in _LIBRARIES:
        spec = find_spec(name)  # finds the package without importing it
        origin = spec.origin if spec is not None else None
        try:
            info = os.stat(origin) if origin else None
        except OSError:
            info = None
        stamp = f"{origin} {info.st_size} {info.st_mtime_ns}" if info else "missing"
        digest.update(f"{name} {stamp}".encode())
    return digest.hexdigest()


def cache_file(roots: list[Path], cache_dir: Path) -> Path:
    key = json.dumps([str(root.resolve()) for root in roots])
    return cache_dir / "bank" / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.json"


def read_entries(path: Path) -> dict[str, dict[str, Any]]:
    """The entries of a cache file; empty when it is missing, damaged or from other code."""
    try:
        data = read_regular_file(path, MAX_CACHE_BYTES)
        checksum, _, payload = data.partition(b"\n")
        if len(data) > MAX_CACHE_BYTES or hashlib.sha256(payload).hexdigest().encode() != checksum:
            return {}
        document = json.loads(payload)
    except (NotReadable, ValueError, RecursionError):
        return {}
    if not isinstance(document, dict) or document.get("code") != code_fingerprint():
        return {}
    files = document.get("files")
    return files if isinstance(files, dict) else {}


def write_entries(path: Path, entries: dict[str, dict[str, Any]]) -> None:
    document = {"code": code_fingerprint(), "files": entries}
    try:
        payload = json.dumps(document, default=_to_json).encode()
        checksum = hashlib.sha256(payload).hexdigest().encode()
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(checksum + b"\n" + payload)
            os.replace(temp, path)
        except BaseException:
            os.unlink(temp)
            raise
    except (OSError, TypeError, ValueError):
        pass  # a cache that cannot be written (or a value JSON cannot hold) only costs time


class BankCache:
    """Parse results of one bank's files; :meth:`load` one file, then :meth:`save`."""

    def __init__(self, roots: list[Path], cache_dir: Path) -> None:
        self.path = cache_file(roots, cache_dir)
        self._old = read_entries(self.path)
        self._new: dict[str, dict[str, Any]] = {}
        self._changed = False

    def load(
        self, path: Path, shown: str, data: bytes, parse: Parse
    ) -> tuple[Question, list[Diagnostic]]:
        """What ``parse(shown, data)`` gives for the file at ``path``, from the cache when the
        file is unchanged; raises QuizFormatError as ``parse`` does (errors are cached too)."""
        try:
            info = path.stat()
        except OSError:
            return parse(shown, data)  # gone since it was read: nothing to key an entry on
        # What the entry must match: the path shown in messages and the file's content. The
        # sha256 is of the bytes parsed, so a change between the stat and the read is caught.
        stamp = [shown, info.st_size, info.st_mtime_ns, hashlib.sha256(data).hexdigest()]
        key = str(path.resolve())
        entry = self._old.get(key)
        if isinstance(entry, dict) and entry.get("stamp") == stamp:
            try:
                result = _decode(entry["result"])
            except (AttributeError, KeyError, TypeError, ValueError):
                result = None  # well-formed JSON of the wrong shape: parse again
            if result is not None:
                self._new[key] = entry
                return _unpack(result)
        self._changed = True
        try:
            question, warnings = parse(shown, data)
        except QuizFormatError as error:
            result = (None, error.diagnostics)
        else:
            result = (question, warnings)
        self._new[key] = {"stamp": stamp, "result": _encode(result)}
        return _unpack(result)

    def save(self) -> None:
        """Write the entries of the files loaded since, if any was parsed or has gone."""
        if self._changed or self._new.keys() != self._old.keys():
            write_entries(self.path, self._new)


_Result = tuple[Question | None, list[Diagnostic]]
"""A question and its warnings, or None and the errors."""


def _unpack(result: _Result) -> tuple[Question, list[Diagnostic]]:
    question, diagnostics = result
    if question is None:
        raise QuizFormatError(diagnostics)
    return question, diagnostics


def _encode(result: _Result) -> dict[str, Any]:
    question, diagnostics = result
    return {
        "question": None if question is None else _dump(question),
        "diagnostics": [_dump(d) for d in diagnostics],
    }


def _decode(data: dict[str, Any]) -> _Result:
    question = data["question"]
    diagnostics = [construct(Diagnostic, d) for d in data["diagnostics"]]
    if question is None and not diagnostics:
        raise ValueError("an entry without a question needs its errors")
    return (None if question is None else _construct_question(question)), diagnostics


def _construct_question(data: dict[str, Any]) -> Question:
    """The question class its ``type`` names, rebuilt as :func:`construct` does."""
    if not isinstance(data, dict) or data.get("type") not in QUESTION_CLASSES:
        raise ValueError("a cached question needs a known type")
    result: Question = construct(QUESTION_CLASSES[data["type"]], data)
    return result


def _dump(model: BaseModel) -> dict[str, Any]:
    # Only the fields that were set: rebuilt with model_construct, the defaults come back and
    # model_fields_set is the same as the parsed model's. Python mode, not pydantic's JSON
    # mode, which would turn an infinite float into null.
    return model.model_dump(exclude_unset=True)


def _to_json(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot cache a {type(value).__name__}")


def construct(model: type[BaseModel], data: dict[str, Any]) -> Any:
    """``model`` from its JSON dump without validating it again, nested models included."""
    if not isinstance(data, dict):
        raise TypeError(f"{model.__name__}: expected an object, got {type(data).__name__}")
    builders = _builders(model)
    if missing := _required(model) - data.keys():  # model_construct would leave them unset
        raise ValueError(f"{model.__name__}: missing {', '.join(sorted(missing))}")
    return model.model_construct(**{name: builders[name](value) for name, value in data.items()})


@cache
def _required(model: type[BaseModel]) -> frozenset[str]:
    return frozenset(name for name, field in model.model_fields.items() if field.is_required())


@cache
def _builders(model: type[BaseModel]) -> dict[str, Callable[[Any], Any]]:
    return {name: _builder(field.annotation) for name, field in model.model_fields.items()}


def _builder(annotation: Any) -> Callable[[Any], Any]:
    """Turns a field's JSON value back into the Python value validation would have made."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return _builder(args[0])
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return lambda value: construct(annotation, value)
    if origin is list:
        item = _builder(args[0])
        return lambda value: [item(v) for v in value]
    if origin in (typing.Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        if len(options) != 1:
            raise TypeError(f"cannot rebuild a union of several types: {annotation}")
        inner = _builder(options[0])
        return lambda value: None if value is None else inner(value)
    if annotation is dt.date:
        return dt.date.fromisoformat
    # str, int, float, bool, Literal[...], dict[str, str]: JSON gives them back as they were.
    return lambda value: value
