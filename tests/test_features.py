"""Every measure family has a feature file a compliance officer can read: positive, negative, boundary."""

from __future__ import annotations

import re

import pytest

from sanctionsengine.rulebook import Rulebook
from sanctionsengine.testing.plugin import is_compliance_feature

from .conftest import ROOT

FEATURES = ROOT / "scenarios" / "features"
FLAGGING = re.compile(r'is (a violation|a potential violation|undecidable)|is flagged (by|under)|finds event "[^"]+" <')
CLEARING = re.compile(
    r"is (not prohibited|out of scope|exempt)|is not flagged|no (violation is reported|event is flagged)"
)


def _families(book: Rulebook) -> list[str]:
    return book.families


def test_every_family_has_a_feature_file(book: Rulebook) -> None:
    missing = [f for f in _families(book) if not (FEATURES / f"{f}.feature").exists()]
    assert not missing


@pytest.mark.parametrize("family", sorted({"arms", "export", "labour", "luxury", "oil", "supply", "technology"}))
def test_feature_has_positive_negative_and_boundary_scenarios(family: str) -> None:
    path = FEATURES / f"{family}.feature"
    assert is_compliance_feature(path), f"{path} lacks the @sanctionsengine tag"
    text = path.read_text(encoding="utf-8")
    scenarios = re.split(r"\n\s*Scenario(?: Outline)?:", text)[1:]
    assert any(FLAGGING.search(s) for s in scenarios), "no scenario where a measure flags an event"
    assert any(CLEARING.search(s) for s in scenarios), "no scenario where an event is cleared"
    outlines = re.findall(r"Scenario Outline:.*?Examples:(.*?)(?=\n\s*(?:Scenario|@|$))", text, flags=re.S)
    assert outlines, "no date-boundary Scenario Outline"
    assert any(len(re.findall(r"\d{4}-\d{2}-\d{2}", o)) >= 2 for o in outlines), "the outline has no pair of dates"


def test_the_article_has_a_feature() -> None:
    assert is_compliance_feature(FEATURES / "article.feature")
