"""`lists diff OLD NEW` names every entry added, removed and changed, for both lists, in stable output."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

from click.testing import CliRunner

from sanctionsengine.cli import main
from sanctionsengine.rescreen.listdiff import diff_lists

from .conftest import DATA, UN_LIST, VESSELS_JSON

VESSELS_CSV = DATA / "un-1718" / "dprk-1718-vessels.csv"


def _edited_un_list(tmp: Path) -> tuple[Path, str, str]:
    """The shared list with one entity added, one individual removed and one alias renamed."""
    tree = ET.parse(UN_LIST)
    root = tree.getroot()
    entities, individuals = root.find("ENTITIES"), root.find("INDIVIDUALS")
    assert entities is not None and individuals is not None
    added = ET.SubElement(entities, "ENTITY")
    for tag, text in (
        ("FIRST_NAME", "ACME GLOBAL TRADING"),
        ("UN_LIST_TYPE", "DPRK"),
        ("REFERENCE_NUMBER", "KPe.999"),
        ("LISTED_ON", "2026-06-01"),
    ):
        ET.SubElement(added, tag).text = text
    removed = individuals[0]
    removed_ref = removed.findtext("REFERENCE_NUMBER") or ""
    individuals.remove(removed)
    renamed = next(e for e in entities if e.find("ENTITY_ALIAS/ALIAS_NAME") is not None)
    alias = renamed.find("ENTITY_ALIAS/ALIAS_NAME")
    assert alias is not None
    old_alias, alias.text = alias.text or "", "RENAMED ALIAS LTD"
    path = tmp / "new.xml"
    tree.write(path, encoding="utf-8", xml_declaration=True)
    return path, removed_ref, old_alias + "|" + (renamed.findtext("REFERENCE_NUMBER") or "")


def test_diff_of_the_shared_list_and_an_edited_copy_names_each_change(tmp_path: Path) -> None:
    new, removed_ref, alias_info = _edited_un_list(tmp_path)
    old_alias, alias_ref = alias_info.split("|")
    d = diff_lists(UN_LIST, new)
    assert [e.key for e in d.added] == ["KPe.999"]
    assert d.added[0].name == "ACME GLOBAL TRADING" and d.added[0].listed_on == "2026-06-01"
    assert [e.key for e in d.removed] == [removed_ref]
    assert [c.entry.key for c in d.changed] == [alias_ref]
    (change,) = d.changed[0].changes
    assert change.category == "alias"
    assert [v.startswith(old_alias) for v in change.removed] == [True]
    assert [v.startswith("RENAMED ALIAS LTD") for v in change.added] == [True]
    result = CliRunner().invoke(main, ["lists", "diff", str(UN_LIST), str(new)])
    assert result.exit_code == 1, result.output
    assert "+ added    KPe.999  entity  ACME GLOBAL TRADING  (listed on 2026-06-01)" in result.output
    assert f"- removed  {removed_ref}" in result.output
    assert f"~ changed  {alias_ref}" in result.output and "'RENAMED ALIAS LTD (" in result.output
    assert "3 entries differ: 1 added, 1 removed, 1 changed" in result.output


def test_the_same_list_has_no_differences_and_exits_0() -> None:
    result = CliRunner().invoke(main, ["lists", "diff", str(UN_LIST), str(UN_LIST)])
    assert result.exit_code == 0, result.output
    assert result.output.endswith("no differences\n")


def test_json_output_is_stable_and_complete(tmp_path: Path) -> None:
    new, removed_ref, _ = _edited_un_list(tmp_path)
    runs = [CliRunner().invoke(main, ["lists", "diff", str(UN_LIST), str(new), "--format", "json"]) for _ in range(2)]
    assert runs[0].output == runs[1].output
    data = json.loads(runs[0].output)
    assert [e["key"] for e in data["removed"]] == [removed_ref]
    assert data["old"]["entries"] == data["new"]["entries"] == 155  # one added, one removed


def test_vessels_json_and_csv_of_the_same_edition_do_not_differ() -> None:
    assert diff_lists(VESSELS_JSON, VESSELS_CSV).identical


def test_vessel_changes_name_measures_names_and_identifiers(tmp_path: Path) -> None:
    data = json.loads(VESSELS_JSON.read_text(encoding="utf-8"))
    first, second = data["vessels"][0], data["vessels"][1]
    first["names"].append("NEW NAME 7")
    first["designations"][0]["para_8d_1718_and_12_2270"] = "Yes"
    removed = data["vessels"].pop(2)
    data["vessels"].append(
        {
            "row_number": 99,
            "names": ["BRAND NEW"],
            "imo_number": "9999999",
            "designations": [{"date_of_designation_iso": "2026-06-01", "para_12d_2321": "Yes"}],
        }
    )
    second["mmsi"] = ["123456789"]
    new = tmp_path / "vessels.json"
    new.write_text(json.dumps(data), encoding="utf-8")
    d = diff_lists(VESSELS_JSON, new)
    assert [e.key for e in d.added] == ["IMO 9999999"]
    assert [e.key for e in d.removed] == [f"IMO {removed['imo_number']}"]
    changes = {c.entry.key: {(f.category, f.field, tuple(f.added)) for f in c.changes} for c in d.changed}
    assert changes[f"IMO {first['imo_number']}"] == {
        ("alias", "alias", ("NEW NAME 7",)),
        ("measure", "para_8d_1718_and_12_2270", ("Yes",)),
    }
    assert changes[f"IMO {second['imo_number']}"] == {("identifier", "MMSI", ("123456789",))}
    assert len(d.changed) == 2


def test_vessels_csv_changes_are_found_too(tmp_path: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(VESSELS_CSV.read_text(encoding="utf-8-sig"))))
    rows[0]["names"] += "; OTHER NAME"
    out = io.StringIO()
    writer = csv.DictWriter(out, list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    new = tmp_path / "vessels.csv"
    new.write_text(out.getvalue(), encoding="utf-8")
    result = CliRunner().invoke(main, ["lists", "diff", str(VESSELS_CSV), str(new)])
    assert result.exit_code == 1
    assert f"~ changed  IMO {rows[0]['imo_number']}" in result.output and "alias added 'OTHER NAME'" in result.output


def test_a_file_that_is_not_a_list_is_exit_2_with_its_location(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text("<NOT_A_LIST/>", encoding="utf-8")
    result = CliRunner().invoke(main, ["lists", "diff", str(UN_LIST), str(bad)])
    assert result.exit_code == 2
    assert "bad.xml: bad-file:" in result.output and "Traceback" not in result.output


def test_two_different_lists_are_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["lists", "diff", str(UN_LIST), str(VESSELS_JSON)])
    assert result.exit_code == 2
    assert "not the same list" in result.output


def test_one_difference_is_counted_in_the_singular(tmp_path: Path) -> None:
    new, _, _ = _edited_un_list(tmp_path)
    d = diff_lists(UN_LIST, new)
    one = d.model_copy(update={"removed": [], "changed": []})
    assert one.counts() == "1 entry differs: 1 added, 0 removed, 0 changed"
    assert d.counts().startswith("3 entries differ: ")
