"""What the endpoints do, without HTTP: screen transactions, evaluate a scenario document.

Transactions take the bulk path: the same row checks (:func:`~sanctionsengine.bulk.rows.check`),
the same DPRK-nexus pre-screen (:func:`~sanctionsengine.bulk.pipeline.nexus`), the same grouping
by match signature and the same judge (:func:`~sanctionsengine.bulk.pipeline.judge_rows`),
so a transaction posted here gets the verdict the same row of a ledger gets from
``sanctionsengine screen``. A body is first read as JSON the fast way; only when something is
wrong with it is it read again with positions (as YAML, which JSON is), so that every problem is
located ``request:line:col`` and worded as the CLI words it, all of them at once. As ``screen FILE``
does, a request that names what no loaded list could match (a vessel, with only the UN list
loaded) is refused (``list-missing``): nothing is reported clear that was not screened.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import polars as pl
from pydantic import ValidationError

from ..bulk.fields import FIELDS
from ..bulk.mapping import ColumnMapping
from ..bulk.pipeline import RowVerdict, judge_rows, named_expr, nexus, split_oversized, unscreened_expr
from ..bulk.rows import check
from ..errors import Diagnostic, InputError, SourceLocation
from ..evaluation import judge_scenario
from ..evidence import check_evidence
from ..listcoverage import NOT_SCREENED_NOTE, CoverageState, bulk_gate
from ..report import Report, build_report
from ..rulebook import Rulebook
from ..scenario import parse_scenario
from ..vocabulary import RuleKind, Verdict
from ..yamlfile import YamlDocument, parse_yaml, validate
from .models import ScreenRequest
from .state import Snapshot

REQUEST = "request"  # the "file" of a located problem in a request body
_MAPPING = ColumnMapping()


def _text(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            [Diagnostic(SourceLocation(REQUEST, 1, exc.start + 1), "bad-file", f"not UTF-8 text (byte {exc.start})")]
        ) from None


def _document(body: bytes) -> YamlDocument:
    return parse_yaml(_text(body), REQUEST)


def parse_screen_request(body: bytes, max_batch: int) -> tuple[ScreenRequest, YamlDocument | None]:
    """The request, or InputError with every problem located in the body."""
    try:
        request = ScreenRequest.model_validate_json(body)
        doc = None
    except ValidationError:
        doc = _document(body)
        request, problems = validate(ScreenRequest, doc.data, doc)
        if problems:
            raise InputError(problems) from None
        if request is None:  # pragma: no cover - validate gives problems or an object
            raise InputError([Diagnostic(SourceLocation(REQUEST), "bad-value", "not a screening request")]) from None
    items = request.items()
    if len(items) > max_batch:
        doc = doc or _document(body)
        raise InputError(
            [
                Diagnostic(
                    doc.location(("transactions",)),
                    "limit",
                    f"{len(items):,} transactions in one request; this service takes at most {max_batch:,}",
                    hint="split the batch",
                )
            ]
        )
    return request, doc


def _cell(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _where(doc: YamlDocument | None, body: bytes, request: ScreenRequest, row: int) -> SourceLocation:
    doc = doc or _document(body)
    return doc.location(("transaction",) if request.transaction is not None else ("transactions", row))


def screen(snapshot: Snapshot, body: bytes) -> tuple[list[RowVerdict], ScreenRequest]:
    """Every transaction's verdict, in order; InputError listing every bad transaction."""
    book = snapshot.book
    assert book is not None
    request, doc = parse_screen_request(body, snapshot.config.max_batch)
    as_of = _as_of(request.as_of, doc, body)
    items = request.items()
    columns = {name: [_cell(getattr(t, name)) for t in items] for name in FIELDS}
    raw = pl.DataFrame(columns, schema=dict.fromkeys(FIELDS, pl.String)).with_columns(
        pl.int_range(0, len(items), dtype=pl.Int64).alias("_row"), pl.lit(0, dtype=pl.Int64).alias("_line")
    )
    lists = list(snapshot.lists)
    given = [name for name in FIELDS if any(v is not None for v in columns[name])]
    _gate(given, lists)
    good, rejects = check(raw, _MAPPING, book)
    good, oversized = split_oversized(good, book)
    problems = [
        Diagnostic(_where(doc, body, request, int(r["_row"])), "bad-value", str(r["_reason"]))
        for r in rejects.iter_rows(named=True)
    ] + [Diagnostic(_where(doc, body, request, int(r["row"])), "limit", str(r["reason"])) for r in oversized]
    if problems:
        raise InputError(problems)
    good = good.with_columns(nexus(good, book, lists, snapshot.threshold).alias("_nexus"))
    candidates = good.filter(pl.col("_nexus")).drop("_nexus")
    judged, _ = judge_rows(book, candidates, lists, snapshot.threshold, as_of)
    others = [  # no DPRK nexus and no name near a listed one: out of scope, as the bulk path says
        RowVerdict(
            row=int(r["_row"]),
            line=None,
            id=str(r["id"]),
            verdict=Verdict.OUT_OF_SCOPE,
            findings=[],
            matches=[],
            screening=CoverageState.NOT_SCREENED
            if r["_unscreened"]
            else (CoverageState.SCREENED_CLEAR if r["_named"] else CoverageState.NOTHING_TO_SCREEN),
            not_screened=NOT_SCREENED_NOTE if r["_unscreened"] else None,
        )
        for r in good.filter(~pl.col("_nexus"))
        .select("_row", "id", unscreened_expr(lists).alias("_unscreened"), named_expr().alias("_named"))
        .iter_rows(named=True)
    ]
    verdicts = sorted(judged + others, key=lambda v: v.row)
    if [v.row for v in verdicts] != list(range(len(items))):  # every transaction gets a verdict, or none is answered
        raise RuntimeError(f"{len(items)} transactions, {len(verdicts)} verdicts")
    return verdicts, request


def _gate(fields: list[str], lists: list[Any]) -> None:
    """Fail closed, as ``screen FILE`` does: refuse a request naming what no loaded list could match."""
    try:
        bulk_gate(fields, lists, no_lists=False, where=REQUEST)
    except InputError as exc:
        raise InputError(
            [
                Diagnostic(
                    d.location,
                    d.code,
                    d.message.replace("the file's ", "the request's ").split("; give ")[0]
                    + "; the service must be started with it (serve --list/--vessels), or it must be in the cache "
                    "(`sanctionsengine lists fetch` or `lists add FILE`, then POST /v1/lists)",
                )
                for d in exc.diagnostics
            ]
        ) from None


def _as_of(text: str | None, doc: YamlDocument | None, body: bytes) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        doc = doc or _document(body)
        raise InputError(
            [
                Diagnostic(
                    doc.location(("as_of",)),
                    "bad-date",
                    f"'{text}' is not a date; expected YYYY-MM-DD (a real calendar day)",
                    path="as_of",
                )
            ]
        ) from None


def evaluate(snapshot: Snapshot, body: bytes, as_of: date | None, request_id: str) -> Report:
    """The report of a scenario document (YAML or JSON), as ``sanctionsengine evaluate`` makes it."""
    book = snapshot.book
    assert book is not None
    exemptions = [r.id for r in book.rules if r.kind == RuleKind.EXEMPTION]
    loaded = parse_scenario(_text(body), REQUEST, groups=list(book.groups.groups), exemptions=exemptions)
    evidence, problems = check_evidence(loaded, None)
    if problems:
        raise InputError(problems)
    lists = list(snapshot.lists)
    verdicts = judge_scenario(book, loaded, evidence, as_of, lists=lists, threshold=snapshot.threshold)
    return build_report(
        book, loaded, evidence, verdicts, as_of, run_id=request_id, lists=lists, threshold=snapshot.threshold
    )


def rules(book: Rulebook) -> list[dict[str, Any]]:
    out = []
    for rule in book.rules:
        out.append(
            {
                "id": rule.id,
                "title": rule.title,
                "kind": rule.kind.value,
                "family": rule.family,
                "versions": [
                    {
                        "version": v.version,
                        "citation": str(v.citation),
                        "resolution": v.citation.resolution,
                        "paragraph": v.citation.paragraph,
                        "adopted": str(v.citation.adopted),
                        "in_force_from": str(v.in_force_from),
                        "in_force_until": str(v.in_force_until) if v.in_force_until else None,
                    }
                    for v in rule.versions
                ],
            }
        )
    return out


__all__ = ["REQUEST", "evaluate", "json", "parse_screen_request", "rules", "screen"]
