"""The image files a question shows: found in its Markdown, and read only when they are safe.

A question file may show ``![a plot](plot.png)`` (or raw HTML's ``<img src="plot.png">``): a
file beside it, which export packages with the question and ``check`` checks. Every such path
is hostile until shown otherwise. It is read relative to the question file's folder and must
stay inside the bank's folder (no absolute path, no ``..`` above the root, no symlink leading
out); it must be a regular file of at most :data:`MAX_IMAGE_BYTES`, and a PNG, JPEG, GIF or
WebP by its first bytes. SVG is refused: it can carry scripts, which would run in the LMS.
Remote images (``http(s)://``) and ``data:`` URIs are left as they are.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import unquote

from quizengine.bank.diagnostics import Diagnostic, display_path
from quizengine.bank.model import ImageRef
from quizengine.safefile import NotReadable, read_regular_file

MAX_IMAGE_BYTES = 5 * 1024 * 1024
"""The largest image packaged: far above a plot's (tens of KB), small enough for any LMS."""
_LIMIT_WORDS = "5 MiB (5,242,880 bytes)"
_REMOTE = re.compile(r"(?:https?|data):", re.IGNORECASE)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
IMG_SRC = re.compile(
    r"""(<img\b[^>]{0,2000}?\ssrc\s*=\s*)("[^"]*"|'[^']*'|[^\s>"']+)""", re.IGNORECASE
)
"""An ``<img>`` tag's ``src`` attribute: group 1 what comes before the value, group 2 the value
as written (quoted or not). Export rewrites the values this finds; the parser finds the raw
HTML images with it, so both agree on what an image is. The ``src`` must come within 2,000
characters of ``<img``: unbounded, a file of ``<img`` without ``>`` took quadratic time."""
_SVG_START = re.compile(rb"\s*(?:<\?xml|<!--|<!DOCTYPE\s+svg|<svg)", re.IGNORECASE)


@dataclass(frozen=True)
class ImageFile:
    """An image file read for a question: what its ``src`` names, and its bytes."""

    src: str
    name: str
    """The file's own name (``plot.png``), for the copy an export packages."""
    data: bytes
    mime: str


class ImageProblem(Exception):
    """Why an image cannot be packaged, in words that follow ``image 'plot.png' ``."""


def is_remote(src: str) -> bool:
    """An ``http(s)://`` or ``data:`` image: shown by the LMS as it is, never read here."""
    return bool(_REMOTE.match(src.strip()))


def src_value(match: re.Match[str]) -> str:
    """The ``src`` an :data:`IMG_SRC` match found, its quotes removed and HTML unescaped."""
    return unescape(match.group(2).strip("\"'"))


def html_image_sources(html: str) -> list[str]:
    """The ``src`` of every ``<img>`` tag in an HTML fragment, unescaped, in order."""
    return [src_value(match) for match in IMG_SRC.finditer(html)]


def image_type(data: bytes) -> str | None:
    """The MIME type of a PNG, JPEG, GIF or WebP image, told by its first bytes; else None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def question_root(question_path: str, roots: Sequence[str]) -> Path:
    """The bank folder a question was loaded from: the first folder of ``roots`` holding it, or
    (a file given by itself) the question's own folder."""
    path = Path(os.path.abspath(question_path))
    for root in roots:
        folder = Path(os.path.abspath(root))
        if folder.is_dir() and path.is_relative_to(folder):
            return folder
    return path.parent


def _relative_path(src: str) -> str:
    """The file path a local ``src`` names (query and fragment dropped, %xx decoded)."""
    if _SCHEME.match(src) or src.startswith("//"):
        raise ImageProblem(
            "is neither a file of the bank (a relative path) nor an http(s) URL; only those "
            "can be exported"
        )
    path = unquote(re.split(r"[?#]", src, maxsplit=1)[0])
    if not path:
        raise ImageProblem("names no file")
    if "\x00" in path:
        raise ImageProblem("has a NUL character in its path")
    if path.startswith(("/", "\\")):
        raise ImageProblem(
            "is an absolute path; give it relative to the question file's folder, inside the bank"
        )
    return path


def read_image(src: str, question_path: str, root: Path) -> ImageFile:
    """The image ``src`` of the question at ``question_path``, checked; raises ImageProblem."""
    relative = _relative_path(src)
    folder = Path(os.path.abspath(question_path)).parent
    target = Path(os.path.normpath(folder / relative))
    if not target.is_relative_to(root):
        raise ImageProblem(
            f"leads outside the bank's folder {display_path(root)} (through '..'); refused"
        )
    real = Path(os.path.realpath(target))
    if not real.is_relative_to(os.path.realpath(root)):
        raise ImageProblem(
            f"is a symlink to {display_path(real)}, outside the bank's folder "
            f"{display_path(root)}; refused"
        )
    if not os.path.lexists(target):
        raise ImageProblem(f"not found: no file {display_path(target)}")
    try:
        size = os.stat(real).st_size
    except OSError as error:
        raise ImageProblem(f"cannot be read: {error.strerror or error}") from None
    if size > MAX_IMAGE_BYTES:
        raise ImageProblem(f"is too large ({size:,} bytes; the limit is {_LIMIT_WORDS} per image)")
    try:
        data = read_regular_file(real, MAX_IMAGE_BYTES)  # a FIFO or a device is refused here
    except NotReadable as error:
        raise ImageProblem(f"cannot be used: {error}") from None
    if len(data) > MAX_IMAGE_BYTES:  # it grew since the stat
        raise ImageProblem(f"is too large (the limit is {_LIMIT_WORDS} per image)")
    mime = image_type(data)
    if mime is None:
        if real.suffix.lower() in (".svg", ".svgz") or _SVG_START.match(data[:512]):
            raise ImageProblem(
                "is an SVG: refused, because an SVG can carry scripts that would run in the "
                "LMS; export it as PNG"
            )
        raise ImageProblem("is not a PNG, JPEG, GIF or WebP image (by its first bytes); refused")
    return ImageFile(src=src, name=real.name, data=data, mime=mime)


def load_images(
    question_path: str, images: Sequence[ImageRef], roots: Sequence[str]
) -> tuple[dict[str, ImageFile], list[Diagnostic]]:
    """Every image a question shows, read and checked: the files by ``src``, and an error at
    the image's ``line:col`` for each one that cannot be packaged. ``roots``: the folders the
    bank was loaded from (the files may not lead out of the one holding the question)."""
    files: dict[str, ImageFile] = {}
    problems: list[Diagnostic] = []
    if not images:
        return files, problems
    root = question_root(question_path, roots)
    for ref in images:
        if ref.src in files:
            continue
        try:
            files[ref.src] = read_image(ref.src, question_path, root)
        except ImageProblem as problem:
            problems.append(
                Diagnostic(
                    path=question_path,
                    line=ref.line,
                    col=ref.col,
                    message=f"image {unquote(ref.src)!r} {problem}",
                )
            )
    return files, problems
