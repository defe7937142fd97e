"""What the commands share: the usage error and exit codes, ``--db`` and the bank's options.

Imported by the entry point on every start, so the history and the bank load only inside the
functions that need them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from quizengine.bank.model import Bank, Question
    from quizengine.history.store import HistoryStore

EXIT_OK, EXIT_FINDING, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A bad command line or input the user must fix; printed as one line, exit 2."""


def warn_damaged_rows(store: HistoryStore) -> None:
    """One line on stderr per history row left out because it is damaged."""
    from quizengine.safetext import shown

    for line in store.damaged_rows:
        print(f"quizengine: warning: {shown(line)}", file=sys.stderr)


def add_db_arguments(parser: argparse.ArgumentParser) -> None:
    from quizengine.history.paths import DB_ENV

    parser.add_argument(
        "--db",
        metavar="PATH",
        help=f"the history database (default: ${DB_ENV}, else in the user data directory)",
    )
    parser.add_argument(
        "--reset-db",
        action="store_true",
        help="start a new history; the old file is renamed to NAME.DATE.bak, never deleted",
    )


def open_history(args: argparse.Namespace, *, create: bool = True) -> HistoryStore | None:
    """The store named by ``args``; None when ``create`` is false and there is no history yet.

    A database that cannot be used becomes a UsageError: one line, exit status 2.
    """
    from quizengine.history.paths import move_aside, resolve_db_path
    from quizengine.history.records import HistoryError
    from quizengine.history.store import HistoryStore

    path = resolve_db_path(args.db)
    if getattr(args, "reset_db", False) and (moved := move_aside(path)) is not None:
        print(f"quizengine: moved the old history {path} to {moved}", file=sys.stderr)
    if not create and not path.exists():
        return None
    try:
        return HistoryStore.open(path)
    except HistoryError as error:
        raise UsageError(str(error)) from None


def add_bank_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="question files or folders (default: the bundled bank)",
    )
    parser.add_argument(
        "--tag",
        action="append",
        default=[],
        metavar="TAG",
        help="only questions with this tag (repeatable)",
    )


def load_selected_bank(args: argparse.Namespace) -> Bank:
    """The bank named by ``args.paths`` (default: the bundled one), narrowed by ``--tag``.

    UsageError for a missing path or a tag no question has. Broken files stay in
    ``diagnostics`` (the TUI lists them); their questions are simply absent.
    """
    from quizengine.bank.load import load_bank
    from quizengine.bank.model import Bank
    from quizengine.lab.cache import default_cache_dir

    for path in args.paths:
        if not path.exists():
            raise UsageError(f"no such file or directory: {path}")
    # Unchanged files come from the parse cache: parsing the bundled bank took a sixth of the
    # TUI's time to the first question.
    bank = load_bank(args.paths or None, cache_dir=default_cache_dir())
    if not args.tag:
        return bank
    known = {tag for q in bank.questions for tag in q.tags}
    if unknown := [t for t in args.tag if t not in known]:
        raise UsageError(
            f"no question has the tag {', '.join(map(repr, unknown))}; "
            f"tags: {', '.join(sorted(known)) or 'none'}"
        )
    wanted = set(args.tag)
    return Bank.model_construct(  # of validated parts: no second validation at start-up
        questions=[q for q in bank.questions if wanted & set(q.tags)],
        diagnostics=bank.diagnostics,
        files=bank.files,
        roots=bank.roots,
    )


def load_questions(args: argparse.Namespace) -> list[Question]:
    """The selected questions, for commands without a TUI: broken files get one line on stderr."""
    bank = load_selected_bank(args)
    if broken := {d.path for d in bank.errors}:
        print(
            f"quizengine: {len(broken)} question file(s) failed to load and are left out; "
            "see 'quizengine check'",
            file=sys.stderr,
        )
    return bank.questions
