"""`screen NAME` and name matching: names as written in trade documents, paths never taken for
names, lists that cannot answer never asked, --on, blank names, whom a definite match matched.

In-process (click's CliRunner) against the lists in ../shared/data; no list cache is used."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sanctionsengine.cli import main
from sanctionsengine.lookup import classify, comparison_form, name_score
from sanctionsengine.screening import DEFAULT_THRESHOLD, load_un_list, load_vessel_list, screen_name

from .conftest import UN_LIST, VESSELS_CSV, VESSELS_JSON

BOTH = ["--list", str(UN_LIST), "--vessels", str(VESSELS_JSON), "--no-cached-lists"]


def screen(*args: str) -> Result:
    return CliRunner().invoke(main, ["screen", *args], catch_exceptions=False)


# --- names as written in trade documents ---------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "reference"),
    [
        ("KOMID", "KPe.001"),  # the UN XML stores this alias in quote marks
        ("Ocean Maritime Management Co Ltd", "KPe.020"),  # listed as "... COMPANY, LIMITED (OMM)"
        ("Korea Ryonbong General Corp", "KPe.002"),  # listed as "... CORPORATION"
        ("Korea Ryon-bong General Corporation", "KPe.002"),
        ("Korea Mirae Shipping Company Limited", "KPe.020"),  # an alias, "Co. Ltd"
    ],
)
def test_trade_document_names_match_at_the_default_threshold(written: str, reference: str) -> None:
    result = screen(written, *BOTH, "--format", "json")
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert data["threshold"] == DEFAULT_THRESHOLD
    assert reference in [m["reference"] for m in data["matches"]]
    best = next(m for m in data["matches"] if m["reference"] == reference)
    assert best["score"] >= DEFAULT_THRESHOLD and best["definite"] is False


def test_the_report_shows_the_normalised_forms_compared() -> None:
    result = screen("Ocean Maritime Management Co Ltd", *BOTH)
    assert "[compared 'ocean maritime management' ~ 'ocean maritime management']" in result.output


def test_legal_forms_and_quotes_are_removed_before_scoring() -> None:
    assert comparison_form('"KOMID"') == "komid"
    assert comparison_form("OCEAN MARITIME MANAGEMENT COMPANY, LIMITED (OMM)") == "ocean maritime management"
    assert comparison_form("Korea Ryonbong General Corp.") == "korea ryonbong general"
    assert comparison_form("OOO Romashka") == "romashka"  # a Russian legal form, from rigour's table
    assert comparison_form("Company Limited") == "company"  # nothing but legal forms: the last word kept
    assert comparison_form("KIM SE GON") == "kim se gon"  # "SE" is a Korean syllable here, not a legal form
    assert comparison_form("Korea Daesong General Trading Coropration") == "korea daesong general trading"


def test_a_different_company_with_the_same_legal_form_does_not_match() -> None:
    assert name_score("Dalian Harbour Trading Co Ltd", "KOREA MIRAE SHIPPING CO. LTD") < 60
    un = load_un_list(UN_LIST)
    assert screen_name("Ocean Breeze Shipping Company Limited", [un]) == []


def test_a_bracketed_acronym_matches_only_exactly() -> None:
    un = load_un_list(UN_LIST)
    assert [m.reference for m in screen_name("OMM", [un])] == ["KPe.020"]
    assert [m.method for m in screen_name("OMM", [un])] == ["acronym"]
    assert screen_name("OMN", [un]) == []


# --- paths are not names -------------------------------------------------------------------------


def test_a_missing_file_with_mapping_is_exit_2_not_a_name(tmp_path: Path) -> None:
    mapping = tmp_path / "map.yaml"
    mapping.write_text("supplier_name: Supplier\n")
    result = CliRunner().invoke(
        main, ["screen", str(tmp_path / "ledgr.csv"), "--mapping", str(mapping), *BOTH], catch_exceptions=False
    )
    assert result.exit_code == 2
    assert "file-not-found" in result.output and "not looked up as a name" in result.output
    assert "no match" not in result.output


@pytest.mark.parametrize("arg", ["ledgr.csv", "ledger.parquet", "data/ledger", "trades.jsonl"])
def test_a_path_like_argument_that_does_not_exist_is_exit_2(arg: str) -> None:
    result = screen(arg, *BOTH)
    assert result.exit_code == 2 and "file-not-found" in result.output and "--name" in result.output


def test_name_option_looks_up_a_name_that_looks_like_a_file() -> None:
    result = screen("--name", "ledgr.csv", *BOTH)
    assert result.exit_code == 0 and "no match for 'ledgr.csv'" in result.output


def test_name_option_and_a_target_together_are_refused() -> None:
    result = screen("KOMID", "--name", "KOMID", *BOTH)
    assert result.exit_code == 2 and "both a TARGET" in result.output


def test_classify() -> None:
    assert classify("KPe.020", file_options=False, explicit_name=None).kind == "un-reference"
    assert classify("IMO 9191773", file_options=False, explicit_name=None).kind == "imo"
    assert classify("Chonmasan", file_options=False, explicit_name=None).kind == "name"
    assert classify("", file_options=False, explicit_name="a.csv").kind == "name"
    assert classify(str(VESSELS_CSV), file_options=False, explicit_name=None).kind == "file"


# --- blank names, --on, definite matches ---------------------------------------------------------


@pytest.mark.parametrize("blank", ["", "   "])
def test_a_blank_name_is_exit_2(blank: str) -> None:
    result = screen(blank, *BOTH)
    assert result.exit_code == 2 and "blank" in result.output and "no match" not in result.output
    assert screen("--name", blank, *BOTH).exit_code == 2


def test_on_counts_only_listings_made_by_that_date() -> None:
    result = screen("Chonmasan", "--on", "2017-01-01", *BOTH)
    assert result.exit_code == 0, result.output
    assert "listed later: 2018-03-30, after 2017-01-01; not counted" in result.output
    assert "no match for 'Chonmasan'" in result.output and "(1 listed later)" in result.output
    assert "1 match" not in result.output
    after = screen("Chonmasan", "--on", "2018-03-30", *BOTH)
    assert after.exit_code == 1 and "1 match listed on or before 2018-03-30" in after.output


def test_on_in_json_separates_listed_later() -> None:
    data = json.loads(screen("Chonmasan", "--on", "2017-01-01", "--format", "json", *BOTH).stdout)
    assert data["matches"] == [] and [m["reference"] for m in data["listed_later"]] == ["IMO 8660313"]


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("KPe.020", "un-reference KPe.020 is OCEAN MARITIME MANAGEMENT COMPANY, LIMITED (OMM)  (listed 2014-07-28)"),
        ("9191773", "imo 9191773 is BILLIONS NO. 18  (listed 2017-12-28)"),
    ],
)
def test_a_definite_match_shows_whom_it_matched(query: str, shown: str) -> None:
    result = screen(query, *BOTH)
    assert result.exit_code == 1 and shown in result.output and "definite" in result.output


# --- a list that cannot hold the answer is not asked ---------------------------------------------


@pytest.mark.parametrize("query", ["Tanchon Commercial Bank", "KPe.003"])
def test_vessels_list_alone_cannot_screen_an_entity(query: str) -> None:
    result = screen(query, "--vessels", str(VESSELS_JSON), "--no-cached-lists")
    assert result.exit_code == 2
    assert "cannot be screened: the consolidated list is not loaded" in result.output
    assert "list-missing" in result.output and "no match" not in result.output


def test_un_list_alone_cannot_screen_an_imo_number() -> None:
    result = screen("9191773", "--list", str(UN_LIST), "--no-cached-lists")
    assert result.exit_code == 2 and "the designated vessels list is not loaded" in result.output


def test_kind_restricts_a_name_to_the_list_that_is_loaded() -> None:
    result = screen("Chon Ma San", "--kind", "vessel", "--vessels", str(VESSELS_CSV), "--no-cached-lists")
    assert result.exit_code == 1 and "IMO 8660313" in result.output
    assert load_vessel_list(VESSELS_CSV).kind == "vessels"


def test_a_name_of_unknown_kind_is_not_called_a_vessel_name() -> None:
    result = screen("Some Trading Co", "--list", str(UN_LIST), "--no-cached-lists")
    assert result.exit_code == 2 and "list-missing" in result.output
    assert "a name may be a vessel's; the vessels list is where vessel names are looked up" in result.output
    assert "a vessel's name is looked up there" not in result.output


# --- --on after today, --on after a list's date ---------------------------------------------------


def test_on_in_the_future_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SANCTIONSENGINE_TODAY", "2026-12-02")
    result = screen("Acme Widgets Ltd", "--on", "2030-01-01", *BOTH)
    assert result.exit_code == 2, result.output
    assert "bad-value" in result.output and "a date in the future" in result.output
    assert "no match" not in result.output
    assert screen("Acme Widgets Ltd", "--on", "2026-12-02", *BOTH).exit_code == 0


def test_no_match_after_the_lists_date_says_what_it_covers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SANCTIONSENGINE_TODAY", "2026-12-02")
    un = load_un_list(UN_LIST)
    assert un.dated is not None
    result = screen(
        "Acme Widgets Ltd", "--kind", "entity", "--on", "2026-12-01", "--list", str(UN_LIST), "--no-cached-lists"
    )
    assert result.exit_code == 0, result.output
    days = (un.dated.fromisoformat("2026-12-01") - un.dated).days
    assert (
        f"no match for 'Acme Widgets Ltd' at threshold 90 in lists dated up to {un.dated}, {days} days before --on"
        in result.output
    )
    # --on on or before the list's date: a plain no-match
    plain = screen(
        "Acme Widgets Ltd", "--kind", "entity", "--on", str(un.dated), "--list", str(UN_LIST), "--no-cached-lists"
    )
    assert "dated up to" not in plain.output and "no match for 'Acme Widgets Ltd'" in plain.output
