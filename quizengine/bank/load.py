"""Load a bank of question files: every valid question, and a finding for every broken file.

One broken file never stops the others from loading.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from quizengine.bank.diagnostics import Diagnostic, QuizFormatError, display_path
from quizengine.bank.model import MAX_FILE_BYTES, Bank, Question
from quizengine.safefile import NotReadable, read_regular_file

BANK_ENV = "QUIZENGINE_BANK"
_SKIPPED_NAMES = {"readme.md", "index.md"}


def default_bank_path() -> Path:
    """The bundled bank: ``$QUIZENGINE_BANK``, the checkout's quizzes/, or the installed copy."""
    if override := os.environ.get(BANK_ENV):
        return Path(override)
    package = Path(__file__).resolve().parent.parent  # quizengine/, above bank/
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
                # Not only regular files: a FIFO, a device or a dangling symlink named .md is
                # reported by read_file, not skipped without a word.
                if not p.is_dir()
                and p.name.lower() not in _SKIPPED_NAMES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            yield path


def read_file(path: Path, shown: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """A regular file's bytes, at most ``limit + 1`` of them (see :mod:`quizengine.safefile`);
    anything else is a QuizFormatError with the reason as a diagnostic."""
    try:
        return read_regular_file(path, limit)
    except NotReadable as error:
        raise QuizFormatError([Diagnostic(path=shown, message=str(error))]) from None


def parse_file(shown: str, data: bytes) -> tuple[Question, list[Diagnostic]]:
    """Parse one file's bytes into its question and warnings; raises QuizFormatError."""
    # Imported here: markdown-it and PyYAML load only when a file is parsed, not from the cache.
    from quizengine.bank.parser import parse_question, read_question_file

    parsed = parse_question(read_question_file(shown, data), shown)
    return parsed.question, parsed.warnings


def load_bank(paths: Iterable[Path] | None = None, *, cache_dir: Path | None = None) -> Bank:
    """Load every question under ``paths`` (default: the bundled bank).

    With ``cache_dir``, files unchanged since a previous load come from the parse cache there
    (see :mod:`quizengine.bank.cache`) instead of being parsed again.
    """
    roots = [default_bank_path()] if paths is None else list(paths)
    cache = None
    if cache_dir is not None:
        from quizengine.bank.cache import BankCache

        cache = BankCache(roots, cache_dir)
    questions: list[Question] = []
    diagnostics: list[Diagnostic] = []
    first_by_id: dict[str, Question] = {}
    files = 0
    for path in question_files(roots):
        files += 1
        shown = display_path(path)
        try:
            data = read_file(path, shown)
            if cache is None:
                question, warnings = parse_file(shown, data)
            else:
                question, warnings = cache.load(path, shown, data, parse_file)
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
    if cache is not None:
        cache.save()
    # Its parts are validated models already: no need to validate them again (which would
    # build the Bank schema, ~20 ms at start-up).
    return Bank.model_construct(
        questions=questions,
        diagnostics=diagnostics,
        files=files,
        roots=[display_path(root) for root in roots],
    )
