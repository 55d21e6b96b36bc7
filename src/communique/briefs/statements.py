"""What they're saying: one verbatim statement per main speaker, with the speaker's role and country.

Statements come from the ``quotes`` stage. A quote is used only when its text is exactly the
source text at its span (so a brief's quote is always a verbatim, contiguous substring). The
speaker line is "Name, Country's role" when the knowledge base or the article itself gives a
role ("Iranian Foreign Minister Abbas Araghchi", "Sergey Lavrov, Russia's foreign minister"),
"Name (Country)" when only the country is known, and the name alone otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from communique.briefs.sentences import word_count
from communique.pipeline import article_date
from communique.records import Analysis, Quote

if TYPE_CHECKING:
    from communique.knowledge import KnowledgeBase

MIN_QUOTE_WORDS, MAX_QUOTE_WORDS = 4, 60
_NAME_WINDOW = 60  # characters around a name searched for its role and country


@dataclass
class Statement:
    speaker: str  # display line: name, role, country
    name: str
    country: str | None
    quote: str
    quote_id: str
    article_id: str
    span: tuple[int, int]


def _verbatim(text: str, q: Quote) -> tuple[int, int] | None:
    """The quote's span when the source holds exactly its text there (or once elsewhere)."""
    s, e = q.span
    if 0 <= s < e <= len(text) and text[s:e] == q.text:
        return (s, e)
    at = text.find(q.text) if q.text else -1
    if at >= 0 and text.find(q.text, at + 1) < 0:
        return (at, at + len(q.text))
    return None


def _rank(q: Quote) -> tuple[int, int]:
    # A statement of readable length first; then the speaker's own words (a direct quote) over a
    # reported clause, which the key points often carry already; then the earliest.
    n = word_count(q.text)
    fits = MIN_QUOTE_WORDS + 2 <= n <= MAX_QUOTE_WORDS
    return (0 if fits else 1, {"direct": 0, "mixed": 1}.get(q.kind, 2))


def _possessive(name: str) -> str:
    return name + ("'" if name.endswith("s") else "'s")


def describe_speaker(name: str, country: str | None, text: str, kb: KnowledgeBase | None,
                     when: date | None = None) -> tuple[str, str | None]:
    """The speaker line ("Sergey Lavrov, Russia's foreign minister") and the speaker's country code."""
    role: str | None = None
    if kb is not None:
        term = kb.term_on(kb.officials_named(name), when)
        if term is not None:
            role = term.role
            country = country or term.country
        if role is None:
            role, found = _role_in_text(name, text, kb)
            country = country or found
    cname = kb.country_name(country) if kb is not None and country else country
    if role and cname:
        return f"{name}, {_possessive(cname)} {role.lower()}", country
    if role:
        return f"{name}, {role.lower()}", country
    if cname and cname != name:
        return f"{name} ({cname})", country
    return name, country


def _role_in_text(name: str, text: str, kb: KnowledgeBase) -> tuple[str | None, str | None]:
    """A title and a country written next to the first mention of ``name`` in the article."""
    at = text.find(name)
    if at < 0:
        return None, None
    window = text[max(0, at - _NAME_WINDOW) : at + len(name) + _NAME_WINDOW]
    lowered = window.lower()
    role = None
    for term, info in sorted(kb.roles.items(), key=lambda kv: -len(kv[0])):
        if info.kind == "title" and re.search(rf"\b{re.escape(term)}\b", lowered):
            role = info.canonical_role or term
            break
    country = None
    for word in re.findall(r"[A-Z][A-Za-z'’-]+", window):
        if word in name.split():
            continue
        found = kb.country_of(word.replace("’s", "").replace("'s", ""))
        if found and len(found) == 3 and found in kb.countries:
            country = found
            break
    return role, country


_OPEN = "\"“‘'"
_CLOSE = "\"”’'"


def tidy_quote_span(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """The span without enclosing quote marks and a trailing comma ("\"We oppose ...,\"" → We oppose ...)."""
    s, e = span
    if e - s > 2 and text[s] in _OPEN and text[e - 1] in _CLOSE and not any(
        c in _OPEN + _CLOSE for c in text[s + 1 : e - 1] if c != "'" and c != "’"
    ):
        s, e = s + 1, e - 1
    while e > s and text[e - 1] in ",;: ":
        e -= 1
    # A reported clause reads better without its complementiser: "that the first ships could leave".
    m = re.match(r"that\s+", text[s:e])
    if m and word_count(text[s + m.end() : e]) >= MIN_QUOTE_WORDS:
        s += m.end()
    return (s, e)


@lru_cache(maxsize=1)
def _statement_verbs() -> frozenset[str]:
    raw = resources.files("communique.briefs").joinpath("data").joinpath("statement_verbs.txt").read_text("utf-8")
    return frozenset(w.strip() for w in raw.splitlines() if w.strip() and not w.startswith("#"))


_SPEAKING_KINDS = {"person", "country", "organisation", "organization", "metonym"}


def _kinds_by_name(analysis: Analysis) -> dict[str, set[str]]:
    kinds: dict[str, set[str]] = {}
    for m in analysis.actors:
        if m.name and m.kind:
            kinds.setdefault(m.name, set()).add(m.kind)
    return kinds


def reported_statements(analysis: Analysis, names: set[str]) -> dict[str, tuple[int, int]]:
    """For persons the quote stage found no statement for: "Lavrov welcomed X and emphasized Y".

    The statement is the clause from the first statement verb right after the person's name to
    the end of the sentence, exactly as written.
    """
    text = analysis.article.text
    verbs = _statement_verbs()
    found: dict[str, tuple[int, int]] = {}
    for m in analysis.actors:
        if m.kind != "person" or not m.name or m.name not in names or m.name in found:
            continue
        after = text[m.end : m.end + 400]
        words = list(re.finditer(r"[A-Za-z’'-]+", after[:60]))[:3]
        verb = next((w for w in words if w.group(0).lower() in verbs), None)
        # The name must be the verb's subject: nothing but words (an adverb) between them.
        if verb is None or re.search(r"[^\w\s]", after[: verb.start()]):
            continue
        start = m.end + verb.start()
        stop = re.search(r"[.!?](?:\s|$)|\n", after[verb.start() :])
        end = start + (stop.start() if stop else len(after) - verb.start())
        if word_count(text[start:end]) >= MIN_QUOTE_WORDS + 2:
            found[m.name] = (start, end)
    return found


def statements(analyses: list[Analysis], kb: KnowledgeBase | None = None, max_speakers: int = 4) -> list[Statement]:
    """One statement per main speaker: persons first (most quoted first), then countries and bodies.

    Unnamed groups ("analysts", "the two ministers") are left out: a brief names its speakers.
    """
    by_speaker: dict[str, list[tuple[Quote, Analysis, tuple[int, int]]]] = {}
    order: list[str] = []
    kinds: dict[str, set[str]] = {}
    for analysis in analyses:
        for name, ks in _kinds_by_name(analysis).items():
            kinds.setdefault(name, set()).update(ks)
    for analysis in analyses:
        text = analysis.article.text
        for q in analysis.quotes:
            if q.speaker is None or not q.speaker.name or not (kinds.get(q.speaker.name, set()) & _SPEAKING_KINDS):
                continue
            span = _verbatim(text, q)
            if span is None:
                continue
            span = tidy_quote_span(text, span)
            if word_count(text[span[0] : span[1]]) < MIN_QUOTE_WORDS:
                continue
            name = q.speaker.name
            if name not in by_speaker:
                by_speaker[name] = []
                order.append(name)
            by_speaker[name].append((q, analysis, span))
    persons = [n for n in order if "person" in kinds.get(n, set())]
    others = [n for n in order if n not in persons]
    ranked = sorted(persons, key=lambda n: (-len(by_speaker[n]), order.index(n)))
    out: list[Statement] = []
    for name in ranked:
        q, analysis, span = min(by_speaker[name], key=lambda item: (_rank(item[0]), item[2][0]))
        out.append(_statement(name, q.speaker.country if q.speaker else None, q.quote_id, analysis, span, kb))
    # Persons the quote stage missed, from "Name + statement verb" sentences.
    for analysis in analyses:
        unquoted = {n for n, ks in _kinds_by_name(analysis).items() if "person" in ks and n not in by_speaker}
        for name, span in reported_statements(analysis, unquoted).items():
            if any(st.name == name for st in out):
                continue
            qid = _quote_id(analysis.article.article_id, span)
            out.append(_statement(name, None, qid, analysis, span, kb))
    for name in others:
        q, analysis, span = min(by_speaker[name], key=lambda item: (_rank(item[0]), item[2][0]))
        st = _statement(name, q.speaker.country if q.speaker else None, q.quote_id, analysis, span, kb)
        mention = (q.speaker.text or "") if q.speaker else ""
        # "Russia's foreign ministry" says more than "Russia" when a body of the country spoke.
        if name in mention and len(mention) > len(name) and word_count(mention) <= 6:
            st.speaker = mention[0].upper() + mention[1:]
        out.append(st)
    return _each_side_first(out)[:max_speakers]


def _each_side_first(items: list[Statement]) -> list[Statement]:
    """Statements reordered so every country's first speaker comes before any second speaker."""
    first: list[Statement] = []
    rest: list[Statement] = []
    seen: set[str] = set()
    for st in items:
        if st.country is None or st.country not in seen:
            first.append(st)
            if st.country:
                seen.add(st.country)
        else:
            rest.append(st)
    return first + rest


def _quote_id(article_id: str, span: tuple[int, int]) -> str:
    try:
        from communique.quotes import quote_id
    except ImportError:  # the quote stage's id scheme; a local hash keeps briefs working without it
        import hashlib

        return hashlib.sha256(f"{article_id}:{span[0]}:{span[1]}".encode()).hexdigest()[:16]
    return quote_id(article_id, span[0], span[1])


def _statement(name: str, country: str | None, qid: str, analysis: Analysis, span: tuple[int, int],
               kb: KnowledgeBase | None) -> Statement:
    text = analysis.article.text
    label, country = describe_speaker(name, country, text, kb, article_date(analysis.article))
    return Statement(speaker=label, name=name, country=country, quote=text[span[0] : span[1]],
                     quote_id=qid, article_id=analysis.article.article_id, span=span)
