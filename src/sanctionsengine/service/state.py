"""What the service answers with: one rulebook and one set of lists, swapped whole, never mixed.

A :class:`Snapshot` is immutable; a request takes the current one once and uses it to the end,
so a refresh (``POST /v1/lists``) never changes the lists under a request. A refresh loads the
new lists completely before it swaps them in; when that fails, the previous snapshot keeps
serving and the failure is kept beside it, for ``/readyz`` and every response's headers.

Readiness fails closed: no rulebook, no list, a list older than the maximum age (or whose age
cannot be read while a maximum is set) each make ``/readyz`` 503 and refuse screening, since a
party screened against no list, or a stale one, would be reported clear when it may not be.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from ..errors import Diagnostic, InputError, SanctionsEngineError
from ..listcoverage import age_days, check_ages, today
from ..rulebook import Rulebook, bundled_rules_path, load_rulebook
from ..screening import DEFAULT_THRESHOLD, ScreeningList, load_un_list, load_vessel_list
from .config import ServiceConfig


class ListStatus(BaseModel):
    """One list the service screens against: which version, of when, how old."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str = Field(description="un (UN consolidated list, DPRK records) or vessels (1718 designated vessels)")
    title: str
    path: str
    sha256: str
    version: str = Field(description="kind:date:first 12 hex digits of the SHA-256, as in the X-Lists header")
    generated: str = Field(description="The list's own date, as written in it")
    date: str | None = Field(description="That date read as YYYY-MM-DD, or null when it cannot be read")
    date_basis: str = Field(description="Where the date comes from (for a vessels CSV: its latest designation)")
    age_days: int | None = Field(description="Days from that date to today ($SANCTIONSENGINE_TODAY, or UTC), or null")
    entries: int
    loaded_at: str


class Refresh(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    at: str
    ok: bool
    problems: list[str] = Field(default_factory=list, description="Why it failed, located as the CLI says it")


def _status(lst: ScreeningList, loaded_at: str, on: date) -> ListStatus:
    day = lst.dated
    return ListStatus(
        kind=lst.kind,
        title=lst.title,
        path=lst.path,
        sha256=lst.sha256,
        version=f"{lst.kind}:{day.isoformat() if day else 'undated'}:{lst.sha256[:12]}",
        generated=lst.generated,
        date=day.isoformat() if day else None,
        date_basis=lst.date_basis,
        age_days=age_days(day, on),
        entries=len(lst.entries),
        loaded_at=loaded_at,
    )


def _problems(exc: SanctionsEngineError) -> list[str]:
    if isinstance(exc, InputError):
        return exc.diagnostics.lines()
    return [str(exc)]


@dataclass(frozen=True)
class Snapshot:
    book: Rulebook | None
    book_problems: tuple[str, ...]
    lists: tuple[ScreeningList, ...]
    loaded_at: str
    threshold: float
    config: ServiceConfig

    @property
    def rulebook_hash(self) -> str:
        return self.book.hash if self.book else "none"

    def statuses(self, on: date | None = None) -> list[ListStatus]:
        on = on or today()
        return [_status(lst, self.loaded_at, on) for lst in self.lists]

    def list_versions(self) -> str:
        """For the ``X-Lists`` header: each list's kind, date and hash prefix, or 'none'."""
        return ", ".join(s.version for s in self.statuses()) or "none"

    def not_ready(self, on: date | None = None) -> list[str]:
        """Why the service cannot screen now (empty when it can)."""
        reasons = [f"the rulebook failed to load: {p}" for p in self.book_problems]
        if not self.lists:
            reasons.append(
                "no screening list is loaded: a party could not be matched, so none is screened "
                "(give --list/--vessels, or fill the cache with `sanctionsengine lists fetch`)"
            )
        try:  # a list dated in the future, older than the maximum age, or of unknown age with a maximum
            check_ages(self.lists, max_age=self.config.max_list_age_days, warn_age=None, on=on)
        except InputError as exc:
            reasons += [
                f"{line}; load a newer one (POST /v1/lists)" if "list-age" in line else line
                for line in exc.diagnostics.lines()
            ]
        return reasons


def _load_book(config: ServiceConfig) -> tuple[Rulebook | None, tuple[str, ...]]:
    try:
        return load_rulebook(config.rules_dir if config.rules_dir is not None else bundled_rules_path()), ()
    except SanctionsEngineError as exc:
        return None, tuple(_problems(exc))
    except OSError as exc:
        return None, (f"{config.rules_dir}: {exc.strerror or exc}",)


def _list_paths(config: ServiceConfig) -> tuple[list[Path], list[Path]]:
    if config.un_lists or config.vessel_lists or not config.use_cache:
        return list(config.un_lists), list(config.vessel_lists)
    from ..listcache import cached_paths

    return cached_paths()


def load_lists(config: ServiceConfig) -> tuple[ScreeningList, ...]:
    """Every configured list, loaded whole; raises with all problems if any fails."""
    un, vessels = _list_paths(config)
    lists: list[ScreeningList] = []
    problems: list[Diagnostic] = []
    for path, loader in [(p, load_un_list) for p in un] + [(p, load_vessel_list) for p in vessels]:
        try:
            lists.append(loader(Path(path)))
        except InputError as exc:
            problems.extend(exc.diagnostics)
    if problems:
        raise InputError(problems)
    return tuple(lists)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class State:
    """The current snapshot and the last refresh; :meth:`refresh` swaps lists atomically."""

    config: ServiceConfig
    snapshot: Snapshot = field(init=False)
    refresh_status: Refresh | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        book, book_problems = _load_book(self.config)
        problems: list[str] = []
        try:
            lists = load_lists(self.config)
        except SanctionsEngineError as exc:
            lists, problems = (), _problems(exc)
        threshold = self.config.name_threshold or DEFAULT_THRESHOLD
        self.snapshot = Snapshot(book, book_problems, lists, _now(), threshold, self.config)
        if problems:
            self.refresh_status = Refresh(at=_now(), ok=False, problems=problems)
        if book is not None:
            from ..bulk.pipeline import prepare

            prepare(book, None)  # the durable-rules host is built before the first request

    @classmethod
    def of(cls, config: ServiceConfig, snapshot: Snapshot) -> State:
        """A state around a snapshot already made (tests; the OpenAPI document)."""
        state = cls.__new__(cls)
        state.config, state.snapshot, state.refresh_status, state._lock = config, snapshot, None, threading.Lock()
        return state

    def refresh(self) -> Refresh:
        """Load the lists again from where they were configured; swap only if all load."""
        with self._lock:  # one refresh at a time; requests keep reading the old snapshot meanwhile
            try:
                lists = load_lists(self.config)
            except SanctionsEngineError as exc:
                self.refresh_status = Refresh(at=_now(), ok=False, problems=_problems(exc))
                return self.refresh_status
            old = self.snapshot
            self.snapshot = Snapshot(old.book, old.book_problems, lists, _now(), old.threshold, old.config)
            self.refresh_status = Refresh(at=_now(), ok=True)
            return self.refresh_status

    def refresh_header(self) -> str:
        r = self.refresh_status
        if r is None:
            return "none"
        if r.ok:
            return f"ok {r.at}"
        return f"failed {r.at}; serving the lists loaded {self.snapshot.loaded_at}"


def body_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
