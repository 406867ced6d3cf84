"""The repository's own compliance features share one loaded copy of the bundled rulebook.

The plugin loads the rulebook afresh for each scenario, as a user's feature file needs; here,
116 scenarios judged by the same unchanged rulebook load it once per session. A scenario that
names its own rulebook (``Given the rulebook in ...``) still loads that one.
"""

from __future__ import annotations

import pytest

from sanctionsengine.rulebook import Rulebook, bundled_rules_path, load_rulebook
from sanctionsengine.testing.steps import ComplianceContext


@pytest.fixture(scope="session")
def bundled_book() -> Rulebook:
    return load_rulebook(bundled_rules_path())


@pytest.fixture
def compliance(compliance: ComplianceContext, bundled_book: Rulebook) -> ComplianceContext:
    compliance._book = bundled_book
    return compliance
