"""WARC archives (e.g. Common Crawl News): each HTML response record becomes an article.

The archive is read as a stream (gzip decoded by ``limits.open_decoded`` with the decoded size
bounded by ``max_decoded_bytes``); each record's payload is bounded by ``max_record_bytes``.
Records that are not successful HTML responses (requests, metadata, redirects, images) are
skipped: they are not articles. The article's URL is the record's ``WARC-Target-URI``; its date
is the page's own publication date, else the capture date (``WARC-Date``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import BinaryIO

from communique.config import Settings
from communique.ingest.dates import to_iso_date
from communique.ingest.limits import BadInput, TooLarge
from communique.records import Article, Reject

HTML_TYPES = ("text/html", "application/xhtml+xml")

# (html bytes, url, http content type, input name, capture date) → article or reject
PageHandler = Callable[[bytes, str | None, str | None, str, str | None], Article | Reject]


def warc_articles(
    stream: BinaryIO, input_name: str, settings: Settings, page: PageHandler
) -> Iterator[Article | Reject]:
    """Articles from the HTML response records of a WARC stream."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    class QuietArchiveIterator(ArchiveIterator):  # type: ignore[misc]
        # warcio writes a multi-line warning to stderr for each record with a wrong
        # Content-Length; rejects are reported one line each, by the caller, instead.
        INC_RECORD = ""

    number = 0
    try:
        for record in QuietArchiveIterator(stream, arc2warc=True):
            number += 1
            if record.rec_type not in ("response", "resource"):
                continue
            uri = record.rec_headers.get_header("WARC-Target-URI")
            where = f"{input_name}#{uri or f'record{number}'}"
            if record.http_headers is not None:
                status = record.http_headers.get_statuscode()
                content_type = record.http_headers.get_header("Content-Type") or ""
                if not str(status).startswith("2"):
                    continue
            else:
                content_type = record.rec_headers.get_header("Content-Type") or ""
            if content_type.lower().split(";")[0].strip() not in HTML_TYPES:
                continue
            payload = record.content_stream().read(settings.max_record_bytes + 1)
            if len(payload) > settings.max_record_bytes:
                yield Reject(input=where, reason=f"record over the limit of {settings.max_record_bytes:,} bytes "
                                                 "(max_record_bytes)")
                continue
            captured = to_iso_date(record.rec_headers.get_header("WARC-Date"))
            yield page(payload, uri, content_type, where, captured)
    except (TooLarge, BadInput) as exc:
        yield Reject(input=input_name, reason=str(exc))
    except ArchiveLoadFailed as exc:
        yield Reject(input=input_name, reason=f"not a readable WARC archive ({str(exc).splitlines()[0][:120]})")
    except Exception as exc:  # warcio raises arbitrary errors (even AttributeError) on malformed records
        yield Reject(input=input_name, reason=f"broken WARC archive after record {number} ({type(exc).__name__})")
