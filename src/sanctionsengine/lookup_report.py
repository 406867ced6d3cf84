"""`screen NAME`: one name or identifier looked up in the loaded lists, and what is printed.

Only lists that can hold the answer are asked (:func:`.lookup.require_lists`); a match whose
listing came after ``--on`` is shown as "listed later" and not counted; a definite match (an IMO
number or a UN reference number) shows whom it matched: listed name, reference, listing date.
"""

from __future__ import annotations

import json
from datetime import date

import click

from .errors import Diagnostic, InputError, SourceLocation
from .listcoverage import today
from .lookup import Target, require_lists
from .screening import EntryKind, ListMatch, ScreeningList, screen_identifier, screen_name
from .wording import plural

#: Exit status when a counted match was found (the CLI's ExitCode.FINDINGS).
FOUND = 1


def look_up(
    what: Target, lists: list[ScreeningList], *, on: date | None, threshold: float, kinds: set[str]
) -> list[ListMatch]:
    """Every match for ``what`` (counted or listed later), after checking a list can answer it."""
    require_lists(what, {lst.kind for lst in lists}, kinds or None)
    wanted = {EntryKind(k) for k in kinds} or None
    if what.kind in ("imo", "un-reference"):
        matches = screen_identifier(what.text, lists, role="query", on=on)
    else:
        matches = screen_name(what.text, lists, role="query", on=on, threshold=threshold, kinds=wanted)
    return [m for m in matches if wanted is None or m.kind in wanted]


def _line(m: ListMatch, on: date | None) -> str:
    state = "definite" if m.definite else "possible"
    when = f"listed {m.listed_on}" if m.listed_on else "listing date unknown"
    if not m.in_force:
        when = f"listed later: {m.listed_on}, after {on}; not counted"
    if m.definite:
        what = f"{m.method} {m.matched} is {m.listed_name}"
    else:
        what = f"{m.method}: {m.matched} [compared {m.compared}]"
    return f"{m.score:5.1f}  {state:<8}  {m.reference:<12}  {m.kind.value:<10}  {what}  ({when})"


def _older_than_on(lists: list[ScreeningList], on: date | None) -> str:
    """The qualifier a no-match needs when ``--on`` is after a list's own date (or it is undated)."""
    if on is None:
        return ""
    undated = [lst for lst in lists if lst.dated is None]
    if undated:
        return f"; the date of {undated[0].title} is unknown, so listings up to {on} may be missing from it"
    oldest = min(lists, key=lambda lst: lst.dated or on)
    if oldest.dated is None or oldest.dated >= on:
        return ""
    days = (on - oldest.dated).days
    return (
        f" in lists dated up to {oldest.dated}, {plural(days, 'day')} before --on"
        f" ({oldest.title}): listings made after that are not known to this answer"
    )


def run_lookup(
    what: Target, lists: list[ScreeningList], *, on: date | None, threshold: float, kinds: set[str], fmt: str
) -> int:
    """Print the look-up in ``fmt`` (text, markdown or json); return the exit status."""
    if fmt in ("html", "junit"):
        raise InputError(
            [
                Diagnostic(
                    SourceLocation("<command line>"),
                    "bad-value",
                    f"--format {fmt} is for screening a file; a name look-up prints text, Markdown or JSON",
                    hint=f"no file named '{what.text}' was found; give a path to a .csv, .jsonl or .parquet file",
                )
            ]
        )
    if not lists:
        raise InputError(
            [
                Diagnostic(
                    SourceLocation("<command line>"),
                    "list-missing",
                    "no list to screen against: a name look-up without a list has no answer",
                    hint="give --list FILE or --vessels FILE, or fill the cache with `sanctionsengine lists fetch`",
                )
            ]
        )
    now = today()
    if on is not None and on > now:
        raise InputError(
            [
                Diagnostic(
                    SourceLocation("<command line>"),
                    "bad-value",
                    f"--on {on} is a date in the future (today is {now}): no list can say who is listed then",
                    hint="give today's date or an earlier one",
                )
            ]
        )
    matches = look_up(what, lists, on=on, threshold=threshold, kinds=kinds)
    counted = [m for m in matches if m.in_force]
    later = [m for m in matches if not m.in_force]
    identifier = what.kind != "name"
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "query": what.text,
                    "looked_up_as": what.kind,
                    "on": on.isoformat() if on else None,
                    "threshold": threshold,
                    "lists": [lst.describe(today()) for lst in lists],
                    "matches": [m.model_dump(mode="json") for m in counted],
                    "listed_later": [m.model_dump(mode="json") for m in later],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
        return FOUND if counted else 0
    for lst in lists:
        click.echo(f"screened against: {lst.describe(today())}")
    for m in counted + later:
        click.echo(_line(m, on))
    if counted:
        click.echo(
            f"{len(counted)} match{'es' if len(counted) != 1 else ''}"
            + (f" listed on or before {on}" if on else "")
            + ("" if identifier else "; a name match is not an identity: confirm with an identifier")
        )
    else:
        click.echo(
            f"no match for '{what.text}'"
            + ("" if identifier else f" at threshold {threshold:g}")
            + (f" listed on or before {on} ({len(later)} listed later)" if later else "")
            + _older_than_on(lists, on)
        )
    return FOUND if counted else 0
