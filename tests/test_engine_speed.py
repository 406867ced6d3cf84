"""What makes the engine fast must not change what it matches: facts asserted only where a rule
can match them, small runs sharing one emptied session, rulesets read from the cache."""

from __future__ import annotations

import datetime as dt

from sanctionsengine.compile import compile_rulebook, scenario_facts
from sanctionsengine.engine import INLINE_FACTS, Engine
from sanctionsengine.evaluation import prepared_rulesets
from sanctionsengine.quantities import Quantity
from sanctionsengine.rulebook import Rulebook
from sanctionsengine.scenario import Commodity, Event, Evidence, Party
from sanctionsengine.vocabulary import Confidence, EventKind, Unit

EVIDENCE = (Evidence(source="s", quote="q", claimed_by="test", confidence=Confidence.REPORTED),)


def _delivery(i: int, day: dt.date, supplier: str = "RU") -> Event:
    return Event(
        id=f"d{i}",
        title="delivery",
        kind=EventKind.TRANSFER,
        date=day,
        supplier=Party(country=supplier),
        recipient=Party(country="KP"),
        commodity=Commodity(description="diesel", hs=("271019",), categories=("gasoil-diesel",)),
        quantity=Quantity(value=500, unit=Unit.BARREL),
        evidence=EVIDENCE,
    )


def _notice(i: int, day: dt.date, refers: str, supplier: str = "RU") -> Event:
    return Event(
        id=f"n{i}",
        title="notification",
        kind=EventKind.NOTIFICATION,
        date=day,
        supplier=Party(country=supplier),
        concerns=("KP",),
        refers_to=(refers,),
        evidence=EVIDENCE,
    )


def _names(engine: Engine, events: list[Event]) -> list[tuple[int, str, int | None]]:
    return [(m.index, m.name, m.record) for m in engine.run(scenario_facts(events, "t"))]


def _scenarios() -> list[list[Event]]:
    day = dt.date(2024, 3, 1)
    return [
        [_delivery(0, day), _notice(1, day + dt.timedelta(days=5), "d0")],  # notified in time
        [_delivery(0, day)],  # the same delivery, not notified: the record must not linger
        [_delivery(0, day), _notice(1, day + dt.timedelta(days=90), "d0")],  # notified late
        [_delivery(0, day, "CN"), _notice(1, day + dt.timedelta(days=5), "d0", "RU")],  # another State's
        [_delivery(0, day)],
    ]


def test_small_runs_in_one_engine_match_as_fresh_engines_do(book: Rulebook) -> None:
    """Small runs share one session, emptied after each: nothing of a run reaches the next."""
    shared = Engine(compile_rulebook(book))
    for events in _scenarios() * 2:
        assert len(scenario_facts(events, "t")) <= INLINE_FACTS
        fresh = Engine(compile_rulebook(book))
        assert _names(shared, events) == _names(fresh, events)
    assert shared._session is not None  # the session was kept, not rebuilt each time


def test_an_absent_notification_is_found_after_a_notified_run(book: Rulebook) -> None:
    engine = Engine(compile_rulebook(book))
    notified, alone = _scenarios()[:2]
    first = {name.split("#")[1].split("|")[0] for _, name, _ in _names(engine, notified) if "notification@" in name}
    second = {name.split("#")[1].split("|")[0] for _, name, _ in _names(engine, alone) if "notification@" in name}
    assert "duty-met-ref" in first and "duty-absent" not in first
    assert "duty-absent" in second and "duty-met-ref" not in second


def test_a_large_run_matches_as_its_parts_do_alone(book: Rulebook) -> None:
    """One run of many deliveries and notices (a worker thread, its own session) finds what each
    delivery with its own notice finds alone (small runs in the shared session)."""
    engine = Engine(compile_rulebook(book))
    day = dt.date(2024, 1, 1)
    groups: list[list[Event]] = []
    for g in range(15):
        i = 2 * g
        when = day + dt.timedelta(days=7 * g)
        delivery = _delivery(i, when, ["RU", "CN", "SG"][g % 3])
        late = g % 3 == 1
        notice = _notice(i + 1, when + dt.timedelta(days=60 if late else 4), f"d{i}", delivery.supplier.country)
        groups.append([delivery, notice] if g % 5 else [delivery])
    events = [e for group in groups for e in group]
    assert len(scenario_facts(events, "t")) > INLINE_FACTS
    whole = set(_names(engine, events))
    parts: set[tuple[int, str, int | None]] = set()
    offset = 0
    for group in groups:
        for i, name, r in _names(engine, group):
            parts.add((offset + i, name, None if r is None else offset + r))
        offset += len(group)
    assert whole == parts
    assert any("duty-late" in name for _, name, _ in whole) and any("duty-absent" in name for _, name, _ in whole)


def test_each_fact_goes_only_where_a_rule_can_match_it(book: Rulebook) -> None:
    compiled, rulesets = prepared_rulesets(book)
    engine = Engine(compiled, rulesets=rulesets)
    day = dt.date(2024, 3, 1)
    plain = Event(id="x", title="unrelated", kind=EventKind.TRANSFER, date=day, supplier=Party(country="FR"),
                  recipient=Party(country="DE"), evidence=EVIDENCE)  # fmt: skip
    targets = engine.rulesets_for(scenario_facts([plain, _delivery(1, day)], "t"))
    assert len(targets[0]) == 1  # only the ruleset that reports every event as seen
    assert 1 < len(targets[1]) < len(engine._rulesets)
    assert sorted(n for names in rulesets for n in names) == sorted(compiled.conditions)


def test_memoised_explanations_equal_fresh_ones(book: Rulebook) -> None:
    """explain() keeps the conditions of events showing the same facts; each must be what a
    fresh explanation of that very event gives (a fact read but not in the key would differ)."""
    from sanctionsengine import explain as ex
    from sanctionsengine.evaluation import load_lists
    from sanctionsengine.scenario import load_scenario
    from sanctionsengine.screening import Screener

    from .conftest import ARTICLE, UN_LIST, VESSELS_JSON

    loaded = load_scenario(ARTICLE, groups=list(book.groups.groups))
    screener = Screener(load_lists([UN_LIST], [VESSELS_JSON]), 90)
    day = dt.date(2024, 3, 1)
    events = [*loaded.scenario.events, _delivery(0, day), _delivery(1, day, "CN"), _notice(2, day, "d0")]
    ex._MEMO.clear()
    checked = 0
    for _ in range(2):  # the second pass is served from the memo
        for event in events:
            screening = screener.screen_event(event)
            for rule in book.rules:
                for version in rule.versions:
                    fresh = [*ex._explain_scope(book.groups, rule, version, event, screening),
                             ex._date_condition(version, event, None)]  # fmt: skip
                    assert ex.explain(book.groups, rule, version, event, None, screening) == fresh
                    checked += 1
    assert checked > 1000 and ex._MEMO
