"""Delta re-screening against a full re-screen, on a large ledger, after a 5-entry list change.

Steps (each command in its own process, timed end to end as a user runs it):

1. write ``bulk_workload.py``'s deterministic ledger (default 1,000,000 rows, JSON lines);
2. screen it in full against the shared UN list and vessels list, with per-row verdicts and the
   summary as JSON (the run to re-screen; not timed);
3. for each of two cases, make a new UN list: the shared one with 5 entries changed (2 added,
   1 removed, 2 given an alias). In the *usual* case the 2 new entities trade with nobody in the
   ledger (as most new designations); in the *counterparties* case they are 2 companies that
   trade in it, each on some 300 rows, and their many near namesakes;
4. time ``sanctionsengine rescreen RUN.json --list NEW`` (the delta), twice: the first builds the
   run's row index, later ones (the daily case) read it;
5. time ``sanctionsengine screen LEDGER --list NEW ...`` (the full re-screen, with the same outputs);
6. check that the delta's changed rows are exactly the rows whose verdict differs between the two
   full runs, and print the figures.

    python bench/rescreen_bench.py                  # 1,000,000 rows
    python bench/rescreen_bench.py --rows 100000 --workdir /tmp/rescreen
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from sanctionsengine.rescreen.delta import index_path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
MAPPING = HERE / "ledger-mapping.yaml"
SHARED = ROOT.parent / "shared" / "data" / "un-1718"
CLI = [sys.executable, "-m", "sanctionsengine"]


def _run(args: list[str], out: Path | None = None) -> float:
    started = time.perf_counter()
    proc = subprocess.run([*CLI, *args], capture_output=True)
    wall = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        sys.exit(f"{' '.join(args)} failed ({proc.returncode}):\n{proc.stderr.decode()}")
    if out is not None:
        out.write_bytes(proc.stdout)
    return wall


def _ledger_names(ledger: Path, n: int) -> list[str]:
    """The first ``n`` distinct exporter names of the ledger (companies that trade in it)."""
    names: list[str] = []
    with ledger.open(encoding="utf-8") as fh:
        for line in fh:
            name = json.loads(line).get("exporter")
            if name and name not in names:
                names.append(name)
                if len(names) == n:
                    return names
    return names


def changed_list(source: Path, target: Path, new_names: list[str]) -> list[str]:
    """The UN list with 5 entries changed: 2 added, 1 removed, 2 given an alias. Returns what changed."""
    tree = ET.parse(source)
    root = tree.getroot()
    entities = root.find("ENTITIES")
    assert entities is not None
    done = []
    for n, name in enumerate(new_names, 1):
        rec = ET.SubElement(entities, "ENTITY")
        for tag, text in (
            ("FIRST_NAME", name.upper()),
            ("UN_LIST_TYPE", "DPRK"),
            ("REFERENCE_NUMBER", f"KPe.9{n:02d}"),
            ("LISTED_ON", "2024-01-01"),
        ):
            ET.SubElement(rec, tag).text = text
        done.append(f"added KPe.9{n:02d} {name.upper()}")
    records = [e for e in entities if e.findtext("UN_LIST_TYPE") == "DPRK"]
    removed = records[0]
    entities.remove(removed)
    done.append(f"removed {removed.findtext('REFERENCE_NUMBER')}")
    for rec, alias in zip(records[1:3], ("Chilbosan Rungra Bureau", "Kwangmyong Hwasong Agency"), strict=True):
        al = ET.SubElement(rec, "ENTITY_ALIAS")
        ET.SubElement(al, "QUALITY").text = "a.k.a."
        ET.SubElement(al, "ALIAS_NAME").text = alias
        done.append(f"alias '{alias}' added to {rec.findtext('REFERENCE_NUMBER')}")
    root.set("dateGenerated", "2026-06-02T00:00:00Z")
    tree.write(target, encoding="utf-8", xml_declaration=True)
    return done


def _verdicts(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8", newline="") as fh:
        return {r["row"]: r["verdict"] for r in csv.DictReader(fh)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/sanctionsengine-rescreen-bench"))
    parser.add_argument("--list", type=Path, default=SHARED / "dprk-1718-list.xml")
    parser.add_argument("--vessels", type=Path, default=SHARED / "dprk-1718-vessels.json")
    args = parser.parse_args()
    work = args.workdir
    work.mkdir(parents=True, exist_ok=True)
    ledger = work / f"ledger-{args.rows}.jsonl"
    if not ledger.exists():
        subprocess.run([sys.executable, str(HERE / "bulk_workload.py"), str(args.rows), str(ledger)], check=True)
    screen = ["screen", str(ledger), "--mapping", str(MAPPING), "--vessels", str(args.vessels), "--format", "json"]
    screen += ["--no-audit", "--fail-on", "never"]
    old_run = work / "run-old.json"
    _run([*screen, "--list", str(args.list), "--findings", str(work / "old.findings.jsonl"),
          "--verdicts", str(work / "old.verdicts.csv")], old_run)  # fmt: skip
    print(f"ledger: {args.rows:,} rows ({ledger})")
    old_v = _verdicts(work / "old.verdicts.csv")
    failed = False
    for case, names in (("usual", ["HYOKSIN UNHA CORPORATION", "PUNGHWA YARDS"]),
                        ("counterparties", _ledger_names(ledger, 2))):  # fmt: skip
        new_list = work / f"new-list-{case}.xml"
        changes = changed_list(args.list, new_list, names)
        index_path(old_run).unlink(missing_ok=True)
        report = work / f"rescreen-{case}.json"
        rescreen = [
            "rescreen",
            str(old_run),
            "--list",
            str(new_list),
            "--vessels",
            str(args.vessels),
            "--format",
            "json",
        ]
        first = _run(rescreen, report)
        later = _run(rescreen, report)
        full = _run([*screen, "--list", str(new_list), "--findings", str(work / f"new-{case}.findings.jsonl"),
                     "--verdicts", str(work / f"new-{case}.verdicts.csv")], work / f"run-{case}.json")  # fmt: skip
        (result,) = json.loads(report.read_text(encoding="utf-8"))["runs"]
        new_v = _verdicts(work / f"new-{case}.verdicts.csv")
        differ = sorted(int(r) for r in old_v if old_v[r] != new_v[r])
        agree = sorted(c["row"] for c in result["changes"]) == differ
        failed |= not agree
        print(f"\n{case}: " + "; ".join(changes))
        print(f"  delta re-screen, first (makes the row index): {first:6.2f} s ({100 * first / full:.1f} % of full)")
        print(f"  delta re-screen, later (reads the index):     {later:6.2f} s ({100 * later / full:.1f} % of full)")
        print(f"  full re-screen:                               {full:6.2f} s")
        print(f"  rows re-judged by the delta: {result['rejudged']:,}; verdicts changed: {len(result['changes']):,}")
        print(f"  the delta's changed rows are the rows whose verdict differs between the full runs: {agree}")
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
