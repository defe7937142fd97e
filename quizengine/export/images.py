"""A question's image files in an exported text: which a text uses, their names, new ``src``.

Each format carries the files its own way (Moodle XML embeds them in the text element that uses
them, QTI puts them in the package); here is what they share: the images an HTML fragment
shows, a file name for each that is unique where the format needs it, and the fragment with
each ``src`` pointing at the packaged copy.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from html import escape, unescape
from pathlib import PurePosixPath
from re import Match

from quizengine.export.engine import IMG_SRC, ImageFile, html_image_sources, src_value


def used_images(html: str, images: Mapping[str, ImageFile]) -> list[ImageFile]:
    """The question's image files that ``html`` shows, each once, in order of appearance."""
    used = dict.fromkeys(src for src in html_image_sources(html) if src in images)
    return [images[src] for src in used]


def safe_name(name: str) -> str:
    """A file name any LMS stores as it is: letters, digits, ``.``, ``-`` and ``_`` kept, every
    other character (``/ \\ : * ? " < > |``, spaces, controls) replaced by ``_``."""
    cleaned = "".join(c if c.isalnum() or c in "._-" else "_" for c in name).lstrip(".")
    return cleaned or "image"


def unique_names(files: Iterable[ImageFile]) -> dict[str, str]:
    """A distinct safe file name for each file's ``src``: ``plot.png``, then ``plot-2.png``."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for file in files:
        if file.src in names:
            continue
        base = safe_name(file.name)
        stem, suffix = PurePosixPath(base).stem, PurePosixPath(base).suffix
        name, number = base, 1
        while name.lower() in taken:
            number += 1
            name = f"{stem}-{number}{suffix}"
        taken.add(name.lower())
        names[file.src] = name
    return names


_IMG_TAG = re.compile(r"<img\b[^>]{0,4000}>", re.IGNORECASE)
_ALT = re.compile(r"""\salt\s*=\s*("[^"]*"|'[^']*'|[^\s>"']+)""", re.IGNORECASE)


def images_as_text(html: str) -> str:
    """``html`` with each ``<img>`` replaced by its alt text in brackets (``[a plot]``)."""

    def text(match: Match[str]) -> str:
        alt = _ALT.search(match.group(0))
        words = unescape(alt.group(1).strip("\"'")).strip() if alt else ""
        return f"[{escape(words or 'image', quote=False)}]"

    return _IMG_TAG.sub(text, html)


def rewrite_sources(html: str, new_src: Callable[[str], str | None]) -> str:
    """``html`` with each ``<img>``'s ``src`` replaced by ``new_src(src)`` (None: kept)."""

    def replace(match: Match[str]) -> str:
        replacement = new_src(src_value(match))
        if replacement is None:
            return match.group(0)
        return f'{match.group(1)}"{escape(replacement, quote=True)}"'

    return IMG_SRC.sub(replace, html)
