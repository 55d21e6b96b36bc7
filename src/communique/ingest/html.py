"""HTML pages → main text and metadata (title, date, author, site), via trafilatura.

The cascade of ``extract_html``:

1. parse the page once with lxml (a page lxml cannot parse gives an empty result);
2. main text with trafilatura in the flavour ``Settings.extraction_flavour`` names:
   ``balanced`` (the default) runs trafilatura's precision and default modes and keeps the
   precision text unless it is shorter than ``BALANCE_RATIO`` times the default text (then
   precision mode dropped real paragraphs, not just boilerplate); ``precision`` keeps the precision text unless
   it is nearly empty; ``default`` and ``recall`` are trafilatura's own modes.
   ``Settings.favor_precision`` forces ``precision``;
3. metadata with trafilatura (its date is htmldate's original-date, extensive search); when
   htmldate finds no date, the page's own declarations (``dates.page_date``: JSON-LD
   ``datePublished``, ``article:published_time`` and similar). On the dev set, preferring the
   declarations over htmldate lost more dates than it won (time-zone shifts, stale JSON-LD).

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
# default flavour runs as well; the longer of the two wins.
PRECISION_FALLBACK_CHARS = 250
# "balanced": the precision text is kept when it has at least this share of the default text's
# length. Tuned on trafilatura_eval (the dev set): segment F1 0.925 (default) → 0.927.
BALANCE_RATIO = 0.9
FLAVOURS = ("balanced", "precision", "default", "recall")


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


def _trafilatura_text(tree: Any, url: str | None, mode: str) -> str:
    import trafilatura

    doc = trafilatura.bare_extraction(
        tree,
        url=url,
        favor_precision=mode == "precision",
        favor_recall=mode == "recall",
        include_comments=False,
        include_tables=True,
        with_metadata=False,
    )
    return (doc.text or "") if doc is not None else ""  # type: ignore[union-attr]


def _parse(html: str) -> Any:
    from trafilatura.utils import load_html

    return load_html(html)


def main_text(html: str, url: str | None = None, flavour: str = "balanced") -> str:
    """Main text of a page (no metadata) in one of ``FLAVOURS``; '' when nothing is found."""
    tree = _parse(html)
    if tree is None:
        return ""
    return _main_text_tree(tree, url, flavour)


def _flavour(settings: Settings) -> str:
    flavour = "precision" if settings.favor_precision else settings.extraction_flavour
    if flavour not in FLAVOURS:
        raise ValueError(f"extraction_flavour must be one of {', '.join(FLAVOURS)}, not {flavour!r}")
    return flavour


def _main_text_tree(tree: Any, url: str | None, flavour: str) -> str:
    from copy import deepcopy

    # trafilatura prunes the tree it is given: each run gets its own copy.
    if flavour in ("default", "recall"):
        return _trafilatura_text(deepcopy(tree), url, flavour)
    precise = _trafilatura_text(deepcopy(tree), url, "precision")
    if flavour == "precision" and len(precise) >= PRECISION_FALLBACK_CHARS:
        return precise
    full = _trafilatura_text(deepcopy(tree), url, "default")
    if flavour == "precision":
        return max(precise, full, key=len)
    return precise if len(precise) >= BALANCE_RATIO * len(full) else full


def extract_html(html: str, url: str | None = None, settings: Settings | None = None) -> PageExtract:
    """Main text and metadata of an HTML page (see the module docstring for the cascade)."""
    from trafilatura.metadata import extract_metadata

    settings = settings or Settings.load()
    tree = _parse(html)
    if tree is None:
        return PageExtract(text="")
    text = _main_text_tree(tree, url, _flavour(settings))
    meta = extract_metadata(tree, default_url=url)
    published = to_iso_date(meta.date) or page_date(tree, url)
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


# Elements after which a line break belongs in the plain text of an HTML fragment.
_BLOCK_TAGS = frozenset(
    ["p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr", "table", "section", "article", "header", "footer", "figure", "figcaption", "dd", "dt", "hr"]
)


def fragment_text(fragment: str) -> str:
    """Plain text of an HTML fragment (a feed item's summary): tags dropped, blocks on new lines."""
    import re

    import lxml.html
    from lxml import etree

    if "<" not in fragment:
        import html

        return html.unescape(fragment).strip()
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return ""
    for bad in root.xpath(".//script|.//style"):
        bad.drop_tree()
    pieces: list[str] = []

    def walk(element: Any) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if element.text and tag:
            pieces.append(element.text)
        for child in element:
            walk(child)
            if child.tail:
                pieces.append(child.tail)
        if tag.lower() in _BLOCK_TAGS:
            pieces.append("\n")

    walk(root)
    lines = (re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in "".join(pieces).split("\n"))
    return "\n".join(line for line in lines if line)
