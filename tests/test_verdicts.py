"""decide() over every combination, and the reasons findings carry."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from sanctionsengine.evaluation import judge_scenario
from sanctionsengine.rulebook import Rulebook
from sanctionsengine.scenario import LoadedScenario
from sanctionsengine.testing.cases import CaseEvent, evaluate_case_event
from sanctionsengine.verdicts import decide
from sanctionsengine.vocabulary import Verdict

FINDING_OUTCOMES = [
    Verdict.VIOLATION,
    Verdict.POTENTIAL_VIOLATION,
    Verdict.UNDECIDABLE,
    Verdict.EXEMPT,
    Verdict.NOT_PROHIBITED,
]


@pytest.mark.parametrize("in_regime", [True, False])
@pytest.mark.parametrize(
    "outcomes", [c for n in range(0, 4) for c in itertools.combinations_with_replacement(FINDING_OUTCOMES, n)]
)
def test_decide_gives_exactly_one_verdict_by_precedence(in_regime: bool, outcomes: tuple[Verdict, ...]) -> None:
    verdict = decide(in_regime, outcomes)
    if not in_regime:
        assert verdict == Verdict.OUT_OF_SCOPE
    elif not outcomes:
        assert verdict == Verdict.NOT_PROHIBITED
    else:
        order = list(Verdict)
        assert verdict == min(outcomes, key=order.index)
        assert verdict in outcomes


def test_precedence_is_written_in_the_enum_order() -> None:
    assert [v.value for v in Verdict] == [
        "violation",
        "potential_violation",
        "undecidable",
        "exempt",
        "not_prohibited",
        "out_of_scope",
    ]


def _run(book: Rulebook, rule: str, **event: object) -> object:
    return evaluate_case_event(book, rule, "t", CaseEvent.model_validate(event).to_event("t"))


def test_goods_not_stated_make_the_event_undecidable(book: Rulebook) -> None:
    run = _run(
        book, "dprk.supply.industrial-machinery", kind="transfer", date="2024-03-01", supplier="CN", recipient="KP"
    )
    v = run.verdict  # type: ignore[attr-defined]
    assert v.verdict == Verdict.UNDECIDABLE
    assert "give an HS code or category" in v.summary
    # one statement naming the measures that could apply, not one undecidable finding per measure
    assert v.findings == []
    assert v.goods_not_stated is not None
    ids = v.goods_not_stated.rule_ids
    assert len(ids) == len(set(ids)) > 5
    assert {"dprk.supply.industrial-machinery", "dprk.luxury.supply", "dprk.oil.refined-petroleum"} <= set(ids)
    assert all(m.citation.startswith("S/RES/") for m in v.goods_not_stated.measures)
    assert f"{len(ids)} measures could apply" in v.summary
    assert v.goods_not_stated.missing == ["commodity"]
    assert run.outcome == Verdict.UNDECIDABLE  # type: ignore[attr-defined]  # the rule is among them


def test_goods_not_stated_leave_the_findings_on_other_facts_alone(book: Rulebook) -> None:
    run = _run(
        book,
        "dprk.designated.asset-freeze",
        kind="transfer",
        date="2024-03-01",
        supplier="CN",
        recipient="KP",
        flags=["designated-party"],
    )
    v = run.verdict  # type: ignore[attr-defined]
    assert v.verdict == Verdict.VIOLATION
    assert [f.rule_id for f in v.findings] == ["dprk.designated.asset-freeze"]
    assert v.goods_not_stated is not None and "dprk.luxury.supply" in v.goods_not_stated.rule_ids


def test_a_period_that_begins_before_a_measure_is_only_potential(book: Rulebook) -> None:
    run = _run(
        book,
        "dprk.supply.transportation-vehicles",
        kind="transfer",
        period={"from": "2017-11-01", "to": "2018-02-01"},
        supplier="CN",
        recipient="KP",
        hs=["8704"],
    )
    f = next(f for f in run.verdict.findings if f.rule_id == "dprk.supply.transportation-vehicles")  # type: ignore[attr-defined]
    assert f.outcome == Verdict.POTENTIAL_VIOLATION
    assert any("may predate the measure" in r for r in f.reasons)


def test_a_period_spanning_two_versions_is_judged_by_the_later(book: Rulebook) -> None:
    run = _run(
        book,
        "dprk.arms.supply",
        kind="transfer",
        period={"from": "2016-01-01", "to": "2016-06-01"},
        supplier="CN",
        recipient="KP",
        hs=["9302"],
    )
    f = next(f for f in run.verdict.findings if f.rule_id == "dprk.arms.supply")  # type: ignore[attr-defined]
    assert f.version == "2270"
    assert f.outcome == Verdict.POTENTIAL_VIOLATION  # small arms were not banned before 2 March 2016


def test_exemption_names_what_it_exempts_and_why(book: Rulebook) -> None:
    run = _run(
        book,
        "dprk.oil.aviation-fuel",
        kind="transfer",
        date="2019-01-01",
        supplier="CN",
        recipient="KP",
        categories=["aviation-fuel"],
        flags=["civil-aircraft-outside-dprk"],
        quantity={"value": 200, "unit": "barrel"},
    )
    f = next(f for f in run.verdict.findings if f.rule_id == "dprk.oil.aviation-fuel")  # type: ignore[attr-defined]
    assert f.outcome == Verdict.EXEMPT
    assert f.exemption.rule_id == "dprk.oil.aviation-fuel-civil-flights"
    assert "civil passenger aircraft" in f.exemption.grounds
    assert any("exempt under dprk.oil.aviation-fuel-civil-flights" in r for r in f.reasons)
    # aviation fuel also counts as refined petroleum, whose supplies must be notified: that stays open
    assert run.verdict.verdict == Verdict.POTENTIAL_VIOLATION  # type: ignore[attr-defined]


def test_an_event_whose_only_finding_is_exempted_is_exempt(book: Rulebook) -> None:
    run = _run(
        book,
        "dprk.oil.aviation-fuel",
        kind="transfer",
        date="2017-02-01",
        supplier="CN",
        recipient="KP",
        categories=["aviation-fuel"],
        flags=["civil-aircraft-outside-dprk"],
    )
    assert run.verdict.verdict == Verdict.EXEMPT  # type: ignore[attr-defined]
    assert run.verdict.summary.startswith("Exempt under dprk.oil.aviation-fuel-civil-flights")  # type: ignore[attr-defined]


def test_findings_explain_each_condition(book: Rulebook) -> None:
    run = _run(
        book, "dprk.luxury.supply", kind="transfer", date="2024-02-18", supplier="RU", recipient="KP", hs=["8703"]
    )
    f = next(f for f in run.verdict.findings if f.rule_id == "dprk.luxury.supply")  # type: ignore[attr-defined]
    by_name = {c.name: c for c in f.conditions}
    assert set(by_name) == {"direction", "kind", "commodity", "date"}
    assert all(c.holds for c in f.conditions)
    assert by_name["direction"].fact == "RU → KP"
    assert "luxury-automobiles" in by_name["commodity"].fact


def test_findings_flag_facts_the_reference_does_not_verify(book: Rulebook) -> None:
    run = _run(
        book, "dprk.luxury.supply", kind="transfer", date="2024-02-18", supplier="RU", recipient="KP", hs=["8703"]
    )
    f = next(f for f in run.verdict.findings if f.rule_id == "dprk.luxury.supply")  # type: ignore[attr-defined]
    assert any(u.endswith("[B]") for u in f.unverified)


def test_judging_by_the_law_of_another_day(book: Rulebook, tmp_path: object) -> None:
    """--as-of D: each event is judged by the law as it stood on D (here before 2397 OP7 existed)."""
    event = CaseEvent.model_validate(
        {"kind": "transfer", "date": "2024-02-18", "supplier": "RU", "recipient": "KP", "hs": ["8704"]}
    )
    then = evaluate_case_event(
        book, "dprk.supply.transportation-vehicles", "t", event.to_event("t"), as_of=date(2017, 6, 1)
    )
    now = evaluate_case_event(book, "dprk.supply.transportation-vehicles", "t", event.to_event("t"))
    assert then.outcome is None and now.outcome == Verdict.VIOLATION


def test_an_engine_failure_never_drops_an_event(book: Rulebook) -> None:
    """judge() refuses to return when the engine did not see an event (no silent drop)."""
    from sanctionsengine.errors import EngineFailure
    from sanctionsengine.evaluation import compiled_for
    from sanctionsengine.evidence import EvidenceCheck
    from sanctionsengine.verdicts import judge

    event = CaseEvent.model_validate(
        {"kind": "transfer", "date": "2024-02-18", "supplier": "RU", "recipient": "KP", "hs": ["8704"]}
    ).to_event("t")
    run = evaluate_case_event(book, "x", "t", event)
    assert run.verdict.id == "t"
    from sanctionsengine.scenario import Scenario, ScenarioInfo
    from sanctionsengine.testing.cases import _SOURCE
    from sanctionsengine.yamlfile import YamlDocument

    loaded = LoadedScenario(
        scenario=Scenario(scenario=ScenarioInfo(id="x", title="x"), sources=(_SOURCE,), events=(event,)),
        file="x",
        sha256="",
        doc=YamlDocument("x", None),
    )
    with pytest.raises(EngineFailure, match="no result for event 't'"):
        judge(book, compiled_for(book), loaded, [], EvidenceCheck((), {}))
    assert judge_scenario(book, loaded)[0].verdict == Verdict.VIOLATION
