"""The whole path in one call: scenario + rulebook (+ lists) → screening → engine → verdicts → report.

Compiled rulebooks and their durable-rules hosts are kept per (rulebook hash, as-of date), so a
test suite or a service that evaluates many scenarios builds each ruleset once ("prepare once,
evaluate many", as OPA does); every evaluation still runs in its own session.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from .alerts.apply import review_report
from .alerts.store import LoadedDispositions
from .compile import CompiledRulebook, compile_rulebook, fact_overflow, scenario_facts
from .engine import DEFAULT_TIMEOUT, Engine
from .errors import Diagnostic, InputError
from .evidence import EvidenceCheck, check_evidence
from .listcoverage import HOLDS, check_ages, items_of_event, with_coverage
from .listcoverage import require_lists as refuse_missing_lists
from .report import Report, build_report
from .rulebook import Rulebook, bundled_rules_path, load_rulebook
from .scenario import LoadedScenario, check_scenario_file
from .screening import DEFAULT_THRESHOLD, Screener, ScreeningList, load_un_list, load_vessel_list
from .verdicts import EventVerdict, judge
from .vocabulary import RuleKind
from .yamlfile import display_path

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
    lists: list[ScreeningList] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> list[EventVerdict]:
    """Screen, match and judge every event of a loaded scenario."""
    engine = prepared_engine(book, as_of, timeout)
    screener = Screener(lists or [], threshold)
    screenings = [screener.screen_event(e) for e in loaded.scenario.events]
    facts = scenario_facts(loaded.scenario.events, "run", screenings)
    oversized = []
    for fact in facts:
        problem = fact_overflow(fact, engine.fact_keys)
        if problem is not None:
            i = int(fact.get("ix", fact.get("rx", 0)))
            where = loaded.doc.location(("events", i))
            context = f"event {loaded.scenario.events[i].id}"
            oversized.append(Diagnostic(where, "limit", problem, context=context))
    if oversized:
        raise InputError(oversized)
    matches = engine.run(facts)
    verdicts = judge(book, engine.compiled, loaded, matches, evidence or EvidenceCheck((), {}), screenings)
    return with_coverage(verdicts, loaded.scenario.events, lists or [], screenings)


def load_lists(
    un_lists: Sequence[Path] = (),
    vessel_lists: Sequence[Path] = (),
    max_age_days: int | None = None,
    today: date | None = None,
) -> list[ScreeningList]:
    """Load the lists named; refuse one dated in the future or older than ``max_age_days``
    (fail closed, never screen stale); see :mod:`.listcoverage` for how each list is dated."""
    lists = [load_un_list(Path(p)) for p in un_lists] + [load_vessel_list(Path(p)) for p in vessel_lists]
    check_ages(lists, max_age=max_age_days, warn_age=None, on=today)
    return lists


def fail_closed(loaded: LoadedScenario, lists: Sequence[ScreeningList]) -> None:
    """Refuse (``list-missing``) a scenario naming parties, vessels or identifiers that no loaded
    list could match; the diagnostic points at the first event that needs the missing list."""
    needed: dict[str, str] = {}
    first: dict[str, int] = {}
    labels = {"name": "party names", "un-reference": "UN references", "vessel": "vessel names", "imo": "IMO numbers"}
    whats: dict[str, list[str]] = {}
    for i, event in enumerate(loaded.scenario.events):
        for _role, what, _value in items_of_event(event):
            kind = HOLDS[what]
            first.setdefault(kind, i)
            if labels[what] not in whats.setdefault(kind, []):
                whats[kind].append(labels[what])
    have = {lst.kind for lst in lists}
    missing = [k for k in whats if k not in have]
    if not missing:
        return
    needed = {k: f"the scenario's {' and '.join(whats[k])}" for k in missing}
    where = loaded.doc.location(("events", min(first[k] for k in missing)))
    refuse_missing_lists(needed, lists, no_lists=False, where=where)


def evaluate(
    scenario: Path | str,
    rules: Path | str | None = None,
    sources: Path | str | None = None,
    as_of: date | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    run_id: str | None = None,
    started_at: datetime | None = None,
    lists: list[ScreeningList] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    require_lists: bool = False,
    dispositions: LoadedDispositions | None = None,
    today: date | None = None,
) -> Report:
    """Evaluate a scenario file against a rulebook; raise InputError listing every bad input.

    ``require_lists``: refuse (``list-missing``) when the scenario names what no loaded list could
    match (the command line's default; ``--no-lists`` turns it off). Either way every event says
    what it was screened against, and "parties not screened" where it was not. The report's
    ``alerts`` apply ``dispositions`` (if any) as of ``today`` (UTC; default: today)."""
    book = load_rulebook(rules if rules is not None else bundled_rules_path())
    exemptions = [r.id for r in book.rules if r.kind == RuleKind.EXEMPTION]
    loaded, problems = check_scenario_file(scenario, groups=list(book.groups.groups), exemptions=exemptions)
    if loaded is None:
        raise InputError(problems)
    evidence, quoted = check_evidence(loaded, Path(sources) if sources is not None else None)
    problems.extend(quoted)  # one pass: the references and the quotes together
    if problems:
        raise InputError(problems)
    if require_lists:
        fail_closed(loaded, lists or [])
    verdicts = judge_scenario(book, loaded, evidence, as_of, timeout, lists, threshold)
    report = build_report(
        book,
        loaded,
        evidence,
        verdicts,
        as_of,
        run_id=run_id,
        started_at=started_at,
        lists=lists or [],
        threshold=threshold,
        sources_dir=display_path(Path(sources)) if sources is not None else None,
    )
    return review_report(report, lists or [], dispositions, today)
