"""``quizengine check``, ``new`` and ``schema`` through the real entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import VALID_SINGLE

from quizengine.cli import main

ROOT = Path(__file__).resolve().parents[2]


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_check_valid_file_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "q.md").write_text(VALID_SINGLE)
    code, out, _ = run_cli(capsys, "check", "--no-sim", str(tmp_path))
    assert code == 0
    assert out.splitlines()[-1].startswith("1 valid question in 1 file: 0 errors, ")


def test_check_reports_errors_compiler_style(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "good.md").write_text(VALID_SINGLE)
    (tmp_path / "bad.md").write_text(VALID_SINGLE.replace("- [ ] 4.0", "- [x] 4.0"))
    code, out, _ = run_cli(capsys, "check", "--no-sim", str(tmp_path / "bad.md"), str(tmp_path))
    assert code == 1
    bad = str(tmp_path / "bad.md")
    assert f"{bad}:12:1: error: single-choice question has 2 correct choices" in out
    assert out.splitlines()[-1].startswith("1 valid question in 3 files: 2 errors")


def test_check_json_lists_diagnostics(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bad.md").write_text("no frontmatter here")
    code, out, _ = run_cli(capsys, "check", "--no-sim", "--format", "json", str(tmp_path))
    assert code == 1
    item, *_ = json.loads(out)
    assert item["severity"] == "error" and item["line"] == 1 and item["col"] == 1
    assert item["message"].startswith("missing frontmatter")


def test_check_missing_path_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "check", "does/not/exist")
    assert code == 2 and "no such file or directory: does/not/exist" in err


def test_unknown_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["check", "--bogus"])
    assert exited.value.code == 2


@pytest.mark.parametrize("kind", ["single", "multiple", "numeric"])
def test_new_writes_a_template_that_checks_clean(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(
        capsys,
        "new",
        "--id",
        f"my-{kind}",
        "--type",
        kind,
        "--title",
        "A title",
        "--tags",
        "a,b",
        "--dir",
        str(tmp_path),
    )
    assert code == 0 and f"my-{kind}.md" in out
    written = (tmp_path / f"my-{kind}.md").read_text(encoding="utf-8")
    assert ("choice" in written) == (kind != "numeric")  # a number has no choices to explain
    code, out, _ = run_cli(capsys, "check", str(tmp_path))
    assert code == 0, out
    again, _, err = run_cli(
        capsys, "new", "--id", f"my-{kind}", "--title", "x", "--dir", str(tmp_path)
    )
    assert again == 2 and "exists" in err


def test_a_bad_id_is_explained_in_words(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "q.md"
    path.write_text(VALID_SINGLE.replace("id: ", "id: Bad_", 1), encoding="utf-8")
    code, out, _ = run_cli(capsys, "check", str(path))
    assert code == 1
    assert "id: use lowercase letters, digits and single dashes" in out
    assert "pattern" not in out and "^[a-z" not in out


def test_check_names_the_folder_without_a_valid_question(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("empty").mkdir()
    code, _, err = run_cli(capsys, "check", "empty")
    assert code == 0 and "no question file (*.md) in empty" in err


def test_new_rejects_a_bad_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "new", "--id", "Bad Id", "--title", "t", "--dir", str(tmp_path))
    assert code == 2 and "bad id 'Bad Id'" in err
    assert not list(tmp_path.iterdir())


def test_schema_is_json_schema_of_the_frontmatter(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "schema")
    schema = json.loads(out)
    assert code == 0 and schema["discriminator"]["propertyName"] == "type"
    kinds = {
        tuple(s["properties"]["type"]["const"] for _ in [0])
        for s in schema["$defs"].values()
        if "type" in s.get("properties", {})
    }
    assert kinds == {("single",), ("multiple",), ("numeric",)}


def test_check_through_a_real_subprocess(tmp_path: Path) -> None:
    (tmp_path / "bad.md").write_text(
        VALID_SINGLE.replace("dificulty", "x").replace("difficulty: easy", "dificulty: easy")
    )
    result = subprocess.run(
        [sys.executable, "-m", "quizengine", "check", "--no-sim", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 1
    assert "unknown key 'dificulty' (did you mean 'difficulty'?)" in result.stdout
    assert "Traceback" not in result.stderr
