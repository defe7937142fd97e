"""``quizengine history``: the recorded answers, latest first, or all of them as CSV."""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TextIO

from quizengine.commands.common import (
    EXIT_OK,
    UsageError,
    add_db_arguments,
    open_history,
    warn_damaged_rows,
)
from quizengine.history.paths import resolve_db_path
from quizengine.history.records import AnswerRecord
from quizengine.safetext import csv_cell, shown
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
    # lexists: a symlink, dangling or not, is something there too (it is replaced, never
    # written through).
    if export is not None and str(export) != "-":
        if export.is_dir():
            raise UsageError(f"{export} is a directory; name a file")
        if os.path.lexists(export) and not args.force:
            raise UsageError(f"{export} exists; pass --force to overwrite it")
    store = open_history(args, create=False)
    records: list[AnswerRecord] = []
    if store is not None:
        with store:
            records = store.answers()
            warn_damaged_rows(store)
    if export is None:
        if not records:
            print(shown(f"No answers recorded yet (history: {resolve_db_path(args.db)})."))
        else:
            print(shown(listing(records[-args.limit :][::-1])))
        return EXIT_OK
    if str(export) == "-":
        write_csv(records, sys.stdout)
        return EXIT_OK
    try:
        write_atomically(export, lambda file: write_csv(records, file))
    except OSError as error:
        raise UsageError(f"cannot write {export}: {error.strerror or error}") from None
    print(f"wrote {plural(len(records), 'answer')} to {export}", file=sys.stderr)
    return EXIT_OK


def write_atomically(path: Path, write: Callable[[TextIO], None]) -> None:
    """Write a temporary file beside ``path``, then rename it over ``path``: a failed write
    leaves nothing behind (no empty file that then needs --force), and a symlink at ``path`` is
    replaced, not written through."""
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", newline="", encoding="utf-8") as file:
            write(file)
        umask = os.umask(0)  # mkstemp makes the file private; give it the usual permissions
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def csv_row(record: AnswerRecord) -> list[str]:
    # The text cells come from the database: csv_cell keeps a spreadsheet from taking one
    # for a formula (=HYPERLINK(...), +cmd, -2+3, @SUM). Numbers are written by us.
    return [
        record.answered_at.isoformat(),
        str(record.session_id),
        csv_cell(record.question_id),
        csv_cell(record.content_hash),
        "" if record.picked is None else ";".join(map(str, record.picked)),
        "" if record.value is None else repr(record.value),
        repr(record.score),
        repr(record.seconds),
        csv_cell(";".join(record.tags)),
        csv_cell(record.topic or ""),
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
