"""What a store looks like on disk, and the Arrow schema of every table.

::

    STORE/
      communique-store.json          manifest: format name and schema version (written once)
      ledger.jsonl                   append-only commit log; the list of valid files (see ledger.py)
      store.duckdb                   query catalog: views over the valid files; rebuildable, never canonical
      tables/<table>/year=YYYY/month=MM/part-<fragment>.parquet
      tables/<table>/year=unknown/month=unknown/part-<fragment>.parquet   (no publication date)

Rows are partitioned by the article's publication month (actor mentions, quotes and events live
with their article, so replacing an article touches one fragment); rejects by the month they were
seen, story versions by the day they were written. A *fragment* is one partition's share of one
batch: the same ``part-<fragment>`` name in every table directory. More tables are added by
registering a ``TableSpec``.

      index/groups.state             duplicate groups + story clusterer state (``grouping.py``);
                                     derived, rebuilt/caught up from the ledger when behind

Arrow schemas are derived from the msgspec records in ``records.py`` so a field added there is
stored without touching this module; values Arrow cannot type (``dict[str, Any]``, ``Any``) are
stored as JSON text and decoded again on export.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import msgspec
import msgspec.inspect as mi
import pyarrow as pa

from communique.records import ActorMention, Article, Event, Quote, Reject, Story

# Bump when stored files change incompatibly (a renamed/retyped column, a new layout). Adding an
# optional field to a record is compatible: DuckDB reads old files with NULL in the new column.
SCHEMA_VERSION = 1
FORMAT_NAME = "communique-store"
MANIFEST = "communique-store.json"
LEDGER = "ledger.jsonl"
CATALOG = "store.duckdb"
TABLES_DIR = "tables"
LOCK = ".writer.lock"
UNKNOWN_PARTITION = "year=unknown/month=unknown"


@dataclass(frozen=True)
class TableSpec:
    """One stored table: its record type, the columns added by the store, and its Arrow schema."""

    name: str
    record: type[msgspec.Struct]
    # Store columns placed before the record's fields (e.g. the article id of an actor mention).
    prefix: tuple[tuple[str, pa.DataType], ...] = ()
    # Store columns placed after the record's fields (hashes, timestamps).
    suffix: tuple[tuple[str, pa.DataType], ...] = ()
    # Rows belong to an article (deleted with it when the article is replaced).
    keyed_by_article: bool = True
    schema: pa.Schema = field(init=False)
    json_columns: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        fields_: list[pa.Field] = [pa.field(n, t) for n, t in self.prefix]
        json_cols: set[str] = set()
        store_columns = {n for n, _ in self.prefix + self.suffix}
        for f in mi.type_info(self.record).fields:  # type: ignore[attr-defined]
            if f.name in store_columns:
                continue  # the record gained a field the store already provides
            arrow, is_json = _arrow_type(f.type)
            if is_json:
                json_cols.add(f.name)
            fields_.append(pa.field(f.name, arrow))
        fields_ += [pa.field(n, t) for n, t in self.suffix]
        schema = pa.schema(fields_, metadata={b"communique.table": self.name.encode(),
                                              b"communique.schema_version": str(SCHEMA_VERSION).encode()})
        object.__setattr__(self, "schema", schema)
        object.__setattr__(self, "json_columns", frozenset(json_cols))

    @property
    def columns(self) -> list[str]:
        return list(self.schema.names)

    def to_arrow(self, rows: list[dict[str, Any]]) -> pa.Table:
        """Rows (record builtins plus store columns) → an Arrow table of this schema."""
        if self.json_columns:
            rows = [_encode_json_columns(r, self.json_columns) for r in rows]
        try:
            return pa.Table.from_pylist(rows, schema=self.schema)
        except (UnicodeEncodeError, pa.ArrowInvalid):
            # Ingest cleans text, but a record built elsewhere may still carry unpaired
            # surrogates; one bad character must not cost the batch.
            return pa.Table.from_pylist([scrub(r) for r in rows], schema=self.schema)

    def decode_row(self, row: dict[str, Any]) -> dict[str, Any]:
        """A stored row back to JSON-ready builtins (JSON-text columns parsed again)."""
        for name in self.json_columns:
            value = row.get(name)
            if isinstance(value, str):
                try:
                    row[name] = json.loads(value)
                except ValueError:
                    pass
        return row


def _arrow_type(info: Any) -> tuple[pa.DataType, bool]:
    """Arrow type for a msgspec type; (string, True) when the value is kept as JSON text."""
    if isinstance(info, mi.UnionType):
        others = [t for t in info.types if not isinstance(t, mi.NoneType)]
        if len(others) == 1:
            return _arrow_type(others[0])
        return pa.string(), True
    if isinstance(info, mi.StrType):
        return pa.string(), False
    if isinstance(info, mi.BoolType):
        return pa.bool_(), False
    if isinstance(info, mi.IntType):
        return pa.int64(), False
    if isinstance(info, mi.FloatType):
        return pa.float64(), False
    if isinstance(info, mi.LiteralType):
        if all(isinstance(v, str) for v in info.values):
            return pa.string(), False
        return pa.string(), True
    if isinstance(info, mi.ListType | mi.VarTupleType | mi.SetType | mi.FrozenSetType):
        item, is_json = _arrow_type(info.item_type)
        return (pa.string(), True) if is_json else (pa.list_(item), False)
    if isinstance(info, mi.TupleType):
        items = [_arrow_type(t) for t in info.item_types]
        if items and all(t == items[0] for t in items) and not items[0][1]:
            return pa.list_(items[0][0]), False
        return pa.string(), True
    if isinstance(info, mi.StructType):
        subfields = []
        for f in info.fields:
            sub, is_json = _arrow_type(f.type)
            if is_json:
                return pa.string(), True
            subfields.append(pa.field(f.name, sub))
        return pa.struct(subfields), False
    return pa.string(), True


def _encode_json_columns(row: dict[str, Any], names: frozenset[str]) -> dict[str, Any]:
    out = dict(row)
    for name in names:
        value = out.get(name)
        if value is not None and not isinstance(value, str):
            out[name] = json.dumps(value, ensure_ascii=False, sort_keys=False)
    return out


_SURROGATES = re.compile("[\ud800-\udfff]")


def scrub(value: Any) -> Any:
    """Replace unpaired surrogates by U+FFFD everywhere in a row (one character for one)."""
    if isinstance(value, str):
        return _SURROGATES.sub("\ufffd", value)
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(v) for v in value]
    return value


ARTICLES = TableSpec(
    "articles",
    Article,
    # ``dup_group``: the id of the first article of its exact/near-duplicate group (``dedup``);
    # ``analysis_hash``: hash of its stored actors, quotes and events (``store recode`` rewrites an
    # article only when a new analysis differs; NULL in stores written before it existed).
    suffix=(("content_hash", pa.string()), ("source_key", pa.string()), ("ingested_at", pa.string()),
            ("dup_group", pa.string()), ("analysis_hash", pa.string())),
)
ACTORS = TableSpec("actors", ActorMention, prefix=(("article_id", pa.string()), ("mention_index", pa.int64())))
QUOTES = TableSpec("quotes", Quote)
# Stored rows are *reports*: one per event coded from one article. ``group_id`` is the id of the
# merged event the report belongs to (the first report of that happening; see ``grouping.py``),
# ``outlet`` the source it counts for in ``n_sources``, ``dup_group`` its article's duplicate group
# (copies of one report at one outlet count as one report). The catalog's ``events`` view merges the
# reports of a group into one row; ``event_reports`` shows them one by one.
EVENTS = TableSpec("events", Event, suffix=(("group_id", pa.string()), ("outlet", pa.string()),
                                            ("dup_group", pa.string())))
REJECTS = TableSpec(
    "rejects",
    Reject,
    prefix=(("reject_id", pa.string()),),
    suffix=(("first_seen", pa.string()),),
    keyed_by_article=False,
)

# Story *versions*: every batch writes the current state of each story it touched (``seq`` = its
# ledger sequence number); a story merged into another gets a last version naming it in
# ``merged_into``. The catalog's ``stories`` view shows the latest version of each live story.
STORIES = TableSpec(
    "stories",
    Story,
    suffix=(("seq", pa.int64()), ("merged_into", pa.string())),
    keyed_by_article=False,
)

# Every table the store writes, by name.
TABLES: dict[str, TableSpec] = {t.name: t for t in (ARTICLES, ACTORS, QUOTES, EVENTS, REJECTS, STORIES)}

# Catalog views over the raw rows of a table whose user-facing view is derived from them
# (table name → raw view name): ``events`` merges reports, ``stories`` shows latest versions.
RAW_VIEWS: dict[str, str] = {"events": "event_reports", "stories": "story_versions"}


def register_table(spec: TableSpec) -> None:
    """Add a table to the store layout (for stages that store their own records)."""
    TABLES[spec.name] = spec


def partition_of(day: date | None) -> str:
    """Hive partition path for a publication (or, for rejects, ingest) date."""
    if day is None:
        return UNKNOWN_PARTITION
    return f"year={day.year:04d}/month={day.month:02d}"


def fragment_path(table: str, partition: str, fragment_id: str) -> str:
    """Store-relative path of one table's file of a fragment."""
    return f"{TABLES_DIR}/{table}/{partition}/part-{fragment_id}.parquet"


def table_names(extra: Iterable[str] = ()) -> list[str]:
    return list(TABLES) + [n for n in extra if n not in TABLES]
