"""Fuzzing every file boundary in-process: the real scenarios, rule files, mapping, ledger, lists
and a report, mutated by hypothesis, must each give a valid result or located diagnostics (exit 2),
never another exception (exit 3), never a hang.

Two profiles of the same strategies:

- the quick one runs in the normal suite, with a fixed seed and a few cases per boundary;
- the long one (``pytest -m fuzz``, deselected otherwise) runs ``SANCTIONSENGINE_FUZZ_CASES``
  cases per boundary (default 400) and prints its figures: cases, outcomes and time.

``SANCTIONSENGINE_FUZZ_TARGETS`` (comma-separated target names, as in the figures) runs only those
targets; ``SANCTIONSENGINE_FUZZ_SHRINK=1`` lets hypothesis shrink a failing case (slow: minutes).

Besides the mutated files, four targets generate their input: scenarios built field by field (the
``sometime`` forms, unknown countries, suspected goods, quantity bounds and qualifiers, values,
vessels, offers and records); CSV ledgers written byte by byte (quotes, separators and newlines in
cells, blank lines, short and long rows, a duplicate header, BOM, cp1252/latin-1/UTF-16 with or
without ``--encoding``), screened, with the rows line checked (rows in the file = read + rejected,
and, where the file is well formed, equal to the rows written); a mutated mapping used for a real
screening; and an audit log emptied, cut, edited, reordered or damaged byte by byte, then verified,
listed, shown and appended to (``verify`` must never call a changed log intact, and an append to
one must warn or be refused).

Each case has a deadline (:data:`CASE_SECONDS`, by SIGALRM): a case that runs past it is a hang.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from sanctionsengine.bulk.mapping import load_mapping
from sanctionsengine.cli import main
from sanctionsengine.compile import compile_rulebook
from sanctionsengine.errors import InputError
from sanctionsengine.evaluation import judge_scenario
from sanctionsengine.evidence import check_evidence
from sanctionsengine.render import render
from sanctionsengine.report import build_report
from sanctionsengine.rulebook import Rulebook, load_rulebook
from sanctionsengine.scenario import parse_scenario
from sanctionsengine.screening import load_un_list, load_vessel_list
from sanctionsengine.verify import load_report

from .conftest import ROOT, RULES, SCENARIOS, UN_LIST, VESSELS_CSV, VESSELS_JSON

CASE_SECONDS = 30.0
QUICK_CASES = 6
LONG_CASES = int(os.environ.get("SANCTIONSENGINE_FUZZ_CASES", "400"))

#: Values a hostile or careless file puts where a value goes.
VALUES = [
    "NO", "no", "yes", "on", "y", "~", "null", "''", '""', ".inf", "-.inf", ".nan", "1e400", "-1", "0",
    "9" * 400, "[]", "{}", "[" * 60 + "]" * 60, "!!python/name:os.system x", "!!python/object:os.system {}",
    "!!binary aGk=", "!!set {a}", "*a", "&a x", '"\\uD800"', '"\\e[2J\\e[31m"', '"a\\nb"', "'KP '", "'9306 '",
    "2024-02-30", "9999-12-31", "0001-01-01", "x" * 25_000, "tons", "ton", "kg", "tonne", "🙂", "0x10",
    "0o17", "1:20", '"\\u202e"', "<<: {a: 1}", "{a: &b [*b]}", "KP", "RU", "8703", "2710", "transfer",
]  # fmt: skip

#: Fragments inserted anywhere.
SNIPPETS = [
    "\n", "  ", "- ", ": ", "{", "}", "[", "]", "&a ", "*a", "!!", "#", "'", '"', "\\", "\x00", "\x1b",
    "\ufeff", "\u2028", "---\n", "...\n", "%YAML 1.1\n", "? ", "|\n", ">\n", "\t", "\r\n", "<", "&", ",",
    "\ud800", "é", "ك",
]  # fmt: skip

MUTATION = st.one_of(
    st.tuples(st.just("delete"), st.integers(0, 10**9), st.integers(1, 60)),
    st.tuples(st.just("insert"), st.integers(0, 10**9), st.one_of(st.sampled_from(SNIPPETS), st.text(max_size=6))),
    st.tuples(st.just("value"), st.integers(0, 10**9), st.sampled_from(VALUES)),
    st.tuples(st.just("dupline"), st.integers(0, 10**9), st.integers(1, 3)),
    st.tuples(st.just("dropline"), st.integers(0, 10**9), st.integers(1, 3)),
    st.tuples(st.just("indent"), st.integers(0, 10**9), st.integers(-4, 4)),
    st.tuples(st.just("swap"), st.integers(0, 10**9), st.integers(0, 10**9)),
)
MUTATIONS = st.lists(MUTATION, min_size=1, max_size=4)


def mutate(text: str, mutations: list[tuple[Any, ...]]) -> str:
    """Apply each mutation in turn; positions are taken modulo the text's current length."""
    for op, a, b in mutations:
        lines = text.split("\n")
        if op == "delete" and text:
            at = a % len(text)
            text = text[:at] + text[at + b :]
        elif op == "insert":
            at = a % (len(text) + 1)
            text = text[:at] + b + text[at:]
        elif op == "value":
            spots = [i for i, line in enumerate(lines) if ": " in line]
            if spots:
                i = spots[a % len(spots)]
                key = lines[i].split(": ", 1)[0]
                lines[i] = f"{key}: {b}"
                text = "\n".join(lines)
        elif op == "dupline":
            i = a % len(lines)
            text = "\n".join(lines[: i + 1] + lines[i : i + b] + lines[i + 1 :])
        elif op == "dropline":
            i = a % len(lines)
            text = "\n".join(lines[:i] + lines[i + b :])
        elif op == "indent":
            i = a % len(lines)
            line = lines[i]
            lines[i] = " " * b + line if b > 0 else line[min(-b, len(line) - len(line.lstrip(" "))) :]
            text = "\n".join(lines)
        elif op == "swap":
            i, j = a % len(lines), b % len(lines)
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
    return text


class Hang(Exception):
    pass


@contextlib.contextmanager
def deadline(seconds: float = CASE_SECONDS) -> Iterator[None]:
    def alarm(signum: int, frame: FrameType | None) -> None:
        raise Hang(f"a case ran past {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def refused_well(exc: InputError, need_line: bool) -> None:
    """Exit 2 done right: at least one diagnostic, each on one line with its file (and line)."""
    items = list(exc.diagnostics)
    assert items, "an InputError without a diagnostic"
    for d in items:
        text = str(d)
        assert "\n" not in text and "\x1b" not in text, text
        assert d.location.file, text
        if need_line and d.code not in ("file-not-found", "bad-file", "limit", "source-mismatch"):
            assert d.location.line > 0, f"diagnostic without a line: {text}"


OUTCOMES: dict[str, Counter[str]] = {}


def judged(target: str, case: Callable[[], str], need_line: bool = True) -> None:
    """Run one case under its deadline; record 'valid', 'refused' (exit 2); anything else fails."""
    counts = OUTCOMES.setdefault(target, Counter())
    with deadline():
        try:
            outcome = case()
        except InputError as exc:
            refused_well(exc, need_line)
            outcome = "refused"
    counts[outcome] += 1


# --- the boundaries --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fuzz_book() -> Rulebook:
    return load_rulebook(RULES)


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="sanctionsengine-fuzz-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


SCENARIO_TEXTS = {p.name: p.read_text(encoding="utf-8") for p in sorted(SCENARIOS.glob("*.yaml"))}
SCENARIO_NAMES = st.sampled_from(sorted(SCENARIO_TEXTS))


def scenario_case(book: Rulebook, name: str, mutations: list[tuple[Any, ...]]) -> Callable[[], str]:
    def case() -> str:
        from sanctionsengine.vocabulary import RuleKind

        text = mutate(SCENARIO_TEXTS[name], mutations)
        exemptions = [r.id for r in book.rules if r.kind == RuleKind.EXEMPTION]
        loaded = parse_scenario(text, name, groups=list(book.groups.groups), exemptions=exemptions)
        evidence, problems = check_evidence(loaded, None)
        if problems:
            raise InputError(problems)
        verdicts = judge_scenario(book, loaded, evidence)
        report = build_report(book, loaded, evidence, verdicts, None, lists=[])
        for fmt in ("markdown", "json", "junit"):
            render(report, fmt)
        return "valid"

    return case


RULE_FILES = sorted(p.relative_to(RULES).as_posix() for p in RULES.rglob("*.yaml"))


def rules_case(workdir: Path, rel: str, mutations: list[tuple[Any, ...]]) -> Callable[[], str]:
    def case() -> str:
        root = workdir / "rules"
        if not root.exists():
            shutil.copytree(RULES, root)
        target = root / rel
        original = (RULES / rel).read_text(encoding="utf-8")
        try:
            target.write_text(mutate(original, mutations), encoding="utf-8", errors="surrogatepass")
            book = load_rulebook(root)
            compile_rulebook(book)
        finally:
            target.write_text(original, encoding="utf-8")
        return "valid"

    return case


MAPPING = ROOT / "bench" / "ledger-mapping.yaml"


def mapping_case(workdir: Path, mutations: list[tuple[Any, ...]]) -> Callable[[], str]:
    def case() -> str:
        path = workdir / "mapping.yaml"
        path.write_text(
            mutate(MAPPING.read_text(encoding="utf-8"), mutations), encoding="utf-8", errors="surrogatepass"
        )
        load_mapping(path)
        return "valid"

    return case


LEDGER = (
    "txn_id,ship_date,kind,exporter_country,importer_country,exporter,importer,hs_code,qty,qty_unit,"
    "unit_value_usd,vessel_name,vessel_imo\n"
    "t1,2024-03-01,transfer,RU,KP,Volga Trading,Korea Ryonha,2710,1000,barrel,,,\n"
    "t2,2024-03-02,transfer,CN,KP,Dalian Star,Korea Mining,8703,2,piece,40000,,\n"
    "t3,2024-03-03,transfer,DE,FR,Berlin GmbH,Paris SA,8471,10,piece,900,MV ONE,9000001\n"
    "t4,2024-03-04,transfer,KP,CN,Korea Coal,Dandong Fuel,2701,5000,tonne,,,\n"
)


def ledger_case(workdir: Path, mutations: list[tuple[Any, ...]]) -> Callable[[], str]:
    def case() -> str:
        path = workdir / "ledger.csv"
        path.write_bytes(mutate(LEDGER, mutations).encode("utf-8", errors="surrogatepass"))
        result = CliRunner().invoke(
            main,
            [
                "screen",
                str(path),
                "--mapping",
                str(MAPPING),
                "--list",
                str(UN_LIST),
                "--vessels",
                str(VESSELS_JSON),
                "--no-audit",
                "--findings",
                str(workdir / "findings.jsonl"),
                "--rejects",
                str(workdir / "rejects.jsonl"),
            ],
            catch_exceptions=False,
        )
        assert result.exit_code in (0, 1, 2), (result.exit_code, result.stderr)
        assert "internal error" not in result.stderr and "Traceback" not in result.stderr, result.stderr
        read = re.search(r"\(csv, (\d+) rows? in", result.stdout)
        if read:  # every row read has exactly one verdict (rejected being one)
            counts = re.findall(r"^\| [a-z ]+ \| (\d+) \|$", result.stdout, flags=re.M)
            assert sum(int(n) for n in counts) == int(read.group(1)), result.stdout
        return screened(result, None)

    return case


LISTS = {
    "un.xml": UN_LIST.read_text(encoding="utf-8"),
    "vessels.json": VESSELS_JSON.read_text(encoding="utf-8"),
    "vessels.csv": VESSELS_CSV.read_text(encoding="utf-8"),
}


def list_case(workdir: Path, name: str, mutations: list[tuple[Any, ...]]) -> Callable[[], str]:
    def case() -> str:
        path = workdir / name
        path.write_bytes(mutate(LISTS[name], mutations).encode("utf-8", errors="surrogatepass"))
        (load_un_list if name.endswith(".xml") else load_vessel_list)(path)
        return "valid"

    return case


@pytest.fixture(scope="module")
def report_text(fuzz_book: Rulebook) -> str:
    from sanctionsengine.evaluation import evaluate

    return render(evaluate(SCENARIOS / "refined-petroleum-2024.yaml"), "json").decode("utf-8")


def report_case(workdir: Path, text: str, mutations: list[tuple[Any, ...]]) -> Callable[[], str]:
    def case() -> str:
        path = workdir / "report.json"
        path.write_bytes(mutate(text, mutations).encode("utf-8", errors="surrogatepass"))
        load_report(path)
        return "valid"

    return case


# --- generated inputs: the newer scenario fields, CSV bytes, mapping against a ledger, the audit log --


def _scenario_docs(hostile: bool) -> st.SearchStrategy[tuple[dict[str, Any], ...]]:
    """Scenarios built field by field: all valid (they reach the rules), or (hostile) with bad values."""

    def mostly(valid: st.SearchStrategy[Any], bad: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        """The valid values, and (hostile scenarios) the bad ones too."""
        return st.one_of(valid, bad) if hostile else valid

    def _country() -> st.SearchStrategy[str]:
        return mostly(
            st.sampled_from(["KP", "RU", "CN", "DE", "unknown", "NO"]),
            st.sampled_from(["XX", "kp", "KP ", "Unknown", "", "KPR", "no"]),
        )

    def _day(lo: int = 2005, hi: int = 2027) -> st.SearchStrategy[Any]:
        import datetime as dt

        return mostly(
            st.dates(dt.date(lo, 1, 1), dt.date(hi, 12, 31)),
            st.sampled_from([dt.date(1, 1, 1), dt.date(9999, 12, 31), "2024-02-30", "2024-13-01", "soon", 20240301]),
        )

    def _ordered(lo: Any, hi: Any) -> dict[str, Any]:
        return (
            {"from": min(lo, hi), "to": max(lo, hi)}
            if type(lo) is type(hi) and not isinstance(lo, str)
            else {"from": lo, "to": hi}
        )

    #: ``sometime``: each form, and the wrong ones (two forms, a form half given, out of range, off the calendar).
    SOMETIME = mostly(
        st.one_of(
            st.fixed_dictionaries({"year": st.integers(2006, 2026)}),
            st.fixed_dictionaries({"month": st.sampled_from(["2024-03", "2017-12", "2018-01", "2016-03", "2024-11"])}),
            st.fixed_dictionaries({"around": _day(), "days": st.integers(1, 90)}),
            st.tuples(_day(), _day()).map(lambda t: _ordered(*t)),
        ),
        st.one_of(
            st.fixed_dictionaries({"year": st.one_of(st.integers(1890, 2110), st.just("2024"), st.just(None))}),
            st.fixed_dictionaries({"month": st.sampled_from(["2024-13", "2024-3", "March 2024", 202403])}),
            st.fixed_dictionaries({"around": _day(), "days": st.integers(-2, 400)}),
            st.fixed_dictionaries({"around": _day()}),
            st.fixed_dictionaries({"from": _day(), "to": _day()}),
            st.fixed_dictionaries({"from": _day()}),
            st.fixed_dictionaries({"year": st.integers(2016, 2025), "month": st.just("2024-05")}),
            st.just({}),
        ),
    )

    WHEN = mostly(
        st.one_of(
            st.fixed_dictionaries({"date": _day()}),
            st.tuples(_day(), _day()).map(lambda t: {"period": _ordered(*t)}),
            st.fixed_dictionaries({"sometime": SOMETIME}),
        ),
        st.one_of(
            st.fixed_dictionaries({"period": st.fixed_dictionaries({"from": _day(), "to": _day()})}),
            st.fixed_dictionaries({"date": _day(), "sometime": SOMETIME}),
            st.just({}),
        ),
    )

    PARTY = mostly(
        st.fixed_dictionaries(
            {"country": _country()},
            optional={
                "name": st.sampled_from(["Korea Ryonha", "Volga Trading", "KOREA MINING DEVELOPMENT", "Dalian Star"]),
                "type": st.sampled_from(["entity", "person"]),
            },
        ),
        st.one_of(
            st.none(),
            st.fixed_dictionaries(
                {"country": _country(), "name": st.sampled_from(["", "x" * 300]), "type": st.just("gang")}
            ),
        ),
    )

    COMMODITY = st.fixed_dictionaries(
        {"description": st.sampled_from(["refined petroleum products", "cars", "suspected oil", "rugs"])},
        optional={
            "hs": st.lists(
                mostly(
                    st.sampled_from(["2710", "8703", "9306", "2701", "8703.23", "5701"]),
                    st.sampled_from(["27", "999999", "2710 "]),
                ),
                max_size=4,
            ),
            "categories": st.lists(
                mostly(st.sampled_from(["refined-petroleum", "crude-oil", "coal"]), st.just("nope")), max_size=2
            ),
            "suspected": mostly(st.booleans(), st.sampled_from(["yes", "maybe", None])),
        },
    )

    QUANTITY = mostly(
        st.one_of(
            st.fixed_dictionaries(
                {
                    "value": st.one_of(st.floats(min_value=0, max_value=1e9, allow_nan=False), st.integers(0, 10**7)),
                    "unit": st.sampled_from(
                        ["barrel", "tonne", "t", "mt", "metric tons", "kg", "kilogram", "piece", "litre"]
                    ),
                },
                optional={"qualifier": st.sampled_from(["exact", "approximately", "at-least", "at-most"])},
            ),
            st.fixed_dictionaries(
                {
                    "times_cap": st.floats(min_value=0.1, max_value=10),
                    "qualifier": st.sampled_from(["at-least", "exact", "at-most"]),
                }
            ),
            st.just({"unknown": True, "note": "not reported"}),
        ),
        st.one_of(
            st.fixed_dictionaries(
                {
                    "value": st.sampled_from([-1, 1e400, "lots"]),
                    "unit": st.sampled_from(["tons", "ton", "furlong", "barrel"]),
                }
            ),
            st.fixed_dictionaries({"unknown": st.just(True), "value": st.integers(0, 10)}),
            st.fixed_dictionaries(
                {"value": st.integers(0, 9), "unit": st.just("barrel"), "qualifier": st.just("about")}
            ),
        ),
    )

    EVIDENCE = [{"source": "fact-sheet", "quote": "as reported", "claimed_by": "the Panel", "confidence": "reported"}]

    def _event(i: int) -> st.SearchStrategy[dict[str, Any]]:
        base = st.fixed_dictionaries(
            {
                "id": mostly(st.just(f"e{i}"), st.sampled_from(["e0", "bad id", ""])),
                "title": mostly(st.just(f"event {i}"), st.sampled_from(["", "\u202e\u0000x", "x\ny", "\x1b[2J"])),
                "kind": mostly(
                    st.sampled_from(["transfer", "transfer", "transfer", "service", "training"]),
                    st.sampled_from(["offer", "notification", "transfr"]),  # without 'offered' / 'refers_to'
                ),
                "evidence": mostly(
                    st.just(EVIDENCE),
                    st.sampled_from(
                        [[], [{"source": "nowhere", "quote": "q", "claimed_by": "x", "confidence": "alleged"}]]
                    ),
                ),
                "supplier": PARTY,
                "recipient": PARTY,
            },
            optional={
                "concerns": st.lists(mostly(st.sampled_from(["KP", "RU", "CN", "NO"]), _country()), max_size=3),
                "commodity": COMMODITY,
                "quantity": QUANTITY,
                "value": st.fixed_dictionaries(
                    {
                        "amount": mostly(st.floats(0, 1e7), st.floats(-5, 0)),
                        "currency": mostly(st.just("USD"), st.just("EUR")),
                    },
                    optional={"basis": mostly(st.sampled_from(["per-item", "total"]), st.just("each"))},
                ),
                "vessels": st.lists(
                    st.fixed_dictionaries(
                        {},
                        optional={
                            "name": mostly(st.sampled_from(["CHON MA SAN", "MV ONE"]), st.just("")),
                            "imo": mostly(st.sampled_from(["8660313", "9000001"]), st.sampled_from(["123", 8660313])),
                        },
                    ),
                    max_size=2,
                ),
                "flags": st.lists(
                    mostly(st.sampled_from(["new-arrivals", "ship-to-ship"]), st.just("not-a-flag")), max_size=2
                ),
            },
        )
        return st.tuples(base, WHEN).map(lambda t: {**t[0], **t[1]})

    return st.integers(1, 4).flatmap(lambda n: st.tuples(*(_event(i) for i in range(n))))


SCENARIO_DOCS = st.one_of(
    _scenario_docs(False), _scenario_docs(False), _scenario_docs(True)
)  # two valid to one hostile


class _NoAliases(yaml.SafeDumper):
    """Shared values written out each time: the scenario reader refuses YAML aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def generated_scenario_case(book: Rulebook, events: tuple[dict[str, Any], ...]) -> Callable[[], str]:
    def case() -> str:
        from sanctionsengine.vocabulary import RuleKind

        doc = {
            "scenario": {"id": "fuzz", "title": "generated", "prepared_by": "fuzz", "prepared_on": "2026-12-01"},
            "sources": [{"id": "fact-sheet", "title": "fact sheet", "language": "en", "url": "https://example.org/x"}],
            "events": list(events),
        }
        text = yaml.dump(doc, Dumper=_NoAliases, allow_unicode=True, sort_keys=False)
        exemptions = [r.id for r in book.rules if r.kind == RuleKind.EXEMPTION]
        loaded = parse_scenario(text, "fuzz.yaml", groups=list(book.groups.groups), exemptions=exemptions)
        evidence, problems = check_evidence(loaded, None)
        if problems:
            raise InputError(problems)
        verdicts = judge_scenario(book, loaded, evidence)
        report = build_report(book, loaded, evidence, verdicts, None, lists=[])
        for fmt in ("markdown", "json", "junit"):
            render(report, fmt)
        return "valid"

    return case


#: A located diagnostic on one line: file:line:col: code: message (file-level problems: file: code: message).
LOCATED = re.compile(r"^[^:\n]+(:\d+(:\d+)?)?: [a-z][a-z0-9-]*: \S")
ROWS_LINE = re.compile(r"rows in the file: ([\d,]+) = ([\d,]+) read \+ ([\d,]+) rejected")


def screened(result: Any, expect_rows: int | None) -> str:
    """A screen run judged: exit 0/1 with every row accounted for, or exit 2 with located lines."""
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.stderr)
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr, result.stderr
    found = ROWS_LINE.search(result.stdout + result.stderr)
    if result.exit_code == 2 and not found:  # refused before any row was judged: say where
        lines = [x for x in result.stderr.splitlines() if x and not re.match(r"^\d+ problems? in \d+ files?$", x)]
        lines = [x for x in lines if not x.startswith("warning:")]
        assert lines, "exit 2 without a word"
        assert any(LOCATED.match(x) for x in lines), result.stderr
    if result.exit_code in (0, 1):
        assert found, f"no rows line: {result.stdout}"
    if found:
        rows, read, rejected = (int(g.replace(",", "")) for g in found.groups())
        assert rows == read + rejected, found.group(0)
        if expect_rows is not None:
            assert rows == expect_rows, (found.group(0), expect_rows)
    return f"exit {result.exit_code}"


COUNTRIES = ["KP", "RU", "CN", "DE", "unknown", "NO", "XX", "kp", "KP ", "Unknown", "", "KPR"]
CSV_CELLS = {
    "txn_id": st.sampled_from(["t1", "t2", "", "t,3", 't"4"']),
    "ship_date": st.sampled_from(["2024-03-01", "2017-12-22", "2024-02-30", "", "01/03/2024"]),
    "kind": st.sampled_from(["transfer", "", "transfr", "service"]),
    "exporter_country": st.sampled_from(COUNTRIES),
    "importer_country": st.sampled_from(COUNTRIES),
    "exporter": st.one_of(
        st.sampled_from(["Volga Trading", "Dalian, Star", 'He said "hi"', "Müller GmbH", "كوريا", "a\nb"]),
        st.text(max_size=8),
    ),
    "importer": st.sampled_from(["Korea Ryonha", "KOREA MINING DEVELOPMENT TRADING CORPORATION", "", "Ünïcode"]),
    "hs_code": st.sampled_from(["2710", "8703", "9306", "9306 ", "", "27;87", "abc"]),
    "qty": st.sampled_from(["1000", "2", "", "-1", "1e400", "inf", "12,5"]),
    "qty_unit": st.sampled_from(["barrel", "tonne", "piece", "tons", "kg", ""]),
    "unit_value_usd": st.sampled_from(["", "40000", "900", "x"]),
    "vessel_name": st.sampled_from(["", "MV ONE", "CHON MA SAN"]),
    "vessel_imo": st.sampled_from(["", "9000001", "8660313", "12"]),
}
CSV_HEADER = list(CSV_CELLS)
CSV_ROWS = st.lists(st.fixed_dictionaries(CSV_CELLS), min_size=0, max_size=8)
#: What is done to a well-formed file: nothing, or damage that breaks its rows.
CSV_DAMAGE = st.sampled_from(
    [
        "none",
        "none",
        "none",
        "blank-lines",
        "unbalanced-quote",
        "short-row",
        "long-row",
        "dup-header",
        "header-only-bom",
    ]
)
CSV_ENCODING = st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"])


def csv_case(
    workdir: Path, rows: list[dict[str, str]], damage: str, encoding: str, say_encoding: bool, crlf: bool, at: int
) -> Callable[[], str]:
    def case() -> str:
        import csv
        import io

        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n" if crlf else "\n")
        header = list(CSV_HEADER)
        if damage == "dup-header":
            header[-1] = "exporter"
        writer.writerow(header)
        for r in rows:
            writer.writerow([r[c] for c in CSV_HEADER])
        lines = re.split(r"(?<=\n)", buf.getvalue())[:-1]  # at "\n" only: a cell may hold U+2028 unquoted
        n = len(rows)
        expect: int | None = n
        if damage == "blank-lines" and rows:
            lines.insert(1 + at % n, "\n")
        elif damage == "unbalanced-quote" and rows:
            i = 1 + at % n
            lines[i] = '"' + lines[i]
            expect = None
        elif damage == "short-row" and rows:
            i = 1 + at % n
            lines[i] = lines[i].rstrip("\r\n").rsplit(",", 2)[0] + "\n"
            expect = None  # a cell holding a newline may make this row anything
        elif damage == "long-row" and rows:
            i = 1 + at % n
            lines[i] = lines[i].rstrip("\r\n") + ",extra\n"
            expect = None
        elif damage == "dup-header":
            expect = None
        text = "".join(lines)
        try:
            data = text.encode(encoding)
        except UnicodeEncodeError:
            data = text.encode("utf-8")
            encoding_used = "utf-8"
        else:
            encoding_used = encoding
        if damage == "header-only-bom":
            data, expect = "\ufeff".encode() + ",".join(CSV_HEADER).encode() + b"\n", 0
        path = workdir / "generated.csv"
        path.write_bytes(data)
        args = ["screen", str(path), "--mapping", str(MAPPING), "--list", str(UN_LIST), "--vessels", str(VESSELS_JSON)]
        args += ["--no-audit"]
        args += ["--findings", str(workdir / "g.findings.jsonl"), "--rejects", str(workdir / "g.rejects.jsonl")]
        if say_encoding and encoding_used not in ("utf-8", "utf-8-sig"):
            args += ["--encoding", encoding_used]
        elif encoding_used not in ("utf-8", "utf-8-sig") and not data.isascii():
            expect = None  # unsaid non-UTF-8: refused, or (bytes that happen to decode) read as UTF-8
        result = CliRunner().invoke(main, args, catch_exceptions=False)
        return screened(result, expect)

    return case


LEDGER_ROWS = len(LEDGER.strip().splitlines()) - 1


def mapped_screen_case(workdir: Path, mutations: list[tuple[Any, ...]]) -> Callable[[], str]:
    """A mutated mapping used for a real screening: refused at the mapping's line, or every row judged."""

    def case() -> str:
        path = workdir / "mapping-screen.yaml"
        path.write_text(
            mutate(MAPPING.read_text(encoding="utf-8"), mutations), encoding="utf-8", errors="surrogatepass"
        )
        ledger = workdir / "mapped-ledger.csv"
        ledger.write_text(LEDGER, encoding="utf-8")
        args = ["screen", str(ledger), "--mapping", str(path), "--list", str(UN_LIST), "--vessels", str(VESSELS_JSON)]
        args += ["--no-audit"]
        args += ["--findings", str(workdir / "m.findings.jsonl"), "--rejects", str(workdir / "m.rejects.jsonl")]
        result = CliRunner().invoke(main, args, catch_exceptions=False)
        outcome = screened(result, LEDGER_ROWS)
        if result.exit_code == 2 and "mapping-screen.yaml" in result.stderr:
            for x in result.stderr.splitlines():
                if x.startswith(str(path)) and not x.startswith(f"{path}: "):
                    assert re.match(re.escape(str(path)) + r":\d+(:\d+)?: ", x), x
        return outcome

    return case


#: What is done to an audit log (and its head file beside it).
TAMPER = st.one_of(
    st.tuples(
        st.sampled_from(
            [
                "empty",
                "drop-table",
                "delete-first",
                "delete-last",
                "edit-body",
                "edit-hash",
                "remove-db",
                "remove-head",
                "swap",
            ]
        ),
        st.just(0),
        st.just(0),
    ),
    st.tuples(st.just("truncate"), st.integers(0, 10**9), st.just(0)),
    st.tuples(st.just("flip"), st.integers(0, 10**9), st.integers(1, 255)),
    st.tuples(st.just("garbage"), st.integers(0, 4096), st.just(0)),
)
#: Tampering that changes what the log holds: ``audit verify`` must never call the chain intact after it.
REAL_TAMPER = {
    "empty",
    "drop-table",
    "delete-first",
    "delete-last",
    "edit-body",
    "edit-hash",
    "remove-db",
    "swap",
    "garbage",
}


def tamper(db: Path, op: str, a: int, b: int) -> None:
    import sqlite3

    def sql(*statements: str) -> None:  # on a file that is no longer a database, nothing more is done
        with contextlib.suppress(sqlite3.Error), contextlib.closing(sqlite3.connect(db)) as conn, conn:
            for s in statements:
                conn.execute(s)

    if op == "empty":
        db.write_bytes(b"")
    elif op == "drop-table":
        sql("DROP TABLE audit_log")
    elif op == "delete-first":
        sql("DELETE FROM audit_log WHERE seq = (SELECT MIN(seq) FROM audit_log)")
    elif op == "delete-last":
        sql("DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)")
    elif op == "edit-body":
        sql("UPDATE audit_log SET body = replace(body, 'fuzz', 'fuzZ') WHERE seq = 2")
    elif op == "edit-hash":
        sql("UPDATE audit_log SET hash = '" + "f" * 64 + "' WHERE seq = 1")
    elif op == "swap":
        sql(
            "UPDATE audit_log SET seq = -seq WHERE seq IN (1, 2)",
            "UPDATE audit_log SET seq = 3 + seq WHERE seq IN (-1, -2)",
        )
    elif op == "remove-db":
        db.unlink()
    elif op == "remove-head":
        db.with_name(db.name + ".head").unlink(missing_ok=True)
    elif op == "truncate":
        data = db.read_bytes()
        db.write_bytes(data[: a % max(len(data), 1)])
    elif op == "flip":
        data = bytearray(db.read_bytes())
        if data:
            data[a % len(data)] ^= b
        db.write_bytes(bytes(data))
    elif op == "garbage":
        db.write_bytes(b"SQLite format 3\x00" + bytes(a % 251 for a in range(a)))


def _rows(db: Path) -> list[tuple[Any, ...]] | None:
    import sqlite3

    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        conn.text_factory = bytes  # the stored bytes, compared as they are
        try:
            return conn.execute("SELECT seq, body, prev_hash, hash FROM audit_log ORDER BY seq").fetchall()
        finally:
            conn.close()
    except (sqlite3.Error, UnicodeDecodeError):  # SQLite's message may quote a damaged schema's bytes
        return None


@pytest.fixture(scope="module")
def audit_base(workdir: Path) -> Path:
    """A log of three records, appended by the library as ``evaluate`` appends them."""
    from sanctionsengine.audit import AuditRecord, append, entries

    db = workdir / "audit-base" / "audit.sqlite"
    db.parent.mkdir()
    for n in (1, 2, 3):
        record = AuditRecord(
            recorded_at=f"2026-12-0{n}T00:00:00+00:00", user=f"fuzz{n}", host="host",
            command=["sanctionsengine", "evaluate", "s.yaml"], cwd="/", run_id=f"{n}" * 32,
            rulebook={"path": "rules/un-dprk", "hash": "sha256:" + "1" * 64}, scenario={"path": "s.yaml", "sha256": "2" * 64},
            sources=[], lists=[], as_of=None, versions={"sanctionsengine": "0"}, verdicts={"violation": n},
            report={"format": "markdown", "sha256": f"{n}" * 64, "written_to": None},
        )  # fmt: skip
        append(record, db, warn=lambda _m: None)
    assert len(entries(db)) == 3
    return db


def audit_case(workdir: Path, base: Path, ops: list[tuple[str, int, int]]) -> Callable[[], str]:
    def case() -> str:
        from sanctionsengine.audit import AuditRecord, append, entries

        here = workdir / "audit-case"
        shutil.rmtree(here, ignore_errors=True)
        here.mkdir()
        db = here / "audit.sqlite"
        shutil.copy(base, db)
        shutil.copy(base.with_name(base.name + ".head"), here / "audit.sqlite.head")
        before = _rows(base)
        for op, a, b in ops:
            if db.exists() or op == "remove-head":
                tamper(db, op, a, b)
        after = _rows(db) if db.exists() else None
        changed = after != before
        if any(op == "remove-head" for op, _, _ in ops) and after is not None and before is not None:
            # without its head file, a log cut from the end is a whole shorter log: only the head
            # file beside it can tell (audit.py's design); every other change must still be seen
            changed = after != before[: len(after)]
        runner = CliRunner()
        outcomes = []
        for args in (["audit", "verify"], ["audit", "list"], ["audit", "show", "2"]):
            result = runner.invoke(main, [*args, "--audit-db", str(db)], catch_exceptions=False)
            assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.output)
            assert "internal error" not in result.output and "Traceback" not in result.output, result.output
            outcomes.append(result.exit_code)
            if args[1] == "verify" and result.exit_code == 0:
                assert not changed, f"audit verify says intact after {ops}: {result.output}"
        record = AuditRecord.model_validate({**entries(base)[0].record.model_dump(), "user": "after"})
        warned: list[str] = []
        try:
            append(record, db, warn=warned.append)
        except InputError as exc:
            refused_well(exc, need_line=False)
            return f"verify exit {outcomes[0]}, append refused"
        fresh = not db.exists() and not db.with_name(db.name + ".head").exists()  # a new log, on purpose
        if changed and not fresh:
            assert warned, f"appended to a tampered log without a word after {ops}"
        return f"verify exit {outcomes[0]}, append {'warned' if warned else 'ok'}"

    return case


# --- the two profiles ----------------------------------------------------------------------------


def profile(cases: int, derandomize: bool) -> settings:
    return settings(
        max_examples=cases,
        derandomize=derandomize,
        deadline=None,  # the per-case deadline is SIGALRM's: hypothesis only measures
        database=None,
        # no shrinking unless asked (SANCTIONSENGINE_FUZZ_SHRINK=1): a failing case is reported as found
        phases=[Phase.explicit, Phase.reuse, Phase.generate]
        + ([Phase.shrink] if os.environ.get("SANCTIONSENGINE_FUZZ_SHRINK") else []),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
    )


def run_all(cases: int, derandomize: bool, book: Rulebook, workdir: Path, report: str, audit: Path) -> None:
    some = profile(cases, derandomize)
    few = some if cases > QUICK_CASES else profile(2, derandomize)  # the quick profile's screenings: 2 each

    @some
    @given(SCENARIO_NAMES, MUTATIONS)
    def scenarios(name: str, mutations: list[tuple[Any, ...]]) -> None:
        judged("scenario", scenario_case(book, name, mutations))

    @some
    @given(st.sampled_from(RULE_FILES), MUTATIONS)
    def rules(rel: str, mutations: list[tuple[Any, ...]]) -> None:
        judged("rule file", rules_case(workdir, rel, mutations))

    @some
    @given(MUTATIONS)
    def mapping(mutations: list[tuple[Any, ...]]) -> None:
        judged("mapping", mapping_case(workdir, mutations))

    @some
    @given(MUTATIONS)
    def ledger(mutations: list[tuple[Any, ...]]) -> None:
        judged("ledger", ledger_case(workdir, mutations), need_line=False)

    @some
    @given(st.sampled_from(sorted(LISTS)), MUTATIONS)
    def lists(name: str, mutations: list[tuple[Any, ...]]) -> None:
        judged("list", list_case(workdir, name, mutations), need_line=False)

    @some
    @given(MUTATIONS)
    def reports(mutations: list[tuple[Any, ...]]) -> None:
        judged("report", report_case(workdir, report, mutations), need_line=False)

    @some
    @given(SCENARIO_DOCS)
    def generated(events: tuple[dict[str, Any], ...]) -> None:
        judged("generated scenario", generated_scenario_case(book, events))

    @few
    @given(CSV_ROWS, CSV_DAMAGE, CSV_ENCODING, st.booleans(), st.booleans(), st.integers(0, 10**6))
    def csv_bytes(rows: list[dict[str, str]], damage: str, encoding: str, say: bool, crlf: bool, at: int) -> None:
        judged("csv", csv_case(workdir, rows, damage, encoding, say, crlf, at), need_line=False)

    @few
    @given(MUTATIONS)
    def mapped(mutations: list[tuple[Any, ...]]) -> None:
        judged("mapping + ledger", mapped_screen_case(workdir, mutations), need_line=False)

    @some
    @given(st.lists(TAMPER, min_size=1, max_size=2))
    def audit_log(ops: list[tuple[str, int, int]]) -> None:
        judged("audit log", audit_case(workdir, audit, ops), need_line=False)

    runs = {
        "scenario": scenarios, "rule file": rules, "mapping": mapping, "ledger": ledger, "list": lists,
        "report": reports, "generated scenario": generated, "csv": csv_bytes, "mapping + ledger": mapped,
        "audit log": audit_log,
    }  # fmt: skip
    only = [t.strip() for t in os.environ.get("SANCTIONSENGINE_FUZZ_TARGETS", "").split(",") if t.strip()]
    for name, run in runs.items():
        if not only or name in only:
            run()


def test_mutations_are_applied_as_described() -> None:
    text = "a: 1\nb: 2\n"
    assert mutate(text, [("value", 1, "NO")]) == "a: 1\nb: NO\n"
    assert mutate(text, [("dropline", 0, 1)]) == "b: 2\n"
    assert mutate(text, [("insert", 0, "&a ")]) == "&a a: 1\nb: 2\n"


def test_quick_fuzz_profile(fuzz_book: Rulebook, workdir: Path, report_text: str, audit_base: Path) -> None:
    OUTCOMES.clear()
    run_all(QUICK_CASES, True, fuzz_book, workdir, report_text, audit_base)
    assert os.environ.get("SANCTIONSENGINE_FUZZ_TARGETS") or set(OUTCOMES) == {
        "scenario", "rule file", "mapping", "ledger", "list", "report",
        "generated scenario", "csv", "mapping + ledger", "audit log",
    }  # fmt: skip
    assert all(sum(c.values()) >= 1 for c in OUTCOMES.values())


@pytest.mark.fuzz
def test_long_fuzz_profile(fuzz_book: Rulebook, workdir: Path, report_text: str, audit_base: Path) -> None:
    OUTCOMES.clear()
    started = time.monotonic()
    run_all(LONG_CASES, False, fuzz_book, workdir, report_text, audit_base)
    seconds = time.monotonic() - started
    total = sum(sum(c.values()) for c in OUTCOMES.values())
    figures = {"cases": total, "seconds": round(seconds, 1), "outcomes": {k: dict(v) for k, v in OUTCOMES.items()}}
    print("\nfuzz figures:", json.dumps(figures, ensure_ascii=False))
    assert total >= len(OUTCOMES) * min(LONG_CASES, 50)
    for target in ("generated scenario", "csv", "mapping + ledger"):  # generated input reaches the engine
        if target in OUTCOMES and LONG_CASES >= 50:
            assert set(OUTCOMES[target]) - {"refused", "exit 2"}, f"{target}: every case refused"
