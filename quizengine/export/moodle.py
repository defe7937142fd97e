"""Moodle XML: one ``<question>`` per question in a ``<quiz>`` file.

``single`` is a ``multichoice`` with ``<single>true</single>`` (one answer at 100%, the others
0); ``multiple`` a ``multichoice`` with ``<single>false</single>``, each answer's ``fraction``
its credit as a percentage from Moodle's grade set (:func:`credit.moodle_grades`); ``numeric`` a
``numerical`` question whose one answer has the key's absolute tolerance.

Image files travel as Moodle's own export writes them: inside the text element whose HTML shows
them, ``<file name="plot.png" path="/" encoding="base64">``, with the ``src`` rewritten to
``@@PLUGINFILE@@/plot.png`` (the name percent-encoded, as Moodle does); names are unique within
each element, which is one file area in Moodle.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote
from xml.etree import ElementTree as ET

from quizengine.export.content import QuestionContent
from quizengine.export.credit import check_numeric, moodle_grades, percent, tolerance
from quizengine.export.engine import ImageFile, NumericQuestion
from quizengine.export.images import rewrite_sources, unique_names, used_images
from quizengine.export.numbers import decimal
from quizengine.export.xmltext import xml_text

NAME = "moodle"
SUFFIX = ".xml"
CARRIES_IMAGES = True
PLUGINFILE = "@@PLUGINFILE@@/"


@dataclass(frozen=True)
class Rendered:
    element: ET.Element
    warnings: tuple[str, ...] = ()


Images = Mapping[str, ImageFile]


def _text_with_files(element: ET.Element, html: str, images: Images) -> None:
    """``<text>`` and, after it, a ``<file>`` for each image file the HTML shows (none when
    ``images`` is empty: plain text, or a question without image files)."""
    files = used_images(html, images) if images else []
    names = unique_names(files)
    if names:
        html = rewrite_sources(
            html, lambda src: PLUGINFILE + quote(names[src], safe="") if src in names else None
        )
    ET.SubElement(element, "text").text = xml_text(html)
    for file in files:
        attributes = {"name": names[file.src], "path": "/", "encoding": "base64"}
        ET.SubElement(element, "file", attributes).text = base64.b64encode(file.data).decode()


def _text(
    parent: ET.Element, tag: str, text: str, html: bool = False, images: Images | None = None
) -> ET.Element:
    element = ET.SubElement(parent, tag, {"format": "html"} if html else {})
    _text_with_files(element, text, images if html and images else {})
    return element


def _answer(
    question: ET.Element, fraction: str, text: str, feedback: str, html: bool, images: Images
) -> ET.Element:
    answer = ET.SubElement(
        question,
        "answer",
        {"fraction": fraction, "format": "html" if html else "moodle_auto_format"},
    )
    _text_with_files(answer, text, images if html else {})
    _text(answer, "feedback", feedback, html=True, images=images)
    return answer


def render(content: QuestionContent) -> Rendered:
    """The question's ``<question>`` element; raises credit.Inexpressible."""
    source = content.question
    kind = "numerical" if isinstance(source, NumericQuestion) else "multichoice"
    question = ET.Element("question", {"type": kind})
    _text(question, "name", source.title)
    images = content.images
    _text(question, "questiontext", content.prompt_html, html=True, images=images)
    _text(question, "generalfeedback", content.general_feedback_html, html=True, images=images)
    ET.SubElement(question, "defaultgrade").text = "1"
    ET.SubElement(question, "penalty").text = "0"
    ET.SubElement(question, "hidden").text = "0"
    ET.SubElement(question, "idnumber").text = source.id
    warnings: tuple[str, ...] = ()
    if isinstance(source, NumericQuestion):
        check_numeric(source.answer)
        answer = _answer(
            question,
            "100",
            decimal(source.answer.value),
            content.answer_feedback_html,
            html=False,
            images=images,
        )
        ET.SubElement(answer, "tolerance").text = decimal(tolerance(source.answer))
        ET.SubElement(question, "unitgradingtype").text = "0"
        ET.SubElement(question, "unitpenalty").text = "0"
        ET.SubElement(question, "showunits").text = "3"  # no unit field: the key has no unit
        ET.SubElement(question, "unitsleft").text = "0"
    else:
        grades = moodle_grades(source)
        warnings = grades.warnings
        ET.SubElement(question, "single").text = "true" if source.type == "single" else "false"
        # The author's order, as `quizengine take` shows it without --shuffle.
        ET.SubElement(question, "shuffleanswers").text = "false"
        ET.SubElement(question, "answernumbering").text = "abc"
        ET.SubElement(question, "showstandardinstruction").text = "1"
        for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
            _text(question, tag, "", html=True)
        for choice, grade in zip(content.choices, grades.fractions, strict=True):
            feedback = choice.feedback_html
            _answer(question, percent(grade), choice.html, feedback, html=True, images=images)
    if source.tags:
        tags = ET.SubElement(question, "tags")
        for tag in source.tags:
            ET.SubElement(ET.SubElement(tags, "tag"), "text").text = xml_text(tag)
    return Rendered(question, warnings)


def document(rendered: list[Rendered]) -> bytes:
    """The whole file: every rendered question in one ``<quiz>``."""
    quiz = ET.Element("quiz")
    for item in rendered:
        quiz.append(item.element)
    ET.indent(quiz)
    return ET.tostring(quiz, encoding="utf-8", xml_declaration=True) + b"\n"
