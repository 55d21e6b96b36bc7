"""Event-coding throughput against bare spaCy, side by side in one run.

    .venv/bin/python benchmarks/bench_events.py [--data ../shared/eval/corpus/bbc_fulltext/bbc_fulltext.jsonl] [--limit N]

Prints articles/s and events/s for the full pipeline (spaCy + actors + quotes + events) and
articles/s for bare ``nlp.pipe`` over the same texts, and their ratio (the coder's target is
≥ 0.7× bare spaCy). The spaCy model is loaded and warmed up before either timing starts.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from communique.pipeline import Pipeline
from communique.records import Article

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared/eval/corpus/bbc_fulltext/bbc_fulltext.jsonl"


def load_articles(path: Path, limit: int | None) -> list[Article]:
    """Articles from a JSONL corpus (``text`` required; ``id`` kept when present)."""
    out: list[Article] = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            if limit is not None and len(out) >= limit:
                break
            if not line.strip():
                continue
            row = json.loads(line)
            out.append(Article(article_id=str(row.get("id", n)), text=row["text"], published=row.get("published")))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=300, help="number of articles (default 300; 0 = all)")
    args = parser.parse_args()
    articles = load_articles(args.data, args.limit or None)
    pipeline = Pipeline()
    nlp = pipeline.nlp
    batch = pipeline.settings.batch_size
    # Warm up: load the model, the knowledge base and the lexicon before timing.
    list(pipeline.analyze_many(articles[:5]))
    texts = [a.text for a in articles]
    chars = sum(len(t) for t in texts)

    t0 = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=batch):
        pass
    bare = time.perf_counter() - t0

    t0 = time.perf_counter()
    n_events = 0
    for analysis in pipeline.analyze_many(articles):
        n_events += len(analysis.events)
    full = time.perf_counter() - t0

    # Where the time goes: the stages after spaCy, timed one by one on the same docs.
    from communique.events import code_events
    from communique.nlp.actors import recognise_actors
    from communique.pipeline import article_date
    from communique.quotes import extract_quotes

    stage = {"actors": 0.0, "quotes": 0.0, "events": 0.0}
    kb = pipeline.kb
    for doc, article in nlp.pipe(((a.text, a) for a in articles), as_tuples=True, batch_size=batch):
        t = time.perf_counter()
        actors = recognise_actors(doc, kb, article_date(article))
        stage["actors"] += time.perf_counter() - t
        t = time.perf_counter()
        quotes = extract_quotes(doc, actors, article)
        stage["quotes"] += time.perf_counter() - t
        t = time.perf_counter()
        code_events(doc, actors, quotes, article, kb)
        stage["events"] += time.perf_counter() - t

    n = len(articles)
    print(f"articles: {n} ({chars / 1e6:.2f} M chars) from {args.data}")
    print(f"bare spaCy nlp.pipe : {n / bare:8.1f} articles/s ({bare:.1f} s)")
    print(f"communique pipeline : {n / full:8.1f} articles/s, {n_events / full:8.1f} events/s "
          f"({full:.1f} s, {n_events} events)")
    print(f"ratio pipeline/bare : {bare / full:.2f}x  (target >= 0.70x)")
    print("stages after spaCy  : " + ", ".join(f"{k} {v:.1f} s ({100 * v / bare:.0f}% of bare spaCy)"
                                               for k, v in stage.items()))
    print(f"event coder alone   : {n / stage['events']:8.1f} articles/s, {n_events / stage['events']:8.1f} events/s")


if __name__ == "__main__":
    main()
