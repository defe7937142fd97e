"""HTML fragments as QTI 2.1 content: the XHTML subset QTI allows.

markdown-it's HTML (and any raw HTML an author wrote) is parsed with the standard library's
HTML parser and rebuilt as elements QTI's schema accepts in each place: elements QTI lacks are
unwrapped (their text kept), attributes it lacks (``style``, ``start``) dropped, inline runs in
a block-only place wrapped in ``<p>``, and blocks in an inline-only place unwrapped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Literal
from xml.etree import ElementTree as ET

from quizengine.export.xmltext import xml_text

Context = Literal["block", "inline", "flow"]

_COMMON = {"id", "class", "label"}
_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "type"},
    "img": {"src", "alt", "longdesc", "height", "width"},
    "th": {"headers", "scope", "abbr", "axis", "rowspan", "colspan"},
    "td": {"headers", "scope", "abbr", "axis", "rowspan", "colspan"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "table": {"summary"},
}
_INLINE_CONTAINERS = {
    *("a", "abbr", "acronym", "b", "big", "cite", "code", "dfn", "em", "i", "kbd", "q"),
    *("samp", "small", "span", "strong", "sub", "sup", "tt", "var"),
}
_INLINE_EMPTY = {"br", "img"}
_BLOCK_OF_INLINES = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "address", "dt"}
_BLOCK_OF_FLOW = {"div", "li", "dd", "td", "th"}
_BLOCK_OF_BLOCKS = {"blockquote"}
_STRUCTURE: dict[str, tuple[str, ...]] = {
    "ul": ("li",),
    "ol": ("li",),
    "dl": ("dt", "dd"),
    "table": ("thead", "tbody", "tfoot"),
    "thead": ("tr",),
    "tbody": ("tr",),
    "tfoot": ("tr",),
    "tr": ("th", "td"),
}
_BLOCK_EMPTY = {"hr"}
_DROPPED = {"script", "style", "head", "title", "template"}
_VOID = {"br", "img", "hr", "input", "meta", "link", "wbr", "col", "source", "area", "base"}
_IS_BLOCK = _BLOCK_OF_INLINES | _BLOCK_OF_FLOW | _BLOCK_OF_BLOCKS | set(_STRUCTURE) | _BLOCK_EMPTY


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[_Node | str] = field(default_factory=list)


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(_Node(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def _parse(html: str) -> list[_Node | str]:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root.children


def _attributes(node: _Node) -> dict[str, str]:
    """The node's attributes that QTI allows on its element (an image always gets an alt)."""
    allowed = _COMMON | _ATTRIBUTES.get(node.tag, set())
    attrs = {name: xml_text(value) for name, value in node.attrs.items() if name in allowed}
    if node.tag == "img":
        attrs.setdefault("alt", "")
    return attrs


def _append_text(parent: ET.Element, text: str) -> None:
    text = xml_text(text)
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def _fill(parent: ET.Element, nodes: list[_Node | str], context: Context) -> None:
    """Append ``nodes`` to ``parent`` as content allowed in ``context``."""
    pending: list[_Node | str] = []  # inline run waiting for a <p> in a block context

    def flush() -> None:
        if any(not isinstance(n, str) or n.strip() for n in pending):
            paragraph = ET.SubElement(parent, "p")
            _fill(paragraph, pending, "inline")
        pending.clear()

    for node in nodes:
        if isinstance(node, str):
            if context == "block":
                pending.append(node)
            else:
                _append_text(parent, node)
            continue
        tag = node.tag
        if tag in _DROPPED:
            continue
        is_block = tag in _IS_BLOCK
        if context == "inline" and is_block:
            _fill(parent, node.children, "inline")  # unwrap: keep the text, drop the block
            continue
        if context == "block" and not is_block:
            pending.append(node)
            continue
        flush()
        if tag == "img" and not node.attrs.get("src"):
            continue
        if tag in _INLINE_EMPTY or tag in _BLOCK_EMPTY:
            ET.SubElement(parent, tag, _attributes(node))
        elif tag in _INLINE_CONTAINERS:
            element = ET.SubElement(parent, tag, _attributes(node))
            inner = [c for c in node.children if isinstance(c, str) or c.tag != "a"]
            _fill(element, inner if tag == "a" else node.children, "inline")
        elif tag in _BLOCK_OF_INLINES:
            element = ET.SubElement(parent, tag, _attributes(node))
            _fill(element, node.children, "inline")
        elif tag in _BLOCK_OF_FLOW:
            element = ET.SubElement(parent, tag, _attributes(node))
            _fill(element, node.children, "flow")
        elif tag in _BLOCK_OF_BLOCKS:
            element = ET.SubElement(parent, tag, _attributes(node))
            _fill(element, node.children, "block")
        elif tag in _STRUCTURE:
            _structure(parent, node)
        else:  # an element QTI does not have: keep its content
            _fill(parent, node.children, context)
    flush()


def _structure(parent: ET.Element, node: _Node) -> None:
    """Lists and tables with only the children QTI allows; left out when that leaves them
    without the child QTI requires (an item in a list, a tbody in a table, a cell in a row)."""
    allowed = _STRUCTURE[node.tag]
    nodes = [c for c in node.children if isinstance(c, _Node)]
    children = [c for c in nodes if c.tag in allowed]
    if node.tag == "table":
        rows = [c for c in nodes if c.tag == "tr"]
        if rows:  # rows straight in a table need a tbody in QTI
            children.append(_Node("tbody", children=list(rows)))
        children.sort(key=lambda c: ("thead", "tfoot", "tbody").index(c.tag))
    element = ET.SubElement(parent, node.tag, _attributes(node))
    for child in children:
        if child.tag in _STRUCTURE:
            _structure(element, child)
        else:
            sub = ET.SubElement(element, child.tag, _attributes(child))
            _fill(sub, child.children, "inline" if child.tag == "dt" else "flow")
    required = "tbody" if node.tag == "table" else None
    if not len(element) or (required and element.find(required) is None):
        parent.remove(element)


def fill(parent: ET.Element, html: str, context: Context) -> None:
    """Append the HTML fragment to ``parent`` as QTI content allowed in ``context``."""
    _fill(parent, _parse(html), context)
