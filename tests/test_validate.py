"""`validate` makes every check `evaluate` and `screen --mapping` make, reports every problem of
every file in one run, and says it in the project's words (what was expected, with valid keys)."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner, Result

from sanctionsengine.cli import main

from .conftest import ARTICLE, RULES

BAD = """\
scenario: {id: t, title: T}
sources:
  - {id: s1, title: S, language: en, url: "http://x"}
events:
  - id: e1
    title: E
    kind: transfer
    date: 2024-01-01
    period: [2024-01-01, 2024-02-01]
    supplier: KP
    recipient: {country: RU}
    unit: tonne
    commodity: {description: oil, hs: "2710", categories: [refined-petrolium]}
    exemptions: [humanitarian]
    evidence: [{source: s2, quote: q, claimed_by: x, confidence: reported}]
  - id: e2
    title: E2
    kind: transfer
    date: 2024-01-01
    supplier: {country: KP}
    recipient: {country: RU}
    exemptions: [{rule: dprk.exemption.committee-humanitarain}]
    evidence: [{source: s1, quote: q, claimed_by: x, confidence: reported}]
"""


def _cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def _misspelt_exemption(tmp_path: Path) -> Path:
    text = ARTICLE.read_text(encoding="utf-8")
    marker = "    evidence:\n"
    at = text.index(marker)
    edited = text[:at] + "    exemptions: [{rule: dprk.exemption.committee-humanitarain}]\n" + text[at:]
    path = tmp_path / "misspelt.yaml"
    path.write_text(edited, encoding="utf-8")
    return path


def test_validate_refuses_the_misspelt_exemption_id_evaluate_refuses(tmp_path: Path) -> None:
    path = _misspelt_exemption(tmp_path)
    validated = _cli("validate", str(path))
    evaluated = _cli("evaluate", str(path), "--no-audit", "--no-cached-lists")
    assert validated.exit_code == 2 and evaluated.exit_code == 2
    [line] = [x for x in validated.stderr.splitlines() if "dangling-reference" in x]
    assert "no exemption rule 'dprk.exemption.committee-humanitarain'" in line
    assert "did you mean 'dprk.exemption.committee-humanitarian'?" in line
    assert line in evaluated.stderr.splitlines()  # the same words, at the same place


def test_every_problem_of_every_file_in_one_run(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD, encoding="utf-8")
    other = tmp_path / "other.yaml"
    other.write_text(BAD.replace("refined-petrolium", "munitons"), encoding="utf-8")
    result = _cli("validate", str(bad), str(other))
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[-1] == "14 problems in 2 files"
    mine = [x for x in lines if x.startswith(f"{bad}:")]
    where = [x.split(": ")[0].removeprefix(f"{bad}:") for x in mine]
    assert where == ["9:5", "10:5", "12:5", "13:60", "14:18", "15:17", "22:19"]
    joined = "\n".join(mine)
    # shape problems and references together: no second round after the first is fixed
    assert "unknown category 'refined-petrolium'" in joined and "did you mean 'refined-petroleum'?" in joined
    assert "no source 's2'; sources: s1" in joined
    assert "no exemption rule 'dprk.exemption.committee-humanitarain'" in joined


def test_pydantic_wording_does_not_reach_the_user(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD, encoding="utf-8")
    text = _cli("validate", str(bad)).stderr
    for leak in ("Input should be", "instance of", "valid dictionary", "valid tuple"):
        assert leak not in text
    assert any("period: expected a mapping with keys from (required), to (required); got a list of 2" in x
               for x in text.splitlines())  # fmt: skip
    assert any("supplier: expected a mapping with keys country (required), name, " in x and x.endswith("got 'KP'")
               for x in text.splitlines())  # fmt: skip
    assert any("exemptions[0]: expected a mapping with keys rule (required), reference, evidence, note; "
               "got 'humanitarian'" in x for x in text.splitlines())  # fmt: skip
    [unit] = [x for x in text.splitlines() if "unknown key 'unit'" in x]
    assert "'unit' is a key of 'quantity', not of this mapping" in unit
    assert "did you mean" not in unit  # no misleading suggestion


def test_a_list_where_texts_are_expected_says_so(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD.replace("title: E2", "title: [E, 2]"), encoding="utf-8")
    text = _cli("validate", str(bad)).stderr
    assert "title: expected a text; got a list of 2" in text


def test_a_rulebook_problem_does_not_hide_the_scenarios_problems(tmp_path: Path) -> None:
    rules = tmp_path / "un-dprk"
    shutil.copytree(RULES, rules)
    oil = rules / "oil.yaml"
    oil.write_text(oil.read_text(encoding="utf-8").replace("          paragraph: OP4\n", "", 1), encoding="utf-8")
    scenario = _misspelt_exemption(tmp_path)
    result = _cli("validate", "--rules", str(rules), str(scenario))
    assert result.exit_code == 2
    assert "oil.yaml" in result.stderr and "citation.paragraph: field required" in result.stderr
    assert f"{scenario}:" in result.stderr  # the scenario is checked too, in the same run
    assert "coverage.yaml" not in result.stderr  # no check misled by the rule that could not be read


MAPPING = """\
columns:
  date: shipment_dat
  supplier: exporter
defaults:
  kind: transfr
  unit: tons
"""


def test_validate_checks_a_mapping_with_the_scenarios_in_one_run(tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(MAPPING, encoding="utf-8")
    data = tmp_path / "ledger.csv"
    data.write_text("shipment_date,exporter,importer\n2024-01-01,KP,RU\n", encoding="utf-8")
    scenario = _misspelt_exemption(tmp_path)
    result = _cli("validate", str(scenario), "--mapping", str(mapping), "--data", str(data))
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[-1] == "4 problems in 2 files"
    where = [(x.split(": ")[0], x.split(": ")[1]) for x in lines[:-1]]
    assert (f"{mapping}:2:3", "dangling-reference") in where and (f"{mapping}:5:3", "unknown-value") in where
    assert (f"{mapping}:6:3", "bad-value") in where
    assert any(w.startswith(f"{scenario}:") and code == "dangling-reference" for w, code in where)
    assert "did you mean 'shipment_date'?" in result.stderr and "did you mean 'transfer'?" in result.stderr


def test_screen_refuses_a_misspelt_default_up_front_not_row_by_row(tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("columns: {date: day, supplier: exporter, recipient: importer}\ndefaults: {kind: transfr}\n")
    data = tmp_path / "ledger.csv"
    data.write_text("day,exporter,importer\n" + "2024-01-01,KP,RU\n" * 50, encoding="utf-8")
    result = CliRunner().invoke(
        main,
        ["screen", str(data), "--mapping", str(mapping), "--rejects", str(tmp_path / "r.jsonl"), "--no-audit",
         "--findings", str(tmp_path / "f.jsonl"), "--no-cached-lists"],
    )  # fmt: skip
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"{mapping}:2:") and "defaults.kind" in line and "'transfr'" in line
    assert not (tmp_path / "r.jsonl").exists()  # not 50 rejects, one error


def test_validate_ok_names_what_it_checked() -> None:
    result = _cli("validate", str(ARTICLE))
    assert result.exit_code == 0
    from sanctionsengine.rulebook import load_rulebook
    from sanctionsengine.scenario import load_scenario

    book = load_rulebook(RULES)
    events = len(load_scenario(ARTICLE).scenario.events)
    assert result.stdout.startswith(f"ok: {len(book.rules)} rules in {len(book.files)} files ({book.hash})")
    assert f"; 1 scenario, {events} events" in result.stdout
    assert "1 scenarios" not in result.stdout and result.stdout.rstrip().endswith(" events")


def test_references_and_quotes_are_checked_in_the_same_pass(tmp_path: Path, sources_dir: Path) -> None:
    text = ARTICLE.read_text(encoding="utf-8")
    text = text.replace("      - source: article\n        quote: فتح", "      - source: artcle\n        quote: فتح", 1)
    text = text.replace("ما تقول الولايات المتحدة", "ما يقول الولايات المتحدة", 1)  # a quote no longer verbatim
    text = text.replace("categories: [munitions, ballistic-missiles]", "categories: [munition, ballistic-missiles]", 1)
    path = tmp_path / "three.yaml"
    path.write_text(text, encoding="utf-8")
    for command in ("validate", "evaluate"):
        result = _cli(
            command, str(path), "--sources", str(sources_dir), *(["--no-audit"] if command == "evaluate" else [])
        )
        assert result.exit_code == 2, command
        codes = [x.split(": ")[1] for x in result.stderr.splitlines()[:-1]]
        assert codes == ["unknown-value", "dangling-reference", "quote-not-in-source"], (command, result.stderr)


def test_patterns_and_bounds_are_said_in_words(tmp_path: Path) -> None:
    bad = tmp_path / "b.yaml"
    bad.write_text(
        """\
scenario: {id: "bad id", title: T}
sources:
  - {id: s1, title: S, language: en, sha256: ABC}
events:
  - id: e1
    title: E
    kind: transfer
    date: 2024-01-01
    supplier: {country: KP, un_reference: KPE20}
    value: {amount: -5, currency: EUR}
    vessels: [{name: V, imo: "12345"}]
    evidence: []
""",
        encoding="utf-8",
    )
    result = _cli("validate", str(bad))
    messages = [line.split(": ", 2)[2] for line in result.stderr.splitlines()[:-1]]
    assert messages == [
        "scenario.id: expected an id of letters, digits, '.', '_' and '-', starting with a letter or digit; "
        "got 'bad id'",
        "sources[0].sha256: expected a SHA-256: 64 lower-case hexadecimal digits; got 'ABC'",
        "event e1: supplier.un_reference: expected a UN list reference such as KPe.020 or KPi.033; got 'KPE20'",
        "event e1: value.amount: expected a number of at least 0; got -5",
        "event e1: value.currency: expected USD (values are compared in US dollars); got 'EUR'",
        "event e1: vessels[0].imo: expected an IMO number: seven digits; got '12345'",
        "event e1: evidence: expected at least 1 item; got 0",
    ]
    assert "should" not in result.stderr


def test_a_rule_file_problem_and_a_citation_problem_elsewhere_come_together(tmp_path: Path) -> None:
    rules = tmp_path / "un-dprk"
    shutil.copytree(RULES, rules)
    oil = rules / "oil.yaml"
    oil.write_text(oil.read_text(encoding="utf-8").replace("          paragraph: OP4\n", "", 1), encoding="utf-8")
    labour = rules / "labour.yaml"
    text = labour.read_text(encoding="utf-8")
    labour.write_text(text.replace("resolution: 2397", "resolution: 2398", 1), encoding="utf-8")
    result = _cli("validate", "--rules", str(rules))
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[-1] == "2 problems in 2 files"
    assert "labour.yaml" in lines[0] and "bad-citation" in lines[0] and "resolution 2398" in lines[0]
    assert "oil.yaml" in lines[1] and "citation.paragraph: field required" in lines[1]
