"""Generated documents are current (CI fails when they are stale), and say what they should."""

from __future__ import annotations

import json
from pathlib import Path

from sanctionsengine.generate import generate
from sanctionsengine.rulebook import Rulebook
from sanctionsengine.testing.steps import REGISTRY

from .conftest import ROOT, run_cli

DOCS = ROOT / "docs"


def test_committed_documents_are_current(book: Rulebook) -> None:
    stale = generate(DOCS, check=True, book=book)
    assert not stale, f"regenerate with `sanctionsengine generate`: {stale}"


def test_generate_check_fails_when_a_document_is_stale(tmp_path: Path) -> None:
    assert run_cli("generate", "--out", str(tmp_path)).returncode == 0
    assert run_cli("generate", "--out", str(tmp_path), "--check").returncode == 0
    (tmp_path / "steps.md").write_text("edited by hand\n", encoding="utf-8")
    result = run_cli("generate", "--out", str(tmp_path), "--check")
    assert result.returncode == 1 and "steps.md" in result.stderr


def test_the_step_guide_lists_every_wording() -> None:
    guide = (DOCS / "steps.md").read_text(encoding="utf-8")
    for spec in REGISTRY:
        for wording in spec.wordings:
            assert f"{spec.keyword} {wording}" in guide


def test_the_schema_describes_the_report() -> None:
    schema = json.loads((DOCS / "report.schema.json").read_text(encoding="utf-8"))
    assert schema["title"] == "Report"
    assert {"schema_version", "run", "inputs", "summary", "events"} <= set(schema["properties"])
