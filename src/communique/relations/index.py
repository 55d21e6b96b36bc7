"""An in-memory snapshot of a store's events, shaped for aggregate queries.

Relations ask the same questions many times (a dyad per request, a network per window), so the
events are read from the store once per ledger state into an in-memory DuckDB table with the
columns aggregates need already derived:

- ``day``: the publication date of the event's article (coverage is kept per publication day,
  so counting by it keeps "no data" and "zero events" apart); the event's own resolved date
  when the article is undated;
- ``actor_countries`` / ``recipient_countries``: distinct country codes of each side;
- ``actor_names``: lower-cased actor names and texts (for the events filter).

and, for dyads, ``pairs``: one row per (actor country, recipient country) of each dated event
that happened, sorted by the pair.

Aggregates count only events that *happened* (column ``happened``): negated events and future or
hypothetical ones are left out, as in the store's dyad history for briefs.

Counting units: each stored event row is one *event*; its ``n_reports`` (set when deduplication
merged reports of the same event) is its number of *reports*. Stored events without a merge
count one report each.

The snapshot is rebuilt when the ledger file changes (checked by its size and mtime, so a reader
costs one ``stat`` per call). Queries run on per-call cursors, so one snapshot serves many threads.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import msgspec
import pyarrow as pa

from communique.errors import StoreError
from communique.pipeline import article_date
from communique.records import Analysis
from communique.store import Store
from communique.store.layout import ARTICLES, EVENTS, LEDGER


def _ledger_key(root: Path) -> tuple[int, int]:
    try:
        st = os.stat(root / LEDGER)
    except OSError:
        return (0, 0)
    return (st.st_size, st.st_mtime_ns)


# Built from the store's own views; the side lists are computed by DuckDB, not Python, so a
# 100k-event store snapshots in well under a second.
_SNAPSHOT = """
SELECT e.event_id, e.article_id, e.sentence_index, e.sentence, e.span, e.category, e.cameo,
       e.goldstein, e.quad_class, e.date, e.mode, e.context, e.actor, e.recipient, e.negated,
       e.confidence, e.trigger, e.location, e.speaker,
       coalesce(e.n_reports, 1) AS n_reports, coalesce(e.n_sources, 1) AS n_sources, e.aux,
       NOT coalesce(e.negated, false)
           AND NOT list_has_any(coalesce(e.aux, []), ['future', 'hypothetical']) AS happened,
       coalesce(TRY_CAST(substr(a.published, 1, 10) AS DATE),
                TRY_CAST(substr(e.date, 1, 10) AS DATE)) AS day,
       list_sort(list_distinct(list_filter(list_transform(e.actor, lambda x: upper(x.country)),
                                           lambda x: x IS NOT NULL))) AS actor_countries,
       list_sort(list_distinct(list_filter(list_transform(e.recipient, lambda x: upper(x.country)),
                                           lambda x: x IS NOT NULL))) AS recipient_countries,
       list_filter(list_concat(list_transform(e.actor, lambda x: lower(x.name)),
                               list_transform(e.actor, lambda x: lower(x.text))), lambda x: x IS NOT NULL)
           AS actor_names,
       list_filter(list_concat(list_transform(e.recipient, lambda x: lower(x.name)),
                               list_transform(e.recipient, lambda x: lower(x.text))), lambda x: x IS NOT NULL)
           AS recipient_names
FROM events e LEFT JOIN articles a ON a.article_id = e.article_id
"""


@dataclass
class EventIndex:
    """The events of one store state in memory (see the module docstring)."""

    store: Store | None  # None for a snapshot of unstored analyses
    con: duckdb.DuckDBPyConnection
    covered_days: frozenset[date]
    key: tuple[int, int]
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _local: threading.local = field(default_factory=threading.local, repr=False)
    _day_totals: dict[date, tuple[int, int]] | None = field(default=None, repr=False)
    # Memoised per-period figures (period starts covered, totals), by period length.
    derived: dict[tuple[str, str], Any] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, store: Store) -> EventIndex:
        """Snapshot the store's events and coverage now."""
        key = _ledger_key(store.root)
        # A Store of its own: its connection lives as long as the snapshot, so a rebuild never
        # closes a connection another thread is reading through.
        store = Store(store.root)
        return cls._from_snapshot(store.sql(_SNAPSHOT), covered_days(store), store, key)

    @classmethod
    def from_analyses(cls, analyses: Iterable[Analysis]) -> EventIndex:
        """A snapshot of analyses that are not stored (tests, one-off batches); the publication
        days of the articles count as covered."""
        done = list(analyses)
        con = duckdb.connect(":memory:")
        try:
            con.register("events", EVENTS.to_arrow([msgspec.to_builtins(e) for a in done for e in a.events]))
            con.register("articles", ARTICLES.to_arrow([msgspec.to_builtins(a.article) for a in done]))
            events = con.sql(_SNAPSHOT).to_arrow_table()
        finally:
            con.close()
        days = {d for d in (article_date(a.article) for a in done) if d is not None}
        return cls._from_snapshot(events, frozenset(days), None, (0, 0))

    @classmethod
    def _from_snapshot(cls, events: pa.Table, covered: frozenset[date], store: Store | None,
                       key: tuple[int, int]) -> EventIndex:
        # One thread per query: requests run many queries at once, and each query is small.
        con = duckdb.connect(":memory:", config={"threads": 1})
        con.register("_snapshot", events)
        con.execute("CREATE TABLE ev AS SELECT * FROM _snapshot ORDER BY day NULLS LAST, event_id")
        con.unregister("_snapshot")
        con.execute("CREATE TABLE day_totals AS SELECT day, count(*) AS events, sum(n_reports) AS reports "
                    "FROM ev WHERE day IS NOT NULL AND happened GROUP BY day")
        # One row per (actor country, recipient country) of each dated event that happened, sorted
        # so a dyad's rows are one contiguous stretch (DuckDB skips the rest by min/max per block).
        con.execute(
            "CREATE TABLE pairs AS SELECT a.actor, r.recipient, event_id, day, category, quad_class, goldstein, "
            "n_reports FROM ev, unnest(actor_countries) AS a(actor), unnest(recipient_countries) AS r(recipient) "
            "WHERE day IS NOT NULL AND happened AND a.actor <> r.recipient ORDER BY actor, recipient, day, event_id"
        )
        return cls(store=store, con=con, covered_days=covered, key=key)

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor on the snapshot for the calling thread (a connection is not thread-safe; one
        cursor per thread is, and is kept for the thread's later queries: making one costs more
        than a small query)."""
        cur = getattr(self._local, "cursor", None)
        if cur is None:
            with self._lock:
                cur = self.con.cursor()
            self._local.cursor = cur
        yield cur

    def day_totals(self) -> dict[date, tuple[int, int]]:
        """Events and reports that happened, per day (the denominators of shares), computed once."""
        with self._lock:
            if self._day_totals is None:
                self._day_totals = {d: (int(n), int(r or 0)) for d, n, r in
                                    self.con.execute("SELECT day, events, reports FROM day_totals").fetchall()}
            return self._day_totals

    def query(self, sql: str, params: list[Any] | None = None) -> pa.Table:
        """Run SQL over the snapshot (tables ``ev``, ``day_totals``, ``pairs``); the result as Arrow."""
        with self.cursor() as cur:
            rel = cur.sql(sql, params=params) if params else cur.sql(sql)
            # DuckDB renamed ``arrow`` to ``to_arrow_table`` in 2.0.
            method = getattr(rel, "to_arrow_table", None) or getattr(rel, "arrow")  # noqa: B009
            result: pa.Table = method()
            return result

    def rows(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        """Run SQL over the snapshot; the result as tuples."""
        with self.cursor() as cur:
            return cur.execute(sql, params or []).fetchall()

    def store_rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        """Run SQL over the store's own tables (articles, quotes, events...) on a fresh cursor."""
        if self.store is None:
            raise StoreError("this event snapshot was not read from a store")
        with self._lock:
            cur = self.store.connect().cursor()
        try:
            rel = cur.execute(sql, params or [])
            names = [d[0] for d in rel.description or []]
            return [dict(zip(names, row, strict=True)) for row in rel.fetchall()]
        except duckdb.Error as exc:
            raise StoreError(f"query failed: {exc}") from exc
        finally:
            cur.close()

    def is_current(self) -> bool:
        return self.store is not None and _ledger_key(self.store.root) == self.key


def covered_days(store: Store) -> frozenset[date]:
    """Publication days on which the store looked at anything from some source (coverage ledger).

    Undated articles and rejects are counted on their ingest day (``basis="ingested"``); those
    rows say nothing about which publication days were read, so they do not count here.
    """
    table = store.coverage()
    days: set[date] = set()
    for row in table.select(["day", "basis", "seen"]).to_pylist():
        if row["basis"] != "published" or not row["seen"]:
            continue
        try:
            days.add(date.fromisoformat(row["day"]))
        except (TypeError, ValueError):
            continue
    return frozenset(days)


_CACHE: dict[Path, EventIndex] = {}
_CACHE_LOCK = threading.Lock()


def event_index(store: Store | EventIndex) -> EventIndex:
    """The current snapshot of ``store`` (built on first use, rebuilt when the ledger changed)."""
    if isinstance(store, EventIndex):
        return store
    with _CACHE_LOCK:
        cached = _CACHE.get(store.root)
        if cached is not None and cached.is_current():
            return cached
        index = EventIndex.build(store)
        _CACHE[store.root] = index
        return index
