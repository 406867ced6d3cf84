"""Delta re-screening equals a full re-screen, row for row; and the commands around it.

The differential test generates small lists (UN XML and vessels JSON) and a small ledger whose
names are drawn from the listed names (exact, misspelt, or unrelated) with goods that reach the
caps; then a list change (entries added, removed, aliases or listing dates or names changed,
vessels added or removed). It screens the ledger in full against the old lists, re-screens it by
the delta against the new ones, screens it in full against the new ones, and compares every
row's verdict and every flagged row's findings and list matches.
"""

from __future__ import annotations

import csv
import json
import random
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sanctionsengine.bulk.mapping import ColumnMapping
from sanctionsengine.bulk.run import screen_file
from sanctionsengine.cli import main
from sanctionsengine.evaluation import load_lists
from sanctionsengine.rescreen.delta import delta, full_state, index_path, load_run, new_findings
from sanctionsengine.rulebook import Rulebook, load_rulebook

from .conftest import RULES

BOOK = load_rulebook(RULES)

POOL = [  # (reference, kind, name, aliases)
    ("KPe.901", "entity", "Korea Pugang Trading Corporation", ["Pugang Trading"]),
    ("KPe.902", "entity", "Ocean Breeze Shipping Company", ["Ocean Breeze Ltd"]),
    ("KPe.903", "entity", "Acme Global Trading", ["Acme Trading"]),
    ("KPe.904", "entity", "Sea Star Logistics", []),
    ("KPe.905", "entity", "Tumen River Export Company", ["Tumen Export"]),
    ("KPi.901", "individual", "Kim Chol Su", ["Kim Cholsu"]),
    ("KPi.902", "individual", "Ri Myong Ho", []),
    ("KPi.903", "individual", "Pak Song Il", ["Park Song Il"]),
]
VESSEL_POOL = [("CHON MA SAN", "8660313"), ("ASIA BRIDGE 1", "8916580"), ("GOLDEN RAY", "9123456"), ("SKY LARK", None)]
DATES = ["2016-03-02", "2017-08-05", "2020-01-01", "2024-06-01", "2026-06-01"]
OTHER_NAMES = ["Zeta Corp", "Nordic Timber AB", "Acme Tradin", "Ocean Breez Ltd", "Kim Chul Su", "Sea Star Logistic"]


def write_un(path: Path, entries: list[dict[str, object]]) -> Path:
    root = ET.Element("CONSOLIDATED_LIST", dateGenerated="2026-06-02T00:00:00Z")
    sections = {"individual": ET.SubElement(root, "INDIVIDUALS"), "entity": ET.SubElement(root, "ENTITIES")}
    for e in entries:
        tag = "INDIVIDUAL" if e["kind"] == "individual" else "ENTITY"
        rec = ET.SubElement(sections[str(e["kind"])], tag)
        for child, text in (
            ("FIRST_NAME", e["name"]),
            ("UN_LIST_TYPE", "DPRK"),
            ("REFERENCE_NUMBER", e["ref"]),
            ("LISTED_ON", e["listed_on"]),
        ):
            ET.SubElement(rec, child).text = str(text)
        for alias in e["aliases"]:  # type: ignore[attr-defined]
            al = ET.SubElement(rec, f"{tag}_ALIAS")
            ET.SubElement(al, "QUALITY").text = "a.k.a."
            ET.SubElement(al, "ALIAS_NAME").text = alias
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    return path


def write_vessels(path: Path, vessels: list[dict[str, object]]) -> Path:
    rows = [
        {
            "row_number": n,
            "names": v["names"],
            "imo_number": v["imo"],
            "designations": [{"date_of_designation_iso": v["listed_on"], "para_12d_2321": "Yes"}],
        }
        for n, v in enumerate(vessels, 1)
    ]
    path.write_text(json.dumps({"meta": {"list_version": "test"}, "vessels": rows}), encoding="utf-8")
    return path


def _entry(rng: random.Random, item: tuple[str, str, str, list[str]]) -> dict[str, object]:
    ref, kind, name, aliases = item
    return {"ref": ref, "kind": kind, "name": name, "aliases": list(aliases), "listed_on": rng.choice(DATES)}


def _vessel(rng: random.Random, item: tuple[str, str | None]) -> dict[str, object]:
    return {"names": [item[0]], "imo": item[1], "listed_on": rng.choice(DATES)}


def lists_and_change(rng: random.Random) -> tuple[tuple[list, list], tuple[list, list]]:  # type: ignore[type-arg]
    """Old lists (entries, vessels) and new lists: a random change of one to four steps."""
    old = [_entry(rng, it) for it in POOL if rng.random() < 0.6] or [_entry(rng, POOL[0])]
    old_v = [_vessel(rng, it) for it in VESSEL_POOL if rng.random() < 0.6] or [_vessel(rng, VESSEL_POOL[0])]
    new = [dict(e, aliases=list(e["aliases"])) for e in old]  # type: ignore[call-overload]
    new_v = [dict(v) for v in old_v]
    for _ in range(rng.randint(1, 4)):
        step = rng.choice(["add", "remove", "alias", "date", "name", "vessel-add", "vessel-remove"])
        absent = [it for it in POOL if it[0] not in {e["ref"] for e in new}]
        if step == "add" and absent:
            new.append(_entry(rng, rng.choice(absent)))
        elif step == "remove" and len(new) > 1:
            new.pop(rng.randrange(len(new)))
        elif step == "alias":
            e = rng.choice(new)
            if e["aliases"] and rng.random() < 0.5:
                e["aliases"].pop()  # type: ignore[attr-defined]
            else:
                e["aliases"].append(rng.choice(OTHER_NAMES))  # type: ignore[attr-defined]
        elif step == "date":
            rng.choice(new)["listed_on"] = rng.choice(DATES)
        elif step == "name":
            rng.choice(new)["name"] = rng.choice(OTHER_NAMES)
        elif step == "vessel-add":
            have = {tuple(v["names"]) for v in new_v}  # type: ignore[arg-type]
            missing = [it for it in VESSEL_POOL if (it[0],) not in have]
            if missing:
                new_v.append(_vessel(rng, rng.choice(missing)))
        elif step == "vessel-remove" and len(new_v) > 1:
            new_v.pop(rng.randrange(len(new_v)))
    return (old, old_v), (new, new_v)


def ledger_row(rng: random.Random) -> dict[str, str]:
    names = [n for _, _, n, al in POOL for n in (n, *al)] + OTHER_NAMES
    kind = rng.choice(["transfer"] * 5 + ["service", "financial"])
    row = {
        "date": f"{rng.choice([2016, 2017, 2018, 2020, 2024, 2026])}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "kind": kind,
        "supplier": rng.choice(["KP", "CN", "RU", "SG"]),
        "recipient": rng.choice(["KP", "CN", "RU", "SG"]),
    }
    if rng.random() < 0.6:
        row["supplier_name"] = rng.choice(names)
    if rng.random() < 0.3:
        row["recipient_name"] = rng.choice(names)
    if rng.random() < 0.1:
        row["supplier_ref"] = rng.choice([p[0] for p in POOL])
    if kind == "transfer" and rng.random() < 0.8:
        row["hs"] = rng.choice(["2710", "271019", "2701", "2709", "8471", "0303", "2601"])
        row["quantity"] = str(rng.randint(1, 9) * 10 ** rng.randint(2, 6))
        row["unit"] = rng.choice(["barrel", "tonne"])
    if rng.random() < 0.15:
        row["flags"] = rng.choice(["designated-party", "not-notified", "ship-to-ship"])
    if rng.random() < 0.2:
        name, imo = rng.choice(VESSEL_POOL + [("Pacific Star", None), ("CHONMASAN", None)])
        row["vessel"] = name
        if imo and rng.random() < 0.5:
            row["imo"] = imo
    return row


COLUMNS = ["id", "date", "kind", "supplier", "recipient", "supplier_name", "recipient_name", "supplier_ref", "hs",
           "quantity", "unit", "flags", "vessel", "imo"]  # fmt: skip


def write_ledger(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, COLUMNS, lineterminator="\n")
        w.writeheader()
        for n, r in enumerate(rows):
            w.writerow({"id": f"t{n}", **r})
    return path


def screen_run(ledger: Path, un: Path, vessels: Path, out: Path, book: Rulebook = BOOK) -> Path:
    """Screen in full, as `screen FILE --verdicts ... --format json` would; return the summary JSON."""
    out.mkdir(exist_ok=True)
    summary, _ = screen_file(
        ledger,
        ColumnMapping(),
        book,
        load_lists([un], [vessels]),
        threshold=90.0,
        findings=out / "findings.jsonl",
        verdicts=out / "verdicts.csv",
        rejects=out / "rejects.jsonl",
    )
    run = out / "run.json"
    run.write_text(summary.model_dump_json(indent=2), encoding="utf-8")
    return run


DIFFERENTIAL_EXAMPLES = 10
ROWS_PER_EXAMPLE = 100
COMPARED: list[int] = []


@settings(max_examples=DIFFERENTIAL_EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(rng=st.randoms(use_true_random=True))
def test_delta_rescreen_equals_a_full_rescreen_row_for_row(
    rng: random.Random, tmp_path_factory: pytest.TempPathFactory
) -> None:
    tmp = tmp_path_factory.mktemp("delta")
    (old, old_v), (new, new_v) = lists_and_change(rng)
    old_un, old_vessels = write_un(tmp / "old.xml", old), write_vessels(tmp / "old-vessels.json", old_v)
    new_un, new_vessels = write_un(tmp / "new.xml", new), write_vessels(tmp / "new-vessels.json", new_v)
    ledger = write_ledger(tmp / "ledger.csv", [ledger_row(rng) for _ in range(ROWS_PER_EXAMPLE)])
    prev = load_run(screen_run(ledger, old_un, old_vessels, tmp / "old"))
    full = load_run(screen_run(ledger, new_un, new_vessels, tmp / "full"))
    d = delta(prev, load_lists([new_un], [new_vessels]), load_lists([old_un], [old_vessels]), BOOK)
    state = full_state(prev, d)
    assert len(state) == len(full.verdicts) == ROWS_PER_EXAMPLE
    for row in sorted(full.verdicts):
        assert state[row] == full.verdicts[row], (row, d.touched, sorted(d.rejudged))
    expected = (tmp / "full" / "findings.jsonl").read_text(encoding="utf-8").splitlines()
    assert new_findings(prev, d) == expected
    changed = {c.row for c in d.changes}
    assert changed == {r for r in full.verdicts if full.verdicts[r] != prev.verdicts[r]}
    assert index_path(prev.path).is_file()  # the second delta reads the run's row index, not the ledger
    again = delta(prev, load_lists([new_un], [new_vessels]), load_lists([old_un], [old_vessels]), BOOK)
    assert full_state(prev, again) == state and new_findings(prev, again) == expected
    COMPARED.append(len(state))


def test_the_differential_test_compares_at_least_a_thousand_rows() -> None:
    assert DIFFERENTIAL_EXAMPLES * ROWS_PER_EXAMPLE >= 1_000
    assert sum(COMPARED) in (0, DIFFERENTIAL_EXAMPLES * ROWS_PER_EXAMPLE)  # 0: run alone, without the test above


# --- the commands -------------------------------------------------------------------------------

LEDGER = [
    {"date": "2026-06-10", "kind": "transfer", "supplier": "CN", "recipient": "RU", "supplier_name": "Acme Trading",
     "hs": "8471", "quantity": "5", "unit": "tonne"},
    {"date": "2026-06-10", "kind": "transfer", "supplier": "CN", "recipient": "RU", "supplier_name": "Zeta Corp",
     "hs": "8471", "quantity": "5", "unit": "tonne"},
    {"date": "2024-06-10", "kind": "transfer", "supplier": "KP", "recipient": "CN", "hs": "2701", "quantity": "100",
     "unit": "tonne"},
]  # fmt: skip
ACME = {"ref": "KPe.903", "kind": "entity", "name": "Acme Global Trading", "aliases": ["Acme Trading"],
        "listed_on": "2026-06-01"}  # fmt: skip
PUGANG = {"ref": "KPe.901", "kind": "entity", "name": "Korea Pugang Trading Corporation", "aliases": [],
          "listed_on": "2016-03-02"}  # fmt: skip
SHIP = [{"names": ["CHON MA SAN"], "imo": "8660313", "listed_on": "2018-03-30"}]


def _cli_run(tmp: Path) -> tuple[Path, Path]:
    """A run screened from the command line (summary as JSON, per-row verdicts) against a list without Acme."""
    old = write_un(tmp / "old.xml", [PUGANG])
    vessels = write_vessels(tmp / "vessels.json", SHIP)
    ledger = write_ledger(tmp / "ledger.csv", LEDGER)  # type: ignore[arg-type]
    result = CliRunner().invoke(
        main,
        ["screen", str(ledger), "--list", str(old), "--vessels", str(vessels), "--format", "json", "--no-audit",
         "--findings", str(tmp / "ledger.findings.jsonl"), "--verdicts", str(tmp / "ledger.verdicts.csv"),
         "--fail-on", "never"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    run = tmp / "run.json"
    run.write_text(result.stdout, encoding="utf-8")
    return run, vessels


def test_rescreen_names_the_worsened_row_and_why_and_exits_1(tmp_path: Path) -> None:
    run, vessels = _cli_run(tmp_path)
    new = write_un(tmp_path / "new.xml", [PUGANG, ACME])
    args = ["rescreen", str(run), "--list", str(new), "--vessels", str(vessels)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    assert "+ added KPe.903 Acme Global Trading (listed on 2026-06-01)" in result.output
    assert "re-judged 1 of 3 rows; 1 verdict changed (1 worse)" in result.output
    assert "row 1 (line 2) t0: out of scope → potential violation  WORSE" in result.output
    assert "KPe.903 listed on 2026-06-01 (added in the new list) matches supplier_name 'Acme Trading'" in result.output
    data = json.loads(CliRunner().invoke(main, [*args, "--format", "json"]).stdout)
    (r,) = data["runs"]
    assert [(c["row"], c["old_verdict"], c["new_verdict"], c["worsened"]) for c in r["changes"]] == [
        (1, "out_of_scope", "potential_violation", True)
    ]


def test_rescreen_after_a_delisting_is_an_improvement_and_exits_0(tmp_path: Path) -> None:
    tmp = tmp_path
    with_acme = write_un(tmp / "with.xml", [PUGANG, ACME])
    vessels = write_vessels(tmp / "vessels.json", SHIP)
    ledger = write_ledger(tmp / "ledger.csv", LEDGER)  # type: ignore[arg-type]
    run = screen_run(ledger, with_acme, vessels, tmp / "old")
    without = write_un(tmp / "without.xml", [PUGANG])
    result = CliRunner().invoke(main, ["rescreen", str(run), "--list", str(without), "--vessels", str(vessels)])
    assert result.exit_code == 0, result.output
    assert "- removed KPe.903" in result.output
    assert "row 1 (line 2) t0: potential violation → out of scope" in result.output
    assert "KPe.903 removed from the list: no longer matches supplier_name 'Acme Trading'" in result.output


def test_unchanged_lists_rejudge_nothing(tmp_path: Path) -> None:
    run, vessels = _cli_run(tmp_path)
    result = CliRunner().invoke(
        main, ["rescreen", str(run), "--list", str(tmp_path / "old.xml"), "--vessels", str(vessels)]
    )
    assert result.exit_code == 0, result.output
    assert "nothing changed that screening reads: no row re-judged" in result.output


@pytest.mark.parametrize("indexed", [False, True])
def test_a_ledger_changed_since_the_run_is_refused(tmp_path: Path, indexed: bool) -> None:
    run, vessels = _cli_run(tmp_path)
    new = write_un(tmp_path / "new.xml", [PUGANG, ACME])
    args = ["rescreen", str(run), "--list", str(new), "--vessels", str(vessels)]
    if indexed:  # a first rescreen made the row index: a changed ledger must not be judged from it
        assert CliRunner().invoke(main, args).exit_code == 1
        assert index_path(run).is_file()
    ledger = tmp_path / "ledger.csv"
    ledger.write_text(ledger.read_text(encoding="utf-8").replace("Zeta Corp", "Acme Trading"), encoding="utf-8")
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "the file has changed since the run" in result.output


def test_a_run_whose_list_is_gone_is_refused_with_the_version_it_needs(tmp_path: Path) -> None:
    run, vessels = _cli_run(tmp_path)
    (tmp_path / "old.xml").write_text("<CONSOLIDATED_LIST/>", encoding="utf-8")
    new = write_un(tmp_path / "new.xml", [PUGANG, ACME])
    result = CliRunner().invoke(main, ["rescreen", str(run), "--list", str(new), "--vessels", str(vessels)])
    assert result.exit_code == 2, result.output
    assert "that version is neither at its path nor among the kept versions" in result.output


def test_lists_add_with_rescreen_keeps_versions_and_alerts_on_a_worse_verdict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SANCTIONSENGINE_CACHE", str(tmp_path / "cache"))
    runner = CliRunner()
    old = write_un(tmp_path / "old.xml", [PUGANG])
    vessels = write_vessels(tmp_path / "vessels.json", SHIP)
    assert runner.invoke(main, ["lists", "add", str(old)]).exit_code == 0
    assert runner.invoke(main, ["lists", "add", str(vessels)]).exit_code == 0
    ledger = write_ledger(tmp_path / "ledger.csv", LEDGER)  # type: ignore[arg-type]
    screened = runner.invoke(
        main,
        ["screen", str(ledger), "--format", "json", "--no-audit", "--findings", str(tmp_path / "f.jsonl"),
         "--verdicts", str(tmp_path / "v.csv"), "--fail-on", "never"],
    )  # fmt: skip
    assert screened.exit_code == 0, screened.output
    run = tmp_path / "run.json"
    run.write_text(screened.stdout, encoding="utf-8")
    old.unlink()  # the run's list now lives only in the cache's kept versions
    new = write_un(tmp_path / "new.xml", [PUGANG, ACME])
    result = runner.invoke(main, ["lists", "add", str(new), "--rescreen", str(run)])
    assert result.exit_code == 1, result.output
    assert "stored in" in result.output and "WORSE" in result.output
    kept = sorted(p.name for p in (tmp_path / "cache" / "lists" / "versions").iterdir())
    assert len(kept) == 3  # the old UN list, the vessels list, the new UN list
    again = runner.invoke(main, ["lists", "add", str(new), "--rescreen", str(run)])
    assert again.exit_code == 1  # still worse than the run it compares with


def test_a_rulebook_change_rejudges_the_rows_with_a_nexus_and_equals_a_full_rescreen(tmp_path: Path) -> None:
    import shutil

    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    oil = rules / "oil.yaml"
    text = oil.read_text(encoding="utf-8")
    assert "limits: [{amount: 500000, unit: barrel}]" in text
    oil.write_text(text.replace("limits: [{amount: 500000, unit: barrel}]", "limits: [{amount: 5000, unit: barrel}]"))
    book = load_rulebook(rules)
    assert book.hash != BOOK.hash
    rng = random.Random(2397)
    rows = [ledger_row(rng) for _ in range(60)]
    for row in rows[:20]:  # refined petroleum to the DPRK, above the lowered cap in total
        row.update(supplier="CN", recipient="KP", kind="transfer", hs="271019", quantity="2000", unit="barrel",
                   date="2024-03-01")  # fmt: skip
    ledger = write_ledger(tmp_path / "ledger.csv", rows)
    un = write_un(tmp_path / "un.xml", [_entry(rng, it) for it in POOL])
    vessels = write_vessels(tmp_path / "vessels.json", [_vessel(rng, it) for it in VESSEL_POOL])
    prev = load_run(screen_run(ledger, un, vessels, tmp_path / "old"))
    lists = load_lists([un], [vessels])
    d = delta(prev, lists, lists, book)
    assert d.mode == "rulebook"
    full = tmp_path / "full"
    full.mkdir()
    screen_file(ledger, ColumnMapping(), book, lists, threshold=90.0, findings=full / "f.jsonl",
                verdicts=full / "v.csv", rejects=full / "r.jsonl")  # fmt: skip
    with (full / "v.csv").open(encoding="utf-8", newline="") as fh:
        expected = {int(r["row"]): r["verdict"] for r in csv.DictReader(fh)}
    assert full_state(prev, d) == expected
    assert new_findings(prev, d) == (full / "f.jsonl").read_text(encoding="utf-8").splitlines()
    assert any(c.worsened for c in d.changes)  # the lowered cap makes some deliveries violations


def _run_without_verdicts(tmp: Path, rows: list[dict[str, str]]) -> tuple[Path, Path]:
    tmp.mkdir()
    old = write_un(tmp / "old.xml", [PUGANG])
    vessels = write_vessels(tmp / "vessels.json", SHIP)
    ledger = write_ledger(tmp / "ledger.csv", rows)
    result = CliRunner().invoke(
        main,
        ["screen", str(ledger), "--list", str(old), "--vessels", str(vessels), "--format", "json", "--no-audit",
         "--findings", str(tmp / "f.jsonl"), "--fail-on", "never"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    run = tmp / "run.json"
    run.write_text(result.stdout, encoding="utf-8")
    return run, vessels


def test_a_run_without_verdicts_is_rescreened_unless_a_cap_row_is_reached(tmp_path: Path) -> None:
    run, vessels = _run_without_verdicts(tmp_path / "a", LEDGER)  # type: ignore[arg-type]
    new = write_un(tmp_path / "new.xml", [PUGANG, ACME])
    result = CliRunner().invoke(main, ["rescreen", str(run), "--list", str(new), "--vessels", str(vessels)])
    assert result.exit_code == 1, result.output
    assert "row 1 (line 2) t0: not flagged → potential violation  WORSE" in result.output
    petroleum = {"date": "2024-03-01", "kind": "transfer", "supplier": "CN", "recipient": "KP",
                 "supplier_name": "Acme Trading", "hs": "271019", "quantity": "100", "unit": "barrel"}  # fmt: skip
    run, vessels = _run_without_verdicts(tmp_path / "b", [petroleum, *LEDGER])
    result = CliRunner().invoke(main, ["rescreen", str(run), "--list", str(new), "--vessels", str(vessels)])
    assert result.exit_code == 2, result.output
    assert "touches a row counted in a cap, and the run wrote no per-row verdicts" in result.output


def test_a_change_that_reaches_no_row_rejudges_none(tmp_path: Path) -> None:
    run, vessels = _cli_run(tmp_path)
    new = write_un(tmp_path / "new.xml", [dict(PUGANG, aliases=["Kumsong Rungra Bureau"])])
    result = CliRunner().invoke(main, ["rescreen", str(run), "--list", str(new), "--vessels", str(vessels)])
    assert result.exit_code == 0, result.output
    assert "~ changed KPe.901 Korea Pugang Trading Corporation" in result.output
    assert "re-judged 0 of 3 rows; 0 verdicts changed (0 worse)" in result.output


def _book_with_a_listed_party_cap(tmp: Path) -> Rulebook:
    """The rulebook with the refined-petroleum cap counting only deliveries with a listed party:
    a list change then moves rows into and out of the cap's ledger, and the running total of every
    later delivery moves with them (no bundled cap reads the lists; this one makes the delta's cap
    step necessary)."""
    import shutil

    rules = tmp / "rules"
    shutil.copytree(RULES, rules)
    oil = rules / "oil.yaml"
    text = oil.read_text(encoding="utf-8")
    scope = "          commodities: [refined-petroleum]\n        cap:"
    assert text.count(scope) == 3
    oil.write_text(text.replace(scope, scope.replace("\n", "\n          parties: [designated-party]\n")))
    return load_rulebook(rules)


def petroleum_row(rng: random.Random) -> dict[str, str]:
    """Refined petroleum to the DPRK: half by a party named by a UN reference that may be listed (a
    definite match, so in the cap's ledger while listed), half by one the row itself says is
    designated (in the ledger whatever the lists say, and near no listed name)."""
    row = {
        "date": f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "kind": "transfer",
        "supplier": rng.choice(["CN", "RU"]),
        "recipient": "KP",
        "hs": "271019",
        "quantity": str(rng.choice([50_000, 120_000, 200_000])),
        "unit": "barrel",
    }
    if rng.random() < 0.5:
        row["supplier_ref"] = rng.choice([p[0] for p in POOL])
    else:
        row.update(supplier_name="Quiet Harbour Fuels", flags="designated-party")
    return row


CAP_EXAMPLES = 6


@settings(max_examples=CAP_EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(rng=st.randoms(use_true_random=True))
def test_delta_equals_a_full_rescreen_when_a_cap_reads_the_lists(
    rng: random.Random, tmp_path_factory: pytest.TempPathFactory
) -> None:
    tmp = tmp_path_factory.mktemp("cap")
    book = _book_with_a_listed_party_cap(tmp)
    (old, old_v), (new, new_v) = lists_and_change(rng)
    old_un, old_vessels = write_un(tmp / "old.xml", old), write_vessels(tmp / "old-vessels.json", old_v)
    new_un, new_vessels = write_un(tmp / "new.xml", new), write_vessels(tmp / "new-vessels.json", new_v)
    rows = [petroleum_row(rng) if rng.random() < 0.7 else ledger_row(rng) for _ in range(30)]
    ledger = write_ledger(tmp / "ledger.csv", rows)
    prev = load_run(screen_run(ledger, old_un, old_vessels, tmp / "old", book))
    full = load_run(screen_run(ledger, new_un, new_vessels, tmp / "full", book))
    d = delta(prev, load_lists([new_un], [new_vessels]), load_lists([old_un], [old_vessels]), book)
    assert full_state(prev, d) == full.verdicts, (d.touched, sorted(d.rejudged))
    assert new_findings(prev, d) == (tmp / "full" / "findings.jsonl").read_text(encoding="utf-8").splitlines()


def test_a_list_the_run_had_and_the_rescreen_lacks_is_refused(tmp_path: Path) -> None:
    run, _ = _cli_run(tmp_path)
    new = write_un(tmp_path / "new.xml", [PUGANG, ACME])
    result = CliRunner().invoke(main, ["rescreen", str(run), "--list", str(new)])  # no --vessels
    assert result.exit_code == 2, result.output
    assert "list-missing: the run was screened against the vessels list" in result.output


@pytest.mark.parametrize(
    ("text", "located"),
    [
        ('{"rows": [1, 2]}', ""),  # some other JSON
        ('{"a":\n 1,,}', ":2:4"),  # not JSON at all
        ('{"input": {}, "by_verdict": {}, "outputs": {}}', ""),  # looks like one, but is not
    ],
)
def test_rescreen_of_a_file_that_is_not_a_bulk_summary_is_a_located_bad_file(
    tmp_path: Path, text: str, located: str
) -> None:
    run = tmp_path / "today.json"
    run.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["rescreen", str(run)])
    assert result.exit_code == 2, result.output
    assert f"today.json{located}: bad-file: not a bulk screening summary (screen FILE --format json)" in result.output
    assert "validation error" not in result.output and "BulkSummary" not in result.output
