"""Bad scenarios give one clear diagnostic each, at the right line, in the user's terms."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sanctionsengine.errors import InputError
from sanctionsengine.evidence import QuoteStatus, check_evidence
from sanctionsengine.rulebook import Rulebook
from sanctionsengine.scenario import load_scenario, parse_scenario

from .conftest import ARTICLE, ROOT, run_cli

INVALID = Path(__file__).parent / "data" / "invalid" / "scenarios"
EXPECTED = yaml.safe_load((INVALID / "expected.yaml").read_text(encoding="utf-8"))


def _problems(path: Path, book: Rulebook, sources: Path) -> list[str]:
    try:
        loaded = load_scenario(path, groups=list(book.groups.groups))
    except InputError as exc:
        return exc.diagnostics.lines()
    _, diags = check_evidence(loaded, sources)
    return diags.lines()


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_bad_scenario_is_reported_at_its_line(case: str, book: Rulebook, sources_dir: Path) -> None:
    expected = EXPECTED[case]
    lines = _problems(INVALID / f"{case}.yaml", book, sources_dir)
    assert lines, f"{case}: no problem reported"
    first = lines[0]
    assert (
        first.startswith(f"tests/data/invalid/scenarios/{case}.yaml:{expected['line']}:")
        or f"{case}.yaml:{expected['line']}:" in first
    ), first
    assert f": {expected['code']}: " in first, first
    for word in expected["words"]:
        assert word in first, f"{word!r} not in {first!r}"


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_cli_reports_bad_scenario_in_one_line_and_exits_2(case: str, sources_dir: Path) -> None:
    result = run_cli("evaluate", str(INVALID / f"{case}.yaml"), "--sources", str(sources_dir))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert f"{case}.yaml:{EXPECTED[case]['line']}:" in lines[0]


def test_every_problem_in_a_file_is_reported_at_once(tmp_path: Path) -> None:
    text = (INVALID / "unknown-kind.yaml").read_text(encoding="utf-8").replace("country: RU}", "country: RUS}")
    text = text.replace("date: 2024-01-01", "date: 2024-02-30")
    with pytest.raises(InputError) as err:
        parse_scenario(text, "two.yaml")
    codes = sorted(d.code for d in err.value.diagnostics)
    assert codes == ["bad-date", "bad-value", "unknown-value"], err.value.diagnostics.lines()


def test_article_scenario_loads_and_every_quote_is_verbatim(book: Rulebook, sources_dir: Path) -> None:
    loaded = load_scenario(ARTICLE, groups=list(book.groups.groups))
    check, diags = check_evidence(loaded, sources_dir)
    assert not diags, diags.lines()
    article_quotes = [
        (ev.id, i) for ev in loaded.scenario.events for i, e in enumerate(ev.evidence) if e.source == "article"
    ]
    assert article_quotes
    assert all(check.quotes[q] == QuoteStatus.VERIFIED for q in article_quotes)
    assert check.source("article").status == "at-hand"


def test_article_scenario_covers_every_event_of_the_sources_outline(book: Rulebook) -> None:
    ids = {ev.id for ev in load_scenario(ARTICLE).scenario.events}
    outline = {
        "munitions-to-russia",
        "missile-space-technology-offer",
        "dprk-workers-in-russia-2024",
        "oil-beyond-cap",
        "grain-and-food-aid",
        "russian-tourists",
        "aurus-limousine",
        "partnership-treaty",
        "vostochny-visit",
        "panel-of-experts-veto",
        "satellite-launch-may-2024",
        "rok-shells-to-ukraine",
        "japan-aid-to-ukraine",
        "us-permission-to-strike-russia",
        "us-ukraine-security-agreement",
        "putin-pledge-to-arm-us-adversaries",
        "dmz-crossing",
        "landmine-explosion",
        "putin-first-visit-2000",
        "earlier-sanctions-votes",
        "rok-economic-aid-to-ukraine",
        "yoon-kyiv-visit",
        "putin-visit-june-2024",
    }
    assert outline <= ids


def test_a_source_whose_text_changed_is_refused(tmp_path: Path, book: Rulebook, sources_dir: Path) -> None:
    changed = tmp_path / "pyongyang-visit-2024.ar.txt"
    changed.write_text(
        (sources_dir / "pyongyang-visit-2024.ar.txt").read_text(encoding="utf-8") + "\nedited\n", encoding="utf-8"
    )
    loaded = load_scenario(ARTICLE, groups=list(book.groups.groups))
    _, diags = check_evidence(loaded, tmp_path)
    assert [d.code for d in diags] == ["source-mismatch"], diags.lines()


def test_without_source_texts_quotes_are_marked_unchecked(book: Rulebook) -> None:
    loaded = load_scenario(ARTICLE, groups=list(book.groups.groups))
    check, diags = check_evidence(loaded, None)
    assert not diags
    assert set(check.quotes.values()) == {QuoteStatus.NOT_CHECKED}


def test_the_reported_value_is_kept_beside_its_correction() -> None:
    veto = next(e for e in load_scenario(ARTICLE).scenario.events if e.id == "panel-of-experts-veto")
    assert str(veto.date) == "2024-03-28"
    assert veto.corrections[0].reported.startswith("May 2024")
    assert veto.corrections[0].source == "fact-sheet"


def test_paths_in_errors_are_relative_to_the_working_directory() -> None:
    result = run_cli("validate", "tests/data/invalid/scenarios/bad-date.yaml", cwd=ROOT)
    assert result.stderr.startswith("tests/data/invalid/scenarios/bad-date.yaml:8:"), result.stderr
