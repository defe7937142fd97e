"""YAML frontmatter: split it off, load it safely, validate it, and point errors at lines.

PyYAML's safe loader only, with aliases refused outright: an alias bomb (``a: &a [*a, *a]`` nested)
is cheap to write and exponential to expand, and no question needs aliases.
"""

from __future__ import annotations

import difflib
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
    """SafeLoader that refuses aliases instead of expanding them."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "YAML aliases (*name) are not allowed in frontmatter", event.start_mark
            )
        return super().compose_node(parent, index)


def load_yaml(raw: RawFrontmatter) -> tuple[dict[str, Any], dict[tuple[str, ...], Position]]:
    """Parse the YAML into a mapping and the file position of every mapping key."""
    loader = _StrictLoader(raw.yaml_text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = raw.first_line + (mark.line if mark else 0)
        col = (mark.column + 1) if mark else 1
        problem = error.problem or error.context or "invalid YAML"
        raise FrontmatterError(f"invalid YAML in frontmatter: {problem}", line, col) from None
    except yaml.YAMLError as error:  # e.g. unmarked reader errors
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
        message = f"{key}: {detail} (got {problem['input']!r})"
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
