"""The ``--db`` and ``--reset-db`` options shared by every command that reads or writes history."""

from __future__ import annotations

import argparse
import sys

from quizengine.cli import UsageError
from quizengine.history.paths import DB_ENV, resolve_db_path
from quizengine.history.store import HistoryError, HistoryStore, move_aside


def add_db_arguments(parser: argparse.ArgumentParser) -> None:
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
    path = resolve_db_path(args.db)
    if getattr(args, "reset_db", False) and (moved := move_aside(path)) is not None:
        print(f"quizengine: moved the old history {path} to {moved}", file=sys.stderr)
    if not create and not path.exists():
        return None
    try:
        return HistoryStore.open(path)
    except HistoryError as error:
        raise UsageError(str(error)) from None
