"""Speed, from one run: start-up, a plain ledger against its columnar limit and against
durable-rules row by row, the scenario path by size, and single-event latency.

    python bench/speed_bench.py                                  # 1M-row ledger; 1k and 10k events
    python bench/speed_bench.py --rows 200000 --events 1000 10000 100000

Sections (each figure is the best of ``--repeat`` runs where it is cheap to repeat, since the
2-core development machine is shared; CPU seconds are printed beside wall seconds):

1. **Start-up**: ``sanctionsengine rules list``, ``validate`` and ``evaluate`` of the article
   scenario with both lists, each a fresh process, with a warm rulebook cache (a first run fills
   it; its time is printed as "cold").
2. **Plain ledger** (``plain_rows``: a deterministic generator; 9 columns: id, date, supplier and
   recipient country, HS code, quantity, unit, value, vessel; about 1% with a DPRK nexus), as
   JSON lines: ``sanctionsengine screen`` end to end (a fresh process: start-up, rulebook, lists,
   reading, checking, durable-rules, caps, findings written); a bare polars read of the same file
   plus, per rule, its direction, event kinds and HS prefixes and the vessel look-up (no dates,
   caps, thresholds or exemptions); and durable-rules asserting each row's fact on its own (on
   the first ``--durable-sample`` candidate rows, the rate extrapolated). Ratios against the bare
   scan.
3. **Scenario path**: ``bench/caps_bench.py``'s cap workload (deliveries of refined petroleum, half
   notified, each joined against the notification records), judged in a warm process.
4. **Single-event latency**: one delivery judged end to end in a warm process (screening against
   both lists, durable-rules in a fresh session, verdict), ``--latency-runs`` times; p50 and p99.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHARED = ROOT.parent / "shared"
UN_LIST = SHARED / "data" / "un-1718" / "dprk-1718-list.xml"
VESSELS = SHARED / "data" / "un-1718" / "dprk-1718-vessels.json"
ARTICLE = ROOT / "scenarios" / "pyongyang-visit-2024.yaml"
PLAIN_MAPPING = HERE / "plain-ledger-mapping.yaml"

COUNTRIES = ["CN", "RU", "SG", "MY", "VN", "TH", "IN", "AE", "TR", "DE", "NL", "GB", "US", "BR", "JP", "AU", "ZA"]
ORDINARY = [("010121", "piece"), ("100199", "tonne"), ("300490", "kilogram"), ("520100", "tonne"),
            ("720851", "tonne"), ("847130", "piece"), ("851712", "piece"), ("940360", "piece")]  # fmt: skip
NEXUS = [  # (hs, DPRK as recipient?, unit, quantity range)
    ("271019", True, "barrel", (500, 60_000)),
    ("270900", True, "barrel", (10_000, 200_000)),
    ("270112", False, "tonne", (1_000, 50_000)),
    ("260111", False, "tonne", (1_000, 30_000)),
    ("030389", False, "tonne", (10, 500)),
    ("620520", False, "piece", (1_000, 50_000)),
    ("870323", True, "vehicle", (1, 20)),
    ("847130", True, "piece", (1, 100)),
    ("100199", True, "tonne", (100, 5_000)),
]
VESSEL_NAMES = ["EVER GIVEN", "MAERSK ALFA", "OCEAN STAR", "NORDIC BREEZE", "PACIFIC DAWN"]
LISTED_VESSELS = ["CHON MA SAN", "ASIA BRIDGE 1"]  # on the 1718 vessels list


def plain_rows(n: int, seed: int = 1718):
    """The plain ledger: 9 columns, about 1% of rows to or from the DPRK (and 0.05% carried by a
    designated vessel between other countries); a fifth of the rows name their vessel."""
    rng = random.Random(seed)
    start = dt.date(2024, 1, 1)
    for i in range(n):
        day = (start + dt.timedelta(days=rng.randrange(366))).isoformat()
        if rng.random() < 0.01:
            hs, to_dprk, unit, (lo, hi) = rng.choice(NEXUS)
            other = rng.choice(COUNTRIES[:5])
            supplier, recipient = (other, "KP") if to_dprk else ("KP", other)
            quantity = rng.randint(lo, hi)
        else:
            supplier, recipient = rng.sample(COUNTRIES, 2)
            hs, unit = rng.choice(ORDINARY)
            quantity = rng.randint(1, 10_000)
        yield {
            "id": f"P{i:08d}",
            "date": day,
            "supplier_country": supplier,
            "recipient_country": recipient,
            "hs_code": hs,
            "quantity": quantity,
            "unit": unit,
            "value_usd": round(rng.uniform(100, 500_000), 2),
            "vessel": (rng.choice(LISTED_VESSELS) if rng.random() < 0.0025 else rng.choice(VESSEL_NAMES))
            if rng.random() < 0.2
            else None,
        }


def write_plain(path: Path, n: int) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for row in plain_rows(n):
            out.write(json.dumps(row, separators=(",", ":")) + "\n")
    return path


def _cpu_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(cmd: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(wall s, CPU s, stdout) of one child process."""
    cpu = _cpu_children()
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    wall = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr}")
    return wall, _cpu_children() - cpu, proc.stdout


def _best(cmd: list[str], env: dict[str, str], repeat: int) -> tuple[float, float]:
    runs = [_run(cmd, env)[:2] for _ in range(repeat)]
    return min(w for w, _ in runs), min(c for _, c in runs)


def _child(*argv: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--child", *argv]


def startup(env: dict[str, str], repeat: int) -> None:
    exe = [sys.executable, "-m", "sanctionsengine"]
    lists = ["--list", str(UN_LIST), "--vessels", str(VESSELS)]
    commands = {
        "rules list": [*exe, "rules", "list"],
        "validate (article)": [*exe, "validate", str(ARTICLE), "--sources", str(SHARED / "sources")],
        "evaluate (article, both lists)": [
            *exe, "evaluate", str(ARTICLE), "--sources", str(SHARED / "sources"), *lists, "--no-audit",
        ],
    }  # fmt: skip
    print("\n## Start-up (a fresh process each; best of", repeat, "runs)\n")
    print("| Command | cold cache, wall | warm cache, wall | warm cache, CPU |")
    print("|---|---:|---:|---:|")
    cold_env = {**env, "SANCTIONSENGINE_CACHE": env["SANCTIONSENGINE_CACHE"] + "-cold"}
    for name, cmd in commands.items():
        cold, _, _ = _run(cmd, {**cold_env, "SANCTIONSENGINE_RULEBOOK_CACHE": "off"})
        _run(cmd, env)  # fills the cache
        wall, cpu = _best(cmd, env, repeat)
        print(f"| `sanctionsengine {name}` | {cold:.2f} s | {wall:.2f} s | {cpu:.2f} s |", flush=True)


def ledger(rows: int, workdir: Path, env: dict[str, str], sample: int) -> None:
    path = workdir / f"plain-{rows}.jsonl"
    if not path.exists():
        write_plain(path, rows)
    size = path.stat().st_size / 2**20
    findings = workdir / f"plain-{rows}.findings.jsonl"
    cmd = [sys.executable, "-m", "sanctionsengine", "screen", str(path), "--mapping", str(PLAIN_MAPPING),
           "--list", str(UN_LIST), "--vessels", str(VESSELS), "--findings", str(findings), "--no-audit",
           "--format", "json"]  # fmt: skip
    wall, cpu, out = _run(cmd, env)
    summary = json.loads(out)
    assert summary["input"]["rows"] == rows, summary["input"]
    _, _, out = _run(_child("scan", str(path)), env)
    scan = json.loads(out)
    _, _, out = _run(_child("durable", str(path), str(sample)), env)
    durable = json.loads(out)
    rate = durable["rows"] / durable["seconds"]
    print(f"\n## Plain ledger: {rows:,} rows, {size:.0f} MB of JSON lines, both lists\n")
    print("| What | wall | rows/s | ÷ bare scan |")
    print("|---|---:|---:|---:|")
    base = scan["seconds"]
    print(f"| `sanctionsengine screen`, end to end (CPU {cpu:.2f} s) | {wall:.2f} s | {rows / wall:,.0f} | "
          f"{wall / base:.1f}x |")  # fmt: skip
    print(f"| bare polars: read ({scan['read_seconds']:.2f} s) + {scan['rules']} rule predicates "
          f"({scan['predicates_seconds']:.3f} s) | {base:.2f} s | {rows / base:,.0f} | 1.0x |")  # fmt: skip
    print(f"| durable-rules, one assert per row (the first {durable['rows']:,} rows timed, the rate extrapolated) "
          f"| {rows / rate:,.0f} s | {rate:,.0f} | {rows / rate / base:,.0f}x |")  # fmt: skip
    print(f"\nsanctionsengine is {rows / rate / wall:,.0f}x faster than durable-rules row by row, "
          f"{wall / base:.1f}x the bare scan; rows by verdict: {json.dumps(summary['by_verdict'], sort_keys=True)}, {summary['candidate_rows']:,} candidate rows, {summary['signatures']:,} signatures")  # fmt: skip
    findings.unlink(missing_ok=True)
    for extra in workdir.glob(f"plain-{rows}*.rejects.jsonl"):
        extra.unlink()


def child(argv: list[str]) -> None:
    what = argv[0]
    if what == "scan":
        print(json.dumps(_bare_scan(Path(argv[1]))))
    elif what == "durable":
        print(json.dumps(_durable_rows(Path(argv[1]), int(argv[2]))))
    elif what == "scenario":
        print(json.dumps(_scenario(int(argv[1]))))
    elif what == "latency":
        print(json.dumps(_latency(int(argv[1]))))


def _bare_scan(path: Path) -> dict[str, float]:
    import polars as pl

    from sanctionsengine.rulebook import bundled_rules_path, load_rulebook
    from sanctionsengine.screening import load_vessel_list
    from sanctionsengine.vocabulary import Direction

    book = load_rulebook(bundled_rules_path())
    vessels = load_vessel_list(VESSELS)
    names = sorted({e.name for e in vessels.entries} | {a.name for e in vessels.entries for a in e.aliases})
    sup, rec, hs = pl.col("supplier_country"), pl.col("recipient_country"), pl.col("hs_code").cast(pl.String)
    direction = {
        Direction.TO_DPRK: rec == "KP",
        Direction.FROM_DPRK: sup == "KP",
        Direction.DPRK_CONDUCT: sup == "KP",
        Direction.EITHER: (sup == "KP") | (rec == "KP"),
        Direction.ANY: (sup == "KP") | (rec == "KP"),
    }
    exprs = []
    for rule in book.rules:
        scope = rule.versions[-1].scope
        if "transfer" not in {k.value for k in scope.event_kinds}:
            continue  # a ledger row is a transfer
        prefixes = sorted({h for g in scope.commodities for m in book.groups.members(g) for h in m.hs})
        e = direction[scope.direction]
        if prefixes:
            e = e & pl.any_horizontal([hs.str.starts_with(p) for p in prefixes])
        exprs.append(e.sum().alias(rule.id))
    exprs.append(pl.col("vessel").is_in(names).sum().alias("listed vessel"))
    started = time.perf_counter()
    frame = pl.read_ndjson(path, infer_schema_length=None)
    read = time.perf_counter() - started
    started = time.perf_counter()
    frame.select(exprs).row(0)
    predicates = time.perf_counter() - started
    return {"seconds": read + predicates, "read_seconds": read, "predicates_seconds": predicates,
            "rules": len(exprs) - 1}  # fmt: skip


def _durable_rows(path: Path, sample: int) -> dict[str, float]:
    """durable-rules asserting each candidate row's event fact on its own, into the same rulesets."""
    from sanctionsengine.bulk.mapping import load_mapping
    from sanctionsengine.bulk.read import plan, read_partition
    from sanctionsengine.bulk.rows import check, to_event
    from sanctionsengine.bulk.run import _check_mapping
    from sanctionsengine.compile import scenario_facts
    from sanctionsengine.evaluation import prepared_engine
    from sanctionsengine.rulebook import bundled_rules_path, load_rulebook

    book = load_rulebook(bundled_rules_path())
    mapping = load_mapping(PLAIN_MAPPING)
    parts, _ = plan(path, "jsonl", sample)
    raw = read_partition(parts[0], _check_mapping(path, "jsonl", mapping))
    good, _ = check(raw.frame, mapping, book)
    events = [to_event(r) for r in good.to_dicts()]
    facts = scenario_facts(events, "bench")
    engine = prepared_engine(book, None, 36_000)
    started = time.perf_counter()
    engine.run(facts, one_by_one=True)
    return {"seconds": time.perf_counter() - started, "rows": len(events)}


def _scenario(n: int) -> dict[str, float]:
    """caps_bench's workload judged once after a warm-up, without tracemalloc (which slows
    Python's allocations several times); memory is the process's peak resident size."""
    sys.path.insert(0, str(HERE))
    from caps_bench import SOURCE, workload

    from sanctionsengine.evaluation import judge_scenario
    from sanctionsengine.rulebook import bundled_rules_path, load_rulebook
    from sanctionsengine.scenario import LoadedScenario, Scenario, ScenarioInfo
    from sanctionsengine.yamlfile import YamlDocument

    book = load_rulebook(bundled_rules_path())
    events = tuple(workload(n))

    def loaded(chosen: tuple[object, ...]) -> LoadedScenario:
        scenario = Scenario(scenario=ScenarioInfo(id="bench", title="bench"), sources=(SOURCE,), events=chosen)
        return LoadedScenario(scenario=scenario, file="<bench>", sha256="", doc=YamlDocument("<bench>", None))

    judge_scenario(book, loaded(events[:10]), timeout=3600)
    whole = loaded(events)
    started, cpu = time.perf_counter(), time.process_time()
    verdicts = judge_scenario(book, whole, timeout=3600)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert len(verdicts) == n
    return {"seconds": seconds, "cpu": cpu, "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _latency(runs: int) -> dict[str, float]:
    """One delivery, judged end to end as a screening service would: screen, match, verdict."""
    from sanctionsengine.evaluation import judge_scenario, load_lists
    from sanctionsengine.quantities import Quantity
    from sanctionsengine.rulebook import bundled_rules_path, load_rulebook
    from sanctionsengine.scenario import Commodity, Event, LoadedScenario, Party, Scenario, ScenarioInfo
    from sanctionsengine.vocabulary import EventKind, Unit
    from sanctionsengine.yamlfile import YamlDocument

    sys.path.insert(0, str(HERE))
    from caps_bench import EVIDENCE, SOURCE

    book = load_rulebook(bundled_rules_path())
    lists = load_lists([UN_LIST], [VESSELS])
    rng = random.Random(7)
    times: list[float] = []
    cpus: list[float] = []
    for i in range(runs + 20):  # the first 20 warm the engine and the caches
        event = Event(
            id=f"e{i}",
            title="delivery",
            kind=EventKind.TRANSFER,
            date=dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(300)),
            supplier=Party(country=rng.choice(["RU", "CN", "SG"]), name="Ocean Star Trading"),
            recipient=Party(country="KP"),
            commodity=Commodity(description="diesel", hs=("271019",), categories=("gasoil-diesel",)),
            quantity=Quantity(value=rng.randrange(50, 5000), unit=Unit.BARREL),
            evidence=EVIDENCE,
        )
        scenario = Scenario(scenario=ScenarioInfo(id="one", title="one"), sources=(SOURCE,), events=(event,))
        loaded = LoadedScenario(scenario=scenario, file="<one>", sha256="", doc=YamlDocument("<one>", None))
        started, cpu = time.perf_counter(), time.thread_time()
        (verdict,) = judge_scenario(book, loaded, lists=lists)
        elapsed, used = time.perf_counter() - started, time.thread_time() - cpu
        if i >= 20:
            times.append(elapsed)
            cpus.append(used)
    times.sort()
    cpus.sort()
    p99 = min(len(times) - 1, int(0.99 * len(times)))
    return {
        "runs": runs,
        "p50_ms": 1000 * statistics.median(times),
        "p99_ms": 1000 * times[p99],
        "cpu_p50_ms": 1000 * statistics.median(cpus),
        "cpu_p99_ms": 1000 * cpus[p99],
        "verdict": str(verdict.verdict),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000, help="plain-ledger rows (0: skip)")
    parser.add_argument("--events", type=int, nargs="*", default=[1_000, 10_000], help="scenario sizes")
    parser.add_argument("--durable-sample", type=int, default=20_000, help="ledger rows asserted one by one")
    parser.add_argument("--latency-runs", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--workdir", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "sanctionsengine-bench"
    )
    parser.add_argument("--child", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    args.workdir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "SANCTIONSENGINE_CACHE": str(args.workdir / "cache"), "PYTHONPATH": str(ROOT / "src")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # measure as installed: with compiled bytecode
    env.pop("SANCTIONSENGINE_RULEBOOK_CACHE", None)
    print(f"# sanctionsengine speed, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}, Python {sys.version.split()[0]}")  # fmt: skip
    startup(env, args.repeat)
    if args.rows:
        ledger(args.rows, args.workdir, env, args.durable_sample)
    if args.events:
        print("\n## Scenario path (cap workload of bench/caps_bench.py, judged in a warm process, no tracemalloc)\n")
        print("| Events | wall | CPU | events/s (CPU) | peak RSS MiB |")
        print("|---:|---:|---:|---:|---:|")
        for n in args.events:
            _, _, out = _run(_child("scenario", str(n)), env)
            r = json.loads(out)
            print(f"| {n:,} | {r['seconds']:.2f} s | {r['cpu']:.2f} s | {n / r['cpu']:,.0f} | {r['rss_mib']:.0f} |",
                  flush=True)  # fmt: skip
    if args.latency_runs:
        _, _, out = _run(_child("latency", str(args.latency_runs)), env)
        r = json.loads(out)
        print(f"\n## Single event, warm process ({r['runs']:,} runs; screening, durable-rules, verdict: "
              f"{r['verdict']})\n\nwall: p50 {r['p50_ms']:.2f} ms, p99 {r['p99_ms']:.2f} ms; "
              f"CPU of the calling thread: p50 {r['cpu_p50_ms']:.2f} ms, p99 {r['cpu_p99_ms']:.2f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
