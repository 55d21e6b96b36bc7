"""The store: canonical Parquet files + a ledger, queried through an embedded DuckDB catalog.

Python API::

    from communique.store import open_store, ingest, recode

    summary = ingest(["news.jsonl"], "corpus/")          # idempotent, resumable
    store = open_store("corpus/")
    store.table("events")                                # pyarrow.Table
    store.to_pandas("articles") / store.to_polars("quotes")
    store.sql("SELECT category, count(*) FROM events GROUP BY 1")
    store.coverage()                                     # per source and day: seen/stored/unchanged/rejected
    store.stats()
    recode(store, Pipeline())                            # re-analyse stored articles after an upgrade

Layout on disk: ``layout.py``; the commit protocol: ``writer.py`` and ``ledger.py``; coverage
rules: ``coverage.py``; the DuckDB catalog: ``catalog.py``; exports (JSONL, CSV, Parquet, GDELT):
``export.py``; re-analysing stored articles after an upgrade: ``recode.py``.
"""

from __future__ import annotations

from communique.store.ingest import IngestSummary, ingest, ingest_items
from communique.store.layout import SCHEMA_VERSION, TABLES
from communique.store.recode import RecodeSummary, recode
from communique.store.store import Store, open_store

__all__ = ["SCHEMA_VERSION", "TABLES", "IngestSummary", "RecodeSummary", "Store", "ingest", "ingest_items",
           "open_store", "recode"]
