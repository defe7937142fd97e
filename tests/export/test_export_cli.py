"""``quizengine export`` through its real entry point: evidence from the verify cache, a
question a format cannot express, and bad paths."""

from __future__ import annotations

from pathlib import Path

import pytest
from benchmark_run import run_benchmark
from export_support import export, read_moodle

from quizengine.cli import main
from simulations import registry

MULTIPLE = """\
---
id: toy-signs
type: multiple
tags: [toy]
---
# Signs of x

Which hold? {{x: y}} #

- [x] x is positive [c](sim:toy?x=2#positive)
- [ ] minus x is positive [c](sim:toy?x=-2#positive)

## Answer

Because. [run it](sim:toy?x=2)

## References

- [A paper](https://example.org/paper)
"""

NUMERIC = """\
---
id: toy-square
type: numeric
answer: {value: 4.0, rel_tol: 0.01, metric: "sim:toy?x=2#square"}
---
# Square

What is 2 squared?

## Answer

Four.
"""


def eleven_correct() -> str:
    choices = "\n".join(f"- [x] right {i}" for i in range(11)) + "\n- [ ] wrong"
    head = "---\nid: eleven\ntype: multiple\n---\n# Eleven\n\nPick.\n\n"
    return f"{head}{choices}\n\n## Answer\n\nAll.\n"


@pytest.fixture(autouse=True)
def toy_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registry._MODULES, "toy", "toy_experiment")


def write_bank(folder: Path, *texts: str) -> Path:
    folder.mkdir()
    for number, text in enumerate(texts):
        (folder / f"q{number}.md").write_text(text)
    return folder


def test_evidence_comes_from_the_verify_cache_and_is_marked_when_absent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bank = write_bank(tmp_path / "bank", MULTIPLE, NUMERIC)
    out = tmp_path / "out.xml"
    code, err = export(capsys, str(bank), "--to", "moodle", "-o", str(out))
    assert code == 0, err
    assert "3 keys not verified" in err
    before = out.read_text()
    assert "Not verified: no cached run of the claim “positive” (simulation toy with x=2)" in before
    assert "Verified" not in before

    assert main(["verify", "--jobs", "1", str(bank)]) == 0
    capsys.readouterr()
    code, err = export(capsys, str(bank), "--to", "moodle", "-o", str(out))
    assert code == 0 and "not verified" not in err
    parsed = {q["idnumber"]: q for q in read_moodle(out.read_bytes())}
    signs = parsed["toy-signs"]
    right, wrong = (a["feedback"] for a in signs["answers"])
    assert right == (
        "<p><strong>Right.</strong> Verified in the simulation toy with x=2 (seed 0): the claim "
        "“the value is above 0” holds (value 2, threshold 0).</p>"
    )
    assert wrong.startswith("<p><strong>Wrong.</strong> Verified in the simulation toy with x=-2")
    assert "fails (value -2, threshold 0)" in wrong
    general = signs["generalfeedback"]
    assert "Because. run it (simulation toy with x=2)" in general
    assert '<a href="https://example.org/paper">A paper</a>' in general
    assert "sim:" not in general
    square = parsed["toy-square"]
    assert square["answers"][0]["tolerance"] == "0.04"
    assert "square must equal 4" in square["answers"][0]["feedback"]


def test_a_key_the_simulation_disagrees_with_is_exported_with_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong_key = MULTIPLE.replace("- [ ] minus x", "- [x] minus x")
    bank = write_bank(tmp_path / "bank", wrong_key)
    out = tmp_path / "out.xml"
    code, err = export(
        capsys, str(bank), "--to", "moodle", "-o", str(out), "--verify", "--jobs", "1"
    )
    assert code == 0, err
    assert "the cached simulation disagrees with 1 of its keys" in err
    (parsed,) = read_moodle(out.read_bytes())
    assert (
        "<strong>The simulation disagrees with this key.</strong>"
        in parsed["answers"][1]["feedback"]
    )


def test_export_verify_runs_only_the_missing_simulations(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bank = write_bank(tmp_path / "bank", MULTIPLE)
    out = tmp_path / "out.gift"
    code, err = export(capsys, str(bank), "--to", "gift", "-o", str(out), "--verify", "--jobs", "1")
    assert code == 0, err
    assert "ran 2 simulations missing from the cache" in err
    assert "Verified in the simulation toy with x\\=-2" in out.read_text()
    code, err = export(capsys, str(bank), "--to", "gift", "-o", str(out), "--verify", "--jobs", "1")
    assert "ran 0 simulations" in err


def test_a_question_the_format_cannot_express_is_named_and_the_rest_exported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bank = write_bank(tmp_path / "bank", MULTIPLE, eleven_correct())
    out = tmp_path / "out.gift"
    code, err = export(capsys, str(bank), "--to", "gift", "-o", str(out))
    assert code == 1
    assert (
        "q1.md:2:1: error: gift cannot express question 'eleven': each correct choice is worth 1/11"
        in err
    )
    assert "wrote 1 question" in err and "1 question not exported" in err
    text = out.read_text()
    assert "[id:toy-signs]" in text and "eleven" not in text
    code, err = export(capsys, str(bank), "--to", "qti21", "-o", str(tmp_path / "pkg.zip"))
    assert code == 0, err  # QTI's mapping expresses 1/11 exactly


def test_tag_selects_the_questions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bank = write_bank(tmp_path / "bank", MULTIPLE, NUMERIC)
    out = tmp_path / "out.xml"
    code, err = export(capsys, str(bank), "--tag", "toy", "--to", "moodle", "-o", str(out))
    assert code == 0 and "wrote 1 question" in err
    assert [q["idnumber"] for q in read_moodle(out.read_bytes())] == ["toy-signs"]


def test_a_broken_file_is_reported_and_the_others_exported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bank = write_bank(tmp_path / "bank", MULTIPLE, "---\nid: broken\n---\n# no type\n")
    code, err = export(capsys, str(bank), "--to", "qti21", "-o", str(tmp_path / "pkg"))
    assert code == 1
    assert "q1.md" in err and "error" in err
    assert (tmp_path / "pkg" / "items" / "q-toy-signs.xml").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["missing-folder", "--to", "moodle", "-o", "{tmp}/out.xml"],
            "no such file or directory: missing-folder",
        ),
        (["{bank}", "--to", "moodle", "-o", "{tmp}/nowhere/out.xml"], "no such directory"),
        (["{bank}", "--to", "gift", "-o", "{tmp}"], "it is a directory"),
        (["{bank}", "--to", "qti21", "-o", "{bank}"], "the folder is not empty"),
        (["{bank}", "--to", "qti21", "-o", "{bank}/q0.md"], "it is a file"),
    ],
)
def test_bad_paths_are_clear_errors_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    bank = write_bank(tmp_path / "bank", MULTIPLE)
    before = sorted(tmp_path.rglob("*"))
    filled = [a.format(tmp=tmp_path, bank=bank) for a in args]
    code, err = export(capsys, *filled)
    assert code == 2
    assert err.startswith("quizengine: error: ") and message in err
    assert sorted(tmp_path.rglob("*")) == before  # nothing written


def test_nothing_to_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty").mkdir()
    code, err = export(capsys, str(tmp_path / "empty"), "--to", "gift", "-o", str(tmp_path / "a"))
    assert code == 2 and "no question files in" in err
    broken = write_bank(tmp_path / "broken", "---\nid: broken\n---\n# no type\n")
    code, err = export(capsys, str(broken), "--to", "gift", "-o", str(tmp_path / "a"))
    assert code == 1 and "every question file has errors" in err
    assert not (tmp_path / "a").exists()


def test_an_unknown_format_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["export", "--to", "canvas", "-o", "x"])
    assert exit_.value.code == 2
    assert "invalid choice: 'canvas'" in capsys.readouterr().err


def test_the_export_benchmark_runs(tmp_path: Path) -> None:
    """A smoke run of benchmarks/bench_export.py (no timing asserted)."""
    done = run_benchmark("bench_export.py", "--questions", "20", "--runs", "1", timeout=120)
    assert done.returncode == 0, done.stderr
    for label in ("bundled bank", "20 questions", "baseline", "moodle export", "qti21 export"):
        assert label in done.stdout
