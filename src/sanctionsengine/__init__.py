"""sanctionsengine: UN Security Council DPRK measures as YAML rules, evaluated on durable-rules.

The public API, in the order data flows::

    load_rulebook → load_scenario → check_evidence → compile_rulebook → Engine.run → judge → build_report → render

``evaluate`` does all of it for a scenario file.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("sanctionsengine")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"

from .compile import CompiledRulebook, compile_rulebook
from .errors import (
    Diagnostic,
    Diagnostics,
    EngineFailure,
    EngineTimeout,
    EngineUnavailable,
    EvaluationError,
    InputError,
    MissingExtraError,
    ReportError,
    SanctionsEngineError,
    SourceLocation,
)
from .evaluation import evaluate, judge_scenario
from .evidence import check_evidence
from .render import render
from .report import Report, build_report
from .rulebook import Rulebook, bundled_rules_path, load_rulebook
from .scenario import Event, Scenario, load_scenario, parse_scenario
from .verdicts import EventVerdict, Finding, decide
from .vocabulary import Confidence, Direction, EventKind, RuleKind, Verdict

__all__ = [
    "CompiledRulebook",
    "Confidence",
    "Diagnostic",
    "Diagnostics",
    "Direction",
    "EngineFailure",
    "EngineTimeout",
    "EngineUnavailable",
    "EvaluationError",
    "Event",
    "EventKind",
    "EventVerdict",
    "Finding",
    "InputError",
    "MissingExtraError",
    "Report",
    "ReportError",
    "RuleKind",
    "Rulebook",
    "SanctionsEngineError",
    "Scenario",
    "SourceLocation",
    "Verdict",
    "__version__",
    "build_report",
    "bundled_rules_path",
    "check_evidence",
    "compile_rulebook",
    "decide",
    "evaluate",
    "judge_scenario",
    "load_rulebook",
    "load_scenario",
    "parse_scenario",
    "render",
]
