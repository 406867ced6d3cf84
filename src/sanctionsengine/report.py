"""The report: one versioned model that every renderer reads and nothing else writes.

Schema versioning follows InSpec's policy: a *patch* fixes a description or provenance, a
*minor* adds fields, a *major* renames or removes them. Only ``run`` (its id and time) differs
between two evaluations of the same inputs; everything else is deterministic, so the rest of
the report can be compared byte for byte and re-verified.
"""

from __future__ import annotations

import os
import platform
import uuid
from collections import Counter
from datetime import UTC, date, datetime
from importlib.metadata import PackageNotFoundError, version

from pydantic import BaseModel, ConfigDict, Field

from .alerts.models import AlertReview
from .evidence import EvidenceCheck
from .listcoverage import TODAY_ENV, CoverageState, missing_note, today
from .rulebook import Rulebook
from .scenario import LoadedScenario
from .screening import DEFAULT_THRESHOLD, ScreeningList
from .verdicts import EventVerdict
from .vocabulary import VERDICT_MEANING, Verdict

SCHEMA_VERSION = "1.4.0"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def package_version() -> str:
    try:
        return version("sanctionsengine")
    except PackageNotFoundError:
        return "0+unknown"


class Run(_Model):
    """The run's own fields: the only ones that differ between two runs on the same inputs."""

    id: str
    started_at: str


class Tools(_Model):
    sanctionsengine: str
    durable_rules: str
    python: str

    @classmethod
    def current(cls) -> Tools:
        """The versions this process runs with."""
        from .engine import durable_version

        return cls(sanctionsengine=package_version(), durable_rules=durable_version(), python=platform.python_version())


class RulebookInput(_Model):
    path: str
    hash: str
    files: int
    rules: int
    regime: str


class ScenarioInput(_Model):
    path: str
    sha256: str
    id: str
    title: str


class SourceInput(_Model):
    id: str
    title: str
    language: str
    sha256: str | None
    url: str | None
    text: str = Field(description="at-hand (quotes checked), not-at-hand, no-hash or not-looked-for")
    found_at: str | None


class ListInput(_Model):
    kind: str = Field(description="un (the UN consolidated list, XML) or vessels (the 1718 vessels list)")
    title: str
    path: str
    sha256: str
    generated: str
    dated: date | None = Field(default=None, description="The list's date, as read from it (see date_basis)")
    date_basis: str = Field(default="", description="Where the date comes from")
    age_days: int | None = Field(
        default=None, description="Days from the list's date to lists_checked_on; for a vessels CSV an upper bound"
    )
    entries: int

    @classmethod
    def of(cls, lst: ScreeningList, on: date | None = None) -> ListInput:
        return cls(
            kind=lst.kind,
            title=lst.title,
            path=lst.path,
            sha256=lst.sha256,
            generated=lst.generated,
            dated=lst.dated,
            date_basis=lst.date_basis,
            age_days=(on - lst.dated).days if on is not None and lst.dated is not None else None,
            entries=len(lst.entries),
        )


class Inputs(_Model):
    rulebook: RulebookInput
    scenario: ScenarioInput
    sources: list[SourceInput]
    sources_dir: str | None = Field(description="The directory the source texts were read from, if any")
    as_of: date | None = Field(description="If set, every event was judged by the law as it stood that day")
    screening_list: str = Field(description="Which lists of designated persons and vessels were screened, or none")
    lists: list[ListInput] = Field(default_factory=list, description="The lists screened against")
    lists_checked_on: date | None = Field(
        default=None, description="The day list ages are counted to ($SANCTIONSENGINE_TODAY, or the run's date)"
    )
    name_threshold: float = Field(description="Score (0-100) at or above which a name counts as a possible match")


class Summary(_Model):
    events: int
    by_verdict: dict[str, int]
    by_family: dict[str, dict[str, int]]
    verdict_meaning: dict[str, str]
    by_screening: dict[str, int] = Field(
        default_factory=dict, description="Events by screening coverage: matched, screened-clear, not-screened..."
    )
    not_screened: str | None = Field(
        default=None, description="'parties not screened: ...' when any event names what no loaded list could match"
    )


class Report(_Model):
    schema_version: str = SCHEMA_VERSION
    run: Run
    tools: Tools
    inputs: Inputs
    summary: Summary
    events: list[EventVerdict]
    alerts: AlertReview | None = Field(
        default=None,
        description="The alerts (violation and potential-violation findings) with the reviewers' decisions "
        "applied: open, decided or re-opened; every finding stays in events",
    )


def checked_on(started: datetime) -> date:
    """The day list ages are counted to: $SANCTIONSENGINE_TODAY if set, else the run's own date."""
    return today() if os.environ.get(TODAY_ENV, "").strip() else started.date()


def build_report(
    book: Rulebook,
    loaded: LoadedScenario,
    evidence: EvidenceCheck,
    verdicts: list[EventVerdict],
    as_of: date | None,
    run_id: str | None = None,
    started_at: datetime | None = None,
    lists: list[ScreeningList] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    sources_dir: str | None = None,
) -> Report:

    scn = loaded.scenario
    started = (started_at or datetime.now(UTC)).astimezone(UTC)
    by_verdict = Counter(v.verdict.value for v in verdicts)
    by_family: dict[str, Counter[str]] = {}
    for v in verdicts:
        families = {f.family for f in v.findings if f.outcome == v.verdict}
        if v.verdict == Verdict.UNDECIDABLE and v.goods_not_stated:
            families |= {m.family for m in v.goods_not_stated.measures}
        for fam in sorted(families):
            by_family.setdefault(fam, Counter())[v.verdict.value] += 1
    checks = {s.source_id: s for s in evidence.sources}
    on = checked_on(started)
    by_screening = Counter(v.coverage.state.value for v in verdicts)
    missing = sorted({k for v in verdicts for k in v.coverage.missing})
    unscreened = by_screening.get(CoverageState.NOT_SCREENED.value, 0)
    return Report(
        run=Run(id=run_id or uuid.uuid4().hex, started_at=started.isoformat(timespec="seconds")),
        tools=Tools.current(),
        inputs=Inputs(
            rulebook=RulebookInput(
                path=book.root, hash=book.hash, files=len(book.files), rules=len(book.rules), regime=book.regime.title
            ),
            scenario=ScenarioInput(
                path=loaded.file, sha256=loaded.sha256, id=scn.scenario.id, title=scn.scenario.title
            ),
            sources=[
                SourceInput(
                    id=s.id,
                    title=s.title,
                    language=s.language,
                    sha256=s.sha256,
                    url=s.url,
                    text=checks[s.id].status if s.id in checks else "not-looked-for",
                    found_at=checks[s.id].found_at if s.id in checks else None,
                )
                for s in scn.sources
            ],
            as_of=as_of,
            sources_dir=sources_dir,
            screening_list="; ".join(lst.describe(on) for lst in lists)
            if lists
            else "none loaded: parties and vessels were not screened against the UN 1718 lists",
            lists=[ListInput.of(lst, on) for lst in (lists or [])],
            lists_checked_on=on,
            name_threshold=threshold,
        ),
        summary=Summary(
            events=len(verdicts),
            by_verdict={v.value: by_verdict.get(v.value, 0) for v in Verdict},
            by_family={
                fam: {v.value: c[v.value] for v in Verdict if c[v.value]} for fam, c in sorted(by_family.items())
            },
            verdict_meaning={v.value: VERDICT_MEANING[v] for v in Verdict},
            by_screening={c.value: by_screening.get(c.value, 0) for c in CoverageState},
            not_screened=f"{unscreened} of {len(verdicts)} events: {missing_note(missing)}" if unscreened else None,
        ),
        events=verdicts,
    )
