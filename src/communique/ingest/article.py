"""Building ``Article`` records at the ingest boundary (ids, cleaning, sources)."""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlsplit

from communique.ingest.text import clean_text, clean_value
from communique.records import Article


def content_id(text: str) -> str:
    """Stable article id from content (the first 16 hex digits of the text's SHA-256)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def site_of(url: str | None) -> str | None:
    """``scheme://host`` of a URL (the article's source site), or None."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return None


def make_article(
    text: str,
    *,
    input_name: str,
    given_id: str | None = None,
    title: str | None = None,
    url: str | None = None,
    published: str | None = None,
    author: str | None = None,
    site: str | None = None,
    source: str | None = None,
    language: str | None = None,
    meta: dict[str, Any] | None = None,
) -> Article:
    """An ``Article`` with cleaned text (and id, title, author, URL, meta) and the id/source rules of the contracts.

    The id is ``given_id`` verbatim when there is one, else ``content_id`` of the cleaned text;
    the source is ``source``, else the site of ``url``, else the input name.
    """
    text = clean_text(text)
    url = clean_text(url) if url else url
    return Article(
        article_id=clean_text(given_id) if given_id else content_id(text),
        text=text,
        title=clean_text(title).strip() or None if title else None,
        url=url or None,
        published=published,
        author=clean_text(author).strip() or None if author else None,
        site=clean_text(site) if site else None,
        # a file name may carry undecodable bytes (surrogate-escaped by the OS layer)
        source=clean_text(source or site_of(url) or input_name),
        language=language,
        meta=clean_value(meta) if meta else {},
    )
