"""Commodities: HS codes, named groups of them, and the HS nomenclature when one is loaded.

Rules name commodities by group (``luxury-automobiles``, ``refined-petroleum``) so that a
lawyer reviews one list per annex item, in ``rules/<regime>/commodities/``. A group holds HS
codes (chapter, heading or subheading), may include other groups, may exclude codes, and may
carry a value threshold ("rugs valued above US$500"). An analyst can tag an event with a group
id as a category when the HS code is not known.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .vocabulary import Status

_HS = re.compile(r"^[0-9]{2}(?:[0-9]{2}){0,4}$")
GROUP_ID = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


def normalize_hs(code: str) -> str:
    """``8703.23`` → ``870323``; raises ValueError on anything that is not an HS-shaped code."""
    compact = re.sub(r"[.\s]", "", str(code))
    if not _HS.match(compact):
        raise ValueError(
            f"'{code}' is not an HS code; expected 2, 4 or 6 digits (chapter, heading, subheading), "
            "optionally national digits after them, e.g. 87, 8703, 8703.23"
        )
    return compact


def hs_prefixes(code: str) -> list[str]:
    """The chapter, heading and subheading a code belongs to: ``870323`` → 87, 8703, 870323."""
    c = normalize_hs(code)[:6]
    return [c[:n] for n in (2, 4, 6) if len(c) >= n]


class CommodityGroup(BaseModel):
    """A named set of goods or activities that rules refer to."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=GROUP_ID)
    title: str
    description: str | None = None
    hs: tuple[str, ...] = ()
    exclude_hs: tuple[str, ...] = ()
    includes: tuple[str, ...] = ()
    min_value_usd: float | None = Field(default=None, gt=0, description="Only goods valued above this")
    source: str
    status: Status = Field(description="verified against the text, or believed: always said, never assumed")
    note: str | None = None

    @field_validator("hs", "exclude_hs")
    @classmethod
    def _codes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        out = []
        for code in value:
            c = normalize_hs(code)
            if len(c) > 6:
                raise ValueError(f"'{code}': rules use HS chapters, headings or subheadings (2, 4 or 6 digits)")
            out.append(c)
        return tuple(out)


class GroupIndex:
    """Groups by id with their transitive contents, used to classify events and compile rules."""

    def __init__(self, groups: Iterable[CommodityGroup]):
        self.groups: dict[str, CommodityGroup] = {g.id: g for g in groups}
        self._members: dict[str, list[CommodityGroup]] = {}
        self._covering: dict[tuple[tuple[str, ...], frozenset[str]], list[str]] = {}

    def __contains__(self, group_id: str) -> bool:
        return group_id in self.groups

    def members(self, group_id: str) -> list[CommodityGroup]:
        """The group and every group it includes, transitively, in a stable order."""
        cached = self._members.get(group_id)
        if cached is not None:
            return cached
        seen: dict[str, CommodityGroup] = {}
        stack = [group_id]
        while stack:
            gid = stack.pop(0)
            if gid in seen or gid not in self.groups:
                continue
            seen[gid] = self.groups[gid]
            stack.extend(self.groups[gid].includes)
        self._members[group_id] = list(seen.values())
        return self._members[group_id]

    def covering(self, hs_codes: Iterable[str], categories: Iterable[str]) -> list[str]:
        """Ids of the groups an item with these HS codes and category tags belongs to."""
        codes = tuple(normalize_hs(c)[:6] for c in hs_codes)
        tags = frozenset(categories)
        key = (codes, tags)
        cached = self._covering.get(key)
        if cached is not None:
            return list(cached)
        out = []
        for gid in sorted(self.groups):
            for member in self.members(gid):
                if member.id in tags or any(_in_group(c, member) for c in codes):
                    out.append(gid)
                    break
        self._covering[key] = out
        return list(out)

    def specificity(self, group_id: str, hs_codes: Iterable[str], categories: Iterable[str]) -> int:
        """How closely the group fits an item: 7 if its category is named, else the length of the
        longest HS code of the group the item falls under (2 for a whole chapter), 0 if none.

        Fish fits the seafood group (headings, 4) more closely than the food group (chapters, 2).
        """
        tags = set(categories)
        codes = [normalize_hs(c)[:6] for c in hs_codes]
        best = 0
        for member in self.members(group_id):
            if member.id in tags:
                return 7
            for code in codes:
                if _in_group(code, member):
                    best = max(best, max(len(h) for h in member.hs if code.startswith(h)))
        return best


def _in_group(code: str, group: CommodityGroup) -> bool:
    if any(code.startswith(x) for x in group.exclude_hs):
        return False
    return any(code.startswith(h) for h in group.hs)


class HsNomenclature:
    """HS descriptions by code, read at run time from the UN Comtrade-derived CSV tables.

    The nomenclature is not bundled: pass a directory holding ``harmonized-system.csv``
    (HS 2022) and optionally ``harmonized-system-2017.csv``.
    """

    FILES: ClassVar[dict[str, str]] = {"2022": "harmonized-system.csv", "2017": "harmonized-system-2017.csv"}

    def __init__(self, editions: dict[str, dict[str, str]]):
        self.editions = editions

    @classmethod
    def load(cls, directory: Path) -> HsNomenclature:
        editions: dict[str, dict[str, str]] = {}
        for edition, name in cls.FILES.items():
            path = directory / name
            if not path.exists():
                continue
            with path.open(encoding="utf-8-sig", newline="") as fh:
                editions[edition] = {
                    row["hscode"].strip(): row["description"].strip()
                    for row in csv.DictReader(fh)
                    if row.get("hscode") and row["hscode"].strip().isdigit()
                }
        if not editions:
            raise FileNotFoundError(f"no {' or '.join(cls.FILES.values())} in {directory}")
        return cls(editions)

    def describe(self, code: str) -> str | None:
        c = normalize_hs(code)[:6]
        for edition in ("2022", "2017"):
            if c in self.editions.get(edition, {}):
                return self.editions[edition][c]
        return None

    def editions_with(self, code: str) -> list[str]:
        c = normalize_hs(code)[:6]
        return [e for e, table in sorted(self.editions.items()) if c in table]
