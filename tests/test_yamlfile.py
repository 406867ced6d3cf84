"""YAML with positions: lines survive, duplicates are refused, dates and keys stay text."""

from __future__ import annotations

from pathlib import Path

import pytest

from sanctionsengine.errors import InputError
from sanctionsengine.yamlfile import format_loc, parse_yaml


def test_positions_point_at_keys_and_items() -> None:
    doc = parse_yaml("a:\n  b: 1\n  c:\n    - x\n    - y\n", "f.yaml")
    assert str(doc.location(("a", "b"))) == "f.yaml:2:3"
    assert str(doc.location(("a", "c", 1))) == "f.yaml:5:7"
    # a missing key points at its nearest parent
    assert str(doc.location(("a", "missing"))) == "f.yaml:1:1"


def test_duplicate_keys_are_an_error_with_both_lines() -> None:
    with pytest.raises(InputError) as err:
        parse_yaml("a: 1\nb: 2\na: 3\n", "f.yaml")
    [msg] = err.value.diagnostics.lines()
    assert msg.startswith("f.yaml:3:1: duplicate-key") and "first on line 1" in msg


def test_dates_stay_text_until_validated() -> None:
    doc = parse_yaml("d: 2017-12-22\nbad: 2017-13-01\n", "f.yaml")
    assert doc.data == {"d": "2017-12-22", "bad": "2017-13-01"}


def test_keys_are_not_turned_into_booleans() -> None:
    doc = parse_yaml("on: violation\nno: 1\n", "f.yaml")
    assert set(doc.data) == {"on", "no"}


def test_syntax_error_has_line_and_column() -> None:
    with pytest.raises(InputError) as err:
        parse_yaml("a: [1, 2\nb: 3\n", "f.yaml")
    [d] = list(err.value.diagnostics)
    assert d.code == "yaml-syntax" and d.location.line == 2


def test_format_loc() -> None:
    assert format_loc(("versions", 0, "citation", "paragraph")) == "versions[0].citation.paragraph"


def test_every_pattern_of_the_scenario_and_rule_formats_is_described_in_words() -> None:
    """A pattern a user's value fails is explained in words, never shown as a regular expression."""
    import json

    from sanctionsengine.yamlfile import PATTERN_WORDS

    def patterns(node: object) -> set[str]:
        if isinstance(node, dict):
            found = {node["pattern"]} if isinstance(node.get("pattern"), str) else set()
            return found.union(*(patterns(v) for v in node.values()))
        if isinstance(node, list):
            return set().union(*(patterns(v) for v in node))
        return set()

    docs = Path(__file__).resolve().parent.parent / "docs"
    used = set()
    for name in ("scenario.schema.json", "rule.schema.json"):
        used |= patterns(json.loads((docs / name).read_text(encoding="utf-8")))
    assert used, "the schemas declare patterns"
    assert used - set(PATTERN_WORDS) == set()
