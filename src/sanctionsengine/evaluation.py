"""The whole path in one call: scenario + rulebook → engine → verdicts → report.

Compiled rulebooks and their durable-rules hosts are kept per (rulebook hash, as-of date), so a
test suite or a service that evaluates many scenarios builds each ruleset once ("prepare once,
evaluate many", as OPA does); every evaluation still runs in its own session.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from .compile import CompiledRulebook, compile_rulebook, scenario_facts
from .engine import DEFAULT_TIMEOUT, Engine
from .errors import InputError
from .evidence import EvidenceCheck, check_evidence
from .report import Report, build_report
from .rulebook import Rulebook, bundled_rules_path, load_rulebook
from .scenario import LoadedScenario, load_scenario
from .verdicts import EventVerdict, judge

_ENGINES: dict[tuple[str, date | None], Engine] = {}


def prepared_engine(book: Rulebook, as_of: date | None = None, timeout: float = DEFAULT_TIMEOUT) -> Engine:
    key = (book.hash, as_of)
    engine = _ENGINES.get(key)
    if engine is None or engine.timeout != timeout or getattr(engine, "_broken", False):
        engine = Engine(compile_rulebook(book, as_of), timeout=timeout)
        _ENGINES[key] = engine
    return engine


def compiled_for(book: Rulebook, as_of: date | None = None) -> CompiledRulebook:
    return prepared_engine(book, as_of).compiled


def judge_scenario(
    book: Rulebook,
    loaded: LoadedScenario,
    evidence: EvidenceCheck | None = None,
    as_of: date | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> list[EventVerdict]:
    engine = prepared_engine(book, as_of, timeout)
    facts = scenario_facts(loaded.scenario.events, "run")
    matches = engine.run(facts)
    return judge(book, engine.compiled, loaded, matches, evidence or EvidenceCheck((), {}))


def evaluate(
    scenario: Path | str,
    rules: Path | str | None = None,
    sources: Path | str | None = None,
    as_of: date | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    run_id: str | None = None,
    started_at: datetime | None = None,
) -> Report:
    """Evaluate a scenario file against a rulebook; raise InputError listing every bad input."""
    book = load_rulebook(rules if rules is not None else bundled_rules_path())
    loaded = load_scenario(scenario, groups=list(book.groups.groups))
    evidence, problems = check_evidence(loaded, Path(sources) if sources is not None else None)
    if problems:
        raise InputError(problems)
    verdicts = judge_scenario(book, loaded, evidence, as_of, timeout)
    return build_report(book, loaded, evidence, verdicts, as_of, run_id=run_id, started_at=started_at)
