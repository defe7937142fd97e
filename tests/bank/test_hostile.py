"""The hostile corpus (tests/hostile_corpus.py) through ``quizengine check``: one error line per
bad file at its ``path:line:col``, no traceback, no control byte in any output, no text lost,
and the good files of the mixed folder still loaded."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from hostile_corpus import Case, cases, write_corpus

from quizengine.bank.load import load_bank
from quizengine.cli import main

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and symlinks are POSIX")

# What a terminal would act on: C0 but newline and tab, DEL, C1, the bidi controls.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
CASES = cases()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    write_corpus(folder)
    return folder


@pytest.fixture(scope="module")
def check_output(corpus: Path) -> tuple[int, str, str]:
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["check", "--no-sim", str(corpus)])
    return code, out.getvalue(), err.getvalue()


def _error_lines(output: str, corpus: Path, case: Case) -> list[str]:
    prefix = f"{corpus / case.name}:"
    return [line for line in output.splitlines() if line.startswith(prefix) and ": error: " in line]


def test_check_exits_1_without_a_traceback_or_a_control_byte(
    check_output: tuple[int, str, str],
) -> None:
    code, out, err = check_output
    assert code == 1
    assert "Traceback" not in out + err
    assert err == ""
    assert CONTROL.search(out) is None, CONTROL.findall(out)


@pytest.mark.parametrize("case", [c for c in CASES if c.error], ids=lambda c: c.name)
def test_a_bad_file_is_one_error_at_its_place(
    case: Case, corpus: Path, check_output: tuple[int, str, str]
) -> None:
    errors = _error_lines(check_output[1], corpus, case)
    assert len(errors) == 1, errors
    assert case.error in errors[0]
    place = errors[0].removeprefix(f"{corpus / case.name}:").split(":")
    assert int(place[0]) == case.line, errors[0]
    if case.col is not None:
        assert int(place[1]) == case.col, errors[0]


def test_the_good_files_load_with_their_text_whole(corpus: Path) -> None:
    bank = load_bank([corpus])
    good = [c for c in CASES if c.error is None]
    loaded = {Path(q.path).name: q for q in bank.questions}
    assert sorted(loaded) == sorted(c.name for c in good)
    for case in good:
        question = loaded[case.name]
        text = "\n".join(
            [question.title, question.prompt, question.explanation.markdown]
            + [c.text for c in question.choices]
        )
        assert "\r" not in text
        for kept in case.kept:
            assert kept in text, (case.name, kept)


def test_the_json_output_keeps_control_characters_escaped(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    small = [str(corpus / n) for n in ("escapes.md", "tag-escape.md", "vt-choice.md")]
    assert main(["check", "--no-sim", "--format", "json", *small]) == 1
    out = capsys.readouterr().out
    assert CONTROL.search(out) is None
    found = json.loads(out)
    messages = [d["message"] for d in found if Path(d["path"]).name == "escapes.md"]
    assert any("U+001B" in m for m in messages)


def test_check_warns_about_control_characters_at_their_place(
    corpus: Path, check_output: tuple[int, str, str]
) -> None:
    out = check_output[1]
    warnings = [
        line
        for line in out.splitlines()
        if line.startswith(f"{corpus / 'escapes.md'}:") and "control character" in line
    ]
    assert warnings[0].startswith(f"{corpus / 'escapes.md'}:8:7: warning: control character U+001B")


@pytest.mark.parametrize("command", [["verify", "--jobs", "1"], ["stats"]])
def test_other_commands_load_the_good_files_and_say_nothing_raw(
    command: list[str], corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main([*command, str(corpus)])
    out, err = capsys.readouterr()
    assert code == (1 if command[0] == "verify" else 0)  # verify fails on the broken files
    assert "Traceback" not in out + err
    assert CONTROL.search(out + err) is None, CONTROL.findall(out + err)
    if command[0] == "verify":
        bad = [c for c in CASES if c.error]
        for case in bad:  # one error line per bad file, as check gives it
            assert len(_error_lines(out, corpus, case)) == 1, case.name
        assert "The ␛]0;owned␇␛[5m‹U+202E›‹U+009B› slope" in out  # a title, shown
    else:
        assert f"{len([c for c in CASES if c.error])} question file(s) failed to load" in err
