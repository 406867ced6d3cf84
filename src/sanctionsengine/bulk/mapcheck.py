"""A column mapping checked before any row is read: its defaults against the vocabularies, its
columns against the file's header, every problem located in the mapping file, all at once.

A misspelt default (``kind: transfr``) would otherwise reject every row one by one; a column
the file does not have would be named against the data file instead of the mapping's line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from ..commodities import normalize_hs
from ..errors import Diagnostic, Diagnostics, InputError, SourceLocation, did_you_mean
from ..quantities import parse_unit
from ..scenario import country_code
from ..vocabulary import EventKind, Flag
from ..yamlfile import YamlDocument, display_path, load_yaml
from .fields import FIELDS, LIST_FIELDS, REQUIRED
from .mapping import ColumnMapping


def _one_of(values: list[str]) -> Callable[[str], None]:
    def check(text: str) -> None:
        if text not in values:
            hint = did_you_mean(text, values)
            raise ValueError(
                f"unknown value '{text}'; expected one of {', '.join(values)}" + (f" ({hint})" if hint else "")
            )

    return check


def _number(text: str) -> None:
    if text.strip().lower() == "unknown":
        return
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"'{text}' is not a number; expected a number or 'unknown'") from None
    if value != value or value in (float("inf"), float("-inf")) or value < 0:
        raise ValueError(f"'{text}' is not a finite number of zero or more")


def _date(text: str) -> None:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"'{text}' is not a date; expected YYYY-MM-DD (a real calendar day)") from None


def _unit(text: str) -> None:
    parse_unit(text)


def _hs(text: str) -> None:
    normalize_hs(text)


def _country(text: str) -> None:
    country_code(text)


def _checkers(groups: list[str] | None) -> dict[str, Callable[[str], None]]:
    kinds = _one_of([k.value for k in EventKind])
    out: dict[str, Callable[[str], None]] = {
        "date": _date,
        "kind": kinds,
        "offered": kinds,
        "supplier": _country,
        "recipient": _country,
        "concerns": _country,
        "hs": _hs,
        "flags": _one_of([f.value for f in Flag]),
        "quantity": _number,
        "value_usd": _number,
        "total_usd": _number,
        "unit": _unit,
    }
    if groups is not None:
        out["category"] = _one_of(sorted(groups))
    return out


def check_mapping(
    mapping: ColumnMapping,
    doc: YamlDocument | None,
    header: list[str] | None = None,
    data_file: str = "",
    groups: list[str] | None = None,
) -> Diagnostics:
    """Every problem of ``mapping`` (from the file ``doc``, or the command line when None): its
    defaults against the vocabularies, and, given the data file's ``header``, its columns."""
    diags = Diagnostics()

    def where(*loc: str) -> SourceLocation:
        if doc is not None and doc.has(loc):
            return doc.location(loc)
        if doc is not None:
            return doc.location(())
        return SourceLocation("<command line>")

    checkers = _checkers(groups)
    for field, value in mapping.defaults.items():
        check = checkers.get(field)
        if check is None:
            continue
        items = [v.strip() for v in value.split(mapping.separator)] if field in LIST_FIELDS else [value]
        for item in items:
            try:
                check(item)
            except ValueError as exc:
                diags.add(
                    Diagnostic(
                        where("defaults", field),
                        "unknown-value" if "unknown" in str(exc) else "bad-value",
                        f"default for every row: {exc}",
                        path=f"defaults.{field}",
                    )
                )
    if header is not None:
        shown = ", ".join(header) or "none"
        for field, column in mapping.columns.items():
            if column not in header:
                diags.add(
                    Diagnostic(
                        where("columns", field),
                        "dangling-reference",
                        f"column '{column}' is not in {data_file or 'the file'}; its columns: {shown}",
                        path=f"columns.{field}",
                        hint=did_you_mean(column, header),
                    )
                )
        sources = mapping.source_of(header)
        for field in sorted(REQUIRED):
            if field not in sources and field not in mapping.defaults:
                diags.add(
                    Diagnostic(
                        where("columns"),
                        "missing",
                        f"no column gives the '{field}' field ({FIELDS[field]}); map one under 'columns' "
                        f"or with --map {field}=COLUMN",
                        hint=did_you_mean(field, header),
                    )
                )
    return diags


def _readable_part(data: object) -> ColumnMapping:
    """The entries of a mapping file that are valid on their own, to check them in the same pass
    as the entries that are not."""
    raw = data if isinstance(data, dict) else {}
    cleaned: dict[str, object] = {}
    for key in ("columns", "defaults"):
        part = raw.get(key)
        if isinstance(part, dict):
            cleaned[key] = {f: v for f, v in part.items() if isinstance(f, str) and f in FIELDS and isinstance(v, str)}
    sep = raw.get("separator")
    if isinstance(sep, str) and 1 <= len(sep) <= 3:
        cleaned["separator"] = sep
    try:
        return ColumnMapping.model_validate(cleaned)
    except ValueError:
        return ColumnMapping()


def load_checked_mapping(
    path: Path | None,
    maps: tuple[str, ...] = (),
    defaults: tuple[str, ...] = (),
    separator: str | None = None,
    header: list[str] | None = None,
    data_file: str = "",
    groups: list[str] | None = None,
) -> ColumnMapping:
    """The mapping from its file and the flags, checked in one pass; raise InputError with every
    problem of the file, the flags, the defaults and the columns together."""
    from ..yamlfile import validate
    from .mapping import mapping_from_flags

    problems = Diagnostics()
    doc = load_yaml(path) if path is not None else None
    base: ColumnMapping | None = None
    if doc is not None:
        base, found = validate(ColumnMapping, doc.data if doc.data is not None else {}, doc)
        problems.extend(found)
        if base is None:
            base = _readable_part(doc.data)
    try:
        mapping = (
            mapping_from_flags(base, maps, defaults, separator)
            if (base is None or maps or defaults or separator)
            else base
        )
    except InputError as exc:
        problems.extend(exc.diagnostics)
        mapping = base or ColumnMapping()
    problems.extend(check_mapping(mapping, doc, header, data_file, groups))
    problems.raise_if_any()
    return mapping


def header_of(path: Path, input_format: str | None) -> tuple[list[str], str]:
    """The column names of a data file, and its format, for checking a mapping against it."""
    from .read import columns_of, detect_format

    if not path.is_file():
        raise InputError([Diagnostic(SourceLocation(display_path(path)), "file-not-found", "no such file")])
    fmt = detect_format(path, input_format)
    return columns_of(path, fmt), fmt


__all__ = ["check_mapping", "header_of", "load_checked_mapping"]
