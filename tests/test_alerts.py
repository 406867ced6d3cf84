"""Alerts and dispositions: a reviewer's decision is remembered by every later run, and undone by
a changed listing or a passed expiry.

In-process throughout (library calls and click's CliRunner). The scenario ``tests/data/alerts/
daily.yaml`` has two payments: ``pay-1`` to a firm named like KOMID (KPe.001, a possible match:
potential violations) and ``pay-2`` to Ocean Maritime Management, KPe.020, by its UN reference (a
definite match: a violation under the asset freeze, which a false-positive decision cannot clear;
the tests that need it suppressed waive it under an exemption). Lists are read from ../shared/data; the changed editions of the
list are made from it in a temporary folder.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from sanctionsengine.alerts import AlertStatus, Decision, entry_sha256, load_dispositions, review_report
from sanctionsengine.alerts.store import LoadedDispositions
from sanctionsengine.cli import main
from sanctionsengine.errors import InputError
from sanctionsengine.evaluation import evaluate, load_lists
from sanctionsengine.screening import load_un_list

from .conftest import ROOT, UN_LIST

DAILY = ROOT / "tests" / "data" / "alerts" / "daily.yaml"
FREEZE = "dprk.designated.asset-freeze"
SERVICES = "dprk.finance.financial-services"
LISTS = load_lists([UN_LIST])
KPE020 = entry_sha256(next(e for e in LISTS[0].entries if e.reference == "KPe.020"))
KPE001 = entry_sha256(next(e for e in LISTS[0].entries if e.reference == "KPe.001"))
WAIVER: dict[str, object] = {"decision": "waived", "exemption": "1718 Committee notice 2026/7"}


def _disposition(event: str, listing: str | None, entry: str | None, **kw: object) -> dict[str, object]:
    key: dict[str, object] = {"event": event, "rule": FREEZE}
    if listing:
        key |= {"listing": listing, "entry_sha256": entry}
    return {
        "key": key,
        "decision": "false-positive",
        "reason": "the payee is another bank of a similar name",
        "reviewer": "A. Analyst",
        "decided": "2026-12-01",
        "expires": "2026-12-31",
        **kw,
    }


def _file(tmp_path: Path, *entries: dict[str, object], name: str = "dispositions.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump({"dispositions": list(entries)}, sort_keys=False), encoding="utf-8")
    return path


def _run(*args: str, today: str = "2026-12-15", **env: str) -> Result:
    return CliRunner().invoke(
        main, list(args), env={"SANCTIONSENGINE_TODAY": today, "SANCTIONSENGINE_DISPOSITIONS": "", **env}
    )


def _evaluate(*extra: str, lists: tuple[Path, ...] = (UN_LIST,), today: str = "2026-12-15") -> Result:
    list_args = [a for p in lists for a in ("--list", str(p))]
    return _run("evaluate", str(DAILY), *list_args, "--no-audit", *extra, today=today)


def _changed_list(tmp_path: Path, *, delist: bool = False) -> Path:
    """The shared list with KPe.020 given one more alias (a new edition), or taken off the list."""
    text = UN_LIST.read_text(encoding="utf-8")
    if delist:
        new, n = re.subn(r"<ENTITY>(?:(?!</ENTITY>).)*?<REFERENCE_NUMBER>KPe\.020</REFERENCE_NUMBER>.*?</ENTITY>\s*",
                         "", text, count=1, flags=re.S)  # fmt: skip
    else:
        anchor = "<ALIAS_NAME>East Sea Shipping Company</ALIAS_NAME>\n      </ENTITY_ALIAS>"
        n = text.count(anchor)
        new = text.replace(
            anchor,
            anchor + "\n      <ENTITY_ALIAS>\n        <QUALITY>a.k.a.</QUALITY>\n"
            "        <ALIAS_NAME>Donghae Shipping Company</ALIAS_NAME>\n      </ENTITY_ALIAS>",
        )
    assert n == 1
    path = tmp_path / ("delisted.xml" if delist else "new-edition.xml")
    path.write_text(new, encoding="utf-8")
    return path


# --- the key -------------------------------------------------------------------------------------


def test_an_entry_s_hash_follows_its_content_not_its_place(tmp_path: Path) -> None:
    changed = load_un_list(_changed_list(tmp_path))
    entries = {e.reference: e for e in changed.entries}
    assert entry_sha256(entries["KPe.020"]) != KPE020  # a new alias: a new hash
    assert entry_sha256(entries["KPe.001"]) == KPE001  # the others are as they were
    assert entry_sha256(entries["KPe.020"].model_copy(update={"listing": "elsewhere"})) == entry_sha256(
        entries["KPe.020"]
    )


def test_every_alert_is_listed_open_with_its_key_when_nothing_was_decided() -> None:
    report = evaluate(DAILY, lists=LISTS, today=dt.date(2026, 12, 15))
    assert report.alerts is not None
    keys = {(a.key.event, a.key.rule, a.key.listing, a.key.entry_sha256) for a in report.alerts.alerts}
    assert (("pay-2", FREEZE, "KPe.020", KPE020)) in keys
    assert (("pay-1", FREEZE, "KPe.001", KPE001)) in keys
    assert ("pay-1", SERVICES, None, None) in keys
    assert all(a.status == AlertStatus.OPEN and a.counts for a in report.alerts.alerts)
    assert report.alerts.by_status == {"open": len(report.alerts.alerts), "decided": 0, "re-opened": 0}


# --- the dispositions file -----------------------------------------------------------------------


def test_bad_dispositions_are_all_reported_at_their_place_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        textwrap.dedent(
            f"""\
            dispositions:
              - key: {{event: pay-2, rule: {FREEZE}, listing: KPe.020}}
                decision: false-positiv
                reason: x
                reviewer: A
                decided: 2026-12-01
                expires: 2026-13-01
              - key: {{event: pay-1, rule: {FREEZE}}}
                decision: waived
                reason: y
                reviewer: B
                decided: 2026-12-01
                expires: 2026-12-31
            """
        ),
        encoding="utf-8",
    )
    result = _evaluate("--dispositions", str(path))
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if ": " in line and "problems" not in line]
    text = "\n".join(lines)
    assert re.search(r"bad\.yaml:3:\d+: unknown-value: .*decision.*false-positiv", text)
    assert "did you mean 'false-positive'" in text
    assert re.search(r"bad\.yaml:7:\d+: bad-date: .*expires", text)
    assert re.search(r"bad\.yaml:2:\d+: bad-value: .*'listing' and 'entry_sha256'", text)
    assert re.search(r"bad\.yaml:8:\d+: bad-value: .*waived.*exemption", text)
    assert "Traceback" not in result.output


def test_an_expiry_before_the_decision_is_refused(tmp_path: Path) -> None:
    path = _file(tmp_path, _disposition("pay-2", "KPe.020", KPE020, expires="2026-11-30"))
    with pytest.raises(InputError) as exc:
        load_dispositions(path)
    assert "expires 2026-11-30 is before the decision of 2026-12-01" in str(exc.value.diagnostics)


def test_a_missing_dispositions_file_is_exit_2_not_an_empty_review(tmp_path: Path) -> None:
    result = _evaluate("--dispositions", str(tmp_path / "nowhere.yaml"))
    assert result.exit_code == 2
    assert "file-not-found" in result.stderr


# --- applied on later runs: acceptance ---------------------------------------------------------


def test_without_decisions_the_run_fails_on_the_violation() -> None:
    assert _evaluate().exit_code == 1


def test_a_decision_suppresses_the_failing_exit_for_that_finding_only(tmp_path: Path) -> None:
    on_pay2 = _file(tmp_path, _disposition("pay-2", "KPe.020", KPE020, **WAIVER), name="pay2.yaml")
    on_pay1 = _file(tmp_path, _disposition("pay-1", "KPe.001", KPE001), name="pay1.yaml")
    assert _evaluate("--dispositions", str(on_pay2)).exit_code == 0  # the one violation is waived
    assert _evaluate("--dispositions", str(on_pay1)).exit_code == 1  # another alert's decision: still fails
    # failing on potential violations too: pay-2 still has its open financial-services alert
    assert _evaluate("--dispositions", str(on_pay2), "--fail-on", "potential_violation").exit_code == 1
    # the same decision read from the environment variable
    assert _run("evaluate", str(DAILY), "--list", str(UN_LIST), "--no-audit",
                SANCTIONSENGINE_DISPOSITIONS=str(on_pay2)).exit_code == 0  # fmt: skip


def test_a_false_positive_clears_a_possible_name_match(tmp_path: Path) -> None:
    path = _file(tmp_path, _disposition("pay-1", "KPe.001", KPE001))
    result = _evaluate("--dispositions", str(path), "--format", "json")
    [alert] = [a for a in json.loads(result.stdout)["alerts"]["alerts"] if a["key"]["listing"] == "KPe.001"]
    assert (alert["status"], alert["counts"], alert["definite"]) == ("decided", False, False)


def test_a_false_positive_on_a_definite_match_is_not_applied_and_is_located(tmp_path: Path) -> None:
    path = _file(tmp_path, _disposition("pay-1", "KPe.001", KPE001), _disposition("pay-2", "KPe.020", KPE020))
    result = _evaluate("--dispositions", str(path), "--format", "json")
    assert result.exit_code == 1  # the violation still counts
    [alert] = [a for a in json.loads(result.stdout)["alerts"]["alerts"] if a["key"]["listing"] == "KPe.020"]
    assert (alert["status"], alert["counts"], alert["definite"]) == ("open", True, True)
    assert "cannot clear a definite match by identifier (KPe.020" in alert["refused_because"]
    # located at the second entry of the file
    line = [i for i, t in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if t.startswith("- key")][1]
    assert re.search(
        rf"dispositions\.yaml:{line}:\d+: warning: false-positive-on-definite-match: pay-2 / "
        + re.escape(FREEZE)
        + r" / KPe\.020: .*confirmed or escalated.*--exemption.*the alert stays open",
        result.stderr,
    ), result.stderr
    md = _evaluate("--dispositions", str(path), "--format", "markdown").stdout
    assert "open: a false-positive decision cannot clear a definite match" in md


@pytest.mark.parametrize("decision", ["confirmed", "escalated"])
def test_confirmed_and_escalated_alerts_still_count(tmp_path: Path, decision: str) -> None:
    path = _file(tmp_path, _disposition("pay-2", "KPe.020", KPE020, decision=decision))
    result = _evaluate("--dispositions", str(path), "--format", "json")
    assert result.exit_code == 1
    [alert] = [a for a in json.loads(result.stdout)["alerts"]["alerts"] if a["key"]["listing"] == "KPe.020"]
    assert (alert["status"], alert["decision"], alert["counts"]) == ("decided", decision, True)


def test_a_waiver_names_its_exemption_and_suppresses(tmp_path: Path) -> None:
    path = _file(
        tmp_path, _disposition("pay-2", "KPe.020", KPE020, decision="waived", exemption="1718 Committee notice 2026/7")
    )
    result = _evaluate("--dispositions", str(path), "--format", "markdown")
    assert result.exit_code == 0
    assert "under exemption 1718 Committee notice 2026/7" in result.stdout


def test_the_decision_is_shown_in_every_report_format_and_nothing_is_dropped(tmp_path: Path) -> None:
    path = _file(tmp_path, _disposition("pay-2", "KPe.020", KPE020, reason="not <b>this</b> bank & co", **WAIVER))
    undecided = json.loads(_evaluate("--format", "json").stdout)
    outputs = {fmt: _evaluate("--dispositions", str(path), "--format", fmt).stdout for fmt in ("json", "markdown", "html", "junit")}  # fmt: skip
    data = json.loads(outputs["json"])
    assert data["events"] == undecided["events"]  # every event and finding as it was
    assert len(data["alerts"]["alerts"]) == len(undecided["alerts"]["alerts"])
    [alert] = [a for a in data["alerts"]["alerts"] if a["status"] == "decided"]
    assert alert | {"reason": None} == alert | {
        "key": {"event": "pay-2", "rule": FREEZE, "listing": "KPe.020", "entry_sha256": KPE020},
        "decision": "waived", "exemption": "1718 Committee notice 2026/7", "reviewer": "A. Analyst",
        "decided": "2026-12-01", "expires": "2026-12-31", "counts": False, "reason": None, "definite": True,
    }  # fmt: skip
    assert data["alerts"]["by_decision"] == {"false-positive": 0, "confirmed": 0, "escalated": 0, "waived": 1}
    assert data["alerts"]["today"] == "2026-12-15"
    words = "waived by A. Analyst on 2026-12-01, valid through 2026-12-31 (UTC)"
    assert words in outputs["markdown"] and "(valid decisions: 1 waived)" in outputs["markdown"]
    assert "not \\<b\\>this\\</b\\> bank & co" in outputs["markdown"]
    assert words in outputs["html"] and "not &lt;b&gt;this&lt;/b&gt; bank &amp; co" in outputs["html"]
    assert "<b>this" not in outputs["html"]
    suites = ET.fromstring(outputs["junit"].encode())
    assert suites.get("failures") == "0"  # the violation is waived: no failing test case
    [case] = [c for c in suites.iter("testcase") if c.get("name", "").startswith("pay-2")]
    out = case.findtext("system-out") or ""
    assert words in out and "not <b>this</b> bank & co" in out


def test_a_changed_listing_re_opens_the_alert_and_says_why(tmp_path: Path) -> None:
    path = _file(tmp_path, _disposition("pay-2", "KPe.020", KPE020, **WAIVER))
    result = _evaluate("--dispositions", str(path), "--format", "json", lists=(_changed_list(tmp_path),))
    assert result.exit_code == 1
    [alert] = [a for a in json.loads(result.stdout)["alerts"]["alerts"] if a["key"]["listing"] == "KPe.020"]
    assert alert["status"] == "re-opened" and alert["counts"] is True
    assert "the list entry KPe.020 changed since the decision of 2026-12-01" in alert["reopened_because"]
    assert alert["key"]["entry_sha256"] != KPE020 and alert["decision"] == "waived"


def test_a_delisted_entry_leaves_the_decision_unused_with_the_reason(tmp_path: Path) -> None:
    path = _file(tmp_path, _disposition("pay-2", "KPe.020", KPE020))
    result = _evaluate("--dispositions", str(path), "--format", "json", lists=(_changed_list(tmp_path, delist=True),))
    review = json.loads(result.stdout)["alerts"]
    assert not [a for a in review["alerts"] if a["key"]["listing"] == "KPe.020"]
    [unused] = review["unused"]
    assert unused["key"]["listing"] == "KPe.020" and "not on the lists screened in this run" in unused["because"]


@pytest.mark.parametrize(
    ("today", "exit_code", "status"),
    [("2026-12-31", 0, "decided"), ("2027-01-01", 1, "re-opened")],
)
def test_the_expiry_day_is_the_last_day_valid_in_utc(tmp_path: Path, today: str, exit_code: int, status: str) -> None:
    path = _file(tmp_path, _disposition("pay-2", "KPe.020", KPE020, expires="2026-12-31", **WAIVER))
    result = _evaluate("--dispositions", str(path), "--format", "json", today=today)
    assert result.exit_code == exit_code
    [alert] = [a for a in json.loads(result.stdout)["alerts"]["alerts"] if a["key"]["listing"] == "KPe.020"]
    assert alert["status"] == status
    if status == "re-opened":
        assert alert["reopened_because"] == (
            "the decision expired: it was valid through 2026-12-31 (UTC) and today is 2027-01-01"
        )


def test_the_default_day_is_today_in_utc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SANCTIONSENGINE_TODAY", raising=False)
    report = evaluate(DAILY, lists=LISTS)
    assert report.alerts is not None and report.alerts.today == dt.datetime.now(dt.UTC).date()


def test_the_last_entry_for_an_alert_supersedes_the_earlier(tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        _disposition("pay-2", "KPe.020", KPE020),
        _disposition("pay-2", "KPe.020", KPE020, decision="confirmed", decided="2026-12-10", reviewer="B. Lead"),
    )
    report = review_report(evaluate(DAILY, lists=LISTS), LISTS, load_dispositions(path), dt.date(2026, 12, 15))
    assert report.alerts is not None
    [alert] = [a for a in report.alerts.alerts if a.key.listing == "KPe.020"]
    assert (alert.decision, alert.reviewer, alert.counts) == (Decision.CONFIRMED, "B. Lead", True)


# --- alerts list | show | decide | export --------------------------------------------------------


def test_decide_then_re_run_the_day_s_loop(tmp_path: Path) -> None:
    report = tmp_path / "today.json"
    assert _evaluate("--format", "json", "-o", str(report)).exit_code == 1
    listed = _run("alerts", "list", str(report))
    lines = listed.stdout.splitlines()
    [n] = [line.split()[0] for line in lines if "pay-1" in line and "KPe.001" in line]
    assert n == "1"  # the README's example decides alert 1
    decisions = tmp_path / "decisions.yaml"
    decided = _run(
        "alerts", "decide", str(report), n, "--decision", "false-positive", "--reason", "another firm",
        "--reviewer", "A. Analyst", "--expires", "2027-03-31", "--dispositions", str(decisions),
    )  # fmt: skip
    assert decided.exit_code == 0, decided.output
    assert "(1 decision)" in decided.stdout and "valid through 2027-03-31 (UTC)" in decided.stdout
    [d] = load_dispositions(decisions).dispositions
    assert (d.key.listing, d.key.entry_sha256, d.decided) == ("KPe.001", KPE001, dt.date(2026, 12, 15))
    run = _evaluate("--dispositions", str(decisions), "--format", "json", "-o", str(report), "--fail-on", "violation")
    assert run.exit_code == 1  # pay-2's violation is still open
    again = _run("alerts", "list", str(report), "--status", "decided")
    assert "false-positive by A. Analyst" in again.stdout and len(again.stdout.splitlines()) == 1
    shown = json.loads(_run("alerts", "show", str(report), n).stdout)
    assert shown["finding"]["rule_id"] == FREEZE and shown["status"] == "decided"
    exported = _run("alerts", "export", "--dispositions", str(decisions), "--format", "csv").stdout.splitlines()
    assert exported[0].startswith("event,rule,listing,entry_sha256,decision")
    assert exported[1].startswith(f"pay-1,{FREEZE},KPe.001,{KPE001},false-positive")
    assert json.loads(_run("alerts", "export", "--dispositions", str(decisions)).stdout)["sha256"]


def test_decide_refuses_a_false_positive_on_a_definite_match(tmp_path: Path) -> None:
    report = tmp_path / "today.json"
    _evaluate("--format", "json", "-o", str(report))
    [n] = [ln.split()[0] for ln in _run("alerts", "list", str(report)).stdout.splitlines() if "KPe.020" in ln]
    decisions = _file(tmp_path, _disposition("pay-1", "KPe.001", KPE001))
    before = decisions.read_bytes()
    args = ["--reason", "r", "--reviewer", "x", "--expires", "2027-01-01", "--dispositions", str(decisions)]
    refused = _run("alerts", "decide", str(report), n, "--decision", "false-positive", *args)
    assert refused.exit_code == 2
    assert re.search(
        rf"today\.json: false-positive-on-definite-match: alert {n} \(pay-2 / {re.escape(FREEZE)} / KPe\.020\): "
        r".*decide confirmed or escalated, or waived with --exemption",
        refused.stderr,
    ), refused.stderr
    assert decisions.read_bytes() == before
    assert _run("alerts", "decide", str(report), n, "--decision", "escalated", *args).exit_code == 0
    # a report made before alerts recorded 'definite': the finding's list match says so
    doc = json.loads(report.read_text(encoding="utf-8"))
    for a in doc["alerts"]["alerts"]:
        a.pop("definite")
    old = tmp_path / "old.json"
    old.write_text(json.dumps(doc), encoding="utf-8")
    assert _run("alerts", "decide", str(old), n, "--decision", "false-positive", *args).exit_code == 2


def test_alerts_list_says_where_dispositions_are_applied(tmp_path: Path) -> None:
    report = tmp_path / "today.json"
    _evaluate("--format", "json", "-o", str(report))
    result = _run("alerts", "list", str(report), "--dispositions", str(tmp_path / "d.yaml"))
    assert result.exit_code == 2 and "re-run `evaluate` (or `screen FILE`) with --dispositions FILE" in result.stderr


def test_decide_refuses_a_waiver_without_its_exemption_and_leaves_the_file(tmp_path: Path) -> None:
    report = tmp_path / "today.json"
    _evaluate("--format", "json", "-o", str(report))
    decisions = _file(tmp_path, _disposition("pay-1", "KPe.001", KPE001))
    before = decisions.read_bytes()
    result = _run(
        "alerts", "decide", str(report), "1", "--decision", "waived", "--reason", "r", "--reviewer", "x",
        "--expires", "2027-01-01", "--dispositions", str(decisions),
    )  # fmt: skip
    assert result.exit_code == 2 and "names its exemption: give --exemption REF" in result.stderr
    assert decisions.read_bytes() == before
    bad_day = _run(
        "alerts", "decide", str(report), "1", "--decision", "confirmed", "--reason", "r", "--reviewer", "x",
        "--expires", "2027-02-30", "--dispositions", str(decisions),
    )  # fmt: skip
    assert bad_day.exit_code == 2 and "bad-date" in bad_day.stderr


def test_alerts_list_refuses_a_file_that_is_not_a_report(tmp_path: Path) -> None:
    other = tmp_path / "x.json"
    other.write_text('{"a": 1}', encoding="utf-8")
    result = _run("alerts", "list", str(other))
    assert result.exit_code == 2 and "no 'alerts' section" in result.stderr


# --- bulk screening ------------------------------------------------------------------------------


def test_screening_a_file_applies_decisions_and_counts_them_by_kind(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.csv"
    ledger.write_text(
        "id,date,kind,supplier,recipient,recipient_name\n"
        "r1,2019-05-01,financial,CN,KP,Korea Mining Development Trading Corporation\n",
        encoding="utf-8",
    )
    base = ["screen", str(ledger), "--list", str(UN_LIST), "--no-audit", "--fail-on", "potential_violation",
            "--findings", str(tmp_path / "f.jsonl")]  # fmt: skip
    assert _run(*base).exit_code == 1
    both = _file(
        tmp_path,
        _disposition("r1", "KPe.001", KPE001),
        {**_disposition("r1", None, None), "key": {"event": "r1", "rule": SERVICES}},
    )
    result = _run(*base, "--dispositions", str(both), "--format", "json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["alerts"]["by_decision"]["false-positive"] == 2
    assert summary["alerts"]["by_status"] == {"open": 0, "decided": 2, "re-opened": 0}
    md = _run(*base, "--dispositions", str(both)).stdout
    assert "(valid decisions: 2 false-positive)" in md and "r1 / dprk.designated.asset-freeze / KPe.001" in md
    html = _run(*base, "--dispositions", str(both), "--format", "html").stdout
    assert "Alerts and decisions" in html and "false-positive by A. Analyst" in html
    junit = _run(*base, "--dispositions", str(both), "--format", "junit").stdout
    assert "valid decisions: 2 false-positive" in junit


def test_a_review_without_a_file_says_so() -> None:
    report = evaluate(DAILY, lists=LISTS, dispositions=LoadedDispositions.none(), today=dt.date(2026, 12, 15))
    assert report.alerts is not None
    assert "no dispositions file: every alert is open" in report.alerts.summary_line()


# --- Gherkin -------------------------------------------------------------------------------------


def test_the_gherkin_steps_decide_and_re_open(pytester: pytest.Pytester, tmp_path: Path) -> None:
    changed = _changed_list(tmp_path)
    pytester.makefile(
        ".feature",
        alerts=textwrap.dedent(
            f"""\
            @sanctionsengine
            Feature: The day's alerts

              Background:
                Given the UN 1718 list in "{UN_LIST}"
                And the following events:
                  | id  | date       | kind      | supplier | recipient | recipient ref |
                  | pay | 2019-05-01 | financial | CN       | KP        | KPe.020       |
                And today is 2026-12-31 (UTC)

              Scenario: A waiver holds through its last day
                Given a disposition "waived" on listing "KPe.020" under rule "{FREEZE}" for event "pay" by "A. Analyst" until 2026-12-31
                When the events are evaluated
                Then the alert on event "pay" under rule "{FREEZE}" has status decided
                And the run passes on "violation"
                And the run fails on "potential_violation"

              Scenario: The day after, it is re-opened
                Given a disposition "waived" on listing "KPe.020" under rule "{FREEZE}" for event "pay" by "A. Analyst" until 2026-12-30
                When the events are evaluated
                Then the alert is re-opened because the decision expired
                And the run fails on "violation"

              Scenario: A new edition of the list changes the entry
                Given a disposition "waived" on listing "KPe.020" under rule "{FREEZE}" for event "pay" by "A. Analyst" until 2027-06-30
                And the UN 1718 list is replaced by "{changed}"
                When the events are evaluated
                Then the alert on event "pay" under rule "{FREEZE}" is re-opened because the listing changed

              Scenario: A wrong expectation fails with the decision in words
                Given a disposition "confirmed" on listing "KPe.020" under rule "{FREEZE}" for event "pay" by "A. Analyst" until 2027-06-30
                When the events are evaluated
                Then the run passes on "violation"
            """
        ),
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(
        ["*expected the run to pass on violation; alerts that count: pay / dprk.designated.asset-freeze / KPe.020*"]
    )


def test_verify_re_applies_the_same_decisions_as_of_the_report_s_day(tmp_path: Path) -> None:
    path = _file(tmp_path, _disposition("pay-2", "KPe.020", KPE020, expires="2026-12-31", **WAIVER))
    report = tmp_path / "r.json"
    _evaluate("--dispositions", str(path), "--format", "json", "-o", str(report), today="2026-12-31")
    # verified later (after the expiry): the report's own day is used, so the findings are identical
    same = _run("verify", str(report), "--base", str(ROOT), today="2027-02-01")
    assert same.exit_code == 0, same.output
    assert "identical" in same.stdout
    path.write_text(path.read_text(encoding="utf-8").replace("another bank", "a bank"), encoding="utf-8")
    changed = _run("verify", str(report), "--base", str(ROOT), today="2027-02-01")
    assert changed.exit_code == 2 and "no longer in the dispositions file" in changed.stderr


def test_a_later_decision_does_not_break_verify_but_an_edited_report_is_refused(tmp_path: Path) -> None:
    decisions = _file(tmp_path, _disposition("pay-1", "KPe.001", KPE001, expires="2027-03-31"))
    report = tmp_path / "r.json"
    _evaluate("--dispositions", str(decisions), "--format", "json", "-o", str(report))
    recorded = json.loads(report.read_text(encoding="utf-8"))["alerts"]
    assert [d["key"]["listing"] for d in recorded["applied"]] == ["KPe.001"]
    assert _run("verify", str(report), "--base", str(ROOT)).exit_code == 0
    decide = _run("alerts", "decide", str(report), "4", "--decision", "escalated", "--reason", "to the MLRO",
                  "--reviewer", "B", "--expires", "2027-01-31", "--dispositions", str(decisions))  # fmt: skip
    assert decide.exit_code == 0, decide.output
    later = _run("verify", str(report), "--base", str(ROOT))
    assert later.exit_code == 0, later.output
    assert "identical" in later.stdout and "decisions recorded in the report were re-applied" in later.output
    # an edited decision in the report: the re-run (from the recorded decision) differs, or the
    # recorded decision is no longer one of the file's
    for edit in ("alert", "applied"):
        doc = json.loads(report.read_text(encoding="utf-8"))
        target = doc["alerts"]["alerts"][0] if edit == "alert" else doc["alerts"]["applied"][0]
        assert target["reviewer"] == "A. Analyst"
        target["reviewer"] = "Someone Else"
        forged = tmp_path / f"forged-{edit}.json"
        forged.write_text(json.dumps(doc, indent=2), encoding="utf-8")
        refused = _run("verify", str(forged), "--base", str(ROOT))
        assert refused.exit_code != 0 and "identical" not in refused.stdout, (edit, refused.output)


def test_the_bulk_junit_fails_a_rule_only_for_its_undecided_violations(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.csv"
    ledger.write_text(
        "id,date,kind,supplier,recipient,recipient_ref\n"
        "r1,2019-05-01,financial,CN,KP,KPe.020\nr2,2019-05-01,financial,CN,KP,KPe.020\n",
        encoding="utf-8",
    )
    base = ["screen", str(ledger), "--list", str(UN_LIST), "--no-audit", "--format", "junit",
            "--findings", str(tmp_path / "f.jsonl")]  # fmt: skip
    one = _file(tmp_path, _disposition("r1", "KPe.020", KPE020, **WAIVER), name="one.yaml")
    both = _file(
        tmp_path, _disposition("r1", "KPe.020", KPE020, **WAIVER), _disposition("r2", "KPe.020", KPE020, **WAIVER)
    )

    def freeze_case(path: Path) -> tuple[int, ET.Element]:
        result = _run(*base, "--dispositions", str(path))
        [case] = [c for c in ET.fromstring(result.stdout.encode()).iter("testcase") if c.get("name") == FREEZE]
        return result.exit_code, case

    code, case = freeze_case(one)
    assert code == 1 and case.find("failure") is not None
    code, case = freeze_case(both)
    assert code == 0 and case.find("failure") is None
    assert "2 violations under a valid false-positive or waiver" in (case.findtext("system-out") or "")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- a\n- b\n", r"d\.yaml:1:1: bad-value: "),
        ("dispositions:\n  - key: {event: e, rule: r}\n    decison: confirmed\n", r"d\.yaml:3:5: unknown-key: .*decison.*did you mean 'decision'"),
        ("dispositions: [\n", r"d\.yaml:\d+:\d+: yaml-syntax: "),
    ],
)  # fmt: skip
def test_a_malformed_dispositions_file_is_located(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(text, encoding="utf-8")
    result = _evaluate("--dispositions", str(path))
    assert result.exit_code == 2 and re.search(expected, result.stderr), result.stderr


def test_an_empty_dispositions_file_decides_nothing_and_decide_fills_it(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text("dispositions:\n", encoding="utf-8")
    assert load_dispositions(path).dispositions == []
    report = tmp_path / "r.json"
    _evaluate("--format", "json", "-o", str(report))
    result = _run("alerts", "decide", str(report), "2", "--decision", "escalated", "--reason", "to the MLRO",
                  "--reviewer", "A", "--expires", "2027-01-15", SANCTIONSENGINE_DISPOSITIONS=str(path))  # fmt: skip
    assert result.exit_code == 0, result.output
    [d] = load_dispositions(path).dispositions
    assert d.decision == Decision.ESCALATED and d.expires == dt.date(2027, 1, 15)


def test_a_match_whose_entry_is_not_on_the_lists_is_still_an_open_alert() -> None:
    from sanctionsengine.alerts.apply import FindingRef, review
    from sanctionsengine.vocabulary import Verdict

    result = review([FindingRef("e", FREEZE, Verdict.VIOLATION, ("KPe.999",))], LISTS, None, dt.date(2026, 12, 15))
    [alert] = result.alerts
    assert (alert.key.event, alert.key.rule, alert.key.listing, alert.status) == ("e", FREEZE, None, AlertStatus.OPEN)
    assert alert.counts


def test_a_bulk_false_positive_on_a_row_s_un_reference_is_not_applied(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.csv"
    ledger.write_text(
        "id,date,kind,supplier,recipient,recipient_ref\nr1,2019-05-01,financial,CN,KP,KPe.020\n", encoding="utf-8"
    )
    path = _file(tmp_path, _disposition("r1", "KPe.020", KPE020))
    result = _run("screen", str(ledger), "--list", str(UN_LIST), "--no-audit", "--format", "json",
                  "--findings", str(tmp_path / "f.jsonl"), "--dispositions", str(path))  # fmt: skip
    assert result.exit_code == 1, result.output
    assert "dispositions.yaml:2:3: warning: false-positive-on-definite-match: r1 / " in result.stderr
    [alert] = [a for a in json.loads(result.stdout)["alerts"]["alerts"] if a["key"]["listing"] == "KPe.020"]
    assert (alert["status"], alert["counts"], alert["definite"]) == ("open", True, True)
