"""Match signatures: the part of an event's fact that any rule can tell apart.

Two rows with the same signature are matched by the same rules, versions and variants, and get
the same findings, except a cap's running total, which is summed row by row. The signature is the
event's durable-rules fact (:func:`~sanctionsengine.compile.event_fact`) with what no rule can
see taken out and what rules compare reduced to the comparisons' outcomes:

- dates (``d0``, ``d1``) and values become their position among every constant the compiled
  conditions or the rule versions compare them with (two days between the same two constants
  pass and fail the same tests);
- a country becomes itself if some condition names it (the DPRK), and ``*`` otherwise;
- HS-code and group keys are kept only if a condition tests them;
- the row's own identifiers (id, index) are dropped.

Everything else the fact holds (kinds, flags, list-screening keys, whether the quantity and value
are known) is kept as it is. The judge's Python side reads no other fact of a row without a cap.
"""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from ..compile import CompiledRulebook
from ..rulebook import Rulebook

_COMPARE = {"$gt", "$gte", "$lt", "$lte"}
_DROP = {"id", "sid", "ix"}
_NUMERIC = {"d0", "d1", "value_usd", "value_total_usd"}


def _terms(cond: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for binding in cond["all"]:
        for expr in binding.values():
            yield from expr["$and"] if set(expr) == {"$and"} else [expr]


class SignatureSpec:
    """What the compiled rulebook can distinguish, read from its conditions and versions."""

    def __init__(self, book: Rulebook, compiled: CompiledRulebook):
        points: dict[str, set[float]] = {f: set() for f in _NUMERIC}
        countries: dict[str, set[str]] = {"from": set(), "to": set()}
        keys: set[str] = set()
        for cond in compiled.conditions.values():
            for term in _terms(cond):
                ((op, arg),) = term.items()
                if op in _COMPARE and isinstance(arg, dict):
                    for field, value in arg.items():
                        if field in points and isinstance(value, (int, float)):
                            points[field].add(float(value))
                elif op in ("$ex", "$nex") and isinstance(arg, dict):
                    keys.update(arg)
                elif not op.startswith("$"):
                    keys.add(op)
                    if op in countries and isinstance(arg, str):
                        countries[op].add(arg)
        days: set[float] = set()
        for rule in book.rules:
            for v in rule.versions:
                for d in (v.in_force_from, v.in_force_until, v.enacted_on, v.repealed):
                    if d is not None:
                        days.update(float((d + timedelta(days=k)).toordinal()) for k in (-1, 0, 1))
        days.add(float(book.regime.in_force_from.toordinal()))
        points["d0"] |= days
        points["d1"] |= days
        self.points = {f: sorted(p) for f, p in points.items()}
        self.countries = countries
        self.keys = keys

    def of(self, fact: dict[str, Any]) -> str:
        out: list[tuple[str, Any]] = []
        for k, v in fact.items():
            if k in _DROP:
                continue
            if k in self.points:
                p = self.points[k]
                out.append((k, (bisect_left(p, v), bisect_right(p, v))))
            elif k in self.countries:
                out.append((k, v if (v in self.countries[k] or v == "") else "*"))
            elif k.startswith(("hs_", "g_")):
                if k in self.keys:
                    out.append((k, v))
            else:
                out.append((k, v))
        return json.dumps(sorted(out), separators=(",", ":"))
