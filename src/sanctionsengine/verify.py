"""Re-verify a JSON report: re-run its evaluation from the inputs it names and compare.

A report names every input by content hash (rulebook, scenario, source texts, lists) and the
options that shaped it (the law's date, the name threshold). ``verify`` finds those inputs
again, refuses if any has changed since (the report can then be neither confirmed nor refuted),
re-runs the evaluation with the report's own run id and time, and compares the two reports field
by field: identical, or the list of what differs, event by event and finding by finding.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from .errors import Diagnostic, InputError, SourceLocation
from .limits import MAX_JSON_BYTES, parse_json, read_limited
from .render.json_report import report_dict
from .report import Report
from .rulebook import bundled_rules_path, load_rulebook
from .screening import ScreeningList, load_un_list, load_vessel_list
from .wording import plural
from .yamlfile import display_path


class Verification(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    report: str
    identical: bool
    differences: list[str]
    notes: list[str]


def _problem(where: str, message: str, code: str = "bad-file") -> InputError:
    return InputError([Diagnostic(SourceLocation(where), code, message)])


def load_report(path: Path) -> tuple[Report, bytes]:
    display = display_path(path)
    raw = read_limited(path, display, MAX_JSON_BYTES)
    data = parse_json(raw, display, "a JSON report")
    try:
        return Report.model_validate(data), raw
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise _problem(
            display_path(path),
            f"not a sanctionsengine JSON report ({where}: {first['msg']}); give the --format json output",
        ) from None


def _find(text: str, base: Path) -> Path:
    p = Path(text)
    return p if p.is_absolute() else base / p


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _differences(recorded: Any, now: Any, where: str = "") -> list[str]:
    """Paths at which two JSON values differ; list items are matched by id (events, findings)."""
    if isinstance(recorded, dict) and isinstance(now, dict):
        out = []
        for key in sorted(set(recorded) | set(now)):
            path = f"{where}.{key}" if where else key
            if key not in now:
                out.append(f"{path}: in the report, not in the re-run")
            elif key not in recorded:
                out.append(f"{path}: in the re-run, not in the report")
            else:
                out.extend(_differences(recorded[key], now[key], path))
        return out
    if isinstance(recorded, list) and isinstance(now, list):
        label = next(
            (k for k in ("id", "rule_id") if recorded and all(isinstance(x, dict) and k in x for x in recorded)), None
        )
        if label and now and all(isinstance(x, dict) and label in x for x in now):
            a = {x[label]: x for x in recorded}
            b = {x[label]: x for x in now}
            out = []
            for key in list(dict.fromkeys([*a, *b])):
                path = f"{where}[{label}={key}]"
                if key not in b:
                    out.append(f"{path}: in the report, not in the re-run")
                elif key not in a:
                    out.append(f"{path}: in the re-run, not in the report")
                else:
                    out.extend(_differences(a[key], b[key], path))
            return out
        if len(recorded) != len(now):
            return [f"{where}: {len(recorded)} items in the report, {len(now)} in the re-run"]
        return [
            d for i, (x, y) in enumerate(zip(recorded, now, strict=True)) for d in _differences(x, y, f"{where}[{i}]")
        ]
    if recorded != now:
        return [
            f"{where}: the report says {json.dumps(recorded, ensure_ascii=False)}, the re-run {json.dumps(now, ensure_ascii=False)}"
        ]
    return []


def verify(report_path: Path, base: Path | None = None, timeout: float = 60.0) -> Verification:
    """Re-run the evaluation a JSON report records and compare; InputError if an input is gone or changed."""
    from .evaluation import evaluate

    report, _ = load_report(report_path)
    base = base or Path.cwd()
    inputs = report.inputs
    changed: list[Diagnostic] = []
    notes: list[str] = []

    rules_dir = _find(inputs.rulebook.path, base)
    if not rules_dir.is_dir():
        bundled = bundled_rules_path()
        if load_rulebook(bundled).hash == inputs.rulebook.hash:
            rules_dir = bundled
            notes.append(f"rulebook {inputs.rulebook.path} not found; the bundled rulebook has the same hash")
    try:
        book_hash = load_rulebook(rules_dir).hash
    except InputError:
        book_hash = None
    if book_hash != inputs.rulebook.hash:
        changed.append(
            Diagnostic(
                SourceLocation(display_path(rules_dir)),
                "source-mismatch",
                f"the rulebook's hash is {book_hash or 'unreadable'}, the report's {inputs.rulebook.hash}",
            )
        )
    scenario = _find(inputs.scenario.path, base)
    if _sha256(scenario) != inputs.scenario.sha256:
        changed.append(
            Diagnostic(
                SourceLocation(display_path(scenario)),
                "source-mismatch",
                "the scenario is missing or has changed since the report (SHA-256 differs)",
            )
        )
    for s in inputs.sources:
        if s.found_at and s.sha256 and _sha256(_find(s.found_at, base)) != s.sha256:
            changed.append(
                Diagnostic(SourceLocation(s.found_at), "source-mismatch", f"source '{s.id}' is missing or has changed")
            )
    named = {x.sha256 for x in inputs.lists}
    for ev in report.events:  # the lists are inputs: an event screened against a list the report no longer names
        for ident in ev.coverage.lists:
            if ident.sha256 not in named:
                changed.append(
                    Diagnostic(
                        SourceLocation(display_path(report_path)),
                        "source-mismatch",
                        f"event '{ev.id}' was screened against {ident.title} (sha256 {ident.sha256[:16]}…), "
                        "which the report's inputs no longer name: its lists were removed or edited",
                    )
                )
                named.add(ident.sha256)  # once per list
    lists: list[ScreeningList] = []
    for entry in inputs.lists:
        path = _find(entry.path, base)
        if _sha256(path) != entry.sha256:
            changed.append(
                Diagnostic(
                    SourceLocation(entry.path), "source-mismatch", f"list '{entry.title}' is missing or has changed"
                )
            )
            continue
        lists.append(load_un_list(path) if entry.kind == "un" else load_vessel_list(path))
    dispositions = None
    review = report.alerts
    if review is not None and review.dispositions_file:  # the same decisions, as of the same day
        # the decisions the run applied are recorded in the report: re-applied from there, so a
        # decision appended to the file later (the daily workflow) does not break this check
        dispositions, note, problems = _recorded_decisions(review, base)
        changed.extend(problems)
        if note:
            notes.append(note)
    if changed:
        raise InputError(changed)

    rerun = evaluate(
        scenario,
        rules=rules_dir,
        sources=_find(inputs.sources_dir, base) if inputs.sources_dir else None,
        as_of=inputs.as_of,
        timeout=timeout,
        run_id=report.run.id,
        started_at=datetime.fromisoformat(report.run.started_at),
        lists=lists,
        threshold=inputs.name_threshold,
        dispositions=dispositions,
        today=review.today if review is not None else None,
    )
    recorded, now = report_dict(report), report_dict(rerun)
    if recorded["tools"] != now["tools"]:
        notes.append(f"the report was made with {recorded['tools']}, the re-run with {now['tools']}")
    if recorded.get("alerts") is None:  # a report from before alerts were reviewed (schema < 1.3)
        recorded.pop("alerts", None)
        now.pop("alerts", None)
    for d in (recorded, now):
        # paths depend on where each run was made from; the contents behind them were compared above
        d.pop("tools")
        d["inputs"].pop("rulebook")
        d["inputs"]["scenario"].pop("path")
        d["inputs"].pop("sources_dir")
        d["inputs"].pop("screening_list")
        for s in d["inputs"]["sources"]:
            s.pop("found_at")
        # list ages count to the day of the run (or $SANCTIONSENGINE_TODAY): the lists themselves,
        # by SHA-256 and date, are compared
        d["inputs"].pop("lists_checked_on", None)
        for x in d["inputs"]["lists"]:
            x.pop("path")
            x.pop("age_days", None)
        if d.get("alerts"):
            d["alerts"].pop("dispositions_file")
    differences = _differences(recorded, now)
    return Verification(
        report=display_path(report_path), identical=not differences, differences=differences, notes=notes
    )


def _recorded_decisions(review: Any, base: Path) -> tuple[Any, str | None, list[Diagnostic]]:
    """The decisions to re-apply (those the report recorded), a note on the file, and problems.

    The file is append-only: each recorded decision must still be in it (else the report or the
    file was edited). A file that is missing, or has grown since, is only noted."""
    from .alerts.store import LoadedDispositions, load_dispositions

    loaded = LoadedDispositions(list(review.applied), review.dispositions_file, review.dispositions_sha256)
    path = _find(review.dispositions_file, base)
    if not path.is_file():
        return (
            loaded,
            f"the dispositions file {review.dispositions_file} is not here; the decisions recorded in the report were re-applied",
            [],
        )
    if _sha256(path) == review.dispositions_sha256:  # the same file: its decisions, compared in the re-run
        return load_dispositions(path), None, []
    current = load_dispositions(path)
    missing = [d for d in review.applied if d not in current.dispositions]
    if missing:
        return (
            loaded,
            None,
            [
                Diagnostic(
                    SourceLocation(review.dispositions_file),
                    "source-mismatch",
                    f"{plural(len(missing), 'decision')} recorded in the report "
                    f"({', '.join(d.key.label() for d in missing[:3])}) no longer in the dispositions file: "
                    "the report or the file was edited",
                )
            ],
        )
    return (
        loaded,
        (
            f"the dispositions file {review.dispositions_file} has changed since the report (SHA-256 differs: "
            "decisions were added); the decisions recorded in the report were re-applied, and each is still in the file"
        ),
        [],
    )
