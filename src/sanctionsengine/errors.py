"""Errors and diagnostics: every problem a user can cause is reported with its place.

The exception tree (catch the branch you can handle)::

    SanctionsEngineError
    ├── InputError                 bad rule, scenario or list files: carries Diagnostics
    ├── EvaluationError            the engine could not finish a run
    │   ├── EngineUnavailable      durable-rules missing or not importable (names the remedy)
    │   ├── EngineTimeout          a durable-rules call ran past its deadline
    │   └── EngineFailure          durable-rules raised; the event id is kept when known
    ├── ReportError                a report file is unreadable or cannot be re-verified
    └── MissingExtraError          an optional extra (e.g. ``[bulk]``) is not installed

A :class:`Diagnostic` is one problem at one place (``file:line:col``) with a closed ``code``;
loaders gather all of them and raise one :class:`InputError`, so a user fixes a file in one pass.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from difflib import get_close_matches

#: The closed list of diagnostic codes; docs/errors.md is generated from it.
CODES: dict[str, str] = {
    "yaml-syntax": "The file is not valid YAML.",
    "duplicate-key": "A mapping repeats a key; YAML would silently keep only the last value.",
    "missing": "A required field is absent.",
    "unknown-key": "A key that the format does not define (often a typo).",
    "bad-value": "A value has the wrong type or form.",
    "unknown-value": "A value outside a closed vocabulary (verdict, kind, unit, country...).",
    "bad-date": "A date that is not a real calendar date in YYYY-MM-DD form, or dates out of order.",
    "duplicate-id": "Two rules, groups or events share an id.",
    "dangling-reference": "A reference to a rule, group, source or event that does not exist.",
    "bad-citation": "A citation that does not have the shape of a Security Council citation.",
    "overlapping-versions": "Two versions of one rule are in force on the same day.",
    "quote-not-in-source": "An evidence quote is not found verbatim in its source text.",
    "source-mismatch": "A source file's SHA-256 differs from the one the scenario records.",
    "file-not-found": "A file or directory named on the command line or in a file is missing.",
    "bad-file": "A file could not be read as the expected format.",
    "limit": "A file is past one of the bounds on what an input may cost (size, depth, aliases, counts).",
    "list-missing": "The input names parties, vessels, IMO numbers or UN references that no loaded list could "
    "match (a UN reference or an entity's name needs the consolidated list, an IMO number the vessels list): "
    "they cannot be screened, which is not 'no match'. Give the list (--list, --vessels, `lists add`); "
    "`evaluate` and `screen FILE` can run with --no-lists to report them as not screened.",
    "list-date": "A screening list is dated after today (a list from the future), or its date cannot be read "
    "while --max-list-age asks for its age.",
    "list-age": "A screening list is older than --max-list-age allows.",
    "false-positive-on-definite-match": "A false-positive decision on an alert matched by identifier (UN reference, IMO number); use confirmed, escalated or waived.",
}


_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]")


def printable(text: str) -> str:
    """``text`` safe to write on one terminal line: control characters (newlines, ESC...), lone
    surrogates and line separators become visible escapes (``\\n``, ``\\x1b``, ``\\ud800``), so
    that a value from a file can neither split a diagnostic line nor drive the terminal."""
    return _UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


@dataclass(frozen=True, order=True)
class SourceLocation:
    """A place in a file; ``line`` and ``col`` are 1-based, 0 when unknown."""

    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line and self.col:
            return f"{self.file}:{self.line}:{self.col}"
        if self.line:
            return f"{self.file}:{self.line}"
        return self.file


@dataclass(frozen=True)
class Diagnostic:
    """One problem: where, what kind (``code``), in which object, and how to fix it."""

    location: SourceLocation
    code: str
    message: str
    path: str = ""
    context: str = ""
    hint: str = ""

    def __post_init__(self) -> None:
        if self.code not in CODES:  # a programming error, not a user error
            raise ValueError(f"unknown diagnostic code {self.code!r}")

    def __str__(self) -> str:
        parts = [str(self.location), self.code]
        if self.context:
            parts.append(self.context)
        if self.path:
            parts.append(self.path)
        text = ": ".join(parts) + ": " + self.message
        if self.hint:
            text += f" ({self.hint})"
        return printable(text)

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.location.file, self.location.line, self.location.col, self.message)

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.location.file,
            "line": self.location.line,
            "col": self.location.col,
            "code": self.code,
            "context": self.context,
            "path": self.path,
            "message": self.message,
            "hint": self.hint,
        }


@dataclass
class Diagnostics:
    """An ordered collection of problems, printed sorted by place."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(self, diagnostic: Diagnostic) -> None:
        self.items.append(diagnostic)

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.items.extend(diagnostics)

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(sorted(set(self.items), key=Diagnostic.sort_key))

    def lines(self) -> list[str]:
        return [str(d) for d in self]

    def summary(self) -> str:
        files = {d.location.file for d in self.items}
        n = len(set(self.items))
        return f"{n} problem{'s' if n != 1 else ''} in {len(files)} file{'s' if len(files) != 1 else ''}"

    def to_json(self) -> str:
        return json.dumps([d.as_dict() for d in self], ensure_ascii=False, indent=2)

    def raise_if_any(self) -> None:
        if self.items:
            raise InputError(self)


def did_you_mean(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str:
    """A gentle suggestion for a near-miss among ``choices``, or an empty string."""
    found = get_close_matches(word, list(choices), n=1, cutoff=cutoff)
    return f"did you mean '{found[0]}'?" if found else ""


class SanctionsEngineError(Exception):
    """Root of every error sanctionsengine raises on purpose."""


class InputError(SanctionsEngineError):
    """One or more problems in files the user gave; ``diagnostics`` holds all of them."""

    def __init__(self, diagnostics: Diagnostics | Iterable[Diagnostic]):
        if not isinstance(diagnostics, Diagnostics):
            diagnostics = Diagnostics(list(diagnostics))
        self.diagnostics = diagnostics
        super().__init__("\n".join(diagnostics.lines()))


class EvaluationError(SanctionsEngineError):
    """The evaluation could not be completed."""


class EngineUnavailable(EvaluationError):
    """durable-rules is not installed or cannot be imported on this Python."""


class EngineTimeout(EvaluationError):
    """A durable-rules call did not return within its deadline."""

    def __init__(self, message: str, *, seconds: float, event_id: str | None = None):
        self.seconds = seconds
        self.event_id = event_id
        super().__init__(message)


class EngineFailure(EvaluationError):
    """durable-rules raised an error we did not expect."""

    def __init__(self, message: str, *, event_id: str | None = None):
        self.event_id = event_id
        super().__init__(message)


class ReportError(SanctionsEngineError):
    """A report could not be read, written or re-verified."""


class MissingExtraError(SanctionsEngineError):
    """An optional dependency group is not installed."""

    def __init__(self, extra: str, module: str):
        self.extra = extra
        self.module = module
        super().__init__(
            f"this feature needs the optional module '{module}': "
            f"install it with: pip install 'sanctionsengine[{extra}]'"
        )
