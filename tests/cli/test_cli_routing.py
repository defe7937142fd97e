"""``quizengine`` without a command: the quiz (``take``), options included; -h/--version stay."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from quizengine import __version__
from quizengine.cli import COMMANDS, main
from quizengine.commands import take

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def taken(monkeypatch: pytest.MonkeyPatch) -> list[argparse.Namespace]:
    """The arguments ``take`` ran with, instead of opening the TUI."""
    calls: list[argparse.Namespace] = []

    def run(args: argparse.Namespace) -> int:
        calls.append(args)
        return 0

    monkeypatch.setattr(take, "run", run)  # register() reads it when main() builds the parser
    return calls


def test_no_arguments_take_the_bundled_bank(taken: list[argparse.Namespace]) -> None:
    assert main([]) == 0
    (args,) = taken
    assert (args.command, args.paths, args.db) == ("take", [], None)


def test_options_without_a_command_are_takes(taken: list[argparse.Namespace]) -> None:
    assert main(["--db", "mine.sqlite3", "--shuffle", "--seed", "3", "--tag", "recurrent"]) == 0
    (args,) = taken
    assert args.command == "take"
    assert (args.db, args.shuffle, args.seed, args.tag) == ("mine.sqlite3", True, 3, ["recurrent"])


def test_an_unknown_option_is_a_usage_error(
    taken: list[argparse.Namespace], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--no-such-option"])
    assert exit_info.value.code == 2
    assert "error: unrecognized arguments: --no-such-option" in capsys.readouterr().err
    assert taken == []


@pytest.mark.parametrize("option", ["-h", "--help"])
def test_help_lists_the_commands(
    option: str, taken: list[argparse.Namespace], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([option])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: quizengine [-h] [--version] COMMAND")
    assert "check" in out and "review" in out
    assert taken == []


def test_version_is_the_programs(
    taken: list[argparse.Namespace], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out == f"quizengine {__version__}\n"
    assert taken == []


def test_a_command_after_options_is_not_rerouted(
    taken: list[argparse.Namespace], capsys: pytest.CaptureFixture[str]
) -> None:
    """Only a leading option means take: ``quizengine check --no-sim`` is still check."""
    assert main(["check", "--no-sim", "--format", "json", "quizzes"]) == 0
    assert capsys.readouterr().out.strip() == "[]"
    assert taken == []


def test_a_command_imports_no_other_commands_module() -> None:
    # commands.common is what every command shares (exit codes, usage error), not a command.
    code = (
        "import sys; from quizengine.cli import main; main(['schema']); "
        "print(sorted(m for m in sys.modules if m.startswith('quizengine.commands.') "
        "and m != 'quizengine.commands.common'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.stdout.splitlines()[-1] == "['quizengine.commands.schema']"


def test_an_unknown_command_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["nope"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'nope'" in err
    assert all(name in err for name in COMMANDS)
