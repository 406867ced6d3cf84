"""Compile a rulebook into durable-rules' JSON ruleset form, and events into the facts it matches.

Pure data in, pure data out: nothing here imports durable, and nothing from a rule file is
executed. A rule version becomes one durable rule per *variant*:

- ``match``: the scope holds and every fact the rule needs is known;
- ``missing-quantity`` / ``missing-value``: the scope holds but that fact is unknown
  (or, for goods listed above a value, the value is), so the verdict can only be potential.

Facts are flat: set membership is spelled out as one key per member (``hs_8703: 1``,
``k_transfer: 1``, ``g_luxury_goods: 1``) so that conditions are conjunctions and
disjunctions of equalities. durable-rules' regular-expression matcher silently misses
alternatives of long patterns, so no condition uses it.

Obligations add *records*: a notification to the Committee or a departure of workers is also
asserted as record facts (``se_record``), one per event it names and one for the period it covers,
and each obligation version compiles to joins and absences between the dealing (``m``) and its
records (``r``): a record in time, any covering record, one certainly too late, and none at all
(durable's ``$not``). Absence is judged against the records asserted before, so the engine
asserts records first.

Every durable rule tests ``se_event == 1``, a key only our facts carry. A rule that could match
the ruleset's own state document would re-fire on every state update and never return.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cached_property
from typing import Any

from .commodities import GroupIndex, hs_prefixes
from .limits import MAX_FACT_PROPERTIES
from .rulebook import Rulebook
from .rules import Duty, RequiredFact, Rule, RuleVersion, Scope
from .scenario import Event
from .screening import EntryKind, EventScreening
from .vessel_measures import measure_facts, party_terms
from .vocabulary import DPRK, RECORD_KINDS, Direction, EventKind, Flag, PartyScope, RuleKind

MARKER = "se_event"
RECORD_MARKER = "se_record"
SEEN = "__seen__"
SEEN_RECORD = "__seen_record__"
REGIME = "__regime__"
RULESET = "sanctionsengine"


class Variant(StrEnum):
    MATCH = "match"
    MISSING_QUANTITY = "missing-quantity"
    MISSING_VALUE = "missing-value"
    MISSING_COMMODITY = "missing-commodity"
    DUTY_MET = "duty-met"
    DUTY_COVERED = "duty-covered"
    DUTY_LATE = "duty-late"
    DUTY_ABSENT = "duty-absent"
    POSSIBLE_DESIGNATION = "possible-designation"


@dataclass(frozen=True)
class CompiledEntry:
    """What one durable rule stands for."""

    name: str
    rule_id: str
    version: str
    variant: Variant


@dataclass(frozen=True)
class CompiledRulebook:
    """The durable ruleset (conditions only; the engine binds the actions) and its index."""

    rulebook_hash: str
    as_of: date | None
    conditions: dict[str, dict[str, Any]]
    entries: dict[str, CompiledEntry] = field(default_factory=dict)

    @property
    def ruleset_name(self) -> str:
        return RULESET

    @cached_property
    def fact_keys(self) -> frozenset[str]:
        """The keys a fact keeps when asserted (see :func:`trim_fact`)."""
        return tested_keys(self.conditions)


#: Keys every fact keeps whether or not a rule tests them: the engine's own bookkeeping.
BOOKKEEPING = frozenset({"id", "sid", "ix", "rx", MARKER, RECORD_MARKER})


def tested_keys(conditions: dict[str, dict[str, Any]]) -> frozenset[str]:
    """Every fact key some condition could read: each key it tests and each name it refers to
    (a join's ``{"m": "ix"}``). Over-inclusive on purpose: a string value that is not a key only
    keeps a key no fact has; leaving out a tested key would change a verdict."""
    found: set[str] = set(BOOKKEEPING)
    stack: list[Any] = [cond.get("all", []) for cond in conditions.values()]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for k, v in item.items():
                if not k.startswith("$"):
                    found.add(k)
                stack.append(v)
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            found.add(item)
    return frozenset(found)


def trim_fact(fact: dict[str, Any], keys: frozenset[str]) -> dict[str, Any]:
    """``fact`` without the keys no rule reads. An event that concerns 247 countries or lists 240
    HS codes carries only the few its rules test, which keeps every fact far below durable-rules'
    property limit (:data:`.limits.MAX_FACT_PROPERTIES`) while every match stays the same."""
    return {k: v for k, v in fact.items() if k in keys}


def fact_overflow(fact: dict[str, Any], keys: frozenset[str]) -> str | None:
    """Why durable-rules cannot be given ``fact`` (too many tested properties), or None.

    The one bound check: the scenario path refuses such an event with its location, the bulk
    path rejects the row, and :meth:`.engine.Engine.run` refuses the call rather than crash."""
    size = sum(1 for k in fact if k in keys)
    if size <= MAX_FACT_PROPERTIES:
        return None
    return (
        f"this event gives the engine {size} facts to test at once (HS codes, groups, kinds, flags, "
        f"countries that rules test); at most {MAX_FACT_PROPERTIES} fit in one durable-rules fact "
        "(MAX_FACT_PROPERTIES): split it into several events"
    )


def key(prefix: str, value: str) -> str:
    return f"{prefix}_{value.replace('-', '_').replace('.', '_')}"


def _any(terms: list[dict[str, Any]]) -> dict[str, Any]:
    return terms[0] if len(terms) == 1 else {"$or": terms}


def _all(terms: list[dict[str, Any]]) -> dict[str, Any]:
    return terms[0] if len(terms) == 1 else {"$and": terms}


def direction_condition(direction: Direction) -> dict[str, Any] | None:
    if direction == Direction.ANY:
        return None
    if direction == Direction.TO_DPRK:
        return {"to": DPRK}
    if direction in (Direction.FROM_DPRK, Direction.DPRK_CONDUCT):
        return {"from": DPRK}
    return {"$or": [{"to": DPRK}, {"from": DPRK}]}


FLAT_OR_LIMIT = 24  # durable-rules refuses conditions with more than ~32 expressions (nesting counts)


@dataclass(frozen=True)
class CommodityTerms:
    """A scope's commodity condition in flat disjunctive form, as durable-rules can take it.

    ``flags``: any one of these keys set means "in scope" (a group tag or an HS code);
    ``terms``: alternatives that need more than one test (an HS code minus carve-outs, or a code
    listed only above a value); ``unpriced``: the same value-bound alternatives when the value is
    unknown; ``exclusions``: keys that must be absent (groups carved out of the whole scope).
    """

    flags: tuple[str, ...]
    terms: tuple[tuple[dict[str, Any], ...], ...]
    unpriced: tuple[tuple[dict[str, Any], ...], ...]
    exclusions: tuple[dict[str, Any], ...]


def commodity_terms(groups: GroupIndex, scope: Scope) -> CommodityTerms | None:
    """None when the scope says nothing about goods; with only carve-outs, "anything but these"."""
    if not scope.commodities and not scope.exclude_commodities:
        return None
    flags: list[str] = []
    terms: list[tuple[dict[str, Any], ...]] = []
    unpriced: list[tuple[dict[str, Any], ...]] = []
    for gid in scope.commodities:
        for member in groups.members(gid):
            keys = [key("g", member.id)] + [key("hs", code) for code in member.hs]
            carve = tuple({"$nex": {key("hs", code): 1}} for code in member.exclude_hs)
            for k in keys:
                if member.min_value_usd is not None:
                    limit = member.min_value_usd
                    terms.append(({k: 1}, *carve, {"$gt": {"value_usd": limit}}))
                    # value per item unknown: either no value at all, or a total above the limit
                    unpriced.append(({k: 1}, *carve, {"v_known": 0}, {"$nex": {"value_total_usd": 1}}))
                    unpriced.append(({k: 1}, *carve, {"v_known": 0}, {"$gt": {"value_total_usd": limit}}))
                elif carve:
                    terms.append(({k: 1}, *carve))
                elif k not in flags:
                    flags.append(k)
    exclusions: list[dict[str, Any]] = []
    for gid in scope.exclude_commodities:
        for member in groups.members(gid):
            exclusions.append({"$nex": {key("g", member.id): 1}})
            exclusions.extend({"$nex": {key("hs", code): 1}} for code in member.hs)
    return CommodityTerms(tuple(flags), _unique(terms), _unique(unpriced), tuple(exclusions))


def _unique(terms: list[tuple[dict[str, Any], ...]]) -> tuple[tuple[dict[str, Any], ...], ...]:
    seen: dict[str, tuple[dict[str, Any], ...]] = {}
    for term in terms:
        seen.setdefault(json.dumps(term, sort_keys=True), term)
    return tuple(seen.values())


def _alternatives(commodity: CommodityTerms | None) -> list[list[dict[str, Any]]]:
    """The commodity condition as a list of flat condition lists, any of which suffices."""
    if commodity is None:
        return [[]]
    if not commodity.flags and not commodity.terms:  # only carve-outs: any goods, or none, but these
        return [list(commodity.exclusions)]
    out: list[list[dict[str, Any]]] = []
    for start in range(0, len(commodity.flags), FLAT_OR_LIMIT):
        chunk = commodity.flags[start : start + FLAT_OR_LIMIT]
        out.append([_any([{k: 1} for k in chunk])])
    out.extend(list(term) for term in commodity.terms)
    return [alt + list(commodity.exclusions) for alt in out]


def scope_base(version: RuleVersion, window: tuple[date, date | None]) -> list[dict[str, Any]]:
    """Conditions every variant shares: the marker, direction, kinds, flags and dates."""
    scope = version.scope
    terms: list[dict[str, Any]] = [{MARKER: 1}]
    direction = direction_condition(scope.direction)
    if direction is not None:
        terms.append(direction)
    terms.append(_any([{key("k", k.value): 1} for k in scope.event_kinds]))
    terms.extend({key("f", f.value): 1} for f in scope.flags_all)
    terms.extend({"$nex": {key("f", f.value): 1}} for f in scope.flags_none)
    if scope.listed:  # named listed parties (2371 OP26's Foreign Trade Bank): a definite match only
        terms.append(_any([{key("ref", r): 1} for r in scope.listed]))
    start, end = window  # the event's period must overlap the conduct the version governs
    terms.append({"$gte": {"d1": start.toordinal()}})
    if end is not None:
        terms.append({"$lte": {"d0": end.toordinal()}})
    return terms


def compile_version(
    groups: GroupIndex, rule: Rule, version: RuleVersion, as_of: date | None
) -> list[tuple[CompiledEntry, dict[str, Any]]]:
    """Durable rules for one version: one or more flat rules per variant (see the module doc)."""
    window = version.window(as_of)
    if window is None:  # never the law for any conduct date (or not the law on as_of)
        return []
    base = scope_base(version, window)
    if rule.kind == RuleKind.EXEMPTION and rule.claim:  # applies only where the event invokes it
        base.append({key("x", rule.id): 1})
    commodity = commodity_terms(groups, version.scope)
    alternatives = _alternatives(commodity)
    needs_quantity = RequiredFact.QUANTITY in version.scope.requires or rule.kind == RuleKind.CAP
    needs_value = RequiredFact.VALUE in version.scope.requires
    known = ([{"q_known": 1}] if needs_quantity else []) + ([{"v_known": 1}] if needs_value else [])
    terms = party_terms(version.scope.parties, version.scope.listing_measures)
    listed = [{key(d, v): 1} for d, _, v in terms]
    possible = [{key(p, v): 1} for _, p, v in terms]
    definite_party = [_any(listed)] if listed else []
    variants: list[tuple[Variant, list[list[dict[str, Any]]]]] = [
        (Variant.MATCH, [alt + known + definite_party for alt in alternatives]),
    ]
    if listed:  # a name that only resembles a listed one: a possible match, never a definite one
        not_definite = [{"$nex": {key(d, v): 1}} for d, _, v in terms]
        variants.append(
            (Variant.POSSIBLE_DESIGNATION, [alt + known + [_any(possible)] + not_definite for alt in alternatives])
        )
    # a fact is missing: the rule may apply only if its parties are (or may be) listed
    any_party = [_any(listed + possible)] if listed else []
    if needs_quantity:
        variants.append((Variant.MISSING_QUANTITY, [alt + [{"q_known": 0}] + any_party for alt in alternatives]))
    value_missing = [alt + [{"v_known": 0}] + any_party for alt in alternatives] if needs_value else []
    if commodity is not None:
        value_missing += [list(term) + list(commodity.exclusions) + any_party for term in commodity.unpriced]
    if value_missing:
        variants.append((Variant.MISSING_VALUE, value_missing))
    if version.scope.commodities:
        # the goods were not stated at all: the rule may apply, the report cannot say
        variants.append((Variant.MISSING_COMMODITY, [[{"has_commodity": 0}, *any_party]]))
    name = f"{rule.id}@{version.version}"
    out = []
    for variant, alts in variants:
        for n, alt in enumerate(alts):
            entry = CompiledEntry(f"{name}#{variant.value}" + (f"~{n}" if n else ""), rule.id, version.version, variant)
            out.append((entry, {"all": [{"m": _all(base + alt)}]}))
    if version.duty is not None:
        for n, alt in enumerate(alternatives):
            out.extend(_duty_rules(name, rule, version, version.duty, _all(base + alt), n))
    return out


def _duty_rules(
    name: str, rule: Rule, version: RuleVersion, duty: Duty, dealing: dict[str, Any], n: int
) -> list[tuple[CompiledEntry, dict[str, Any]]]:
    """Joins between a dealing (m) and the records (r) of the State that owes the duty."""
    bearer = "from" if duty.bearer == "supplier" else "to"
    record: list[dict[str, Any]] = [{RECORD_MARKER: 1}, {"rec": duty.record.value}, {"sup": {"m": bearer}}]
    by_ref: list[dict[str, Any]] = [*record, {"ref": {"m": "ix"}}]
    by_period: list[dict[str, Any]] = [*record, {"$lte": {"cov0": {"m": "d1"}}}, {"$gte": {"cov1": {"m": "d1"}}}]
    if duty.days_after is not None:
        deadline: Any = {"$add": {"$l": {"m": "d1"}, "$r": duty.days_after}}
    elif duty.days_before is not None:
        deadline = {"$sub": {"$l": {"m": "d0"}, "$r": duty.days_before}}
    else:
        assert duty.by is not None
        deadline = duty.by.toordinal()
    in_time: dict[str, Any] = {"$lte": {"d1": deadline}}
    too_late: dict[str, Any] = {"$gt": {"d0": deadline}}
    variants: list[tuple[Variant, list[dict[str, Any]]]] = [
        (Variant.DUTY_MET, [in_time]),
        (Variant.DUTY_COVERED, []),
        (Variant.DUTY_LATE, [too_late]),
    ]
    suffix = f"~{n}" if n else ""
    out = []
    for variant, extra in variants:
        for how, cond in (("ref", by_ref), ("period", by_period)):
            entry = CompiledEntry(f"{name}#{variant.value}-{how}{suffix}", rule.id, version.version, variant)
            out.append((entry, {"all": [{"m": dealing}, {"r": _all(cond + extra)}]}))
    entry = CompiledEntry(f"{name}#{Variant.DUTY_ABSENT.value}{suffix}", rule.id, version.version, Variant.DUTY_ABSENT)
    out.append((entry, {"all": [{"m": dealing}, {"r_1$not": _all(by_ref)}, {"r_2$not": _all(by_period)}]}))
    return out


def compile_rulebook(book: Rulebook, as_of: date | None = None) -> CompiledRulebook:
    """Every version of every rule (or, with ``as_of``, the versions in force that day)."""
    conditions: dict[str, dict[str, Any]] = {}
    entries: dict[str, CompiledEntry] = {}
    regime = book.regime
    nexus = {  # a DPRK party or subject, or a party or vessel on the 1718 lists
        "$or": [
            {"from": regime.target_country},
            {"to": regime.target_country},
            {key("c", regime.target_country): 1},
            *({key(prefix, p.value): 1} for prefix in ("dsg", "dsgp") for p in PartyScope),
        ]
    }
    regime_terms: list[dict[str, Any]] = [
        {MARKER: 1},
        nexus,
        _any([{key("k", k.value): 1} for k in regime.in_scope_kinds]),
    ]
    regime_terms.append({"$gte": {"d1": regime.in_force_from.toordinal()}})
    if as_of is None or as_of >= regime.in_force_from:
        conditions[REGIME] = {"all": [{"m": _all(regime_terms)}]}
        entries[REGIME] = CompiledEntry(REGIME, REGIME, "", Variant.MATCH)
    conditions[SEEN] = {"all": [{"m": {MARKER: 1}}]}
    entries[SEEN] = CompiledEntry(SEEN, SEEN, "", Variant.MATCH)
    conditions[SEEN_RECORD] = {"all": [{"r": {RECORD_MARKER: 1}}]}  # durable refuses a fact no rule matches
    entries[SEEN_RECORD] = CompiledEntry(SEEN_RECORD, SEEN_RECORD, "", Variant.MATCH)
    for rule in book.rules:
        for version in rule.versions:
            for entry, cond in compile_version(book.groups, rule, version, as_of):
                conditions[entry.name] = cond
                entries[entry.name] = entry
    flat: dict[str, dict[str, Any]] = {}
    flat_entries: dict[str, CompiledEntry] = {}
    for name, cond in conditions.items():
        for n, alternative in enumerate(disjunctive_form(cond)):
            alt_name = name if n == 0 else f"{name}|{n}"
            if not _guarded(alternative):
                raise AssertionError(
                    f"compiled rule {alt_name} does not test {MARKER}; it could loop on the state document"
                )
            flat[alt_name] = alternative
            flat_entries[alt_name] = entries[name]
    return CompiledRulebook(book.hash, as_of, flat, flat_entries)


def disjunctive_form(cond: dict[str, Any]) -> list[dict[str, Any]]:
    """One durable rule per alternative: no ``$or`` reaches durable-rules, and tests are ordered.

    durable-rules 2.0.28 walks its alpha network with a fixed stack of 64 nodes. Each ``$or``
    adds a node that is always pushed, and a test that many facts pass (a date bound, an absent
    key) pushes one node per distinct value under the same parent; with enough rules sharing a
    prefix, an event overflows the stack (error 303, or a crash). Spelled out as separate rules,
    with equality tests first (pushed only when the fact has that key and value), comparisons
    next and absence tests last, only the few nodes an event's own keys select are ever pushed.
    """
    per_binding: list[list[tuple[str, dict[str, Any]]]] = []
    for binding in cond["all"]:
        ((name, expr),) = binding.items()
        if "$not" in name:
            if "$or" in json.dumps(expr):
                raise AssertionError(f"a negated binding cannot hold an alternative: {expr}")
            per_binding.append([(name, _all(_ordered(_terms(expr))))])
            continue
        per_binding.append([(name, _all(_ordered(c))) for c in _conjunctions(_terms(expr))])
    out: list[dict[str, Any]] = [{"all": []}]
    for options in per_binding:
        out = [{"all": [*o["all"], {name: expr}]} for o in out for name, expr in options]
    return out


def _terms(expr: dict[str, Any]) -> list[dict[str, Any]]:
    return list(expr["$and"]) if set(expr) == {"$and"} else [expr]


def _conjunctions(terms: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Distribute every ``$or`` (of single tests) over the conjunction it sits in."""
    out: list[list[dict[str, Any]]] = [[]]
    for term in terms:
        if set(term) == {"$or"}:
            choices = [[alt] if set(alt) != {"$and"} else list(alt["$and"]) for alt in term["$or"]]
            out = [[*c, *choice] for c in out for choice in choices]
        else:
            out = [[*c, term] for c in out]
    return out


def _order(term: dict[str, Any]) -> tuple[int, str]:
    ((op, arg),) = term.items()
    if op in (MARKER, RECORD_MARKER):
        return (0, op)
    if not op.startswith("$"):
        # a key compared with a constant: pushed only on a fact that has it; with another fact's field: always
        return (3, op) if isinstance(arg, dict) else (1, op)
    if op == "$nex":
        return (4, json.dumps(arg, sort_keys=True))
    return (2, json.dumps(term, sort_keys=True))


def _ordered(terms: list[dict[str, Any]]) -> list[dict[str, Any]]:
    unique: dict[str, dict[str, Any]] = {}
    for t in terms:
        unique.setdefault(json.dumps(t, sort_keys=True), t)
    return sorted(unique.values(), key=_order)


def _guarded(cond: dict[str, Any]) -> bool:
    """Every binding of the rule tests a marker only our facts carry."""
    for binding in cond["all"]:
        for expr in binding.values():
            terms = expr.get("$and", [expr]) if isinstance(expr, dict) else []
            if {MARKER: 1} not in terms and {RECORD_MARKER: 1} not in terms:
                return False
    return True


def record_facts(event: Event, index: int, run_id: str, index_of: dict[str, int]) -> list[dict[str, Any]]:
    """A record (notification, departure) as facts: one per event it names, one for its period."""
    if event.kind not in RECORD_KINDS:
        return []
    base = {
        "sid": run_id,
        RECORD_MARKER: 1,
        "rec": event.kind.value,
        "rx": index,
        "sup": event.supplier.country if event.supplier else "",
        "d0": event.start.toordinal(),
        "d1": event.end.toordinal(),
    }
    out = []
    for n, ref in enumerate(event.refers_to):
        if ref in index_of:
            out.append({**base, "id": f"r{index}-{n}", "ref": index_of[ref]})
    if event.covers is not None:
        out.append(
            {**base, "id": f"r{index}-p", "cov0": event.covers.start.toordinal(), "cov1": event.covers.end.toordinal()}
        )
    return out


def scenario_facts(
    events: Sequence[Event], run_id: str, screenings: Sequence[EventScreening] | None = None
) -> list[dict[str, Any]]:
    """Every fact of a run: each event (with its screening), and the records of notifications and departures."""
    index_of = {e.id: i for i, e in enumerate(events)}
    facts = [event_fact(e, i, run_id, screenings[i] if screenings else None) for i, e in enumerate(events)]
    for i, e in enumerate(events):
        facts.extend(record_facts(e, i, run_id, index_of))
    return facts


def event_fact(event: Event, index: int, run_id: str, screening: EventScreening | None = None) -> dict[str, Any]:
    """The flat fact durable-rules matches for one event of a run (with what list screening found)."""
    fact: dict[str, Any] = {
        "id": f"e{index}",
        "sid": run_id,
        MARKER: 1,
        "ix": index,
        "from": event.supplier.country if event.supplier else "",
        "to": event.recipient.country if event.recipient else "",
        "d0": event.start.toordinal(),
        "d1": event.end.toordinal(),
        "q_known": 1 if event.quantity is not None and event.quantity.known else 0,
        "v_known": 1 if event.value_per_item is not None else 0,
        "has_commodity": 1 if event.commodity is not None else 0,
    }
    per_item = event.value_per_item
    if per_item is not None:
        fact["value_usd"] = per_item
    elif event.value is not None:
        fact["value_total_usd"] = event.value.amount
    for country in event.concerns:
        fact[key("c", country)] = 1
    for kind in event.effective_kinds:
        fact[key("k", kind.value)] = 1
    if event.kind == EventKind.OFFER:
        fact["offer"] = 1
    for claim in event.exemptions:
        fact[key("x", claim.rule)] = 1
    for flag in event.flags:
        fact[key("f", flag.value)] = 1
    if event.commodity is not None:
        for code in event.commodity.hs:
            for prefix in hs_prefixes(code):
                fact[key("hs", prefix)] = 1
        for cat in event.commodity.categories:
            fact[key("g", cat)] = 1
    fact.update(designation_keys(event, screening))
    return fact


def designation_keys(event: Event, screening: EventScreening | None) -> dict[str, int]:
    """``dsg_*`` for definite list hits in force on the event's date, ``dsgp_*`` for possible ones."""
    out: dict[str, int] = {}
    kinds = {
        PartyScope.DESIGNATED_PARTY: {EntryKind.INDIVIDUAL, EntryKind.ENTITY},
        PartyScope.DESIGNATED_INDIVIDUAL: {EntryKind.INDIVIDUAL},
        PartyScope.DESIGNATED_VESSEL: {EntryKind.VESSEL},
    }
    for match in screening.matches if screening is not None else ():
        if match.in_force and match.definite:
            out[key("ref", match.reference)] = 1
    for scope, entry_kinds in kinds.items():
        if screening is not None and screening.hits(entry_kinds, definite=True):
            out[key("dsg", scope.value)] = 1
        elif screening is not None and screening.hits(entry_kinds, definite=False):
            out[key("dsgp", scope.value)] = 1
    for prefix, column in measure_facts(screening, event.end):  # what each vessel's listing imposes
        out[key(prefix, column)] = 1
    if Flag.DESIGNATED_PARTY in event.flags:  # the report itself says a designated party took part
        out[key("dsg", PartyScope.DESIGNATED_PARTY.value)] = 1
        out.pop(key("dsgp", PartyScope.DESIGNATED_PARTY.value), None)
    return out
