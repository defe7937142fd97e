"""Question files → :class:`~quizengine.bank.model.Question`, with errors at ``path:line:col``.

A file is frontmatter, an H1 title, the prompt, a GFM task list of choices, ``## Answer`` and an
optional ``## References`` (see docs/format.md). markdown-it-py gives every block token a line
map; the raw Markdown of each part is cut from the source lines, so the author's text is kept as
written.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

from quizengine.bank.claimexpr import ClaimSyntaxError, is_expression, parse_expression
from quizengine.bank.diagnostics import Diagnostic, QuizFormatError
from quizengine.bank.frontmatter import (
    FrontmatterError,
    Position,
    load_yaml,
    split_frontmatter,
    validate,
)
from quizengine.bank.images import html_image_sources, is_remote
from quizengine.bank.model import (
    MAX_FILE_BYTES,
    Choice,
    ChoiceQuestion,
    Explanation,
    ImageRef,
    MultipleFrontmatter,
    NumericFrontmatter,
    NumericQuestion,
    Question,
    Reference,
    SimLink,
    SingleFrontmatter,
)
from quizengine.bank.simlink import SimLinkError, is_sim_href, parse_sim_href
from quizengine.safetext import unsafe_characters

# Limits checked before markdown-it sees a file. markdown-it-py costs ~10 us per line and up to
# ~25 us per inline-markup character ('[' that opens no link is the worst): these bounds keep
# any file under 2 s (benchmarks/bench_hostile_parse.py) and are far above a real question's
# (the bundled ones: < 5 KB, < 70 lines, < 70 markup characters).
MAX_LINES = 6_000
MAX_MARKUP_CHARACTERS = 6_000
_MARKUP_CHARACTERS = "[!*_~`<&\\|"
MAX_NESTING = 32
"""markdown-it drops block content nested deeper than its maxNesting: refuse it before that."""
Positions = dict[tuple[str, ...], Position]
ANSWER_HEADINGS = ("answer", "explanation")
REFERENCE_HEADINGS = ("references",)
# The destination of a claim link: ``(sim:...)`` or ``(<sim:...>)``, spaces allowed around it.
_SIM_DESTINATION = re.compile(r"\s*(?:<sim:[^>\n]*>|sim:[^)\s]*)\s*")


@cache
def markdown_parser() -> MarkdownIt:
    """CommonMark with GFM task lists and tables, and frontmatter recognised."""
    options = {"tasklists": True, "maxNesting": MAX_NESTING}
    return MarkdownIt("commonmark", options).use(front_matter_plugin).enable("table")


@dataclass
class _Findings:
    path: str
    items: list[Diagnostic] = field(default_factory=list)

    def error(self, message: str, line: int = 1, col: int = 1) -> None:
        self.items.append(Diagnostic(path=self.path, line=line, col=col, message=message))

    def warning(self, message: str, line: int = 1, col: int = 1) -> None:
        self.items.append(
            Diagnostic(path=self.path, line=line, col=col, severity="warning", message=message)
        )

    @property
    def has_errors(self) -> bool:
        return any(d.severity == "error" for d in self.items)


@dataclass(frozen=True)
class ParsedQuestion:
    question: Question
    warnings: list[Diagnostic]


def read_question_file(path: str, data: bytes) -> str:
    """Decode a file's bytes, refusing what cannot be a question file."""

    def fail(message: str, line: int = 1, col: int = 1) -> QuizFormatError:
        return QuizFormatError([Diagnostic(path=path, line=line, col=col, message=message)])

    if len(data) > MAX_FILE_BYTES:
        raise fail(f"file is too large ({len(data):,} bytes; the limit is {MAX_FILE_BYTES:,})")
    if b"\x00" in data:
        raise fail("binary file (it contains NUL bytes); a question file is UTF-8 Markdown")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        col = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise fail(
            f"not UTF-8: byte 0x{data[error.start]:02x} cannot be decoded; save the file as UTF-8",
            line,
            col,
        ) from None
    if not text.strip():
        raise fail("empty file; see docs/format.md for the layout of a question")
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    if (cr := text.find("\r")) >= 0:
        # markdown-it would end a line there and YAML too, where nothing else does.
        line, col = _position(text, cr)
        raise fail(
            "a carriage return (\\r) not followed by \\n; lines end with \\n or \\r\\n", line, col
        )
    if (lines := text.count("\n") + 1) > MAX_LINES:
        raise fail(f"file has too many lines ({lines:,}; the limit is {MAX_LINES:,})")
    markup = sum(text.count(char) for char in _MARKUP_CHARACTERS)
    if markup > MAX_MARKUP_CHARACTERS:
        raise fail(
            f"file has too much Markdown punctuation ({markup:,} of {_MARKUP_CHARACTERS}; "
            f"the limit is {MAX_MARKUP_CHARACTERS:,})"
        )
    return text


def _position(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, col) of a character offset in ``text``."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def split_lines(text: str) -> list[str]:
    """Lines with their endings, split on \\n only: str.splitlines also splits on U+2028, form
    feed, vertical tab and more, which markdown-it does not, so line numbers would drift."""
    lines = text.split("\n")
    result = [line + "\n" for line in lines[:-1]]
    if lines[-1]:
        result.append(lines[-1])
    return result


def parse_question(text: str, path: str) -> ParsedQuestion:
    """Parse one question file's text; raises QuizFormatError with every error found."""
    findings = _Findings(path)
    lines = split_lines(text)
    tokens = markdown_parser().parse(text)
    deep = next((t for t in tokens if t.level >= MAX_NESTING - 1 and t.map), None)
    if deep is not None:
        findings.error(
            "Markdown nested too deeply (lists or quotes within each other); the text from "
            "here on would be lost",
            _line_of(deep),
        )
        raise QuizFormatError(findings.items)
    frontmatter, positions = _parse_frontmatter(lines, tokens, findings)
    body = [t for t in tokens if t.type != "front_matter"]
    title = _title(body, lines, findings)
    sections = _split_sections(body)
    choices, prompt = _choices_and_prompt(sections.intro, lines, findings)
    kind = frontmatter.type if frontmatter is not None else None
    _check_choices(kind, choices, sections.intro_end_line, findings)
    explanation = _explanation(sections, lines, findings)
    references = _references(sections.references, lines, findings)
    metric_link = None
    if isinstance(frontmatter, NumericFrontmatter) and frontmatter.answer.metric:
        line, col = positions.get(("answer", "metric"), (1, 1))
        metric_link = _frontmatter_metric_link(frontmatter.answer.metric, line, col, findings)
    baseline = None
    if frontmatter is not None and frontmatter.baseline is not None:
        line, col = positions.get(("baseline",), (1, 1))
        baseline = _frontmatter_baseline(frontmatter.baseline, line, col, findings)
    _check_comparisons(choices, baseline, findings)
    _warn_control_characters(text, findings)
    for heading, line in sections.unknown:
        findings.warning(
            f"section '## {heading}' is not part of the format and is ignored; "
            "use '## Answer' and '## References'",
            line,
        )
    if findings.has_errors or frontmatter is None or title is None or explanation is None:
        if not findings.has_errors:  # defensive: every None above has recorded an error
            findings.error("question could not be read")
        raise QuizFormatError([d for d in findings.items if d.severity == "error"])
    common: dict[str, Any] = {  # validated by the question's model
        "path": path,
        "id": frontmatter.id,
        "title": title,
        "prompt": prompt,
        "baseline": baseline,
        "explanation": explanation,
        "references": references,
        "tags": frontmatter.tags,
        "difficulty": frontmatter.difficulty,
        "topic": frontmatter.topic,
        "author": frontmatter.author,
        "created": frontmatter.created,
        "images": _images(body, lines),
        "id_line": positions.get(("id",), (1, 1))[0],
        "content_hash": hashlib.sha256(text.encode("utf-8")).hexdigest(),
    }
    question: Question
    if isinstance(frontmatter, NumericFrontmatter):
        question = NumericQuestion(
            type=frontmatter.type, answer=frontmatter.answer, metric_link=metric_link, **common
        )
    else:
        question = ChoiceQuestion(type=frontmatter.type, choices=choices, **common)
    return ParsedQuestion(question, [d for d in findings.items if d.severity == "warning"])


def _check_comparisons(
    choices: list[Choice], baseline: SimLink | None, findings: _Findings
) -> None:
    """A comparative claim needs the question's baseline, on the same simulation."""
    for number, choice in enumerate(choices, start=1):
        link = choice.claim
        if link is None or link.target is None or not is_expression(link.target):
            continue
        if not parse_expression(link.target).comparative:
            continue
        if baseline is None:
            findings.error(
                f"choice {number}: {link.target!r} compares with the baseline, but the question "
                "declares none; add 'baseline: \"sim:NAME?params\"' to the frontmatter",
                link.line,
                link.col,
            )
        elif baseline.simulation != link.simulation:
            findings.error(
                f"choice {number}: {link.target!r} compares with the baseline, which runs "
                f"{baseline.simulation}, not {link.simulation}; a comparison needs both on the "
                "same simulation",
                link.line,
                link.col,
            )


_MAX_CONTROL_WARNINGS = 5


def _warn_control_characters(text: str, findings: _Findings) -> None:
    """A warning at each control character a terminal would act on (shown as a stand-in)."""
    found = unsafe_characters(text)
    for offset, name in found[:_MAX_CONTROL_WARNINGS]:
        line, col = _position(text, offset)
        findings.warning(
            f"control character {name} in the text; it is shown as a visible stand-in, "
            "never sent to the terminal: remove it",
            line,
            col,
        )
    if len(found) > _MAX_CONTROL_WARNINGS:
        findings.warning(
            f"{len(found) - _MAX_CONTROL_WARNINGS:,} more control characters in this file",
            *_position(text, found[_MAX_CONTROL_WARNINGS][0]),
        )


# --- frontmatter ------------------------------------------------------------------------------


def _parse_frontmatter(
    lines: list[str], tokens: list[Token], findings: _Findings
) -> tuple[SingleFrontmatter | MultipleFrontmatter | NumericFrontmatter | None, Positions]:
    """The validated frontmatter (None after an error) and the file position of every key."""
    positions: Positions = {}
    try:
        raw = split_frontmatter(lines)
        if raw is None:
            looks_like_question = any(t.type == "heading_open" and t.tag == "h1" for t in tokens)
            what = (
                "this file has a title but no frontmatter"
                if looks_like_question
                else "missing frontmatter"
            )
            findings.error(
                f"{what}: start the file with a '---' line, then 'id: your-question-id' and "
                "'type: single' (or multiple, numeric), then a closing '---' line"
            )
            return None, positions
        data, positions = load_yaml(raw)
        result = validate(data, positions, raw.first_line)
    except FrontmatterError as error:
        findings.error(error.message, error.line, error.col)
        return None, positions
    if isinstance(result, list):
        for error in result:
            findings.error(error.message, error.line, error.col)
        return None, positions
    return result, positions


def _frontmatter_baseline(href: str, line: int, col: int, findings: _Findings) -> SimLink | None:
    """The ``baseline`` link, placed at its key in the frontmatter; it names no target."""
    try:
        link = parse_sim_href(href.strip(), line=line, col=col)
    except SimLinkError as error:
        findings.error(f"baseline: {error}", line, col)
        return None
    if link.target is not None:
        findings.error(
            f"baseline: a baseline is a configuration, not a claim; drop '#{link.target}' "
            f"(write sim:{link.simulation}?params)",
            line,
            col,
        )
        return None
    return link


def _frontmatter_metric_link(href: str, line: int, col: int, findings: _Findings) -> SimLink | None:
    """The numeric answer's ``metric`` link, placed at its key in the frontmatter."""
    try:
        link = parse_sim_href(href.strip(), line=line, col=col)
    except SimLinkError as error:
        findings.error(f"answer.metric: {error}", line, col)
        return None
    if link.target is None:
        findings.error(
            "answer.metric must name a metric after '#': sim:NAME?params#metric_name", line, col
        )
        return None
    return link


# --- body structure ---------------------------------------------------------------------------


def _line_of(token: Token) -> int:
    return token.map[0] + 1 if token.map else 1


def _source(lines: list[str], start: int, end: int) -> str:
    """Raw Markdown of 0-based lines [start, end), trimmed of blank edges."""
    return "".join(lines[start:end]).strip("\n").rstrip()


def _title(body: list[Token], lines: list[str], findings: _Findings) -> str | None:
    for index, token in enumerate(body):
        if token.type == "heading_open" and token.tag == "h1" and token.level == 0:
            title = body[index + 1].content.strip()
            if not title:
                findings.error(
                    "the title heading is empty; write '# A short title'", _line_of(token)
                )
                return None
            return title
    findings.error("missing title: add a line '# Title' after the frontmatter")
    return None


@dataclass
class _Sections:
    intro: list[Token] = field(default_factory=list)
    """Top-level tokens between the H1 and the first H2 (prompt and choices)."""
    intro_end_line: int = 1
    answer: list[Token] | None = None
    answer_line: int = 1
    references: list[Token] | None = None
    unknown: list[tuple[str, int]] = field(default_factory=list)


def _split_sections(body: list[Token]) -> _Sections:
    sections = _Sections()
    current: list[Token] | None = None
    seen_title = False
    index = 0
    while index < len(body):
        token = body[index]
        if token.type == "heading_open" and token.level == 0 and token.tag in ("h1", "h2"):
            heading = body[index + 1].content.strip()
            index += 3  # heading_open, inline, heading_close
            if token.tag == "h1" and not seen_title:
                seen_title = True
                current = sections.intro
                continue
            name = heading.lower().rstrip(":")
            if current is sections.intro:
                sections.intro_end_line = _line_of(token)
            if token.tag == "h2" and name in ANSWER_HEADINGS and sections.answer is None:
                sections.answer, sections.answer_line = [], _line_of(token)
                current = sections.answer
            elif token.tag == "h2" and name in REFERENCE_HEADINGS and sections.references is None:
                sections.references = []
                current = sections.references
            else:
                sections.unknown.append((heading, _line_of(token)))
                current = None
            continue
        if current is not None:
            current.append(token)
        if current is sections.intro and token.map:
            sections.intro_end_line = token.map[1] + 1
        index += 1
    return sections


def _top_level_blocks(tokens: list[Token]) -> list[list[Token]]:
    """Group a flat token stream into top-level blocks (open ... close)."""
    blocks: list[list[Token]] = []
    depth = 0
    for token in tokens:
        if depth == 0:
            blocks.append([])
        blocks[-1].append(token)
        depth += token.nesting
    return blocks


def _is_task_list(block: list[Token]) -> bool:
    return (
        block[0].type == "bullet_list_open"
        and len(block) > 1
        and block[1].type == "list_item_open"
        and block[1].meta.get("checked") is not None
    )


def _choices_and_prompt(
    intro: list[Token], lines: list[str], findings: _Findings
) -> tuple[list[Choice], str]:
    blocks = _top_level_blocks(intro)
    list_index = next((i for i, block in enumerate(blocks) if _is_task_list(block)), None)
    prompt_blocks = blocks if list_index is None else blocks[:list_index]
    prompt = _blocks_source(prompt_blocks, lines)
    if list_index is None:
        return [], prompt
    for block in blocks[list_index + 1 :]:
        findings.error(
            "text after the choices would not be shown; move it above the choices "
            "or under '## Answer'",
            _line_of(block[0]),
        )
    return _choices(blocks[list_index], lines, findings), prompt


def _blocks_source(blocks: list[list[Token]], lines: list[str]) -> str:
    maps = [block[0].map for block in blocks if block[0].map]
    if not maps:
        return ""
    return _source(lines, maps[0][0], maps[-1][1])


def _choices(block: list[Token], lines: list[str], findings: _Findings) -> list[Choice]:
    choices: list[Choice] = []
    # Each item's own inline: the first level-3 inline after its list_item_open (one pass;
    # looking each item up with list.index was quadratic in the number of choices).
    items: list[tuple[Token, Token | None]] = []
    for token in block:
        if token.type == "list_item_open" and token.level == 1:
            items.append((token, None))
        elif token.type == "inline" and token.level == 3 and items and items[-1][1] is None:
            items[-1] = (items[-1][0], token)
    for number, (item, inline) in enumerate(items, start=1):
        line = _line_of(item)
        checked = item.meta.get("checked")
        if checked is None:
            findings.error(
                f"choice {number} has no checkbox; write '- [x] ...' (correct) "
                "or '- [ ] ...' (wrong)",
                line,
            )
            continue
        content = inline.content if inline is not None else ""
        claim, text = _claim_link(inline, content, lines, line, number, findings)
        text = text.strip()
        if not text:
            findings.error(f"choice {number} is empty; write the choice after the checkbox", line)
            continue
        choices.append(Choice(text=text, correct=bool(checked), line=line, claim=claim))
    return choices


def _sim_links(
    inline: Token | None, lines: list[str], first_line: int
) -> list[tuple[str, str, int, int]]:
    """(href, text, line, col) of every ``sim:`` link inside an inline token."""
    if inline is None or not inline.children:
        return []
    found = []
    children = inline.children
    # Links come in source order: each is searched for from where the previous one was found,
    # so a line of thousands of links is read once, not once per link.
    cursor = (first_line, 0)
    for index, child in enumerate(children):
        if child.type != "link_open":
            continue
        href = str(child.attrs.get("href", ""))
        if not is_sim_href(href):
            continue
        closing = next(
            (i for i in range(index + 1, len(children)) if children[i].type == "link_close"),
            len(children),
        )
        text = "".join(c.content for c in children[index + 1 : closing])
        line, col = _find_in_lines(lines, href, cursor)
        if col > 0:
            cursor = (line, col)
        found.append((href, text, line, max(col, 1)))
    return found


def _images(body: list[Token], lines: list[str]) -> list[ImageRef]:
    """Every image shown from a file (Markdown's ``![alt](src)`` or raw HTML's ``<img>``), at
    the position of its ``src`` in the file, in file order."""
    found: list[ImageRef] = []
    for token in body:
        if token.type == "inline" and token.children:
            sources = []
            for child in token.children:
                if child.type == "image":
                    sources.append(str(child.attrs.get("src", "")))
                elif child.type == "html_inline":
                    sources.extend(html_image_sources(child.content))
        elif token.type == "html_block":
            sources = html_image_sources(token.content)
        else:
            continue
        cursor = (_line_of(token), 0)
        for src in sources:
            if not src.strip() or is_remote(src):
                continue
            line, col = cursor[0], 0
            # markdown-it percent-encodes a destination (my%20plot.png): look for both forms.
            for needle in dict.fromkeys((src, unquote(src))):
                line, col = _find_in_lines(lines, needle, cursor)
                if col > 0:
                    cursor = (line, col)
                    break
            found.append(ImageRef(src=src, line=line, col=max(col, 1)))
    return found


def _find_in_lines(lines: list[str], needle: str, start: tuple[int, int]) -> tuple[int, int]:
    """(line, col) of ``needle`` at or after ``start`` (line, 0-based offset) within 50 lines;
    (start line, 0) when not found."""
    first_line, offset = start
    # markdown-it normalises hrefs (percent-encoding), so search for the un-normalised prefix too
    for number in range(first_line, min(first_line + 50, len(lines) + 1)):
        text = lines[number - 1]
        begin = offset if number == first_line else 0
        for candidate in (needle, needle.split("?")[0]):
            col = text.find(candidate, begin)
            if col >= 0:
                return number, col + 1
    return first_line, 0


def trailing_link_start(content: str) -> int | None:
    """Where the ``[text](sim:...)`` that ends ``content`` begins, or None if none does.

    Read from the end in one pass: the destination, then the link text back to the ``[`` that
    balances its ``]`` (backslash-escaped brackets do not count). An unmatched ``[`` earlier,
    as in the interval ``[0, 1)``, is left in the text. A regular expression searched from the
    front backtracks quadratically over long runs of spaces or brackets.
    """
    end = len(content.rstrip())
    if end == 0 or content[end - 1] != ")":
        return None
    close = content.rfind("](", 0, end)
    if close < 0 or not _SIM_DESTINATION.fullmatch(content, close + 2, end - 1):
        return None
    depth = 0
    for index in range(close, -1, -1):
        char = content[index]
        if char not in "[]" or _escaped(content, index):
            continue
        depth += 1 if char == "]" else -1
        if depth == 0:
            return index
    return None


def _escaped(text: str, index: int) -> bool:
    backslashes = 0
    while index - backslashes > 0 and text[index - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def _claim_link(
    inline: Token | None,
    content: str,
    lines: list[str],
    line: int,
    number: int,
    findings: _Findings,
) -> tuple[SimLink | None, str]:
    """The choice's claim link and its text without the link (all of it when there is none)."""
    links = _sim_links(inline, lines, line)
    if not links:
        return None, content
    start = trailing_link_start(content)
    if start is None:
        first = links[0]
        findings.error(
            f"choice {number}: a claim link must be the last thing in the choice",
            first[2],
            first[3],
        )
        return None, content
    href, text, link_line, col = links[-1]
    try:
        link = parse_sim_href(href, text=text, line=link_line, col=col)
    except SimLinkError as error:
        findings.error(f"choice {number}: {error}", link_line, col)
        return None, content
    if link.target is None:
        findings.error(
            f"choice {number}: the claim link must name a claim after '#': "
            f"sim:{link.simulation}?...#claim-id, or a metric expression such as "
            f"#weight_grad_ratio>=0.01",
            link_line,
            col,
        )
        return None, content
    if is_expression(link.target):
        try:
            parse_expression(link.target)
        except ClaimSyntaxError as error:
            at = _target_col(lines, link_line, col)
            findings.error(f"choice {number}: {error}", link_line, at + error.offset)
            return None, content
    return link, content[:start]


def _target_col(lines: list[str], line: int, link_col: int) -> int:
    """Column of the first character after the link's '#', or the link's column."""
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    hash_at = text.find("#", link_col - 1)
    return hash_at + 2 if hash_at >= 0 else link_col


def _check_choices(
    kind: str | None, choices: list[Choice], end_line: int, findings: _Findings
) -> None:
    if kind is None:
        return
    if kind == "numeric":
        if choices:
            findings.error(
                "a numeric question has no choices; remove the task list "
                "(its key is 'answer' in the frontmatter)",
                choices[0].line,
            )
        return
    if findings.has_errors and not choices:
        return
    if not choices:
        findings.error(
            f"no choices found: a {kind} question lists its choices as a task list, "
            "'- [x] right' and '- [ ] wrong'",
            end_line,
        )
        return
    line = choices[0].line
    if len(choices) < 2:
        findings.error(f"only {len(choices)} choice; a {kind} question needs at least two", line)
    correct = [n for n, choice in enumerate(choices, start=1) if choice.correct]
    if kind == "single" and len(correct) != 1:
        if correct:
            listed = ", ".join(str(n) for n in correct[:-1]) + f" and {correct[-1]}"
            findings.error(
                f"single-choice question has {len(correct)} correct choices (choices {listed}); "
                "mark exactly one with [x]",
                line,
            )
        else:
            findings.error(
                "single-choice question has no correct choice; mark exactly one with [x]", line
            )
    if kind == "multiple" and not correct:
        findings.error(
            "multiple-choice question has no correct choice; mark at least one with [x]", line
        )
    for number, choice in enumerate(choices, start=1):
        if choice.claim is None:
            findings.warning(
                f"choice {number} has no claim link, so 'verify' cannot check its key; end it "
                "with [claim](sim:NAME?params#claim-id)",
                choice.line,
            )


def _explanation(sections: _Sections, lines: list[str], findings: _Findings) -> Explanation | None:
    if sections.answer is None:
        findings.error(
            "missing explanation: add a '## Answer' section that says why each choice is right "
            "or wrong",
            sections.intro_end_line,
        )
        return None
    blocks = _top_level_blocks(sections.answer)
    markdown = _blocks_source(blocks, lines)
    if not markdown:
        findings.error(
            "the '## Answer' section is empty; explain why the key is right", sections.answer_line
        )
        return None
    links: list[SimLink] = []
    for token in sections.answer:
        if token.type != "inline":
            continue
        for href, text, line, col in _sim_links(token, lines, _line_of(token)):
            try:
                links.append(parse_sim_href(href, text=text, line=line, col=col))
            except SimLinkError as error:
                findings.error(str(error), line, col)
    first_line = blocks[0][0].map[0] + 1 if blocks and blocks[0][0].map else sections.answer_line
    return Explanation(markdown=markdown, line=first_line, links=links)


def _references(
    tokens: list[Token] | None, lines: list[str], findings: _Findings
) -> list[Reference]:
    if tokens is None:
        return []
    references: list[Reference] = []
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        links = [c for c in token.children if c.type == "link_open"]
        if not links:
            findings.warning(
                "a reference without a link; write '- [Title](https://...)'", _line_of(token)
            )
            continue
        starts = [i for i, c in enumerate(token.children) if c.type == "link_open"]
        for link, start in zip(links, starts, strict=True):
            closing = next(
                i
                for i in range(start, len(token.children))
                if token.children[i].type == "link_close"
            )
            title = "".join(c.content for c in token.children[start + 1 : closing]).strip()
            references.append(
                Reference(title=title, url=str(link.attrs.get("href", "")), line=_line_of(token))
            )
    return references
