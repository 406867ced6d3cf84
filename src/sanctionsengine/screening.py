"""Screening parties and vessels against the UN 1718 lists: identifiers first, names second.

Lists are loaded, never bundled: the UN Security Council consolidated list in its XML format (the
DPRK records are kept), and the 1718 Committee's designated vessels list in the JSON or CSV form
documented in the README. Every report names the lists it screened against (file, date inside
the list, SHA-256), or says that none was loaded.

Matching, in order of weight (as yente and the screening tools users trust do it):

- an IMO number (vessels) or a UN reference number (``KPe.020``) given on the event decides;
- names and aliases are compared as written in trade documents (quotes, punctuation and legal
  forms removed with rigour, see :mod:`.lookup`), with rapidfuzz, as the better of two scores:
  the names written without spaces (so that "Chonmasan" meets "CHON MA SAN", a common
  transliteration variant) and the word-order-free token score. A name match is only ever a
  *possible* match: names are not identities;
- a low-quality alias ("Low" in the UN list) never matches alone: it counts only when exact,
  and then only as a possible match.

A party is a hit only if it was listed on or before the event's date; a later listing is
reported as such, not as a hit.
"""

from __future__ import annotations

import csv
import hashlib
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .errors import Diagnostic, InputError, SourceLocation
from .limits import MAX_JSON_BYTES, MAX_LIST_BYTES, parse_json, read_limited
from .listcoverage import parse_list_date
from .lookup import acronym, batch_scores, compared, comparison_form
from .lookup import name_score as name_score
from .yamlfile import display_path

DEFAULT_THRESHOLD = 90.0


class EntryKind(StrEnum):
    INDIVIDUAL = "individual"
    ENTITY = "entity"
    VESSEL = "vessel"


class Alias(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    quality: str = Field(description="good, weak (the list's 'Low') or former")


class ListedMeasure(BaseModel):
    """A measure a vessel's listing imposes: a column of the vessels list, from its designation's date."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    column: str = Field(description="The vessels list's measure column, e.g. para_6_2371_and_6_2375")
    since: date | None = Field(description="The date of the first designation that marks it")


class ListEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    reference: str = Field(description="UN reference number (KPi.064) or, for vessels, IMO with the list row")
    kind: EntryKind
    name: str
    aliases: tuple[Alias, ...] = ()
    listed_on: date | None
    imo: str | None = None
    measures: tuple[ListedMeasure, ...] = Field(
        default=(), description="For vessels: the measures the listing imposes (empty: the list gives none)"
    )
    listing: str = Field(description="Where the entry is in its list, for the report")


class ScreeningList(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str = Field(pattern=r"^(un|vessels)$", description="un: the UN consolidated list; vessels: 1718 vessels")
    title: str
    path: str
    sha256: str
    generated: str = Field(description="The list's own date (dateGenerated, or the vessel list's edition)")
    dated: date | None = Field(default=None, description="The list's date, read from `generated` (see date_basis)")
    date_basis: str = Field(
        default="", description="Where the date comes from; for a vessels CSV, the latest designation in it"
    )
    entries: tuple[ListEntry, ...]

    @property
    def upper_bound(self) -> bool:
        """True when the date is only the latest designation in the list (its age is then at most that)."""
        return self.date_basis.startswith("latest designation")

    @property
    def age_qualifier(self) -> str:
        return " at most" if self.upper_bound else ""

    def age_text(self, on: date) -> str:
        if self.dated is None:
            return "age unknown"
        return f"{'at most ' if self.upper_bound else ''}{(on - self.dated).days} days old"

    def describe(self, on: date | None = None) -> str:
        age = f"{self.age_text(on)}; " if on is not None else ""
        return f"{self.title}, {self.generated} ({age}{self.path}, sha256 {self.sha256[:16]}…, {len(self.entries)} entries)"


class ListMatch(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    query: str = Field(description="The name or identifier given in the event")
    role: str = Field(description="supplier, recipient or vessel")
    reference: str
    kind: EntryKind
    matched: str = Field(description="The listed name, alias or identifier that matched")
    method: str = Field(description="imo, un-reference, name, alias, weak-alias or acronym")
    listed_name: str = Field(
        default="", description="The entry's listed name (for an identifier match: whom it matched)"
    )
    compared: str | None = Field(
        default=None, description="For a name match: the two normalised forms that were scored"
    )
    measures: tuple[ListedMeasure, ...] = Field(
        default=(), description="For a vessel: the measures its listing imposes (empty: the list gives none)"
    )
    score: float
    definite: bool = Field(description="True for identifiers; names are only ever possible matches")
    listed_on: date | None
    in_force: bool = Field(description="Listed on or before the event's date")
    listing: str
    explanation: str


# --- names ---------------------------------------------------------------------------------------


@lru_cache(maxsize=1 << 16)  # list names are normalised once, not once per query
def normalize(name: str) -> str:
    """The form a name is scored on (see :func:`.lookup.comparison_form`)."""
    return comparison_form(name)


# --- loading -------------------------------------------------------------------------------------


def _problem(path: Path, message: str) -> InputError:
    return InputError([Diagnostic(SourceLocation(display_path(path)), "bad-file", message)])


def _text(elem: object, tag: str) -> str:
    child = elem.find(tag)  # type: ignore[attr-defined]
    return (child.text or "").strip() if child is not None and child.text else ""


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()[:10]) if text.strip() else None
    except ValueError:
        return None


def load_un_list(path: Path, list_type: str = "DPRK") -> ScreeningList:
    """The UN consolidated list (XML) or an extract of it; only ``list_type`` records are kept."""
    from defusedxml import ElementTree as SafeET
    from defusedxml.common import DefusedXmlException, DTDForbidden

    raw = read_limited(path, display_path(path), MAX_LIST_BYTES)
    try:  # the UN list has no DTD; one (an external one above all) is refused, not silently loaded
        root = SafeET.fromstring(raw, forbid_dtd=True)
    except DTDForbidden as exc:
        where = f" ({exc.sysid})" if exc.sysid else ""
        raise _problem(
            path,
            f"refused unsafe XML: it declares a document type (<!DOCTYPE {exc.name}>{where}); the UN list has none",
        ) from None
    except DefusedXmlException as exc:
        raise _problem(path, f"refused unsafe XML ({type(exc).__name__})") from None
    except SafeET.ParseError as exc:
        raise _problem(path, f"not the UN consolidated list XML: {exc}") from None
    if root.tag != "CONSOLIDATED_LIST":
        raise _problem(path, f"not the UN consolidated list XML (root element {root.tag}, expected CONSOLIDATED_LIST)")
    entries: list[ListEntry] = []
    for kind, section, item, alias_tag in (
        (EntryKind.INDIVIDUAL, "INDIVIDUALS", "INDIVIDUAL", "INDIVIDUAL_ALIAS"),
        (EntryKind.ENTITY, "ENTITIES", "ENTITY", "ENTITY_ALIAS"),
    ):
        for rec in root.findall(f"{section}/{item}"):
            if _text(rec, "UN_LIST_TYPE") != list_type:
                continue
            name = " ".join(
                p for p in (_text(rec, t) for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")) if p
            )
            aliases = []
            for al in rec.findall(alias_tag):
                alias_name = _text(al, "ALIAS_NAME")
                if not alias_name:
                    continue
                quality = _text(al, "QUALITY").lower()
                aliases.append(
                    Alias(
                        name=alias_name,
                        quality="weak" if quality == "low" else "former" if quality.startswith("f.k.a") else "good",
                    )
                )
            ref = _text(rec, "REFERENCE_NUMBER").strip()
            entries.append(
                ListEntry(
                    reference=ref,
                    kind=kind,
                    name=name,
                    aliases=tuple(aliases),
                    listed_on=_date(_text(rec, "LISTED_ON")),
                    listing=f"UN list {ref}",
                )
            )
    if not entries:
        raise _problem(path, f"no {list_type} records in this list")
    return ScreeningList(
        kind="un",
        title="UN Security Council consolidated list (1718 / DPRK records)",
        path=display_path(path),
        sha256=hashlib.sha256(raw).hexdigest(),
        generated=root.attrib.get("dateGenerated", "undated"),
        dated=parse_list_date(root.attrib.get("dateGenerated", "")),
        date_basis="the list's dateGenerated",
        entries=tuple(entries),
    )


def _vessel_rows(data: Any, path: Path) -> list[dict[str, object]]:
    """The rows of a vessels JSON, or a diagnostic naming the first part of the wrong shape."""
    if not isinstance(data, dict) or not isinstance(data.get("vessels"), list):
        got = type(data).__name__ if not isinstance(data, dict) else "no 'vessels' list"
        raise _problem(path, f"not a designated-vessels list: expected an object with a 'vessels' list ({got})")
    rows: list[dict[str, object]] = data["vessels"]
    for n, row in enumerate(rows):
        if not isinstance(row, dict):
            raise _problem(
                path, f"not a designated-vessels list: vessels[{n}] is a {type(row).__name__}, not an object"
            )
        designations = row.get("designations")
        if designations is not None and not isinstance(designations, list):
            raise _problem(path, f"not a designated-vessels list: vessels[{n}].designations is not a list")
    return rows


_MEASURE = ("para_", "omm_")


def load_vessel_list(path: Path) -> ScreeningList:
    """The 1718 Designated Vessels List as JSON (``{"meta": ..., "vessels": [...]}``) or CSV."""
    display = display_path(path)
    rows: list[dict[str, object]]
    edition = "undated"
    is_json = path.suffix.lower() == ".json"
    raw = read_limited(path, display, MAX_JSON_BYTES if is_json else MAX_LIST_BYTES)
    if is_json:
        data = parse_json(raw, display)
        rows = _vessel_rows(data, path)
        meta = data.get("meta")
        edition = str(meta.get("list_version", "undated")) if isinstance(meta, dict) else "undated"
    else:
        try:
            rows = [
                {k: v for k, v in row.items() if isinstance(k, str)}  # cells past the header have no name
                for row in csv.DictReader(raw.decode("utf-8-sig").splitlines())
            ]
        except (ValueError, csv.Error) as exc:
            raise _problem(path, f"not a designated-vessels list (JSON with 'vessels', or CSV): {exc}") from None
    entries = []
    for row in rows:
        names = row.get("names")
        names_list = (
            [n.strip() for n in names if isinstance(n, str) and n.strip()]
            if isinstance(names, list)
            else [n.strip() for n in str(names or "").split(";") if n.strip()]
        )
        if not names_list:
            continue
        imo = str(row.get("imo_number") or "").strip() or None
        designations = row.get("designations")
        # each designation's date, and the measure columns it marks "Yes"
        marks: list[tuple[date | None, list[str]]] = []
        if isinstance(designations, list):
            dates = [d.get("date_of_designation_iso") for d in designations if isinstance(d, dict)]
            for d in designations:
                if isinstance(d, dict):
                    marks.append(
                        (
                            _date(str(d.get("date_of_designation_iso") or "")),
                            [k for k, v in d.items() if k.startswith(_MEASURE) and str(v).strip().lower() == "yes"],
                        )
                    )
        else:  # CSV: several designations are "; "-separated, column by column in the same order
            dates = [p.strip() for p in str(row.get("date_of_designation") or "").split(";")]
            cells = {k: str(v or "").split(";") for k, v in row.items() if k.startswith(_MEASURE)}
            for n, when in enumerate(dates):
                marks.append(
                    (
                        _date(str(when or "")),
                        [k for k, c in cells.items() if n < len(c) and c[n].strip().lower() == "yes"],
                    )
                )
        since: dict[str, date | None] = {}
        for when, columns in marks:
            for k in columns:
                known = since.get(k)
                if k not in since or (when is not None and (known is None or when < known)):
                    since[k] = when
        measures = [ListedMeasure(column=k, since=since[k]) for k in sorted(since)]
        listed = min((d for d in (_date(str(x or "")) for x in dates) if d is not None), default=None)
        ref = f"IMO {imo}" if imo else f"row {row.get('row_number')}"
        entries.append(
            ListEntry(
                reference=ref,
                kind=EntryKind.VESSEL,
                name=names_list[0],
                aliases=tuple(Alias(name=n, quality="former") for n in names_list[1:]),
                listed_on=listed,
                imo=imo if imo and imo.isdigit() else None,
                measures=tuple(measures),
                listing=f"1718 Designated Vessels List, row {row.get('row_number')} ({names_list[0]}, {ref})",
            )
        )
    if not entries:
        raise _problem(path, "no vessels in this list")
    if is_json:
        dated, basis = parse_list_date(edition), "the list's edition date (meta.list_version)"
    else:  # a CSV has no date of its own: the latest designation in it is a lower bound on its date
        dated = max((e.listed_on for e in entries if e.listed_on is not None), default=None)
        basis = "latest designation date in the list (the list is at least this recent; its age is an upper bound)"
        edition = f"latest designation {dated}" if dated else "undated"
    return ScreeningList(
        kind="vessels",
        title="1718 Committee designated vessels list",
        path=display_path(path),
        sha256=hashlib.sha256(raw).hexdigest(),
        generated=edition,
        dated=dated,
        date_basis=basis,
        entries=tuple(entries),
    )


# --- matching ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    """A listed entry a name resembles, before the event's date is known."""

    list_index: int
    entry_index: int
    score: float
    matched: str
    method: str


def entry_names(entry: ListEntry) -> list[tuple[str, str]]:
    """The names an entry is known by, with how each may match: name, alias, weak-alias, acronym."""
    out = [(entry.name, "name")] + [(a.name, "weak-alias" if a.quality == "weak" else "alias") for a in entry.aliases]
    short = acronym(entry.name)
    if short:
        out.append((short, "acronym"))
    return out


#: Names scored at once when prefiltering a ledger (bounds the score matrices' memory).
_BLOCK = 2000

#: Methods that count only when the compared forms are equal (a resemblance alone is not enough).
EXACT_ONLY = frozenset({"weak-alias", "acronym"})


#: The names of the lists last screened against, per kinds asked (see :func:`_listed_names`).
_NAMES_LOCK = threading.Lock()
_NAMES: dict[tuple[tuple[int, ...], frozenset[EntryKind] | None], tuple[list[ScreeningList], list[Any], list[str]]] = {}


def _listed_names(
    lists: list[ScreeningList], kinds: frozenset[EntryKind] | None
) -> tuple[list[tuple[int, int, str, str]], list[str]]:
    """(list, entry, name, method) of every name of ``lists`` of ``kinds``, and the names alone:
    the same on every query against the same lists, so built once (kept for the last few lists,
    which the cache holds, so an id is never reused while its entry is here)."""
    key = (tuple(id(lst) for lst in lists), kinds)
    with _NAMES_LOCK:
        hit = _NAMES.get(key)
    if hit is not None and all(a is b for a, b in zip(hit[0], lists, strict=True)):
        return hit[1], hit[2]
    names = [
        (li, ei, candidate, method)
        for li, lst in enumerate(lists)
        for ei, entry in enumerate(lst.entries)
        if not kinds or entry.kind in kinds
        for candidate, method in entry_names(entry)
    ]
    targets = [n[2] for n in names]
    with _NAMES_LOCK:
        if len(_NAMES) >= 8:
            _NAMES.pop(next(iter(_NAMES)))
        _NAMES[key] = (list(lists), names, targets)
    return names, targets


def _name_candidates(
    query: str, lists: list[ScreeningList], threshold: float, kinds: frozenset[EntryKind] | None
) -> list[_Candidate]:
    names, targets = _listed_names(lists, kinds)
    if not names:
        return []
    scores = batch_scores([query], targets)[0]
    best: dict[tuple[int, int], tuple[float, str, str]] = {}
    for (li, ei, candidate, method), raw in zip(names, scores, strict=True):
        score = float(raw)
        if method in EXACT_ONLY and score < 100.0:
            continue  # a weak alias or a bare acronym never matches on resemblance alone
        known = best.get((li, ei))
        if score >= threshold and (known is None or score > known[0]):
            best[(li, ei)] = (score, candidate, method)
    return [_Candidate(li, ei, *found) for (li, ei), found in sorted(best.items())]


def _name_match(
    c: _Candidate, query: str, lists: list[ScreeningList], role: str, on: date | None, threshold: float
) -> ListMatch:
    entry = lists[c.list_index].entries[c.entry_index]
    in_force = entry.listed_on is None or on is None or entry.listed_on <= on
    what = {"name": "name", "acronym": "acronym"}.get(c.method, "alias")
    return ListMatch(
        query=query,
        role=role,
        reference=entry.reference,
        kind=entry.kind,
        matched=c.matched,
        method=c.method,
        listed_name=entry.name,
        compared=compared(query, c.matched),
        measures=entry.measures,
        score=round(c.score, 1),
        definite=False,
        listed_on=entry.listed_on,
        in_force=in_force,
        listing=entry.listing,
        explanation=f"{role} '{query}' resembles the listed {entry.kind.value} "
        f"{what} '{c.matched}' (score {c.score:.0f} of 100 on {compared(query, c.matched)}, threshold "
        f"{threshold:g}); a name match needs its identity confirmed",
    )


def screen_name(
    query: str,
    lists: list[ScreeningList],
    *,
    role: str = "name",
    on: date | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    kinds: set[EntryKind] | None = None,
) -> list[ListMatch]:
    """Every listed name or alias that resembles ``query`` at ``threshold`` or above, best first."""
    found = _name_candidates(query, lists, threshold, frozenset(kinds) if kinds else None)
    out = [_name_match(c, query, lists, role, on, threshold) for c in found]
    return sorted(out, key=lambda m: (-m.score, m.reference))


def screen_identifier(value: str, lists: list[ScreeningList], *, role: str, on: date | None = None) -> list[ListMatch]:
    """An IMO number or a UN reference number, matched exactly."""
    value = value.strip()
    out = []
    for lst in lists:
        for entry in lst.entries:
            method = None
            if entry.imo and value.removeprefix("IMO").strip() == entry.imo:
                method = "imo"
            elif entry.kind != EntryKind.VESSEL and value.upper() == entry.reference.upper():
                method = "un-reference"
            if method is None:
                continue
            in_force = entry.listed_on is None or on is None or entry.listed_on <= on
            out.append(
                ListMatch(
                    query=value,
                    role=role,
                    reference=entry.reference,
                    kind=entry.kind,
                    matched=value,
                    method=method,
                    listed_name=entry.name,
                    measures=entry.measures,
                    score=100.0,
                    definite=True,
                    listed_on=entry.listed_on,
                    in_force=in_force,
                    listing=entry.listing,
                    explanation=f"{role} {'IMO' if method == 'imo' else 'UN reference'} {value} is listed: "
                    f"{entry.listing}" + (f", {entry.name}" if entry.name not in entry.listing else ""),
                )
            )
    return out


class EventScreening(BaseModel):
    """What screening found for one event: every match, in force on the event's date or not."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    matches: tuple[ListMatch, ...] = ()
    screened_against: tuple[str, ...] = Field(default=(), description="The lists screened against (title, date)")

    def hits(self, kinds: set[EntryKind], *, definite: bool) -> list[ListMatch]:
        return [m for m in self.matches if m.in_force and m.kind in kinds and m.definite == definite]


PARTY_KINDS = {EntryKind.INDIVIDUAL, EntryKind.ENTITY}
#: A party's stated type (scenario ``type``) narrows name screening to the list entries of that kind.
TYPE_KINDS: dict[str, frozenset[EntryKind]] = {
    "person": frozenset({EntryKind.INDIVIDUAL}),
    "entity": frozenset({EntryKind.ENTITY}),
    "vessel": frozenset({EntryKind.VESSEL}),
}


class Screener:
    """Screens many events against the same lists, remembering each name it has looked up.

    ``prefilter`` settles, for many names at once, which resemble no listed name at all (most of
    a trade ledger): rapidfuzz's ``cdist`` computes the same two scores ``name_score`` does, in C
    and in parallel, so a name below the threshold there is below it here too, and the rest are
    looked up one by one as usual. Results are the same with or without the prefilter.
    """

    def __init__(self, lists: list[ScreeningList], threshold: float = DEFAULT_THRESHOLD):
        self.lists = lists
        self.threshold = threshold
        self._cache: dict[tuple[str, frozenset[EntryKind] | None], list[_Candidate]] = {}

    def candidates(self, query: str, kinds: frozenset[EntryKind] | None) -> list[_Candidate]:
        key = (query, kinds)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = _name_candidates(query, self.lists, self.threshold, kinds)
        return found

    def prefilter(self, names: Iterable[str]) -> set[str]:
        """Look many names up at once; return those that resemble some listed name or alias."""
        targets = [n for lst in self.lists for entry in lst.entries for n, _ in entry_names(entry)]
        known = {q for q, _ in self._cache}
        unique = sorted({n for n in names if n and n not in known})
        if not unique or not targets:
            return set()
        hits = set()
        for start in range(0, len(unique), _BLOCK):
            block = unique[start : start + _BLOCK]
            best = batch_scores(block, targets, workers=-1).max(axis=1)
            for name, score in zip(block, best, strict=True):
                if score < self.threshold:
                    for kinds in (frozenset(PARTY_KINDS), frozenset({EntryKind.VESSEL})):
                        self._cache[(name, kinds)] = []
                else:
                    hits.add(name)
        return hits

    def screen_event(self, event: object) -> EventScreening:
        """Screen an event's supplier, recipient and vessels: identifiers first, then names."""
        from .scenario import Event

        assert isinstance(event, Event)
        lists = self.lists
        if not lists:
            return EventScreening()
        on = event.end
        matches: list[ListMatch] = []
        for role, party in (("supplier", event.supplier), ("recipient", event.recipient)):
            if party is None:
                continue
            party_kinds = TYPE_KINDS.get(party.type.value if party.type else "", frozenset(PARTY_KINDS))
            if party.un_reference:
                matches.extend(screen_identifier(party.un_reference, lists, role=role, on=on))
            if party.imo:
                matches.extend(screen_identifier(party.imo, lists, role=role, on=on))
            if party.name:
                found = sorted(
                    (
                        _name_match(c, party.name, lists, role, on, self.threshold)
                        for c in self.candidates(party.name, party_kinds)
                    ),
                    key=lambda m: (-m.score, m.reference),
                )
                known = {m.reference for m in matches}
                matches.extend(m for m in found if m.reference not in known)
        for vessel in event.vessels:
            found = screen_identifier(vessel.imo, lists, role="vessel", on=on) if vessel.imo else []
            known = {m.reference for m in found}
            name = vessel.name or ""  # an unnamed vessel has nothing to screen but its IMO number
            named = sorted(
                (
                    _name_match(c, name, lists, "vessel", on, self.threshold)
                    for c in (self.candidates(name, frozenset({EntryKind.VESSEL})) if name else [])
                ),
                key=lambda m: (-m.score, m.reference),
            )
            found += [m for m in named if m.reference not in known]
            matches.extend(found)
        against = tuple(f"{lst.title}, {lst.generated}" for lst in lists)
        return EventScreening(matches=tuple(matches), screened_against=against)


def screen_event(event: object, lists: list[ScreeningList], threshold: float = DEFAULT_THRESHOLD) -> EventScreening:
    """Screen one event (see :class:`Screener` for many)."""
    return Screener(lists, threshold).screen_event(event)
