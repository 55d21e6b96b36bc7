"""Opening a store and reading it: tables as Arrow / pandas / Polars, SQL, stats, coverage."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from communique.errors import StoreError, UsageError
from communique.store.catalog import build_catalog, catalog_is_current, coverage_table, define_views
from communique.store.layout import CATALOG, FORMAT_NAME, LEDGER, MANIFEST, RAW_VIEWS, SCHEMA_VERSION, TABLES
from communique.store.ledger import LedgerState, fsync_dir, read_ledger

# Counts ``stats`` always reports, whether or not a stage stores that table yet. ``events`` counts
# merged events (each happening once), ``event_reports`` the reports they were coded from.
STAT_TABLES = ("articles", "events", "event_reports", "quotes", "actors", "stories", "rejects")
# Every name ``table``/``count`` accept: the tables, the raw views behind derived ones, coverage.
VIEWS = (*TABLES, *RAW_VIEWS.values(), "coverage")


def _arrow(rel: duckdb.DuckDBPyRelation) -> pa.Table:
    """A relation as an Arrow table (DuckDB renamed this method in 2.0)."""
    method = getattr(rel, "to_arrow_table", None) or rel.arrow
    return method()


def arrow_batches(rel: duckdb.DuckDBPyRelation, batch_size: int = 2048) -> pa.RecordBatchReader:
    """A relation as a stream of record batches (bounded memory)."""
    method = getattr(rel, "to_arrow_reader", None) or rel.fetch_record_batch
    return method(batch_size)


class Store:
    """A communique store on disk. Open with ``open_store(path)``.

    Reading never needs a lock: every query sees the files listed by the ledger when the
    connection was made (call ``refresh()`` to see later commits).
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._con: duckdb.DuckDBPyConnection | None = None
        self.catalog_rebuilt = False

    # -- state -----------------------------------------------------------------------------------

    @property
    def ledger_path(self) -> Path:
        return self.root / LEDGER

    @property
    def catalog_path(self) -> Path:
        return self.root / CATALOG

    def ledger(self) -> LedgerState:
        """The ledger replayed now: live files, coverage, last commit."""
        return read_ledger(self.ledger_path, SCHEMA_VERSION)

    def writer(self, story_embedding_model: str | None = "auto") -> Any:
        """The store's single writer (a context manager holding the write lock).

        ``story_embedding_model`` is the sentence encoder of a story state created by this writer
        (a store whose stories exist keeps the encoder recorded with them).
        """
        from communique.store.writer import StoreWriter

        self.close()
        return StoreWriter(self, story_embedding_model=story_embedding_model)

    # -- DuckDB ----------------------------------------------------------------------------------

    def connect(self) -> duckdb.DuckDBPyConnection:
        """A DuckDB connection whose tables are the store's (articles, actors, quotes, events, rejects,
        stories, coverage; the raw rows behind events and stories as event_reports, story_versions).

        Uses ``store.duckdb`` when it is current; rebuilds it when it is missing, damaged or stale;
        falls back to an in-memory catalog when the folder is read-only.
        """
        if self._con is not None:
            return self._con
        state = self.ledger()
        if not catalog_is_current(self.catalog_path, self.root, state):
            try:
                build_catalog(self.root, state)
                self.catalog_rebuilt = True
            except (OSError, duckdb.Error):
                return self._connect_in_memory(state)
        try:
            con = duckdb.connect(str(self.catalog_path), read_only=True)
            # DuckDB shares one instance per path within a process: while another connection to an
            # older catalog is open, we would be handed that one. Check we got this ledger state.
            seq = con.execute("SELECT value FROM store_info WHERE key = 'ledger_seq'").fetchall()
        except duckdb.Error:
            return self._connect_in_memory(state)
        if seq != [(str(state.seq),)]:
            con.close()
            return self._connect_in_memory(state)
        self._con = con
        return con

    def _connect_in_memory(self, state: LedgerState) -> duckdb.DuckDBPyConnection:
        con = duckdb.connect(":memory:")
        define_views(con, self.root, state, temporary=True)
        self._con = con
        return con

    def rebuild(self) -> Path:
        """Rebuild ``store.duckdb`` from the Parquet files and the ledger."""
        self.close()
        path = build_catalog(self.root, self.ledger())
        self.catalog_rebuilt = True
        return path

    def refresh(self) -> None:
        """Forget the open connection so the next query sees the latest commits."""
        self.close()

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- queries ---------------------------------------------------------------------------------

    def sql(self, query: str, params: list[Any] | None = None) -> pa.Table:
        """Run SQL over the store's tables; the result as an Arrow table."""
        try:
            return _arrow(self.relation(query, params))
        except duckdb.Error as exc:
            raise StoreError(f"query failed: {exc}") from exc

    def relation(self, query: str, params: list[Any] | None = None) -> duckdb.DuckDBPyRelation:
        """A lazy DuckDB relation for ``query`` (stream it with ``arrow_batches``)."""
        try:
            return self.connect().sql(query, params=params) if params else self.connect().sql(query)
        except duckdb.Error as exc:
            raise StoreError(f"query failed: {exc}") from exc

    def _check_table(self, name: str) -> None:
        if name not in VIEWS:
            raise UsageError(f"no table {name!r}; tables: {', '.join(VIEWS)}")

    def table(self, name: str, columns: list[str] | None = None, where: str | None = None,
              params: list[Any] | None = None) -> pa.Table:
        """A whole table (or some columns / rows of it) as an Arrow table."""
        self._check_table(name)
        cols = ", ".join(f'"{c}"' for c in columns) if columns else "*"
        query = f"SELECT {cols} FROM {name}"  # noqa: S608 - table checked against TABLES
        if where:
            query += f" WHERE {where}"
        return self.sql(query, params)

    def to_pandas(self, name: str, **kwargs: Any) -> Any:
        """A table as a pandas DataFrame (needs pandas)."""
        return self.table(name, **kwargs).to_pandas()

    def to_polars(self, name: str, **kwargs: Any) -> Any:
        """A table as a Polars DataFrame (needs polars: ``pip install polars``)."""
        try:
            import polars as pl
        except ImportError as exc:
            raise UsageError("Polars is not installed; pip install polars (or use to_pandas / table)") from exc
        return pl.from_arrow(self.table(name, **kwargs))

    def count(self, name: str) -> int:
        """Rows in a table (0 for a table this store does not have). ``events`` counts merged events."""
        if name not in VIEWS:
            return 0
        rows = self.connect().execute(f"SELECT count(*) FROM {name}").fetchall()  # noqa: S608
        return int(rows[0][0]) if rows else 0

    def coverage(self, source: str | None = None) -> pa.Table:
        """What was ingested per source and day: seen, stored, unchanged, rejected, reasons (JSON)."""
        table = coverage_table(self.ledger().coverage)
        if source is not None:
            import pyarrow.compute as pc

            table = table.filter(pc.equal(table.column("source"), source))
        return table

    def stats(self) -> dict[str, Any]:
        """Counts per table, the publication date range, sources with their coverage, the last ingest."""
        con = self.connect()
        out: dict[str, Any] = {name: self.count(name) for name in STAT_TABLES}
        first, last, undated = con.execute(
            "SELECT min(d), max(d), count(*) FILTER (WHERE d IS NULL) FROM "
            "(SELECT TRY_CAST(substr(published, 1, 10) AS DATE) AS d FROM articles)"
        ).fetchall()[0]
        out["date_range"] = {
            "first": first.isoformat() if first else None,
            "last": last.isoformat() if last else None,
            "undated_articles": int(undated or 0),
        }
        per_source: dict[str, dict[str, Any]] = {}
        for source, n, lo, hi in con.execute(
            "SELECT source_key, count(*), min(d), max(d) FROM "
            "(SELECT source_key, TRY_CAST(substr(published, 1, 10) AS DATE) AS d FROM articles) "
            "GROUP BY source_key ORDER BY source_key"
        ).fetchall():
            per_source[source] = {"source": source, "articles": int(n),
                                  "first": lo.isoformat() if lo else None, "last": hi.isoformat() if hi else None}
        state = self.ledger()
        totals = {"seen": 0, "stored": 0, "unchanged": 0, "rejected": 0}
        reasons: dict[str, int] = {}
        days: dict[str, set[str]] = {}
        for row in state.coverage.values():
            entry = per_source.setdefault(
                row.source, {"source": row.source, "articles": 0, "first": None, "last": None}
            )
            for key in totals:
                value = getattr(row, key)
                entry[key] = entry.get(key, 0) + value
                totals[key] += value
            for reason, n in row.reasons.items():
                reasons[reason] = reasons.get(reason, 0) + n
            days.setdefault(row.source, set()).add(row.day)
        for source, entry in per_source.items():
            for key in totals:
                entry.setdefault(key, 0)
            entry["days_covered"] = len(days.get(source, ()))
        out["sources"] = sorted(per_source.values(), key=lambda e: e["source"])
        out["coverage"] = {**totals, "reasons": dict(sorted(reasons.items())),
                           "source_days": sum(len(d) for d in days.values())}
        out["store"] = {"path": str(self.root), "schema_version": SCHEMA_VERSION, "commits": state.commits,
                        "files": len(state.live_paths()), "last_commit": state.last_time}
        return out


def _write_manifest(root: Path) -> None:
    manifest = {"format": FORMAT_NAME, "schema_version": SCHEMA_VERSION,
                "created": datetime.now(UTC).isoformat(timespec="seconds")}
    tmp = root / f".{MANIFEST}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(manifest, fh, indent=2)
        fh.write("\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, root / MANIFEST)
    fsync_dir(root)


def _check_manifest(root: Path) -> None:
    path = root / MANIFEST
    try:
        manifest = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise StoreError(f"{path}: unreadable store manifest ({exc})") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise StoreError(f"{root}: not a communique store ({MANIFEST} does not name the format)")
    version = manifest.get("schema_version")
    if version != SCHEMA_VERSION:
        newer = isinstance(version, int) and version > SCHEMA_VERSION
        advice = (
            "upgrade communique to a version that reads it"
            if newer
            else "export its tables with the communique version that wrote it and re-ingest into a new store"
        )
        raise StoreError(
            f"{root}: store schema version {version}, but this communique reads version {SCHEMA_VERSION}; "
            f"{advice}"
        )


def open_store(path: str | os.PathLike[str], *, create: bool = False) -> Store:
    """Open the store at ``path`` (checking its schema version); ``create=True`` makes a new one."""
    root = Path(path).expanduser().absolute()
    if root.exists() and not root.is_dir():
        raise StoreError(f"{root}: exists and is not a folder")
    if (root / MANIFEST).exists():
        _check_manifest(root)
        return Store(root)
    if not create:
        if root.exists() and any(p.name != f".{MANIFEST}.tmp" for p in root.iterdir()):
            raise StoreError(f"{root}: not a communique store (no {MANIFEST})")
        raise StoreError(f"{root}: no store here; create one with `communique ingest INPUT --store {path}`")
    # A creation killed before the manifest was renamed leaves only its temporary file.
    if root.exists() and any(p.name != f".{MANIFEST}.tmp" for p in root.iterdir()):
        raise StoreError(f"{root}: folder is not empty and not a communique store; choose a new or empty folder")
    try:
        root.mkdir(parents=True, exist_ok=True)
        _write_manifest(root)
    except OSError as exc:
        raise StoreError(f"{root}: cannot create a store: {exc}") from exc
    return Store(root)
