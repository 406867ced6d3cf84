"""The rulebook loads, hashes stably, answers "in force on D", and reports bad rules by line."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from sanctionsengine.errors import InputError
from sanctionsengine.rulebook import Rulebook, load_rulebook, tree_hash

from .conftest import RULES


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "un-dprk"
    shutil.copytree(RULES, target)
    return target


def _mutate(root: Path, file: str, old: str, new: str) -> int:
    """Replace ``old`` by ``new`` once in ``file``; return the line where the change starts."""
    path = root / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {file}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def _errors(root: Path) -> list[str]:
    with pytest.raises(InputError) as err:
        load_rulebook(root)
    return err.value.diagnostics.lines()


def test_bundled_rulebook_loads(book: Rulebook) -> None:
    assert len(book.rules) >= 26
    assert book.regime.target_country == "KP"
    assert book.hash.startswith("sha256:") and len(book.hash) == 71


def test_rulebook_hash_is_stable_and_changes_with_any_byte(tmp_path: Path, book: Rulebook) -> None:
    root = _copy(tmp_path)
    assert load_rulebook(root).hash == book.hash
    _mutate(root, "labour.yaml", "severity: high", "severity: high ")
    assert load_rulebook(root).hash != book.hash


def test_hash_can_be_recomputed_from_file_digests(book: Rulebook) -> None:
    import hashlib

    files = sorted(p for p in RULES.rglob("*.yaml") if "tests" not in p.relative_to(RULES).parts)
    lines = b"".join(
        p.relative_to(RULES).as_posix().encode() + b"\0" + hashlib.sha256(p.read_bytes()).hexdigest().encode() + b"\n"
        for p in files
    )
    assert book.hash == "sha256:" + hashlib.sha256(lines).hexdigest() == tree_hash(RULES, files)


def test_as_of_gives_the_version_in_force(book: Rulebook) -> None:
    on_2017 = {r.id: v.version for r, v in book.as_of(date(2017, 11, 1))}
    on_2018 = {r.id: v.version for r, v in book.as_of(date(2018, 6, 1))}
    assert on_2017["dprk.oil.refined-petroleum"] == "2375-initial-period"
    assert on_2018["dprk.oil.refined-petroleum"] == "2397"
    assert "dprk.labour.repatriation" not in on_2018
    assert "dprk.supply.metals" not in on_2017


def test_missing_citation_paragraph(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    line = _mutate(root, "oil.yaml", "          paragraph: OP4\n", "")
    [msg] = _errors(root)
    assert msg.startswith(f"{root.relative_to(Path.cwd()) if root.is_relative_to(Path.cwd()) else root}/oil.yaml:")
    assert ": missing: rule dprk.oil.crude-oil: versions[0].citation.paragraph: field required" in msg
    assert f"oil.yaml:{line - 3}:" in msg  # the `citation:` key above the removed line


def test_unknown_key_with_suggestion(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    line = _mutate(root, "labour.yaml", "          flags_all: [new-arrivals]", "          flag_all: [new-arrivals]")
    [msg] = _errors(root)
    assert f"labour.yaml:{line}:" in msg
    assert "unknown-key: rule dprk.labour.new-work-authorizations: versions[0].scope.flag_all" in msg
    assert "did you mean 'flags_all'?" in msg


def test_citation_checked_against_the_table_of_resolutions(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    line = _mutate(root, "labour.yaml", "          adopted: 2017-12-22", "          adopted: 2017-12-21")
    [msg] = _errors(root)
    assert f"labour.yaml:{line}:" in msg
    assert "bad-citation: rule dprk.labour.repatriation: versions[0].citation.adopted" in msg
    assert "was adopted on 2017-12-22, not 2017-12-21" in msg


def test_paragraph_must_look_like_an_operative_paragraph(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    _mutate(root, "oil.yaml", "          paragraph: OP13", "          paragraph: 13")
    [msg] = _errors(root)
    assert "rule dprk.oil.condensates-ngl: versions[0].citation.paragraph" in msg
    assert "not an operative paragraph" in msg


def test_dangling_commodity_group(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    _mutate(root, "supply.yaml", "commodities: [industrial-machinery]", "commodities: [industrial-machines]")
    [msg] = _errors(root)
    assert "dangling-reference: rule dprk.supply.industrial-machinery" in msg
    assert "did you mean 'industrial-machinery'?" in msg


def test_overlapping_versions(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    _mutate(root, "technology.yaml", "        in_force_until: 2013-03-06\n", "")
    msgs = _errors(root)
    assert any("overlapping-versions: rule dprk.launch.ballistic-missile-technology" in m for m in msgs), msgs


def test_yaml_syntax_error_has_line_and_column(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    line = _mutate(root, "export.yaml", "    kind: prohibition\n", "    kind: [prohibition\n")
    msgs = _errors(root)
    assert any(f"export.yaml:{line}" in m and "yaml-syntax" in m for m in msgs) or any(
        "export.yaml" in m and "yaml-syntax" in m for m in msgs
    ), msgs


def test_problems_in_several_files_come_together_sorted(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    _mutate(root, "supply.yaml", "    severity: high", "    severity: huge")
    _mutate(root, "labour.yaml", "          flags_all: [new-arrivals]", "          flag_all: [new-arrivals]")
    msgs = _errors(root)
    assert len(msgs) == 2
    assert msgs == sorted(msgs)
    assert "labour.yaml" in msgs[0] and "supply.yaml" in msgs[1]


def test_cross_file_checks_run_once_every_file_is_well_formed(tmp_path: Path) -> None:
    """Schema problems come first, all of them; the checks across files follow once those are fixed."""
    root = _copy(tmp_path)
    _mutate(root, "supply.yaml", "commodities: [industrial-machinery]", "commodities: [industrial-machines]")
    _mutate(root, "export.yaml", "commodities: [wood-op6]", "commodities: [timber]")
    msgs = _errors(root)
    assert [m.split(": ")[1] for m in msgs] == ["dangling-reference", "dangling-reference"], msgs


def test_duplicate_rule_id(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    _mutate(root, "export.yaml", "  - id: dprk.export.wood", "  - id: dprk.export.machinery")
    msgs = _errors(root)
    assert any("duplicate-id" in m and "dprk.export.machinery" in m and "already defined" in m for m in msgs), msgs


def test_duplicate_group_and_coverage_paragraph(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    line = _mutate(root, "coverage.yaml", "- paragraph: 1718 OP5\n", "- paragraph: 1718 OP2\n")
    _mutate(root, "commodities/export.yaml", "  - id: coal\n", "  - id: arms\n")
    msgs = _errors(root)
    assert any(f"coverage.yaml:{line}:" in m and "paragraph 1718 OP2 is already listed at" in m for m in msgs), msgs
    assert any("export.yaml" in m and "commodity group 'arms' is already defined at" in m for m in msgs), msgs


def test_exemption_must_name_existing_rule(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    _mutate(root, "oil.yaml", "excepts: [dprk.oil.aviation-fuel]", "excepts: [dprk.oil.aviation-fuels]")
    [msg] = _errors(root)
    assert "no rule 'dprk.oil.aviation-fuels' to except" in msg and "did you mean 'dprk.oil.aviation-fuel'?" in msg


def test_a_date_that_does_not_exist(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    _mutate(root, "labour.yaml", "in_force_from: 2019-12-23", "in_force_from: 2019-12-32")
    [msg] = _errors(root)
    assert "bad-date" in msg and "'2019-12-32' is not a date" in msg


def test_missing_directory() -> None:
    with pytest.raises(InputError) as err:
        load_rulebook("no/such/rules")
    assert "file-not-found" in err.value.diagnostics.lines()[0]
