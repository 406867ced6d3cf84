"""durable-rules' pitfalls (DESIGN.md), each owned by engine.py and pinned by a test here."""

from __future__ import annotations

import dataclasses
import inspect
import json
import sys
import time
from datetime import date

import pytest

from sanctionsengine.alphanet import SAFE_STACK, STACK_LIMIT, AlphaNetwork, split
from sanctionsengine.compile import MARKER, RECORD_MARKER, SEEN, compile_rulebook, event_fact
from sanctionsengine.engine import Engine, _durable
from sanctionsengine.errors import EngineFailure, EngineTimeout, EngineUnavailable
from sanctionsengine.rulebook import Rulebook, load_rulebook
from sanctionsengine.scenario import Commodity, Event, Evidence, Party
from sanctionsengine.vocabulary import Confidence, EventKind, Flag

from .conftest import exit_code_in_child

EVIDENCE = (Evidence(source="s", quote="q", claimed_by="t", confidence=Confidence.CONFIRMED),)


def _event(eid: str, supplier: str, recipient: str, hs: str | None, day: date = date(2024, 2, 18)) -> Event:
    return Event(
        id=eid,
        title=eid,
        kind=EventKind.TRANSFER,
        date=day,
        supplier=Party(country=supplier),
        recipient=Party(country=recipient),
        commodity=Commodity(description="goods", hs=(hs,)) if hs else None,
        evidence=EVIDENCE,
    )


def _matched_rules(engine: Engine, events: list[Event]) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    for m in engine.run([event_fact(e, i, "t") for i, e in enumerate(events)]):
        out.setdefault(m.index, set()).add(engine.compiled.entries[m.name].rule_id)
    return out


def test_state_document_loop_is_stopped_with_a_clear_error(book: Rulebook) -> None:
    """A rule testing mere presence matches the state document and would re-fire forever."""
    compiled = compile_rulebook(book)
    looping = {"loop": {"all": [{"m": {"$ex": {"id": 1}}}]}}
    engine = Engine(compiled, timeout=20, _conditions=looping)
    started = time.monotonic()
    with pytest.raises(EngineFailure, match="re-firing"):
        engine.run([event_fact(_event("e", "RU", "KP", "8703"), 0, "t")])
    assert time.monotonic() - started < 15


def test_a_run_past_its_deadline_raises_engine_timeout(book: Rulebook) -> None:
    compiled = compile_rulebook(book)
    looping = {"loop": {"all": [{"m": {"$ex": {"id": 1}}}]}}
    engine = Engine(compiled, timeout=1, max_matches=10**12, _conditions=looping)
    with pytest.raises(EngineTimeout):
        engine.run([event_fact(_event("e", "RU", "KP", "8703"), 0, "t")])
    with pytest.raises(EngineFailure, match="stopped by an earlier failed run"):
        engine.run([])


def test_every_compiled_rule_tests_the_event_marker(book: Rulebook) -> None:
    compiled = compile_rulebook(book)
    for name, cond in compiled.conditions.items():
        for binding in cond["all"]:
            for expr in binding.values():
                terms = expr.get("$and", [expr])
                assert {MARKER: 1} in terms or {RECORD_MARKER: 1} in terms, name


def test_one_event_matching_several_rules_gets_every_finding(book: Rulebook) -> None:
    """Posted events go to the first matching rule only; facts reach all of them."""
    engine = Engine(compile_rulebook(book))
    matched = _matched_rules(engine, [_event("aurus", "RU", "KP", "8703")])
    assert {"dprk.luxury.supply", "dprk.supply.transportation-vehicles", SEEN} <= matched[0]


def test_runs_do_not_share_state_and_ids_never_collide(book: Rulebook) -> None:
    engine = Engine(compile_rulebook(book))
    events = [_event("a", "RU", "KP", "8703"), _event("b", "KP", "RU", "9306")]
    first, second = _matched_rules(engine, events), _matched_rules(engine, events)
    assert first == second
    assert "dprk.arms.export" in first[1]


def test_an_event_no_rule_matches_does_not_abort_the_batch(book: Rulebook) -> None:
    """An unmatched message raises in durable and aborts a batch; the catch-all rule prevents it."""
    engine = Engine(compile_rulebook(book))
    events = [_event("none", "KR", "UA", "9306"), _event("car", "RU", "KP", "8703"), _event("none2", "JP", "UA", None)]
    matched = _matched_rules(engine, events)
    assert matched[0] == {SEEN} and matched[2] == {SEEN}
    assert "dprk.luxury.supply" in matched[1]


def test_facts_asserted_one_by_one_match_as_a_batch_does(book: Rulebook) -> None:
    """The benchmarks' baseline (one assert per event) must measure the same work."""
    engine = Engine(compile_rulebook(book))
    events = [_event("none", "KR", "UA", "9306"), _event("car", "RU", "KP", "8703"), _event("gun", "KP", "RU", "9306")]
    facts = [event_fact(e, i, "t") for i, e in enumerate(events)]
    batched = sorted((m.index, m.name) for m in engine.run(facts))
    single = sorted((m.index, m.name) for m in engine.run(facts, one_by_one=True))
    assert single == batched and any(engine.compiled.entries[n].rule_id == "dprk.arms.export" for _, n in single)


def test_actions_take_one_parameter_so_they_run_synchronously(book: Rulebook) -> None:
    engine = Engine(compile_rulebook(book))
    assert len(engine._rulesets) > 1
    for name in engine._rulesets:
        for promise in engine._host.get_ruleset(name)._actions.values():
            assert promise._sync and len(inspect.signature(promise._func).parameters) == 1


def test_several_rulebooks_can_run_side_by_side(book: Rulebook) -> None:
    """A ruleset declared after its host exists is never registered: each engine builds its own host."""
    by_2017 = Engine(compile_rulebook(book, as_of=date(2017, 6, 1)))
    by_2024 = Engine(compile_rulebook(book, as_of=date(2024, 6, 1)))
    event = [_event("car", "RU", "KP", "8703", date(2024, 2, 18))]
    assert "dprk.supply.transportation-vehicles" not in _matched_rules(by_2017, event)[0]
    assert "dprk.supply.transportation-vehicles" in _matched_rules(by_2024, event)[0]


def test_no_condition_uses_the_regular_expression_matcher(book: Rulebook) -> None:
    """durable's `matches` silently misses alternatives of long patterns: sets are spelled out instead."""
    compiled = compile_rulebook(book)
    assert "$mt" not in str(compiled.conditions)


def test_no_alternative_reaches_durable(book: Rulebook) -> None:
    """Each `$or` adds an always-walked node to durable's alpha network (and durable refuses one
    holding many nested groups): alternatives are compiled as separate rules instead."""
    compiled = compile_rulebook(book)
    assert "$or" not in json.dumps(compiled.conditions)
    assert {e.rule_id for e in compiled.entries.values()} >= {r.id for r in book.rules if r.kind != "exemption"}


def test_rulesets_are_small_enough_for_durables_alpha_stack(book: Rulebook) -> None:
    compiled = compile_rulebook(book)
    groups = split(compiled.conditions)
    assert sorted(n for g in groups for n in g) == sorted(compiled.conditions)
    for group in groups:
        net = AlphaNetwork()
        assert all(net.try_add(n, compiled.conditions[n]) for n in group)
        assert net.worst_stack <= SAFE_STACK < STACK_LIMIT
    assert split(dict(reversed(compiled.conditions.items()))) == groups  # independent of order


def test_the_worst_walk_is_modelled_as_durable_walks() -> None:
    """A node with five children keeps four waiting while the first is explored."""
    net = AlphaNetwork()
    for n in range(5):
        assert net.try_add(f"r{n}", {"all": [{"m": {"$and": [{"se_event": 1}, {f"k{n}": 1}, {"a": 1}, {"b": n}]}}]})
    assert net.worst_stack == 5  # root -> marker (1) -> five children (5): nothing deeper branches
    net.try_add("r5", {"all": [{"m": {"$and": [{"se_event": 1}, {"k0": 1}, {"a": 1}, {"b": 99}]}}]})
    assert net.worst_stack == 6  # four waiting siblings + two children of the deepest branch


def test_an_event_with_every_key_and_a_quadrupled_rulebook_runs(book: Rulebook) -> None:
    """The case that overflowed durable's 64-node stack (error 303, then a crash in delete_state):
    an event with every kind, flag and many goods, against four copies of every rule. It runs in a
    child process, so that a regression fails this test instead of killing the test run."""
    assert exit_code_in_child(_every_key_against_four_copies, str(book.root)) == 0


def _every_key_against_four_copies(root: str) -> None:
    book = load_rulebook(root)
    rules = tuple(r.model_copy(update={"id": f"{r.id}-copy{n}"}) for n in range(4) for r in book.rules)
    engine = Engine(compile_rulebook(dataclasses.replace(book, rules=rules)))
    kinds = ("cooperation", "employment", "financial", "joint-venture", "service", "training", "transfer")
    event = Event(
        id="everything",
        title="everything",
        kind=EventKind.OFFER,
        offered=tuple(EventKind(k) for k in kinds),
        date=date(2024, 1, 1),
        supplier=Party(country="KP"),
        recipient=Party(country="KP"),
        commodity=Commodity(
            description="g",
            hs=("2710", "2709", "8703", "2701", "0303", "6109", "7108", "8901", "8802", "2601"),
            categories=tuple(sorted(book.groups.groups)[:40]),
        ),
        flags=tuple(Flag),
        evidence=EVIDENCE,
    )
    matched = _matched_rules(engine, [event])[0]
    assert "dprk.oil.refined-petroleum-copy3" in matched and "dprk.export.coal-iron-copy0" in matched


def test_missing_durable_names_the_remedy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "durable", None)
    with pytest.raises(EngineUnavailable) as err:
        _durable()
    assert "C compiler" in str(err.value) and "CPPFLAGS=-DPyEval_CallObject=PyObject_CallObject" in str(err.value)


def test_facts_stay_under_durables_property_limit(book: Rulebook) -> None:
    event = _event("many", "RU", "KP", "8703")
    fact = event_fact(event, 0, "t")
    assert len(fact) < 255
