"""Caps: quantities summed over a window, across all suppliers, against a ceiling and its thresholds.

durable-rules decides which deliveries a cap rule covers; the ledger here adds them up in date
order. A delivery is judged against the total *after* it: the one that takes the total past the
cap, and every later one in the window, is a violation; where the text orders all supply to stop
at a threshold (2397 OP5: 95 %), deliveries after the total reached it are violations too.
Deliveries of unknown quantity are counted as unknown: the total is then a lower bound, and the
report says so.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict

from .quantities import ConversionTable, Qualifier, convert, convertible, format_number, unit_label
from .rules import Cap, CapLimit, CapWindow, Rule, RuleVersion
from .scenario import Event
from .vocabulary import Confidence, Status, Unit, Verdict

_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _day(d: date) -> str:
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


class Conversion(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    from_unit: Unit
    to_unit: Unit
    factor: float
    method: str
    source: str
    status: Status
    default_used: bool = False


class CapComputation(BaseModel):
    """The arithmetic behind a cap finding, enough to redo it by hand."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    window: str
    window_start: date
    window_end: date
    limit: float
    unit: Unit
    reported: str
    quantity: float | None
    conversion: Conversion | None = None
    total_before: float
    total_after: float
    percent_after: float
    lower_bound: bool
    unknown_in_window: int
    supplier_scope: str
    crossed: tuple[float, ...] = ()
    text: str


@dataclass(frozen=True)
class CapJudgement:
    index: int
    outcome: Verdict
    reasons: tuple[str, ...]
    missing: tuple[str, ...]
    computation: CapComputation


def window_of(cap: Cap, version: RuleVersion, day: date) -> tuple[date, date, str]:
    """The cap window that contains ``day``, with a label for reports."""
    if cap.window == CapWindow.CALENDAR_YEAR:
        return date(day.year, 1, 1), date(day.year, 12, 31), str(day.year)
    if cap.window == CapWindow.TWELVE_MONTHS:
        assert cap.anniversary is not None
        month, dom = (int(x) for x in cap.anniversary.split("-"))
        start = date(day.year, month, dom)
        if start > day:
            start = date(day.year - 1, month, dom)
        end = date(start.year + 1, month, dom) - timedelta(days=1)
        return start, end, f"{_day(start)} to {_day(end)}"
    end = version.in_force_until or date.max
    return version.in_force_from, end, f"{_day(version.in_force_from)} to {_day(end)}"


def _to_unit(
    value: float,
    unit: Unit,
    limit: CapLimit,
    cap: Cap,
    tables: dict[str, ConversionTable],
    groups_of_event: list[str],
) -> tuple[float, Conversion | None] | None:
    """``value`` in ``unit`` as an amount in the limit's unit, with how it was converted."""
    if unit == limit.unit:
        return value, None
    if convertible(unit, limit.unit):
        factor = convert(1.0, unit, limit.unit)
        return value * factor, Conversion(
            from_unit=unit,
            to_unit=limit.unit,
            factor=factor,
            method="dimensional (pint)",
            source="SI definitions; 1 oil barrel = 158.987 litres",
            status=Status.VERIFIED,
        )
    table = tables.get(cap.convert_with or "")
    if table is not None and table.to_unit == limit.unit and convertible(unit, table.from_unit):
        # kilograms to tonnes dimensionally, then the table's product factor from tonnes
        factor_row, default = table.factor_for(groups_of_event)
        first = convert(1.0, unit, table.from_unit)
        step = "" if unit == table.from_unit else f"{unit.value} to {table.from_unit.value} (pint, x{first:g}), then "
        return value * first * factor_row.factor, Conversion(
            from_unit=unit,
            to_unit=limit.unit,
            factor=first * factor_row.factor,
            method=f"{step}{table.title}, product '{factor_row.product}'"
            + (" (product not stated: default)" if default else ""),
            source=factor_row.source,
            status=factor_row.status,
            default_used=default,
        )
    stated = next((lim for lim in cap.limits if lim.unit == unit), None)
    if stated is not None:  # the cap states both units: convert at the ratio of its own two figures
        factor = limit.amount / stated.amount
        return value * factor, Conversion(
            from_unit=unit,
            to_unit=limit.unit,
            factor=factor,
            method=f"the ratio of the cap's own figures ({format_number(limit.amount)} {limit.unit.value} "
            f"to {format_number(stated.amount)} {unit.value})",
            source="the resolution's text, which states the cap in both units",
            status=Status.VERIFIED,
        )
    return None


@dataclass
class _Window:
    totals: dict[Unit, float] = field(default_factory=dict)
    confirmed: dict[Unit, float] = field(default_factory=dict)  # the Committee's own count: notified figures
    unknown: int = 0
    uncertain: bool = False
    suspected: dict[Unit, float] = field(default_factory=dict)  # deliveries whose goods are only suspected


def _pct(value: float) -> str:
    return f"{value:.1f}%"


class CapLedger:
    """Running totals for one cap rule, fed deliveries in date order.

    A window keeps one total per unit the cap states (crude: barrels and tonnes), so a
    delivery reported in either unit counts against both; each delivery is judged in the unit
    it was reported in (or the cap's first unit).
    """

    def __init__(self, rule: Rule, tables: dict[str, ConversionTable]):
        self.rule = rule
        self.tables = tables
        self.windows: dict[tuple[str, date, str], _Window] = defaultdict(_Window)

    def add(self, index: int, event: Event, version: RuleVersion, groups_of_event: list[str]) -> CapJudgement:
        cap = version.cap
        assert cap is not None
        start, end, label = window_of(cap, version, event.end)
        supplier = event.supplier.country if (cap.aggregate == "per-supplier" and event.supplier) else "*"
        scope_text = "all suppliers together" if supplier == "*" else f"supplies by {supplier}"
        acc = self.windows[(self.rule.id, start, supplier)]
        q = event.quantity
        reported = str(q) if q is not None else "not reported"
        judged = cap.limits[0]
        amounts: dict[Unit, tuple[float, Conversion | None]] = {}
        if q is not None and q.known and q.times_cap is not None:  # "several times the cap": in the cap's units
            amounts = {lim.unit: (q.times_cap * lim.amount, None) for lim in cap.limits}
        elif q is not None and q.known and q.unit is not None and q.value is not None:
            judged = next((lim for lim in cap.limits if lim.unit == q.unit), cap.limits[0])
            for lim in cap.limits:
                converted = _to_unit(q.value, q.unit, lim, cap, self.tables, groups_of_event)
                if converted is not None:
                    amounts[lim.unit] = converted
        limit = judged
        before = acc.totals.get(limit.unit, 0.0)
        before_lower = bool(acc.unknown or acc.uncertain)
        pct_before = 100.0 * before / limit.amount
        # the stop order binds once the Committee Secretary notifies States, and the Secretary counts
        # notified (confirmed) deliveries: estimates alone make a later supply only potentially unlawful
        stop_on_record = cap.stop_threshold is not None and (
            100.0 * acc.confirmed.get(limit.unit, 0.0) / limit.amount >= cap.stop_threshold
        )
        thresholds = sorted(
            set(cap.alert_thresholds) | ({cap.stop_threshold} if cap.stop_threshold else set()) | {100.0}
        )
        unit_name = unit_label(limit.unit)
        reasons: list[str] = []
        missing: list[str] = []
        crossed: list[float] = []
        quantity: float | None = None
        conversion: Conversion | None = None
        if limit.unit not in amounts:
            acc.unknown += 1
            after = before
            why = (
                "quantity not reported"
                if q is None or not q.known
                else f"quantity in {q.unit.value if q.unit else '?'} cannot be converted to {limit.unit.value}"
            )
            missing.append("quantity")
            bound = "at least " if before_lower else ""
            reasons.append(
                f"{why}: this delivery cannot be counted against the {label} cap; reported deliveries before it "
                f"total {bound}{format_number(round(before))} of {format_number(limit.amount)} {unit_name} "
                f"({_pct(pct_before)})"
            )
            outcome = Verdict.POTENTIAL_VIOLATION
            if cap.stop_threshold is not None and pct_before >= cap.stop_threshold:
                if stop_on_record:
                    outcome = Verdict.VIOLATION
                reasons.append(f"any supply after the total reached {cap.stop_threshold:g}% had to cease")
        else:
            for unit, (amount, _) in amounts.items():
                acc.totals[unit] = acc.totals.get(unit, 0.0) + amount
                if event.confidence == Confidence.CONFIRMED:
                    acc.confirmed[unit] = acc.confirmed.get(unit, 0.0) + amount
                if event.commodity is not None and event.commodity.suspected:
                    acc.suspected[unit] = acc.suspected.get(unit, 0.0) + amount
            quantity, conversion = amounts[limit.unit]
            after = acc.totals[limit.unit]
            if q is not None and q.qualifier in (Qualifier.AT_LEAST, Qualifier.AT_MOST):
                acc.uncertain = True
            pct_after = 100.0 * after / limit.amount
            crossed = [t for t in thresholds if pct_before < t <= pct_after]
            lower = before_lower or (q is not None and q.qualifier == Qualifier.AT_LEAST)
            bound = "at least " if lower else ""
            total_text = f"{bound}{format_number(round(after))} of {format_number(limit.amount)} {unit_name}"
            outcome = Verdict.NOT_PROHIBITED
            if cap.stop_threshold is not None and pct_before >= cap.stop_threshold:
                if stop_on_record:
                    outcome = Verdict.VIOLATION
                    reasons.append(
                        f"supplied after notified deliveries reached {cap.stop_threshold:g}% of the {label} cap, when "
                        f"all supply had to cease for the rest of the period ({total_text}, {_pct(pct_after)})"
                    )
                else:
                    outcome = Verdict.POTENTIAL_VIOLATION
                    reasons.append(
                        f"supplied after reported deliveries reached {cap.stop_threshold:g}% of the {label} cap "
                        f"({total_text}, {_pct(pct_after)}); the order to stop binds once the Committee Secretary "
                        "notifies States, on notified figures, and those did not reach it"
                    )
            stopped = outcome == Verdict.VIOLATION  # the stop order, on notified figures
            if pct_after > 100.0:
                outcome = Verdict.VIOLATION
                verb = "takes" if pct_before <= 100.0 else "adds to"
                reasons.append(f"{verb} the {label} total past the cap: {total_text} ({_pct(pct_after)})")
            on_suspected = acc.suspected.get(limit.unit, 0.0)
            own_goods_established = event.commodity is None or not event.commodity.suspected
            if (
                outcome == Verdict.VIOLATION
                and not stopped
                and own_goods_established
                and after - on_suspected <= limit.amount
            ):
                outcome = Verdict.POTENTIAL_VIOLATION
                reasons.append(
                    f"the excess rests on deliveries whose goods are only suspected ({format_number(round(on_suspected))} "
                    f"{unit_name}); without them the total is within the cap"
                )
            if q is not None and q.qualifier == Qualifier.AT_MOST and outcome == Verdict.VIOLATION:
                outcome = Verdict.POTENTIAL_VIOLATION
                reasons.append("the quantity is reported only as a maximum, so the excess is not established")
            for t in crossed:
                if t == 100.0:
                    continue
                note = (
                    " (all further supply must cease)"
                    if t == cap.stop_threshold
                    else " (the Committee Secretary alerts all States)"
                    if t in cap.alert_thresholds
                    else ""
                )
                reasons.append(f"crossed {t:g}% of the {label} cap: {total_text}{note}")
            passed = [t for t in thresholds if t < 100.0 and t <= pct_before]
            if outcome == Verdict.NOT_PROHIBITED and not crossed:
                if passed:
                    reasons.append(
                        f"the {label} total was already past the {passed[-1]:g}% alert: {total_text} "
                        f"({_pct(pct_after)})"
                    )
                else:
                    reasons.append(f"within the {label} cap: {total_text} ({_pct(pct_after)})")
            if q is not None and q.times_cap is not None:
                reasons.append(
                    f"the report gives the quantity only as {q}: {q.prefix}"
                    f"{format_number(round(quantity or 0))} {unit_name}"
                )
            if conversion is not None:
                reasons.append(
                    f"converted {reported} at {conversion.factor:g} {limit.unit.value} per "
                    f"{conversion.from_unit.value} ({conversion.method})"
                )
        pct_after = 100.0 * after / limit.amount
        comp = CapComputation(
            window=label,
            window_start=start,
            window_end=end,
            limit=limit.amount,
            unit=limit.unit,
            reported=reported,
            quantity=quantity,
            conversion=conversion,
            total_before=before,
            total_after=after,
            percent_after=round(pct_after, 4),
            lower_bound=bool(acc.unknown or acc.uncertain),
            unknown_in_window=acc.unknown,
            supplier_scope=scope_text,
            crossed=tuple(crossed),
            text=reasons[0] if reasons else "",
        )
        return CapJudgement(index, outcome, tuple(reasons), tuple(missing), comp)
