"""Ingestion: paths, URLs, feeds, archives and stdin → ``Article`` records (or ``Reject``s).

Formats: plain text and Markdown (one article per file, text kept exactly as given), HTML
(trafilatura: main text, title, date, author, site), RSS/Atom (one article per item), JSONL and
CSV (one article per row, optionally gzipped), WARC (each HTML response record), directories,
``-`` for standard input (format sniffed) and ``http(s)`` URLs (fetched under SSRF checks).
Modules: ``sources`` (dispatch), ``text`` (decoding, cleaning), ``html`` + ``worker`` (bounded
extraction), ``feeds``, ``rows``, ``warc``, ``fetch``, ``dates``, ``limits``.

Every failure is a ``Reject(input, reason)`` with a one-line reason; the batch always goes on.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from communique.config import Settings
from communique.ingest.article import content_id
from communique.records import Article, Reject

__all__ = ["content_id", "read_inputs"]


def read_inputs(inputs: Iterable[str], settings: Settings | None = None) -> Iterator[Article | Reject]:
    """Articles from each input in order; unreadable inputs become ``Reject``s (never raise)."""
    from communique.ingest.sources import read_all

    return _clean_rejects(read_all(inputs, settings or Settings.load()))


def _clean_rejects(items: Iterator[Article | Reject]) -> Iterator[Article | Reject]:
    # A path with undecodable bytes (surrogate-escaped by the OS layer) or a reason quoting bad
    # input must not make a batch write fail downstream; articles are cleaned in make_article.
    # Reasons quote input (CSV headers, parser messages): line breaks in them would break the
    # one-line-per-reject contract, so every run of whitespace becomes one space.
    from communique.ingest.text import clean_text

    for item in items:
        if isinstance(item, Reject):
            item = Reject(input=clean_text(item.input), reason=" ".join(clean_text(item.reason).split()), stage=item.stage)
        yield item
