"""Reading bulk files: every row accounted for, quoting and encodings refused or read, never guessed.

`screen FILE` must say how many rows the file holds, how many were read and how many set aside,
and the three must add up; a blank line is neither a row nor dropped without a count; a quote
that swallows lines, a ragged row, a duplicate header, text in another encoding, a corrupt
Parquet file or a JSON line nested too deep is a located diagnostic or a reject with its line.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sanctionsengine.bulk import pipeline, read
from sanctionsengine.bulk.mapping import ColumnMapping, load_mapping
from sanctionsengine.bulk.pipeline import RowsUnaccounted
from sanctionsengine.bulk.run import screen_file
from sanctionsengine.cli import main
from sanctionsengine.errors import InputError
from sanctionsengine.limits import MAX_DEPTH
from sanctionsengine.rulebook import load_rulebook

from .conftest import RULES

BOOK = load_rulebook(RULES)
HEADER = "id,date,supplier,recipient,hs"
ROWS = [f"t{i},2024-03-{1 + i % 28:02d},RU,KP,2710" for i in range(400)]


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # diagnostics name files as given: in.csv, mapping.yaml


def _screen(path: Path, *args: str) -> Result:
    out = path.parent
    return CliRunner().invoke(
        main,
        # reading is tested here, not screening: --no-lists (a name column would otherwise need the UN list)
        ["screen", path.name, "--no-audit", "--no-lists", "--findings", str(out / "f.jsonl"), "--rejects",
         str(out / "r.jsonl"), "--verdicts", str(out / "v.csv"), *args],
        catch_exceptions=False,
    )  # fmt: skip


def _counts(result: Result) -> tuple[int, int, int, int]:
    """(rows in the file, read, rejected, blank lines) from the line `screen FILE` prints."""
    found = re.search(
        r"rows in the file: ([\d,]+) = ([\d,]+) read \+ ([\d,]+) rejected(?:; ([\d,]+) blank lines? skipped)?",
        result.stderr,
    )
    assert found, result.stderr
    return tuple(int((g or "0").replace(",", "")) for g in found.groups())  # type: ignore[return-value]


def _rejects(path: Path) -> list[dict[str, object]]:
    file = path.parent / "r.jsonl"
    return [json.loads(x) for x in file.read_text(encoding="utf-8").splitlines()] if file.exists() else []


def _csv(tmp_path: Path, lines: list[str], name: str = "in.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


# -- rows accounted for ------------------------------------------------------------------------


def test_screen_prints_rows_in_the_file_read_and_rejected_and_they_add_up(tmp_path: Path) -> None:
    lines = ROWS[:]
    lines[10] = "t10,2024-02-30,RU,KP,2710"  # not a date
    lines[20] = "t20,2024-03-01,RUS,KP,2710"  # not a country code
    result = _screen(_csv(tmp_path, lines))
    assert result.exit_code == 2, result.stderr
    assert _counts(result) == (400, 398, 2, 0)
    assert "- Rows: 400 in the file = 398 read + 2 rejected" in result.stdout
    assert [r["line"] for r in _rejects(tmp_path / "in.csv")] == [12, 22]


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_blank_lines_are_counted_apart_not_as_rows_or_rejects(tmp_path: Path, fmt: str) -> None:
    """400 rows with 21 blank lines among them (one of spaces, one CRLF) and one at the end."""
    if fmt == "csv":
        records = ROWS
        head = HEADER + "\n"
    else:
        records = [
            json.dumps({"id": f"t{i}", "date": "2024-03-01", "supplier": "RU", "recipient": "KP"}) for i in range(400)
        ]
        head = ""
    body = "".join(
        r + "\n" + ("\n" if i % 20 == 0 else "  \n" if i == 7 else "\r\n" if i == 9 else "")
        for i, r in enumerate(records)
    )
    path = tmp_path / f"in.{fmt}"
    path.write_text(head + body + "   ", encoding="utf-8")
    result = _screen(path)
    assert result.exit_code == 0, result.stderr
    assert _counts(result) == (400, 400, 0, 20 + 2 + 1)
    verdicts = (tmp_path / "v.csv").read_text(encoding="utf-8").splitlines()
    assert len(verdicts) == 1 + 400  # one line per row, none for a blank line
    assert verdicts[2].split(",")[:2] == ["2", str(4 if fmt == "csv" else 3)]  # the line after the first blank


def test_a_reader_that_loses_a_row_is_an_internal_error_never_a_short_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check is real: a reader fault that drops a row stops the run instead of under-reporting."""
    real = pipeline.read_partition

    def losing(part: read.Partition, columns: list[str]) -> read.RawRows:
        raw = real(part, columns)
        return read.RawRows(raw.frame.slice(1), raw.broken, raw.texts)

    monkeypatch.setattr(pipeline, "read_partition", losing)
    with pytest.raises(RowsUnaccounted, match="400 records in the file, 399 read and 0 rejected"):
        screen_file(_csv(tmp_path, ROWS), ColumnMapping(), BOOK, [], threshold=90)
    result = _screen(tmp_path / "in.csv")
    assert result.exit_code == 3 and "internal error: RowsUnaccounted: " in result.stderr


FRAGMENTS = [
    "t1,2024-03-01,RU,KP,2710", "t2,2024-03-01,CN,SG,8703", "t3,2024-02-30,RU,KP,2710", "t4,2024-03-01,RU,KP",
    "t5,2024-03-01,RU,KP,2710,x", "", "   ", "\r", 't6,2024-03-01,"RU",KP,"27""10"', 't7,2024-03-01,RU,KP,"a\nb"',
    'x"y,2024-03-01,RU,KP,2710', "t8,2024-03-01,RU,KP,2710\r", "ü,2024-03-01,RU,KP,2710",
]  # fmt: skip
JSON_FRAGMENTS = [
    '{"date": "2024-03-01", "supplier": "RU", "recipient": "KP"}', '{"date": "2024-02-30", "supplier": "RU"}',
    "{not json}", "[1, 2]", "", "  ", '{"date": "2024-03-01", "supplier": "RU", "hs": ' + "[" * 40 + "]" * 40 + "}",
    '{"date": "2024-03-01", "supplier": "CN", "recipient": "KP", "hs": 8703}\r', '"text"', "null",
]  # fmt: skip


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    fmt=st.sampled_from(["csv", "jsonl"]),
    picks=st.lists(st.integers(0, 99), max_size=40),
    rows=st.sampled_from([1000, 250_000]),
    block=st.sampled_from([7, 64, 1 << 24]),
    end=st.booleans(),
)
def test_every_row_is_read_or_rejected_and_nothing_else_happens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str, picks: list[int], rows: int, block: int, end: bool
) -> None:
    """Any mixture of good, bad, ragged, quoted, blank and not-JSON records: either the file is
    refused with a located diagnostic, or rows in the file = read + rejected, where the rows in the
    file are the records a line-by-line reading finds (blank lines apart)."""
    monkeypatch.setattr(read, "BLOCK", block)
    pool = FRAGMENTS if fmt == "csv" else JSON_FRAGMENTS
    records = [pool[p % len(pool)] for p in picks]
    text = (HEADER + "\n" if fmt == "csv" else "") + "\n".join(records) + ("\n" if end else "")
    path = tmp_path / f"in.{fmt}"
    path.write_bytes(text.encode("utf-8"))
    try:
        summary, _ = screen_file(
            path, ColumnMapping(), BOOK, [], threshold=90, rows_per_partition=rows, rejects=tmp_path / "r.jsonl"
        )
    except InputError as exc:
        assert all(re.match(r"(.*/)?in\.(csv|jsonl)(:\d+(:\d+)?)?: ", x) for x in exc.diagnostics.lines()), exc
        return
    i = summary.input
    assert i.rows_read + i.rows_rejected == i.rows == sum(summary.by_verdict.values())
    # the reference count: records by quote parity (CSV), non-blank ones
    reference, quotes, current = 0, 0, ""
    for line in text.split("\n")[1 if fmt == "csv" else 0 :]:
        current += line + "\n"
        quotes += line.count('"') if fmt == "csv" else 0
        if quotes % 2 == 0:
            reference += bool(current.strip())
            current, quotes = "", 0
    assert i.rows == reference


# -- CSV quoting, ragged rows, headers ---------------------------------------------------------


def test_a_quote_that_never_closes_refuses_the_file_at_the_line_it_opened(tmp_path: Path) -> None:
    lines = ROWS[:]
    lines[4] = 't4,2024-03-05,"RU,KP,2710'
    result = _screen(_csv(tmp_path, lines))
    assert result.exit_code == 2
    assert result.stderr.startswith("in.csv:6:15: bad-file: a quote opened here does not close before the end")
    assert "rows in the file" not in result.stderr  # refused, not screened with 398 rows in one field


def test_a_quote_that_swallows_lines_then_closes_refuses_the_file_naming_both_lines(tmp_path: Path) -> None:
    lines = ROWS[:]
    lines[4] = 't4,2024-03-05,"RU,KP,2710'
    lines[299] = 't299,2024-03-01,RU,K"P,2710'
    result = _screen(_csv(tmp_path, lines))
    assert result.exit_code == 2
    assert "in.csv:6:15: bad-file: a quote opened here closes only on line 301, so lines 6-301" in result.stderr


def test_a_quoted_line_break_in_a_well_formed_record_is_one_row(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text(
        HEADER + ',note\nt1,2024-03-01,RU,KP,2710,"two\nlines"\nt2,2024-03-01,RU,KP,2710,x\n', encoding="utf-8"
    )
    result = _screen(path)
    assert _counts(result) == (2, 2, 0, 0)
    assert [line.split(",")[1] for line in (tmp_path / "v.csv").read_text().splitlines()[1:]] == ["2", "4"]


def test_ragged_rows_are_rejected_with_their_counts_never_padded(tmp_path: Path) -> None:
    lines = ROWS[:3]
    lines[1] = "t1,2024-03-02,RU,KP"  # too few: padding would judge it as a row with no HS code
    lines[2] = "t2 ,2024-03-03, RU,KP,2710,extra"
    result = _screen(_csv(tmp_path, lines))
    assert result.exit_code == 2
    assert _counts(result) == (3, 1, 2, 0)
    rejects = _rejects(tmp_path / "in.csv")
    assert [(r["row"], r["line"], r["reason"]) for r in rejects] == [
        (2, 3, "4 fields where the header has 5"),
        (3, 4, "6 fields where the header has 5"),
    ]
    assert [r["record"] for r in rejects] == lines[1:]  # as they were, spaces included


def test_a_rejected_record_is_stored_exactly_as_it_was_in_the_file(tmp_path: Path) -> None:
    record = 't1, "2024-02-30" ,"R""U",KP,  2710'
    path = tmp_path / "in.csv"
    path.write_bytes((HEADER + "\r\n" + record + "\r\n").encode("utf-8"))
    _screen(path)
    [reject] = _rejects(path)
    assert reject["record"] == record and reject["line"] == 2


def test_a_header_naming_a_column_twice_is_refused_at_its_column(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("date,supplier,recipient,supplier\n2024-03-01,RU,KP,CN\n", encoding="utf-8")
    result = _screen(path)
    assert result.exit_code == 2
    assert result.stderr.startswith("in.csv:1:25: bad-file: the header names column 'supplier' twice (columns 2 and 4)")


# -- encodings -------------------------------------------------------------------------------

NAMES = (
    "id,date,supplier,supplier_name,recipient\nt1,2024-03-01,FR,Société Générale,KP\nt2,2024-02-30,DE,Müller “Ltd”,KP\n"
)


@pytest.mark.parametrize(
    ("encoding", "where", "named"),
    [
        ("latin-1", "2:22", "cp1252"),
        ("cp1252", "2:22", "cp1252"),
        ("utf-16", "1:1", "utf-16"),
        ("utf-16-le", "1:2", "utf-16"),
    ],
)
def test_other_encodings_are_refused_naming_the_option_then_read_with_it(
    tmp_path: Path, encoding: str, where: str, named: str
) -> None:
    text = NAMES if encoding != "latin-1" else NAMES.replace("“Ltd”", '"Ltd"')
    path = tmp_path / "in.csv"
    path.write_bytes(text.encode(encoding))
    refused = _screen(path)
    assert refused.exit_code == 2
    assert refused.stderr.startswith(f"in.csv:{where}: bad-file: not UTF-8 text")
    assert f"--encoding {named}" in refused.stderr
    read_it = _screen(path, "--encoding", encoding)
    assert read_it.exit_code == 2, read_it.stderr  # the second row's date is not a date
    assert _counts(read_it) == (2, 1, 1, 0)
    [reject] = _rejects(path)
    assert reject["record"] == text.splitlines()[2]  # the name as written, not mangled
    summary = _screen(path, "--encoding", encoding, "--format", "json")
    assert json.loads(summary.stdout)["input"]["encoding"] in (encoding.replace("-", ""), encoding, "iso8859-1")


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_utf8_with_or_without_a_byte_order_mark_is_read_by_default(tmp_path: Path, fmt: str) -> None:
    if fmt == "csv":
        body = NAMES
    else:
        body = "".join(
            json.dumps({"date": d, "supplier": "FR", "supplier_name": n, "recipient": "KP"}, ensure_ascii=False) + "\n"
            for d, n in (("2024-03-01", "Société Générale"), ("2024-02-30", "Müller “Ltd”"))
        )
    for bom in (b"", b"\xef\xbb\xbf"):
        path = tmp_path / f"in.{fmt}"
        path.write_bytes(bom + body.encode("utf-8"))
        result = _screen(path)
        assert result.exit_code == 2 and _counts(result) == (2, 1, 1, 0), result.stderr
        assert "Müller “Ltd”" in str(_rejects(path)[0]["record"])


def test_an_unknown_encoding_name_is_a_bad_value(tmp_path: Path) -> None:
    result = _screen(_csv(tmp_path, ROWS[:1]), "--encoding", "klingon")
    assert result.exit_code == 2 and "--encoding klingon: not an encoding Python knows" in result.stderr


def test_a_byte_the_given_encoding_cannot_read_is_located(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(HEADER.encode() + b"\nt1,2024-03-01,RU,KP,2710\nt2,\xff\xfe\xfd\n")
    result = _screen(path, "--encoding", "utf-8")
    assert result.exit_code == 2 and result.stderr.startswith("in.csv:3:4: bad-file: not UTF-8 text")


# -- Parquet ---------------------------------------------------------------------------------


def _parquet(tmp_path: Path, **columns: object) -> Path:
    path = tmp_path / "in.parquet"
    pl.DataFrame({"date": ["2024-03-01"], "supplier": ["RU"], "recipient": ["KP"], **columns}).write_parquet(path)
    return path


@pytest.mark.parametrize("cut", [0.5, 0.9, 0.0])
def test_a_truncated_or_corrupt_parquet_file_is_a_located_exit_2(tmp_path: Path, cut: float) -> None:
    path = _parquet(tmp_path, hs=["2710"])
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * cut)] if cut else b"PAR1" + bytes(range(256)) * 4 + b"PAR1")
    result = _screen(path)
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    assert result.stderr.startswith("in.parquet: bad-file: not a readable Parquet file: ")
    assert "internal error" not in result.stderr and "ComputeError" not in result.stderr


def test_a_parquet_column_of_the_wrong_type_is_named(tmp_path: Path) -> None:
    path = _parquet(tmp_path, hs=[["2710", "8703"]], flags=[b"\xff"], quantity=[1.5])
    result = _screen(path)
    assert result.exit_code == 2, result.stderr
    lines = result.stderr.splitlines()
    assert "in.parquet: bad-file: column 'flags' is of type Binary; expected text, numbers, booleans or dates" in lines
    assert any(line.startswith("in.parquet: bad-file: column 'hs' is of type List(String)") for line in lines)


# -- JSON lines ------------------------------------------------------------------------------


def test_json_lines_not_json_or_nested_too_deep_are_rejects_with_their_line(tmp_path: Path) -> None:
    good = '{"date": "2024-03-01", "supplier": "RU", "recipient": "KP"}'
    deep = '{"date": "2024-03-01", "supplier": "RU", "hs": ' + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "}"
    bomb = '{"hs": ' + "[" * 100_000 + "]" * 100_000 + "}"  # past Python's recursion limit
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join([good, "{not json", deep, "", bomb, good]) + "\n", encoding="utf-8")
    result = _screen(path)
    assert result.exit_code == 2, result.stderr
    assert _counts(result) == (5, 2, 3, 1)
    rejects = _rejects(path)
    assert [(r["row"], r["line"]) for r in rejects] == [(2, 2), (3, 3), (4, 5)]
    assert str(rejects[0]["reason"]).startswith("not a JSON object")
    assert all(r["reason"] == f"nested deeper than MAX_DEPTH ({MAX_DEPTH}) levels" for r in rejects[1:])
    assert rejects[1]["record"] == deep


# -- the mapping -----------------------------------------------------------------------------


def test_mapping_problems_are_all_named_at_their_place_in_the_mapping_with_suggestions(tmp_path: Path) -> None:
    data = tmp_path / "in.csv"
    data.write_text("ship_date,exporter_country,importer_country,hs_code\n2024-03-01,RU,KP,2710\n", encoding="utf-8")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "columns:\n  date: ship_dte\n  supplier: exporter_country\n  recipient: importer_cuntry\n"
        "  hs: hs_code\n  quantiti: qty\ndefaults:\n  kind: transfr\n  flags: new;ship-to-shp\n",
        encoding="utf-8",
    )
    result = _screen(data, "--mapping", mapping.name)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert any(
        x.startswith("mapping.yaml:2:3: dangling-reference: columns.date: ") and "did you mean 'ship_date'?" in x
        for x in lines
    )
    assert any(
        x.startswith("mapping.yaml:4:3: dangling-reference: columns.recipient: ") and "'importer_country'" in x
        for x in lines
    )
    assert any(
        x.startswith("mapping.yaml:8:3: unknown-value: defaults.kind: unknown kind 'transfr'")
        and "did you mean 'transfer'?" in x
        for x in lines
    )
    assert any(
        x.startswith("mapping.yaml:9:3: unknown-value: defaults.flags: unknown flag 'ship-to-shp'")
        and "'ship-to-ship'" in x
        for x in lines
    )
    assert any(x.startswith("mapping.yaml:6:3: unknown-value: columns.quantiti: ") and "'quantity'" in x for x in lines)
    assert lines[-1] == "5 problems in 1 file"  # the field name and the rest, in one run
    assert not (tmp_path / "r.jsonl").exists()  # refused up front: no row rejected one by one


def test_a_misspelt_default_is_one_error_not_a_reject_per_row(tmp_path: Path) -> None:
    data = _csv(tmp_path, ROWS)
    result = _screen(data, "--default", "kind=transfr", "--default", "unit=tons", "--default", "quantity=1,000")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[-1] == "3 problems in 1 file" and all(x.startswith("<command line>: ") for x in lines[:-1]), lines
    assert "defaults.unit: the unit 'tons' is ambiguous" in result.stderr
    assert not (tmp_path / "r.jsonl").exists()


def test_valid_defaults_and_a_mapping_file_with_flags_over_it_still_screen(tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("columns:\n  hs: hs\ndefaults:\n  kind: Transfer\n  unit: tonne\n", encoding="utf-8")
    assert load_mapping(mapping).where("defaults", "unit").line == 5
    result = _screen(_csv(tmp_path, ROWS[:5]), "--mapping", str(mapping), "--default", "quantity=10")
    assert result.exit_code in (0, 1), result.stderr
    assert _counts(result) == (5, 5, 0, 0)


def test_a_row_past_the_fact_bound_keeps_its_record_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sanctionsengine import compile as compile_module

    monkeypatch.setattr(compile_module, "MAX_FACT_PROPERTIES", 40)
    monkeypatch.setattr(pipeline, "MAX_FACT_PROPERTIES", 40)
    tested = compile_module.compile_rulebook(BOOK).fact_keys
    codes = "; ".join(sorted(k[3:] for k in tested if k.startswith("hs_")))
    line = f't1,2024-03-01,RU,KP," {codes} "'
    result = _screen(_csv(tmp_path, [line, ROWS[1]]))
    assert result.exit_code == 2, result.stderr
    [reject] = _rejects(tmp_path / "in.csv")
    assert "MAX_FACT_PROPERTIES" in str(reject["reason"]) and reject["record"] == line
    assert _counts(result) == (2, 1, 1, 0)


@pytest.mark.parametrize("fmt", ["html", "junit", "json"])
def test_every_summary_format_carries_the_row_counts(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / "in.csv"
    path.write_text(HEADER + "\n" + ROWS[0] + "\n\n" + "t1,2024-02-30,RU,KP,2710\n", encoding="utf-8")
    out = _screen(path, "--format", fmt).stdout
    if fmt == "html":
        assert "<li>Rows: 2 in the file = 1 read + 1 rejected; 1 blank line skipped (not rows)</li>" in out
    elif fmt == "junit":
        assert '<property name="input.rows_read" value="1" />' in out
        assert '<property name="input.blank_lines" value="1" />' in out
    else:
        i = json.loads(out)["input"]
        assert (i["rows"], i["rows_read"], i["rows_rejected"], i["blank_lines"], i["encoding"]) == (2, 1, 1, 1, "utf-8")


def test_mapping_problems_lists_everything_for_validate_and_nothing_for_a_good_pair(tmp_path: Path) -> None:
    from sanctionsengine.bulk.command import mapping_problems

    data = _csv(tmp_path, ROWS[:2])
    good = tmp_path / "good.yaml"
    good.write_text("columns:\n  hs: hs\ndefaults:\n  kind: transfer\n", encoding="utf-8")
    assert mapping_problems(good, data) == []
    bad = tmp_path / "bad.yaml"
    bad.write_text("columns:\n  hs: hs_cod\n  dat: date\ndefaults:\n  unit: barels\n", encoding="utf-8")
    found = [str(d) for d in mapping_problems(bad, data)]
    assert [x.split(": ")[0] for x in found] == ["bad.yaml:3:3", "bad.yaml:2:3", "bad.yaml:5:3"], found


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_a_record_past_the_record_bound_is_refused_at_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    """A quote that never closes in a large file is refused once the record passes the bound,
    without reading the rest into one field (and a JSON line that long is a limit)."""
    monkeypatch.setattr(read, "MAX_RECORD_BYTES", 300)
    monkeypatch.setattr(read, "BLOCK", 64)
    if fmt == "csv":
        lines = ROWS[:]
        lines[2] = 't2,2024-03-03,"RU,KP,2710'
        path = _csv(tmp_path, lines)
        expected = "in.csv:4:15: bad-file: a quote opened here does not close within the 300 bytes a record may hold"
    else:
        path = tmp_path / "in.jsonl"
        path.write_text('{"date": "2024-03-01"}\n{"date": "' + "x" * 400 + '"}\n', encoding="utf-8")
        expected = "in.jsonl:2: limit: a record of more than MAX_RECORD_BYTES (300) bytes"
    result = _screen(path)
    assert result.exit_code == 2 and result.stderr.startswith(expected), result.stderr


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("1e400", "not a JSON object: the number 1e400 is out of range"),
        ("NaN", "not a JSON object: NaN is not a JSON number"),
        ("9" * 400, "not readable as JSON: "),  # Python reads it, polars does not: found line by line
    ],
)
def test_a_json_number_out_of_range_is_a_reject_not_an_internal_error(tmp_path: Path, number: str, reason: str) -> None:
    good = '{"date": "2024-03-01", "supplier": "RU", "recipient": "KP"}'
    path = tmp_path / "in.jsonl"
    path.write_text(
        f'{good}\n{{"date": "2024-03-01", "supplier": "RU", "quantity": {number}, "unit": "tonne"}}\n{good}\n'
    )
    result = _screen(path)
    assert result.exit_code == 2, result.stderr
    assert _counts(result) == (3, 2, 1, 0)
    [reject] = _rejects(path)
    assert reject["line"] == 2 and str(reject["reason"]).startswith(reason), reject


def test_validate_checks_a_mapping_alone_and_against_its_data_file(tmp_path: Path) -> None:
    data = _csv(tmp_path, ROWS[:2])
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("columns:\n  hs: hs_cod\ndefaults:\n  kind: transfr\n", encoding="utf-8")

    def run(*args: str) -> Result:
        return CliRunner().invoke(main, ["validate", *args], catch_exceptions=False)

    alone = run("--mapping", "mapping.yaml")
    assert alone.exit_code == 2 and alone.stderr.startswith("mapping.yaml:4:3: unknown-value: defaults.kind: ")
    paired = run("--mapping", "mapping.yaml", "--data", data.name)
    assert paired.exit_code == 2
    assert [x.split(": ")[0] for x in paired.stderr.splitlines()[:-1]] == ["mapping.yaml:2:3", "mapping.yaml:4:3"]
    mapping.write_text("columns:\n  hs: hs\ndefaults:\n  kind: transfer\n", encoding="utf-8")
    ok = run("--mapping", "mapping.yaml", "--data", data.name)
    assert ok.exit_code == 0 and ok.stdout.rstrip().endswith("; mapping mapping.yaml against in.csv"), ok.stdout


def _hostile_bulk_inputs(tmp_path: Path) -> dict[str, Path]:
    good = pl.DataFrame({"date": ["2024-03-01"], "supplier": ["RU"], "recipient": ["KP"]})
    good.write_parquet(tmp_path / "good.parquet")
    whole = (tmp_path / "good.parquet").read_bytes()
    texts: dict[str, bytes] = {
        "unclosed.csv": (HEADER + '\nt1,2024-03-01,"RU,KP,2710\nt2,2024-03-01,RU,KP,2710\n').encode(),
        "ragged.csv": (HEADER + "\nt1,2024-03-01\nt2,2024-03-01,RU,KP,2710,1,2,3\n").encode(),
        "duplicate.csv": b"date,supplier,date\n2024-03-01,RU,2024-03-02\n",
        "latin1.csv": (HEADER + "\nt1,2024-03-01,RU,KP,2710\nt\xe9,2024-03-01,RU,KP,2710\n").encode("latin-1"),
        "utf16.csv": (HEADER + "\nt1,2024-03-01,RU,KP,2710\n").encode("utf-16"),
        "nul.jsonl": b'{"date": "2024-03-01"\x00}\n',
        "empty.csv": b"",
        "header-only.csv": HEADER.encode(),
        "blank-only.jsonl": b"\n \n\r\n",
        "garbage.jsonl": b'{"date": "2024-03-01", "supplier": "RU", "recipient": "KP"}\n{{{{\n[]\n"x"\n'
        + b"[" * 5000
        + b"\n",
        "truncated.parquet": whole[: len(whole) // 3],
        "not.parquet": b"PAR1 this is not parquet PAR1",
    }
    out = {}
    for name, data in texts.items():
        (tmp_path / name).write_bytes(data)
        out[name] = tmp_path / name
    pl.DataFrame({"date": ["2024-03-01"], "supplier": [["RU"]], "recipient": [{"a": 1}]}).write_parquet(
        tmp_path / "nested.parquet"
    )
    out["nested.parquet"] = tmp_path / "nested.parquet"
    return out


def test_no_hostile_bulk_input_reaches_exit_3(tmp_path: Path) -> None:
    """Exit 3 is for internal faults: each of these is bad input (exit 2, located) or a valid result."""
    for name, path in _hostile_bulk_inputs(tmp_path).items():
        result = _screen(path)
        assert result.exit_code in (0, 1, 2), (name, result.exit_code, result.stderr)
        assert "internal error" not in result.stderr and "Traceback" not in result.stderr, (name, result.stderr)
        assert result.exit_code != 2 or result.stderr.startswith(name) or "rows in the file" in result.stderr, (
            name,
            result.stderr,
        )
        if "rows in the file" in result.stderr:
            rows, read_, rejected, _ = _counts(result)
            assert rows == read_ + rejected, (name, result.stderr)
