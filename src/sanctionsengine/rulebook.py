"""Load a rulebook directory into one immutable, hashed :class:`Rulebook`.

A rulebook directory holds YAML files of four shapes, told apart by their top-level key:
``family``/``rules`` (a measure family), ``groups`` (commodity groups), ``regime`` (what the
rulebook governs) and ``resolutions`` (the table every citation is checked against), plus
``conversions`` (cited unit factors). Files are read in sorted order so the result, and its
content hash, never depend on the file system.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from .citations import Resolution
from .commodities import CommodityGroup, GroupIndex
from .coverage import CoverageEntry, CoverageFile
from .errors import Diagnostic, Diagnostics, InputError, SourceLocation
from .quantities import ConversionTable
from .rules import Regime, Rule, RuleFile, RuleVersion
from .yamlfile import Loc, YamlDocument, display_path, load_yaml, validate


class _GroupFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    groups: tuple[CommodityGroup, ...] = Field(min_length=1)


class _RegimeFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    regime: Regime


class _ResolutionFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    resolutions: tuple[Resolution, ...] = Field(min_length=1)


class _ConversionFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    conversions: tuple[ConversionTable, ...] = Field(min_length=1)


@dataclass(frozen=True)
class Placed:
    """Where an object sits in its file, so later checks can point at its lines."""

    doc: YamlDocument
    base: Loc

    def location(self, *sub: str | int) -> SourceLocation:
        return self.doc.location(self.base + tuple(sub))


@dataclass(frozen=True)
class RulesInForce:
    """The rulebook as it stood on one day: each rule with the version in force then."""

    day: date
    entries: tuple[tuple[Rule, RuleVersion], ...]

    def __iter__(self) -> Iterator[tuple[Rule, RuleVersion]]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)


@dataclass(frozen=True)
class Rulebook:
    root: str
    rules: tuple[Rule, ...]
    groups: GroupIndex
    regime: Regime
    resolutions: dict[int, Resolution]
    conversions: dict[str, ConversionTable]
    coverage: tuple[CoverageEntry, ...]
    files: tuple[str, ...]
    hash: str
    places: dict[str, Placed] = field(default_factory=dict, compare=False, repr=False)

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)

    def has_rule(self, rule_id: str) -> bool:
        return any(r.id == rule_id for r in self.rules)

    @property
    def families(self) -> list[str]:
        return sorted({r.family for r in self.rules})

    def as_of(self, day: date) -> RulesInForce:
        """Every rule in force on ``day``, with the version that applied then."""
        entries = []
        for r in self.rules:
            v = r.version_on(day)
            if v is not None:
                entries.append((r, v))
        return RulesInForce(day, tuple(entries))

    def exemptions_for(self, rule_id: str) -> list[Rule]:
        return [r for r in self.rules if rule_id in r.excepts]


def tree_hash(root: Path, files: list[Path]) -> str:
    """``sha256:`` over each file's relative path and the SHA-256 of its bytes, in sorted order.

    Re-derivable with standard tools: ``sha256sum`` each file, then hash the lines
    ``<relative path>\\0<hex digest>\\n`` in path order.
    """
    outer = hashlib.sha256()
    for path in files:
        rel = path.relative_to(root).as_posix()
        outer.update(rel.encode("utf-8") + b"\0" + hashlib.sha256(path.read_bytes()).hexdigest().encode() + b"\n")
    return "sha256:" + outer.hexdigest()


def rule_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.yaml") if p.is_file() and "tests" not in p.relative_to(root).parts)


def _rule_context(doc: YamlDocument) -> Any:
    def context(full: Loc) -> tuple[str, Loc]:
        if len(full) >= 2 and full[0] == "rules" and isinstance(full[1], int):
            try:
                rid = doc.data["rules"][full[1]]["id"]
            except (KeyError, IndexError, TypeError):
                rid = f"#{full[1] + 1}"
            return f"rule {rid}", full[2:]
        return "", full

    return context


T = TypeVar("T")


def _first_of_each(
    doc: YamlDocument,
    section: str,
    items: Sequence[T],
    key: Callable[[T], str],
    field_name: str,
    places: dict[str, Placed],
    diags: Diagnostics,
    duplicate: Callable[[T, str], str],
) -> list[T]:
    """The items of ``section`` whose key no earlier item has, each placed; a repeated key is a
    duplicate-id problem at its field, naming where the first one is."""
    kept = []
    for i, item in enumerate(items):
        k = key(item)
        if k in places:
            diags.add(
                Diagnostic(
                    doc.location((section, i, field_name)), "duplicate-id", duplicate(item, str(places[k].location()))
                )
            )
            continue
        places[k] = Placed(doc, (section, i))
        kept.append(item)
    return kept


class RulebookProblems(InputError):
    """The rulebook has problems; ``groups`` and ``exemptions`` are the ids its files name (read
    or not), so that scenarios can still be checked against it in the same pass."""

    def __init__(self, diagnostics: Diagnostics, groups: set[str], exemptions: set[str]):
        super().__init__(diagnostics)
        self.groups = sorted(groups)
        self.exemptions = sorted(exemptions)


def _raw_ids(data: dict[str, Any], groups: set[str], exemptions: set[str]) -> None:
    """The group ids and exemption-rule ids a file names, valid or not."""
    raw_groups, raw_rules = data.get("groups"), data.get("rules")
    for item in raw_groups if isinstance(raw_groups, list) else []:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            groups.add(item["id"])
    for item in raw_rules if isinstance(raw_rules, list) else []:
        if isinstance(item, dict) and isinstance(item.get("id"), str) and item.get("kind") in ("exemption", None):
            exemptions.add(item["id"])


def load_rulebook(root: Path | str) -> Rulebook:
    """Load, validate and check every file under ``root``; raise InputError with all problems."""
    from .checks import check_rulebook

    root = Path(root)
    diags = Diagnostics()
    if not root.is_dir():
        raise InputError(
            [
                Diagnostic(
                    SourceLocation(display_path(root)),
                    "file-not-found",
                    "rulebook directory not found; expected a directory of YAML rule files",
                )
            ]
        )
    files = rule_files(root)
    named_groups: set[str] = set()
    named_exemptions: set[str] = set()
    rules: list[Rule] = []
    groups: list[CommodityGroup] = []
    regimes: list[tuple[Regime, Placed]] = []
    resolutions: dict[int, Resolution] = {}
    conversions: dict[str, ConversionTable] = {}
    coverage: list[CoverageEntry] = []
    places: dict[str, Placed] = {}
    for path in files:
        try:
            doc = load_yaml(path)
        except InputError as exc:
            diags.extend(exc.diagnostics)
            continue
        data = doc.data
        if not isinstance(data, dict):
            diags.add(
                Diagnostic(
                    doc.location(()),
                    "bad-value",
                    "a rule file is a mapping with 'family' and 'rules' (or 'groups', 'regime', "
                    "'resolutions', 'conversions')",
                )
            )
            continue
        _raw_ids(data, named_groups, named_exemptions)
        if "rules" in data or "family" in data:
            family = data.get("family")
            prepared = dict(data)
            if isinstance(data.get("rules"), list):
                # a rule inherits its file's family; writing it again is allowed if it agrees
                prepared["rules"] = [
                    {"family": family, **r} if isinstance(r, dict) and "family" not in r else r for r in data["rules"]
                ]
            parsed, problems = validate(RuleFile, prepared, doc, context=_rule_context(doc))
            diags.extend(problems)
            if parsed is None:  # keep the rules that are valid, so the checks below see them too
                kept = []
                raw_rules = prepared.get("rules")
                for i, raw in enumerate(raw_rules if isinstance(raw_rules, list) else []):
                    one, _ = validate(Rule, raw, doc, base=("rules", i))
                    kept.append((i, one))
            else:
                kept = list(enumerate(parsed.rules))
            file_family = parsed.family if parsed is not None else family
            for i, rule in kept:
                if rule is None:
                    continue
                placed = Placed(doc, ("rules", i))
                if rule.family != file_family:
                    diags.add(
                        Diagnostic(
                            placed.location("family"),
                            "bad-value",
                            f"family '{rule.family}' differs from the file's family '{file_family}'",
                            context=f"rule {rule.id}",
                            path="family",
                        )
                    )
                if rule.id in places:
                    first = places[rule.id].location()
                    diags.add(
                        Diagnostic(
                            placed.location("id"),
                            "duplicate-id",
                            f"rule id '{rule.id}' is already defined at {first}",
                            context=f"rule {rule.id}",
                            path="id",
                        )
                    )
                    continue
                places[rule.id] = placed
                rules.append(rule)
        elif "groups" in data:
            parsed, problems = validate(_GroupFile, data, doc)
            diags.extend(problems)
            if parsed is not None:
                groups += _first_of_each(
                    doc, "groups", parsed.groups, lambda g: f"group:{g.id}", "id", places, diags,
                    lambda g, at: f"commodity group '{g.id}' is already defined at {at}",
                )  # fmt: skip
        elif "regime" in data:
            parsed, problems = validate(_RegimeFile, data, doc)
            diags.extend(problems)
            if parsed is not None:
                regimes.append((parsed.regime, Placed(doc, ("regime",))))
                places["regime"] = Placed(doc, ("regime",))
        elif "resolutions" in data:
            parsed, problems = validate(_ResolutionFile, data, doc)
            diags.extend(problems)
            if parsed is not None:
                for i, res in enumerate(parsed.resolutions):
                    if res.number in resolutions:
                        diags.add(
                            Diagnostic(
                                doc.location(("resolutions", i, "number")),
                                "duplicate-id",
                                f"resolution {res.number} is listed twice",
                            )
                        )
                    resolutions[res.number] = res
                    places[f"resolution:{res.number}"] = Placed(doc, ("resolutions", i))
        elif "coverage" in data:
            parsed, problems = validate(CoverageFile, data, doc)
            diags.extend(problems)
            if parsed is not None:
                coverage += _first_of_each(
                    doc, "coverage", parsed.coverage, lambda e: f"coverage:{e.paragraph}", "paragraph", places, diags,
                    lambda e, at: f"paragraph {e.paragraph} is already listed at {at}",
                )  # fmt: skip
        elif "conversions" in data:
            parsed, problems = validate(_ConversionFile, data, doc)
            diags.extend(problems)
            if parsed is not None:
                for i, table in enumerate(parsed.conversions):
                    conversions[table.id] = table
                    places[f"conversion:{table.id}"] = Placed(doc, ("conversions", i))
        else:
            keys = ", ".join(sorted(map(str, data))) or "nothing"
            diags.add(
                Diagnostic(
                    doc.location(()),
                    "unknown-key",
                    f"cannot tell what this file holds (top-level keys: {keys}); expected "
                    "'family' and 'rules', 'groups', 'regime', 'resolutions', 'conversions' or 'coverage'",
                )
            )
    rel_root = display_path(root)
    if not regimes and not diags:
        diags.add(
            Diagnostic(
                SourceLocation(rel_root),
                "missing",
                "no regime file: one YAML file must have a top-level 'regime' mapping",
            )
        )
    if len(regimes) > 1:
        for _, placed in regimes[1:]:
            diags.add(Diagnostic(placed.location(), "duplicate-id", "a rulebook has exactly one regime"))
    if not rules and not diags:
        diags.add(Diagnostic(SourceLocation(rel_root), "missing", "no rules found under this directory"))
    if diags and (not regimes or not rules):
        raise RulebookProblems(diags, named_groups, named_exemptions)
    book = Rulebook(
        root=rel_root,
        rules=tuple(sorted(rules, key=lambda r: r.id)),
        groups=GroupIndex(groups),
        regime=regimes[0][0],
        resolutions=dict(sorted(resolutions.items())),
        conversions=dict(sorted(conversions.items())),
        coverage=tuple(sorted(coverage, key=lambda e: e.key)),
        files=tuple(p.relative_to(root).as_posix() for p in files),
        hash=tree_hash(root, files),
        places=places,
    )
    # one pass: the checks across files run even when some file had problems, on what could be read
    # (a file with problems may hide rules or groups: then only the checks of each rule by itself)
    diags.extend(check_rulebook(book, partial=bool(diags)))
    if diags:
        raise RulebookProblems(diags, named_groups, named_exemptions)
    return book


def bundled_rules_path() -> Path:
    """The rulebook shipped with the package (or, in a source checkout, the repository's)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "rules", here.parent.parent / "rules"):
        if (candidate / "un-dprk").is_dir():
            return candidate / "un-dprk"
    raise InputError(
        [
            Diagnostic(
                SourceLocation(str(here / "rules")),
                "file-not-found",
                "the bundled rulebook is missing from this installation; pass --rules DIR",
            )
        ]
    )
