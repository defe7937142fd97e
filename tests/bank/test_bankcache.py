"""The parse cache: a cached bank equals a parsed one, and nothing stale or damaged is trusted."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import VALID_SINGLE

from quizengine.bank import cache as bankcache
from quizengine.bank import load as bank_module
from quizengine.bank.cache import construct
from quizengine.bank.diagnostics import Diagnostic
from quizengine.bank.load import default_bank_path, load_bank
from quizengine.bank.model import Bank, NumericAnswer, Question


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A bank of two good questions and a broken one."""
    root = tmp_path / "bank"
    root.mkdir()
    (root / "a.md").write_text(VALID_SINGLE)
    (root / "b.md").write_text(VALID_SINGLE.replace("sample-single", "sample-b"))
    (root / "broken.md").write_text("no frontmatter here\n")
    return root


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths parsed (not taken from the cache), in order."""
    seen: list[str] = []
    parse = bank_module.parse_file

    def counting(shown: str, data: bytes) -> tuple[Question, list[Diagnostic]]:
        seen.append(Path(shown).name)
        return parse(shown, data)

    monkeypatch.setattr(bank_module, "parse_file", counting)
    return seen


def same(cached: Bank, parsed: Bank) -> bool:
    """Equal models, and equal as far as pydantic can tell (the fields that were set)."""
    pairs = list(zip(cached.questions, parsed.questions, strict=True))
    return cached == parsed and all(c.model_fields_set == p.model_fields_set for c, p in pairs)


def test_the_bundled_bank_from_the_cache_equals_the_parsed_one(
    tmp_path: Path, parses: list[str]
) -> None:
    parsed = load_bank()
    load_bank(cache_dir=tmp_path / "cache")
    parses.clear()
    cached = load_bank(cache_dir=tmp_path / "cache")
    assert parses == []
    assert same(cached, parsed)
    assert cached.questions[0].choices[0].claim is not None  # nested models are models
    assert type(cached.questions[0].choices[0].claim).__name__ == "SimLink"


def test_unchanged_files_are_not_parsed_again_and_errors_are_cached(
    folder: Path, tmp_path: Path, parses: list[str]
) -> None:
    first = load_bank([folder], cache_dir=tmp_path / "cache")
    assert parses == ["a.md", "b.md", "broken.md"]
    again = load_bank([folder], cache_dir=tmp_path / "cache")
    assert parses == ["a.md", "b.md", "broken.md"]
    assert same(again, first)
    assert [str(d) for d in again.diagnostics] == [str(d) for d in first.diagnostics]
    assert again.errors and again.files == 3


def test_an_edit_keeping_size_and_mtime_is_parsed_again(
    folder: Path, tmp_path: Path, parses: list[str]
) -> None:
    load_bank([folder], cache_dir=tmp_path / "cache")
    path = folder / "a.md"
    before = path.stat()
    path.write_text(VALID_SINGLE.replace("0.25", "0.52"))  # same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    parses.clear()
    bank = load_bank([folder], cache_dir=tmp_path / "cache")
    assert parses == ["a.md"]
    assert bank.by_id("sample-single").choices[0].text == "0.52"


def test_added_and_removed_files_are_seen(folder: Path, tmp_path: Path) -> None:
    load_bank([folder], cache_dir=tmp_path / "cache")
    (folder / "b.md").unlink()
    (folder / "c.md").write_text(VALID_SINGLE.replace("sample-single", "sample-c"))
    bank = load_bank([folder], cache_dir=tmp_path / "cache")
    assert sorted(q.id for q in bank.questions) == ["sample-c", "sample-single"]
    cached = load_bank([folder], cache_dir=tmp_path / "cache")
    assert same(cached, load_bank([folder]))


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: data.replace(b"sample-b", b"sample-x"),  # a changed byte
        lambda data: b"",  # empty
        lambda data: b"\x00\xff garbage",
    ],
)
def test_a_damaged_cache_file_is_ignored_and_rebuilt(
    folder: Path, tmp_path: Path, parses: list[str], damage
) -> None:
    load_bank([folder], cache_dir=tmp_path / "cache")
    (entry,) = (tmp_path / "cache" / "bank").iterdir()
    entry.write_bytes(damage(entry.read_bytes()))
    parses.clear()
    bank = load_bank([folder], cache_dir=tmp_path / "cache")
    assert parses == ["a.md", "b.md", "broken.md"]
    assert same(bank, load_bank([folder]))
    parses.clear()
    load_bank([folder], cache_dir=tmp_path / "cache")
    assert parses == []  # rebuilt


def test_a_well_formed_entry_of_the_wrong_shape_is_parsed_again(
    folder: Path, tmp_path: Path, parses: list[str]
) -> None:
    load_bank([folder], cache_dir=tmp_path / "cache")
    path = bankcache.cache_file([folder], tmp_path / "cache")
    entries = bankcache.read_entries(path)
    assert len(entries) == 3
    for entry in entries.values():
        entry["result"] = {"question": {"id": "sample-single"}, "diagnostics": []}
    bankcache.write_entries(path, entries)  # the checksum is right, the content is not
    parses.clear()
    bank = load_bank([folder], cache_dir=tmp_path / "cache")
    assert parses == ["a.md", "b.md", "broken.md"]
    assert same(bank, load_bank([folder]))


def test_entries_of_other_parsing_code_are_ignored(
    folder: Path, tmp_path: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    load_bank([folder], cache_dir=tmp_path / "cache")
    monkeypatch.setattr(bankcache, "code_fingerprint", lambda: "another parser")
    parses.clear()
    load_bank([folder], cache_dir=tmp_path / "cache")
    assert parses == ["a.md", "b.md", "broken.md"]


def test_an_unwritable_cache_only_costs_time(folder: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    assert same(load_bank([folder], cache_dir=blocked), load_bank([folder]))


def test_paths_are_shown_relative_to_the_working_directory_of_each_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parses: list[str]
) -> None:
    root = tmp_path / "quizzes"
    shutil.copytree(default_bank_path(), root)
    monkeypatch.chdir(tmp_path)
    first = load_bank([root], cache_dir=tmp_path / "cache")
    monkeypatch.chdir(tmp_path.parent)
    parses.clear()
    second = load_bank([root], cache_dir=tmp_path / "cache")
    assert first.questions[0].path.startswith("quizzes/")
    assert second.questions[0].path.startswith(f"{tmp_path.name}/quizzes/")
    assert len(parses) == len(second.questions)  # the paths shown changed: parsed again


def test_another_working_directory_showing_the_same_paths_reuses_the_cache(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parses: list[str]
) -> None:
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    monkeypatch.chdir(tmp_path / "a")
    first = load_bank([folder], cache_dir=tmp_path / "cache")
    monkeypatch.chdir(tmp_path / "b")
    parses.clear()
    second = load_bank([folder], cache_dir=tmp_path / "cache")
    assert parses == []
    assert same(second, first)
    assert len(list((tmp_path / "cache" / "bank").iterdir())) == 1


def test_a_cached_load_imports_neither_markdown_it_nor_yaml(tmp_path: Path) -> None:
    code = (
        "import sys; from pathlib import Path; from quizengine.bank.load import load_bank; "
        f"load_bank(cache_dir=Path({str(tmp_path)!r})); "
        "print(sorted(m for m in ('markdown_it', 'yaml') if m in sys.modules))"
    )
    root = Path(__file__).parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}

    def run() -> str:
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
        )
        return done.stdout.strip()

    assert run() == "['markdown_it', 'yaml']"  # parsed, and cached
    assert run() == "[]"


def test_construct_rebuilds_a_dumped_model() -> None:
    answer = NumericAnswer(value=1e300, abs_tol=0.5)
    assert construct(NumericAnswer, answer.model_dump(exclude_unset=True)) == answer
    with pytest.raises(TypeError):
        construct(NumericAnswer, [1.0])


def test_the_code_fingerprint_covers_every_module_parsing_imports() -> None:
    """A module added to the parser's imports must join _OWN_MODULES, or edits to it would
    leave stale entries in use."""
    code = (
        "import sys, quizengine.bank.load, quizengine.bank.parser; "
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('quizengine.'))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
    )
    loaded = {name for name in done.stdout.split() if name != "quizengine.bank"}
    assert loaded <= {f"quizengine.{name}" for name in bankcache._OWN_MODULES}
