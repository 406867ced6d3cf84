"""Caps and duties over a year of deliveries: the 2024 and 2019-2020 refined-petroleum scenarios."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sanctionsengine.compile import RECORD_MARKER, compile_rulebook, scenario_facts
from sanctionsengine.engine import Engine
from sanctionsengine.evaluation import evaluate
from sanctionsengine.report import Report
from sanctionsengine.rulebook import Rulebook
from sanctionsengine.testing.cases import CaseEvent, evaluate_events
from sanctionsengine.verdicts import EventVerdict, Finding
from sanctionsengine.vocabulary import Verdict

from .conftest import RULES, SCENARIOS, SHARED

CAP = "dprk.oil.refined-petroleum"
NOTICE = "dprk.oil.refined-petroleum-notification"


@pytest.fixture(scope="module")
def y2024() -> Report:
    return evaluate(SCENARIOS / "refined-petroleum-2024.yaml", rules=RULES, sources=SHARED)


def _ev(report: Report, event_id: str) -> EventVerdict:
    return next(e for e in report.events if e.id == event_id)


def _f(ev: EventVerdict, rule: str) -> Finding:
    return next(f for f in ev.findings if f.rule_id == rule)


def test_2024_running_totals_are_exact(y2024: Report) -> None:
    totals = {
        e.id: _f(e, CAP).computation.total_after for e in y2024.events if any(f.rule_id == CAP for f in e.findings)
    }  # type: ignore[union-attr]
    assert totals["ru-2024-01"] == 15_279
    assert totals["ru-2024-03"] == 237_804
    assert totals["cn-2024-05"] == 390_538
    assert totals["ru-2024-05"] == 508_734
    assert totals["ru-2024-11"] == 1_168_679  # 168,679 notified + 1,000,000 estimated


def test_2024_threshold_crossings_and_their_dates(y2024: Report) -> None:
    crossings = {}
    for e in y2024.events:
        for f in e.findings:
            if f.rule_id == CAP and f.computation:
                for t in f.computation.crossed:
                    crossings[t] = (e.id, e.when)
    assert crossings == {
        75.0: ("cn-2024-05", "2024-05-01 to 2024-05-31"),
        90.0: ("ru-2024-05", "2024-05-01 to 2024-05-31"),
        95.0: ("ru-2024-05", "2024-05-01 to 2024-05-31"),
        100.0: ("ru-2024-05", "2024-05-01 to 2024-05-31"),
    }
    may = _f(_ev(y2024, "ru-2024-05"), CAP)
    assert (
        "crossed 95% of the 2024 cap: at least 508,734 of 500,000 barrels (all further supply must cease)"
        in may.reasons
    )


def test_2024_the_crossing_delivery_and_every_later_one_are_violations(y2024: Report) -> None:
    ordered = [e for e in y2024.events if any(f.rule_id == CAP for f in e.findings)]
    outcomes = [(e.id, _f(e, CAP).outcome) for e in ordered]
    crossing = next(i for i, (eid, _) in enumerate(outcomes) if eid == "ru-2024-05")
    assert all(o == Verdict.NOT_PROHIBITED for _, o in outcomes[:crossing])
    assert all(o == Verdict.VIOLATION for _, o in outcomes[crossing:]), outcomes[crossing:]


def test_2024_lists_the_unnotified_deliveries(y2024: Report) -> None:
    unnotified = sorted(
        e.id for e in y2024.events if any(f.rule_id == NOTICE and f.outcome == Verdict.VIOLATION for f in e.findings)
    )
    assert unnotified == [f"ru-2024-{m:02d}" for m in range(3, 11)]
    nov = _f(_ev(y2024, "ru-2024-11"), NOTICE)
    assert nov.outcome == Verdict.NOT_PROHIBITED and "not yet due" in nov.reasons[0]
    jan = _f(_ev(y2024, "ru-2024-01"), NOTICE)
    assert jan.outcome == Verdict.POTENTIAL_VIOLATION and jan.records == ["ru-2024-notification"]


def test_totals_after_an_at_least_figure_are_lower_bounds(y2024: Report) -> None:
    assert not _f(_ev(y2024, "cn-2024-03"), CAP).computation.lower_bound  # type: ignore[union-attr]
    assert _f(_ev(y2024, "cn-2024-04"), CAP).computation.lower_bound  # type: ignore[union-attr]


def test_2019_2020_notified_figures() -> None:
    report = evaluate(SCENARIOS / "refined-petroleum-2019-2020.yaml", rules=RULES, sources=SHARED)
    cn = _f(_ev(report, "cn-2019"), CAP)
    assert cn.computation and cn.computation.total_after == 417_965 and cn.computation.crossed == (75.0,)
    ru = _f(_ev(report, "ru-2020-jan-aug"), CAP)
    assert ru.computation and ru.computation.conversion and ru.computation.conversion.factor == 7.5
    assert round(ru.computation.total_after) == 129_705  # the Committee reported 129,706 barrels


def _delivery(day: str, barrels: float = 1000, supplier: str = "CN") -> CaseEvent:
    return CaseEvent.model_validate(
        {
            "kind": "transfer",
            "date": day,
            "supplier": supplier,
            "recipient": "KP",
            "hs": ["2710"],
            "quantity": {"value": barrels, "unit": "barrel"},
        }
    )


@pytest.mark.parametrize(
    ("day", "version"),
    [
        ("2017-09-30", None),
        ("2017-10-01", "2375-initial-period"),
        ("2017-11-15", "2375-initial-period"),
        ("2017-12-31", "2375-initial-period"),
        ("2018-01-01", "2397"),
    ],
)
def test_each_delivery_is_judged_by_the_cap_of_its_date(book: Rulebook, day: str, version: str | None) -> None:
    [v] = evaluate_events(book, [_delivery(day).to_event("d")])
    found = [f for f in v.findings if f.rule_id == CAP]
    assert (found[0].version if found else None) == version


def test_judged_as_of_a_date_the_2018_delivery_meets_the_cap_set_in_2017(book: Rulebook) -> None:
    event = _delivery("2018-06-01", 1_000_000).to_event("d")
    [then] = evaluate_events(book, [event], as_of=date(2017, 12, 1))
    [now] = evaluate_events(book, [event])
    assert _f(then, CAP).version == "2375-annual" and _f(then, CAP).outcome == Verdict.NOT_PROHIBITED
    assert _f(now, CAP).version == "2397" and _f(now, CAP).outcome == Verdict.VIOLATION


def test_crude_reported_in_both_units_adds_up(book: Rulebook) -> None:
    tonnes = CaseEvent.model_validate(
        {
            "kind": "transfer",
            "date": "2019-03-01",
            "supplier": "CN",
            "recipient": "KP",
            "hs": ["270900"],
            "quantity": {"value": 300000, "unit": "tonne"},
        }
    )
    barrels = CaseEvent.model_validate(
        {
            "kind": "transfer",
            "date": "2019-04-01",
            "supplier": "RU",
            "recipient": "KP",
            "hs": ["270900"],
            "quantity": {"value": 2000000, "unit": "barrel"},
        }
    )
    t, b = evaluate_events(book, [tonnes.to_event("t"), barrels.to_event("b")])
    crude = _f(b, "dprk.oil.crude-oil")
    # 300,000 t counts as 300,000 x 4,000,000 / 525,000 barrels, so the year is past 4 million barrels
    assert crude.outcome == Verdict.VIOLATION
    assert crude.computation and round(crude.computation.total_after) == round(300000 * 4000000 / 525000 + 2000000)
    assert _f(t, "dprk.oil.crude-oil").outcome == Verdict.NOT_PROHIBITED


def test_records_are_asserted_before_the_dealings_they_excuse(book: Rulebook) -> None:
    """durable's `$not` fires when the dealing is asserted and is not withdrawn by a later record."""
    events = [
        _delivery("2024-03-01").to_event("d"),
        CaseEvent.model_validate(
            {"kind": "notification", "date": "2024-03-10", "supplier": "CN", "concerns": ["KP"], "refers_to": ["d"]}
        ).to_event("n"),
    ]
    facts = scenario_facts(events, "t")
    assert [bool(f.get(RECORD_MARKER)) for f in facts] == [False, False, True]  # records come last in the list
    engine = Engine(compile_rulebook(book))
    names = {
        engine.compiled.entries[m.name].variant.value
        for m in engine.run(facts)
        if engine.compiled.entries[m.name].rule_id == NOTICE
    }
    assert "duty-met" in names and "duty-absent" not in names


def test_events_no_cap_touches_keep_their_verdicts(sources_dir: Path) -> None:
    from .conftest import ARTICLE

    article = evaluate(ARTICLE, rules=RULES, sources=sources_dir)
    assert {e.id: e.verdict.value for e in article.events if e.id in ("aurus-limousine", "grain-and-food-aid")} == {
        "aurus-limousine": "violation",
        "grain-and-food-aid": "not_prohibited",
    }
