"""Fuzzing every file boundary in-process: the real scenarios, rule files, mapping, ledger, lists
and a report, mutated by hypothesis, must each give a valid result or located diagnostics (exit 2),
never another exception (exit 3), never a hang.

Two profiles of the same strategies:

- the quick one runs in the normal suite, with a fixed seed and a few cases per boundary;
- the long one (``pytest -m fuzz``, deselected otherwise) runs ``SANCTIONSENGINE_FUZZ_CASES``
  cases per boundary (default 400) and prints its figures: cases, outcomes and time.

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
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
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
        return {0: "valid", 1: "valid", 2: "refused"}[result.exit_code]

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


# --- the two profiles ----------------------------------------------------------------------------


def profile(cases: int, derandomize: bool) -> settings:
    return settings(
        max_examples=cases,
        derandomize=derandomize,
        deadline=None,  # the per-case deadline is SIGALRM's: hypothesis only measures
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
    )


def run_all(cases: int, derandomize: bool, book: Rulebook, workdir: Path, report: str) -> None:
    some = profile(cases, derandomize)

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

    for run in (scenarios, rules, mapping, ledger, lists, reports):
        run()


def test_mutations_are_applied_as_described() -> None:
    text = "a: 1\nb: 2\n"
    assert mutate(text, [("value", 1, "NO")]) == "a: 1\nb: NO\n"
    assert mutate(text, [("dropline", 0, 1)]) == "b: 2\n"
    assert mutate(text, [("insert", 0, "&a ")]) == "&a a: 1\nb: 2\n"


def test_quick_fuzz_profile(fuzz_book: Rulebook, workdir: Path, report_text: str) -> None:
    OUTCOMES.clear()
    run_all(QUICK_CASES, True, fuzz_book, workdir, report_text)
    assert set(OUTCOMES) == {"scenario", "rule file", "mapping", "ledger", "list", "report"}
    assert all(sum(c.values()) >= 1 for c in OUTCOMES.values())


@pytest.mark.fuzz
def test_long_fuzz_profile(fuzz_book: Rulebook, workdir: Path, report_text: str) -> None:
    OUTCOMES.clear()
    started = time.monotonic()
    run_all(LONG_CASES, False, fuzz_book, workdir, report_text)
    seconds = time.monotonic() - started
    total = sum(sum(c.values()) for c in OUTCOMES.values())
    figures = {"cases": total, "seconds": round(seconds, 1), "outcomes": {k: dict(v) for k, v in OUTCOMES.items()}}
    print("\nfuzz figures:", json.dumps(figures, ensure_ascii=False))
    assert total >= 6 * min(LONG_CASES, 50)
