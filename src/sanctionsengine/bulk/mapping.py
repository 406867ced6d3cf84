"""Which of the user's columns holds which event field: a small YAML file, or command-line flags.

```yaml
columns:            # field: the column that holds it
  date: shipment_date
  supplier: exporter_country
  recipient: importer_country
  hs: hs_code
defaults:           # a value for every row, for a field no column holds
  kind: transfer
separator: ";"      # between the items of a list field in one cell (hs, flags, category...)
```

A field no mapping names is read from a column of the same name, when there is one.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from ..errors import Diagnostic, InputError, SourceLocation, did_you_mean
from ..yamlfile import load_yaml, validate
from .fields import FIELDS

if TYPE_CHECKING:
    FieldName = str
else:  # validated as a closed set, so an unknown field is named with its line and a suggestion
    FieldName = StrEnum("FieldName", {name: name for name in FIELDS})


class ColumnMapping(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=True)

    columns: dict[FieldName, str] = Field(default_factory=dict, description="field → the column that holds it")
    defaults: dict[FieldName, str] = Field(default_factory=dict, description="field → a value for every row")
    separator: str = Field(default=";", min_length=1, max_length=3, description="between items of a list field")
    #: ("columns" or "defaults", field) → where it was given (the mapping file's line, or the command line)
    _where: dict[tuple[str, str], SourceLocation] = PrivateAttr(default_factory=dict)

    def where(self, section: str, field: str) -> SourceLocation:
        """Where ``section.field`` was given, for a diagnostic about it."""
        return self._where.get((section, field), SourceLocation("<command line>"))

    @field_validator("columns", "defaults")
    @classmethod
    def _plain_keys(cls, value: dict[object, str]) -> dict[str, str]:
        return {str(getattr(k, "value", k)): v for k, v in value.items()}

    def source_of(self, available: list[str]) -> dict[str, str]:
        """field → column, for the fields this file can supply (mapped, or named like the field)."""
        out = {f: c for f, c in self.columns.items()}
        for f in FIELDS:
            if f not in out and f not in self.defaults and f in available:
                out[f] = f
        return out

    def missing_columns(self, available: list[str]) -> list[str]:
        return [c for c in self.columns.values() if c not in available]


def load_mapping(path: Path) -> ColumnMapping:
    doc = load_yaml(path)
    mapping, problems = validate(ColumnMapping, doc.data if doc.data is not None else {}, doc)
    if problems:
        raise InputError(problems)
    assert isinstance(mapping, ColumnMapping)
    for section in ("columns", "defaults"):
        for name in getattr(mapping, section):
            mapping._where[(section, name)] = doc.location([section, name])
    return mapping


def partial_mapping(path: Path) -> ColumnMapping | None:
    """The entries of a mapping file that are valid on their own (a known field, a text value),
    with their places; for checking them against the data file even when others are wrong, so
    that every problem is reported in one run. None when the file is not a YAML mapping at all."""
    try:
        doc = load_yaml(path)
    except InputError:
        return None
    data = doc.data if isinstance(doc.data, dict) else {}
    kept: dict[str, dict[str, str]] = {}
    for section in ("columns", "defaults"):
        entries = data.get(section)
        if isinstance(entries, dict):
            kept[section] = {k: v for k, v in entries.items() if k in FIELDS and isinstance(v, str)}
    separator = data.get("separator")
    try:
        mapping = ColumnMapping(
            **kept, **({"separator": separator} if isinstance(separator, str) and 0 < len(separator) <= 3 else {})
        )
    except ValueError:
        return None
    for section, entries in kept.items():
        for name in entries:
            mapping._where[(section, name)] = doc.location([section, name])
    return mapping


def mapping_from_flags(
    base: ColumnMapping | None, maps: tuple[str, ...], defaults: tuple[str, ...], separator: str | None
) -> ColumnMapping:
    """Apply ``--map field=column`` and ``--default field=value`` over a mapping file (or none)."""
    columns = dict(base.columns) if base else {}
    values = dict(base.defaults) if base else {}
    problems = []
    for flag, target in (("--map", columns), ("--default", values)):
        for item in maps if flag == "--map" else defaults:
            field, sep, value = item.partition("=")
            field = field.strip()
            if not sep or not field or not value:
                problems.append(
                    Diagnostic(SourceLocation("<command line>"), "bad-value", f"{flag} '{item}': expected field=value")
                )
            elif field not in FIELDS:
                hint = did_you_mean(field, list(FIELDS))
                problems.append(
                    Diagnostic(
                        SourceLocation("<command line>"),
                        "unknown-key",
                        f"{flag} '{item}': unknown field '{field}'",
                        hint=hint,
                    )
                )
            else:
                target[field] = value
    if problems:
        raise InputError(problems)
    out = ColumnMapping(columns=columns, defaults=values, separator=separator or (base.separator if base else ";"))
    if base is not None:
        out._where.update(
            {
                (section, f): w
                for (section, f), w in base._where.items()
                if getattr(base, section)[f] == getattr(out, section).get(f)
            }
        )
    return out
