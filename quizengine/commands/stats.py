"""``quizengine stats``: accuracy per tag and topic, the trend, weakest areas, what is due."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
from typing import TYPE_CHECKING

from quizengine.commands.common import (
    EXIT_OK,
    add_bank_arguments,
    add_db_arguments,
    load_questions,
    open_history,
    warn_damaged_rows,
)
from quizengine.history.paths import resolve_db_path
from quizengine.safetext import shown
from quizengine.words import percent, plural

if TYPE_CHECKING:
    from quizengine.history.stats import Area, Summary, TrendPoint

PLOT_HEIGHT = 12


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "stats",
        help="your results: accuracy per tag and topic, trend, weakest areas, number due",
        description="Statistics from your answer history: accuracy (mean score) and standing "
        "(mean of each question's latest score) per tag and topic, accuracy over time, the "
        "weakest areas and how many questions are due for review.",
    )
    add_bank_arguments(parser)
    parser.add_argument("--format", choices=("table", "json"), default="table")
    add_db_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from quizengine.history.stats import summarize

    questions = load_questions(args)
    store = open_history(args, create=False)
    tz = dt.datetime.now().astimezone().tzinfo or dt.UTC
    if store is None:
        records, due = [], 0
    else:
        with store:
            records, due = store.answers(), len(store.due(questions))
            warn_damaged_rows(store)
    if args.paths or args.tag:  # a chosen bank or tag narrows the history to its questions
        wanted = {q.id for q in questions}
        records = [r for r in records if r.question_id in wanted]
    summary = summarize(records, questions, due, tz)
    if args.format == "json":
        json.dump(summary.to_json(), sys.stdout, indent=2)
        print()
    elif not records:
        print(shown(f"No answers recorded yet (history: {resolve_db_path(args.db)})."))
        print(f"{len(questions)} questions to discover: run 'quizengine take'.")
    else:
        width = min(shutil.get_terminal_size().columns, 100)
        # Tags and topics come from the history's snapshots, which any file may have written.
        print(shown(render(summary, width)))
    return EXIT_OK


def render(summary: Summary, width: int) -> str:
    """The terminal report: headline, tables per tag and topic, weakest areas, trend plot."""
    minutes = summary.seconds / 60
    lines = [
        f"{plural(summary.answers, 'answer')} to "
        f"{plural(summary.questions_answered, 'question')}, "
        f"{minutes:.0f} min answering",
        f"Accuracy {percent(summary.accuracy)}   Standing {percent(summary.standing)}   "
        f"Due now {summary.due}   Never answered {summary.new}",
    ]
    for title, rows in (("Tag", summary.by_tag), ("Topic", summary.by_topic)):
        if rows:
            lines += ["", *area_table(title, rows)]
    if summary.weakest:
        lines += [
            "",
            "Weakest: "
            + ", ".join(f"{a.name} ({a.kind}, {percent(a.standing)})" for a in summary.weakest),
        ]
    if len(summary.trend) >= 2:
        lines += ["", trend_plot(summary.trend, summary.period, width)]
    return "\n".join(lines)


def area_table(title: str, rows: list[Area]) -> list[str]:
    name_width = max(len(title), *(len(a.name) for a in rows))
    header = f"{title:<{name_width}}  Answers  Questions  Accuracy  Standing"
    return [header] + [
        f"{a.name:<{name_width}}  {a.answers:>7}  {a.questions:>9}  {percent(a.accuracy):>8}"
        f"  {percent(a.standing):>8}"
        for a in rows
    ]


def trend_plot(points: list[TrendPoint], period: str, width: int) -> str:
    """Accuracy per period as a small text plot (plotext), without colour codes."""
    import plotext as plt  # 25 ms to import: only when there is a trend to draw

    plt.clear_figure()
    plt.plot_size(width, PLOT_HEIGHT)
    plt.theme("clear")
    plt.date_form("Y-m-d")
    dates = [p.start.isoformat() for p in points]
    plt.plot(dates, [100 * p.accuracy for p in points], marker="braille")
    plt.ylim(0, 100)
    plt.title(f"accuracy (%) per {period}")
    return plt.uncolorize(plt.build()).rstrip()
