"""The DuckDB catalog: views over the ledger's live Parquet files, plus the coverage table.

The catalog file (``store.duckdb``) holds no data of its own — only views naming the valid files,
the coverage summed from the ledger, and ``store_info`` (schema version, ledger sequence number,
store path). It is built into a temporary file and renamed over the old one, so a crash never
leaves it half-built, and it is rebuilt whenever it is missing, unreadable, stale (the ledger has
moved on) or was built for another path. DuckDB allows one writing process per file and its WAL
has failed to replay after crashes; none of that can cost data here.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from communique.store.coverage import CoverageRow
from communique.store.layout import CATALOG, SCHEMA_VERSION, TABLES
from communique.store.ledger import LedgerState, fsync_dir

# Bump when the catalog's views change, so catalogs built by older code are rebuilt on open.
CATALOG_VERSION = "2"

COVERAGE_SCHEMA = pa.schema(
    [
        ("source", pa.string()),
        ("day", pa.string()),
        ("basis", pa.string()),
        ("seen", pa.int64()),
        ("stored", pa.int64()),
        ("unchanged", pa.int64()),
        ("rejected", pa.int64()),
        ("reasons", pa.string()),
    ]
)


def coverage_table(rows: dict[tuple[str, str, str], CoverageRow]) -> pa.Table:
    """Coverage rows as an Arrow table, sorted by source and day; ``reasons`` is JSON text."""
    import json

    ordered = [rows[k] for k in sorted(rows)]
    return pa.Table.from_pylist(
        [
            {"source": r.source, "day": r.day, "basis": r.basis, "seen": r.seen, "stored": r.stored,
             "unchanged": r.unchanged, "rejected": r.rejected,
             "reasons": json.dumps(r.reasons, ensure_ascii=False, sort_keys=True)}
            for r in ordered
        ],
        schema=COVERAGE_SCHEMA,
    )


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def define_views(con: duckdb.DuckDBPyConnection, root: Path, state: LedgerState, *, temporary: bool) -> None:
    """Create one view (or empty table) per stored table, and the coverage table."""
    kind = "TEMP " if temporary else ""
    for name, spec in TABLES.items():
        files = state.files(name)
        if files:
            listing = ", ".join(_quote(str(root / f)) for f in files)
            con.execute(
                f"CREATE OR REPLACE {kind}VIEW {name} AS "  # noqa: S608 - names come from TABLES
                f"SELECT * FROM read_parquet([{listing}], union_by_name = true, hive_partitioning = false)"
            )
        else:
            empty = spec.schema.empty_table()
            con.register("_empty", empty)
            con.execute(f"CREATE OR REPLACE {kind}TABLE {name} AS SELECT * FROM _empty")  # noqa: S608
            con.unregister("_empty")
    con.register("_coverage", coverage_table(state.coverage))
    con.execute(f"CREATE OR REPLACE {kind}TABLE coverage AS SELECT * FROM _coverage")  # noqa: S608
    con.unregister("_coverage")


def build_catalog(root: Path, state: LedgerState) -> Path:
    """Write ``store.duckdb`` for the given ledger state (atomically replacing any old one)."""
    target = root / CATALOG
    tmp = root / f".{CATALOG}.{secrets.token_hex(4)}.tmp"
    try:
        con = duckdb.connect(str(tmp))
        try:
            define_views(con, root, state, temporary=False)
            con.execute("CREATE TABLE store_info (key VARCHAR, value VARCHAR)")
            con.executemany(
                "INSERT INTO store_info VALUES (?, ?)",
                [("schema_version", str(SCHEMA_VERSION)), ("catalog_version", CATALOG_VERSION),
                 ("ledger_seq", str(state.seq)),
                 ("root", str(root.resolve()))],
            )
            con.execute("CHECKPOINT")
        finally:
            con.close()
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        # A WAL left by an older catalog would be replayed against the new file.
        wal = target.with_name(target.name + ".wal")
        if wal.exists():
            wal.unlink()
        fsync_dir(root)
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            if leftover.exists():
                leftover.unlink()
    return target


def catalog_is_current(path: Path, root: Path, state: LedgerState) -> bool:
    """True when ``path`` opens and was built for this store at this ledger sequence number."""
    if not path.exists():
        return False
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return False
    try:
        info: dict[str, Any] = dict(con.execute("SELECT key, value FROM store_info").fetchall())
    except duckdb.Error:
        return False
    finally:
        con.close()
    return (
        info.get("schema_version") == str(SCHEMA_VERSION)
        and info.get("catalog_version") == CATALOG_VERSION
        and info.get("ledger_seq") == str(state.seq)
        and info.get("root") == str(root.resolve())
    )
