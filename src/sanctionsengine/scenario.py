"""The contract of a scenario file: what was reported, as dated events with their evidence.

An analyst turns a report (a news article, a Panel of Experts finding) into a scenario: its
sources (identified by SHA-256), and one event per reported dealing, each with the parties,
the commodity, the quantity (or an explicit "unknown"), and evidence quoting the source.
Corrections record where the source's own facts are wrong, with the source of the correction;
the reported value is kept beside the corrected one, never overwritten.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

import pycountry
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .commodities import normalize_hs
from .errors import Diagnostic, Diagnostics, InputError, did_you_mean
from .quantities import Quantity
from .vocabulary import COUNTABLE_UNITS, DPRK, OFFERABLE_KINDS, RECORD_KINDS, Confidence, EventKind, Flag
from .wording import a
from .yamlfile import Loc, YamlDocument, format_loc, parse_yaml, read_text, validate

EVENT_ID = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


@lru_cache(maxsize=512)
def _alpha2(text: str) -> bool:
    return pycountry.countries.get(alpha_2=text) is not None


def country_code(value: Any) -> str:
    """Validate an ISO 3166-1 alpha-2 code, suggesting the right one for names and alpha-3 codes."""
    text = str(value).strip()
    if text != str(value):  # said, not silently read: a padded cell may be a cut-off value
        raise ValueError(f"country code '{value}' has spaces around it; write '{text}'")
    if len(text) == 2 and text.isalpha() and _alpha2(text.upper()):
        if text != text.upper():
            raise ValueError(f"country code '{text}' must be upper case: '{text.upper()}'")
        return text
    hint = ""
    found = pycountry.countries.get(alpha_3=text.upper()) if len(text) == 3 else None
    if found is None:
        try:
            found = pycountry.countries.lookup(text)
        except LookupError:
            found = None
    if found is not None:
        hint = f" (did you mean '{found.alpha_2}' for {found.name}?)"
    raise ValueError(f"unknown country code '{text}'; expected an ISO 3166-1 alpha-2 code such as KP, RU, CN{hint}")


def country_name(code: str) -> str:
    found = pycountry.countries.get(alpha_2=code)
    if code == DPRK:
        return "DPRK"
    return getattr(found, "common_name", None) or (found.name if found else code)


class Source(_Strict):
    id: str = Field(pattern=EVENT_ID)
    title: str
    language: str = Field(description="ISO 639-1 code, e.g. ar, en")
    published: dt.date | None = None
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    file: str | None = Field(default=None, description="File name to look for in --sources (found by SHA-256)")
    url: str | None = None
    publisher: str | None = None
    note: str | None = None

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        if pycountry.languages.get(alpha_2=value) is None:
            raise ValueError(f"unknown language '{value}'; expected an ISO 639-1 code such as ar, en, ko, ru")
        return value

    @model_validator(mode="after")
    def _identified(self) -> Source:
        if not (self.sha256 or self.url):
            raise ValueError("a source needs its text's 'sha256' or at least a 'url'")
        return self


class Party(_Strict):
    country: str
    name: str | None = None
    un_reference: str | None = Field(
        default=None, pattern=r"^KP[ie]\.\d{3}$", description="UN list reference number, when known (KPe.020)"
    )

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        return country_code(value)

    def __str__(self) -> str:
        return f"{self.name} ({self.country})" if self.name else country_name(self.country)


class Commodity(_Strict):
    description: str
    hs: tuple[str, ...] = Field(default=(), description="HS codes, e.g. 8703 or 8703.23")
    categories: tuple[str, ...] = Field(default=(), description="Commodity group ids from the rulebook")

    @field_validator("hs", mode="before")
    @classmethod
    def _hs(cls, value: Any) -> Any:
        if isinstance(value, (str, int)):
            value = [value]
        out = []
        for code in value or []:
            if str(code) != str(code).strip():
                raise ValueError(f"HS code '{code}' has spaces around it; write '{str(code).strip()}'")
            normalize_hs(str(code))  # raises with a clear message
            out.append(str(code))
        return out

    @property
    def hs_normalized(self) -> list[str]:
        return [normalize_hs(c) for c in self.hs]


class Period(_Strict):
    start: dt.date = Field(alias="from")
    end: dt.date = Field(alias="to")

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")
        return self


class Evidence(_Strict):
    source: str
    quote: str = Field(min_length=1, max_length=400, description="A short verbatim passage of the source")
    gloss: str | None = Field(default=None, description="What the quote says, in English, in our words")
    claimed_by: str = Field(description="Who makes the claim: the article, the United States, the Panel...")
    confidence: Confidence


class Correction(_Strict):
    field: str = Field(description="Which fact the source got wrong: date, quantity, kind...")
    reported: str = Field(description="What the source says")
    corrected: str = Field(description="What the record shows")
    source: str = Field(description="Id of the source for the correction")
    note: str | None = None


class Vessel(_Strict):
    """A ship that took part: its name as reported, and its IMO number when known (it decides)."""

    name: str
    imo: str | None = Field(default=None, pattern=r"^\d{7}$", description="IMO number, seven digits")
    flag: str | None = None
    role: str | None = Field(default=None, description="What it did: carrier, receiving vessel in a transfer...")

    @field_validator("flag")
    @classmethod
    def _flag(cls, value: str | None) -> str | None:
        return None if value is None else country_code(value)


class ExemptionClaim(_Strict):
    """An exemption a party invokes for the event, with what supports it.

    Claimed without evidence, or without the Committee's reference where the exemption needs one,
    it is not a clearance: the finding it would soften stays a potential violation.
    """

    rule: str = Field(description="Id of the exemption rule invoked")
    reference: str | None = Field(default=None, description="The Committee's decision or notice, when it needs one")
    evidence: tuple[Evidence, ...] = ()
    note: str | None = None


class Value(_Strict):
    """What the goods are worth, in US dollars, per item or for the whole consignment.

    Luxury thresholds ($500 rugs, $100 tableware, $2,000 snowmobiles) apply per item; a total is
    turned into a per-item value when the quantity counts items, and otherwise only bounds it.
    """

    amount: float = Field(ge=0)
    currency: str = Field(pattern=r"^USD$", description="Values are compared in US dollars")
    basis: str = Field(default="total", pattern=r"^(per-item|total)$", description="per-item or total")


class Event(_Strict):
    id: str = Field(pattern=EVENT_ID)
    title: str
    kind: EventKind
    offered: tuple[EventKind, ...] = Field(default=(), description="For offers: what is offered")
    date: dt.date | None = None
    period: Period | None = None
    date_note: str | None = Field(default=None, description="How a relative date was resolved")
    supplier: Party | None = None
    recipient: Party | None = None
    concerns: tuple[str, ...] = Field(default=(), description="Countries the act concerns without being a party")
    commodity: Commodity | None = None
    quantity: Quantity | None = None
    value: Value | None = None
    flags: tuple[Flag, ...] = ()
    vessels: tuple[Vessel, ...] = ()
    exemptions: tuple[ExemptionClaim, ...] = Field(default=(), description="Exemptions invoked, with their evidence")
    evidence: tuple[Evidence, ...] = Field(min_length=1)
    corrections: tuple[Correction, ...] = ()
    refers_to: tuple[str, ...] = Field(default=(), description="For records: ids of the events this one covers")
    covers: Period | None = Field(default=None, description="For records: the period of dealings it covers")
    note: str | None = None

    @field_validator("concerns")
    @classmethod
    def _concerns(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(country_code(v) for v in value)

    @model_validator(mode="after")
    def _consistent(self) -> Event:
        if (self.date is None) == (self.period is None):
            raise ValueError("give the event either a 'date' or a 'period' (from, to), not both and not neither")
        if self.kind == EventKind.OFFER:
            if not self.offered:
                raise ValueError("an offer says what is offered: offered: [transfer] (or service, training...)")
            wrong = [k.value for k in self.offered if k not in OFFERABLE_KINDS]
            if wrong:
                raise ValueError(
                    f"'{', '.join(wrong)}' cannot be offered; expected any of "
                    f"{', '.join(sorted(k.value for k in OFFERABLE_KINDS))}"
                )
        elif self.offered:
            raise ValueError("'offered' belongs to events of kind 'offer'")
        if self.supplier is None and self.recipient is None and not self.concerns:
            raise ValueError("an event needs a supplier, a recipient, or the countries it 'concerns'")
        if (self.refers_to or self.covers) and self.kind not in RECORD_KINDS:
            raise ValueError("'refers_to' and 'covers' belong to records: kind notification or departure")
        if self.kind in RECORD_KINDS and not (self.refers_to or self.covers):
            raise ValueError(
                f"{a(self.kind.value)} says what it covers: 'refers_to' (event ids) or 'covers' (a period)"
            )
        return self

    @property
    def start(self) -> dt.date:
        return self.date if self.date is not None else self.period.start  # type: ignore[union-attr]

    @property
    def end(self) -> dt.date:
        return self.date if self.date is not None else self.period.end  # type: ignore[union-attr]

    @property
    def when(self) -> str:
        return str(self.date) if self.date else f"{self.start} to {self.end}"

    @property
    def countries(self) -> set[str]:
        out = set(self.concerns)
        for p in (self.supplier, self.recipient):
            if p is not None:
                out.add(p.country)
        return out

    @property
    def effective_kinds(self) -> tuple[EventKind, ...]:
        """The kinds rules are matched against: an offer is matched as what it offers."""
        return self.offered if self.kind == EventKind.OFFER else (self.kind,)

    @property
    def value_per_item(self) -> float | None:
        """The value of one item when the report allows it: given per item, or a total over a count."""
        if self.value is None:
            return None
        if self.value.basis == "per-item":
            return self.value.amount
        q = self.quantity
        if q is not None and q.known and q.value and q.unit in COUNTABLE_UNITS:
            return self.value.amount / q.value
        return None

    @property
    def confidence(self) -> Confidence:
        return max((e.confidence for e in self.evidence), key=lambda c: c.strength)


class RecordDeclaration(_Strict):
    """A statement that the scenario holds every record of one kind up to a date.

    With it, a missing notification is a finding of fact (a violation of the duty); without it,
    only a gap in the scenario (a potential violation).
    """

    kind: EventKind
    commodities: tuple[str, ...] = Field(default=(), description="Group ids the record covers (empty: all)")
    suppliers: tuple[str, ...] = Field(default=(), description="States it covers (empty: all)")
    through: dt.date = Field(description="The record is complete up to this day")
    source: str = Field(description="Id of the source that vouches for it")
    note: str | None = None

    @field_validator("suppliers")
    @classmethod
    def _suppliers(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(country_code(v) for v in value)

    @field_validator("kind")
    @classmethod
    def _record_kind(cls, value: EventKind) -> EventKind:
        if value not in RECORD_KINDS:
            raise ValueError(f"records are notifications or departures, not '{value.value}'")
        return value


class ScenarioInfo(_Strict):
    id: str = Field(pattern=EVENT_ID)
    title: str
    description: str | None = None
    prepared_by: str | None = None
    prepared_on: dt.date | None = None


class Scenario(_Strict):
    scenario: ScenarioInfo
    sources: tuple[Source, ...] = Field(min_length=1)
    records: tuple[RecordDeclaration, ...] = Field(default=(), description="Which records the scenario holds in full")
    events: tuple[Event, ...] = Field(min_length=1)

    def source(self, source_id: str) -> Source:
        for s in self.sources:
            if s.id == source_id:
                return s
        raise KeyError(source_id)


class LoadedScenario(BaseModel):
    """A validated scenario with the file it came from, for error locations and hashing."""

    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)

    scenario: Scenario
    file: str
    sha256: str
    doc: YamlDocument

    def event_location(self, index: int, *sub: str | int) -> str:
        return str(self.doc.location(("events", index, *sub)))


def _context(doc: YamlDocument) -> Any:
    def context(full: Loc) -> tuple[str, Loc]:
        if len(full) >= 2 and full[0] == "events" and isinstance(full[1], int):
            try:
                eid = doc.data["events"][full[1]]["id"]
            except (KeyError, IndexError, TypeError):
                eid = f"#{full[1] + 1}"
            return f"event {eid}", full[2:]
        return "", full

    return context


def _items(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _cross_checks(
    data: dict[str, Any], doc: YamlDocument, groups: list[str] | None, exemptions: list[str] | None = None
) -> Diagnostics:
    """The references between parts of the file (sources, events, exemption rules, categories),
    checked on the file as read, so that they are reported with its shape problems in one pass."""
    diags = Diagnostics()
    ctx = _context(doc)
    sources = [s for s in _items(data.get("sources")) if isinstance(s, dict)]
    source_ids = [i for i in (_text(s.get("id")) for s in sources) if i]
    events = _items(data.get("events"))
    event_ids = [i for i in (_text(e.get("id")) for e in events if isinstance(e, dict)) if i]

    def add(loc: Loc, code: str, message: str, hint: str = "") -> None:
        prefix, inner = ctx(loc)
        diags.add(Diagnostic(doc.location(loc), code, message, path=format_loc(inner), context=prefix, hint=hint))

    def source_ref(loc: Loc, value: Any) -> None:
        ref = _text(value)
        if ref is not None and ref not in source_ids:
            add(loc, "dangling-reference", f"no source '{ref}'; sources: {', '.join(source_ids) or 'none'}",
                did_you_mean(ref, source_ids))  # fmt: skip

    def categories(loc: Loc, values: Any) -> None:
        if groups is None:
            return
        for j, cat in enumerate(_items(values)):
            if isinstance(cat, str) and cat not in groups:
                add((*loc, j), "unknown-value",
                    f"unknown category '{cat}'; categories are the rulebook's commodity groups "
                    "(see `sanctionsengine rules groups`)", did_you_mean(cat, groups))  # fmt: skip

    for i, rec in enumerate(_items(data.get("records"))):
        if isinstance(rec, dict):
            source_ref(("records", i, "source"), rec.get("source"))
            categories(("records", i, "commodities"), rec.get("commodities"))
    seen: dict[str, int] = {}
    for i, src in enumerate(_items(data.get("sources"))):
        sid = _text(src.get("id")) if isinstance(src, dict) else None
        if sid is None:
            continue
        if sid in seen:
            add(("sources", i, "id"), "duplicate-id", f"source id '{sid}' is used twice")
        seen[sid] = i
    seen = {}
    for i, ev in enumerate(events):
        if not isinstance(ev, dict):
            continue
        eid = _text(ev.get("id"))
        if eid is not None:
            if eid in seen:
                add(("events", i, "id"), "duplicate-id", f"event id '{eid}' is already used by event #{seen[eid] + 1}")
            seen.setdefault(eid, i)
        for j, e in enumerate(_items(ev.get("evidence"))):
            if isinstance(e, dict):
                source_ref(("events", i, "evidence", j, "source"), e.get("source"))
        for j, ref in enumerate(_items(ev.get("refers_to"))):
            if isinstance(ref, str) and ref not in event_ids:
                add(("events", i, "refers_to", j), "dangling-reference", f"no event '{ref}'",
                    did_you_mean(ref, event_ids))  # fmt: skip
        for j, claim in enumerate(_items(ev.get("exemptions"))):
            if not isinstance(claim, dict):
                continue
            rule = _text(claim.get("rule"))
            if exemptions is not None and rule is not None and rule not in exemptions:
                add(("events", i, "exemptions", j, "rule"), "dangling-reference",
                    f"no exemption rule '{rule}' in the rulebook (see `sanctionsengine rules list`)",
                    did_you_mean(rule, exemptions))  # fmt: skip
            for k, e in enumerate(_items(claim.get("evidence"))):
                if isinstance(e, dict):
                    source_ref(("events", i, "exemptions", j, "evidence", k, "source"), e.get("source"))
        for j, c in enumerate(_items(ev.get("corrections"))):
            if isinstance(c, dict):
                source_ref(("events", i, "corrections", j, "source"), c.get("source"))
        commodity = ev.get("commodity")
        if isinstance(commodity, dict):
            categories(("events", i, "commodity", "categories"), commodity.get("categories"))
    return diags


def read_scenario(
    text: str, file: str, groups: list[str] | None = None, exemptions: list[str] | None = None
) -> tuple[LoadedScenario | None, Diagnostics]:
    """Parse and check a scenario; return it whenever its shape is valid (even with reference
    problems, so that later checks such as the evidence quotes run in the same pass) and every
    problem found."""
    doc = parse_yaml(text, file)
    if not isinstance(doc.data, dict):
        where = doc.location(())
        return None, Diagnostics(
            [Diagnostic(where, "bad-value", "a scenario is a mapping with 'scenario', 'sources' and 'events'")]
        )
    scn, problems = validate(Scenario, doc.data, doc, context=_context(doc))
    everything = Diagnostics(list(problems))
    everything.extend(_cross_checks(doc.data, doc, groups, exemptions))  # one pass: shape and references
    if scn is None:
        return None, everything
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return LoadedScenario(scenario=scn, file=file, sha256=digest, doc=doc), everything


def check_scenario_file(
    path: Path | str, groups: list[str] | None = None, exemptions: list[str] | None = None
) -> tuple[LoadedScenario | None, Diagnostics]:
    """``read_scenario`` for a file (its SHA-256 is of the bytes read)."""
    try:
        text, raw, name = read_text(Path(path))
        loaded, problems = read_scenario(text, name, groups, exemptions)
    except InputError as exc:
        return None, exc.diagnostics
    if loaded is not None:
        loaded = loaded.model_copy(update={"sha256": hashlib.sha256(raw).hexdigest()})
    return loaded, problems


def parse_scenario(
    text: str, file: str, groups: list[str] | None = None, exemptions: list[str] | None = None
) -> LoadedScenario:
    loaded, problems = read_scenario(text, file, groups, exemptions)
    problems.raise_if_any()
    assert loaded is not None
    return loaded


def load_scenario(
    path: Path | str, groups: list[str] | None = None, exemptions: list[str] | None = None
) -> LoadedScenario:
    """Load and validate a scenario file; the rulebook's ``groups`` and ``exemptions`` check references."""
    text, raw, name = read_text(Path(path))
    loaded = parse_scenario(text, name, groups, exemptions)
    return loaded.model_copy(update={"sha256": hashlib.sha256(raw).hexdigest()})
