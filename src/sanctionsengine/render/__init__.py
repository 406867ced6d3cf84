"""Renderers: each reads a :class:`~sanctionsengine.report.Report` and returns bytes.

Renderers never see the engine or the rulebook, only the report (InSpec's reporters work the
same way), so every output format says the same thing.
"""

from __future__ import annotations

from collections.abc import Callable

from ..report import Report
from .html_report import render_html
from .json_report import render_json
from .junit_report import render_junit
from .markdown_report import render_markdown

RENDERERS: dict[str, Callable[[Report], bytes]] = {
    "json": render_json,
    "markdown": render_markdown,
    "html": render_html,
    "junit": render_junit,
}


def render(report: Report, fmt: str) -> bytes:
    try:
        renderer = RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown format '{fmt}'; expected one of {', '.join(sorted(RENDERERS))}") from None
    return renderer(report)


__all__ = ["RENDERERS", "render", "render_html", "render_json", "render_junit", "render_markdown"]
