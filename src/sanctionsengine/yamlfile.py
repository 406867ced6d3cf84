"""Safe YAML with positions, and pydantic errors mapped back to ``file:line:col``.

PyYAML's loaders forget where values came from and silently keep the last of two equal keys.
Here a file is composed into nodes first, so that every value keeps its line and column, a
repeated key is a diagnostic, and dates stay text until pydantic parses them (YAML would turn
``2017-12-22`` into a ``date`` and ``2017-13-01`` into a string, which hides typos).

Plain scalars are read by the YAML 1.2 core schema, not PyYAML's YAML 1.1: ``NO`` (Norway),
``on``, ``y`` stay words (1.1 made them booleans), ``0755`` is a decimal number and ``1:20`` is
text, not 80. Only the core tags are accepted; any other (``!!python/name:...``, ``!!binary``)
is a located diagnostic, never constructed. Aliases are refused and nesting is bounded as
:mod:`.limits` says, so a few hundred bytes cannot expand into gigabytes ("billion laughs").
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import types
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from .errors import Diagnostic, InputError, SourceLocation, did_you_mean
from .limits import MAX_DEPTH, MAX_EVENTS, MAX_ITEMS, MAX_STRING, MAX_YAML_ALIASES, MAX_YAML_BYTES, read_limited

Loc = tuple[str | int, ...]

_TIMESTAMP = "tag:yaml.org,2002:timestamp"


@dataclass
class YamlDocument:
    """Plain data from one YAML file, with the position of every value by its path."""

    file: str
    data: Any
    positions: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    text: str = ""

    def location(self, loc: Sequence[str | int]) -> SourceLocation:
        """The place of ``loc``, or of its nearest ancestor that exists in the file."""
        path = tuple(loc)
        while path and path not in self.positions:
            path = path[:-1]
        line, col = self.positions.get(path, (1, 1))
        return SourceLocation(self.file, line, col)

    def has(self, loc: Sequence[str | int]) -> bool:
        return tuple(loc) in self.positions


_CORE = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = (_CORE + t for t in ("str", "int", "float", "bool", "null"))
_SURROGATE = re.compile(r"[\ud800-\udfff]")
#: C0 controls but tab and newlines, DEL and C1: they drive terminals and are not allowed in XML
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class _Refused(Exception):
    def __init__(self, mark: yaml.Mark, message: str) -> None:
        self.mark = mark
        self.message = message


try:  # libyaml's parser, ten times faster than PyYAML's own, when PyYAML was built with it
    from yaml import cyaml

    _FastParser: Any = cyaml.CParser  # type: ignore[attr-defined]

    class _Base(yaml.composer.Composer, _FastParser, yaml.resolver.Resolver):  # type: ignore[misc]
        def __init__(self, stream: str) -> None:
            _FastParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.resolver.Resolver.__init__(self)

except ImportError:  # pragma: no cover - PyYAML without libyaml

    class _Base(yaml.SafeLoader):  # type: ignore[no-redef]
        pass


class _Loader(_Base):
    """A YAML parser feeding PyYAML's composer, with the YAML 1.2 core schema, no aliases and a
    bounded depth. Nothing is constructed here."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_YAML_ALIASES:
                raise _Refused(
                    self._mark(),
                    "YAML aliases ('*name') are not accepted in sanctionsengine files; write the value out",
                )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(self._mark(), f"nested deeper than {MAX_DEPTH} levels")
            return super().compose_node(parent, index)  # type: ignore[no-any-return]
        finally:
            self._depth -= 1

    def _mark(self) -> yaml.Mark:
        event: Any = self.peek_event()  # type: ignore[no-untyped-call]
        mark: yaml.Mark = event.start_mark
        return mark


_Loader.yaml_implicit_resolvers = {}  # only the core schema's, added below; never PyYAML 1.1's
for _tag, _pattern, _first in (
    (_BOOL, r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    (_NULL, r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    (_INT, r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        _FLOAT,
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+.0123456789",
    ),
    (_CORE + "merge", r"^<<$", "<"),
):
    _Loader.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))


def _core_scalar(tag: str, text: str) -> Any:
    """A plain or tagged scalar by the YAML 1.2 core schema; ValueError when it is not one."""
    if tag == _STR:
        return text
    if tag == _NULL:
        return None
    if tag == _BOOL:
        if text.lower() not in ("true", "false"):
            raise ValueError(f"'{text}' is not a boolean; write true or false")
        return text.lower() == "true"
    if tag == _INT:
        body = text.lstrip("+-")
        sign = -1 if text.startswith("-") else 1
        if body.startswith("0o"):
            return sign * int(body[2:], 8)
        if body.startswith("0x"):
            return sign * int(body[2:], 16)
        return int(text, 10)
    if tag == _FLOAT:
        lowered = text.lower()
        if lowered.lstrip("+-") == ".inf":
            return float("-inf") if lowered.startswith("-") else float("inf")
        if lowered == ".nan":
            return float("nan")
        return float(text)
    raise ValueError(f"the YAML tag '{tag.replace(_CORE, '!!')}' is not accepted; only plain values are")


class _Composer:
    def __init__(self, file: str) -> None:
        self.file = file
        self.positions: dict[Loc, tuple[int, int]] = {}
        self.problems: list[Diagnostic] = []

    def build(self, node: yaml.Node, path: Loc, mark: yaml.Mark | None = None) -> Any:
        where = mark or node.start_mark
        self.positions[path] = (where.line + 1, where.column + 1)
        if not isinstance(node, yaml.ScalarNode) and node.tag not in (_CORE + "map", _CORE + "seq"):
            self._problem(node, path, "bad-value", f"the YAML tag '{node.tag.replace(_CORE, '!!')}' is not accepted")
            return None
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    self._problem(key_node, path, "bad-value", "YAML merge keys ('<<') are not supported here")
                    continue
                # keys are words in every format here: take the text as written, so that YAML 1.1
                # does not turn a key such as `on` or `no` into a boolean
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
                if not isinstance(key, str):
                    self._problem(key_node, path, "bad-value", "mapping keys must be plain words")
                    continue
                if len(key) > MAX_STRING or _SURROGATE.search(key):
                    self._problem(key_node, path, "bad-value", "mapping keys must be plain words")
                    continue
                if key in result:
                    first = self.positions.get(path + (key,), (0, 0))[0]
                    self._problem(
                        key_node,
                        path + (key,),
                        "duplicate-key",
                        f"key '{key}' appears twice in this mapping (first on line {first}); keep one",
                    )
                    continue
                result[key] = self.build(value_node, path + (key,), key_node.start_mark)
            return result
        if isinstance(node, yaml.SequenceNode):
            bound, what = (MAX_EVENTS, "events") if path == ("events",) else (MAX_ITEMS, "items")
            if len(node.value) > bound:
                self._problem(
                    node, path, "limit", f"{len(node.value):,} {what} in one list; at most {bound:,} are accepted"
                )
                return []
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _scalar(self, node: yaml.Node, path: Loc) -> Any:
        text = str(node.value)
        if len(text) > MAX_STRING:
            self._problem(
                node, path, "limit", f"a text of {len(text):,} characters; at most {MAX_STRING:,} are accepted"
            )
            return None
        if _SURROGATE.search(text):
            self._problem(
                node, path, "bad-value", "holds a lone UTF-16 surrogate (such as \\ud800), which is not a character"
            )
            return None
        control = _CONTROL.search(text)
        if control:
            code = control.group().encode("unicode_escape").decode("ascii")
            self._problem(
                node, path, "bad-value", f"holds the control character {code}, which is not text (a terminal obeys it)"
            )
            return None
        if node.tag == _TIMESTAMP:
            return text  # keep dates as text; the models parse and check them
        try:
            return _core_scalar(node.tag, text)
        except ValueError as exc:
            message = str(exc)
            if node.tag == _INT and "digits" in message:
                message = f"a number of {len(text):,} digits is too long"
            self._problem(node, path, "bad-value", message)
            return None

    def _problem(self, node: yaml.Node, path: Loc, code: str, message: str) -> None:
        mark = node.start_mark
        self.problems.append(
            Diagnostic(SourceLocation(self.file, mark.line + 1, mark.column + 1), code, message, path=format_loc(path))
        )


def display_path(path: Path | str) -> str:
    """A path as the user would want to read it: relative to the working directory if inside it."""
    p = Path(path)
    try:
        return p.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return p.as_posix()


_SURROGATE = re.compile("[\ud800-\udfff]")


def parse_yaml(text: str, file: str) -> YamlDocument:
    """Parse YAML text; raise :class:`InputError` with every problem found."""
    lone = _SURROGATE.search(text)  # only text given in-process can hold one (a file is decoded strictly)
    if lone is not None:
        before = text[: lone.start()]
        line, col = before.count("\n") + 1, lone.start() - (before.rfind("\n") + 1) + 1
        message = f"a lone surrogate (U+{ord(lone.group()):04X}) is not a character; the text must be valid Unicode"
        raise InputError([Diagnostic(SourceLocation(file, line, col), "yaml-syntax", message)])
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except _Refused as exc:
        where = SourceLocation(file, exc.mark.line + 1, exc.mark.column + 1)
        raise InputError([Diagnostic(where, "limit", exc.message)]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = (exc.problem or "invalid YAML").strip()
        if exc.context:
            problem = f"{exc.context.strip()}: {problem}"
        raise InputError([Diagnostic(SourceLocation(file, line, col), "yaml-syntax", problem)]) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow in a file (ESC, NUL...)
        before = text[: exc.position]
        line, col = before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1
        message = f"unacceptable character #x{exc.character:04x}: {exc.reason}"
        raise InputError([Diagnostic(SourceLocation(file, line, col), "yaml-syntax", message)]) from None
    except yaml.YAMLError as exc:
        raise InputError([Diagnostic(SourceLocation(file, 1, 1), "yaml-syntax", str(exc))]) from None
    finally:
        loader.dispose()
    composer = _Composer(file)
    data = composer.build(node, ()) if node is not None else None
    if composer.problems:
        raise InputError(composer.problems)
    return YamlDocument(file=file, data=data, positions=composer.positions, text=text)


def read_text(path: Path, display: str | None = None) -> tuple[str, bytes, str]:
    """Read a UTF-8 file: (text, raw bytes, display name); problems become InputError."""
    name = display or display_path(path)
    raw = read_limited(path, name, MAX_YAML_BYTES)
    try:
        return raw.decode("utf-8"), raw, name
    except UnicodeDecodeError as exc:
        raise InputError([Diagnostic(SourceLocation(name), "bad-file", f"not UTF-8 text (byte {exc.start})")]) from None


def load_yaml(path: Path, display: str | None = None) -> YamlDocument:
    """Read and parse a YAML file (UTF-8)."""
    text, _, name = read_text(path, display)
    return parse_yaml(text, name)


def format_loc(loc: Sequence[str | int]) -> str:
    """``('versions', 0, 'citation')`` → ``versions[0].citation``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


# --- pydantic errors → diagnostics -------------------------------------------------------------


def _unwrap(annotation: Any) -> list[Any]:
    """The concrete types inside Optional/Union/Annotated."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        out: list[Any] = []
        for arg in typing.get_args(annotation):
            out.extend(_unwrap(arg))
        return out
    return [annotation]


def _model_at(root: type[BaseModel], loc: Sequence[str | int]) -> type[BaseModel] | None:
    """The model class that holds the value at ``loc`` (used to list the keys it allows)."""
    current: list[Any] = [root]
    for part in loc:
        nxt: list[Any] = []
        for ann in current:
            for t in _unwrap(ann):
                origin = typing.get_origin(t)
                if isinstance(part, int) and origin in (list, tuple, Sequence):
                    nxt.extend(typing.get_args(t)[:1])
                elif isinstance(part, str) and isinstance(t, type) and issubclass(t, BaseModel):
                    for name, info in t.model_fields.items():
                        if part in (name, info.alias):
                            nxt.append(info.annotation)
                elif isinstance(part, str) and origin is dict:
                    nxt.append(typing.get_args(t)[1])
        current = nxt
    for ann in current:
        for t in _unwrap(ann):
            if isinstance(t, type) and issubclass(t, BaseModel):
                return t
    return None


def allowed_keys(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def _annotations_at(root: type[BaseModel], loc: Sequence[str | int]) -> list[Any]:
    """The declared types of the value at ``loc`` (to say what was expected there)."""
    current: list[Any] = [root]
    for part in loc:
        nxt: list[Any] = []
        for ann in current:
            for t in _unwrap(ann):
                origin = typing.get_origin(t)
                if isinstance(part, int) and origin in (list, tuple, Sequence):
                    nxt.extend(typing.get_args(t)[:1])
                elif isinstance(part, str) and isinstance(t, type) and issubclass(t, BaseModel):
                    nxt.extend(info.annotation for name, info in t.model_fields.items() if part in (name, info.alias))
                elif isinstance(part, str) and origin is dict:
                    nxt.append(typing.get_args(t)[1])
        current = nxt
    return current


def _keys_text(model: type[BaseModel]) -> str:
    keys = [
        (info.alias or name) + (" (required)" if info.is_required() else "")
        for name, info in model.model_fields.items()
    ]
    return ", ".join(keys)


def describe_type(annotation: Any, depth: int = 0) -> str:
    """What a value of this type looks like, in the words of the file formats."""
    kinds = [t for t in _unwrap(annotation) if t is not type(None)]
    if len(kinds) > 1:
        return " or ".join(dict.fromkeys(describe_type(t, depth + 1) for t in kinds))
    if not kinds:
        return "nothing"
    t = kinds[0]
    origin = typing.get_origin(t)
    if origin in (list, tuple, Sequence, set, frozenset):
        args = [a for a in typing.get_args(t) if a is not Ellipsis]
        return "a list" + (f" of {_noun(args[0])}" if args and depth < 2 else "")
    if origin is dict:
        return "a mapping (key: value)"
    if isinstance(t, type) and issubclass(t, BaseModel):
        return f"a mapping with keys {_keys_text(t)}" if depth == 0 else "mappings"
    if isinstance(t, type) and issubclass(t, enum.Enum):
        return "one of " + ", ".join(str(m.value) for m in t)
    if t is bool:
        return "true or false"
    if t in (int, float):
        return "a number"
    if t is dt.date:
        return "a date (YYYY-MM-DD)"
    if t is str:
        return "a text"
    return getattr(t, "__name__", str(t))


def _noun(annotation: Any) -> str:
    """``str`` → texts, ``Evidence`` → mappings (evidence), for "a list of ..."."""
    kinds = [t for t in _unwrap(annotation) if t is not type(None)]
    t = kinds[0] if kinds else annotation
    if isinstance(t, type) and issubclass(t, BaseModel):
        return f"mappings, each with keys {_keys_text(t)}"
    if isinstance(t, type) and issubclass(t, enum.Enum):
        return "values, each one of " + ", ".join(str(m.value) for m in t)
    if t is dt.date:
        return "dates (YYYY-MM-DD)"
    if t in (int, float):
        return "numbers"
    return "texts"


def _got(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return f"a list of {len(value)}"
    shown = repr(value)
    return shown if len(shown) <= 40 else f"{shown[:30]}...({len(shown):,} characters)"


def _belongs_under(model: type[BaseModel] | None, key: str) -> str:
    """For an unknown key that is a key of one of the model's nested mappings: where it goes."""
    if model is None:
        return ""
    for name, info in model.model_fields.items():
        for t in _unwrap(info.annotation):
            inner = typing.get_args(t)[:1] if typing.get_origin(t) in (list, tuple) else (t,)
            for m in inner:
                if isinstance(m, type) and issubclass(m, BaseModel) and key in allowed_keys(m):
                    return f"'{key}' is a key of '{info.alias or name}', not of this mapping"
    return ""


_SHAPE_ERRORS = {"model_type", "model_attributes_type", "dict_type", "tuple_type", "list_type", "sequence_str",
                 "string_type", "int_type", "float_type", "bool_type", "bool_parsing", "int_parsing",
                 "float_parsing", "date_type", "enum", "frozen_set_type", "set_type", "dataclass_type"}  # fmt: skip


_CODE_BY_TYPE = {
    "missing": "missing",
    "extra_forbidden": "unknown-key",
    "enum": "unknown-value",
    "literal_error": "unknown-value",
    "date_from_datetime_parsing": "bad-date",
    "date_parsing": "bad-date",
    "date_type": "bad-date",
}


def validation_diagnostics(
    error: ValidationError,
    doc: YamlDocument,
    model: type[BaseModel],
    base: Loc = (),
    context: Callable[[Loc], tuple[str, Loc]] | None = None,
) -> list[Diagnostic]:
    """Turn a pydantic error into diagnostics placed on the YAML nodes they concern.

    ``base`` is the path of the validated object inside the file; ``context`` may split a full
    path into a readable prefix (``rule dprk.oil.refined-cap``) and the path within that object.
    """
    out: list[Diagnostic] = []
    errors = error.errors(include_url=False)
    locs = [tuple(e["loc"]) for e in errors]
    for err in errors:
        here = tuple(err["loc"])
        if err["type"] == "too_short" and any(other[: len(here)] == here and other != here for other in locs):
            continue  # a container "too short" only because its items failed: the item errors say why
        loc: Loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and "[" in p and "]" in p))
        full = base + loc
        etype = err["type"]
        code = _CODE_BY_TYPE.get(etype, "bad-value")
        message = err["msg"]
        hint = ""
        if etype == "missing":
            message = "field required"
        elif etype == "extra_forbidden":
            parent = _model_at(model, loc[:-1])
            key = str(loc[-1])
            keys = allowed_keys(parent) if parent else []
            message = f"unknown key '{key}'" + (f"; expected one of {', '.join(keys)}" if keys else "")
            hint = _belongs_under(parent, key) or did_you_mean(key, keys, cutoff=0.7)
        elif etype in ("enum", "literal_error"):
            expected = str(err.get("ctx", {}).get("expected", ""))
            choices = [c.strip(" '") for c in expected.replace(" or ", ", ").split(",") if c.strip()]
            got = err.get("input")
            message = f"unknown value '{got}'; expected one of {', '.join(choices)}"
            hint = did_you_mean(str(got), choices)
        elif code == "bad-date":
            message = f"'{err.get('input')}' is not a date; expected YYYY-MM-DD (a real calendar day)"
        elif etype == "value_error":
            message = message.removeprefix("Value error, ")
        elif etype in ("finite_number", "float_type") and isinstance(err.get("input"), (int, float, str)):
            shown = str(err.get("input"))
            shown = shown if len(shown) <= 40 else f"{shown[:20]}...({len(shown):,} characters)"
            message = f"'{shown}' is not a finite number; give the amount in ordinary digits"
        elif etype in _BOUNDS:
            message = _bound_message(etype, err.get("ctx", {}), err.get("input"))
        elif etype in _SHAPE_ERRORS:
            wanted = [describe_type(a) for a in _annotations_at(model, loc)]
            if wanted and etype not in ("int_parsing", "float_parsing", "bool_parsing"):
                message = f"expected {' or '.join(dict.fromkeys(wanted))}; got {_got(err.get('input'))}"
            else:
                message = f"{_lower(message.removeprefix('Input should be '))}; got {_got(err.get('input'))}"
                message = "expected " + message
        else:
            got = err.get("input")
            message = _lower(message) + ("" if isinstance(got, (dict, list)) else f" (got {_got(got)})")
        prefix, inner = context(full) if context else ("", full)
        out.append(Diagnostic(doc.location(full), code, message, path=format_loc(inner), context=prefix, hint=hint))
    return out


#: What a pattern asks for, in words (the patterns of the scenario and rule formats).
PATTERN_WORDS = {
    r"^[A-Za-z0-9][A-Za-z0-9._-]*$": "an id of letters, digits, '.', '_' and '-', starting with a letter or digit",
    r"^[0-9a-f]{64}$": "a SHA-256: 64 lower-case hexadecimal digits",
    r"^\d{7}$": "an IMO number: seven digits",
    r"^KP[ie]\.\d{3}$": "a UN list reference such as KPe.020 or KPi.033",
    r"^USD$": "USD (values are compared in US dollars)",
    r"^(per-item|total)$": "per-item or total",
    r"^\d{4}-(0[1-9]|1[0-2])$": "a month as YYYY-MM (01 to 12)",
    r"^(V|B|\?|V\?|VB|VB\?|B\?|-)$": "a reference tag: V, B, ?, V?, VB, VB?, B? or -",
    r"^([A-Z]{2}|unknown)$": "a two-letter ISO country code in capitals (KP, CN), or unknown",
    r"^[A-Z]{2}$": "a two-letter ISO country code in capitals (KP, CN)",
    r"^(\d{4}) OP(\d+)$": "a paragraph such as 2397 OP7 (resolution number, OP, paragraph number)",
    r"^(all-suppliers|per-supplier)$": "all-suppliers or per-supplier",
    r"^(supplier|recipient)$": "supplier or recipient",
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$": "a name of lower-case letters and digits joined by '-'",
    r"^[a-z0-9]+(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)+$": "a dotted rule id such as dprk.oil.refined-petroleum",
    r"^\d{2}-\d{2}$": "a day of the year as MM-DD",
}

_BOUNDS = {"greater_than_equal", "greater_than", "less_than_equal", "less_than", "too_short", "too_long",
           "string_too_short", "string_too_long", "string_pattern_mismatch"}  # fmt: skip


def _num(value: Any) -> str:
    return f"{value:g}" if isinstance(value, (int, float)) else str(value)


def _bound_message(etype: str, ctx: dict[str, Any], got: Any) -> str:
    shown = _got(got)
    if etype == "greater_than_equal":
        return f"expected a number of at least {_num(ctx.get('ge'))}; got {shown}"
    if etype == "greater_than":
        return f"expected a number above {_num(ctx.get('gt'))}; got {shown}"
    if etype == "less_than_equal":
        return f"expected a number of at most {_num(ctx.get('le'))}; got {shown}"
    if etype == "less_than":
        return f"expected a number below {_num(ctx.get('lt'))}; got {shown}"
    if etype == "too_short":
        n = int(ctx.get("min_length", 1))
        return f"expected at least {n} item{'s' if n != 1 else ''}; got {ctx.get('actual_length', 'fewer')}"
    if etype == "too_long":
        n = int(ctx.get("max_length", 0))
        return f"expected at most {n} item{'s' if n != 1 else ''}; got {ctx.get('actual_length', 'more')}"
    if etype == "string_too_short":
        n = int(ctx.get("min_length", 1))
        return f"expected at least {n} character{'s' if n != 1 else ''}; got {shown}"
    if etype == "string_too_long":
        n = int(ctx.get("max_length", 0))
        length = f"{len(got):,} characters" if isinstance(got, str) else shown
        return f"expected at most {n:,} characters; got {length}"
    pattern = str(ctx.get("pattern", ""))
    return f"expected {PATTERN_WORDS.get(pattern, f'a text matching {pattern}')}; got {shown}"


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def validate(
    model: type[BaseModel],
    data: Any,
    doc: YamlDocument,
    base: Loc = (),
    context: Callable[[Loc], tuple[str, Loc]] | None = None,
    extra: dict[str, Any] | None = None,
) -> tuple[Any, list[Diagnostic]]:
    """Validate ``data`` as ``model``; return the object or None with its diagnostics."""
    try:
        return model.model_validate(data, context=extra), []
    except ValidationError as exc:
        return None, validation_diagnostics(exc, doc, model, base, context)


__all__ = [
    "YamlDocument",
    "display_path",
    "format_loc",
    "load_yaml",
    "parse_yaml",
    "validate",
    "validation_diagnostics",
]
