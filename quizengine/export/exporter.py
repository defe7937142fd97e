"""One export: render every question in a format, collect what it could not say, write.

A question the format cannot express is reported (format, question, reason) and left out; the
others are still written. So is a question showing an image file that cannot be packaged
(missing, outside the bank, too large, not a PNG/JPEG/GIF/WebP: see ``bank/images.py``).
Warnings name a question whose scoring had to be approximated (never more generously than ours),
whose keys are not verified, or whose images a format cannot carry (GIFT).
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import Literal

from quizengine.export import gift, moodle, qti21
from quizengine.export.content import QuestionContent, build_content
from quizengine.export.credit import Inexpressible
from quizengine.export.engine import Diagnostic, Question, ResultCache, load_images
from quizengine.export.evidence import question_evidence
from quizengine.safetext import shown

MAX_EXPORT_IMAGE_BYTES = 256 * 2**20
"""The images one export may carry in all: a bank's plots take a few MiB; a hostile bank of many
5 MiB images would otherwise be held in memory whole (and Moodle XML adds a third in base64)."""
FORMATS: dict[str, ModuleType] = {"moodle": moodle, "gift": gift, "qti21": qti21}
Format = Literal["moodle", "gift", "qti21"]


@dataclass(frozen=True)
class Finding:
    """Something to tell the user about one question, compiler style."""

    path: str
    line: int
    severity: Literal["error", "warning"]
    message: str
    col: int = 1

    def __str__(self) -> str:
        # The path comes from the file system: shown with stand-ins, never raw, like Diagnostic.
        return shown(f"{self.path}:{self.line}:{self.col}: {self.severity}: {self.message}")


@dataclass
class Outcome:
    exported: list[str] = field(default_factory=list)
    """Ids of the questions written."""
    findings: list[Finding] = field(default_factory=list)
    unverified_keys: int = 0

    @property
    def failed(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]


def contents(
    questions: Iterable[Question],
    cache: ResultCache | None,
    seed: int,
    roots: Sequence[str] = (),
) -> list[QuestionContent]:
    """Every question's texts, with the evidence from ``cache`` (None: nothing is verified) and
    its image files, read from the bank loaded from ``roots`` (see ``bank/images.py``)."""
    items = []
    total = 0
    for question in questions:
        content = build_content(question, question_evidence(question, cache, seed), seed)
        files, problems = load_images(question.path, question.images, roots)
        size = sum(len(file.data) for file in files.values())
        if files and total + size > MAX_EXPORT_IMAGE_BYTES:
            problems.append(_too_many_images(question))
            files = {}
        total += size if files else 0
        items.append(replace(content, images=files, image_problems=tuple(problems)))
    return items


def _too_many_images(question: Question) -> Diagnostic:
    first = question.images[0]
    return Diagnostic(
        path=question.path,
        line=first.line,
        col=first.col,
        message=f"image {first.src!r} and the others of this question would take the export's "
        f"images over {MAX_EXPORT_IMAGE_BYTES // 2**20} MiB in all (every image is held in "
        "memory until the output is written); export fewer questions at once (PATH, --tag)",
    )


def render_all(items: list[QuestionContent], to: Format) -> tuple[list[object], Outcome]:
    """Render each question in format ``to``; the rendered ones and what was found."""
    writer = FORMATS[to]
    rendered: list[object] = []
    outcome = Outcome()
    for content in items:
        question = content.question
        if content.image_problems:
            outcome.findings.extend(
                Finding(
                    d.path,
                    d.line,
                    "error",
                    f"{d.message}; question {question.id!r} not exported",
                    d.col,
                )
                for d in content.image_problems
            )
            continue
        try:
            result = writer.render(content)
        except Inexpressible as reason:
            outcome.findings.append(
                Finding(
                    question.path,
                    question.id_line,
                    "error",
                    f"{to} cannot express question {question.id!r}: {reason}; not exported",
                )
            )
            continue
        rendered.append(result)
        outcome.exported.append(question.id)
        outcome.findings.extend(
            Finding(
                question.path,
                question.id_line,
                "warning",
                f"{to} scores question {question.id!r} less generously than quizengine: {text}",
            )
            for text in result.warnings
        )
        if content.images and not writer.CARRIES_IMAGES:
            outcome.findings.extend(_images_left_out(content, to))
        outcome.unverified_keys += content.unverified
        if content.disagreeing:
            outcome.findings.append(
                Finding(
                    question.path,
                    question.id_line,
                    "warning",
                    f"question {question.id!r}: the cached simulation disagrees with "
                    f"{content.disagreeing} of its keys (exported as the file says it)",
                )
            )
    return rendered, outcome


def _images_left_out(content: QuestionContent, to: Format) -> list[Finding]:
    question = content.question
    return [
        Finding(
            question.path,
            ref.line,
            "warning",
            f"{to} cannot carry image files: question {question.id!r} keeps its link to "
            f"{ref.src!r}, which the LMS cannot show; export to moodle or qti21 to include it",
            ref.col,
        )
        for ref in question.images
        if ref.src in content.images
    ]


def output_files(rendered: list[object], to: Format) -> dict[str, bytes]:
    """What to write: ``{"": bytes}`` for a one-file format, the package's files for QTI."""
    if to == "qti21":
        return qti21.package(rendered)  # type: ignore[arg-type]
    return {"": FORMATS[to].document(rendered)}


def is_zip(out: Path) -> bool:
    return out.suffix.lower() == ".zip"


def write_output(files: dict[str, bytes], out: Path) -> None:
    """Write atomically: a temporary file (or folder's files) renamed into place."""
    if set(files) == {""}:
        _atomic_write(out, files[""])
    elif is_zip(out):
        handle, temp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
        os.close(handle)
        try:
            with zipfile.ZipFile(temp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for name, data in sorted(files.items()):
                    # Images (PNG, JPEG, GIF, WebP) are compressed already: stored as they are.
                    stored = name.startswith(f"{qti21.MEDIA_DIR}/")
                    kind = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
                    archive.writestr(name, data, compress_type=kind)
            os.replace(temp, out)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    else:
        for name, data in sorted(files.items()):
            target = out / name
            target.parent.mkdir(parents=True, exist_ok=True)
            _atomic_write(target, data)


def _atomic_write(path: Path, data: bytes) -> None:
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def output_problem(out: Path, to: Format) -> str | None:
    """Why ``out`` cannot receive an export in format ``to`` (checked before any work)."""
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        return f"cannot write {out}: no such directory: {parent}"
    if not os.access(parent, os.W_OK):
        return f"cannot write {out}: {parent} is not writable"
    folder = to == "qti21" and not is_zip(out)
    if folder:
        if out.exists() and not out.is_dir():
            return f"cannot write the QTI package to {out}: it is a file (give a folder or a .zip)"
        if out.is_dir() and any(out.iterdir()):
            return (
                f"cannot write the QTI package to {out}: the folder is not empty "
                "(give a new or empty folder, or a .zip)"
            )
        if out.is_dir() and not os.access(out, os.W_OK):
            return f"cannot write {out}: it is not writable"
    elif out.is_dir():
        return f"cannot write {out}: it is a directory; give a file name"
    return None
