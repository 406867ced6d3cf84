"""`sanctionsengine screen FILE`: the command-line side of bulk screening (options → outputs → exit)."""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import click

from ..alerts.store import LoadedDispositions
from ..audit import AuditRecord
from ..errors import Diagnostic, InputError
from ..rulebook import bundled_rules_path, load_rulebook
from ..screening import ScreeningList
from .mapping import ColumnMapping, load_mapping, mapping_from_flags, partial_mapping
from .read import FORMATS
from .rows import default_problems
from .run import REJECTED, BulkSummary, screen_file, summary_markdown


def looks_like_file(target: str, input_format: str | None) -> bool:
    path = Path(target)
    return input_format is not None or (path.suffix.lower() in FORMATS and path.exists())


@dataclass(frozen=True)
class BulkOptions:
    mapping_file: Path | None
    maps: tuple[str, ...]
    defaults: tuple[str, ...]
    separator: str | None
    input_format: str | None
    findings: Path | None
    findings_format: str
    rejects: Path | None
    verdicts: Path | None
    workers: int
    scheduler: str | None
    partition_rows: int
    as_of: date | None
    rules_dir: Path | None
    fail_on: str
    audit_db: Path | None
    no_audit: bool
    no_lists: bool = False
    encoding: str | None = None
    audit_strict: bool = False  # refuse to append to a chain that fails verification
    dispositions: LoadedDispositions | None = None


def run_bulk(target: Path, opts: BulkOptions, lists: list[ScreeningList], threshold: float, fmt: str) -> int:
    """Screen the file, write the outputs, print the summary; return the exit code."""
    from ..alerts.apply import review, row_findings, rows_failing
    from ..audit import preflight, strict_from_env

    strict = opts.audit_strict or strict_from_env()
    if not opts.no_audit:  # a log that is gone, emptied or (strict) broken stops the run before any work
        preflight(opts.audit_db, strict)
    try:
        base = load_mapping(opts.mapping_file) if opts.mapping_file else None
    except InputError as exc:  # then check what is valid of it against the file too: all problems in one run
        raise InputError(
            mapping_problems(Path(str(opts.mapping_file)), target, opts.input_format, opts.rules_dir, opts.encoding)
            or exc.diagnostics
        ) from None
    mapping = (
        mapping_from_flags(base, opts.maps, opts.defaults, opts.separator)
        if (base is None or opts.maps or opts.defaults or opts.separator)
        else base
    )
    assert isinstance(mapping, ColumnMapping)
    book = load_rulebook(opts.rules_dir if opts.rules_dir is not None else bundled_rules_path())
    stem = target.name.rsplit(".", 1)[0]
    # beside the input file, whatever the working directory (the path written is printed)
    findings = opts.findings or target.with_name(
        f"{stem}.findings.{'csv' if opts.findings_format == 'csv' else 'jsonl'}"
    )
    rejects = opts.rejects or target.with_name(f"{stem}.rejects.jsonl")
    from ..cli_common import output_problem

    unwritable = [
        problem
        for path, option in ((findings, "--findings"), (rejects, "--rejects"), (opts.verdicts, "--verdicts"))
        if path is not None and (problem := output_problem(path, option)) is not None
    ]
    if unwritable:  # said before any row is screened, not after
        raise InputError(unwritable)
    interactive = sys.stderr.isatty()
    bar = click.progressbar(length=1, label="screening", file=sys.stderr) if interactive else None

    def progress(done: int, total: int) -> None:
        if bar is not None:
            bar.length = total
            bar.update(done - bar.pos)

    try:
        summary, flagged = screen_file(
            target,
            mapping,
            book,
            lists,
            threshold=threshold,
            as_of=opts.as_of,
            rows_per_partition=opts.partition_rows,
            findings=findings,
            findings_format=opts.findings_format,
            rejects=rejects,
            verdicts=opts.verdicts,
            input_format=opts.input_format,
            workers=opts.workers,
            scheduler=opts.scheduler,
            progress=progress,
            require_lists=not opts.no_lists,
            encoding=opts.encoding,
        )
    finally:
        if bar is not None:
            bar.render_finish()
    alerts = review(row_findings(flagged, book), lists, opts.dispositions, events=[v.id for v in flagged])
    summary = summary.model_copy(update={"alerts": alerts})
    if opts.dispositions is not None:
        from ..alerts.apply import refused_warnings

        for line in refused_warnings(alerts, opts.dispositions):
            click.echo(line, err=True)
    data = render_summary(summary, fmt)
    if not opts.no_audit:
        from ..audit import append

        record = _bulk_record(summary, findings, data)
        entry = append(record, opts.audit_db, strict=strict)
        note = f"audit record {entry.seq}"
    else:
        note = "not recorded in the audit log (--no-audit)"
    sys.stdout.buffer.write(data)
    sys.stdout.flush()
    counts = summary.by_verdict
    click.echo(rows_line(summary), err=True)
    click.echo(
        f"screened {plural(summary.input.rows, 'row')}: "
        + ", ".join(f"{n:,} {k.replace('_', ' ')}" for k, n in counts.items() if n)
        + f"; findings in {findings}; {note}",
        err=True,
    )
    if summary.not_screened:
        click.echo(
            f"warning: {plural(summary.not_screened, 'row')}: {summary.not_screened_note} (--no-lists)", err=True
        )
    if counts.get(REJECTED):
        click.echo(
            f"{plural(counts[REJECTED], 'row')} could not be read: see {rejects} (row, line, what is wrong, the record)",
            err=True,
        )
        return 2
    if alerts.by_status.get("decided") or alerts.by_status.get("re-opened"):
        click.echo(
            "alerts: "
            + ", ".join(f"{n:,} {k}" for k, n in alerts.by_status.items() if n)
            + " ("
            + (", ".join(f"{n:,} {k}" for k, n in alerts.by_decision.items() if n) or "no decision holds")
            + f"; decisions from {alerts.dispositions_file})",
            err=True,
        )
    # a row whose alerts are all under a valid false-positive or waiver does not count toward --fail-on
    return 1 if rows_failing(flagged, book, alerts, opts.fail_on) else 0


def mapping_problems(
    mapping_file: Path,
    target: Path | None,
    input_format: str | None = None,
    rules_dir: Path | None = None,
    encoding: str | None = None,
) -> list[Diagnostic]:
    """Every problem of a mapping file, and of it against a data file, in one list: its own
    (unknown fields, wrong shapes) and, for its valid entries, columns the file lacks and
    defaults no row could have. Empty when ``screen`` would accept the pair (for ``validate``)."""
    from .read import detect_format
    from .run import _check_mapping

    broken = False
    try:
        mapping: ColumnMapping | None = load_mapping(mapping_file)
        problems: list[Diagnostic] = []
    except InputError as exc:
        problems, mapping, broken = list(exc.diagnostics), partial_mapping(mapping_file), True
    if mapping is None:
        return problems
    book = load_rulebook(rules_dir if rules_dir is not None else bundled_rules_path())
    if target is None:  # the mapping alone: its defaults
        return problems + default_problems(mapping, book)
    if encoding or not target.is_file():
        return problems
    try:
        _check_mapping(target, detect_format(target, input_format), mapping, book)
    except InputError as exc:  # with a broken file, a required field may be the broken entry itself
        problems += [d for d in exc.diagnostics if not (broken and d.code == "missing")]
    return problems


def plural(n: int, word: str) -> str:
    """``1 row``, ``1,250 rows`` (:func:`..wording.plural` with thousands separators)."""
    from ..wording import plural as counted

    return counted(n, word, thousands=True)


def rows_line(summary: BulkSummary) -> str:
    """Every row accounted for, in one line: rows in the file = read + rejected (and blank lines apart)."""
    i = summary.input
    blank = (
        f"; {i.blank_lines:,} blank {'line' if i.blank_lines == 1 else 'lines'} skipped (not rows)"
        if i.blank_lines
        else ""
    )
    return f"rows in the file: {i.rows:,} = {i.rows_read:,} read + {i.rows_rejected:,} rejected{blank}" + (
        f" ({i.encoding})" if i.encoding and i.encoding != "utf-8" else ""
    )


def render_summary(summary: BulkSummary, fmt: str) -> bytes:
    """The summary in the format asked for: markdown (text), json, html or junit."""
    if fmt == "json":
        return (summary.model_dump_json(indent=2) + "\n").encode()
    if fmt == "html":
        from ..render.bulk_summary import render_bulk_html

        return render_bulk_html(summary)
    if fmt == "junit":
        from ..render.bulk_summary import render_bulk_junit

        return render_bulk_junit(summary)
    return summary_markdown(summary).encode()


def _bulk_record(summary: BulkSummary, findings: Path, data: bytes) -> AuditRecord:
    """The audit record of a bulk screening: the input file stands where a scenario would."""
    import getpass
    import os
    import socket
    from datetime import UTC, datetime

    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    digest = hashlib.sha256(findings.read_bytes()).hexdigest() if findings.exists() else ""
    return AuditRecord(
        recorded_at=datetime.now(UTC).isoformat(timespec="microseconds"),
        user=user,
        host=socket.gethostname(),
        command=["sanctionsengine", *sys.argv[1:]],
        cwd=os.getcwd(),
        run_id=summary.run.id,
        rulebook={"path": str(summary.rulebook["path"]), "hash": str(summary.rulebook["hash"])},
        scenario={"path": summary.input.path, "sha256": summary.input.sha256},
        sources=[],
        lists=[{"title": x.title, "generated": x.generated, "sha256": x.sha256} for x in summary.lists],
        as_of=str(summary.as_of) if summary.as_of else None,
        versions={
            "sanctionsengine": summary.tools.sanctionsengine,
            "durable_rules": summary.tools.durable_rules,
            "python": summary.tools.python,
        },
        verdicts={k: v for k, v in summary.by_verdict.items() if v},
        report={"format": "bulk-findings", "sha256": digest, "path": str(findings)},
    )
