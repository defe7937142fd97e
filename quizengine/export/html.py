"""Markdown to HTML with the bank's own parser, ``sim:`` links turned into readable text.

An LMS cannot follow a ``sim:`` link, so each one becomes its text followed by what it runs:
``See the gradient norms (simulation gradient-flow with activation=sigmoid, depth=30)``.
"""

from __future__ import annotations

from markdown_it.token import Token

from quizengine.export.engine import (
    SimLink,
    SimLinkError,
    is_sim_href,
    markdown_parser,
    parse_sim_href,
)


def describe_sim(link: SimLink) -> str:
    """A ``sim:`` link in words: ``simulation gradient-flow with depth=30, claim vanishes``."""
    text = f"simulation {link.simulation}"
    if link.params:
        text += " with " + ", ".join(f"{key}={value}" for key, value in link.params.items())
    return text


def _readable_sim_links(children: list[Token]) -> list[Token]:
    out: list[Token] = []
    closing_text: str | None = None
    for child in children:
        href = str(child.attrs.get("href", "")) if child.type == "link_open" else ""
        if child.type == "link_open" and is_sim_href(href):
            try:
                closing_text = f" ({describe_sim(parse_sim_href(href))})"
            except SimLinkError:
                closing_text = f" ({href})"
            continue
        if child.type == "link_close" and closing_text is not None:
            out.append(Token("text", "", 0, content=closing_text))
            closing_text = None
            continue
        out.append(child)
    return out


def _render(tokens: list[Token]) -> str:
    md = markdown_parser()
    for token in tokens:
        if token.type == "inline" and token.children:
            token.children = _readable_sim_links(token.children)
    return md.renderer.render(tokens, md.options, {}).strip()


def block_html(markdown: str) -> str:
    """Block Markdown (a prompt, an explanation) as HTML."""
    return _render(markdown_parser().parse(markdown))


def inline_html(markdown: str) -> str:
    """Inline Markdown (a choice) as HTML, without a wrapping paragraph."""
    return _render(markdown_parser().parseInline(markdown))
