"""What analysts know, said in the scenario, and what each gap does to the verdict.

Each test writes one small scenario the way an analyst would, judges it in-process against the
bundled rulebook (and, where screening matters, the UN 1718 lists in ../shared/data), and checks
the verdict the scenario format promises (docs/scenario.md):

- a party whose country is unknown is not taken for the DPRK and is screened by name only;
- a party's type narrows its name screening;
- a vessel with no name cannot be screened, and the event says so;
- suspected goods give a potential violation at most;
- a year, a month, a day give or take, or a window: judged by every version in force in it;
- a quantity in items (bottles, cars) gives a value per item; a bound does not;
- a quantity known only as a multiple of the cap is counted against the cap.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from sanctionsengine.errors import InputError
from sanctionsengine.evaluation import judge_scenario
from sanctionsengine.rulebook import Rulebook
from sanctionsengine.scenario import parse_scenario
from sanctionsengine.schemas import EXAMPLES, KNOWLEDGE, rule_schema, scenario_schema
from sanctionsengine.screening import ScreeningList, load_un_list, load_vessel_list
from sanctionsengine.verdicts import EventVerdict
from sanctionsengine.vocabulary import Unit, Verdict

from .conftest import ROOT, RULES, SCENARIOS, UN_LIST, VESSELS_JSON

LISTS: list[ScreeningList] = [load_un_list(UN_LIST), load_vessel_list(VESSELS_JSON)]
EVIDENCE = [{"source": "s", "quote": "q", "claimed_by": "the analyst", "confidence": "reported"}]


def _scenario(**event: Any) -> str:
    doc = {
        "scenario": {"id": "k", "title": "what analysts know"},
        "sources": [{"id": "s", "title": "notes", "language": "en", "url": "https://example.org/notes"}],
        "events": [{"id": "e", "title": "the event", "evidence": EVIDENCE, **event}],
    }
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


def _judge(book: Rulebook, lists: list[ScreeningList] | None = None, **event: Any) -> EventVerdict:
    loaded = parse_scenario(_scenario(**event), "k.yaml", groups=list(book.groups.groups))
    [verdict] = judge_scenario(book, loaded, lists=lists)
    return verdict


def _outcome(ev: EventVerdict, rule_id: str) -> Verdict:
    [finding] = [f for f in ev.findings if f.rule_id == rule_id]
    return finding.outcome


def _problems(**event: Any) -> str:
    with pytest.raises(InputError) as err:
        parse_scenario(_scenario(**event), "k.yaml")
    return "\n".join(err.value.diagnostics.lines())


TRUCKS = {"kind": "transfer", "supplier": {"country": "CN"}, "recipient": {"country": "KP"}}
TRUCK_GOODS = {"description": "trucks", "hs": ["8704"]}
VEHICLES = "dprk.supply.transportation-vehicles"  # 2397 OP7: vehicles to the DPRK from 2017-12-22
LUXURY = "dprk.luxury.supply"


# --- a party whose country is unknown ------------------------------------------------------------

KOMID = "Korea Mining Development Trading Corporation"


def test_an_unknown_country_is_not_taken_for_the_dprk_and_the_verdict_says_it_was_not_screened(
    book: Rulebook,
) -> None:
    ev = _judge(
        book,
        date="2019-05-01",
        kind="transfer",
        supplier={"country": "RU"},
        recipient={"country": "unknown", "name": KOMID},
        commodity={"description": "machine tools", "hs": ["8458"]},
    )
    assert ev.verdict == Verdict.OUT_OF_SCOPE
    assert "country is unknown is not taken for the DPRK" in ev.summary
    assert any("country of the recipient" in c and "not screened: no list was loaded" in c for c in ev.caveats)
    assert ev.recipient == f"{KOMID} (country unknown)"


def test_an_unknown_country_is_screened_by_name_only_and_a_listed_name_brings_the_event_in(book: Rulebook) -> None:
    ev = _judge(
        book,
        LISTS,
        date="2019-05-01",
        kind="transfer",
        supplier={"country": "RU"},
        recipient={"country": "unknown", "name": KOMID},
        commodity={"description": "machine tools", "hs": ["8458"]},
    )
    assert ev.verdict == Verdict.POTENTIAL_VIOLATION  # a name match is only ever possible
    assert any(m.reference == "KPe.001" and not m.definite for m in ev.screening)
    [caveat] = [c for c in ev.caveats if "country of the recipient" in c]
    assert "screened by name only against UN Security Council consolidated list" in caveat


def test_an_unknown_country_must_be_written_unknown_not_left_out() -> None:
    assert "country" in _problems(date="2019-05-01", kind="transfer", supplier={"name": "someone"})
    assert "unknown country code 'Unknown'" in _problems(
        date="2019-05-01", kind="transfer", supplier={"country": "Unknown"}
    )


# --- whether a named party is a person, an entity or a vessel ------------------------------------


@pytest.mark.parametrize(("kind", "matched"), [("entity", True), ("person", False), (None, True)])
def test_a_party_s_type_narrows_name_screening_to_that_kind(book: Rulebook, kind: str | None, matched: bool) -> None:
    party: dict[str, Any] = {"country": "KP", "name": KOMID}
    if kind:
        party["type"] = kind
    ev = _judge(
        book,
        LISTS,
        date="2019-05-01",
        kind="financial",
        supplier={"country": "CN"},
        recipient=party,
    )
    assert any(m.reference == "KPe.001" for m in ev.screening) is matched
    if kind:
        assert any(f"reported as {'an' if kind == 'entity' else 'a'} {kind}" in c for c in ev.caveats)


def test_a_party_of_type_vessel_is_screened_against_the_vessels_list(book: Rulebook) -> None:
    ev = _judge(
        book,
        LISTS,
        date="2021-01-01",
        kind="service",
        supplier={"country": "CN"},
        recipient={"country": "KP", "name": "Chon Ma San", "type": "vessel", "imo": "8660313"},
    )
    assert next((m.method, m.definite) for m in ev.screening if m.reference == "IMO 8660313") == ("imo", True)
    assert ev.verdict == Verdict.VIOLATION


def test_a_type_that_contradicts_the_un_reference_is_refused() -> None:
    assert "KPe.001 is a listed entity" in _problems(
        date="2019-05-01", kind="financial", recipient={"country": "KP", "type": "person", "un_reference": "KPe.001"}
    )
    assert "'imo' belongs to a party of type vessel" in _problems(
        date="2019-05-01", kind="financial", recipient={"country": "KP", "imo": "8660313"}
    )


# --- a vessel with no name -----------------------------------------------------------------------


def test_an_unnamed_side_of_a_ship_to_ship_transfer_is_said_to_be_unscreened(book: Rulebook) -> None:
    ev = _judge(
        book,
        LISTS,
        date="2019-05-01",
        kind="transfer",
        supplier={"country": "CN"},
        recipient={"country": "KP"},
        commodity={"description": "diesel", "hs": ["271019"]},
        quantity={"value": 1000, "unit": "barrel"},
        flags=["ship-to-ship"],
        vessels=[{"name": "Chon Ma San", "imo": "8660313", "role": "receiving vessel"}, {"role": "delivering vessel"}],
    )
    [caveat] = [c for c in ev.caveats if "no name or IMO" in c]
    assert caveat.startswith("vessel 2 (delivering vessel)") and "whether it is designated is not known" in caveat
    assert [m.role for m in ev.screening] == ["vessel"]  # only the named one could be screened
    assert ev.verdict == Verdict.VIOLATION  # the named side decides: a designated tanker


# --- goods suspected, not established ------------------------------------------------------------


@pytest.mark.parametrize(("suspected", "verdict"), [(False, Verdict.VIOLATION), (True, Verdict.POTENTIAL_VIOLATION)])
def test_suspected_goods_are_at_most_a_potential_violation(book: Rulebook, suspected: bool, verdict: Verdict) -> None:
    ev = _judge(
        book,
        date="2018-06-01",
        **TRUCKS,
        commodity={**TRUCK_GOODS, "suspected": suspected},
    )
    assert ev.verdict == verdict
    assert _outcome(ev, VEHICLES) == verdict
    if suspected:
        [finding] = [f for f in ev.findings if f.rule_id == VEHICLES]
        assert "that the goods are what they are suspected to be" in finding.missing
        assert "the goods are suspected, not established" in ev.summary
        assert any("suspected, not established" in c for c in ev.caveats)
    else:
        assert not ev.caveats


# --- an approximate date, a year, a month, a window ----------------------------------------------


@pytest.mark.parametrize(
    ("sometime", "verdict", "mixed"),
    [
        ({"year": 2018}, Verdict.VIOLATION, False),  # OP7 in force on every day of 2018
        ({"month": "2017-12"}, Verdict.POTENTIAL_VIOLATION, True),  # in force from the 22nd only
        ({"around": "2017-12-25", "days": 2}, Verdict.VIOLATION, False),  # 23 to 27 December
        ({"around": "2017-12-21", "days": 3}, Verdict.POTENTIAL_VIOLATION, True),
        ({"from": "2017-01-01", "to": "2017-12-21"}, Verdict.NOT_PROHIBITED, False),  # before OP7
    ],
)
def test_an_uncertain_date_is_judged_by_every_version_in_force_in_its_window(
    book: Rulebook, sometime: dict[str, Any], verdict: Verdict, mixed: bool
) -> None:
    ev = _judge(book, sometime=sometime, **TRUCKS, commodity=TRUCK_GOODS)
    findings = [f for f in ev.findings if f.rule_id == VEHICLES]
    if verdict == Verdict.NOT_PROHIBITED:
        assert not findings
        return
    [finding] = findings
    assert finding.outcome == verdict
    [reason] = [r for r in finding.reasons if r.startswith("the date is known only as")]
    assert ("the outcome depends on the day" in reason) is mixed
    assert ("the exact date" in finding.missing) is mixed
    assert any(c.startswith("the date is known only as") for c in ev.caveats)


def test_a_window_across_versions_of_a_measure_weighs_each(book: Rulebook) -> None:
    # a luxury car: banned on every day from 2094 Annex IV (7 March 2013) on, by three versions in turn
    event: dict[str, Any] = {
        "kind": "transfer",
        "supplier": {"country": "RU"},
        "recipient": {"country": "KP"},
        "commodity": {"description": "a limousine", "hs": ["8703"]},
        "quantity": {"value": 1, "unit": "cars"},
    }
    ev = _judge(book, sometime={"from": "2014-01-01", "to": "2018-12-31"}, **event)
    [luxury] = [f for f in ev.findings if f.rule_id == LUXURY]
    [reason] = [r for r in luxury.reasons if r.startswith("the date is known only as")]
    assert "every day of it gives the same outcome" in reason
    assert all(f"version {v} (" in reason for v in ("2094", "2270", "2321"))
    assert luxury.outcome == Verdict.VIOLATION
    # the vehicles ban (from 2017-12-22) holds on some days only
    assert _outcome(ev, VEHICLES) == Verdict.POTENTIAL_VIOLATION
    assert ev.verdict == Verdict.VIOLATION
    # before the annex named cars, a car was luxury only if classified so: some days are not covered
    earlier = _judge(book, sometime={"from": "2012-01-01", "to": "2014-12-31"}, **event)
    [luxury] = [f for f in earlier.findings if f.rule_id == LUXURY]
    assert luxury.outcome == Verdict.POTENTIAL_VIOLATION
    assert any(
        "2012-01-01 to 2013-03-06 (no version of this measure reaches it then): not prohibited" in r
        for r in luxury.reasons
    )
    assert earlier.verdict == Verdict.POTENTIAL_VIOLATION


def test_an_uncertain_date_takes_exactly_one_form() -> None:
    assert "not year and month" in _problems(sometime={"year": 2017, "month": "2017-10"}, **TRUCKS)
    assert "'around' and 'days' go together" in _problems(sometime={"around": "2017-10-15"}, **TRUCKS)
    assert "one of 'date' (a day), 'period'" in _problems(date="2017-10-15", sometime={"year": 2017}, **TRUCKS)
    assert "the window ends" in _problems(sometime={"from": "2017-10-15", "to": "2017-10-01"}, **TRUCKS)
    assert "runs off the calendar" in _problems(sometime={"around": "9999-12-30", "days": 5}, **TRUCKS)
    assert "expected a month as YYYY-MM" in _problems(sometime={"month": "2017-13"}, **TRUCKS)


# --- a quantity in items, and a quantity known only as a bound -----------------------------------

RUGS = {"kind": "transfer", "supplier": {"country": "CN"}, "recipient": {"country": "KP"}}
RUG_GOODS = {"description": "hand-knotted rugs", "hs": ["5701"]}


@pytest.mark.parametrize(
    ("quantity", "total", "verdict"),
    [
        ({"value": 10, "unit": "items"}, 6000, Verdict.VIOLATION),  # 600 a rug, above the $500 line
        ({"value": 10, "unit": "items"}, 4000, Verdict.NOT_PROHIBITED),  # 400 a rug
        ({"value": 10, "unit": "items", "qualifier": "at-least"}, 6000, Verdict.POTENTIAL_VIOLATION),
        ({"value": 10, "unit": "items", "qualifier": "at-most"}, 6000, Verdict.POTENTIAL_VIOLATION),
    ],
)
def test_a_count_of_items_gives_a_value_per_item_and_a_bounded_count_does_not(
    book: Rulebook, quantity: dict[str, Any], total: int, verdict: Verdict
) -> None:
    ev = _judge(
        book,
        date="2018-06-01",
        **RUGS,
        commodity=RUG_GOODS,
        quantity=quantity,
        value={"amount": total, "currency": "USD"},
    )
    assert ev.verdict == verdict
    if verdict == Verdict.POTENTIAL_VIOLATION:
        [finding] = [f for f in ev.findings if f.rule_id == LUXURY]
        assert finding.missing == ["value"]
        assert any(c.startswith("the quantity is known only as at ") for c in ev.caveats)


def test_bottles_and_cars_are_counts_of_items() -> None:
    text = _scenario(
        date="2018-06-01",
        **RUGS,
        commodity={"description": "cognac", "hs": ["2208"]},
        quantity={"value": 120, "unit": "bottles"},
        value={"amount": 24000, "currency": "USD"},
    )
    [event] = parse_scenario(text, "k.yaml").scenario.events
    assert event.quantity is not None and event.quantity.unit == Unit.BOTTLE
    assert event.value_per_item == 200
    assert str(event.quantity) == "120 bottles"
    cars = _scenario(date="2018-06-01", **RUGS, quantity={"value": 2, "unit": "cars"})
    assert parse_scenario(cars, "k.yaml").scenario.events[0].quantity.unit == Unit.VEHICLE  # type: ignore[union-attr]


OIL = {"kind": "transfer", "supplier": {"country": "RU"}, "recipient": {"country": "KP"}}
OIL_GOODS = {"description": "diesel", "hs": ["271019"]}
CAP = "dprk.oil.refined-petroleum"


@pytest.mark.parametrize(
    ("quantity", "verdict"),
    [
        ({"times_cap": 2, "qualifier": "at-least", "note": "several times the cap"}, Verdict.VIOLATION),
        ({"times_cap": 2, "qualifier": "at-most"}, Verdict.POTENTIAL_VIOLATION),  # the excess rests on a maximum
        ({"times_cap": 0.5, "qualifier": "at-most"}, Verdict.NOT_PROHIBITED),
    ],
)
def test_several_times_the_cap_is_counted_against_the_cap(
    book: Rulebook, quantity: dict[str, Any], verdict: Verdict
) -> None:
    ev = _judge(book, date="2024-04-01", **OIL, commodity=OIL_GOODS, quantity=quantity)
    [finding] = [f for f in ev.findings if f.rule_id == CAP]
    assert finding.outcome == verdict
    assert finding.computation is not None and finding.computation.quantity == quantity["times_cap"] * 500_000
    assert any(r.startswith("the report gives the quantity only as") for r in finding.reasons)
    assert any("times the cap in force" in c for c in ev.caveats)


def _judge_all(book: Rulebook, *events: dict[str, Any]) -> list[EventVerdict]:
    doc = yaml.safe_load(_scenario())
    doc["events"] = [{"title": e["id"], "evidence": EVIDENCE, **e} for e in events]
    doc = json.loads(json.dumps(doc))  # no shared objects, so no YAML aliases (which are refused)
    loaded = parse_scenario(yaml.safe_dump(doc), "k.yaml", groups=list(book.groups.groups))
    return judge_scenario(book, loaded)


@pytest.mark.parametrize(("suspected", "verdict"), [(True, Verdict.POTENTIAL_VIOLATION), (False, Verdict.VIOLATION)])
def test_a_cap_crossed_only_through_suspected_deliveries_is_potential(
    book: Rulebook, suspected: bool, verdict: Verdict
) -> None:
    march, april = _judge_all(
        book,
        {
            "id": "march",
            "date": "2024-03-10",
            **OIL,
            "commodity": {**OIL_GOODS, "suspected": suspected},
            "quantity": {"value": 400000, "unit": "barrel"},
        },
        {
            "id": "april",
            "date": "2024-04-10",
            **OIL,
            "commodity": OIL_GOODS,
            "quantity": {"value": 200000, "unit": "barrel"},
        },
    )
    assert _outcome(march, CAP) == Verdict.NOT_PROHIBITED  # 400,000 of 500,000
    assert _outcome(april, CAP) == verdict  # 600,000, of which 400,000 only suspected
    [finding] = [f for f in april.findings if f.rule_id == CAP]
    assert any("rests on deliveries whose goods are only suspected" in r for r in finding.reasons) is suspected


def test_a_multiple_of_the_cap_goes_without_a_value_or_unit() -> None:
    assert "not both" in _problems(
        date="2024-04-01", **OIL, quantity={"times_cap": 2, "value": 10, "unit": "barrel", "qualifier": "at-least"}
    )


def test_what_the_scenario_says_it_knows_reads_back_as_written() -> None:
    text = textwrap.dedent(
        """\
        scenario: {id: k, title: t}
        sources: [{id: s, title: notes, language: en, url: "https://example.org"}]
        events:
          - id: e
            title: t
            kind: transfer
            sometime: {around: 2017-10-15, days: 10}
            supplier: {country: unknown, name: Someone, type: person}
            recipient: {country: KP}
            commodity: {description: suspected oil, hs: ["2709"], suspected: true}
            quantity: {value: 100000, unit: tonne, qualifier: at-least}
            vessels: [{role: receiving vessel}]
            evidence: [{source: s, quote: q, claimed_by: x, confidence: alleged}]
        """
    )
    [event] = parse_scenario(text, "k.yaml").scenario.events
    assert event.when == "around 2017-10-15 (±10 days: 2017-10-05 to 2017-10-25)"
    assert event.date_uncertain and event.countries == {"KP"}
    assert str(event.supplier) == "Someone (country unknown)"
    assert not event.vessels[0].identified and str(event.vessels[0]) == "an unnamed vessel (receiving vessel)"
    assert event.commodity is not None and event.commodity.suspected


# --- docs/scenario.md and the JSON Schemas -------------------------------------------------------

DOCS = ROOT / "docs"


def _as_json(path: Path) -> Any:
    """A YAML file as JSON sees it (dates as text), the way an editor's schema check sees it."""
    return json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))


@pytest.mark.parametrize("title", [t for t, _ in EXAMPLES])
def test_every_example_of_the_reference_is_a_valid_event(book: Rulebook, title: str) -> None:
    text = dict(EXAMPLES)[title]
    assert text in (DOCS / "scenario.md").read_text(encoding="utf-8")
    doc = {
        "scenario": {"id": "x", "title": "x"},
        "sources": [{"id": "panel", "title": "p", "language": "en", "url": "https://example.org"}],
        "events": yaml.safe_load(text),
    }
    exemptions = [r.id for r in book.rules if r.kind == "exemption"]
    loaded = parse_scenario(yaml.safe_dump(doc), "x.yaml", groups=list(book.groups.groups), exemptions=exemptions)
    [verdict] = judge_scenario(book, loaded, lists=LISTS)
    assert verdict.verdict in set(Verdict)


def test_the_reference_names_every_field_and_every_gap_an_analyst_may_leave() -> None:
    reference = (DOCS / "scenario.md").read_text(encoding="utf-8")
    schema = json.loads(scenario_schema())
    for name, node in schema["$defs"].items():
        assert f"### {name}" in reference
        for field, prop in node.get("properties", {}).items():
            assert f"| `{field}` |" in reference, (name, field)
            assert prop.get("description") or "$ref" in prop or "anyOf" in prop, f"{name}.{field} has no meaning"
    for what, _, effect in KNOWLEDGE:
        assert what in reference and effect.split(";")[0] in reference


def test_the_scenario_schema_accepts_every_scenario_of_the_project_and_catches_a_typo() -> None:
    schema = json.loads(scenario_schema())
    for path in sorted(SCENARIOS.glob("*.yaml")):
        jsonschema.validate(_as_json(path), schema)
    article = _as_json(SCENARIOS / "pyongyang-visit-2024.yaml")
    article["events"][0]["suplier"] = article["events"][0].pop("supplier")
    with pytest.raises(jsonschema.ValidationError, match="suplier"):
        jsonschema.validate(article, schema)
    article["events"][0]["supplier"] = {"country": "Russia"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(article, schema)


def test_the_rule_schema_accepts_every_file_of_the_rulebook() -> None:
    schema = json.loads(rule_schema())
    files = sorted(p for p in RULES.rglob("*.yaml") if "tests" not in p.relative_to(RULES).parts)  # law tests
    assert len(files) > 10
    for path in files:
        jsonschema.validate(_as_json(path), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"family": "arms", "title": "t", "rules": [{"id": "x", "titel": "typo"}]}, schema)


@pytest.mark.parametrize("render", [scenario_schema, rule_schema])
def test_the_schemas_are_draft_7_as_yaml_language_server_reads(render: Any) -> None:
    schema = json.loads(render())
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(schema)
    later = {"prefixItems", "unevaluatedProperties", "unevaluatedItems", "dependentRequired", "$dynamicRef"}
    assert not later & set(_keys(schema))


def _keys(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [*node, *(k for v in node.values() for k in _keys(v))]
    if isinstance(node, list):
        return [k for v in node for k in _keys(v)]
    return []


def test_the_committed_schemas_are_the_generated_ones() -> None:
    assert (DOCS / "scenario.schema.json").read_text(encoding="utf-8") == scenario_schema()
    assert (DOCS / "rule.schema.json").read_text(encoding="utf-8") == rule_schema()
