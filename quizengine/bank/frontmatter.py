"""YAML frontmatter: split it off, load it safely, validate it, and point errors at lines.

PyYAML's safe loader only, with aliases refused outright: an alias bomb (``a: &a [*a, *a]`` nested)
is cheap to write and exponential to expand, and no question needs aliases. Nesting is capped
(PyYAML composes and constructs recursively: ``[`` a thousand times is a RecursionError), and so
is the frontmatter's size; what PyYAML's constructors raise outside YAMLError (an impossible
date, an integer of thousands of digits) is turned into an error at the value's position.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from quizengine.bank.model import (
    Frontmatter,
    MultipleFrontmatter,
    NumericAnswer,
    NumericFrontmatter,
    SingleFrontmatter,
)

FRONTMATTER_ADAPTER: TypeAdapter[Any] = TypeAdapter(Frontmatter)
_TYPES = ("single", "multiple", "numeric")
_MODELS = {
    "single": SingleFrontmatter,
    "multiple": MultipleFrontmatter,
    "numeric": NumericFrontmatter,
}

Position = tuple[int, int]  # 1-based (line, col) in the file
MAX_DEPTH = 20
"""Collections nested deeper than this are refused (a question needs three levels at most)."""
MAX_FRONTMATTER_BYTES = 16 * 1024
"""A question's frontmatter is a few hundred bytes; PyYAML reads ~1 MB/s, so cap what it gets."""
# What YAML takes for a line break besides \n and \r: positions after one would be off by a line.
_YAML_ONLY_BREAKS = re.compile("[\x85\u2028\u2029]")
# PyYAML contexts naming a construct with an explicit opening ('[', '{', a quote).
_OPENERS = ("flow sequence", "flow mapping", "quoted scalar")


class FrontmatterError(ValueError):
    """A frontmatter problem at a position in the file."""

    def __init__(self, message: str, line: int = 1, col: int = 1) -> None:
        super().__init__(message)
        self.message, self.line, self.col = message, line, col


@dataclass(frozen=True)
class RawFrontmatter:
    """The YAML text between the fences and where it starts (1-based file line)."""

    yaml_text: str
    first_line: int
    body_line: int
    """The first file line after the closing fence."""


def split_frontmatter(lines: list[str]) -> RawFrontmatter | None:
    """Find ``---`` ... ``---`` at the top of the file; None when the file has no opening fence."""
    if not lines or lines[0].rstrip() != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return RawFrontmatter("".join(lines[1:index]), first_line=2, body_line=index + 2)
    raise FrontmatterError(
        "frontmatter is not closed: add a line '---' after the YAML keys", line=1, col=1
    )


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases and deep nesting, and marks every constructor error."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "YAML aliases (*name) are not allowed in frontmatter", event.start_mark
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                event = self.peek_event()
                raise yaml.composer.ComposerError(
                    None,
                    None,
                    f"collections nested more than {MAX_DEPTH} levels deep",
                    event.start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, OverflowError, TypeError) as error:
            # Not YAMLErrors: date(2026, 2, 30), int() of 5,000 digits, an unhashable key.
            raise yaml.constructor.ConstructorError(
                None, None, _constructor_problem(node, error), node.start_mark
            ) from None


def _constructor_problem(node: Any, error: Exception) -> str:
    value = str(getattr(node, "value", ""))
    if node.tag.endswith(":int"):
        return f"integer of {len(value):,} characters is too long"
    shown = value if len(value) <= 40 else value[:40] + "..."
    if node.tag.endswith(":timestamp"):
        return f"impossible date {shown!r}: {error}"
    return f"cannot read {shown!r}: {error}"


def load_yaml(raw: RawFrontmatter) -> tuple[dict[str, Any], dict[tuple[str, ...], Position]]:
    """Parse the YAML into a mapping and the file position of every mapping key."""
    _check_size_and_breaks(raw)
    try:
        # The reader checks every character as it is made: a control character raises here.
        loader = _StrictLoader(raw.yaml_text)
    except yaml.reader.ReaderError as error:
        raise _reader_error(error, raw) from None
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        problem, mark = _problem_and_mark(error, raw.first_line)
        line = raw.first_line + (mark.line if mark else 0)
        col = (mark.column + 1) if mark else 1
        raise FrontmatterError(f"invalid YAML in frontmatter: {problem}", line, col) from None
    except RecursionError:  # defensive: MAX_DEPTH stops nesting long before Python's limit
        raise FrontmatterError(
            "invalid YAML in frontmatter: nested too deeply", raw.first_line
        ) from None
    except yaml.reader.ReaderError as error:
        raise _reader_error(error, raw) from None
    except yaml.YAMLError as error:  # defensive: every other YAMLError is marked
        raise FrontmatterError(f"invalid YAML in frontmatter: {error}", raw.first_line) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {type(data).__name__}"
        raise FrontmatterError(
            f"frontmatter must be a mapping of keys (id: ..., type: ...), but it is {kind}",
            raw.first_line,
        )
    positions: dict[tuple[str, ...], Position] = {}
    _collect_positions(node, (), raw.first_line, positions)
    return data, positions


def _reader_error(error: yaml.reader.ReaderError, raw: RawFrontmatter) -> FrontmatterError:
    """A character YAML refuses (a control character), at its position."""
    offset = min(max(error.position, 0), len(raw.yaml_text))
    before = raw.yaml_text[:offset]
    line = raw.first_line + before.count("\n")
    col = offset - (before.rfind("\n") + 1) + 1
    return FrontmatterError(
        f"control character U+{error.character:04X} in frontmatter; remove it", line, col
    )


def _check_size_and_breaks(raw: RawFrontmatter) -> None:
    size = len(raw.yaml_text.encode("utf-8"))
    if size > MAX_FRONTMATTER_BYTES:
        raise FrontmatterError(
            f"frontmatter is too large ({size:,} bytes; the limit is {MAX_FRONTMATTER_BYTES:,})",
            raw.first_line,
        )
    if match := _YAML_ONLY_BREAKS.search(raw.yaml_text):
        before = raw.yaml_text[: match.start()]
        line = raw.first_line + before.count("\n")
        col = match.start() - (before.rfind("\n") + 1) + 1
        raise FrontmatterError(
            f"U+{ord(match.group()):04X} in frontmatter: YAML reads it as a line break; "
            "remove it or use a plain newline",
            line,
            col,
        )


def _problem_and_mark(error: yaml.MarkedYAMLError, first_line: int) -> tuple[str, Any]:
    """What went wrong and where to point. A bracket or quote left open is noticed where the
    parser stumbles, often the next key or the closing fence; where it opened (PyYAML's context
    mark) is where the author must look, so point there and say where it went wrong."""
    problem = error.problem or error.context or "invalid YAML"
    mark = error.problem_mark or error.context_mark
    context, opened = error.context or "", error.context_mark
    if opened is not None and mark is not None and any(w in context for w in _OPENERS):
        what = context.removeprefix("while ").removeprefix("parsing ").removeprefix("scanning ")
        found_at = first_line + mark.line
        return f"{what} opened here is not closed ({problem}, line {found_at})", opened
    return problem, mark


def _collect_positions(
    node: Any, path: tuple[str, ...], first_line: int, out: dict[tuple[str, ...], Position]
) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = (*path, str(key_node.value))
            out[key] = (first_line + key_node.start_mark.line, key_node.start_mark.column + 1)
            _collect_positions(value_node, key, first_line, out)


def validate(
    data: dict[str, Any], positions: dict[tuple[str, ...], Position], first_line: int
) -> SingleFrontmatter | MultipleFrontmatter | NumericFrontmatter | list[FrontmatterError]:
    """The validated frontmatter, or every problem found with its position."""
    kind = data.get("type")
    if kind is None:
        raise FrontmatterError(
            "missing key 'type': add 'type: single', 'type: multiple' or 'type: numeric'",
            first_line,
        )
    if kind not in _TYPES:
        hint = _did_you_mean(str(kind), _TYPES)
        line, col = positions.get(("type",), (first_line, 1))
        raise FrontmatterError(
            f"unknown type {kind!r}; use single, multiple or numeric{hint}", line, col
        )
    model = _MODELS[kind]
    try:
        return model.model_validate(data)
    except ValidationError as error:
        return [_locate(problem, model, positions, first_line) for problem in error.errors()]


def _locate(
    problem: Any, model: Any, positions: dict[tuple[str, ...], Position], first_line: int
) -> FrontmatterError:
    loc = tuple(str(part) for part in problem["loc"])
    key = ".".join(loc)
    if problem["type"] == "extra_forbidden":
        allowed = _allowed_keys(model, loc[:-1])
        hint = _did_you_mean(loc[-1], allowed)
        message = f"unknown key {key!r}{hint}; allowed keys: {', '.join(allowed)}"
    elif problem["type"] == "missing":
        message = f"missing key {key!r}"
        if loc == ("answer",):
            message += " (a numeric question needs 'answer: {value: ..., abs_tol: ...}')"
    elif loc == ("id",) and problem["type"] == "string_pattern_mismatch":
        message = (  # in words: a learner writing a question need not read a regex
            "id: use lowercase letters, digits and single dashes, e.g. relu-dead-units "
            f"(got {problem['input']!r})"
        )
    elif not loc:
        message = str(problem["msg"]).removeprefix("Value error, ")
    else:
        detail = str(problem["msg"]).removeprefix("Value error, ")
        got = repr(problem["input"])
        got = got if len(got) <= 80 else got[:77] + "..."  # a 16 KB list is no help in a message
        message = f"{key}: {detail} (got {got})"
    line, col = _position_of(loc, positions, first_line)
    return FrontmatterError(message, line, col)


def _position_of(
    loc: tuple[str, ...], positions: dict[tuple[str, ...], Position], first_line: int
) -> Position:
    # the deepest key we know a position for: list items have no key of their own
    for end in range(len(loc), 0, -1):
        if loc[:end] in positions:
            return positions[loc[:end]]
    return (first_line, 1)


def _allowed_keys(model: Any, path: tuple[str, ...]) -> list[str]:
    if path == ("answer",):
        return list(NumericAnswer.model_fields)
    return list(model.model_fields)


def _did_you_mean(word: str, options: Any) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def frontmatter_schema() -> dict[str, Any]:
    """JSON Schema of the frontmatter (a union over the question types, tagged by ``type``)."""
    schema = FRONTMATTER_ADAPTER.json_schema()
    schema["title"] = "quizengine question frontmatter"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
