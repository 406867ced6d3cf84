"""Runs the law tests in rules/un-dprk/tests/: every rule's positive, negative and boundary cases."""

from __future__ import annotations

import json
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest

from sanctionsengine.rulebook import Rulebook, load_rulebook
from sanctionsengine.screening import load_un_list, load_vessel_list
from sanctionsengine.testing.cases import (
    Boundary,
    Negative,
    Positive,
    RuleCases,
    describe,
    evaluate_case_event,
    law_test_files,
    load_law_tests,
)

from .conftest import DATA, RULES

BOOK = load_rulebook(RULES)
#: The vessel whose list entry the law tests see without its measure columns (a list in another
#: form), for the general designated-vessel rule; every other vessel keeps the Committee's columns.
NO_COLUMNS_IMO = "9066540"  # HAP JANG GANG 6


def _vessels_with_one_entry_without_columns() -> Path:
    data = json.loads((DATA / "un-1718" / "dprk-1718-vessels.json").read_text(encoding="utf-8"))
    for vessel in data["vessels"]:
        if vessel["imo_number"] == NO_COLUMNS_IMO:
            for d in vessel["designations"]:
                for column in [k for k in d if k.startswith(("para_", "omm_"))]:
                    del d[column]
    path = Path(tempfile.mkdtemp(prefix="sanctionsengine-law-")) / "vessels.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


LISTS = [
    load_un_list(DATA / "un-1718" / "dprk-1718-list.xml"),
    load_vessel_list(_vessels_with_one_entry_without_columns()),
]


def _collect() -> list[tuple[str, RuleCases, Positive | Negative | Boundary]]:
    out = []
    for path in law_test_files(RULES):
        parsed, _ = load_law_tests(path)
        for rc in parsed.cases:
            for case in (*rc.positive, *rc.negative, *rc.boundary):
                out.append((path.stem, rc, case))
    return out


CASES = _collect()


def _explain(run: object) -> str:
    return json.dumps(describe(run), indent=2, ensure_ascii=False)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("family", "rc", "case"), CASES, ids=[f"{f}:{rc.rule}:{type(c).__name__.lower()}:{c.name}" for f, rc, c in CASES]
)
def test_law_case(family: str, rc: RuleCases, case: Positive | Negative | Boundary) -> None:
    assert BOOK.has_rule(rc.rule), f"law test names unknown rule {rc.rule}"
    if isinstance(case, Positive):
        run = evaluate_case_event(
            BOOK, rc.rule, case.name, case.event.to_event("case"), case.as_of, case.with_events, LISTS
        )
        assert run.outcome == case.outcome, f"{case.name}: expected {case.outcome.value}\n{_explain(run)}"
    elif isinstance(case, Negative):
        run = evaluate_case_event(
            BOOK, rc.rule, case.name, case.event.to_event("case"), case.as_of, case.with_events, LISTS
        )
        assert run.left_alone, f"{case.name}: expected {rc.rule} to flag nothing ({case.why})\n{_explain(run)}"
    else:
        day_before = case.event.to_event("case", case.date - timedelta(days=1))
        before = evaluate_case_event(BOOK, rc.rule, case.name, day_before, case.as_of, lists=LISTS)
        on = evaluate_case_event(
            BOOK, rc.rule, case.name, case.event.to_event("case", case.date), case.as_of, lists=LISTS
        )
        assert on.outcome == case.on, f"{case.name}, on {case.date}: expected {case.on.value}\n{_explain(on)}"
        assert before.outcome == case.before, (
            f"{case.name}, the day before {case.date}: expected "
            f"{case.before.value if case.before else 'no finding'}\n{_explain(before)}"
        )


def test_every_rule_has_positive_negative_and_boundary_cases(book: Rulebook) -> None:
    seen: dict[str, set[str]] = {r.id: set() for r in book.rules}
    for _, rc, case in CASES:
        seen.setdefault(rc.rule, set()).add(type(case).__name__)
    missing = {
        rid: sorted({"Positive", "Negative", "Boundary"} - kinds)
        for rid, kinds in seen.items()
        if {"Positive", "Negative", "Boundary"} - kinds
    }
    assert not missing, f"rules without law tests of these kinds: {missing}"


def test_law_tests_name_only_known_rules(book: Rulebook) -> None:
    unknown = sorted({rc.rule for _, rc, _ in CASES if not book.has_rule(rc.rule)})
    assert not unknown
