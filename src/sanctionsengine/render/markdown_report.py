"""Markdown for people: summary first, then the events, the findings by measure, the details.

Written through a Jinja2 template; every string that comes from a rule or a scenario passes
through a filter that keeps it from breaking the table or the emphasis around it.
"""

from __future__ import annotations

import re
from functools import lru_cache

import jinja2

from ..report import Report
from ..vocabulary import Verdict


def md_text(value: object) -> str:
    """Free text on one line, every Markdown (and inline HTML) markup character escaped."""
    text = "" if value is None else str(value)
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", re.sub(r"\s+", " ", text)).strip()


def md_cell(value: object) -> str:
    """Text safe inside a Markdown table cell: escaped like free text, pipes and breaks included."""
    return md_text(value)


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("sanctionsengine.render", "templates"),
        autoescape=False,  # Markdown, not HTML: the md filters do the escaping
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["cell"] = md_cell
    env.filters["text"] = md_text
    from ..listcoverage import coverage_text, list_age

    env.globals["coverage_text"] = coverage_text
    env.globals["list_age"] = list_age
    return env


def render_markdown(report: Report) -> bytes:
    families: dict[str, dict[str, list[tuple[object, object]]]] = {}
    for ev in report.events:
        for f in ev.findings:
            families.setdefault(f.family, {}).setdefault(f.rule_id, []).append((ev, f))
    text = (
        _environment()
        .get_template("report.md.j2")
        .render(
            report=report,
            verdicts=list(Verdict),
            families=families,
        )
    )
    return text.encode("utf-8")
