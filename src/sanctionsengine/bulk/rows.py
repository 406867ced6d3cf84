"""Check every row column by column, and turn the good ones into events.

Each field is parsed with a polars expression (a date, a country code, a number, a known unit,
flag or kind...); a row with any cell that cannot be read is set aside whole, with its row, its
line and every problem found in it, and with its original content, so that nothing the user gave
is lost or silently changed. The good rows keep typed columns; :func:`to_event` makes the same
:class:`~sanctionsengine.scenario.Event` a scenario file would, for the rows the engine must see.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import polars as pl
import pycountry

from ..errors import Diagnostic, did_you_mean
from ..quantities import Quantity
from ..rulebook import Rulebook
from ..scenario import Commodity, Event, Evidence, Party, Value, Vessel
from ..vocabulary import AMBIGUOUS_UNITS, OFFERABLE_KINDS, RECORD_KINDS, UNIT_ALIASES, Confidence, EventKind, Flag, Unit
from .fields import FIELDS
from .mapping import ColumnMapping

COUNTRIES = sorted(c.alpha_2 for c in pycountry.countries)
KINDS = sorted(k.value for k in EventKind if k not in RECORD_KINDS)
OFFERABLE = sorted(k.value for k in OFFERABLE_KINDS)
FLAGS = sorted(f.value for f in Flag)
UNITS = {**{u.value: u.value for u in Unit}, **{a: u.value for a, u in UNIT_ALIASES.items()}}
UNITS.update({k.replace("-", " "): v for k, v in UNITS.items() if "-" in k})  # "metric tons" as in a cell
NUMBER = r"^[+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$"
EVIDENCE = (
    Evidence(
        source="input",
        quote="as recorded in the input file",
        claimed_by="the input file",
        confidence=Confidence.REPORTED,
    ),
)

#: Typed columns of the good rows.
SCHEMA: dict[str, Any] = {
    "_row": pl.Int64,
    "_line": pl.Int64,
    "id": pl.String,
    "date": pl.Date,
    "kind": pl.String,
    "offered": pl.List(pl.String),
    "supplier": pl.String,
    "recipient": pl.String,
    "supplier_name": pl.String,
    "recipient_name": pl.String,
    "supplier_ref": pl.String,
    "recipient_ref": pl.String,
    "hs": pl.List(pl.String),
    "category": pl.List(pl.String),
    "quantity": pl.Float64,
    "quantity_unknown": pl.Boolean,
    "unit": pl.String,
    "value_usd": pl.Float64,
    "total_usd": pl.Float64,
    "flags": pl.List(pl.String),
    "concerns": pl.List(pl.String),
    "vessel": pl.String,
    "imo": pl.String,
}


def number(col: str) -> pl.Expr:
    return pl.col(col).str.contains(NUMBER)


def _text(name: str) -> pl.Expr:
    s = pl.col(name).str.strip_chars()
    return pl.when(s == "").then(None).otherwise(s)


def _list(name: str, separator: str) -> pl.Expr:
    s = _text(name).str.strip_chars("[]").str.replace_all('"', "")
    if separator != ",":
        s = s.str.replace_all(separator, ",", literal=True)
    items = (
        s.str.split(",").list.eval(pl.element().str.strip_chars()).list.eval(pl.element().filter(pl.element() != ""))
    )
    return pl.when(_text(name).is_null()).then(pl.lit([], dtype=pl.List(pl.String))).otherwise(items)


def _problem(condition: pl.Expr, message: pl.Expr | str) -> pl.Expr:
    return pl.when(condition).then(message if isinstance(message, pl.Expr) else pl.lit(message)).otherwise(None)


def _unknown_items(col: str, valid: list[str]) -> pl.Expr:
    return pl.col(col).list.eval(pl.element().filter(~pl.element().is_in(valid))).list.join("', '")


def mapped(frame: pl.DataFrame, mapping: ColumnMapping) -> pl.DataFrame:
    """The source columns renamed to fields (text), defaults filled in, absent fields empty."""
    sources = mapping.source_of([c for c in frame.columns if not c.startswith("_")])
    exprs = [pl.col("_row"), pl.col("_line")]
    for field in FIELDS:
        if field in sources and sources[field] in frame.columns:
            column = pl.col(sources[field]).cast(pl.String)
            if field in mapping.defaults:
                column = pl.coalesce(
                    pl.when(column.str.strip_chars() == "").then(None).otherwise(column),
                    pl.lit(mapping.defaults[field]),
                )
            exprs.append(column.alias(field))
        elif field in mapping.defaults:
            exprs.append(pl.lit(mapping.defaults[field], dtype=pl.String).alias(field))
        else:
            exprs.append(pl.lit(None, dtype=pl.String).alias(field))
    return frame.select(exprs)


def check(raw: pl.DataFrame, mapping: ColumnMapping, book: Rulebook) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(good rows with typed columns, rows set aside with _row, _line, reason, raw)."""
    sep = mapping.separator
    fields = mapped(raw, mapping)
    groups = sorted(book.groups.groups)
    typed = fields.with_columns(
        _text("id").alias("id_t"),
        _text("date").str.slice(0, 10).str.strptime(pl.Date, "%Y-%m-%d", strict=False).alias("date_t"),
        _text("kind").str.to_lowercase().fill_null("transfer").alias("kind_t"),
        _list("offered", sep).list.eval(pl.element().str.to_lowercase()).alias("offered_t"),
        _text("supplier").str.to_uppercase().alias("supplier_t"),
        _text("recipient").str.to_uppercase().alias("recipient_t"),
        _text("supplier_name").alias("supplier_name_t"),
        _text("recipient_name").alias("recipient_name_t"),
        _text("supplier_ref").alias("supplier_ref_t"),
        _text("recipient_ref").alias("recipient_ref_t"),
        _list("hs", sep).list.eval(pl.element().str.replace_all(r"[.\s]", "")).alias("hs_t"),
        _list("category", sep)
        .list.eval(pl.element().str.to_lowercase().str.replace_all(r"\s+", "-"))
        .alias("category_t"),
        _text("quantity").alias("quantity_s"),
        _text("unit").str.to_lowercase().alias("unit_s"),
        _text("value_usd").alias("value_s"),
        _text("total_usd").alias("total_s"),
        _list("flags", sep).list.eval(pl.element().str.to_lowercase()).alias("flags_t"),
        _list("concerns", sep).list.eval(pl.element().str.to_uppercase()).alias("concerns_t"),
        _text("vessel").alias("vessel_t"),
        _text("imo").str.replace(r"^(?i)imo\s*", "").alias("imo_t"),
    )
    problems = [
        _problem(pl.col("date").is_null() | (_text("date").is_null()), "no date"),
        _problem(
            pl.col("date_t").is_null() & _text("date").is_not_null(),
            pl.format("date '{}' is not YYYY-MM-DD", pl.col("date")),
        ),
        _problem(~pl.col("kind_t").is_in(KINDS), pl.format("unknown kind '{}'", pl.col("kind_t"))),
        _problem(
            (pl.col("kind_t") == "offer") & (pl.col("offered_t").list.len() == 0),
            "an offer needs 'offered' (transfer, service...)",
        ),
        _problem(
            pl.col("offered_t").list.len() > 0,
            pl.when(pl.col("kind_t") != "offer")
            .then(pl.lit("'offered' belongs to rows of kind 'offer'"))
            .when(_unknown_items("offered_t", OFFERABLE) != "")
            .then(pl.format("cannot offer '{}'", _unknown_items("offered_t", OFFERABLE)))
            .otherwise(None),
        ),
        _problem(
            pl.col("supplier_t").is_not_null() & ~pl.col("supplier_t").is_in(COUNTRIES),
            pl.format("supplier '{}' is not an ISO 3166 alpha-2 code", pl.col("supplier")),
        ),
        _problem(
            pl.col("recipient_t").is_not_null() & ~pl.col("recipient_t").is_in(COUNTRIES),
            pl.format("recipient '{}' is not an ISO 3166 alpha-2 code", pl.col("recipient")),
        ),
        _problem(
            _unknown_items("concerns_t", COUNTRIES) != "",
            pl.format("concerns '{}': not ISO 3166 alpha-2 codes", _unknown_items("concerns_t", COUNTRIES)),
        ),
        _problem(
            pl.col("supplier_t").is_null() & pl.col("recipient_t").is_null() & (pl.col("concerns_t").list.len() == 0),
            "no supplier, recipient or concerns: the row names no country",
        ),
        _problem(
            pl.col("supplier_t").is_null()
            & (pl.col("supplier_name_t").is_not_null() | pl.col("supplier_ref_t").is_not_null()),
            "a supplier name or reference needs the supplier's country",
        ),
        _problem(
            pl.col("recipient_t").is_null()
            & (pl.col("recipient_name_t").is_not_null() | pl.col("recipient_ref_t").is_not_null()),
            "a recipient name or reference needs the recipient's country",
        ),
        _problem(
            pl.col("supplier_ref_t").is_not_null() & ~pl.col("supplier_ref_t").str.contains(r"^KP[ie]\.\d{3}$"),
            pl.format("supplier_ref '{}' is not a UN reference number like KPe.020", pl.col("supplier_ref_t")),
        ),
        _problem(
            pl.col("recipient_ref_t").is_not_null() & ~pl.col("recipient_ref_t").str.contains(r"^KP[ie]\.\d{3}$"),
            pl.format("recipient_ref '{}' is not a UN reference number like KPe.020", pl.col("recipient_ref_t")),
        ),
        _problem(
            pl.col("hs_t")
            .list.eval(pl.element().filter(~pl.element().str.contains(r"^[0-9]{2}(?:[0-9]{2}){0,4}$")))
            .list.len()
            > 0,
            pl.format("hs '{}': HS codes have 2, 4, 6, 8 or 10 digits", pl.col("hs")),
        ),
        _problem(
            _unknown_items("category_t", groups) != "",
            pl.format("unknown category '{}'", _unknown_items("category_t", groups)),
        ),
        _problem(
            pl.col("quantity_s").is_not_null()
            & (pl.col("quantity_s").str.to_lowercase() != "unknown")
            & ~number("quantity_s"),
            pl.format("quantity '{}' is not a number (write it without thousands separators)", pl.col("quantity_s")),
        ),
        _problem(number("quantity_s").fill_null(False) & pl.col("unit_s").is_null(), "a quantity needs its unit"),
        *(  # 1e400 is written like a number but is none: it would reach the engine as infinity
            _problem(
                number(col).fill_null(False) & ~pl.col(col).cast(pl.Float64, strict=False).is_finite().fill_null(False),
                pl.format(f"{name} '{{}}' is out of range (not a finite number)", pl.col(col)),
            )
            for col, name in (("quantity_s", "quantity"), ("value_s", "value_usd"), ("total_s", "total_usd"))
        ),
        _problem(
            pl.col("unit_s").is_in(list(AMBIGUOUS_UNITS)),
            pl.format(
                "the unit '{}' is ambiguous (short, long or metric?); write 'tonne' for metric", pl.col("unit_s")
            ),
        ),
        _problem(
            pl.col("unit_s").is_not_null()
            & ~pl.col("unit_s").is_in(list(UNITS))
            & ~pl.col("unit_s").is_in(list(AMBIGUOUS_UNITS)),
            pl.format("unknown unit '{}'", pl.col("unit_s")),
        ),
        _problem(
            pl.col("value_s").is_not_null() & ~number("value_s"),
            pl.format("value_usd '{}' is not a number", pl.col("value_s")),
        ),
        _problem(
            pl.col("total_s").is_not_null() & ~number("total_s"),
            pl.format("total_usd '{}' is not a number", pl.col("total_s")),
        ),
        _problem(
            _unknown_items("flags_t", FLAGS) != "", pl.format("unknown flag '{}'", _unknown_items("flags_t", FLAGS))
        ),
        _problem(
            pl.col("imo_t").is_not_null() & ~pl.col("imo_t").str.contains(r"^\d{7}$"),
            pl.format("imo '{}' is not a seven-digit IMO number", pl.col("imo")),
        ),
    ]
    typed = typed.with_columns(pl.concat_str(problems, separator="; ", ignore_nulls=True).alias("_reason"))
    typed = typed.with_columns(
        pl.when(pl.col("_reason") == "").then(None).otherwise(pl.col("_reason")).alias("_reason")
    )
    bad_mask = typed["_reason"].is_not_null()
    source_cols = [c for c in raw.columns if not c.startswith("_")]
    bad_raw = raw.filter(bad_mask)
    if "_raw" in raw.columns:
        raw_text = bad_raw["_raw"]
    else:  # the cells as JSON (Parquet, which has no text of its own; CSV replaces it with the record's text)
        raw_text = (
            bad_raw.select(pl.struct(source_cols).struct.json_encode().alias("_raw"))["_raw"]
            if source_cols
            else pl.Series("_raw", [""] * bad_raw.height, dtype=pl.String)
        )
    rejects = typed.filter(bad_mask).select("_row", "_line", "_reason").with_columns(raw_text.alias("_raw"))
    good = typed.filter(~bad_mask).select(
        pl.col("_row"),
        pl.col("_line"),
        pl.coalesce(pl.col("id_t"), pl.col("_row").cast(pl.String)).alias("id"),
        pl.col("date_t").alias("date"),
        pl.col("kind_t").alias("kind"),
        pl.col("offered_t").alias("offered"),
        pl.col("supplier_t").alias("supplier"),
        pl.col("recipient_t").alias("recipient"),
        pl.col("supplier_name_t").alias("supplier_name"),
        pl.col("recipient_name_t").alias("recipient_name"),
        pl.col("supplier_ref_t").alias("supplier_ref"),
        pl.col("recipient_ref_t").alias("recipient_ref"),
        pl.col("hs_t").alias("hs"),
        pl.col("category_t").alias("category"),
        pl.when(pl.col("quantity_s").str.to_lowercase() == "unknown")
        .then(None)
        .otherwise(pl.col("quantity_s"))
        .cast(pl.Float64)
        .alias("quantity"),
        (pl.col("quantity_s").str.to_lowercase() == "unknown").fill_null(False).alias("quantity_unknown"),
        pl.col("unit_s").replace_strict(UNITS, default=None).alias("unit"),
        pl.col("value_s").cast(pl.Float64).alias("value_usd"),
        pl.col("total_s").cast(pl.Float64).alias("total_usd"),
        pl.col("flags_t").alias("flags"),
        pl.col("concerns_t").alias("concerns"),
        pl.coalesce(
            pl.col("vessel_t"), pl.when(pl.col("imo_t").is_not_null()).then(pl.format("IMO {}", pl.col("imo_t")))
        ).alias("vessel"),
        pl.col("imo_t").alias("imo"),
    )
    return good.cast(SCHEMA), rejects  # type: ignore[arg-type]


_SAMPLE = {"date": "2024-01-02", "supplier": "KP"}  # a row every check passes, to try one default in
_CLOSED = {"kind": KINDS, "offered": OFFERABLE, "flags": FLAGS, "unit": sorted(UNITS)}


def default_problems(mapping: ColumnMapping, book: Rulebook) -> list[Diagnostic]:
    """Each default value checked once, as a cell of every row would be: a misspelt default is one
    problem at its place in the mapping, not a reject for every row."""
    problems: list[Diagnostic] = []
    for field, value in mapping.defaults.items():
        row = {**_SAMPLE, field: value}
        if field == "offered":
            row.setdefault("kind", "offer")
        if field == "kind" and value.strip().lower() == "offer":
            row["offered"] = "transfer"
        if field == "quantity":
            row["unit"] = "tonne"
        if field.startswith("recipient_"):
            row["recipient"] = "CN"
        frame = pl.DataFrame({k: [v] for k, v in row.items()}, schema=dict.fromkeys(row, pl.String)).with_columns(
            pl.lit(0, dtype=pl.Int64).alias("_row"), pl.lit(0, dtype=pl.Int64).alias("_line")
        )
        _, rejects = check(frame, ColumnMapping(separator=mapping.separator), book)
        if rejects.height:
            reason = str(rejects["_reason"][0])
            valid = sorted(book.groups.groups) if field == "category" else _CLOSED.get(field, [])
            valid = valid if "unknown" in reason else []
            items = [v.strip() for v in value.replace(mapping.separator, ",").split(",")] if valid else []
            hints = [h for h in (did_you_mean(i.lower(), valid) for i in items if i.lower() not in valid) if h]
            problems.append(
                Diagnostic(
                    mapping.where("defaults", field),
                    "unknown-value" if valid else "bad-value",
                    f"defaults.{field}: {reason}; it would be given to every row",
                    hint="; ".join(hints),
                )
            )
    return problems


def to_event(row: dict[str, Any], event_id: str | None = None) -> Event:
    """The event a checked row stands for (the same a scenario file with these facts would give)."""
    supplier = (
        Party(country=str(row["supplier"]), name=row["supplier_name"], un_reference=row["supplier_ref"])
        if row["supplier"]
        else None
    )
    recipient = (
        Party(country=str(row["recipient"]), name=row["recipient_name"], un_reference=row["recipient_ref"])
        if row["recipient"]
        else None
    )
    hs = tuple(row["hs"] or ())
    categories = tuple(row["category"] or ())
    quantity = None
    if row["quantity_unknown"]:
        quantity = Quantity(unknown=True)
    elif row["quantity"] is not None:
        quantity = Quantity(value=float(row["quantity"]), unit=Unit(str(row["unit"])))
    value = None
    if row["value_usd"] is not None:
        value = Value(amount=float(row["value_usd"]), currency="USD", basis="per-item")
    elif row["total_usd"] is not None:
        value = Value(amount=float(row["total_usd"]), currency="USD", basis="total")
    day = row["date"]
    assert isinstance(day, date)
    return Event(
        id=event_id or f"r{row['_row']}",
        title=str(row["id"]),
        kind=EventKind(str(row["kind"])),
        offered=tuple(EventKind(k) for k in row["offered"] or ()),
        date=day,
        supplier=supplier,
        recipient=recipient,
        concerns=tuple(row["concerns"] or ()),
        commodity=Commodity(description=", ".join(categories or hs), hs=hs, categories=categories)
        if (hs or categories)
        else None,
        quantity=quantity,
        value=value,
        flags=tuple(Flag(f) for f in row["flags"] or ()),
        vessels=(Vessel(name=str(row["vessel"]), imo=row["imo"]),) if row["vessel"] else (),
        evidence=EVIDENCE,
    )


def reject_records(rejects: pl.DataFrame) -> list[dict[str, Any]]:
    return [
        {"row": r["_row"], "line": r["_line"] or None, "reason": r["_reason"], "record": r["_raw"]}
        for r in rejects.iter_rows(named=True)
    ]


__all__ = ["SCHEMA", "check", "default_problems", "json", "mapped", "reject_records", "to_event"]
