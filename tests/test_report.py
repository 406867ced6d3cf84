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
    assert data["schema_version"] == "1.4.0"
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


def test_goods_not_stated_render_as_one_statement(tmp_path: Path, sources_dir: Path) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        "scenario: {id: s, title: Goods not stated}\n"
        "sources:\n"
        "  - {id: article, title: The article, language: ar, "
        "sha256: 50c3e04b3bda0e8491350985d2c92c734e4893254ab1ca177a8732a296775b1f}\n"
        "events:\n"
        "  - id: e1\n"
        "    title: Something <b>shipped</b>\n"
        "    kind: transfer\n"
        "    date: 2024-01-01\n"
        "    supplier: {country: RU}\n"
        "    recipient: {country: KP}\n"
        "    evidence: [{source: article, quote: كيم, claimed_by: the article, confidence: reported}]\n",
        encoding="utf-8",
    )
    report = evaluate(scenario, rules=RULES, sources=sources_dir)
    (ev,) = report.events
    assert ev.goods_not_stated is not None and not ev.findings
    n = len(ev.goods_not_stated.measures)
    data = json.loads(render(report, "json"))
    assert len(data["events"][0]["goods_not_stated"]["measures"]) == n
    md = render(report, "markdown").decode("utf-8")
    assert (
        md.count("- On the goods: the goods are not stated") == 1
        and md.count("`dprk.luxury.supply`, S/RES/1718 (2006) OP8(a)(iii)") == 1
    )
    html = render(report, "html").decode("utf-8")
    assert html.count("<h4>Goods not stated</h4>") == 1 and "<b>shipped</b>" not in html
    assert f"{n} measures could apply" in render(report, "junit").decode("utf-8")
