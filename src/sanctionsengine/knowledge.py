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


__all__ = ["caveats", "combine_over_window"]
