"""What the report leaves open, and how the verdict treats it: the scenario's uncertain facts.

An analyst often knows less than a rule would like: a party's country, a vessel's name, whether
the goods are what they are suspected to be, the exact day, the exact amount. The scenario says
so (see ``docs/scenario.md``), and each gap has one written effect on the verdict:

- a party whose country is ``unknown`` is never taken for the DPRK; it is screened by name (and
  UN reference) only, and the event says so and against which lists;
- a vessel with neither name nor IMO number cannot be screened: whether it is designated is not
  known, and the event says so;
- goods that are only ``suspected``: every finding that turns on the goods is at most a
  potential violation;
- a date known only as a year, a month, a day give or take, or a window (``sometime``): the
  event is judged by every version of each measure in force on some day of the window, and
  :func:`combine_over_window` keeps the verdict that holds on every possible day;
- a party's ``type`` (person, entity, vessel) narrows its name screening to that kind of entry;
- a quantity known only as a bound, or as a multiple of the cap, is counted as that bound.

Nothing here decides a verdict alone: :mod:`.verdicts` applies these effects and lists the
caveats beside the event's verdict.
"""

from __future__ import annotations

from collections.abc import Sequence

from .scenario import Event
from .screening import EventScreening
from .vocabulary import Verdict

#: What each fact an analyst may leave open does to the verdict (docs/scenario.md prints it).
KNOWLEDGE: tuple[tuple[str, str, str], ...] = (
    (
        "A party whose country is unknown",
        "supplier: {country: unknown, name: ...}",
        "Never taken for the DPRK (a measure that turns on a DPRK party does not apply through it); "
        "screened against the loaded lists by name and UN reference only; the event's caveats say so, "
        "and against which lists, or that none was loaded.",
    ),
    (
        "Whether a named party is a person, an entity or a vessel",
        "recipient: {country: KP, name: ..., type: entity}",
        "Name screening looks only at list entries of that kind (a person: listed individuals; an entity: "
        "listed entities; a vessel: the designated vessels list, and its imo decides). A UN reference "
        "that contradicts the type (KPe for a person) is refused.",
    ),
    (
        "A vessel with no name",
        "vessels: [{role: delivering vessel}]",
        "Cannot be screened; the event's caveats say that whether it is designated is not known. Rules "
        "that need no vessel identity (a ship-to-ship transfer flag, a DPRK flag) still apply.",
    ),
    (
        "Goods suspected, not established",
        "commodity: {description: suspected oil, hs: ['2709'], suspected: true}",
        "Every finding that turns on the goods is at most a potential violation, with 'that the goods are "
        "what they are suspected to be' among its missing facts.",
    ),
    (
        "An approximate date, a month, a year or a window",
        "sometime: {year: 2017} / {month: 2017-12} / {around: 2017-10-15, days: 15} / {from: ..., to: ...}",
        "One day of the window, not known which. Each measure is judged by every version in force on "
        "some day of it, and days no version reaches count as not prohibited; the finding is the "
        "verdict that holds whatever the day: the same outcome on every day stands, a violation on "
        "some days only is a potential violation. The finding's reasons list each version weighed.",
    ),
    (
        "A quantity in items",
        "quantity: {value: 120, unit: bottles}",
        "A count (item, piece, bottle, vehicle or car, vessel) turns a total value into a value per item, "
        "which is what luxury thresholds ($500 rugs, $100 tableware) are compared with.",
    ),
    (
        "A quantity known only as a bound",
        "quantity: {value: 100000, unit: tonne, qualifier: at-least}",
        "at-least counts as a lower bound (a cap crossed by the bound is crossed); at-most as an upper "
        "bound (an excess resting on it is a potential violation); a bounded count gives no value per "
        "item, so a luxury threshold is judged on the total (potential at most).",
    ),
    (
        "Several times the cap",
        "quantity: {times_cap: 2, qualifier: at-least, note: several times the cap}",
        "Counted against a cap as that multiple of the cap in force, in the cap's own unit; measures "
        "that only need a quantity to be known treat it as known.",
    ),
)


def combine_over_window(outcomes: Sequence[tuple[str, Verdict]]) -> tuple[Verdict, bool]:
    """The outcome that holds whatever the day within an uncertain date's window.

    ``outcomes``: (what was judged, outcome) for each version in force on some day of the window,
    and for each stretch of the window where none was. The same outcome everywhere stands;
    otherwise a violation (or potential violation) on some days only is a potential violation,
    and any other mix keeps its most serious outcome. Returns the outcome and whether it differs
    across the window.
    """
    kinds = {o for _, o in outcomes}
    if len(kinds) <= 1:
        return (next(iter(kinds)) if kinds else Verdict.NOT_PROHIBITED), False
    strictest = min(kinds, key=lambda v: v.rank)
    if strictest in (Verdict.VIOLATION, Verdict.POTENTIAL_VIOLATION):
        return Verdict.POTENTIAL_VIOLATION, True
    return strictest, True


def _party_caveats(role: str, event: Event, screening: EventScreening) -> list[str]:
    party = event.supplier if role == "supplier" else event.recipient
    if party is None:
        return []
    out = []
    lists = "; ".join(screening.screened_against)
    label = f"the {role}" + (f" '{party.name}'" if party.name else "")
    if not party.country_known:
        if party.name or party.un_reference:
            how = f"screened by name only against {lists}" if lists else "not screened: no list was loaded"
        else:
            how = "not screened: neither its name nor a UN reference is given"
        out.append(f"the country of {label} is unknown: it is not taken for the DPRK, and it was {how}")
    if party.type is not None and party.name:
        kind = {"person": "listed individuals", "entity": "listed entities", "vessel": "designated vessels"}
        how = "was screened" if lists else "would be screened (no list was loaded)"
        out.append(
            f"{label} is reported as {'an' if party.type.value[0] in 'aeiou' else 'a'} {party.type.value}: its name {how} against {kind[party.type]} only"
        )
    return out


def caveats(event: Event, screening: EventScreening) -> list[str]:
    """The facts this event's report leaves open, each with what it does to the verdict."""
    out = _party_caveats("supplier", event, screening) + _party_caveats("recipient", event, screening)
    for n, vessel in enumerate(event.vessels, start=1):
        if not vessel.identified:
            role = f" ({vessel.role})" if vessel.role else ""
            out.append(
                f"vessel {n}{role} has no name or IMO number: it could not be screened, so whether it is "
                "designated is not known"
            )
    if event.commodity is not None and event.commodity.suspected:
        out.append(
            "the goods are suspected, not established: any finding that turns on them is at most a potential violation"
        )
    if event.date_uncertain:
        out.append(
            f"the date is known only as {event.when}: judged by every version of each measure in force in that "
            "window; a finding is a violation only if it is one whatever the day"
        )
    q = event.quantity
    if q is not None and q.known and (q.bounded or q.times_cap is not None):
        out.append(f"the quantity is known only as {q}: counted as that bound")
    return out


__all__ = ["KNOWLEDGE", "caveats", "combine_over_window"]
