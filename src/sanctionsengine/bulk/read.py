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
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from ..errors import Diagnostic, InputError, SourceLocation
from ..limits import MAX_DEPTH, MAX_RECORD_BYTES, _walk, limit_problem
from ..yamlfile import display_path

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet", ".pq": "parquet"}
BLOCK = 1 << 24
BOM = b"\xef\xbb\xbf"


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
    records: int = 0  # its records (rows), blank lines not counted: what the reader must account for
    blank: int = 0  # its blank lines (whitespace only): neither rows nor rejects, counted apart
    shown: str = ""  # the file's name in diagnostics (when ``path`` is a re-encoded copy)


@dataclass
class RawRows:
    """One partition's records as text columns, with their place in the file."""

    frame: pl.DataFrame  # the source's columns (text), plus _row and _line
    broken: list[tuple[int, int, str, str]]  # (row, line, what is wrong, the raw record)
    texts: Texts | None = None  # CSV: each record's text as it was, for the rows set aside later


@dataclass
class Texts:
    """Where each record of a partition's bytes is, to give a rejected row its text as it was."""

    data: bytes
    rows: np.ndarray  # row numbers, ascending
    starts: np.ndarray
    ends: np.ndarray

    def of(self, row: int) -> str:
        i = int(np.searchsorted(self.rows, row))
        return _raw(self.data[int(self.starts[i]) : int(self.ends[i])])


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


def plan(path: Path, fmt: str, rows: int, shown: str | None = None) -> tuple[list[Partition], str]:
    """Cut the file into partitions of about ``rows`` records each; and the file's SHA-256,
    taken on the same pass. Each partition counts its records and its blank lines.

    Text must be UTF-8 (a byte-order mark is allowed and skipped): anything else, and a CSV whose
    last quote never closes, is refused here with its line, before any row is screened."""
    where = shown or display_path(path)
    if fmt == "parquet":
        try:
            total = pl.scan_parquet(path).select(pl.len()).collect().item()
        except (pl.exceptions.PolarsError, OSError) as exc:
            raise _parquet_problem(where, exc) from None
        parts = [
            Partition(
                str(path),
                fmt,
                n,
                start,
                min(start + rows, total),
                start + 1,
                0,
                b"",
                min(rows, total - start),
                0,
                where,
            )
            for n, start in enumerate(range(0, max(total, 1), rows))
        ]
        return (parts if total else []), file_sha256(path)
    data_start, header, line = 0, b"", 1
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        first = fh.read(len(BOM))
        if first[:2] in (b"\xff\xfe", b"\xfe\xff"):
            raise _encoding_problem(where, 1, 1, "starts with a UTF-16 byte-order mark", "utf-16")
        fh.seek(0)
        if first == BOM:
            digest.update(fh.read(len(BOM)))
            data_start = len(BOM)
        if fmt == "csv":
            header = fh.readline()
            digest.update(header)
            _check_text(header, where, 1)
            data_start, line = data_start + len(header), 2
            header = header if header.endswith(b"\n") else header + b"\n"
        out: list[Partition] = []
        part_start, part_line, part_row = data_start, line, 1
        in_part = in_blank = 0  # records and blank lines of the current partition so far
        base, carry = data_start, b""
        while chunk := fh.read(BLOCK):
            digest.update(chunk)
            block = carry + chunk
            ends, counts, lines, blanks = _record_ends(block, fmt)
            if not len(ends):
                if len(block) > MAX_RECORD_BYTES:
                    if fmt == "csv" and block.count(b"\n"):
                        raise _unclosed_quote(
                            where,
                            block,
                            line,
                            f"does not close within the {MAX_RECORD_BYTES:,} bytes a record may hold",
                        )
                    raise InputError(
                        [
                            limit_problem(
                                SourceLocation(where, line),
                                f"a record of more than MAX_RECORD_BYTES ({MAX_RECORD_BYTES:,}) bytes",
                            )
                        ]
                    )
                carry = block
                continue
            consumed = int(ends[-1]) + 1
            _check_text(block[:consumed], where, line)
            taken = btaken = 0  # records and blank lines of this block already given to a partition
            while (cut := int(np.searchsorted(counts, taken + rows - in_part))) < len(ends):
                end = base + int(ends[cut]) + 1
                n, nb = in_part + int(counts[cut]) - taken, in_blank + int(blanks[cut]) - btaken
                out.append(
                    Partition(str(path), fmt, len(out), part_start, end, part_row, part_line, header, n, nb, where)
                )
                part_row += n
                taken, btaken, in_part, in_blank = int(counts[cut]), int(blanks[cut]), 0, 0
                part_start, part_line = end, line + int(lines[cut])
            in_part += int(counts[-1]) - taken
            in_blank += int(blanks[-1]) - btaken
            line += int(lines[-1])
            carry, base = block[consumed:], base + consumed
        if carry:
            _check_text(carry, where, line)
            if fmt == "csv" and carry.count(b'"') % 2:
                raise _unclosed_quote(
                    where,
                    carry,
                    line,
                    "does not close before the end of the file: every line after it would be one field",
                )
            if carry.strip():
                in_part += 1
            else:
                in_blank += 1
        end = path.stat().st_size
        if end > part_start:
            out.append(
                Partition(
                    str(path), fmt, len(out), part_start, end, part_row, part_line, header, in_part, in_blank, where
                )
            )
        return out, digest.hexdigest()


_SPACE = np.zeros(256, dtype=bool)
_SPACE[list(b" \t\r\n\x0b\x0c")] = True


def _record_ends(block: bytes, fmt: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Where the records of ``block`` end (the offset of their newline), how many non-blank
    records and how many blank lines there are up to each end, and how many lines. For CSV a
    record ends only at a newline with an even number of quotes before it, so no quoted field is cut."""
    data = np.frombuffer(block, dtype=np.uint8)
    newlines = np.flatnonzero(data == ord("\n"))
    ends = newlines
    if fmt == "csv":
        quotes = np.flatnonzero(data == ord('"'))
        ends = newlines[np.searchsorted(quotes, newlines) % 2 == 0]
    blank = _blank(block, data, ends)
    return ends, np.cumsum(~blank), np.searchsorted(newlines, ends, side="right"), np.cumsum(blank)


def _blank(block: bytes, data: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Which records (ending at ``ends``) hold only white space."""
    starts = np.concatenate(([0], ends[:-1] + 1)).astype(np.int64)
    blank = np.zeros(len(ends), dtype=bool)
    for i in (
        np.flatnonzero(_SPACE[data[np.minimum(starts, len(data) - 1)]]) if len(ends) else ()
    ):  # only these can be blank
        blank[i] = not block[starts[i] : ends[i]].strip()
    return blank


def _check_text(data: bytes, where: str, first_line: int) -> None:
    """Refuse text that is not UTF-8 (latin-1, cp1252, UTF-16...), at the line of its first bad byte."""
    nul = data.find(b"\x00")
    try:
        data.decode("utf-8")
        bad = nul
    except UnicodeDecodeError as exc:
        bad = exc.start if nul < 0 else min(nul, exc.start)
    if bad < 0:
        return
    line = first_line + data.count(b"\n", 0, bad)
    col = len(data[data.rfind(b"\n", 0, bad) + 1 : bad].decode("utf-8", "replace")) + 1
    if data[bad] == 0:
        raise _encoding_problem(where, line, col, "holds a NUL byte (UTF-16 text?)", "utf-16")
    raise _encoding_problem(
        where, line, col, f"byte 0x{data[bad]:02X} is not UTF-8 (latin-1 or cp1252 text?)", "cp1252"
    )


def _encoding_problem(where: str, line: int, col: int, what: str, example: str) -> InputError:
    return InputError(
        [
            Diagnostic(
                SourceLocation(where, line, col),
                "bad-file",
                f"not UTF-8 text: {what}",
                hint=f"UTF-8 is read by default; give the file's encoding with --encoding NAME, e.g. --encoding {example}",
            )
        ]
    )


def _unclosed_quote(where: str, record: bytes, line: int, how: str) -> InputError:
    """A CSV quote that never closes: refused at the line and column where it opened, since every
    line after it would be swallowed into one field."""
    first = record.split(b"\n", 1)[0].decode("utf-8", "replace")
    quotes = [i for i, c in enumerate(first) if c == '"']
    k = len(quotes) - 1
    while k >= 2 and quotes[k - 1] == quotes[k] - 1:  # "" is a quote inside the field, not its start
        k -= 2
    col = quotes[k] + 1 if quotes else 1
    return InputError(
        [
            Diagnostic(
                SourceLocation(where, line, col),
                "bad-file",
                f"a quote opened here {how}; the file is refused so that no row is lost",
                hint='close the quote; a quote that is part of a text is doubled, in a quoted field: "5"" pipe"',
            )
        ]
    )


def _parquet_problem(where: str, exc: BaseException) -> InputError:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return InputError([Diagnostic(SourceLocation(where), "bad-file", f"not a readable Parquet file: {text}")])


def read_partition(part: Partition, columns: list[str]) -> RawRows:
    """The partition's records; a record that cannot be parsed at all is returned in ``broken``.
    Every record of the partition is in one or the other, blank lines in neither."""
    if part.fmt == "parquet":
        try:
            frame = pl.scan_parquet(part.path).slice(part.start, part.end - part.start).collect()
            frame = frame.select([pl.col(c).cast(pl.String) for c in frame.columns])
        except (pl.exceptions.PolarsError, OSError) as exc:
            raise _parquet_problem(part.shown or display_path(part.path), exc) from None
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
    if _may_nest_deeper(data):  # polars would recurse into it: line by line, where depth is checked
        return _jsonl_slowly(data, part, columns)
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


def _may_nest_deeper(data: bytes) -> bool:
    """Whether any line has more opening brackets than :data:`MAX_DEPTH` (so could be nested deeper)."""
    arr = np.frombuffer(data, dtype=np.uint8)
    opens = np.flatnonzero((arr == ord("{")) | (arr == ord("[")))
    if len(opens) <= MAX_DEPTH:
        return False
    bounds = np.concatenate(([0], np.flatnonzero(arr == ord("\n")), [len(arr)]))
    return bool(np.diff(np.searchsorted(opens, bounds)).max() > MAX_DEPTH)


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text} is out of range")
    return value


def _no_constant(text: str) -> float:
    raise ValueError(f"{text} is not a JSON number")


def _json_object(text: bytes) -> str | None:
    """Why ``text`` is not a JSON object within the nesting bound, or None."""
    try:
        value = json.loads(text, parse_float=_finite, parse_constant=_no_constant)
    except RecursionError:
        return f"nested deeper than MAX_DEPTH ({MAX_DEPTH}) levels"
    except ValueError as exc:
        return f"not a JSON object: {exc}"
    if not isinstance(value, dict):
        return "not a JSON object: a JSON value that is not an object"
    if text.count(b"{") + text.count(b"[") > MAX_DEPTH and _walk(value)[0] > MAX_DEPTH:
        return f"nested deeper than MAX_DEPTH ({MAX_DEPTH}) levels"
    return None


def _jsonl_slowly(data: bytes, part: Partition, columns: list[str]) -> RawRows:
    """Line by line, for a partition with a record that is not a JSON object (or nests too deep):
    each such line is set aside with its line, the others kept."""
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    good: list[bytes] = []
    good_lines: list[int] = []
    good_rows: list[int] = []
    broken: list[tuple[int, int, str, str]] = []
    row = part.first_row
    for n, text in enumerate(lines):
        if not text.strip():
            continue
        line = part.first_line + n
        why = _json_object(text)
        if why is None:
            good.append(text)
            good_lines.append(line)
            good_rows.append(row)
        else:
            broken.append((row, line, why, _raw(text)))
        row += 1
    schema = dict.fromkeys(columns, pl.String)
    try:
        frame = pl.read_ndjson(io.BytesIO(b"\n".join(good)), schema=schema) if good else pl.DataFrame(schema=schema)
    except pl.exceptions.PolarsError:  # a line Python reads and polars does not: find it, set it aside
        frames, kept_lines, kept_rows, kept = [], [], [], []
        for text, line, row in zip(good, good_lines, good_rows, strict=True):
            try:
                frames.append(pl.read_ndjson(io.BytesIO(text), schema=schema))
            except pl.exceptions.PolarsError as exc:
                broken.append((row, line, f"not readable as JSON: {str(exc).splitlines()[0]}", _raw(text)))
                continue
            kept.append(text)
            kept_lines.append(line)
            kept_rows.append(row)
        frame = pl.concat(frames) if frames else pl.DataFrame(schema=schema)
        good, good_lines, good_rows = kept, kept_lines, kept_rows
        broken.sort()
    frame = frame.with_columns(
        pl.Series("_row", good_rows, dtype=pl.Int64),
        pl.Series("_line", good_lines, dtype=pl.Int64),
        pl.Series("_raw", [_raw(t) for t in good], dtype=pl.String),
    )
    return RawRows(frame, broken)


def _raw(record: bytes) -> str:
    """A record as it was in the file, without its line end."""
    return record.removesuffix(b"\n").removesuffix(b"\r").decode("utf-8", "replace")


def _csv(data: bytes, part: Partition) -> RawRows:
    """The partition's CSV records. Records are cut where the plan cut them (at newlines outside
    quotes) and their fields counted outside quotes, column-wise: a record with more or fewer
    fields than the header is set aside with its line and both counts, never padded; blank lines
    are skipped (the plan counted them). Rejected records keep their text as it was."""
    width = len(next(csv.reader([part.header.decode("utf-8-sig")]), []))
    arr = np.frombuffer(data, dtype=np.uint8)
    newlines = np.flatnonzero(arr == ord("\n"))
    quotes = np.flatnonzero(arr == ord('"'))
    ends = newlines[np.searchsorted(quotes, newlines) % 2 == 0]
    if len(data) and (not len(ends) or int(ends[-1]) != len(data) - 1):
        ends = np.append(ends, len(data))  # the last record, without its newline
    starts = np.concatenate(([0], ends[:-1] + 1)).astype(np.int64)
    blank = _blank(data, arr, ends) if len(ends) else np.zeros(0, dtype=bool)
    commas = np.flatnonzero(arr == ord(","))
    outside = commas[np.searchsorted(quotes, commas) % 2 == 0]
    fields = np.bincount(np.searchsorted(ends, outside), minlength=len(ends))[: len(ends)] + 1
    first = part.first_line + np.searchsorted(newlines, starts)  # the line each record starts on
    last = part.first_line + np.searchsorted(newlines, np.minimum(ends, len(data)))  # and ends on
    records = np.flatnonzero(~blank)
    rows = np.full(len(ends), -1, dtype=np.int64)
    rows[records] = np.arange(part.first_row, part.first_row + len(records))
    broken: list[tuple[int, int, str, str]] = []
    for i in np.flatnonzero(~blank & (fields != width)):
        if last[i] > first[i]:  # a quote swallowed lines: refuse rather than lose them in one field
            raise _unclosed_quote(
                part.shown or display_path(part.path),
                data[starts[i] : ends[i]],
                int(first[i]),
                f"closes only on line {last[i]}, so lines {first[i]}-{last[i]} would be one record of "
                f"{fields[i]} fields where the header has {width}",
            )
        broken.append(
            (
                int(rows[i]),
                int(first[i]),
                f"{fields[i]} fields where the header has {width}",
                _raw(data[starts[i] : ends[i]]),
            )
        )
    keep = np.flatnonzero(~blank & (fields == width))
    if len(keep) == len(ends):
        body = part.header + data + (b"" if data.endswith(b"\n") else b"\n")
    else:
        body = part.header + b"".join(data[starts[i] : ends[i]] + b"\n" for i in keep)
    places = (rows[keep].tolist(), first[keep].tolist())
    try:
        frame = pl.read_csv(io.BytesIO(body), infer_schema=False)
        if frame.height != len(keep) or frame.width != width:
            raise ValueError("polars read another number of records")
    except Exception:  # a record polars cannot parse: parse them one by one, set that one aside
        pieces = [data[starts[i] : ends[i]] for i in keep]
        frame, more, places = _csv_slowly(part, pieces, places, width)
        broken.extend(more)
        broken.sort()
    frame = frame.with_columns(
        pl.Series("_row", places[0], dtype=pl.Int64),
        pl.Series("_line", places[1], dtype=pl.Int64),
    )
    return RawRows(frame, broken, Texts(data, rows[records], starts[records], ends[records]))


def _csv_slowly(
    part: Partition, pieces: list[bytes], places: tuple[list[int], list[int]], width: int
) -> tuple[pl.DataFrame, list[tuple[int, int, str, str]], tuple[list[int], list[int]]]:
    header = next(csv.reader([part.header.decode("utf-8-sig")]), [])
    good: list[list[str]] = []
    rows: list[int] = []
    lines: list[int] = []
    broken: list[tuple[int, int, str, str]] = []
    for piece, row, line in zip(pieces, *places, strict=True):
        text = piece.decode("utf-8", "replace")
        try:
            records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
            if len(records) != 1 or len(records[0]) != width:
                raise csv.Error(
                    f"{sum(len(r) for r in records)} fields in {len(records)} records where one of {width} was expected"
                )
        except csv.Error as exc:
            broken.append((row, line, f"not a CSV record: {exc}", _raw(piece)))
            continue
        good.append(records[0])
        rows.append(row)
        lines.append(line)
    frame = pl.DataFrame(
        {h: [r[i] or None for r in good] for i, h in enumerate(header)}, schema=dict.fromkeys(header, pl.String)
    )
    return frame, broken, (rows, lines)


def columns_of(path: Path, fmt: str, shown: str | None = None) -> list[str]:
    """The column names the file offers (CSV header, Parquet schema, JSON keys of the first records)."""
    where = shown or display_path(path)
    if fmt == "parquet":
        try:
            return list(pl.read_parquet_schema(path))
        except (pl.exceptions.PolarsError, OSError) as exc:
            raise _parquet_problem(where, exc) from None
    with path.open("rb") as fh:
        if fmt == "csv":
            line = fh.readline()
            if line[:2] in (b"\xff\xfe", b"\xfe\xff"):
                raise _encoding_problem(where, 1, 1, "starts with a UTF-16 byte-order mark", "utf-16")
            _check_text(line, where, 1)
            return next(csv.reader([line.decode("utf-8-sig")]), [])
        keys: dict[str, None] = {}
        for _ in range(1000):
            text = fh.readline(MAX_RECORD_BYTES)
            if not text:
                break
            if _json_object(text) is not None:
                continue
            keys.update(dict.fromkeys(json.loads(text)))
        return list(keys)


#: Parquet column types read as text; lists, structs and binary columns are not.
_SCALAR = (pl.String, pl.Categorical, pl.Enum, pl.Boolean, pl.Date, pl.Datetime, pl.Time, pl.Null, pl.Decimal)


def header_problems(path: Path, fmt: str, used: list[str], shown: str | None = None) -> list[Diagnostic]:
    """What is wrong with the file's columns themselves: a CSV header naming a column twice (at
    its column), a Parquet column the mapping uses whose type is not a scalar."""
    where = shown or display_path(path)
    problems: list[Diagnostic] = []
    if fmt == "csv":
        with path.open("rb") as fh:
            text = fh.readline().decode("utf-8-sig", "replace").rstrip("\r\n")
        names = next(csv.reader([text]), [])
        seen: dict[str, int] = {}
        col = 1
        for n, name in enumerate(names, 1):
            if name in seen:
                problems.append(
                    Diagnostic(
                        SourceLocation(where, 1, col),
                        "bad-file",
                        f"the header names column '{name}' twice (columns {seen[name]} and {n}); "
                        "only one could be read, so the file is refused",
                    )
                )
            else:
                seen[name] = n
            col += len(name) + 1 + (2 + name.count('"') if any(c in name for c in ',"\n') else 0)
    elif fmt == "parquet":
        schema = pl.read_parquet_schema(path)
        for name in used:
            dtype = schema.get(name)
            if dtype is not None and not (dtype.is_numeric() or isinstance(dtype, _SCALAR) or dtype in _SCALAR):
                problems.append(
                    Diagnostic(
                        SourceLocation(where),
                        "bad-file",
                        f"column '{name}' is of type {dtype}; expected text, numbers, booleans or dates",
                    )
                )
    return problems
