"""The coverage matrix: every paragraph of the regime, with the rules that cite it or why none does.

``rules/<regime>/coverage.yaml`` lists the paragraphs (those the project's reference mentions and
those rules cite) with a subject in our words and the reference's tag; which rules cite each is
read from the rules themselves, so the matrix cannot claim a rule that does not exist. A
paragraph without rules must say why (a demand, a procedure between States, a power of the
Committee...). ``docs/coverage.md`` is generated from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from .rules import Rule, RuleVersion

PARAGRAPH = re.compile(r"^(\d{4}) OP(\d+)$")


class CoverageEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    paragraph: str = Field(pattern=PARAGRAPH.pattern, description="Resolution and operative paragraph: '2397 OP5'")
    subject: str = Field(min_length=3, description="What the paragraph does, in our words")
    tag: str = Field(
        pattern=r"^(V|B|\?|V\?|VB|VB\?|B\?|-)$",
        description="The reference's tag: V verified, B believed, ? uncertain; '-' not in the reference",
    )
    reason: str | None = Field(
        default=None, description="Why no rule encodes it: none cites it, or rules cite it only as related"
    )

    @property
    def key(self) -> tuple[int, int]:
        m = PARAGRAPH.match(self.paragraph)
        assert m is not None
        return int(m.group(1)), int(m.group(2))


class CoverageFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    coverage: tuple[CoverageEntry, ...]


def paragraph_key(resolution: int, paragraph: str) -> tuple[int, int] | None:
    """'OP8(a)(iii)' of 1718 → (1718, 8); None for an annex or a preambular paragraph."""
    m = re.match(r"OP(\d+)", paragraph)
    return (resolution, int(m.group(1))) if m else None


@dataclass(frozen=True)
class Citing:
    """One rule version citing a paragraph, as its own citation or a related one."""

    rule: Rule
    version: RuleVersion
    main: bool
    paragraph: str
    from_day: date | None = None

    @property
    def in_force(self) -> tuple[date, date | None]:
        start = max(self.version.in_force_from, self.from_day or self.version.in_force_from)
        return start, self.version.in_force_until


def citing(rules: tuple[Rule, ...]) -> dict[tuple[int, int], list[Citing]]:
    out: dict[tuple[int, int], list[Citing]] = {}
    for rule in rules:
        for version in rule.versions:
            k = paragraph_key(version.citation.resolution, version.citation.paragraph)
            if k is not None:
                out.setdefault(k, []).append(Citing(rule, version, True, version.citation.paragraph))
            for c in version.related:
                k = paragraph_key(c.resolution, c.paragraph)
                until = version.in_force_until
                if k is not None and (until is None or c.first_day <= until):  # a later paragraph it never engages
                    out.setdefault(k, []).append(Citing(rule, version, False, c.paragraph, c.first_day))
    return out


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def matrix_markdown(rules: tuple[Rule, ...], entries: tuple[CoverageEntry, ...], resolutions: dict[int, str]) -> str:
    """The coverage matrix as Markdown: one table per resolution, one row per paragraph."""
    cited = citing(rules)
    out = [
        "# Coverage matrix\n",
        "Every operative paragraph of the DPRK resolutions that the project's reference mentions, and\n"
        "every paragraph a rule cites: which rules cite it (as their own citation, or as a related\n"
        "paragraph), their kind and the conduct dates each citing version governs, and the reference's\n"
        "tag ([V] verified against the text, [B] believed, [?] uncertain; — not in the reference, the\n"
        "rule's provenance names the source). A paragraph is covered when a rule cites it as its own\n"
        "citation; one cited only as related, or not at all, says why.\n",
    ]
    encoded = {e.key for e in entries if any(c.main for c in cited.get(e.key, []))}
    related_only = sum(1 for e in entries if e.key in cited and e.key not in encoded)
    out.append(
        f"{len(entries)} paragraphs: {len(encoded)} covered (a rule's own citation), {related_only} cited only "
        f"as related (with a stated reason), {len(entries) - len(encoded) - related_only} with no rule and a "
        f"stated reason; {len(rules)} rules.\n"
    )
    by_resolution: dict[int, list[CoverageEntry]] = {}
    for e in entries:
        by_resolution.setdefault(e.key[0], []).append(e)
    for number, items in sorted(by_resolution.items()):
        out.append(f"## {resolutions.get(number, f'S/RES/{number}')}\n")
        out.append("| Paragraph | Subject | Rules | Tag |\n|---|---|---|---|")
        for e in items:
            grouped: dict[tuple[bool, str, str], list[Citing]] = {}
            for c in cited.get(e.key, []):
                grouped.setdefault((not c.main, c.rule.id, c.paragraph), []).append(c)
            lines = []
            for (related, rule_id, paragraph), citations in sorted(grouped.items()):
                spans = []
                for c in sorted(citations, key=lambda c: c.version.in_force_from):
                    start, until = c.in_force
                    spans.append(
                        f"{c.version.version}: {start} – {until}" if until else f"{c.version.version}: from {start}"
                    )
                sub = "" if paragraph == f"OP{e.key[1]}" else f"{paragraph}; "
                role = ", related" if related else ""
                lines.append(f"`{rule_id}` ({citations[0].rule.kind.value}{role}; {sub}{'; '.join(spans)})")
            if e.key in encoded:
                rules_cell = "<br>".join(lines)
            elif lines:  # cited only as a related paragraph: not covered by itself
                rules_cell = "<br>".join(lines) + f"<br>*related only*: {_md(e.reason or '')}"
            else:
                rules_cell = f"*none*: {_md(e.reason or '')}"
            tag = "—" if e.tag == "-" else "".join(f"[{t}]" for t in e.tag)
            out.append(f"| OP{e.key[1]} | {_md(e.subject)} | {rules_cell} | {tag} |")
        out.append("")
    return "\n".join(out)
