"""Safe YAML with positions, and pydantic errors mapped back to ``file:line:col``.

PyYAML's loaders forget where values came from and silently keep the last of two equal keys.
Here a file is composed into nodes first, so that every value keeps its line and column, a
repeated key is a diagnostic, and dates stay text until pydantic parses them (YAML would turn
``2017-12-22`` into a ``date`` and ``2017-13-01`` into a string, which hides typos).
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from .errors import Diagnostic, InputError, SourceLocation, did_you_mean

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


class _Composer:
    def __init__(self, file: str) -> None:
        self.file = file
        self.positions: dict[Loc, tuple[int, int]] = {}
        self.problems: list[Diagnostic] = []
        self._constructor = yaml.SafeLoader("")

    def build(self, node: yaml.Node, path: Loc, mark: yaml.Mark | None = None) -> Any:
        where = mark or node.start_mark
        self.positions[path] = (where.line + 1, where.column + 1)
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
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        return self._scalar(node)

    def _scalar(self, node: yaml.Node) -> Any:
        if node.tag == _TIMESTAMP:
            return node.value  # keep dates as text; the models parse and check them
        return self._constructor.construct_object(node, deep=True)

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


def parse_yaml(text: str, file: str) -> YamlDocument:
    """Parse YAML text; raise :class:`InputError` with every problem found."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = (exc.problem or "invalid YAML").strip()
        if exc.context:
            problem = f"{exc.context.strip()}: {problem}"
        raise InputError([Diagnostic(SourceLocation(file, line, col), "yaml-syntax", problem)]) from None
    except yaml.YAMLError as exc:  # e.g. a reader error on bad characters
        raise InputError([Diagnostic(SourceLocation(file, 1, 1), "yaml-syntax", str(exc))]) from None
    composer = _Composer(file)
    data = composer.build(node, ()) if node is not None else None
    if composer.problems:
        raise InputError(composer.problems)
    return YamlDocument(file=file, data=data, positions=composer.positions, text=text)


def read_text(path: Path, display: str | None = None) -> tuple[str, bytes, str]:
    """Read a UTF-8 file: (text, raw bytes, display name); problems become InputError."""
    name = display or display_path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError([Diagnostic(SourceLocation(name), "file-not-found", "no such file")]) from None
    except IsADirectoryError:
        raise InputError([Diagnostic(SourceLocation(name), "bad-file", "is a directory; expected a file")]) from None
    except OSError as exc:
        raise InputError([Diagnostic(SourceLocation(name), "bad-file", exc.strerror or str(exc))]) from None
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
            hint = did_you_mean(key, keys)
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
        else:
            got = err.get("input")
            if not isinstance(got, (dict, list)):
                message = f"{message[0].lower()}{message[1:]} (got {got!r})"
        prefix, inner = context(full) if context else ("", full)
        out.append(Diagnostic(doc.location(full), code, message, path=format_loc(inner), context=prefix, hint=hint))
    return out


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
