"""Query latency over a large synthetic store: one dyad's monthly series, and all dyad-months.

    .venv/bin/python benchmarks/bench_query.py                       # 10,000,000 events
    .venv/bin/python benchmarks/bench_query.py --events 1000000      # a quicker run
    .venv/bin/python benchmarks/bench_query.py --store DIR           # generate once, rerun later

1. Generates (or reuses, with ``--store DIR`` when it already holds a store) a synthetic store of
   ``--events`` events, ten per article, over two years, written *directly* in the store's layout:
   one Parquet fragment per publication month for ``articles`` and ``events`` (columns from the
   store's own ``TableSpec`` schemas, others left null) and one ledger commit listing them with
   the coverage of every published day, so ``open_store`` reads it like any other store. It is
   vectorised (NumPy/Arrow, one month at a time: memory stays bounded), so 10M events take
   minutes; ingesting them through the NLP-free ``ingest_items`` path would take hours. Article
   texts are a fixed sentence (spans are not grounded in them): the benchmark times aggregates.
   Country pairs: 20% Iran–Russia (either direction), the rest uniform over 20 countries.
2. Times, through the library (``communique.relations``):
   - ``dyad_series(store, "IRN", "RUS", freq="month", with_events=False)`` cold (the first call of
     the process: opens the store, builds the event snapshot and its dyad cube) and warm (median
     of ``--repeat`` later calls), and the same for a quieter dyad (CHN–USA);
   - ``dyad_months(store)``: every (dyad, month) count, warm (the cube exists) — the heatmap query;
   - ``dyad_series(..., with_events=True)`` once (every cell lists its event ids).
3. Prints the figures, the goals from issue #7 (one dyad's monthly series < 0.5 s, all dyad-months
   < 5 s), the machine's cores and load average (the timings are wall-clock; other processes on
   the machine slow them), and the peak resident memory of this process.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from communique.events.ontology import load_ontology
from communique.relations.synthetic import _VERBS, COUNTRIES
from communique.store.coverage import CoverageRow
from communique.store.layout import (
    ARTICLES,
    EVENTS,
    FORMAT_NAME,
    LEDGER,
    MANIFEST,
    SCHEMA_VERSION,
    fragment_path,
    partition_of,
)
from communique.store.ledger import Commit, FileEntry, Fragment, append_commit

START = date(2024, 1, 1)
DAYS = 730
PER_ARTICLE = 10
SOURCES = 3


def _column(spec_schema: pa.Schema, name: str, values: dict[str, pa.Array], n: int) -> pa.Array:
    field = spec_schema.field(name)
    if name in values:
        return values[name].cast(field.type) if values[name].type != field.type else values[name]
    return pa.nulls(n, type=field.type)


def _table(schema: pa.Schema, values: dict[str, pa.Array], n: int) -> pa.Table:
    """A table of the store's schema: the given columns, nulls for the rest."""
    return pa.Table.from_arrays([_column(schema, name, values, n) for name in schema.names], schema=schema)


def _sides(codes: np.ndarray, names: pa.Array, country_codes: pa.Array, sentence_starts: np.ndarray,
           struct_type: pa.DataType) -> pa.Array:
    """One actor (or recipient) per event, as the store's list<struct> column."""
    n = len(codes)
    idx = pa.array(codes)
    name = names.take(idx)
    length = pc.utf8_length(name).to_numpy().astype(np.int64)
    fields = {"text": name, "name": name, "country": country_codes.take(idx),
              "start": pa.array(sentence_starts), "end": pa.array(sentence_starts + length)}
    item = struct_type.value_type
    children = [fields.get(f.name, pa.nulls(n, f.type)) for f in item]
    structs = pa.StructArray.from_arrays(children, fields=list(item))
    return pa.ListArray.from_arrays(pa.array(np.arange(n + 1, dtype=np.int32)), structs)


def generate(root: Path, n_events: int, seed: int = 7) -> dict[str, float]:
    """Write a store of ``n_events`` synthetic events at ``root`` (see the module docstring)."""
    began = time.perf_counter()
    root.mkdir(parents=True, exist_ok=False)
    (root / MANIFEST).write_text(json.dumps({"format": FORMAT_NAME, "schema_version": SCHEMA_VERSION,
                                             "created": datetime.now(UTC).isoformat(timespec="seconds")}) + "\n")
    rng = np.random.default_rng(seed)
    onto = load_ontology()
    cats = list(_VERBS)
    codes = [onto.code(onto.default_code[c]) for c in cats]
    cat_names = pa.array(cats)
    cameo = pa.array([c.code for c in codes])
    goldstein = np.array([c.goldstein for c in codes], dtype=np.float64)
    quad = np.array([c.quad_class for c in codes], dtype=np.int64)
    verbs = pa.array([_VERBS[c] for c in cats])
    country_codes = pa.array(list(COUNTRIES))
    names = pa.array([n[0].upper() + n[1:] for n in COUNTRIES.values()])
    lower_names = pa.array(list(COUNTRIES.values()))
    irn, rus = list(COUNTRIES).index("IRN"), list(COUNTRIES).index("RUS")
    n_articles = -(-n_events // PER_ARTICLE)
    # Publication days, sorted so each month is one contiguous run of articles.
    days = np.sort(rng.integers(0, DAYS, size=n_articles))
    day_dates = np.datetime64(START.isoformat()) + days.astype("timedelta64[D]")
    month_of = day_dates.astype("datetime64[M]")
    fragments: list[Fragment] = []
    coverage: dict[tuple[str, str], int] = {}
    made = 0
    stamp = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    for month in np.unique(month_of):
        sel = np.flatnonzero(month_of == month)
        a0, a1 = int(sel[0]), int(sel[-1]) + 1
        n_art = a1 - a0
        art_days = day_dates[a0:a1]
        published = pa.array(art_days.astype(str))
        article_ids = pa.array([f"syn/{i:08d}" for i in range(a0, a1)])
        source_idx = np.arange(a0, a1) % SOURCES
        source_keys = pa.array([f"wire{k}.example" for k in range(SOURCES)]).take(pa.array(source_idx))
        for day, src in zip(art_days.astype(str).tolist(), source_idx.tolist(), strict=True):
            coverage[(f"wire{src}.example", day)] = coverage.get((f"wire{src}.example", day), 0) + 1
        articles = _table(ARTICLES.schema, {
            "article_id": article_ids,
            "text": pa.array(["A synthetic wire report of diplomatic events."] * n_art),
            "title": pc.binary_join_element_wise("Report ", article_ids, ""),
            "url": pc.binary_join_element_wise("https://", source_keys, "/", article_ids, ""),
            "published": published,
            "source": pc.binary_join_element_wise("https://", source_keys, "/", ""),
            "source_key": source_keys,
            "content_hash": article_ids,
            "ingested_at": pa.array([stamp] * n_art),
        }, n_art)
        # Events: PER_ARTICLE per article (fewer in the very last one).
        n_ev = min(n_art * PER_ARTICLE, n_events - made)
        made += n_ev
        art_of = np.arange(n_ev) // PER_ARTICLE
        sentence_index = np.arange(n_ev) % PER_ARTICLE
        busy = rng.random(n_ev) < 0.2
        a = rng.integers(0, len(COUNTRIES), size=n_ev)
        b = (a + rng.integers(1, len(COUNTRIES), size=n_ev)) % len(COUNTRIES)
        flip = rng.random(n_ev) < 0.5
        a = np.where(busy, np.where(flip, irn, rus), a)
        b = np.where(busy, np.where(flip, rus, irn), b)
        cat = rng.integers(0, len(cats), size=n_ev)
        art_take = pa.array(art_of)
        ev_article = article_ids.take(art_take)
        ev_sentence = pc.binary_join_element_wise(
            names.take(pa.array(a)), verbs.take(pa.array(cat)), lower_names.take(pa.array(b)), " ")
        ev_sentence = pc.binary_join_element_wise(ev_sentence, ".", "")
        length = pc.utf8_length(ev_sentence).to_numpy().astype(np.int64)
        span_values = np.empty(2 * n_ev, dtype=np.int64)
        span_values[0::2] = 0
        span_values[1::2] = length
        recipient_start = length - 1 - pc.utf8_length(lower_names.take(pa.array(b))).to_numpy().astype(np.int64)
        events = _table(EVENTS.schema, {
            "event_id": pc.binary_join_element_wise(ev_article, pa.array(sentence_index.astype(str)), "#e"),
            "article_id": ev_article,
            "sentence_index": pa.array(sentence_index),
            "sentence": ev_sentence,
            "span": pa.ListArray.from_arrays(pa.array(np.arange(0, 2 * n_ev + 1, 2, dtype=np.int32)),
                                             pa.array(span_values)),
            "category": cat_names.take(pa.array(cat)),
            "cameo": cameo.take(pa.array(cat)),
            "goldstein": pa.array(goldstein[cat]),
            "quad_class": pa.array(quad[cat]),
            "date": published.take(art_take),
            "actor": _sides(a, names, country_codes, np.zeros(n_ev, dtype=np.int64), EVENTS.schema.field("actor").type),
            "recipient": _sides(b, lower_names, country_codes, recipient_start, EVENTS.schema.field("recipient").type),
            "negated": pa.array(np.zeros(n_ev, dtype=bool)),
            "confidence": pa.array(np.full(n_ev, 0.9)),
            "n_reports": pa.array(np.ones(n_ev, dtype=np.int64)),
            "n_sources": pa.array(np.ones(n_ev, dtype=np.int64)),
            "outlet": source_keys.take(art_take),
        }, n_ev)
        partition = partition_of(date.fromisoformat(str(month) + "-01"))
        fragment = Fragment(id=f"{int(time.time() * 1000):013d}-{len(fragments):08x}", partition=partition)
        for spec, table in ((ARTICLES, articles), (EVENTS, events)):
            rel = fragment_path(spec.name, partition, fragment.id)
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(table, root / rel, compression="zstd")
            fragment.files[spec.name] = FileEntry(path=rel, rows=table.num_rows)
        fragments.append(fragment)
        if made >= n_events:
            break
    rows = [CoverageRow(source=src, day=day, basis="published", seen=n, stored=n)
            for (src, day), n in sorted(coverage.items())]
    append_commit(root / LEDGER, Commit(seq=1, time=stamp, schema_version=SCHEMA_VERSION, run="bench_query",
                                        add=fragments, coverage=rows))
    return {"seconds": time.perf_counter() - began, "events": made, "articles": n_articles,
            "files": 2 * len(fragments)}


def _timed(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    began = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - began


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000_000, help="Synthetic events (default 10,000,000).")
    parser.add_argument("--store", type=Path,
                        help="Generate into (or reuse) this folder, and keep it; default: a temporary folder.")
    parser.add_argument("--repeat", type=int, default=5, help="Warm calls to time (the median is shown).")
    args = parser.parse_args()
    if not 1_000 <= args.events <= 50_000_000:
        parser.error("--events: from 1,000 to 50,000,000")
    tmp = None
    root = args.store
    if root is None:
        tmp = Path(tempfile.mkdtemp(prefix="communique-bench-query-"))
        root = tmp / "store"
    try:
        if (root / MANIFEST).exists():
            print(f"store: reusing {root}")
        else:
            made = generate(root, args.events)
            size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
            print(f"generated {made['events']:,} events in {made['articles']:,} articles, {made['files']} "
                  f"Parquet files, {size / 1e6:.0f} MB, in {made['seconds']:.1f} s → {root}")
        print(f"peak memory after generation: {peak_rss_mb():,.0f} MB")
        return _measure(root, args.repeat)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def _measure(root: Path, repeat: int) -> int:
    from communique.relations import dyad_months, dyad_series, event_index
    from communique.store import open_store

    load = " ".join(Path("/proc/loadavg").read_text().split()[:3]) if Path("/proc/loadavg").exists() else "n/a"
    print(f"machine: {os.cpu_count()} cores, load average {load} (wall-clock timings; other processes slow them)")
    store = open_store(root)
    series, cold = _timed(dyad_series, store, "IRN", "RUS", freq="month", with_events=False)
    index = event_index(store)
    n_events = index.event_count()
    print(f"store: {n_events:,} events")
    print(f"dyad_series IRN–RUS monthly, cold (open + snapshot + cube): {cold:8.3f} s "
          f"({len(series.periods)} months, {sum(p.events or 0 for p in series.periods):,} events)")
    print(f"  peak memory after the snapshot: {peak_rss_mb():,.0f} MB")
    results: dict[str, float] = {}
    for a, b in (("IRN", "RUS"), ("CHN", "USA")):
        warm = [_timed(dyad_series, store, a, b, freq="month", with_events=False)[1] for _ in range(repeat)]
        results[f"{a}-{b}"] = statistics.median(warm)
        print(f"dyad_series {a}–{b} monthly, warm: median {statistics.median(warm) * 1000:8.1f} ms "
              f"(max {max(warm) * 1000:.1f} ms over {repeat})")
    months, first = _timed(dyad_months, store)
    warm = [_timed(dyad_months, store)[1] for _ in range(repeat)]
    print(f"dyad_months (every dyad × month): first {first:8.3f} s, warm median {statistics.median(warm):8.3f} s "
          f"({months.num_rows:,} rows)")
    _, with_ids = _timed(dyad_series, store, "CHN", "USA", freq="month", with_events=True)
    print(f"dyad_series CHN–USA monthly with every cell's event ids: {with_ids:8.3f} s")
    goal_one = max(results.values()) < 0.5
    goal_all = max([first, *warm]) < 5
    print(f"goals (issue #7): one dyad's monthly series < 0.5 s warm: {'met' if goal_one else 'NOT met'}; "
          f"all dyad-months < 5 s: {'met' if goal_all else 'NOT met'}")
    print(f"peak memory (resident, this process): {peak_rss_mb():,.0f} MB")
    store.close()
    return 0 if goal_one and goal_all else 1


if __name__ == "__main__":
    sys.exit(main())
