"""Law tests as data: what each rule must and must not flag, and where its dates begin.

A law-test file (``rules/<regime>/tests/<family>.yaml``) lists, per rule, positive cases (an
event the rule must flag, with the outcome), negative cases (an event it must leave alone, and
why) and date boundaries (the first day a version governs: the day before, the rule is silent;
on the day, it gives the stated outcome). Events are written in a short form; each case runs as
its own evaluation, so caps never mix cases.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..errors import InputError
from ..evaluation import judge_scenario
from ..quantities import Quantity
from ..rulebook import Rulebook
from ..scenario import (
    Commodity,
    Event,
    Evidence,
    ExemptionClaim,
    LoadedScenario,
    Party,
    Period,
    Scenario,
    ScenarioInfo,
    Source,
    Value,
    Vessel,
)
from ..screening import ScreeningList
from ..verdicts import EventVerdict
from ..vocabulary import Confidence, EventKind, Flag, Verdict
from ..yamlfile import YamlDocument, load_yaml, parse_yaml, validate


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class CaseClaim(_Strict):
    """An exemption invoked in a law test; ``evidence: false`` invokes it without any."""

    rule: str
    reference: str | None = None
    evidence: bool = True

    def to_claim(self) -> ExemptionClaim:
        support = (
            (
                Evidence(
                    source="law-test",
                    quote="approval on file",
                    claimed_by="the supplier",
                    confidence=Confidence.REPORTED,
                ),
            )
            if self.evidence
            else ()
        )
        return ExemptionClaim(rule=self.rule, reference=self.reference, evidence=support)


class CaseEvent(_Strict):
    """An event in short form: countries as codes, goods as HS codes and categories."""

    id: str | None = Field(default=None, description="Only for events given 'with' the case")
    kind: EventKind
    offered: tuple[EventKind, ...] = ()
    date: dt.date | None = None
    period: Period | None = None
    supplier: str | None = None
    recipient: str | None = None
    concerns: tuple[str, ...] = ()
    hs: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    flags: tuple[Flag, ...] = ()
    quantity: Quantity | None = None
    value_usd: float | None = Field(default=None, description="Value per item in US dollars")
    value_total_usd: float | None = Field(default=None, description="Value of the whole consignment")
    refers_to: tuple[str, ...] = Field(default=(), description="Records: the events they cover ('case': the case)")
    covers: Period | None = None
    supplier_name: str | None = None
    recipient_name: str | None = None
    supplier_ref: str | None = Field(default=None, description="UN reference number of the supplier (KPe.020)")
    recipient_ref: str | None = None
    vessels: tuple[Vessel, ...] = ()
    exemptions: tuple[CaseClaim, ...] = ()

    def to_event(self, event_id: str, day: dt.date | None = None) -> Event:
        has_goods = bool(self.hs or self.categories)
        return Event(
            id=event_id,
            title=event_id,
            kind=self.kind,
            offered=self.offered,
            date=day if day is not None else self.date,
            period=None if day is not None else self.period,
            supplier=Party(country=self.supplier, name=self.supplier_name, un_reference=self.supplier_ref)
            if self.supplier
            else None,
            recipient=Party(country=self.recipient, name=self.recipient_name, un_reference=self.recipient_ref)
            if self.recipient
            else None,
            vessels=self.vessels,
            exemptions=tuple(c.to_claim() for c in self.exemptions),
            concerns=self.concerns,
            commodity=Commodity(description="goods", hs=self.hs, categories=self.categories) if has_goods else None,
            quantity=self.quantity,
            value=self._value(),
            flags=self.flags,
            refers_to=self.refers_to,
            covers=self.covers,
            evidence=(
                Evidence(source="law-test", quote="law test", claimed_by="the test", confidence=Confidence.CONFIRMED),
            ),
        )

    def _value(self) -> Value | None:
        if self.value_usd is not None:
            return Value(amount=self.value_usd, currency="USD", basis="per-item")
        if self.value_total_usd is not None:
            return Value(amount=self.value_total_usd, currency="USD", basis="total")
        return None


class Positive(_Strict):
    name: str
    event: CaseEvent
    outcome: Verdict
    with_events: tuple[CaseEvent, ...] = Field(default=(), alias="with", description="Other events, e.g. records")
    as_of: dt.date | None = None


class Negative(_Strict):
    name: str
    event: CaseEvent
    why: str
    with_events: tuple[CaseEvent, ...] = Field(default=(), alias="with")
    as_of: dt.date | None = None


class Boundary(_Strict):
    name: str
    date: dt.date = Field(description="The first day the version governs")
    event: CaseEvent
    on: Verdict = Field(description="The rule's outcome on that day")
    before: Verdict | None = Field(default=None, description="Its outcome the day before (omitted: no finding)")
    as_of: dt.date | None = None

    @model_validator(mode="after")
    def _undated(self) -> Boundary:
        if self.event.date is not None or self.event.period is not None:
            raise ValueError("a boundary case's event is dated by the test: leave out 'date' and 'period'")
        return self


class RuleCases(_Strict):
    rule: str
    positive: tuple[Positive, ...] = ()
    negative: tuple[Negative, ...] = ()
    boundary: tuple[Boundary, ...] = ()


class LawTestFile(_Strict):
    cases: tuple[RuleCases, ...] = Field(min_length=1)


@dataclass(frozen=True)
class CaseRun:
    """One evaluation of one case: what the rule under test said, and the whole verdict."""

    rule: str
    name: str
    event_date: str
    verdict: EventVerdict
    excepts: tuple[str, ...] = ()

    @property
    def outcome(self) -> Verdict | None:
        """The rule's own outcome; for an exemption, the outcome of the finding it was (or would be) applied to.

        An exemption not yet in force leaves the findings it would soften as they are; their most
        serious outcome is then what the exemption "gave", so a boundary can say `before: violation`.
        """
        for f in self.verdict.findings:
            if f.rule_id == self.rule:
                return f.outcome
            if f.exemption is not None and f.exemption.rule_id == self.rule:
                return f.outcome
        undecided = self.verdict.goods_not_stated
        if undecided is not None and self.rule in undecided.rule_ids:
            return Verdict.UNDECIDABLE
        softened = [f.outcome for f in self.verdict.findings if "*" in self.excepts or f.rule_id in self.excepts]
        return min(softened, key=lambda v: v.rank) if softened else None

    @property
    def left_alone(self) -> bool:
        """What a negative case needs: the rule flags nothing (no finding, or one that clears).

        For an exemption, "flagging" is applying: a negative case is one it must not soften.
        """
        if self.excepts:
            return not any(f.exemption is not None and f.exemption.rule_id == self.rule for f in self.verdict.findings)
        return self.outcome in (None, Verdict.NOT_PROHIBITED, Verdict.EXEMPT)


_SOURCE = Source(id="law-test", title="law test", language="en", url="about:law-test")


def evaluate_case_event(
    book: Rulebook,
    rule: str,
    name: str,
    event: Event,
    as_of: dt.date | None = None,
    others: tuple[CaseEvent, ...] = (),
    lists: list[ScreeningList] | None = None,
) -> CaseRun:
    extra = tuple(o.to_event(o.id or f"with-{n}") for n, o in enumerate(others))
    scenario = Scenario(scenario=ScenarioInfo(id="law-test", title=name), sources=(_SOURCE,), events=(event, *extra))
    loaded = LoadedScenario(scenario=scenario, file="<law test>", sha256="", doc=YamlDocument("<law test>", None))
    verdict = judge_scenario(book, loaded, as_of=as_of, lists=lists)[0]
    excepts = book.rule(rule).excepts if book.has_rule(rule) else ()
    return CaseRun(rule, name, event.when, verdict, excepts)


def evaluate_events(book: Rulebook, events: list[Event], as_of: dt.date | None = None) -> list[EventVerdict]:
    """Judge several events in one run (caps add them up), in the order given."""
    scenario = Scenario(
        scenario=ScenarioInfo(id="law-test", title="law test"), sources=(_SOURCE,), events=tuple(events)
    )
    loaded = LoadedScenario(scenario=scenario, file="<law test>", sha256="", doc=YamlDocument("<law test>", None))
    return judge_scenario(book, loaded, as_of=as_of)


def load_law_tests(path: Path) -> tuple[LawTestFile, YamlDocument]:
    doc = load_yaml(path)
    parsed, problems = validate(LawTestFile, doc.data, doc)
    if problems:
        raise InputError(problems)
    return parsed, doc


def parse_law_tests(text: str, file: str) -> LawTestFile:
    doc = parse_yaml(text, file)
    parsed, problems = validate(LawTestFile, doc.data, doc)
    if problems:
        raise InputError(problems)
    return parsed  # type: ignore[no-any-return]


def law_test_files(rules_root: Path) -> list[Path]:
    return sorted((rules_root / "tests").glob("*.yaml"))


def describe(run: CaseRun) -> dict[str, Any]:
    """The facts a failing case prints: the rule's outcome, the verdict, every finding."""
    return {
        "event date": run.event_date,
        "verdict": run.verdict.verdict.value,
        "rule outcome": run.outcome.value if run.outcome else "no finding",
        "findings": [f"{f.rule_id}: {f.outcome.value} ({f.citation})" for f in run.verdict.findings],
        "goods not stated; could apply": (
            [f"{m.rule_id} ({m.citation})" for m in run.verdict.goods_not_stated.measures]
            if run.verdict.goods_not_stated
            else []
        ),
        "summary": run.verdict.summary,
    }
