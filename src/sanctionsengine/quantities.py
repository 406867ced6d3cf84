"""Quantities and units: a reported amount, or an amount explicitly unknown.

Volumes convert dimensionally through pint (barrel, litre, kilolitre, cubic metre). Mass to
volume depends on the product, so those factors are cited data in the rulebook, never guessed
here; :func:`convert` refuses a conversion it has no factor for.
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .errors import did_you_mean
from .vocabulary import AMBIGUOUS_UNITS, UNIT_ALIASES, Status, Unit


class Qualifier(StrEnum):
    EXACT = "exact"
    APPROXIMATELY = "approximately"
    AT_LEAST = "at-least"
    AT_MOST = "at-most"


def parse_unit(value: Any) -> Unit:
    if isinstance(value, Unit):
        return value
    text = re.sub(r"[\s_]+", "-", str(value).strip().lower())
    if text in AMBIGUOUS_UNITS:
        raise ValueError(f"the unit '{value}' is ambiguous: {AMBIGUOUS_UNITS[text]}")
    if text in Unit._value2member_map_:
        return Unit(text)
    if text in UNIT_ALIASES:
        return UNIT_ALIASES[text]
    choices = [u.value for u in Unit]
    hint = did_you_mean(text, choices)
    if not hint:
        near = did_you_mean(text, list(UNIT_ALIASES))
        if near:
            alias = near.split("'")[1]
            hint = f"did you mean '{UNIT_ALIASES[alias].value}'?"
    raise ValueError(f"unknown unit '{value}'; expected one of {', '.join(choices)}" + (f" ({hint})" if hint else ""))


class Quantity(BaseModel):
    """How much: a value with its unit, a bound ("at least 3,000 bottles"), a multiple of the cap
    in force ("several times the cap": ``times_cap: 2, qualifier: at-least``), or ``unknown: true``
    with a note saying why.

    Effect on verdicts: an exact or approximate amount is counted as given; ``at-least`` counts as a
    lower bound (a cap crossed by the bound alone is crossed), ``at-most`` as an upper bound (an
    excess resting on it is only a potential violation); a value per item is derived from a total
    only over an exact or approximate count of items.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    value: float | None = Field(default=None, ge=0, description="The amount, in `unit`")
    unit: Unit | None = Field(default=None, description="The unit of `value` (see the units table)")
    qualifier: Qualifier = Field(
        default=Qualifier.EXACT, description="exact, approximately, at-least or at-most: how the amount is known"
    )
    times_cap: float | None = Field(
        default=None,
        gt=0,
        description="The amount as a multiple of the cap in force, when that is all the report says "
        '("several times the cap": 2 with qualifier at-least); caps count it in the cap\'s own unit',
    )
    unknown: bool = Field(default=False, description="True when the report gives no amount (say why in note)")
    note: str | None = Field(default=None, description="How the amount is known, or why it is not")

    @field_validator("unit", mode="before")
    @classmethod
    def _unit(cls, value: Any) -> Any:
        return None if value is None else parse_unit(value)

    @model_validator(mode="after")
    def _complete(self) -> Quantity:
        if self.unknown:
            if self.value is not None or self.times_cap is not None:
                raise ValueError("a quantity is either unknown or has a value, not both")
        elif self.times_cap is not None:
            if self.value is not None or self.unit is not None:
                raise ValueError("give either 'times_cap' (a multiple of the cap) or 'value' and 'unit', not both")
        elif self.value is None or self.unit is None:
            raise ValueError("give both 'value' and 'unit', 'times_cap', or 'unknown: true' with a note")
        return self

    @property
    def known(self) -> bool:
        return not self.unknown

    @property
    def bounded(self) -> bool:
        """Known only as a bound (at least / at most), not as an amount."""
        return self.qualifier in (Qualifier.AT_LEAST, Qualifier.AT_MOST)

    @property
    def prefix(self) -> str:
        """The qualifier as it is written before an amount: "about ", "at least "..."""
        return {"exact": "", "approximately": "about ", "at-least": "at least ", "at-most": "at most "}[
            self.qualifier.value
        ]

    def __str__(self) -> str:
        if self.unknown:
            return "unknown" + (f" ({self.note})" if self.note else "")
        prefix = self.prefix
        if self.times_cap is not None:
            return f"{prefix}{format_number(self.times_cap)} times the cap in force"
        return f"{prefix}{format_number(self.value or 0)} {unit_label(self.unit, self.value or 0)}".strip()


_PLURALS = {Unit.PERSON: "persons", Unit.USD: "US dollars", Unit.CUBIC_METRE: "cubic metres"}


def unit_label(unit: Unit | None, value: float = 2) -> str:
    """``barrel`` / ``barrels``: the unit as a reader would write it next to ``value``."""
    if unit is None:
        return ""
    if unit == Unit.USD:
        return "US dollars" if value != 1 else "US dollar"
    name = unit.value.replace("-", " ")
    if value == 1:
        return name
    return _PLURALS.get(unit, name + "s")


def format_number(value: float) -> str:
    """Numbers as people write them in reports: 481,200 or 1,234.5."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


_PINT_UNITS = {
    Unit.BARREL: "oil_barrel",
    Unit.LITRE: "liter",
    Unit.KILOLITRE: "kiloliter",
    Unit.CUBIC_METRE: "meter**3",
    Unit.TONNE: "metric_ton",
    Unit.KILOGRAM: "kilogram",
}


@lru_cache(maxsize=1)
def _registry() -> Any:
    """pint's registry, built from its definitions once and then read from pint's own cache in
    the user's cache folder (0.3 s saved on every run); built afresh if that cannot be used."""
    import pint

    try:
        return pint.UnitRegistry(cache_folder=":auto:")
    except Exception:  # an unwritable or damaged cache must not stop a screening
        return pint.UnitRegistry()


@lru_cache(maxsize=256)
def convertible(source: Unit, target: Unit) -> bool:
    """Whether pint can convert between the two without a product-specific factor."""
    if source == target:
        return True
    if source not in _PINT_UNITS or target not in _PINT_UNITS:
        return False
    ureg = _registry()
    return bool(ureg(_PINT_UNITS[source]).dimensionality == ureg(_PINT_UNITS[target]).dimensionality)


def convert(value: float, source: Unit, target: Unit) -> float:
    """Dimensional conversion (volume to volume, mass to mass); ValueError otherwise."""
    if source == target:
        return value
    if not convertible(source, target):
        raise ValueError(f"cannot convert {source.value} to {target.value} without a product factor")
    ureg = _registry()
    return float(ureg.Quantity(value, _PINT_UNITS[source]).to(_PINT_UNITS[target]).magnitude)


class ConversionFactor(BaseModel):
    """One product's factor in a cited conversion chart."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    product: str = Field(description="Commodity group id of the product, e.g. gasoil-diesel")
    factor: float = Field(gt=0)
    source: str
    status: Status


class ConversionTable(BaseModel):
    """Product-specific factors from one unit to another (tonnes of diesel to barrels, say)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    id: str = Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
    title: str
    from_unit: Unit
    to_unit: Unit
    default_product: str = Field(description="Product whose factor applies when none is stated")
    default_note: str
    factors: tuple[ConversionFactor, ...] = Field(min_length=1)

    def factor_for(self, products: list[str]) -> tuple[ConversionFactor, bool]:
        """The factor for the first product that has one; else the default (second item True)."""
        by_product = {f.product: f for f in self.factors}
        for p in products:
            if p in by_product and p != self.default_product:
                return by_product[p], False
        return by_product[self.default_product], True
