"""Fail closed: never "clear" without a list that could have matched; every list dated and aged.

Issue 12, items 1-3: screening coverage on every event and row, the ``list-missing`` gate and
``--no-lists``, list dates (vessels JSON edition, vessels CSV latest designation), future and old
lists, ``verify`` treating the lists as inputs, JUnit outputs that cannot go green on nothing
screened; and the property that a missing list never turns a designation into an unqualified clear.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sanctionsengine.bulk.mapping import ColumnMapping
from sanctionsengine.bulk.run import screen_file
from sanctionsengine.cli import main
from sanctionsengine.errors import InputError
from sanctionsengine.evaluation import evaluate, judge_scenario, load_lists
from sanctionsengine.listcoverage import CoverageState, check_ages, parse_list_date
from sanctionsengine.rulebook import Rulebook, load_rulebook
from sanctionsengine.scenario import Event, LoadedScenario, Scenario, ScenarioInfo, Source
from sanctionsengine.screening import load_un_list, load_vessel_list
from sanctionsengine.verify import verify
from sanctionsengine.yamlfile import YamlDocument

from .conftest import RULES, UN_LIST, VESSELS_CSV, VESSELS_JSON

UN = load_un_list(UN_LIST)
VESSELS = load_vessel_list(VESSELS_JSON)
LISTS = {"un": UN, "vessels": VESSELS}
BOOK = load_rulebook(RULES)

ASIA_BRIDGE = """\
scenario: {id: asia-bridge, title: Machinery on ASIA BRIDGE 1}
sources:
  - {id: s, title: a shipping record, language: en, url: "about:test"}
events:
  - id: machinery
    title: Machinery from China to Singapore on ASIA BRIDGE 1
    kind: transfer
    date: 2019-05-01
    supplier: {country: CN, name: "Ocean Maritime Management Company, Limited", un_reference: KPe.020}
    recipient: {country: SG, name: "Harbour Traders Pte"}
    commodity: {description: excavators, hs: ["8429"]}
    vessels: [{name: ASIA BRIDGE 1, imo: "8916580"}]
    evidence: [{source: s, quote: "loaded", claimed_by: the test, confidence: reported}]
  - id: clean
    title: Machinery from China to Singapore, unlisted parties
    kind: transfer
    date: 2019-05-01
    supplier: {country: CN, name: "Lotus Blossom Machinery Works"}
    recipient: {country: SG, name: "Harbour Traders Pte"}
    commodity: {description: excavators, hs: ["8429"]}
    evidence: [{source: s, quote: "loaded", claimed_by: the test, confidence: reported}]
  - id: anonymous
    title: Grain from China to Singapore, no names
    kind: transfer
    date: 2019-05-01
    supplier: {country: CN}
    recipient: {country: SG}
    commodity: {description: wheat, hs: ["1001"]}
    evidence: [{source: s, quote: "loaded", claimed_by: the test, confidence: reported}]
"""


@pytest.fixture()
def env(tmp_path: Path) -> dict[str, str]:
    """An empty list cache (so nothing is screened unless given) and a fixed "today"."""
    return {
        "SANCTIONSENGINE_CACHE": str(tmp_path / "empty-cache"),
        "SANCTIONSENGINE_AUDIT_DB": str(tmp_path / "audit.sqlite"),
        "SANCTIONSENGINE_TODAY": "2026-05-20",
    }


@pytest.fixture()
def scenario(tmp_path: Path) -> Path:
    path = tmp_path / "asia-bridge.yaml"
    path.write_text(ASIA_BRIDGE, encoding="utf-8")
    return path


def _cli(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def _lists(*kinds: str) -> list[str]:
    out = []
    if "un" in kinds:
        out += ["--list", str(UN_LIST)]
    if "vessels" in kinds:
        out += ["--vessels", str(VESSELS_JSON)]
    return out


# --- 2. the gate ---------------------------------------------------------------------------------


def test_evaluate_without_lists_exits_2_with_one_line_naming_both_lists(env: dict[str, str], scenario: Path) -> None:
    result = _cli(env, "evaluate", str(scenario), "--no-audit")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    line = lines[0]
    assert re.match(r".*asia-bridge\.yaml:\d+:\d+: list-missing: ", line), line  # points at the first event
    for needed in ("consolidated list", "designated vessels list", "--list", "--vessels", "lists add", "--no-lists"):
        assert needed in line, needed
    assert result.stdout == ""


def test_a_partial_list_is_still_refused_naming_only_the_missing_one(env: dict[str, str], scenario: Path) -> None:
    result = _cli(env, "evaluate", str(scenario), "--no-audit", *_lists("vessels"))
    assert result.exit_code == 2
    assert "list-missing" in result.stderr and "consolidated list" in result.stderr
    assert "designated vessels list" not in result.stderr.split("list-missing")[1]


def test_no_lists_reports_parties_not_screened_on_the_event_the_summary_and_stderr(
    env: dict[str, str], scenario: Path
) -> None:
    result = _cli(env, "evaluate", str(scenario), "--no-audit", "--no-lists", "--format", "json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    events = {e["id"]: e for e in report["events"]}
    ship = events["machinery"]
    assert ship["verdict"] == "out_of_scope"  # what a list-less run can say, and it says so:
    assert "parties and vessels not screened" in ship["summary"]
    assert ship["coverage"]["state"] == "not-screened"
    assert ship["coverage"]["missing"] == ["un", "vessels"]
    assert {(i["what"], i["state"]) for i in ship["coverage"]["items"]} == {
        ("name", "not-screened"),
        ("un-reference", "not-screened"),
        ("vessel", "not-screened"),
        ("imo", "not-screened"),
    }
    assert events["anonymous"]["coverage"]["state"] == "nothing-to-screen"
    assert "not screened" not in events["anonymous"]["summary"]
    assert report["summary"]["by_screening"]["not-screened"] == 2
    assert report["summary"]["not_screened"].startswith("2 of 3 events: parties and vessels not screened")
    assert "parties and vessels not screened" in result.stderr


def test_with_the_lists_the_same_event_is_a_violation_and_the_clean_one_screened_clear(
    env: dict[str, str], scenario: Path
) -> None:
    result = _cli(env, "evaluate", str(scenario), "--no-audit", "--format", "json", *_lists("un", "vessels"))
    assert result.exit_code == 1
    events = {e["id"]: e for e in json.loads(result.stdout)["events"]}
    assert events["machinery"]["verdict"] == "violation"
    assert events["machinery"]["coverage"]["state"] == "matched"
    clean = events["clean"]
    assert clean["verdict"] == "out_of_scope" and clean["coverage"]["state"] == "screened-clear"
    assert "not screened" not in clean["summary"] and clean["coverage"]["note"] is None
    shas = {x["sha256"] for x in clean["coverage"]["lists"]}
    assert shas == {UN.sha256, VESSELS.sha256}
    assert all(i["screened_against"] == [UN.sha256] for i in clean["coverage"]["items"])


def test_the_library_reports_coverage_and_refuses_only_when_asked(scenario: Path) -> None:
    report = evaluate(scenario, lists=[VESSELS])
    cov = {e.id: e.coverage for e in report.events}
    # the IMO matched, the supplier was not screened: incomplete comes first, each item keeps its own state
    assert cov["machinery"].state == CoverageState.NOT_SCREENED and cov["machinery"].missing == ["un"]
    assert {(i.what, i.state) for i in cov["machinery"].items} >= {
        ("imo", CoverageState.MATCHED),
        ("name", CoverageState.NOT_SCREENED),
    }
    assert cov["clean"].state == CoverageState.NOT_SCREENED
    with pytest.raises(InputError) as exc:
        evaluate(scenario, lists=[VESSELS], require_lists=True)
    assert [d.code for d in exc.value.diagnostics] == ["list-missing"]


@pytest.mark.parametrize(
    ("args", "missing"),
    [
        (["Tanchon Commercial Bank", *_lists("vessels")], "consolidated list"),
        (["KPe.003", *_lists("vessels")], "consolidated list"),
        (["9191773", *_lists("un")], "designated vessels list"),
        (["Chonmasan", "--kind", "vessel", *_lists("un")], "designated vessels list"),
    ],
)
def test_screen_name_asked_of_a_list_that_cannot_hold_it_exits_2(
    env: dict[str, str], args: list[str], missing: str
) -> None:
    result = _cli(env, "screen", *args)
    assert result.exit_code == 2
    # the look-up's own gate (src/sanctionsengine/lookup.py, merged from main): list-missing
    assert "list-missing" in result.stderr and missing in result.stderr and "cannot be screened" in result.stderr
    assert "no match" not in result.stdout


def test_screen_a_vessel_name_with_only_the_vessels_list_and_kind_vessel_is_fine(env: dict[str, str]) -> None:
    result = _cli(env, "screen", "Chonmasan", "--kind", "vessel", *_lists("vessels"))
    assert result.exit_code == 1 and "IMO 8660313" in result.stdout


# --- bulk ----------------------------------------------------------------------------------------

LEDGER = [
    ["id", "date", "kind", "supplier", "recipient", "supplier_name", "hs", "vessel", "imo"],
    ["r1", "2019-05-01", "transfer", "CN", "SG", "Lotus Blossom Machinery Works", "8429", "ASIA BRIDGE 1", "8916580"],
    ["r2", "2019-05-01", "transfer", "CN", "SG", "Lotus Blossom Machinery Works", "8429", "", ""],
    ["r3", "2019-05-01", "transfer", "CN", "SG", "", "1001", "", ""],
]


def _ledger(path: Path, rows: list[list[str]] = LEDGER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return path


def test_bulk_warning_says_one_row_and_what_was_not_screened(tmp_path: Path, env: dict[str, str]) -> None:
    ledger = _ledger(tmp_path / "ledger.csv", LEDGER[:3])  # r1 names a vessel; r2 only a company
    result = _cli(
        env, "screen", str(ledger), "--no-audit", "--no-lists", *_lists("un"),
        "--findings", str(tmp_path / "f.jsonl"), "--rejects", str(tmp_path / "r.jsonl"),
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert (
        "warning: 1 row: vessels not screened: the 1718 Committee's designated vessels list is not loaded"
        in result.stderr
    )
    assert "1 rows" not in result.stderr and "parties not screened" not in result.stderr


def test_screen_file_without_lists_exits_2_and_with_no_lists_marks_the_rows(
    tmp_path: Path, env: dict[str, str]
) -> None:
    ledger = _ledger(tmp_path / "ledger.csv")
    refused = _cli(env, "screen", str(ledger), "--no-audit")
    assert refused.exit_code == 2
    assert "list-missing" in refused.stderr and "--list" in refused.stderr and "--vessels" in refused.stderr
    verdicts = tmp_path / "v.csv"
    result = _cli(
        env, "screen", str(ledger), "--no-audit", "--no-lists", "--format", "json", "--verdicts", str(verdicts),
        "--findings", str(tmp_path / "f.jsonl"), "--rejects", str(tmp_path / "r.jsonl"),
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["not_screened"] == 2 and summary["not_screened_note"].startswith(
        "parties and vessels not screened: "
    )
    assert "2 rows: parties and vessels not screened" in result.stderr
    reasons = {r["id"]: r["reason"] for r in csv.DictReader(verdicts.read_text(encoding="utf-8").splitlines())}
    assert "parties not screened" in reasons["r1"] and "parties not screened" in reasons["r2"]
    assert "not screened" not in reasons["r3"]
    states = {r["id"]: r["screening"] for r in csv.DictReader(verdicts.read_text(encoding="utf-8").splitlines())}
    assert states == {"r1": "not-screened", "r2": "not-screened", "r3": "nothing-to-screen"}
    junit = _cli(env, "screen", str(ledger), "--no-audit", "--no-lists", "--format", "junit",
                 "--findings", str(tmp_path / "f2.jsonl"), "--rejects", str(tmp_path / "r2.jsonl"))  # fmt: skip
    suite = ET.fromstring(junit.stdout).find("testsuite")
    assert suite is not None and int(suite.get("errors", "0")) >= 1
    assert any(e.get("type") == "not-screened" for e in suite.iter("error"))
    props = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert props["lists"].startswith("none loaded")


def test_bulk_junit_with_the_lists_is_not_in_error_and_names_each_list(tmp_path: Path, env: dict[str, str]) -> None:
    ledger = _ledger(tmp_path / "ledger.csv")
    result = _cli(
        env, "screen", str(ledger), "--no-audit", "--format", "junit", *_lists("un", "vessels"),
        "--findings", str(tmp_path / "f.jsonl"), "--rejects", str(tmp_path / "r.jsonl"),
    )  # fmt: skip
    suite = ET.fromstring(result.stdout).find("testsuite")
    assert suite is not None and not any(e.get("type") == "not-screened" for e in suite.iter("error"))
    props = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert props["list.1.sha256"] == UN.sha256 and props["list.1.age_days"] == "12"
    verdicts = tmp_path / "v.csv"
    _cli(
        env, "screen", str(ledger), "--no-audit", *_lists("un", "vessels"), "--verdicts", str(verdicts),
        "--findings", str(tmp_path / "f3.jsonl"), "--rejects", str(tmp_path / "r3.jsonl"),
    )  # fmt: skip
    rows = {r["id"]: r for r in csv.DictReader(verdicts.read_text(encoding="utf-8").splitlines())}
    assert {k: r["screening"] for k, r in rows.items()} == {
        "r1": "matched",
        "r2": "screened-clear",
        "r3": "nothing-to-screen",
    }
    flagged = [json.loads(line) for line in (tmp_path / "f3.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(f["id"], f["screening"], f["not_screened"]) for f in flagged] == [("r1", "matched", None)]
    assert props["list.2.date"] == "2020-06-04"


# --- 3. list dates and ages ----------------------------------------------------------------------


def test_every_list_has_a_readable_date() -> None:
    assert UN.dated == dt.date(2026, 5, 8)
    assert VESSELS.dated == dt.date(2020, 6, 4)  # "4 June 2020 (title of the source PDF ...)"
    from_csv = load_vessel_list(VESSELS_CSV)
    latest = max(e.listed_on for e in from_csv.entries if e.listed_on)
    assert from_csv.dated == latest and from_csv.upper_bound
    assert "at most" in from_csv.age_text(dt.date(2026, 5, 20))
    assert parse_list_date("31 February 2020") is None and parse_list_date("undated") is None


def test_a_list_from_the_future_is_refused(env: dict[str, str], scenario: Path) -> None:
    result = _cli({**env, "SANCTIONSENGINE_TODAY": "2026-01-01"}, "evaluate", str(scenario), *_lists("un", "vessels"))
    assert result.exit_code == 2
    assert "dprk-1718-list.xml: list-date:" in result.stderr and "after today (2026-01-01)" in result.stderr
    with pytest.raises(InputError):
        load_lists([UN_LIST], today=dt.date(2026, 1, 1))


def test_an_old_list_warns_on_every_run_and_max_list_age_refuses_it(env: dict[str, str], scenario: Path) -> None:
    args = ["evaluate", str(scenario), "--no-audit", *_lists("un", "vessels")]
    fresh = _cli(env, *args)  # the UN list is 12 days old: no warning for it; the vessels list is years old
    assert "dprk-1718-list.xml" not in fresh.stderr
    assert "dprk-1718-vessels.json" in fresh.stderr and "--warn-list-age" in fresh.stderr
    strict = _cli(env, *args, "--warn-list-age", "5")
    assert "dprk-1718-list.xml: UN Security Council" in strict.stderr and "12 days old" in strict.stderr
    refused = _cli(env, *args, "--max-list-age", "10")
    assert refused.exit_code == 2 and "list-age" in refused.stderr and "12 days old" in refused.stderr
    # the vessels JSON's date is readable, so --max-list-age can accept it
    allowed = _cli(env, *args, "--max-list-age", "3000")
    assert allowed.exit_code == 1, allowed.stderr
    assert check_ages([UN], warn_age=30, on=dt.date(2026, 5, 20)) == []


@pytest.mark.parametrize("fmt", ["markdown", "html", "json", "junit"])
def test_every_report_format_shows_each_list_date_and_age(env: dict[str, str], scenario: Path, fmt: str) -> None:
    out = _cli(env, "evaluate", str(scenario), "--no-audit", "--format", fmt, *_lists("un", "vessels")).stdout
    if fmt == "json":
        lists = json.loads(out)["inputs"]["lists"]
        assert [(x["dated"], x["age_days"]) for x in lists] == [("2026-05-08", 12), ("2020-06-04", 2176)]
    elif fmt == "junit":
        assert 'name="list.1.age_days" value="12"' in out and 'name="list.2.date" value="2020-06-04"' in out
    else:
        assert "12 days old" in out and "2176 days old" in out


def test_evaluate_junit_is_not_green_when_parties_were_not_screened(env: dict[str, str], scenario: Path) -> None:
    out = _cli(env, "evaluate", str(scenario), "--no-audit", "--no-lists", "--format", "junit").stdout
    suite = ET.fromstring(out).find("testsuite")
    assert suite is not None and suite.get("errors") == "2" and suite.get("failures") == "0"
    errors = [e for e in suite.iter("error") if e.get("type") == "not-screened"]
    assert len(errors) == 2 and "parties and vessels not screened" in (errors[0].get("message") or "")


# --- verify treats the lists as inputs -----------------------------------------------------------


def test_verify_refuses_a_report_whose_lists_were_removed_or_edited(
    tmp_path: Path, env: dict[str, str], scenario: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SANCTIONSENGINE_TODAY", "2026-05-20")
    out = tmp_path / "report.json"
    _cli(env, "evaluate", str(scenario), "--no-audit", "--format", "json", "-o", str(out), *_lists("un", "vessels"))
    assert verify(out).identical
    data = json.loads(out.read_text(encoding="utf-8"))
    removed = {**data, "inputs": {**data["inputs"], "lists": []}}
    (tmp_path / "removed.json").write_text(json.dumps(removed), encoding="utf-8")
    with pytest.raises(InputError) as exc:
        verify(tmp_path / "removed.json")
    assert "its lists were removed or edited" in str(exc.value.diagnostics.lines())
    edited = json.loads(out.read_text(encoding="utf-8"))
    edited["inputs"]["lists"][0]["dated"] = "2026-11-30"
    (tmp_path / "edited.json").write_text(json.dumps(edited), encoding="utf-8")
    result = verify(tmp_path / "edited.json")
    assert not result.identical and any("inputs.lists[0].dated" in d for d in result.differences)


# --- Gherkin -------------------------------------------------------------------------------------

FEATURE = """\
@sanctionsengine
Feature: Named parties
  Scenario: A named supplier, no list
{given}    Given the following events:
      | id  | date       | kind     | supplier | supplier_name                   | recipient | hs   |
      | m   | 2019-05-01 | transfer | CN       | Ocean Maritime Management       | SG        | 8429 |
    When the events are evaluated
    Then no event is flagged
"""


def test_no_event_is_flagged_fails_when_a_named_party_was_not_screened(pytester: pytest.Pytester) -> None:
    pytester.makefile(".feature", named=FEATURE.format(given=""))
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    text = result.stdout.str()
    assert "list-missing" in text and "consolidated list" in text and "no screening lists are used" in text


def test_no_event_is_flagged_passes_when_the_scenario_says_no_lists_are_used(pytester: pytest.Pytester) -> None:
    pytester.makefile(".feature", named=FEATURE.format(given="    Given no screening lists are used\n"))
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


# --- 4. the property -----------------------------------------------------------------------------

LISTED_VESSEL = ("ASIA BRIDGE 1", "8916580")
LISTED_ENTITY = "Ocean Maritime Management Company, Limited"
LISTED_REF = "KPe.020"
_SOURCE = Source(id="s", title="t", language="en", url="about:test")
_EVIDENCE = [{"source": "s", "quote": "q", "claimed_by": "the test", "confidence": "reported"}]

event_parts = st.fixed_dictionaries(
    {
        "supplier_country": st.sampled_from(["CN", "RU", "KP"]),
        "recipient_country": st.sampled_from(["SG", "VN"]),
        "supplier_name": st.sampled_from([None, LISTED_ENTITY, "Lotus Blossom Machinery Works"]),
        "supplier_ref": st.sampled_from([None, LISTED_REF]),
        "vessel": st.sampled_from([None, LISTED_VESSEL, ("GOLDEN SWAN", None), ("CHON MA SAN", None)]),
        "hs": st.sampled_from(["8429", "1001", "2710"]),
        "year": st.integers(2017, 2024),
    }
)


def _event(i: int, p: dict[str, object]) -> Event:
    supplier: dict[str, object] = {"country": p["supplier_country"]}
    if p["supplier_name"]:
        supplier["name"] = p["supplier_name"]
    if p["supplier_ref"]:
        supplier["un_reference"] = p["supplier_ref"]
    vessel = p["vessel"]
    return Event.model_validate(
        {
            "id": f"e{i}",
            "title": f"event {i}",
            "kind": "transfer",
            "date": f"{p['year']}-06-01",
            "supplier": supplier,
            "recipient": {"country": p["recipient_country"]},
            "commodity": {"description": "goods", "hs": [p["hs"]]},
            "vessels": [{"name": vessel[0], **({"imo": vessel[1]} if vessel[1] else {})}] if vessel else [],
            "evidence": _EVIDENCE,
        }
    )


def _loaded(events: list[Event]) -> LoadedScenario:
    scn = Scenario(scenario=ScenarioInfo(id="p", title="p"), sources=(_SOURCE,), events=tuple(events))
    return LoadedScenario(scenario=scn, file="property", sha256="", doc=YamlDocument("property", None))


FLAGGED = {"violation", "potential_violation", "undecidable"}


SUBSETS = [set(), {"un"}, {"vessels"}]
GRID = [
    {"supplier_country": c, "recipient_country": "SG", "supplier_name": n, "supplier_ref": r, "vessel": v, "hs": h,
     "year": y}
    for c in ("CN", "KP")
    for n in (None, LISTED_ENTITY, "Lotus Blossom Machinery Works")
    for r in (None, LISTED_REF)
    for v in (None, LISTED_VESSEL, ("GOLDEN SWAN", None), ("CHON MA SAN", None))
    for h in ("8429", "2710")
    for y in (2017, 2019)
]  # fmt: skip


def _check_events(book: Rulebook, events: list[Event], present: set[str]) -> int:
    """The property on the scenario path; returns how many designation findings it weighed."""
    loaded = _loaded(events)
    full = judge_scenario(book, loaded, lists=[UN, VESSELS])
    partial = judge_scenario(book, loaded, lists=[LISTS[k] for k in sorted(present)])
    weighed = 0
    for f, p in zip(full, partial, strict=True):
        on_designation = any(fd.list_matches for fd in f.findings)
        if f.verdict.value in FLAGGED and on_designation:
            weighed += 1
            if p.verdict.value not in FLAGGED:
                assert p.coverage.state == CoverageState.NOT_SCREENED, (f.id, present, p.summary)
                missing = " and ".join({"un": "parties", "vessels": "vessels"}[k] for k in sorted(p.coverage.missing))
                assert f"{missing} not screened: " in p.summary
    return weighed


def _rows(events: list[Event]) -> list[list[str]]:
    rows = [["id", "date", "kind", "supplier", "recipient", "supplier_name", "supplier_ref", "hs", "vessel", "imo"]]
    for e in events:
        v = e.vessels[0] if e.vessels else None
        rows.append(
            [e.id, str(e.end), "transfer", e.supplier.country if e.supplier else "",
             e.recipient.country if e.recipient else "", (e.supplier.name or "") if e.supplier else "",
             (e.supplier.un_reference or "") if e.supplier else "", e.commodity.hs[0] if e.commodity else "",
             (v.name or "") if v else "", (v.imo or "") if v else ""]
        )  # fmt: skip
    return rows


@pytest.mark.parametrize("present", SUBSETS, ids=lambda p: "+".join(sorted(p)) or "none")
def test_every_combination_flagged_on_a_designation_stays_flagged_or_says_not_screened(
    book: Rulebook, tmp_path: Path, present: set[str]
) -> None:
    """Exhaustive over the grid (listed and unlisted names, references, vessels, IMO numbers), for
    each proper subset of the lists: the scenario path and the bulk path."""
    events = [_event(i, p) for i, p in enumerate(GRID)]
    assert _check_events(book, events, present) > 20  # the grid does reach designations
    ledger = _ledger(tmp_path / "rows.csv", _rows(events))
    outcome = {}
    for label, lists in (("full", [UN, VESSELS]), ("partial", [LISTS[k] for k in sorted(present)])):
        out = tmp_path / f"{label}.csv"
        _, flagged = screen_file(ledger, ColumnMapping(), book, lists, threshold=90.0, verdicts=out)
        by_id = {r["id"]: r for r in csv.DictReader(out.read_text(encoding="utf-8").splitlines())}
        outcome[label] = (by_id, {v.id for v in flagged if any(m.in_force for m in v.matches)})
    full_rows, designated = outcome["full"]
    partial_rows, _ = outcome["partial"]
    assert len(designated) > 20
    for rid in designated:
        if full_rows[rid]["verdict"] in FLAGGED and partial_rows[rid]["verdict"] not in FLAGGED:
            assert "parties not screened" in partial_rows[rid]["reason"], (rid, present, partial_rows[rid])
            assert partial_rows[rid]["screening"] == "not-screened"


@settings(max_examples=25, deadline=None)
@given(parts=st.lists(event_parts, min_size=1, max_size=6), present=st.sets(st.sampled_from(["un", "vessels"])))
@example(  # the reproduction: a designated vessel, with no list at all and with the UN list only
    parts=[{"supplier_country": "CN", "recipient_country": "SG", "supplier_name": LISTED_ENTITY,
            "supplier_ref": None, "vessel": LISTED_VESSEL, "hs": "8429", "year": 2019}],
    present=set(),
)  # fmt: skip
@example(
    parts=[{"supplier_country": "CN", "recipient_country": "SG", "supplier_name": None,
            "supplier_ref": None, "vessel": LISTED_VESSEL, "hs": "8429", "year": 2019}],
    present={"un"},
)  # fmt: skip
def test_a_missing_list_never_turns_a_designation_into_an_unqualified_clear(
    parts: list[dict[str, object]], present: set[str]
) -> None:
    """Random scenarios (dates from 2017 to 2024, oil caps shared between events, any subset of lists).
    The rulebook is a module constant, not a fixture argument: hypothesis would print it in full."""
    _check_events(BOOK, [_event(i, p) for i, p in enumerate(parts)], present)


def test_the_readme_documents_the_options_the_codes_and_the_fixed_today() -> None:
    from .conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Screening lists")[1].split("\n## ")[0]
    for text in ("--no-lists", "--warn-list-age", "--max-list-age", "$SANCTIONSENGINE_TODAY", "`list-missing`"):
        assert text in section, text
    for code in ("`list-date`", "`list-age`"):
        assert code in section, code
    errors = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    assert all(code in errors for code in ("list-missing", "list-date", "list-age"))
