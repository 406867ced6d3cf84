"""The article scenario's verdicts, as the first issue's acceptance states them."""

from __future__ import annotations

from pathlib import Path

import pytest

from sanctionsengine.evaluation import evaluate
from sanctionsengine.report import Report
from sanctionsengine.verdicts import EventVerdict
from sanctionsengine.vocabulary import Verdict

from .conftest import ARTICLE, RULES


@pytest.fixture(scope="module")
def report(sources_dir: Path) -> Report:
    return evaluate(ARTICLE, rules=RULES, sources=sources_dir)


def _event(report: Report, event_id: str) -> EventVerdict:
    return next(e for e in report.events if e.id == event_id)


def _rules(ev: EventVerdict, outcome: Verdict) -> set[str]:
    return {f.rule_id for f in ev.findings if f.outcome == outcome}


def test_munitions_are_a_violation_of_the_export_and_procurement_bans_alleged_by_the_us(report: Report) -> None:
    ev = _event(report, "munitions-to-russia")
    assert ev.verdict == Verdict.VIOLATION
    assert {"dprk.arms.export", "dprk.arms.procurement"} <= _rules(ev, Verdict.VIOLATION)
    arms = [f for f in ev.findings if f.rule_id in ("dprk.arms.export", "dprk.arms.procurement")]
    assert {f.citation for f in arms} == {"S/RES/1874 (2009) OP9"}
    assert all("S/RES/1718 (2006) OP8(b)" in f.related for f in arms)
    assert "alleged by the United States" in ev.attribution and "alleged by the United States" in ev.summary


def test_the_technology_offer_is_a_potential_violation(report: Report) -> None:
    ev = _event(report, "missile-space-technology-offer")
    assert ev.verdict == Verdict.POTENTIAL_VIOLATION
    assert {
        "dprk.wmd.supply",
        "dprk.arms.technical-assistance-to-dprk",
        "dprk.technology.scientific-cooperation",
    } <= _rules(ev, Verdict.POTENTIAL_VIOLATION)
    assert all(any("offer" in r for r in f.reasons) for f in ev.findings)
    assert "offer" in ev.summary


def test_dprk_workers_in_2024_breach_2397_op8_and_2375_op17(report: Report) -> None:
    ev = _event(report, "dprk-workers-in-russia-2024")
    assert ev.verdict == Verdict.VIOLATION
    cites = {f.citation for f in ev.findings if f.outcome == Verdict.VIOLATION}
    assert {"S/RES/2397 (2017) OP8", "S/RES/2375 (2017) OP17"} <= cites


def test_oil_without_a_figure_is_potential_and_says_the_quantity_is_missing(report: Report) -> None:
    ev = _event(report, "oil-beyond-cap")
    assert ev.verdict == Verdict.POTENTIAL_VIOLATION
    [finding] = [f for f in ev.findings if f.rule_id == "dprk.oil.refined-petroleum"]
    assert finding.missing == ["quantity"]
    assert finding.citation == "S/RES/2397 (2017) OP5"
    assert "quantity not reported" in ev.summary


def test_food_aid_is_not_prohibited_and_names_the_food_export_ban(report: Report) -> None:
    ev = _event(report, "grain-and-food-aid")
    assert ev.verdict == Verdict.NOT_PROHIBITED
    assert not ev.findings
    assert ev.near_misses[0].rule_id == "dprk.export.food-agricultural"
    assert "food supplied to the DPRK" in ev.summary


def test_tourists_are_not_prohibited(report: Report) -> None:
    ev = _event(report, "russian-tourists")
    assert ev.verdict == Verdict.NOT_PROHIBITED and not ev.findings


def test_the_aurus_breaches_the_luxury_ban_and_2397_op7(report: Report) -> None:
    ev = _event(report, "aurus-limousine")
    assert ev.verdict == Verdict.VIOLATION
    assert {"dprk.luxury.supply", "dprk.supply.transportation-vehicles"} <= _rules(ev, Verdict.VIOLATION)
    luxury = next(f for f in ev.findings if f.rule_id == "dprk.luxury.supply")
    assert luxury.citation == "S/RES/1718 (2006) OP8(a)(iii)"
    assert "S/RES/2094 (2013) OP23, Annex IV" in luxury.related


def test_the_failed_satellite_launch_breaches_the_launch_ban(report: Report) -> None:
    ev = _event(report, "satellite-launch-may-2024")
    assert ev.verdict == Verdict.VIOLATION
    assert _rules(ev, Verdict.VIOLATION) == {"dprk.launch.ballistic-missile-technology"}
    assert ev.findings[0].citation == "S/RES/2094 (2013) OP2"


@pytest.mark.parametrize(
    "event_id", ["partnership-treaty", "vostochny-visit", "panel-of-experts-veto", "putin-visit-june-2024"]
)
def test_treaty_visit_and_veto_are_not_transactions(report: Report, event_id: str) -> None:
    ev = _event(report, event_id)
    assert ev.verdict == Verdict.NOT_PROHIBITED
    assert "not a transaction" in ev.summary


@pytest.mark.parametrize(
    "event_id",
    [
        "rok-shells-to-ukraine",
        "japan-aid-to-ukraine",
        "us-permission-to-strike-russia",
        "us-ukraine-security-agreement",
        "putin-pledge-to-arm-us-adversaries",
        "dmz-crossing",
        "landmine-explosion",
        "putin-first-visit-2000",
        "rok-economic-aid-to-ukraine",
        "yoon-kyiv-visit",
    ],
)
def test_context_without_a_dprk_dealing_is_out_of_scope(report: Report, event_id: str) -> None:
    ev = _event(report, event_id)
    assert ev.verdict == Verdict.OUT_OF_SCOPE and not ev.findings
    assert ev.summary.startswith("Out of scope: ")


def test_the_article_s_wrong_veto_month_is_corrected_with_its_source(report: Report) -> None:
    ev = _event(report, "panel-of-experts-veto")
    assert ev.when == "2024-03-28"
    assert ev.corrections[0].reported.startswith("May") and ev.corrections[0].source == "fact-sheet"


def test_every_event_gets_exactly_one_verdict(report: Report) -> None:
    assert report.summary.events == len(report.events) == 23
    assert sum(report.summary.by_verdict.values()) == 23
    assert report.summary.by_verdict == {
        "violation": 4,
        "potential_violation": 2,
        "undecidable": 0,
        "exempt": 0,
        "not_prohibited": 7,
        "out_of_scope": 10,
    }


def test_quotes_are_kept_in_their_original_script_and_marked_checked(report: Report) -> None:
    ev = _event(report, "munitions-to-russia")
    assert ev.evidence[0].quote.startswith("فتح الزعيم")
    assert {e.quote_check.value for e in ev.evidence} == {"verified"}


def test_the_vostochny_visit_is_the_four_days_of_the_tour(report: Report) -> None:
    ev = _event(report, "vostochny-visit")
    assert ev.when == "2023-09-13 to 2023-09-16"
    assert "Komsomolsk-on-Amur" in (ev.date_note or "") and "Knevichi" in (ev.date_note or "")


def test_the_security_agreement_is_dated_13_june_with_the_article_s_d_day_kept_beside_it(report: Report) -> None:
    ev = _event(report, "us-ukraine-security-agreement")
    assert ev.when == "2024-06-13"
    [fix] = ev.corrections
    assert fix.field == "date" and "D-Day" in fix.reported and fix.corrected.startswith("2024-06-13")
    assert fix.source == "kyiv-independent-bsa"


def test_the_article_s_missiles_are_short_range_not_ballistic(report: Report) -> None:
    ev = _event(report, "munitions-to-russia")
    assert "short-range missiles" in (ev.commodity or "") and "short-range ballistic" not in (ev.commodity or "")


def test_yoon_s_visit_last_month_is_corrected_to_15_july_2023(report: Report) -> None:
    ev = _event(report, "yoon-kyiv-visit")
    assert ev.when == "2023-07-15"
    assert ev.corrections[0].reported.startswith("last month")
