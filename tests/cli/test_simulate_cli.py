"""``quizengine simulate`` through the real entry point."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from quizengine.cli import main

REPO = Path(__file__).resolve().parents[2]
TINY = ["--set", "depth=4", "--set", "width=8", "--set", "batch=6", "--set", "seeds=3"]


def test_list_has_one_line_per_simulation(capsys: pytest.CaptureFixture[str]) -> None:
    from simulations import registry

    assert main(["simulate", "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == registry.names()
    assert any(line.startswith("gradient-flow") and "initialization" in line for line in lines)


def test_help_of_a_simulation_lists_its_parameters(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "gradient-flow", "--help"]) == 0
    out = capsys.readouterr().out
    assert "depth       int, default 30" in out
    assert "2 <= x <= 500" in out
    assert "one of: sigmoid, tanh, relu, leaky_relu, elu, selu, gelu, swish" in out
    assert "batchnorm   true/false, default false" in out
    assert "depth*seeds*batch*width <= 40,000,000" in out  # the product limits
    assert "vanishes" in out and "grad_ratio" in out


def test_plain_help_describes_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "--help"]) == 0
    assert "--set KEY=VALUE" in capsys.readouterr().out


def test_json_is_the_result_contract(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["simulate", "gradient-flow", *TINY, "--set", "activation=relu", "--seed", "2"]
    assert main([*args, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"simulation", "params", "metrics", "series", "claims"} <= set(data)
    assert data["simulation"] == "gradient-flow" and data["seed"] == 2
    assert data["params"]["depth"] == 4 and data["params"]["activation"] == "relu"
    assert set(data["series"]) == {
        "weight_grad_norm",
        "activation_grad_norm",
        "activation_rms",
        "relative_update",
    }
    assert all(len(values) == 4 for values in data["series"].values())
    assert [c["id"] for c in data["claims"]] == ["vanishes", "explodes", "stable", "no-vanishing"]
    for claim in data["claims"]:
        assert {"id", "statement", "holds", "evidence"} <= set(claim)
        assert isinstance(claim["holds"], bool) and "depth 4" in claim["statement"]


def test_text_shows_metrics_claims_and_a_log_plot(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "gradient-flow", *TINY]) == 0
    out = capsys.readouterr().out
    assert "metrics:" in out and "grad_ratio" in out
    assert "claims:" in out and ("[HOLDS] vanishes" in out or "[fails] vanishes" in out)
    assert "activation_grad_norm, weight_grad_norm (log scale)" in out
    assert "1e" in out  # decade labels on the y axis
    assert "\x1b[" not in out  # no colour codes


def test_the_text_plot_uses_the_panels_axes() -> None:
    """Real x values (inputs in [-10, 10], not positions 1..2001), a decade tick per power of
    ten when the height allows, and a y range with a margin (as the TUI's panel draws)."""
    from quizengine.commands.simulate import render_plot
    from quizengine.lab.experiments import describe, resolve, run

    derivatives = describe("activation-derivatives")
    plot = render_plot(derivatives, run(resolve("activation-derivatives", {}, 0)), 80)
    x_labels = plot.splitlines()[-1].split()
    assert x_labels[0] == "-10" and x_labels[-1] == "10" and "0" in x_labels
    y_labels = [float(line.split("┤")[0]) for line in plot.splitlines() if "┤" in line]
    assert y_labels[0] > 0.25 and y_labels[-1] < 0.0  # sigmoid' spans [0, 0.25]: a margin
    flow = describe("gradient-flow")
    tiny = {"depth": "4", "width": "8", "batch": "4"}
    plot = render_plot(flow, run(resolve("gradient-flow", tiny, 0)), 80)
    decades = [line.split("┤")[0].strip() for line in plot.splitlines() if "┤" in line]
    exponents = [int(label.replace("1e", "")) if label != "1" else 0 for label in decades]
    assert exponents == sorted(exponents, reverse=True)
    assert all(a - b == 1 for a, b in itertools.pairwise(exponents))


def test_overflow_is_reported_in_text(capsys: pytest.CaptureFixture[str]) -> None:
    settings = ["activation=relu", "init=large", "dtype=float32", "depth=60", "width=64"]
    args = ["simulate", "gradient-flow", "--set", "batch=8", "--set", "seeds=2"]
    assert main([*args, *[f"--set={s}" for s in settings]]) == 0
    out = capsys.readouterr().out
    assert "overflowed (inf/NaN)" in out and "[HOLDS] explodes" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope"], "unknown simulation 'nope'; known: activation-derivatives"),
        (
            ["gradient-flow", "--set", "foo=1"],
            "unknown parameter 'foo' for gradient-flow; allowed:",
        ),
        (["gradient-flow", "--set", "depth=1"], "depth: Input should be greater than or equal"),
        (["gradient-flow", "--set", "init=huge"], "init: Input should be 'small', 'large'"),
        (["gradient-flow", "--set", "depth"], "--set expects KEY=VALUE"),
        (["gradient-flow", "--set", "depth=3", "--set", "depth=4"], "'depth' is set twice"),
        (["gradient-flow", "--set", "depth=500", "--set", "seeds=64"], "exceeds the limit"),
        (["gradient-flow", "--seed", "-1"], "--seed must be between 0"),
        ([], "name a simulation"),
    ],
)
def test_usage_errors_are_one_line_exit_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["simulate", *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1 and message in captured.err


def test_real_process_json_and_bad_value() -> None:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    command = [sys.executable, "-m", "quizengine", "simulate"]
    ok = subprocess.run(
        [*command, "activation-derivatives", "--set", "activation=tanh", "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert ok.returncode == 0, ok.stderr
    data = json.loads(ok.stdout)
    assert data["metrics"]["max_derivative"] == 1.0
    bad = subprocess.run(
        [*command, "gradient-flow", "--set", "activation=softsign"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert bad.stderr.count("\n") == 1 and "'sigmoid', 'tanh'" in bad.stderr


def test_the_command_module_does_not_load_numpy() -> None:
    code = (
        "import sys, quizengine.commands.simulate; "
        "print('numpy' in sys.modules, 'simulations.registry' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
        timeout=60,
    )
    assert out.stdout.split() == ["False", "False"], out.stderr
