"""The audit log: one hash-chained record per evaluation, in an embedded SQLite database.

Each record holds what was evaluated and how (time, user, command, input hashes, tool versions,
verdict counts, the report's SHA-256) as canonical JSON, and the SHA-256 of the previous
record's hash followed by its own content. Editing a record breaks its own hash; inserting or
deleting one breaks the link of the record after it; ``verify_chain`` names the record either
way. Appends take SQLite's write lock first (``BEGIN IMMEDIATE``), so parallel evaluations
queue instead of forking the chain.

What a chain cannot show by itself is that its newest records were cut off: keep the head hash
``verify`` prints somewhere else (a ticket, a signed e-mail) to detect that too.

The database is ``$SANCTIONSENGINE_AUDIT_DB``, or ``audit.sqlite`` in the platform's user data
folder; the CLI's ``--audit-db`` overrides both.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import socket
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .errors import SanctionsEngineError

GENESIS = "0" * 64
SCHEMA = """
CREATE TABLE IF NOT EXISTS audit_log (
    seq INTEGER PRIMARY KEY,
    body TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO audit_meta (key, value) VALUES ('format', 'sanctionsengine-audit-1');
"""


class AuditError(SanctionsEngineError):
    """The audit log could not be read or written."""


class AuditRecord(BaseModel):
    """What one evaluation leaves behind."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    recorded_at: str
    user: str
    host: str
    command: list[str]
    cwd: str
    run_id: str
    rulebook: dict[str, str] = Field(description="path and content hash")
    scenario: dict[str, str] = Field(description="path and SHA-256")
    sources: list[dict[str, str | None]] = Field(description="id and SHA-256 of each source")
    lists: list[dict[str, str]] = Field(description="title, date inside the list, SHA-256")
    as_of: str | None
    versions: dict[str, str]
    verdicts: dict[str, int]
    report: dict[str, str | None] = Field(description="format, SHA-256 of the bytes produced, and where written")


class Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    seq: int
    record: AuditRecord
    prev_hash: str
    hash: str


def default_path() -> Path:
    env = os.environ.get("SANCTIONSENGINE_AUDIT_DB")
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("sanctionsengine")) / "audit.sqlite"


def canonical(record: AuditRecord) -> str:
    return json.dumps(record.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def chain_hash(prev_hash: str, body: str) -> str:
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


@contextmanager
def _connect(path: Path, create: bool) -> Iterator[sqlite3.Connection]:
    if not create and not path.exists():
        raise AuditError(f"no audit log at {path}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(path, timeout=60, isolation_level=None)) as conn:
            conn.execute("PRAGMA busy_timeout = 60000")
            if create:
                conn.executescript(SCHEMA)
            yield conn
    except sqlite3.Error as exc:
        raise AuditError(f"audit log {path}: {exc}") from None
    except OSError as exc:
        raise AuditError(f"audit log {path}: {exc.strerror or exc}") from None


def record_for(report: Any, fmt: str, data: bytes, written_to: Path | None, command: list[str]) -> AuditRecord:
    """The record of one evaluation, from its report and the bytes produced."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = str(os.getuid()) if hasattr(os, "getuid") else "unknown"
    inputs = report.inputs
    return AuditRecord(
        recorded_at=datetime.now(UTC).isoformat(timespec="microseconds"),
        user=user,
        host=socket.gethostname(),
        command=command,
        cwd=str(Path.cwd()),
        run_id=report.run.id,
        rulebook={"path": inputs.rulebook.path, "hash": inputs.rulebook.hash},
        scenario={"path": inputs.scenario.path, "sha256": inputs.scenario.sha256},
        sources=[{"id": s.id, "sha256": s.sha256} for s in inputs.sources],
        lists=[{"title": x.title, "generated": x.generated, "sha256": x.sha256} for x in inputs.lists],
        as_of=str(inputs.as_of) if inputs.as_of else None,
        versions={
            "sanctionsengine": report.tools.sanctionsengine,
            "durable_rules": report.tools.durable_rules,
            "python": report.tools.python,
            "report_schema": report.schema_version,
        },
        verdicts={k: v for k, v in report.summary.by_verdict.items() if v},
        report={
            "format": fmt,
            "sha256": hashlib.sha256(data).hexdigest(),
            "path": str(written_to) if written_to else None,
        },
    )


def append(record: AuditRecord, path: Path | None = None) -> Entry:
    """Add a record at the end of the chain, under SQLite's write lock."""
    path = path or default_path()
    body = canonical(record)
    with _connect(path, create=True) as conn:
        conn.execute("BEGIN IMMEDIATE")
        try:
            last = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
            seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
            digest = chain_hash(prev, body)
            conn.execute(
                "INSERT INTO audit_log (seq, body, prev_hash, hash) VALUES (?, ?, ?, ?)", (seq, body, prev, digest)
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return Entry(seq=seq, record=record, prev_hash=prev, hash=digest)


def _rows(path: Path) -> list[tuple[int, str, str, str]]:
    with _connect(path, create=False) as conn:
        return list(conn.execute("SELECT seq, body, prev_hash, hash FROM audit_log ORDER BY seq"))


def entries(path: Path | None = None) -> list[Entry]:
    out = []
    for seq, body, prev, digest in _rows(path or default_path()):
        try:
            record = AuditRecord.model_validate_json(body)
        except ValueError:
            raise AuditError(f"record {seq} cannot be read (run `sanctionsengine audit verify`)") from None
        out.append(Entry(seq=seq, record=record, prev_hash=prev, hash=digest))
    return out


class ChainCheck(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    records: int
    head: str
    problems: list[str]

    @property
    def intact(self) -> bool:
        return not self.problems


def verify_chain(path: Path | None = None) -> ChainCheck:
    """Recompute every hash and link; name each record whose content or place does not fit."""
    rows = _rows(path or default_path())
    problems = []
    prev_hash, prev_seq = GENESIS, 0
    for seq, body, stored_prev, stored_hash in rows:
        if seq != prev_seq + 1:
            problems.append(
                f"record {seq}: follows record {prev_seq}; records {prev_seq + 1} to {seq - 1} are missing (deleted)"
            )
        if stored_prev != prev_hash:
            problems.append(
                f"record {seq}: does not link to the record before it (a record before it was edited, "
                "inserted or deleted)"
            )
        if chain_hash(stored_prev, body) != stored_hash:
            problems.append(f"record {seq}: its content does not match its hash (the record was edited)")
        prev_hash, prev_seq = stored_hash, seq
    return ChainCheck(records=len(rows), head=prev_hash, problems=problems)


def find_report(sha256: str, path: Path | None = None) -> list[Entry]:
    """The records of evaluations that produced these exact bytes."""
    path = path or default_path()
    if not path.exists():
        return []
    return [e for e in entries(path) if e.record.report.get("sha256") == sha256]
