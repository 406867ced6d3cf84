"""Package hygiene: the public API, and durable-rules kept behind one module."""

from __future__ import annotations

import ast
from pathlib import Path

import sanctionsengine

from .conftest import ROOT

SRC = ROOT / "src" / "sanctionsengine"


def test_public_api_is_sorted_and_importable() -> None:
    assert sanctionsengine.__all__ == sorted(sanctionsengine.__all__)
    for name in sanctionsengine.__all__:
        assert hasattr(sanctionsengine, name), name


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_durable_is_imported_only_in_engine_py() -> None:
    importers = sorted(p.relative_to(SRC).as_posix() for p in SRC.rglob("*.py") if "durable" in _imports(p))
    assert importers == ["engine.py"]


def test_nothing_evaluates_code_from_files() -> None:
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in {"eval", "exec", "compile"}, f"{path}: {node.func.id}()"
        assert "yaml.load(" not in path.read_text(encoding="utf-8"), f"{path}: use the safe loader"


def test_no_list_or_shared_data_is_committed() -> None:
    big = [
        p
        for p in ROOT.rglob("*")
        if p.is_file() and p.suffix in {".xml", ".csv", ".pdf"} and ".venv" not in p.parts and ".git" not in p.parts
    ]
    assert not big, big
