"""Bulk screening: the same verdicts as the scenario path, every row accounted for, same bytes.

The differential test writes generated rows to a file, screens it in small partitions (so caps
run across partitions), and judges the same rows as one scenario, event by event: verdicts and
findings must agree row for row, over more than 10,000 rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import json
import random
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sanctionsengine.bulk.mapping import ColumnMapping, load_mapping
from sanctionsengine.bulk.rows import check, to_event
from sanctionsengine.bulk.run import screen_file
from sanctionsengine.errors import InputError
from sanctionsengine.evaluation import judge_scenario, load_lists
from sanctionsengine.rulebook import load_rulebook
from sanctionsengine.scenario import LoadedScenario, Scenario, ScenarioInfo, Source
from sanctionsengine.yamlfile import YamlDocument

from .conftest import ROOT, RULES, UN_LIST, VESSELS_JSON, run_cli

BOOK = load_rulebook(RULES)
LISTS = load_lists([UN_LIST], [VESSELS_JSON])
HS = ["2710", "271019", "2709", "270900", "2711", "8703", "870323", "7113", "711319", "2701", "270112", "0303",
      "6109", "620520", "9306", "8802", "8901", "2601", "7108", "8471", "1001", "3004", "5701", "9999", "84"]  # fmt: skip
NAMES = ["Chonmasan", "Jang Myong Jin", "Korea Mirae Shipping", "Ocean Breeze Ltd", "KOMID", "Acme Trading"]


def ledger_row(rng: random.Random) -> dict[str, object]:
    """One generated ledger row: every kind, dates from 2005 to 2025, DPRK on either side or none."""
    kind = rng.choice(["transfer"] * 6 + ["service", "financial", "offer", "training"])
    row: dict[str, object] = {
        "date": (dt.date(2005, 6, 1) + dt.timedelta(days=rng.randint(0, 7300))).isoformat(),
        "kind": kind,
        "supplier": rng.choice(["KP", "KP", "CN", "RU", "SG"]),
        "recipient": rng.choice(["KP", "KP", "CN", "RU", "SG", None]),
    }
    if kind == "offer":
        row["offered"] = rng.choice(["transfer", "service", "transfer;training"])
    if rng.random() < 0.5:
        row["hs"] = ";".join(rng.choice(HS) for _ in range(rng.randint(1, 2)))
    if rng.randint(0, 9) < 7:
        row["quantity"] = rng.choice(["unknown", str(rng.randint(1, 400_000))])
        row["unit"] = rng.choice(["barrel", "tonne", "piece", "kilolitre", "vehicle"])
    if rng.random() < 0.5:
        row["value_usd" if rng.random() < 0.5 else "total_usd"] = str(rng.randint(1, 8000))
    if rng.randint(0, 4) == 0:
        row["flags"] = rng.choice(["new", "ship-to-ship", "prior-contract", "not-notified", "designated-party"])
    if rng.randint(0, 5) == 0:
        row["supplier_name"] = rng.choice(NAMES)
    if rng.randint(0, 8) == 0:
        row["vessel"] = rng.choice(["CHON MA SAN", "Chonmasan", "Pacific Star"])
        if rng.random() < 0.5:
            row["imo"] = "8660313"
    return {k: v for k, v in row.items() if v is not None}


def _write(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps({"id": f"t{i}", **r}) + "\n" for i, r in enumerate(rows)), encoding="utf-8")
    return path


def _scenario_path(rows_file: Path) -> list[tuple[str, list[tuple[str, str]]]]:
    """Each row judged as an event of one scenario: (verdict, sorted findings)."""
    raw = pl.read_ndjson(rows_file, infer_schema_length=None).cast(pl.String)
    raw = raw.with_columns(
        pl.int_range(1, raw.height + 1).alias("_row"), pl.int_range(1, raw.height + 1).alias("_line")
    )
    good, rejects = check(raw, ColumnMapping(), BOOK)
    assert rejects.height == 0, rejects.to_dicts()[:3]
    events = [to_event(r) for r in good.sort("_row").to_dicts()]
    scenario = Scenario(
        scenario=ScenarioInfo(id="rows", title="rows"),
        sources=(Source(id="input", title="rows", language="en", url="about:rows"),),
        events=tuple(events),
    )
    loaded = LoadedScenario(scenario=scenario, file="rows", sha256="", doc=YamlDocument("rows", None))
    verdicts = judge_scenario(BOOK, loaded, lists=LISTS, timeout=600)
    return [(v.verdict.value, sorted((f.rule_id, f.outcome.value) for f in v.findings)) for v in verdicts]


def _bulk_path(rows_file: Path, tmp: Path, **kw: object) -> list[tuple[str, list[tuple[str, str]]]]:
    findings, verdicts = tmp / "findings.jsonl", tmp / "verdicts.csv"
    screen_file(
        rows_file, ColumnMapping(), BOOK, LISTS, threshold=90.0, findings=findings, verdicts=verdicts,
        rejects=tmp / "rejects.jsonl", **kw,  # type: ignore[arg-type]
    )  # fmt: skip
    flagged = {}
    for line in findings.read_text(encoding="utf-8").splitlines():
        v = json.loads(line)
        flagged[v["row"]] = sorted((f["rule_id"], f["outcome"]) for f in v["findings"])
    out = []
    with verdicts.open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            out.append((r["verdict"], flagged.get(int(r["row"]))))
    return out  # type: ignore[return-value]


DIFFERENTIAL_EXAMPLES = 25
ROWS_PER_EXAMPLE = 400
ROWS_PER_PARTITION = 134  # three partitions per example: caps run across them


# Rows come from a seeded random.Random that Hypothesis picks for each example: drawing 10,000
# rows field by field through Hypothesis cost more than both paths judging them.
@settings(max_examples=DIFFERENTIAL_EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(rng=st.randoms(use_true_random=True))
def test_bulk_and_scenario_paths_agree_row_by_row(rng: random.Random, tmp_path_factory: pytest.TempPathFactory) -> None:
    rows = [ledger_row(rng) for _ in range(ROWS_PER_EXAMPLE)]
    tmp = tmp_path_factory.mktemp("diff")
    rows_file = _write(tmp / "rows.jsonl", rows)
    per_event = _scenario_path(rows_file)
    bulk = _bulk_path(rows_file, tmp, rows_per_partition=ROWS_PER_PARTITION)
    assert len(bulk) == len(per_event) == len(rows)
    for n, ((bv, bf), (pv, pf)) in enumerate(zip(bulk, per_event, strict=True)):
        assert bv == pv, (n, rows[n], bv, pv, pf)
        if bf is not None:
            assert bf == pf, (n, rows[n], bf, pf)


def test_the_differential_test_covers_ten_thousand_rows() -> None:
    assert DIFFERENTIAL_EXAMPLES * ROWS_PER_EXAMPLE >= 10_000
    assert -(-ROWS_PER_EXAMPLE // ROWS_PER_PARTITION) == 3


def _ledger(tmp_path: Path, n: int) -> Path:
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    from bulk_workload import write  # type: ignore[import-not-found]

    return write(tmp_path / "ledger.jsonl", n)


def test_caps_are_summed_across_partitions(tmp_path: Path) -> None:
    rows = [
        {
            "date": f"2024-0{m}-10",
            "supplier": "RU",
            "recipient": "KP",
            "hs": "271019",
            "quantity": "150000",
            "unit": "barrel",
        }
        for m in range(1, 6)
    ]
    rows_file = _write(tmp_path / "oil.jsonl", rows)
    summary, flagged = screen_file(rows_file, ColumnMapping(), BOOK, [], threshold=90, rows_per_partition=2)
    assert summary.input.partitions == 3
    cap = [next(f for f in v.findings if f.rule_id == "dprk.oil.refined-petroleum") for v in flagged]
    assert [f.outcome.value for f in cap] == ["not_prohibited"] * 3 + ["violation"] * 2
    assert "600,000" in (cap[3].computation or "") and "750,000" in (cap[4].computation or "")


def test_small_partitions_give_the_same_bytes(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path, 6000)
    mapping = load_mapping(ROOT / "bench" / "ledger-mapping.yaml")
    outs = []
    for rows in (1000, 250_000):
        d = tmp_path / f"p{rows}"
        d.mkdir()
        summary, _ = screen_file(
            ledger, mapping, BOOK, LISTS, threshold=90, findings=d / "f.jsonl", verdicts=d / "v.csv",
            rejects=d / "r.jsonl", rows_per_partition=rows, run_id="r", started_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        )  # fmt: skip
        outs.append(((d / "f.jsonl").read_bytes(), (d / "v.csv").read_bytes(), summary.by_verdict, summary.by_rule))
        assert summary.input.partitions == (6 if rows == 1000 else 1)
    assert outs[0] == outs[1]
    assert sum(outs[0][2].values()) == 6000


def _record_ends(data: bytes, fmt: str) -> list[tuple[int, int]]:
    """(offset, line) just after each non-blank record, read line by line: the reference."""
    out, offset, line, quotes, start = [], 0, 1, 0, 0
    for text in data.split(b"\n"):
        quotes += text.count(b'"') if fmt == "csv" else 0
        offset += len(text) + 1
        line += 1
        if quotes % 2 == 0:
            if data[start:offset].strip():
                out.append((min(offset, len(data)), line))
            start, quotes = offset, 0
    return out


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    fmt=st.sampled_from(["csv", "jsonl"]),
    lines=st.lists(
        st.sampled_from([b"a,b\n", b"\n", b"  \n", b"\r\n", b' "x\ny",z\n', b'"p""q",r\n', b"c"]), max_size=60
    ),
    rows=st.integers(1, 9),
    block=st.sampled_from([3, 16, 1 << 20]),
)
def test_partitions_start_at_records_and_number_them_as_a_reader_would(
    tmp_path: Path, fmt: str, lines: list[bytes], rows: int, block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hashlib

    from sanctionsengine.bulk import read

    body = b"".join(x for x in lines if x != b"c") + (b"c" if b"c" in lines else b"")
    if fmt == "jsonl":
        body = body.replace(b'"', b"")
    header = b"h1,h2\n" if fmt == "csv" else b""
    path = tmp_path / f"in.{fmt}"
    path.write_bytes(header + body)
    monkeypatch.setattr(read, "BLOCK", block)
    parts, digest = read.plan(path, fmt, rows)
    assert digest == hashlib.sha256(header + body).hexdigest()
    shift = 1 if header else 0
    ends = [(offset + len(header), line + shift) for offset, line in _record_ends(body, fmt)]
    # a partition starts at the data or just after its predecessor's last record, at that line
    starts = [(len(header), 1 + shift)] + [ends[i - 1] for i in range(rows, len(ends), rows)] if ends else []
    assert [(p.start, p.first_line) for p in parts[: len(starts)]] == starts
    assert [p.first_row for p in parts[: len(starts)]] == list(range(1, len(ends) + 1, rows))
    # the partitions cover the data, end to end, with nothing left over and nothing read twice
    assert all(a.end == b.start for a, b in itertools.pairwise(parts))
    if parts:
        assert parts[-1].end == len(header + body) and parts[0].start == len(header)
    assert len(parts) - len(starts) in (0, 1)  # then perhaps a last part of blank lines only


def test_rows_that_cannot_be_read_are_set_aside_with_their_line(tmp_path: Path) -> None:
    text = (
        '{"id": "a", "date": "2024-01-02", "supplier": "RU", "recipient": "KP", "hs": "2710", "quantity": "10", "unit": "barrel"}\n'
        "\n"
        '{"id": "b", "date": "2024-02-30", "supplier": "RUS", "recipient": "KP"}\n'
        "{not json}\n"
        '{"id": "d", "date": "2024-01-02", "supplier": "CN", "recipient": "SG", "quantity": "1,000", "unit": "tonne"}\n'
    )
    source = tmp_path / "in.jsonl"
    source.write_text(text, encoding="utf-8")
    summary, _ = screen_file(
        source,
        ColumnMapping(),
        BOOK,
        [],
        threshold=90,
        findings=tmp_path / "f.jsonl",
        rejects=tmp_path / "r.jsonl",
        verdicts=tmp_path / "v.csv",
    )
    rejects = [json.loads(x) for x in (tmp_path / "r.jsonl").read_text().splitlines()]
    assert [(r["row"], r["line"]) for r in rejects] == [(2, 3), (3, 4), (4, 5)]
    assert "date '2024-02-30' is not YYYY-MM-DD" in rejects[0]["reason"] and "supplier 'RUS'" in rejects[0]["reason"]
    assert rejects[0]["record"] == text.splitlines()[2]  # kept as it was
    assert "not a JSON object" in rejects[1]["reason"]
    assert "quantity '1,000' is not a number" in rejects[2]["reason"]
    assert summary.by_verdict["rejected"] == 3 and summary.input.rows == 4
    verdicts = list(csv.DictReader((tmp_path / "v.csv").read_text(encoding="utf-8").splitlines()))
    assert [v["verdict"] for v in verdicts] == ["potential_violation", "rejected", "rejected", "rejected"]


def test_json_lines_with_blank_lines_and_crlf_keep_their_line_numbers(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(
        b'\r\n{"date": "2024-01-02", "supplier": "CN", "recipient": "KP", "hs": "8703"}\r\n'
        b'   \n\n{"date": "2024-01-03", "supplier": "CN", "recipient": "SG", "hs": "8703"}\n'
        b'{"date": "2024-01-04", "supplier": "CN", "recipient": "KP", "hs": 8703}'
    )
    screen_file(
        source, ColumnMapping(), BOOK, [], threshold=90, findings=tmp_path / "f.jsonl", verdicts=tmp_path / "v.csv"
    )
    verdicts = list(csv.DictReader((tmp_path / "v.csv").read_text(encoding="utf-8").splitlines()))
    assert [(v["row"], v["line"], v["verdict"]) for v in verdicts] == [
        ("1", "2", "violation"),
        ("2", "5", "out_of_scope"),
        ("3", "6", "violation"),  # a number where text is expected is read as its text
    ]


def test_csv_with_a_quoted_line_break_keeps_line_numbers(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text(
        'date,supplier,recipient,hs,note\n2024-01-02,CN,KP,8703,"two\nlines"\n2024-01-03,CN,KP,87x,x\n2024-01-04,CN,KP,8703,y\n',
        encoding="utf-8",
    )
    screen_file(
        source, ColumnMapping(), BOOK, [], threshold=90, findings=tmp_path / "f.jsonl", rejects=tmp_path / "r.jsonl"
    )
    [reject] = [json.loads(x) for x in (tmp_path / "r.jsonl").read_text().splitlines()]
    assert (reject["row"], reject["line"]) == (2, 4)
    flagged = [json.loads(x) for x in (tmp_path / "f.jsonl").read_text().splitlines()]
    assert [(f["row"], f["line"], f["verdict"]) for f in flagged] == [(1, 2, "violation"), (3, 5, "violation")]


def test_parquet_is_read_too(tmp_path: Path) -> None:
    frame = pl.DataFrame(
        {
            "when": [dt.date(2024, 1, 2), dt.date(2024, 1, 3)],
            "from": ["KP", "CN"],
            "to": ["CN", "SG"],
            "hs": ["270112", "8703"],
            "q": [10.0, None],
        }
    )
    source = tmp_path / "in.parquet"
    frame.write_parquet(source)
    mapping = ColumnMapping(
        columns={"date": "when", "supplier": "from", "recipient": "to", "quantity": "q"}, defaults={"unit": "tonne"}
    )
    summary, flagged = screen_file(source, mapping, BOOK, [], threshold=90, findings=tmp_path / "f.jsonl")
    assert [(f.row, f.verdict.value) for f in flagged] == [(1, "violation")]
    assert summary.by_verdict["out_of_scope"] == 1


def test_a_mapping_naming_a_missing_column_is_a_clear_error(tmp_path: Path) -> None:
    source = _write(tmp_path / "in.jsonl", [{"date": "2024-01-01", "supplier": "KP"}])
    with pytest.raises(InputError) as exc:
        screen_file(source, ColumnMapping(columns={"hs": "hs_code"}), BOOK, [], threshold=90)
    assert "the mapping names column 'hs_code', which the file does not have" in "\n".join(
        exc.value.diagnostics.lines()
    )
    bad = tmp_path / "m.yaml"
    bad.write_text("columns:\n  dates: x\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_mapping(bad)
    assert "m.yaml:2:3" in "\n".join(exc.value.diagnostics.lines()) and "did you mean 'date'" in "\n".join(
        exc.value.diagnostics.lines()
    )


def test_screen_file_from_the_command_line(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path, 3000)
    result = run_cli(
        "screen", str(ledger), "--mapping", str(ROOT / "bench" / "ledger-mapping.yaml"), "--list", str(UN_LIST),
        "--vessels", str(VESSELS_JSON), "--findings", str(tmp_path / "f.csv"), "--findings-format", "csv",
        "--verdicts", str(tmp_path / "v.csv"), "--format", "json",
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    summary = json.loads(result.stdout)
    assert sum(summary["by_verdict"].values()) == 3000 and summary["by_verdict"]["violation"] > 0
    assert "screened 3,000 rows" in result.stderr and "audit record" in result.stderr
    header = (tmp_path / "f.csv").read_text().splitlines()[0]
    assert header.startswith("row,line,id,verdict,rule_id,outcome,citation")
    assert len((tmp_path / "v.csv").read_text().splitlines()) == 3001


def test_the_summary_as_html_and_junit(tmp_path: Path) -> None:
    """HTML: self-contained, every string escaped; JUnit: a failing case per rule with violations,
    an error case when rows were set aside, read by a standard JUnit parser."""
    from html.parser import HTMLParser

    from junitparser import Error, Failure, JUnitXml

    from sanctionsengine.bulk.command import render_summary

    source = tmp_path / "<b>ledger&.jsonl"
    source.write_text(
        '{"id": "<script>x</script>", "date": "2024-01-02", "supplier": "CN", "recipient": "KP", "hs": "8703", "ship <i>": "Sea"}\n'
        '{"id": "n", "date": "2024-01-02", "supplier": "RU", "recipient": "KP", "hs": "1001"}\n'
        '{"id": "bad", "date": "yesterday", "supplier": "CN", "recipient": "KP"}\n',
        encoding="utf-8",
    )
    summary, _ = screen_file(
        source, ColumnMapping(columns={"vessel": "ship <i>"}), BOOK, LISTS, threshold=90,
        findings=tmp_path / "f.jsonl", rejects=tmp_path / "r.jsonl",
    )  # fmt: skip
    page = render_summary(summary, "html").decode()
    assert "<b>ledger" not in page and "&lt;b&gt;ledger&amp;.jsonl" in page
    assert "ship <i>" not in page and "ship &lt;i&gt;" in page
    assert "<script" not in page and "http" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "dprk.supply.transportation-vehicles" in page and "rejected (could not be read)" in page

    class Tags(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.sections: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "section":
                self.sections.append(dict(attrs)["id"] or "")

    tags = Tags()
    tags.feed(page)
    assert tags.sections == ["summary", "rules", "inputs"]

    path = tmp_path / "summary.xml"
    path.write_bytes(render_summary(summary, "junit"))
    suite = next(iter(JUnitXml.fromfile(str(path))))
    cases = {c.name: c for c in suite}
    violating = {rid for rid, counts in summary.by_rule.items() if counts.get("violation")}
    assert violating and {n for n, c in cases.items() if any(isinstance(r, Failure) for r in c.result)} == violating
    assert any(isinstance(r, Error) for r in cases["every row could be read"].result)
    assert suite.failures == len(violating) and suite.errors == 1


def test_distributed_screening_matches_the_single_machine_run(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path, 4000)
    mapping = load_mapping(ROOT / "bench" / "ledger-mapping.yaml")
    outs = []
    for workers in (0, 2):
        d = tmp_path / f"w{workers}"
        d.mkdir()
        summary, _ = screen_file(
            ledger, mapping, BOOK, LISTS, threshold=90, findings=d / "f.jsonl", verdicts=d / "v.csv", rejects=d / "r.jsonl",
            rows_per_partition=1000, workers=workers, run_id="r", started_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        )  # fmt: skip
        outs.append(((d / "f.jsonl").read_bytes(), (d / "v.csv").read_bytes(), summary.model_dump(exclude={"outputs"})))
    assert outs[0] == outs[1]
    assert outs[0][0]  # something was flagged


def test_a_row_whose_goods_are_not_stated_gets_one_findings_line(tmp_path: Path) -> None:
    rows = tmp_path / "rows.jsonl"
    rows.write_text(
        '{"id": "no-goods", "date": "2024-01-02", "supplier": "CN", "recipient": "KP"}\n'
        '{"id": "car", "date": "2024-01-02", "supplier": "CN", "recipient": "KP", "hs": "8703"}\n',
        encoding="utf-8",
    )
    findings, verdicts = tmp_path / "f.csv", tmp_path / "v.csv"
    screen_file(
        rows, ColumnMapping(), BOOK, LISTS, threshold=90.0, findings=findings, findings_format="csv", verdicts=verdicts,
    )  # fmt: skip
    lines = list(csv.DictReader(findings.read_text(encoding="utf-8").splitlines()))
    no_goods = [r for r in lines if r["id"] == "no-goods"]
    assert len(no_goods) == 1, no_goods
    assert no_goods[0]["verdict"] == no_goods[0]["outcome"] == "undecidable"
    assert "dprk.luxury.supply" in no_goods[0]["rule_id"] and no_goods[0]["missing"] == "commodity"
    assert len(no_goods[0]["rule_id"].split("; ")) == len(no_goods[0]["citation"].split("; ")) > 5
    assert any(r["id"] == "car" and r["rule_id"] == "dprk.luxury.supply" for r in lines)
    reasons = {r["id"]: r["reason"] for r in csv.DictReader(verdicts.read_text(encoding="utf-8").splitlines())}
    assert "dprk.supply.industrial-machinery" in reasons["no-goods"]


def test_default_findings_and_rejects_go_beside_the_input_file(tmp_path: Path) -> None:
    data, elsewhere = tmp_path / "data", tmp_path / "elsewhere"
    data.mkdir()
    elsewhere.mkdir()
    source = _write(
        data / "day.jsonl",
        [
            {"id": "a", "date": "2024-01-02", "supplier": "CN", "recipient": "KP", "hs": "8703"},
            {"id": "b", "date": "yesterday", "supplier": "CN", "recipient": "KP"},
        ],
    )
    result = run_cli(
        "screen", str(source), "--list", str(UN_LIST), "--vessels", str(VESSELS_JSON), "--no-audit", cwd=elsewhere
    )
    assert result.returncode == 2, result.stderr  # one row rejected
    assert (data / "day.findings.jsonl").is_file() and (data / "day.rejects.jsonl").is_file()
    assert list(elsewhere.iterdir()) == []
    assert f"findings in {data / 'day.findings.jsonl'}" in result.stderr
    assert f"see {data / 'day.rejects.jsonl'}" in result.stderr
