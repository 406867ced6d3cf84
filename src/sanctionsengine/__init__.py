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

from .compile import CompiledRulebook, compile_rulebook  # noqa: E402
from .errors import (  # noqa: E402
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
from .evaluation import evaluate, judge_scenario  # noqa: E402
from .evidence import check_evidence  # noqa: E402
from .render import render  # noqa: E402
from .report import Report, build_report  # noqa: E402
from .rulebook import Rulebook, bundled_rules_path, load_rulebook  # noqa: E402
from .scenario import Event, Scenario, load_scenario, parse_scenario  # noqa: E402
from .verdicts import EventVerdict, Finding, decide  # noqa: E402
from .vocabulary import Confidence, Direction, EventKind, RuleKind, Verdict  # noqa: E402

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
