"""The step library as a pytest plugin, exercised in throw-away projects outside this repository."""

from __future__ import annotations

import pytest

GOOD = """\
@sanctionsengine
Feature: Refined petroleum to the DPRK
  Scenario: A delivery above the whole cap
    Given the following events:
      | id     | date       | kind     | supplier | recipient | hs   | quantity | unit   |
      | diesel | 2024-04-01 | transfer | RU       | KP        | 2710 | 600000   | barrel |
    When the events are evaluated
    Then event "diesel" is a violation
    And event "diesel" is flagged under "S/RES/2397 (2017) OP5"

  Scenario Outline: The first day of the refined-petroleum measures
    Given the following events:
      | id | date   | kind     | supplier | recipient | hs   | quantity | unit   |
      | d  | <date> | transfer | CN       | KP        | 2710 | 1000     | barrel |
    When the events are evaluated
    Then event "d" is <verdict>

    Examples:
      | date       | verdict        |
      | 2017-09-10 | not prohibited |
      | 2017-09-11 | a violation    |
"""


def test_a_feature_outside_the_repository_runs_with_only_the_shipped_steps(pytester: pytest.Pytester) -> None:
    pytester.makefile(".feature", oil=GOOD)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)


def test_features_without_the_tag_are_left_to_their_owners(pytester: pytest.Pytester) -> None:
    pytester.makefile(".feature", other=GOOD.replace("@sanctionsengine\n", ""))
    result = pytester.runpytest()
    result.assert_outcomes()
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_a_one_line_test_module_works_too(pytester: pytest.Pytester) -> None:
    pytester.makefile(".feature", oil=GOOD.replace("@sanctionsengine\n", ""))
    pytester.makepyfile(test_oil='from pytest_bdd import scenarios; scenarios("oil.feature")')
    pytester.runpytest().assert_outcomes(passed=3)


def test_a_wrong_expectation_fails_in_compliance_terms(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".feature", oil=GOOD.replace('Then event "diesel" is a violation', 'Then event "diesel" is not prohibited')
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=2, failed=1)
    text = result.stdout.str()
    assert (
        'oil.feature:8: event "diesel" (transfer; Russian Federation → DPRK; 2024-04-01; HS 2710; 600,000 barrels)'
        in text
    )
    assert "expected: not prohibited" in text
    assert "actual:   violation" in text
    assert "dprk.oil.refined-petroleum: violation under S/RES/2397 (2017) OP5" in text
    assert "Traceback" not in text and "def _verdict_is" not in text


BAD_INPUTS = [
    (
        "| id | date | kind | supplier | recipient | colour |\n      | x | 2024-01-01 | transfer | RU | KP | red |",
        "oil.feature:5: unknown column 'colour'",
    ),
    (
        "| id | date | kind | supplier | recipient |\n      | x | 2024-13-01 | transfer | RU | KP |",
        "oil.feature:6: event 'x': '2024-13-01' is not a date; expected YYYY-MM-DD",
    ),
    (
        "| id | date | kind | supplier | recipient |\n      | x | 2024-01-01 | transfer | RUS | KP |",
        "oil.feature:6: event 'x': column 'supplier': unknown country code 'RUS'",
    ),
    (
        "| id | date | kind | supplier | recipient | category |\n      | x | 2024-01-01 | transfer | RU | KP | luxury good |",
        "oil.feature:6: event 'x': unknown category 'luxury-good' (did you mean 'luxury-goods'?)",
    ),
    (
        "| id | date | kind | supplier | recipient | vessel | imo |\n      | x | 2024-01-01 | service | RU | KP | CHON MA SAN | 86603 |",
        "oil.feature:6: event 'x': IMO number '86603' is not seven digits",
    ),
    (
        "| id | date | kind | supplier | recipient | exemption |\n"
        "      | x | 2024-01-01 | transfer | RU | KP | dprk.exemption.aircraft-spare-part |",
        "oil.feature:6: event 'x': 'dprk.exemption.aircraft-spare-part' is not an exemption rule "
        "(did you mean 'dprk.exemption.aircraft-spare-parts'?)",
    ),
    (
        "| id | date | kind | supplier | recipient_name |\n      | x | 2024-01-01 | transfer | RU | KOMID |",
        "oil.feature:6: event 'x': a recipient name or reference needs the recipient's country in column 'recipient'",
    ),
]


@pytest.mark.parametrize(("table", "message"), BAD_INPUTS)
def test_bad_tables_name_the_feature_file_and_line(pytester: pytest.Pytester, table: str, message: str) -> None:
    feature = f"""\
@sanctionsengine
Feature: bad input
  Scenario: a bad table
    Given the following events:
      {table}
    When the events are evaluated
    Then no violation is reported
"""
    pytester.makefile(".feature", oil=feature)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    assert message in result.stdout.str(), result.stdout.str()


@pytest.mark.parametrize(
    ("step", "message"),
    [
        (
            'Then event "diesel" is flagged by rule "dprk.oil.refined-petrolium"',
            "oil.feature:8: no rule 'dprk.oil.refined-petrolium' in the rulebook (did you mean 'dprk.oil.refined-petroleum'?)",
        ),
        ('Then event "diesel" is a violaton', "oil.feature:8: unknown verdict 'a violaton'"),
        (
            'Then event "dissel" is a violation',
            "oil.feature:8: no event 'dissel' in this scenario (did you mean 'diesel'?)",
        ),
        ('Then the report cites "Resolution 2397"', "oil.feature:8: 'Resolution 2397' is not a citation"),
    ],
)
def test_bad_expectations_name_the_feature_file_and_line(pytester: pytest.Pytester, step: str, message: str) -> None:
    pytester.makefile(".feature", oil=GOOD.replace('Then event "diesel" is a violation', step))
    result = pytester.runpytest()
    assert message in result.stdout.str(), result.stdout.str()


def test_an_unknown_step_points_to_the_guide(pytester: pytest.Pytester) -> None:
    pytester.makefile(".feature", oil=GOOD.replace('Then event "diesel" is a violation', "Then the diesel is bad"))
    result = pytester.runpytest()
    assert "Step definition is not found" in result.stdout.str()
    assert "docs/steps.md" in result.stdout.str()


def test_malformed_gherkin_is_reported_with_its_line(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".feature",
        oil="@sanctionsengine\nFeature: broken\n  Scenario: x\n    Given these events:\n"
        "      | id | date |\n      | x |\n",
    )
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.INTERRUPTED
    out = result.stdout.str()
    assert "oil.feature:6:" in out
    assert "Traceback" not in out


def test_the_step_guide_example_runs_as_written(pytester: pytest.Pytester) -> None:
    import re

    from ..conftest import ROOT

    guide = (ROOT / "docs" / "steps.md").read_text(encoding="utf-8")
    example = next(b for b in re.findall(r"```gherkin\n(.*?)```", guide, flags=re.S) if "Feature:" in b)
    pytester.makefile(".feature", guide=example)
    pytester.runpytest().assert_outcomes(passed=3)
