"""Delta re-screening: after a list change, re-judge only the rows the change can reach.

A previous bulk run is read back from its summary (input file and SHA-256, column mapping,
rulebook hash, lists with SHA-256, name threshold, law date) and its outputs (the findings as
JSON lines, and the per-row verdicts CSV when the run wrote one). Then:

1. **What changed in the lists.** The lists of the run (found by SHA-256, see :mod:`.versions`)
   and the new ones are compared entry by entry as screening sees them (reference, kind, name,
   aliases, listing date, IMO number, measures): the *touched* entries are those added, removed
   or changed, in both versions.
2. **Which rows it can reach.** A row's screening depends only on each listed entry separately,
   so only a row whose name (supplier, recipient, vessel) resembles a name, alias or acronym of a
   touched entry, or whose identifier (UN reference, IMO number) is one, can screen differently.
   Names are scored as screening scores them (:func:`~sanctionsengine.lookup.batch_scores`, the
   function behind :func:`~sanctionsengine.screening.name_score` and the ledger prefilter) at a
   threshold :data:`MARGIN` points *below* the run's, so that nothing near the threshold is missed.
3. **Caps.** A cap (the petroleum and coal ceilings) adds up deliveries over many rows, so a row
   that enters, leaves or changes in a cap's ledger can change the running total of every later
   delivery: every row of such a cap (from the run's per-row reasons), and of every cap those
   rows count towards, is re-judged with them.
4. **Judging** those rows goes through the bulk pipeline's steps (:func:`nexus`, the DPRK-nexus
   test of :func:`~sanctionsengine.bulk.pipeline.map_partition` written for a frame of rows, then
   :func:`~sanctionsengine.bulk.pipeline.judge_rows`); every other row keeps its verdict.

The rows are read from the run's row index (:func:`checked_rows`): the input checked once, kept as
Parquet beside the run, so that a later rescreen reads only the columns it selects on and the
rows it re-judges.

A rulebook change (another hash) re-judges every row with a DPRK nexus: any rule may reach any
of them. ``tests/test_rescreen.py`` checks on generated ledgers and list changes that the result
equals a full re-screen, row for row.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import Diagnostic, InputError, SourceLocation
from ..rulebook import Rulebook
from ..screening import ListEntry, ScreeningList, normalize
from ..vocabulary import RuleKind, Verdict
from ..yamlfile import display_path

#: Points below the run's name threshold at which a row is taken as near a touched entry: the scores
#: are the same functions screening computes, so any margin is exact; this one absorbs rounding.
MARGIN = 2.0
NOT_FLAGGED = "not_flagged"  # the old verdict of a row the run did not flag, when it wrote no verdicts file
REJECTED = "rejected"


# --- the previous run ------------------------------------------------------------------------------


@dataclass
class PreviousRun:
    """A bulk run read back: its summary and each row's verdict (and, if flagged, its findings)."""

    path: Path
    summary: object  # BulkSummary (typed loosely to keep the bulk import lazy)
    raw: dict[int, str]  # row -> its line of the findings file (JSON), the flagged rows
    flagged: dict[int, tuple[str, set[str]]]  # row -> (verdict, rule ids of its findings), the flagged rows
    table: pl.DataFrame | None  # the per-row verdicts file (row, verdict, reason), if the run wrote one
    complete: bool  # True when every row's verdict is known (a verdicts file)
    _parsed: dict[int, object] = field(default_factory=dict)
    _verdicts: dict[int, str] | None = None

    def finding(self, row: int) -> object | None:
        """The flagged row's RowVerdict (read from its line when first asked for), or None."""
        if row not in self.raw:
            return None
        if row not in self._parsed:
            from ..bulk.pipeline import RowVerdict

            self._parsed[row] = RowVerdict.model_validate_json(self.raw[row])
        return self._parsed[row]

    @property
    def verdicts(self) -> dict[int, str]:
        """row -> verdict: every row's with a verdicts file, else the flagged rows'."""
        if self._verdicts is None:
            out = {r: v for r, (v, _) in self.flagged.items()}
            if self.table is not None:
                out.update(zip(self.table["row"].to_list(), self.table["verdict"].to_list(), strict=True))
            self._verdicts = out
        return self._verdicts

    def verdicts_of(self, rows: set[int]) -> dict[int, str]:
        """row -> the run's verdict, for ``rows`` (``not_flagged`` where the run kept no verdict)."""
        out = dict.fromkeys(rows, NOT_FLAGGED)
        if self.table is not None:
            hits = self.table.filter(pl.col("row").is_in(sorted(rows)))
            out.update(zip(hits["row"].to_list(), hits["verdict"].to_list(), strict=True))
        out.update({r: v for r, (v, _) in self.flagged.items() if r in rows})
        return out

    def reasons(self, rows: set[int] | None = None, rules: set[str] | None = None) -> dict[int, set[str]]:
        """row -> rule ids of its findings: of ``rows``, or of every row with one of ``rules``."""
        out: dict[int, set[str]] = {}
        for r, (_, ids) in self.flagged.items():
            if rows is None or r in rows:
                out[r] = set(ids)
        if self.table is not None:
            table = self.table.filter(pl.col("verdict") != REJECTED)
            if rows is not None:
                table = table.filter(pl.col("row").is_in(sorted(rows)))
            if rules is not None:
                table = table.filter(pl.col("reason").str.contains("|".join(map(re.escape, sorted(rules))) or "^$"))
            for r, reason in table.select("row", "reason").iter_rows():
                out.setdefault(r, set()).update(x for x in (reason or "").split("; ") if x)
        if rules is not None:
            out = {r: ids for r, ids in out.items() if ids & rules}
        return out


def _problem(where: str, message: str, hint: str = "") -> InputError:
    return InputError([Diagnostic(SourceLocation(where), "bad-file", message, hint=hint)])


def _output(base: Path, recorded: str) -> Path:
    for p in (Path(recorded), base / recorded):
        if p.is_file():
            return p
    raise InputError([Diagnostic(SourceLocation(recorded), "file-not-found", "the run's output is not there any more")])


def load_run(path: Path) -> PreviousRun:
    """Read a bulk run back from its summary JSON (``screen FILE --format json``) and its outputs."""
    from ..bulk.run import BulkSummary

    where = display_path(path)
    how = "write it with `sanctionsengine screen FILE --format json > RUN.json`"
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise InputError([Diagnostic(SourceLocation(where), "file-not-found", exc.strerror or str(exc))]) from None
    try:
        data = json.loads(content)
    except (ValueError, RecursionError) as exc:
        at_line, at_col = (exc.lineno, exc.colno) if isinstance(exc, json.JSONDecodeError) else (0, 0)
        raise InputError(
            [
                Diagnostic(
                    SourceLocation(where, at_line, at_col),
                    "bad-file",
                    "not a bulk screening summary (screen FILE --format json): not valid JSON",
                    hint=how,
                )
            ]
        ) from None
    if not isinstance(data, dict) or not {"input", "by_verdict", "outputs"} <= data.keys():
        raise _problem(where, "not a bulk screening summary (screen FILE --format json)", how)
    try:
        summary = BulkSummary.model_validate_json(content)
    except ValidationError as exc:
        errors = exc.errors()
        first = errors[0] if errors else None
        at = ".".join(str(p) for p in first["loc"]) if first else "the file"
        raise _problem(
            where,
            f"not a bulk screening summary (screen FILE --format json): {at}: {first['msg'] if first else 'does not fit'}"
            + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""),
            how,
        ) from None
    base = path.parent
    if not summary.outputs.findings:
        raise _problem(where, "the run names no findings file")
    findings_path = _output(base, summary.outputs.findings)
    if findings_path.suffix.lower() == ".csv":
        raise _problem(
            display_path(findings_path),
            "rescreen reads the findings as JSON lines; this run wrote them as CSV",
            "screen with --findings-format jsonl (the default)",
        )
    raw: dict[int, str] = {}
    flagged: dict[int, tuple[str, set[str]]] = {}
    for n, line in enumerate(findings_path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:  # the shape checked in full where a row is re-judged (RowVerdict); here what selection needs
            v = json.loads(line)
            rules = {str(f["rule_id"]) for f in v["findings"]}
            rules |= {str(m["rule_id"]) for m in (v.get("goods_not_stated") or {}).get("measures", [])}
            raw[int(v["row"])] = line
            flagged[int(v["row"])] = (str(v["verdict"]), rules)
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(
                [
                    Diagnostic(
                        SourceLocation(display_path(findings_path), n),
                        "bad-file",
                        f"not a findings line of a bulk run: {exc}",
                    )
                ]
            ) from None
    table = None
    if summary.outputs.verdicts:
        verdicts_path = _output(base, summary.outputs.verdicts)
        try:
            table = pl.read_csv(
                verdicts_path,
                columns=["row", "verdict", "reason"],
                schema_overrides={"row": pl.Int64, "verdict": pl.String, "reason": pl.String},
            )
        except (pl.exceptions.PolarsError, OSError) as exc:
            raise _problem(display_path(verdicts_path), f"not a verdicts file: {exc}") from None
    complete = table is not None and table.height == summary.input.rows
    return PreviousRun(path, summary, raw, flagged, table, complete)


# --- what changed in the lists ---------------------------------------------------------------------


def _entry_key(lst: ScreeningList, e: ListEntry) -> tuple[str, str]:
    return (lst.kind, e.imo or (normalize(e.name) if e.kind.value == "vessel" else e.reference))


def _screening_view(e: ListEntry) -> dict[str, object]:
    return e.model_dump(mode="json", exclude={"listing"})  # where it sits in the list is never judged


class TouchedEntry(BaseModel):
    """A listed entry added, removed or changed, as screening sees it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    change: Literal["added", "removed", "changed"]
    list_kind: str
    reference: str
    name: str
    listed_on: str | None


def touched_entries(old: list[ScreeningList], new: list[ScreeningList]) -> tuple[list[TouchedEntry], list[ListEntry]]:
    """The entries added, removed or changed; and every version of them (old and new), to match rows against."""
    before = {_entry_key(lst, e): e for lst in old for e in lst.entries}
    after = {_entry_key(lst, e): e for lst in new for e in lst.entries}
    touched: list[TouchedEntry] = []
    versions: list[ListEntry] = []
    for key in sorted(set(before) | set(after)):
        b, a = before.get(key), after.get(key)
        if b is not None and a is not None and _screening_view(b) == _screening_view(a):
            continue
        shown = a or b
        assert shown is not None
        touched.append(
            TouchedEntry(
                change="added" if b is None else "removed" if a is None else "changed",
                list_kind=key[0],
                reference=shown.reference,
                name=shown.name,
                listed_on=str(shown.listed_on) if shown.listed_on else None,
            )
        )
        versions.extend(x for x in (b, a) if x is not None)
    return touched, versions


# --- which rows the change can reach ---------------------------------------------------------------


def _near(names: list[str], entries: list[ListEntry], threshold: float) -> set[str]:
    """The names that score at or above ``threshold`` against a name, alias or acronym of ``entries``,
    scored as screening scores them (:func:`~sanctionsengine.lookup.batch_scores`)."""
    from ..lookup import batch_scores
    from ..screening import entry_names

    targets = sorted({n for e in entries for n, _ in entry_names(e)})
    if not names or not targets:
        return set()
    out: set[str] = set()
    for start in range(0, len(names), _BLOCK):
        block = names[start : start + _BLOCK]
        best = batch_scores(block, targets, workers=-1).max(axis=1)
        out.update(n for n, score in zip(block, best, strict=True) if score >= threshold)
    return out


_BLOCK = 2000  # names scored at once (bounds the score matrix's memory)


def reached(good: pl.DataFrame, entries: list[ListEntry], threshold: float) -> pl.Series:
    """For each checked row: can a change to ``entries`` change its screening?"""
    if not entries or good.height == 0:
        return pl.Series("reached", [False] * good.height, dtype=pl.Boolean)
    names = sorted(
        {n for col in ("supplier_name", "recipient_name", "vessel") for n in good[col].drop_nulls().unique().to_list()}
    )
    near = sorted(_near(names, entries, max(threshold - MARGIN, 0.0)))
    imos = sorted({e.imo for e in entries if e.imo})
    refs = sorted({e.reference.upper() for e in entries})
    mask = (
        pl.col("supplier_name").is_in(near).fill_null(False)
        | pl.col("recipient_name").is_in(near).fill_null(False)
        | pl.col("vessel").is_in(near).fill_null(False)
        | pl.col("imo").is_in(imos).fill_null(False)
        | pl.col("supplier_ref").str.to_uppercase().is_in(refs).fill_null(False)
        | pl.col("recipient_ref").str.to_uppercase().is_in(refs).fill_null(False)
    )
    return good.select(mask.alias("reached"))["reached"]


def nexus(good: pl.DataFrame, lists: list[ScreeningList], threshold: float, target: str) -> pl.Series:
    """The DPRK-nexus test of the bulk map step (:func:`~sanctionsengine.bulk.pipeline.nexus_for`)."""
    from ..bulk.pipeline import nexus_for

    return good.select(nexus_for(good, target, lists, threshold).alias("nexus"))["nexus"]


# --- the delta -------------------------------------------------------------------------------------


class RowChange(BaseModel):
    """A row whose verdict (or, with the same verdict, whose findings) changed, and why."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    row: int
    line: int | None
    id: str
    old_verdict: str
    new_verdict: str
    worsened: bool = Field(description="The new verdict is more serious than the old")
    reasons: list[str]


@dataclass
class Delta:
    """The outcome of a delta re-screen: the rows re-judged and their new state."""

    mode: str  # "none", "lists" or "rulebook"
    touched: list[TouchedEntry]
    rejudged: set[int]
    new: dict[int, tuple[str, object | None]]  # row -> (verdict, RowVerdict if judged)
    changes: list[RowChange] = field(default_factory=list)
    findings_changed: list[RowChange] = field(default_factory=list)


_KEYS = ["_row", "supplier_name", "recipient_name", "vessel", "imo", "supplier_ref", "recipient_ref"]


def index_path(run: Path) -> Path:
    """Where a run's row index is kept: beside its summary, ``RUN.index.parquet``."""
    return run.with_name(f"{run.stem}.index.parquet")


def _input_path(prev: PreviousRun) -> Path:
    recorded = str(prev.summary.input.path)  # type: ignore[attr-defined]
    path = Path(recorded)
    if not path.is_file() and (prev.path.parent / recorded).is_file():
        path = prev.path.parent / recorded
    if not path.is_file():
        raise InputError(
            [Diagnostic(SourceLocation(recorded), "file-not-found", "the run's input file is not there any more")]
        )
    return path


def _read_all(prev: PreviousRun, book: Rulebook, path: Path) -> pl.DataFrame:
    """The run's input read and checked as the run did (its SHA-256 checked against the run's)."""
    from ..bulk.pipeline import temp_dir
    from ..bulk.read import file_sha256, plan, read_partition
    from ..bulk.rows import SCHEMA, check
    from ..bulk.run import _check_mapping, _reencoded

    s = prev.summary
    where = display_path(path)
    work = temp_dir()
    try:
        source = path
        encoding = s.input.encoding  # type: ignore[attr-defined]
        if encoding and encoding not in ("utf-8", "utf-8-sig"):
            source = _reencoded(path, encoding, where, work)
        columns = _check_mapping(source, s.input.format, s.mapping, None, where)  # type: ignore[attr-defined]
        parts, sha256 = plan(source, s.input.format, 250_000, where)  # type: ignore[attr-defined]
        if source != path:
            sha256 = file_sha256(path)
        if sha256 != s.input.sha256:  # type: ignore[attr-defined]
            raise _problem(
                where,
                f"the file has changed since the run (sha256 {sha256[:16]}…, the run read {s.input.sha256[:16]}…)",  # type: ignore[attr-defined]
                "screen the new file in full: rescreen re-judges a run's own rows against new lists",
            )
        frames = []
        for part in parts:
            good, _ = check(read_partition(part, columns).frame, s.mapping, book)  # type: ignore[attr-defined]
            frames.append(good)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return pl.concat(frames) if frames else pl.DataFrame(schema=SCHEMA)


def checked_rows(prev: PreviousRun, book: Rulebook) -> pl.LazyFrame:
    """Every readable row of the run's input, checked, from the run's row index.

    The index (``RUN.index.parquet``, the checked rows as Parquet, with ``RUN.index.json``
    saying what it was made from) is made on first use, after the input's SHA-256 is found equal
    to the run's, and read on later uses while the input keeps the size and modification time it
    had then (the file is hashed anew otherwise), and the mapping, the rulebook and the version of
    sanctionsengine are the same. A folder that cannot be written to only means no index is kept."""
    from .. import __version__

    path = _input_path(prev)
    index = index_path(prev.path)
    meta = index.with_suffix(".json")
    st = path.stat()
    stamp = {
        "input_sha256": prev.summary.input.sha256,  # type: ignore[attr-defined]
        "size": st.st_size,
        "mtime_ns": st.st_mtime_ns,
        "mapping": prev.summary.mapping.model_dump(mode="json"),  # type: ignore[attr-defined]
        "rulebook": book.hash,
        "sanctionsengine": __version__,
    }
    try:
        if index.is_file() and json.loads(meta.read_text(encoding="utf-8")) == stamp:
            return pl.scan_parquet(index)
    except (OSError, ValueError):
        pass
    rows = _read_all(prev, book, path)
    try:
        rows.write_parquet(index)
        meta.write_text(json.dumps(stamp, sort_keys=True), encoding="utf-8")
    except OSError:
        index.unlink(missing_ok=True)
    return rows.lazy()


def _judge(
    rows: pl.DataFrame, book: Rulebook, lists: list[ScreeningList], threshold: float, as_of: object
) -> dict[int, tuple[str, object | None]]:
    from ..bulk.pipeline import judge_rows, split_oversized

    out: dict[int, tuple[str, object | None]] = {}
    if rows.height == 0:
        return out
    is_nexus = nexus(rows, lists, threshold, book.regime.target_country)
    candidates = rows.filter(is_nexus)
    for r in rows.filter(~is_nexus)["_row"].to_list():
        out[int(r)] = (Verdict.OUT_OF_SCOPE.value, None)
    candidates, oversized = split_oversized(candidates, book)
    for rj in oversized:
        out[int(rj["row"])] = (REJECTED, None)
    judged, _ = judge_rows(book, candidates, lists, threshold, as_of) if candidates.height else ([], 0)  # type: ignore[arg-type]
    for v in judged:
        out[v.row] = (v.verdict.value, v)
    return out


def _rule_ids(v: object | None) -> set[str]:
    if v is None:
        return set()
    findings = getattr(v, "findings", [])
    undecided = getattr(v, "goods_not_stated", None)
    return {f.rule_id for f in findings} | set(undecided.rule_ids if undecided else [])


def delta(prev: PreviousRun, lists: list[ScreeningList], old_lists: list[ScreeningList], book: Rulebook) -> Delta:
    """Re-judge the rows of ``prev`` the change from ``old_lists`` to ``lists`` (or to ``book``) can reach."""
    s = prev.summary
    as_of = s.as_of  # type: ignore[attr-defined]
    touched, versions = touched_entries(old_lists, lists)
    rulebook_changed = book.hash != str(s.rulebook["hash"])  # type: ignore[attr-defined]
    caps = {r.id for r in book.rules if r.kind == RuleKind.CAP}
    if not rulebook_changed and not touched:
        return Delta("none", [], set(), {})
    from ..bulk.pipeline import prepare

    with ThreadPoolExecutor(1, thread_name_prefix="sanctionsengine-prepare") as pool:

        def start() -> Future[None]:  # the durable-rules host, built while the rows are read
            return pool.submit(prepare, book, as_of)

        mode, new = _rejudge(prev, lists, old_lists, versions, book, caps, rulebook_changed, start)
    result = Delta(mode, touched, set(new), new)
    _explain(prev, result, lists)
    return result


def _rejudge(
    prev: PreviousRun,
    lists: list[ScreeningList],
    old_lists: list[ScreeningList],
    versions: list[ListEntry],
    book: Rulebook,
    caps: set[str],
    rulebook_changed: bool,
    start: Callable[[], Future[None]],
) -> tuple[str, dict[int, tuple[str, object | None]]]:
    s = prev.summary
    threshold = float(s.name_threshold)  # type: ignore[attr-defined]
    as_of = s.as_of  # type: ignore[attr-defined]
    if rulebook_changed:
        mode = "rulebook"
        target = book.regime.target_country
        ready = start()
        every = checked_rows(prev, book).collect()
        rows = every.filter(nexus(every, lists, threshold, target) | nexus(every, old_lists, threshold, target))
        ready.result()
        return mode, _judge(rows, book, lists, threshold, as_of)
    else:
        mode = "lists"
        cap_reasons = prev.reasons(rules=caps)
        cap_rows = set(cap_reasons)
        checked = checked_rows(prev, book)
        keys = checked.select(_KEYS).collect()
        near_rows = set(keys.filter(reached(keys, versions, threshold))["_row"].to_list())
        if not near_rows:  # the change reaches no row: every verdict stands
            return mode, {}
        ready = start()
        rows = checked.filter(pl.col("_row").is_in(sorted(near_rows | cap_rows))).collect()
        near = rows.filter(pl.col("_row").is_in(sorted(near_rows)))
        ready.result()
        new = _judge(near, book, lists, threshold, as_of)
        # caps: every row of a cap that a re-judged row counts (or counted) towards, to a fixpoint
        old_reasons = prev.reasons(rows=set(new))
        row_caps = {r: (old_reasons.get(r, set()) | _rule_ids(new[r][1])) & caps for r in new}
        touched_caps = {c for found in row_caps.values() for c in found}
        if not prev.complete and touched_caps:
            raise _problem(
                display_path(prev.path),
                "a changed listing touches a row counted in a cap, and the run wrote no per-row verdicts, "
                "so the cap's other rows are not known",
                "screen with --verdicts FILE so that later runs can be re-screened in part",
            )
        members: set[int] = set()
        while True:
            more = {r for r in cap_rows if cap_reasons[r] & touched_caps} - members
            if not more:
                break
            members |= more
            touched_caps |= {c for r in more for c in cap_reasons[r] & caps}
        if members - set(new):  # the caps' rows together (a row in no cap keeps its verdict of the first pass)
            chosen = sorted({r for r, found in row_caps.items() if found} | members)
            new.update(_judge(rows.filter(pl.col("_row").is_in(chosen)), book, lists, threshold, as_of))
    return mode, new


def _column(prev: PreviousRun, role: str, method: str) -> str:
    field_name = {
        ("supplier", False): "supplier_name",
        ("supplier", True): "supplier_ref",
        ("recipient", False): "recipient_name",
        ("recipient", True): "recipient_ref",
        ("vessel", False): "vessel",
        ("vessel", True): "imo",
    }.get((role, method in ("imo", "un-reference")), role)
    return str(prev.summary.mapping.columns.get(field_name, field_name))  # type: ignore[attr-defined]


def _explain(prev: PreviousRun, d: Delta, lists: list[ScreeningList]) -> None:
    by_ref = {t.reference: t for t in d.touched}
    entries = {e.reference: e for lst in lists for e in lst.entries}
    old_verdicts = prev.verdicts_of(d.rejudged)
    for row in sorted(d.rejudged):
        old_v = old_verdicts[row]
        new_v, new_rv = d.new[row]
        old_rv = prev.finding(row)
        old_dump = old_rv.model_dump(mode="json") if old_rv is not None else None  # type: ignore[attr-defined]
        new_dump = new_rv.model_dump(mode="json") if new_rv is not None else None  # type: ignore[attr-defined]
        if old_v == new_v and (old_dump == new_dump or (old_dump is None and new_v not in _FLAGGED)):
            continue
        reasons: list[str] = []
        old_matches = {(m.role, m.reference, m.in_force) for m in getattr(old_rv, "matches", [])}
        for m in getattr(new_rv, "matches", []):
            if (m.role, m.reference, m.in_force) in old_matches or not m.in_force:
                continue
            t = by_ref.get(m.reference)
            e = entries.get(m.reference)
            listed = f" listed on {e.listed_on}" if e is not None and e.listed_on else ""
            how = f" ({m.method}, score {m.score:g})" if not m.definite else f" ({m.method})"
            change = f" ({t.change} in the new list)" if t else ""
            reasons.append(f"{m.reference}{listed}{change} matches {_column(prev, m.role, m.method)} '{m.query}'{how}")
        new_matches = {(m.role, m.reference, m.in_force) for m in getattr(new_rv, "matches", [])}
        for m in getattr(old_rv, "matches", []):
            if (m.role, m.reference, m.in_force) in new_matches or not m.in_force:
                continue
            t = by_ref.get(m.reference)
            why = "removed from the list" if t and t.change == "removed" else "changed in the list"
            reasons.append(f"{m.reference} {why}: no longer matches {_column(prev, m.role, m.method)} '{m.query}'")
        old_rules = {(f.rule_id, f.outcome.value) for f in getattr(old_rv, "findings", [])}
        new_rules = {(f.rule_id, f.outcome.value) for f in getattr(new_rv, "findings", [])}
        reasons += [f"finding {rid}: {o.replace('_', ' ')}" for rid, o in sorted(new_rules - old_rules)]
        reasons += [f"no longer finding {rid}: {o.replace('_', ' ')}" for rid, o in sorted(old_rules - new_rules)]
        if not reasons:
            reasons.append("its cap's running total changed" if old_v != new_v else "its findings' details changed")
        rank_old = _rank(old_v)
        row_change = RowChange(
            row=row,
            line=getattr(new_rv or old_rv, "line", None),
            id=str(getattr(new_rv or old_rv, "id", "")),
            old_verdict=old_v,
            new_verdict=new_v,
            worsened=_rank(new_v) < rank_old,
            reasons=reasons,
        )
        (d.changes if old_v != new_v else d.findings_changed).append(row_change)


_FLAGGED = {Verdict.VIOLATION.value, Verdict.POTENTIAL_VIOLATION.value, Verdict.UNDECIDABLE.value, Verdict.EXEMPT.value}


def _rank(verdict: str) -> int:
    if verdict == NOT_FLAGGED:
        return Verdict.NOT_PROHIBITED.rank  # not flagged: at worst not prohibited
    if verdict == REJECTED:
        return len(Verdict)
    return Verdict(verdict).rank


def full_state(prev: PreviousRun, d: Delta) -> dict[int, str]:
    """Every row's verdict after the delta: the run's own, with the re-judged rows replaced."""
    out = dict(prev.verdicts)
    out.update({r: v for r, (v, _) in d.new.items()})
    return out


def new_findings(prev: PreviousRun, d: Delta) -> list[str]:
    """The findings file after the delta (JSON lines, in row order, as a full run writes it)."""
    rows: dict[int, str] = {r: line for r, line in prev.raw.items() if r not in d.new}
    rows.update(
        {
            r: json.dumps(v.model_dump(mode="json"), ensure_ascii=False, sort_keys=True)  # type: ignore[attr-defined]
            for r, (verdict, v) in d.new.items()
            if v is not None and verdict in _FLAGGED
        }
    )
    return [rows[r] for r in sorted(rows)]
