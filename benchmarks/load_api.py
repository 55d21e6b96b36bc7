"""Load test of the HTTP API on loopback: concurrent clients against the dyad and events endpoints.

    .venv/bin/python benchmarks/load_api.py                      # 100k events, 50 clients, 30 s
    .venv/bin/python benchmarks/load_api.py --events 20000 --clients 10 --duration 5

1. Builds (or reuses, with ``--store DIR``) a synthetic store of ``--events`` events
   (``communique.relations.synthetic``), ingested through the store's ordinary ``ingest_items``.
2. Starts ``communique serve`` on 127.0.0.1 at a free port (loopback only; the script refuses
   anything else) and waits for ``/api/health``.
   ``--workers N`` is passed to ``communique serve``.
3. Warm-up (not timed): every client sends one dyad and one events request, so the server has built
   its per-snapshot structures; the slowest warm-up answer is printed as the cold-start cost.
4. Runs ``--clients`` concurrent clients for ``--duration`` seconds, each requesting in turn a dyad
   series (a random pair of countries, week/month/quarter, directed or not) and an events page
   (random actor/recipient/category filters and offsets). Each client holds one keep-alive
   connection and uses a minimal HTTP/1.1 client (a full client library would take CPU from the
   server: both run on this machine).
5. Prints requests, throughput, p50/p99/max latency per endpoint and overall, the error count
   (any non-200 answer or failed request), the CPU seconds the server and the load generator used
   during the timed run and the load average around it (the cores are shared), then stops the server.

Bounded: at most 200 clients and 600 seconds; exit status 1 when any request failed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx

from communique.relations.synthetic import COUNTRIES, build_store, synthetic_analyses

CATEGORIES = ["CONSULT", "COOPERATE", "ACCUSE", "SANCTION", "AID", "THREATEN", "AGREE"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def dyad_request(rng: random.Random) -> tuple[str, dict[str, str]]:
    a, b = rng.sample(list(COUNTRIES), 2) if rng.random() < 0.7 else ("IRN", "RUS")
    params = {"freq": rng.choice(["week", "month", "quarter"])}
    if rng.random() < 0.3:
        params["directed"] = "true"
    return f"/api/dyad/{a}/{b}", params


def events_request(rng: random.Random) -> tuple[str, dict[str, str]]:
    params: dict[str, str] = {"limit": "50", "offset": str(rng.choice([0, 0, 50, 100, 500]))}
    roll = rng.random()
    if roll < 0.4:
        params["actor"] = rng.choice(list(COUNTRIES))
    elif roll < 0.7:
        params["actor"], params["recipient"] = rng.sample(list(COUNTRIES), 2)
    else:
        params["category"] = rng.choice(CATEGORIES)
    return "/api/events", params


class Connection:
    """One keep-alive HTTP/1.1 connection on loopback: the load generator's client.

    Deliberately minimal (GET, Content-Length bodies only): a full client library costs about a
    millisecond of CPU per request, which on a 2-core machine is CPU taken from the server under
    test and would make the server look slower than it is.
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str, params: dict[str, str]) -> tuple[int, bytes]:
        if self.writer is None or self.reader is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        target = f"{path}?{urlencode(params)}" if params else path
        self.writer.write(f"GET {target} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n\r\n".encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        length = 0
        closing = False
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "connection" and value.strip().lower() == "close":
                closing = True
        body = await self.reader.readexactly(length)
        if closing:
            await self.close()
        return status, body

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            try:
                await self.writer.wait_closed()
            except OSError:
                pass
        self.reader = self.writer = None


async def client(host: str, port: int, deadline: float, seed: int, results: dict[str, list[float]],
                 errors: list[str], requests: int | None = None) -> None:
    rng = random.Random(seed)
    conn = Connection(host, port)
    turn = seed % 2
    try:
        while time.monotonic() < deadline and (requests is None or requests > 0):
            requests = None if requests is None else requests - 1
            kind = "dyad" if turn == 0 else "events"
            turn ^= 1
            path, params = dyad_request(rng) if kind == "dyad" else events_request(rng)
            started = time.perf_counter()
            try:
                status, _ = await asyncio.wait_for(conn.get(path, params), timeout=30.0)
                ok = status == 200
                if not ok:
                    errors.append(f"{status} {path}")
            except (TimeoutError, OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError, IndexError) as exc:
                ok = False
                errors.append(f"{type(exc).__name__} {path}")
                await conn.close()
            if ok:
                results[kind].append((time.perf_counter() - started) * 1000)
    finally:
        await conn.close()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def wait_ready(base: str, proc: subprocess.Popen[bytes], timeout: float = 300.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with status {proc.returncode}")
        try:
            if httpx.get(f"{base}/api/health", timeout=60).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit("server did not become ready")


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its waited-for children (uvicorn's workers), from /proc."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    pids = [pid]
    try:
        pids += [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        pass
    for one in pids:
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(v) for v in fields[11:15]) / tick  # utime, stime, cutime, cstime
    return total


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000, help="Synthetic events in the store.")
    parser.add_argument("--clients", type=int, default=50, help="Concurrent clients (at most 200).")
    parser.add_argument("--duration", type=float, default=30.0, help="Seconds of load (at most 600).")
    parser.add_argument("--workers", type=int, default=1, help="Server worker processes (communique serve --workers).")
    parser.add_argument("--store", type=Path, help="Reuse (or build once into) this store folder.")
    args = parser.parse_args()
    if not 1 <= args.clients <= 200 or not 0 < args.duration <= 600 or not 0 < args.events <= 1_000_000:
        parser.error("bounds: 1–200 clients, up to 600 s, up to 1,000,000 events")
    if not 1 <= args.workers <= 16:
        parser.error("bounds: 1–16 workers")

    tmp = None
    store_dir = args.store
    if store_dir is None:
        tmp = Path(tempfile.mkdtemp(prefix="communique-load-"))
        store_dir = tmp / "store"
    host = "127.0.0.1"  # loopback only: this script never sends traffic anywhere else
    try:
        if not (store_dir / "communique-store.json").exists():
            started = time.monotonic()
            store, summary = build_store(store_dir, synthetic_analyses(args.events, per_article=10),
                                         batch_size=2000)
            store.close()
            print(f"built store: {summary.stored} articles, {args.events} events in "
                  f"{time.monotonic() - started:.0f} s → {store_dir}", file=sys.stderr)
        port = free_port()
        base = f"http://{host}:{port}"
        proc = subprocess.Popen([sys.executable, "-m", "communique", "serve", "--store", str(store_dir),
                                 "--host", host, "--port", str(port), "--workers", str(args.workers)])
        try:
            began = time.monotonic()
            wait_ready(base, proc)
            ready = time.monotonic() - began
            # Warm-up, not timed: one round of requests from every client, so each worker has built
            # its snapshot structures; the slowest of these is the cold-start cost, shown apart.
            warm: dict[str, list[float]] = {"dyad": [], "events": []}
            warm_errors: list[str] = []

            async def warm_up() -> None:
                end = time.monotonic() + 120
                await asyncio.gather(*(client(host, port, end, 10_000 + i, warm, warm_errors, 2)
                                       for i in range(args.clients)))

            asyncio.run(warm_up())
            results: dict[str, list[float]] = {"dyad": [], "events": []}
            errors: list[str] = []
            load_before = load_average()
            server_cpu = cpu_seconds(proc.pid)
            own_cpu = time.process_time()
            deadline = time.monotonic() + args.duration

            async def run() -> None:
                await asyncio.gather(*(client(host, port, deadline, i, results, errors) for i in range(args.clients)))

            began = time.monotonic()
            asyncio.run(run())
            elapsed = time.monotonic() - began
            server_cpu = cpu_seconds(proc.pid) - server_cpu
            own_cpu = time.process_time() - own_cpu
            load_after = load_average()
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)

    everything = results["dyad"] + results["events"]
    cold = warm["dyad"] + warm["events"]
    print(f"load: {args.clients} clients × {args.duration:.0f} s on {args.events} events (loopback), "
          f"server: {args.workers} worker process(es)")
    print(f"  machine: {os.cpu_count()} cores; load average {load_before} before, {load_after} after "
          "(other processes share the cores)")
    print(f"  server ready in {ready:.1f} s; warm-up round (not timed) max {max(cold, default=float('nan')):.0f} ms, "
          f"{len(warm_errors)} errors")
    for name, values in (("dyad", results["dyad"]), ("events", results["events"]), ("all", everything)):
        print(f"  {name:7s} {len(values):6d} ok  p50 {percentile(values, 0.5):7.1f} ms  "
              f"p99 {percentile(values, 0.99):7.1f} ms  max {max(values, default=float('nan')):7.1f} ms")
    print(f"  throughput {len(everything) / elapsed:.0f} requests/s; errors {len(errors)}")
    print(f"  CPU during the timed run ({elapsed:.1f} s wall): server {server_cpu:.1f} s "
          f"({server_cpu / elapsed * 100:.0f}% of a core), load generator (this process, same machine) "
          f"{own_cpu:.1f} s ({own_cpu / elapsed * 100:.0f}%)")
    for line in sorted(set(errors))[:10]:
        print(f"    error: {line}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
