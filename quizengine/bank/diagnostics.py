"""Errors and warnings that point at ``path:line:col``, compiler style."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict


def display_path(path: Path) -> str:
    """A path relative to the working directory when it lies below it, as compilers print."""
    # Not resolved: a symlink is shown by its own name, not its target's (a dangling one has
    # no target to show).
    try:
        return str(Path(os.path.abspath(path)).relative_to(Path.cwd().resolve()))
    except ValueError:
        pass
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


class Diagnostic(BaseModel):
    """One finding about a source file. Lines and columns are 1-based."""

    model_config = ConfigDict(frozen=True, defer_build=True)  # built on first validation

    path: str
    line: int = 1
    col: int = 1
    severity: Literal["error", "warning"] = "error"
    message: str

    def __str__(self) -> str:
        # The path and the message may quote a file's text: shown with stand-ins, never raw.
        from quizengine.safetext import shown

        text = f"{self.path}:{self.line}:{self.col}: {self.severity}: {self.message}"
        return shown(text)


class QuizFormatError(Exception):
    """A question file could not be turned into a question; carries every error found."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        assert diagnostics, "a QuizFormatError needs at least one diagnostic"
        self.diagnostics = diagnostics
        super().__init__("\n".join(str(d) for d in diagnostics))
