"""The ``sanctionsengine`` command: parse arguments, call the library, print, exit with a code.

Exit codes (also in ``sanctionsengine --help``; the shared machinery is in ``cli_common``, the
``audit`` commands in ``cli_audit``):

    0    done; no event reached the --fail-on verdict (by default: no violation)
    1    done; at least one event is a violation (or the --fail-on verdict)
    2    bad input: a rule file, scenario, source, mapping or argument is wrong, a report cannot be
         written where -o says, the audit log is missing or damaged; every problem is listed
    3    the evaluation could not be completed (engine failure, --timeout, a failed write)
    141  the output pipe was closed early (``| head``); ended quietly
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from . import package_version
from .alerts.command import alerts_group, dispositions_option, load_for_run
from .cli_audit import audit_group
from .cli_common import (
    DATE,
    EXIT_HELP,
    FAIL_ON,
    EngineGroup,
    ExitCode,
    audit_strict_option,
    check_output_path,
    commit_report,
    diag_option,
    rules_option,
    stage_report,
    strict_env,
    text_or_json_option,
    within,
)
from .cli_common import guard as _guard
from .errors import Diagnostic, InputError, SanctionsEngineError, SourceLocation, did_you_mean
from .wording import plural

F = TypeVar("F", bound=Callable[..., Any])

__all__ = ["ExitCode", "main"]


list_options = [
    click.option(
        "--list",
        "un_lists",
        multiple=True,
        type=click.Path(path_type=Path),
        help="A UN consolidated list file (XML) to screen parties against; repeatable. "
        "Default: the cached list, if any (`sanctionsengine lists`).",
    ),
    click.option(
        "--vessels",
        "vessel_lists",
        multiple=True,
        type=click.Path(path_type=Path),
        help="A 1718 designated-vessels list (JSON or CSV) to screen vessels against; repeatable.",
    ),
    click.option(
        "--no-cached-lists",
        "no_cache",
        is_flag=True,
        help="Do not fall back to the cached lists when no --list or --vessels is given.",
    ),
    click.option(
        "--name-threshold",
        "name_threshold",
        type=click.FloatRange(min=1, max=100),
        default=None,
        help="Score (0-100) at or above which a name is a possible match [default: 90].",
    ),
    click.option(
        "--max-list-age",
        "max_list_age",
        type=click.IntRange(min=0),
        help="Refuse (exit 2) a list older than this many days, by the date inside it.",
    ),
    click.option(
        "--warn-list-age",
        "warn_list_age",
        type=click.IntRange(min=0),
        default=30,
        show_default=True,
        help="Warn on stderr when a list is older than this many days.",
    ),
    click.option(
        "--no-lists",
        "no_lists",
        is_flag=True,
        help="Run without the lists the input needs (no cache either; --list/--vessels still used): "
        "whatever no loaded list could match is reported as not screened. Default: exit 2.",
    ),
]


def with_list_options(func: F) -> F:
    for option in reversed(list_options):
        func = option(func)
    return func


def _load_lists(
    un_lists: tuple[Path, ...],
    vessel_lists: tuple[Path, ...],
    no_cache: bool,
    max_age: int | None,
    warn_age: int | None = 30,
) -> list[Any]:
    """The lists named on the command line, or else the cached ones (unless --no-cached-lists or
    --no-lists); a warning on stderr for each list older than ``warn_age`` days."""
    from .evaluation import load_lists
    from .listcache import cached_paths
    from .listcoverage import check_ages

    if not un_lists and not vessel_lists and not no_cache:
        cached_un, cached_vessels = cached_paths()
        lists = load_lists(cached_un, cached_vessels, max_age)
    else:
        lists = load_lists(list(un_lists), list(vessel_lists), max_age)
    for warning in check_ages(lists, max_age=max_age, warn_age=warn_age):
        click.echo(warning, err=True)
    return lists


def _show_version(ctx: click.Context) -> None:
    """``--version``; the package metadata is read only when asked (it costs start-up time)."""
    click.echo(f"sanctionsengine, version {package_version()}")
    ctx.exit()


@click.group(
    cls=EngineGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=EXIT_HELP,
)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    help="Show the version and exit.",
    callback=lambda ctx, _, value: _show_version(ctx) if value and not ctx.resilient_parsing else None,
)
def main() -> None:
    """Evaluate reported transactions against the UN Security Council's DPRK (1718) measures.

    Rules are YAML with citations; every match goes through the durable-rules engine; every
    event gets exactly one verdict with the paragraph, the evidence and its confidence.
    """


@main.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@rules_option
@click.option(
    "--sources",
    type=click.Path(path_type=Path),
    help="Directory holding the source texts; quotes are checked verbatim (found by SHA-256).",
)
@click.option("--as-of", "as_of", type=DATE, help="Judge every event by the law as it stood on this date.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "json", "html", "junit"]),
    default="markdown",
    show_default=True,
    help="markdown and html for people, json for tools (see docs/report.schema.json), junit for CI.",
)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write the report here instead of stdout.")
@click.option(
    "--fail-on",
    type=FAIL_ON,
    default="violation",
    show_default=True,
    help="Exit 1 when any event has this verdict (or a more serious one).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=60.0,
    show_default=True,
    help="Seconds the whole run may take, reading the inputs included, before it is abandoned (exit 3).",
)
@with_list_options
@click.option(
    "--audit-db",
    "audit_db",
    type=click.Path(path_type=Path),
    help="The audit log to append to [default: $SANCTIONSENGINE_AUDIT_DB, or the user data folder].",
)
@click.option("--no-audit", "no_audit", is_flag=True, help="Do not record this evaluation in the audit log.")
@audit_strict_option
@dispositions_option
@diag_option
@_guard
def evaluate(
    scenario: Path,
    rules_dir: Path | None,
    sources: Path | None,
    as_of: date | None,
    fmt: str,
    output: Path | None,
    fail_on: str,
    timeout: float,
    un_lists: tuple[Path, ...],
    vessel_lists: tuple[Path, ...],
    no_cache: bool,
    name_threshold: float | None,
    max_list_age: int | None,
    warn_list_age: int,
    no_lists: bool,
    audit_db: Path | None,
    no_audit: bool,
    audit_strict: bool,
    dispositions_path: Path | None,
    diagnostics_format: str,
) -> None:
    """Evaluate SCENARIO (a scenario YAML file) and print the report.

    Parties and vessels are screened against the lists given with --list and --vessels, or the
    cached ones; the report names every list screened (date, age, SHA-256). When the scenario
    names parties, vessels or identifiers that no loaded list could match, exit 2 (unless
    --no-lists: those events then say "parties not screened" (or "vessels", as the case is)).
    """
    from .evaluation import evaluate as run_evaluation
    from .render import render
    from .screening import DEFAULT_THRESHOLD

    if output is not None:
        check_output_path(output)
    strict = audit_strict or strict_env()
    if not no_audit:  # a log that is gone, emptied or (strict) broken stops the run before any work
        from .audit import preflight

        preflight(audit_db, strict)

    def work() -> tuple[Any, bytes]:
        lists = _load_lists(un_lists, vessel_lists, no_cache or no_lists, max_list_age, warn_list_age)
        report = run_evaluation(
            scenario,
            rules=rules_dir,
            sources=sources,
            as_of=as_of,
            timeout=timeout,
            lists=lists,
            threshold=name_threshold or DEFAULT_THRESHOLD,
            require_lists=not no_lists,
            dispositions=loaded_dispositions.setdefault("d", load_for_run(dispositions_path)),
        )
        return report, render(report, fmt)

    loaded_dispositions: dict[str, Any] = {}
    report, data = within(timeout, work)
    if report.alerts is not None and "d" in loaded_dispositions:
        from .alerts.apply import refused_warnings

        for line in refused_warnings(report.alerts, loaded_dispositions["d"]):
            click.echo(line, err=True)
    if report.summary.not_screened:
        click.echo(f"warning: {report.summary.not_screened} (--no-lists)", err=True)
    pending = stage_report(output, data) if output is not None else None  # written before it is recorded
    try:
        if not no_audit:  # recorded before anything is shown: no report leaves without its record
            from .audit import append, record_for

            record = record_for(report, fmt, data, output, ["sanctionsengine", *sys.argv[1:]])
            entry = append(record, audit_db, strict=strict)
            audit_note = f"audit record {entry.seq}"
        else:
            audit_note = "not recorded in the audit log (--no-audit)"
    except BaseException:
        if pending is not None:
            pending.unlink(missing_ok=True)
        raise
    if output is not None and pending is not None:
        commit_report(pending, output)
        counts = ", ".join(f"{n} {v.replace('_', ' ')}" for v, n in report.summary.by_verdict.items() if n)
        click.echo(f"wrote {output} ({plural(report.summary.events, 'event')}: {counts}; {audit_note})", err=True)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    from .alerts.apply import report_fails

    if report_fails(report, fail_on):  # an alert under a valid false-positive or waiver does not count
        sys.exit(ExitCode.FINDINGS)


@main.command()
@click.argument("scenarios", nargs=-1, type=click.Path(path_type=Path))
@rules_option
@click.option("--sources", type=click.Path(path_type=Path), help="Also check evidence quotes against these texts.")
@click.option(
    "--mapping",
    "mapping_file",
    type=click.Path(path_type=Path),
    help="Also check this bulk column mapping (with --data: against that file's columns), as `screen` would.",
)
@click.option("--data", "data_file", type=click.Path(path_type=Path), help="The trade file --mapping is for.")
@diag_option
@_guard
def validate(
    scenarios: tuple[Path, ...],
    rules_dir: Path | None,
    sources: Path | None,
    mapping_file: Path | None,
    data_file: Path | None,
    diagnostics_format: str,
) -> None:
    """Check the rulebook, any SCENARIOS and a column mapping, with every check `evaluate` and
    `screen` make; list every problem of every file as file:line:col in one run; exit 2 if any."""
    from .validation import validate_all

    result = validate_all(rules_dir, scenarios, sources, mapping_file, data_file)
    result.problems.raise_if_any()
    parts = [f"ok: {plural(result.rules, 'rule')} in {plural(result.rule_files, 'file')} ({result.rulebook_hash})"]
    if scenarios:
        parts.append(f"{plural(len(scenarios), 'scenario')}, {plural(result.events, 'event')}")
    if result.mapping:
        parts.append(result.mapping)
    click.echo("; ".join(parts))


@main.command()
@click.argument("target", required=False, default="")
@with_list_options
@click.option("--on", "on", type=DATE, help="Name look-up: count only listings made on or before this date.")
@click.option(
    "--name",
    "name",
    metavar="NAME",
    help="Look this name up, even if it looks like a file name (TARGET is then not needed).",
)
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(["individual", "entity", "vessel"]),
    help="Only entries of this kind; repeatable (default: all).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json", "html", "junit"]),
    default="text",
    show_default=True,
    help="The matches (a name: text/Markdown or JSON) or the summary (a file: also HTML or JUnit XML).",
)
@click.option("--mapping", "mapping_file", type=click.Path(path_type=Path), help="File: a YAML column mapping.")
@click.option("--map", "maps", multiple=True, metavar="FIELD=COLUMN", help="File: read FIELD from COLUMN; repeatable.")
@click.option("--default", "defaults", multiple=True, metavar="FIELD=VALUE", help="File: FIELD is VALUE on every row.")
@click.option("--separator", help="File: between items of a list field in one cell [default: ;].")
@click.option(
    "--input-format", type=click.Choice(["csv", "jsonl", "parquet"]), help="File: its format, if not from its name."
)
@click.option(
    "--encoding",
    metavar="NAME",
    help="File: the text encoding of a CSV or JSON-lines file (cp1252, latin-1, utf-16...) [default: utf-8].",
)
@click.option(
    "--findings",
    type=click.Path(path_type=Path),
    help="File: where the flagged rows go [default: NAME.findings.jsonl beside FILE].",
)
@click.option(
    "--findings-format",
    type=click.Choice(["jsonl", "csv"]),
    default="jsonl",
    show_default=True,
    help="File: the findings file's format.",
)
@click.option(
    "--rejects",
    type=click.Path(path_type=Path),
    help="File: where unreadable rows go [default: NAME.rejects.jsonl beside FILE].",
)
@click.option("--verdicts", type=click.Path(path_type=Path), help="File: also write one verdict per row (CSV).")
@click.option(
    "--workers", type=click.IntRange(min=0), default=0, help="File: screen on a local Dask cluster of N workers."
)
@click.option("--scheduler", help="File: screen on an existing Dask cluster (its scheduler address).")
@click.option(
    "--partition-rows",
    type=click.IntRange(min=1000),
    default=250_000,
    show_default=True,
    help="File: rows read and screened per partition (bounds the memory one partition takes).",
)
@click.option("--as-of", "as_of", type=DATE, help="File: judge every row by the law as it stood on this date.")
@rules_option
@click.option(
    "--fail-on",
    type=FAIL_ON,
    default="violation",
    show_default=True,
    help="File: exit 1 when any row has this verdict (or a more serious one).",
)
@click.option("--audit-db", "audit_db", type=click.Path(path_type=Path), help="File: the audit log to append to.")
@click.option("--no-audit", "no_audit", is_flag=True, help="File: do not record the screening in the audit log.")
@audit_strict_option
@dispositions_option
@diag_option
@_guard
def screen(
    target: str,
    name: str | None,
    un_lists: tuple[Path, ...],
    vessel_lists: tuple[Path, ...],
    no_cache: bool,
    name_threshold: float | None,
    max_list_age: int | None,
    warn_list_age: int,
    no_lists: bool,
    on: date | None,
    kinds: tuple[str, ...],
    fmt: str,
    mapping_file: Path | None,
    maps: tuple[str, ...],
    defaults: tuple[str, ...],
    separator: str | None,
    input_format: str | None,
    encoding: str | None,
    findings: Path | None,
    findings_format: str,
    rejects: Path | None,
    verdicts: Path | None,
    workers: int,
    scheduler: str | None,
    partition_rows: int,
    as_of: date | None,
    rules_dir: Path | None,
    fail_on: str,
    audit_db: Path | None,
    no_audit: bool,
    audit_strict: bool,
    dispositions_path: Path | None,
    diagnostics_format: str,
) -> None:
    """Screen a trade file (CSV, JSON lines, Parquet), or look up one name or identifier.

    \b
    A FILE: every row is checked, judged and given a verdict; flagged rows go to the findings
    file, unreadable rows (with their line) to the rejects file, and a summary to stdout. Exit 1
    when a row reaches --fail-on, 2 when a row could not be read.
    An argument with a path separator or a file ending, or any file option (--mapping...), is a
    file: a missing one is exit 2, never a name look-up (use --name for a name like a file).
    A NAME, an IMO number or a UN reference number (KPe.020): identifiers match exactly (a
    definite match, showing whom), names by resemblance (a possible match, with its score and
    the normalised forms compared). Exit 1 if anything matched that was listed by --on; exit 2
    for a blank name, or when the list that could answer is not loaded.
    """
    from .bulk.command import BulkOptions, run_bulk
    from .lookup import classify
    from .lookup_report import run_lookup
    from .screening import DEFAULT_THRESHOLD

    file_options = bool(mapping_file or maps or defaults or input_format)
    what = classify(target or "", file_options=file_options, explicit_name=name)
    lists = _load_lists(un_lists, vessel_lists, no_cache or no_lists, max_list_age, warn_list_age)
    if what.kind == "file":
        options = BulkOptions(
            mapping_file, maps, defaults, separator, input_format, findings, findings_format, rejects, verdicts,
            workers, scheduler, partition_rows, as_of, rules_dir, fail_on, audit_db, no_audit, no_lists, encoding,
            audit_strict, load_for_run(dispositions_path),
        )  # fmt: skip
        code = run_bulk(
            Path(target), options, lists, name_threshold or DEFAULT_THRESHOLD, "markdown" if fmt == "text" else fmt
        )
        if code:
            sys.exit(code)
        return
    code = run_lookup(what, lists, on=on, threshold=name_threshold or DEFAULT_THRESHOLD, kinds=set(kinds), fmt=fmt)
    if code:
        sys.exit(code)


@main.command("verify")
@click.argument("report_file", metavar="REPORT.json", type=click.Path(path_type=Path))
@click.option(
    "--base",
    type=click.Path(path_type=Path),
    help="Directory the report's relative input paths are read from [default: the current directory].",
)
@click.option("--audit-db", "audit_db", type=click.Path(path_type=Path), help="The audit log to look the report up in.")
@text_or_json_option
@diag_option
@_guard
def verify_command(
    report_file: Path, base: Path | None, audit_db: Path | None, fmt: str, diagnostics_format: str
) -> None:
    """Re-run the evaluation a JSON report records and say whether its findings are identical.

    Exit 0 when identical, 1 when anything differs (each difference is listed), 2 when an input
    is missing or has changed since the report (it can then be neither confirmed nor refuted).
    """
    import hashlib

    from .audit import find_report
    from .verify import verify

    result = verify(report_file, base)
    audit_problem = ""
    try:
        recorded = find_report(hashlib.sha256(report_file.read_bytes()).hexdigest(), audit_db)
    except InputError as exc:  # a damaged log: said, and the re-run is still judged
        recorded, audit_problem = [], "; ".join(d.message for d in exc.diagnostics)
    except SanctionsEngineError as exc:
        recorded, audit_problem = [], str(exc)
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    **result.model_dump(mode="json"),
                    "audit_records": [e.seq for e in recorded],
                    **({"audit_problem": audit_problem} if audit_problem else {}),
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        for note in result.notes:
            click.echo(f"note: {note}")
        if audit_problem:
            click.echo(f"audit: the audit log could not be searched: {audit_problem}")
        elif recorded:
            unverified = [e.seq for e in recorded if e.problems]
            click.echo(
                f"audit: these bytes are audit record{'s' if len(recorded) > 1 else ''} "
                + ", ".join(str(e.seq) for e in recorded)
                + (f" (record {', '.join(map(str, unverified))} fails verification)" if unverified else "")
            )
        else:
            click.echo("audit: these bytes are not in the audit log (edited, or recorded elsewhere)")
        if result.identical:
            click.echo(f"identical: re-running {result.report} gives the same findings and verdicts")
        else:
            click.echo(f"different: re-running {result.report} gives {plural(len(result.differences), 'difference')}:")
            for d in result.differences:
                click.echo(f"  {d}")
    if not result.identical:
        sys.exit(ExitCode.FINDINGS)


main.add_command(audit_group)
main.add_command(alerts_group)


@main.group("lists")
def lists_group() -> None:
    """The local cache of screening lists (the UN publishes them; we do not bundle them)."""


rescreen_option = click.option(
    "--rescreen",
    "rescreen_runs",
    multiple=True,
    type=click.Path(path_type=Path),
    metavar="RUN.json",
    help="Then re-screen this earlier bulk run against the new list (repeatable); exit 1 if a verdict worsened.",
)


@lists_group.command("fetch")
@click.option("--url", default=None, help="Where to download the UN consolidated list (default: the UN's URL).")
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=60.0,
    show_default=True,
    help="Seconds before the download is abandoned.",
)
@rescreen_option
@_guard
def lists_fetch(url: str | None, timeout: float, rescreen_runs: tuple[Path, ...]) -> None:
    """Download the UN Security Council consolidated list into the cache."""
    from .listcache import OFFICIAL_UN_URL, cache_dir, fetch
    from .rescreen.watch import after_store

    with after_store(rescreen_runs) as code:
        lst = fetch(url or OFFICIAL_UN_URL, timeout)
        click.echo(f"stored in {cache_dir() / 'lists'}: {lst.describe()}")
    if code():
        sys.exit(code())


@lists_group.command("add")
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--kind",
    type=click.Choice(["un", "vessels"]),
    help="Which list the file is (default: .xml is the UN list, .json/.csv the vessels list).",
)
@rescreen_option
@_guard
def lists_add(path: Path, kind: str | None, rescreen_runs: tuple[Path, ...]) -> None:
    """Store a list file you already have in the cache (checked first; replaces the last one)."""
    from .listcache import add, cache_dir
    from .rescreen.watch import after_store

    with after_store(rescreen_runs) as code:
        lst = add(path, kind)  # type: ignore[arg-type]
        click.echo(f"stored in {cache_dir() / 'lists'}: {lst.describe()}")
    if code():
        sys.exit(code())


@lists_group.command("show")
@_guard
def lists_show() -> None:
    """Show the cached lists: date inside each list, age, entries, origin and SHA-256."""
    from .evaluation import load_lists
    from .listcache import cache_dir, read_index
    from .listcoverage import today

    index = read_index()
    if not index.lists:
        click.echo(f"no lists cached in {cache_dir() / 'lists'}; run `sanctionsengine lists fetch` or `lists add FILE`")
        return
    root = cache_dir() / "lists"
    on = today()
    for entry in index.lists:
        lst = (load_lists([root / entry.file]) if entry.kind == "un" else load_lists([], [root / entry.file]))[0]
        age = lst.age_text(on)
        click.echo(f"{entry.kind:<8} {lst.title}, {lst.generated} ({age}), {len(lst.entries)} entries")
        click.echo(f"         from {entry.origin}, stored {entry.stored_at.isoformat()}, sha256 {entry.sha256}")


@main.group()
def rules() -> None:
    """Inspect the rulebook."""


@rules.command("list")
@rules_option
@click.option("--as-of", "as_of", type=DATE, help="Only rules in force on this date, with that day's version.")
@click.option("--family", help="Only this measure family.")
@text_or_json_option
@_guard
def rules_list(rules_dir: Path | None, as_of: date | None, family: str | None, fmt: str) -> None:
    """List the rules: id, kind, family, citation and dates."""
    from .rulebook import bundled_rules_path, load_rulebook

    book = load_rulebook(rules_dir if rules_dir is not None else bundled_rules_path())
    families_known = sorted({rule.family for rule in book.rules})
    if family is not None and family not in families_known:
        raise InputError(
            [
                Diagnostic(
                    SourceLocation("<command line>"),
                    "bad-value",
                    f"--family {family!r} is not a family of this rulebook",
                    hint=" ".join(
                        filter(None, [did_you_mean(family, families_known), "families: " + ", ".join(families_known)])
                    ),
                )
            ]
        )
    rows: list[dict[str, Any]] = []
    for rule in book.rules:
        if family and rule.family != family:
            continue
        versions = [rule.version_on(as_of)] if as_of else list(rule.versions)
        versions = [v for v in versions if v is not None]
        if not versions:
            continue
        latest = versions[-1]
        rows.append(
            {
                "id": rule.id,
                "kind": rule.kind.value,
                "family": rule.family,
                "title": rule.title,
                "citation": str(latest.citation),
                "version": latest.version,
                "in_force_from": str(latest.in_force_from),
                "in_force_until": str(latest.in_force_until or ""),
                "versions": len(rule.versions),
            }
        )
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not rows:
        click.echo("no rules match", err=True)
        return
    width = max(len(r["id"]) for r in rows)
    for r in rows:
        dates = f"{r['in_force_from']}..{r['in_force_until']}"
        click.echo(f"{r['id']:<{width}}  {r['kind']:<11}  {r['citation']:<32}  {dates:<22}  {r['title']}")
    families = len({r["family"] for r in rows})
    click.echo(f"{plural(len(rows), 'rule')} in {plural(families, 'family')} ({book.hash})", err=True)


@rules.command("show")
@click.argument("rule_id")
@rules_option
@_guard
def rules_show(rule_id: str, rules_dir: Path | None) -> None:
    """Show one rule with every version, its citations, scope and provenance."""
    import yaml

    from .errors import did_you_mean
    from .rulebook import bundled_rules_path, load_rulebook

    book = load_rulebook(rules_dir if rules_dir is not None else bundled_rules_path())
    if not book.has_rule(rule_id):
        raise InputError(
            [
                Diagnostic(
                    SourceLocation("<command line>"),
                    "dangling-reference",
                    f"no rule '{rule_id}' in the rulebook; see `sanctionsengine rules list`",
                    hint=did_you_mean(rule_id, [r.id for r in book.rules]),
                )
            ]
        )
    rule = book.rule(rule_id)
    place = book.places[rule.id].location()
    click.echo(f"# {place}")
    click.echo(
        yaml.safe_dump(
            rule.model_dump(mode="json", exclude_none=True, exclude_defaults=True),
            sort_keys=False,
            allow_unicode=True,
            width=100,
        ),
        nl=False,
    )


@rules.command("groups")
@rules_option
@_guard
def rules_groups(rules_dir: Path | None) -> None:
    """List the commodity groups (the categories a scenario may use) with their HS codes."""
    from .rulebook import bundled_rules_path, load_rulebook

    book = load_rulebook(rules_dir if rules_dir is not None else bundled_rules_path())
    for gid, g in sorted(book.groups.groups.items()):
        parts = []
        if g.hs:
            parts.append("HS " + ", ".join(g.hs))
        if g.includes:
            parts.append("includes " + ", ".join(g.includes))
        if g.min_value_usd:
            parts.append(f"above US${g.min_value_usd:,.0f}")
        click.echo(f"{gid:<34} {g.title}" + (f" [{'; '.join(parts)}]" if parts else ""))


@main.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("docs"),
    show_default=True,
    help="Directory of the generated documents.",
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if any document is out of date.")
@rules_option
@_guard
def generate(out_dir: Path, check: bool, rules_dir: Path | None) -> None:
    """Write the step guide, the error-code reference and the report's JSON Schema into docs/."""
    from .generate import generate as run_generate
    from .rulebook import bundled_rules_path, load_rulebook

    book = load_rulebook(rules_dir if rules_dir is not None else bundled_rules_path())
    stale = run_generate(out_dir, check=check, book=book)
    if check:
        if stale:
            click.echo(f"out of date in {out_dir}: {', '.join(stale)} (run `sanctionsengine generate`)", err=True)
            sys.exit(ExitCode.FINDINGS)
        click.echo(f"ok: the generated documents in {out_dir} are current")
    else:
        click.echo(f"wrote {', '.join(stale) or 'nothing (all current)'} in {out_dir}")


from .rescreen.command import register as _register_rescreen  # noqa: E402  (lists diff, rescreen)

_register_rescreen(main, lists_group)

from .service.command import serve  # noqa: E402  (the HTTP service; its code is imported when it starts)

main.add_command(serve)

if __name__ == "__main__":  # pragma: no cover
    main()
