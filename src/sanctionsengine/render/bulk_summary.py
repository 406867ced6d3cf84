"""The summary of a bulk screening as HTML (for people and the case file) and JUnit XML (for CI).

The flagged rows themselves are in the findings file (JSON lines or CSV); these formats carry the
counts, what was read and with what, as the Markdown and JSON summaries do. HTML goes through
the same autoescaping Jinja2 environment, stylesheet and chart as the scenario report; JUnit
has one test case per rule that found something (a violation fails it) and one for the rows
that could not be read (an error if any were set aside), so a pipeline can gate on either.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from ..vocabulary import Verdict
from ..wording import plural
from .html_report import _environment, verdict_bars
from .junit_report import list_properties

if TYPE_CHECKING:
    from ..bulk.run import BulkSummary

REJECTED_COLOUR = "#3c3c3c"


def render_bulk_html(s: BulkSummary) -> bytes:
    outputs = [
        (name, value)
        for name, value in (
            ("Findings", s.outputs.findings),
            ("Rejected rows", s.outputs.rejects),
            ("Verdicts", s.outputs.verdicts),
        )
        if value
    ]
    outcomes = [v for v in Verdict if v not in (Verdict.OUT_OF_SCOPE,)]
    bars = verdict_bars(s.by_verdict, (("rejected (could not be read)", "rejected", REJECTED_COLOUR),))
    text = _environment().get_template("bulk.html.j2").render(s=s, bars=bars, outcomes=outcomes, outputs=outputs)
    return text.encode("utf-8")


def _suppressed_violations(s: BulkSummary) -> dict[str, int]:
    """Per rule: the rows whose violation under it is under a valid false-positive or waiver."""
    by_row: dict[tuple[str, str], list[bool]] = {}
    for a in s.alerts.alerts if s.alerts else []:
        if a.outcome == Verdict.VIOLATION:
            by_row.setdefault((a.key.event, a.key.rule), []).append(a.counts)
    out: dict[str, int] = {}
    for (_, rule), counts in by_row.items():
        if not any(counts):
            out[rule] = out.get(rule, 0) + 1
    return out


def render_bulk_junit(s: BulkSummary) -> bytes:
    cases: list[ET.Element] = []
    failures = errors = 0
    suppressed = _suppressed_violations(s)
    for rid, counts in s.by_rule.items():
        case = ET.Element("testcase", classname=rid.rsplit(".", 1)[0], name=rid)
        text = ", ".join(f"{n:,} {o.replace('_', ' ')}" for o, n in counts.items())
        if suppressed.get(rid):
            text += f" ({suppressed[rid]:,} violations under a valid false-positive or waiver)"
        if counts.get(Verdict.VIOLATION.value, 0) > suppressed.get(rid, 0):
            failures += 1
            failure = ET.SubElement(case, "failure", message=f"{counts[Verdict.VIOLATION.value]:,} rows violate {rid}")
            failure.text = f"{rid}: {text}; the rows are in {s.outputs.findings or 'the findings file'}"
        else:
            ET.SubElement(case, "system-out").text = f"{rid}: {text}"
        cases.append(case)
    read = ET.Element("testcase", classname="input", name="every row could be read")
    rejected = s.by_verdict.get("rejected", 0)
    if rejected:
        errors += 1
        error = ET.SubElement(read, "error", message=f"{rejected:,} rows could not be read")
        error.text = f"see {s.outputs.rejects or 'the rejects file'} (row, line, what is wrong, the record)"
    cases.append(read)
    screened = ET.Element(
        "testcase", classname="input", name="every row was screened against a list that could match it"
    )
    if s.not_screened:
        errors += 1
        error = ET.SubElement(
            screened,
            "error",
            message=f"{plural(s.not_screened, 'row', thousands=True)}: {s.not_screened_note}",
            type="not-screened",
        )
        error.text = "their verdicts could change once screened; load the lists (--list, --vessels) and run again"
    cases.append(screened)
    suites = ET.Element(
        "testsuites", name=f"sanctionsengine bulk screening: {s.input.path}", tests=str(len(cases)),
        failures=str(failures), errors=str(errors),
    )  # fmt: skip
    suite = ET.SubElement(
        suites, "testsuite", name=s.input.path, tests=str(len(cases)), failures=str(failures), errors=str(errors),
        skipped="0", timestamp=s.run.started_at,
    )  # fmt: skip
    props = ET.SubElement(suite, "properties")
    for name, value in (
        ("input.sha256", s.input.sha256),
        ("input.rows", str(s.input.rows)),
        ("input.rows_read", str(s.input.rows_read)),
        ("input.rows_rejected", str(s.input.rows_rejected)),
        ("input.blank_lines", str(s.input.blank_lines)),
        ("rulebook.hash", str(s.rulebook["hash"])),
        ("run.id", s.run.id),
        ("sanctionsengine", s.tools.sanctionsengine),
        ("durable-rules", s.tools.durable_rules),
        *list_properties(s.lists, s.lists_checked_on),
        *((("alerts", s.alerts.summary_line()),) if s.alerts else ()),
    ):
        ET.SubElement(props, "property", name=name, value=value)
    suite.extend(cases)
    ET.indent(suites)
    data: bytes = ET.tostring(suites, encoding="utf-8", xml_declaration=True)
    return data + b"\n"
