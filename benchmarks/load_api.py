"""Load test of the HTTP API on loopback: concurrent clients against the dyad and events endpoints.

    .venv/bin/python benchmarks/load_api.py                      # 100k events, 50 clients, 30 s
    .venv/bin/python benchmarks/load_api.py --events 20000 --clients 10 --duration 5

1. Builds (or reuses, with ``--store DIR``) a synthetic store of ``--events`` events
   (``communique.relations.synthetic``), ingested through the store's ordinary ``ingest_items``.
2. Starts ``communique serve`` on 127.0.0.1 at a free port (loopback only; the script refuses
   anything else) and waits for ``/api/health``.
3. Runs ``--clients`` concurrent clients for ``--duration`` seconds, each requesting in turn a dyad
   series (a random pair of countries, week/month/quarter, directed or not) and an events page
   (random actor/recipient/category filters and offsets).
4. Prints requests, throughput, p50/p99/max latency per endpoint and overall, and the error count
   (any non-200 answer or failed request), then stops the server.

Bounded: at most 200 clients and 600 seconds; exit status 1 when any request failed.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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


async def client(base: str, deadline: float, seed: int, results: dict[str, list[float]], errors: list[str]) -> None:
    rng = random.Random(seed)
    async with httpx.AsyncClient(base_url=base, timeout=30.0) as http:
        turn = seed % 2
        while time.monotonic() < deadline:
            kind = "dyad" if turn == 0 else "events"
            turn ^= 1
            path, params = dyad_request(rng) if kind == "dyad" else events_request(rng)
            started = time.perf_counter()
            try:
                response = await http.get(path, params=params)
                ok = response.status_code == 200
                if not ok:
                    errors.append(f"{response.status_code} {path}")
            except httpx.HTTPError as exc:
                ok = False
                errors.append(f"{type(exc).__name__} {path}")
            if ok:
                results[kind].append((time.perf_counter() - started) * 1000)


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000, help="Synthetic events in the store.")
    parser.add_argument("--clients", type=int, default=50, help="Concurrent clients (at most 200).")
    parser.add_argument("--duration", type=float, default=30.0, help="Seconds of load (at most 600).")
    parser.add_argument("--store", type=Path, help="Reuse (or build once into) this store folder.")
    args = parser.parse_args()
    if not 1 <= args.clients <= 200 or not 0 < args.duration <= 600 or not 0 < args.events <= 1_000_000:
        parser.error("bounds: 1–200 clients, up to 600 s, up to 1,000,000 events")

    tmp = None
    store_dir = args.store
    if store_dir is None:
        tmp = Path(tempfile.mkdtemp(prefix="communique-load-"))
        store_dir = tmp / "store"
    try:
        if not (store_dir / "communique-store.json").exists():
            started = time.monotonic()
            store, summary = build_store(store_dir, synthetic_analyses(args.events, per_article=10),
                                         batch_size=2000)
            store.close()
            print(f"built store: {summary.stored} articles, {args.events} events in "
                  f"{time.monotonic() - started:.0f} s → {store_dir}", file=sys.stderr)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        proc = subprocess.Popen([sys.executable, "-m", "communique", "serve", "--store", str(store_dir),
                                 "--host", "127.0.0.1", "--port", str(port)])
        try:
            wait_ready(base, proc)
            results: dict[str, list[float]] = {"dyad": [], "events": []}
            errors: list[str] = []
            deadline = time.monotonic() + args.duration

            async def run() -> None:
                await asyncio.gather(*(client(base, deadline, i, results, errors) for i in range(args.clients)))

            began = time.monotonic()
            asyncio.run(run())
            elapsed = time.monotonic() - began
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
    print(f"load: {args.clients} clients × {args.duration:.0f} s on {args.events} events (loopback)")
    for name, values in (("dyad", results["dyad"]), ("events", results["events"]), ("all", everything)):
        print(f"  {name:7s} {len(values):6d} ok  p50 {percentile(values, 0.5):7.1f} ms  "
              f"p99 {percentile(values, 0.99):7.1f} ms  max {max(values, default=float('nan')):7.1f} ms")
    print(f"  throughput {len(everything) / elapsed:.0f} requests/s; errors {len(errors)}")
    for line in sorted(set(errors))[:10]:
        print(f"    error: {line}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
