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
        description="Run each linked claim once and compare it with the key: a [x] choice needs "
        "a claim that holds, a [ ] choice one that fails, a numeric answer its metric within "
        "tolerance. Exit 0 when every key agrees, 1 when any disagrees or a link is broken.",
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
    parser.add_argument("--no-cache", action="store_true", help="run every simulation again")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from quizengine.bank.load import load_bank
    from quizengine.lab.cache import ResultCache
    from quizengine.lab.links import link_problems
    from quizengine.lab.verify import available_cores, verify_bank

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
    report = verify_bank(
        bank,
        seed=args.seed,
        jobs=jobs,
        cache=None if args.no_cache else ResultCache(),
        progress=_progress_bar if show_progress else None,
    )
    report.file_errors.extend(str(d) for d in link_errors)
    if show_progress:
        print("\r\033[K", end="", file=sys.stderr)
    if args.format == "json":
        print(json.dumps(_as_json(report), indent=2))
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
            mark = {"ok": "ok", "disagrees": "DISAGREES", "broken": "BROKEN"}[item.status]
            say(f"  {item.label}: key {item.key}, simulation: {item.simulation_says}  {mark}")
            say(f"    {item.text}")
            if item.statement:
                say(f"    claim: {item.statement}")
            if item.evidence:
                say(f"    numbers: {_evidence(item)}")
            if item.status != "ok":
                say(
                    f"{question.path}:{item.line}:1: error: {item.label} is keyed {item.key} "
                    f"but the simulation says {item.simulation_says}"
                )
    counts = report.counts()
    bad_questions = sum(q.status != "ok" for q in report.questions)
    say(
        f"{plural(len(report.questions), 'question')}, {plural(sum(counts.values()), 'key')}: "
        f"{counts['ok']} agree, {counts['disagrees']} disagree, {counts['broken']} broken; "
        f"{bad_questions} need attention; {plural(len(report.file_errors), 'file error')}; "
        f"{plural(report.runs, 'simulation run')} ({report.cached} cached) "
        f"in {report.seconds:.1f} s"
    )


def _as_json(report: Report) -> dict:
    return {
        "ok": report.ok,
        "counts": report.counts(),
        "runs": report.runs,
        "cached": report.cached,
        "seconds": round(report.seconds, 3),
        "file_errors": report.file_errors,
        "questions": [{**q.model_dump(), "status": q.status} for q in report.questions],
    }


def write_junit(report: Report, path: Path) -> None:
    """One test case per key; a disagreeing or broken key is a failure."""
    counts = report.counts()
    suite = ElementTree.Element(
        "testsuite",
        name="quizengine verify",
        tests=str(sum(counts.values()) + len(report.file_errors)),
        failures=str(counts["disagrees"] + counts["broken"] + len(report.file_errors)),
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
            if item.status != "ok":
                message = shown(f"keyed {item.key}, simulation says {item.simulation_says}")
                failure = ElementTree.SubElement(case, "failure", message=message)
                failure.text = shown(f"{question.path}:{item.line}: {item.text}\n{item.statement}")
    path.parent.mkdir(parents=True, exist_ok=True)
    ElementTree.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)
