"""``rescreen RUN...`` and ``lists add/fetch --rescreen RUN...``: for each earlier bulk run, the
delta against the new lists (or rulebook), the verdicts that changed, and exit 1 if any worsened.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from pydantic import BaseModel, ConfigDict, Field

from ..report import ListInput
from ..screening import ScreeningList
from .delta import RowChange, TouchedEntry, delta, load_run
from .versions import find


class RunRescreen(BaseModel):
    """What one earlier run's verdicts became after the change."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    run: str = Field(description="The earlier run's id")
    summary: str = Field(description="Its summary file")
    input: str
    rows: int
    old_lists: list[ListInput]
    new_lists: list[ListInput]
    old_rulebook: str
    new_rulebook: str
    mode: str = Field(description="none (nothing changed), lists or rulebook")
    touched: list[TouchedEntry] = Field(description="List entries added, removed or changed")
    rejudged: int = Field(description="Rows re-judged; every other row keeps its verdict")
    changes: list[RowChange] = Field(description="Rows whose verdict changed, in row order")
    findings_changed: list[RowChange] = Field(description="Rows with the same verdict but other findings")
    worsened: int


def rescreen_one(run_path: Path, lists: list[ScreeningList], rules_dir: Path | None) -> RunRescreen:
    from ..evaluation import load_lists
    from ..rulebook import bundled_rules_path, load_rulebook

    prev = load_run(run_path)
    s = prev.summary
    old_un = [find(li, run_path.parent) for li in s.lists if li.kind == "un"]  # type: ignore[attr-defined]
    old_vessels = [find(li, run_path.parent) for li in s.lists if li.kind == "vessels"]  # type: ignore[attr-defined]
    old_lists = load_lists(old_un, old_vessels)
    missing = sorted({x.kind for x in old_lists} - {x.kind for x in lists})
    if missing:  # fail closed: a list left out is not a list emptied
        from ..errors import Diagnostic, InputError, SourceLocation

        raise InputError(
            [
                Diagnostic(
                    SourceLocation("<command line>"),
                    "list-missing",
                    f"the run was screened against the {'UN list' if kind == 'un' else 'vessels list'}, and no "
                    "new version of it is loaded: its rows cannot be re-judged without it",
                    hint="give it with "
                    + ("--list FILE" if kind == "un" else "--vessels FILE")
                    + " (the same file if it has not changed)",
                )
                for kind in missing
            ]
        )
    book = load_rulebook(rules_dir if rules_dir is not None else bundled_rules_path())
    d = delta(prev, lists, old_lists, book)
    return RunRescreen(
        run=s.run.id,  # type: ignore[attr-defined]
        summary=str(run_path),
        input=s.input.path,  # type: ignore[attr-defined]
        rows=s.input.rows,  # type: ignore[attr-defined]
        old_lists=s.lists,  # type: ignore[attr-defined]
        new_lists=[ListInput.of(lst) for lst in lists],
        old_rulebook=str(s.rulebook["hash"]),  # type: ignore[attr-defined]
        new_rulebook=book.hash,
        mode=d.mode,
        touched=d.touched,
        rejudged=len(d.rejudged),
        changes=d.changes,
        findings_changed=d.findings_changed,
        worsened=sum(c.worsened for c in d.changes),
    )


def _label(v: str) -> str:
    return v.replace("_", " ")


def rescreen_text(r: RunRescreen) -> str:
    lines = [f"run {r.run} ({r.summary}): {r.input}, {r.rows:,} rows"]
    for label, lists in (("then", r.old_lists), ("now ", r.new_lists)):
        lines.append(
            f"  {label}: "
            + ("; ".join(f"{x.title}, {x.generated} (sha256 {x.sha256[:16]}…)" for x in lists) or "no lists")
        )
    if r.old_rulebook != r.new_rulebook:
        lines.append(f"  rulebook: {r.old_rulebook} → {r.new_rulebook}: every row with a DPRK nexus re-judged")
    if r.mode == "none":
        lines.append("  nothing changed that screening reads: no row re-judged, every verdict stands")
        return "\n".join(lines) + "\n"
    for t in r.touched:
        mark = {"added": "+", "removed": "-", "changed": "~"}[t.change]
        lines.append(
            f"  {mark} {t.change} {t.reference} {t.name}" + (f" (listed on {t.listed_on})" if t.listed_on else "")
        )
    lines.append(
        f"  re-judged {r.rejudged:,} of {r.rows:,} rows; {len(r.changes)} verdict"
        f"{'' if len(r.changes) == 1 else 's'} changed ({r.worsened} worse)"
        + (f", {len(r.findings_changed)} more with other findings" if r.findings_changed else "")
    )
    for c in r.changes + r.findings_changed:
        where = f"row {c.row}" + (f" (line {c.line})" if c.line else "") + (f" {c.id}" if c.id else "")
        mark = "  WORSE" if c.worsened else ""
        lines.append(f"  {where}: {_label(c.old_verdict)} → {_label(c.new_verdict)}{mark}")
        lines.extend(f"      {reason}" for reason in c.reasons)
    return "\n".join(lines) + "\n"


def rescreen_runs(
    runs: list[Path],
    un_lists: list[Path],
    vessel_lists: list[Path],
    rules_dir: Path | None,
    fmt: str = "text",
    output: Path | None = None,
) -> int:
    """Rescreen each run against the lists given (or the cached ones); print; 1 if any verdict worsened."""
    from ..evaluation import load_lists
    from ..listcache import cached_paths

    if not un_lists and not vessel_lists:
        un_lists, vessel_lists = cached_paths()
    lists = load_lists(un_lists, vessel_lists)
    results = [rescreen_one(run, lists, rules_dir) for run in runs]
    if fmt == "json":
        data = (
            json.dumps(
                {"runs": [r.model_dump(mode="json") for r in results]}, indent=2, ensure_ascii=False, sort_keys=True
            ).encode()
            + b"\n"
        )
    else:
        data = "".join(rescreen_text(r) for r in results).encode()
    if output is not None:
        output.write_bytes(data)
        click.echo(f"wrote {output}", err=True)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 1 if any(r.worsened for r in results) else 0


class _Code:
    def __init__(self) -> None:
        self.value = 0

    def __call__(self) -> int:
        return self.value


@contextmanager
def after_store(runs: tuple[Path, ...]) -> Iterator[_Code]:
    """Around storing a new list in the cache: keep the version in use first, keep the new one
    after, then re-screen each of ``runs`` against the cached lists (the code: 1 if a verdict worsened)."""
    from .versions import keep_cached

    code = _Code()
    keep_cached()
    yield code
    keep_cached()
    if runs:
        code.value = rescreen_runs(list(runs), [], [], None)
