"""Bulk screening in two steps: per partition (map), then once for the whole file (reduce).

**Map** (any worker, any order): read a partition, check its rows, and keep only those that
could have a DPRK nexus: a DPRK supplier, recipient or subject, or a party, vessel or identifier
that resembles an entry of the lists. The regime's rule is the only way into the regime, and it
needs one of these, so every other row is out of scope without asking the engine; that decision
is the compiled regime rule read column-wise, and the differential test holds it to the engine's.

**Reduce** (once, in row order): the candidate rows become events and are screened exactly;
rows are grouped by their match signature (:mod:`.signature`); one event per signature goes
through durable-rules and the judge; rows matching a cap are then added to the cap's ledger in
date order, row by row, as the scenario path does, and their findings completed. Every row gets
the verdict the scenario path would give it: ``tests/test_bulk.py`` checks this on generated
rows, row by row.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import polars as pl
from pydantic import BaseModel, ConfigDict, Field

from ..compile import CompiledRulebook, Variant, compile_rulebook, event_fact, fact_overflow, key
from ..evaluation import prepared_engine
from ..limits import MAX_FACT_PROPERTIES
from ..listcoverage import BULK_FIELDS, HOLDS, CoverageState, coverage_of
from ..rulebook import Rulebook, load_rulebook
from ..scenario import Event, Scenario, ScenarioInfo, Source
from ..screening import EventScreening, Screener, ScreeningList
from ..verdicts import (
    GoodsNotStated,
    MatchTable,
    _apply_exemptions,
    decide,
    event_findings,
    goods_not_stated,
    governs,
    judge_caps,
    match_table,
    rule_outcome,
)
from ..vessel_measures import all_facts as all_measure_facts
from ..vocabulary import Flag, PartyScope, RuleKind, Verdict
from .mapping import ColumnMapping
from .read import Partition, read_partition
from .rows import check, reject_records, to_event
from .signature import SignatureSpec


class RowFinding(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rule_id: str
    outcome: Verdict
    citation: str
    version: str
    missing: list[str] = Field(default_factory=list)
    computation: str | None = Field(default=None, description="For a cap: the running total, in words")


class RowMatch(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    role: str
    query: str
    reference: str
    method: str
    score: float
    definite: bool
    in_force: bool


class RowVerdict(BaseModel):
    """One row's verdict, with the findings and list matches it rests on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    row: int
    line: int | None
    id: str
    verdict: Verdict
    findings: list[RowFinding]
    goods_not_stated: GoodsNotStated | None = Field(
        default=None, description="The goods are not stated: the measures that could apply"
    )
    matches: list[RowMatch]
    screening: CoverageState = Field(
        default=CoverageState.NOTHING_TO_SCREEN,
        description="matched, screened-clear, not-screened (a list that could match it is not loaded) or nothing-to-screen",
    )
    not_screened: str | None = Field(default=None, description="'parties not screened: ...' when it was not")


@dataclass(frozen=True)
class Settings:
    """What every partition is screened with (picklable, for workers)."""

    mapping: ColumnMapping
    rules_root: str
    threshold: float
    columns: tuple[str, ...]  # the source columns to read (JSON lines)
    others_dir: str | None = None  # where to keep out-of-scope rows for a per-row verdict file


class RowsUnaccounted(RuntimeError):
    """Rows read and rows rejected do not add up to the rows in the file: an internal fault."""


@dataclass
class MapResult:
    index: int
    rows: int  # records in the partition (blank lines not counted)
    read: int  # of them, read and judged (the rest are in ``rejects``)
    blank: int  # blank lines in the partition: neither rows nor rejects
    rejects: list[dict[str, Any]]
    candidates: pl.DataFrame
    out_of_scope: int
    others_file: str | None = None
    not_screened: int = 0  # out-of-scope rows naming what no loaded list could match
    first_row: int = 0
    timings: dict[str, float] = field(default_factory=dict)


@lru_cache(maxsize=4)
def _book(root: str) -> Rulebook:
    return load_rulebook(root)


def _identifiers(lists: list[ScreeningList]) -> tuple[list[str], list[str]]:
    imos = sorted({e.imo for lst in lists for e in lst.entries if e.imo})
    refs = sorted({e.reference.upper() for lst in lists for e in lst.entries if e.reference.upper().startswith("KP")})
    return imos, refs


def nexus(good: pl.DataFrame, book: Rulebook, lists: list[ScreeningList], threshold: float) -> pl.Expr:
    """Whether each checked row could have a DPRK nexus: a DPRK supplier, recipient or subject, or
    a name, vessel or identifier that resembles an entry of the lists. Rows without one are out of
    scope without asking the engine (the regime rule needs one of these)."""
    return nexus_for(good, book.regime.target_country, lists, threshold)


def nexus_for(good: pl.DataFrame, target: str, lists: list[ScreeningList], threshold: float) -> pl.Expr:
    """:func:`nexus` for the regime's target country ``target`` (the re-screen's delta uses it too)."""
    names: set[str] = set()
    for col in ("supplier_name", "recipient_name", "vessel"):
        names.update(n for n in good[col].drop_nulls().unique().to_list())
    hits = sorted(Screener(lists, threshold).prefilter(names)) if (lists and names) else []
    imos, refs = _identifiers(lists)
    return (
        (pl.col("supplier") == target).fill_null(False)
        | (pl.col("recipient") == target).fill_null(False)
        | pl.col("concerns").list.contains(target).fill_null(False)
        | pl.col("flags").list.contains(Flag.DESIGNATED_PARTY.value).fill_null(False)  # the row says so
        | pl.col("supplier_name").is_in(hits).fill_null(False)
        | pl.col("recipient_name").is_in(hits).fill_null(False)
        | pl.col("vessel").is_in(hits).fill_null(False)
        | pl.col("imo").is_in(imos).fill_null(False)
        | pl.col("supplier_ref").str.to_uppercase().is_in(refs).fill_null(False)
        | pl.col("recipient_ref").str.to_uppercase().is_in(refs).fill_null(False)
    )


def map_partition(
    part: Partition, settings: Settings, lists: list[ScreeningList], book: Rulebook | None = None
) -> MapResult:
    """Check one partition's rows and keep the candidates for a DPRK nexus (``book``: the
    rulebook already loaded, when mapping in this process; a worker loads its own)."""
    book = book or _book(settings.rules_root)
    raw = read_partition(part, list(settings.columns))
    good, rejected = check(raw.frame, settings.mapping, book)
    found = reject_records(rejected)
    if raw.texts is not None:  # the record as it was in the file, not its cells put back together
        for r in found:
            r["record"] = raw.texts.of(int(r["row"]))
    rejects = [
        {"row": r, "line": line or None, "reason": why, "record": text} for r, line, why, text in raw.broken
    ] + found
    good = good.with_columns(nexus(good, book, lists, settings.threshold).alias("_nexus"))
    candidates = good.filter(pl.col("_nexus")).drop("_nexus")
    candidates, oversized = split_oversized(candidates, book)
    for r in oversized:  # its record as it was in the file, where the file has text
        if raw.texts is not None:
            r["record"] = raw.texts.of(int(r["row"]))
        elif "_raw" in raw.frame.columns:
            r["record"] = raw.frame.filter(pl.col("_row") == r["row"])["_raw"][0]
    rejects += oversized
    others_file = None
    others = good.filter(~pl.col("_nexus")).select(
        "_row", "_line", "id", unscreened_expr(lists).alias("_unscreened"), named_expr().alias("_named")
    )
    if settings.others_dir is not None:
        others_file = str(Path(settings.others_dir) / f"part-{part.index:06d}.parquet")
        others.write_parquet(others_file)
    read = candidates.height + others.height
    if read + len(rejects) != part.records:  # a reader fault, never the user's: stop, do not under-report
        raise RowsUnaccounted(
            f"partition {part.index} of {part.shown or part.path}: {part.records} records in the file, "
            f"{read} read and {len(rejects)} rejected"
        )
    return MapResult(
        index=part.index,
        rows=part.records,
        read=read,
        blank=part.blank,
        rejects=sorted(rejects, key=lambda r: int(r["row"])),
        candidates=candidates,
        out_of_scope=others.height,
        others_file=others_file,
        not_screened=int(others["_unscreened"].sum()),
        first_row=part.first_row,
    )


def unscreened_expr(lists: list[ScreeningList]) -> pl.Expr:
    """True for a row that names a party, vessel or identifier no loaded list could match."""
    have = {lst.kind for lst in lists}
    cond = pl.lit(False)
    for name, what in BULK_FIELDS.items():
        if HOLDS[what] not in have:
            cond = cond | (pl.col(name).is_not_null() & (pl.col(name).cast(pl.String).str.strip_chars() != ""))
    return cond.fill_null(False)


def named_expr() -> pl.Expr:
    """True for a row that names a party, vessel or identifier (something a list could hold)."""
    cond = pl.lit(False)
    for name in BULK_FIELDS:
        cond = cond | (pl.col(name).is_not_null() & (pl.col(name).cast(pl.String).str.strip_chars() != ""))
    return cond.fill_null(False)


_FACT_KEYS: dict[str, frozenset[str]] = {}


def _fact_keys(book: Rulebook) -> frozenset[str]:
    if book.hash not in _FACT_KEYS:
        _FACT_KEYS[book.hash] = compile_rulebook(book).fact_keys
    return _FACT_KEYS[book.hash]


def split_oversized(candidates: pl.DataFrame, book: Rulebook) -> tuple[pl.DataFrame, list[dict[str, Any]]]:
    """Rows whose fact would be past durable-rules' property limit, as rejects with their line
    (one hostile row must not crash the whole screening); the others, to be judged.

    Only rows with enough list items to come near the bound are built into facts and checked
    with :func:`~sanctionsengine.compile.fact_overflow`, the check the scenario path makes."""
    if candidates.height == 0:
        return candidates, []
    items = (
        pl.col("hs").list.len().fill_null(0) * 3
        + pl.col("category").list.len().fill_null(0)
        + pl.col("flags").list.len().fill_null(0)
        + pl.col("offered").list.len().fill_null(0)
        + pl.col("concerns").list.len().fill_null(0)
    )
    near = candidates.filter(items > MAX_FACT_PROPERTIES - 32)
    if near.height == 0:
        return candidates, []
    keys = _fact_keys(book)
    rejects: list[dict[str, Any]] = []
    bad: list[int] = []
    for row in near.to_dicts():
        fact = event_fact(to_event(row), 0, "s")
        fact.update({key("dsg", scope.value): 1 for scope in PartyScope})  # room for what screening may add
        fact.update({key(prefix, column): 1 for prefix, column in all_measure_facts()})
        problem = fact_overflow(fact, keys)
        if problem is not None:
            bad.append(int(row["_row"]))
            record = json.dumps({k: v for k, v in row.items() if not k.startswith("_")}, default=str)
            rejects.append({"row": row["_row"], "line": row["_line"] or None, "reason": problem, "record": record})
    return candidates.filter(~pl.col("_row").is_in(bad)), rejects


_SOURCE = Source(id="input", title="bulk input", language="en", url="about:bulk")


def _decide(in_regime: bool, findings: list[Any], undecided: GoodsNotStated | None) -> Verdict:
    return decide(in_regime, [f.outcome for f in findings] + ([Verdict.UNDECIDABLE] if undecided else []))


def _row_finding(f: object) -> RowFinding:
    from ..verdicts import Finding

    assert isinstance(f, Finding)
    return RowFinding(
        rule_id=f.rule_id,
        outcome=f.outcome,
        citation=f.citation,
        version=f.version,
        missing=list(f.missing),
        computation=f.computation.text if f.computation else None,
    )


def _matches(screening: EventScreening) -> list[RowMatch]:
    return [
        RowMatch(
            role=m.role,
            query=m.query,
            reference=m.reference,
            method=m.method,
            score=m.score,
            definite=m.definite,
            in_force=m.in_force,
        )
        for m in screening.matches
    ]


TIMEOUT = 600.0
#: Fewer distinct names than this are looked up one by one: the batch prefilter costs more than it saves
#: (a service screening one transaction); results are the same either way.
PREFILTER_FROM = 32
_SPECS: dict[tuple[str, int], SignatureSpec] = {}


def _signature_spec(book: Rulebook, compiled: CompiledRulebook) -> SignatureSpec:
    """One per compiled rulebook: reading every condition costs tens of milliseconds."""
    key = (book.hash, id(compiled))
    spec = _SPECS.get(key)
    if spec is None:
        if len(_SPECS) > 8:
            _SPECS.clear()
        spec = _SPECS[key] = SignatureSpec(book, compiled)
    return spec


def prepare(book: Rulebook, as_of: date | None) -> None:
    """Build what the reduce step needs (the durable-rules host, the units registry) ahead of
    time: done on a thread while the partitions are read, since reading is mostly polars' own
    threads and leaves the interpreter free."""
    from ..quantities import _registry

    prepared_engine(book, as_of, TIMEOUT)
    _registry()


def judge_rows(
    book: Rulebook,
    candidates: pl.DataFrame,
    lists: list[ScreeningList],
    threshold: float,
    as_of: date | None = None,
    timeout: float = TIMEOUT,
) -> tuple[list[RowVerdict], int]:
    """The verdict of every candidate row, as the scenario path would give it; and how many
    distinct signatures (events matched by durable-rules) they had."""
    if candidates.height == 0:
        return [], 0
    candidates = candidates.sort("_row")
    rows = candidates.to_dicts()
    events: list[Event] = [to_event(r) for r in rows]
    screener = Screener(lists, threshold)
    names = {
        n
        for e in events
        for n in (e.supplier and e.supplier.name, e.recipient and e.recipient.name, *(v.name for v in e.vessels))
        if n
    }
    if lists and len(names) > PREFILTER_FROM:
        screener.prefilter(names)
    screenings = [screener.screen_event(e) for e in events]
    coverages = [coverage_of(e, lists, sc) for e, sc in zip(events, screenings, strict=True)]
    engine = prepared_engine(book, as_of, timeout)
    spec = _signature_spec(book, engine.compiled)
    by_signature: dict[str, int] = {}
    signature_of: list[int] = []
    reps: list[int] = []
    for i, e in enumerate(events):
        key = spec.of(event_fact(e, i, "s", screenings[i]))
        s = by_signature.get(key)
        if s is None:
            s = by_signature[key] = len(reps)
            reps.append(i)
        signature_of.append(s)
    rep_events = [events[i] for i in reps]
    rep_screenings = [screenings[i] for i in reps]
    from ..compile import scenario_facts

    matches = engine.run(scenario_facts(rep_events, "bulk", rep_screenings))
    table = match_table(book, engine.compiled, rep_events, matches)
    scenario = Scenario(scenario=ScenarioInfo(id="bulk", title="bulk"), sources=(_SOURCE,), events=tuple(rep_events))
    rep_caps = judge_caps(book, rep_events, table)
    pre: list[tuple[list, list]] = []  # type: ignore[type-arg]
    rep_verdicts: list[tuple[Verdict, list[RowFinding], GoodsNotStated | None]] = []
    has_cap: list[list[str]] = []
    for s, e in enumerate(rep_events):
        findings, exemptions = event_findings(book, table, s, e, scenario, rep_screenings[s], rep_caps, as_of)
        pre.append((findings, exemptions))
        post = _apply_exemptions(findings, exemptions, e, as_of, governs(table, s, as_of))
        in_regime = table.in_regime[s]
        if not in_regime:
            post = []
        post, undecided = goods_not_stated(post)
        rep_verdicts.append((_decide(in_regime, post, undecided), [_row_finding(f) for f in post], undecided))
        caps = []
        for rid in table.matched[s]:
            if book.rule(rid).kind == RuleKind.CAP:
                version, _ = table.chosen[(s, rid)]
                if {Variant.MATCH, Variant.MISSING_QUANTITY} & set(table.matched[s][rid][version.version]):
                    caps.append(rid)
        has_cap.append(caps)
    # caps, row by row: a table with each cap row pointing at its signature's matches
    cap_rows = [i for i, s in enumerate(signature_of) if has_cap[s]]
    row_table = MatchTable(
        matched={i: table.matched[signature_of[i]] for i in cap_rows},
        in_regime={i: table.in_regime[signature_of[i]] for i in cap_rows},
        chosen={
            (i, rid): table.chosen[(signature_of[i], rid)] for i in cap_rows for rid in table.matched[signature_of[i]]
        },
    )
    row_caps = judge_caps(book, events, row_table, only=cap_rows)
    out: list[RowVerdict] = []
    for i, r in enumerate(rows):
        s = signature_of[i]
        verdict, row_findings, undecided = rep_verdicts[s]
        if has_cap[s]:
            rep_findings, exemptions = pre[s]
            replaced = []
            for f in rep_findings:
                if f.rule_id in has_cap[s]:
                    rule = book.rule(f.rule_id)
                    version, note = table.chosen[(s, f.rule_id)]
                    variants = table.matched[s][f.rule_id][version.version]
                    o = rule_outcome(
                        book,
                        rule,
                        version,
                        variants,
                        events[i],
                        scenario,
                        screenings[i],
                        row_caps[(i, f.rule_id)],
                        note,
                        as_of,
                    )
                    f = f.model_copy(
                        update={
                            "outcome": o.verdict,
                            "reasons": o.reasons,
                            "missing": o.missing,
                            "computation": o.computation,
                        }
                    )
                replaced.append(f)
            post = _apply_exemptions(replaced, exemptions, events[i], as_of, governs(table, s, as_of))
            in_regime = table.in_regime[s]
            if not in_regime:
                post = []
            post, undecided = goods_not_stated(post)
            verdict, row_findings = _decide(in_regime, post, undecided), [_row_finding(f) for f in post]
        out.append(
            RowVerdict(
                row=int(r["_row"]),
                line=int(r["_line"]) or None,
                id=str(r["id"]),
                verdict=verdict,
                findings=row_findings,
                goods_not_stated=undecided,
                matches=_matches(screenings[i]),
                screening=coverages[i].state,
                not_screened=coverages[i].note,
            )
        )
    return out, len(reps)


def temp_dir() -> str:
    return tempfile.mkdtemp(prefix="sanctionsengine-bulk-")
