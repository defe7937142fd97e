"""The layering of docs/architecture.md holds: import-linter's contracts in pyproject.toml."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"


def test_the_import_contracts_are_kept(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)  # import-linter finds the packages from the working directory
    exit_code = lint_imports(config_filename=str(PYPROJECT), no_cache=True)
    report = capsys.readouterr().out
    assert exit_code == 0, report
    assert "0 broken" in report


def test_the_contracts_cover_layers_simulations_and_circles() -> None:
    """Deleting a contract would make the test above pass vacuously."""
    config = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]
    by_type = {contract["type"]: contract for contract in config["contracts"]}
    assert by_type["layers"]["layers"][0] == "quizengine.cli"
    assert by_type["protected"]["protected_modules"] == ["simulations"]
    assert by_type["protected"]["allowed_importers"] == ["quizengine.lab"]
    assert set(by_type["acyclic_siblings"]["ancestors"]) == {"quizengine", "simulations"}


def test_no_test_folder_shadows_a_package() -> None:
    # pytest puts tests/ on sys.path (pythonpath); run as the `pytest` console script, the
    # working directory is not on it, so a tests/ folder named like a top-level package
    # would be imported in its place as a namespace package (with no __file__).
    import quizengine
    import simulations

    for package in (quizengine, simulations):
        assert package.__file__ is not None, f"{package.__name__} is shadowed by a folder"
