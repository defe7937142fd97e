"""Load a bank of question files: every valid question, and a finding for every broken file.

One broken file never stops the others from loading.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from quizengine.diagnostics import Diagnostic, QuizFormatError
from quizengine.model import Bank, Question
from quizengine.parser import parse_question, read_question_file

BANK_ENV = "QUIZENGINE_BANK"
_SKIPPED_NAMES = {"readme.md", "index.md"}


def default_bank_path() -> Path:
    """The bundled bank: ``$QUIZENGINE_BANK``, the checkout's quizzes/, or the installed copy."""
    if override := os.environ.get(BANK_ENV):
        return Path(override)
    package = Path(__file__).resolve().parent
    checkout = package.parent / "quizzes"
    if checkout.is_dir():
        return checkout
    return package / "bundled_quizzes"  # where pyproject.toml installs quizzes/


def question_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Markdown files named by ``paths`` (folders searched recursively), in a stable order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p
                for p in path.rglob("*.md")
                if p.is_file()
                and p.name.lower() not in _SKIPPED_NAMES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            yield path


def display_path(path: Path) -> str:
    """A path relative to the working directory when it lies below it, as compilers print."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load_question(path: Path) -> tuple[Question, list[Diagnostic]]:
    """Read and parse one file; raises QuizFormatError (with an I/O error as a diagnostic too)."""
    shown = display_path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        reason = error.strerror or str(error)
        raise QuizFormatError(
            [Diagnostic(path=shown, message=f"cannot read file: {reason}")]
        ) from None
    parsed = parse_question(read_question_file(shown, data), shown)
    return parsed.question, parsed.warnings


def load_bank(paths: Iterable[Path] | None = None) -> Bank:
    """Load every question under ``paths`` (default: the bundled bank)."""
    roots = [default_bank_path()] if paths is None else list(paths)
    questions: list[Question] = []
    diagnostics: list[Diagnostic] = []
    first_by_id: dict[str, Question] = {}
    files = 0
    for path in question_files(roots):
        files += 1
        try:
            question, warnings = load_question(path)
        except QuizFormatError as error:
            diagnostics.extend(error.diagnostics)
            continue
        diagnostics.extend(warnings)
        if (first := first_by_id.get(question.id)) is not None:
            diagnostics.append(
                Diagnostic(
                    path=question.path,
                    line=question.id_line,
                    col=5,
                    message=f"duplicate id {question.id!r}; "
                    f"first defined at {first.path}:{first.id_line}",
                )
            )
            continue
        first_by_id[question.id] = question
        questions.append(question)
    return Bank(questions=questions, diagnostics=diagnostics, files=files)
