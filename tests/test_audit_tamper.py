"""The audit log after tampering: a broken chain is said (or refused), failing records are marked,
and a log that was emptied, cut, dropped or deleted is an error, never a fresh chain."""

from __future__ import annotations

import json
import sqlite3
import threading
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sanctionsengine.audit import (
    AuditLogProblem,
    AuditRecord,
    append,
    head_path,
    inspect,
    preflight,
    read_head,
    verify_chain,
)
from sanctionsengine.cli import main

from .conftest import ARTICLE


def _record(n: int) -> AuditRecord:
    return AuditRecord(
        recorded_at=f"2026-12-02T10:00:0{n}+00:00",
        user="tester",
        host="host",
        command=["sanctionsengine", "evaluate", "x.yaml"],
        cwd="/",
        run_id=f"run{n}",
        rulebook={"path": "rules", "hash": "sha256:0"},
        scenario={"path": f"s{n}.yaml", "sha256": "0" * 64},
        sources=[],
        lists=[],
        as_of=None,
        versions={"sanctionsengine": "0"},
        verdicts={"violation": n},
        report={"format": "json", "sha256": f"{n}" * 64, "path": None},
    )


def _log(tmp_path: Path, n: int = 3) -> Path:
    db = tmp_path / "audit.sqlite"
    for i in range(1, n + 1):
        append(_record(i), db, strict=False, warn=pytest.fail)  # an intact chain never warns
    return db


def _edit_record_2(db: Path) -> None:
    with closing(sqlite3.connect(db)) as conn, conn:
        body = conn.execute("SELECT body FROM audit_log WHERE seq = 2").fetchone()[0]
        conn.execute("UPDATE audit_log SET body = ? WHERE seq = 2", (body.replace('"violation":2', '"violation":0'),))


def _cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_each_append_keeps_the_head_beside_the_log(tmp_path: Path) -> None:
    db = _log(tmp_path)
    head = read_head(db)
    assert head_path(db) == tmp_path / "audit.sqlite.head"
    assert head is not None and head.records == 3 and head.head == verify_chain(db).head


def test_appending_to_an_edited_chain_warns(tmp_path: Path) -> None:
    db = _log(tmp_path)
    _edit_record_2(db)
    said: list[str] = []
    entry = append(_record(4), db, strict=False, warn=said.append)
    assert entry.seq == 4
    [warning] = said
    assert warning.startswith("warning: ") and "fails verification" in warning
    assert "record 2: its content does not match its hash" in warning


def test_strict_refuses_to_append_to_an_edited_chain(tmp_path: Path) -> None:
    db = _log(tmp_path)
    _edit_record_2(db)
    with pytest.raises(AuditLogProblem) as caught:
        append(_record(4), db, strict=True)
    assert "not appending (strict" in str(caught.value)
    assert verify_chain(db).records == 3
    with pytest.raises(AuditLogProblem):
        preflight(db, strict=True)
    preflight(db, strict=False)  # not strict: the run goes on and the append warns


def test_strict_is_also_set_by_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = _log(tmp_path)
    _edit_record_2(db)
    monkeypatch.setenv("SANCTIONSENGINE_AUDIT_STRICT", "1")
    with pytest.raises(AuditLogProblem):
        append(_record(4), db)


@pytest.mark.parametrize(
    "damage, words",
    [
        (lambda db: db.write_bytes(b""), "is empty (0 bytes)"),
        (lambda db: db.write_bytes(b"S"), "not a readable SQLite database"),
        (lambda db: _sql(db, "DROP TABLE audit_log"), "has no audit_log table"),
        (lambda db: db.unlink(), "the audit log is missing, but its head file"),
    ],
    ids=["emptied", "cut-to-one-byte", "table-dropped", "deleted"],
)
def test_a_damaged_log_is_an_error_never_a_fresh_chain(tmp_path: Path, damage: object, words: str) -> None:
    db = _log(tmp_path)
    damage(db)  # type: ignore[operator]
    with pytest.raises(AuditLogProblem) as caught:
        append(_record(4), db, strict=False, warn=pytest.fail)
    assert words in str(caught.value)
    assert str(caught.value).startswith(f"{db}: ")
    for command in (["audit", "verify"], ["audit", "list"], ["audit", "show", "1"]):
        result = _cli(*command, "--audit-db", str(db))
        assert result.exit_code == 2 and words in result.stderr, (command, result.stderr)


def _sql(db: Path, statement: str) -> None:
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute(statement)


def test_records_cut_from_the_end_are_named_by_the_head_file(tmp_path: Path) -> None:
    db = _log(tmp_path)
    _sql(db, "DELETE FROM audit_log WHERE seq = 3")
    check = verify_chain(db)
    assert not check.intact
    assert check.problems == [
        "the log ends at record 2, but its head file audit.sqlite.head says it held 3 records: "
        "records 3 to 3 were cut off"
    ]
    said: list[str] = []
    append(_record(7), db, strict=False, warn=said.append)  # a new record 3, not the old one
    assert said and "cut off" in said[0]
    append(_record(4), db, strict=False, warn=said.append)
    [problem] = verify_chain(db).problems  # the cut stays visible after later appends
    assert "the log once held 3 records" in problem and "cut or rewritten, then appended to" in problem


def test_audit_list_and_show_mark_the_records_that_fail_verification(tmp_path: Path) -> None:
    db = _log(tmp_path)
    _edit_record_2(db)
    listed = _cli("audit", "list", "--audit-db", str(db))
    assert listed.exit_code == 0
    lines = listed.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["1", "2!", "3"]
    assert "FAILS VERIFICATION: its content does not match its hash" in lines[1]
    assert "FAILS" not in lines[0] + lines[2]
    assert "1 record of" in listed.stderr and "fails verification (marked !)" in listed.stderr
    shown = _cli("audit", "show", "2", "--audit-db", str(db))
    assert shown.exit_code == 1
    data = json.loads(shown.stdout)
    assert data["verified"] is False and data["problems"] == [
        "its content does not match its hash (the record was edited)"
    ]
    good = _cli("audit", "show", "3", "--audit-db", str(db))
    assert good.exit_code == 0 and json.loads(good.stdout)["verified"] is True
    assert [e.seq for e in inspect(db).entries if e.problems] == [2]


def test_a_missing_record_and_a_missing_log_are_exit_2_with_a_message(tmp_path: Path) -> None:
    db = _log(tmp_path)
    shown = _cli("audit", "show", "9", "--audit-db", str(db))
    assert shown.exit_code == 2
    assert "no audit record 9" in shown.stderr and "records 1 to 3" in shown.stderr
    missing = tmp_path / "nowhere.sqlite"
    for command in (["audit", "list"], ["audit", "verify"], ["audit", "show", "1"]):
        result = _cli(*command, "--audit-db", str(missing))
        assert result.exit_code == 2, (command, result.stderr)
        assert f"{missing}: file-not-found: no audit log here" in result.stderr
    assert not missing.exists()


def test_evaluate_warns_on_a_broken_chain_and_strict_refuses_before_any_work(tmp_path: Path) -> None:
    db = _log(tmp_path)
    _edit_record_2(db)
    args = ["evaluate", str(ARTICLE), "--fail-on", "never", "--no-lists", "--audit-db", str(db)]
    refused = _cli(*args, "--audit-strict")
    assert refused.exit_code == 2 and refused.stdout == ""
    assert "fails verification" in refused.stderr and "not appending" in refused.stderr
    assert verify_chain(db).records == 3
    warned = _cli(*args)
    assert warned.exit_code == 0 and warned.stdout.startswith("#")
    assert "warning: " in warned.stderr and "appended to a broken chain" in warned.stderr
    assert verify_chain(db).records == 4


def test_timeout_bounds_the_whole_run_reading_included(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sanctionsengine.evaluation as evaluation

    release = threading.Event()
    reached = threading.Event()
    real = evaluation.check_scenario_file

    def slow_reading(*args: object, **kwargs: object) -> object:
        reached.set()
        release.wait(60)  # a reading that takes far longer than --timeout
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(evaluation, "check_scenario_file", slow_reading)
    db = tmp_path / "audit.sqlite"
    try:
        result = _cli("evaluate", str(ARTICLE), "--timeout", "1", "--no-lists", "--audit-db", str(db))
        still_reading = not release.is_set()
    finally:
        release.set()
    assert reached.is_set() and still_reading  # it returned while the reading was still going on
    assert result.exit_code == 3 and result.stdout == ""
    assert "error: the run did not finish within --timeout 1 s" in result.stderr
    assert not db.exists()  # nothing recorded for a run that did not finish


def test_screen_strict_refuses_a_broken_chain_before_reading_a_row(tmp_path: Path) -> None:
    db = _log(tmp_path)
    _edit_record_2(db)
    data = tmp_path / "ledger.csv"
    data.write_text("date,supplier,recipient,hs\n2024-01-01,KP,CN,2701\n", encoding="utf-8")
    findings = tmp_path / "f.jsonl"
    args = ["screen", str(data), "--findings", str(findings), "--audit-db", str(db), "--no-lists"]
    refused = _cli(*args, "--audit-strict")
    assert refused.exit_code == 2 and "not appending (strict" in refused.stderr
    assert not findings.exists() and verify_chain(db).records == 3
    warned = _cli(*args)
    assert "appended to a broken chain" in warned.stderr and verify_chain(db).records == 4


def test_verify_says_when_the_audit_log_cannot_be_searched(tmp_path: Path) -> None:
    db = tmp_path / "audit.sqlite"
    report = tmp_path / "report.json"
    made = _cli("evaluate", str(ARTICLE), "--format", "json", "-o", str(report), "--fail-on", "never",
                "--no-lists", "--audit-db", str(db))  # fmt: skip
    assert made.exit_code == 0
    found = _cli("verify", str(report), "--audit-db", str(db))
    assert "audit: these bytes are audit record 1\n" in found.stdout
    db.write_bytes(b"")
    damaged = _cli("verify", str(report), "--audit-db", str(db))
    assert damaged.exit_code == 0  # the re-run is still judged: identical
    assert "audit: the audit log could not be searched: the audit log is empty (0 bytes)" in damaged.stdout
