"""Inputs → formats → readers: the dispatch behind ``ingest.read_inputs``.

An input is a file, a directory (read recursively in sorted order, hidden files skipped), ``-``
for standard input, or an ``http(s)`` URL. Its format comes from the file suffix (``.gz``
looked through), else from sniffing the first bytes. Single documents (text, Markdown, HTML,
feeds) are read whole under ``max_input_bytes``; bulk formats (JSONL, CSV, WARC) are streamed
under ``max_decoded_bytes`` with each record under ``max_record_bytes``. Every failure becomes a
``Reject`` with the input's name and a one-line reason; nothing here raises to the caller.
"""

from __future__ import annotations

import codecs
import io
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from communique.config import Settings
from communique.errors import InputError
from communique.ingest.article import make_article
from communique.ingest.feeds import feed_articles, is_feed
from communique.ingest.limits import (
    GZIP_MAGIC,
    BadInput,
    BoundedStream,
    TooLarge,
    gunzip_bounded,
    open_decoded,
    read_bounded,
    too_large_message,
)
from communique.ingest.rows import csv_articles, jsonl_articles
from communique.ingest.text import decode_bytes, header_charset, looks_binary
from communique.ingest.warc import warc_articles
from communique.ingest.worker import ExtractionFailed, HtmlExtractor
from communique.records import Article, Reject

# File suffix → format. ".xml" and unknown suffixes are sniffed.
SUFFIX_FORMATS = {
    ".txt": "text", ".text": "text", ".md": "text", ".markdown": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html", ".shtml": "html",
    ".rss": "feed", ".atom": "feed",
    ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".csv": "csv",
    ".warc": "warc", ".arc": "warc",
}
BULK_FORMATS = ("jsonl", "csv", "warc")
STDIN_NAME = "stdin"
_HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<title", b"<div", b"<p>", b"<p ")


def sniff(head: bytes) -> str:
    """Format of a document from its first bytes: warc, jsonl, feed, html or text."""
    if head.startswith(b"WARC/"):
        return "warc"
    body = head[len(codecs.BOM_UTF8):] if head.startswith(codecs.BOM_UTF8) else head
    body = body.lstrip()
    if body.startswith(b"{"):
        return "jsonl"
    if body.startswith(b"<"):
        if is_feed(body):
            return "feed"
        return "html"
    lowered = body[:2048].lower()
    if any(marker in lowered for marker in _HTML_MARKERS[:3]):
        return "html"
    return "text"


def _suffix_format(path: Path) -> str | None:
    """Format named by the file suffix, looking through a final ``.gz``; None when unknown."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in (".gz", ".gzip"):
        suffixes.pop()
    return SUFFIX_FORMATS.get(suffixes[-1]) if suffixes else None


class Reader:
    """Reads inputs with one HTML extractor (and its worker process) for the whole run."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.extract = HtmlExtractor(settings)

    def close(self) -> None:
        self.extract.close()

    # --- inputs ------------------------------------------------------------------------------

    def read(self, name: str) -> Iterator[Article | Reject]:
        """Articles and rejects of one input (a file, directory, ``-`` or URL)."""
        from communique.ingest.fetch import is_url

        label = STDIN_NAME if name == "-" else name

        try:
            if name == "-":
                yield from self._stdin()
            elif is_url(name):
                yield from self._url(name)
            else:
                yield from self._path(Path(name), name)
        except (TooLarge, BadInput) as exc:
            yield Reject(input=label, reason=str(exc))
        except InputError as exc:
            yield Reject(input=label, reason=exc.reason)
        except OSError as exc:
            yield Reject(input=label, reason=f"cannot read ({exc.strerror or type(exc).__name__})")
        except RecursionError:
            yield Reject(input=label, reason="input nested too deeply to parse")
        except Exception as exc:  # last line of defence: a parser bug on hostile input is a reject
            yield Reject(input=label, reason=f"unreadable input ({type(exc).__name__}: {str(exc)[:160]})")

    def _path(self, path: Path, name: str) -> Iterator[Article | Reject]:
        if path.is_dir():
            files = list(_walk(path))
            if not files:
                yield Reject(input=name, reason="directory has no (non-hidden) files")
            for file in files:
                yield from self.read(str(file))
            return
        if not path.exists():
            yield Reject(input=name, reason="no such file or directory")
            return
        if not path.is_file():
            yield Reject(input=name, reason="not a regular file")
            return
        fmt = _suffix_format(path)
        if fmt in BULK_FORMATS:
            with open_decoded(path, self.settings.max_decoded_bytes, "max_decoded_bytes") as stream:
                yield from self._bulk(fmt, stream, name)
            return
        size = path.stat().st_size
        if size == 0:
            yield Reject(input=name, reason="empty file")
            return
        with path.open("rb") as fh:
            data = self._single_bytes(fh, size)
        yield from self._document(data, name, fmt)

    def _single_bytes(self, fh: BinaryIO, size: int) -> bytes:
        """A whole single-document file (gunzipped when gzip), bounded by ``max_input_bytes``."""
        limit = self.settings.max_input_bytes
        head = fh.read(2)
        fh.seek(0)
        if head == GZIP_MAGIC:
            raw = read_bounded(fh, self.settings.max_decoded_bytes,
                               too_large_message("compressed size", self.settings.max_decoded_bytes, "max_decoded_bytes"))
            return gunzip_bounded(raw, limit, "max_input_bytes")
        if size > limit:
            raise TooLarge(too_large_message(f"file size {size:,} bytes", limit, "max_input_bytes"))
        return read_bounded(fh, limit, too_large_message("file size", limit, "max_input_bytes"))

    def _stdin(self) -> Iterator[Article | Reject]:
        stream = sys.stdin.buffer
        peek = getattr(stream, "peek", None)
        head = peek(4096)[:4096] if peek else b""
        if head[:2] != GZIP_MAGIC and sniff(head) in BULK_FORMATS:
            bounded = io.BufferedReader(BoundedStream(stream, self.settings.max_decoded_bytes, too_large_message(
                "input size", self.settings.max_decoded_bytes, "max_decoded_bytes")))
            yield from self._bulk(sniff(head), bounded, STDIN_NAME)
            return
        limit = self.settings.max_input_bytes
        data = read_bounded(stream, limit, too_large_message("input size", limit, "max_input_bytes"))
        yield from self._document(data, STDIN_NAME, None)

    def _url(self, url: str) -> Iterator[Article | Reject]:
        from communique.ingest.fetch import fetch

        fetched = fetch(url, self.settings)
        kind = fetched.content_type.split(";")[0].strip().lower()
        fmt: str | None = None
        if "rss" in kind or "atom" in kind:
            fmt = "feed"
        elif kind in ("text/html", "application/xhtml+xml"):
            fmt = "feed" if is_feed(fetched.body) else "html"
        elif kind == "text/plain":
            fmt = "text"
        yield from self._document(fetched.body, url, fmt, content_type=fetched.content_type, url=fetched.url)

    # --- formats -----------------------------------------------------------------------------

    def _bulk(self, fmt: str, stream: BinaryIO, name: str) -> Iterator[Article | Reject]:
        if fmt == "jsonl":
            yield from jsonl_articles(stream, name, self.settings)
        elif fmt == "csv":
            yield from csv_articles(stream, name, self.settings)
        else:
            yield from warc_articles(stream, name, self.settings, self._warc_page)

    def _document(
        self, data: bytes, name: str, fmt: str | None, content_type: str | None = None, url: str | None = None
    ) -> Iterator[Article | Reject]:
        if not data.strip():
            yield Reject(input=name, reason="empty file" if not data else "no text (only whitespace)")
            return
        if data[:2] == GZIP_MAGIC and fmt is None:
            data = gunzip_bounded(data, self.settings.max_input_bytes, "max_input_bytes")
        if looks_binary(data):
            yield Reject(input=name, reason="binary data, not text (NUL or control bytes)")
            return
        fmt = fmt or sniff(data[:4096])
        if fmt in BULK_FORMATS:
            yield from self._bulk(fmt, io.BufferedReader(io.BytesIO(data)), name)  # type: ignore[arg-type]
        elif fmt == "feed":
            yield from feed_articles(data, name, self.settings, content_type, fetch_link=self._fetch_page)
        elif fmt == "html":
            yield self._html(data, name, header_charset(content_type), url)
        else:
            yield self._text(data, name, header_charset(content_type), url)

    def _text(self, data: bytes, name: str, charset: str | None, url: str | None) -> Article | Reject:
        text = decode_bytes(data, charset)
        if not text.strip():
            return Reject(input=name, reason="no text (only whitespace)")
        return make_article(text, input_name=name, title=_markdown_title(text), url=url)

    def _html(
        self, data: bytes, name: str, charset: str | None, url: str | None, captured: str | None = None
    ) -> Article | Reject:
        html = decode_bytes(data, charset)
        try:
            page = self.extract(html, url)
        except ExtractionFailed as exc:
            return Reject(input=name, reason=str(exc))
        if not page.text.strip():
            return Reject(input=name, reason="no article text found in the HTML page")
        meta = {"description": page.description} if page.description else {}
        if captured:
            meta["captured"] = captured
        return make_article(
            page.text, input_name=name, title=page.title, url=url or page.url,
            published=page.published or captured, author=page.author, site=page.site,
            language=page.language, meta=meta,
        )

    def _warc_page(
        self, data: bytes, url: str | None, content_type: str | None, name: str, captured: str | None
    ) -> Article | Reject:
        if looks_binary(data):
            return Reject(input=name, reason="binary data, not text (NUL or control bytes)")
        return self._html(data, name, header_charset(content_type), url, captured)

    def _fetch_page(self, url: str) -> Article | Reject:
        """A feed item's link, fetched and extracted (only with ``fetch_feed_links``)."""
        from communique.ingest.fetch import fetch

        try:
            fetched = fetch(url, self.settings)
        except InputError as exc:
            return Reject(input=url, reason=exc.reason)
        if looks_binary(fetched.body):
            return Reject(input=url, reason="binary data, not text (NUL or control bytes)")
        return self._html(fetched.body, url, header_charset(fetched.content_type), fetched.url)


def _markdown_title(text: str) -> str | None:
    """A Markdown article's title: its first line when that is a ``# heading``."""
    first = text.lstrip("\ufeff").split("\n", 1)[0].strip()
    if first.startswith("# "):
        return first[2:].strip() or None
    return None


def _walk(root: Path) -> Iterator[Path]:
    """Files under ``root`` in sorted order, skipping hidden files and folders."""
    for current, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for file in sorted(files):
            if not file.startswith("."):
                yield Path(current) / file


def read_all(inputs: Iterable[str], settings: Settings) -> Iterator[Article | Reject]:
    """Every input in order through one ``Reader`` (its worker is stopped at the end)."""
    reader = Reader(settings)
    try:
        for name in inputs:
            yield from reader.read(name)
    finally:
        reader.close()
