"""Ingest throughput next to bare spaCy ``nlp.pipe`` over the same texts, in the same run.

    .venv/bin/python benchmarks/bench_ingest.py [--data PATH] [--limit N] [--batch-size 256]

1. reads the articles once (``read_inputs``) and keeps them in memory;
2. bare spaCy: ``spacy.load(model)`` then ``nlp.pipe`` over the texts (model load not timed);
3. ingest: the whole store path — NLP pipeline (actors, quotes, events), content hashing, Parquet
   writes with fsync, ledger commits, catalog rebuild — into a fresh temporary store (the model is
   loaded before timing);
4. re-ingest of the same articles (all "unchanged": hashing and ledger only).

Prints articles/s for each on standard output (wall clock, and per CPU-second of this process, which
is steadier on a shared machine), one line per measurement plus a JSON summary.
Default data: ``../shared/eval/corpus/bbc_fulltext/bbc_fulltext.jsonl`` (2,225 articles).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from itertools import islice
from pathlib import Path

from communique.config import Settings
from communique.ingest import read_inputs
from communique.pipeline import Pipeline
from communique.records import Article, Reject
from communique.store import ingest_items, open_store

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared/eval/corpus/bbc_fulltext/bbc_fulltext.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles")
    parser.add_argument("--batch-size", type=int, default=256, help="articles per store commit")
    parser.add_argument("--store", type=Path, default=None,
                        help="ingest into this (new) store folder and keep it (default: a temporary one)")
    args = parser.parse_args()

    settings = Settings.load()
    items: list[Article | Reject] = list(islice(read_inputs([str(args.data)], settings), args.limit))
    articles = [a for a in items if isinstance(a, Article)]
    texts = [a.text for a in articles]
    n = len(articles)
    chars = sum(len(t) for t in texts)
    print(f"{n} articles ({chars / max(n, 1):.0f} characters on average) from {args.data}")

    import spacy

    nlp = spacy.load(settings.spacy_model)
    start, cpu = time.perf_counter(), time.process_time()
    for _ in nlp.pipe(texts, batch_size=settings.batch_size):
        pass
    bare, bare_cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"bare spaCy nlp.pipe ({settings.spacy_model}): {bare:.1f} s, {n / bare:.1f} articles/s "
          f"({n / bare_cpu:.1f} per CPU-second)")
    del nlp

    pipeline = Pipeline(settings)
    pipeline.analyze(Article(article_id="warm-up", text="Warm-up sentence for the model."))
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(args.store or Path(tmp) / "store", create=True)
        start, cpu = time.perf_counter(), time.process_time()
        summary = ingest_items(items, store, pipeline, batch_size=args.batch_size)
        took, took_cpu = time.perf_counter() - start, time.process_time() - cpu
        print(f"communique ingest (pipeline + store): {took:.1f} s, {n / took:.1f} articles/s "
              f"({n / took_cpu:.1f} per CPU-second; {summary.stored} stored, {summary.rejected} rejected; "
              f"{took / bare:.2f}x bare spaCy time)")
        start = time.perf_counter()
        again = ingest_items(items, store, pipeline, batch_size=args.batch_size)
        retook = time.perf_counter() - start
        print(f"re-ingest (all unchanged): {retook:.1f} s, {n / retook:.1f} articles/s "
              f"({again.unchanged} unchanged)")
        counts = {t: store.count(t) for t in ("articles", "actors", "quotes", "events", "rejects")}
        store.close()
    print(json.dumps({
        "articles": n, "bare_spacy_articles_per_s": round(n / bare, 2),
        "ingest_articles_per_s": round(n / took, 2),
        "bare_spacy_articles_per_cpu_s": round(n / bare_cpu, 2), "ingest_articles_per_cpu_s": round(n / took_cpu, 2), "reingest_articles_per_s": round(n / retook, 2),
        "ingest_over_bare": round(took / bare, 3), "stored": counts,
    }))


if __name__ == "__main__":
    main()
