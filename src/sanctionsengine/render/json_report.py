"""Canonical JSON: sorted keys, two-space indent, UTF-8, a final newline.

The same report gives the same bytes; field names are the report model's (documented by the
JSON Schema generated from it).
"""

from __future__ import annotations

import json
from typing import Any

from ..report import Report


def report_dict(report: Report) -> dict[str, Any]:
    return report.model_dump(mode="json")


def render_json(report: Report) -> bytes:
    text = json.dumps(report_dict(report), ensure_ascii=False, indent=2, sort_keys=True)
    return (text + "\n").encode("utf-8")
