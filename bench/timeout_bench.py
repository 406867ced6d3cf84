"""How long ``evaluate --timeout 1`` takes on a scenario at the event limit, wall clock, as a user
runs it (a fresh process, Python's start-up included): the bound covers the whole run.

    python bench/timeout_bench.py [EVENTS] [TIMEOUT]     # default: limits.MAX_EVENTS, 1 s
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from hostile_bench import EVENT, HEAD

from sanctionsengine.limits import MAX_EVENTS


def main() -> None:
    events = int(sys.argv[1]) if len(sys.argv) > 1 else MAX_EVENTS
    timeout = sys.argv[2] if len(sys.argv) > 2 else "1"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.yaml"
        path.write_text(HEAD + "".join(EVENT.format(i=i, month=1 + i % 12) for i in range(events)), encoding="utf-8")
        command = [sys.executable, "-m", "sanctionsengine", "evaluate", str(path), "--timeout", timeout, "--no-audit"]
        started = time.perf_counter()
        done = subprocess.run([*command, "--no-cached-lists"], capture_output=True, text=True)
        took = time.perf_counter() - started
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import sanctionsengine.cli"], check=True)
        startup = time.perf_counter() - started
    print(
        f"{events:,} events, --timeout {timeout}: exit {done.returncode} after {took:.1f} s "
        f"(of which {startup:.1f} s is starting Python and importing the CLI); {done.stderr.strip()[:120]}"
    )


if __name__ == "__main__":
    main()
