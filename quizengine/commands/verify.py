"""``quizengine verify [PATH ...]``: check every answer key against its simulation."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree import ElementTree

from quizengine.commands.common import EXIT_FINDING, EXIT_OK, UsageError
from quizengine.safetext import shown
from quizengine.words import plural

if TYPE_CHECKING:
    from quizengine.lab.verify import ItemVerdict, Report


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "verify",
        help="check every answer key against the simulations (default: the bundled bank)",
        description="Check each key against its linked claim: a [x] choice needs a claim that "
        "holds, a [ ] choice one that fails, a numeric answer its metric within tolerance. Each "
        "key is checked at its link's values for several base seeds and at a sample of the "
        "conditions its link leaves open; a verdict that flips anywhere is fragile. Exit 0 when "
        "every key agrees, 1 when any disagrees, is fragile, or a link is broken.",
    )
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="files or folders")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--junit-xml", type=Path, metavar="FILE", help="also write JUnit XML")
    parser.add_argument("--seed", type=int, default=0, help="base seed of every run (default 0)")
    parser.add_argument(
        "--jobs",
        type=int,
        default=None,
        help="parallel processes, at most the number of cores (default: the cores)",
    )
    parser.add_argument(
        "--sweep",
        type=int,
        default=8,
        metavar="N",
        help="open conditions sampled per key, besides the link's values (default 8)",
    )
    parser.add_argument(
        "--seeds", type=int, default=3, metavar="N", help="base seeds per key (default 3)"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="only the link's values at the base seed (no sweep): fast, not robust",
    )
    parser.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        help="run on a dask.distributed cluster (default: $QUIZENGINE_SCHEDULER, else --jobs "
        "local processes)",
    )
    parser.add_argument("--no-cache", action="store_true", help="run every simulation again")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from quizengine.bank.load import load_bank
    from quizengine.lab.cache import ResultCache
    from quizengine.lab.conditions import Sweep
    from quizengine.lab.executor import Executor, ExecutorError
    from quizengine.lab.links import link_problems
    from quizengine.lab.verify import available_cores, report_json, verify_bank

    cores = available_cores()
    jobs = cores if args.jobs is None else args.jobs
    if jobs < 1:
        raise UsageError(f"--jobs must be at least 1 (got {jobs})")
    if jobs > cores:
        print(
            f"quizengine: --jobs {jobs} is more than the {plural(cores, 'core')} here; "
            f"using {cores}",
            file=sys.stderr,
        )
        jobs = cores
    if args.sweep < 0:
        raise UsageError(f"--sweep must be 0 or more (got {args.sweep})")
    if not 1 <= args.seeds <= 100:
        raise UsageError(f"--seeds must be between 1 and 100 (got {args.seeds})")
    if args.scheduler is not None and not args.scheduler.strip():
        raise UsageError("--scheduler needs an address, e.g. tcp://10.0.0.5:8786")
    sweep = Sweep.quick() if args.quick else Sweep(conditions=args.sweep, seeds=args.seeds)
    if not 0 <= args.seed < 2**63:
        raise UsageError(f"--seed must be between 0 and 2**63-1 (got {args.seed})")
    for path in args.paths:
        if not path.exists():
            raise UsageError(f"no such file or directory: {path}")
    if args.junit_xml:
        check_output_path(args.junit_xml, "--junit-xml")  # before the runs, not after them
    bank = load_bank(args.paths or None)
    # Keyed links (choices, numeric metrics) are judged, and reported, by verify_bank itself;
    # the explanation's run links are checked here so a broken one still fails the run.
    link_errors = [d for q in bank.questions for d in link_problems(q, roles=("run",))]
    show_progress = args.format == "text" and sys.stderr.isatty()
    try:
        report = verify_bank(
            bank,
            seed=args.seed,
            executor=Executor.from_options(jobs, args.scheduler),
            cache=None if args.no_cache else ResultCache(),
            progress=_progress_bar if show_progress else None,
            sweep=sweep,
        )
    except ExecutorError as error:
        raise UsageError(str(error)) from None
    report.file_errors.extend(str(d) for d in link_errors)
    if show_progress:
        print("\r\033[K", end="", file=sys.stderr)
    if args.format == "json":
        print(json.dumps(report_json(report), indent=2))
    else:
        print_text(report)
    if args.junit_xml:
        try:
            write_junit(report, args.junit_xml)
        except OSError as error:
            raise UsageError(f"cannot write {args.junit_xml}: {error.strerror or error}") from None
    return EXIT_OK if report.ok else EXIT_FINDING


def check_output_path(path: Path, option: str) -> None:
    """Refuse an output file that cannot be written, before any work is done: a directory,
    something that is not a file, a folder that cannot be made or written to."""
    if path.is_dir():
        raise UsageError(f"{option} {path} is a directory; name a file")
    if path.exists() and not path.is_file():
        raise UsageError(f"{option} {path} is not a regular file")
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(
            f"{option} {path}: cannot make its folder ({error.strerror or error})"
        ) from None
    if not os.access(folder, os.W_OK):
        raise UsageError(f"{option} {path}: its folder is not writable")


MAX_FLIPS_SHOWN = 3


def _progress_bar(done: int, total: int) -> None:
    width = 30
    filled = width * done // total if total else width
    bar = "█" * filled + "·" * (width - filled)
    print(f"\r  simulations {bar} {done}/{total}", end="", file=sys.stderr, flush=True)


def _evidence(item: ItemVerdict) -> str:
    return ", ".join(f"{name} {value:.3g}" for name, value in item.evidence.items())


def print_text(report: Report) -> None:
    def say(text: str) -> None:  # titles, choices and paths come from the files
        print(shown(text))

    for error in report.file_errors:
        say(error)
    for question in report.questions:
        say(f"{question.path}: {question.id} — {question.title}")
        for item in question.items:
            mark = {
                "agree": "ok",
                "disagree": "DISAGREES",
                "fragile": "FRAGILE",
                "broken": "BROKEN",
            }[item.verdict]
            checked = f" ({len(item.conditions)} conditions)" if len(item.conditions) > 1 else ""
            say(
                f"  {item.label}: key {item.key}, simulation: {item.simulation_says}{checked}  "
                f"{mark}"
            )
            say(f"    {item.text}")
            if item.statement:
                say(f"    claim: {item.statement}")
            if item.evidence:
                say(f"    numbers: {_evidence(item)}")
            for flip in item.flips[:MAX_FLIPS_SHOWN] if item.verdict == "fragile" else ():
                say(f"    {flip}")
            if len(item.flips) > MAX_FLIPS_SHOWN and item.verdict == "fragile":
                say(f"    ... and {len(item.flips) - MAX_FLIPS_SHOWN} more (--format json)")
            if item.verdict in ("disagree", "broken"):
                say(
                    f"{question.path}:{item.line}:1: error: {item.label} is keyed {item.key} "
                    f"but the simulation says {item.simulation_says}"
                )
            elif item.verdict == "fragile":
                say(
                    f"{question.path}:{item.line}:1: error: {item.label} is keyed {item.key}; "
                    f"it holds at the link's values but is fragile: {item.flips[0]}"
                )
    counts = report.counts()
    bad_questions = sum(q.verdict != "agree" for q in report.questions)
    say(
        f"{plural(len(report.questions), 'question')}, {plural(sum(counts.values()), 'key')}: "
        f"{counts['agree']} agree, {counts['disagree']} disagree, {counts['fragile']} fragile, "
        f"{counts['broken']} broken; "
        f"{bad_questions} need attention; {plural(len(report.file_errors), 'file error')}; "
        f"{plural(report.runs, 'simulation run')} ({report.cached} cached) "
        f"in {report.seconds:.1f} s"
    )


def write_junit(report: Report, path: Path) -> None:
    """One test case per key; a disagreeing or broken key is a failure."""
    counts = report.counts()
    suite = ElementTree.Element(
        "testsuite",
        name="quizengine verify",
        tests=str(sum(counts.values()) + len(report.file_errors)),
        failures=str(
            counts["disagree"] + counts["fragile"] + counts["broken"] + len(report.file_errors)
        ),
        time=f"{report.seconds:.3f}",
    )
    # XML 1.0 cannot hold most control characters at all: the file's text goes in as shown.
    for number, error in enumerate(report.file_errors, start=1):
        case = ElementTree.SubElement(suite, "testcase", classname="files", name=f"file {number}")
        ElementTree.SubElement(case, "failure", message=shown(error)).text = shown(error)
    for question in report.questions:
        for item in question.items:
            case = ElementTree.SubElement(
                suite,
                "testcase",
                classname=question.id,
                name=item.label,
                file=shown(question.path),
            )
            if item.verdict != "agree":
                message = shown(
                    f"{item.verdict}: keyed {item.key}, simulation says {item.simulation_says}"
                )
                failure = ElementTree.SubElement(case, "failure", message=message)
                failure.text = shown(
                    "\n".join(
                        [f"{question.path}:{item.line}: {item.text}", item.statement, *item.flips]
                    )
                )
    path.parent.mkdir(parents=True, exist_ok=True)
    ElementTree.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)
