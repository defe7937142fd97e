"""Claims written in Markdown: a metric compared with a number or with the question's baseline.

The ``#target`` of a choice's claim link is either a named claim of the simulation
(``#stable``) or a *metric expression*::

    metric OP NUMBER                  weight_grad_ratio>=0.01
    metric OP [FACTOR*]baseline[±C]   weight_grad_ratio>=10*baseline    final_loss<baseline

OP is one of ``>=``, ``>``, ``<=``, ``<``. ``baseline`` stands for the same metric measured on
the question's baseline configuration, under the same conditions and seed. Pure functions
only: no simulation is imported here, so the parser and ``check`` stay cheap.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

OPERATORS: dict[str, str] = {
    ">=": "at least",
    ">": "above",
    "<=": "at most",
    "<": "below",
}
# What authors type instead, and what they meant.
_OPERATOR_SLIPS: dict[str, str] = {"=>": ">=", "=<": "<=", "≥": ">=", "≤": "<=", "=": ">="}

_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_METRIC = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_RIGHT_NUMBER = re.compile(rf"^({_NUMBER})$")
_RIGHT_BASELINE = re.compile(rf"^(?:({_NUMBER})\*)?baseline(?:([+-])({_NUMBER.lstrip('[+-]?')}))?$")
_OPERATOR_CHARS = set("<>=!≥≤")
BASELINE = "baseline"


class ClaimSyntaxError(ValueError):
    """A metric expression that cannot be read; ``offset`` is where, within the target."""

    def __init__(self, message: str, offset: int = 0) -> None:
        super().__init__(message)
        self.offset = offset


@dataclass(frozen=True)
class MetricClaim:
    """``metric OP bound``, the bound a number or ``factor * baseline + offset``."""

    metric: str
    op: str
    number: float | None = None
    """The bound, when it is a number; None when it is the baseline."""
    factor: float = 1.0
    offset: float = 0.0

    @property
    def comparative(self) -> bool:
        return self.number is None

    def bound(self, baseline: float | None = None) -> float:
        if self.number is not None:
            return self.number
        if baseline is None:
            raise ValueError(f"{self.text}: needs the baseline's {self.metric}")
        return self.factor * baseline + self.offset

    def holds(self, value: float, baseline: float | None = None) -> bool:
        """The comparison; a NaN on either side never holds."""
        bound = self.bound(baseline)
        if math.isnan(value) or math.isnan(bound):
            return False
        return {
            ">=": value >= bound,
            ">": value > bound,
            "<=": value <= bound,
            "<": value < bound,
        }[self.op]

    @property
    def right_text(self) -> str:
        if self.number is not None:
            return f"{self.number:g}"
        factor = "" if self.factor == 1 else f"{self.factor:g}*"
        offset = "" if self.offset == 0 else f"{self.offset:+g}"
        return f"{factor}{BASELINE}{offset}"

    @property
    def text(self) -> str:
        """The canonical spelling, e.g. ``weight_grad_ratio>=10*baseline``."""
        return f"{self.metric}{self.op}{self.right_text}"

    def needs(self, baseline: float | None = None) -> str:
        """What the value must satisfy, in numbers: ``needs >= 100`` (the baseline resolved)."""
        if self.comparative and baseline is not None:
            bound = self.bound(baseline)
            return f"needs {self.op} {bound:.3g} ({self.right_text}, baseline {baseline:.3g})"
        return f"needs {self.op} {self.right_text}"

    def describe(self, description: str) -> str:
        """The claim in words, from the metric's one-line description."""
        words = OPERATORS[self.op]
        if self.number is not None:
            return f"{_sentence(description)} is {words} {self.number:g}"
        if self.offset == 0 and self.factor == 1:
            against = "the baseline's"
        elif self.offset == 0:
            against = f"{self.factor:g} times the baseline's"
        elif self.factor == 1:
            against = f"the baseline's {self.offset:+g} of"
        else:
            against = f"{self.factor:g} times the baseline's {self.offset:+g} of"
        return f"{_sentence(description)} is {words} {against} (same conditions and seed)"


def _sentence(description: str) -> str:
    return description[:1].upper() + description[1:] if description else description


def is_expression(target: str) -> bool:
    """Whether a link's ``#target`` is a metric expression rather than a claim id."""
    return any(ch in _OPERATOR_CHARS for ch in target)


def parse_expression(target: str) -> MetricClaim:
    """Read ``metric OP right``; raises ClaimSyntaxError saying what is wrong and where."""
    text = target.strip()
    name = _METRIC.match(text)
    if name is None:
        raise ClaimSyntaxError(
            f"a metric expression starts with a metric name, e.g. weight_grad_ratio>=0.01 "
            f"(got {target!r})",
            0,
        )
    at = name.end()
    op_end = at
    while op_end < len(text) and text[op_end] in _OPERATOR_CHARS:
        op_end += 1
    op = text[at:op_end]
    if op not in OPERATORS:
        if not op:
            raise ClaimSyntaxError(
                f"expected a comparison after {name.group()!r}: one of "
                f"{', '.join(OPERATORS)} (got {text[at : at + 1]!r})",
                at,
            )
        hint = _OPERATOR_SLIPS.get(op)
        if op in ("==", "!="):
            hint_text = "; a claim compares with a bound, a numeric question checks equality"
        else:
            hint_text = f"; did you mean {hint!r}?" if hint else ""
        raise ClaimSyntaxError(
            f"unknown operator {op!r}; use one of {', '.join(OPERATORS)}{hint_text}", at
        )
    right = text[op_end:]
    if number := _RIGHT_NUMBER.match(right):
        return MetricClaim(name.group(), op, number=float(number.group(1)))
    if base := _RIGHT_BASELINE.match(right):
        factor = float(base.group(1)) if base.group(1) else 1.0
        offset = (
            float(base.group(3)) * (-1 if base.group(2) == "-" else 1) if base.group(2) else 0.0
        )
        return MetricClaim(name.group(), op, factor=factor, offset=offset)
    hint = ""
    if right.lower().startswith(("base", "basline", "baselin")) or "base" in right.lower():
        hint = "; did you mean 'baseline' (write FACTOR*baseline, e.g. 10*baseline)?"
    raise ClaimSyntaxError(
        f"after {op!r} write a number (0.01, 1e-3) or the baseline (baseline, 10*baseline, "
        f"baseline-1); got {right!r}{hint}",
        op_end,
    )
