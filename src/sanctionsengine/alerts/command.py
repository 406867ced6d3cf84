"""`sanctionsengine alerts list|show|decide|export`: review the alerts of a run and record decisions.

The alerts are read from a JSON report (``evaluate --format json``) or a bulk summary
(``screen FILE --format json``); decisions go to the dispositions file (see ``store``).
"""

from __future__ import annotations

import csv
import io
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from ..cli_common import guard as _guarded
from ..errors import Diagnostic, InputError, SourceLocation
from ..limits import MAX_JSON_BYTES, parse_json, read_limited
from ..wording import plural
from ..yamlfile import display_path
from .models import (
    DECISION_MEANING,
    Alert,
    AlertReview,
    AlertStatus,
    Decision,
    Disposition,
    false_positive_refusal,
)
from .store import ENV_FILE, LoadedDispositions, append_disposition, default_file, load_dispositions, today

dispositions_option = click.option(
    "--dispositions",
    "dispositions_path",
    type=click.Path(path_type=Path),
    help=f"The reviewers' decisions (YAML) to apply to the alerts [default: ${ENV_FILE}, else none].",
)


def load_for_run(path: Path | None) -> LoadedDispositions:
    """The dispositions a run applies: ``--dispositions``, else ``$SANCTIONSENGINE_DISPOSITIONS``, else none."""
    chosen = path or default_file()
    return load_dispositions(chosen) if chosen is not None else LoadedDispositions.none()


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(
            [
                Diagnostic(
                    SourceLocation("<command line>"),
                    "bad-date",
                    f"{option} '{value}' is not a date; expected YYYY-MM-DD (a UTC calendar day)",
                )
            ]
        ) from None


def read_review(path: Path) -> tuple[AlertReview, dict[str, Any]]:
    """The alert review inside a JSON report or bulk summary, and the document itself."""
    name = display_path(path)
    if not path.is_file():
        raise InputError([Diagnostic(SourceLocation(name), "file-not-found", "no such report")])
    doc = parse_json(read_limited(path, name, MAX_JSON_BYTES), name)
    if not isinstance(doc, dict) or not isinstance(doc.get("alerts"), dict):
        raise InputError(
            [
                Diagnostic(
                    SourceLocation(name),
                    "bad-file",
                    "this JSON has no 'alerts' section",
                    hint="give a report of `sanctionsengine evaluate --format json` or a summary of "
                    "`sanctionsengine screen FILE --format json`",
                )
            ]
        )
    try:
        return AlertReview.model_validate(doc["alerts"]), doc
    except ValueError:
        raise InputError(
            [
                Diagnostic(
                    SourceLocation(name), "bad-file", "the 'alerts' section cannot be read (edited, or a newer format?)"
                )
            ]
        ) from None


def _definite_in(doc: dict[str, Any], alert: Alert) -> bool:
    """Whether the report's finding for ``alert`` matched its listing by identifier (reports made
    before alerts recorded ``definite``)."""
    if alert.key.listing is None or not isinstance(doc.get("events"), list):
        return False
    for ev in doc["events"]:
        if not isinstance(ev, dict) or ev.get("id") != alert.key.event:
            continue
        for f in ev.get("findings") or []:
            if isinstance(f, dict) and f.get("rule_id") == alert.key.rule:
                for m in f.get("list_matches") or []:
                    if isinstance(m, dict) and m.get("reference") == alert.key.listing and m.get("definite"):
                        return True
    return False


def alert_line(n: int, a: Alert) -> str:
    key = a.key
    listing = f"  {key.listing} ({str(key.entry_sha256)[:12]}…)" if key.listing else ""
    text = f"{n:>4}  {a.status.value:<9}  {a.outcome.value:<19}  {key.event}  {key.rule}{listing}"
    if a.decision is not None:
        text += f"  [{a.decision.value} by {a.reviewer} on {a.decided}, valid through {a.expires}]"
    if a.reopened_because:
        text += f"  re-opened: {a.reopened_because}"
    if a.refused_because:
        text += f"  not applied: {a.refused_because}"
    return text


@click.group("alerts")
def alerts_group() -> None:
    """Review alerts and record decisions (false positive, confirmed, escalated, waived) that later runs apply."""


@alerts_group.command("list")
@click.argument("report_file", metavar="REPORT.json", type=click.Path(path_type=Path))
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice([s.value for s in AlertStatus]),
    help="Only alerts in this state; repeatable (default: all).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="One line per alert, or the alerts as JSON.",
)
@click.option(
    "--dispositions",
    "dispositions_path",
    type=click.Path(path_type=Path),
    hidden=True,  # accepted only to say what to do instead
    help="Not taken here: the list shows the decisions REPORT.json records (re-run with --dispositions to apply a file).",
)
@_guarded
def alerts_list(report_file: Path, statuses: tuple[str, ...], fmt: str, dispositions_path: Path | None) -> None:
    """One line per alert of a run: number, status, outcome, event, rule, listing and decision."""
    if dispositions_path is not None:
        raise click.UsageError(
            "alerts list shows the decisions the run applied, as recorded in REPORT.json; to apply a "
            "dispositions file, re-run `evaluate` (or `screen FILE`) with --dispositions FILE"
        )
    review, _ = read_review(report_file)
    chosen = [(n, a) for n, a in enumerate(review.alerts, 1) if not statuses or a.status.value in statuses]
    if fmt == "json":
        click.echo(json.dumps([{"n": n, **a.model_dump(mode="json")} for n, a in chosen], indent=2, ensure_ascii=False))
        return
    for n, a in chosen:
        click.echo(alert_line(n, a))
    counts = ", ".join(f"{v} {k}" for k, v in review.by_status.items())
    click.echo(
        f"{len(review.alerts)} alerts ({counts}); decisions from {review.dispositions_file or 'no dispositions file'}, "
        f"expiry compared with {review.today} (UTC)",
        err=True,
    )
    for u in review.unused:
        click.echo(f"unused decision: {u.key.label()} ({u.decision.value} by {u.reviewer}): {u.because}", err=True)


@alerts_group.command("show")
@click.argument("report_file", metavar="REPORT.json", type=click.Path(path_type=Path))
@click.argument("number", type=click.IntRange(min=1))
@_guarded
def alerts_show(report_file: Path, number: int) -> None:
    """One alert in full (JSON), with the finding it comes from."""
    review, doc = read_review(report_file)
    if number > len(review.alerts):
        raise click.ClickException(f"no alert {number}: the run has {len(review.alerts)}")
    alert = review.alerts[number - 1]
    finding = None
    for ev in doc.get("events", []) if isinstance(doc.get("events"), list) else []:
        if isinstance(ev, dict) and ev.get("id") == alert.key.event:
            finding = next((f for f in ev.get("findings", []) if f.get("rule_id") == alert.key.rule), None)
    out = {"n": number, **alert.model_dump(mode="json"), "finding": finding}
    click.echo(json.dumps(out, indent=2, ensure_ascii=False))


@alerts_group.command("decide")
@click.argument("report_file", metavar="REPORT.json", type=click.Path(path_type=Path))
@click.argument("number", type=click.IntRange(min=1))
@click.option(
    "--decision",
    type=click.Choice([d.value for d in Decision]),
    required=True,
    help="false-positive or waived stop the alert counting toward --fail-on; confirmed and escalated do not.",
)
@click.option("--reason", required=True, help="Why, in your words (kept with the decision).")
@click.option("--reviewer", required=True, help="Who decides (a name or staff id).")
@click.option(
    "--expires", required=True, metavar="YYYY-MM-DD", help="The last day the decision is valid (inclusive, UTC)."
)
@click.option("--exemption", help="For --decision waived: the exemption's reference (the Committee's decision).")
@click.option("--decided", metavar="YYYY-MM-DD", help="The day of the decision [default: today, UTC].")
@dispositions_option
@_guarded
def alerts_decide(
    report_file: Path,
    number: int,
    decision: str,
    reason: str,
    reviewer: str,
    expires: str,
    exemption: str | None,
    decided: str | None,
    dispositions_path: Path | None,
) -> None:
    """Record a decision on alert NUMBER of REPORT.json, appended to the dispositions file."""
    review, doc = read_review(report_file)
    if number > len(review.alerts):
        raise click.ClickException(f"no alert {number}: the run has {len(review.alerts)}")
    target = dispositions_path or default_file()
    if target is None:
        raise click.UsageError(f"say where decisions are kept: --dispositions FILE or ${ENV_FILE}")
    alert = review.alerts[number - 1]
    if decision == Decision.FALSE_POSITIVE.value and (alert.definite or _definite_in(doc, alert)):
        raise InputError(
            [
                Diagnostic(
                    SourceLocation(display_path(report_file)),
                    "false-positive-on-definite-match",
                    f"alert {number} ({alert.key.label()}): {false_positive_refusal(alert.key.listing)}",
                )
            ]
        )
    if decision == Decision.WAIVED.value and not exemption:
        raise InputError(
            [
                Diagnostic(
                    SourceLocation("<command line>"),
                    "missing",
                    "a waived decision names its exemption: give --exemption REF (the Committee's decision or notice)",
                )
            ]
        )
    entry = {
        "key": alert.key.model_dump(mode="json"),
        "decision": decision,
        "exemption": exemption,
        "reason": reason,
        "reviewer": reviewer,
        "decided": (_date(decided, "--decided") or today()).isoformat(),
        "expires": str(_date(expires, "--expires")),
    }
    try:
        disposition = Disposition.model_validate(entry)
    except ValueError as exc:
        problems = [
            Diagnostic(SourceLocation("<command line>"), "bad-value", str(e["msg"]).removeprefix("Value error, "))
            for e in exc.errors()  # type: ignore[attr-defined]
        ]
        raise InputError(problems) from None
    stored = append_disposition(target, disposition)
    click.echo(
        f"recorded in {stored.file} ({plural(len(stored.dispositions), 'decision')}): {alert.key.label()}: {decision} by "
        f"{reviewer}, valid through {disposition.expires} (UTC); {DECISION_MEANING[disposition.decision]}"
    )


@alerts_group.command("export")
@dispositions_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv"]),
    default="json",
    show_default=True,
    help="JSON (with the file's SHA-256) or CSV, one line per decision.",
)
@_guarded
def alerts_export(dispositions_path: Path | None, fmt: str) -> None:
    """Every decision in the dispositions file, as JSON or CSV for auditors (with the file's SHA-256)."""
    target = dispositions_path or default_file()
    if target is None:
        raise click.UsageError(f"say which file: --dispositions FILE or ${ENV_FILE}")
    loaded = load_dispositions(target)
    rows = [d.model_dump(mode="json") for d in loaded.dispositions]
    if fmt == "json":
        click.echo(
            json.dumps(
                {"file": loaded.file, "sha256": loaded.sha256, "dispositions": rows}, indent=2, ensure_ascii=False
            )
        )
        return
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\n")
    columns = [
        "event",
        "rule",
        "listing",
        "entry_sha256",
        "decision",
        "exemption",
        "reason",
        "reviewer",
        "decided",
        "expires",
    ]
    writer.writerow(columns)
    for r in rows:
        flat = {**r["key"], **{k: v for k, v in r.items() if k != "key"}}
        writer.writerow(["" if flat.get(c) is None else flat[c] for c in columns])
    sys.stdout.write(buf.getvalue())
