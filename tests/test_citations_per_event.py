"""Every finding cites only what applies to its event (issue 13, item 1).

Over every finding of every scenario in scenarios/ and of every law test in rules/un-dprk/tests/:
- no paragraph cited was adopted after the event's date (nor, under the law as it stood on a
  day, after that day);
- no paragraph that defines a list of goods (an annex: 2094 Annex IV, the 2270 OP39 annex, 2321
  Annex IV) is cited for goods that list does not name;
- a designated-vessel finding cites, of the paragraphs the vessel list applies vessel by vessel,
  only those the matched vessel's own listing applies.

The facts checked against come from outside the mechanism under test: adoption dates from the
rulebook's table of resolutions, the lists' paragraphs from the commodity groups' own sources,
and the listing's paragraphs from the vessel list's column headings.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from sanctionsengine.evaluation import judge_scenario
from sanctionsengine.rulebook import load_rulebook
from sanctionsengine.rules import RelatedCitation
from sanctionsengine.scenario import Event, load_scenario
from sanctionsengine.screening import load_un_list, load_vessel_list
from sanctionsengine.testing.cases import (
    Boundary,
    CaseEvent,
    evaluate_case_event,
    law_test_files,
    load_law_tests,
)
from sanctionsengine.verdicts import EventVerdict
from sanctionsengine.vocabulary import EventKind, PartyScope

from .conftest import DATA, RULES, SCENARIOS, VESSELS_JSON

BOOK = load_rulebook(RULES)
LISTS = [load_un_list(DATA / "un-1718" / "dprk-1718-list.xml"), load_vessel_list(VESSELS_JSON)]

_CITATION = re.compile(r"^S/RES/(?P<res>\d+) \((?P<year>\d{4})\) (?P<op>OP[0-9a-z()]+)(?:, (?P<annex>Annex [IVX]+))?$")


def _parse(text: str) -> tuple[int, str, str | None]:
    m = _CITATION.match(text)
    assert m, f"not a citation: {text!r}"
    return int(m["res"]), m["op"], m["annex"]


def _adopted(text: str) -> dt.date:
    number, _, _ = _parse(text)
    return BOOK.resolutions[number].adopted


def _annex_lists() -> dict[tuple[int, str], str]:
    """(resolution, paragraph) → the group that paragraph's list of goods defines, read from the
    groups' own sources ("S/RES/2094 (2013) OP23 and Annex IV text")."""
    out = {}
    for gid, group in BOOK.groups.groups.items():
        m = re.match(r"^S/RES/(\d+) \(\d{4}\) (OP\d+)", group.source)
        if group.title.startswith("S/RES/") and group.includes and m:
            out[(int(m[1]), m[2])] = gid
    return out


ANNEX_LISTS = _annex_lists()


def _listing_paragraphs() -> dict[str, set[tuple[int, str]]]:
    """Vessel-list column → the paragraphs its heading names ("Paragraph 12 (d) of resolution 2321 (2016)")."""
    meta = json.loads(VESSELS_JSON.read_text(encoding="utf-8"))["meta"]["measure_columns"]
    out = {}
    for column, heading in meta.items():
        found = re.findall(r"[Pp]aragraph (\d+) ?(\([a-z]\))? of resolution (\d+)", heading)
        out[column] = {(int(res), f"OP{n}{sub}") for n, sub, res in found}
    return out


LISTING = _listing_paragraphs()
# What a column applies beyond the paragraphs its heading names: 2321 OP12(d) subjects the vessel
# to the 1718 OP8(d) freeze; a vessel an OMM (KPe.020) resource is frozen as a designated entity's
# economic resource (1718 OP8(d), with 2270 OP12: vessels are economic resources).
LISTING["para_12d_2321"] |= {(1718, "OP8(d)")}
LISTING.setdefault("omm_economic_resource_KPe020", set()).update({(1718, "OP8(d)"), (2270, "OP12")})
LISTED_PARAGRAPHS = set().union(*LISTING.values())


def _scenario_runs() -> Iterator[tuple[str, Event, EventVerdict, dt.date | None]]:
    for path in sorted(SCENARIOS.glob("*.yaml")):
        loaded = load_scenario(path)
        for event, verdict in zip(loaded.scenario.events, judge_scenario(BOOK, loaded, lists=LISTS), strict=True):
            yield f"{path.name}:{event.id}", event, verdict, None


def _law_runs() -> Iterator[tuple[str, Event, EventVerdict, dt.date | None]]:
    for path in law_test_files(RULES):
        parsed, _ = load_law_tests(path)
        for rc in parsed.cases:
            for case in (*rc.positive, *rc.negative, *rc.boundary):
                label = f"{path.name}:{rc.rule}:{case.name}"
                if isinstance(case, Boundary):
                    for day in (case.date - timedelta(days=1), case.date):
                        event = case.event.to_event("case", day)
                        run = evaluate_case_event(BOOK, rc.rule, case.name, event, case.as_of, lists=LISTS)
                        yield f"{label} ({day})", event, run.verdict, case.as_of
                else:
                    event = case.event.to_event("case")
                    run = evaluate_case_event(BOOK, rc.rule, case.name, event, case.as_of, case.with_events, LISTS)
                    yield label, event, run.verdict, case.as_of


RUNS = [*_scenario_runs(), *_law_runs()]
FINDINGS = [(label, event, verdict, as_of, f) for label, event, verdict, as_of in RUNS for f in verdict.findings]


def test_the_runs_cover_the_cases_that_matter() -> None:
    """The checks below are only as good as what they range over: findings with related
    paragraphs, annex citations and designated vessels must all be among them."""
    assert len(FINDINGS) > 300
    assert any(f.related for *_, f in FINDINGS)
    assert any(_parse(c)[:2] in ANNEX_LISTS for *_, f in FINDINGS for c in f.related)
    assert any(f.rule_id.startswith("dprk.designated.vessel") and f.related for *_, f in FINDINGS)


def test_no_finding_cites_a_paragraph_adopted_after_the_event() -> None:
    late = [
        f"{label}: {f.rule_id} cites {c} (adopted {_adopted(c)}) for conduct ending {event.end}"
        + (f", law as of {as_of}" if as_of else "")
        for label, event, _, as_of, f in FINDINGS
        for c in (f.citation, *f.related)
        if _adopted(c) > event.end or (as_of is not None and _adopted(c) > as_of)
    ]
    assert not late, "\n".join(late)


def test_no_finding_cites_an_annex_that_does_not_name_the_goods() -> None:
    wrong = []
    for label, event, _, _, f in FINDINGS:
        goods = event.commodity
        groups = set(BOOK.groups.covering(goods.hs, goods.categories)) if goods else set()
        for c in (f.citation, *f.related):
            number, paragraph, _ = _parse(c)
            listed = ANNEX_LISTS.get((number, paragraph))
            if listed is not None and listed not in groups:
                wrong.append(f"{label}: {f.rule_id} cites {c}, whose list ({listed}) does not name these goods")
    assert not wrong, "\n".join(wrong)


def test_designated_vessel_findings_cite_only_the_listings_measures() -> None:
    wrong = []
    for label, _, verdict, _, f in FINDINGS:
        version = BOOK.rule(f.rule_id).version(f.version)
        if PartyScope.DESIGNATED_VESSEL not in version.scope.parties:
            continue
        applied = {p for m in verdict.screening if m.in_force for x in m.measures for p in LISTING.get(x.column, ())}
        for c in f.related:
            paragraph = _parse(c)[:2]
            if paragraph in LISTED_PARAGRAPHS and paragraph not in applied:
                wrong.append(f"{label}: {f.rule_id} cites {c}, which the matched vessel's listing does not apply")
    assert not wrong, "\n".join(wrong)


def _findings(**event: object) -> dict[str, list[str]]:
    e = CaseEvent.model_validate(event).to_event("e")
    run = evaluate_case_event(BOOK, "dprk.luxury.supply", "t", e, lists=LISTS)
    return {f.rule_id: [f.citation, *f.related] for f in run.verdict.findings}


def test_a_car_cites_the_annex_that_names_it_and_no_other() -> None:
    cited = _findings(kind="transfer", date="2024-02-18", supplier="RU", recipient="KP", hs=["8703"])
    assert cited["dprk.luxury.supply"] == [
        "S/RES/1718 (2006) OP8(a)(iii)",
        "S/RES/2094 (2013) OP23, Annex IV",
    ]
    assert "dprk.supply.transportation-vehicles" in cited  # 2397 OP7, in a finding of its own
    assert cited["dprk.supply.transportation-vehicles"][0] == "S/RES/2397 (2017) OP7"


def test_a_rug_cites_2321_annex_iv_only() -> None:
    cited = _findings(kind="transfer", date="2018-05-01", supplier="IR", recipient="KP", hs=["5701"], value_usd=800)
    assert cited["dprk.luxury.supply"] == ["S/RES/1718 (2006) OP8(a)(iii)", "S/RES/2321 (2016) OP5, Annex IV"]


@pytest.mark.parametrize("day", ["2017-10-15", "2017-12-21", "2018-01-15"])
def test_a_ship_to_ship_transfer_does_not_cite_the_port_states_duty_to_impound(day: str) -> None:
    cited = _findings(
        kind="transfer",
        date=day,
        supplier="CN",
        recipient="KP",
        hs=["2710"],
        quantity={"value": 1000, "unit": "barrel"},
        flags=["ship-to-ship", "dprk-flagged-vessel"],
    )
    assert cited["dprk.maritime.ship-to-ship"] == ["S/RES/2375 (2017) OP11"]
    assert not any("S/RES/2397 (2017) OP9" in c for cs in cited.values() for c in cs)


def test_a_designated_vessel_cites_only_what_its_listing_applies() -> None:
    # CHON MA SAN (IMO 8660313): the list applies 2321 OP12(d) and 2371/2375 OP6, not 2321 OP12(a)
    # (de-flagging) nor the 1718 OP8(d) / 2270 OP12 column
    e = CaseEvent.model_validate(
        {
            "kind": "transfer",
            "date": "2019-02-01",
            "supplier": "RU",
            "recipient": "KP",
            "hs": ["2710"],
            "quantity": {"value": 1000, "unit": "barrel"},
            "vessels": [{"name": "CHON MA SAN", "imo": "8660313"}],
        }
    ).to_event("e")
    run = evaluate_case_event(BOOK, "dprk.designated.vessel", "t", e, lists=LISTS)
    vessel = [
        f
        for f in run.verdict.findings
        if PartyScope.DESIGNATED_VESSEL in BOOK.rule(f.rule_id).version(f.version).scope.parties
    ]
    assert vessel, [f.rule_id for f in run.verdict.findings]
    cited = {c for f in vessel for c in (f.citation, *f.related)}
    related = {c for f in vessel for c in f.related}
    assert "S/RES/2321 (2016) OP12(d)" in cited
    assert "S/RES/2371 (2017) OP6" in cited
    assert "S/RES/2321 (2016) OP12(a)" not in cited
    assert "S/RES/2270 (2016) OP12" not in related


def _related(**conditions: object) -> RelatedCitation:
    return RelatedCitation.model_validate(
        {"resolution": 2397, "year": 2017, "paragraph": "OP9", "adopted": "2017-12-22", **conditions}
    )


def _engaged(c: RelatedCitation, **facts: object) -> bool:
    given: dict[str, object] = {
        "last_day": dt.date(2018, 1, 1),
        "as_of": None,
        "groups": set(),
        "event_kind": EventKind.TRANSFER,
        "parties": set(),
        "measures": set(),
    }
    given.update(facts)
    return c.engaged(**given)  # type: ignore[arg-type]


def test_a_related_paragraph_is_engaged_only_on_the_facts_it_names() -> None:
    plain = _related()
    assert _engaged(plain)
    assert _engaged(plain, last_day=dt.date(2017, 12, 22))  # the day of adoption
    assert not _engaged(plain, last_day=dt.date(2017, 12, 21))
    assert not _engaged(plain, as_of=dt.date(2017, 12, 1))  # not yet law on the day judged by
    later = _related(in_force_from="2018-03-01")
    assert not _engaged(later) and _engaged(later, last_day=dt.date(2018, 3, 1))
    annex = _related(commodities=["luxury-2094-annex-iv"])
    assert not _engaged(annex) and _engaged(annex, groups={"luxury-2094-annex-iv", "luxury-automobiles"})
    training = _related(event_kinds=["training"])
    assert not _engaged(training) and _engaged(training, event_kind=EventKind.TRAINING)
    vessel = _related(parties=["designated-vessel"])
    assert not _engaged(vessel, parties={PartyScope.DESIGNATED_PARTY})
    assert _engaged(vessel, parties={PartyScope.DESIGNATED_VESSEL})
    listing = _related(listing=["para_12d_2321"])
    assert not _engaged(listing, measures={"para_6_2371_and_6_2375"})
    assert _engaged(listing, measures={"para_12d_2321"})


def test_a_related_paragraph_cannot_bear_on_conduct_before_its_adoption() -> None:
    with pytest.raises(ValidationError, match="before the paragraph was adopted"):
        _related(in_force_from="2017-12-01")


def test_the_rulebook_refuses_a_related_annex_group_it_does_not_have(tmp_path: Path) -> None:
    import shutil

    from sanctionsengine.errors import InputError

    root = tmp_path / "un-dprk"
    shutil.copytree(RULES, root, ignore=shutil.ignore_patterns("tests"))
    luxury = root / "luxury.yaml"
    text = luxury.read_text(encoding="utf-8")
    luxury.write_text(text.replace("commodities: [luxury-2270-annex]}", "commodities: [luxury-2270]}", 1), "utf-8")
    with pytest.raises(InputError) as exc:
        load_rulebook(root)
    message = str(exc.value)
    assert "dangling-reference" in message and "related[1].commodities[0]" in message
    assert "did you mean 'luxury-2270-annex'" in message


@pytest.mark.parametrize(
    ("rule", "event", "paragraph", "cited"),
    [
        ("dprk.technology.specialized-teaching", {"kind": "training", "categories": ["nuclear-engineering"]},
         "S/RES/2321 (2016) OP10", False),  # a 2270 discipline: 2321's additions are not engaged
        ("dprk.technology.specialized-teaching", {"kind": "training", "categories": ["advanced-materials-engineering"]},
         "S/RES/2321 (2016) OP10", True),
        ("dprk.maritime.dprk-flagged-vessels", {"kind": "service", "categories": ["marine-insurance"], "flags": ["dprk-flagged-vessel"]},
         "S/RES/2371 (2017) OP7", False),  # 2371 OP7 speaks of chartering only
        ("dprk.maritime.dprk-flagged-vessels", {"kind": "service", "categories": ["vessel-aircraft-leasing"], "flags": ["dprk-flagged-vessel"]},
         "S/RES/2371 (2017) OP7", True),
    ],
)  # fmt: skip
def test_a_related_paragraph_follows_the_goods_or_service_it_speaks_of(
    rule: str, event: dict[str, object], paragraph: str, cited: bool
) -> None:
    e = CaseEvent.model_validate({"date": "2018-03-01", "supplier": "CN", "recipient": "KP", **event}).to_event("e")
    run = evaluate_case_event(BOOK, rule, "t", e, lists=LISTS)
    f = next(f for f in run.verdict.findings if f.rule_id == rule)
    assert (paragraph in f.related) is cited, f.related
