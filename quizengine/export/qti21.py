"""IMS QTI 2.1: a content package of one ``assessmentItem`` file per question.

``single`` is a ``choiceInteraction`` with ``maxChoices="1"``, scored 1 when the response
matches the correct one; ``multiple`` (``maxChoices="0"``) is scored by ``mapResponse`` over a
``mapping`` of each choice to its credit (``1/k`` or ``-1/(n-k)``) with ``lowerBound="0"`` and
``upperBound="1"``, which is our rule exactly; ``numeric`` is a float ``textEntryInteraction``
scored 1 when ``equal`` with ``toleranceMode="absolute"`` holds. Each choice carries its
feedback as ``feedbackInline`` (shown for the picked choices), and one ``modalFeedback`` the
explanation, the evidence and the references. ``imsmanifest.xml`` lists the items and an
``assessmentTest`` that holds them all in file order.

An item's image files go in the package beside the items, under ``items/media/ITEM/`` (names
unique per item), each listed as a ``<file>`` of the item's resource in the manifest, as the IMS
examples do; the ``src`` is rewritten relative to the item file (``media/q-id/plot.png``), with
no ``..`` that an importer might refuse.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import quote
from xml.etree import ElementTree as ET

from quizengine.export.content import QuestionContent
from quizengine.export.credit import check_numeric, tolerance
from quizengine.export.engine import ChoiceQuestion, NumericQuestion
from quizengine.export.images import rewrite_sources, unique_names, used_images
from quizengine.export.numbers import decimal
from quizengine.export.xhtml import fill
from quizengine.export.xmltext import xml_text

QTI_NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"
NAME = "qti21"
SUFFIX = ""  # a folder, or a .zip
CARRIES_IMAGES = True
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
CP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
QTI_XSD = "http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
CP_XSD = "http://www.imsglobal.org/xsd/imscp_v1p1.xsd"
RESPONSE, SCORE, MAXSCORE, FEEDBACK, EXPLANATION = (
    "RESPONSE",
    "SCORE",
    "MAXSCORE",
    "FEEDBACK",
    "EXPLANATION",
)
ITEMS_DIR = "items"
MEDIA_DIR = f"{ITEMS_DIR}/media"
TEST_FILE = "assessment.xml"


@dataclass(frozen=True)
class Rendered:
    identifier: str
    title: str
    xml: bytes
    warnings: tuple[str, ...] = ()
    media: tuple[tuple[str, bytes], ...] = ()
    """The item's image files: (path in the package, bytes)."""

    @property
    def href(self) -> str:
        return f"{ITEMS_DIR}/{self.identifier}.xml"


def _q(tag: str) -> str:
    # Plain names, and the namespace as an xmlns attribute on the root: ElementTree will not
    # write a default namespace with unqualified attributes (which QTI's are).
    return tag


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, _q(tag), attrs)
    if text is not None:
        element.text = text
    return element


def choice_identifier(index: int) -> str:
    return f"CHOICE_{index + 1}"


def item_identifier(question_id: str) -> str:
    """An NCName for the item (a slug may start with a digit; an NCName may not)."""
    return f"q-{question_id}"


def _set_score(parent: ET.Element, value: str) -> None:
    setter = _sub(parent, "setOutcomeValue", identifier=SCORE)
    _sub(setter, "baseValue", value, baseType="float")


def _declarations(item: ET.Element, content: QuestionContent) -> None:
    source = content.question
    if isinstance(source, NumericQuestion):
        response = _sub(item, "responseDeclaration", identifier=RESPONSE, cardinality="single")
        response.set("baseType", "float")
        _sub(_sub(response, "correctResponse"), "value", decimal(source.answer.value))
    else:
        cardinality = "single" if source.type == "single" else "multiple"
        response = _sub(
            item,
            "responseDeclaration",
            identifier=RESPONSE,
            cardinality=cardinality,
            baseType="identifier",
        )
        correct = _sub(response, "correctResponse")
        for index, choice in enumerate(content.choices):
            if choice.correct:
                _sub(correct, "value", choice_identifier(index))
        if source.type == "multiple":
            mapping = _sub(response, "mapping", lowerBound="0", upperBound="1", defaultValue="0")
            for index, choice in enumerate(content.choices):
                _sub(
                    mapping,
                    "mapEntry",
                    mapKey=choice_identifier(index),
                    mappedValue=repr(float(choice.credit)),
                )
    for identifier, default in ((SCORE, "0"), (MAXSCORE, "1")):
        outcome = _sub(
            item,
            "outcomeDeclaration",
            identifier=identifier,
            cardinality="single",
            baseType="float",
        )
        if identifier == SCORE:
            outcome.set("normalMinimum", "0")
            outcome.set("normalMaximum", "1")
        _sub(_sub(outcome, "defaultValue"), "value", default)
    _sub(
        item,
        "outcomeDeclaration",
        identifier=FEEDBACK,
        cardinality="multiple",
        baseType="identifier",
    )


def _body(item: ET.Element, content: QuestionContent) -> None:
    body = _sub(item, "itemBody")
    fill(body, content.prompt_html, "block")
    if isinstance(content.question, NumericQuestion):
        paragraph = _sub(body, "p")
        _sub(paragraph, "textEntryInteraction", responseIdentifier=RESPONSE, expectedLength="20")
        return
    interaction = _sub(
        body,
        "choiceInteraction",
        responseIdentifier=RESPONSE,
        shuffle="false",
        maxChoices="1" if content.question.type == "single" else "0",
    )
    for index, choice in enumerate(content.choices):
        identifier = choice_identifier(index)
        simple = _sub(interaction, "simpleChoice", identifier=identifier)
        fill(simple, choice.html, "inline")
        feedback = _sub(
            simple,
            "feedbackInline",
            outcomeIdentifier=FEEDBACK,
            identifier=identifier,
            showHide="show",
        )
        feedback.text = " "
        fill(feedback, choice.feedback_html, "inline")


def _processing(item: ET.Element, content: QuestionContent) -> None:
    source = content.question
    processing = _sub(item, "responseProcessing")
    condition = _sub(processing, "responseCondition")
    if_ = _sub(condition, "responseIf")
    if source.type == "single":
        match = _sub(if_, "match")
        _sub(match, "variable", identifier=RESPONSE)
        _sub(match, "correct", identifier=RESPONSE)
        _set_score(if_, "1")
        _set_score(_sub(condition, "responseElse"), "0")
    elif source.type == "multiple":
        _sub(_sub(if_, "isNull"), "variable", identifier=RESPONSE)
        _set_score(if_, "0")
        setter = _sub(_sub(condition, "responseElse"), "setOutcomeValue", identifier=SCORE)
        _sub(setter, "mapResponse", identifier=RESPONSE)
    elif isinstance(source, NumericQuestion):
        width = decimal(tolerance(source.answer))
        equal = _sub(
            if_,
            "equal",
            toleranceMode="absolute",
            tolerance=width,
            includeLowerBound="true",
            includeUpperBound="true",
        )
        _sub(equal, "variable", identifier=RESPONSE)
        _sub(equal, "correct", identifier=RESPONSE)
        _set_score(if_, "1")
        _set_score(_sub(condition, "responseElse"), "0")
    # The explanation is always shown; each picked choice shows its own feedback.
    feedback = _sub(_sub(processing, "setOutcomeValue", identifier=FEEDBACK), "multiple")
    _sub(feedback, "baseValue", EXPLANATION, baseType="identifier")
    if isinstance(source, ChoiceQuestion):
        _sub(feedback, "variable", identifier=RESPONSE)


def _modal_feedback(item: ET.Element, content: QuestionContent) -> None:
    modal = _sub(
        item,
        "modalFeedback",
        outcomeIdentifier=FEEDBACK,
        identifier=EXPLANATION,
        showHide="show",
        title="Explanation",
    )
    fill(modal, content.answer_feedback_html + "\n" + content.general_feedback_html, "flow")


def _with_media(
    content: QuestionContent, identifier: str
) -> tuple[QuestionContent, dict[str, bytes]]:
    """The content with each image's ``src`` pointing at its copy in the package, and the
    copies by their path in the package."""
    texts = [content.prompt_html, content.answer_feedback_html, content.general_feedback_html]
    texts += [text for choice in content.choices for text in (choice.html, choice.feedback_html)]
    files = {file.src: file for text in texts for file in used_images(text, content.images)}
    if not files:
        return content, {}
    names = unique_names(files.values())
    folder = f"{MEDIA_DIR}/{identifier}"

    def rewrite(html: str) -> str:
        # The item is items/ITEM.xml and its media are under items/media/ITEM/.
        return rewrite_sources(
            html, lambda src: f"media/{identifier}/{quote(names[src])}" if src in names else None
        )

    rewritten = replace(
        content,
        prompt_html=rewrite(content.prompt_html),
        answer_feedback_html=rewrite(content.answer_feedback_html),
        general_feedback_html=rewrite(content.general_feedback_html),
        choices=tuple(
            replace(c, html=rewrite(c.html), feedback_html=rewrite(c.feedback_html))
            for c in content.choices
        ),
    )
    return rewritten, {f"{folder}/{names[src]}": file.data for src, file in files.items()}


def render(content: QuestionContent) -> Rendered:
    """The question as a QTI 2.1 item file; raises credit.Inexpressible."""
    source = content.question
    if isinstance(source, NumericQuestion):
        check_numeric(source.answer)
    identifier = item_identifier(source.id)
    content, media = _with_media(content, identifier)
    item = ET.Element(
        _q("assessmentItem"),
        {
            "xmlns": QTI_NS,
            f"{{{XSI_NS}}}schemaLocation": f"{QTI_NS} {QTI_XSD}",
            "identifier": identifier,
            "title": xml_text(source.title),
            "adaptive": "false",
            "timeDependent": "false",
        },
    )
    _declarations(item, content)
    _body(item, content)
    _processing(item, content)
    _modal_feedback(item, content)
    xml = ET.tostring(item, encoding="utf-8", xml_declaration=True)
    return Rendered(identifier, source.title, xml, media=tuple(media.items()))


def _test(rendered: list[Rendered]) -> bytes:
    test = ET.Element(
        _q("assessmentTest"),
        {
            "xmlns": QTI_NS,
            f"{{{XSI_NS}}}schemaLocation": f"{QTI_NS} {QTI_XSD}",
            "identifier": "quizengine-export",
            "title": "quizengine questions",
        },
    )
    _sub(test, "outcomeDeclaration", identifier=SCORE, cardinality="single", baseType="float")
    part = _sub(
        test,
        "testPart",
        identifier="part-1",
        navigationMode="nonlinear",
        submissionMode="individual",
    )
    section = _sub(part, "assessmentSection", identifier="section-1", title="Questions")
    section.set("visible", "true")
    for item in rendered:
        _sub(section, "assessmentItemRef", identifier=item.identifier, href=item.href)
    processing = _sub(test, "outcomeProcessing")
    total = _sub(_sub(processing, "setOutcomeValue", identifier=SCORE), "sum")
    _sub(total, "testVariables", variableIdentifier=SCORE)
    return ET.tostring(test, encoding="utf-8", xml_declaration=True)


def _manifest(rendered: list[Rendered]) -> bytes:
    def cp(tag: str) -> str:
        return tag

    manifest = ET.Element(
        cp("manifest"),
        {
            "xmlns": CP_NS,
            "identifier": "quizengine-export-manifest",
            f"{{{XSI_NS}}}schemaLocation": f"{CP_NS} {CP_XSD}",
        },
    )
    metadata = ET.SubElement(manifest, cp("metadata"))
    ET.SubElement(metadata, cp("schema")).text = "QTIv2.1 Package"
    ET.SubElement(metadata, cp("schemaversion")).text = "1.0.0"
    ET.SubElement(manifest, cp("organizations"))
    resources = ET.SubElement(manifest, cp("resources"))
    test = ET.SubElement(
        resources,
        cp("resource"),
        {"identifier": "test", "type": "imsqti_test_xmlv2p1", "href": TEST_FILE},
    )
    ET.SubElement(test, cp("file"), {"href": TEST_FILE})
    for item in rendered:
        ET.SubElement(test, cp("dependency"), {"identifierref": item.identifier})
    for item in rendered:
        resource = ET.SubElement(
            resources,
            cp("resource"),
            {"identifier": item.identifier, "type": "imsqti_item_xmlv2p1", "href": item.href},
        )
        ET.SubElement(resource, cp("file"), {"href": item.href})
        for path, _ in item.media:
            ET.SubElement(resource, cp("file"), {"href": quote(path)})
    ET.indent(manifest)
    return ET.tostring(manifest, encoding="utf-8", xml_declaration=True)


def package(rendered: list[Rendered]) -> dict[str, bytes]:
    """Every file of the content package by its path inside it."""
    files = {"imsmanifest.xml": _manifest(rendered), TEST_FILE: _test(rendered)}
    files.update({item.href: item.xml for item in rendered})
    files.update({path: data for item in rendered for path, data in item.media})
    return files


ET.register_namespace("xsi", XSI_NS)
