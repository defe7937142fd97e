"""``quizengine review``: the questions FSRS says are due, in the TUI or as a list."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING

from quizengine.commands.common import (
    EXIT_OK,
    UsageError,
    add_bank_arguments,
    add_db_arguments,
    load_questions,
    load_selected_bank,
    open_history,
    warn_damaged_rows,
)
from quizengine.safetext import shown

if TYPE_CHECKING:
    from quizengine.bank.model import Bank, Question
    from quizengine.history.schedule import Scheduled
    from quizengine.history.store import AnswerRecord, HistoryStore
    from quizengine.tui.app import QuizApp


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "review",
        help="take the questions due for review (spaced repetition, FSRS)",
        description="Questions you answered come back when FSRS expects you to start "
        "forgetting them: a wrong answer tomorrow, a known one days or weeks later. "
        "Opens the TUI on the due questions, most overdue first; --list prints them instead.",
    )
    add_bank_arguments(parser)
    parser.add_argument("--list", action="store_true", help="print the due questions and exit")
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="output of --list (default: text)",
    )
    parser.add_argument(
        "--limit", type=int, metavar="N", help="at most N questions, the most overdue"
    )
    parser.add_argument(
        "--new",
        type=int,
        default=0,
        metavar="N",
        help="also take questions never answered, at most N a day (counting those first "
        "answered today), after the due ones (default: 0)",
    )
    add_db_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.limit is not None and args.limit < 1:
        raise UsageError("--limit must be at least 1")
    if args.new < 0:
        raise UsageError("--new must be 0 or more")
    if args.list:
        questions = load_questions(args)
        store = open_history(args, create=False)  # listing never creates a history
        if store is None:
            return print_due([], {}, {}, args.format)
        with store:
            plan, last = store.schedule(questions), store.last_results()
            fresh = new_today(store, questions, plan, args.new)
            warn_damaged_rows(store)
        titles = {q.id: q.title for q in questions}
        chosen = due_first(questions, plan, args.limit) + fresh
        return print_due(chosen, plan, last, args.format, titles)

    bank = load_selected_bank(args)
    store = open_history(args)
    assert store is not None
    try:
        plan = store.schedule(bank.questions)
        due = due_first(bank.questions, plan, args.limit)
        due += new_today(store, bank.questions, plan, args.new)
        if not due:
            titles = {q.id: q.title for q in bank.questions}
            print(nothing_due(plan, dt.datetime.now(dt.UTC), titles))
            return EXIT_OK
        app = review_app(bank, due, store)
        app.run()
    finally:
        store.close()
    return EXIT_OK if app.return_code in (None, 0) else int(app.return_code)


def due_first(
    questions: list[Question], plan: dict[str, Scheduled], limit: int | None
) -> list[Question]:
    """The due questions, most overdue first, at most ``limit``."""
    now = dt.datetime.now(dt.UTC)
    due = sorted((q for q in questions if plan[q.id].is_due(now)), key=lambda q: plan[q.id].due)
    return due[:limit]


def new_today(
    store: HistoryStore, questions: list[Question], plan: dict[str, Scheduled], per_day: int
) -> list[Question]:
    """The never-answered questions today still has room for (``--new``)."""
    if per_day <= 0:
        return []
    from quizengine.history.schedule import introduced_on, new_to_introduce

    tz = dt.datetime.now().astimezone().tzinfo or dt.UTC
    today = dt.datetime.now(tz).date()
    return new_to_introduce(questions, plan, per_day, introduced_on(store.answers(), today, tz))


def review_app(bank: Bank, due: list[Question], store: HistoryStore) -> QuizApp:
    """The quiz TUI starting straight on ``due``, recorded as a "review" session.

    The whole bank stays in the browser the learner returns to after the summary.
    """
    from quizengine.tui.app import QuizApp  # Textual loads only to show the TUI

    return QuizApp(bank, store=store, start=due, start_kind="review")


def print_due(
    due: list[Question],
    plan: dict[str, Scheduled],
    last: dict[str, AnswerRecord],
    fmt: str,
    titles: Mapping[str, str] | None = None,
) -> int:
    now = dt.datetime.now(dt.UTC)
    if fmt == "json":
        rows = [
            {
                "id": q.id,
                "title": q.title,
                "due": (when := plan[q.id].due) and when.isoformat(),  # None: a new one
                "state": plan[q.id].state,
                "last_score": last[q.id].score if q.id in last else None,
                "path": q.path,
            }
            for q in due
        ]
        json.dump(rows, sys.stdout, indent=2)
        print()
        return EXIT_OK
    if not due:
        print(nothing_due(plan, now, titles or {}))
        return EXIT_OK
    id_width = max(len(q.id) for q in due)
    print(f"{len(due)} question{'s' if len(due) != 1 else ''} due for review:")
    for q in due:
        when = plan[q.id].due
        since = "new (--new)" if when is None else f"due {ago(now - when)}"
        score = f"last {last[q.id].score:.0%}" if q.id in last else ""
        edited = " (edited since)" if plan[q.id].state == "edited" else ""
        title = shown(q.title)
        print(f"  {q.id:<{id_width}}  {since:<17} {score:<9}{edited}  {title}")
    return EXIT_OK


def nothing_due(plan: dict[str, Scheduled], now: dt.datetime, titles: Mapping[str, str]) -> str:
    """When the next question comes back, named by its title (an id is the author's handle)."""
    upcoming = [s for s in plan.values() if s.due is not None]
    if not upcoming:
        return "Nothing to review yet: questions come back once answered ('quizengine take')."
    soonest = min(upcoming, key=lambda s: s.due or now)
    assert soonest.due is not None
    local = soonest.due.astimezone().strftime("%Y-%m-%d %H:%M")
    name = titles.get(soonest.question_id, soonest.question_id)
    return f"Nothing is due. Next: “{name}” on {local}."


def ago(delta: dt.timedelta) -> str:
    """'now', '3 hours ago', '2 days ago': how overdue, coarsely."""
    hours = delta.total_seconds() / 3600
    if hours < 1:
        return "now"
    if hours < 48:
        return f"{int(hours)} hour{'s' if int(hours) != 1 else ''} ago"
    return f"{int(hours // 24)} days ago"
