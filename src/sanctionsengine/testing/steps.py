"""The Gherkin step library: compliance requirements in words, each step defined once.

Every step is declared through :func:`compliance_step`, which registers it with pytest-bdd and
records its wording, meaning and an example in :data:`REGISTRY`; the step guide
(``docs/steps.md``) is generated from that registry, so the guide and the steps cannot drift.
Synonyms are extra wordings of one function (terraform-compliance keeps its vocabulary the same way).

A failed expectation raises :class:`ComplianceFailure`, whose message names the feature file and
line, the event and its facts, the expected and actual verdicts, and the findings with their
citations. Bad input in a feature (an unknown column, a bad date, an unknown rule id or verdict)
raises :class:`FeatureInputError` with the file and line of the offending table row or step.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

import pytest
from pydantic import ValidationError
from pytest_bdd import parsers
from pytest_bdd.steps import step as bdd_step

from ..errors import InputError, did_you_mean
from ..evaluation import judge_scenario
from ..evidence import EvidenceCheck, check_evidence
from ..quantities import Quantity, parse_unit
from ..rulebook import Rulebook, bundled_rules_path, load_rulebook
from ..scenario import (
    Commodity,
    Event,
    Evidence,
    ExemptionClaim,
    LoadedScenario,
    Party,
    Period,
    RecordDeclaration,
    Scenario,
    ScenarioInfo,
    Source,
    Value,
    Vessel,
    load_scenario,
)
from ..screening import DEFAULT_THRESHOLD, ScreeningList, load_un_list, load_vessel_list
from ..verdicts import EventVerdict, Finding, PossibleMeasure
from ..vocabulary import Confidence, EventKind, Flag, Verdict

F = TypeVar("F", bound=Callable[..., Any])


class ComplianceFailure(AssertionError):
    """A compliance expectation in a feature file did not hold."""


class FeatureInputError(Exception):
    """A feature file says something the step library cannot read."""


@dataclass(frozen=True)
class StepSpec:
    keyword: str
    wordings: tuple[str, ...]
    meaning: str
    example: str
    table: str | None = None


REGISTRY: list[StepSpec] = []
_KEYWORDS: dict[str, Literal["given", "when", "then"]] = {"Given": "given", "When": "when", "Then": "then"}


def _words(text: str) -> str:
    return text


_words.pattern = r'[^"]+'  # type: ignore[attr-defined]  # a verdict in words: anything but a quoted value
_TYPES = {"Words": _words}


def compliance_step(
    keyword: str,
    *wordings: str,
    meaning: str,
    example: str,
    table: str | None = None,
    target_fixture: str | None = None,
) -> Callable[[F], F]:
    """Declare one step family: its wordings (synonyms), what it means, and an example line."""

    def decorator(func: F) -> F:
        REGISTRY.append(StepSpec(keyword, tuple(w.replace(":Words}", "}") for w in wordings), meaning, example, table))
        for wording in wordings:
            # stacklevel=2: pytest-bdd puts the step fixture in the module that applies this decorator
            bdd_step(
                parsers.parse(wording, extra_types=_TYPES),
                _KEYWORDS[keyword],
                target_fixture=target_fixture,
                stacklevel=2,
            )(func)
        return func

    return decorator


# --- the context one scenario builds up ---------------------------------------------------------


@dataclass
class Where:
    """The feature file and line a step (or a table row) comes from."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass
class ComplianceContext:
    """What a scenario has said so far: which law, which events, and the verdicts once evaluated."""

    feature_dir: Path
    where: Where
    rules_dir: Path | None = None
    as_of: dt.date | None = None
    events: list[Event] = field(default_factory=list)
    event_lines: dict[str, int] = field(default_factory=dict)
    loaded: LoadedScenario | None = None
    records: list[RecordDeclaration] = field(default_factory=list)
    sources_dir: Path | None = None
    verdicts: list[EventVerdict] | None = None
    lists: list[ScreeningList] = field(default_factory=list)
    no_lists: bool = False
    threshold: float = DEFAULT_THRESHOLD
    dispositions: list[Any] = field(default_factory=list)  # alerts.Disposition, in the order given
    today: dt.date | None = None  # the UTC day decisions' expiry is compared with
    _book: Rulebook | None = None

    @property
    def book(self) -> Rulebook:
        if self._book is None:
            try:
                self._book = load_rulebook(self.rules_dir or bundled_rules_path())
            except InputError as exc:
                raise FeatureInputError(
                    f"{self.where}: the rulebook has problems:\n" + "\n".join(exc.diagnostics.lines())
                ) from None
        return self._book

    def path(self, text: str) -> Path:
        p = Path(text)
        return p if p.is_absolute() else (self.feature_dir / p)

    def verdict(self, event_id: str) -> EventVerdict:
        if self.verdicts is None:
            raise FeatureInputError(
                f"{self.where}: nothing has been evaluated yet; add the step "
                "'When the events are evaluated' before the expectations"
            )
        for v in self.verdicts:
            if v.id == event_id:
                return v
        ids = [v.id for v in self.verdicts]
        hint = did_you_mean(event_id, ids)
        raise FeatureInputError(
            f"{self.where}: no event '{event_id}' in this scenario"
            + (f" ({hint})" if hint else f"; events: {', '.join(ids)}")
        )

    def known_rule(self, rule_id: str) -> str:
        if not self.book.has_rule(rule_id):
            hint = did_you_mean(rule_id, [r.id for r in self.book.rules])
            raise FeatureInputError(
                f"{self.where}: no rule '{rule_id}' in the rulebook"
                + (f" ({hint})" if hint else "; see `sanctionsengine rules list`")
            )
        return rule_id


STEP_KEY = pytest.StashKey[Where]()


@pytest.fixture
def compliance(request: pytest.FixtureRequest) -> ComplianceContext:
    """The state of one compliance scenario (created fresh for each)."""
    where = request.node.stash.get(STEP_KEY, Where(str(getattr(request.node, "path", "?")), 0))
    return ComplianceContext(feature_dir=Path(where.file).resolve().parent, where=where)


def _current(compliance: ComplianceContext, request: pytest.FixtureRequest) -> ComplianceContext:
    compliance.where = request.node.stash.get(STEP_KEY, compliance.where)
    return compliance


# --- words the steps accept ----------------------------------------------------------------------

_VERDICT_WORDS = {
    "a violation": Verdict.VIOLATION,
    "violation": Verdict.VIOLATION,
    "a potential violation": Verdict.POTENTIAL_VIOLATION,
    "potential violation": Verdict.POTENTIAL_VIOLATION,
    "potentially a violation": Verdict.POTENTIAL_VIOLATION,
    "undecidable": Verdict.UNDECIDABLE,
    "exempt": Verdict.EXEMPT,
    "not prohibited": Verdict.NOT_PROHIBITED,
    "allowed": Verdict.NOT_PROHIBITED,
    "out of scope": Verdict.OUT_OF_SCOPE,
}


def verdict_word(text: str, where: Where) -> Verdict:
    key = " ".join(text.strip().strip('"').lower().replace("_", " ").split())
    if key in _VERDICT_WORDS:
        return _VERDICT_WORDS[key]
    choices = sorted({v.label for v in Verdict})
    hint = did_you_mean(key, list(_VERDICT_WORDS))
    raise FeatureInputError(
        f"{where}: unknown verdict '{text}'; expected one of {', '.join(choices)}" + (f" ({hint})" if hint else "")
    )


def category_word(text: str) -> str:
    """'refined petroleum' → 'refined-petroleum': group ids written as words."""
    return "-".join(text.strip().lower().split())


COLUMNS: dict[str, str] = {
    "id": "the event's id, used by the expectations (required)",
    "date": "the day, YYYY-MM-DD (or give 'from' and 'to' for a period)",
    "from": "first day of a period",
    "to": "last day of a period",
    "kind": "transfer, service, training, cooperation, employment, launch, offer, ... (required)",
    "offered": "for an offer: what is offered (transfer, service, ...), comma-separated",
    "supplier": "ISO 3166 alpha-2 code of the supplier (KP for the DPRK)",
    "recipient": "ISO 3166 alpha-2 code of the recipient",
    "hs": "HS codes, comma-separated (chapter, heading or subheading: 27, 2710, 2710.19)",
    "category": "commodity categories (the rulebook's groups), comma-separated: refined petroleum, luxury goods",
    "quantity": "a number, or 'unknown'",
    "unit": "barrel, tonne, kilolitre, litre, cubic metre, piece, vehicle, person, ...",
    "value_usd": "value per item in US dollars",
    "total_usd": "value of the whole consignment in US dollars",
    "flags": "facts rules test, comma-separated: new-arrivals, not-notified, ship-to-ship, ...",
    "confidence": "alleged, reported or confirmed (default: reported)",
    "claimed_by": "who makes the claim (default: the feature)",
    "refers_to": "for a notification or departure: ids of the events it covers, comma-separated",
    "covers_from": "for a notification or departure: first day of the period it covers",
    "covers_to": "for a notification or departure: last day of the period it covers",
    "concerns": "ISO codes of countries the event concerns without being a party (KP for a notification)",
    "supplier_name": "the supplier's name, screened against the lists loaded (a person, company or ship owner)",
    "recipient_name": "the recipient's name, screened against the lists loaded",
    "supplier_ref": "the supplier's UN list reference number (KPe.020), when known",
    "recipient_ref": "the recipient's UN list reference number (KPi.064), when known",
    "vessel": "the name of a vessel that took part, screened against the designated vessels",
    "imo": "that vessel's seven-digit IMO number (it decides a match)",
    "exemption": "ids of exemption rules the event invokes, comma-separated",
    "exemption_reference": "the Committee's decision or notice the exemption rests on",
    "exemption_evidence": "yes (default) or no: whether the invoked exemption comes with evidence of its own",
}
_ALIASES = {
    "categories": "category",
    "hs_code": "hs",
    "hs_codes": "hs",
    "value": "value_usd",
    "by": "claimed_by",
    "qty": "quantity",
    "quantity_unit": "unit",
    "vessel_name": "vessel",
    "imo_number": "imo",
    "exemptions": "exemption",
}


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in re.split(r"[,;]", cell) if part.strip())


def _column(name: str, where: Where) -> str:
    key = "_".join(name.strip().lower().split())
    key = _ALIASES.get(key, key)
    if key not in COLUMNS:
        hint = did_you_mean(key, list(COLUMNS))
        raise FeatureInputError(
            f"{where}: unknown column '{name}'; expected some of {', '.join(COLUMNS)}" + (f" ({hint})" if hint else "")
        )
    return key


def _pydantic_message(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in err["loc"] if not isinstance(p, int))
        msg = str(err["msg"]).removeprefix("Value error, ")
        if err["type"].startswith("date"):
            msg = f"'{err.get('input')}' is not a date; expected YYYY-MM-DD"
        elif err["type"] in ("enum", "literal_error"):
            msg = f"unknown value '{err.get('input')}'; expected {err.get('ctx', {}).get('expected', '')}"
        parts.append(f"{loc}: {msg}" if loc else msg)
    return "; ".join(parts)


def _party(row: dict[str, str], column: str, eid: str, where: Where) -> Party | None:
    if not row.get(column):
        if row.get(f"{column}_name") or row.get(f"{column}_ref"):
            raise FeatureInputError(
                f"{where}: event '{eid}': a {column} name or reference needs the {column}'s country in column '{column}'"
            )
        return None
    try:
        return Party(
            country=row[column].strip(),
            name=row.get(f"{column}_name", "").strip() or None,
            un_reference=row.get(f"{column}_ref", "").strip() or None,
        )
    except ValidationError as exc:
        raise FeatureInputError(
            f"{where}: event '{eid}': column '{column}': {_pydantic_message(exc).split(': ', 1)[-1]}"
        ) from None


def _vessels(row: dict[str, str], eid: str, where: Where) -> tuple[Vessel, ...]:
    name, imo = row.get("vessel", "").strip(), row.get("imo", "").strip().removeprefix("IMO").strip()
    if not name and not imo:
        return ()
    if not name:
        raise FeatureInputError(f"{where}: event '{eid}': an IMO number needs the vessel's name in column 'vessel'")
    if imo and not re.fullmatch(r"\d{7}", imo):
        raise FeatureInputError(f"{where}: event '{eid}': IMO number '{imo}' is not seven digits")
    return (Vessel(name=name, imo=imo or None),)


_EVIDENCE_WORDS = {"yes": True, "no": False, "": True}


def _claims(row: dict[str, str], eid: str, where: Where, book: Rulebook) -> tuple[ExemptionClaim, ...]:
    ids = _split(row.get("exemption", ""))
    if not ids:
        if row.get("exemption_reference") or row.get("exemption_evidence"):
            raise FeatureInputError(
                f"{where}: event '{eid}': an exemption reference or evidence needs column 'exemption'"
            )
        return ()
    word = row.get("exemption_evidence", "").strip().lower()
    if word not in _EVIDENCE_WORDS:
        raise FeatureInputError(f"{where}: event '{eid}': exemption_evidence '{word}'; expected yes or no")
    exemptions = [r.id for r in book.rules if r.excepts]
    claims = []
    for rule_id in ids:
        if rule_id not in exemptions:
            hint = did_you_mean(rule_id, exemptions)
            raise FeatureInputError(
                f"{where}: event '{eid}': '{rule_id}' is not an exemption rule"
                + (f" ({hint})" if hint else f"; exemptions: {', '.join(exemptions)}")
            )
        evidence = (
            (
                Evidence(
                    source="feature",
                    quote="as stated in the feature",
                    claimed_by="the feature",
                    confidence=Confidence.REPORTED,
                ),
            )
            if _EVIDENCE_WORDS[word]
            else ()
        )
        claims.append(
            ExemptionClaim(
                rule=rule_id, reference=row.get("exemption_reference", "").strip() or None, evidence=evidence
            )
        )
    return tuple(claims)


def event_from_row(row: dict[str, str], where: Where, book: Rulebook) -> Event:
    """One table row as an event; every problem is reported with the row's file and line."""
    eid = row.get("id", "").strip()
    if not eid:
        raise FeatureInputError(f"{where}: a row without an 'id'; every event needs one for the expectations")
    try:
        date = dt.date.fromisoformat(row["date"]) if row.get("date") else None
        period = Period.model_validate({"from": row["from"], "to": row["to"]}) if row.get("from") else None
        quantity = None
        if row.get("quantity"):
            if row["quantity"].lower() == "unknown":
                quantity = Quantity(unknown=True)
            else:
                quantity = Quantity(
                    value=float(row["quantity"].replace(",", "")), unit=parse_unit(row.get("unit") or "")
                )
        categories = tuple(category_word(c) for c in _split(row.get("category", "")))
        for cat in categories:
            if cat not in book.groups:
                hint = did_you_mean(cat, list(book.groups.groups))
                raise FeatureInputError(
                    f"{where}: event '{eid}': unknown category '{cat}'"
                    + (f" ({hint})" if hint else "; see `sanctionsengine rules groups`")
                )
        hs = _split(row.get("hs", ""))
        value = None
        if row.get("value_usd"):
            value = Value(amount=float(row["value_usd"].replace(",", "")), currency="USD", basis="per-item")
        elif row.get("total_usd"):
            value = Value(amount=float(row["total_usd"].replace(",", "")), currency="USD", basis="total")
        return Event(
            id=eid,
            title=eid,
            kind=EventKind(row.get("kind", "").strip()) if row.get("kind") else None,  # type: ignore[arg-type]
            offered=tuple(EventKind(k) for k in _split(row.get("offered", ""))),
            date=date,
            period=period,
            supplier=_party(row, "supplier", eid, where),
            recipient=_party(row, "recipient", eid, where),
            commodity=Commodity(description=", ".join(categories or hs) or "goods", hs=hs, categories=categories)
            if (hs or categories)
            else None,
            quantity=quantity,
            value=value,
            flags=tuple(Flag(f) for f in _split(row.get("flags", ""))),
            refers_to=_split(row.get("refers_to", "")),
            covers=Period.model_validate({"from": row["covers_from"], "to": row["covers_to"]})
            if row.get("covers_from")
            else None,
            concerns=_split(row.get("concerns", "")),
            vessels=_vessels(row, eid, where),
            exemptions=_claims(row, eid, where, book),
            evidence=(
                Evidence(
                    source="feature",
                    quote="as stated in the feature",
                    claimed_by=row.get("claimed_by") or "the feature",
                    confidence=Confidence(row.get("confidence") or "reported"),
                ),
            ),
        )
    except FeatureInputError:
        raise
    except ValidationError as exc:
        raise FeatureInputError(f"{where}: event '{eid}': {_pydantic_message(exc)}") from None
    except ValueError as exc:
        text = str(exc)
        if "is not a valid EventKind" in text:
            bad = text.split("'")[1]
            text = f"unknown kind '{bad}'; expected one of {', '.join(k.value for k in EventKind)}"
            hint = did_you_mean(bad, [k.value for k in EventKind])
            text += f" ({hint})" if hint else ""
        elif "is not a valid Flag" in text:
            bad = text.split("'")[1]
            text = f"unknown flag '{bad}'; expected one of {', '.join(f.value for f in Flag)}"
        elif "is not a valid Confidence" in text:
            text = f"unknown confidence '{row.get('confidence')}'; expected alleged, reported or confirmed"
        elif "Invalid isoformat" in text or "month must be" in text or "day is out of range" in text:
            text = f"'{row.get('date')}' is not a date; expected YYYY-MM-DD"
        elif "could not convert string to float" in text:
            text = f"'{row.get('quantity') or row.get('value_usd') or row.get('total_usd')}' is not a number"
        raise FeatureInputError(f"{where}: event '{eid}': {text}") from None


# --- describing events and findings in compliance terms -----------------------------------------


def describe_event(v: EventVerdict) -> str:
    parts = [v.kind.value, f"{v.supplier or '—'} → {v.recipient or '—'}", v.when]
    if v.hs:
        parts.append("HS " + ", ".join(v.hs))
    elif v.commodity:
        parts.append(v.commodity)
    if v.quantity:
        parts.append(v.quantity)
    return "; ".join(parts)


def describe_findings(v: EventVerdict) -> str:
    if not v.findings and not v.goods_not_stated:
        near = "; ".join(f"nearest: {n.rule_id} ({n.citation})" for n in v.near_misses)
        return "  (no finding)" + (f" {near}" if near else "")
    lines = []
    for f in v.findings:
        reason = f": {'; '.join(f.reasons)}" if f.reasons else ""
        lines.append(f"  - {f.rule_id}: {f.outcome.label} under {f.citation} (version {f.version}){reason}")
    if v.goods_not_stated:
        could = "; ".join(f"{m.rule_id} ({m.citation})" for m in v.goods_not_stated.measures)
        lines.append(f"  - {v.goods_not_stated.statement}: {could}")
    return "\n".join(lines)


def failure(where: Where, v: EventVerdict, expected: str, actual: str) -> ComplianceFailure:
    return ComplianceFailure(
        f'{where}: event "{v.id}" ({describe_event(v)})\n'
        f"  expected: {expected}\n"
        f"  actual:   {actual}\n"
        f"  findings:\n{describe_findings(v)}\n"
        f"  summary: {v.summary}"
    )


@dataclass(frozen=True)
class _Judged:
    """One rule's say on an event: its finding, or its place among the measures that could apply
    when the goods are not stated (undecidable)."""

    outcome: Verdict
    version: str


def _finding(v: EventVerdict, rule_id: str) -> Finding | _Judged | None:
    found = next((f for f in v.findings if f.rule_id == rule_id), None)
    if found is None and v.goods_not_stated is not None:
        m = next((m for m in v.goods_not_stated.measures if m.rule_id == rule_id), None)
        return _Judged(Verdict.UNDECIDABLE, m.version) if m else None
    return found


def _cited(v: EventVerdict) -> list[Finding | PossibleMeasure]:
    """Everything on the event that cites paragraphs: its findings and the measures that could apply."""
    return [*v.findings, *(v.goods_not_stated.measures if v.goods_not_stated else [])]


def _cites(f: Finding | PossibleMeasure, citation: str) -> bool:
    from ..citations import Citation

    texts = [f.citation, *f.related]
    for text in texts:
        m = re.match(r"^S/RES/(\d+) \((\d{4})\) (OP\S+?)(?:,.*)?$", text)
        if not m:
            continue
        c = Citation(
            resolution=int(m.group(1)),
            year=int(m.group(2)),
            paragraph=m.group(3),
            adopted=dt.date(int(m.group(2)), 1, 1),
        )
        if c.matches(citation):
            return True
    return False


def _citation_text(text: str, where: Where) -> str:
    if not re.match(r"^\s*(?:S/RES/)?\d+\s*(?:\(\d{4}\))?\s*(OP\d+(\([a-z]+\))*)?\s*$", text):
        raise FeatureInputError(
            f"{where}: '{text}' is not a citation; expected e.g. \"S/RES/2397 (2017) OP5\", "
            '"2397 OP5" or "1718 OP8(a)(iii)"'
        )
    return text


# --- Given ---------------------------------------------------------------------------------------


@compliance_step(
    "Given",
    "the bundled rulebook",
    "the UN DPRK rulebook",
    meaning="Judge by the rulebook shipped with sanctionsengine (the default).",
    example="Given the bundled rulebook",
)
def _bundled(compliance: ComplianceContext, request: pytest.FixtureRequest) -> None:
    _current(compliance, request).rules_dir = None


@compliance_step(
    "Given",
    'the rulebook in "{path}"',
    meaning="Judge by the rulebook in this directory (relative to the feature file).",
    example='Given the rulebook in "../../rules/un-dprk"',
)
def _rulebook(compliance: ComplianceContext, request: pytest.FixtureRequest, path: str) -> None:
    ctx = _current(compliance, request)
    target = ctx.path(path)
    if not target.is_dir():
        raise FeatureInputError(f"{ctx.where}: no rulebook directory '{path}' (looked in {target})")
    ctx.rules_dir = target
    ctx._book = None


@compliance_step(
    "Given",
    'the law as of "{day}"',
    'the law as it stood on "{day}"',
    meaning="Judge every event by the law as it stood on this day, instead of the law of each event's own date.",
    example='Given the law as of "2017-11-01"',
)
def _as_of(compliance: ComplianceContext, request: pytest.FixtureRequest, day: str) -> None:
    ctx = _current(compliance, request)
    try:
        ctx.as_of = dt.date.fromisoformat(day)
    except ValueError:
        raise FeatureInputError(f"{ctx.where}: '{day}' is not a date; expected YYYY-MM-DD") from None


@compliance_step(
    "Given",
    "the following events",
    "the following events:",
    "these events",
    "these events:",
    meaning="The events to judge, one table row each. Columns (any order, leave cells empty when "
    "unknown): " + "; ".join(f"`{k}`: {v}" for k, v in COLUMNS.items()) + ".",
    example="Given the following events:",
    table="| id | date | kind | supplier | recipient | hs | quantity | unit |\n"
    "| d1 | 2024-03-10 | transfer | RU | KP | 2710 | 300000 | barrel |",
)
def _events(compliance: ComplianceContext, request: pytest.FixtureRequest, datatable: list[list[str]]) -> None:
    ctx = _current(compliance, request)
    step = request.node.stash.get(_STEP_OBJ, None)
    rows = step.datatable.rows if step is not None and step.datatable is not None else []
    if not datatable:
        raise FeatureInputError(f"{ctx.where}: the table of events is empty")
    header_where = Where(ctx.where.file, rows[0].location.line) if rows else ctx.where
    header = [_column(h, header_where) for h in datatable[0]]
    book = ctx.book
    seen = {e.id for e in ctx.events}
    for i, cells in enumerate(datatable[1:], start=1):
        line = rows[i].location.line if i < len(rows) else ctx.where.line
        where = Where(ctx.where.file, line)
        event = event_from_row(dict(zip(header, (str(c) for c in cells), strict=False)), where, book)
        if event.id in seen:
            raise FeatureInputError(f"{where}: event id '{event.id}' is used twice")
        seen.add(event.id)
        ctx.events.append(event)
        ctx.event_lines[event.id] = line


@compliance_step(
    "Given",
    'the scenario file "{path}"',
    meaning="Take the events from a scenario file (relative to the feature file).",
    example='Given the scenario file "../pyongyang-visit-2024.yaml"',
)
def _scenario_file(compliance: ComplianceContext, request: pytest.FixtureRequest, path: str) -> None:
    ctx = _current(compliance, request)
    try:
        ctx.loaded = load_scenario(ctx.path(path), groups=list(ctx.book.groups.groups))
    except InputError as exc:
        raise FeatureInputError(
            f"{ctx.where}: the scenario file has problems:\n" + "\n".join(exc.diagnostics.lines())
        ) from None


@compliance_step(
    "Given",
    'the source texts in "{path}"',
    meaning="Check the scenario's quotes verbatim against the source texts in this directory.",
    example='Given the source texts in "../../../shared/sources"',
)
def _sources(compliance: ComplianceContext, request: pytest.FixtureRequest, path: str) -> None:
    ctx = _current(compliance, request)
    target = ctx.path(path)
    if not target.is_dir():
        raise FeatureInputError(f"{ctx.where}: no directory '{path}' (looked in {target})")
    ctx.sources_dir = target


def _load_list(ctx: ComplianceContext, path: str, loader: Callable[[Path], ScreeningList]) -> None:
    target = ctx.path(path)
    if not target.is_file():
        raise FeatureInputError(f"{ctx.where}: no list file '{path}' (looked in {target})")
    try:
        ctx.lists.append(loader(target))
    except InputError as exc:
        raise FeatureInputError(f"{ctx.where}: the list has problems:\n" + "\n".join(exc.diagnostics.lines())) from None


@compliance_step(
    "Given",
    'the UN 1718 list in "{path}"',
    'the UN consolidated list in "{path}"',
    meaning="Screen the events' parties against this UN Security Council list file (its XML format; "
    "relative to the feature file). Lists are never bundled: point at your copy.",
    example='Given the UN 1718 list in "../../../shared/data/un-1718/dprk-1718-list.xml"',
)
def _un_list(compliance: ComplianceContext, request: pytest.FixtureRequest, path: str) -> None:
    _load_list(_current(compliance, request), path, load_un_list)


@compliance_step(
    "Given",
    'the designated vessels list in "{path}"',
    meaning="Screen the events' vessels against the 1718 Committee's designated vessels list (JSON or CSV).",
    example='Given the designated vessels list in "../../../shared/data/un-1718/dprk-1718-vessels.json"',
)
def _vessel_list(compliance: ComplianceContext, request: pytest.FixtureRequest, path: str) -> None:
    _load_list(_current(compliance, request), path, load_vessel_list)


@compliance_step(
    "Given",
    "no screening lists are used",
    meaning="The scenario is evaluated without the lists its parties or vessels would need: they are "
    "reported as not screened, and 'no event is flagged' may pass. Without this step, 'no event is "
    "flagged' fails when an event names what no loaded list could match.",
    example="Given no screening lists are used",
)
def _no_lists(compliance: ComplianceContext, request: pytest.FixtureRequest) -> None:
    _current(compliance, request).no_lists = True


@compliance_step(
    "Given",
    "a name-match threshold of {threshold}",
    meaning=f"Names resembling a listed name at this score (0-100) or above are possible matches "
    f"(default {DEFAULT_THRESHOLD:g}).",
    example="Given a name-match threshold of 85",
)
def _threshold(compliance: ComplianceContext, request: pytest.FixtureRequest, threshold: str) -> None:
    ctx = _current(compliance, request)
    try:
        value = float(threshold)
    except ValueError:
        value = -1.0
    if not 0 < value <= 100:
        raise FeatureInputError(f"{ctx.where}: threshold '{threshold}'; expected a number above 0, at most 100")
    ctx.threshold = value


# --- When ----------------------------------------------------------------------------------------

_SOURCE = Source(id="feature", title="feature file", language="en", url="about:feature")


@compliance_step(
    "When",
    "the events are evaluated",
    "I evaluate the events",
    "the scenario is evaluated",
    meaning="Run the engine: every event gets exactly one verdict.",
    example="When the events are evaluated",
)
def _evaluate(compliance: ComplianceContext, request: pytest.FixtureRequest) -> None:
    ctx = _current(compliance, request)
    book = ctx.book
    evidence = EvidenceCheck((), {})
    if ctx.loaded is not None:
        loaded = ctx.loaded
        if ctx.sources_dir is not None:
            evidence, diags = check_evidence(loaded, ctx.sources_dir)
            if diags:
                raise FeatureInputError(
                    f"{ctx.where}: the scenario's evidence has problems:\n" + "\n".join(diags.lines())
                )
    elif ctx.events:
        from ..yamlfile import YamlDocument

        scenario = Scenario(
            scenario=ScenarioInfo(id="feature", title=ctx.where.file),
            sources=(_SOURCE,),
            events=tuple(ctx.events),
            records=tuple(ctx.records),
        )
        loaded = LoadedScenario(
            scenario=scenario, file=ctx.where.file, sha256="", doc=YamlDocument(ctx.where.file, None)
        )
    else:
        raise FeatureInputError(
            f"{ctx.where}: no events to evaluate; give a table ('Given the following events:') or a scenario file"
        )
    ctx.verdicts = judge_scenario(book, loaded, evidence, as_of=ctx.as_of, lists=ctx.lists, threshold=ctx.threshold)


# --- Then ----------------------------------------------------------------------------------------


@compliance_step(
    "Then",
    'event "{event_id}" is {verdict:Words}',
    'the verdict on event "{event_id}" is {verdict:Words}',
    meaning="The event's one overall verdict: a violation, a potential violation, undecidable, "
    "exempt, not prohibited, or out of scope.",
    example='Then event "d1" is a violation',
)
def _verdict_is(compliance: ComplianceContext, request: pytest.FixtureRequest, event_id: str, verdict: str) -> None:
    ctx = _current(compliance, request)
    expected = verdict_word(verdict, ctx.where)
    v = ctx.verdict(event_id)
    if v.verdict != expected:
        raise failure(ctx.where, v, expected.label, v.verdict.label)


@compliance_step(
    "Then",
    'event "{event_id}" is flagged under "{citation}"',
    'a finding on event "{event_id}" cites "{citation}"',
    meaning="Some finding on the event cites this resolution and paragraph (as its own citation or "
    "a related one the event engages), or, when the goods are not stated, a measure that could apply "
    "does. A paragraph without sub-letters also matches its sub-paragraphs.",
    example='Then event "d1" is flagged under "S/RES/2397 (2017) OP5"',
)
def _cites_step(compliance: ComplianceContext, request: pytest.FixtureRequest, event_id: str, citation: str) -> None:
    ctx = _current(compliance, request)
    _citation_text(citation, ctx.where)
    v = ctx.verdict(event_id)
    if not any(_cites(f, citation) for f in _cited(v)):
        raise failure(ctx.where, v, f"a finding citing {citation}", "no finding cites it")


@compliance_step(
    "Then",
    'event "{event_id}" is flagged by rule "{rule_id}"',
    'rule "{rule_id}" flags event "{event_id}"',
    meaning="The rule finds a violation, a potential violation, or cannot decide, for this event.",
    example='Then event "d1" is flagged by rule "dprk.oil.refined-petroleum"',
)
def _flagged_by(compliance: ComplianceContext, request: pytest.FixtureRequest, event_id: str, rule_id: str) -> None:
    ctx = _current(compliance, request)
    ctx.known_rule(rule_id)
    v = ctx.verdict(event_id)
    f = _finding(v, rule_id)
    flagged = (Verdict.VIOLATION, Verdict.POTENTIAL_VIOLATION, Verdict.UNDECIDABLE)
    if f is None or f.outcome not in flagged:
        raise failure(ctx.where, v, f"flagged by {rule_id}", f"{rule_id}: {f.outcome.label if f else 'no finding'}")


@compliance_step(
    "Then",
    'event "{event_id}" is not flagged by rule "{rule_id}"',
    'rule "{rule_id}" does not flag event "{event_id}"',
    meaning="The rule has no finding on the event, or one that clears it (not prohibited, exempt).",
    example='Then event "d1" is not flagged by rule "dprk.luxury.supply"',
)
def _not_flagged_by(compliance: ComplianceContext, request: pytest.FixtureRequest, event_id: str, rule_id: str) -> None:
    ctx = _current(compliance, request)
    ctx.known_rule(rule_id)
    v = ctx.verdict(event_id)
    f = _finding(v, rule_id)
    if f is not None and f.outcome in (Verdict.VIOLATION, Verdict.POTENTIAL_VIOLATION, Verdict.UNDECIDABLE):
        raise failure(ctx.where, v, f"not flagged by {rule_id}", f"{rule_id}: {f.outcome.label}")


@compliance_step(
    "Then",
    'rule "{rule_id}" finds event "{event_id}" {verdict:Words}',
    meaning='One rule\'s own outcome on the event, whatever the other rules say; "not prohibited" '
    "also holds when the rule has no finding on it.",
    example='Then rule "dprk.oil.refined-petroleum" finds event "d1" not prohibited',
)
def _rule_outcome(
    compliance: ComplianceContext, request: pytest.FixtureRequest, rule_id: str, event_id: str, verdict: str
) -> None:
    ctx = _current(compliance, request)
    ctx.known_rule(rule_id)
    expected = verdict_word(verdict, ctx.where)
    v = ctx.verdict(event_id)
    f = _finding(v, rule_id)
    actual = f.outcome if f is not None else Verdict.NOT_PROHIBITED
    if actual != expected:
        raise failure(
            ctx.where, v, f"{rule_id}: {expected.label}", f"{rule_id}: {f.outcome.label if f else 'no finding'}"
        )


@compliance_step(
    "Then",
    "no violation is reported",
    "no event is a violation",
    meaning="No event's verdict is a violation (potential violations may remain).",
    example="Then no violation is reported",
)
def _no_violation(compliance: ComplianceContext, request: pytest.FixtureRequest) -> None:
    ctx = _current(compliance, request)
    if ctx.verdicts is None:
        ctx.verdict("")
    for v in ctx.verdicts or []:
        if v.verdict == Verdict.VIOLATION:
            raise failure(ctx.where, v, "no violation", v.verdict.label)


@compliance_step(
    "Then",
    "no event is flagged",
    meaning="No event is a violation, a potential violation, or undecidable.",
    example="Then no event is flagged",
)
def _none_flagged(compliance: ComplianceContext, request: pytest.FixtureRequest) -> None:
    ctx = _current(compliance, request)
    if ctx.verdicts is None:
        ctx.verdict("")
    for v in ctx.verdicts or []:
        if v.verdict in (Verdict.VIOLATION, Verdict.POTENTIAL_VIOLATION, Verdict.UNDECIDABLE):
            raise failure(ctx.where, v, "not flagged", v.verdict.label)
    _require_screened(ctx)


def _require_screened(ctx: ComplianceContext) -> None:
    """Fail closed: "nothing flagged" means nothing only if the parties were screened."""
    from ..listcoverage import require_lists

    unscreened = [v for v in ctx.verdicts or [] if v.coverage.not_screened]
    if not unscreened or ctx.no_lists:
        return
    labels = {"name": "party names", "un-reference": "UN references", "vessel": "vessel names", "imo": "IMO numbers"}
    needed: dict[str, list[str]] = {}
    for v in unscreened:
        for item in v.coverage.items:
            if item.state.value == "not-screened" and labels[item.what] not in needed.setdefault(item.needs, []):
                needed[item.needs].append(labels[item.what])
    try:
        require_lists(
            {
                k: f"the {' and '.join(w)} of event{'s' if len(unscreened) > 1 else ''} "
                f"{', '.join(chr(34) + v.id + chr(34) for v in unscreened)}"
                for k, w in needed.items()
            },
            ctx.lists,
            no_lists=False,
            where=str(ctx.where),
        )
    except InputError as exc:
        raise ComplianceFailure(
            "\n".join(exc.diagnostics.lines())
            + "\n  in a feature: load it with 'Given the UN 1718 list in \"...\"' or 'Given the designated "
            "vessels list in \"...\"', or say 'Given no screening lists are used' to accept it"
        ) from None


@compliance_step(
    "Then",
    'the report cites "{citation}"',
    meaning="Some finding, on any event, cites this resolution and paragraph.",
    example='Then the report cites "S/RES/1718 (2006) OP8(a)(iii)"',
)
def _report_cites(compliance: ComplianceContext, request: pytest.FixtureRequest, citation: str) -> None:
    ctx = _current(compliance, request)
    _citation_text(citation, ctx.where)
    if ctx.verdicts is None:
        ctx.verdict("")
    verdicts = ctx.verdicts or []
    if not any(_cites(f, citation) for v in verdicts for f in _cited(v)):
        cited = sorted({f.citation for v in verdicts for f in _cited(v)})
        raise ComplianceFailure(
            f"{ctx.where}: the report does not cite {citation}\n  cited: {', '.join(cited) or 'nothing'}"
        )


@compliance_step(
    "Then",
    'the nearest measure for event "{event_id}" is rule "{rule_id}"',
    meaning="For an event no measure covers, the rule that misses it only by direction.",
    example='Then the nearest measure for event "food" is rule "dprk.export.food-agricultural"',
)
def _nearest(compliance: ComplianceContext, request: pytest.FixtureRequest, event_id: str, rule_id: str) -> None:
    ctx = _current(compliance, request)
    ctx.known_rule(rule_id)
    v = ctx.verdict(event_id)
    if not v.near_misses or v.near_misses[0].rule_id != rule_id:
        raise failure(
            ctx.where,
            v,
            f"nearest measure {rule_id}",
            ", ".join(n.rule_id for n in v.near_misses) or "no nearest measure",
        )


@compliance_step(
    "Then",
    'rule "{rule_id}" judges event "{event_id}" by version "{version}"',
    meaning="Which dated version of a rule was applied to the event.",
    example='Then rule "dprk.oil.refined-petroleum" judges event "d1" by version "2397"',
)
def _version(
    compliance: ComplianceContext, request: pytest.FixtureRequest, rule_id: str, event_id: str, version: str
) -> None:
    ctx = _current(compliance, request)
    ctx.known_rule(rule_id)
    v = ctx.verdict(event_id)
    f = _finding(v, rule_id)
    if f is None or f.version != version:
        raise failure(
            ctx.where,
            v,
            f"{rule_id} version {version}",
            f"{rule_id} version {f.version}" if f else f"{rule_id}: no finding",
        )


@compliance_step(
    "Given",
    'the {kind} records are complete through "{day}"',
    meaning="Declare that the events hold every record of this kind (notification or departure) up to this day, "
    "so that a missing one is a breach of the duty, not a gap in the scenario.",
    example='Given the notification records are complete through "2024-12-04"',
)
def _records_complete(compliance: ComplianceContext, request: pytest.FixtureRequest, kind: str, day: str) -> None:
    ctx = _current(compliance, request)
    try:
        ctx.records.append(
            RecordDeclaration(kind=EventKind(kind.strip()), through=dt.date.fromisoformat(day), source="feature")
        )
    except (ValueError, ValidationError):
        raise FeatureInputError(
            f"{ctx.where}: expected a record kind (notification or departure) and a date YYYY-MM-DD; "
            f"got '{kind}' and '{day}'"
        ) from None


_AMOUNT = re.compile(r"^(?P<bound>at least )?(?P<value>[\d,]+(?:\.\d+)?) (?P<unit>[a-z -]+)$")


@compliance_step(
    "Then",
    'the running total after event "{event_id}" is {total:Words}',
    meaning="The cap's running total for the window, all suppliers together, once this delivery is counted: a "
    'number and unit, "at least" when unknown quantities make it a lower bound.',
    example='Then the running total after event "may" is 508,734 barrels',
)
def _running_total(compliance: ComplianceContext, request: pytest.FixtureRequest, event_id: str, total: str) -> None:
    ctx = _current(compliance, request)
    m = _AMOUNT.match(total.strip())
    if not m:
        raise FeatureInputError(
            f"{ctx.where}: '{total}' is not an amount; expected e.g. 508,734 barrels or at least 508,734 barrels"
        )
    v = ctx.verdict(event_id)
    c = next((f.computation for f in v.findings if f.computation is not None), None)
    if c is None:
        raise failure(ctx.where, v, f"a running total of {total}", "no cap applies to this event")
    word = m.group("unit").strip()
    unit = parse_unit(word if word in ("cubic metres",) else word.removesuffix("s"))
    actual = f"{'at least ' if c.lower_bound else ''}{round(c.total_after):,} {c.unit.value}s"
    expected_value = round(float(m.group("value").replace(",", "")))
    if round(c.total_after) != expected_value or unit != c.unit or bool(m.group("bound")) != c.lower_bound:
        raise failure(ctx.where, v, f"running total {total}", actual)


@compliance_step(
    "Then",
    'event "{event_id}" crosses {threshold}% of the cap',
    meaning="This delivery takes the running total past the threshold (75, 90, 95 or 100 per cent).",
    example='Then event "may" crosses 95% of the cap',
)
def _crosses(compliance: ComplianceContext, request: pytest.FixtureRequest, event_id: str, threshold: str) -> None:
    ctx = _current(compliance, request)
    v = ctx.verdict(event_id)
    crossed = [t for f in v.findings if f.computation is not None for t in f.computation.crossed]
    try:
        wanted = float(threshold)
    except ValueError:
        raise FeatureInputError(f"{ctx.where}: '{threshold}' is not a percentage") from None
    if wanted not in crossed:
        got = ", ".join(f"{t:g}%" for t in crossed) if crossed else "no threshold"
        raise failure(ctx.where, v, f"crosses {threshold}% of the cap", f"crosses {got}")


_STEP_OBJ = pytest.StashKey[Any]()


@compliance_step(
    "Then",
    'event "{event_id}" matches listing "{reference}"',
    meaning="Screening matched a party or vessel of the event to this list entry (UN reference "
    "number, or the vessel's IMO number), listed on or before the event's date.",
    example='Then event "bunkering" matches listing "IMO 8660313"',
)
def _matches_listing(
    compliance: ComplianceContext, request: pytest.FixtureRequest, event_id: str, reference: str
) -> None:
    ctx = _current(compliance, request)
    v = ctx.verdict(event_id)
    wanted = reference.strip().upper()
    hits = [m for m in v.screening if m.in_force]
    if not any(m.reference.upper() == wanted or m.reference.upper().startswith(wanted + " ") for m in hits):
        found = ", ".join(f"{m.reference} ({m.method}, {m.score:g})" for m in hits) or "no match"
        raise failure(ctx.where, v, f"a match with listing {reference}", found)


@compliance_step(
    "Then",
    'event "{event_id}" matches no listing',
    meaning="Screening found no party or vessel of the event on the lists loaded (as of its date).",
    example='Then event "bunkering" matches no listing',
)
def _matches_none(compliance: ComplianceContext, request: pytest.FixtureRequest, event_id: str) -> None:
    ctx = _current(compliance, request)
    v = ctx.verdict(event_id)
    if not ctx.lists:
        raise FeatureInputError(f"{ctx.where}: no list is loaded; add 'Given the UN 1718 list in \"...\"'")
    hits = [m for m in v.screening if m.in_force]
    if hits:
        raise failure(ctx.where, v, "no list match", ", ".join(f"{m.reference} via '{m.matched}'" for m in hits))


@compliance_step(
    "Then",
    'event "{event_id}" is exempt under rule "{rule_id}"',
    meaning="Some finding on the event is cleared by this exemption rule, standing on its evidence.",
    example='Then event "tractors" is exempt under rule "dprk.exemption.committee-humanitarian"',
)
def _exempt_under(compliance: ComplianceContext, request: pytest.FixtureRequest, event_id: str, rule_id: str) -> None:
    ctx = _current(compliance, request)
    ctx.known_rule(rule_id)
    v = ctx.verdict(event_id)
    if not any(f.exemption and f.exemption.rule_id == rule_id and f.outcome == Verdict.EXEMPT for f in v.findings):
        applied = [
            f"{f.rule_id}: {f.outcome.label}" + (f" ({f.exemption.rule_id})" if f.exemption else "") for f in v.findings
        ]
        raise failure(ctx.where, v, f"exempt under {rule_id}", "; ".join(applied) or "no finding")


# --- alerts and the reviewers' decisions ---------------------------------------------------------


def _alerts(ctx: ComplianceContext) -> Any:
    from ..alerts.apply import review_verdicts
    from ..alerts.store import LoadedDispositions

    if ctx.verdicts is None:
        raise FeatureInputError(f"{ctx.where}: nothing has been evaluated yet; add 'When the events are evaluated'")
    loaded = LoadedDispositions(list(ctx.dispositions), ctx.where.file, None)
    return review_verdicts(ctx.verdicts, ctx.lists, loaded, ctx.today or dt.datetime.now(dt.UTC).date())


def _day(text: str, where: Where) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise FeatureInputError(f"{where}: '{text}' is not a date; expected YYYY-MM-DD (a UTC day)") from None


@compliance_step(
    "Given",
    'a disposition "{decision}" on rule "{rule_id}" for event "{event_id}" by "{reviewer}" until {day}',
    'a disposition "{decision}" on listing "{reference}" under rule "{rule_id}" for event "{event_id}" '
    'by "{reviewer}" until {day}',
    meaning="A reviewer's decision on that alert: false-positive, confirmed, escalated or waived (a waiver's "
    "reason names its exemption). It holds through the day given (inclusive, UTC). With a listing, it is "
    "made on that list entry as the lists loaded so far have it; a later change to the entry re-opens it.",
    example='Given a disposition "false-positive" on listing "KPe.001" under rule "dprk.designated.asset-freeze" '
    'for event "pay" by "A. Analyst" until 2027-01-31',
)
def _disposition(
    compliance: ComplianceContext,
    request: pytest.FixtureRequest,
    decision: str,
    rule_id: str,
    event_id: str,
    reviewer: str,
    day: str,
    reference: str | None = None,
) -> None:
    from ..alerts.apply import entry_hashes
    from ..alerts.models import Disposition

    ctx = _current(compliance, request)
    ctx.known_rule(rule_id)
    expires = _day(day, ctx.where)
    entry = None
    if reference is not None:
        entry = entry_hashes(ctx.lists).get(reference)
        if entry is None:
            raise FeatureInputError(
                f"{ctx.where}: listing '{reference}' is not on the lists loaded so far; load the list first"
            )
    try:
        ctx.dispositions.append(
            Disposition.model_validate(
                {
                    "key": {"event": event_id, "rule": rule_id, "listing": reference, "entry_sha256": entry},
                    "decision": decision,
                    "exemption": "stated in the feature" if decision == "waived" else None,
                    "reason": f"decided in {ctx.where}",
                    "reviewer": reviewer,
                    "decided": min(expires, ctx.today or expires).isoformat(),
                    "expires": expires.isoformat(),
                }
            )
        )
    except ValidationError as exc:
        raise FeatureInputError(f"{ctx.where}: the disposition {_pydantic_message(exc)}") from None


@compliance_step(
    "Given",
    "today is {day} (UTC)",
    meaning="The day the decisions' expiry is compared with (default: today's date in UTC).",
    example="Given today is 2027-02-01 (UTC)",
)
def _today(compliance: ComplianceContext, request: pytest.FixtureRequest, day: str) -> None:
    ctx = _current(compliance, request)
    ctx.today = _day(day, ctx.where)


@compliance_step(
    "Given",
    'the UN 1718 list is replaced by "{path}"',
    meaning="A new edition of the UN list is published: screen against this file instead of the UN lists "
    "loaded so far (decisions already made keep the entry as it was).",
    example='Given the UN 1718 list is replaced by "new-list.xml"',
)
def _replace_list(compliance: ComplianceContext, request: pytest.FixtureRequest, path: str) -> None:
    ctx = _current(compliance, request)
    ctx.lists = [lst for lst in ctx.lists if lst.kind != "un"]
    _load_list(ctx, path, load_un_list)


def _the_alert(ctx: ComplianceContext, event_id: str, rule_id: str) -> Any:
    ctx.known_rule(rule_id)
    v = ctx.verdict(event_id)
    review = _alerts(ctx)
    mine = [a for a in review.for_event(event_id) if a.key.rule == rule_id]
    if not mine:
        raise failure(ctx.where, v, f"an alert under {rule_id}", "no alert (the rule finds no violation here)")
    return v, mine


@compliance_step(
    "Then",
    'the alert on event "{event_id}" under rule "{rule_id}" has status {status:Words}',
    meaning="The alert's state once the decisions are applied: open (no decision), decided (a decision "
    "holds) or re-opened (a decision no longer holds).",
    example='Then the alert on event "pay" under rule "dprk.designated.asset-freeze" has status decided',
)
def _alert_status(
    compliance: ComplianceContext, request: pytest.FixtureRequest, event_id: str, rule_id: str, status: str
) -> None:
    from ..alerts.models import AlertStatus

    ctx = _current(compliance, request)
    wanted = status.strip().replace("reopened", "re-opened")
    if wanted not in {s.value for s in AlertStatus}:
        raise FeatureInputError(f"{ctx.where}: status '{status}'; expected open, decided or re-opened")
    v, mine = _the_alert(ctx, event_id, rule_id)
    if any(a.status.value != wanted for a in mine):
        raise failure(ctx.where, v, f"the alert {wanted}", "; ".join(a.note() for a in mine))


@compliance_step(
    "Then",
    'the alert on event "{event_id}" under rule "{rule_id}" is re-opened because {why:Words}',
    "the alert is re-opened because {why:Words}",
    meaning="The decision on the alert no longer holds, for this reason: 'the listing changed' (the list "
    "entry's content differs from the one decided on) or 'the decision expired'. The short form speaks "
    "of the only alert with a decision.",
    example='Then the alert on event "pay" under rule "dprk.designated.asset-freeze" is re-opened because '
    "the listing changed",
)
def _reopened(
    compliance: ComplianceContext,
    request: pytest.FixtureRequest,
    why: str,
    event_id: str | None = None,
    rule_id: str | None = None,
) -> None:
    ctx = _current(compliance, request)
    words = why.strip().lower()
    marker = "changed" if "chang" in words else "expired" if "expir" in words else None
    if marker is None:
        raise FeatureInputError(
            f"{ctx.where}: reason '{why}'; expected 'the listing changed' or 'the decision expired'"
        )
    if event_id is not None and rule_id is not None:
        v, mine = _the_alert(ctx, event_id, rule_id)
    else:
        mine = [a for a in _alerts(ctx).alerts if a.decision is not None]
        if len(mine) != 1:
            raise FeatureInputError(
                f"{ctx.where}: {len(mine)} alerts have a decision; name the event and rule of the one meant"
            )
        v = ctx.verdict(mine[0].key.event)
    if not all(a.reopened_because and marker in a.reopened_because for a in mine):
        raise failure(ctx.where, v, f"re-opened because {why}", "; ".join(a.note() for a in mine))


def _check_run(ctx: ComplianceContext, fail_on: str, expected: bool) -> None:
    from ..alerts.apply import verdicts_fail

    if fail_on not in ("violation", "potential_violation"):
        raise FeatureInputError(f"{ctx.where}: '{fail_on}'; expected violation or potential_violation")
    review = _alerts(ctx)
    assert ctx.verdicts is not None
    if verdicts_fail(ctx.verdicts, review, fail_on) != expected:
        counting = [a.key.label() for a in review.alerts if a.counts]
        raise ComplianceFailure(
            f"{ctx.where}: expected the run to {'fail' if expected else 'pass'} on {fail_on}; "
            f"alerts that count: {', '.join(counting) or 'none'}"
        )


@compliance_step(
    "Then",
    'the run fails on "{fail_on}"',
    meaning="Some event still reaches that verdict (violation or potential_violation) once the decisions "
    "are applied, as `--fail-on` decides the exit code: confirmed and escalated alerts still count.",
    example='Then the run fails on "potential_violation"',
)
def _run_fails(compliance: ComplianceContext, request: pytest.FixtureRequest, fail_on: str) -> None:
    _check_run(_current(compliance, request), fail_on, True)


@compliance_step(
    "Then",
    'the run passes on "{fail_on}"',
    meaning="No event reaches that verdict once the decisions are applied: every such alert is under a "
    "valid false-positive or waiver.",
    example='Then the run passes on "violation"',
)
def _run_passes(compliance: ComplianceContext, request: pytest.FixtureRequest, fail_on: str) -> None:
    _check_run(_current(compliance, request), fail_on, False)
