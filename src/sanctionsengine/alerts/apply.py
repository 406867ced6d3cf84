"""Apply the dispositions to a run: every alert is kept and marked open, decided or re-opened.

A decision holds for an alert when its key names the same event (or row), rule and listing, its
list entry's content hash is the one screened in this run, and today (UTC) is on or before its
``expires`` day. Otherwise the alert is *re-opened*, and the review says why: the entry changed
(a new alias, identifier, measure or listing date gives a new hash), or the decision expired. A
decision whose listing is no longer on the lists screened (delisted) matches nothing and is
reported as unused, with that reason. When several entries name the same alert, the last one in
the file applies.

Only ``false-positive`` and ``waived`` decisions stop an alert counting toward ``--fail-on``;
nothing is removed from any report. A false positive on a definite match (by UN reference or IMO
number) is not applied: the alert stays open with ``refused_because``. The review records the
decisions it applied (``applied``), so ``verify`` can re-apply them after the file has grown.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from ..screening import ListEntry, ScreeningList
from ..vocabulary import Verdict
from .models import (
    ALERT_OUTCOMES,
    Alert,
    AlertReview,
    AlertStatus,
    Decision,
    Disposition,
    FindingKey,
    UnusedDisposition,
    false_positive_refusal,
)
from .store import LoadedDispositions

if TYPE_CHECKING:
    from ..bulk.pipeline import RowVerdict
    from ..report import Report
    from ..rulebook import Rulebook
    from ..verdicts import EventVerdict


def entry_sha256(entry: ListEntry) -> str:
    """SHA-256 of what a list says about one entry: kind, reference, names, aliases, identifiers,
    measures and listing date (not where in the file it stands, which moves as entries are added)."""
    body = entry.model_dump(mode="json", exclude={"listing"})
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def entry_hashes(lists: Iterable[ScreeningList]) -> dict[str, str]:
    """Listing reference → content hash, over every list screened."""
    out: dict[str, str] = {}
    for lst in lists:
        for entry in lst.entries:
            out.setdefault(entry.reference, entry_sha256(entry))
    return out


@dataclass(frozen=True)
class FindingRef:
    """What the review needs of one finding: its event, rule, outcome and the listings it rests on."""

    event: str
    rule: str
    outcome: Verdict
    listings: tuple[str, ...]
    definite: tuple[str, ...] = ()  # the listings matched by identifier (UN reference, IMO number)


def _alert(
    f: FindingRef, listing: str | None, hashes: dict[str, str], decision: Disposition | None, today: date
) -> Alert:
    entry = hashes.get(listing) if listing else None
    # a match whose entry is not on the lists given (never expected) is keyed without its listing
    key = FindingKey(event=f.event, rule=f.rule, listing=listing if entry else None, entry_sha256=entry)
    definite = listing is not None and listing in f.definite
    if decision is None:
        return Alert(key=key, outcome=f.outcome, status=AlertStatus.OPEN, counts=True, definite=definite)
    if definite and decision.decision == Decision.FALSE_POSITIVE:
        return Alert(
            key=key,
            outcome=f.outcome,
            status=AlertStatus.OPEN,
            counts=True,
            definite=True,
            decision=decision.decision,
            reason=decision.reason,
            reviewer=decision.reviewer,
            decided=decision.decided,
            expires=decision.expires,
            refused_because=false_positive_refusal(listing),
        )
    why = []
    if decision.key.entry_sha256 != key.entry_sha256:
        why.append(
            f"the list entry {listing} changed since the decision of {decision.decided} (content SHA-256 "
            f"{str(decision.key.entry_sha256)[:12]}… then, {str(key.entry_sha256)[:12]}… now: a name, alias, "
            "identifier, measure or listing date differs)"
        )
    if today > decision.expires:
        why.append(f"the decision expired: it was valid through {decision.expires} (UTC) and today is {today}")
    reopened = bool(why)
    return Alert(
        key=key,
        outcome=f.outcome,
        status=AlertStatus.REOPENED if reopened else AlertStatus.DECIDED,
        counts=reopened or not decision.decision.suppresses,
        decision=decision.decision,
        exemption=decision.exemption,
        reason=decision.reason,
        reviewer=decision.reviewer,
        decided=decision.decided,
        expires=decision.expires,
        reopened_because="; ".join(why) if reopened else None,
        definite=definite,
    )


def review(
    findings: Sequence[FindingRef],
    lists: Iterable[ScreeningList],
    dispositions: LoadedDispositions | None = None,
    today: date | None = None,
    events: Iterable[str] = (),
) -> AlertReview:
    """The alerts among ``findings``, each with the decision that applies (``events``: the ids judged)."""
    from .store import today as utc_today

    dispositions = dispositions or LoadedDispositions.none()
    day = today or utc_today()
    hashes = entry_hashes(lists)
    latest: dict[tuple[str, str, str | None], Disposition] = {}
    place: dict[tuple[str, str, str | None], int] = {}
    for i, d in enumerate(dispositions.dispositions):
        latest[(d.key.event, d.key.rule, d.key.listing)] = d
        place[(d.key.event, d.key.rule, d.key.listing)] = i
    alerts: list[Alert] = []
    used: set[tuple[str, str, str | None]] = set()
    for f in findings:
        if f.outcome not in ALERT_OUTCOMES:
            continue
        listings: list[str | None] = [*sorted(set(f.listings))] or [None]
        for listing in listings:
            k: tuple[str, str, str | None] = (f.event, f.rule, listing)
            if k in latest:
                used.add(k)
            alerts.append(_alert(f, listing, hashes, latest.get(k), day))
    judged = set(events) | {f.event for f in findings}
    unused = []
    for k, d in latest.items():
        if k in used or d.key.event not in judged:
            continue
        if d.key.listing and d.key.listing not in hashes:
            because = f"{d.key.listing} is not on the lists screened in this run (delisted, or another list was loaded)"
        else:
            because = "this run has no such alert (the finding no longer arises)"
        unused.append(UnusedDisposition(key=d.key, decision=d.decision, reviewer=d.reviewer, because=because))
    applied = [latest[k] for k in sorted(latest, key=place.__getitem__) if latest[k].key.event in judged]
    status = Counter(a.status.value for a in alerts)
    decided = Counter(a.decision.value for a in alerts if a.status == AlertStatus.DECIDED and a.decision)
    return AlertReview(
        dispositions_file=dispositions.file,
        dispositions_sha256=dispositions.sha256,
        today=day,
        by_status={s.value: status.get(s.value, 0) for s in AlertStatus},
        by_decision={d.value: decided.get(d.value, 0) for d in Decision},
        alerts=alerts,
        unused=unused,
        applied=applied,
    )


def review_report(
    report: Report,
    lists: Iterable[ScreeningList],
    dispositions: LoadedDispositions | None = None,
    today: date | None = None,
) -> Report:
    """The report with its alert review (every finding stays as it was)."""
    result = review_verdicts(report.events, lists, dispositions, today)
    return report.model_copy(update={"alerts": result})


def row_findings(rows: Sequence[RowVerdict], book: Rulebook) -> list[FindingRef]:
    """The findings of ledger rows; a party rule's finding rests on the row's in-force list matches."""
    party_rules = {r.id for r in book.rules if any(v.scope.parties for v in r.versions)}
    out = []
    for v in rows:
        refs = tuple(m.reference for m in v.matches if m.in_force)
        sure = tuple(m.reference for m in v.matches if m.in_force and m.definite)
        for f in v.findings:
            party = f.rule_id in party_rules
            out.append(FindingRef(v.id, f.rule_id, f.outcome, refs if party else (), sure if party else ()))
    return out


def counted_rank(
    verdict: Verdict, findings: Sequence[FindingRef], alerts: Sequence[Alert], undecided: bool = False
) -> int | None:
    """The most serious rank that still counts toward ``--fail-on`` for one event or row, or None.

    A finding that is an alert counts unless every alert it raises is under a valid suppressing
    decision; other findings (and goods not stated) count as they are; an event with no finding
    counts by its verdict."""
    ranks = []
    by_rule: dict[str, list[Alert]] = {}
    for a in alerts:
        by_rule.setdefault(a.key.rule, []).append(a)
    for f in findings:
        if f.outcome in ALERT_OUTCOMES:
            mine = by_rule.get(f.rule, [])
            if mine and not any(a.counts for a in mine):
                continue
        ranks.append(f.outcome.rank)
    if undecided:
        ranks.append(Verdict.UNDECIDABLE.rank)
    if not findings and not undecided:
        ranks.append(verdict.rank)
    return min(ranks, default=None)


def verdict_findings(verdicts: Sequence[EventVerdict]) -> list[FindingRef]:
    return [
        FindingRef(
            ev.id,
            f.rule_id,
            f.outcome,
            tuple(m.reference for m in f.list_matches),
            tuple(m.reference for m in f.list_matches if m.definite),
        )
        for ev in verdicts
        for f in ev.findings
    ]


def review_verdicts(
    verdicts: Sequence[EventVerdict],
    lists: Iterable[ScreeningList],
    dispositions: LoadedDispositions | None = None,
    today: date | None = None,
) -> AlertReview:
    """The alert review of judged events (what ``review_report`` adds to a report)."""
    return review(verdict_findings(verdicts), lists, dispositions, today, [ev.id for ev in verdicts])


def verdicts_fail(verdicts: Sequence[EventVerdict], result: AlertReview | None, fail_on: str) -> bool:
    """Whether any event reaches ``fail_on`` once suppressing decisions are taken into account."""
    if fail_on == "never":
        return False
    threshold = Verdict(fail_on).rank
    by_event = result.by_event() if result is not None else {}
    for ev in verdicts:
        mine = [FindingRef(ev.id, f.rule_id, f.outcome, ()) for f in ev.findings]
        rank = counted_rank(ev.verdict, mine, by_event.get(ev.id, []), ev.goods_not_stated is not None)
        if rank is not None and rank <= threshold:
            return True
    return False


def report_fails(report: Report, fail_on: str) -> bool:
    """Whether any event of the report reaches ``fail_on``, its alert review applied."""
    return verdicts_fail(report.events, report.alerts, fail_on)


def rows_failing(rows: Sequence[RowVerdict], book: Rulebook, result: AlertReview, fail_on: str) -> int:
    """How many flagged rows still reach ``fail_on`` once suppressing decisions are applied."""
    if fail_on == "never":
        return 0
    threshold = Verdict(fail_on).rank
    refs = row_findings(rows, book)
    by_row: dict[str, list[Alert]] = {}
    for a in result.alerts:
        by_row.setdefault(a.key.event, []).append(a)
    by_ref: dict[str, list[FindingRef]] = {}
    for f in refs:
        by_ref.setdefault(f.event, []).append(f)
    n = 0
    for v in rows:
        rank = counted_rank(v.verdict, by_ref.get(v.id, []), by_row.get(v.id, []), v.goods_not_stated is not None)
        if rank is not None and rank <= threshold:
            n += 1
    return n


def refused_warnings(result: AlertReview, loaded: LoadedDispositions) -> list[str]:
    """One located line per decision the run did not apply (a false positive on a definite match)."""
    out = []
    for a in result.alerts:
        if not a.refused_because:
            continue
        where = loaded.file or "<dispositions>"
        for i, d in enumerate(loaded.dispositions):
            if d.key.same_alert(a.key) and i < len(loaded.locations):
                where = str(loaded.locations[i])  # the last such entry is the one applied
        out.append(
            f"{where}: warning: false-positive-on-definite-match: {a.key.label()}: {a.refused_because}; the alert stays open"
        )
    return out
