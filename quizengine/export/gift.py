"""GIFT, Moodle's plain-text question format: one block per question, blank-line separated.

Every text is HTML (``[html]``) written on one line: GIFT's special characters ``~ = # { } :``
and the backslash are escaped with a backslash, and newlines become ``\\n``, because a blank
line ends a question. ``single`` is ``{=right ~wrong ...}``; ``multiple`` gives every choice a
weight, ``{~%50%a ~%-50%b ...}`` (Moodle then shows checkboxes); ``numeric`` is
``{#=value:tolerance}``. The weights are Moodle's grades (:func:`credit.moodle_grades`).
"""

from __future__ import annotations

from dataclasses import dataclass

from quizengine.export.content import QuestionContent
from quizengine.export.credit import check_numeric, moodle_grades, percent, tolerance
from quizengine.export.engine import NumericQuestion
from quizengine.export.numbers import decimal

NAME = "gift"
SUFFIX = ".gift"
CARRIES_IMAGES = False
"""GIFT is one text file: an image file cannot travel with it. A ``data:`` URI would not help:
Moodle cleans question text with HTMLPurifier allowing only http, https, ftp and a few more
schemes (``purify_html`` in lib/weblib.php), so the image would be stripped. The link is kept
and export warns (see exporter.py)."""
_SPECIAL = "~=#{}:"


@dataclass(frozen=True)
class Rendered:
    text: str
    warnings: tuple[str, ...] = ()


def escape(text: str) -> str:
    """Text as GIFT reads it literally, on one line."""
    text = text.replace("\\", "\\\\")
    for char in _SPECIAL:
        text = text.replace(char, "\\" + char)
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def _html(text: str) -> str:
    return "[html]" + escape(text)


def _comment(content: QuestionContent) -> str:
    # Moodle's GIFT import reads an idnumber and tags from these markers in a comment.
    source = content.question
    markers = [f"[id:{source.id}]", *(f"[tag:{tag}]" for tag in source.tags if "]" not in tag)]
    return "// " + " ".join(markers)


def render(content: QuestionContent) -> Rendered:
    """The question as a GIFT block (no trailing blank line); raises credit.Inexpressible."""
    source = content.question
    lines = [
        _comment(content),
        f"::{escape(source.title)}::{_html(content.prompt_html)}{{",
    ]
    warnings: tuple[str, ...] = ()
    if isinstance(source, NumericQuestion):
        check_numeric(source.answer)
        key = f"{decimal(source.answer.value)}:{decimal(tolerance(source.answer))}"
        lines[-1] += "#"
        lines.append(f"={key}#{_html(content.answer_feedback_html)}")
    else:
        grades = moodle_grades(source)
        warnings = grades.warnings
        for choice, grade in zip(content.choices, grades.fractions, strict=True):
            if source.type == "single":
                mark = "=" if choice.correct else "~"
            else:
                mark = f"~%{percent(grade)}%"
            lines.append(f"{mark}{_html(choice.html)}#{_html(choice.feedback_html)}")
    lines.append(f"####{_html(content.general_feedback_html)}")
    lines.append("}")
    return Rendered("\n".join(lines), warnings)


def document(rendered: list[Rendered]) -> bytes:
    """The whole file: the questions separated by blank lines."""
    return ("\n\n".join(item.text for item in rendered) + "\n").encode("utf-8")
