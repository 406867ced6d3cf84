"""Which measures each designated vessel's listing imposes, as the 1718 Committee wrote it.

The Committee's designated-vessels list marks, for every designation of a vessel, the paragraphs
it applies (one column each, "Yes" or "na"). A rule about designated vessels names the columns
it implements (``scope.listing_measures``); a vessel counts for that rule only if its listing
marks one of them, from the date of the designation that marked it. An entry whose list gives no
measure columns at all (a list in another form, a hand-made extract) counts only for the general
vessel rule, whose ``listing_measures`` is ``[none]``, and the finding says so.

Facts for durable-rules: ``dsgm_<column>`` for a definite hit whose listing marks the column and
is in force on the event's date, ``dsgmp_<column>`` for a possible (name) hit; ``none`` stands
for "the list gives no measures for this vessel".
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from .screening import EntryKind, EventScreening, ListMatch
from .vocabulary import PartyScope

#: The measure columns of the 1718 designated-vessels list (its ``meta.measure_columns``), with
#: what each imposes. 2321 OP12 lets the Committee require (a) de-flagging, (b) direction to a
#: port, (c) a port-entry ban and (d) the asset freeze (reference §5.5); the list's port-entry
#: column cites 2371 OP6 and 2375 OP6.
COLUMNS: dict[str, str] = {
    "para_8d_1718_and_12_2270": "asset freeze (1718 OP8(d), 2270 OP12)",
    "para_12a_2321": "de-flagging (2321 OP12(a))",
    "para_12d_2321": "asset freeze (2321 OP12(d))",
    "para_6_2371_and_6_2375": "port-entry ban (2371 OP6, 2375 OP6)",
    "omm_economic_resource_KPe020": "asset freeze as economic resources of Ocean Maritime Management (KPe.020)",
}
#: ``listing_measures`` value of the general rule: a vessel whose list entry gives no measures.
NONE = "none"
ALLOWED = frozenset(COLUMNS) | {NONE}


def describe(columns: Iterable[str]) -> str:
    return "; ".join(COLUMNS.get(c, c) for c in columns) or "no measures given by the list"


def measures_on(match: ListMatch, on: date) -> set[str]:
    """The columns ``match``'s listing marks that are in force on ``on`` (``{none}`` if it gives none)."""
    if not match.measures:
        return {NONE}
    return {m.column for m in match.measures if m.since is None or m.since <= on}


def measure_facts(screening: EventScreening | None, on: date) -> list[tuple[str, str]]:
    """(prefix, column) facts for the vessel hits of one event: ``dsgm`` definite, ``dsgmp`` possible."""
    out: list[tuple[str, str]] = []
    if screening is None:
        return out
    definite: set[str] = set()
    for m in screening.hits({EntryKind.VESSEL}, definite=True):
        definite |= measures_on(m, on)
    possible: set[str] = set()
    for m in screening.hits({EntryKind.VESSEL}, definite=False):
        possible |= measures_on(m, on)
    out += [("dsgm", c) for c in sorted(definite)]
    out += [("dsgmp", c) for c in sorted(possible - definite)]
    return out


def party_terms(parties: Iterable[PartyScope], listing_measures: Iterable[str]) -> list[tuple[str, str, str]]:
    """(definite prefix, possible prefix, value) for each alternative a rule's parties allow."""
    measures = tuple(listing_measures)
    out: list[tuple[str, str, str]] = []
    for p in parties:
        if p == PartyScope.DESIGNATED_VESSEL and measures:
            out.extend(("dsgm", "dsgmp", m) for m in measures)
        else:
            out.append(("dsg", "dsgp", p.value))
    return out


def all_facts() -> list[tuple[str, str]]:
    """Every measure fact an event may carry (room kept for them when bounding a fact's size)."""
    return [(prefix, c) for prefix in ("dsgm", "dsgmp") for c in sorted(ALLOWED)]


def rule_hits(matches: list[ListMatch], listing_measures: Iterable[str], on: date) -> list[ListMatch]:
    """The vessel matches a rule implementing ``listing_measures`` rests on (others are kept)."""
    wanted = set(listing_measures)
    if not wanted:
        return matches
    return [m for m in matches if m.kind != EntryKind.VESSEL or measures_on(m, on) & wanted]


def explain(match: ListMatch, on: date) -> str:
    """What the listing of a matched vessel imposes on the event's date, for the finding."""
    if not match.measures:
        return (
            f"the list gives no measures for {match.listed_name or match.reference}'s listing: "
            "the general designated-vessel rule applies"
        )
    now = sorted(measures_on(match, on))
    later = sorted({m.column for m in match.measures} - set(now))
    text = f"{match.listed_name or match.reference}'s listing imposes: {describe(now)}"
    if later:
        text += f" (and, from later designations: {describe(later)})"
    return text
