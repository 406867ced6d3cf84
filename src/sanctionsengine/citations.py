"""Citations of Security Council resolutions: ``S/RES/2397 (2017) OP5``.

A citation is data, checked for shape here and for consistency with the rulebook's table of
resolutions (number, year, adoption date) in :mod:`sanctionsengine.checks`. Operative paragraphs
are written as the resolution numbers them: ``OP8(a)(iii)``, ``OP11``.
"""

from __future__ import annotations

import re
from datetime import date

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .vocabulary import Status

_PARAGRAPH = re.compile(
    r"^OP(?P<number>[1-9][0-9]{0,2})(?P<letter>\([a-z]\))?(?P<roman>\((?:i|ii|iii|iv|v|vi|vii|viii|ix|x)\))?$"
)
_ANNEX = re.compile(r"^Annex [IVX]+$")


class Citation(BaseModel):
    """One operative paragraph of one resolution."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    resolution: int = Field(ge=1, le=9999, description="Resolution number, e.g. 2397")
    year: int = Field(ge=1946, le=2100, description="Year of adoption, as in S/RES/2397 (2017)")
    paragraph: str = Field(description="Operative paragraph with sub-letters, e.g. OP8(a)(iii)")
    adopted: date = Field(description="Adoption date of the resolution")
    annex: str | None = Field(default=None, description="Annex that defines scope, e.g. Annex IV")
    note: str | None = Field(default=None, description="What this paragraph adds, in our words")

    @field_validator("paragraph", mode="before")
    @classmethod
    def _paragraph_shape(cls, value: object) -> str:
        value = str(value)
        if not _PARAGRAPH.match(value):
            raise ValueError(
                f"'{value}' is not an operative paragraph; expected OP<number> with optional "
                "sub-letters, e.g. OP5, OP8(a), OP8(a)(iii)"
            )
        return value

    @field_validator("annex")
    @classmethod
    def _annex_shape(cls, value: str | None) -> str | None:
        if value is not None and not _ANNEX.match(value):
            raise ValueError(f"'{value}' is not an annex; expected 'Annex' and a Roman numeral, e.g. Annex IV")
        return value

    @property
    def symbol(self) -> str:
        return f"S/RES/{self.resolution} ({self.year})"

    def __str__(self) -> str:
        text = f"{self.symbol} {self.paragraph}"
        if self.annex:
            text += f", {self.annex}"
        return text

    def matches(self, text: str) -> bool:
        """Whether a loose citation such as ``2397 OP5`` or ``S/RES/2397 (2017) OP5`` names this one.

        A citation without a paragraph names every paragraph of the resolution; a paragraph
        without sub-letters names its sub-paragraphs too (``1718 OP8`` names ``OP8(a)(iii)``).
        """
        m = re.match(r"^\s*(?:S/RES/)?(\d+)\s*(?:\((\d{4})\))?\s*(OP\S+)?\s*$", text)
        if not m:
            return False
        number, year, paragraph = m.group(1), m.group(2), m.group(3)
        if int(number) != self.resolution or (year and int(year) != self.year):
            return False
        return paragraph is None or self.paragraph == paragraph or self.paragraph.startswith(paragraph + "(")


class Resolution(BaseModel):
    """A row of the rulebook's table of resolutions, the reference point for every citation."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    number: int
    year: int
    adopted: date
    meeting: int | None = None
    subject: str
    source: str
    status: Status = Status.VERIFIED

    @property
    def symbol(self) -> str:
        return f"S/RES/{self.number} ({self.year})"
