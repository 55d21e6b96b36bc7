"""HTML pages → main text and metadata (title, date, author, site), via trafilatura.

The cascade of ``extract_html``:

1. parse the page once with lxml (a page lxml cannot parse gives an empty result);
2. main text with trafilatura, in the flavour ``Settings.favor_precision`` names; when the
   precision flavour finds little text, the default flavour runs as a fallback (precision mode
   drops short pages entirely);
3. metadata with trafilatura, then the publication date from the page's own declarations
   (``dates.page_date``: JSON-LD, ``article:published_time`` and similar) before htmldate's guess.

This function has no time or memory bound of its own (lxml does not): callers that read
untrusted pages run it through ``ingest.worker`` when ``Settings.extract_in_subprocess`` is set.
"""

from __future__ import annotations

from typing import Any

import msgspec

from communique.config import Settings
from communique.ingest.dates import page_date, to_iso_date
from communique.ingest.text import clean_text

# Below this many characters the precision flavour is taken to have missed the article and the
# default flavour runs as well; the longer of the two wins (tuned on trafilatura_eval, the dev set).
PRECISION_FALLBACK_CHARS = 250


class PageExtract(msgspec.Struct, kw_only=True):
    """What ``extract_html`` found on one page (internal; ingest turns it into an ``Article``)."""

    text: str
    title: str | None = None
    author: str | None = None
    published: str | None = None
    site: str | None = None
    url: str | None = None
    language: str | None = None
    description: str | None = None


def _trafilatura_text(tree: Any, url: str | None, favor_precision: bool) -> str:
    import trafilatura

    doc = trafilatura.bare_extraction(
        tree,
        url=url,
        favor_precision=favor_precision,
        include_comments=False,
        include_tables=True,
        with_metadata=False,
    )
    return (doc.text or "") if doc is not None else ""  # type: ignore[union-attr]


def _parse(html: str) -> Any:
    from trafilatura.utils import load_html

    return load_html(html)


def main_text(html: str, url: str | None = None, favor_precision: bool = False) -> str:
    """Main text of a page (no metadata); '' when nothing is found."""
    tree = _parse(html)
    if tree is None:
        return ""
    return _main_text_tree(tree, html, url, favor_precision)


def _main_text_tree(tree: Any, html: str, url: str | None, favor_precision: bool) -> str:
    from copy import deepcopy

    # trafilatura prunes the tree it is given: each flavour gets its own copy.
    text = _trafilatura_text(deepcopy(tree), url, favor_precision)
    if favor_precision and len(text) < PRECISION_FALLBACK_CHARS:
        fallback = _trafilatura_text(deepcopy(tree), url, False)
        if len(fallback) > len(text):
            text = fallback
    return text


def extract_html(html: str, url: str | None = None, settings: Settings | None = None) -> PageExtract:
    """Main text and metadata of an HTML page (see the module docstring for the cascade)."""
    from trafilatura.metadata import extract_metadata

    settings = settings or Settings.load()
    tree = _parse(html)
    if tree is None:
        return PageExtract(text="")
    text = _main_text_tree(tree, html, url, settings.favor_precision)
    meta = extract_metadata(tree, default_url=url)
    published = page_date(tree, url) or to_iso_date(meta.date)
    return PageExtract(
        text=clean_text(text),
        title=_clean_opt(meta.title),
        author=_clean_opt(meta.author),
        published=published,
        site=_clean_opt(meta.sitename) or _clean_opt(meta.hostname),
        url=_clean_opt(meta.url) or url,
        language=_clean_opt(meta.language),
        description=_clean_opt(meta.description),
    )


def _clean_opt(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = clean_text(value).strip()
    return value or None
