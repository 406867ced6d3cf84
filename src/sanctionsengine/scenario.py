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
from .vocabulary import (
    COUNTABLE_UNITS,
    DPRK,
    OFFERABLE_KINDS,
    RECORD_KINDS,
    UNKNOWN_COUNTRY,
    Confidence,
    EventKind,
    Flag,
    PartyType,
)
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
    if code == UNKNOWN_COUNTRY:
        return "country unknown"
    found = pycountry.countries.get(alpha_2=code)
    if code == DPRK:
        return "DPRK"
    return getattr(found, "common_name", None) or (found.name if found else code)


class Source(_Strict):
    """A document the evidence quotes, identified by the SHA-256 of its text (or at least a URL).

    With ``--sources DIR``, a source with a ``sha256`` is looked up there by content, and every
    quote from it must appear in it verbatim; a source known only by URL is cited, not checked.
    """

    id: str = Field(pattern=EVENT_ID, description="Short id the evidence refers to (article, panel-2019)")
    title: str = Field(description="What the document is")
    language: str = Field(description="ISO 639-1 code, e.g. ar, en")
    published: dt.date | None = Field(default=None, description="Publication date, when known")
    sha256: str | None = Field(
        default=None,
        pattern=r"^[0-9a-f]{64}$",
        description="SHA-256 of the text (sha256sum FILE), to find and check it",
    )
    file: str | None = Field(default=None, description="File name to look for in --sources (found by SHA-256)")
    url: str | None = Field(default=None, description="Where it can be read")
    publisher: str | None = Field(default=None, description="Outlet, agency or body that published it")
    note: str | None = Field(default=None, description="Anything a reader should know about the source")

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
    """A supplier or recipient: its country (or ``unknown``), and its name and type when known.

    Effect on verdicts: the country decides direction (a KP party is the DPRK); a party whose
    country is ``unknown`` is never taken for the DPRK, is screened against the lists by name
    (and UN reference) only, and the event's verdict says so. ``type`` narrows screening to the
    list entries of that kind (a person against listed individuals only).
    """

    country: str = Field(
        description="ISO 3166-1 alpha-2 code (KP, RU, CN), or 'unknown' when the report does not say; "
        "an unknown country is screened by name only",
        json_schema_extra={"pattern": "^([A-Z]{2}|unknown)$"},
    )
    name: str | None = Field(default=None, description="The name as reported; it is screened against the lists")
    type: PartyType | None = Field(
        default=None, description="person, entity or vessel, when the report says; narrows name screening to that kind"
    )
    un_reference: str | None = Field(
        default=None, pattern=r"^KP[ie]\.\d{3}$", description="UN list reference number, when known (KPe.020)"
    )
    imo: str | None = Field(default=None, pattern=r"^\d{7}$", description="For a party of type vessel: its IMO number")

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        if value == UNKNOWN_COUNTRY:
            return value
        return country_code(value)

    @model_validator(mode="after")
    def _typed(self) -> Party:
        ref = self.un_reference
        if ref and self.type == PartyType.VESSEL:
            raise ValueError("a vessel has no UN reference number; give its 'imo'")
        if ref and self.type == PartyType.PERSON and ref.startswith("KPe"):
            raise ValueError(f"{ref} is a listed entity (KPe); a person's reference starts with KPi")
        if ref and self.type == PartyType.ENTITY and ref.startswith("KPi"):
            raise ValueError(f"{ref} is a listed individual (KPi); an entity's reference starts with KPe")
        if self.imo and self.type != PartyType.VESSEL:
            raise ValueError("'imo' belongs to a party of type vessel (or to the event's vessels)")
        return self

    @property
    def country_known(self) -> bool:
        return self.country != UNKNOWN_COUNTRY

    def __str__(self) -> str:
        if self.name:
            return f"{self.name} ({self.country if self.country_known else 'country unknown'})"
        return country_name(self.country)


class Commodity(_Strict):
    """The goods (or service subject): a description, and the HS codes or rulebook categories rules test.

    Effect on verdicts: ``suspected: true`` (the report suspects the goods, as in "suspected oil",
    without establishing them) makes every finding that turns on the goods at most a potential
    violation, and the verdict says so.
    """

    description: str = Field(description="The goods in the report's words (in English)")
    hs: tuple[str, ...] = Field(default=(), description="HS codes, e.g. 8703 or 8703.23")
    categories: tuple[str, ...] = Field(default=(), description="Commodity group ids from the rulebook")
    suspected: bool = Field(
        default=False,
        description="True when the goods are suspected, not established: findings on them are at most potential",
    )

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
    """Conduct that went on over these days (both included): judged as continuing conduct."""

    start: dt.date = Field(alias="from", description="First day (YYYY-MM-DD)")
    end: dt.date = Field(alias="to", description="Last day (YYYY-MM-DD)")

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")
        return self


class Sometime(_Strict):
    """One day that is not known exactly: a year, a month, a day give or take some days, or a window.

    Give exactly one of ``year``; ``month``; ``around`` with ``days``; ``from`` with ``to``.
    Effect on verdicts: the event is judged by every rule version in force on some day of the
    window; a finding is a violation only if it is one whatever the day, a potential violation
    if it is one on some days only, and the verdict says the date is uncertain.
    """

    year: int | None = Field(default=None, ge=1900, le=2100, description="The year, when that is all that is known")
    month: str | None = Field(default=None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")
    around: dt.date | None = Field(default=None, description="An approximate day; give 'days' either side")
    days: int | None = Field(default=None, ge=1, le=366, description="With 'around': days either side it may be")
    start: dt.date | None = Field(default=None, alias="from", description="Earliest possible day")
    end: dt.date | None = Field(default=None, alias="to", description="Latest possible day")

    @field_validator("month", mode="before")
    @classmethod
    def _month(cls, value: Any) -> Any:
        return value.strftime("%Y-%m") if isinstance(value, dt.date) else value

    @model_validator(mode="after")
    def _one_form(self) -> Sometime:
        forms = [
            name
            for name, given in (
                ("year", self.year is not None),
                ("month", self.month is not None),
                ("around", self.around is not None),
                ("from/to", self.start is not None or self.end is not None),
            )
            if given
        ]
        if len(forms) != 1:
            raise ValueError(
                "give one of 'year', 'month', 'around' (with 'days') or 'from' and 'to'"
                + (f", not {' and '.join(forms)}" if forms else "")
            )
        if (self.around is None) != (self.days is None):
            raise ValueError("'around' and 'days' go together: around: 2017-10-15, days: 15")
        if (self.start is None) != (self.end is None):
            raise ValueError("a window needs both 'from' and 'to'")
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValueError(f"the window ends ({self.end}) before it starts ({self.start})")
        try:
            _ = self.bounds  # around ± days may leave the calendar
        except OverflowError:
            raise ValueError(f"{self.around} give or take {self.days} days runs off the calendar") from None
        return self

    @property
    def bounds(self) -> tuple[dt.date, dt.date]:
        if self.year is not None:
            return dt.date(self.year, 1, 1), dt.date(self.year, 12, 31)
        if self.month is not None:
            y, m = (int(x) for x in self.month.split("-"))
            nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
            return dt.date(y, m, 1), nxt - dt.timedelta(days=1)
        if self.around is not None and self.days is not None:
            delta = dt.timedelta(days=self.days)
            return self.around - delta, self.around + delta
        assert self.start is not None and self.end is not None
        return self.start, self.end

    def __str__(self) -> str:
        start, end = self.bounds
        if self.year is not None:
            return f"sometime in {self.year}"
        if self.month is not None:
            return f"sometime in {self.month}"
        if self.around is not None:
            return f"around {self.around} (±{self.days} days: {start} to {end})"
        return f"sometime between {start} and {end}"


class Evidence(_Strict):
    """A passage of a source that supports the event, with who makes the claim and how sure it is."""

    source: str = Field(description="Id of the source (in 'sources')")
    quote: str = Field(min_length=1, max_length=400, description="A short verbatim passage of the source")
    gloss: str | None = Field(default=None, description="What the quote says, in English, in our words")
    claimed_by: str = Field(description="Who makes the claim: the article, the United States, the Panel...")
    confidence: Confidence = Field(description="alleged, reported or confirmed (see the confidence table)")


class Correction(_Strict):
    """Where the source's own fact is wrong: the reported value kept beside the corrected one."""

    field: str = Field(description="Which fact the source got wrong: date, quantity, kind...")
    reported: str = Field(description="What the source says")
    corrected: str = Field(description="What the record shows")
    source: str = Field(description="Id of the source for the correction")
    note: str | None = Field(default=None, description="Where in that source, or why")


class Vessel(_Strict):
    """A ship that took part: its name as reported, and its IMO number when known (it decides).

    Both may be missing (the unnamed side of a ship-to-ship transfer): such a vessel cannot be
    screened, and the verdict says that whether it is designated is not known.
    """

    name: str | None = Field(default=None, description="The name as reported; omit it for an unnamed vessel")
    imo: str | None = Field(default=None, pattern=r"^\d{7}$", description="IMO number, seven digits")
    flag: str | None = Field(default=None, description="Flag State, ISO 3166-1 alpha-2")
    role: str | None = Field(default=None, description="What it did: carrier, receiving vessel in a transfer...")
    note: str | None = Field(default=None, description="What else is known (a former name, an AIS gap)")

    @field_validator("flag")
    @classmethod
    def _flag(cls, value: str | None) -> str | None:
        return None if value is None else country_code(value)

    @property
    def identified(self) -> bool:
        return bool(self.name or self.imo)

    def __str__(self) -> str:
        label = self.name or (f"IMO {self.imo}" if self.imo else "an unnamed vessel")
        return label + (f" ({self.role})" if self.role else "")


class ExemptionClaim(_Strict):
    """An exemption a party invokes for the event, with what supports it.

    Claimed without evidence, or without the Committee's reference where the exemption needs one,
    it is not a clearance: the finding it would soften stays a potential violation.
    """

    rule: str = Field(description="Id of the exemption rule invoked")
    reference: str | None = Field(default=None, description="The Committee's decision or notice, when it needs one")
    evidence: tuple[Evidence, ...] = Field(default=(), description="What supports the claim; without it, no clearance")
    note: str | None = Field(default=None, description="Anything else about the claim")


class Value(_Strict):
    """What the goods are worth, in US dollars, per item or for the whole consignment.

    Luxury thresholds ($500 rugs, $100 tableware, $2,000 snowmobiles) apply per item; a total is
    turned into a per-item value when the quantity counts items, and otherwise only bounds it.
    """

    amount: float = Field(ge=0, description="The amount, in US dollars")
    currency: str = Field(pattern=r"^USD$", description="Values are compared in US dollars")
    basis: str = Field(default="total", pattern=r"^(per-item|total)$", description="per-item or total")


class Event(_Strict):
    """One reported dealing or act: what happened, when, between whom, with its evidence.

    Give exactly one of ``date``, ``period`` or ``sometime``. Every event gets exactly one verdict.
    """

    id: str = Field(pattern=EVENT_ID, description="Unique id within the scenario (letters, digits, . _ -)")
    title: str = Field(description="A one-line title for the report")
    kind: EventKind = Field(description="What kind of act it is (see the event kinds table)")
    offered: tuple[EventKind, ...] = Field(default=(), description="For offers: what is offered")
    date: dt.date | None = Field(default=None, description="The day it happened (YYYY-MM-DD)")
    period: Period | None = Field(default=None, description="Conduct over a period (from, to), both days included")
    sometime: Sometime | None = Field(
        default=None, description="One day not known exactly: a year, a month, around a day, or a window"
    )
    date_note: str | None = Field(default=None, description="How a relative date was resolved")
    supplier: Party | None = Field(default=None, description="Who supplies, exports, sends, employs out, or acts")
    recipient: Party | None = Field(default=None, description="Who receives, imports, procures or is served")
    concerns: tuple[str, ...] = Field(default=(), description="Countries the act concerns without being a party")
    commodity: Commodity | None = Field(default=None, description="The goods or subject; omitted: not stated")
    quantity: Quantity | None = Field(default=None, description="How much; write unknown: true when not reported")
    value: Value | None = Field(default=None, description="What the goods are worth, in US dollars")
    flags: tuple[Flag, ...] = Field(default=(), description="Facts rules may test (see the flags table)")
    vessels: tuple[Vessel, ...] = Field(default=(), description="Ships that took part; each is screened")
    exemptions: tuple[ExemptionClaim, ...] = Field(default=(), description="Exemptions invoked, with their evidence")
    evidence: tuple[Evidence, ...] = Field(min_length=1, description="At least one quote that supports the event")
    corrections: tuple[Correction, ...] = Field(default=(), description="Where the source's facts are wrong")
    refers_to: tuple[str, ...] = Field(default=(), description="For records: ids of the events this one covers")
    covers: Period | None = Field(default=None, description="For records: the period of dealings it covers")
    note: str | None = Field(default=None, description="Anything a reader of the report should know")

    @field_validator("concerns")
    @classmethod
    def _concerns(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(country_code(v) for v in value)

    @model_validator(mode="after")
    def _consistent(self) -> Event:
        given = [n for n, v in (("date", self.date), ("period", self.period), ("sometime", self.sometime)) if v]
        if len(given) != 1:
            raise ValueError(
                "give the event one of 'date' (a day), 'period' (from, to) or 'sometime' (a year, a month, "
                "around a day, or a window)" + (f", not {' and '.join(given)}" if given else "")
            )
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
        if self.date is not None:
            return self.date
        if self.sometime is not None:
            return self.sometime.bounds[0]
        return self.period.start  # type: ignore[union-attr]

    @property
    def end(self) -> dt.date:
        if self.date is not None:
            return self.date
        if self.sometime is not None:
            return self.sometime.bounds[1]
        return self.period.end  # type: ignore[union-attr]

    @property
    def when(self) -> str:
        if self.date:
            return str(self.date)
        if self.sometime is not None:
            return str(self.sometime)
        return f"{self.start} to {self.end}"

    @property
    def date_uncertain(self) -> bool:
        """One day within ``start``..``end``, not known which (not conduct over the whole span)."""
        return self.sometime is not None and self.start != self.end

    @property
    def countries(self) -> set[str]:
        out = set(self.concerns)
        for p in (self.supplier, self.recipient):
            if p is not None and p.country_known:
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
        # a count known only as a bound gives only a bound per item: left to the total (potential at most)
        if q is not None and q.known and not q.bounded and q.value and q.unit in COUNTABLE_UNITS:
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

    kind: EventKind = Field(description="notification or departure")
    commodities: tuple[str, ...] = Field(default=(), description="Group ids the record covers (empty: all)")
    suppliers: tuple[str, ...] = Field(default=(), description="States it covers (empty: all)")
    through: dt.date = Field(description="The record is complete up to this day")
    source: str = Field(description="Id of the source that vouches for it")
    note: str | None = Field(default=None, description="What the record is")

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
    """What the scenario is, and who prepared it when."""

    id: str = Field(pattern=EVENT_ID, description="Short id of the scenario")
    title: str = Field(description="Its title in the report")
    description: str | None = Field(default=None, description="What it covers and how it was prepared")
    prepared_by: str | None = Field(default=None, description="Who wrote it")
    prepared_on: dt.date | None = Field(default=None, description="When")


class Scenario(_Strict):
    """A scenario file: what it is, its sources, the records it holds in full, and its events."""

    scenario: ScenarioInfo = Field(description="What the scenario is")
    sources: tuple[Source, ...] = Field(min_length=1, description="The documents the evidence quotes")
    records: tuple[RecordDeclaration, ...] = Field(default=(), description="Which records the scenario holds in full")
    events: tuple[Event, ...] = Field(min_length=1, description="The reported dealings, one per event")

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
