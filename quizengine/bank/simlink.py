"""``sim:NAME?key=value&...#target`` links: the SimLink model, parsing and formatting (no
simulation imports)."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from pydantic import BaseModel, ConfigDict

SCHEME = "sim:"
_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class SimLink(BaseModel):
    """A link to a simulation: ``sim:NAME?key=value&...#target``.

    ``target`` is a claim id (on a choice) or a metric name (on a numeric answer);
    a link without a target, in an explanation, just invites the reader to run it.
    """

    # As the question models (bank/model.py): frozen, strict, validators built on first use.
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    simulation: str
    params: dict[str, str] = {}
    target: str | None = None
    text: str = ""
    line: int = 1
    col: int = 1

    @property
    def href(self) -> str:
        return format_sim_href(self.simulation, self.params, self.target)


class SimLinkError(ValueError):
    """A ``sim:`` address that cannot be read; the message says what is wrong."""


def is_sim_href(href: str) -> bool:
    return href.startswith(SCHEME)


def parse_sim_href(href: str, *, text: str = "", line: int = 1, col: int = 1) -> SimLink:
    """Read ``sim:gradient-flow?depth=30&activation=relu#stable`` into a SimLink."""
    if not is_sim_href(href):
        raise SimLinkError(
            f"not a simulation link: {href!r} (expected 'sim:NAME?key=value#target')"
        )
    parts = urlsplit(href)
    name = parts.path
    if not _NAME.match(name):
        raise SimLinkError(
            f"bad simulation name {name!r} in {href!r}; use 'sim:NAME?key=value#target' "
            "with a lowercase, dash-separated NAME"
        )
    params: dict[str, str] = {}
    if parts.query:
        try:
            pairs = parse_qsl(parts.query, keep_blank_values=True, strict_parsing=True)
        except ValueError:
            raise SimLinkError(
                f"bad parameters {parts.query!r} in {href!r}; write key=value pairs joined by '&'"
            ) from None
        for key, value in pairs:
            if key in params:
                raise SimLinkError(f"parameter {key!r} given twice in {href!r}")
            if not value:
                raise SimLinkError(f"parameter {key!r} has no value in {href!r}")
            params[key] = value
    return SimLink(
        simulation=name,
        params=params,
        # markdown-it percent-encodes '<' and '>' of a metric expression (weight_grad_ratio>=1)
        target=unquote(parts.fragment) or None,
        text=text,
        line=line,
        col=col,
    )


def format_sim_href(simulation: str, params: dict[str, str], target: str | None = None) -> str:
    """The inverse of :func:`parse_sim_href`."""
    query = "&".join(f"{quote(k, safe='')}={quote(str(v), safe='.-_')}" for k, v in params.items())
    return (
        f"{SCHEME}{simulation}" + (f"?{query}" if query else "") + (f"#{target}" if target else "")
    )
