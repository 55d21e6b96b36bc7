"""An in-memory snapshot of a store's events, shaped for aggregate queries.

Relations ask the same questions many times (a dyad per request, a network per window), so the
events are read from the store once per ledger state into an in-memory DuckDB database:

- ``core``: a few columns per event (id, category, quad class, Goldstein, reports, ``happened``,
  ``day``, the two sides' countries), read when the snapshot is built. Every aggregate is made
  from it. It is also persisted in the store folder (``cache/relations-core.parquet``, tagged with
  the ledger state), so the next process snapshotting the same state reads a few columns from one
  file instead of merging every event report again (see ``core_table``);
- ``ev``: every column of every event (listings and their filters), read on first use;
- ``pairs``: one row per (actor country, recipient country) of each dated event that happened;
  ``day_totals``: events and reports per day;
- built on first use: the dyad cube (``cube.py``: per-day sums of every dyad) and the event
  listing (``listing.py``: listing order and posting lists).

Derived columns:

- ``day``: the publication date of the event's article (coverage is kept per publication day,
  so counting by it keeps "no data" and "zero events" apart); the event's own resolved date
  when the article is undated;
- ``actor_countries`` / ``recipient_countries``: distinct country codes of each side;
- ``actor_names``: lower-cased actor names and texts (for the events filter; ``ev`` only).

Aggregates count only events that *happened* (column ``happened``): negated events and future or
hypothetical ones are left out, as in the store's dyad history for briefs.

Counting units: each stored event row is one *event*; its ``n_reports`` (set when deduplication
merged reports of the same event) is its number of *reports*. Stored events without a merge
count one report each.

The snapshot is rebuilt when the ledger file changes (checked by its size and mtime, so a reader
costs one ``stat`` per call). Queries run on per-thread cursors, so one snapshot serves many threads.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import duckdb
import msgspec
import pyarrow as pa
import pyarrow.parquet as pq

from communique.errors import StoreError
from communique.pipeline import article_date
from communique.records import Analysis
from communique.relations.cube import DyadCube

if TYPE_CHECKING:
    from communique.relations.listing import EventListing
from communique.store import Store
from communique.store.catalog import CATALOG_VERSION
from communique.store.layout import ARTICLES, EVENTS, LEDGER

T = TypeVar("T")
# The persisted narrow snapshot (see ``core_table``), relative to the store folder.
CORE_CACHE = "cache/relations-core.parquet"


def _ledger_key(root: Path) -> tuple[int, int]:
    try:
        st = os.stat(root / LEDGER)
    except OSError:
        return (0, 0)
    return (st.st_size, st.st_mtime_ns)


# Expressions shared by the narrow and the full snapshot (computed by DuckDB, not Python).
_HAPPENED = ("NOT coalesce(e.negated, false) AND NOT list_has_any(coalesce(e.aux, []), ['future', 'hypothetical'])"
             " AS happened")
_DAY = ("coalesce(TRY_CAST(substr(a.published, 1, 10) AS DATE), TRY_CAST(substr(e.date, 1, 10) AS DATE)) AS day")
_SIDES = """
       list_sort(list_distinct(list_filter(list_transform(e.actor, lambda x: upper(x.country)),
                                           lambda x: x IS NOT NULL))) AS actor_countries,
       list_sort(list_distinct(list_filter(list_transform(e.recipient, lambda x: upper(x.country)),
                                           lambda x: x IS NOT NULL))) AS recipient_countries"""

# The narrow snapshot every aggregate (series, cube, network, totals) is computed from: a few
# columns per event, so even a store of ten million events fits in memory and is read in seconds.
_CORE = f"""
SELECT e.event_id, e.category, e.goldstein, e.quad_class, coalesce(e.n_reports, 1) AS n_reports,
       {_HAPPENED}, {_DAY}, {_SIDES}
FROM events e LEFT JOIN articles a ON a.article_id = e.article_id
"""  # noqa: S608 - constant fragments only

# The full snapshot (listings and their filters need every column): built on first use.
_SNAPSHOT = f"""
SELECT e.event_id, e.article_id, e.sentence_index, e.sentence, e.span, e.category, e.cameo,
       e.goldstein, e.quad_class, e.date, e.mode, e.context, e.actor, e.recipient, e.negated,
       e.confidence, e.trigger, e.location, e.speaker,
       coalesce(e.n_reports, 1) AS n_reports, coalesce(e.n_sources, 1) AS n_sources, e.aux,
       {_HAPPENED}, {_DAY}, {_SIDES},
       list_filter(list_concat(list_transform(e.actor, lambda x: lower(x.name)),
                               list_transform(e.actor, lambda x: lower(x.text))), lambda x: x IS NOT NULL)
           AS actor_names,
       list_filter(list_concat(list_transform(e.recipient, lambda x: lower(x.name)),
                               list_transform(e.recipient, lambda x: lower(x.text))), lambda x: x IS NOT NULL)
           AS recipient_names
FROM events e LEFT JOIN articles a ON a.article_id = e.article_id
"""  # noqa: S608 - constant fragments only
_MENTIONS_EV = re.compile(r"\bev\b")


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
    # Structures built from the snapshot on first use (one build at a time; see ``built``).
    _built: dict[str, Any] = field(default_factory=dict, repr=False)
    _build_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def build(cls, store: Store) -> EventIndex:
        """Snapshot the store's events (the narrow columns; the full rows on first use) and coverage now."""
        key = _ledger_key(store.root)
        # A Store of its own: its connection lives as long as the snapshot, so a rebuild never
        # closes a connection another thread is reading through.
        store = Store(store.root)
        _quiet(store)
        return cls._from_core(core_table(store), covered_days(store), store, key)

    @classmethod
    def from_analyses(cls, analyses: Iterable[Analysis]) -> EventIndex:
        """A snapshot of analyses that are not stored (tests, one-off batches); the publication
        days of the articles count as covered."""
        done = list(analyses)
        con = duckdb.connect(":memory:")
        try:
            con.register("events", EVENTS.to_arrow([msgspec.to_builtins(e) for a in done for e in a.events]))
            con.register("articles", ARTICLES.to_arrow([msgspec.to_builtins(a.article) for a in done]))
            core = con.sql(_CORE).to_arrow_table()
            events = con.sql(_SNAPSHOT).to_arrow_table()
        finally:
            con.close()
        days = {d for d in (article_date(a.article) for a in done) if d is not None}
        index = cls._from_core(core, frozenset(days), None, (0, 0))
        index._load_events(events)
        index._built["ev"] = True
        return index

    @classmethod
    def _from_core(cls, core: pa.Table, covered: frozenset[date], store: Store | None,
                   key: tuple[int, int]) -> EventIndex:
        # Every core for the build (a few large sorts); then one thread per query: requests run
        # many queries at once, and each query is small.
        con = duckdb.connect(":memory:", config={"threads": max(1, os.cpu_count() or 1)})
        con.register("_core", core)
        # Unsorted: every query over it filters or orders for itself, and sorting millions of rows
        # would cost more than the scans it might save.
        con.execute("CREATE TABLE core AS SELECT * FROM _core")
        con.unregister("_core")
        con.execute("CREATE TABLE day_totals AS SELECT day, count(*) AS events, sum(n_reports) AS reports "
                    "FROM core WHERE day IS NOT NULL AND happened GROUP BY day")
        # One row per (actor country, recipient country) of each dated event that happened. Two
        # unnests in the select list: several times faster in DuckDB than a lateral join of both.
        con.execute(
            "CREATE TABLE pairs AS SELECT actor, recipient, event_id, day, category, quad_class, goldstein, "
            "n_reports FROM (SELECT unnest(recipient_countries) AS recipient, * FROM "
            "(SELECT unnest(actor_countries) AS actor, * FROM core WHERE day IS NOT NULL AND happened)) "
            "WHERE actor <> recipient"
        )
        con.execute("SET threads = 1")
        return cls(store=store, con=con, covered_days=covered, key=key)

    def _load_events(self, events: pa.Table) -> None:
        with self._lock:
            self.con.register("_snapshot", events)
            self.con.execute("CREATE TABLE ev AS SELECT * FROM _snapshot ORDER BY day NULLS LAST, event_id")
            self.con.unregister("_snapshot")

    def ensure_events(self) -> None:
        """Build the full snapshot (table ``ev``: every column of every event) if not yet built.
        ``query`` and ``rows`` call it for SQL naming ``ev``."""
        if "ev" in self._built:
            return
        with self._build_lock:
            if "ev" in self._built:
                return
            if self.store is not None:
                # A connection of its own: the snapshot's store connection may be in use by another
                # thread, and a cursor of it does not see an in-memory catalog's (temporary) views.
                # The ledger may have moved on since ``core`` was read; then this snapshot is
                # replaced on the next ``event_index`` call anyway.
                fresh = Store(self.store.root)
                _quiet(fresh)
                try:
                    events = fresh.sql(_SNAPSHOT)
                finally:
                    fresh.close()
                self._load_events(events)
            self._built["ev"] = True

    def event_count(self) -> int:
        """Stored events (every row, happened or not)."""
        return int(self.rows("SELECT count(*) FROM core")[0][0])

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

    def built(self, name: str, build: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """``build(cursor)`` run once per snapshot and kept (e.g. the dyad cube, the listing order):
        concurrent first callers wait for the one build instead of each building their own."""
        found = self._built.get(name)
        if found is None:
            with self._build_lock:
                found = self._built.get(name)
                if found is None:
                    with self._lock:
                        cur = self.con.cursor()
                    try:
                        found = build(cur)
                    finally:
                        cur.close()
                    self._built[name] = found
        return found  # type: ignore[no-any-return]

    def has(self, name: str) -> bool:
        """Whether ``built(name, ...)`` has been built."""
        return name in self._built

    def cube(self) -> DyadCube:
        """Day-level sums of every dyad (``cube.py``), built on first use."""
        from communique.relations.series import categories

        def build(cur: duckdb.DuckDBPyConnection) -> DyadCube:
            # Two large grouped sorts: worth every core, once per snapshot.
            cur.execute(f"SET threads = {max(1, os.cpu_count() or 1)}")
            try:
                return DyadCube.build(cur, categories())
            finally:
                cur.execute("SET threads = 1")

        return self.built("cube", build)

    def listing(self) -> EventListing:
        """The events in listing order with posting lists (``listing.py``), built on first use."""
        from communique.relations.listing import EventListing
        from communique.relations.search import EVENT_COLUMNS

        self.ensure_events()
        return self.built("listing", lambda cur: EventListing.build(cur, EVENT_COLUMNS))

    def day_totals(self) -> dict[date, tuple[int, int]]:
        """Events and reports that happened, per day (the denominators of shares), computed once."""
        with self._lock:
            if self._day_totals is None:
                self._day_totals = {d: (int(n), int(r or 0)) for d, n, r in
                                    self.con.execute("SELECT day, events, reports FROM day_totals").fetchall()}
            return self._day_totals

    def query(self, sql: str, params: list[Any] | None = None) -> pa.Table:
        """Run SQL over the snapshot (tables ``core``, ``ev``, ``day_totals``, ``pairs``); the result as Arrow."""
        if _MENTIONS_EV.search(sql):
            self.ensure_events()
        with self.cursor() as cur:
            rel = cur.sql(sql, params=params) if params else cur.sql(sql)
            # DuckDB renamed ``arrow`` to ``to_arrow_table`` in 2.0.
            method = getattr(rel, "to_arrow_table", None) or getattr(rel, "arrow")  # noqa: B009
            result: pa.Table = method()
            return result

    def rows(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        """Run SQL over the snapshot; the result as tuples."""
        if _MENTIONS_EV.search(sql):
            self.ensure_events()
        with self.cursor() as cur:
            return cur.execute(sql, params or []).fetchall()

    def store_rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        """Run SQL over the store's own tables (articles, quotes, events...) on the calling thread's
        own connection to the store."""
        if self.store is None:
            raise StoreError("this event snapshot was not read from a store")
        store = getattr(self._local, "store", None)
        if store is None:
            # Not a cursor of the snapshot's store connection: when that connection is an in-memory
            # catalog (an older catalog is still open in this process, e.g. after an ingest), its
            # views are temporary and a cursor does not see them.
            store = Store(self.store.root)
            self._local.store = store
        try:
            rel = store.connect().execute(sql, params or [])
            names = [d[0] for d in rel.description or []]
            return [dict(zip(names, row, strict=True)) for row in rel.fetchall()]
        except duckdb.Error as exc:
            raise StoreError(f"query failed: {exc}") from exc

    def is_current(self) -> bool:
        return self.store is not None and _ledger_key(self.store.root) == self.key


def _core_tag(store: Store) -> str:
    """What a persisted ``core`` must have been read from: this code's query and catalog version,
    and the ledger state (sequence number and committed bytes)."""
    state = store.ledger()
    query = hashlib.sha256(f"{_CORE}\x1f{CATALOG_VERSION}".encode()).hexdigest()[:16]
    return f"{query}:{state.seq}:{state.valid_bytes}"


def core_table(store: Store) -> pa.Table:
    """The narrow snapshot (``core``) of the store's current state.

    Reading it through the store's ``events`` view merges every report, which on a store of
    millions of events takes minutes; so it is also kept, best effort, in ``cache/`` of the store
    folder, tagged with the ledger state it reflects (``_core_tag``), and read back from there by
    the next process that snapshots the same state. The file is derived data: delete it at will;
    a read-only store just skips it.
    """
    tag = _core_tag(store)
    path = store.root / CORE_CACHE
    try:
        if (pq.read_schema(path).metadata or {}).get(b"communique.relations.core") == tag.encode():
            return pq.read_table(path)
    except (OSError, pa.ArrowException):
        pass  # missing or unreadable: compute it
    table = store.sql(_CORE)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        path.parent.mkdir(exist_ok=True)
        meta = {**(table.schema.metadata or {}), b"communique.relations.core": tag.encode()}
        pq.write_table(table.replace_schema_metadata(meta), tmp, compression="zstd")
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only store: snapshot without the cache
    finally:
        if tmp.exists():
            tmp.unlink(missing_ok=True)
    return table


def _quiet(store: Store) -> None:
    """No DuckDB progress bar on a server's output while a large snapshot is read."""
    try:
        store.connect().execute("SET enable_progress_bar = false")
    except duckdb.Error:
        pass


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


def current_index(store: Store) -> EventIndex | None:
    """The snapshot of ``store`` if one was built for its current ledger state, else None (no build)."""
    cached = _CACHE.get(store.root)
    return cached if cached is not None and cached.is_current() else None


def event_index(store: Store | EventIndex) -> EventIndex:
    """The current snapshot of ``store`` (built on first use, rebuilt when the ledger changed)."""
    if isinstance(store, EventIndex):
        return store
    # The common case takes no lock: under many request threads a lock taken on every call makes
    # them queue behind each other's GIL switches (a lock convoy), for nothing but a dict read.
    cached = current_index(store)
    if cached is not None:
        return cached
    with _CACHE_LOCK:
        cached = _CACHE.get(store.root)
        if cached is not None and cached.is_current():
            return cached
        index = EventIndex.build(store)
        _CACHE[store.root] = index
        return index
