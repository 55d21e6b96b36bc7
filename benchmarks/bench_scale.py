"""Ingest throughput on one machine: in-process, a process pool of 1 and 2 workers, and Dask.

    .venv/bin/python benchmarks/bench_scale.py [--data PATH] [--limit N] [--batch-size 256] [--skip-dask]

Reads the articles once (``read_inputs``), then, in this order and in the same run:

1. bare spaCy ``nlp.pipe`` over the texts (the yardstick; model load not timed);
2. ``ingest_items`` into a fresh temporary store with each analyser: the in-process ``Pipeline``;
   ``ParallelAnalyzer`` on a process pool of 1 and of 2 workers; ``ParallelAnalyzer`` on a Dask
   ``LocalCluster(n_workers=2, threads_per_worker=1)``. Workers are started and their model loaded
   before timing (a one-article warm-up), since a long backfill pays that once.

For each: articles/s (wall clock), articles per CPU-second of the whole process tree, the ratio to bare spaCy's articles/s, and the peak resident
memory of the whole process tree during that phase (sampled every 0.2 s with psutil: this process
plus every worker). At the end, ``resource.getrusage`` peaks for this process and for its largest
waited-for child. On a shared machine the wall-clock figures move with the load: compare the ratios.
Default data: ``../shared/eval/corpus/bbc_fulltext/bbc_fulltext.jsonl`` (2,225 articles).
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from collections.abc import Callable
from itertools import islice
from pathlib import Path
from typing import Any

import psutil
from bench_ingest import peak_memory, tree_cpu  # same folder: run as a script

from communique.config import Settings
from communique.ingest import read_inputs
from communique.pipeline import Pipeline
from communique.records import Article, Reject
from communique.scale import ParallelAnalyzer, ProcessExecutor, make_executor
from communique.store import ingest_items, open_store

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared/eval/corpus/bbc_fulltext/bbc_fulltext.jsonl"
MB = 1024 * 1024


def timed_ingest(label: str, items: list[Article | Reject], analyzer: Any, batch_size: int, n: int,
                 bare_rate: float, results: dict[str, Any]) -> None:
    """One ingest into a fresh store; prints and records articles/s, ratio to bare spaCy, peak memory."""
    analyzer.analyze(Article(article_id="warm-up", text="Norway and Brazil held talks in Oslo."))
    with tempfile.TemporaryDirectory() as tmp, peak_memory() as peak:
        store = open_store(Path(tmp) / "store", create=True)
        start, cpu = time.perf_counter(), tree_cpu()
        summary = ingest_items(items, store, analyzer, batch_size=batch_size)
        took, used = time.perf_counter() - start, tree_cpu() - cpu
        events = store.count("events")
        store.close()
    rate = n / took
    print(f"{label:<28} {took:7.1f} s {rate:7.1f} articles/s {n / used:7.1f} per CPU-s  {rate / bare_rate:5.2f}x bare  "
          f"peak {peak[0] / MB:6.0f} MB  ({summary.stored} stored, {summary.rejected} rejected, {events} events)",
          flush=True)
    results[label] = {"seconds": round(took, 2), "articles_per_s": round(rate, 2), "articles_per_cpu_s": round(n / used, 2),
                      "ratio_to_bare": round(rate / bare_rate, 3), "peak_tree_rss_mb": round(peak[0] / MB),
                      "stored": summary.stored, "events": events}


def with_analyzer(make: Callable[[], ParallelAnalyzer]) -> Callable[[Callable[[Any], None]], None]:
    """Runs a measurement with an analyser that is closed afterwards (its workers stopped)."""

    def run(measure: Callable[[Any], None]) -> None:
        with make() as analyzer:
            measure(analyzer)

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles")
    parser.add_argument("--batch-size", type=int, default=256, help="articles per store commit")
    parser.add_argument("--skip-dask", action="store_true", help="leave out the Dask LocalCluster run")
    args = parser.parse_args()

    settings = Settings.load()
    items: list[Article | Reject] = list(islice(read_inputs([str(args.data)], settings), args.limit))
    articles = [a for a in items if isinstance(a, Article)]
    texts = [a.text for a in articles]
    n = len(articles)
    print(f"{n} articles ({sum(map(len, texts)) / max(n, 1):.0f} characters on average) from {args.data}; "
          f"{psutil.cpu_count()} CPUs, load average {psutil.getloadavg()[0]:.1f}; "
          f"selective parsing {'on' if settings.selective_parsing else 'off'}", flush=True)
    results: dict[str, Any] = {"articles": n, "load_average_at_start": round(psutil.getloadavg()[0], 2)}

    import spacy

    nlp = spacy.load(settings.spacy_model)
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=settings.batch_size):
        pass
    bare = time.perf_counter() - start
    bare_rate = n / bare
    del nlp
    print(f"{'bare spaCy nlp.pipe':<28} {bare:7.1f} s {bare_rate:7.1f} articles/s", flush=True)
    results["bare_spacy"] = {"seconds": round(bare, 2), "articles_per_s": round(bare_rate, 2)}

    def measure(label: str) -> Callable[[Any], None]:
        return lambda analyzer: timed_ingest(label, items, analyzer, args.batch_size, n, bare_rate, results)

    measure("in-process Pipeline")(Pipeline(settings))
    with_analyzer(lambda: ParallelAnalyzer(ProcessExecutor(1), settings))(measure("process pool, 1 worker"))
    with_analyzer(lambda: ParallelAnalyzer(ProcessExecutor(2), settings))(measure("process pool, 2 workers"))
    if not args.skip_dask:
        from distributed import LocalCluster

        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
            with_analyzer(lambda: ParallelAnalyzer(make_executor("dask", scheduler=cluster), settings))(
                measure("dask LocalCluster, 2 workers"))

    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    # ru_maxrss is in KiB on Linux; for children it is the largest single waited-for child, not a sum.
    results["getrusage_maxrss_mb"] = {"self": round(me.ru_maxrss / 1024), "largest_child": round(children.ru_maxrss / 1024)}
    print(f"getrusage peak RSS: this process {me.ru_maxrss / 1024:.0f} MB, largest child {children.ru_maxrss / 1024:.0f} MB")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
