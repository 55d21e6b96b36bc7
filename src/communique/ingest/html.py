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
   declarations over htmldate lost more dates than it won (time-zone shifts, stale JSON-LD);
4. what the page shows its readers by the headline (the first <h1>) corrects the metadata:
   the date in the byline or date line (``dates.headline_dates``) replaces the declared date
   unless the declared one is shown there too (``choose_date``); the byline's author ("Von ...",
   "By ...") comes before trafilatura's, which often names the publisher; and the title is the
   <h1> when the <title> is that headline plus the site's branding (``headline_title``).
   On trafilatura_eval (dev): date 0.865 → 0.912, title 0.593 → 0.75, author 0.519 → 0.57.

This function has no time or memory bound of its own (lxml does not): callers that read
untrusted pages run it through ``ingest.worker`` when ``Settings.extract_in_subprocess`` is set.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files
from typing import Any

import msgspec

from communique.config import Settings
from communique.ingest.dates import PageText, headline_dates, page_date, page_text, to_iso_date
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
    page = page_text(tree)
    shown = headline_dates(tree, page)
    headings = _headings(tree)
    byline = headline_byline(tree, page)
    meta = extract_metadata(tree, default_url=url)
    published = choose_date(to_iso_date(meta.date) or page_date(tree, url), shown)
    site = _clean_opt(meta.sitename) or _clean_opt(meta.hostname)
    title = _clean_opt(meta.title)
    return PageExtract(
        text=clean_text(text),
        title=headline_title(title, headings, site) if title else None,
        author=byline or _clean_opt(meta.author),
        published=published,
        site=site,
        url=_clean_opt(meta.url) or url,
        language=_clean_opt(meta.language),
        description=_clean_opt(meta.description),
    )


# Separators between a headline and the site's name in a <title>: "Headline - Site", "Site | Headline".
_TITLE_SEPARATOR = re.compile(r"\s+(?:[|–—·»/]|-{1,2}|::)\s+")
# <h1> elements read as candidate headlines (pages put logos and section names in <h1> too).
MAX_HEADINGS = 5


def _headings(tree: Any) -> list[str]:
    headings = []
    for element in tree.iter("h1"):
        text = clean_text(" ".join(element.itertext())).strip()
        if text:
            headings.append(" ".join(text.split()))
        if len(headings) >= MAX_HEADINGS:
            break
    return headings


def _same_name(a: str, b: str) -> bool:
    def key(value: str) -> str:
        return "".join(ch for ch in value.casefold() if ch.isalnum())

    ka, kb = key(a), key(b)
    return bool(ka and kb) and (ka == kb or ka in kb or kb in ka)


def headline_title(title: str, headings: list[str], site: str | None = None) -> str:
    """The article's headline from its declared title, its <h1> texts and its site name.

    A <title> (or og:title) usually brands the headline with the site ("Headline - Site"): when
    an <h1> (other than the site's logo) starts or ends the title, that <h1> is the headline;
    otherwise a first or last segment naming the site is cut off. Anything else keeps the
    declared title unchanged. (The trafilatura_eval gold titles are the headlines.)
    """
    folded = title.casefold()
    matching = [
        heading for heading in headings
        if len(heading) >= 4
        and (folded.startswith(heading.casefold()) or folded.endswith(heading.casefold()))
        and not (site and _same_name(heading, site))  # a logo <h1> naming the site
    ]
    if matching:
        return max(matching, key=len)
    parts = _TITLE_SEPARATOR.split(title)
    if site and len(parts) >= 2:
        if _same_name(parts[-1], site):
            return title[: title.rindex(parts[-1])].rstrip(" |–—·»/-:")
        if _same_name(parts[0], site):
            return title[len(parts[0]) :].lstrip(" |–—·»/-:")
    return title


# The byline is looked for this many characters of page text before and after the first <h1>.
BYLINE_BEFORE_CHARS = 100
BYLINE_AFTER_CHARS = 800
# Punctuation that can precede a byline inside a longer meta line ("Politik | Von Anna Beispiel").
_BYLINE_SEPARATORS = frozenset(["|", "·", "•", "—", "–", "-", "/"])
_NAME_PARTICLES = "von|van|de|der|den|la|le|di|da|del|dos|du|zu"
# A capitalised word: letters, with inner apostrophes, dots and hyphens (O'Mahony, J.R., Jean-Luc).
_NAME_WORD = r"[^\W\d_][\w'’.-]*"


@cache
def _byline_pattern() -> re.Pattern[str]:
    cues = (files("communique.ingest") / "data" / "byline_cues.txt").read_text("utf-8").splitlines()
    words = "|".join(re.escape(c.strip()) for c in cues if c.strip() and not c.startswith("#"))
    # 2-4 capitalised words on one line of text (particles allowed between them).
    name = rf"(?=[A-ZÀ-ÞĀ-Ž]){_NAME_WORD}(?: (?:(?:{_NAME_PARTICLES}) )*(?=[A-ZÀ-ÞĀ-Ž]){_NAME_WORD}){{1,3}}"
    return re.compile(rf"(?<!\w)(?:{words}):?\s+(?P<names>{name}(?:\s+(?:und|and|et|y|&)\s+{name})?)")


def headline_byline(tree: Any, page: PageText | None = None) -> str | None:
    """The author named in the byline by the headline ("Von Anna Beispiel", "By J.R. Stone").

    On the dev set the displayed byline agrees with the gold author wherever it disagrees with
    trafilatura's metadata author (which often names the publisher or lists extra credits), so
    it comes first. Case matters: "By" opens a byline, "by" inside a sentence does not.
    ``page`` is ``dates.page_text(tree)`` when the caller already has it.
    """
    pieces, h1 = page if page is not None else page_text(tree)
    if h1 is None or not pieces:
        return None
    text = "".join(piece for _, piece, _ in pieces)
    start = max(0, h1 - BYLINE_BEFORE_CHARS)
    # A byline opens its element ("<div>Von ...", "<span>By</span> ..."); a cue word in the
    # middle of a text ("Die Autorin Nora Bossong im Gespräch") is part of a sentence or title.
    openings = {at + len(piece) - len(piece.lstrip()) for at, piece, _ in pieces}
    for match in _byline_pattern().finditer(text, start, h1 + BYLINE_AFTER_CHARS):
        if match.start() in openings or text[max(0, match.start() - 2) : match.start()].strip() in _BYLINE_SEPARATORS:
            return " ".join(match.group("names").split())
    return None


def choose_date(declared: str | None, shown: list[str]) -> str | None:
    """The publication date from what the page declares and the dates it shows by its headline.

    ``declared`` is htmldate's answer (metadata, URL, markup); ``shown`` comes from
    ``dates.headline_dates``, nearest first. When the declared date is among those shown it
    stands; otherwise the shown date wins, since the metadata then disagrees with what the
    page tells its readers (a stale template date, a re-export stamp, a URL from a rewrite).
    """
    if not shown or declared in shown:
        return declared
    return shown[0]


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
