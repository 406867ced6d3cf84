"""The contract of a rule file: rules, their dated versions, scope, caps and provenance.

A rule is a measure with a stable id. The law changes by adding a *version* with its own
in-force dates and citation, never by editing an old one, so an event is judged by the version
in force on its date (openfisca keeps its parameters the same way). Every model forbids unknown
keys: a typo in a rule file is an error, not a silently broader rule.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from .citations import Citation
from .vessel_measures import ALLOWED as LISTING_MEASURES
from .vocabulary import Direction, EventKind, Flag, PartyScope, RuleKind, Severity, Status, Unit

RULE_ID = r"^[a-z0-9]+(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)+$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Provenance(_Strict):
    """Where one fact in the rule comes from, and how sure the reference is of it."""

    fact: str = Field(description="Which fact: the paragraph number, a date, a figure, the HS mapping")
    source: str = Field(description="Where it was checked: document symbol, URL or repository path")
    status: Status = Field(description="verified [V], believed [B] or uncertain [?], as the reference tags it")


class RelatedCitation(Citation):
    """A paragraph that widens, reaffirms or defines a version, cited only where the event engages it.

    When it bears on an event is data, never a code special case. It is cited only for conduct
    reaching ``in_force_from`` (default: its adoption) and, under the law as it stood on a day,
    only if adopted by then. Each condition given must hold as well: the event's goods fall in
    one of ``commodities`` (the annex that names the item); the event is one of ``event_kinds``;
    a listed party or vessel of ``parties`` took part; a matched list entry applies one of the
    ``listing`` measures (the vessel list's columns, e.g. ``para_12d_2321``).
    """

    in_force_from: date | None = Field(
        default=None, description="First day of conduct it bears on, if not its adoption"
    )
    commodities: tuple[str, ...] = Field(default=(), description="Cited only for goods in one of these groups")
    event_kinds: tuple[EventKind, ...] = Field(default=(), description="Cited only for these kinds of event")
    parties: tuple[PartyScope, ...] = Field(default=(), description="Cited only when such a listed party took part")
    listing: tuple[str, ...] = Field(
        default=(), description="Cited only when a matched list entry applies one of these measures"
    )

    @model_validator(mode="after")
    def _from_after_adoption(self) -> RelatedCitation:
        if self.in_force_from is not None and self.in_force_from < self.adopted:
            raise ValueError(
                f"'in_force_from' {self.in_force_from} is before the paragraph was adopted on {self.adopted}"
            )
        return self

    @property
    def first_day(self) -> date:
        return self.in_force_from or self.adopted

    def engaged(
        self,
        *,
        last_day: date,
        as_of: date | None,
        groups: set[str],
        event_kind: EventKind,
        parties: set[PartyScope],
        measures: set[str],
    ) -> bool:
        """Whether an event whose conduct ends on ``last_day``, with these facts, engages this paragraph."""
        if self.first_day > last_day or (as_of is not None and self.adopted > as_of):
            return False
        if self.commodities and not groups & set(self.commodities):
            return False
        if self.event_kinds and event_kind not in self.event_kinds:
            return False
        if self.parties and not parties & set(self.parties):
            return False
        return not (self.listing and not measures & set(self.listing))


class RequiredFact(StrEnum):
    """Facts a rule needs to reach a definite verdict; if absent the verdict is potential."""

    QUANTITY = "quantity"
    VALUE = "value"
    COMMODITY = "commodity"


class Scope(_Strict):
    """What a rule version covers. Lists are alternatives (any of); flags_all must all hold."""

    direction: Direction
    event_kinds: tuple[EventKind, ...] = Field(min_length=1)
    commodities: tuple[str, ...] = Field(default=(), description="Commodity group ids (any of)")
    exclude_commodities: tuple[str, ...] = Field(default=(), description="Group ids carved out of scope")
    flags_all: tuple[Flag, ...] = ()
    flags_none: tuple[Flag, ...] = ()
    parties: tuple[PartyScope, ...] = Field(default=(), description="Listed parties the rule is about (any of)")
    listing_measures: tuple[str, ...] = Field(
        default=(),
        description="For designated-vessel rules: the vessels list's measure columns this rule implements (any "
        "of); a vessel counts only if its listing marks one; 'none' = a vessel whose list entry gives no measures",
    )
    listed: tuple[Annotated[str, StringConstraints(pattern=r"^KP[ie]\.\d{3}$")], ...] = Field(
        default=(),
        description="UN reference numbers (KPe.047): only a party definitely matched to one of these (any of)",
    )
    requires: tuple[RequiredFact, ...] = ()

    @model_validator(mode="after")
    def _measures(self) -> Scope:
        if self.listing_measures and PartyScope.DESIGNATED_VESSEL not in self.parties:
            raise ValueError("listing_measures is for rules whose parties include designated-vessel")
        unknown = sorted(set(self.listing_measures) - LISTING_MEASURES)
        if unknown:
            raise ValueError(
                f"unknown listing measure {', '.join(unknown)}; expected one of {', '.join(sorted(LISTING_MEASURES))}"
            )
        return self


class Duty(_Strict):
    """What a State must do about each dealing in scope, shown by a record (obligations only).

    The record (a notification to the Committee, a departure of workers) must come from the
    State that bears the duty, cover the dealing (by naming it, or by the period it covers), and be
    dated within the deadline: ``days_after`` the dealing ends, ``days_before`` it begins, or ``by``
    a fixed date.
    """

    record: EventKind
    bearer: str = Field(
        pattern=r"^(supplier|recipient)$", description="Whose duty: the dealing's supplier or recipient"
    )
    days_after: int | None = Field(default=None, ge=0)
    days_before: int | None = Field(default=None, ge=0)
    by: date | None = None

    @model_validator(mode="after")
    def _one_deadline(self) -> Duty:
        given = [x is not None for x in (self.days_after, self.days_before, self.by)]
        if sum(given) != 1:
            raise ValueError("a duty has exactly one deadline: days_after, days_before or by")
        return self


class CapWindow(StrEnum):
    CALENDAR_YEAR = "calendar-year"
    TWELVE_MONTHS = "twelve-months"
    FIXED_PERIOD = "fixed-period"


class CapLimit(_Strict):
    amount: float = Field(gt=0)
    unit: Unit


class Cap(_Strict):
    """An aggregate ceiling: quantities summed over a window across all suppliers."""

    limits: tuple[CapLimit, ...] = Field(min_length=1, description="One per unit the text states")
    window: CapWindow
    anniversary: str | None = Field(
        default=None, pattern=r"^\d{2}-\d{2}$", description="MM-DD start of each 12-month window"
    )
    aggregate: str = Field(default="all-suppliers", pattern=r"^(all-suppliers|per-supplier)$")
    alert_thresholds: tuple[float, ...] = Field(default=(), description="Percentages the Committee alerts at")
    stop_threshold: float | None = Field(default=None, description="Percentage at which all supply must cease")
    convert_with: str | None = Field(default=None, description="Id of the conversion table for other units")


class RuleVersion(_Strict):
    """One wording of a measure.

    Two time axes, as in bitemporal data: ``in_force_from``/``in_force_until`` bound the conduct
    the version governs (deliveries in 2018 onward, say); the version *is the law* from its
    resolution's adoption until ``repealed`` (if a later resolution replaced it, possibly before
    it governed anything, as 2397 did to 2375's 2,000,000-barrel annual cap).
    """

    version: str = Field(min_length=1, description="A short label, e.g. the resolution that set it")
    in_force_from: date
    in_force_until: date | None = None
    enacted: date | None = Field(
        default=None, description="Day this version became law, if not its citation's adoption (a later list)"
    )
    repealed: date | None = Field(default=None, description="Day a later resolution replaced this version")
    repealed_by: str | None = Field(default=None, description="Citation of the replacing paragraph")
    citation: Citation
    related: tuple[RelatedCitation, ...] = Field(
        default=(), description="Paragraphs that widen, reaffirm or define it, each cited where the event engages it"
    )
    scope: Scope
    cap: Cap | None = None
    duty: Duty | None = None
    needs: str | None = Field(
        default=None,
        description="A fact the measure turns on that reports rarely establish (e.g. a link to the "
        "prohibited programmes): a match is then a potential violation that names it",
    )
    continuing: bool = Field(
        default=False, description="The conduct is a continuing state: a period reaching into the window is enough"
    )
    summary: str | None = Field(default=None, description="What this version changed, in our words")
    provenance: tuple[Provenance, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _dates(self) -> RuleVersion:
        if self.in_force_until is not None and self.in_force_until < self.in_force_from:
            raise ValueError(f"in_force_until {self.in_force_until} is before in_force_from {self.in_force_from}")
        if (self.repealed is None) != (self.repealed_by is None):
            raise ValueError("give both 'repealed' (a date) and 'repealed_by' (the replacing citation), or neither")
        if self.enacted is not None and self.enacted < self.citation.adopted:
            raise ValueError(f"enacted {self.enacted}, before its citation was adopted on {self.citation.adopted}")
        if self.repealed is not None and self.repealed <= self.enacted_on:
            raise ValueError(f"repealed on {self.repealed}, not after it became law on {self.enacted_on}")
        return self

    @property
    def enacted_on(self) -> date:
        return self.enacted or self.citation.adopted

    def governs(self, day: date) -> bool:
        """Whether conduct on ``day`` falls in the period this version covers."""
        return self.in_force_from <= day and (self.in_force_until is None or day <= self.in_force_until)

    def is_law_on(self, day: date) -> bool:
        """Whether this version was the law on ``day`` (adopted, not yet replaced)."""
        return self.enacted_on <= day and (self.repealed is None or day < self.repealed)

    def in_force_on(self, day: date) -> bool:
        """Law on ``day`` and governing conduct on ``day``: what "in force" means for a single day."""
        return self.governs(day) and self.is_law_on(day)

    def window(self, as_of: date | None = None) -> tuple[date, date | None] | None:
        """Conduct dates this version judges: by the law of each event's own date (default),
        or by the law as it stood on ``as_of``; None when it judges none."""
        if as_of is not None:
            return (self.in_force_from, self.in_force_until) if self.is_law_on(as_of) else None
        start = max(self.in_force_from, self.enacted_on)
        end = self.in_force_until
        if self.repealed is not None:
            last = date.fromordinal(self.repealed.toordinal() - 1)
            end = last if end is None else min(end, last)
        if end is not None and end < start:
            return None
        return start, end

    @property
    def unverified(self) -> list[Provenance]:
        return [p for p in self.provenance if p.status != Status.VERIFIED]


class Rule(_Strict):
    id: str = Field(pattern=RULE_ID)
    title: str
    family: str
    kind: RuleKind
    severity: Severity
    summary: str = Field(description="Plain-language summary in our own words")
    excepts: tuple[str, ...] = Field(
        default=(), description="Exemptions only: ids of the rules they soften ('*': any measure)"
    )
    grounds: str | None = Field(default=None, description="Exemptions only: on what grounds")
    claim: bool = Field(
        default=False,
        description="Exemptions only: it applies only when the event invokes it, with evidence of its own",
    )
    reference_required: bool = Field(
        default=False, description="Exemptions only: the claim must carry the Committee's decision or notice"
    )
    nearest_note: str | None = Field(
        default=None, description="Said when an event narrowly misses this rule (e.g. wrong direction)"
    )
    near_commodities: tuple[str, ...] = Field(
        default=(),
        description="Groups close enough that an event in them, in the other direction, is told of this rule",
    )
    versions: tuple[RuleVersion, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _kind_fields(self) -> Rule:
        if self.kind == RuleKind.EXEMPTION:
            if not self.excepts or not self.grounds:
                raise ValueError("an exemption names the rules it softens ('excepts') and its 'grounds'")
            if self.reference_required and not self.claim:
                raise ValueError("'reference_required' needs 'claim: true' (the reference comes with the claim)")
        elif self.excepts or self.grounds or self.claim or self.reference_required:
            raise ValueError("'excepts', 'grounds', 'claim' and 'reference_required' belong to exemptions only")
        for v in self.versions:
            if self.kind == RuleKind.CAP and v.cap is None:
                raise ValueError(f"version '{v.version}': a cap rule needs a 'cap' block")
            if self.kind != RuleKind.CAP and v.cap is not None:
                raise ValueError(f"version '{v.version}': only cap rules have a 'cap' block")
            if self.kind != RuleKind.OBLIGATION and v.duty is not None:
                raise ValueError(f"version '{v.version}': only obligations have a 'duty' block")
        return self

    def version_on(self, day: date) -> RuleVersion | None:
        for v in self.versions:
            if v.in_force_on(day):
                return v
        return None

    def version(self, label: str) -> RuleVersion:
        for v in self.versions:
            if v.version == label:
                return v
        raise KeyError(label)


class RuleFile(_Strict):
    """One measure family: ``rules/un-dprk/<family>.yaml``."""

    family: str = Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
    title: str
    description: str | None = None
    rules: tuple[Rule, ...] = Field(min_length=1)


class Regime(_Strict):
    """Which events the rulebook governs at all; the rest are out of scope."""

    id: str
    title: str
    target_country: str = Field(pattern=r"^[A-Z]{2}$")
    in_force_from: date
    citation: Citation
    in_scope_kinds: tuple[EventKind, ...] = Field(min_length=1)
    description: str
