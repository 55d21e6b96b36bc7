"""Publication dates: any spelling found in feeds, pages and rows → ``YYYY-MM-DD`` or None.

``page_date`` reads what a page declares about itself (JSON-LD ``datePublished``, Open Graph
``article:published_time`` and the other meta names in ``data/date_meta.txt``); ``html`` uses
it when htmldate finds nothing.
"""

from __future__ import annotations

import json
import re
import time
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from functools import cache
from importlib import resources
from typing import Any

_ISO_PREFIX = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})")
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})(?:\D|$)")
_DMY = re.compile(r"^\s*(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{4})\b")
_SLASHED = re.compile(r"^\s*(\d{4})/(\d{1,2})/(\d{1,2})\b")
_YEAR = re.compile(r"\b(19|20)\d\d\b")
_MONTH_WORD = re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\b", re.IGNORECASE)
# Oldest and newest years taken as a plausible news publication date.
MIN_YEAR = 1990
MAX_YEAR = 2100


def _valid(y: int, m: int, d: int) -> str | None:
    if not MIN_YEAR <= y <= MAX_YEAR:
        return None
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def to_iso_date(value: Any) -> str | None:
    """Normalise a date (ISO string, RFC 822, ``time.struct_time``, ``date``) to ``YYYY-MM-DD``.

    Unknown or implausible values give None; the date is never guessed.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return _valid(value.year, value.month, value.day)
    if isinstance(value, date):
        return _valid(value.year, value.month, value.day)
    if isinstance(value, time.struct_time):
        return _valid(value.tm_year, value.tm_mon, value.tm_mday)
    if isinstance(value, (int, float)) or not isinstance(value, str):
        return None
    text = value.strip()[:100]
    for pattern, order in ((_ISO_PREFIX, "ymd"), (_SLASHED, "ymd"), (_COMPACT, "ymd"), (_DMY, "dmy")):
        match = pattern.match(text)
        if match:
            a, b, c = (int(g) for g in match.groups())
            return _valid(a, b, c) if order == "ymd" else _valid(c, b, a)
    try:
        parsed = parsedate_to_datetime(text)
        return _valid(parsed.year, parsed.month, parsed.day)
    except (TypeError, ValueError, IndexError):
        pass
    # Written-out dates ("18 April 2025", "April 18, 2025"): only with a month name and a year,
    # since all-numeric forms such as 04/05/2025 are ambiguous between countries.
    if _YEAR.search(text) and _MONTH_WORD.search(text):
        from dateutil import parser as dateutil_parser

        try:
            parsed = dateutil_parser.parse(text, default=datetime(1, 1, 1))
            check = dateutil_parser.parse(text, default=datetime(1, 1, 2))
        except (ValueError, OverflowError, TypeError):
            return None
        if parsed.day != check.day:
            return None  # no day given ("May 2025"): unknown, not the 1st
        return _valid(parsed.year, parsed.month, parsed.day)
    return None


@cache
def _meta_names() -> frozenset[str]:
    lines = resources.files("communique.ingest").joinpath("data/date_meta.txt").read_text("utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


_JSONLD_DATE_KEYS = ("datePublished", "dateCreated", "uploadDate")
# JSON-LD types that describe the whole site or a person, whose dates are not the article's.
_JSONLD_SKIP_TYPES = {"WebSite", "Organization", "Person", "BreadcrumbList", "ImageObject", "VideoObject"}
MAX_JSONLD_CHARS = 500_000


def _jsonld_dates(node: Any, out: list[str], depth: int = 0) -> None:
    if depth > 8:
        return
    if isinstance(node, list):
        for item in node:
            _jsonld_dates(item, out, depth + 1)
        return
    if not isinstance(node, dict):
        return
    kind = node.get("@type")
    kinds = set(kind) if isinstance(kind, list) else {kind}
    if not kinds & _JSONLD_SKIP_TYPES:
        for key in _JSONLD_DATE_KEYS:
            found = to_iso_date(node.get(key))
            if found:
                out.append(found)
                break
    for key in ("@graph", "mainEntity", "mainEntityOfPage"):
        if key in node:
            _jsonld_dates(node[key], out, depth + 1)


def page_date(tree: Any, url: str | None = None) -> str | None:
    """The publication date a page declares (JSON-LD first, then meta tags), or None."""
    found: list[str] = []
    for script in tree.iterfind(".//script[@type='application/ld+json']"):
        raw = script.text or ""
        if len(raw) > MAX_JSONLD_CHARS:
            continue
        try:
            _jsonld_dates(json.loads(raw), found)
        except (ValueError, RecursionError):
            continue
        if found:
            return found[0]
    names = _meta_names()
    for meta in tree.iterfind(".//meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        if key in names:
            value = to_iso_date(meta.get("content"))
            if value:
                return value
    return None


# --- the date a page displays next to its headline -------------------------------------------
#
# Readers take an article's date from the line under (or just above) its headline: the byline,
# "Stand: 28.04.2020 18:00 Uhr", "Updated May 06, 2019". On trafilatura_eval (the dev set) the
# gold dates follow that convention, and it disagrees with the page's metadata where a CMS
# stamps a re-export, a later edit or a stale template date into the <meta>/JSON-LD fields.
# ``headline_dates`` finds those displayed dates; ``html.extract_html`` decides between them and
# htmldate's answer.

# Window around the first <h1>, in characters of page text: bylines sit just below the
# headline, breadcrumbs and kickers just above it.
HEADLINE_BEFORE_CHARS = 100
HEADLINE_AFTER_CHARS = 1500
# A date counts as displayed metadata only when the block holding it (its nearest <p>, <div>,
# <li>, ...) is short: a byline or date line, not a paragraph that mentions an event's date.
MAX_DATE_BLOCK_CHARS = 150
# A cue word (data/date_event_cues.txt) this close before a date makes it an event's date.
EVENT_CUE_CHARS = 25
# Text scanned before giving up on finding an <h1> (bounds the work on huge pages).
MAX_SCAN_CHARS = 1_000_000
# Not displayed, or displayed but quoting someone else's page (an embedded post's date).
_SKIP_TAGS = frozenset(["script", "style", "noscript", "template", "svg", "head", "blockquote", "iframe"])
# Class names that CSS frameworks (Bootstrap, WordPress themes) use to hide an element.
_HIDDEN_CLASSES = frozenset(["hidden", "hide", "d-none", "sr-only", "visually-hidden", "screen-reader-text", "invisible"])
_BLOCK_TAGS = frozenset(
    ["p", "div", "li", "td", "th", "section", "article", "header", "footer", "main", "aside", "dd", "dt",
     "blockquote", "figcaption", "figure", "ul", "ol", "table", "tr", "nav", "form", "body",
     "h1", "h2", "h3", "h4", "h5", "h6"]
)
_SPACES = re.compile(r"\s+")


@cache
def _month_numbers() -> dict[str, int]:
    text = resources.files("communique.ingest").joinpath("data/month_names.tsv").read_text("utf-8")
    months: dict[str, int] = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            number, names = line.split("\t", 1)
            months.update((name, int(number)) for name in names.split())
    return months


@cache
def _displayed_date_pattern() -> re.Pattern[str]:
    names = "|".join(sorted(map(re.escape, _month_numbers()), key=len, reverse=True))
    year = r"(?:19|20)\d\d"
    return re.compile(
        # 28.04.2020, 4. 2. 2022, 02.01.23 (day first: the dotted form is never month first)
        rf"(?<![\d.])(?P<d1>\d{{1,2}})\.\s?(?P<m1>\d{{1,2}})\.\s?(?P<y1>{year}|\d\d)(?![\d])"
        # 2020-04-28, 2020/04/28 (year first is unambiguous)
        rf"|(?<!\d)(?P<y2>{year})(?P<sep>[-/])(?P<m2>\d{{1,2}})(?P=sep)(?P<d2>\d{{1,2}})(?!\d)"
        # 18. März 2020, 19 FEB 2020, 1er avril 2020, 08 de mayo de 2022, 07 Dezember, 2022
        rf"|(?<!\d)(?P<d3>\d{{1,2}})(?:\.|er|º)?\s+(?:de\s+)?(?P<n3>{names})\.?,?\s+(?:de\s+|del\s+)?(?P<y3>{year})(?!\d)"
        # March 14, 2021, Oct. 21, 2023, May 06 2019
        rf"|\b(?P<n4>{names})\.?\s+(?P<d4>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y4>{year})(?!\d)",
        re.IGNORECASE,
    )


@cache
def _event_cue() -> re.Pattern[str]:
    text = resources.files("communique.ingest").joinpath("data/date_event_cues.txt").read_text("utf-8")
    words = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    # The cue, then anything but a digit up to the date: "Termin: ", "bis zum ", "until ".
    return re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b\D*$", re.IGNORECASE)


def _match_date(match: re.Match[str]) -> str | None:
    groups = match.groupdict()
    if groups["y1"]:
        y = int(groups["y1"])
        return _valid(y + 2000 if y < 100 else y, int(groups["m1"]), int(groups["d1"]))
    if groups["y2"]:
        return _valid(int(groups["y2"]), int(groups["m2"]), int(groups["d2"]))
    months = _month_numbers()
    if groups["y3"]:
        return _valid(int(groups["y3"]), months[groups["n3"].lower()], int(groups["d3"]))
    return _valid(int(groups["y4"]), months[groups["n4"].lower()], int(groups["d4"]))


def _block_length(element: Any, limit: int) -> int:
    """Length of the text of ``element``'s nearest block ancestor (whitespace runs counted as
    one), or ``limit + 1`` as soon as it is known to be longer."""
    block = element
    while block is not None and not (isinstance(block.tag, str) and block.tag.lower() in _BLOCK_TAGS):
        block = block.getparent()
    if block is None:
        return 0
    total = 0
    for piece in block.itertext():
        total += len(_SPACES.sub(" ", piece))
        if total > limit + 40:  # whitespace where pieces meet collapses too: keep a margin
            return limit + 1
    return len(_SPACES.sub(" ", "".join(block.itertext())).strip())


def _hidden(element: Any) -> bool:
    """Whether the markup itself hides the element (readers never see its dates)."""
    if element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return True
    style = (element.get("style") or "").replace(" ", "").lower()
    if "display:none" in style or "visibility:hidden" in style:
        return True
    return not _HIDDEN_CLASSES.isdisjoint((element.get("class") or "").lower().split())


# (offset, text piece, element owning the piece) in reading order, and the <h1>'s offset.
PageText = tuple[list[tuple[int, str, Any]], int | None]


def page_text(tree: Any) -> PageText:
    """The page's visible text as (offset, piece, owning element) up to the headline window's end,
    and the offset of the first <h1> (None when there is none).

    Pieces are whitespace-collapsed and every element boundary is a space. ``html`` reads the
    byline from the same text.
    """
    from lxml import etree

    body = tree.find(".//body")
    root = body if body is not None else tree
    pieces: list[tuple[int, str, Any]] = []
    pos = 0
    h1: int | None = None
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        text: str | None = None
        owner = element
        if event == "start":
            if tag in _SKIP_TAGS or (tag and _hidden(element)):
                walker.skip_subtree()
                continue
            if tag == "h1" and h1 is None:
                h1 = pos
            text = " " + element.text if tag and element.text else None
        elif element is not root:
            # An element's tail is text of its parent. Every element boundary becomes a space:
            # "Anna Muster<time>3. Mai 2024</time>" must not glue a name or a second date on.
            text = " " + (element.tail or "")
            owner = element.getparent()
        if text:
            text = _SPACES.sub(" ", text)
            pieces.append((pos, text, owner))
            pos += len(text)
        if (h1 is not None and pos > h1 + HEADLINE_AFTER_CHARS) or pos > MAX_SCAN_CHARS:
            break
    return pieces, h1


def headline_dates(tree: Any, page: PageText | None = None) -> list[str]:
    """Dates the page displays around its headline (the first <h1>), nearest first.

    Dates after the headline come first in reading order, then those just above it; only dates
    standing in a short block (a byline or date line, not a paragraph) count. A page without an
    <h1> gives [] rather than a guess from menus and teasers. ``page`` is ``page_text(tree)``
    when the caller already has it.
    """
    import bisect

    pieces, h1 = page if page is not None else page_text(tree)
    if h1 is None or not pieces:
        return []
    start, end = max(0, h1 - HEADLINE_BEFORE_CHARS), h1 + HEADLINE_AFTER_CHARS
    first = max(0, bisect.bisect_right([p[0] for p in pieces], start) - 1)
    window = pieces[first:]
    offsets = [p[0] for p in window]
    # Only the window is searched: a single huge text node must not make the regex crawl.
    base = max(start - EVENT_CUE_CHARS, window[0][0])
    text = "".join(p[1] for p in window)[base - window[0][0] : end - window[0][0] + 40]
    today = date.today().isoformat()
    after: list[str] = []
    before: list[str] = []
    for match in _displayed_date_pattern().finditer(text):
        at = base + match.start()
        found = _match_date(match)
        # A date in the future is an announcement, not the page's own date.
        if not start <= at <= end or found is None or found > today:
            continue
        owner = window[bisect.bisect_right(offsets, at) - 1][2]
        if _block_length(owner, MAX_DATE_BLOCK_CHARS) > MAX_DATE_BLOCK_CHARS:
            continue
        if _event_cue().search(text[max(0, match.start() - EVENT_CUE_CHARS) : match.start()]):
            continue
        (after if at >= h1 else before).append(found)
    return after + before[::-1]
