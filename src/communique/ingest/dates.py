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
