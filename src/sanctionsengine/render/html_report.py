"""HTML for people and for the case file: one self-contained page, readable on screen and on paper.

Written through a Jinja2 template with autoescaping on, so every string from a rule, a scenario
or a source is escaped; the page has no script, no external asset and no network access (the
chart is inline SVG, the styles inline CSS, with a print stylesheet). Quotes carry their
language, and right-to-left scripts (Arabic, Hebrew, Persian, Urdu) are set right to left.
"""

from __future__ import annotations

from functools import lru_cache

import jinja2

from ..report import Report
from ..vocabulary import Verdict

RTL_LANGUAGES = {"ar", "he", "fa", "ur", "ps", "yi", "dv", "ckb"}

#: Colours by verdict, used for badges and the chart (and readable in black and white by label).
VERDICT_COLOURS = {
    Verdict.VIOLATION: "#b3261e",
    Verdict.POTENTIAL_VIOLATION: "#c26a00",
    Verdict.UNDECIDABLE: "#6b5b95",
    Verdict.EXEMPT: "#2e7d32",
    Verdict.NOT_PROHIBITED: "#4f6d7a",
    Verdict.OUT_OF_SCOPE: "#8a8a8a",
}


def direction(language: str) -> str:
    return "rtl" if language.split("-")[0].lower() in RTL_LANGUAGES else "ltr"


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("sanctionsengine.render", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["dir"] = direction
    from ..listcoverage import coverage_text, list_age

    env.globals["coverage_text"] = coverage_text
    env.globals["list_age"] = list_age
    return env


def verdict_bars(counts: dict[str, int], extra: tuple[tuple[str, str, str], ...] = ()) -> list[dict[str, object]]:
    """Bars of a chart by verdict (then ``extra`` (label, key, colour) rows): label, count,
    colour and width in per cent of the largest."""
    rows = [(v.label, v.value, VERDICT_COLOURS[v]) for v in Verdict] + list(extra)
    largest = max(counts.values(), default=0) or 1
    return [
        {
            "label": label,
            "value": key,
            "count": counts.get(key, 0),
            "colour": colour,
            "width": round(100 * counts.get(key, 0) / largest, 1),
        }
        for label, key, colour in rows
    ]


def chart(report: Report) -> list[dict[str, object]]:
    return verdict_bars(report.summary.by_verdict)


def render_html(report: Report) -> bytes:
    text = (
        _environment()
        .get_template("report.html.j2")
        .render(
            report=report,
            verdicts=list(Verdict),
            colours={v.value: c for v, c in VERDICT_COLOURS.items()},
            bars=chart(report),
        )
    )
    return text.encode("utf-8")
