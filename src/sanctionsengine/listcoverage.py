"""Screening coverage, list dates and ages, and the fail-closed gate.

A verdict of "out of scope" or "not prohibited" is only as good as the lists the event was
screened against. This module states, for every event (and bulk row), *what* could be screened
(party names, vessel names, IMO numbers, UN reference numbers), *against which* loaded list
(title, date, SHA-256) each was screened, and the result:

- ``not-screened``: some item could only be screened against a list that is not loaded (this
  comes first: a match on one item does not vouch for the others; each item has its own state);
- ``matched``: every item was screened, and a list entry matched one (in force on the date or not);
- ``screened-clear``: every item was screened against a list that could hold it, and none matched;
- ``nothing-to-screen``: the event names no party, vessel or identifier.

Which list can hold what: party names and UN references are on the UN consolidated list (its
DPRK records); vessel names and IMO numbers are on the 1718 Committee's designated vessels list.

The gate (:func:`require_lists`) refuses to run (exit 2, code ``list-missing``) when the input
names something no loaded list could match, unless the user accepts that with ``--no-lists``.

List dates: the UN list's ``dateGenerated``; the vessels JSON's edition date (``meta.list_version``,
"4 June 2020 ..."); for a vessels CSV, which carries no date of its own, the latest designation date
in it, so the age computed from it is an upper bound. A list dated after today is refused
(``list-date``); one older than ``--warn-list-age`` days (default 30) gives a warning on every run;
``--max-list-age`` refuses it. "Today" is ``$SANCTIONSENGINE_TODAY`` (YYYY-MM-DD) when set.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from .errors import Diagnostic, InputError, SourceLocation

TODAY_ENV = "SANCTIONSENGINE_TODAY"
DEFAULT_WARN_AGE = 30

#: What each kind of list can match.
LIST_TITLES = {
    "un": "the UN Security Council consolidated list",
    "vessels": "the 1718 Committee's designated vessels list",
}
LIST_HOW = {
    "un": "--list FILE.xml",
    "vessels": "--vessels FILE.json|csv",
}
#: Which list kind can hold each thing an event names.
HOLDS = {"name": "un", "un-reference": "un", "vessel": "vessels", "imo": "vessels"}
NOT_SCREENED_NOTE = "parties not screened"


class CoverageState(StrEnum):
    MATCHED = "matched"
    SCREENED_CLEAR = "screened-clear"
    NOT_SCREENED = "not-screened"
    NOTHING_TO_SCREEN = "nothing-to-screen"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ListIdentity(_Model):
    """A list as a screening result names it."""

    kind: str
    title: str
    dated: date | None
    sha256: str


class ScreenedItem(_Model):
    """One thing of an event that a list could hold, and what screening it gave."""

    role: str = Field(description="supplier, recipient or vessel")
    what: str = Field(description="name, un-reference, vessel or imo")
    value: str
    state: CoverageState = Field(description="matched, screened-clear or not-screened")
    screened_against: list[str] = Field(description="SHA-256 of each loaded list that could hold it")
    needs: str = Field(description="The kind of list that can hold it: un or vessels")


class Coverage(_Model):
    """What an event (or a bulk row) was screened for, against which lists, with what result."""

    state: CoverageState
    items: list[ScreenedItem] = Field(default_factory=list)
    lists: list[ListIdentity] = Field(default_factory=list, description="The lists loaded")
    missing: list[str] = Field(default_factory=list, description="Kinds of list needed but not loaded")
    note: str | None = Field(default=None, description="'parties not screened: ...' when state is not-screened")

    @property
    def not_screened(self) -> bool:
        return self.state == CoverageState.NOT_SCREENED


#: What goes unscreened when a list is missing: parties (names, UN references) or vessels (names, IMO numbers).
_UNSCREENED = {"un": "parties", "vessels": "vessels"}


def missing_note(missing: Iterable[str]) -> str:
    """``parties not screened: ... is not loaded`` (``vessels``, or ``parties and vessels``, as the case is)."""
    kinds = sorted(set(missing))
    what = " and ".join(_UNSCREENED[k] for k in kinds) or "parties"
    return f"{what} not screened: {' and '.join(LIST_TITLES[k] for k in kinds)} {'is' if len(kinds) == 1 else 'are'} not loaded"


def items_of_event(event: object) -> list[tuple[str, str, str]]:
    """(role, what, value) for every party name, UN reference, vessel name and IMO number."""
    from .scenario import Event

    assert isinstance(event, Event)
    out: list[tuple[str, str, str]] = []
    for role, party in (("supplier", event.supplier), ("recipient", event.recipient)):
        if party is None:
            continue
        if party.name and party.name.strip():
            out.append((role, "name", party.name))
        if party.un_reference:
            out.append((role, "un-reference", party.un_reference))
    for vessel in event.vessels:
        if vessel.name and vessel.name.strip():
            out.append(("vessel", "vessel", vessel.name))
        if vessel.imo:
            out.append(("vessel", "imo", vessel.imo))
    return out


def coverage_of(event: object, lists: Sequence[object], screening: object) -> Coverage:
    """The coverage of one event, from its items, the lists loaded and its screening result."""
    from .screening import EventScreening, ScreeningList

    assert isinstance(screening, EventScreening)
    loaded = [lst for lst in lists if isinstance(lst, ScreeningList)]
    by_kind: dict[str, list[str]] = {}
    for lst in loaded:
        by_kind.setdefault(lst.kind, []).append(lst.sha256)
    matched = {(m.role, m.query.strip().upper()) for m in screening.matches}
    items = []
    for role, what, value in items_of_event(event):
        needs = HOLDS[what]
        against = by_kind.get(needs, [])
        if (role, value.strip().upper()) in matched or (role, value.strip().removeprefix("IMO").strip()) in matched:
            state = CoverageState.MATCHED
        elif not against:
            state = CoverageState.NOT_SCREENED
        else:
            state = CoverageState.SCREENED_CLEAR
        items.append(
            ScreenedItem(role=role, what=what, value=value, state=state, screened_against=against, needs=needs)
        )
    return summarise(items, [identity(lst) for lst in loaded])


def summarise(items: list[ScreenedItem], lists: list[ListIdentity]) -> Coverage:
    missing = sorted({i.needs for i in items if i.state == CoverageState.NOT_SCREENED})
    if missing:  # incomplete first: a match on one item does not vouch for the others
        state = CoverageState.NOT_SCREENED
    elif any(i.state == CoverageState.MATCHED for i in items):
        state = CoverageState.MATCHED
    elif items:
        state = CoverageState.SCREENED_CLEAR
    else:
        state = CoverageState.NOTHING_TO_SCREEN
    return Coverage(
        state=state, items=items, lists=lists, missing=missing, note=missing_note(missing) if missing else None
    )


def identity(lst: object) -> ListIdentity:
    from .screening import ScreeningList

    assert isinstance(lst, ScreeningList)
    return ListIdentity(kind=lst.kind, title=lst.title, dated=lst.dated, sha256=lst.sha256)


def with_coverage(
    verdicts: Sequence[object], events: Sequence[object], lists: Sequence[object], screenings: Sequence[object]
) -> list:  # type: ignore[type-arg]
    """Each verdict with its coverage; an event not fully screened says so in its summary."""
    from .verdicts import EventVerdict

    out = []
    for i, v in enumerate(verdicts):
        assert isinstance(v, EventVerdict)
        from .screening import EventScreening

        screening = screenings[i] if i < len(screenings) else EventScreening()
        cov = coverage_of(events[i], lists, screening)
        update: dict[str, object] = {"coverage": cov}
        if cov.note:
            update["summary"] = f"{v.summary.rstrip('.')}; {cov.note}."
        out.append(v.model_copy(update=update))
    return out


# --- the gate ------------------------------------------------------------------------------------


def needed_kinds(whats: Iterable[str]) -> set[str]:
    return {HOLDS[w] for w in whats}


def require_lists(
    needed: dict[str, str], lists: Sequence[object], *, no_lists: bool, where: SourceLocation | str = "<command line>"
) -> list[str]:
    """Refuse (InputError ``list-missing``, one line) when a list kind in ``needed`` is not loaded.

    ``needed``: list kind → what of the input needs it ("party names", "IMO numbers"...).
    Returns the kinds missing (empty if none) when ``no_lists`` accepts running without them.
    """
    from .screening import ScreeningList

    have = {lst.kind for lst in lists if isinstance(lst, ScreeningList)}
    missing = sorted(k for k in needed if k not in have)
    if not missing or no_lists:
        return missing
    what = "; ".join(f"{needed[k]} can only be screened against {LIST_TITLES[k]}, which is not loaded" for k in missing)
    how = " and ".join(LIST_HOW[k] for k in missing)
    raise InputError(
        [
            Diagnostic(
                where if isinstance(where, SourceLocation) else SourceLocation(where),
                "list-missing",
                f"{what}; give {how}, or store the list once with "
                "`sanctionsengine lists add FILE` (or `lists fetch`); --no-lists runs without it and "
                "reports the parties as not screened",
            )
        ]
    )


#: Bulk fields → what they name (see :data:`HOLDS`).
BULK_FIELDS = {
    "supplier_name": "name",
    "recipient_name": "name",
    "supplier_ref": "un-reference",
    "recipient_ref": "un-reference",
    "vessel": "vessel",
    "imo": "imo",
}


def bulk_gate(fields: Iterable[str], lists: Sequence[object], *, no_lists: bool, where: str) -> list[str]:
    """``screen FILE``: refuse when a column (or default) gives a field no loaded list could match."""
    labels = {"name": "party names", "un-reference": "UN references", "vessel": "vessel names", "imo": "IMO numbers"}
    whats: dict[str, list[str]] = {}
    for f in sorted(fields):
        if f in BULK_FIELDS:
            what = BULK_FIELDS[f]
            whats.setdefault(HOLDS[what], [])
            if labels[what] not in whats[HOLDS[what]]:
                whats[HOLDS[what]].append(labels[what])
    needed = {k: f"the file's {' and '.join(v)}" for k, v in whats.items()}
    return require_lists(needed, lists, no_lists=no_lists, where=where)


# --- dates and ages ------------------------------------------------------------------------------

_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october"]
        + ["november", "december"]
    )
}


def parse_list_date(text: str) -> date | None:
    """An ISO date at the start (``2026-05-08T...``) or a written one ("4 June 2020 (...)")."""
    text = text.strip()
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        pass
    m = re.match(r"(\d{1,2})\s+([A-Za-z]+)\s+(\d{4})\b", text)
    if m and m.group(2).lower() in _MONTHS:
        try:
            return date(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1)))
        except ValueError:
            return None
    return None


def today() -> date:
    """Today (UTC), or ``$SANCTIONSENGINE_TODAY`` for reproducible runs and tests."""
    fixed = os.environ.get(TODAY_ENV, "").strip()
    if fixed:
        try:
            return date.fromisoformat(fixed)
        except ValueError:
            raise InputError(
                [
                    Diagnostic(
                        SourceLocation(f"${TODAY_ENV}"), "bad-value", f"'{fixed}' is not a date; expected YYYY-MM-DD"
                    )
                ]
            ) from None
    return datetime.now(UTC).date()


def age_days(dated: date | None, on: date) -> int | None:
    return None if dated is None else (on - dated).days


def check_ages(
    lists: Sequence[object],
    *,
    max_age: int | None = None,
    warn_age: int | None = DEFAULT_WARN_AGE,
    on: date | None = None,
) -> list[str]:
    """Refuse a list dated in the future (``list-date``) or older than ``max_age`` (``list-age``);
    return one warning per list older than ``warn_age`` days."""
    from .screening import ScreeningList

    on = on or today()
    problems: list[Diagnostic] = []
    warnings: list[str] = []
    for lst in lists:
        assert isinstance(lst, ScreeningList)
        where = SourceLocation(lst.path)
        if lst.dated is None:
            if max_age is not None:
                problems.append(
                    Diagnostic(
                        where, "list-date", f"the list's date '{lst.generated}' cannot be read, so its age is unknown"
                    )
                )
            else:
                warnings.append(
                    f"warning: {lst.path}: the list's date '{lst.generated}' cannot be read; its age is unknown"
                )
            continue
        age = (on - lst.dated).days
        if age < 0:
            problems.append(
                Diagnostic(
                    where,
                    "list-date",
                    f"the list is dated {lst.dated}, {-age} days after today ({on}): a list from the future is refused",
                    hint=f"check the file, or the clock (or ${TODAY_ENV})",
                )
            )
        elif max_age is not None and age > max_age:
            problems.append(
                Diagnostic(
                    where,
                    "list-age",
                    f"the list is of {lst.dated}, {age} days old{lst.age_qualifier}, older than the {max_age} days "
                    "allowed (--max-list-age); load a newer one",
                )
            )
        elif warn_age is not None and age > warn_age:
            warnings.append(
                f"warning: {lst.path}: {lst.title} is of {lst.dated}, {age} days old{lst.age_qualifier} "
                f"(more than {warn_age} days, --warn-list-age); screening may miss recent designations"
            )
    if problems:
        raise InputError(problems)
    return warnings


# --- words for the reports -----------------------------------------------------------------------


def list_age(lst: object) -> str:
    """ "208 days old" (or "at most ..." for a list dated by its latest designation) of a ListInput."""
    age = getattr(lst, "age_days", None)
    if age is None:
        return "age unknown"
    bound = str(getattr(lst, "date_basis", "")).startswith("latest designation")
    return f"{'at most ' if bound else ''}{age} days old"


def coverage_text(cov: Coverage) -> str:
    """One line: what the event was screened for, against which lists, and the result."""
    if cov.state == CoverageState.NOTHING_TO_SCREEN:
        return "nothing to screen (no party name, vessel or identifier given)"
    titles = {x.sha256: f"{x.title} of {x.dated or 'unknown date'}" for x in cov.lists}
    parts = []
    for item in cov.items:
        if item.state == CoverageState.NOT_SCREENED:
            how = f"not screened ({LIST_TITLES[item.needs]} not loaded)"
        else:
            against = ", ".join(titles.get(h, h[:16]) for h in item.screened_against)
            how = f"{'matched' if item.state == CoverageState.MATCHED else 'screened, clear'} against {against}"
        parts.append(f"{item.role} {item.what} '{item.value}': {how}")
    return f"{cov.state.value}: " + "; ".join(parts)
