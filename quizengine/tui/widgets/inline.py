"""Inline Markdown (a choice's text) as styled Textual Content, for labels of toggle buttons.

Labels are not Markdown widgets, and their markup syntax (``[b]``) would misread brackets in a
choice, so the text goes through markdown-it's inline parser instead.
"""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from textual.content import Content

_STYLES = {"strong": "bold", "em": "italic", "s": "strike"}


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("strikethrough")


def inline_content(text: str) -> Content:
    """``Use **ReLU** with `he` init`` → Content with bold and code; links keep their text."""
    tokens = _parser().parseInline(text)
    parts: list[str | tuple[str, str]] = []
    open_styles: list[str] = []
    children = (tokens[0].children or []) if tokens else []
    for token in children:
        kind = token.type
        if kind.endswith("_open") and kind[: -len("_open")] in _STYLES:
            open_styles.append(_STYLES[kind[: -len("_open")]])
        elif kind.endswith("_close") and kind[: -len("_close")] in _STYLES:
            if open_styles:
                open_styles.pop()
        elif kind == "code_inline":
            parts.append((token.content, "bold reverse"))
        elif kind in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif kind in ("text", "html_inline"):
            style = " ".join(open_styles)
            parts.append((token.content, style) if style else token.content)
    return Content.assemble(*parts)
