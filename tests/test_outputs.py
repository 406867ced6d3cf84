"""HTML, JUnit and JSON outputs: each checked by the tool its readers use.

The HTML report is opened in headless Chromium (Debian's `chromium`, driven by Playwright); the
JUnit file is read by junitparser; the JSON report is validated against the published schema.
The browser's screenshot is saved outside the repository, in $SANCTIONSENGINE_ARTIFACTS (default:
the system's temporary folder), for a person to look at.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import jsonschema
import pytest
from junitparser import Failure, JUnitXml

from sanctionsengine.evaluation import evaluate, load_lists
from sanctionsengine.render import render
from sanctionsengine.report import Report

from .conftest import ARTICLE, ROOT, RULES, UN_LIST, VESSELS_JSON

SCHEMA = json.loads((ROOT / "docs" / "report.schema.json").read_text(encoding="utf-8"))
ARTIFACTS = Path(os.environ.get("SANCTIONSENGINE_ARTIFACTS", Path(tempfile.gettempdir()) / "sanctionsengine-artifacts"))


@pytest.fixture(scope="module")
def article_report(sources_dir: Path) -> Report:
    return evaluate(ARTICLE, rules=RULES, sources=sources_dir, lists=load_lists([UN_LIST], [VESSELS_JSON]))


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory: pytest.TempPathFactory, sources_dir: Path) -> Report:
    """The article with markup and script where a title, a note and a gloss would be."""
    text = ARTICLE.read_text(encoding="utf-8").replace(
        "title: Grain and other food aid from Russia",
        "title: \"<script>document.title='owned'</script><img src=x onerror=alert(1)>\"",
    )
    path = tmp_path_factory.mktemp("hostile") / "s.yaml"
    path.write_text(text, encoding="utf-8")
    return evaluate(path, rules=RULES, sources=sources_dir)


def _chromium() -> str:
    for name in (os.environ.get("SANCTIONSENGINE_CHROMIUM", ""), "chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name) if name else None
        if found:
            return found
    pytest.skip("Chromium is not installed here (Debian: apt install chromium; .ci/run installs it)")


def _open(html: bytes, shot: Path | None = None) -> dict[str, object]:
    from playwright.sync_api import sync_playwright

    page_file = Path(tempfile.mkdtemp()) / "report.html"
    page_file.write_bytes(html)
    problems: list[str] = []
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium(), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on(
                "console",
                lambda m: problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None,
            )
            page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(page_file.as_uri(), wait_until="load")
            facts = page.evaluate(
                """() => ({
                    title: document.title,
                    sections: [...document.querySelectorAll('main > section')].map(s => s.id),
                    events: document.querySelectorAll('article.event').length,
                    scripts: document.querySelectorAll('script').length,
                    images: document.querySelectorAll('img').length,
                    rtl: [...document.querySelectorAll('blockquote[dir=rtl]')].map(b => getComputedStyle(b).direction),
                    chart: document.querySelectorAll('svg.chart rect').length,
                    text: document.body.innerText,
                })"""
            )
            if shot is not None:
                shot.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(shot), full_page=True)
            page.emulate_media(media="print")
            facts["print_badge"] = page.evaluate(
                "() => getComputedStyle(document.querySelector('.badge')).backgroundColor"
            )
        finally:
            browser.close()
    facts["problems"] = problems
    facts["requests"] = [u for u in requests if u != page_file.as_uri()]
    return facts


def test_the_article_report_renders_in_chromium_without_errors(article_report: Report) -> None:
    shot = ARTIFACTS / "article-report.png"
    facts = _open(render(article_report, "html"), shot)
    assert facts["problems"] == []
    assert facts["requests"] == []  # self-contained: nothing fetched
    assert facts["sections"] == ["summary", "alerts", "events", "inputs"]  # alerts: the findings to review
    assert facts["events"] == 23
    assert facts["chart"] == 6
    assert facts["rtl"] and set(facts["rtl"]) == {"rtl"}  # Arabic quotes set right to left
    text = str(facts["text"])
    for expected in (
        "S/RES/1874 (2009) OP9",
        "فتح الزعيم الكوري الشمالي",
        "Rests on facts the reference has not verified",
    ):
        assert expected in text
    assert "UN Security Council consolidated list (1718 / DPRK records)" in text
    assert facts["print_badge"] in ("rgba(0, 0, 0, 0)", "transparent")  # the print stylesheet applies
    assert shot.exists() and shot.stat().st_size > 20_000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_markup_in_a_scenario_stays_text_in_the_browser(hostile_report: Report) -> None:
    html = render(hostile_report, "html")
    assert b"<script>document.title" not in html and b"&lt;script&gt;" in html
    facts = _open(html)
    assert facts["scripts"] == 0 and facts["images"] == 0 and facts["problems"] == []
    assert "<script>document.title='owned'</script>" in str(facts["text"])


def test_a_cap_computation_is_shown(sources_dir: Path) -> None:
    report = evaluate(ROOT / "scenarios" / "refined-petroleum-2024.yaml", rules=RULES)
    html = render(report, "html").decode("utf-8")
    assert 'class="computation"' in html and "500,000" in html


def test_junit_parses_with_one_case_per_event_and_violations_as_failures(article_report: Report) -> None:
    path = Path(tempfile.mkdtemp()) / "report.xml"
    path.write_bytes(render(article_report, "junit"))
    xml = JUnitXml.fromfile(str(path))
    suites = list(xml)
    cases = [c for s in suites for c in s]
    assert len(cases) == 23
    failed = {c.name.split(":")[0] for c in cases if any(isinstance(r, Failure) for r in c.result)}
    expected = {ev.id for ev in article_report.events if ev.verdict.value == "violation"}
    assert failed == expected and len(failed) == 4
    failure = next(r for c in cases for r in c.result if isinstance(r, Failure))
    assert "S/RES/" in (failure.message or "") and "evidence:" in (failure.text or "")
    assert suites[0].failures == 4 and suites[0].tests == 23


def test_json_reports_validate_against_the_published_schema(article_report: Report, hostile_report: Report) -> None:
    for report in (article_report, hostile_report):
        jsonschema.validate(json.loads(render(report, "json")), SCHEMA, cls=jsonschema.Draft202012Validator)


def test_the_schema_rejects_a_report_missing_its_hashes(article_report: Report) -> None:
    data = json.loads(render(article_report, "json"))
    del data["inputs"]["rulebook"]["hash"]
    with pytest.raises(jsonschema.ValidationError, match="'hash' is a required property"):
        jsonschema.validate(data, SCHEMA, cls=jsonschema.Draft202012Validator)
