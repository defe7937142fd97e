"""``quizengine check [PATH ...]``: validate question files like a compiler would."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from quizengine.commands.common import EXIT_FINDING, EXIT_OK, UsageError
from quizengine.words import plural


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "check",
        help="validate question files (default: the bundled bank)",
        description="Validate question files and folders (recursively). Prints "
        "'path:line:col: error: message' lines and a summary; exit 1 when any error.",
    )
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="files or folders")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--no-sim", action="store_true", help="skip checking sim: links against the simulations"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from quizengine.bank.images import load_images
    from quizengine.bank.load import load_bank

    for path in args.paths:
        if not path.exists():
            raise UsageError(f"no such file or directory: {path}")
    bank = load_bank(args.paths or None)
    diagnostics = list(bank.diagnostics)
    for question in bank.questions:  # the same check as export's: it would refuse the question
        diagnostics.extend(load_images(question.path, question.images, bank.roots)[1])
    if not args.no_sim:
        from quizengine.lab.links import link_problems

        for question in bank.questions:
            diagnostics.extend(link_problems(question))
    diagnostics.sort(key=lambda d: (d.path, d.line, d.col))
    errors = sum(d.severity == "error" for d in diagnostics)
    warnings = len(diagnostics) - errors
    if args.format == "json":
        json.dump([d.model_dump() for d in diagnostics], sys.stdout, indent=2)
        print()
    else:
        for diagnostic in diagnostics:
            print(diagnostic)
        broken = {d.path for d in diagnostics if d.severity == "error"}
        valid = sum(q.path not in broken for q in bank.questions)
        print(
            f"{plural(valid, 'valid question')} in {plural(bank.files, 'file')}: "
            f"{plural(errors, 'error')}, {plural(warnings, 'warning')}"
        )
        if not bank.questions:
            print(f"quizengine: {bank.nothing_loaded()}", file=sys.stderr)
    return EXIT_FINDING if errors else EXIT_OK
