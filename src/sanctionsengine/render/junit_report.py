"""JUnit XML for CI systems: one test case per event, so a pipeline can gate on violations.

A violation is a ``<failure>``; the failure text lists the findings with their citations. Other
verdicts pass, unless the event names a party, vessel or identifier that no loaded list could
match: that is an ``<error>`` (type ``not-screened``), so a CI gate cannot go green on nothing
screened. Each list's identity and age are suite properties. Passing cases keep their summary is kept in ``<system-out>`` so the CI's test view still says
why (a potential violation, an exemption, "not prohibited" with the nearest measure). Test cases
are named by event id and grouped under the measure family of their most serious finding, so
CI dashboards can show them by family. Built with the standard library's ElementTree, which
escapes every string it writes.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from ..report import ListInput, Report
from ..vocabulary import Verdict

FAILING = {Verdict.VIOLATION}


def _fails(report: Report, ev: object, by_event: dict[str, list[Any]]) -> bool:
    """A violation fails unless each of its violation findings is under a valid suppressing decision."""
    from ..alerts.apply import FindingRef, counted_rank
    from ..verdicts import EventVerdict

    assert isinstance(ev, EventVerdict)
    if ev.verdict not in FAILING:
        return False
    alerts = by_event.get(ev.id, [])
    refs = [FindingRef(ev.id, f.rule_id, f.outcome, ()) for f in ev.findings]
    rank = counted_rank(ev.verdict, refs, alerts, ev.goods_not_stated is not None)
    return rank is not None and rank <= Verdict.VIOLATION.rank


def _finding_lines(ev: object) -> str:
    from ..verdicts import EventVerdict

    assert isinstance(ev, EventVerdict)
    lines = [ev.summary, ""]
    for f in ev.findings:
        lines.append(f"{f.outcome.label}: {f.rule_id} under {f.citation} (version {f.version})")
        lines.extend(f"  - {r}" for r in f.reasons)
    if ev.goods_not_stated:
        lines.append(f"goods not stated: {ev.goods_not_stated.statement}")
        lines.extend(f"  - {m.rule_id} under {m.citation} (version {m.version})" for m in ev.goods_not_stated.measures)
    lines.append("")
    lines.extend(f'evidence: "{e.quote}" ({e.claimed_by}, {e.confidence.value})' for e in ev.evidence)
    return "\n".join(lines)


def list_properties(lists: list[ListInput], checked_on: object) -> list[tuple[str, str]]:
    """Each list's identity and age as JUnit properties (``lists: none`` when none was loaded)."""
    if not lists:
        return [("lists", "none loaded: parties and vessels were not screened")]
    out = [("lists.checked_on", str(checked_on))]
    for n, x in enumerate(lists, 1):
        out += [
            (f"list.{n}.kind", x.kind),
            (f"list.{n}.title", x.title),
            (f"list.{n}.date", str(x.dated or x.generated)),
            (f"list.{n}.age_days", "unknown" if x.age_days is None else str(x.age_days)),
            (f"list.{n}.sha256", x.sha256),
        ]
    return out


def render_junit(report: Report) -> bytes:
    by_event = report.alerts.by_event() if report.alerts else {}
    failing = {ev.id for ev in report.events if _fails(report, ev, by_event)}
    failures = len(failing)
    errors = sum(1 for ev in report.events if ev.id not in failing and ev.coverage.not_screened)
    suites = ET.Element(
        "testsuites",
        name=f"sanctionsengine: {report.inputs.scenario.id}",
        tests=str(len(report.events)),
        failures=str(failures),
        errors=str(errors),
    )
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=report.inputs.scenario.title,
        tests=str(len(report.events)),
        failures=str(failures),
        errors=str(errors),
        skipped="0",
        timestamp=report.run.started_at,
    )
    props = ET.SubElement(suite, "properties")
    for name, value in (
        ("rulebook.hash", report.inputs.rulebook.hash),
        ("scenario.sha256", report.inputs.scenario.sha256),
        ("sanctionsengine", report.tools.sanctionsengine),
        ("durable-rules", report.tools.durable_rules),
        ("run.id", report.run.id),
        *list_properties(report.inputs.lists, report.inputs.lists_checked_on),
        *((("alerts", report.alerts.summary_line()),) if report.alerts else ()),
    ):
        ET.SubElement(props, "property", name=name, value=value)
    for ev in report.events:
        serious = [f for f in ev.findings if f.outcome == ev.verdict]
        family = serious[0].family if serious else "none"
        case = ET.SubElement(suite, "testcase", name=f"{ev.id}: {ev.title}", classname=f"dprk.{family}", time="0")
        decided = by_event.get(ev.id, [])
        if _fails(report, ev, by_event):
            cites = "; ".join(sorted({f.citation for f in serious}))
            failure = ET.SubElement(case, "failure", message=f"{ev.verdict.label}: {cites}", type=ev.verdict.value)
            failure.text = _finding_lines(ev)
        elif ev.coverage.not_screened:  # a pass would claim a clearance nobody checked
            error = ET.SubElement(case, "error", message=ev.coverage.note or "not screened", type="not-screened")
            error.text = _finding_lines(ev)
        out = ET.SubElement(case, "system-out")
        out.text = f"{ev.verdict.label}: {ev.summary}" + "".join(
            f"\nalert {a.key.label()}: {a.note()}" for a in decided
        )
    ET.indent(suites)
    data: bytes = ET.tostring(suites, encoding="utf-8", xml_declaration=True)
    return data + b"\n"
