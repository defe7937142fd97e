"""``quizengine schema``: the JSON Schema of the frontmatter, for editors."""

from __future__ import annotations

import argparse
import json


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "schema", help="print the JSON Schema of the question frontmatter"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from quizengine.bank.frontmatter import frontmatter_schema

    print(json.dumps(frontmatter_schema(), indent=2))
    return 0
