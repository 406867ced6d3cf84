"""What one input may cost: every bound on hostile or runaway files, with its number, in one place.

A file past a bound is refused with one located diagnostic (code ``limit``, exit 2) that names the
bound, before the work it would cost is done. docs/errors.md lists them (generated from
:data:`LIMITS`), and so does the README.

Only regular files are read: a named pipe, a socket or a device given as a scenario, rule file,
mapping, list or report is refused from its ``stat`` alone, without being opened (opening a FIFO
for reading blocks until a writer appears, and ``/dev/zero`` never ends).
"""

from __future__ import annotations

import json
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import Diagnostic, InputError, SourceLocation

MIB = 1024 * 1024

#: Largest YAML file read (a scenario, a rule file, a mapping): the bundled rule files are under 100 KiB.
MAX_YAML_BYTES = 8 * MIB
#: Largest JSON document read whole (a report given to ``verify``, a vessels list in JSON).
MAX_JSON_BYTES = 64 * MIB
#: Largest list file (the UN consolidated list XML is about 2 MiB).
MAX_LIST_BYTES = 256 * MIB
#: Deepest nesting of mappings and sequences in a YAML or JSON file (the bundled files reach 9).
MAX_DEPTH = 32
#: YAML anchors and aliases (``&a`` / ``*a``) in a user file: none. An alias is a reference, so a
#: few hundred bytes of them expand into billions of values ("billion laughs"); no file needs one.
MAX_YAML_ALIASES = 0
#: Events in one scenario (about 25 s to evaluate; a ledger is screened with ``screen FILE``, which streams its rows).
MAX_EVENTS = 5_000
#: Items in any one list of a file other than a scenario's events (HS codes, countries, vessels...).
MAX_ITEMS = 1_000
#: Characters in one text value (a title, a quote, a name); the longest bundled text has 1,323.
MAX_STRING = 20_000
#: Properties of one durable-rules fact: its C engine crashes the process (SIGSEGV) on a fact with
#: 255 or more. Facts carry only the keys some rule tests (see :func:`.compile.trim_fact`), so an
#: event reaches this only with more distinct tested HS codes, groups, kinds and flags than any
#: real dealing has; it is refused, never asserted.
MAX_FACT_PROPERTIES = 254
#: Bytes in one record of a CSV or JSON-lines file given to ``screen FILE`` (a ledger row is well under
#: 10 KiB): past it, the record is refused (a CSV quote that never closes would otherwise swallow the file).
MAX_RECORD_BYTES = 1 * MIB


@dataclass(frozen=True)
class Limit:
    name: str
    value: int
    meaning: str


#: Every bound, for docs/errors.md and the README.
LIMITS: tuple[Limit, ...] = (
    Limit("MAX_YAML_BYTES", MAX_YAML_BYTES, "bytes in one YAML file (scenario, rule file, mapping)"),
    Limit("MAX_JSON_BYTES", MAX_JSON_BYTES, "bytes in one JSON document (a report for `verify`, a vessels list)"),
    Limit("MAX_LIST_BYTES", MAX_LIST_BYTES, "bytes in one list file (UN list XML, vessels CSV)"),
    Limit("MAX_DEPTH", MAX_DEPTH, "levels of nesting in a YAML or JSON file"),
    Limit("MAX_YAML_ALIASES", MAX_YAML_ALIASES, "YAML anchors or aliases in a user file (billion laughs)"),
    Limit("MAX_EVENTS", MAX_EVENTS, "events in one scenario (ledgers go through `screen FILE`)"),
    Limit("MAX_ITEMS", MAX_ITEMS, "items in any other single list of a file"),
    Limit("MAX_STRING", MAX_STRING, "characters in one text value"),
    Limit(
        "MAX_FACT_PROPERTIES",
        MAX_FACT_PROPERTIES,
        "properties of one durable-rules fact, after keys no rule tests are left out (durable crashes at 255)",
    ),
    Limit(
        "MAX_RECORD_BYTES", MAX_RECORD_BYTES, "bytes in one record (row) of a CSV or JSON-lines file for `screen FILE`"
    ),
)


def limit_problem(where: SourceLocation, message: str) -> Diagnostic:
    return Diagnostic(where, "limit", message)


def regular_file_problem(path: Path, display: str) -> Diagnostic | None:
    """Why ``path`` cannot be read as an input file (missing, a directory, a FIFO...), or None.

    Decided from ``stat`` alone: nothing is opened, so a named pipe cannot block the run."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return Diagnostic(SourceLocation(display), "file-not-found", "no such file")
    except OSError as exc:
        return Diagnostic(SourceLocation(display), "bad-file", exc.strerror or str(exc))
    mode = info.st_mode
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return Diagnostic(SourceLocation(display), "bad-file", "is a directory; expected a file")
    what = (
        "a named pipe (FIFO)"
        if stat.S_ISFIFO(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "a device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "not a regular file"
    )
    return Diagnostic(SourceLocation(display), "bad-file", f"is {what}; only regular files are read")


def read_limited(path: Path, display: str, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``; anything else is an InputError."""
    problem = regular_file_problem(path, display)
    if problem is not None:
        raise InputError([problem])
    size = path.stat().st_size
    if size > max_bytes:
        raise InputError([_too_big(display, size, max_bytes)])
    try:
        with path.open("rb") as fh:
            raw = fh.read(max_bytes + 1)
    except OSError as exc:
        raise InputError([Diagnostic(SourceLocation(display), "bad-file", exc.strerror or str(exc))]) from None
    if len(raw) > max_bytes:  # grew while being read
        raise InputError([_too_big(display, len(raw), max_bytes)])
    return raw


def _too_big(display: str, size: int, max_bytes: int) -> Diagnostic:
    return limit_problem(
        SourceLocation(display),
        f"file of {size:,} bytes is larger than the {max_bytes:,} bytes allowed for this kind of file",
    )


def parse_json(raw: bytes, display: str, what: str = "JSON") -> Any:
    """A JSON document from bytes, every failure a located diagnostic: bad UTF-8, bad JSON (with
    its line and column), nesting deeper than :data:`MAX_DEPTH`, numbers out of range."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            [Diagnostic(SourceLocation(display), "bad-file", f"not UTF-8 text (byte {exc.start})")]
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            [Diagnostic(SourceLocation(display, exc.lineno, exc.colno), "bad-file", f"not {what}: {exc.msg}")]
        ) from None
    except RecursionError:
        raise InputError(
            [limit_problem(SourceLocation(display), f"JSON nested deeper than {MAX_DEPTH} levels")]
        ) from None
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        raise InputError([Diagnostic(SourceLocation(display), "bad-file", f"not {what}: {exc}")]) from None
    deepest, surrogate = _walk(data)
    if deepest > MAX_DEPTH:
        raise InputError([limit_problem(SourceLocation(display), f"JSON nested deeper than {MAX_DEPTH} levels")])
    if surrogate:
        raise InputError(
            [
                Diagnostic(
                    SourceLocation(display),
                    "bad-file",
                    "a text holds a lone UTF-16 surrogate (such as \\ud800) or a control character "
                    "(such as ESC), which is not text",
                )
            ]
        )
    return data


#: Lone surrogates (not characters) and control characters other than tab and newlines (ESC...:
#: a terminal obeys them): no text a user gives may hold them.
_NOT_TEXT = re.compile(r"[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _walk(value: Any) -> tuple[int, bool]:
    """Nesting depth and whether any text (key or value) is not text (see _NOT_TEXT), iteratively
    (a deep value must not exhaust the stack here either)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if _NOT_TEXT.search(item):
                return deepest, True
            continue
        if isinstance(item, dict):
            children: Any = [*item.keys(), *item.values()]
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            return deepest, False
        stack.extend((child, depth + 1) for child in children)
    return deepest, False


__all__ = [
    "LIMITS",
    "MAX_DEPTH",
    "MAX_EVENTS",
    "MAX_FACT_PROPERTIES",
    "MAX_ITEMS",
    "MAX_JSON_BYTES",
    "MAX_LIST_BYTES",
    "MAX_RECORD_BYTES",
    "MAX_STRING",
    "MAX_YAML_ALIASES",
    "MAX_YAML_BYTES",
    "Limit",
    "limit_problem",
    "parse_json",
    "read_limited",
    "regular_file_problem",
]
