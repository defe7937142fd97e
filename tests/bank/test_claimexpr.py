"""Metric expressions on claim links: parsing, verdicts, words, and their errors in `check`."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from quizengine.bank.claimexpr import ClaimSyntaxError, MetricClaim, is_expression, parse_expression
from quizengine.cli import main


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("weight_grad_ratio>=0.01", MetricClaim("weight_grad_ratio", ">=", number=0.01)),
        ("grad_ratio<1e-3", MetricClaim("grad_ratio", "<", number=1e-3)),
        ("final_loss<baseline", MetricClaim("final_loss", "<")),
        ("weight_grad_ratio>=10*baseline", MetricClaim("weight_grad_ratio", ">=", factor=10)),
        ("grad_decades<=baseline-1", MetricClaim("grad_decades", "<=", offset=-1)),
        ("x>0.5*baseline+2", MetricClaim("x", ">", factor=0.5, offset=2)),
    ],
)
def test_parses_and_round_trips(text: str, expected: MetricClaim) -> None:
    assert is_expression(text)
    claim = parse_expression(text)
    assert claim == expected
    assert parse_expression(claim.text) == claim


def test_claim_ids_are_not_expressions() -> None:
    assert not is_expression("no-vanishing")


@pytest.mark.parametrize(
    ("text", "message", "offset"),
    [
        ("weight_grad_ratio=>0.01", "did you mean '>='", 17),
        ("weight_grad_ratio=<0.01", "did you mean '<='", 17),
        ("ratio==1", "numeric question", 5),
        ("ratio>=basline", "did you mean 'baseline'", 7),
        ("ratio>=ten", "write a number", 7),
        (">=3", "starts with a metric name", 0),
    ],
)
def test_syntax_errors_say_what_and_where(text: str, message: str, offset: int) -> None:
    with pytest.raises(ClaimSyntaxError, match=message) as caught:
        parse_expression(text)
    assert caught.value.offset == offset


def test_verdicts_bounds_and_nan() -> None:
    at_least = parse_expression("r>=10*baseline")
    assert at_least.holds(10.0, baseline=1.0) and not at_least.holds(9.99, baseline=1.0)
    assert not at_least.holds(math.nan, baseline=1.0)
    assert not parse_expression("r<1").holds(1.0) and parse_expression("r<=1").holds(1.0)
    assert at_least.needs(2.0) == "needs >= 20 (10*baseline, baseline 2)"
    assert parse_expression("r>=100").needs() == "needs >= 100"


def test_described_in_words_from_the_metric() -> None:
    description = "the first/last ratio of the weight gradients"
    assert parse_expression("r>=0.01").describe(description) == (
        "The first/last ratio of the weight gradients is at least 0.01"
    )
    assert parse_expression("r>=10*baseline").describe(description) == (
        "The first/last ratio of the weight gradients is at least 10 times the baseline's "
        "(same conditions and seed)"
    )


QUESTION = """\
---
id: expr
type: multiple
{baseline}
---
# Expressions

Which hold?

- [x] relu [c](sim:gradient-flow?activation=relu&init=he#{first})
- [ ] tanh [c](sim:gradient-flow?activation=tanh#weight_grad_ratio<0.01)

## Answer

Because.
"""


def check(tmp_path: Path, capsys: pytest.CaptureFixture[str], **fields: str) -> tuple[int, str]:
    path = tmp_path / "q.md"
    values = {"baseline": 'baseline: "sim:gradient-flow?activation=sigmoid"', **fields}
    path.write_text(QUESTION.format(**values))
    code = main(["check", str(path)])
    out, err = capsys.readouterr()
    return code, out + err


def test_check_accepts_expressions_and_baselines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = check(tmp_path, capsys, first="weight_grad_ratio>=10*baseline")
    assert code == 0, out


@pytest.mark.parametrize(
    ("fields", "where", "message"),
    [
        ({"first": "weight_grad_ratio=>1"}, ":10:75:", "did you mean '>='"),
        ({"first": "weight_grad_rato>=1"}, ":10:", "did you mean 'weight_grad_ratio'"),
        ({"first": "stabel"}, ":10:", "did you mean 'stable'"),
        (
            {"first": "weight_grad_ratio>=baseline", "baseline": ""},
            ":10:",
            "declares none",
        ),
        (
            {"first": "weight_grad_ratio>=baseline", "baseline": 'baseline: "sim:rnn-bptt"'},
            ":10:",
            "runs rnn-bptt, not gradient-flow",
        ),
        (
            {"first": "stable", "baseline": 'baseline: "sim:gradient-flow?depht=3"'},
            ":4:",
            "unknown parameter 'depht'",
        ),
        (
            {"first": "stable", "baseline": 'baseline: "sim:gradient-flow#stable"'},
            ":4:",
            "a baseline is a configuration",
        ),
    ],
)
def test_check_reports_errors_at_line_and_column(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    fields: dict[str, str],
    where: str,
    message: str,
) -> None:
    code, out = check(tmp_path, capsys, **fields)
    assert code == 1
    line = next(line for line in out.splitlines() if message in line)
    assert where in line, line
