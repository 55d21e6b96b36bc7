"""JSONL and CSV (optionally gzipped): one article per row.

``text`` is required; ``id``, ``title``, ``url``, ``published`` are optional; every other field
is kept in the article's ``meta``. A given ``id`` is the article id verbatim (even with ``/``).
The text is kept exactly as given apart from ``clean_text`` (spans index into it). A bad row
becomes a ``Reject`` naming ``file:line``; the other rows go on. Streams are read with the
decoded size bounded by ``max_decoded_bytes`` and each row by ``max_record_bytes``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any, BinaryIO

from communique.config import Settings
from communique.ingest.article import make_article
from communique.ingest.dates import to_iso_date
from communique.ingest.limits import BadInput, TooLarge, bounded_lines
from communique.records import Article, Reject

KNOWN_FIELDS = ("id", "text", "title", "url", "published")


def row_article(row: dict[str, Any], input_name: str, where: str) -> Article | Reject:
    """One row → an article, or a reject naming ``where`` (``file:line``) and the reason."""
    text = row.get("text")
    if not isinstance(text, str):
        reason = "no 'text' field" if text is None else f"'text' is {type(text).__name__}, not a string"
        return Reject(input=where, reason=reason)
    if not text.strip():
        return Reject(input=where, reason="'text' is empty")
    given = row.get("id")
    if isinstance(given, bool) or (given is not None and not isinstance(given, (str, int))):
        return Reject(input=where, reason=f"'id' is {type(given).__name__}, not a string")
    optional = {}
    for key in ("title", "url"):
        value = row.get(key)
        optional[key] = value if isinstance(value, str) and value.strip() else None
    meta = {k: v for k, v in row.items() if k not in KNOWN_FIELDS}
    raw_date = row.get("published")
    published = to_iso_date(raw_date)
    if raw_date and not published:
        meta["published_raw"] = raw_date  # unknown date: kept, never guessed
    return make_article(
        text,
        input_name=input_name,
        given_id=str(given) if given not in (None, "") else None,
        title=optional["title"],
        url=optional["url"],
        published=published,
        meta=meta,
    )


def jsonl_articles(stream: BinaryIO, input_name: str, settings: Settings) -> Iterator[Article | Reject]:
    """Articles from a JSON Lines stream (blank lines skipped)."""
    try:
        for number, line in bounded_lines(stream, settings.max_record_bytes):
            where = f"{input_name}:{number}"
            if line is None:
                yield Reject(input=where, reason=f"row over the limit of {settings.max_record_bytes:,} bytes "
                                                 "(max_record_bytes)")
                continue
            if not line.strip():
                continue
            try:
                row = json.loads(line.decode("utf-8"))
            except UnicodeDecodeError:
                yield Reject(input=where, reason="row is not valid UTF-8")
                continue
            except (ValueError, RecursionError) as exc:
                yield Reject(input=where, reason=f"invalid JSON ({str(exc)[:120]})")
                continue
            if not isinstance(row, dict):
                yield Reject(input=where, reason=f"row is a JSON {type(row).__name__}, not an object")
                continue
            yield row_article(row, input_name, where)
    except (TooLarge, BadInput) as exc:
        yield Reject(input=input_name, reason=str(exc))


def csv_articles(stream: BinaryIO, input_name: str, settings: Settings) -> Iterator[Article | Reject]:
    """Articles from a CSV stream with a header row (UTF-8, a BOM allowed)."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
    old_limit = csv.field_size_limit()
    csv.field_size_limit(settings.max_record_bytes)
    try:
        reader = csv.reader(text)
        try:
            header = next(reader)
        except StopIteration:
            yield Reject(input=input_name, reason="empty CSV file")
            return
        header = [h.strip() for h in header]
        if "text" not in header:
            yield Reject(input=input_name, reason=f"CSV header has no 'text' column (columns: {', '.join(header)[:200]})")
            return
        while True:
            start = reader.line_num + 1
            where = f"{input_name}:{start}"
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield Reject(input=where, reason=f"bad CSV row ({str(exc)[:120]})")
                if reader.line_num < start:
                    return  # no progress: stop rather than loop
                continue
            if not values or not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                yield Reject(input=where, reason=f"row has {len(values)} fields, the header {len(header)}")
                continue
            yield row_article(dict(zip(header, values, strict=True)), input_name, where)
    except (TooLarge, BadInput) as exc:
        yield Reject(input=input_name, reason=str(exc))
    finally:
        csv.field_size_limit(old_limit)
