"""How evaluation time grows with the number of events in a cap scenario.

Generates (deterministically, seeded) refined-petroleum deliveries to the DPRK by several
suppliers over several years, half of them with a notification to the Committee that names them,
and times the whole judgement (durable-rules matching, the cap ledger, the notification duty,
the verdicts) at each size. Run from the repository root:

    python bench/caps_bench.py              # 1k, 10k, 100k events
    python bench/caps_bench.py 1000 5000    # other sizes

Prints one line per size: events, facts asserted, seconds, events per second, peak memory.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from sanctionsengine.evaluation import judge_scenario  # noqa: E402
from sanctionsengine.quantities import Quantity  # noqa: E402
from sanctionsengine.rulebook import load_rulebook  # noqa: E402
from sanctionsengine.scenario import (  # noqa: E402
    Commodity,
    Event,
    Evidence,
    LoadedScenario,
    Party,
    Scenario,
    ScenarioInfo,
    Source,
)
from sanctionsengine.vocabulary import Confidence, EventKind, Unit  # noqa: E402
from sanctionsengine.yamlfile import YamlDocument  # noqa: E402

SUPPLIERS = ["RU", "CN", "SG", "MY", "VN"]
EVIDENCE = (Evidence(source="s", quote="q", claimed_by="bench", confidence=Confidence.REPORTED),)
SOURCE = Source(id="s", title="generated", language="en", url="about:bench")


def workload(n: int, seed: int = 2397) -> list[Event]:
    """About two thirds deliveries and one third notifications, spread over 2018-2024."""
    rng = random.Random(seed)
    events: list[Event] = []
    start = dt.date(2018, 1, 1)
    while len(events) < n:
        i = len(events)
        day = start + dt.timedelta(days=rng.randrange(7 * 365))
        supplier = rng.choice(SUPPLIERS)
        events.append(
            Event(
                id=f"d{i}",
                title="delivery",
                kind=EventKind.TRANSFER,
                date=day,
                supplier=Party(country=supplier),
                recipient=Party(country="KP"),
                commodity=Commodity(description="diesel", hs=("271019",), categories=("gasoil-diesel",)),
                quantity=Quantity(value=rng.randrange(50, 5000), unit=rng.choice([Unit.BARREL, Unit.TONNE])),
                evidence=EVIDENCE,
            )
        )
        if rng.random() < 0.5 and len(events) < n:
            events.append(
                Event(
                    id=f"n{i}",
                    title="notification",
                    kind=EventKind.NOTIFICATION,
                    date=day + dt.timedelta(days=rng.randrange(1, 45)),
                    supplier=Party(country=supplier),
                    concerns=("KP",),
                    refers_to=(f"d{i}",),
                    evidence=EVIDENCE,
                )
            )
    return events


def run(n: int) -> tuple[int, float, float]:
    book = load_rulebook(ROOT / "rules" / "un-dprk")
    events = workload(n)
    scenario = Scenario(scenario=ScenarioInfo(id="bench", title="bench"), sources=(SOURCE,), events=tuple(events))
    loaded = LoadedScenario(scenario=scenario, file="<bench>", sha256="", doc=YamlDocument("<bench>", None))
    judge_scenario(
        book,
        LoadedScenario(
            scenario=scenario.model_copy(update={"events": tuple(events[:10])}),
            file="<warm>",
            sha256="",
            doc=YamlDocument("<warm>", None),
        ),
        timeout=3600,
    )
    tracemalloc.start()
    started = time.perf_counter()
    verdicts = judge_scenario(book, loaded, timeout=3600)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(verdicts) == n
    return n, elapsed, peak / 2**20


def main(sizes: list[int]) -> None:
    print(f"{'events':>8} {'seconds':>9} {'events/s':>10} {'peak MiB':>9}")
    for size in sizes:
        n, seconds, peak = run(size)
        print(f"{n:>8} {seconds:>9.2f} {n / seconds:>10.0f} {peak:>9.1f}", flush=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1_000, 10_000, 100_000])
