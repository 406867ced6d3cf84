"""The reproductions of issue 13: grants of the law that could not be claimed, scopes too wide,
measures missing. Each event is judged by the whole rulebook (every rule, screened against the UN
list), and the test checks the event's verdict and the paragraph its deciding finding cites."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from sanctionsengine.errors import InputError
from sanctionsengine.generate import coverage_matrix
from sanctionsengine.rulebook import load_rulebook
from sanctionsengine.screening import load_un_list, load_vessel_list
from sanctionsengine.testing.cases import CaseEvent, evaluate_case_event
from sanctionsengine.verdicts import EventVerdict, Finding
from sanctionsengine.vocabulary import Verdict

from .conftest import RULES, UN_LIST, VESSELS_JSON

BOOK = load_rulebook(RULES)
LISTS = [load_un_list(UN_LIST), load_vessel_list(VESSELS_JSON)]


def judge(event: dict[str, object]) -> EventVerdict:
    case = CaseEvent.model_validate(event)
    return evaluate_case_event(BOOK, "dprk.arms.supply", "repro", case.to_event("repro"), lists=LISTS).verdict


def finding(verdict: EventVerdict, rule_id: str) -> Finding:
    found = [f for f in verdict.findings if f.rule_id == rule_id]
    assert found, f"no finding of {rule_id}: {[f.rule_id for f in verdict.findings]}"
    return found[0]


def serious(verdict: EventVerdict) -> list[Finding]:
    return [f for f in verdict.findings if f.outcome in (Verdict.VIOLATION, Verdict.POTENTIAL_VIOLATION)]


@dataclass(frozen=True)
class Repro:
    name: str
    event: dict[str, object]
    verdict: Verdict
    rule: str | None  # the finding that decides, or None when no measure applies
    citation: str | None
    exemption: str | None = None  # the exemption's own citation, when one clears it


REPROS = [
    Repro(
        "spare engine (HS 8411.12) for a listed aircraft, 2019",
        {
            "kind": "transfer",
            "date": date(2019, 3, 1),
            "supplier": "RU",
            "recipient": "KP",
            "hs": ["841112"],
            "exemptions": [{"rule": "dprk.exemption.aircraft-spare-parts"}],
        },
        Verdict.EXEMPT,
        "dprk.supply.industrial-machinery",
        "S/RES/2397 (2017) OP7",
        "S/RES/2397 (2017) OP7",
    ),
    Repro(
        "SALW ammunition (HS 9306.30) in 2012",
        {"kind": "transfer", "date": date(2012, 5, 1), "supplier": "RU", "recipient": "KP", "hs": ["930630"]},
        Verdict.NOT_PROHIBITED,
        None,
        None,
    ),
    Repro(
        "sporting cartridges (HS 9306.21) in 2008",
        {"kind": "transfer", "date": date(2008, 5, 1), "supplier": "IT", "recipient": "KP", "hs": ["930621"]},
        Verdict.NOT_PROHIBITED,
        None,
        None,
    ),
    Repro(
        "refugee earning income in 2021",
        {
            "kind": "employment",
            "date": date(2021, 5, 1),
            "supplier": "KP",
            "recipient": "KR",
            "flags": ["income-earning"],
            "exemptions": [{"rule": "dprk.exemption.repatriation-protected"}],
        },
        Verdict.EXEMPT,
        "dprk.labour.repatriation",
        "S/RES/2397 (2017) OP8",
        "S/RES/2397 (2017) OP8",
    ),
    Repro(
        "vessel chartered to the DPRK in 2016, notified to the Committee as for livelihood",
        {
            "kind": "service",
            "date": date(2016, 5, 1),
            "supplier": "CN",
            "recipient": "KP",
            "categories": ["vessel-aircraft-leasing"],
            "flags": ["livelihood-purpose"],
            "exemptions": [
                {"rule": "dprk.exemption.leasing-livelihood-notified", "reference": "notification of 1 April 2016"}
            ],
        },
        Verdict.EXEMPT,
        "dprk.maritime.leasing-chartering-crew",
        "S/RES/2270 (2016) OP19",
        "S/RES/2270 (2016) OP19",
    ),
    Repro(
        "100,000 tonnes of crude oil on 15 October 2017",
        {
            "kind": "transfer",
            "date": date(2017, 10, 15),
            "supplier": "CN",
            "recipient": "KP",
            "hs": ["270900"],
            "quantity": {"value": 100000, "unit": "tonne"},
        },
        Verdict.POTENTIAL_VIOLATION,
        "dprk.oil.crude-freeze",
        "S/RES/2375 (2017) OP15",
    ),
    Repro(
        "new DPRK workers arriving on 20 August 2017",
        {
            "kind": "employment",
            "date": date(2017, 8, 20),
            "supplier": "KP",
            "recipient": "RU",
            "flags": ["new-arrivals"],
        },
        Verdict.POTENTIAL_VIOLATION,
        "dprk.labour.work-authorization-freeze",
        "S/RES/2371 (2017) OP11",
    ),
    Repro(
        "DPRK police trainers hosted in 2018",
        {
            "kind": "training",
            "date": date(2018, 5, 1),
            "supplier": "KP",
            "recipient": "UG",
            "categories": ["military-police-training"],
        },
        Verdict.VIOLATION,
        "dprk.arms.hosting-trainers",
        "S/RES/2270 (2016) OP9",
    ),
]


@pytest.mark.parametrize("repro", REPROS, ids=[r.name for r in REPROS])
def test_reproduction_gets_the_verdict_the_law_gives(repro: Repro) -> None:
    verdict = judge(repro.event)
    assert verdict.verdict == repro.verdict, verdict.summary
    if repro.rule is None:
        assert not verdict.findings, [f.rule_id for f in verdict.findings]
        return
    f = finding(verdict, repro.rule)
    assert f.outcome == repro.verdict
    assert f.citation == repro.citation
    if repro.exemption is not None:
        assert f.exemption is not None and f.exemption.citation == repro.exemption
    # the deciding finding is the only one at that level: nothing else is cited for this event
    assert [g.rule_id for g in verdict.findings if g.outcome == repro.verdict] == [repro.rule]


def test_embassy_payment_to_the_foreign_trade_bank_is_exempt_from_the_asset_freeze() -> None:
    """2371 OP26 lifts the 1718 OP8(d) measures only: no violation remains, and the one potential
    violation left is 2094 OP11's, naming the contribution to the programmes that any payment to a
    DPRK bank, listed or not, leaves open."""
    event = {
        "kind": "financial",
        "date": date(2019, 5, 1),
        "supplier": "SE",
        "recipient": "KP",
        "recipient_ref": "KPe.047",
        "exemptions": [{"rule": "dprk.exemption.ftb-knic-missions"}],
    }
    verdict = judge(event)
    freeze = finding(verdict, "dprk.designated.asset-freeze")
    assert freeze.outcome == Verdict.EXEMPT
    assert freeze.exemption is not None and freeze.exemption.citation == "S/RES/2371 (2017) OP26"
    left = [(f.rule_id, f.outcome) for f in serious(verdict)]
    assert left == [("dprk.finance.financial-services", Verdict.POTENTIAL_VIOLATION)], left
    services = finding(verdict, "dprk.finance.financial-services")
    assert services.exemption is None  # the carve-out names 1718 OP8(d), not 2094 OP11
    assert verdict.verdict == Verdict.POTENTIAL_VIOLATION


def test_the_same_payment_to_an_unlisted_dprk_bank_is_judged_alike_under_2094_op11() -> None:
    """The Foreign Trade Bank gets no more lenient treatment under 2094 OP11 than an unlisted bank."""
    event = {"kind": "financial", "date": date(2019, 5, 1), "supplier": "SE", "recipient": "KP"}
    assert finding(judge(event), "dprk.finance.financial-services").outcome == Verdict.POTENTIAL_VIOLATION


def test_the_foreign_trade_bank_carve_out_does_not_reach_another_listed_bank() -> None:
    event = {
        "kind": "financial",
        "date": date(2019, 5, 1),
        "supplier": "SE",
        "recipient": "KP",
        "recipient_ref": "KPe.021",
        "exemptions": [{"rule": "dprk.exemption.ftb-knic-missions"}],
    }
    verdict = judge(event)
    assert verdict.verdict == Verdict.VIOLATION
    assert finding(verdict, "dprk.designated.asset-freeze").exemption is None


def test_without_the_claims_the_same_events_are_not_cleared() -> None:
    """The exemptions are claims: the same facts with nothing invoked are not exempt."""
    for repro in REPROS:
        if repro.exemption is None:
            continue
        event = {k: v for k, v in repro.event.items() if k != "exemptions"}
        verdict = judge(event)
        assert verdict.verdict == Verdict.VIOLATION, (repro.name, verdict.summary)


def test_a_paragraph_cited_only_as_related_is_not_covered(tmp_path: Path) -> None:
    """Covered means a rule's own citation: a related-only paragraph must say what the rules take from it."""
    root = tmp_path / "rules"
    shutil.copytree(RULES, root)
    path = root / "coverage.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("- paragraph: 2321 OP8\n")
    reason = text.index("  reason:", start)
    end = text.index("- paragraph:", reason)
    path.write_text(text[:reason] + text[end:], encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_rulebook(root)
    lines = "\n".join(exc.value.diagnostics.lines())
    assert "2321 OP8 is cited only as related by" in lines


def test_the_matrix_marks_related_only_paragraphs_and_counts_them_apart() -> None:
    text = coverage_matrix(BOOK)
    row = next(line for line in text.splitlines() if line.startswith("| OP8 | leasing and chartering"))
    assert "*related only*: " in row
    header = next(line for line in text.splitlines() if " paragraphs: " in line)
    assert "covered (a rule's own citation)" in header and "cited only as related" in header
    # the paragraphs this work encodes are covered, not related only
    for subject in ("| OP26 | the Committee's case-by-case exemption power, with", "| OP15 | each State's crude oil"):
        line = next(x for x in text.splitlines() if x.startswith(subject))
        assert "*related only*" not in line, line


def test_goods_only_a_national_luxury_list_names_are_a_potential_violation_that_says_so() -> None:
    verdict = judge(
        {"kind": "transfer", "date": date(2019, 5, 1), "supplier": "FR", "recipient": "KP", "hs": ["220421"]}
    )
    assert verdict.verdict == Verdict.POTENTIAL_VIOLATION
    f = finding(verdict, "dprk.luxury.national-lists")
    assert f.citation == "S/RES/1718 (2006) OP8(a)(iii)"
    assert any("national lists" in m for m in f.missing), f.missing
    # a car in 2019 is named by a UN list: the UN rule decides, the national-list rule is silent
    car = judge({"kind": "transfer", "date": date(2019, 5, 1), "supplier": "DE", "recipient": "KP", "hs": ["870323"]})
    assert "dprk.luxury.national-lists" not in {g.rule_id for g in car.findings}
    assert finding(car, "dprk.luxury.supply").outcome == Verdict.VIOLATION


def test_small_arms_themselves_still_needed_notice_in_2012() -> None:
    """The related-materiel scope does not reach the weapons: pistols in 2012 still need five days' notice."""
    verdict = judge({"kind": "transfer", "date": date(2012, 5, 1), "supplier": "RU", "recipient": "KP", "hs": ["9302"]})
    assert verdict.verdict == Verdict.POTENTIAL_VIOLATION
    assert finding(verdict, "dprk.arms.salw-notification").citation == "S/RES/1874 (2009) OP10"
    shells = judge(
        {"kind": "transfer", "date": date(2012, 5, 1), "supplier": "RU", "recipient": "KP", "hs": ["930690"]}
    )
    assert finding(shells, "dprk.arms.supply").outcome == Verdict.VIOLATION


def test_the_explanation_names_the_listings_an_exemption_is_limited_to() -> None:
    from sanctionsengine.explain import explain
    from sanctionsengine.screening import EntryKind, EventScreening, ListMatch

    rule = BOOK.rule("dprk.exemption.ftb-knic-missions")
    version = rule.versions[0]
    event = CaseEvent.model_validate(
        {"kind": "financial", "date": date(2019, 5, 1), "supplier": "SE", "recipient": "KP", "recipient_ref": "KPe.021"}
    ).to_event("x")

    def hit(reference: str) -> EventScreening:
        match = ListMatch(
            query=reference,
            role="recipient",
            reference=reference,
            kind=EntryKind.ENTITY,
            matched=reference,
            method="un-reference",
            score=100.0,
            definite=True,
            listed_on=date(2016, 3, 2),
            in_force=True,
            listing="test",
            explanation="test",
        )
        return EventScreening(matches=(match,))

    [other] = [c for c in explain(BOOK.groups, rule, version, event, None, hit("KPe.021")) if c.name == "listed party"]
    assert not other.holds and "KPe.047" in other.expected and other.fact == "KPe.021"
    [ftb] = [c for c in explain(BOOK.groups, rule, version, event, None, hit("KPe.047")) if c.name == "listed party"]
    assert ftb.holds
