"""The rulebook cache: a rulebook is loaded from its files once per content, and any change to
the files (or to the package) is seen at once; problems always come from the files themselves."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sanctionsengine import rulecache
from sanctionsengine.errors import InputError
from sanctionsengine.evaluation import prepared_rulesets
from sanctionsengine.rulebook import load_rulebook

from .conftest import RULES


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv("SANCTIONSENGINE_CACHE", str(root))
    monkeypatch.delenv("SANCTIONSENGINE_RULEBOOK_CACHE", raising=False)
    return root


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    copy = tmp_path / "rules"
    shutil.copytree(RULES, copy)
    return copy


def _entries(cache: Path, kind: str) -> list[Path]:
    return sorted((cache / "rulebooks").glob(f"{kind}-*.pickle"))


def test_a_second_load_reads_the_stored_rulebook(cache: Path, rules: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sanctionsengine import rulebook

    first = load_rulebook(rules)
    assert len(_entries(cache, "rulebook")) == 1

    def not_again(*args: object) -> None:
        raise AssertionError("the files were parsed again")

    monkeypatch.setattr(rulebook, "_load", not_again)
    second = load_rulebook(rules)  # read back: nothing parsed, nothing new written
    assert len(_entries(cache, "rulebook")) == 1
    assert second is not first
    assert second.hash == first.hash and second.rules == first.rules and second.files == first.files
    assert second.places[first.rules[0].id].location() == first.places[first.rules[0].id].location()


def test_changing_a_rule_file_is_seen_at_once(cache: Path, rules: Path) -> None:
    before = load_rulebook(rules)
    target = rules / "oil.yaml"
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("\n    title: ", "\n    title: Changed ", 1), encoding="utf-8")
    after = load_rulebook(rules)
    assert after.hash != before.hash
    assert any(r.title.startswith("Changed ") for r in after.rules)
    assert not any(r.title.startswith("Changed ") for r in before.rules)
    assert len(_entries(cache, "rulebook")) == 2


def test_a_broken_file_is_reported_at_its_line_even_after_a_cached_load(cache: Path, rules: Path) -> None:
    load_rulebook(rules)
    target = sorted(rules.rglob("*.yaml"))[0]
    target.write_text(target.read_text(encoding="utf-8") + "\nbroken: [unclosed\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_rulebook(rules)
    lines = err.value.diagnostics.lines()
    assert any(f"{target.name}:" in line and "yaml-syntax" in line for line in lines), lines
    assert len(_entries(cache, "rulebook")) == 1  # a failed load is never stored


def test_a_damaged_entry_is_ignored_and_rebuilt(cache: Path, rules: Path) -> None:
    book = load_rulebook(rules)
    (entry,) = _entries(cache, "rulebook")
    data = entry.read_bytes()
    entry.write_bytes(data[: len(data) // 2])
    again = load_rulebook(rules)
    assert again.rules == book.rules
    assert entry.read_bytes() == data  # rewritten whole


def test_a_tampered_payload_fails_its_digest(cache: Path, rules: Path) -> None:
    load_rulebook(rules)
    (entry,) = _entries(cache, "rulebook")
    data = bytearray(entry.read_bytes())
    data[-10] ^= 0xFF
    entry.write_bytes(bytes(data))
    key = entry.stem.split("-", 1)[1]
    assert rulecache.read("rulebook", key) is None


def test_the_cache_can_be_turned_off(cache: Path, rules: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SANCTIONSENGINE_RULEBOOK_CACHE", "off")
    load_rulebook(rules)
    assert not (cache / "rulebooks").exists()


def test_an_unwritable_cache_only_costs_time(tmp_path: Path, rules: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache folder would be", encoding="utf-8")
    monkeypatch.setenv("SANCTIONSENGINE_CACHE", str(blocker))
    assert load_rulebook(rules).rules


def test_compiled_rulesets_are_stored_per_rulebook_and_date(cache: Path, rules: Path) -> None:
    from datetime import date

    from sanctionsengine.alphanet import split
    from sanctionsengine.compile import compile_rulebook

    book = load_rulebook(rules)
    compiled, rulesets = prepared_rulesets(book)
    again, rulesets_again = prepared_rulesets(book)
    assert again.conditions == compiled.conditions == compile_rulebook(book).conditions
    assert rulesets_again == rulesets == split(compiled.conditions)
    dated, _ = prepared_rulesets(book, date(2016, 1, 1))
    assert dated.as_of == date(2016, 1, 1) and dated.conditions != compiled.conditions
    assert len(_entries(cache, "compiled")) == 2


def test_the_key_changes_with_the_package_code(monkeypatch: pytest.MonkeyPatch) -> None:
    key = rulecache.entry_key("rulebook", ["x"])
    monkeypatch.setattr(rulecache, "code_fingerprint", lambda: "another build")
    assert rulecache.entry_key("rulebook", ["x"]) != key


def test_an_entry_others_could_write_is_not_read(cache: Path, rules: Path) -> None:
    load_rulebook(rules)
    (entry,) = _entries(cache, "rulebook")
    key = entry.stem.split("-", 1)[1]
    assert rulecache.read("rulebook", key) is not None
    entry.chmod(0o666)
    assert rulecache.read("rulebook", key) is None
    entry.chmod(0o600)
    entry.parent.chmod(0o777)
    assert rulecache.read("rulebook", key) is None
    entry.parent.chmod(0o700)
    assert rulecache.read("rulebook", key) is not None
