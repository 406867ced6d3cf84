"""sanctionsengine: UN Security Council DPRK measures as YAML rules, evaluated on durable-rules.

The public API, in the order data flows::

    load_rulebook → load_scenario → check_evidence → compile_rulebook → Engine.run → judge → build_report → render

``evaluate`` does all of it for a scenario file.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

    __version__: str

#: Where each public name lives. The package imports nothing until a name is used, so that
#: ``sanctionsengine rules list`` does not pay for the renderers, polars or the engine (PEP 562).
_WHERE = {
    ".compile": ("CompiledRulebook", "compile_rulebook"),
    ".errors": (
        "Diagnostic",
        "Diagnostics",
        "EngineFailure",
        "EngineTimeout",
        "EngineUnavailable",
        "EvaluationError",
        "InputError",
        "MissingExtraError",
        "ReportError",
        "SanctionsEngineError",
        "SourceLocation",
    ),
    ".evaluation": ("evaluate", "judge_scenario"),
    ".evidence": ("check_evidence",),
    ".render": ("render",),
    ".report": ("Report", "build_report"),
    ".rulebook": ("Rulebook", "bundled_rules_path", "load_rulebook"),
    ".scenario": ("Event", "Scenario", "load_scenario", "parse_scenario"),
    ".verdicts": ("EventVerdict", "Finding", "decide"),
    ".vocabulary": ("Confidence", "Direction", "EventKind", "RuleKind", "Verdict"),
}
_MODULE_OF = {name: module for module, names in _WHERE.items() for name in names}


def package_version() -> str:
    """The installed version (read from the package metadata once, when first asked)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("sanctionsengine")
    except PackageNotFoundError:  # running from a source tree that was not installed
        return "0+unknown"


def __getattr__(name: str) -> Any:
    if name == "__version__":
        value: Any = package_version()
    elif name in _MODULE_OF:
        from importlib import import_module

        value = getattr(import_module(_MODULE_OF[name], __name__), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


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
