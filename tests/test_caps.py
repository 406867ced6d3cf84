"""Caps add deliveries up across suppliers in date order, and flag the crossings."""

from __future__ import annotations

from sanctionsengine.rulebook import Rulebook
from sanctionsengine.testing.cases import CaseEvent, evaluate_events
from sanctionsengine.verdicts import EventVerdict, Finding
from sanctionsengine.vocabulary import Verdict

RULE = "dprk.oil.refined-petroleum"


def _delivery(eid: str, day: str, barrels: float | None, supplier: str = "RU", unit: str = "barrel") -> object:
    quantity = {"unknown": True} if barrels is None else {"value": barrels, "unit": unit}
    return CaseEvent.model_validate(
        {"kind": "transfer", "date": day, "supplier": supplier, "recipient": "KP", "hs": ["2710"], "quantity": quantity}
    ).to_event(eid)


def _cap(v: EventVerdict) -> Finding:
    return next(f for f in v.findings if f.rule_id == RULE)


def test_running_total_thresholds_and_the_stop_order(book: Rulebook) -> None:
    events = [
        _delivery("mar", "2024-03-10", 300_000),  # 60 %
        _delivery("apr", "2024-04-10", 150_000, "CN"),  # 90 %: crosses 75 and 90
        _delivery("may", "2024-05-10", 31_200),  # 96.24 %: crosses 95, the stop point
        _delivery("jun", "2024-06-10", 10_000),  # after 95 %: must not be supplied
        _delivery("jul", "2024-07-10", 20_000),  # past 100 %
    ]
    mar, apr, may, jun, jul = (_cap(v) for v in evaluate_events(book, events))
    assert mar.outcome == Verdict.NOT_PROHIBITED and mar.computation and mar.computation.total_after == 300_000
    assert apr.computation and apr.computation.crossed == (75.0, 90.0)
    assert apr.outcome == Verdict.NOT_PROHIBITED
    assert may.computation and may.computation.crossed == (95.0,)
    assert "crossed 95% of the 2024 cap: 481,200 of 500,000 barrels (all further supply must cease)" in may.reasons
    assert jun.outcome == Verdict.VIOLATION and "had to cease" in jun.reasons[0]
    assert jul.outcome == Verdict.VIOLATION
    assert jul.computation and jul.computation.total_after == 511_200 and jul.computation.percent_after == 102.24


def test_deliveries_are_summed_in_date_order_whatever_the_file_order(book: Rulebook) -> None:
    events = [_delivery("late", "2024-09-01", 100_000), _delivery("early", "2024-02-01", 450_000)]
    late, early = (_cap(v) for v in evaluate_events(book, events))
    assert early.computation and early.computation.total_before == 0
    assert late.outcome == Verdict.VIOLATION and late.computation and late.computation.total_after == 550_000


def test_each_calendar_year_starts_again(book: Rulebook) -> None:
    events = [_delivery("y1", "2023-12-20", 450_000), _delivery("y2", "2024-01-05", 450_000)]
    _y1, y2 = (_cap(v) for v in evaluate_events(book, events))
    assert y2.computation and y2.computation.total_before == 0 and y2.computation.window == "2024"


def test_unknown_quantities_make_the_total_a_lower_bound(book: Rulebook) -> None:
    events = [_delivery("unknown", "2024-03-01", None), _delivery("known", "2024-04-01", 100_000)]
    unknown, known = (_cap(v) for v in evaluate_events(book, events))
    assert unknown.outcome == Verdict.POTENTIAL_VIOLATION and unknown.missing == ["quantity"]
    assert known.computation and known.computation.lower_bound
    assert "at least 100,000 of 500,000 barrels" in known.reasons[0]


def test_tonnes_convert_with_the_cited_factor(book: Rulebook) -> None:
    [v] = evaluate_events(book, [_delivery("t", "2024-03-01", 10_000, unit="tonne")])
    c = _cap(v).computation
    assert c and c.conversion and c.conversion.factor == 8.0 and c.conversion.default_used
    assert c.quantity == 80_000
