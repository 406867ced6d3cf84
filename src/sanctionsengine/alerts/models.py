"""Dispositions and alerts as data: what a reviewer decided on a finding, and what a run makes of it.

An *alert* is a finding that can fail a run: its outcome is a violation or a potential violation.
Its *key* names it across runs: the event (or ledger row) id, the rule id and, when the finding
rests on a list match, the listing's reference (``KPe.020``, ``IMO 8910133``) and the SHA-256 of
that list entry's content (name, aliases, identifiers, measures, listing date). A *disposition*
is a reviewer's decision on one key:

- ``false-positive``: the match is not the listed party (it stops counting toward ``--fail-on``);
  never on a definite match by identifier (UN reference, IMO number), where it is refused;
- ``waived``: the conduct is allowed under an exemption, whose reference is required (stops counting);
- ``confirmed``: the match is the listed party: recorded and shown, and it still counts;
- ``escalated``: handed on for a decision: recorded and shown, and it still counts.

Dates are calendar days in UTC. ``expires`` is the *last day the decision is valid, inclusive*:
a decision that expires on 2026-12-31 still holds on 2026-12-31 (UTC) and re-opens on 2027-01-01.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..vocabulary import Verdict


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Decision(StrEnum):
    FALSE_POSITIVE = "false-positive"
    CONFIRMED = "confirmed"
    ESCALATED = "escalated"
    WAIVED = "waived"

    @property
    def suppresses(self) -> bool:
        """Whether a valid decision of this kind stops the finding counting toward ``--fail-on``."""
        return self in (Decision.FALSE_POSITIVE, Decision.WAIVED)


DECISION_MEANING: dict[Decision, str] = {
    Decision.FALSE_POSITIVE: "the matched party is not the listed one; no longer counts toward --fail-on",
    Decision.WAIVED: "allowed under the exemption named; no longer counts toward --fail-on",
    Decision.CONFIRMED: "the match is the listed party; shown, and still counts toward --fail-on",
    Decision.ESCALATED: "handed on for a decision; shown, and still counts toward --fail-on",
}

#: Outcomes that make a finding an alert (the ones ``--fail-on`` can count).
ALERT_OUTCOMES = (Verdict.VIOLATION, Verdict.POTENTIAL_VIOLATION)


class FindingKey(_Model):
    """What names one alert across runs."""

    event: str = Field(min_length=1, description="The event id (scenario) or the row id (ledger)")
    rule: str = Field(min_length=1, description="The rule id of the finding")
    listing: str | None = Field(
        default=None, description="For a list match: the listing's reference (KPe.020, IMO 8910133)"
    )
    entry_sha256: str | None = Field(
        default=None,
        pattern=r"^[0-9a-f]{64}$",
        description="For a list match: SHA-256 of the list entry's content when the decision was made",
    )

    @model_validator(mode="after")
    def _listing_with_hash(self) -> FindingKey:
        if (self.listing is None) != (self.entry_sha256 is None):
            raise ValueError(
                "a list match is named by both 'listing' and 'entry_sha256' (copy both from `sanctionsengine alerts list`)"
            )
        return self

    def same_alert(self, other: FindingKey) -> bool:
        """The same event, rule and listing (the entry's content may differ)."""
        return (self.event, self.rule, self.listing) == (other.event, other.rule, other.listing)

    def label(self) -> str:
        return f"{self.event} / {self.rule}" + (f" / {self.listing}" if self.listing else "")


class Disposition(_Model):
    """One reviewer's decision on one alert."""

    key: FindingKey
    decision: Decision
    exemption: str | None = Field(
        default=None, min_length=1, description="For 'waived': the exemption's reference (Committee decision, notice)"
    )
    reason: str = Field(min_length=1, description="Why, in the reviewer's words")
    reviewer: str = Field(min_length=1, description="Who decided")
    decided: date = Field(description="The day of the decision (UTC)")
    expires: date = Field(description="The last day the decision is valid, inclusive (UTC)")

    @model_validator(mode="after")
    def _consistent(self) -> Disposition:
        if self.decision == Decision.WAIVED and not self.exemption:
            raise ValueError("a 'waived' decision names its exemption: give 'exemption' (the Committee's reference)")
        if self.decision != Decision.WAIVED and self.exemption:
            raise ValueError(f"'exemption' is only for a 'waived' decision, not '{self.decision.value}'")
        if self.expires < self.decided:
            raise ValueError(f"expires {self.expires} is before the decision of {self.decided}")
        return self


class DispositionFile(_Model):
    """The dispositions file: a list, oldest first; a later entry for the same alert supersedes."""

    dispositions: list[Disposition] = Field(default_factory=list)


class AlertStatus(StrEnum):
    OPEN = "open"
    DECIDED = "decided"
    REOPENED = "re-opened"


class Alert(_Model):
    """One alert of one run, with the decision that applies to it, if any."""

    key: FindingKey = Field(description="With the list entry's content hash as screened in this run")
    outcome: Verdict
    status: AlertStatus
    counts: bool = Field(
        description="Whether it counts toward --fail-on (an open, re-opened, confirmed or escalated alert)"
    )
    decision: Decision | None = None
    exemption: str | None = None
    reason: str | None = None
    reviewer: str | None = None
    decided: date | None = None
    expires: date | None = None
    reopened_because: str | None = Field(default=None, description="Why an earlier decision no longer holds")
    definite: bool = Field(
        default=False,
        description="The finding rests on a definite match by identifier (UN reference, IMO number): "
        "a false-positive decision cannot clear it",
    )
    refused_because: str | None = Field(
        default=None, description="Why the decision recorded was not applied (the alert stays open)"
    )

    def note(self) -> str:
        """The decision in words, for every report format."""
        if self.decision is None:
            return "open: no decision recorded"
        text = f"{self.decision.value} by {self.reviewer} on {self.decided}, valid through {self.expires} (UTC)"
        if self.exemption:
            text += f", under exemption {self.exemption}"
        text += f": {self.reason}"
        if self.refused_because:
            return f"open: {self.refused_because} (the decision not applied: {text})"
        if self.reopened_because:
            return f"re-opened: {self.reopened_because} (was {text})"
        return text + ("" if self.counts else "; does not count toward --fail-on")


class UnusedDisposition(_Model):
    """A decision that matched no alert of this run, and why (kept visible, never silently dropped)."""

    key: FindingKey
    decision: Decision
    reviewer: str
    because: str


class AlertReview(_Model):
    """The alerts of a run and the dispositions applied to them."""

    dispositions_file: str | None = Field(description="The dispositions file read, or none")
    dispositions_sha256: str | None
    today: date = Field(description="The day (UTC) expiry dates were compared with")
    by_status: dict[str, int] = Field(description="Alerts by status: open, decided, re-opened")
    by_decision: dict[str, int] = Field(description="Alerts under a valid decision, by kind")
    alerts: list[Alert]
    unused: list[UnusedDisposition] = Field(default_factory=list)
    applied: list[Disposition] = Field(
        default_factory=list,
        description="The decisions of the dispositions file that bear on this run's events (the latest for "
        "each alert, in file order), as read: `verify` re-applies these, so a later decision appended to the "
        "file does not break the check of an earlier report",
    )

    def summary_line(self) -> str:
        """Counts by status and by decision, and where the decisions came from."""
        status = ", ".join(f"{self.by_status.get(s.value, 0)} {s.value}" for s in AlertStatus)
        kinds = ", ".join(f"{n} {k}" for k, n in self.by_decision.items() if n)
        source = (
            f"decisions from {self.dispositions_file} (sha256 {str(self.dispositions_sha256)[:16]}…)"
            if self.dispositions_file
            else "no dispositions file: every alert is open"
        )
        return (
            f"{len(self.alerts)} alerts: {status}"
            + (f" (valid decisions: {kinds})" if kinds else "")
            + f"; {source}; expiry compared with {self.today} (UTC), a decision holds through its expiry day"
        )

    def reviewed(self) -> list[Alert]:
        """The alerts a decision names (decided or re-opened); the open ones are in the findings."""
        return [a for a in self.alerts if a.status != AlertStatus.OPEN or a.decision is not None]

    def for_event(self, event: str) -> list[Alert]:
        return [a for a in self.alerts if a.key.event == event]

    def by_event(self) -> dict[str, list[Alert]]:
        """Alerts grouped by event or row id (one pass, for runs of many events)."""
        out: dict[str, list[Alert]] = {}
        for a in self.alerts:
            out.setdefault(a.key.event, []).append(a)
        return out


def false_positive_refusal(listing: str | None) -> str:
    """Why a false-positive decision cannot clear a definite match (said by `alerts decide` and by a run)."""
    return (
        f"a false-positive decision cannot clear a definite match by identifier ({listing or 'the listed identifier'}: "
        "the UN reference or IMO number given is the listed one); decide confirmed or escalated, or waived "
        "with --exemption naming the Committee's exemption"
    )
