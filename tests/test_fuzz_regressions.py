"""Failures the fuzz suite (tests/test_fuzz.py) found, each kept as a fixed case.

Audit log damaged byte by byte (long profile, December 2026): a byte flipped in the log's schema,
in a column's name or inside a record ended in exit 3 ("internal error: UnicodeDecodeError",
"no such column: hash", "Could not decode to UTF-8 column 'body'"); a record whose report lost
its ``sha256`` key ended ``audit list`` in "internal error: KeyError". Each now gives a located
exit-2 line (the file is damaged) or names the record that fails verification (exit 1).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner

from sanctionsengine.audit import AuditRecord, append
from sanctionsengine.cli import main

from .conftest import ROOT, SCENARIOS, UN_LIST, VESSELS_JSON

MAPPING = ROOT / "bench" / "ledger-mapping.yaml"


def _record(user: str) -> AuditRecord:
    return AuditRecord(
        recorded_at="2026-12-01T00:00:00+00:00",
        user=user,
        host="host",
        command=["sanctionsengine", "evaluate", "s.yaml"],
        cwd="/",
        run_id="0" * 32,
        rulebook={"path": "rules/un-dprk", "hash": "sha256:" + "1" * 64},
        scenario={"path": "s.yaml", "sha256": "2" * 64},
        sources=[],
        lists=[],
        as_of=None,
        versions={"sanctionsengine": "0"},
        verdicts={"violation": 1},
        report={"format": "markdown", "sha256": "3" * 64, "written_to": None},
    )


@pytest.fixture()
def log(tmp_path: Path) -> Path:
    db = tmp_path / "audit.sqlite"
    for user in ("first", "second", "third"):
        append(_record(user), db, warn=lambda _m: None)
    return db


def _patch(db: Path, old: bytes, new: bytes) -> None:
    data = db.read_bytes()
    assert data.count(old) >= 1 and len(old) == len(new)
    db.write_bytes(data.replace(old, new, 1))


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_a_damaged_byte_in_the_schema_is_a_located_bad_file(log: Path) -> None:
    _patch(log, b"TABLE audit_log", b"TABLE audit\xcblog")
    for args in (["audit", "verify"], ["audit", "list"], ["audit", "show", "1"]):
        code, out = _run(*args, "--audit-db", str(log))
        assert code == 2, out
        assert f"{log}: bad-file: " in out and "internal error" not in out, out


def test_a_renamed_column_is_a_located_bad_file(log: Path) -> None:
    _patch(log, b"hash TEXT NOT NULL\n)", b"hasX TEXT NOT NULL\n)")
    code, out = _run("audit", "verify", "--audit-db", str(log))
    assert code == 2, out
    assert f"{log}: bad-file: " in out and "no such column" in out, out


def test_a_record_that_is_not_utf8_fails_verification_by_number(log: Path) -> None:
    _patch(log, b'"user":"second"', b'"user":"sec\xffnd"')
    code, out = _run("audit", "verify", "--audit-db", str(log))
    assert code == 1, out
    assert "record 2: its content does not match its hash" in out, out
    code, out = _run("audit", "list", "--audit-db", str(log))
    assert code == 0 and "internal error" not in out, out
    assert "    2! " in out, out


def test_a_record_without_its_report_hash_is_listed_and_marked(log: Path) -> None:
    with closing(sqlite3.connect(log)) as conn, conn:
        conn.execute("UPDATE audit_log SET body = replace(body, '\"sha256\":', '\"sha257\":') WHERE seq = 2")
    code, out = _run("audit", "list", "--audit-db", str(log))
    assert code == 0, out
    assert "internal error" not in out, out
    line = next(x for x in out.splitlines() if x.startswith("    2"))
    assert "2!" in line and "FAILS VERIFICATION" in line and "markdown ?" in line, line


def test_a_lone_surrogate_in_scenario_text_is_a_located_yaml_error() -> None:
    """Scenario text given in-process with a lone surrogate ended in UnicodeEncodeError inside
    PyYAML's C parser (scenario target, long profile); now it is located like any bad character."""
    from sanctionsengine.errors import InputError
    from sanctionsengine.scenario import parse_scenario

    text = (SCENARIOS / "refined-petroleum-2024.yaml").read_text(encoding="utf-8")
    at = text.index("title:")
    line = text[:at].count("\n") + 1
    with pytest.raises(InputError) as caught:
        parse_scenario(text[:at] + "\ud800" + text[at:], "s.yaml")
    (only,) = caught.value.diagnostics
    assert str(only).startswith(f"s.yaml:{line}:3: yaml-syntax: a lone surrogate (U+D800)"), str(only)


def test_encoding_utf16_on_a_file_without_its_byte_order_mark_is_located(tmp_path: Path) -> None:
    """``screen --encoding utf-16`` on a file without a UTF-16 byte-order mark (a UTF-8 file with
    its BOM, from the csv target) ended in "internal error: UnicodeError", exit 3."""
    ledger = tmp_path / "ledger.csv"
    ledger.write_bytes("\ufefftxn_id,ship_date,kind\n".encode())
    code, out = _run(
        "screen", str(ledger), "--mapping", str(MAPPING), "--list", str(UN_LIST), "--no-audit",
        "--findings", str(tmp_path / "f.jsonl"), "--rejects", str(tmp_path / "r.jsonl"), "--encoding", "utf-16",
    )  # fmt: skip
    assert code == 2, out
    assert f"{ledger}:1: bad-file: not utf-16 text: " in out and "internal error" not in out, out


def test_a_quantity_of_1e400_in_kilograms_is_a_rejected_row(tmp_path: Path) -> None:
    """A ledger row with quantity ``1e400`` (written like a number, read as infinity) in kg ended
    in "internal error: ValidationError ... finite_number", exit 3 (csv target); it is now that
    row's reject, with its line, and every row is accounted for."""
    ledger = tmp_path / "ledger.csv"
    header = "txn_id,ship_date,kind,exporter_country,importer_country,exporter,importer,hs_code,qty,qty_unit,"
    header += "unit_value_usd,vessel_name,vessel_imo\n"
    ledger.write_text(header + "t1,2024-03-01,transfer,RU,KP,Volga Trading,Korea Ryonha,2710,1e400,kg,,,\n")
    rejects = tmp_path / "r.jsonl"
    code, out = _run(
        "screen", str(ledger), "--mapping", str(MAPPING), "--list", str(UN_LIST), "--vessels", str(VESSELS_JSON),
        "--no-audit", "--findings", str(tmp_path / "f.jsonl"), "--rejects", str(rejects),
    )  # fmt: skip
    assert code == 2 and "internal error" not in out, out
    assert "rows in the file: 1 = 0 read + 1 rejected" in out, out
    assert "quantity '1e400' is out of range" in rejects.read_text(encoding="utf-8")
