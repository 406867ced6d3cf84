"""Why a rule's scope fits an event or not, condition by condition, in words.

durable-rules decides which rules match; this module only explains. It reads the same scope
the compiler reads, and a differential test asserts that its verdict on each condition agrees
with the engine's matches. Its two uses: the facts that met each condition of a finding, and
the *nearest* measure for an event that no measure covers (the one that fails one condition
only, e.g. food exports from the DPRK are banned, food supplied to it is not).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, ConfigDict

from .commodities import GroupIndex, normalize_hs
from .rules import Rule, RuleVersion
from .scenario import Event, country_name
from .screening import EventScreening
from .vocabulary import DIRECTION_MEANING, DPRK, PARTY_SCOPE_MEANING, Direction, RuleKind


class Condition(BaseModel):
    """One condition of a rule's scope, what the rule expects and what the event shows."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    expected: str
    fact: str
    holds: bool


def _parties(event: Event) -> str:
    a = event.supplier.country if event.supplier else "?"
    b = event.recipient.country if event.recipient else "-"
    return f"{a} → {b}"


def direction_holds(direction: Direction, event: Event) -> bool:
    supplier = event.supplier.country if event.supplier else None
    recipient = event.recipient.country if event.recipient else None
    if direction == Direction.TO_DPRK:
        return recipient == DPRK
    if direction in (Direction.FROM_DPRK, Direction.DPRK_CONDUCT):
        return supplier == DPRK
    if direction == Direction.ANY:
        return True
    return DPRK in (supplier, recipient)


@dataclass(frozen=True)
class CommodityFit:
    holds: bool
    groups: tuple[str, ...]
    detail: str


def commodity_fit(groups: GroupIndex, version: RuleVersion, event: Event) -> CommodityFit:
    """Whether the event's goods fall in the scope's groups (thresholds judged when a value is given)."""
    scope = version.scope
    if not scope.commodities and not scope.exclude_commodities:
        return CommodityFit(True, (), "any")
    if event.commodity is None:
        return CommodityFit(not scope.commodities, (), "not stated")
    codes = [normalize_hs(c)[:6] for c in event.commodity.hs]
    tags = set(event.commodity.categories)
    hits: list[str] = []
    below: list[str] = []
    for gid in scope.commodities:
        for member in groups.members(gid):
            by_tag = member.id in tags
            by_code = [
                c
                for c in codes
                if any(c.startswith(h) for h in member.hs) and not any(c.startswith(x) for x in member.exclude_hs)
            ]
            if not (by_tag or by_code):
                continue
            per_item = event.value_per_item
            bound = per_item if per_item is not None else (event.value.amount if event.value else None)
            if member.min_value_usd is not None and bound is not None and bound <= member.min_value_usd:
                below.append(f"{member.id} (only above US${member.min_value_usd:,.0f})")
                continue
            hits.append(member.id)
    excluded = []
    for gid in scope.exclude_commodities:
        for member in groups.members(gid):
            if member.id in tags or any(any(c.startswith(h) for h in member.hs) for c in codes):
                excluded.append(member.id)
    described = ", ".join(event.commodity.hs) or "no HS code"
    if not scope.commodities:
        if excluded:
            return CommodityFit(False, (), f"{described} carved out as {', '.join(excluded)}")
        return CommodityFit(True, (), f"{described}: not carved out")
    if hits and not excluded:
        return CommodityFit(True, tuple(dict.fromkeys(hits)), f"{described} in {', '.join(dict.fromkeys(hits))}")
    if excluded:
        return CommodityFit(False, (), f"{described} carved out as {', '.join(excluded)}")
    if below:
        return CommodityFit(False, (), f"{described}: value below the threshold of {', '.join(below)}")
    cats = ", ".join(sorted(tags)) or "no category"
    return CommodityFit(False, (), f"{described}; {cats}")


def explain(
    groups: GroupIndex,
    rule: Rule,
    version: RuleVersion,
    event: Event,
    as_of: date | None = None,
    screening: EventScreening | None = None,
) -> list[Condition]:
    scope = version.scope
    conditions = [
        Condition(
            name="direction",
            expected=DIRECTION_MEANING[scope.direction],
            fact=_parties(event),
            holds=direction_holds(scope.direction, event),
        ),
        Condition(
            name="kind",
            expected=" or ".join(k.value for k in scope.event_kinds),
            fact=" / ".join(k.value for k in event.effective_kinds) + (" (offered)" if event.offered else ""),
            holds=any(k in scope.event_kinds for k in event.effective_kinds),
        ),
    ]
    fit = commodity_fit(groups, version, event)
    if scope.commodities or scope.exclude_commodities:
        expected = "any of " + ", ".join(scope.commodities) if scope.commodities else "any goods"
        if scope.exclude_commodities:
            expected += " except " + ", ".join(scope.exclude_commodities)
        conditions.append(Condition(name="commodity", expected=expected, fact=fit.detail, holds=fit.holds))
    if scope.parties:
        from .compile import designation_keys, key
        from .vessel_measures import describe, party_terms

        keys = designation_keys(event, screening)
        terms = party_terms(scope.parties, scope.listing_measures)
        definite = any(key(d, v) in keys for d, _, v in terms)
        possible = any(key(p, v) in keys for _, p, v in terms)
        fact = (
            "listed (an identifier, or the report)"
            if definite
            else "possibly listed (a name resembles a listed one)"
            if possible
            else "none listed"
        )
        conditions.append(
            Condition(
                name="parties",
                expected=" or ".join(PARTY_SCOPE_MEANING[p] for p in scope.parties)
                + (
                    " whose listing imposes " + " or ".join(describe([m]) for m in scope.listing_measures)
                    if scope.listing_measures
                    else ""
                ),
                fact=fact,
                holds=definite or possible,
            )
        )
    if scope.listed:
        refs = sorted({m.reference for m in (screening.matches if screening else ()) if m.in_force and m.definite})
        conditions.append(
            Condition(
                name="listed party",
                expected="a definite match to " + " or ".join(scope.listed),
                fact=", ".join(refs) if refs else "no definite match",
                holds=any(r in scope.listed for r in refs),
            )
        )
    for flag in scope.flags_all:
        conditions.append(
            Condition(
                name=f"flag {flag.value}",
                expected="stated",
                fact="stated" if flag in event.flags else "not stated",
                holds=flag in event.flags,
            )
        )
    for flag in scope.flags_none:
        conditions.append(
            Condition(
                name=f"flag {flag.value}",
                expected="not stated",
                fact="stated" if flag in event.flags else "not stated",
                holds=flag not in event.flags,
            )
        )
    if rule.kind == RuleKind.EXEMPTION and rule.claim:
        claimed = any(c.rule == rule.id for c in event.exemptions)
        conditions.append(
            Condition(
                name="claim",
                expected="the event invokes this exemption",
                fact="invoked" if claimed else "not invoked",
                holds=claimed,
            )
        )
    window = version.window(as_of)
    if window is None:
        expected = f"the law as of {as_of}" if as_of else "a version that was ever the law"
        conditions.append(Condition(name="date", expected=expected, fact="not the law then", holds=False))
    else:
        start, end = window
        expected = f"conduct from {start} to {end}" if end else f"conduct from {start}"
        if as_of is not None:
            expected += f" (the law as of {as_of})"
        holds = event.end >= start and (end is None or event.start <= end)
        conditions.append(Condition(name="date", expected=expected, fact=event.when, holds=holds))
    return conditions


def party_text(event: Event) -> str:
    parts = []
    if event.supplier:
        parts.append(f"from {country_name(event.supplier.country)}")
    if event.recipient:
        parts.append(f"to {country_name(event.recipient.country)}")
    return " ".join(parts)
