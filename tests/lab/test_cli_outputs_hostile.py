"""Command-line corners: ``new --id`` is matched whole, ``verify --jobs`` is capped at the cores,
output paths are checked before the work, ``history --export`` writes a temp file and renames."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_verify import QUESTION, write_bank

from quizengine.cli import main
from quizengine.lab import verify as verify_module
from simulations import registry


@pytest.fixture(autouse=True)
def toy_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registry._MODULES, "toy", "toy_experiment")


@pytest.mark.parametrize(
    ("question_id", "said"),
    [
        ("a\n", "it contains '\\n'"),
        ("Relu", "it contains 'R'"),
        ("a--b", "two dashes in a row"),
        ("-a", "starts or ends with a dash"),
        ("a" * 81, "longer than 80 characters"),
        ("", "it is empty"),
    ],
)
def test_new_refuses_an_id_in_words(
    question_id: str, said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["new", f"--id={question_id}", "--title", "T", "--dir", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert said in err and len(err.splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_new_refuses_control_characters_in_the_title_and_tags(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new", "--id", "a", "--title", "T\x1b[5m", "--dir", str(tmp_path)]) == 2
    assert (
        main(["new", "--id", "a", "--title", "T", "--tags", "x\x07", "--dir", str(tmp_path)]) == 2
    )
    assert "Traceback" not in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_verify_jobs_is_capped_at_the_cores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(verify_module, "available_cores", lambda: 1)
    bank = write_bank(tmp_path / "bank", QUESTION.format(id="a"))
    assert main(["verify", "--jobs", "1000", "--no-cache", str(bank)]) == 0
    err = capsys.readouterr().err
    assert "--jobs 1000 is more than the 1 core here; using 1" in err


def test_verify_help_says_jobs_is_capped(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["verify", "--help"])
    assert "at most the number of cores" in capsys.readouterr().out


@pytest.mark.parametrize("where", ["directory", "under-a-file"])
def test_a_junit_path_that_cannot_be_written_is_refused_before_the_runs(
    where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bank = write_bank(tmp_path / "bank", QUESTION.format(id="a"))
    (tmp_path / "file").write_text("x")
    target = tmp_path if where == "directory" else tmp_path / "file" / "report.xml"
    ran: list[object] = []
    monkeypatch.setattr(verify_module, "_run_one", lambda key: ran.append(key))
    code = main(["verify", "--jobs", "1", "--no-cache", "--junit-xml", str(target), str(bank)])
    err = capsys.readouterr().err
    assert code == 2 and "--junit-xml" in err and "Traceback" not in err
    assert ran == []


def test_a_junit_path_in_a_missing_folder_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bank = write_bank(tmp_path / "bank", QUESTION.format(id="a"))
    target = tmp_path / "new" / "folder" / "report.xml"
    assert main(["verify", "--jobs", "1", "--junit-xml", str(target), str(bank)]) == 0
    assert target.read_text().startswith("<?xml")


def _export(tmp_path: Path, target: Path, *extra: str) -> int:
    os.environ["QUIZENGINE_DB"] = str(tmp_path / "none.sqlite3")
    return main(["history", "--export", str(target), *extra])


def test_export_never_writes_through_a_dangling_symlink(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    link, aimed_at = tmp_path / "out.csv", tmp_path / "elsewhere" / "victim.csv"
    (tmp_path / "elsewhere").mkdir()
    link.symlink_to(aimed_at)
    assert _export(tmp_path, link) == 2  # something is there: --force is needed
    assert "exists; pass --force" in capsys.readouterr().err
    assert _export(tmp_path, link, "--force") == 0
    assert not aimed_at.exists()  # the link was replaced, not followed
    assert not link.is_symlink() and link.read_text().startswith("answered_at,")


def test_a_failed_export_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from quizengine.commands import history

    def full_disk(records: object, out: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(history, "write_csv", full_disk)
    target = tmp_path / "out.csv"
    assert _export(tmp_path, target) == 2
    assert "No space left on device" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []  # neither the file nor a temp file
    monkeypatch.undo()
    assert _export(tmp_path, target) == 0  # and no --force needed to try again


def test_export_to_a_directory_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _export(tmp_path, tmp_path) == 2
    assert "is a directory" in capsys.readouterr().err
