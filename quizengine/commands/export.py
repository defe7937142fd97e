"""``quizengine export PATH... --to moodle|gift|qti21 -o OUT``: questions for an LMS."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from quizengine.commands.common import (
    EXIT_FINDING,
    EXIT_OK,
    UsageError,
    add_bank_arguments,
    load_selected_bank,
)
from quizengine.words import plural


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export",
        help="export questions to Moodle XML, GIFT or an IMS QTI 2.1 package",
        description="Write the questions for a learning-management system, with quizengine's "
        "scoring, per-choice feedback, the explanation, references and the evidence of the "
        "cached verify run (run 'quizengine verify' first, or pass --verify). A question the "
        "format cannot express is named and left out; the others are written, exit 1. "
        "See docs/export.md.",
    )
    add_bank_arguments(parser)
    parser.add_argument(
        "--to", required=True, choices=("moodle", "gift", "qti21"), help="the format to write"
    )
    parser.add_argument(
        "-o",
        "--output",
        required=True,
        type=Path,
        metavar="OUT",
        help="the file to write (moodle, gift), or for qti21 a new folder or a .zip",
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="the verify run's seed to read evidence from (0)"
    )
    parser.add_argument(
        "--verify",
        action="store_true",
        help="run the simulations missing from the cache first (default: only read the cache)",
    )
    parser.add_argument(
        "--jobs", type=int, default=None, help="processes for --verify (default: the cores)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from quizengine.export.engine import ResultCache
    from quizengine.export.evidence import available_cores, run_missing
    from quizengine.export.exporter import (
        contents,
        output_files,
        output_problem,
        render_all,
        write_output,
    )

    if args.jobs is not None and args.jobs < 1:
        raise UsageError(f"--jobs must be at least 1 (got {args.jobs})")
    if not 0 <= args.seed < 2**63:
        raise UsageError(f"--seed must be between 0 and 2**63-1 (got {args.seed})")
    if (problem := output_problem(args.output, args.to)) is not None:
        raise UsageError(problem)
    bank = load_selected_bank(args)
    for diagnostic in bank.diagnostics:
        print(diagnostic, file=sys.stderr)
    cache = ResultCache()
    if args.verify:
        ran = run_missing(bank.questions, cache, args.seed, args.jobs or available_cores())
        print(f"ran {plural(ran, 'simulation')} missing from the cache", file=sys.stderr)
    items = contents(bank.questions, cache, args.seed, bank.roots)
    rendered, outcome = render_all(items, args.to)
    for finding in outcome.findings:
        print(finding, file=sys.stderr)
    if not bank.questions:
        if bank.errors:
            print("nothing exported: every question file has errors", file=sys.stderr)
            return EXIT_FINDING
        raise UsageError("no question files in " + (", ".join(map(str, args.paths)) or "the bank"))
    try:
        write_output(output_files(rendered, args.to), args.output)
    except OSError as error:
        raise UsageError(f"cannot write {args.output}: {error.strerror or error}") from None
    summary = (
        f"wrote {plural(len(outcome.exported), 'question')} to {args.output} ({args.to})"
        f"; {plural(len(outcome.failed), 'question')} not exported"
    )
    if outcome.unverified_keys:
        summary += (
            f"; {plural(outcome.unverified_keys, 'key')} not verified "
            "(no cached run: run 'quizengine verify' or pass --verify)"
        )
    print(summary, file=sys.stderr)
    return EXIT_FINDING if outcome.failed or bank.errors else EXIT_OK
