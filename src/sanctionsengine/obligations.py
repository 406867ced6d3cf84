"""Obligations broken by absence: a dealing that needed a record (a notification, a departure) by a deadline.

durable-rules finds, for each dealing an obligation covers, the records of the State that owes the
duty: those in time, those covering it at any date, those certainly too late, and whether there
is none at all. This module turns those joins into an outcome:

- a record in time: the duty was met (not prohibited, with the record named);
- only records certainly too late: a violation (the record and the deadline named);
- a record whose date is too vague to tell: a potential violation;
- no record: a violation if the scenario declares its records complete to a day after the
  deadline, otherwise a potential violation (the scenario may simply not hold the record);
- a deadline after the day the record (or the scenario) closes: not yet due.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .compile import Variant
from .rules import Duty, Rule
from .scenario import Event, Scenario
from .vocabulary import EventKind, Flag, Verdict

_WHAT = {EventKind.NOTIFICATION: "notification to the 1718 Committee", EventKind.DEPARTURE: "departure (repatriation)"}


@dataclass(frozen=True)
class DutyJudgement:
    outcome: Verdict
    reasons: tuple[str, ...]
    missing: tuple[str, ...]
    records: tuple[str, ...]


def deadline(duty: Duty, event: Event) -> date:
    if duty.days_after is not None:
        return event.end + timedelta(days=duty.days_after)
    if duty.days_before is not None:
        return event.start - timedelta(days=duty.days_before)
    assert duty.by is not None
    return duty.by


def _bearer(duty: Duty, event: Event) -> str | None:
    party = event.supplier if duty.bearer == "supplier" else event.recipient
    return party.country if party else None


def _record_closes(scenario: Scenario, duty: Duty, event: Event, groups: set[str]) -> tuple[date | None, str | None]:
    """The day up to which the scenario declares this kind of record complete for this dealing."""
    bearer = _bearer(duty, event)
    best: tuple[date | None, str | None] = (None, None)
    for rec in scenario.records:
        if rec.kind != duty.record:
            continue
        if rec.suppliers and bearer not in rec.suppliers:
            continue
        if rec.commodities and not (set(rec.commodities) & groups):
            continue
        if best[0] is None or rec.through > best[0]:
            best = (rec.through, rec.source)
    return best


def judge_duty(
    rule: Rule,
    duty: Duty,
    event: Event,
    found: dict[Variant, set[int | None]],
    scenario: Scenario,
    groups: set[str],
) -> DutyJudgement:
    """The outcome of one duty for one dealing, from the joins durable-rules found."""
    events = scenario.events
    what = _WHAT.get(duty.record, duty.record.value)
    due = deadline(duty, event)
    bearer = _bearer(duty, event) or "the State concerned"

    def names(indices: set[int | None]) -> list[str]:
        out = []
        for i in sorted(x for x in indices if x is not None):
            rec = events[i]
            out.append(f"{rec.id} ({rec.when})")
        return out

    met = found.get(Variant.DUTY_MET, set())
    covered = found.get(Variant.DUTY_COVERED, set())
    late = found.get(Variant.DUTY_LATE, set())
    if duty.record == EventKind.NOTIFICATION and Flag.NOT_NOTIFIED in event.flags:
        return DutyJudgement(Verdict.VIOLATION, (f"reported as never notified: the {what} was due by {due}",), (), ())
    if met:
        return DutyJudgement(
            Verdict.NOT_PROHIBITED,
            (f"duty met: {what} by {bearer} on record in time (due by {due}): {', '.join(names(met))}",),
            (),
            tuple(events[i].id for i in sorted(x for x in met if x is not None)),
        )
    if covered and covered <= late:
        return DutyJudgement(
            Verdict.VIOLATION,
            (f"{what} by {bearer} came too late: due by {due}, on record only {', '.join(names(covered))}",),
            (),
            tuple(events[i].id for i in sorted(x for x in covered if x is not None)),
        )
    if covered:
        return DutyJudgement(
            Verdict.POTENTIAL_VIOLATION,
            (
                f"a {what} by {bearer} is on record ({', '.join(names(covered))}) but its date is not precise "
                f"enough to tell whether it came by {due}",
            ),
            ("record date",),
            tuple(events[i].id for i in sorted(x for x in covered if x is not None)),
        )
    closes, source = _record_closes(scenario, duty, event, groups)
    horizon = closes or scenario.scenario.prepared_on
    if horizon is not None and due > horizon:
        return DutyJudgement(
            Verdict.NOT_PROHIBITED,
            (f"not yet due: the {what} is due by {due}, after the record closes on {horizon}",),
            (),
            (),
        )
    if closes is not None:
        return DutyJudgement(
            Verdict.VIOLATION,
            (
                f"no {what} by {bearer} by {due}; the scenario's record of them is complete to {closes} "
                f"(source {source})",
            ),
            (),
            (),
        )
    return DutyJudgement(
        Verdict.POTENTIAL_VIOLATION,
        (
            f"no {what} by {bearer} on record in this scenario by {due} (the scenario does not say its record is complete)",
        ),
        (f"{duty.record.value} record",),
        (),
    )
