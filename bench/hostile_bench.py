"""What hostile files cost now that they are bounded: a billion-laughs YAML, deep nesting, and a
scenario at the event limit (MAX_EVENTS), each timed end to end in this process.

    python bench/hostile_bench.py [EVENTS]        # default: limits.MAX_EVENTS
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from sanctionsengine.errors import InputError
from sanctionsengine.evaluation import evaluate
from sanctionsengine.limits import MAX_EVENTS
from sanctionsengine.render import render
from sanctionsengine.yamlfile import parse_yaml

HEAD = """scenario: {id: big, title: big}
sources:
  - {id: article, title: The article, language: ar, url: "https://example.org/a"}
events:
"""
EVENT = """  - id: e{i}
    title: delivery {i}
    kind: transfer
    date: 2024-{month:02d}-01
    supplier: {{country: RU}}
    recipient: {{country: KP}}
    commodity: {{description: diesel, hs: ["2710"]}}
    quantity: {{value: 10, unit: barrel}}
    evidence: [{{source: article, quote: x, claimed_by: the article, confidence: reported}}]
"""


def laughs(levels: int = 9) -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(1, levels):
        prev, name = chr(96 + n), chr(97 + n)
        lines.append(f"{name}: &{name} [" + ",".join(f"*{prev}" for _ in range(9)) + "]")
    return "\n".join(lines) + "\n"


def refused_in(text: str) -> float:
    started = time.perf_counter()
    try:
        parse_yaml(text, "hostile.yaml")
    except InputError:
        return time.perf_counter() - started
    raise SystemExit("not refused")


def main() -> None:
    events = int(sys.argv[1]) if len(sys.argv) > 1 else MAX_EVENTS
    bomb = laughs()
    print(f"billion laughs ({len(bomb)} bytes, 9 levels): refused in {refused_in(bomb) * 1000:.2f} ms")
    deep = "a: " + "[" * 100_000 + "]" * 100_000 + "\n"
    print(f"nesting 100,000 deep ({len(deep):,} bytes): refused in {refused_in(deep) * 1000:.2f} ms")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.yaml"
        path.write_text(HEAD + "".join(EVENT.format(i=i, month=1 + i % 12) for i in range(events)), encoding="utf-8")
        started = time.perf_counter()
        report = evaluate(path)
        judged = time.perf_counter() - started
        started = time.perf_counter()
        render(report, "markdown")
        rendered = time.perf_counter() - started
        print(
            f"{events:,} events ({path.stat().st_size:,} bytes): evaluated in {judged:.1f} s, rendered in {rendered:.1f} s"
        )


if __name__ == "__main__":
    main()
