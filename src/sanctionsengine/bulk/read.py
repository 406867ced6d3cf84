"""Reading trade files in partitions: CSV, JSON lines and Parquet, every cell as text.

The file is cut into partitions of about ``rows`` records without reading it whole: CSV and
JSON lines at line ends (for CSV, only where the quotes are balanced, so no quoted field is cut),
Parquet by row ranges. Each partition knows the line and the row number of its first record, so
every row, and every row set aside, can be named by its place in the file. Cells are read as text;
types are checked afterwards, column by column (:mod:`.rows`), so that one bad cell sets aside one
row and not the file.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from ..errors import Diagnostic, InputError, SourceLocation
from ..yamlfile import display_path

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet", ".pq": "parquet"}
BLOCK = 1 << 24


@dataclass(frozen=True)
class Partition:
    """A slice of the input: bytes [start, end) of a text file, or rows [start, end) of Parquet."""

    path: str
    fmt: str
    index: int
    start: int
    end: int
    first_row: int  # 1-based number of its first record in the whole file
    first_line: int  # line at its start (CSV, JSON lines; blank lines before its first record count); 0 for Parquet
    header: bytes = b""  # CSV: the header line, given to every partition


@dataclass
class RawRows:
    """One partition's records as text columns, with their place in the file."""

    frame: pl.DataFrame  # the source's columns (text), plus _row and _line
    broken: list[tuple[int, int, str, str]]  # (row, line, what is wrong, the raw record)


def detect_format(path: Path, fmt: str | None) -> str:
    if fmt:
        return fmt
    found = FORMATS.get(path.suffix.lower())
    if found is None:
        raise InputError(
            [
                Diagnostic(
                    SourceLocation(display_path(path)),
                    "bad-file",
                    f"cannot tell the format from '{path.suffix}'; expected .csv, .jsonl or .parquet (or give --input-format)",
                )
            ]
        )
    return found


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


def plan(path: Path, fmt: str, rows: int) -> tuple[list[Partition], str]:
    """Cut the file into partitions of about ``rows`` records each; and the file's SHA-256,
    taken on the same pass."""
    shown = str(path)
    if fmt == "parquet":
        total = pl.scan_parquet(path).select(pl.len()).collect().item()
        parts = [
            Partition(shown, fmt, n, start, min(start + rows, total), start + 1, 0)
            for n, start in enumerate(range(0, max(total, 1), rows))
        ]
        return (parts if total else []), file_sha256(path)
    data_start, header, line = 0, b"", 1
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        if fmt == "csv":
            header = fh.readline()
            data_start, line = len(header), 2
            digest.update(header)
        out: list[Partition] = []
        part_start, part_line, part_row = data_start, line, 1
        in_part = 0  # records of the current partition so far
        base, carry = data_start, b""
        while chunk := fh.read(BLOCK):
            digest.update(chunk)
            block = carry + chunk
            ends, counts, lines = _record_ends(block, fmt)
            if not len(ends):
                carry = block
                continue
            taken = 0  # records of this block already given to a partition
            while (cut := int(np.searchsorted(counts, taken + rows - in_part))) < len(ends):
                end = base + int(ends[cut]) + 1
                out.append(Partition(shown, fmt, len(out), part_start, end, part_row, part_line, header))
                part_row += in_part + int(counts[cut]) - taken
                taken, in_part = int(counts[cut]), 0
                part_start, part_line = end, line + int(lines[cut])
            in_part += int(counts[-1]) - taken
            line += int(lines[-1])
            consumed = int(ends[-1]) + 1
            carry, base = block[consumed:], base + consumed
        end = path.stat().st_size
        if end > part_start:
            out.append(Partition(shown, fmt, len(out), part_start, end, part_row, part_line, header))
        return out, digest.hexdigest()


_SPACE = np.zeros(256, dtype=bool)
_SPACE[list(b" \t\r\n\x0b\x0c")] = True


def _record_ends(block: bytes, fmt: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where the records of ``block`` end (the offset of their newline), how many non-blank
    records there are up to each end, and how many lines. For CSV a record ends only at a
    newline with an even number of quotes before it, so no quoted field is cut."""
    data = np.frombuffer(block, dtype=np.uint8)
    newlines = np.flatnonzero(data == ord("\n"))
    ends = newlines
    if fmt == "csv":
        quotes = np.flatnonzero(data == ord('"'))
        ends = newlines[np.searchsorted(quotes, newlines) % 2 == 0]
    starts = np.concatenate(([0], ends[:-1] + 1)).astype(np.int64)
    blank = np.zeros(len(ends), dtype=bool)
    for i in np.flatnonzero(_SPACE[data[starts]]) if len(ends) else ():  # only these can be blank
        blank[i] = not block[starts[i] : ends[i]].strip()
    return ends, np.cumsum(~blank), np.searchsorted(newlines, ends, side="right")


def _problem(path: str, message: str) -> InputError:
    return InputError([Diagnostic(SourceLocation(display_path(path)), "bad-file", message)])


def read_partition(part: Partition, columns: list[str]) -> RawRows:
    """The partition's records; a record that cannot be parsed at all is returned in ``broken``."""
    if part.fmt == "parquet":
        frame = pl.scan_parquet(part.path).slice(part.start, part.end - part.start).collect()
        frame = frame.select([pl.col(c).cast(pl.String) for c in frame.columns])
        n = frame.height
        frame = frame.with_columns(
            pl.int_range(part.first_row, part.first_row + n, dtype=pl.Int64).alias("_row"),
            pl.lit(0, dtype=pl.Int64).alias("_line"),
        )
        return RawRows(frame, [])
    with open(part.path, "rb") as fh:
        fh.seek(part.start)
        data = fh.read(part.end - part.start)
    if part.fmt == "jsonl":
        return _jsonl(data, part, columns)
    return _csv(data, part)


def _jsonl(data: bytes, part: Partition, columns: list[str]) -> RawRows:
    schema = dict.fromkeys(columns, pl.String)
    if not data or data.isspace():
        return RawRows(pl.DataFrame(schema={**schema, "_row": pl.Int64, "_line": pl.Int64, "_raw": pl.String}), [])
    try:
        frame = pl.read_ndjson(io.BytesIO(data), schema=schema)
        # the lines as they are, blank ones included (as null or spaces), cut in Rust; a JSON
        # object cannot hold a raw control character, so \x1f never splits one
        lines = pl.read_csv(
            io.BytesIO(data),
            has_header=False,
            separator="\x1f",
            quote_char=None,
            schema={"_raw": pl.String},
        )["_raw"]
    except pl.exceptions.PolarsError:
        return _jsonl_slowly(data, part, columns)
    # every line is a JSON object or blank: number the records by their lines, all column-wise
    numbers = pl.int_range(part.first_line, part.first_line + lines.len(), dtype=pl.Int64, eager=True)
    kept = (lines.str.strip_chars() != "").fill_null(False)
    if int(kept.sum()) != frame.height:  # a disagreement on what a blank line is: go line by line
        return _jsonl_slowly(data, part, columns)
    return RawRows(
        frame.with_columns(
            pl.int_range(part.first_row, part.first_row + frame.height, dtype=pl.Int64).alias("_row"),
            numbers.filter(kept).alias("_line"),
            lines.filter(kept),
        ),
        [],
    )


def _jsonl_slowly(data: bytes, part: Partition, columns: list[str]) -> RawRows:
    """Line by line, for a partition with a record that is not a JSON object: keep the others."""
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    kept: list[bytes] = []
    numbers: list[int] = []
    broken: list[tuple[int, int, str, str]] = []
    row = part.first_row
    for n, text in enumerate(lines):
        if not text.strip():
            continue
        kept.append(text)
        numbers.append(part.first_line + n)
    schema = dict.fromkeys(columns, pl.String)
    try:
        frame = pl.read_ndjson(io.BytesIO(b"\n".join(kept)), schema=schema) if kept else pl.DataFrame(schema=schema)
        good_lines, good_rows = numbers, list(range(row, row + len(kept)))
    except Exception:  # a line that is not a JSON object: find it, keep the others
        good: list[bytes] = []
        good_lines, good_rows = [], []
        for i, (text, line) in enumerate(zip(kept, numbers, strict=True)):
            try:
                value = json.loads(text)
                if not isinstance(value, dict):
                    raise ValueError("a JSON value that is not an object")
            except ValueError as exc:
                broken.append((row + i, line, f"not a JSON object: {exc}", text.decode("utf-8", "replace")))
                continue
            good.append(text)
            good_lines.append(line)
            good_rows.append(row + i)
        frame = pl.read_ndjson(io.BytesIO(b"\n".join(good)), schema=schema) if good else pl.DataFrame(schema=schema)
    frame = frame.with_columns(
        pl.Series("_row", good_rows, dtype=pl.Int64),
        pl.Series("_line", good_lines, dtype=pl.Int64),
        pl.Series("_raw", [kept[r - row].decode("utf-8", "replace") for r in good_rows], dtype=pl.String),
    )
    return RawRows(frame, broken)


def _csv(data: bytes, part: Partition) -> RawRows:
    body = part.header + data
    try:
        frame = pl.read_csv(io.BytesIO(body), infer_schema=False)
        if frame.width and any(c.startswith("_duplicated_") for c in frame.columns):
            raise _problem(part.path, "the header names a column twice")
        extra = pl.sum_horizontal([pl.col(c).str.count_matches("\n").fill_null(0) for c in frame.columns])
        frame = frame.with_columns(extra.alias("_extra"))
        shift = frame["_extra"].cum_sum().shift(1, fill_value=0)
        n = frame.height
        frame = frame.with_columns(
            pl.int_range(part.first_row, part.first_row + n, dtype=pl.Int64).alias("_row"),
            (pl.int_range(part.first_line, part.first_line + n, dtype=pl.Int64) + shift).alias("_line"),
        ).drop("_extra")
        return RawRows(frame, [])
    except InputError:
        raise
    except Exception:  # ragged or broken records: read them one by one
        return _csv_slowly(body, part)


def _csv_slowly(body: bytes, part: Partition) -> RawRows:
    text = body.decode("utf-8", "replace")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, [])
    rows: list[list[str]] = []
    places: list[tuple[int, int]] = []
    broken: list[tuple[int, int, str, str]] = []
    row, line = part.first_row, part.first_line
    while True:
        start = reader.line_num
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            broken.append((row, part.first_line + start - 1, f"not a CSV record: {exc}", ""))
            row += 1
            continue
        line = part.first_line + start - 1
        if not record:
            continue
        if len(record) != len(header):
            broken.append((row, line, f"{len(record)} fields where the header has {len(header)}", ",".join(record)))
        else:
            rows.append(record)
            places.append((row, line))
        row += 1
    frame = pl.DataFrame(
        {h: [r[i] or None for r in rows] for i, h in enumerate(header)}, schema=dict.fromkeys(header, pl.String)
    ).with_columns(
        pl.Series("_row", [p[0] for p in places], dtype=pl.Int64),
        pl.Series("_line", [p[1] for p in places], dtype=pl.Int64),
    )
    return RawRows(frame, broken)


def columns_of(path: Path, fmt: str) -> list[str]:
    """The column names the file offers (CSV header, Parquet schema, JSON keys of the first records)."""
    if fmt == "parquet":
        return list(pl.read_parquet_schema(path))
    with path.open("rb") as fh:
        if fmt == "csv":
            return next(csv.reader([fh.readline().decode("utf-8-sig", "replace")]), [])
        keys: dict[str, None] = {}
        for _ in range(1000):
            text = fh.readline()
            if not text:
                break
            try:
                value = json.loads(text)
            except ValueError:
                continue
            if isinstance(value, dict):
                keys.update(dict.fromkeys(value))
        return list(keys)
