"""Text from question files and the history, made safe to show in a terminal.

A question file or a history row may carry bytes a terminal obeys instead of showing: ``ESC ] 0 ;``
sets the window title, ``ESC [ 5 m`` blinks, BEL rings, a right-to-left override (U+202E) turns
what follows around. Everything shown passes through :func:`shown` first: C0 controls (except
newline and tab), DEL, C1 controls and the bidirectional embeddings, overrides and isolates
become visible stand-ins, so nothing is obeyed and nothing is silently dropped.
"""

from __future__ import annotations

import re

# C0 but \t and \n, DEL, C1; the bidi embeddings/overrides (U+202A-E) and isolates (U+2066-9).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# The CSV cells a spreadsheet would take for a formula (OWASP's list; tab and CR lead one too).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _stand_in(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ␛ for ESC, ␇ for BEL
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"‹U+{code:04X}›"  # not <...>: Markdown could take that for HTML


def shown(text: str) -> str:
    """``text`` with every character a terminal would act on replaced by a visible stand-in."""
    return _UNSAFE.sub(_stand_in, text)


def unsafe_characters(text: str) -> list[tuple[int, str]]:
    """(offset, ``U+XXXX`` name) of each character :func:`shown` would replace."""
    return [(m.start(), f"U+{ord(m.group()):04X}") for m in _UNSAFE.finditer(text)]


def has_unsafe(text: str) -> bool:
    return _UNSAFE.search(text) is not None


# Schemes a link in a question may open outside the TUI: a browser page or a mail. Not file:,
# javascript:, data: or a custom handler an author could aim at the learner's machine.
_OUTSIDE_SCHEMES = ("http", "https", "mailto")


def opens_outside(href: str) -> bool:
    """Whether a clicked (non-``sim:``) link may be handed to the system to open."""
    scheme, colon, _ = href.strip().partition(":")
    return bool(colon) and scheme.lower() in _OUTSIDE_SCHEMES and not has_unsafe(href)


def csv_cell(text: str) -> str:
    """A CSV cell a spreadsheet shows as text: one that would start a formula gets a leading
    apostrophe (the usual neutraliser), and control characters are made visible."""
    text = shown(text)
    return "'" + text if text.startswith(_FORMULA_START) else text
