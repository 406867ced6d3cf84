"""Every request and its answer in the audit log, written in batches, never dropped.

Requests hand their record to one writer thread and wait for it: the writer takes every record
waiting (up to a batch), appends them to the hash chain in one SQLite transaction (under the
write lock, as :func:`sanctionsengine.audit.append` does, so the CLI can write the same log),
and only then lets the requests answer. A record that cannot be written fails its request with
503: nothing is answered unrecorded. Under load, many requests share one commit (group commit),
which is how the log keeps up without a queue that could lose records on a crash.

A record names the API key's name (never the key), the method and path, the status, the SHA-256
of the request body (where a scenario's hash would be) and of the answer (where a report's would be).
"""

from __future__ import annotations

import getpass
import os
import queue
import socket
import sqlite3
import threading
from concurrent.futures import Future
from datetime import UTC, datetime
from pathlib import Path

from .. import audit
from ..audit import GENESIS, SCHEMA, AuditError, AuditRecord, canonical, chain_hash

_STOP = object()


class AuditWriter:
    def __init__(self, path: Path | None = None, batch: int = 256):
        self.path = path or audit.default_path()
        self.batch = batch
        self._queue: queue.Queue[object] = queue.Queue()
        self._conn: sqlite3.Connection | None = None
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    def submit(self, record: AuditRecord) -> Future[int]:
        """A future of the record's sequence number, or of the AuditError that stopped it."""
        future: Future[int] = Future()
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="sanctionsengine-audit", daemon=True)
                self._thread.start()
        self._queue.put((record, future))
        return future

    def close(self) -> None:
        """Write what is waiting, then stop."""
        with self._start_lock:
            if self._thread is not None:
                self._queue.put(_STOP)
                self._thread.join()
                self._thread = None
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA busy_timeout = 60000")
            conn.executescript(SCHEMA)
            self._conn = conn
        return self._conn

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            items = [item]
            stop = False
            while len(items) < self.batch:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is _STOP:
                    stop = True
                    break
                items.append(more)
            self._write(items)  # type: ignore[arg-type]
            if stop:
                return

    def _write(self, items: list[tuple[AuditRecord, Future[int]]]) -> None:
        try:
            conn = self._connection()
            conn.execute("BEGIN IMMEDIATE")
            try:
                last = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
                seq, prev = (last[0], last[1]) if last else (0, GENESIS)
                done = []
                for record, _ in items:
                    body = canonical(record)
                    digest = chain_hash(prev, body)
                    seq += 1
                    conn.execute(
                        "INSERT INTO audit_log (seq, body, prev_hash, hash) VALUES (?, ?, ?, ?)",
                        (seq, body, prev, digest),
                    )
                    prev = digest
                    done.append(seq)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        except (sqlite3.Error, OSError) as exc:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            error = AuditError(f"audit log {self.path}: {getattr(exc, 'strerror', None) or exc}")
            for _, future in items:
                future.set_exception(error)
            return
        for (_, future), n in zip(items, done, strict=True):
            future.set_result(n)


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


_HOST = socket.gethostname()
_CWD = os.getcwd()


def request_record(
    *,
    request_id: str,
    key_name: str | None,
    client: str,
    method: str,
    path: str,
    status: int,
    body_sha256: str,
    answer_sha256: str,
    rulebook: dict[str, str],
    lists: list[dict[str, str]],
    as_of: str | None,
    versions: dict[str, str],
    verdicts: dict[str, int],
) -> AuditRecord:
    return AuditRecord(
        recorded_at=datetime.now(UTC).isoformat(timespec="microseconds"),
        user=f"api-key:{key_name}" if key_name else f"{_user()} (no key)",
        host=_HOST,
        command=["sanctionsengine serve", method, path, f"status={status}", f"client={client}"],
        cwd=_CWD,
        run_id=request_id,
        rulebook=rulebook,
        scenario={"path": f"request:{method} {path}", "sha256": body_sha256},
        sources=[],
        lists=lists,
        as_of=as_of,
        versions=versions,
        verdicts=verdicts,
        report={"format": f"http-{status}", "sha256": answer_sha256, "path": None},
    )
