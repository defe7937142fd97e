"""Reading a typed numeric answer: what a learner writes, not only what ``float()`` takes.

``0,99`` (a decimal comma), ``1/2`` (a simple fraction), ``2.5e-3`` and ``12 ms`` (a trailing
unit, when it is the key's unit) are read; anything else is refused with a sentence saying
why, and the text itself is never changed. Pure functions: the TUI and any other front end
call :func:`read_number` and show its :class:`Unreadable` message as it is.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

# Patterns as text: ``re`` compiles (and caches) them on first use, when a learner types, not
# when the question screen loads (compiling them took 7 ms of the way to the first question).
DECIMAL = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
FRACTION = rf"(?P<top>{DECIMAL})\s*/\s*(?P<bottom>{DECIMAL})"
# "1,000" could be a thousand or one: a comma followed by exactly three digits is refused.
THOUSANDS = r"\d,\d{3}(?!\d)"
# A unit after a number: starts with a letter, % or °, may hold /, ², ³ (m/s², kg·m).
TRAILING_WORD = r"(?<=[\d\s.])(?:[^\W\d_]|[%°µ])(?:[^\W_]|[/%°²³·^])*$"
EXAMPLES = "e.g. 0.25, 0,25, 1/4 or 2.5e-3"


@dataclass(frozen=True)
class Unreadable:
    """Why a text is not a number the quiz can score, in words for the learner."""

    message: str


def _parse(body: str) -> float | Unreadable | None:
    """A decimal (point or comma) or a fraction; None when ``body`` is neither."""
    if "," in body:
        if "." in body or body.count(",") > 1 or re.search(THOUSANDS, body):
            return Unreadable(
                f"“{body}”: is the comma a decimal comma or a thousands separator? "
                "Write the number with one decimal point or comma and no thousands "
                "separator, e.g. 1000 or 0.5."
            )
        body = body.replace(",", ".")
    if (fraction := re.fullmatch(FRACTION, body)) is not None:
        bottom = float(fraction["bottom"])
        if bottom == 0:
            return Unreadable(f"“{body}” divides by zero.")
        return float(fraction["top"]) / bottom
    if re.fullmatch(DECIMAL, body):
        return float(body)
    return None


def read_number(text: str, unit: str | None = None) -> float | Unreadable:
    """The number ``text`` says, or why it cannot be read (never a guess)."""
    stripped = text.strip().replace("−", "-")  # a typographic minus, as pasted from a page
    if not stripped:
        return Unreadable(f"Type a number first, {EXAMPLES}.")
    body = stripped
    if unit and stripped.endswith(unit) and stripped != unit:
        body = stripped[: -len(unit)].rstrip()
    value = _parse(body)
    if value is None:
        if (word := re.search(TRAILING_WORD, body)) is not None:
            if unit:
                return Unreadable(f"“{word.group()}” is not this answer's unit: give it in {unit}.")
            return Unreadable(f"“{word.group()}” cannot be read: this answer takes a plain number.")
        return Unreadable(f"“{text.strip()}” is not a number the quiz can read: {EXAMPLES}.")
    if isinstance(value, Unreadable):
        return value
    if not math.isfinite(value):
        return Unreadable(
            f"“{text.strip()}” is too large to score: numbers go up to about 1.8e308."
        )
    return value
