"""The audit log: every evaluation leaves a hash-chained record; edits, insertions and deletions show."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from sanctionsengine.audit import GENESIS, chain_hash, entries, verify_chain

from .conftest import ARTICLE, ROOT, CliResult, run_cli


def _env(db: Path) -> dict[str, str]:
    return {**os.environ, "SANCTIONSENGINE_AUDIT_DB": str(db), "SANCTIONSENGINE_CACHE": str(db.parent / "cache")}


def _evaluate(db: Path, sources: Path, *extra: str) -> CliResult:
    # the audit log is what is tested here: the lists are left out, and the report says so
    return run_cli(
        "evaluate", str(ARTICLE), "--sources", str(sources), "--fail-on", "never", "--no-lists", *extra, env=_env(db)
    )


def test_each_evaluation_appends_a_record_with_its_inputs_and_report_hash(tmp_path: Path, sources_dir: Path) -> None:
    db = tmp_path / "audit.sqlite"
    out = tmp_path / "report.json"
    assert _evaluate(db, sources_dir).returncode == 0
    result = _evaluate(db, sources_dir, "--format", "json", "-o", str(out))
    assert "audit record 2" in result.stderr
    first, second = entries(db)
    assert (first.seq, first.prev_hash) == (1, GENESIS) and second.prev_hash == first.hash
    r = second.record
    assert r.scenario["sha256"] == json.loads(out.read_text())["inputs"]["scenario"]["sha256"]
    assert r.rulebook["hash"].startswith("sha256:") and r.versions["durable_rules"] == "2.0.28"
    assert r.verdicts["violation"] == 4 and r.report["format"] == "json" and r.report["path"] == str(out)
    import hashlib

    assert r.report["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert r.command[:2] == ["sanctionsengine", "evaluate"] and r.user
    assert verify_chain(db).intact


def test_no_audit_leaves_no_record(tmp_path: Path, sources_dir: Path) -> None:
    db = tmp_path / "audit.sqlite"
    result = _evaluate(db, sources_dir, "--no-audit")
    assert result.returncode == 0 and not db.exists()


def _three_records(tmp_path: Path, sources_dir: Path) -> Path:
    db = tmp_path / "audit.sqlite"
    for _ in range(3):
        assert _evaluate(db, sources_dir).returncode == 0
    return db


def test_editing_one_byte_of_one_record_is_detected_and_named(tmp_path: Path, sources_dir: Path) -> None:
    db = _three_records(tmp_path, sources_dir)
    with closing(sqlite3.connect(db)) as conn, conn:
        body = conn.execute("SELECT body FROM audit_log WHERE seq = 2").fetchone()[0]
        edited = body.replace('"violation":4', '"violation":3', 1)
        assert edited != body and len(edited) == len(body)
        conn.execute("UPDATE audit_log SET body = ? WHERE seq = 2", (edited,))
    result = run_cli("audit", "verify", env=_env(db))
    assert result.returncode == 1
    assert "record 2: its content does not match its hash (the record was edited)" in result.stdout
    assert "record 1" not in result.stdout and "record 3" not in result.stdout


def test_an_edit_that_recomputes_the_hash_breaks_the_next_link(tmp_path: Path, sources_dir: Path) -> None:
    db = _three_records(tmp_path, sources_dir)
    with closing(sqlite3.connect(db)) as conn, conn:
        body, prev = conn.execute("SELECT body, prev_hash FROM audit_log WHERE seq = 2").fetchone()
        edited = body.replace('"violation":4', '"violation":0', 1)
        conn.execute("UPDATE audit_log SET body = ?, hash = ? WHERE seq = 2", (edited, chain_hash(prev, edited)))
    problems = verify_chain(db).problems
    assert problems == [
        "record 3: does not link to the record before it (a record before it was edited, inserted or deleted)"
    ]


def test_a_deleted_record_is_detected(tmp_path: Path, sources_dir: Path) -> None:
    db = _three_records(tmp_path, sources_dir)
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("DELETE FROM audit_log WHERE seq = 2")
    problems = verify_chain(db).problems
    assert any("record 3: follows record 1; records 2 to 2 are missing (deleted)" in p for p in problems)


def test_eight_parallel_evaluations_leave_a_valid_chain_with_eight_new_records(
    tmp_path: Path, sources_dir: Path
) -> None:
    db = _three_records(tmp_path, sources_dir)
    cmd = [
        sys.executable,
        "-m",
        "sanctionsengine",
        "evaluate",
        str(ARTICLE),
        "--sources",
        str(sources_dir),
        "--fail-on",
        "never",
        "--no-lists",
    ]
    procs = [
        subprocess.Popen(cmd, cwd=ROOT, env=_env(db), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for _ in range(8)
    ]
    errors = [p.communicate(timeout=300)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * 8, errors
    check = verify_chain(db)
    assert check.intact and check.records == 11
    assert [e.seq for e in entries(db)] == list(range(1, 12))
    assert len({e.record.run_id for e in entries(db)}) == 11


def test_audit_list_and_show(tmp_path: Path, sources_dir: Path) -> None:
    db = _three_records(tmp_path, sources_dir)
    listed = run_cli("audit", "list", "--last", "2", env=_env(db))
    lines = listed.stdout.splitlines()
    assert len(lines) == 2 and lines[0].lstrip().startswith("2") and "4 violation" in lines[0]
    shown = json.loads(run_cli("audit", "show", "3", env=_env(db)).stdout)
    assert shown["seq"] == 3 and shown["prev_hash"] == entries(db)[1].hash
    missing = run_cli("audit", "show", "9", env=_env(db))
    assert missing.returncode != 0 and "no audit record 9" in missing.stderr
    ok = run_cli("audit", "verify", env=_env(db))
    assert ok.returncode == 0 and f"head {entries(db)[-1].hash}" in ok.stdout


def test_an_unwritable_audit_log_stops_the_report(tmp_path: Path, sources_dir: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    result = _evaluate(blocker / "audit.sqlite", sources_dir)
    assert result.returncode == 3 and result.stdout == ""
    assert "audit log" in result.stderr and "Traceback" not in result.stderr
