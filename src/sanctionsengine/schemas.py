"""The input formats, from their pydantic models: JSON Schemas for editors, and the scenario reference.

- :func:`scenario_schema` and :func:`rule_schema` give the JSON Schemas of scenario files and of
  rule files (``docs/scenario.schema.json``, ``docs/rule.schema.json``), so that an editor with
  yaml-language-server completes and checks a file as it is typed;
- :func:`scenario_reference` renders ``docs/scenario.md`` from the same schema: every field of
  every part of a scenario, whether it is required, its allowed values, units and examples, and
  what the facts an analyst may leave open do to the verdict (:data:`KNOWLEDGE`).

All three are generated (``sanctionsengine generate``) and a test fails when a committed copy is
stale, so the reference cannot drift from the models that validate the files.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model
from pydantic.json_schema import models_json_schema

from .citations import Resolution
from .commodities import CommodityGroup
from .coverage import CoverageEntry
from .knowledge import KNOWLEDGE
from .quantities import ConversionTable, Qualifier
from .rules import Regime, RuleFile
from .scenario import Scenario
from .vocabulary import (
    CONFIDENCE_MEANING,
    COUNTABLE_UNITS,
    EVENT_KIND_MEANING,
    FLAG_MEANING,
    PARTY_TYPE_MEANING,
    UNIT_ALIASES,
    Unit,
)

SCHEMA_BASE = "https://github.com/sanctionsengine/sanctionsengine/docs/"
# yaml-language-server reads JSON Schema draft 7 and below; pydantic's output uses nothing later
# (its "$defs" are reached by JSON pointer, which draft 7 resolves like any other location).
DRAFT = "http://json-schema.org/draft-07/schema#"

QUALIFIER_MEANING: dict[Qualifier, str] = {
    Qualifier.EXACT: "the amount as reported",
    Qualifier.APPROXIMATELY: "about that amount; counted as given",
    Qualifier.AT_LEAST: "a lower bound: counted as the least it can be; a cap it crosses is crossed",
    Qualifier.AT_MOST: "an upper bound: an excess that rests on it is only a potential violation",
}

UNIT_MEANING: dict[Unit, str] = {
    Unit.BARREL: "oil barrel (159 litres); the refined-petroleum cap's unit",
    Unit.TONNE: "metric tonne (1,000 kg); write 'tonne', not the ambiguous 'ton'",
    Unit.KILOLITRE: "1,000 litres",
    Unit.LITRE: "litre",
    Unit.CUBIC_METRE: "cubic metre (1,000 litres)",
    Unit.KILOGRAM: "kilogram",
    Unit.CONTAINER: "shipping container (a count, not a volume)",
    Unit.PIECE: "one item (a count)",
    Unit.ITEM: "one item (a count)",
    Unit.BOTTLE: "one bottle (a count)",
    Unit.VEHICLE: "one vehicle, car or truck (a count)",
    Unit.VESSEL: "one ship (a count)",
    Unit.PERSON: "one person (workers, trainees)",
    Unit.VOYAGE: "one voyage",
    Unit.USD: "US dollars",
}

#: Complete events, each shown in docs/scenario.md and validated by the tests.
EXAMPLES: tuple[tuple[str, str], ...] = (
    (
        "A ship-to-ship transfer, one side unnamed",
        """\
- id: sts-2019-05
  title: Diesel passed to a DPRK tanker at sea
  kind: transfer
  date: 2019-05-01
  supplier: {country: unknown, name: Unknown trader}
  recipient: {country: KP}
  commodity: {description: diesel, hs: ["271019"]}
  quantity: {value: 1000, unit: barrel}
  flags: [ship-to-ship]
  vessels:
    - {name: Chon Ma San, imo: "8660313", flag: KP, role: receiving vessel}
    - {role: delivering vessel, note: AIS off during the transfer}
  evidence:
    - {source: panel, quote: the transfer, claimed_by: the Panel of Experts, confidence: confirmed}
""",
    ),
    (
        "Suspected goods on an approximate date, quantity at least",
        """\
- id: crude-autumn-2017
  title: Suspected crude oil to the DPRK
  kind: transfer
  sometime: {around: 2017-10-15, days: 15}
  date_note: '"mid-October" in the report'
  supplier: {country: CN}
  recipient: {country: KP, name: Korea Oil Trading, type: entity}
  commodity: {description: suspected crude oil, hs: ["2709"], suspected: true}
  quantity: {value: 100000, unit: tonne, qualifier: at-least}
  evidence:
    - {source: panel, quote: suspected crude, claimed_by: the Panel of Experts, confidence: alleged}
""",
    ),
    (
        "Luxury goods counted in items, with a total value",
        """\
- id: cognac-2018
  title: Cognac shipped to Pyongyang
  kind: transfer
  sometime: {year: 2018}
  supplier: {country: FR}
  recipient: {country: KP}
  commodity: {description: cognac, hs: ["2208"], categories: [luxury-goods]}
  quantity: {value: 120, unit: bottles}
  value: {amount: 24000, currency: USD, basis: total}
  evidence:
    - {source: panel, quote: 120 bottles, claimed_by: the Panel of Experts, confidence: reported}
""",
    ),
    (
        "Several times the cap",
        """\
- id: refined-2024
  title: Refined petroleum far above the cap
  kind: transfer
  period: {from: 2024-03-01, to: 2024-11-05}
  supplier: {country: RU}
  recipient: {country: KP}
  commodity: {description: refined petroleum products, hs: ["2710"]}
  quantity: {times_cap: 2, qualifier: at-least, note: "several times the cap"}
  evidence:
    - {source: panel, quote: far in excess of the cap, claimed_by: the MSMT, confidence: reported}
""",
    ),
    (
        "An exemption claimed, with its support",
        """\
- id: aid-2019
  title: Humanitarian equipment under a Committee exemption
  kind: transfer
  date: 2019-03-01
  supplier: {country: SE, name: An aid organisation, type: entity}
  recipient: {country: KP}
  commodity: {description: water pumps, hs: ["8413"]}
  quantity: {value: 20, unit: item}
  flags: [humanitarian]
  exemptions:
    - rule: dprk.exemption.committee-humanitarian
      reference: "1718 Committee exemption of 2019-02-15"
      evidence:
        - {source: panel, quote: exemption granted, claimed_by: the 1718 Committee, confidence: confirmed}
  evidence:
    - {source: panel, quote: water pumps, claimed_by: the Panel of Experts, confidence: reported}
""",
    ),
)


def _enum_meanings(defs: dict[str, Any]) -> None:
    """Give each closed word list its meanings, so an editor shows them beside the values."""
    tables: dict[str, dict[str, str]] = {
        "EventKind": {k.value: m for k, m in EVENT_KIND_MEANING.items()},
        "Flag": {k.value: m for k, m in FLAG_MEANING.items()},
        "Confidence": {k.value: m for k, m in CONFIDENCE_MEANING.items()},
        "PartyType": {k.value: m for k, m in PARTY_TYPE_MEANING.items()},
        "Qualifier": {k.value: m for k, m in QUALIFIER_MEANING.items()},
        "Unit": {k.value: m for k, m in UNIT_MEANING.items()},
    }
    for name, meanings in tables.items():
        if name in defs and "enum" in defs[name]:
            values = defs[name]["enum"]
            defs[name]["enumDescriptions"] = [meanings.get(v, "") for v in values]
            defs[name]["description"] = "; ".join(f"{v}: {meanings.get(v, '')}" for v in values)


def _finish(schema: dict[str, Any], name: str, title: str) -> str:
    schema["$schema"] = DRAFT
    schema["$id"] = SCHEMA_BASE + name
    schema["title"] = title
    _enum_meanings(schema.get("$defs", {}))
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def scenario_schema_dict() -> dict[str, Any]:
    return Scenario.model_json_schema(mode="validation")


def scenario_schema() -> str:
    return _finish(scenario_schema_dict(), "scenario.schema.json", "sanctionsengine scenario file")


def _file_model(name: str, key: str, item: type[BaseModel], description: str) -> type[BaseModel]:
    field = (tuple[item, ...], Field(min_length=1, description=description))  # type: ignore[valid-type]
    return create_model(name, __config__=ConfigDict(extra="forbid"), **{key: field})  # type: ignore[call-overload, no-any-return]


def rule_schema() -> str:
    """Any file of a rulebook: a measure family, commodity groups, the regime, resolutions,
    conversions or coverage, each with its own top-level key."""
    regime = create_model(
        "RegimeFile",
        __config__=ConfigDict(extra="forbid"),
        regime=(Regime, Field(description="Which events the rulebook governs at all")),
    )
    models: list[type[BaseModel]] = [
        RuleFile,
        _file_model("CommodityGroupsFile", "groups", CommodityGroup, "Commodity groups rules and scenarios name"),
        regime,
        _file_model("ResolutionsFile", "resolutions", Resolution, "The resolutions citations are checked against"),
        _file_model("ConversionsFile", "conversions", ConversionTable, "Product-specific unit conversions"),
        _file_model("CoverageFile", "coverage", CoverageEntry, "Every paragraph, and whether a rule encodes it"),
    ]
    refs, top = models_json_schema([(m, "validation") for m in models], ref_template="#/$defs/{model}")
    defs = top.get("$defs", {})
    rule = defs.get("Rule", {})
    if "family" in rule.get("required", []):  # a rule inherits its file's family (rulebook.py)
        rule["required"] = [r for r in rule["required"] if r != "family"]
    schema: dict[str, Any] = {
        "description": "A rulebook file (rules/<regime>/*.yaml): a measure family ('family' and 'rules'), "
        "commodity groups, the regime, resolutions, conversions or coverage.",
        "anyOf": [refs[(m, "validation")] for m in models],
        "$defs": defs,
    }
    return _finish(schema, "rule.schema.json", "sanctionsengine rule file")


# --- the reference ---------------------------------------------------------------------------------


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    return schema["$defs"][ref.rsplit("/", 1)[1]] if ref else node


def _type_text(node: dict[str, Any], schema: dict[str, Any]) -> str:
    """A field's type in words, linking nested parts and closed lists to their sections (a short
    closed list is also spelt out)."""
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[1]
        values = schema["$defs"][name].get("enum", [])
        link = f"[{name}](#{name.lower()})"
        return f"{link}: one of " + ", ".join(f"`{v}`" for v in values) if 0 < len(values) <= 6 else link
    if "anyOf" in node:
        parts = [_type_text(n, schema) for n in node["anyOf"] if n.get("type") != "null"]
        return " or ".join(parts)
    kind = node.get("type")
    if kind == "array":
        return "list of " + _type_text(node.get("items", {}), schema)
    if kind == "string" and node.get("format") == "date":
        return "date (YYYY-MM-DD)"
    words = {"string": "text", "number": "number", "integer": "whole number", "boolean": "true or false"}
    return words.get(str(kind), str(kind))


def _constraints(node: dict[str, Any]) -> str:
    out = []
    for n in [node, *node.get("anyOf", [])]:
        if "pattern" in n:
            out.append(f"pattern `{n['pattern']}`")
        for key, word in (("minimum", "≥"), ("exclusiveMinimum", ">"), ("maximum", "≤")):
            if key in n:
                out.append(f"{word} {n[key]}")
        if "minItems" in n:
            out.append(f"at least {n['minItems']}")
        if "maxLength" in n:
            out.append(f"at most {n['maxLength']} characters")
    return "; ".join(out)


def _prose(text: str) -> str:
    """A docstring or description as one Markdown line (reStructuredText ``code`` as `code`)."""
    return " ".join(str(text).split()).replace("``", "`")


def _cell(text: str) -> str:
    return _prose(text).replace("|", "\\|")


def _model_section(schema: dict[str, Any], name: str, node: dict[str, Any]) -> list[str]:
    out = [f"### {name}\n"]
    if node.get("description"):
        out.append(_prose(node["description"]) + "\n")
    required = set(node.get("required", []))
    rows = []
    for field, prop in node.get("properties", {}).items():
        need = "**required**" if field in required else "optional"
        default = prop.get("default")
        if field not in required and default not in (None, [], ""):
            need += f" (default `{json.dumps(default)}`)"
        detail = _constraints(prop)
        meaning = prop.get("description") or _resolve(schema, prop).get("description", "")
        meaning = meaning + (f" ({detail})" if detail else "")
        rows.append(f"| `{field}` | {_cell(_type_text(prop, schema))} | {need} | {_cell(meaning)} |\n")
    out.append("| Field | Type | Required | Meaning |\n|---|---|---|---|\n" + "".join(rows))
    return out


def _order(schema: dict[str, Any]) -> list[str]:
    """Models in reading order: the file first, then each part where it is first used."""
    seen: list[str] = []

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if ref:
                name = ref.rsplit("/", 1)[1]
                if name not in seen:
                    seen.append(name)
                    visit(schema["$defs"][name])
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(schema.get("properties", {}))
    return seen


def scenario_reference() -> str:
    from .generate import HEADER

    schema = scenario_schema_dict()
    _enum_meanings(schema["$defs"])
    out = [HEADER, "# The scenario format\n"]
    out.append(
        "A scenario file turns a report (a news article, a Panel of Experts finding) into dated events\n"
        "with their evidence. This reference is generated from the pydantic models that validate the\n"
        "files (`sanctionsengine.scenario`), as is the JSON Schema `docs/scenario.schema.json`, which\n"
        "editors use to complete and check a scenario as it is typed (see the README). A file that\n"
        "breaks a rule below gets one `file:line:col: code: message` line per problem (docs/errors.md).\n"
    )
    out.append("## A scenario file\n")
    out.extend(_model_section(schema, "Scenario", schema)[1:])
    out.append("## What analysts know, and what it does to the verdict\n")
    out.append(
        "Reports rarely give every fact a rule would like. Say what is known, and no more: each gap\n"
        "below has one effect on the verdict, and the report lists it under the event as what the\n"
        "report leaves open.\n"
    )
    out.append(
        "| What the report says | Write | Effect on the verdict |\n|---|---|---|\n"
        + "".join(f"| {_cell(a)} | `{_cell(b)}` | {_cell(c)} |\n" for a, b, c in KNOWLEDGE)
    )
    out.append("## The parts of a scenario\n")
    for name in _order(schema):
        node = schema["$defs"][name]
        if "enum" in node:
            continue
        out.extend(_model_section(schema, name, node))
    out.append("## Closed lists\n")
    out.append("A value outside these lists is an input error with a suggestion.\n")
    for name in _order(schema):
        node = schema["$defs"][name]
        if "enum" not in node:
            continue
        out.append(f"### {name}\n")
        rows = "".join(
            f"| `{v}` | {_cell(d)} |\n" for v, d in zip(node["enum"], node.get("enumDescriptions", []), strict=False)
        )
        out.append("| Value | Meaning |\n|---|---|\n" + rows)
        if name == "Unit":
            aliases: dict[str, list[str]] = {}
            for alias, unit in sorted(UNIT_ALIASES.items()):
                aliases.setdefault(unit.value, []).append(f"`{alias}`")
            out.append(
                "Also accepted (written as the unit on the left): "
                + "; ".join(f"{u}: {', '.join(a)}" for u, a in sorted(aliases.items()))
                + ". Counts of items, which give a value per item: "
                + ", ".join(f"`{u.value}`" for u in sorted(COUNTABLE_UNITS))
                + ". Values are in US dollars (`value.currency: USD`).\n"
            )
    out.append("## Examples\n")
    out.append("Each is one entry of `events:`; the tests load every example here (with a source `panel`).\n")
    for title, text in EXAMPLES:
        out.append(f"### {title}\n")
        out.append(f"```yaml\n{text}```\n")
    return "\n".join(out)


__all__ = ["EXAMPLES", "KNOWLEDGE", "rule_schema", "scenario_reference", "scenario_schema"]
