"""Screen a whole file: plan partitions, map them (here or on Dask), reduce once, write the outputs.

Outputs, all in row order and the same bytes on every run:

- **findings** (JSON lines or CSV): every row whose verdict is a violation, a potential violation,
  undecidable or exempt, with its findings (rule, outcome, citation, version, what is missing, the
  cap's running total) and its list matches;
- **rejects** (JSON lines): every row that could not be read, with its row, line, every problem
  and the record as it was in the file;
- **verdicts** (CSV, on request): one line per row of the input, rejected rows included;
- the **summary** (:class:`BulkSummary`): counts by verdict and by rule, what was read with what.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import shutil
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
from pydantic import BaseModel, ConfigDict, Field

from ..alerts.models import AlertReview
from ..errors import Diagnostic, InputError, SourceLocation, did_you_mean
from ..limits import regular_file_problem
from ..listcoverage import NOT_SCREENED_NOTE, CoverageState, bulk_gate, missing_note
from ..report import ListInput, Run, Tools, checked_on
from ..rulebook import Rulebook
from ..screening import ScreeningList
from ..vocabulary import Verdict
from ..wording import plural
from ..yamlfile import display_path
from .fields import FIELDS, REQUIRED
from .mapping import ColumnMapping
from .pipeline import MapResult, RowsUnaccounted, RowVerdict, Settings, judge_rows, map_partition, prepare, temp_dir
from .read import columns_of, detect_format, file_sha256, header_problems, plan
from .rows import default_problems

SCHEMA_VERSION = "1.1.0"
FLAGGED = {Verdict.VIOLATION, Verdict.POTENTIAL_VIOLATION, Verdict.UNDECIDABLE, Verdict.EXEMPT}
REJECTED = "rejected"


class InputFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str
    sha256: str
    format: str
    encoding: str = Field(default="utf-8", description="The text encoding it was read in (CSV, JSON lines)")
    rows: int = Field(description="Records (rows) in the file; blank lines are not rows")
    rows_read: int = Field(default=0, description="Rows read and judged: they have a verdict other than rejected")
    rows_rejected: int = Field(default=0, description="Rows that could not be read; rows_read + rows_rejected = rows")
    blank_lines: int = Field(default=0, description="Lines holding only white space: neither rows nor rejects")
    partitions: int


class Outputs(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    findings: str | None
    rejects: str | None
    verdicts: str | None


class BulkSummary(BaseModel):
    """What a bulk screening read, with what, and what it found."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: str = SCHEMA_VERSION
    run: Run
    tools: Tools
    input: InputFile
    mapping: ColumnMapping
    rulebook: dict[str, str | int]
    lists: list[ListInput]
    name_threshold: float
    as_of: date | None
    by_verdict: dict[str, int] = Field(description="Rows by verdict; 'rejected' for rows that could not be read")
    by_rule: dict[str, dict[str, int]] = Field(description="Findings by rule and outcome")
    candidate_rows: int = Field(description="Rows that could have a DPRK nexus and were judged by the engine")
    signatures: int = Field(description="Distinct match signatures among them: the events durable-rules matched")
    not_screened: int = Field(
        default=0, description="Rows naming a party, vessel or identifier that no loaded list could match"
    )
    not_screened_note: str | None = Field(default=None, description="'parties not screened: ...', when any row is")
    lists_checked_on: date | None = Field(default=None, description="The day list ages are counted to")
    outputs: Outputs
    alerts: AlertReview | None = Field(
        default=None, description="The alerts of the flagged rows with the reviewers' decisions applied"
    )


def _check_mapping(
    path: Path, fmt: str, mapping: ColumnMapping, book: Rulebook | None = None, shown: str | None = None
) -> list[str]:
    """The source columns to read; every problem of the mapping against this file at once: a
    column the file lacks (at its place in the mapping, with the nearest column the file has), a
    required field no column gives, a default value no row could have, a header naming a column
    twice, a Parquet column of a type that is not text."""
    where = shown or display_path(path)
    available = columns_of(path, fmt, where)
    problems = []
    for field, column in mapping.columns.items():
        if column not in available:
            problems.append(
                Diagnostic(
                    mapping.where("columns", field),
                    "dangling-reference",
                    f"columns.{field}: the mapping names column '{column}', which the file does not have; "
                    f"columns of {where}: {', '.join(available) or 'none'}",
                    hint=did_you_mean(column, available),
                )
            )
    sources = mapping.source_of(available)
    for field in sorted(REQUIRED):
        if field not in sources and field not in mapping.defaults:
            problems.append(
                Diagnostic(
                    SourceLocation(where),
                    "missing",
                    f"no column gives the '{field}' field; map one with --map {field}=COLUMN or in the mapping file",
                    hint=did_you_mean(field, available),
                )
            )
    if book is not None:
        problems.extend(default_problems(mapping, book))
    used = sorted({c for f, c in sources.items() if f in FIELDS})
    problems.extend(header_problems(path, fmt, [c for c in used if c in available], where))
    if problems:
        raise InputError(problems)
    return used


def _reencoded(path: Path, encoding: str, where: str, into: str) -> Path:
    """A UTF-8 copy of a text file in another encoding, decoded strictly: a byte the encoding
    cannot read is refused at its line."""
    try:
        codec = codecs.lookup(encoding)
    except LookupError:
        raise InputError(
            [
                Diagnostic(
                    SourceLocation("<command line>"),
                    "bad-value",
                    f"--encoding {encoding}: not an encoding Python knows",
                    hint="for example utf-8, cp1252, latin-1, utf-16",
                )
            ]
        ) from None
    target = Path(into) / "input-utf8"
    decoder = codec.incrementaldecoder("strict")
    line, first = 1, True
    with path.open("rb") as src, target.open("wb") as out:
        while True:
            block = src.read(1 << 22)
            try:
                text = decoder.decode(block, final=not block)
            except UnicodeError as exc:  # UTF-16 without a byte-order mark raises a bare UnicodeError
                reason = exc.reason if isinstance(exc, UnicodeDecodeError) else str(exc)
                raise InputError(
                    [
                        Diagnostic(
                            SourceLocation(where, line),
                            "bad-file",
                            f"not {codec.name} text: {reason} (near line {line})",
                            hint="give the file's encoding with --encoding NAME",
                        )
                    ]
                ) from None
            out.write((text.removeprefix("\ufeff") if first else text).encode("utf-8"))
            first = first and not text
            line += text.count("\n")
            if not block:
                return target


def screen_file(
    path: Path,
    mapping: ColumnMapping,
    book: Rulebook,
    lists: list[ScreeningList],
    *,
    threshold: float,
    as_of: date | None = None,
    rows_per_partition: int = 250_000,
    findings: Path | None = None,
    findings_format: str = "jsonl",
    rejects: Path | None = None,
    verdicts: Path | None = None,
    input_format: str | None = None,
    workers: int = 0,
    scheduler: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    run_id: str | None = None,
    started_at: datetime | None = None,
    encoding: str | None = None,
    require_lists: bool = False,
) -> tuple[BulkSummary, list[RowVerdict]]:
    """Screen every row of ``path``; write the outputs asked for; return the summary and flagged rows.

    ``require_lists``: refuse (``list-missing``) a file whose columns name what no loaded list could
    match (the command line's default); either way each row says whether it was screened.

    Text is read as UTF-8 (with or without a byte-order mark) unless ``encoding`` names another;
    then a UTF-8 copy is read, and the input's SHA-256 is still that of the file given."""
    where = display_path(path)
    problem = regular_file_problem(path, where)
    if problem is not None:
        raise InputError([problem])
    fmt = detect_format(path, input_format)
    name = codecs.lookup(encoding).name if encoding and _known(encoding) else encoding
    work = temp_dir()
    try:
        return _screen(
            path, where, fmt, name, work, mapping, book, lists, threshold, as_of, rows_per_partition, findings,
            findings_format, rejects, verdicts, workers, scheduler, progress, run_id, started_at, require_lists,
        )  # fmt: skip
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _known(encoding: str) -> bool:
    try:
        codecs.lookup(encoding)
    except LookupError:
        return False
    return True


def _screen(
    path: Path,
    where: str,
    fmt: str,
    encoding: str | None,
    work: str,
    mapping: ColumnMapping,
    book: Rulebook,
    lists: list[ScreeningList],
    threshold: float,
    as_of: date | None,
    rows_per_partition: int,
    findings: Path | None,
    findings_format: str,
    rejects: Path | None,
    verdicts: Path | None,
    workers: int,
    scheduler: str | None,
    progress: Callable[[int, int], None] | None,
    run_id: str | None,
    started_at: datetime | None,
    require_lists: bool = False,
) -> tuple[BulkSummary, list[RowVerdict]]:
    source = path
    if encoding and fmt == "parquet":
        raise InputError(
            [
                Diagnostic(
                    SourceLocation("<command line>"), "bad-value", "--encoding is for CSV and JSON lines, not Parquet"
                )
            ]
        )
    if encoding and encoding not in ("utf-8", "utf-8-sig"):
        source = _reencoded(path, encoding, where, work)
    columns = _check_mapping(source, fmt, mapping, book, where)
    parts, sha256 = plan(source, fmt, rows_per_partition, where)
    # after the file's own problems (encoding, header), so that those are reported first
    given = set(mapping.source_of(columns_of(source, fmt, where))) | set(mapping.defaults)
    missing_kinds = bulk_gate(given, lists, no_lists=not require_lists, where=where)
    if source != path:
        sha256 = file_sha256(path)
    others_dir = temp_dir() if verdicts is not None else None
    settings = Settings(
        mapping=mapping, rules_root=book.root, threshold=threshold, columns=tuple(columns), others_dir=others_dir
    )
    try:
        with ThreadPoolExecutor(1, thread_name_prefix="sanctionsengine-prepare") as pool:
            ready = pool.submit(prepare, book, as_of)
            if workers or scheduler:
                from .distributed import map_on_dask

                results = map_on_dask(parts, settings, lists, workers=workers, scheduler=scheduler, progress=progress)
            else:
                results = []
                for n, part in enumerate(parts):
                    results.append(map_partition(part, settings, lists, book))
                    if progress:
                        progress(n + 1, len(parts))
            ready.result()
        results.sort(key=lambda r: r.index)
        frames = [r.candidates for r in results if r.candidates.height]
        candidates = pl.concat(frames) if frames else None
        judged, signatures = (
            judge_rows(book, candidates, lists, threshold, as_of) if candidates is not None else ([], 0)
        )
        rejected = [rj for r in results for rj in r.rejects]
        in_file, read = sum(p.records for p in parts), sum(r.read for r in results)
        if read + len(rejected) != in_file or sum(r.rows for r in results) != in_file:
            raise RowsUnaccounted(f"{where}: {in_file} rows in the file, {read} read and {len(rejected)} rejected")
        counts: Counter[str] = Counter(v.verdict.value for v in judged)
        counts[Verdict.OUT_OF_SCOPE.value] += sum(r.out_of_scope for r in results)
        counts[REJECTED] += len(rejected)
        unscreened = sum(r.not_screened for r in results) + sum(
            1 for v in judged if v.screening == CoverageState.NOT_SCREENED
        )
        by_rule: dict[str, Counter[str]] = {}
        for v in judged:
            for f in v.findings:
                by_rule.setdefault(f.rule_id, Counter())[f.outcome.value] += 1
            for m in v.goods_not_stated.measures if v.goods_not_stated else []:
                by_rule.setdefault(m.rule_id, Counter())[Verdict.UNDECIDABLE.value] += 1
        flagged = [v for v in judged if v.verdict in FLAGGED]
        if findings is not None:
            _write_findings(findings, flagged, findings_format)
        if rejects is not None and rejected:
            _write_lines(rejects, [json.dumps(r, ensure_ascii=False, sort_keys=True) for r in rejected])
        if verdicts is not None:
            _write_verdicts(verdicts, results, judged)
    finally:
        if others_dir is not None:
            shutil.rmtree(others_dir, ignore_errors=True)
    started = started_at or datetime.now(UTC)
    on = checked_on(started)
    summary = BulkSummary(
        run=Run(id=run_id or uuid.uuid4().hex, started_at=started.isoformat(timespec="seconds")),
        tools=Tools.current(),
        input=InputFile(
            path=display_path(path),
            sha256=sha256,
            format=fmt,
            encoding=(encoding or "utf-8") if fmt != "parquet" else "",
            rows=in_file,
            rows_read=read,
            rows_rejected=len(rejected),
            blank_lines=sum(p.blank for p in parts),
            partitions=len(parts),
        ),
        mapping=mapping,
        rulebook={"path": book.root, "hash": book.hash, "rules": len(book.rules)},
        lists=[ListInput.of(lst, on) for lst in lists],
        name_threshold=threshold,
        as_of=as_of,
        by_verdict={**{v.value: counts.get(v.value, 0) for v in Verdict}, REJECTED: counts.get(REJECTED, 0)},
        by_rule={rid: dict(sorted(c.items())) for rid, c in sorted(by_rule.items())},
        candidate_rows=len(judged),
        signatures=signatures,
        not_screened=unscreened,
        not_screened_note=missing_note(missing_kinds) if unscreened else None,
        lists_checked_on=on,
        outputs=Outputs(
            findings=display_path(findings) if findings else None,
            rejects=display_path(rejects) if (rejects and rejected) else None,
            verdicts=display_path(verdicts) if verdicts else None,
        ),
    )
    return summary, flagged


def _write_lines(path: Path, lines: list[str]) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for line in lines:
            fh.write(line + "\n")


FINDING_COLUMNS = [
    "row",
    "line",
    "id",
    "verdict",
    "rule_id",
    "outcome",
    "citation",
    "version",
    "missing",
    "computation",
    "list_matches",
    "screening",
]


def _write_findings(path: Path, rows: list[RowVerdict], fmt: str) -> None:
    if fmt == "jsonl":
        _write_lines(path, [json.dumps(v.model_dump(mode="json"), ensure_ascii=False, sort_keys=True) for v in rows])
        return
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(FINDING_COLUMNS)
    for v in rows:
        matches = "; ".join(
            f"{m.role} {m.query} → {m.reference} ({m.method} {m.score:g})" for m in v.matches if m.in_force
        )
        for f in v.findings:
            writer.writerow(
                [
                    v.row,
                    v.line or "",
                    v.id,
                    v.verdict.value,
                    f.rule_id,
                    f.outcome.value,
                    f.citation,
                    f.version,
                    "; ".join(f.missing),
                    f.computation or "",
                    matches,
                    v.screening.value,
                ]
            )
        if v.goods_not_stated:  # one line: the goods are not stated, these measures could apply
            could = v.goods_not_stated.measures
            writer.writerow(
                [
                    v.row,
                    v.line or "",
                    v.id,
                    v.verdict.value,
                    "; ".join(m.rule_id for m in could),
                    Verdict.UNDECIDABLE.value,
                    "; ".join(m.citation for m in could),
                    "; ".join(m.version for m in could),
                    "; ".join(v.goods_not_stated.missing),
                    "",
                    matches,
                    v.screening.value,
                ]
            )
    path.write_text(buf.getvalue(), encoding="utf-8", newline="")


def _write_verdicts(path: Path, results: list[MapResult], judged: list[RowVerdict]) -> None:
    """One line per input row, partition by partition, so only one partition is held at a time."""
    by_row = {v.row: v for v in judged}
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["row", "line", "id", "verdict", "reason", "screening"])
        for r in results:
            lines: list[tuple[int, list[object]]] = []
            if r.others_file:
                for row, line, rid, unscreened, named in pl.read_parquet(r.others_file).iter_rows():
                    reason = "no DPRK nexus" + (f"; {NOT_SCREENED_NOTE}" if unscreened else "")
                    state = (
                        CoverageState.NOT_SCREENED
                        if unscreened
                        else CoverageState.SCREENED_CLEAR
                        if named
                        else CoverageState.NOTHING_TO_SCREEN
                    )
                    lines.append((row, [row, line or "", rid, Verdict.OUT_OF_SCOPE.value, reason, state.value]))
            for row in r.candidates["_row"].to_list():
                v = by_row[row]
                reason = "; ".join(_rule_ids(v))
                if v.screening == CoverageState.NOT_SCREENED:
                    reason = f"{reason}; {NOT_SCREENED_NOTE}" if reason else NOT_SCREENED_NOTE
                lines.append((row, [row, v.line or "", v.id, v.verdict.value, reason, v.screening.value]))
            for rj in r.rejects:
                lines.append((int(rj["row"]), [rj["row"], rj["line"] or "", "", REJECTED, rj["reason"], ""]))  # type: ignore[call-overload]
            for _, values in sorted(lines, key=lambda t: t[0]):
                writer.writerow(values)


def _rule_ids(v: RowVerdict) -> list[str]:
    could = v.goods_not_stated.rule_ids if v.goods_not_stated else []
    return sorted({f.rule_id for f in v.findings} | set(could))


def _outcomes(counts: dict[str, int]) -> str:
    return ", ".join(f"{n:,} {o.replace('_', ' ')}" for o, n in counts.items())


def _age(x: ListInput) -> str:
    if x.age_days is None:
        return "age unknown"
    return f"{'at most ' if x.date_basis.startswith('latest designation') else ''}{x.age_days} days old"


def summary_markdown(s: BulkSummary) -> str:
    from ..render.markdown_report import md_cell, md_text

    out = [
        f"# Bulk screening: {md_cell(s.input.path)}\n",
        f"- Input: {md_cell(s.input.path)} ({s.input.format}, {s.input.rows:,} {'row' if s.input.rows == 1 else 'rows'} in {s.input.partitions} {'partition' if s.input.partitions == 1 else 'partitions'}, sha256 `{s.input.sha256}`)",
        f"- Rows: {s.input.rows:,} in the file = {s.input.rows_read:,} read + {s.input.rows_rejected:,} rejected"
        + (
            f"; {s.input.blank_lines:,} blank {'line' if s.input.blank_lines == 1 else 'lines'} skipped (not rows)"
            if s.input.blank_lines
            else ""
        )
        + (f"; read as {s.input.encoding}" if s.input.encoding not in ("", "utf-8") else ""),
        f"- Rulebook: {s.rulebook['rules']} rules, `{s.rulebook['hash']}`",
        "- Law applied: " + (f"the law as it stood on {s.as_of}" if s.as_of else "the law in force on each row's date"),
        "- Lists: "
        + (
            "; ".join(
                f"{md_cell(x.title)}, {md_cell(x.generated)} ({_age(x)}, sha256 `{x.sha256[:16]}…`)" for x in s.lists
            )
            or "none loaded: names and vessels were not screened"
        ),
        *(
            [
                f"- Not screened: {plural(s.not_screened, 'row', thousands=True)} {'names' if s.not_screened == 1 else 'name'} a party, vessel or identifier no loaded list could match ({md_cell(s.not_screened_note)})"
            ]
            if s.not_screened
            else []
        ),
        f"- Engine: judged {plural(s.candidate_rows, 'row', thousands=True)} that could have a DPRK nexus; "
        "the rest have none (out of scope)",
        f"- Tools: sanctionsengine {s.tools.sanctionsengine}, durable-rules {s.tools.durable_rules}, Python {s.tools.python}",
        f"- Run: `{s.run.id}` at {s.run.started_at}\n",
        "| Verdict | Rows |\n|---|---:|",
    ]
    out.extend(f"| {k.replace('_', ' ')} | {n:,} |" for k, n in s.by_verdict.items())
    if s.by_rule:
        out.append("\n| Rule | Findings by outcome |\n|---|---|")
        out.extend(f"| `{rid}` | {_outcomes(c)} |" for rid, c in s.by_rule.items())
    if s.alerts is not None:
        out.append(f"\n{md_text(s.alerts.summary_line())}")
        for a in s.alerts.reviewed():
            out.append(f"- `{md_text(a.key.label())}` ({a.outcome.label}, {a.status.value}): {md_text(a.note())}")
        for u in s.alerts.unused:
            out.append(f"- unused decision `{md_text(u.key.label())}` ({u.decision.value}): {md_text(u.because)}")
    out.append("")
    for name, value in (
        ("Findings", s.outputs.findings),
        ("Rejected rows", s.outputs.rejects),
        ("Verdicts", s.outputs.verdicts),
    ):
        if value:
            out.append(f"- {name}: {md_cell(value)}")
    return "\n".join(out) + "\n"
