"""Sentences and clause-trimmed pieces of an article, as character spans.

Briefs are extractive: every line of a brief is a sentence of the source, or a sentence with
clauses dropped. This module finds the sentence spans (a light rule-based splitter that works
on raw text, so the Lead-3 baseline and the briefs split alike), skips outlet header lines
("By . Reporter . PUBLISHED: ...", "(CNN) --"), and trims sentences into ``Piece`` lists.

A trimmed sentence is a list of spans; its text is the spans' texts joined by a space, except
that a piece starting with punctuation is glued to the one before (``join_pieces``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

Span = tuple[int, int]


@dataclass(frozen=True)
class Unit:
    """A sentence-like unit of the text: a sentence, a heading/title line, a label, a bullet."""

    start: int
    end: int
    kind: str  # "sentence", "heading" (title-like line), "label" (short line ending in ":")
    index: int  # order among all units
    block: int  # paragraph (line block) number

    @property
    def span(self) -> Span:
        return (self.start, self.end)


def _data_lines(name: str) -> list[str]:
    text = resources.files("communique.briefs").joinpath("data").joinpath(name).read_text("utf-8")
    return [line for line in text.split("\n") if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def abbreviations() -> frozenset[str]:
    return frozenset(line.strip().lower() for line in _data_lines("abbreviations.txt"))


@lru_cache(maxsize=1)
def _header_patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(line.strip()) for line in _data_lines("outlet_headers.txt"))


def header_end(text: str) -> int:
    """Offset just after an outlet header line at the start of ``text`` (0 when there is none)."""
    best = 0
    for pattern in _header_patterns():
        m = pattern.match(text)
        if m and m.end() > best:
            best = m.end()
    return best


# A candidate sentence end: terminal punctuation, optional closing quotes/brackets, then space.
_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+)")
_NEXT_START = re.compile(r"\s+([\"'“‘(\[]?[A-Z0-9])")
_BULLET = re.compile(r"\s*(?:[-*•·–—]|\d{1,2}[.)])\s+")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d[\d.,]*")
_TERMINAL = re.compile(r"[.!?][\"'”’)\]]*\s*$")


def word_count(s: str) -> int:
    return len(_WORD.findall(s))


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the full stop at ``dot`` closes an abbreviation or an initial ("Mr.", "U.S.", "J.")."""
    i = dot
    while i > 0 and (text[i - 1].isalpha() or text[i - 1] == "."):
        i -= 1
    token = text[i:dot].lower()
    if not token:
        return False
    if len(token) == 1 and text[i].isupper():
        # An initial ("John F. Kennedy") follows a capitalised word; "hepatitis A." ends a sentence.
        prev = text[max(0, i - 30) : i].split()
        return bool(prev) and prev[-1][:1].isupper()
    return token in abbreviations()


def _lines(text: str, start: int) -> list[tuple[int, int]]:
    """Non-empty line spans from ``start``; hard-wrapped lines (next starts lower case) are joined."""
    spans: list[tuple[int, int]] = []
    pos = start
    for line in text[start:].split("\n"):
        s, e = pos, pos + len(line)
        pos = e + 1
        stripped = line.strip()
        if not stripped:
            spans.append((-1, -1))  # paragraph break
            continue
        s += len(line) - len(line.lstrip())
        e -= len(line) - len(line.rstrip())
        prev = spans[-1] if spans else (-1, -1)
        if prev[0] >= 0 and stripped[0].islower() and not _TERMINAL.search(text[prev[0] : prev[1]]):
            spans[-1] = (prev[0], e)
        else:
            spans.append((s, e))
    return [sp for sp in spans if sp[0] >= 0]


def split_units(text: str, skip_header: bool = True) -> list[Unit]:
    """Sentence units of ``text`` with their spans, outlet header skipped."""
    begin = header_end(text) if skip_header else 0
    units: list[Unit] = []
    for block, (ls, le) in enumerate(_lines(text, begin)):
        m = _BULLET.match(text, ls, le)
        if m and m.end() < le:
            ls = m.end()
        line = text[ls:le]
        pieces: list[tuple[int, int]] = []
        cur = ls
        for m_end in _END.finditer(line):
            stop = ls + m_end.end()
            nxt = _NEXT_START.match(text, stop, le)
            if not nxt:
                continue
            dot = ls + m_end.start()
            if text[dot] == "." and _is_abbreviation(text, dot) and m_end.end() - m_end.start() == 1:
                continue
            pieces.append((cur, stop))
            cur = nxt.start(1)
        if cur < le:
            pieces.append((cur, le))
        single = len(pieces) == 1
        for s, e in pieces:
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if s >= e:
                continue
            piece = text[s:e]
            if single and piece.endswith(":") and word_count(piece) <= 8:
                kind = "label"
            elif single and not _TERMINAL.search(piece) and word_count(piece) <= 16 and block == 0:
                kind = "heading"
            else:
                kind = "sentence"
            units.append(Unit(start=s, end=e, kind=kind, index=len(units), block=block))
    return units


def content_units(text: str, units: list[Unit], min_words: int = 5) -> list[Unit]:
    """Sentences worth quoting in a brief (no headings, labels, fragments)."""
    return [u for u in units if u.kind == "sentence" and word_count(text[u.start : u.end]) >= min_words]


# ---- pieces ---------------------------------------------------------------------------------

_PUNCT_START = re.compile(r"^[.,;:!?]")


def join_pieces(text: str, spans: list[Span]) -> str:
    """The text of a trimmed sentence: its pieces joined by a space (no space before punctuation)."""
    out = ""
    for s, e in spans:
        piece = text[s:e].strip()
        if not piece:
            continue
        if out and not _PUNCT_START.match(piece):
            out += " "
        out += piece
    return out


# "MOSCOW, April 18, 2025 — " / "LONDON (Reuters) - " / "Beirut, Lebanon -- ": a dateline before a dash.
_DATELINE = re.compile(
    r"(?:[A-Z][A-Za-z.'’-]*(?:[ ,]+[A-Z][A-Za-z.'’-]*){0,3})"
    r"(?:,?\s*(?:[A-Z][a-z]{2,8}\.? \d{1,2}(?:, \d{4})?|\d{1,2} [A-Z][a-z]+ \d{4}))?"
    r"(?:\s*\([A-Za-z .]+\))?\s*(?:—|–|--|-)\s+"
)
_DATELINE_MARK = re.compile(r"\b[A-Z]{3,}\b|\d|\(")
# Short parentheticals worth dropping: "(pictured)", "(R)", "(AFP)".
_PAREN = re.compile(r"\s*\([^()]{1,40}\)")
# Places where a trailing clause may be cut: a comma, semicolon or dash followed by a space.
_CUT = re.compile(r"\s*(?:,|;|\s—|\s–|\s--)\s+")


def strip_dateline(text: str, span: Span) -> Span:
    """The span without a leading dateline ("MOSCOW, April 18, 2025 — ")."""
    s, e = span
    m = _DATELINE.match(text, s, e)
    # A dateline shows itself by an upper-case place, a date or an agency in brackets; without
    # one of them "Lavrov — who ..." would lose its subject.
    if m and e - m.end() > 20 and _DATELINE_MARK.search(m.group(0)):
        return (m.end(), e)
    return span


def drop_parentheticals(text: str, span: Span) -> list[Span]:
    """Pieces of ``span`` with short parentheticals removed."""
    s, e = span
    pieces: list[Span] = []
    cur = s
    for m in _PAREN.finditer(text, s, e):
        if m.start() > cur:
            pieces.append((cur, m.start()))
        cur = m.end()
    if cur < e:
        pieces.append((cur, e))
    return [(a, b) for a, b in pieces if text[a:b].strip()] or [span]


def trim_tail(text: str, span: Span, max_words: int, min_words: int = 8) -> list[Span]:
    """Cut trailing clauses (after a comma, semicolon or dash) until at most ``max_words`` remain.

    The sentence's final punctuation is kept as its own piece so the trimmed sentence still
    reads as a sentence. Returns the span itself when it is short enough or no cut fits.
    """
    s, e = span
    body = text[s:e]
    if word_count(body) <= max_words:
        return [span]
    best: int | None = None
    for m in _CUT.finditer(text, s, e):
        n = word_count(text[s : m.start()])
        if n > max_words:
            break
        if n >= min_words:
            best = m.start()
    if best is None:
        return [span]
    pieces: list[Span] = [(s, best)]
    end_punct = re.search(r"[.!?][\"'”’)\]]*$", body)
    if end_punct and not text[s:best].rstrip().endswith((".", "!", "?")):
        q = s + end_punct.start()
        pieces.append((q, q + 1))
    return pieces


# A trailing attribution: ", police said.", ", according to the complaint.", ", officials said on Monday."
_ATTRIBUTION = re.compile(
    r",\s+(?:according to [^,;]{1,60}|(?:[^,;]{1,50}\s)?(?:said|says|told [^,;]{1,30}|reported|added)"
    r"(?: on \w+| \w+day| last \w+| this \w+)?)\s*(?=[.!?][\"'”’]?$)"
)


def drop_attribution(text: str, span: Span) -> list[Span]:
    """Pieces of ``span`` without a trailing attribution clause (the final full stop kept)."""
    s, e = span
    m = _ATTRIBUTION.search(text, s, e)
    # Only when the sentence is not itself a quote: "'We will win,' he said." keeps its speaker.
    if m is None or m.end() >= e or word_count(text[s : m.start()]) < 6 or re.search(r"[\"“”]", text[s:e]):
        return [span]
    return [(s, m.start()), (m.end(), e)]


def trim_sentence(text: str, span: Span, max_words: int = 35) -> list[Span]:
    """A sentence made brief-ready: dateline, short parentheticals and attributions dropped, long tails cut."""
    span = strip_dateline(text, span)
    dropped = drop_attribution(text, span)
    if len(dropped) == 2:
        head, tail = dropped
        return [*trim_sentence_pieces(text, head, max_words), tail]
    return trim_sentence_pieces(text, span, max_words)


def trim_sentence_pieces(text: str, span: Span, max_words: int) -> list[Span]:
    """Parentheticals dropped and a long tail cut from a dateline-free span."""
    pieces = drop_parentheticals(text, span)
    if len(pieces) == 1:
        return trim_tail(text, pieces[0], max_words)
    # Trim only the last piece's tail; earlier pieces stay whole.
    head, last = pieces[:-1], pieces[-1]
    words_before = sum(word_count(text[a:b]) for a, b in head)
    room = max(max_words - words_before, 4)
    return head + trim_tail(text, last, room, min_words=min(8, room))
