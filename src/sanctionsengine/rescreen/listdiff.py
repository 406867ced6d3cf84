"""``lists diff OLD NEW``: which entries of a screening list were added, removed or changed.

Both files are first loaded as screening does (:func:`~sanctionsengine.screening.load_un_list`,
:func:`~sanctionsengine.screening.load_vessel_list`), so a file screening would refuse is refused
here too, with the same diagnostics. Each entry is then read field by field:

- UN consolidated list (XML): an entry is a DPRK record, keyed by its reference number
  (``KPe.020``); its fields are the name (first to fourth name), each alias with its quality,
  each identity document, the listing date and every other element of the record (nationality,
  address, comments, ``VERSIONNUM``...), each as ``TAG: text`` with white space collapsed;
- designated-vessels list (JSON or CSV): an entry is a vessel, keyed by its IMO number (or, for
  the one vessel without one, its first name); its fields are the first name, the other names
  (aliases), the identifiers (IMO, MMSI, call signs), the measure columns of each designation,
  the designation dates and the other columns. The row number is the vessel's place in the list,
  not a fact about it, and is left out.

A change is named by its field and the values removed and added. Output is sorted (entries by
key, fields by category then name, values as text): the same two files give the same bytes.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..limits import MAX_JSON_BYTES, MAX_LIST_BYTES, parse_json, read_limited
from ..screening import ScreeningList, load_un_list, load_vessel_list
from ..wording import plural
from ..yamlfile import display_path

Category = Literal["name", "alias", "identifier", "listed_on", "measure", "other"]
CATEGORY_ORDER: tuple[Category, ...] = ("name", "alias", "identifier", "listed_on", "measure", "other")
_SPACE = re.compile(r"\s+")


class ListSide(BaseModel):
    """One of the two files compared."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str = Field(description="un or vessels")
    path: str
    sha256: str
    generated: str
    entries: int


class EntrySummary(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(description="Reference number (UN list) or 'IMO nnnnnnn' (vessels)")
    kind: str = Field(description="individual, entity or vessel")
    name: str
    listed_on: str | None


class FieldChange(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    category: Category
    field: str
    removed: list[str]
    added: list[str]


class EntryChange(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    entry: EntrySummary = Field(description="The entry as it is in the new list")
    changes: list[FieldChange]


class ListDiff(BaseModel):
    """Every difference between two versions of one list."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    old: ListSide
    new: ListSide
    added: list[EntrySummary]
    removed: list[EntrySummary]
    changed: list[EntryChange]

    @property
    def identical(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def counts(self) -> str:
        n = len(self.added) + len(self.removed) + len(self.changed)
        return (
            f"{plural(n, 'entry')} {'differs' if n == 1 else 'differ'}: {len(self.added)} added, "
            f"{len(self.removed)} removed, {len(self.changed)} changed"
        )


# --- reading entries field by field ---------------------------------------------------------------


class _Record:
    """One entry: its summary and its fields (field -> (category, values))."""

    def __init__(self, summary: EntrySummary, fields: dict[str, tuple[Category, list[str]]]):
        self.summary = summary
        self.fields = fields


def _clean(text: str | None) -> str:
    return _SPACE.sub(" ", text or "").strip()


def _flatten(elem: Any, prefix: str = "") -> list[str]:
    """Every text of an element and its children, as 'TAG/CHILD: text'."""
    tag = f"{prefix}{elem.tag}"
    out = []
    text = _clean(elem.text)
    if text:
        out.append(f"{tag}: {text}" if prefix else text)
    for child in elem:
        out.extend(_flatten(child, f"{tag}/" if prefix else ""))
    return out


_NAME_TAGS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")


def _un_records(path: Path, list_type: str = "DPRK") -> list[_Record]:
    from defusedxml import ElementTree as SafeET

    root = SafeET.fromstring(read_limited(path, display_path(path), MAX_LIST_BYTES), forbid_dtd=True)
    records = []
    for section, item, kind in (("INDIVIDUALS", "INDIVIDUAL", "individual"), ("ENTITIES", "ENTITY", "entity")):
        for rec in root.findall(f"{section}/{item}"):
            if _clean(rec.findtext("UN_LIST_TYPE")) != list_type:
                continue
            ref = _clean(rec.findtext("REFERENCE_NUMBER"))
            name = " ".join(p for p in (_clean(rec.findtext(t)) for t in _NAME_TAGS) if p)
            fields: dict[str, tuple[Category, list[str]]] = {"name": ("name", [name])}
            listed = _clean(rec.findtext("LISTED_ON"))
            fields["listed_on"] = ("listed_on", [listed] if listed else [])
            for child in rec:
                tag = child.tag
                if tag in _NAME_TAGS or tag in ("REFERENCE_NUMBER", "LISTED_ON"):
                    continue
                if tag.endswith("_ALIAS"):
                    alias = _clean(child.findtext("ALIAS_NAME"))
                    if alias:
                        quality = _clean(child.findtext("QUALITY")) or "no quality"
                        fields.setdefault("alias", ("alias", []))[1].append(f"{alias} ({quality})")
                    continue
                values = [v if ": " in v else f"{tag}: {v}" for v in _flatten(child, "")]
                if tag.endswith("_DOCUMENT"):
                    parts = [_clean(c.text) for c in child if _clean(c.text)]
                    if parts:
                        fields.setdefault("document", ("identifier", []))[1].append(", ".join(parts))
                    continue
                if values:
                    fields.setdefault(tag, ("other", []))[1].extend(values)
            records.append(_Record(EntrySummary(key=ref, kind=kind, name=name, listed_on=listed or None), fields))
    return records


_VESSEL_IDS = {"imo_number": "IMO", "mmsi": "MMSI", "call_sign": "call sign"}
_VESSEL_SKIP = {"row_number", "names", "primary_name", "designations", "imo_as_published"}


def _values(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [v for item in value for v in _values(item)]
    return [v for v in (_clean(p) for p in str(value).split(";")) if v]


def _vessel_rows(path: Path) -> list[dict[str, object]]:
    display = display_path(path)
    if path.suffix.lower() == ".json":
        data = parse_json(read_limited(path, display, MAX_JSON_BYTES), display)
        rows: list[dict[str, object]] = []
        for row in data["vessels"]:
            flat = {k: v for k, v in row.items() if k != "designations"}
            for d in row.get("designations") or []:
                for k, v in d.items():
                    existing = flat.setdefault(k, [])
                    assert isinstance(existing, list)
                    existing.append(v)
            if "date_of_designation_iso" in flat:  # the JSON keeps the date as published beside the ISO one
                flat["date_of_designation_as_published"] = flat.pop("date_of_designation", None)
                flat["date_of_designation"] = flat.pop("date_of_designation_iso")
            flat["vessel_type"] = flat.pop("type", None)
            rows.append(flat)
        return rows
    text = read_limited(path, display, MAX_LIST_BYTES).decode("utf-8-sig")
    return [{k: v for k, v in row.items() if isinstance(k, str)} for row in csv.DictReader(text.splitlines())]


def _vessel_records(path: Path) -> list[_Record]:
    records = []
    for row in _vessel_rows(path):
        names = _values(row.get("names"))
        if not names:
            continue
        imo = _clean(str(row.get("imo_number") or ""))
        key = f"IMO {imo}" if imo else names[0]
        fields: dict[str, tuple[Category, list[str]]] = {"name": ("name", names[:1]), "alias": ("alias", names[1:])}
        dates = _values(row.get("date_of_designation"))
        fields["listed_on"] = ("listed_on", dates)
        for column, value in row.items():
            if column in _VESSEL_SKIP or column == "date_of_designation":
                continue
            if column in _VESSEL_IDS:
                fields[_VESSEL_IDS[column]] = ("identifier", _values(value))
            elif column.startswith(("para_", "omm_")):
                fields[column] = ("measure", _values(value))
            else:
                fields[column] = ("other", _values(value))
        summary = EntrySummary(key=key, kind="vessel", name=names[0], listed_on=min(dates) if dates else None)
        records.append(_Record(summary, fields))
    return records


def _side(lst: ScreeningList) -> ListSide:
    return ListSide(kind=lst.kind, path=lst.path, sha256=lst.sha256, generated=lst.generated, entries=len(lst.entries))


def kind_of(path: Path) -> str:
    return "un" if path.suffix.lower() == ".xml" else "vessels"


def load_for_diff(path: Path, kind: str | None = None) -> tuple[ScreeningList, list[_Record]]:
    """The list as screening loads it (refusing what screening refuses) and its entries field by field."""
    kind = kind or kind_of(path)
    if kind == "un":
        return load_un_list(path), _un_records(path)
    return load_vessel_list(path), _vessel_records(path)


def _by_key(records: list[_Record]) -> dict[str, _Record]:
    """Records by key; a key found twice (a list error) keeps both, the second as 'KEY (2)'."""
    out: dict[str, _Record] = {}
    for r in records:
        key, n = r.summary.key, 1
        while key in out:
            n += 1
            key = f"{r.summary.key} ({n})"
        out[key] = r
    return out


def _field_changes(old: _Record, new: _Record) -> list[FieldChange]:
    changes = []
    for name in sorted(
        set(old.fields) | set(new.fields),
        key=lambda f: (CATEGORY_ORDER.index((new.fields.get(f) or old.fields[f])[0]), f),
    ):
        category = (new.fields.get(name) or old.fields[name])[0]
        before = Counter(old.fields.get(name, (category, []))[1])
        after = Counter(new.fields.get(name, (category, []))[1])
        if before == after:
            continue
        changes.append(
            FieldChange(
                category=category,
                field=name,
                removed=sorted((before - after).elements()),
                added=sorted((after - before).elements()),
            )
        )
    return changes


def diff_lists(old_path: Path, new_path: Path, kind: str | None = None) -> ListDiff:
    """Every entry added, removed or changed between two versions of one list."""
    from ..errors import Diagnostic, InputError, SourceLocation

    if kind is None and kind_of(new_path) != kind_of(old_path):
        raise InputError(
            [
                Diagnostic(
                    SourceLocation(display_path(new_path)),
                    "bad-value",
                    f"not the same list as {display_path(old_path)}: one is the UN list (XML), the other the vessels list",
                )
            ]
        )
    kind = kind or kind_of(old_path)
    old_list, old_records = load_for_diff(old_path, kind)
    new_list, new_records = load_for_diff(new_path, kind)
    before, after = _by_key(old_records), _by_key(new_records)
    changed = []
    for key in sorted(set(before) & set(after)):
        changes = _field_changes(before[key], after[key])
        if changes:
            changed.append(EntryChange(entry=after[key].summary, changes=changes))
    return ListDiff(
        old=_side(old_list),
        new=_side(new_list),
        added=[after[k].summary for k in sorted(set(after) - set(before))],
        removed=[before[k].summary for k in sorted(set(before) - set(after))],
        changed=changed,
    )


def _change_text(c: FieldChange) -> str:
    label = c.field.replace("_", " ") if c.category in ("other", "measure") else c.category.replace("_", " ")
    if c.category == "identifier" and c.field != "document":
        label = c.field
    parts = []
    if c.removed and c.added and len(c.removed) == len(c.added) == 1:
        return f"{label} '{c.removed[0]}' → '{c.added[0]}'"
    parts += [f"{label} removed '{v}'" for v in c.removed]
    parts += [f"{label} added '{v}'" for v in c.added]
    return "; ".join(parts)


def diff_text(d: ListDiff) -> str:
    """The diff for people: one line per entry, then the counts."""
    title = "UN consolidated list (DPRK records)" if d.old.kind == "un" else "1718 designated vessels list"
    lines = [
        f"{title}",
        f"  old: {d.old.path}, {d.old.generated} (sha256 {d.old.sha256[:16]}…, {d.old.entries} entries)",
        f"  new: {d.new.path}, {d.new.generated} (sha256 {d.new.sha256[:16]}…, {d.new.entries} entries)",
    ]
    for e in d.added:
        lines.append(
            f"+ added    {e.key}  {e.kind}  {e.name}" + (f"  (listed on {e.listed_on})" if e.listed_on else "")
        )
    for e in d.removed:
        lines.append(f"- removed  {e.key}  {e.kind}  {e.name}")
    for c in d.changed:
        lines.append(f"~ changed  {c.entry.key}  {c.entry.kind}  {c.entry.name}")
        lines.extend(f"      {_change_text(fc)}" for fc in c.changes)
    lines.append("no differences" if d.identical else d.counts())
    return "\n".join(lines) + "\n"
