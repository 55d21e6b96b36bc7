"""RSS/Atom feeds → one article per item, with feedparser.

Entity expansion is off twice over. feedparser strips the DOCTYPE itself but re-inserts the
internal entities it deems "safe" (a plain string value), which still allows the quadratic
blow-up (one long entity referenced many times); so the whole DOCTYPE, internal subset
included, is removed here before feedparser sees the bytes. External entities are never
resolved by either. Item links are not fetched unless ``Settings.fetch_feed_links`` is set.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from typing import Any

from communique.config import Settings
from communique.ingest.article import make_article
from communique.ingest.dates import to_iso_date
from communique.ingest.html import fragment_text
from communique.records import Article, Reject

_ROOT = re.compile(rb"<(rss|feed|rdf:RDF)[\s>]", re.IGNORECASE)
_ANY_ELEMENT = re.compile(rb"<[A-Za-z]")
SNIFF_BYTES = 2048


def strip_doctype(data: bytes) -> bytes:
    """The document without its DOCTYPE declaration (and so without any entity declarations)."""
    root = _ANY_ELEMENT.search(data)
    head_end = root.start() if root else len(data)
    head = data[:head_end]
    start = head.upper().find(b"<!DOCTYPE")
    if start < 0:
        return data
    # Everything from the DOCTYPE to the root element goes: the prolog after a DOCTYPE holds only
    # comments, processing instructions and whitespace, none of which a feed needs. No parsing of
    # the declaration at all: a backtracking regex for it took minutes on "<!DOCTYPE [][][]..."
    # (found by testing hostile prologs), and an unterminated one is dropped just the same.
    return head[:start] + data[head_end:]


def is_feed(data: bytes) -> bool:
    """True when the document's root element is ``<rss>``, ``<feed>`` or ``<rdf:RDF>``."""
    head = strip_doctype(data[: SNIFF_BYTES * 8])[:SNIFF_BYTES]
    root = _ANY_ELEMENT.search(head)
    return bool(root and _ROOT.match(head, root.start()))


def _entry_text(entry: Any) -> str:
    """Best text of an item: full content over summary; HTML reduced to text."""
    candidates: list[dict[str, Any]] = list(entry.get("content") or [])
    if entry.get("summary_detail"):
        candidates.append(entry["summary_detail"])
    elif entry.get("summary"):
        candidates.append({"value": entry["summary"], "type": "text/html"})
    best = ""
    for detail in candidates:
        value = detail.get("value") or ""
        kind = (detail.get("type") or "text/html").lower()
        text = value.strip() if kind == "text/plain" else fragment_text(value)
        if len(text) > len(best):
            best = text
    return best


def feed_articles(
    data: bytes,
    input_name: str,
    settings: Settings,
    content_type: str | None = None,
    fetch_link: Callable[[str], Article | Reject] | None = None,
) -> Iterator[Article | Reject]:
    """One article per feed item; an item without text is fetched (if allowed) or rejected."""
    import feedparser

    headers = {"content-type": content_type} if content_type else {}
    # A stream (not a str) so feedparser never takes the input for a URL or a file name.
    parsed = feedparser.parse(io.BytesIO(strip_doctype(data)), response_headers=headers, resolve_relative_uris=False)
    entries = parsed.get("entries") or []
    if not entries:
        problem = parsed.get("bozo_exception")
        detail = f" ({type(problem).__name__}: {str(problem)[:120]})" if problem else ""
        yield Reject(input=input_name, reason=f"feed has no items{detail}")
        return
    feed_info = parsed.get("feed") or {}
    feed_url = _self_link(feed_info) or (input_name if "://" in input_name else None)
    site = feed_info.get("title") or None
    for number, entry in enumerate(entries, 1):
        name = f"{input_name}#item{number}"
        link = entry.get("link") or None
        text = _entry_text(entry)
        if not text.strip():
            if settings.fetch_feed_links and link and fetch_link is not None:
                yield fetch_link(link)
            else:
                why = "fetching item links is off (fetch_feed_links)" if link else "and no link"
                yield Reject(input=name, reason=f"feed item has no text; {why}")
            continue
        published = to_iso_date(entry.get("published_parsed")) or to_iso_date(entry.get("updated_parsed"))
        meta: dict[str, Any] = {"feed": feed_url or input_name}
        if entry.get("id"):
            meta["guid"] = entry["id"]
        tags = [t.get("term") for t in entry.get("tags") or [] if t.get("term")]
        if tags:
            meta["tags"] = tags
        yield make_article(
            text,
            input_name=input_name,
            title=entry.get("title"),
            url=link,
            published=published,
            author=entry.get("author"),
            site=site,
            source=feed_url or input_name,
            language=feed_info.get("language"),
            meta=meta,
        )


def _self_link(feed_info: Any) -> str | None:
    for link in feed_info.get("links") or []:
        if link.get("rel") == "self" and link.get("href"):
            return str(link["href"])
    href = feed_info.get("link")
    return str(href) if href else None
