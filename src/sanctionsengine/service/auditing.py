"""Every request and its answer in the audit log, written in batches, never dropped.

Requests hand their record to one writer thread and wait for it: the writer takes every record
waiting (up to a batch) and appends them with :func:`sanctionsengine.audit.append_many` (one
SQLite transaction under the write lock, one check of the chain, one head-file update, as the
CLI's own appends do, so both can write the same log), and only then lets the requests answer. A record that cannot be written fails its request with
503: nothing is answered unrecorded. Under load, many requests share one commit (group commit),
which is how the log keeps up without a queue that could lose records on a crash.

A record names the API key's name (never the key), the method and path, the status, the SHA-256
of the request body (where a scenario's hash would be) and of the answer (where a report's would be).
"""

from __future__ import annotations

import getpass
import logging
import os
import queue
import socket
import sqlite3
import threading
from concurrent.futures import Future
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

from .. import audit
from ..audit import AuditError, AuditRecord
from ..errors import SanctionsEngineError

log = logging.getLogger("sanctionsengine.service")

_STOP = object()


class AuditWriter:
    def __init__(self, path: Path | None = None, batch: int = 256):
        self.path = path or audit.default_path()
        self.batch = batch
        self._queue: queue.Queue[object] = queue.Queue()
        self._last: tuple[int, str] | None = None  # what this writer appended last (see append_many)
        self._stack: ExitStack | None = None
        self._conn: sqlite3.Connection | None = None
        self._inode: int | None = None
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
                self._thread.join()  # the writer closes its connection on its own thread
                self._thread = None

    def _run(self) -> None:
        try:
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
        finally:
            self._close()

    def _connection(self) -> sqlite3.Connection:
        """One connection kept open, in WAL mode (a commit is one sync of the log, not three);
        opened again, with every check, if the file under it was replaced or removed."""
        try:
            inode: int | None = os.stat(self.path).st_ino
        except OSError:
            inode = None
        if self._conn is None or inode != self._inode:
            self._close()
            stack = ExitStack()
            conn = stack.enter_context(audit.open_log(self.path))
            try:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = FULL")
            except sqlite3.Error:
                stack.close()
                raise
            self._stack, self._conn, self._inode = stack, conn, os.stat(self.path).st_ino
        return self._conn

    def _close(self) -> None:
        if self._stack is not None:
            try:
                self._stack.close()
            except SanctionsEngineError:
                pass
        self._stack, self._conn, self._inode = None, None, None

    def _write(self, items: list[tuple[AuditRecord, Future[int]]]) -> None:
        try:
            written = audit.append_many(
                [record for record, _ in items],
                self.path,
                warn=log.warning,
                after=self._last,
                conn=self._connection(),
            )
        except (SanctionsEngineError, sqlite3.Error, OSError) as exc:  # nothing written: the requests fail
            self._last = None
            self._close()
            if not isinstance(exc, SanctionsEngineError):
                exc = AuditError(f"audit log {self.path}: {getattr(exc, 'strerror', None) or exc}")
            for _, future in items:
                future.set_exception(exc if isinstance(exc, AuditError) else AuditError(str(exc)))
            return
        self._last = (written[-1].seq, written[-1].hash)
        for (_, future), entry in zip(items, written, strict=True):
            future.set_result(entry.seq)


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
