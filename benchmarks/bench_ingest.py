"""Ingest throughput next to bare spaCy ``nlp.pipe`` over the same texts, in the same run.

    .venv/bin/python benchmarks/bench_ingest.py [--data PATH] [--limit N] [--batch-size 256]
                                                [--max-workers 2] [--json-out FILE]
                                                [--story-embeddings auto|none]

1. reads the articles once (``read_inputs``) and keeps them in memory;
2. bare spaCy: ``spacy.load(model)`` then ``nlp.pipe`` over the texts (model load not timed);
3. ingest: the whole store path — NLP pipeline (actors, quotes, events), content hashing, Parquet
   writes with fsync, ledger commits, catalog rebuild — into a fresh temporary store, in this
   process with selective parsing off (every sentence parsed) and on (``selective_parsing``:
   only the sentences that can hold a quote or an event, see ``communique.nlp.selective``);
4. the same ingest (selective parsing on) through ``ParallelAnalyzer`` on a process pool of 1 and
   of 2 workers (``--max-workers``); workers are started and their model loaded before timing;
5. re-ingest of the same articles into the last in-process store (all "unchanged").

For each: seconds, articles/s (wall clock), articles per CPU-second of the whole process tree
(this process and its workers; steadier than wall clock on a shared machine), the ratio to bare
spaCy's articles/s, and the peak resident memory of the process tree (sampled every 0.2 s). At the
end, ``resource.getrusage`` peaks: ``ru_maxrss`` of this process and of its largest child. One line
per measurement, then a JSON summary (also written to ``--json-out``).
Default data: ``../shared/eval/corpus/bbc_fulltext/bbc_fulltext.jsonl`` (2,225 articles).
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Any

import psutil

from communique.config import Settings
from communique.ingest import read_inputs
from communique.pipeline import Pipeline
from communique.records import Article, Reject
from communique.store import ingest_items, open_store

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared/eval/corpus/bbc_fulltext/bbc_fulltext.jsonl"
MB = 1024 * 1024


def _tree() -> list[psutil.Process]:
    me = psutil.Process()
    return [me, *me.children(recursive=True)]


def tree_rss() -> int:
    """Resident bytes of this process and all its descendants."""
    total = 0
    for proc in _tree():
        try:
            total += proc.memory_info().rss
        except psutil.Error:
            pass  # a worker exited between listing and reading
    return total


def tree_cpu() -> float:
    """CPU seconds (user + system) of this process, its live descendants and its waited-for children."""
    total = 0.0
    for proc in _tree():
        try:
            times = proc.cpu_times()
            total += times.user + times.system
        except psutil.Error:
            pass
    done = resource.getrusage(resource.RUSAGE_CHILDREN)
    return total + done.ru_utime + done.ru_stime


@contextmanager
def peak_memory() -> Iterator[list[int]]:
    """Samples the process tree's RSS while the block runs; the peak is in ``box[0]`` afterwards."""
    box = [tree_rss()]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.2):
            box[0] = max(box[0], tree_rss())

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield box
    finally:
        stop.set()
        thread.join()
        box[0] = max(box[0], tree_rss())


class Bench:
    """Holds the articles, the bare-spaCy yardstick and the results of one run."""

    def __init__(self, items: list[Article | Reject], batch_size: int) -> None:
        self.items = items
        self.n = sum(isinstance(a, Article) for a in items)
        self.batch_size = batch_size
        self.bare_rate = 0.0
        self.results: dict[str, Any] = {"articles": self.n, "load_average_at_start": round(psutil.getloadavg()[0], 2)}

    def report(self, label: str, took: float, cpu: float, peak: int, extra: str = "", **fields: Any) -> None:
        rate = self.n / took
        ratio = rate / self.bare_rate if self.bare_rate else 1.0
        print(f"{label:<34} {took:7.1f} s {rate:7.1f} articles/s {self.n / cpu:7.1f} per CPU-s  "
              f"{ratio:5.2f}x bare  peak {peak / MB:6.0f} MB {extra}", flush=True)
        self.results[label] = {"seconds": round(took, 2), "articles_per_s": round(rate, 2),
                               "articles_per_cpu_s": round(self.n / cpu, 2), "ratio_to_bare": round(ratio, 3),
                               "peak_tree_rss_mb": round(peak / MB), **fields}

    def bare(self, model: str, spacy_batch: int) -> None:
        import spacy

        texts = [a.text for a in self.items if isinstance(a, Article)]
        nlp = spacy.load(model)
        with peak_memory() as peak:
            start, cpu = time.perf_counter(), tree_cpu()
            for _ in nlp.pipe(texts, batch_size=spacy_batch):
                pass
            took, used = time.perf_counter() - start, tree_cpu() - cpu
        self.bare_rate = self.n / took
        self.report(f"bare spaCy nlp.pipe ({model})", took, used, peak[0])
        del nlp

    def ingest(self, label: str, analyzer: Any, store_root: Path, extra: str = "") -> Any:
        """One ingest into a new store at ``store_root``; returns the (open) store."""
        analyzer.analyze(Article(article_id="warm-up", text="Norway and Brazil held talks in Oslo."))
        store = open_store(store_root, create=True)
        with peak_memory() as peak:
            start, cpu = time.perf_counter(), tree_cpu()
            summary = ingest_items(self.items, store, analyzer, batch_size=self.batch_size)
            took, used = time.perf_counter() - start, tree_cpu() - cpu
        events = store.count("events")
        quotes = store.count("quotes")
        self.report(label, took, used, peak[0], f"({summary.stored} stored, {summary.rejected} rejected, "
                    f"{quotes} quotes, {events} events) {extra}", stored=summary.stored, quotes=quotes, events=events)
        return store


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles")
    parser.add_argument("--batch-size", type=int, default=256, help="articles per store commit")
    parser.add_argument("--max-workers", type=int, default=2, help="process-pool runs with 1..N workers (0: none)")
    parser.add_argument("--json-out", type=Path, default=None, help="also write the JSON summary here")
    parser.add_argument("--story-embeddings", default="auto",
                        help="story clustering encoder: auto (lead embeddings when installed) or none (TF-IDF alone)")
    args = parser.parse_args()

    settings = Settings.load({"story_embedding_model": args.story_embeddings})
    items: list[Article | Reject] = list(islice(read_inputs([str(args.data)], settings), args.limit))
    bench = Bench(items, args.batch_size)
    chars = sum(len(a.text) for a in items if isinstance(a, Article))
    print(f"{bench.n} articles ({chars / max(bench.n, 1):.0f} characters on average) from {args.data}; "
          f"{psutil.cpu_count()} CPUs, load average {psutil.getloadavg()[0]:.1f}", flush=True)
    print(f"story clustering encoder: {args.story_embeddings}", flush=True)

    bench.bare(settings.spacy_model, settings.batch_size)

    with tempfile.TemporaryDirectory() as tmp:
        full = Pipeline(settings.with_(selective_parsing=False))
        bench.ingest("ingest, full parsing", full, Path(tmp) / "full").close()
        del full

        pipeline = Pipeline(settings.with_(selective_parsing=True))
        store = bench.ingest("ingest, selective parsing", pipeline, Path(tmp) / "selective")
        stats = pipeline.selective.stats if pipeline.selective is not None else None
        if stats is not None:
            share = {"parsed_token_share": round(stats.parsed_share, 3),
                     "parsed_sentence_share": round(stats.parsed_sentences / max(stats.sentences, 1), 3)}
            bench.results["ingest, selective parsing"].update(share)
            print(f"{'':<34} selective: {share['parsed_token_share']:.1%} of tokens "
                  f"({share['parsed_sentence_share']:.1%} of sentences) went through the statistical pipeline")

        start = time.perf_counter()
        again = ingest_items(items, store, pipeline, batch_size=args.batch_size)
        retook = time.perf_counter() - start
        print(f"{'re-ingest (all unchanged)':<34} {retook:7.1f} s {bench.n / retook:7.1f} articles/s "
              f"({again.unchanged} unchanged)", flush=True)
        bench.results["re-ingest"] = {"seconds": round(retook, 2), "articles_per_s": round(bench.n / retook, 2)}
        store.close()
        del pipeline

        if args.max_workers > 0:
            from communique.scale import ParallelAnalyzer, ProcessExecutor

            for workers in range(1, args.max_workers + 1):
                label = f"ingest, process pool, {workers} worker{'s' if workers > 1 else ''}"
                with ParallelAnalyzer(ProcessExecutor(workers), settings.with_(selective_parsing=True)) as analyzer:
                    bench.ingest(label, analyzer, Path(tmp) / f"pool{workers}").close()

    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    # ru_maxrss is in KiB on Linux; for children it is the largest single waited-for child, not a sum.
    bench.results["getrusage_maxrss_mb"] = {"self": round(me.ru_maxrss / 1024),
                                            "largest_child": round(children.ru_maxrss / 1024)}
    print(f"getrusage peak RSS: this process {me.ru_maxrss / 1024:.0f} MB, "
          f"largest worker {children.ru_maxrss / 1024:.0f} MB")
    summary = json.dumps(bench.results)
    print(summary)
    if args.json_out is not None:
        args.json_out.write_text(summary + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
