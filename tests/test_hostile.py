"""Hostile and odd files: each gets one located exit-2 line (or a correct result), never a hang,
a crash or an internal error. The bounds are in :mod:`sanctionsengine.limits`."""

from __future__ import annotations

import json
import os
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from sanctionsengine import compile as compile_module
from sanctionsengine import yamlfile
from sanctionsengine.cli import main
from sanctionsengine.compile import compile_rulebook, event_fact, fact_overflow, trim_fact
from sanctionsengine.engine import Engine
from sanctionsengine.errors import Diagnostic, EngineFailure, InputError, SourceLocation
from sanctionsengine.evaluation import evaluate
from sanctionsengine.limits import LIMITS, MAX_FACT_PROPERTIES, MAX_STRING
from sanctionsengine.quantities import parse_unit
from sanctionsengine.render import render, terminal_safe
from sanctionsengine.rulebook import Rulebook, load_rulebook
from sanctionsengine.scenario import Commodity, Event, Evidence, Party, load_scenario, parse_scenario
from sanctionsengine.screening import load_un_list, load_vessel_list
from sanctionsengine.testing.cases import CaseEvent, evaluate_events
from sanctionsengine.verify import load_report
from sanctionsengine.vocabulary import Confidence, EventKind, Unit
from sanctionsengine.yamlfile import parse_yaml

from .conftest import RULES, UN_LIST, VESSELS_JSON, exit_code_in_child

HOSTILE = Path(__file__).parent / "data" / "invalid" / "hostile"
EXPECTED = yaml.safe_load((HOSTILE / "expected.yaml").read_text(encoding="utf-8"))

HEAD = """scenario: {id: h, title: h}
sources:
  - {id: article, title: The article, language: ar, url: "https://example.org/a"}
events:
"""


def _event(eid: str = "e1", **fields: str) -> str:
    base = {
        "title": "t",
        "kind": "transfer",
        "date": "2024-01-01",
        "supplier": "{country: RU}",
        "recipient": "{country: KP}",
        "evidence": "[{source: article, quote: x, claimed_by: the article, confidence: reported}]",
    }
    base.update(fields)
    return f"  - id: {eid}\n" + "".join(f"    {k}: {v}\n" for k, v in base.items())


def _cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _one_line(result: Result) -> str:
    assert result.exit_code == 2, (result.exit_code, result.output, result.stderr)
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


# --- every hostile scenario: one located line, exit 2 ------------------------------------------


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_hostile_scenario_gets_one_located_line(case: str) -> None:
    expected = EXPECTED[case]
    line = _one_line(_cli("validate", str(HOSTILE / f"{case}.yaml")))
    assert f"{case}.yaml:{expected['line']}:" in line, line
    assert f": {expected['code']}: " in line, line
    for word in expected["words"]:
        assert word in line, f"{word!r} not in {line!r}"


def test_a_billion_laughs_is_refused_before_any_expansion() -> None:
    text = (HOSTILE / "billion-laughs.yaml").read_text(encoding="utf-8")
    assert text.count("*") >= 72  # 9**9 "lol"s if it were expanded
    with pytest.raises(InputError) as err:
        parse_yaml(text, "bomb.yaml")
    assert [d.code for d in err.value.diagnostics] == ["limit"]


@pytest.mark.parametrize("kind", ["rules", "mapping"])
def test_aliases_are_refused_in_rule_files_and_mappings(kind: str, tmp_path: Path) -> None:
    if kind == "rules":
        root = tmp_path / "rules"
        shutil.copytree(RULES, root)
        target = root / "oil.yaml"
        target.write_text(target.read_text(encoding="utf-8") + "\nextra: &x [1]\nmore: *x\n", encoding="utf-8")
        with pytest.raises(InputError) as err:
            load_rulebook(root)
    else:
        from sanctionsengine.bulk.mapping import load_mapping

        target = tmp_path / "mapping.yaml"
        target.write_text("columns: &c {date: day}\nagain: *c\n", encoding="utf-8")
        with pytest.raises(InputError) as err:
            load_mapping(target)
    [problem] = list(err.value.diagnostics)
    assert problem.code == "limit" and "aliases" in problem.message and problem.location.line > 0


# --- YAML 1.2 core: words stay words -----------------------------------------------------------


def test_norway_is_a_country_not_false() -> None:
    loaded = parse_scenario(HEAD + _event(supplier="{country: NO}"), "no.yaml")
    event = loaded.scenario.events[0]
    assert event.supplier is not None and event.supplier.country == "NO"


def test_yaml_1_1_words_and_numbers_are_read_by_the_core_schema() -> None:
    data = parse_yaml("a: on\nb: y\nc: 0755\nd: 1:20\ne: true\nf: ~\ng: 0x1F\nh: 2024-01-01\n", "f.yaml").data
    assert data == {"a": "on", "b": "y", "c": 755, "d": "1:20", "e": True, "f": None, "g": 31, "h": "2024-01-01"}


def test_a_boolean_field_still_takes_yes() -> None:
    text = HEAD + _event(quantity="{unknown: yes, note: not stated}")
    event = parse_scenario(text, "yes.yaml").scenario.events[0]
    assert event.quantity is not None and event.quantity.unknown


def test_an_integer_too_long_to_read_is_located() -> None:
    with pytest.raises(InputError) as err:
        parse_yaml("a: 1\nb: " + "9" * 5000 + "\n", "f.yaml")
    [problem] = list(err.value.diagnostics)
    assert str(problem.location) == "f.yaml:2:4" and "5,000 digits" in problem.message


# --- limits ------------------------------------------------------------------------------------


def test_every_limit_is_documented_in_the_errors_guide() -> None:
    from sanctionsengine.generate import errors_reference

    guide = errors_reference()
    for limit in LIMITS:
        assert limit.name in guide and f"{limit.value:,}" in guide


def test_a_text_past_the_string_limit_is_refused() -> None:
    with pytest.raises(InputError) as err:
        parse_scenario(HEAD + _event(title="x" * (MAX_STRING + 1)), "long.yaml")
    [problem] = list(err.value.diagnostics)
    assert problem.code == "limit" and str(problem.location) == "long.yaml:6:12"


def test_a_list_past_the_item_limit_is_refused() -> None:
    codes = ", ".join(["'8703'"] * 1001)
    with pytest.raises(InputError) as err:
        parse_scenario(HEAD + _event(commodity=f"{{description: cars, hs: [{codes}]}}"), "items.yaml")
    [problem] = list(err.value.diagnostics)
    assert problem.code == "limit" and "1,001 items" in problem.message


def test_a_scenario_past_the_event_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlfile, "MAX_EVENTS", 2)
    with pytest.raises(InputError) as err:
        parse_scenario(HEAD + _event("a") + _event("b") + _event("c"), "many.yaml")
    [problem] = list(err.value.diagnostics)
    assert problem.code == "limit" and "3 events" in problem.message and problem.location.line == 5


def test_a_file_past_the_size_limit_is_refused_unread(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(yamlfile, "MAX_YAML_BYTES", 100)
    big = tmp_path / "big.yaml"
    big.write_text(HEAD + _event(), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_scenario(big)
    [problem] = list(err.value.diagnostics)
    assert problem.code == "limit" and "bytes allowed" in problem.message


# --- only regular files are read -----------------------------------------------------------------


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("role", ["scenario", "list", "vessels", "mapping", "report"])
def test_a_named_pipe_is_refused_at_once(role: str, fifo: Path) -> None:
    ledger = fifo.parent / "ledger.csv"
    ledger.write_text("date,supplier,recipient\n2024-01-01,RU,KP\n", encoding="utf-8")
    args = {
        "scenario": ["evaluate", str(fifo), "--list", str(UN_LIST), "--vessels", str(VESSELS_JSON)],
        "list": ["evaluate", str(HOSTILE / "alias.yaml"), "--list", str(fifo)],
        "vessels": ["evaluate", str(HOSTILE / "alias.yaml"), "--vessels", str(fifo)],
        "mapping": [
            "screen",
            str(ledger),
            "--list",
            str(UN_LIST),
            "--vessels",
            str(VESSELS_JSON),
            "--mapping",
            str(fifo),
        ],
        "report": ["verify", str(fifo)],
    }[role]
    result = _cli(*args)
    assert result.exit_code == 2, (result.output, result.stderr)
    assert "named pipe (FIFO); only regular files are read" in result.stderr


def test_a_device_is_refused_without_reading_it() -> None:
    with pytest.raises(InputError) as err:
        load_scenario("/dev/zero")
    assert "is a device; only regular files are read" in str(err.value)


# --- JSON and XML at the boundary ----------------------------------------------------------------


def _vessels(tmp_path: Path, content: str) -> Path:
    path = tmp_path / "vessels.json"
    path.write_text(content, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ('["a", "b"]', "expected an object with a 'vessels' list (list)"),
        ('{"vessels": 5}', "no 'vessels' list"),
        ('{"vessels": ["MV ONE"]}', "vessels[0] is a str, not an object"),
        ('{"vessels": [{"names": ["A"], "designations": "x"}]}', "vessels[0].designations is not a list"),
        ('{"vessels": [', "not JSON: Expecting value"),
        ('{"vessels": ' + "[" * 5000 + "]" * 5000 + "}", "nested deeper than 32 levels"),
        ('{"vessels": [{"names": ["\\ud800"]}]}', "lone UTF-16 surrogate"),
        ('{"vessels": [{"names": ["MV \\u001b[2J"]}]}', "control character"),
    ],
)
def test_a_vessels_json_of_the_wrong_shape_is_named(content: str, words: str, tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        load_vessel_list(_vessels(tmp_path, content))
    assert words in str(err.value)


def test_a_vessels_json_with_stray_values_still_loads_its_vessels(tmp_path: Path) -> None:
    content = {"vessels": [{"names": ["MV ONE", 7, None], "imo_number": 1234567, "row_number": 1}]}
    lst = load_vessel_list(_vessels(tmp_path, json.dumps(content)))
    assert [e.name for e in lst.entries] == ["MV ONE"]


def test_a_bad_json_error_has_its_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    path.write_text('{\n  "a": 1,\n  oops\n}\n', encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_report(path)
    [problem] = list(err.value.diagnostics)
    assert (problem.location.line, problem.location.col) == (3, 3)


def test_a_deeply_nested_report_is_a_limit_not_a_recursion_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    line = _one_line(_cli("verify", str(path)))
    assert ": limit: JSON nested deeper than 32 levels" in line


def test_an_xml_list_with_an_external_dtd_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "list.xml"
    original = UN_LIST.read_text(encoding="utf-8")
    first, rest = original.split("\n", 1)
    path.write_text(f'{first}\n<!DOCTYPE CONSOLIDATED_LIST SYSTEM "http://example.org/list.dtd">\n{rest}')
    with pytest.raises(InputError) as err:
        load_un_list(path)
    assert "declares a document type" in str(err.value) and "http://example.org/list.dtd" in str(err.value)


# --- output never garbled --------------------------------------------------------------------


def test_a_value_holding_a_newline_cannot_split_a_diagnostic_line() -> None:
    line = str(Diagnostic(SourceLocation("f.yaml", 3, 4), "dangling-reference", "no event 'a\nb\x1b[2J'"))
    assert "\n" not in line and "\x1b" not in line and "'a\\nb\\x1b[2J'" in line


def test_a_dangling_reference_with_a_newline_is_one_line() -> None:
    text = HEAD + _event() + _event("n", kind="notification", refers_to='["e1\\nforged: line"]')
    line = _one_line(_cli("validate", _write(text)))
    assert "e1\\nforged" in line


def _write(text: str) -> str:
    import tempfile

    fd, name = tempfile.mkstemp(suffix=".yaml")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    return name


def test_markdown_never_carries_a_control_character_to_the_terminal() -> None:
    assert terminal_safe("a\x1b[31mb\tc\nd\x9b") == "a\\x1b[31mb\tc\nd\\x9b"


@pytest.mark.parametrize("fmt", ["markdown", "json", "html", "junit"])
def test_every_format_renders_a_title_in_any_script(fmt: str, tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(HEAD + _event(title='"조선 — Корея — 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \\t tab"'), encoding="utf-8")
    data = render(evaluate(path), fmt)
    assert "조선".encode() in data


# --- numbers and units ---------------------------------------------------------------------


@pytest.mark.parametrize("spelling", ["t", "tonne", "tonnes", "metric ton", "Metric Tons", "mt", "MT", "metric_tonnes"])
def test_common_spellings_of_the_tonne_are_accepted(spelling: str) -> None:
    assert parse_unit(spelling) == Unit.TONNE


@pytest.mark.parametrize("spelling", ["ton", "tons", "Tons"])
def test_the_ambiguous_ton_is_refused_with_the_three_meanings(spelling: str) -> None:
    with pytest.raises(ValueError, match=r"short ton.*long ton.*metric tonne"):
        parse_unit(spelling)


def test_kilograms_of_diesel_count_against_the_barrel_cap(book: Rulebook) -> None:
    def delivery(unit: str, value: float) -> Event:
        return CaseEvent.model_validate(
            {
                "kind": "transfer",
                "date": "2024-03-01",
                "supplier": "RU",
                "recipient": "KP",
                "hs": ["2710"],
                "quantity": {"value": value, "unit": unit},
            }
        ).to_event(unit)

    [kg] = evaluate_events(book, [delivery("kg", 10_000_000)])
    [tonne] = evaluate_events(book, [delivery("tonne", 10_000)])
    kg_cap = next(f for f in kg.findings if f.rule_id == "dprk.oil.refined-petroleum").computation
    tonne_cap = next(f for f in tonne.findings if f.rule_id == "dprk.oil.refined-petroleum").computation
    assert kg_cap and tonne_cap and kg_cap.conversion
    assert kg_cap.quantity == pytest.approx(tonne_cap.quantity) and kg_cap.quantity == pytest.approx(80_000)
    assert "kilogram to tonne" in kg_cap.conversion.method


def test_a_commodity_group_without_its_status_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "rules"
    shutil.copytree(RULES, root)
    target = root / "commodities" / "luxury.yaml"
    lines = target.read_text(encoding="utf-8").splitlines(keepends=True)
    n = next(i for i, line in enumerate(lines) if line.strip().startswith("status:"))
    del lines[n]
    target.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_rulebook(root)
    assert any(d.code == "missing" and d.path.endswith("status") for d in err.value.diagnostics), str(err.value)


# --- the engine never crashes the process ---------------------------------------------------


EVIDENCE = (Evidence(source="s", quote="q", claimed_by="t", confidence=Confidence.CONFIRMED),)


def _huge_event() -> Event:
    """240 HS codes (6 digits each: 3 keys apiece before trimming) and 247 countries concerned."""
    import pycountry

    codes = tuple(
        f"{chapter:02d}{heading:02d}{sub:02d}"
        for chapter in range(84, 90)
        for heading in range(1, 11)
        for sub in range(10, 14)
    )
    countries = tuple(sorted(c.alpha_2 for c in pycountry.countries))[:247]
    return Event(
        id="huge",
        title="huge",
        kind=EventKind.TRANSFER,
        date=date(2024, 2, 18),
        supplier=Party(country="RU"),
        recipient=Party(country="KP"),
        concerns=countries,
        commodity=Commodity(description="everything", hs=codes[:240]),
        evidence=EVIDENCE,
    )


def test_a_huge_event_fits_once_untested_keys_are_left_out(book: Rulebook) -> None:
    event = _huge_event()
    compiled = compile_rulebook(book)
    fact = event_fact(event, 0, "t")
    assert len(fact) >= 255  # as built: this fact would crash durable
    trimmed = trim_fact(fact, compiled.fact_keys)
    assert len(trimmed) <= MAX_FACT_PROPERTIES and fact_overflow(fact, compiled.fact_keys) is None
    assert "hs_8703" in trimmed and "c_KP" in trimmed and "c_NO" not in trimmed


def test_a_huge_event_runs_and_matches_as_its_tested_keys_do(book: Rulebook) -> None:
    """In a child process: a regression crashes the child, not the test run."""
    assert exit_code_in_child(_huge_event_matches, str(book.root)) == 0


def _huge_event_matches(root: str) -> None:
    book = load_rulebook(root)
    engine = Engine(compile_rulebook(book))
    event = _huge_event()
    small = event.model_copy(update={"concerns": ("KP",), "commodity": Commodity(description="cars", hs=("8703",))})
    huge_rules = {engine.compiled.entries[m.name].rule_id for m in engine.run([event_fact(event, 0, "t")])}
    small_rules = {engine.compiled.entries[m.name].rule_id for m in engine.run([event_fact(small, 0, "t")])}
    assert "dprk.luxury.supply" in huge_rules or "dprk.supply.transportation-vehicles" in huge_rules
    assert small_rules <= huge_rules


def test_durable_crashes_on_a_fact_of_255_properties_so_the_bound_is_254() -> None:
    """Pins the number behind MAX_FACT_PROPERTIES: 254 properties run, 255 kill the process."""
    results = {size: exit_code_in_child(_raw_fact, size) for size in (MAX_FACT_PROPERTIES, MAX_FACT_PROPERTIES + 1)}
    assert results[MAX_FACT_PROPERTIES] == 0
    assert results[MAX_FACT_PROPERTIES + 1] != 0


def _raw_fact(size: int) -> None:
    from sanctionsengine.engine import _durable

    durable_engine = _durable()
    host = durable_engine.Host({"probe": {"r": {"all": [{"m": {"se_event": 1}}], "run": lambda c: None}}})
    fact: dict[str, Any] = {"id": "f", "sid": "s", "se_event": 1}
    fact.update({f"z_{n}": 1 for n in range(size - len(fact))})
    host.assert_fact("probe", fact)


def test_the_engine_refuses_a_fact_past_the_bound_instead_of_crashing(book: Rulebook) -> None:
    assert exit_code_in_child(_oversized_is_refused, str(book.root)) == 0


def _oversized_is_refused(root: str) -> None:
    engine = Engine(compile_rulebook(load_rulebook(root)))
    fact: dict[str, Any] = {"id": "e0", "sid": "s", "se_event": 1, "ix": 0}
    fact.update({k: 1 for k in sorted(engine.fact_keys - set(fact))[:MAX_FACT_PROPERTIES]})
    try:
        engine.run([fact])
    except EngineFailure as exc:
        assert "MAX_FACT_PROPERTIES" in str(exc) and exc.event_id == "0"
        return
    raise AssertionError("the oversized fact was asserted")


def test_a_scenario_event_past_the_bound_is_a_located_limit(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(compile_module, "MAX_FACT_PROPERTIES", 5)  # every event is now too large
    path = tmp_path / "s.yaml"
    path.write_text(HEAD + _event("first") + _event("second"), encoding="utf-8")
    with pytest.raises(InputError) as err:
        evaluate(path)
    lines = err.value.diagnostics.lines()
    assert (len(lines) == 2 and lines[0].startswith(f"{path.name}:5:")) or ":5:" in lines[0]
    assert all(": limit: event " in line and "MAX_FACT_PROPERTIES" in line for line in lines)


def test_a_ledger_reads_the_tonne_spellings_and_refuses_tons(tmp_path: Path) -> None:
    header = "txn_id,ship_date,kind,exporter_country,importer_country,hs_code,qty,qty_unit\n"
    rows = "".join(
        f"t{n},2024-03-01,transfer,RU,KP,2710,1000,{unit}\n"
        for n, unit in enumerate(["tons", "metric tons", "kg", "MT"])
    )
    ledger = tmp_path / "ledger.csv"
    ledger.write_text(header + rows, encoding="utf-8")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "columns: {id: txn_id, date: ship_date, kind: kind, supplier: exporter_country, "
        "recipient: importer_country, hs: hs_code, quantity: qty, unit: qty_unit}\n",
        encoding="utf-8",
    )
    rejects = tmp_path / "rejects.jsonl"
    result = _cli(
        "screen", str(ledger), "--mapping", str(mapping), "--list", str(UN_LIST), "--vessels", str(VESSELS_JSON), "--no-audit",
        "--rejects", str(rejects), "--findings", str(tmp_path / "findings.jsonl"),
    )  # fmt: skip
    assert result.exit_code == 2, result.stderr
    [reject] = [json.loads(line) for line in rejects.read_text(encoding="utf-8").splitlines()]
    assert reject["line"] == 2 and "'tons' is ambiguous" in reject["reason"]


def test_no_hostile_scenario_reaches_exit_3() -> None:
    """Exit 3 is for internal faults: every hostile input class above is bad input (2)."""
    for path in sorted(HOSTILE.glob("*.yaml")):
        if path.name == "expected.yaml":
            continue
        result = _cli("evaluate", str(path), "--list", str(UN_LIST), "--vessels", str(VESSELS_JSON), "--no-audit")
        assert result.exit_code == 2, (path.name, result.exit_code, result.stderr)
        assert "internal error" not in result.stderr, (path.name, result.stderr)


def test_every_limit_is_in_the_readme() -> None:
    from .conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for limit in LIMITS:
        assert f"| `{limit.name}` | {limit.value:,} |" in readme


def test_a_ledger_row_past_the_fact_bound_is_a_reject_not_a_crash(
    book: Rulebook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A row carrying every tested HS code, group, flag and kind is rejected with its line; the
    other rows are judged. The bundled rulebook tests few enough keys that such a row comes to
    251 of durable's 254, so the bound is lowered here to exercise the path a larger rulebook
    takes (the real number is pinned by the child-process test above)."""
    from sanctionsengine.bulk import pipeline

    monkeypatch.setattr(compile_module, "MAX_FACT_PROPERTIES", 40)
    monkeypatch.setattr(pipeline, "MAX_FACT_PROPERTIES", 40)
    from sanctionsengine.vocabulary import OFFERABLE_KINDS

    compiled = compile_rulebook(book)
    codes = ";".join(sorted(k[3:] for k in compiled.fact_keys if k.startswith("hs_")))
    groups = ";".join(sorted(book.groups.groups))
    flags = ";".join(sorted(k[2:].replace("_", "-") for k in compiled.fact_keys if k.startswith("f_")))
    offered = ";".join(sorted(k.value for k in OFFERABLE_KINDS))
    ledger = tmp_path / "ledger.csv"
    ledger.write_text(
        "id,date,kind,offered,supplier,recipient,hs,category,flags\n"
        "ok,2024-03-01,transfer,,RU,KP,2710,,\n"
        f"huge,2024-03-01,offer,{offered},RU,KP,{codes},{groups},{flags}\n"
        "also-ok,2024-03-02,transfer,,CN,KP,8703,,\n",
        encoding="utf-8",
    )
    rejects = tmp_path / "rejects.jsonl"
    verdicts = tmp_path / "verdicts.csv"
    result = _cli(
        "screen", str(ledger), "--map", "id=id", "--map", "date=date", "--map", "supplier=supplier",
        "--map", "recipient=recipient", "--map", "hs=hs", "--map", "category=category", "--map", "kind=kind",
        "--map", "offered=offered", "--map", "flags=flags",
        "--list", str(UN_LIST), "--vessels", str(VESSELS_JSON), "--no-audit", "--rejects", str(rejects),
        "--verdicts", str(verdicts),
        "--findings", str(tmp_path / "findings.jsonl"),
    )  # fmt: skip
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    [reject] = [json.loads(line) for line in rejects.read_text(encoding="utf-8").splitlines()]
    assert reject["line"] == 3 and "MAX_FACT_PROPERTIES" in reject["reason"]
    judged = verdicts.read_text(encoding="utf-8")
    assert "ok" in judged and "also-ok" in judged
