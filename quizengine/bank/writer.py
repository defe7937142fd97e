"""Question → Markdown: the inverse of the parser, for templates and round trips."""

from __future__ import annotations

from typing import Any

import yaml

from quizengine.bank.model import Question


def frontmatter_data(question: Question) -> dict[str, Any]:
    data: dict[str, Any] = {"id": question.id, "type": question.type}
    if question.baseline is not None:
        data["baseline"] = question.baseline.href
    if question.tags:
        data["tags"] = list(question.tags)
    data["difficulty"] = question.difficulty
    for key in ("topic", "author", "created"):
        if (value := getattr(question, key)) is not None:
            data[key] = value
    if question.answer is not None:
        data["answer"] = question.answer.model_dump(exclude_none=True)
    return data


def to_markdown(question: Question) -> str:
    """Render a question in the documented layout (docs/format.md)."""
    # one key per line, short lists inline (``tags: [a, b]``), as authors write it
    frontmatter = "".join(
        yaml.safe_dump(
            {key: value},
            allow_unicode=True,
            sort_keys=False,
            default_flow_style=None if isinstance(value, list | dict) else False,
            width=1000,
        )
        for key, value in frontmatter_data(question).items()
    )
    parts = [f"---\n{frontmatter}---", f"# {question.title}"]
    if question.prompt:
        parts.append(question.prompt)
    if question.choices:
        lines = []
        for choice in question.choices:
            claim = (
                f" [{choice.claim.text or 'claim'}]({choice.claim.href})" if choice.claim else ""
            )
            text = choice.text.replace("\n", "\n  ")
            lines.append(f"- [{'x' if choice.correct else ' '}] {text}{claim}")
        parts.append("\n".join(lines))
    parts.append(f"## Answer\n\n{question.explanation.markdown}")
    if question.references:
        refs = "\n".join(f"- [{r.title}]({r.url})" for r in question.references)
        parts.append(f"## References\n\n{refs}")
    return "\n\n".join(parts) + "\n"
