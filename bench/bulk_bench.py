"""Bulk screening benchmark: the project against durable-rules row by row and a bare columnar scan.

For each size (10k, 100k, 1M rows of ``bulk_workload.py``'s deterministic ledger, JSON lines) it
measures, each in a fresh process so that peak memory is that process's own:

- **sanctionsengine, end to end**: ``sanctionsengine screen FILE`` as a user runs it (start-up,
  rulebook, lists, reading, checking, the nexus pre-screen, durable-rules on the match
  signatures, caps row by row, findings written);
- **sanctionsengine, evaluation**: ``screen_file`` alone in a warm process (the same work minus
  interpreter start-up, imports and loading the rulebook and lists);
- **durable-rules, one assert per row**: every row checked and turned into its event fact (not
  timed), then asserted on its own into the same compiled rulesets, timed; matching only, no
  verdicts, so the baseline is, if anything, flattered. Above ``--durable-sample`` rows it runs on
  the first rows only and the rate is extrapolated to the whole file (said so in the table);
- **bare columnar scan**: polars reading the same file and evaluating, per rule, its direction,
  event kinds and HS prefixes, plus the list look-ups: no dates, caps, thresholds or exemptions.

    python bench/bulk_bench.py                      # 10k, 100k and 1M rows
    python bench/bulk_bench.py --sizes 10000 --durable-sample 0

Lists: ``--list``/``--vessels`` (default: ``../shared/data/un-1718`` beside the repository, if
there); without them names and vessels are not screened, and the table says so.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
MAPPING = HERE / "ledger-mapping.yaml"
SHARED = ROOT.parent / "shared" / "data" / "un-1718"


def _measure(cmd: list[str]) -> tuple[float, float, str]:
    """(wall seconds, peak resident MiB, stdout) of one child process."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate()
    wall = time.perf_counter() - started
    if proc.returncode not in (0, 1):  # 1: something was flagged, as expected
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err.decode()}")
    return wall, _peak_of(err), out.decode()


def _peak_of(err: bytes) -> float:
    """The peak the child reported of itself (RUSAGE_CHILDREN would be a maximum over all children)."""
    for line in err.decode().splitlines()[::-1]:
        if line.startswith("PEAK_RSS_KB "):
            return int(line.split()[1]) / 1024
    return float("nan")


def _child(argv: list[str]) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--child", *argv]


def _lists_args(args: argparse.Namespace) -> list[str]:
    out = []
    for flag, path in (("--list", args.list), ("--vessels", args.vessels)):
        if path:
            out += [flag, str(path)]
    return out


def _report_peak() -> None:
    import resource

    print(f"PEAK_RSS_KB {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", file=sys.stderr)


def child(argv: list[str]) -> None:
    """The measured work, in its own process; prints its figures as JSON on stdout."""
    what, path = argv[0], Path(argv[1])
    extra = argv[2:]
    if what == "cli":
        from sanctionsengine.cli import main

        sys.argv = ["sanctionsengine", "screen", str(path), *extra]
        try:
            main()
        finally:
            _report_peak()
    from sanctionsengine.bulk.mapping import load_mapping
    from sanctionsengine.evaluation import load_lists
    from sanctionsengine.rulebook import bundled_rules_path, load_rulebook

    lists_from = dict(zip(extra[::2], extra[1::2], strict=True))
    lists = load_lists(
        [Path(lists_from["--list"])] if "--list" in lists_from else [],
        [Path(lists_from["--vessels"])] if "--vessels" in lists_from else [],
    )
    book = load_rulebook(bundled_rules_path())
    mapping = load_mapping(MAPPING)
    if what == "evaluate":
        from sanctionsengine.bulk.run import screen_file

        out = path.with_suffix(".bench-findings.jsonl")
        started = time.perf_counter()
        summary, _ = screen_file(path, mapping, book, lists, threshold=90, findings=out)
        seconds = time.perf_counter() - started
        out.unlink()
        print(json.dumps({"seconds": seconds, "rows": summary.input.rows, "signatures": summary.signatures}))
    elif what == "durable":
        print(json.dumps(_durable_one_by_one(path, int(lists_from.get("--sample", 0)), book, mapping, lists)))
    elif what == "scan":
        print(json.dumps(_bare_scan(path, book, mapping, lists)))
    _report_peak()


def _durable_one_by_one(path: Path, sample: int, book: object, mapping: object, lists: list) -> dict:  # type: ignore[type-arg]
    from sanctionsengine.bulk.read import plan, read_partition
    from sanctionsengine.bulk.rows import check, to_event
    from sanctionsengine.bulk.run import _check_mapping
    from sanctionsengine.compile import scenario_facts
    from sanctionsengine.evaluation import prepared_engine
    from sanctionsengine.screening import Screener

    parts, _ = plan(path, "jsonl", sample or 10**9)
    raw = read_partition(parts[0], _check_mapping(path, "jsonl", mapping))  # type: ignore[arg-type]
    good, _ = check(raw.frame, mapping, book)  # type: ignore[arg-type]
    events = [to_event(r) for r in good.to_dicts()]
    screener = Screener(lists, 90)
    facts = scenario_facts(events, "bench", [screener.screen_event(e) for e in events])
    engine = prepared_engine(book, None, 36_000)  # type: ignore[arg-type]
    started = time.perf_counter()
    matches = engine.run(facts, one_by_one=True)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows": len(events), "matches": len(matches)}


def _bare_scan(path: Path, book: object, mapping: object, lists: list) -> dict:  # type: ignore[type-arg]
    """Per rule: direction, event kinds and HS prefixes, column-wise; plus the list look-ups."""
    import polars as pl

    from sanctionsengine.vocabulary import Direction

    cols = mapping.columns  # type: ignore[attr-defined]
    kp = "KP"
    sup, rec = pl.col(cols["supplier"]), pl.col(cols["recipient"])
    kind = pl.col(cols["kind"]).fill_null("transfer") if "kind" in cols else pl.lit("transfer")
    hs = pl.col(cols["hs"]).cast(pl.String)
    direction = {
        Direction.TO_DPRK: rec == kp,
        Direction.FROM_DPRK: sup == kp,
        Direction.EITHER: (sup == kp) | (rec == kp),
        Direction.DPRK_CONDUCT: sup == kp,
        Direction.ANY: (sup == kp) | (rec == kp),
    }
    exprs = []
    for rule in book.rules:  # type: ignore[attr-defined]
        v = rule.versions[-1]
        prefixes = sorted({h for g in v.scope.commodities for m in book.groups.members(g) for h in m.hs})  # type: ignore[attr-defined]
        e = direction[v.scope.direction] & kind.is_in([k.value for k in v.scope.event_kinds])
        if prefixes:
            e = e & pl.any_horizontal([hs.str.starts_with(p) for p in prefixes])
        exprs.append(e.sum().alias(rule.id))
    names = sorted({a.name for lst in lists for entry in lst.entries for a in entry.aliases} | {
        entry.name for lst in lists for entry in lst.entries})  # fmt: skip
    imos = sorted({entry.imo for lst in lists for entry in lst.entries if entry.imo})
    listed = (
        pl.col(cols["supplier_name"]).is_in(names)
        | pl.col(cols["recipient_name"]).is_in(names)
        | pl.col(cols["vessel"]).is_in(names)
        | pl.col(cols["imo"]).cast(pl.String).is_in(imos)
    )
    exprs.append(listed.sum().alias("listed"))
    started = time.perf_counter()
    frame = pl.read_ndjson(path, infer_schema_length=None)
    read = time.perf_counter() - started
    for c in (cols["vessel"], cols["imo"], cols["supplier_name"], cols["recipient_name"]):
        if c not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(c))
    started = time.perf_counter()
    counts = frame.select(exprs).row(0, named=True)
    scan = time.perf_counter() - started
    return {"seconds": read + scan, "predicates_seconds": scan, "rows": frame.height, "hits": sum(counts.values())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--durable-sample", type=int, default=20_000, help="0: all rows, however long it takes")
    parser.add_argument(
        "--workdir", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "sanctionsengine-bench"
    )
    parser.add_argument("--list", type=Path, default=SHARED / "dprk-1718-list.xml")
    parser.add_argument("--vessels", type=Path, default=SHARED / "dprk-1718-vessels.json")
    parser.add_argument("--child", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    for name in ("list", "vessels"):
        if getattr(args, name) and not getattr(args, name).exists():
            setattr(args, name, None)
    sys.path.insert(0, str(HERE))
    from bulk_workload import write

    args.workdir.mkdir(parents=True, exist_ok=True)
    lists = _lists_args(args)
    print(
        f"lists: {', '.join(str(p) for p in (args.list, args.vessels) if p) or 'none (names and vessels not screened)'}"
    )
    header = (
        f"{'rows':>9} | {'end to end':>10} {'peak MiB':>8} | {'evaluation':>10} {'rows/s':>10} | "
        f"{'durable 1-by-1':>14} {'rows/s':>7} {'peak MiB':>8} | {'scan':>6} {'preds':>6} | "
        f"{'durable/eval':>12} {'eval/scan':>9}"
    )
    print(header)
    print("-" * len(header))
    for size in args.sizes:
        path = args.workdir / f"ledger-{size}.jsonl"
        if not path.exists():
            write(path, size)
        findings = args.workdir / f"ledger-{size}.findings.jsonl"
        cli = _child(["cli", str(path), "--mapping", str(MAPPING), "--findings", str(findings), "--no-audit",
                      "--format", "json", *lists])  # fmt: skip
        wall, peak, out = _measure(cli)
        summary = json.loads(out)
        _, _, out = _measure(_child(["evaluate", str(path), *lists]))
        evaluation = json.loads(out)["seconds"]
        sample = args.durable_sample if args.durable_sample and args.durable_sample < size else 0
        _, dpeak, out = _measure(_child(["durable", str(path), *lists, "--sample", str(sample)]))
        durable = json.loads(out)
        rate = durable["rows"] / durable["seconds"]
        durable_total = size / rate
        _, _, out = _measure(_child(["scan", str(path), *lists]))
        scan = json.loads(out)
        mark = "*" if sample else " "
        print(
            f"{size:>9,} | {wall:>9.2f}s {peak:>8.0f} | {evaluation:>9.2f}s {size / evaluation:>10,.0f} | "
            f"{durable_total:>12.1f}s{mark} {rate:>7,.0f} {dpeak:>8.0f} | {scan['seconds']:>5.2f}s "
            f"{scan['predicates_seconds']:>5.3f}s | {durable_total / evaluation:>11.0f}x {evaluation / scan['seconds']:>8.1f}x",
            flush=True,
        )
        assert summary["input"]["rows"] == size
    if any(args.durable_sample and args.durable_sample < s for s in args.sizes):
        print(f"* durable-rules ran on the first {args.durable_sample:,} rows; its time is that rate times the rows")
    print("end to end: the CLI process; evaluation: screen_file in a warm process; scan: read + predicates")


if __name__ == "__main__":
    main()
