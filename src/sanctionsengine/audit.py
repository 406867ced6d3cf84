"""The audit log: one hash-chained record per evaluation, in an embedded SQLite database.

Each record holds what was evaluated and how (time, user, command, input hashes, tool versions,
verdict counts, the report's SHA-256) as canonical JSON, and the SHA-256 of the previous
record's hash followed by its own content. Editing a record breaks its own hash; inserting or
deleting one breaks the link of the record after it; ``verify_chain`` names the record either
way. Appends take SQLite's write lock first (``BEGIN IMMEDIATE``), so parallel evaluations
queue instead of forking the chain.

What a chain cannot show by itself is that its newest records were cut off, so each append
also writes the head (record count and last hash) to a file beside the log,
``audit.sqlite.head``; a log shorter than its head, rewritten under it, emptied, without its
table or gone is an error, never a fresh chain. Keep the head ``verify`` prints somewhere else
too (a ticket, a signed e-mail): whoever can rewrite both files can hide a cut.

Appending to a chain that fails verification warns on stderr; ``strict`` (``--audit-strict``,
``$SANCTIONSENGINE_AUDIT_STRICT=1``) refuses instead.

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
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, closing, contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .errors import Diagnostic, InputError, SanctionsEngineError, SourceLocation, printable
from .yamlfile import display_path

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
    """The audit log could not be read or written (a fault of the database, not of its content)."""


class AuditLogProblem(InputError):
    """The audit log is missing, damaged, cut off or fails verification: one located diagnostic."""

    def __init__(self, path: Path, code: str, message: str, hint: str = ""):
        self.path = path
        self.message = message
        super().__init__([Diagnostic(SourceLocation(display_path(path)), code, message, hint=hint)])


STRICT_ENV = "SANCTIONSENGINE_AUDIT_STRICT"


def strict_from_env() -> bool:
    """``$SANCTIONSENGINE_AUDIT_STRICT`` set to 1/yes/true: refuse to append to a broken chain."""
    return os.environ.get(STRICT_ENV, "").strip().lower() in ("1", "yes", "true", "on")


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
    problems: tuple[str, ...] = Field(default=(), description="Why this record fails verification (empty: it fits)")

    @property
    def verified(self) -> bool:
        return not self.problems


class Head(BaseModel):
    """The head file beside the log: how many records it held and the hash of the last one."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: str = "sanctionsengine-audit-head-1"
    records: int = Field(ge=0)
    head: str = Field(pattern=r"^[0-9a-f]{64}$")
    earlier: list[tuple[int, str]] = Field(
        default_factory=list,
        description="Heads the log no longer matched when a record was appended anyway: kept, so the "
        "cut stays visible to `audit verify` after later appends",
    )


def default_path() -> Path:
    env = os.environ.get("SANCTIONSENGINE_AUDIT_DB")
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("sanctionsengine")) / "audit.sqlite"


def head_path(path: Path) -> Path:
    """Where the head of the log at ``path`` is kept: beside it, ``audit.sqlite.head``."""
    return path.with_name(path.name + ".head")


def read_head(path: Path) -> Head | None:
    file = head_path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise AuditError(f"audit log {path}: its head file {file.name}: {exc.strerror or exc}") from None
    try:
        return Head.model_validate_json(text)
    except ValueError:
        raise AuditLogProblem(
            path,
            "bad-file",
            f"its head file {file.name} cannot be read, so a cut-off log cannot be told from a whole one",
            hint="restore the head file from a backup; `sanctionsengine audit verify` prints the head",
        ) from None


def _write_head(path: Path, head: Head | None) -> None:
    file = head_path(path)
    if head is None:
        file.unlink(missing_ok=True)
        return
    tmp = file.with_name(f"{file.name}.{os.getpid()}.tmp")
    tmp.write_text(head.model_dump_json() + "\n", encoding="utf-8")
    os.replace(tmp, file)


def canonical(record: AuditRecord) -> str:
    return json.dumps(record.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def chain_hash(prev_hash: str, body: str) -> str:
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


def _missing(path: Path) -> AuditLogProblem:
    head = read_head(path)
    if head is not None:
        return AuditLogProblem(
            path,
            "file-not-found",
            f"the audit log is missing, but its head file {head_path(path).name} says it held "
            f"{_records(head.records)} ending in {head.head[:16]}…",
            hint="restore the log from a backup; to start a new log on purpose, move the head file away too",
        )
    return AuditLogProblem(
        path,
        "file-not-found",
        "no audit log here",
        hint="evaluations create it; give --audit-db or $SANCTIONSENGINE_AUDIT_DB to read another",
    )


def _records(n: int) -> str:
    return f"{n} record{'s' if n != 1 else ''}"


def _sqlite_header(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(16) == b"SQLite format 3\x00"
    except OSError:
        return True  # let SQLite say what is wrong


@contextmanager
def _connect(path: Path, create: bool) -> Iterator[sqlite3.Connection]:
    """Open the log; create it only where none existed (no file and no head file beside it)."""
    exists = path.exists()
    if not exists and (not create or read_head(path) is not None):
        raise _missing(path)
    if exists and not path.is_file():
        raise AuditLogProblem(path, "bad-file", "the audit log is not a regular file")
    if exists and path.stat().st_size == 0:
        raise AuditLogProblem(
            path,
            "bad-file",
            "the audit log is empty (0 bytes): it was truncated or replaced; no new chain is started over it",
            hint="restore it from a backup",
        )
    if exists and not _sqlite_header(path):
        raise AuditLogProblem(
            path,
            "bad-file",
            "the audit log is not a readable SQLite database (truncated or replaced); no new chain is started over it",
            hint="restore it from a backup",
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(path, timeout=60, isolation_level=None)) as conn:
            conn.execute("PRAGMA busy_timeout = 60000")
            # a damaged byte in a record (or in the schema) is not UTF-8: read it with U+FFFD in its place,
            # so the record fails its hash and is named, rather than the whole read ending in an exception
            conn.text_factory = lambda data: data.decode("utf-8", errors="replace")
            if not exists:
                conn.executescript(SCHEMA)
            elif not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_log'").fetchone():
                raise AuditLogProblem(
                    path,
                    "bad-file",
                    "the audit log has no audit_log table: it was dropped or this is another database; "
                    "no new chain is started over it",
                    hint="restore it from a backup",
                )
            yield conn
    except sqlite3.DatabaseError as exc:
        operational = ("locked", "busy", "readonly", "unable to open", "disk i/o", "out of memory")
        if exists and not any(word in str(exc).lower() for word in operational):  # the file is damaged
            raise AuditLogProblem(
                path,
                "bad-file",
                f"the audit log is not a readable SQLite database ({exc})",
                hint="restore it from a backup",
            ) from None
        raise AuditError(f"audit log {path}: {exc}") from None
    except sqlite3.Error as exc:
        raise AuditError(f"audit log {path}: {exc}") from None
    except UnicodeDecodeError:  # SQLite's own message quotes the damaged bytes of the schema
        raise AuditLogProblem(
            path,
            "bad-file",
            "the audit log is not a readable SQLite database (its schema is damaged)",
            hint="restore it from a backup",
        ) from None
    except OSError as exc:
        raise AuditError(f"audit log {path}: {exc.strerror or exc}") from None


def open_log(path: Path) -> AbstractContextManager[sqlite3.Connection]:
    """The log, opened (or created) with every check :func:`append` makes, for a caller that keeps
    one connection open across many appends (the service's writer)."""
    return _connect(path, create=True)


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


def _chain_problems(rows: list[tuple[int, str, str, str]]) -> dict[int, list[str]]:
    """record number → why it does not fit the chain (only records with a problem)."""
    problems: dict[int, list[str]] = {}
    prev_hash, prev_seq = GENESIS, 0
    for seq, body, stored_prev, stored_hash in rows:
        mine: list[str] = []
        if seq != prev_seq + 1:
            mine.append(f"follows record {prev_seq}; records {prev_seq + 1} to {seq - 1} are missing (deleted)")
        if stored_prev != prev_hash:
            mine.append("does not link to the record before it (a record before it was edited, inserted or deleted)")
        if chain_hash(stored_prev, body) != stored_hash:
            mine.append("its content does not match its hash (the record was edited)")
        if mine:
            problems[seq] = mine
        prev_hash, prev_seq = stored_hash, seq
    return problems


def _head_problems(path: Path, rows: list[tuple[int, str, str, str]], head: Head | None) -> list[str]:
    """What the head file beside the log says is missing from it (records cut from the end)."""
    if head is None:
        return []
    at = {seq: digest for seq, _, _, digest in rows}
    last = rows[-1][0] if rows else 0
    where = head_path(path).name
    out = []
    for records, digest in head.earlier:
        if at.get(records) != digest:
            out.append(
                f"the log once held {_records(records)} ending in {digest[:16]}… (its head file {where} kept "
                f"that head), and record {records} is no longer that record: the log was cut or rewritten, "
                "then appended to"
            )
    if head.records == 0:
        return out
    if last < head.records:
        out.append(
            f"the log ends at record {last}, but its head file {where} says it held {_records(head.records)}: "
            f"records {last + 1} to {head.records} were cut off"
        )
    elif at.get(head.records) != head.head:
        out.append(
            f"record {head.records} is not the one its head file {where} recorded (hash {head.head[:16]}…): "
            "the log was rewritten"
        )
    return out


def _select(conn: sqlite3.Connection) -> list[tuple[int, str, str, str]]:
    """The records in order; a cell a damaged file holds as another type is read as text (and then fails)."""
    rows = conn.execute("SELECT seq, body, prev_hash, hash FROM audit_log ORDER BY seq")
    return [
        (seq if isinstance(seq, int) else -1, str(body), str(prev_hash), str(digest))
        for seq, body, prev_hash, digest in rows
    ]


def _broken_summary(path: Path, problems: dict[int, list[str]], head_problems: list[str]) -> str:
    n = sum(len(p) for p in problems.values()) + len(head_problems)
    first = head_problems[0] if head_problems else next(f"record {s}: {p[0]}" for s, p in problems.items())
    return f"the audit log fails verification ({n} problem{'s' if n != 1 else ''}; first: {first})"


def preflight(path: Path | None = None, strict: bool | None = None) -> None:
    """Before an evaluation: refuse a damaged log, and (strict) one whose chain fails verification.

    Called before any work, so a run that could not be recorded is not run; ``append`` checks
    again under the write lock."""
    path = path or default_path()
    strict = strict_from_env() if strict is None else strict
    if not path.exists():
        if read_head(path) is not None:
            raise _missing(path)
        if not path.parent.exists():
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise AuditError(f"audit log {path}: {exc.strerror or exc}") from None
        return
    with _connect(path, create=False) as conn:
        rows = _select(conn)
    problems, head_problems = _chain_problems(rows), _head_problems(path, rows, read_head(path))
    if strict and (problems or head_problems):
        raise _refused(path, problems, head_problems)


def _refused(path: Path, problems: dict[int, list[str]], head_problems: list[str]) -> AuditLogProblem:
    return AuditLogProblem(
        path,
        "bad-file",
        _broken_summary(path, problems, head_problems) + f"; not appending (strict: --audit-strict or ${STRICT_ENV})",
        hint="run `sanctionsengine audit verify`",
    )


def append(
    record: AuditRecord,
    path: Path | None = None,
    *,
    strict: bool | None = None,
    warn: Callable[[str], None] | None = None,
) -> Entry:
    """Add a record at the end of the chain, under SQLite's write lock.

    A chain that fails verification (or is shorter than its head file says) gets the record
    with a warning (``warn``, by default on stderr), or, ``strict``, not at all. A log that
    existed and is gone, empty or without its table is refused: it never restarts at record 1.
    """
    return append_many([record], path, strict=strict, warn=warn)[0]


def append_many(
    records: list[AuditRecord],
    path: Path | None = None,
    *,
    strict: bool | None = None,
    warn: Callable[[str], None] | None = None,
    after: tuple[int, str] | None = None,
    conn: sqlite3.Connection | None = None,
) -> list[Entry]:
    """Add records at the end of the chain, in order, in one transaction (one verification of the
    chain, one head write): how a service records many requests at once. All or none are added.

    ``after`` is the (record number, hash) this writer appended last: when the log and its head
    file still end there, nobody else has written since the chain was last verified, so it is not
    read whole again (a long-running service would otherwise re-read the log on every append).
    ``conn`` is a connection the caller keeps open (from :func:`open_log`); its errors are the
    caller's to handle."""
    path = path or default_path()
    strict = strict_from_env() if strict is None else strict
    bodies = [canonical(r) for r in records]
    out: list[Entry] = []
    with nullcontext(conn) if conn is not None else _connect(path, create=True) as conn:
        conn.execute("BEGIN IMMEDIATE")
        old_head = read_head(path)
        try:
            last = conn.execute("SELECT seq, body, prev_hash, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
            unchanged = (
                after is not None
                and last is not None
                and (last[0], last[3]) == after
                and old_head is not None
                and (old_head.records, old_head.head) == after
                and not old_head.earlier
            )
            rows = [last] if unchanged else _select(conn)
            problems = {} if unchanged else _chain_problems(rows)
            head_problems = [] if unchanged else _head_problems(path, rows, old_head)
            if problems or head_problems:
                if strict:
                    raise _refused(path, problems, head_problems)
                (warn or _stderr)(
                    f"warning: {display_path(path)}: {_broken_summary(path, problems, head_problems)}; "
                    "this record is appended to a broken chain (run `sanctionsengine audit verify`)"
                )
            seq, prev = (rows[-1][0], rows[-1][3]) if rows else (0, GENESIS)
            for record, body in zip(records, bodies, strict=True):
                seq, digest = seq + 1, chain_hash(prev, body)
                conn.execute(
                    "INSERT INTO audit_log (seq, body, prev_hash, hash) VALUES (?, ?, ?, ?)", (seq, body, prev, digest)
                )
                out.append(Entry(seq=seq, record=record, prev_hash=prev, hash=digest))
                prev = digest
            earlier = list(old_head.earlier) if old_head else []
            if old_head is not None and head_problems:  # the cut must stay visible after this append
                earlier.append((old_head.records, old_head.head))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        # The head is written after the records are committed, under the write lock taken again, and
        # only ever forward: a process killed between the two leaves a head that lags (harmless),
        # never one ahead of the log, which would read as records cut off.
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = read_head(path)
            if current is None or current.records < seq:
                kept = [e for e in (current.earlier if current else []) if e not in earlier]
                _write_head(path, Head(records=seq, head=prev, earlier=kept + earlier))
        finally:
            conn.execute("COMMIT")
    return out


def _stderr(message: str) -> None:
    print(printable(message), file=sys.stderr)


class Listing(BaseModel):
    """Every record of a log, each marked with why it fails verification, and what is missing."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    entries: list[Entry]
    unreadable: dict[int, list[str]] = Field(description="record number → problems, for records that cannot be read")
    head_problems: list[str]
    records: int
    head: str

    @property
    def failing(self) -> int:
        return sum(1 for e in self.entries if e.problems) + len(self.unreadable)


def inspect(path: Path | None = None) -> Listing:
    """Read every record and check it, so a list or a show can mark what fails verification."""
    path = path or default_path()
    with _connect(path, create=False) as conn:
        rows = _select(conn)
    problems = _chain_problems(rows)
    out, unreadable = [], {}
    for seq, body, prev, digest in rows:
        mine = tuple(problems.get(seq, ()))
        try:
            record = AuditRecord.model_validate_json(body)
        except ValueError:
            unreadable[seq] = [*mine, "its content is not a record (edited)"]
            continue
        out.append(Entry(seq=seq, record=record, prev_hash=prev, hash=digest, problems=mine))
    return Listing(
        entries=out,
        unreadable=unreadable,
        head_problems=_head_problems(path, rows, read_head(path)),
        records=len(rows),
        head=rows[-1][3] if rows else GENESIS,
    )


def entries(path: Path | None = None) -> list[Entry]:
    listing = inspect(path)
    if listing.unreadable:
        seq = min(listing.unreadable)
        raise AuditError(f"record {seq} cannot be read (run `sanctionsengine audit verify`)")
    return listing.entries


class ChainCheck(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    records: int
    head: str
    problems: list[str]

    @property
    def intact(self) -> bool:
        return not self.problems


def verify_chain(path: Path | None = None) -> ChainCheck:
    """Recompute every hash and link; name each record whose content or place does not fit, and
    any records cut from the end (by the head file beside the log)."""
    path = path or default_path()
    with _connect(path, create=False) as conn:
        rows = _select(conn)
    problems = [f"record {seq}: {p}" for seq, ps in _chain_problems(rows).items() for p in ps]
    problems += _head_problems(path, rows, read_head(path))
    return ChainCheck(records=len(rows), head=rows[-1][3] if rows else GENESIS, problems=problems)


def find_report(sha256: str, path: Path | None = None) -> list[Entry]:
    """The records of evaluations that produced these exact bytes."""
    path = path or default_path()
    if not path.exists():
        return []
    return [e for e in inspect(path).entries if e.record.report.get("sha256") == sha256]
