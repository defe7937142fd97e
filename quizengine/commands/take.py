"""``quizengine take [PATH ...] [--tag T] [--shuffle] [--seed N] [--db PATH]``: the quiz TUI."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from quizengine.commands.common import EXIT_OK, add_bank_arguments, add_db_arguments

if TYPE_CHECKING:
    from quizengine.tui.app import QuizApp


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "take",
        help="take quizzes in the terminal (the default command)",
        description="Open the quiz TUI on the bundled bank or the given files and folders: "
        "browse and filter the questions, answer, see why, run the experiments behind the "
        "answers. Every answer is saved to your history as soon as you submit it.",
    )
    add_bank_arguments(parser)
    parser.add_argument(
        "--shuffle", action="store_true", help="shuffle the questions and their choices"
    )
    parser.add_argument(
        "--seed", type=int, default=None, metavar="N", help="seed of --shuffle (default: random)"
    )
    add_db_arguments(parser)
    parser.set_defaults(func=run)


def build_app(args: argparse.Namespace) -> QuizApp:
    """The app the arguments ask for; UsageError for a missing path, unknown tag or bad database."""
    from quizengine.tui.startup import long_lived

    with long_lived():  # modules, the bank and the app last the whole session
        return _build_app(args)


def _build_app(args: argparse.Namespace) -> QuizApp:
    from quizengine.commands.common import load_selected_bank, open_history
    from quizengine.tui.app import QuizApp

    bank = load_selected_bank(args)
    seed = args.seed
    if seed is None:
        import secrets

        seed = secrets.randbelow(2**31)
    store = open_history(args)
    return QuizApp(bank, store=store, shuffle=args.shuffle, seed=seed)


def run(args: argparse.Namespace) -> int:
    app = build_app(args)
    try:
        app.run()
    finally:
        if app.store is not None:
            app.store.close()
    return EXIT_OK if app.return_code in (None, 0) else int(app.return_code)
