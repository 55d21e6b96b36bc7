"""Quote-mark scanning: the character spans of direct quotes, before any parsing.

One linear pass per paragraph. Double marks delimit quotes: straight ``"`` (toggles), typographic
``“ ”``, guillemets ``« »`` and low-high ``„ “``. Single marks (``‘ ’``) are nesting inside a
double-quoted span; they delimit quotes only in a text that has no double marks at all (British
style), because outside that case ``’`` is far more often an apostrophe.

Journalistic convention for quotes over paragraphs: a paragraph that opens a quote and does not
close it, followed by a paragraph that opens a new quote, is one utterance. Each paragraph's piece
is its own span (that is also how the Gender Gap Tracker annotates them); the later pieces carry
``continues=True`` so the extractor keeps the speaker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# opening mark → the marks that close it
# (sloppy typography mixes straight and curly marks in one quote, so each closes the other)
_DOUBLE_CLOSERS: dict[str, str] = {'"': '"”', "“": '”"', "«": "»", "„": "“”"}
_SINGLE_CLOSERS: dict[str, str] = {"‘": "’", "'": "'"}
_DOUBLE_MARKS = frozenset('"“”«»„')
_PARAGRAPH_BREAK = re.compile(r"\n\s*")
_WORD = re.compile(r"\w")


@dataclass(frozen=True)
class MarkedSpan:
    """A run of text between quote marks, marks included: ``[start, end)`` into the text."""

    start: int
    end: int
    closed: bool = True
    continues: bool = False  # opens a paragraph that continues the previous paragraph's open quote
    paragraph: int = 0


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of each paragraph (lines with a letter or digit; separator lines are skipped)."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        if _WORD.search(text, pos, match.start()):
            spans.append((pos, match.start()))
        pos = match.end()
    if _WORD.search(text, pos, len(text)):
        spans.append((pos, len(text)))
    return spans


def _is_opening_straight(text: str, i: int, lo: int) -> bool:
    """A straight mark opens when it starts a word: at the start, or after space or an opening bracket."""
    return i == lo or text[i - 1].isspace() or text[i - 1] in "([{—–-/:"


def _scan_paragraph(
    text: str, lo: int, hi: int, closers: dict[str, str], straight: str
) -> list[tuple[int, int, bool]]:
    """``(start, end, closed)`` of the quotes in ``text[lo:hi]``; quotes nested inside are skipped."""
    found: list[tuple[int, int, bool]] = []
    open_at: int | None = None
    close_with = ""
    inner: list[str] = []  # closing marks of the nested quotes now open
    double = straight == '"'
    i = lo
    while i < hi:
        ch, width = text[i], 1
        if double and ch == "'" and text.startswith("''", i):
            ch, width = '"', 2  # two apostrophes stand for a straight double mark in some archives
        elif double and ch == "’" and open_at is not None and not inner and text.startswith("’’", i):
            ch, width = "”", 2  # two closing single marks used as a closing double mark
        if open_at is None:
            # a straight single mark after a letter is an apostrophe, never an opening
            apostrophe = ch == "'" and i > lo and text[i - 1].isalnum()
            if ch in closers and (ch != straight or _is_opening_straight(text, i, lo)) and not apostrophe:
                open_at, close_with, inner = i, closers[ch], []
        elif inner and ch in inner[-1]:
            inner.pop()
        elif ch in close_with and not inner:
            # "it's" inside a British single-quoted span: an apostrophe, not the closing mark
            if ch in "’'" and i + 1 < hi and text[i + 1].isalpha():
                i += 1
                continue
            found.append((open_at, i + width, True))
            open_at = None
        elif ch in closers and ch != straight and ch not in close_with:
            inner.append(closers[ch].replace(straight, ""))
        i += width
    if open_at is not None:
        end = hi
        while end > open_at + 1 and text[end - 1].isspace():
            end -= 1
        if _WORD.search(text, open_at, end):
            found.append((open_at, end, False))
    return found


def scan_quote_marks(text: str) -> list[MarkedSpan]:
    """Every quoted span of ``text`` in order, with paragraph continuations marked."""
    paragraphs = paragraph_spans(text)
    if any(ch in _DOUBLE_MARKS for ch in text) or "''" in text:
        closers, straight = _DOUBLE_CLOSERS, '"'
    else:
        closers, straight = _SINGLE_CLOSERS, "'"
    spans: list[MarkedSpan] = []
    previous_open = False  # did the previous paragraph end inside a quote?
    for index, (lo, hi) in enumerate(paragraphs):
        found = _scan_paragraph(text, lo, hi, closers, straight)
        for n, (start, end, closed) in enumerate(found):
            continues = n == 0 and previous_open and not text[lo:start].strip()
            spans.append(MarkedSpan(start, end, closed, continues, index))
        previous_open = bool(found) and not found[-1][2]
    return spans
