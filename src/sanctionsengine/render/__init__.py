"""Renderers: each reads a :class:`~sanctionsengine.report.Report` and returns bytes.

Renderers never see the engine or the rulebook, only the report (InSpec's reporters work the
same way), so every output format says the same thing.
"""

from __future__ import annotations

import re
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
    data = renderer(report)
    if fmt == "markdown":  # read on terminals: no control character from an input reaches one raw
        data = terminal_safe(data.decode("utf-8")).encode("utf-8")
    return data


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def terminal_safe(text: str) -> str:
    """``text`` with control characters other than tab and newline shown as escapes (``\\x1b``)."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


__all__ = ["RENDERERS", "render", "render_html", "render_json", "render_junit", "render_markdown", "terminal_safe"]
