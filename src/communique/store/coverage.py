"""The coverage ledger: what was looked at, per source and day, so "no data" is never shown as zero.

Every ingest batch commits, together with its files, one ``CoverageRow`` per (source, day, basis):
how many articles were *seen*, how many *stored* (new or replacing an older version), how many were
*unchanged* (already stored with the same content) and how many *rejected*, with a count per reason.

- ``day`` is the article's publication date (``basis="published"``); an undated article, and every
  reject, is counted on the UTC day it was ingested (``basis="ingested"``).
- ``source`` is the host of an http(s) source or URL (``www.bbc.co.uk``), else the input path the
  article came from (``source`` as set by ingest), else ``(unknown)``. Rejects are counted under
  the input they came from, without a row number.

A (source, day) missing from the coverage means nobody looked; a row with ``stored=0`` means we
looked and there was nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from urllib.parse import urlsplit

import msgspec

from communique.records import Article, Reject

UNKNOWN_SOURCE = "(unknown)"
# "file.jsonl:17" / "file.jsonl#17" / "file.jsonl line 17" → "file.jsonl" (row rejects count under their file).
_ROW_SUFFIX = re.compile(r"(?::\d+|#\S*|\s+(?:line|row)\s+\d+|\s+\(id .*\))$")


class CoverageRow(msgspec.Struct, kw_only=True):
    """Counts for one source on one day."""

    source: str
    day: str
    basis: str  # "published" or "ingested"
    seen: int = 0
    stored: int = 0
    unchanged: int = 0
    rejected: int = 0
    reasons: dict[str, int] = msgspec.field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.source, self.day, self.basis)

    def add(self, other: CoverageRow) -> None:
        self.seen += other.seen
        self.stored += other.stored
        self.unchanged += other.unchanged
        self.rejected += other.rejected
        for reason, n in other.reasons.items():
            self.reasons[reason] = self.reasons.get(reason, 0) + n


def _host(value: str | None) -> str | None:
    if value and value.lower().startswith(("http://", "https://")):
        host = urlsplit(value).hostname
        return host or None
    return None


def source_key(article: Article) -> str:
    """The coverage source of an article (see module docstring)."""
    return _host(article.source) or article.source or _host(article.url) or UNKNOWN_SOURCE


def reject_source(reject: Reject) -> str:
    """The coverage source of a reject: its input without a row number, or the URL's host."""
    name = reject.input or UNKNOWN_SOURCE
    return _host(name) or _ROW_SUFFIX.sub("", name) or UNKNOWN_SOURCE


def reason_label(reason: str) -> str:
    """A reason short enough to count by: the text before any detail after a colon, capped."""
    label = reason.split(": ", 1)[0].strip() if len(reason) > 80 else reason.strip()
    return label[:80] or "unknown"


class CoverageCounter:
    """Counts one batch; ``rows()`` gives the ledger rows to commit with it."""

    def __init__(self, ingest_day: date) -> None:
        self.ingest_day = ingest_day.isoformat()
        self._rows: dict[tuple[str, str, str], CoverageRow] = {}

    def _row(self, source: str, day: date | None) -> CoverageRow:
        key = (source, day.isoformat(), "published") if day else (source, self.ingest_day, "ingested")
        row = self._rows.get(key)
        if row is None:
            row = self._rows[key] = CoverageRow(source=key[0], day=key[1], basis=key[2])
        return row

    def seen(self, article: Article, day: date | None) -> None:
        self._row(source_key(article), day).seen += 1

    def stored(self, article: Article, day: date | None) -> None:
        self._row(source_key(article), day).stored += 1

    def unchanged(self, article: Article, day: date | None) -> None:
        self._row(source_key(article), day).unchanged += 1

    def rejected_article(self, article: Article, day: date | None, reason: str) -> None:
        """An article that was read but could not be stored (e.g. analysis failed)."""
        self._count_reject(self._row(source_key(article), day), reason)

    def rejected(self, reject: Reject) -> None:
        """An input that never became an article: counted as seen and rejected on the ingest day."""
        row = self._row(reject_source(reject), None)
        row.seen += 1
        self._count_reject(row, reject.reason)

    @staticmethod
    def _count_reject(row: CoverageRow, reason: str) -> None:
        row.rejected += 1
        label = reason_label(reason)
        row.reasons[label] = row.reasons.get(label, 0) + 1

    def rows(self) -> list[CoverageRow]:
        return sorted(self._rows.values(), key=lambda r: r.key)


def merge_rows(rows: Iterable[CoverageRow]) -> dict[tuple[str, str, str], CoverageRow]:
    """Sum coverage rows by (source, day, basis)."""
    total: dict[tuple[str, str, str], CoverageRow] = {}
    for row in rows:
        into = total.get(row.key)
        if into is None:
            total[row.key] = into = CoverageRow(source=row.source, day=row.day, basis=row.basis)
        into.add(row)
    return total
