"""``sanctionsengine audit``: verify, list and show the hash-chained audit log."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .cli_common import ExitCode, audit_db_option, error, guard
from .errors import Diagnostic, InputError, SourceLocation
from .wording import plural


@click.group("audit")
def audit_group() -> None:
    """The audit log: one hash-chained record per evaluation."""


@audit_group.command("verify")
@audit_db_option
@guard
def audit_verify(audit_db: Path | None) -> None:
    """Recompute every record's hash and link; exit 1 naming each record that does not fit."""
    from .audit import default_path, head_path, verify_chain

    where = audit_db or default_path()
    check = verify_chain(where)
    if check.intact:
        kept = f" (also kept in {head_path(where).name})" if head_path(where).exists() else ""
        click.echo(f"ok: {plural(check.records, 'record')} in {where}, chain intact; head {check.head}{kept}")
        return
    for problem in check.problems:
        click.echo(problem)
    click.echo(
        f"broken: {plural(len(check.problems), 'problem')} in {plural(check.records, 'record')} of {where}", err=True
    )
    sys.exit(ExitCode.FINDINGS)


def _warn_failing(listing: object, where: Path) -> None:
    from .audit import Listing

    assert isinstance(listing, Listing)
    for problem in listing.head_problems:
        click.echo(f"warning: {where}: {problem}", err=True)
    if listing.failing:
        click.echo(
            f"warning: {plural(listing.failing, 'record')} of {where} "
            f"{'fails' if listing.failing == 1 else 'fail'} verification (marked !); "
            "run `sanctionsengine audit verify`",
            err=True,
        )


@audit_group.command("list")
@audit_db_option
@click.option("--last", type=click.IntRange(min=1), help="Only the last N records.")
@guard
def audit_list(audit_db: Path | None, last: int | None) -> None:
    """One line per evaluation: number, time, user, scenario, verdicts, report hash.

    A record that fails verification is marked ``!`` and its problem is named."""
    from .audit import default_path, inspect

    where = audit_db or default_path()
    listing = inspect(where)
    lines: list[tuple[int, str]] = []
    for e in listing.entries:
        r = e.record
        counts = ", ".join(f"{n} {v.replace('_', ' ')}" for v, n in r.verdicts.items())
        mark = "!" if e.problems else " "
        text = (
            f"{e.seq:>5}{mark} {r.recorded_at[:19]}  {r.user:<10}  {r.scenario.get('path', '?')}  [{counts}]  "
            f"{r.report.get('format', '?')} {str(r.report.get('sha256', '?'))[:16]}…"
        )
        if e.problems:
            text += f"  FAILS VERIFICATION: {'; '.join(e.problems)}"
        lines.append((e.seq, text))
    for seq, problems in listing.unreadable.items():
        lines.append((seq, f"{seq:>5}! FAILS VERIFICATION: {'; '.join(problems)}"))
    lines.sort()
    for _, text in lines[-last:] if last else lines:
        click.echo(text)
    if not lines:
        click.echo(f"no records in {where}", err=True)
    _warn_failing(listing, where)


@audit_group.command("show")
@click.argument("seq", type=int)
@audit_db_option
@guard
def audit_show(seq: int, audit_db: Path | None) -> None:
    """One record in full, with its hash, the hash it links to, and whether it verifies."""
    from .audit import default_path, inspect

    where = audit_db or default_path()
    listing = inspect(where)
    found = next((e for e in listing.entries if e.seq == seq), None)
    if found is None and seq in listing.unreadable:
        error(f"audit record {seq} cannot be read: {'; '.join(listing.unreadable[seq])}")
        sys.exit(ExitCode.FINDINGS)
    if found is None:
        span = f"records 1 to {listing.records}" if listing.records else "no records"
        raise InputError(
            [
                Diagnostic(
                    SourceLocation("<command line>"),
                    "dangling-reference",
                    f"no audit record {seq} in {where} (it holds {span})",
                    hint="see `sanctionsengine audit list`",
                )
            ]
        )
    data = found.model_dump(mode="json")
    data["verified"] = found.verified
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    if not found.verified:
        click.echo(f"warning: audit record {seq} fails verification: {'; '.join(found.problems)}", err=True)
        sys.exit(ExitCode.FINDINGS)
    for problem in listing.head_problems:
        click.echo(f"warning: {where}: {problem}", err=True)
