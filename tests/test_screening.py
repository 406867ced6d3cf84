"""Screening against the UN 1718 lists: loading, identifiers, names, dates, and bad list files.

The lists are read from ../shared/data (never committed); the facts asserted here (a vessel's IMO
number, a reference number, a listing date) are public facts of those lists.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sanctionsengine.errors import InputError
from sanctionsengine.evaluation import load_lists
from sanctionsengine.scenario import Event, Evidence, Party, Vessel
from sanctionsengine.screening import (
    Alias,
    EntryKind,
    ListEntry,
    ScreeningList,
    load_un_list,
    load_vessel_list,
    name_score,
    normalize,
    screen_event,
    screen_identifier,
    screen_name,
)
from sanctionsengine.vocabulary import Confidence, EventKind

from .conftest import CONSOLIDATED, UN_LIST, VESSELS_CSV, VESSELS_JSON

UN = load_un_list(UN_LIST)
VESSELS = load_vessel_list(VESSELS_JSON)
LISTS = [UN, VESSELS]
EVIDENCE = (Evidence(source="s", quote="q", claimed_by="t", confidence=Confidence.REPORTED),)


def _event(day: str, **kw: object) -> Event:
    return Event.model_validate(
        {"id": "e", "title": "e", "kind": EventKind.SERVICE, "date": day, "evidence": EVIDENCE, **kw}
    )


# --- loading -------------------------------------------------------------------------------------


def test_the_dprk_extract_has_its_individuals_and_entities() -> None:
    kinds = [e.kind for e in UN.entries]
    assert kinds.count(EntryKind.INDIVIDUAL) == 80 and kinds.count(EntryKind.ENTITY) == 75
    assert UN.generated.startswith("2026-05-08")
    assert len(UN.sha256) == 64


def test_the_full_consolidated_list_keeps_only_the_dprk_records() -> None:
    full = load_un_list(CONSOLIDATED)
    assert {e.reference for e in full.entries} == {e.reference for e in UN.entries}
    assert all(e.reference.startswith("KP") for e in full.entries)


def test_json_and_csv_vessel_lists_agree() -> None:
    csv_list = load_vessel_list(VESSELS_CSV)
    as_tuple = [(e.reference, e.name, e.imo, e.listed_on) for e in VESSELS.entries]
    assert as_tuple == [(e.reference, e.name, e.imo, e.listed_on) for e in csv_list.entries]
    assert len(VESSELS.entries) == 59
    assert sum(1 for e in VESSELS.entries if e.imo) == 58


def test_a_vessel_entry_keeps_its_listing_date_and_measures() -> None:
    chon = next(e for e in VESSELS.entries if e.imo == "8660313")
    assert chon.name == "CHON MA SAN"
    assert chon.listed_on == dt.date(2018, 3, 30)
    assert {m.column for m in chon.measures} == {"para_6_2371_and_6_2375", "para_12d_2321"}
    assert {m.since for m in chon.measures} == {dt.date(2018, 3, 30)}


def test_weak_aliases_are_marked_weak() -> None:
    choe = next(e for e in UN.entries if e.reference == "KPi.064")
    assert [(a.name, a.quality) for a in choe.aliases] == [("Choe Sok Min", "weak")]


# --- identifiers ---------------------------------------------------------------------------------


def test_an_imo_number_is_a_definite_match_with_the_listing_reference() -> None:
    [m] = screen_identifier("IMO 8660313", LISTS, role="vessel", on=dt.date(2019, 1, 1))
    assert (m.reference, m.method, m.definite, m.in_force) == ("IMO 8660313", "imo", True, True)
    assert "row 5" in m.listing


def test_a_un_reference_is_a_definite_match() -> None:
    [m] = screen_identifier("kpe.020", LISTS, role="recipient")
    assert m.reference == "KPe.020" and m.kind == EntryKind.ENTITY and m.definite


def test_an_unknown_identifier_matches_nothing() -> None:
    assert screen_identifier("1234567", LISTS, role="vessel") == []


# --- names ---------------------------------------------------------------------------------------


def test_normalize_folds_case_accents_apostrophes_and_hyphens() -> None:
    # an apostrophe or hyphen inside a romanised Korean name joins its parts (Ch'oe is Choe)
    assert normalize("CH'OE SO’K-MIN") == "choe sokmin"
    assert normalize("Ré  Jé") == "re je"


@pytest.mark.parametrize(
    ("a", "b"),
    [("Chonmasan", "CHON MA SAN"), ("Jang Myong Jin", "Jang Myong-Jin"), ("Ri Che-son", "RI CHE SON")],
)
def test_transliteration_variants_score_high(a: str, b: str) -> None:
    assert name_score(a, b) >= 90


def test_a_misspelt_vessel_name_is_a_possible_match_with_score_and_name_matched() -> None:
    [m] = screen_name("Chonmasan", LISTS, role="vessel", kinds={EntryKind.VESSEL})
    assert m.reference == "IMO 8660313"
    assert m.matched == "CHON MA SAN" and m.method == "name"
    assert not m.definite and m.score >= 90
    assert "needs its identity confirmed" in m.explanation


@pytest.mark.parametrize("name", ["Ocean Breeze", "Pacific Star", "Seoul Trader"])
def test_clearly_different_names_match_nothing(name: str) -> None:
    assert screen_name(name, LISTS) == []


def test_word_order_does_not_hide_a_listed_name() -> None:
    matches = screen_name("Myong-Jin Jang", LISTS, kinds={EntryKind.INDIVIDUAL})
    assert [m.reference for m in matches][:1] == ["KPi.007"]
    assert matches[0].method == "alias"


def test_a_weak_alias_matches_only_exactly() -> None:
    # the real list's one weak alias (KPi.064) spells its own name, so a made-up entry is used
    entry = ListEntry(
        reference="KPi.999",
        kind=EntryKind.INDIVIDUAL,
        name="KIM SONG CHOL",
        aliases=(Alias(name="Kim Chol", quality="weak"),),
        listed_on=dt.date(2017, 1, 1),
        listing="test entry",
    )
    made_up = [ScreeningList(kind="un", title="t", path="t", sha256="0" * 64, generated="2026-01-01", entries=(entry,))]
    [exact] = screen_name("kim chol", made_up)
    assert (exact.reference, exact.method, exact.definite) == ("KPi.999", "weak-alias", False)
    assert name_score("Kim Cho", "Kim Chol") >= 90
    assert screen_name("Kim Cho", made_up) == []


def test_the_threshold_is_configurable() -> None:
    assert screen_name("Chonmasa", LISTS, kinds={EntryKind.VESSEL}, threshold=99) == []
    assert screen_name("Chonmasa", LISTS, kinds={EntryKind.VESSEL}, threshold=80)


# --- events and dates ----------------------------------------------------------------------------


def test_an_event_is_screened_by_imo_first_then_by_name() -> None:
    event = _event("2019-06-01", supplier={"country": "CN"}, vessels=[Vessel(name="Chonmasan", imo="8660313")])
    matches = screen_event(event, LISTS).matches
    assert [(m.reference, m.method) for m in matches] == [("IMO 8660313", "imo")]


def test_a_listing_after_the_event_is_reported_but_not_in_force() -> None:
    event = _event("2018-03-29", supplier={"country": "CN"}, vessels=[Vessel(name="CHON MA SAN", imo="8660313")])
    [m] = screen_event(event, LISTS).matches
    assert m.listed_on == dt.date(2018, 3, 30) and not m.in_force


def test_party_names_are_screened_against_persons_and_entities_only() -> None:
    event = _event("2021-01-01", supplier=Party(country="KP", name="Chon Ma San"))
    assert screen_event(event, LISTS).matches == ()


def test_without_lists_nothing_is_screened() -> None:
    event = _event("2021-01-01", recipient=Party(country="KP", un_reference="KPe.020"))
    assert screen_event(event, []).matches == ()


# --- bad list files ------------------------------------------------------------------------------


def _error(exc: pytest.ExceptionInfo[InputError]) -> str:
    return "\n".join(exc.value.diagnostics.lines())


def test_a_missing_list_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        load_un_list(tmp_path / "nope.xml")
    assert "nope.xml" in _error(exc)


def test_xml_that_is_not_the_un_list_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "list.xml"
    bad.write_text("<OTHER/>")
    with pytest.raises(InputError) as exc:
        load_un_list(bad)
    assert "expected CONSOLIDATED_LIST" in _error(exc)


def test_entity_expansion_is_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
        "<CONSOLIDATED_LIST>&b;</CONSOLIDATED_LIST>"
    )
    with pytest.raises(InputError) as exc:
        load_un_list(bomb)
    assert "refused unsafe XML" in _error(exc)


def test_a_malformed_vessel_list_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "vessels.json"
    bad.write_text('{"meta": {}}')
    with pytest.raises(InputError) as exc:
        load_vessel_list(bad)
    assert "not a designated-vessels list" in _error(exc)


def test_a_stale_list_is_refused_when_a_maximum_age_is_set() -> None:
    with pytest.raises(InputError) as exc:
        load_lists([UN_LIST], max_age_days=30, today=dt.date(2026, 11, 25))
    assert "older than the 30 days allowed" in _error(exc)
    assert load_lists([UN_LIST], max_age_days=365, today=dt.date(2026, 11, 25))


def test_the_prefilter_settles_exactly_the_names_that_match_nothing() -> None:
    from sanctionsengine.screening import Screener

    names = ["Chonmasan", "Ocean Breeze", "Jang Myong Jin", "Vladivostok Fisheries Ltd", "KOMID", "", "Pacific Star"]
    hits = Screener(LISTS).prefilter(names)
    for name in names:
        expected = bool(name) and bool(screen_name(name, LISTS))
        assert (name in hits) == expected, name
    filtered = Screener(LISTS)
    filtered.prefilter(names)
    plain = Screener(LISTS)
    for name in names:
        event = _event(
            "2021-01-01", supplier=Party(country="CN", name=name or None), vessels=[Vessel(name=name or "x")]
        )
        assert filtered.screen_event(event) == plain.screen_event(event)
