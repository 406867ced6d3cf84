"""Per-vessel listing measures: a finding on a designated vessel cites only what its own listing
imposes, from the date of the designation that imposed it; an entry without measure columns
falls back to the general vessel rule and says so. Library calls on ../shared/data lists."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from sanctionsengine.rulebook import Rulebook
from sanctionsengine.screening import ScreeningList, load_un_list, load_vessel_list, screen_identifier
from sanctionsengine.testing.cases import CaseEvent, evaluate_case_event
from sanctionsengine.verdicts import EventVerdict
from sanctionsengine.vessel_measures import measures_on

from .conftest import UN_LIST, VESSELS_CSV, VESSELS_JSON

FULL = [load_un_list(UN_LIST), load_vessel_list(VESSELS_JSON)]
FREEZE_CITES = ("OP8(d)", "2270 (2016) OP12", "OP12(d)")


def judge(book: Rulebook, event: dict[str, object], lists: list[ScreeningList]) -> EventVerdict:
    case = CaseEvent.model_validate(event).to_event("e")
    return evaluate_case_event(book, "dprk.designated.vessel", "t", case, lists=lists).verdict


def cited(verdict: EventVerdict) -> list[str]:
    return [c for f in verdict.findings for c in (f.citation, *f.related)]


UL_JI_BONG_2018 = {
    "kind": "transfer",
    "date": "2018-06-01",
    "supplier": "CN",
    "recipient": "CN",
    "hs": ["8471"],
    "vessels": [{"name": "UL JI BONG 6", "imo": "9114555"}],
}


def test_ul_ji_bong_6_in_2018_gets_the_port_entry_ban_and_no_asset_freeze(book: Rulebook) -> None:
    verdict = judge(book, UL_JI_BONG_2018, FULL)
    assert [f.rule_id for f in verdict.findings] == ["dprk.designated.vessel.port-entry"]
    cites = cited(verdict)
    assert any("2371 (2017) OP6" in c for c in cites) and any("2375 (2017) OP6" in c for c in cites)
    assert not [c for c in cites if any(x in c for x in FREEZE_CITES)], cites
    reasons = " ".join(verdict.findings[0].reasons)
    assert "UL JI BONG 6's listing imposes: port-entry ban (2371 OP6, 2375 OP6)" in reasons


def test_a_vessel_under_freeze_and_port_ban_gets_both(book: Rulebook) -> None:
    event = {**UL_JI_BONG_2018, "vessels": [{"name": "CHON MA SAN", "imo": "8660313"}], "date": "2019-01-10"}
    rules = sorted(f.rule_id for f in judge(book, event, FULL).findings)
    assert rules == ["dprk.designated.vessel.committee-freeze", "dprk.designated.vessel.port-entry"]


def test_a_measure_counts_from_the_designation_that_imposed_it() -> None:
    # HAO FAN 6: port-entry ban from 3 Oct 2017, de-flagging added on 30 Mar 2018
    match = screen_identifier("8628597", FULL, role="vessel", on=date(2018, 1, 1))[0]
    assert measures_on(match, date(2018, 1, 1)) == {"para_6_2371_and_6_2375"}
    assert measures_on(match, date(2018, 3, 30)) == {"para_6_2371_and_6_2375", "para_12a_2321"}


@pytest.mark.parametrize("path", [VESSELS_JSON, VESSELS_CSV])
def test_both_list_forms_carry_each_measure_with_its_date(path: Path) -> None:
    entry = next(e for e in load_vessel_list(path).entries if e.imo == "8628597")
    assert {(m.column, m.since) for m in entry.measures} == {
        ("para_6_2371_and_6_2375", date(2017, 10, 3)),
        ("para_12a_2321", date(2018, 3, 30)),
    }


def _csv_without_measure_columns(tmp_path: Path) -> Path:
    rows = list(csv.DictReader(io.StringIO(VESSELS_CSV.read_text(encoding="utf-8-sig"))))
    keep = [k for k in rows[0] if not k.startswith(("para_", "omm_"))]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=keep, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / "vessels-no-columns.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def test_an_entry_without_measure_columns_falls_back_to_the_general_rule_and_says_so(
    book: Rulebook, tmp_path: Path
) -> None:
    lists = [load_un_list(UN_LIST), load_vessel_list(_csv_without_measure_columns(tmp_path))]
    verdict = judge(book, UL_JI_BONG_2018, lists)
    assert [f.rule_id for f in verdict.findings] == ["dprk.designated.vessel"]
    assert "the list gives no measures for UL JI BONG 6's listing: the general designated-vessel rule applies" in (
        " ".join(verdict.findings[0].reasons)
    )
