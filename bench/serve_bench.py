"""Load and fault test of ``sanctionsengine serve`` on the loopback interface (bounded in count and time).

Starts the service in a subprocess (uvicorn, ``--workers`` processes (default 1), an API key, the lists in
``../shared/data/un-1718``, a fresh audit log) and drives it with an async httpx client:

- **single transactions**: ``POST /v1/screen`` with one transaction of ``bulk_workload.py``'s
  ledger per request, at 1, 8 and 32 concurrent clients; throughput and p50/p95/p99 latency,
  measured at the client (so the client's own time on this machine is included);
- **batches**: ``POST /v1/screen`` with ``--batch`` transactions per request, 2 clients; transactions/s;
- **kill and restart**: single transactions at 8 clients; the server is killed (SIGKILL) mid-load
  and started again, the load goes on; then every request that was answered 200 must be in the
  audit log (by its X-Request-Id, the record's run_id) and the chain must verify.

    python bench/serve_bench.py                       # the figures in the README
    python bench/serve_bench.py --requests 200 --batches 5

Needs the serve and test extras (FastAPI, uvicorn, httpx). Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import cycle
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHARED = ROOT.parent / "shared" / "data" / "un-1718"
sys.path.insert(0, str(HERE))

from bulk_workload import rows  # noqa: E402

from sanctionsengine.audit import entries, verify_chain  # noqa: E402
from sanctionsengine.bulk.mapping import load_mapping  # noqa: E402
from sanctionsengine.service.keys import new_key  # noqa: E402


def transactions(n: int) -> list[dict[str, Any]]:
    """The workload's rows under the bulk field names (its mapping file, read by the project)."""
    mapping = load_mapping(HERE / "ledger-mapping.yaml")
    out = []
    for row in rows(n):
        tx = {field: row[column] for field, column in mapping.columns.items() if row.get(column) is not None}
        tx.update({k: v for k, v in mapping.defaults.items() if k not in tx})
        out.append(tx)
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, work: Path, port: int, workers: int = 1):
        self.work, self.port, self.workers = work, port, workers
        self.key, line = new_key("bench")
        (work / "keys").write_text(line + "\n")
        self.audit = work / "audit.sqlite"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> float:
        started = time.perf_counter()
        cmd = [
            sys.executable,
            "-m",
            "sanctionsengine",
            "serve",
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
        ]
        cmd += ["--api-keys", str(self.work / "keys"), "--audit-db", str(self.audit)]
        cmd += ["--list", str(SHARED / "dprk-1718-list.xml"), "--vessels", str(SHARED / "dprk-1718-vessels.json")]
        log = (self.work / "server.log").open("ab")
        self.proc = subprocess.Popen(cmd, stdout=log, stderr=log, cwd=ROOT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/readyz", timeout=1).status_code == 200:
                    return time.perf_counter() - started
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None:
                sys.exit(f"the server exited: see {self.work / 'server.log'}")
            time.sleep(0.1)
        sys.exit("the server did not become ready within 60 s")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def load(
    url: str, key: str, bodies: list[bytes], clients: int, total: int, answered: list[str] | None = None
) -> dict[str, Any]:
    """``total`` requests over ``clients`` concurrent connections; latencies in ms."""
    latencies: list[float] = []
    failures: dict[str, int] = {}
    source = cycle(bodies)
    remaining = total
    headers = {"X-API-Key": key, "content-type": "application/json"}

    deadline = time.monotonic() + 300

    async def client(c: httpx.AsyncClient) -> None:
        nonlocal remaining
        while remaining > 0 and time.monotonic() < deadline:
            remaining -= 1
            body = next(source)
            t0 = time.perf_counter()
            try:
                r = await c.post(url, content=body, headers=headers)
            except httpx.ConnectError:  # the server is down (being restarted): not sent, so try again
                remaining += 1
                failures["refused while down"] = failures.get("refused while down", 0) + 1
                await asyncio.sleep(0.1)
                continue
            except httpx.HTTPError as exc:  # sent, and the connection died (killed): not answered
                failures[type(exc).__name__] = failures.get(type(exc).__name__, 0) + 1
                continue
            latencies.append((time.perf_counter() - t0) * 1000)
            if r.status_code == 200:
                if answered is not None:
                    answered.append(r.headers["x-request-id"])
            else:
                failures[str(r.status_code)] = failures.get(str(r.status_code), 0) + 1

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    started = time.perf_counter()
    async with httpx.AsyncClient(limits=limits, timeout=30) as c:
        await asyncio.gather(*(client(c) for _ in range(clients)))
    wall = time.perf_counter() - started
    return {"latencies": latencies, "wall": wall, "failures": failures}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=600, help="single-transaction requests per concurrency level")
    ap.add_argument("--batch", type=int, default=1000, help="transactions per batch request")
    ap.add_argument("--batches", type=int, default=10, help="batch requests")
    ap.add_argument("--restart-requests", type=int, default=600, help="requests of the kill-and-restart run")
    ap.add_argument("--workers", type=int, default=1, help="server processes (serve --workers)")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="sanctionsengine-serve-bench-"))
    server = Server(work, free_port(), args.workers)
    url = f"http://127.0.0.1:{server.port}/v1/screen"
    singles = [json.dumps({"transaction": t}).encode() for t in transactions(2000)]
    ledger = transactions(args.batch * 4)
    batches = [
        json.dumps({"transactions": ledger[i : i + args.batch]}).encode() for i in range(0, len(ledger), args.batch)
    ]
    print(
        f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start; {args.workers} worker(s)"
    )
    print(f"server ready in {server.start():.1f} s (start-up, rulebook, lists, durable-rules host)\n")
    try:
        asyncio.run(load(url, server.key, singles, 4, 100))  # warm-up: name look-ups, first compilations
        print("| load | clients | requests | transactions/s | p50 ms | p95 ms | p99 ms | not 200 |")
        print("|---|---:|---:|---:|---:|---:|---:|---|")
        for clients in (1, 8, 32):
            r = asyncio.run(load(url, server.key, singles, clients, args.requests))
            lat = r["latencies"]
            print(
                f"| single transaction | {clients} | {len(lat)} | {len(lat) / r['wall']:,.0f} | "
                f"{statistics.median(lat):.1f} | {percentile(lat, 95):.1f} | {percentile(lat, 99):.1f} | "
                f"{r['failures'] or 'none'} |"
            )
        r = asyncio.run(load(url, server.key, batches, 2, args.batches))
        lat = r["latencies"]
        print(
            f"| batch of {args.batch:,} | 2 | {len(lat)} | {len(lat) * args.batch / r['wall']:,.0f} | "
            f"{statistics.median(lat):.0f} | {percentile(lat, 95):.0f} | {percentile(lat, 99):.0f} | "
            f"{r['failures'] or 'none'} |"
        )

        answered: list[str] = []

        async def with_a_kill() -> dict[str, Any]:
            async def killer() -> None:
                await asyncio.sleep(1.5)
                server.kill()
                await asyncio.to_thread(server.start)

            task = asyncio.create_task(killer())
            result = await load(url, server.key, singles, 8, args.restart_requests, answered)
            await task
            return result

        r = asyncio.run(with_a_kill())
        server.stop()
        logged = {e.record.run_id for e in entries(server.audit)}
        missing = [a for a in answered if a not in logged]
        check = verify_chain(server.audit)
        print(
            f"\nkill and restart (SIGKILL after 1.5 s, restarted at once): {len(answered)} requests answered 200 "
            f"(others: {r['failures'] or 'none'}); "
            f"{len(answered) - len(missing)} of them in the audit log, {len(missing)} missing; "
            f"{check.records} records, chain {'intact' if check.intact else 'BROKEN: ' + '; '.join(check.problems)}"
        )
        if missing or not check.intact:
            sys.exit(1)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
