"""A run killed with SIGKILL at random points, again and again, then re-run: every article exactly once."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from communique.store import open_store
from conftest import FIXTURES

SCRIPT = FIXTURES / "store" / "ingest_script.py"


def _count_once(store_dir: Path) -> tuple[int, int]:
    store = open_store(store_dir)
    try:
        (row,) = store.sql("SELECT count(*) AS n, count(DISTINCT article_id) AS d FROM articles").to_pylist()
        return row["n"], row["d"]
    finally:
        store.close()


def test_ingest_killed_at_random_points_then_rerun_stores_every_article_exactly_once(tmp_path):
    n, batch = 60, 3
    store_dir = tmp_path / "store"
    rng = random.Random(20250418)
    partial_counts = []
    for _ in range(8):
        proc = subprocess.Popen([sys.executable, str(SCRIPT), str(store_dir), str(n), str(batch)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        # Let it commit a random number of batches, then kill it somewhere inside the next one.
        wait_batches = rng.randint(1, 6)
        for _ in range(wait_batches):
            if not proc.stdout.readline():
                break
        time.sleep(rng.uniform(0, 0.03))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        stored, distinct = _count_once(store_dir)
        assert stored == distinct  # never a duplicate, whatever the kill point
        partial_counts.append(stored)
    assert any(0 < c < n for c in partial_counts), partial_counts

    done = subprocess.run([sys.executable, str(SCRIPT), str(store_dir), str(n), str(batch)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert _count_once(store_dir) == (n, n)
    store = open_store(store_dir)
    ids = store.table("articles", columns=["article_id"]).column("article_id").to_pylist()
    assert sorted(ids) == [f"gen/{i:04d}" for i in range(n)]
    # Every generated article names two countries: one event report each (near-copies merge their
    # events, so ``events`` may count fewer).
    assert store.count("event_reports") == n
    live = store.ledger().live_paths()
    on_disk = {p.relative_to(store_dir).as_posix() for p in (store_dir / "tables").rglob("*") if p.is_file()}
    assert on_disk == live
    store.close()
