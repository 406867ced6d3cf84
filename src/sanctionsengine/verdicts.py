"""From engine matches to findings, and from findings to exactly one verdict per event.

A *finding* is one measure's judgement of one event: the rule and the version applied, its
citation, the facts that met each condition, the outcome and the reasons for it (an offer is not
a delivery; a quantity is missing; a cap was crossed), and the rule's provenance. An event's
*verdict* is chosen by :func:`decide`, the one place where the precedence is written:

    out of scope (outside the regime)  — before anything else: no finding applies
    violation > potential violation > undecidable > exempt > not prohibited

so the most serious finding wins, and an event with no finding is "not prohibited", with the
nearest measure named when one narrowly misses.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

from . import vessel_measures
from .caps import CapComputation, CapJudgement, CapLedger
from .compile import REGIME, SEEN, CompiledRulebook, Variant, designation_keys, key
from .engine import Match
from .errors import EngineFailure
from .evidence import EvidenceCheck, QuoteStatus
from .explain import Condition, explain
from .knowledge import caveats, combine_over_window
from .listcoverage import Coverage, CoverageState
from .obligations import judge_duty
from .quantities import format_number
from .rulebook import Rulebook
from .rules import Provenance, Rule, RuleVersion
from .scenario import Event, LoadedScenario, Scenario, country_name
from .screening import EntryKind, EventScreening, ListMatch
from .vocabulary import (
    RECORD_KINDS,
    TRANSACTIONAL_KINDS,
    Confidence,
    EventKind,
    PartyScope,
    RuleKind,
    Status,
    Verdict,
)
from .wording import a


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ExemptionApplied(_Model):
    rule_id: str
    title: str
    citation: str
    grounds: str
    reference: str | None = Field(default=None, description="The Committee's decision or notice invoked")
    evidence: list[str] = Field(default_factory=list, description="What supports the exemption")


class Finding(_Model):
    rule_id: str
    title: str
    family: str
    kind: RuleKind
    severity: str
    version: str
    governs: str = Field(description="Conduct dates the applied version covers")
    citation: str
    related: list[str]
    outcome: Verdict
    reasons: list[str]
    missing: list[str]
    conditions: list[Condition]
    computation: CapComputation | None = None
    records: list[str] = Field(
        default_factory=list, description="Ids of the records (notifications, departures) weighed"
    )
    list_matches: list[ListMatch] = Field(default_factory=list, description="The list matches a party rule rests on")
    exemption: ExemptionApplied | None = None
    summary: str
    provenance: list[Provenance]
    unverified: list[str] = Field(description="Facts of this rule the reference tags [B] or [?]")


class PossibleMeasure(_Model):
    """A measure that could apply to an event whose goods are not stated."""

    rule_id: str
    title: str
    family: str
    version: str
    governs: str = Field(description="Conduct dates the version covers")
    citation: str
    related: list[str]


class GoodsNotStated(_Model):
    """One statement for an event whose goods are not stated, instead of one finding per goods
    measure: which measures could apply, each with its citation. The event is undecidable on them
    until an HS code or category is given."""

    statement: str
    missing: list[str] = Field(default_factory=lambda: ["commodity"])
    measures: list[PossibleMeasure]

    @property
    def rule_ids(self) -> list[str]:
        return [m.rule_id for m in self.measures]


def goods_not_stated(findings: Sequence[Finding]) -> tuple[list[Finding], GoodsNotStated | None]:
    """Fold the findings undecidable only because the goods are not stated into one statement."""
    undecided = [f for f in findings if f.outcome == Verdict.UNDECIDABLE and "commodity" in f.missing]
    if not undecided:
        return list(findings), None
    rest = [f for f in findings if f not in undecided]
    n = len(undecided)
    statement = GoodsNotStated(
        statement=(
            f"the goods are not stated (no HS code or category), so {n} measure{'s' if n > 1 else ''} "
            f"that turn{'' if n > 1 else 's'} on the goods could apply; give an HS code or category to decide"
        ),
        measures=[
            PossibleMeasure(
                rule_id=f.rule_id,
                title=f.title,
                family=f.family,
                version=f.version,
                governs=f.governs,
                citation=f.citation,
                related=f.related,
            )
            for f in undecided
        ],
    )
    return rest, statement


class NearMiss(_Model):
    rule_id: str
    title: str
    citation: str
    differs: list[Condition]
    note: str | None = None


class EvidenceItem(_Model):
    source: str
    source_title: str
    language: str
    quote: str
    gloss: str | None
    claimed_by: str
    confidence: Confidence
    quote_check: QuoteStatus


class CorrectionItem(_Model):
    field: str
    reported: str
    corrected: str
    source: str
    note: str | None


class EventVerdict(_Model):
    id: str
    title: str
    kind: EventKind
    offered: list[EventKind]
    when: str
    date_note: str | None
    supplier: str | None
    recipient: str | None
    commodity: str | None
    hs: list[str]
    quantity: str | None
    verdict: Verdict
    summary: str
    confidence: Confidence
    claimed_by: list[str]
    attribution: str = Field(description="Who claims it and how sure, e.g. 'alleged by the United States'")
    findings: list[Finding]
    goods_not_stated: GoodsNotStated | None = Field(
        default=None, description="The goods are not stated: one statement naming the measures that could apply"
    )
    near_misses: list[NearMiss]
    evidence: list[EvidenceItem]
    corrections: list[CorrectionItem]
    note: str | None
    screening: list[ListMatch] = Field(
        default_factory=list, description="Every list match, in force on the date or not"
    )
    coverage: Coverage = Field(
        default_factory=lambda: Coverage(state=CoverageState.NOTHING_TO_SCREEN),
        description="What the event was screened for, against which lists: matched, screened-clear, "
        "not-screened or nothing-to-screen",
    )
    caveats: list[str] = Field(
        default_factory=list,
        description="What the report leaves open (unknown country, unnamed vessel, suspected goods, uncertain "
        "date, bounded quantity) and what that does to the verdict",
    )


def decide(in_regime: bool, outcomes: Sequence[Verdict]) -> Verdict:
    """The one precedence function: exactly one verdict for any combination of findings."""
    if not in_regime:
        return Verdict.OUT_OF_SCOPE
    if not outcomes:
        return Verdict.NOT_PROHIBITED
    return min(outcomes, key=lambda v: v.rank)


def _governs(version: RuleVersion, as_of: date | None) -> str:
    window = version.window(as_of)
    if window is None:
        return "none"
    start, end = window
    return f"{start} to {end}" if end else f"from {start}"


def _choose_version(rule: Rule, labels: set[str], event: Event, as_of: date | None) -> tuple[RuleVersion, str | None]:
    versions = [v for v in rule.versions if v.version in labels]
    if len(versions) == 1:
        return versions[0], None
    for v in reversed(versions):
        window = v.window(as_of)
        if window and window[0] <= event.end and (window[1] is None or event.end <= window[1]):
            chosen = v
            break
    else:
        chosen = versions[-1]
    others = ", ".join(v.version for v in versions if v is not chosen)
    return (
        chosen,
        f"the reported period spans versions {others} and {chosen.version}; judged by {chosen.version}, in force at its end",
    )


def _partly_before(version: RuleVersion, event: Event, as_of: date | None) -> str | None:
    window = version.window(as_of)
    if window is None:
        return None
    start, end = window
    if event.start < start:
        return (
            f"the reported period begins {event.start}, before this version governs conduct ({start}); "
            "the conduct may predate the measure"
        )
    if end is not None and event.end > end:
        return f"the reported period runs past {end}, when this version stops governing conduct"
    return None


class _Claim(Protocol):
    @property
    def confidence(self) -> Confidence: ...

    @property
    def claimed_by(self) -> str: ...


def confidence_phrase(evidence: Sequence[_Claim]) -> str:
    """Who claims it and how sure: "alleged by the United States; reported by the article"."""
    by_level: dict[Confidence, list[str]] = defaultdict(list)
    for e in evidence:
        conf, who = e.confidence, e.claimed_by
        if who not in by_level[conf]:
            by_level[conf].append(who)
    verbs = {Confidence.CONFIRMED: "confirmed by", Confidence.REPORTED: "reported by", Confidence.ALLEGED: "alleged by"}
    parts = [f"{verbs[c]} {' and '.join(sorted(by_level[c]))}" for c in sorted(by_level, key=lambda c: -c.strength)]
    return "; ".join(parts)


def _finding(
    book: Rulebook,
    rule: Rule,
    version: RuleVersion,
    event: Event,
    as_of: date | None,
    outcome: Verdict,
    reasons: list[str],
    missing: list[str],
    computation: CapComputation | None = None,
    records: tuple[str, ...] = (),
    screening: EventScreening | None = None,
) -> Finding:
    hits = [m for m in (screening.matches if screening else ()) if m.in_force] if version.scope.parties else []
    if version.scope.listing_measures:
        hits = vessel_measures.rule_hits(hits, version.scope.listing_measures, event.end)
    return Finding(
        records=list(records),
        list_matches=hits,
        rule_id=rule.id,
        title=rule.title,
        family=rule.family,
        kind=rule.kind,
        severity=rule.severity.value,
        version=version.version,
        governs=_governs(version, as_of),
        citation=str(version.citation),
        related=engaged_related(book, version, event, as_of, screening),
        outcome=outcome,
        reasons=reasons,
        missing=missing,
        conditions=explain(book.groups, rule, version, event, as_of, screening),
        computation=computation,
        summary=rule.summary.strip(),
        provenance=list(version.provenance),
        unverified=[f"{p.fact} {p.status.tag}" for p in version.provenance if p.status != Status.VERIFIED],
    )


def engaged_related(
    book: Rulebook, version: RuleVersion, event: Event, as_of: date | None, screening: EventScreening | None
) -> list[str]:
    """The version's related paragraphs that this event's facts engage (see :class:`RelatedCitation`):
    in force for its conduct, the annex that names its goods, the measures its listing applies."""
    if not version.related:
        return []
    goods = event.commodity
    groups = set(book.groups.covering(goods.hs, goods.categories)) if goods else set()
    keys = designation_keys(event, screening)
    parties = {p for p in PartyScope if key("dsg", p.value) in keys or key("dsgp", p.value) in keys}
    measures = {  # the columns each matched vessel's listing marks, from the designation that marked them
        m
        for hit in (screening.matches if screening else ())
        if hit.in_force
        for m in vessel_measures.measures_on(hit, event.end)
    } - {vessel_measures.NONE}
    return [
        str(c)
        for c in version.related
        if c.engaged(
            last_day=event.end,
            as_of=as_of,
            groups=groups,
            event_kind=event.kind,
            parties=parties,
            measures=measures,
        )
    ]


def _near_misses(book: Rulebook, event: Event, as_of: date | None) -> list[NearMiss]:
    """Measures that fail on one condition only (or on direction alone, for goods the rule names
    as near, such as food for the ban on DPRK food exports)."""
    event_groups = (
        set(book.groups.covering(event.commodity.hs, event.commodity.categories)) if event.commodity else set()
    )
    out: list[tuple[tuple[int, int], NearMiss]] = []
    for rule in book.rules:
        if rule.kind == RuleKind.EXEMPTION:
            continue
        candidates = [v for v in rule.versions if v.window(as_of) is not None]
        if not candidates:
            continue
        version = next((v for v in reversed(candidates) if v.in_force_on(as_of or event.end)), candidates[-1])
        conditions = explain(book.groups, rule, version, event, as_of)
        failed = [c for c in conditions if not c.holds]
        through_near = False
        if event_groups & set(rule.near_commodities) and any(c.name == "commodity" for c in failed):
            failed = [c for c in failed if c.name != "commodity"]
            through_near = True
        # only a measure that fails on its direction alone is "near": the same goods, the other way
        if len(failed) != 1 or failed[0].name != "direction":
            continue
        # closest first: goods the rule names directly, and named most narrowly (seafood before food)
        goods = event.commodity
        fit = (
            max(
                (book.groups.specificity(g, goods.hs, goods.categories) for g in version.scope.commodities),
                default=0,
            )
            if goods
            else 0
        )
        rank = (1 if through_near else 0, -fit)
        out.append(
            (
                rank,
                NearMiss(
                    rule_id=rule.id,
                    title=rule.title,
                    citation=str(version.citation),
                    differs=failed,
                    note=rule.nearest_note,
                ),
            )
        )
    out.sort(key=lambda t: (t[0], t[1].rule_id))
    return [nm for _, nm in out[:3]]


def _describe(event: Event) -> tuple[str | None, list[str]]:
    if event.commodity is None:
        return None, []
    return event.commodity.description, list(event.commodity.hs)


@dataclass(frozen=True)
class MatchTable:
    """What durable-rules found, per event: rule id → version label → variant → joined records,
    whether the event is within the regime, and the version chosen for each (event, rule)."""

    matched: dict[int, dict[str, dict[str, dict[Variant, set[int | None]]]]]
    in_regime: dict[int, bool]
    chosen: dict[tuple[int, str], tuple[RuleVersion, str | None]]


def match_table(
    book: Rulebook, compiled: CompiledRulebook, events: Sequence[Event], matches: Sequence[Match]
) -> MatchTable:
    """Group the engine's matches by event and rule; refuse an event the engine did not see."""
    names: dict[int, set[str]] = defaultdict(set)
    joined: dict[tuple[int, str], set[int | None]] = defaultdict(set)
    for m in matches:
        names[m.index].add(m.name)
        joined[(m.index, m.name)].add(m.record)
    matched: dict[int, dict[str, dict[str, dict[Variant, set[int | None]]]]] = {}
    in_regime: dict[int, bool] = {}
    for i in range(len(events)):
        if SEEN not in names[i]:
            raise EngineFailure(f"the engine returned no result for event '{events[i].id}'", event_id=events[i].id)
        per_rule: dict[str, dict[str, dict[Variant, set[int | None]]]] = defaultdict(
            lambda: defaultdict(lambda: defaultdict(set))
        )
        for name in names[i]:
            entry = compiled.entries[name]
            if entry.rule_id in (SEEN, REGIME):
                continue
            per_rule[entry.rule_id][entry.version][entry.variant] |= joined[(i, name)]
        matched[i] = per_rule
        in_regime[i] = any(compiled.entries[n].rule_id == REGIME for n in names[i])
    chosen: dict[tuple[int, str], tuple[RuleVersion, str | None]] = {}
    for i, per_rule in matched.items():
        for rid, versions in per_rule.items():
            chosen[(i, rid)] = _choose_version(book.rule(rid), set(versions), events[i], compiled.as_of)
    return MatchTable(matched, in_regime, chosen)


@dataclass(frozen=True)
class Outcome:
    verdict: Verdict
    reasons: list[str]
    missing: list[str]
    computation: CapComputation | None = None
    records: tuple[str, ...] = ()


def rule_outcome(
    book: Rulebook,
    rule: Rule,
    version: RuleVersion,
    variants: dict[Variant, set[int | None]],
    event: Event,
    scenario: Scenario,
    screening: EventScreening,
    cap: CapJudgement | None,
    span_note: str | None,
    as_of: date | None,
) -> Outcome:
    """One (non-exemption) rule's outcome for one event, from the variants durable-rules matched."""
    reasons: list[str] = [span_note] if span_note else []
    missing: list[str] = []
    computation = None
    records: tuple[str, ...] = ()
    if version.duty is not None and Variant.MATCH in variants:
        goods = event.commodity
        groups = set(book.groups.covering(goods.hs, goods.categories)) if goods else set()
        duty = judge_duty(rule, version.duty, event, variants, scenario, groups)
        outcome = duty.outcome
        reasons.extend(duty.reasons)
        missing.extend(duty.missing)
        records = duty.records
    elif Variant.MATCH in variants or (rule.kind == RuleKind.CAP and Variant.MISSING_QUANTITY in variants):
        if rule.kind == RuleKind.CAP:
            assert cap is not None
            outcome, computation = cap.outcome, cap.computation
            reasons.extend(cap.reasons)
            missing.extend(cap.missing)
        else:
            outcome = Verdict.VIOLATION
    elif Variant.MISSING_QUANTITY in variants or Variant.MISSING_VALUE in variants:
        outcome = Verdict.POTENTIAL_VIOLATION
        if Variant.MISSING_QUANTITY in variants:
            missing.append("quantity")
            reasons.append("the quantity is not reported, and this measure turns on it")
        if Variant.MISSING_VALUE in variants:
            missing.append("value")
            reasons.append("the value is not reported, and these goods are listed only above a value")
    elif Variant.POSSIBLE_DESIGNATION in variants:
        outcome = Verdict.POTENTIAL_VIOLATION
        missing.append("identity of a listed party")
        reasons.extend(_hit_reasons(version, _party_hits(version, screening, definite=False, on=event.end), event.end))
    elif Variant.MISSING_COMMODITY in variants:
        outcome = Verdict.UNDECIDABLE
        missing.append("commodity")
        reasons.append("the goods are not stated (no HS code or category): this measure may apply")
    else:  # pragma: no cover - every variant is handled above
        raise EngineFailure(f"unhandled match variants {sorted(variants)} for rule {rule.id}", event_id=event.id)
    if version.scope.parties and Variant.MATCH in variants:
        hits = _party_hits(version, screening, definite=True, on=event.end)
        reasons.extend(_hit_reasons(version, hits, event.end))
        if not hits:
            reasons.append("the report states that a designated party took part")
    if outcome == Verdict.VIOLATION and event.kind == EventKind.OFFER:
        outcome = Verdict.POTENTIAL_VIOLATION
        reasons.append(
            "an offer or stated intent, not a reported delivery: it would breach this measure if carried out"
        )
    if outcome == Verdict.VIOLATION and version.needs:
        outcome = Verdict.POTENTIAL_VIOLATION
        missing.append(version.needs)
        reasons.append(f"this measure reaches only dealings with {version.needs}, which the report does not establish")
    goods = event.commodity
    turns_on_goods = bool(version.scope.commodities or version.scope.exclude_commodities)
    if goods is not None and goods.suspected and turns_on_goods and outcome == Verdict.VIOLATION:
        outcome = Verdict.POTENTIAL_VIOLATION
        missing.append("that the goods are what they are suspected to be")
        reasons.append(
            f"the goods are suspected, not established ({goods.description}): this measure is breached only if they are"
        )
    # an uncertain date is weighed over its whole window by the caller (see _over_window)
    partly = None if version.continuing or event.date_uncertain else _partly_before(version, event, as_of)
    if partly and outcome == Verdict.VIOLATION:
        outcome = Verdict.POTENTIAL_VIOLATION
        reasons.append(partly)
    return Outcome(outcome, reasons, missing, computation, records)


def _over_window(
    book: Rulebook,
    rule: Rule,
    chosen: RuleVersion,
    matched: dict[str, dict[Variant, set[int | None]]],
    event: Event,
    scenario: Scenario,
    screening: EventScreening,
    cap: CapJudgement | None,
    as_of: date | None,
) -> Outcome:
    """A rule judged over an uncertain date's window: every version in force on some day of it.

    Each version that matched is judged as if the event fell in its days; days of the window that
    no matched version governs count as "not prohibited"; :func:`.knowledge.combine_over_window`
    keeps what holds whatever the day. Caps and duties are judged by the version in force at the
    window's end (their ledgers and deadlines need one day), and weighed against the rest.
    """
    judged: list[tuple[str, Verdict]] = []
    base: Outcome | None = None
    spans: list[tuple[date, date]] = []
    for version in rule.versions:
        if version.version not in matched:
            continue
        window = version.window(as_of)
        if window is None:
            continue
        start, end = max(window[0], event.start), min(window[1] or event.end, event.end)
        if start > end:
            continue
        spans.append((start, end))
        if version is not chosen and (rule.kind == RuleKind.CAP or version.duty is not None):
            continue  # judged by the chosen version only
        o = rule_outcome(
            book,
            rule,
            version,
            matched[version.version],
            event,
            scenario,
            screening,
            cap if version is chosen else None,
            None,
            as_of,
        )
        judged.append((f"version {version.version} ({start} to {end})", o.verdict))
        if version is chosen:
            base = o
    if base is None:  # pragma: no cover - the chosen version is always among those matched
        raise EngineFailure(f"no version of {rule.id} judged for event {event.id}", event_id=event.id)
    day = event.start
    for start, end in sorted(spans):
        if start > day:
            judged.append(
                (
                    f"{day} to {start - timedelta(days=1)} (no version of this measure reaches it then)",
                    Verdict.NOT_PROHIBITED,
                )
            )
        day = max(day, end + timedelta(days=1))
    if day <= event.end:
        judged.append((f"{day} to {event.end} (no version of this measure reaches it then)", Verdict.NOT_PROHIBITED))
    outcome, mixed = combine_over_window(judged)
    detail = "; ".join(f"{what}: {v.label}" for what, v in judged)
    if mixed:
        reason = (
            f"the date is known only as {event.when}, and the outcome depends on the day ({detail}); "
            f"what holds whatever the day is: {outcome.label}"
        )
        missing = [*base.missing, "the exact date"]
    else:
        reason = f"the date is known only as {event.when}; every day of it gives the same outcome ({detail})"
        missing = list(base.missing)
    return Outcome(outcome, [*base.reasons, reason], missing, base.computation, base.records)


def event_findings(
    book: Rulebook,
    table: MatchTable,
    i: int,
    event: Event,
    scenario: Scenario,
    screening: EventScreening,
    caps: dict[tuple[int, str], CapJudgement],
    as_of: date | None,
) -> tuple[list[Finding], list[tuple[Rule, RuleVersion]]]:
    """The findings of one event before exemptions, and the exemptions that matched it."""
    findings: list[Finding] = []
    exemptions: list[tuple[Rule, RuleVersion]] = []
    for rid in sorted(table.matched[i]):
        rule = book.rule(rid)
        version, span_note = table.chosen[(i, rid)]
        variants = table.matched[i][rid][version.version]
        if rule.kind == RuleKind.EXEMPTION:
            if Variant.MATCH in variants:
                exemptions.append((rule, version))
            continue
        if event.date_uncertain:
            o = _over_window(
                book, rule, version, table.matched[i][rid], event, scenario, screening, caps.get((i, rid)), as_of
            )
        else:
            o = rule_outcome(
                book, rule, version, variants, event, scenario, screening, caps.get((i, rid)), span_note, as_of
            )
        findings.append(
            _finding(
                book, rule, version, event, as_of, o.verdict, o.reasons, o.missing, o.computation, o.records, screening
            )
        )
    return findings, exemptions


def governs(table: MatchTable, i: int, as_of: date | None) -> dict[str, tuple[date, date | None] | None]:
    """The conduct each matched rule's chosen version governs, for exemptions to be measured against."""
    return {rid: table.chosen[(i, rid)][0].window(as_of) for rid in table.matched[i]}


def judge(
    book: Rulebook,
    compiled: CompiledRulebook,
    loaded: LoadedScenario,
    matches: Sequence[Match],
    evidence: EvidenceCheck,
    screenings: Sequence[EventScreening] | None = None,
) -> list[EventVerdict]:
    """Findings and one verdict for every event of the scenario, in the scenario's order."""
    scn = loaded.scenario
    screened = list(screenings) if screenings else [EventScreening() for _ in scn.events]
    as_of = compiled.as_of
    table = match_table(book, compiled, scn.events, matches)
    cap_results = judge_caps(book, scn.events, table)
    verdicts: list[EventVerdict] = []
    for i, event in enumerate(scn.events):
        in_regime = table.in_regime[i]
        findings, exemptions = event_findings(book, table, i, event, scn, screened[i], cap_results, as_of)
        findings = _apply_exemptions(findings, exemptions, event, as_of, governs(table, i, as_of))
        if not in_regime:
            findings = []
        findings, undecided = goods_not_stated(findings)
        verdict = decide(in_regime, [f.outcome for f in findings] + ([Verdict.UNDECIDABLE] if undecided else []))
        near = (
            _near_misses(book, event, as_of)
            if verdict == Verdict.NOT_PROHIBITED
            and in_regime
            and event.kind in TRANSACTIONAL_KINDS
            and event.kind not in RECORD_KINDS
            else []
        )
        ev_items = [
            EvidenceItem(
                source=e.source,
                source_title=scn.source(e.source).title,
                language=scn.source(e.source).language,
                quote=e.quote,
                gloss=e.gloss,
                claimed_by=e.claimed_by,
                confidence=e.confidence,
                quote_check=evidence.quotes.get((event.id, j), QuoteStatus.NOT_CHECKED),
            )
            for j, e in enumerate(event.evidence)
        ]
        description, hs = _describe(event)
        verdicts.append(
            EventVerdict(
                id=event.id,
                title=event.title,
                kind=event.kind,
                offered=list(event.offered),
                when=event.when,
                date_note=event.date_note,
                supplier=str(event.supplier) if event.supplier else None,
                recipient=str(event.recipient) if event.recipient else None,
                commodity=description,
                hs=hs,
                quantity=str(event.quantity) if event.quantity else None,
                verdict=verdict,
                summary=_summary(book, event, verdict, findings, near, in_regime, undecided),
                confidence=event.confidence,
                claimed_by=sorted({e.claimed_by for e in event.evidence}),
                attribution=confidence_phrase(event.evidence),
                findings=findings,
                goods_not_stated=undecided,
                near_misses=near,
                evidence=ev_items,
                corrections=[CorrectionItem(**c.model_dump()) for c in event.corrections],
                screening=list(screened[i].matches),
                caveats=caveats(event, screened[i]),
                note=event.note,
            )
        )
    return verdicts


_PARTY_KINDS = {
    PartyScope.DESIGNATED_PARTY: {EntryKind.INDIVIDUAL, EntryKind.ENTITY},
    PartyScope.DESIGNATED_INDIVIDUAL: {EntryKind.INDIVIDUAL},
    PartyScope.DESIGNATED_VESSEL: {EntryKind.VESSEL},
}


def _party_hits(
    version: RuleVersion, screening: EventScreening, *, definite: bool, on: date | None = None
) -> list[ListMatch]:
    """The hits a party rule rests on: for a vessel rule, only vessels whose listing imposes its measures."""
    kinds = {k for p in version.scope.parties for k in _PARTY_KINDS[p]}
    hits = screening.hits(kinds, definite=definite)
    if on is None or not version.scope.listing_measures:
        return hits
    return vessel_measures.rule_hits(hits, version.scope.listing_measures, on)


def _hit_reasons(version: RuleVersion, hits: list[ListMatch], on: date) -> list[str]:
    """Each hit's explanation, and for a vessel what its own listing imposes."""
    out = []
    for m in hits:
        out.append(m.explanation)
        if m.kind == EntryKind.VESSEL and version.scope.listing_measures:
            out.append(vessel_measures.explain(m, on))
    return out


def judge_caps(
    book: Rulebook,
    events: Sequence[Event],
    table: MatchTable,
    only: Sequence[int] | None = None,
) -> dict[tuple[int, str], CapJudgement]:
    """Feed every cap rule's deliveries to its ledger in date order (ties in scenario order).

    ``only``: the events to feed (by index), for a caller that knows the others match no cap.
    """
    matched, chosen = table.matched, table.chosen
    indices = range(len(events)) if only is None else only
    results: dict[tuple[int, str], CapJudgement] = {}
    ledgers: dict[str, CapLedger] = {}
    deliveries = sorted(
        (
            (events[i].end, events[i].start, i, rid)
            for i in indices
            for rid in matched[i]
            if book.rule(rid).kind == RuleKind.CAP
        ),
    )
    for _end, _start, i, rid in deliveries:
        version, _ = chosen[(i, rid)]
        variants = matched[i][rid][version.version]
        if not ({Variant.MATCH, Variant.MISSING_QUANTITY} & set(variants)):
            continue
        ledger = ledgers.setdefault(rid, CapLedger(book.rule(rid), book.conversions))
        goods = events[i].commodity
        groups = book.groups.covering(goods.hs, goods.categories) if goods else []
        results[(i, rid)] = ledger.add(i, events[i], version, groups)
    return results


def _apply_exemptions(
    findings: list[Finding],
    exemptions: list[tuple[Rule, RuleVersion]],
    event: Event,
    as_of: date | None = None,
    governs: dict[str, tuple[date, date | None] | None] | None = None,
) -> list[Finding]:
    """Soften the findings an exemption names: exempt if it stands on evidence, else still potential.

    Where several exemptions could soften one finding, one that clears it wins over one that is
    invoked without its support; ties go to the rulebook's order.
    """
    if not exemptions:
        return findings
    out = []
    for f in findings:
        applying = [(r, v) for r, v in exemptions if f.rule_id in r.excepts or "*" in r.excepts]
        if not applying or f.outcome not in (Verdict.VIOLATION, Verdict.POTENTIAL_VIOLATION):
            out.append(f)
            continue
        window = (governs or {}).get(f.rule_id)
        start = max(event.start, window[0]) if window else event.start
        end = min(event.end, window[1]) if window and window[1] else event.end
        softened = [_soften(f, rule, version, event, as_of, (start, end)) for rule, version in applying]
        out.append(next((s for s in softened if s.outcome == Verdict.EXEMPT), softened[0]))
    return out


def _soften(
    f: Finding, rule: Rule, version: RuleVersion, event: Event, as_of: date | None, conduct: tuple[date, date]
) -> Finding:
    """One exemption applied to one finding, for the conduct the finding's measure governs.

    A reported period that runs past either end of the exemption (a contract grace that ended
    mid-period) is not cleared: part of the conduct may fall outside it.
    """
    claim = next((c for c in event.exemptions if c.rule == rule.id), None)
    window = version.window(as_of)
    if window is not None and (conduct[0] < window[0] or (window[1] is not None and conduct[1] > window[1])):
        span = f"from {window[0]}" + (f" to {window[1]}" if window[1] else "")
        return f.model_copy(
            update={
                "outcome": Verdict.POTENTIAL_VIOLATION,
                "reasons": f.reasons
                + [
                    f"exemption {rule.id} ({version.citation}) covers conduct {span} only; the reported period "
                    f"{event.when} runs past it, so part of the conduct may not be exempt"
                ],
                "missing": [*f.missing, "dates within the exemption's period"],
                "exemption": ExemptionApplied(
                    rule_id=rule.id, title=rule.title, citation=str(version.citation), grounds=rule.grounds or ""
                ),
            }
        )
    applied = ExemptionApplied(
        rule_id=rule.id, title=rule.title, citation=str(version.citation), grounds=rule.grounds or ""
    )
    if rule.claim and claim is not None:
        evidence = [f'{e.claimed_by} ({e.confidence.value}): "{e.quote}"' for e in claim.evidence]
        applied = applied.model_copy(update={"reference": claim.reference, "evidence": evidence})
        lacking = []
        if not claim.evidence:
            lacking.append("evidence")
        if rule.reference_required and not claim.reference:
            lacking.append("the Committee's reference")
        if lacking:
            return f.model_copy(
                update={
                    "outcome": Verdict.POTENTIAL_VIOLATION,
                    "reasons": f.reasons
                    + [
                        f"exemption {rule.id} ({version.citation}) is invoked without {' or '.join(lacking)}: not a clearance"
                    ],
                    "missing": f.missing + lacking,
                    "exemption": applied,
                }
            )
    else:
        applied = applied.model_copy(update={"evidence": ["the event's own evidence of the facts it rests on"]})
    reference = f"; reference {applied.reference}" if applied.reference else ""
    return f.model_copy(
        update={
            "outcome": Verdict.EXEMPT,
            "reasons": f.reasons + [f"exempt under {rule.id} ({version.citation}): {rule.grounds}{reference}"],
            "exemption": applied,
        }
    )


def _summary(
    book: Rulebook,
    event: Event,
    verdict: Verdict,
    findings: list[Finding],
    near: list[NearMiss],
    in_regime: bool,
    undecided: GoodsNotStated | None = None,
) -> str:
    confidence = confidence_phrase(event.evidence)
    relevant = [f for f in findings if f.outcome == verdict]
    cites = "; ".join(sorted({f"{f.citation} ({f.rule_id})" for f in relevant}))
    if verdict == Verdict.OUT_OF_SCOPE:
        return f"Out of scope: {_scope_reason(book, event)}."
    if verdict == Verdict.VIOLATION:
        return f"Violation of {len(relevant)} measure{'s' if len(relevant) > 1 else ''}: {cites}; {confidence}."
    if verdict == Verdict.POTENTIAL_VIOLATION:
        why = sorted(
            {
                r
                for f in relevant
                for r in f.reasons
                if r.startswith(
                    (
                        "an offer",
                        "the quantity",
                        "the value",
                        "quantity",
                        "the reported period",
                        "the goods are suspected",
                        "the date is known only",
                    )
                )
            }
        )
        lead = why[0] if why else "a fact the verdict needs is missing"
        return f"Potential violation ({lead}): {cites}; {confidence}."
    if verdict == Verdict.UNDECIDABLE:
        could = undecided.measures if undecided else []
        return (
            f"Undecidable: the goods are not stated, and {len(could)} measure"
            f"{'s' if len(could) > 1 else ''} could apply; give an HS code or category; {confidence}."
        )
    if verdict == Verdict.EXEMPT:
        grounds = sorted({f.exemption.rule_id for f in relevant if f.exemption})
        return f"Exempt under {', '.join(grounds)}: {cites}; {confidence}."
    within = [f for f in findings if f.computation is not None]
    if within:
        return f"Not prohibited: {within[0].computation.text if within[0].computation else ''}; {confidence}."
    if event.kind not in TRANSACTIONAL_KINDS:
        lead = f"not a transaction ({event.kind.value}); no measure governs it by itself"
    else:
        lead = "no measure in force covers this dealing"
    if near:
        n = near[0]
        lead += (
            f". Nearest measure: {n.rule_id} ({n.citation}), which covers goods {n.differs[0].expected}, "
            f"not this direction ({n.differs[0].fact})"
        )
        if n.note:
            lead += f". {n.note.strip().rstrip('.')}"
    return f"Not prohibited: {lead}; {confidence}."


def _scope_reason(book: Rulebook, event: Event) -> str:
    regime = book.regime
    target = regime.target_country
    if target not in event.countries:
        parties = " → ".join(country_name(p.country) for p in (event.supplier, event.recipient) if p) or "no parties"
        unknown = [p for p in (event.supplier, event.recipient) if p and not p.country_known]
        tail = "; a party whose country is unknown is not taken for the DPRK" if unknown else ""
        return f"no {country_name(target)} party or subject ({parties}){tail}"
    if event.end < regime.in_force_from:
        return f"before the regime's first measures ({regime.in_force_from}, {regime.citation.symbol})"
    if event.kind not in regime.in_scope_kinds:
        return f"{a(event.kind.value)} is not a dealing the {regime.title} governs"
    return "outside the regime"


__all__ = [
    "EventVerdict",
    "Finding",
    "GoodsNotStated",
    "NearMiss",
    "PossibleMeasure",
    "decide",
    "format_number",
    "goods_not_stated",
    "judge",
]
