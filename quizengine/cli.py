"""The ``quizengine`` command: argparse wiring around one module per subcommand.

Each module in :mod:`quizengine.commands` defines ``register(subparsers)``, which adds
its parser and sets ``func`` to a ``run(args) -> int``. Exit codes (in
:mod:`quizengine.commands.common`): 0 success, 1 a finding (invalid question, disagreeing
key), 2 a usage error.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from quizengine import __version__
from quizengine.commands.common import EXIT_OK, EXIT_USAGE, UsageError

# Subcommands in the order ``--help`` lists them.
COMMANDS: tuple[str, ...] = (
    "take",
    "check",
    "verify",
    "simulate",
    "new",
    "schema",
    "review",
    "stats",
    "history",
    "export",
    "serve",
)

_TOP_LEVEL_OPTIONS = ("-h", "--help", "--version")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's default exits 2 too; keep one format
        from quizengine.safetext import shown  # it may quote what was typed

        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {shown(message)}\n")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser; with ``only``, that subcommand alone is registered, so
    running it does not import every other command's module (~5 ms of the TUI's start-up)."""
    parser = _Parser(
        prog="quizengine",
        description="Take quizzes in the terminal, author questions in Markdown, and verify "
        "their answer keys with simulations. Without a command: the quiz on the bundled bank.",
    )
    parser.add_argument("--version", action="version", version=f"quizengine {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS if only is None else (only,):
        importlib.import_module(f"quizengine.commands.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or (args_list[0].startswith("-") and args_list[0] not in _TOP_LEVEL_OPTIONS):
        # The main job: the TUI on the bundled bank; options without a command are take's
        # (``quizengine --db X``).
        args_list = ["take", *args_list]
    # A known command needs only its own parser; anything else gets all (help, errors).
    parser = build_parser(args_list[0] if args_list[0] in COMMANDS else None)
    args = parser.parse_args(args_list)
    try:
        return int(args.func(args))
    except UsageError as error:
        from quizengine.safetext import shown  # a path or a value the user typed may be in it

        print(f"quizengine: error: {shown(str(error))}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
