"""Reports are deterministic apart from the run's own fields, and render every input safely."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from sanctionsengine.evaluation import evaluate
from sanctionsengine.render import render
from sanctionsengine.render.markdown_report import md_cell, md_text

from .conftest import ARTICLE, RULES

FIXED = datetime(2026, 1, 1, tzinfo=UTC)


def test_same_inputs_give_the_same_bytes_apart_from_the_run(sources_dir: Path) -> None:
    a = evaluate(ARTICLE, rules=RULES, sources=sources_dir)
    b = evaluate(ARTICLE, rules=RULES, sources=sources_dir)
    assert a.run.id != b.run.id
    ja, jb = json.loads(render(a, "json")), json.loads(render(b, "json"))
    ja.pop("run"), jb.pop("run")
    assert ja == jb
    fixed_a = evaluate(ARTICLE, rules=RULES, sources=sources_dir, run_id="r", started_at=FIXED)
    fixed_b = evaluate(ARTICLE, rules=RULES, sources=sources_dir, run_id="r", started_at=FIXED)
    for fmt in ("json", "markdown", "html", "junit"):
        assert render(fixed_a, fmt) == render(fixed_b, fmt)


def test_json_report_carries_hashes_and_versions(sources_dir: Path) -> None:
    data = json.loads(render(evaluate(ARTICLE, rules=RULES, sources=sources_dir), "json"))
    assert data["schema_version"] == "1.2.0"
    assert data["inputs"]["rulebook"]["hash"].startswith("sha256:")
    assert len(data["inputs"]["scenario"]["sha256"]) == 64
    article = next(s for s in data["inputs"]["sources"] if s["id"] == "article")
    assert article["sha256"] == "50c3e04b3bda0e8491350985d2c92c734e4893254ab1ca177a8732a296775b1f"
    assert article["text"] == "at-hand"
    assert data["tools"]["durable_rules"] == "2.0.28"
    assert set(data["run"]) == {"id", "started_at"}
    assert "none loaded" in data["inputs"]["screening_list"]


def test_markdown_leads_with_the_summary_and_keeps_arabic_quotes(sources_dir: Path) -> None:
    text = render(evaluate(ARTICLE, rules=RULES, sources=sources_dir), "markdown").decode("utf-8")
    order = [
        text.index(h) for h in ("## Summary", "## Events", "## Findings by measure", "## Event details", "## Inputs")
    ]
    assert order == sorted(order)
    assert "| violation | 4 |" in text
    assert "فتح الزعيم الكوري الشمالي" in text
    assert "S/RES/2397 (2017) OP8" in text


def test_markdown_escapes_what_users_write() -> None:
    assert md_cell("a | b\nc <i>") == "a \\| b c \\<i\\>"
    assert md_text("*bold* <script>") == "\\*bold\\* \\<script\\>"


def test_user_text_cannot_break_the_markdown(tmp_path: Path, sources_dir: Path) -> None:
    text = ARTICLE.read_text(encoding="utf-8").replace(
        "title: Grain and other food aid from Russia", 'title: "Grain | and *food* <b>aid</b>"'
    )
    scenario = tmp_path / "s.yaml"
    scenario.write_text(text, encoding="utf-8")
    md = render(evaluate(scenario, rules=RULES, sources=sources_dir), "markdown").decode("utf-8")
    assert "Grain \\| and \\*food\\* \\<b\\>aid\\</b\\>" in md
    assert "<b>aid</b>" not in md
