"""``quizengine new``: write a question template that passes ``check``."""

from __future__ import annotations

import argparse
import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quizengine.commands.common import EXIT_OK, UsageError
from quizengine.safetext import has_unsafe

if TYPE_CHECKING:
    from quizengine.bank.model import Question

_TEMPLATE_CHOICES = {
    "single": [
        ("The one correct statement (replace me)", True),
        ("A plausible but wrong statement (replace me)", False),
        ("Another wrong statement (replace me)", False),
    ],
    "multiple": [
        ("A correct statement (replace me)", True),
        ("Another correct statement (replace me)", True),
        ("A plausible but wrong statement (replace me)", False),
    ],
}


CHOICE_EXPLANATION = (
    "Explain why each choice is right or wrong. End each choice with the simulated claim that "
    "decides it, e.g. `[claim](sim:gradient-flow?activation=relu&init=he#stable)`, and link a "
    "run here, e.g. `[see it run](sim:gradient-flow?depth=30)` (see docs/format.md)."
)
NUMERIC_EXPLANATION = (
    "Explain how the answer follows, step by step. To have `verify` check the key against a "
    "simulation, give the answer a metric link in the frontmatter, e.g. `metric: "
    '"sim:activation-derivatives?activation=sigmoid#max_derivative"`, and link a run here, '
    "e.g. `[see it run](sim:activation-derivatives?activation=sigmoid)` (see docs/format.md)."
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "new",
        help="write a new question template",
        description="Write quizzes/ID.md (or DIR/ID.md): a template in the documented format "
        "that passes 'quizengine check'.",
    )
    parser.add_argument("--id", required=True, help="unique slug, e.g. relu-dead-units")
    parser.add_argument("--type", choices=("single", "multiple", "numeric"), default="single")
    parser.add_argument("--title", required=True)
    parser.add_argument("--tags", default="", help="comma-separated tags")
    parser.add_argument("--dir", type=Path, default=None, help="folder (default: ./quizzes)")
    parser.add_argument("--force", action="store_true", help="overwrite an existing file")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from quizengine.bank.writer import to_markdown

    if (problem := id_problem(args.id)) is not None:
        raise UsageError(
            f"bad id {args.id!r}: {problem}; use lowercase letters, digits and single dashes, "
            "e.g. relu-dead-units"
        )
    if not args.title.strip():
        raise UsageError("the title must not be empty")
    if "\n" in args.title or has_unsafe(args.title):
        raise UsageError("the title must be one line without control characters")
    if has_unsafe(args.tags) or "\n" in args.tags or "\t" in args.tags:
        raise UsageError("tags must not contain control characters, tabs or line breaks")
    folder = args.dir or Path("quizzes")
    target = folder / f"{args.id}.md"
    if target.exists() and not args.force:
        raise UsageError(f"{target} exists; choose another id or pass --force")
    numeric = args.type == "numeric"
    try:
        question = _template(args, target, numeric)
    except ValidationError as error:  # e.g. a tag with a control character
        problem = error.errors()[0]
        where = ".".join(str(part) for part in problem["loc"])
        raise UsageError(f"{where}: {problem['msg'].removeprefix('Value error, ')}") from None
    folder.mkdir(parents=True, exist_ok=True)
    target.write_text(to_markdown(question), encoding="utf-8")
    print(f"wrote {target}")
    return EXIT_OK


def id_problem(question_id: str) -> str | None:
    """What is wrong with an id, in words; None when it is a valid one (the whole of it: with
    re.match, ``$`` would accept a trailing newline)."""
    from quizengine.bank.model import ID_MAX_LENGTH, ID_PATTERN

    if re.fullmatch(ID_PATTERN.removeprefix("^").removesuffix("$"), question_id):
        if len(question_id) > ID_MAX_LENGTH:
            return f"it is longer than {ID_MAX_LENGTH} characters"
        return None
    if not question_id:
        return "it is empty"
    if bad := sorted(set(question_id) - set("abcdefghijklmnopqrstuvwxyz0123456789-")):
        return "it contains " + ", ".join(repr(c) for c in bad)
    if question_id.startswith("-") or question_id.endswith("-"):
        return "it starts or ends with a dash"
    return "it has two dashes in a row"


def _template(args: argparse.Namespace, target: Path, numeric: bool) -> Question:
    from quizengine.bank.model import (
        Choice,
        ChoiceQuestion,
        Explanation,
        NumericAnswer,
        NumericQuestion,
    )

    common: dict[str, Any] = {
        "path": str(target),
        "id": args.id,
        "title": args.title.strip(),
        "prompt": "Describe the scenario here, then ask the question.",
        "explanation": Explanation(markdown=NUMERIC_EXPLANATION if numeric else CHOICE_EXPLANATION),
        "tags": [t.strip() for t in args.tags.split(",") if t.strip()],
        "created": dt.date.today(),
        "content_hash": "",
    }
    if numeric:
        return NumericQuestion(
            type="numeric", answer=NumericAnswer(value=0.0, abs_tol=0.01), **common
        )
    choices = [Choice(text=t, correct=c) for t, c in _TEMPLATE_CHOICES.get(args.type, [])]
    return ChoiceQuestion(type=args.type, choices=choices, **common)
