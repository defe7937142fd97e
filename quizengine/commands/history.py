"""``quizengine history``: the recorded answers, latest first, or all of them as CSV."""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from quizengine.cli import EXIT_OK, UsageError
from quizengine.commands.common import add_db_arguments, open_history
from quizengine.history.paths import resolve_db_path
from quizengine.history.store import AnswerRecord
from quizengine.words import plural

CSV_COLUMNS = (
    "answered_at",
    "session_id",
    "question_id",
    "content_hash",
    "picked",
    "value",
    "score",
    "seconds",
    "tags",
    "topic",
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "history",
        help="list your recorded answers, or export them as CSV",
        description="Without options, list the latest answers. --export writes every answer "
        "as CSV (UTC timestamps; picked choices are 0-based indices in file order, ';'-separated).",
    )
    parser.add_argument(
        "--export",
        metavar="FILE.csv",
        type=Path,
        help="write every answer to FILE.csv ('-' for standard output)",
    )
    parser.add_argument("--force", action="store_true", help="overwrite an existing export file")
    parser.add_argument(
        "--limit", type=int, default=20, metavar="N", help="how many answers to list (default: 20)"
    )
    add_db_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    export: Path | None = args.export
    if export is not None and str(export) != "-" and export.exists() and not args.force:
        raise UsageError(f"{export} exists; pass --force to overwrite it")
    store = open_history(args, create=False)
    records: list[AnswerRecord] = []
    if store is not None:
        with store:
            records = store.answers()
    if export is None:
        if not records:
            print(f"No answers recorded yet (history: {resolve_db_path(args.db)}).")
        else:
            print(listing(records[-args.limit :][::-1]))
        return EXIT_OK
    if str(export) == "-":
        write_csv(records, sys.stdout)
        return EXIT_OK
    try:
        with export.open("w", newline="", encoding="utf-8") as file:
            write_csv(records, file)
    except OSError as error:
        raise UsageError(f"cannot write {export}: {error.strerror or error}") from None
    print(f"wrote {plural(len(records), 'answer')} to {export}", file=sys.stderr)
    return EXIT_OK


def csv_row(record: AnswerRecord) -> list[str]:
    return [
        record.answered_at.isoformat(),
        str(record.session_id),
        record.question_id,
        record.content_hash,
        "" if record.picked is None else ";".join(map(str, record.picked)),
        "" if record.value is None else repr(record.value),
        repr(record.score),
        repr(record.seconds),
        ";".join(record.tags),
        record.topic or "",
    ]


def write_csv(records: Iterable[AnswerRecord], out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_row(r) for r in records)


def listing(records: list[AnswerRecord]) -> str:
    """A table of answers with local times."""
    id_width = max(8, *(len(r.question_id) for r in records))
    lines = [f"{'When':<16}  {'Question':<{id_width}}  Score  Seconds  Session"]
    for r in records:
        when = r.answered_at.astimezone().strftime("%Y-%m-%d %H:%M")
        lines.append(
            f"{when:<16}  {r.question_id:<{id_width}}  {r.score:>5.0%}  {r.seconds:>7.1f}"
            f"  {r.session_id:>7}"
        )
    return "\n".join(lines)
