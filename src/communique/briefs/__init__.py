"""Smart Brevity briefs, grounded in their sources.

``brief_article(analysis)`` and ``brief_story(analyses)`` turn pipeline output into a ``Brief``:
headline, lede, Why it matters, What they're saying, Key points, Go deeper — and ``sources``,
which maps every field and item to the article ids and character spans it was taken from.

The cascade (extractive; nothing is invented):

1. Split each article into sentences (``sentences.split_units``), skipping outlet headers, and
   score them (``select.score_sentences``) from position, word centrality, actors, events,
   quote share and cue phrases (``data/cues.tsv``).
2. **Lede**: the sentence of the most salient event (``events``), earlier sentences preferred;
   the first sentence when no event was coded. Trimmed of dateline, short parentheticals and
   long trailing clauses; each kept piece is cited.
3. **Headline**: the article's title when it is a short line of the text, else the lede's
   subject + verb + object (spaCy parse when a pipeline is given), else its first words.
4. **What they're saying**: one verbatim quote per speaker (``statements``).
5. **Why it matters**: 1–2 sentences with significance or context cues; with a store, also the
   dyad's recent history; else the best remaining sentence.
6. **Key points**: the 3–5 best remaining sentences (not near-duplicates), in reading order.
7. **Go deeper**: background sentences (cues such as "has long", "since 2015"), history lines
   from the store, and for a story the report/source counts.

For a story (several articles) the earliest report gives the headline and lede, statements come
from every side, key points from all reports, and ``n_reports``/``n_sources`` are filled.
Lines generated from data (counts) are listed in ``Brief.generated``; ``grounding.check_brief``
verifies every other line is found verbatim at its cited spans.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from communique.briefs.headline import cut_headline, parse_headline, title_headline
from communique.briefs.history import HistorySource, describe_dyad, describe_past_event
from communique.briefs.select import Candidate, lede_candidate, score_sentences
from communique.briefs.sentences import Span, Unit, content_units, join_pieces, split_units, trim_sentence
from communique.briefs.statements import Statement, statements
from communique.errors import CommuniqueError
from communique.records import Analysis, Brief, BriefQuote, SourceRef

if TYPE_CHECKING:
    from spacy.language import Language

    from communique.knowledge import KnowledgeBase

__all__ = ["BriefError", "BriefOptions", "brief_article", "brief_story"]


class BriefError(CommuniqueError):
    """An article or story that cannot be briefed (no sentences to take from)."""


@dataclass(frozen=True)
class BriefOptions:
    """Sizes of a brief's sections (the Smart Brevity shape)."""

    # Three bullets for an article; a story earns one more per further report, up to five.
    min_key_points: int = 3
    max_key_points: int = 5
    lede_words: int = 35
    key_point_words: int = 40
    why_sentences: int = 2
    go_deeper_items: int = 3
    max_speakers: int = 4
    # Content-word overlap above which two sentences count as saying the same thing.
    duplicate_overlap: float = 0.6
    # Penalty weight for a key point's overlap with what the brief already says.
    novelty: float = 0.2


@dataclass
class _Doc:
    """One article prepared for briefing."""

    analysis: Analysis
    units: list[Unit]
    cands: list[Candidate]
    title_span: Span | None

    @property
    def article_id(self) -> str:
        return self.analysis.article.article_id

    @property
    def text(self) -> str:
        return self.analysis.article.text


@dataclass
class _Builder:
    """Collects items and their citations; remembers which sentences are used."""

    sources: dict[str, list[SourceRef]] = field(default_factory=dict)
    used: set[tuple[str, Span]] = field(default_factory=set)
    used_words: list[set[str]] = field(default_factory=list)
    generated: list[str] = field(default_factory=list)

    def cite(self, key: str, article_id: str, spans: list[Span]) -> None:
        self.sources[key] = [SourceRef(article_id=article_id, span=s) for s in spans]

    def take(self, doc: _Doc, cand: Candidate) -> None:
        self.used.add((doc.article_id, cand.span))
        self.used_words.append(set(cand.words))

    def overlap(self, cand: Candidate) -> float:
        """The largest share of ``cand``'s content words already used by one brief item."""
        words = cand.words
        if not words or not self.used_words:
            return 0.0
        return max(len(words & w) / len(words) for w in self.used_words)

    def is_free(self, doc: _Doc, cand: Candidate, overlap: float) -> bool:
        if (doc.article_id, cand.span) in self.used or not cand.words:
            return False
        return self.overlap(cand) < overlap


def _prepare(analysis: Analysis) -> _Doc:
    text = analysis.article.text
    units = split_units(text)
    title_span: Span | None = None
    if units and units[0].kind == "heading":
        title_span = units[0].span
    elif analysis.article.title:
        at = text.find(analysis.article.title)
        if at >= 0:
            title_span = (at, at + len(analysis.article.title))
    title = analysis.article.title or (text[title_span[0] : title_span[1]] if title_span else None)
    cands = score_sentences(analysis, content_units(text, units), title)
    return _Doc(analysis=analysis, units=units, cands=cands, title_span=title_span)


def _sort_key(item: tuple[int, _Doc]) -> tuple[bool, str, int]:
    i, doc = item
    pub = doc.analysis.article.published
    return (pub is None, pub or "", i)


def _source_name(analysis: Analysis) -> str:
    a = analysis.article
    if a.site:
        return a.site
    if a.url:
        return urlsplit(a.url).netloc or a.url
    return a.source or a.article_id


def brief_article(
    analysis: Analysis,
    *,
    nlp: Language | None = None,
    kb: KnowledgeBase | None = None,
    history: HistorySource | None = None,
    options: BriefOptions | None = None,
) -> Brief:
    """A grounded Smart Brevity brief of one analysed article (see the module docstring)."""
    return brief_story([analysis], nlp=nlp, kb=kb, history=history, options=options)


def brief_story(
    analyses: list[Analysis],
    *,
    nlp: Language | None = None,
    kb: KnowledgeBase | None = None,
    history: HistorySource | None = None,
    options: BriefOptions | None = None,
) -> Brief:
    """A grounded brief of a story told by several articles (one article works too)."""
    opts = options or BriefOptions()
    if not analyses:
        raise BriefError("no articles to brief")
    docs = [d for _, d in sorted(enumerate(_prepare(a) for a in analyses), key=_sort_key)]
    lead_doc = next((d for d in docs if d.cands), None)
    if lead_doc is None:
        ids = ", ".join(d.article_id for d in docs[:3])
        raise BriefError(f"{ids}: no sentences to brief (empty or too short)")
    b = _Builder()

    # Lede: the earliest report's main fact.
    lede_cand = lede_candidate(lead_doc.cands)
    assert lede_cand is not None
    lede_spans = trim_sentence(lead_doc.text, lede_cand.span, opts.lede_words)
    lede = join_pieces(lead_doc.text, lede_spans)
    b.cite("lede", lead_doc.article_id, lede_spans)
    b.take(lead_doc, lede_cand)

    headline_spans = _headline(lead_doc, lede_spans, nlp)
    headline = join_pieces(lead_doc.text, headline_spans)
    b.cite("headline", lead_doc.article_id, headline_spans)

    # What they're saying.
    said: list[BriefQuote] = []
    quoted: list[Statement] = statements([d.analysis for d in docs], kb, opts.max_speakers)
    for i, st in enumerate(quoted):
        said.append(BriefQuote(speaker=st.speaker, quote=st.quote, quote_id=st.quote_id))
        b.cite(f"whats_being_said[{i}]", st.article_id, [st.span])
    by_id = {d.article_id: d for d in docs}
    for st in quoted:
        # A sentence that is mostly the chosen quote should not come back as a key point.
        doc = by_id[st.article_id]
        for c in doc.cands:
            inside = max(0, min(c.span[1], st.span[1]) - max(c.span[0], st.span[0]))
            if inside > 0.6 * (c.span[1] - c.span[0]):
                b.used.add((doc.article_id, c.span))

    all_cands = [(d, c) for d in docs for c in d.cands]

    # Why it matters: significance first, then context.
    why_pieces: list[tuple[_Doc, Candidate]] = []
    for kind in ("significance", "context"):
        ranked = sorted(
            (dc for dc in all_cands if getattr(dc[1], kind) >= 0.8 and dc[1].quote_share < 0.5),
            key=lambda dc: (-getattr(dc[1], kind), dc[1].position),
        )
        for d, c in ranked:
            if len(why_pieces) >= opts.why_sentences:
                break
            if b.is_free(d, c, opts.duplicate_overlap):
                why_pieces.append((d, c))
                b.take(d, c)
        if why_pieces:
            break
    why_text, why_refs = _join_items(why_pieces, opts.lede_words + 10)

    history_lines = _history_lines(docs, history, kb)
    if not why_text and history_lines:
        text, refs = history_lines.pop(0)
        why_text = text
        b.sources["why_it_matters"] = refs
        b.generated.append("why_it_matters")

    # Go deeper: background sentences (reserved before key points while enough sentences remain),
    # then history, then story counts.
    go_deeper: list[str] = []
    background = sorted(
        (dc for dc in all_cands if dc[1].background + 0.5 * dc[1].context >= 0.8 and dc[1].quote_share < 0.5),
        key=lambda dc: (-(dc[1].background + 0.5 * dc[1].context), dc[1].position),
    )
    room = opts.go_deeper_items - min(1, len(history_lines))
    free = sum(1 for dc in all_cands if b.is_free(dc[0], dc[1], opts.duplicate_overlap)) if background else 0
    for d, c in background:
        # Keep enough sentences for the key points.
        if len(go_deeper) >= room or free <= opts.min_key_points:
            break
        if not b.is_free(d, c, opts.duplicate_overlap):
            continue
        b.take(d, c)
        free -= 1
        spans = trim_sentence(d.text, c.span, opts.lede_words)
        b.cite(f"go_deeper[{len(go_deeper)}]", d.article_id, spans)
        go_deeper.append(join_pieces(d.text, spans))

    # Key points.
    n_points = max(opts.min_key_points, min(opts.max_key_points, opts.min_key_points + len(docs) - 1))
    picked: list[tuple[_Doc, Candidate]] = []
    while len(picked) < n_points:
        # Greedy, with a penalty for repeating what the brief already says (maximal marginal relevance).
        pool = [dc for dc in all_cands if dc[1].quote_share < 0.6 and b.is_free(dc[0], dc[1], opts.duplicate_overlap)]
        if not pool:
            break
        d, c = max(pool, key=lambda dc: dc[1].score - opts.novelty * b.overlap(dc[1]))
        picked.append((d, c))
        b.take(d, c)
    if not why_text:
        # No significance sentence and no history: the best sentence left says why.
        rest = [dc for dc in all_cands if dc[1].quote_share < 0.5 and b.is_free(dc[0], dc[1], opts.duplicate_overlap)]
        if rest:
            d, c = max(rest, key=lambda dc: dc[1].score + dc[1].context)
            b.take(d, c)
            why_text, why_refs = _join_items([(d, c)], opts.lede_words + 10)
    if why_text and "why_it_matters" not in b.sources:
        b.sources["why_it_matters"] = why_refs
    order = {id(d): i for i, d in enumerate(docs)}
    picked.sort(key=lambda dc: (order[id(dc[0])], dc[1].position))
    key_points: list[str] = []
    for d, c in picked:
        spans = trim_sentence(d.text, c.span, opts.key_point_words)
        b.cite(f"key_points[{len(key_points)}]", d.article_id, spans)
        key_points.append(join_pieces(d.text, spans))

    if not go_deeper and not history_lines:
        # No background cue: the latest unused sentence is the article's own context.
        rest = [(d, c) for d, c in all_cands if b.is_free(d, c, opts.duplicate_overlap) and c.quote_share < 0.5]
        if rest:
            d, c = rest[-1]
            b.take(d, c)
            spans = trim_sentence(d.text, c.span, opts.lede_words)
            b.cite("go_deeper[0]", d.article_id, spans)
            go_deeper.append(join_pieces(d.text, spans))
    for text, refs in history_lines[: max(1, opts.go_deeper_items - len(go_deeper))]:
        key = f"go_deeper[{len(go_deeper)}]"
        b.sources[key] = refs
        b.generated.append(key)
        go_deeper.append(text)

    sources_seen = {_source_name(d.analysis) for d in docs}
    if len(docs) > 1:
        key = f"go_deeper[{len(go_deeper)}]"
        first = docs[0].analysis.article.published
        when = f", the earliest on {first[:10]}" if first else ""
        go_deeper.append(f"{len(docs)} reports from {len(sources_seen)} sources{when}.")
        b.sources[key] = [r for d in docs for r in _first_ref(d)]
        b.generated.append(key)

    return Brief(
        headline=headline,
        lede=lede,
        why_it_matters=why_text,
        whats_being_said=said,
        key_points=key_points,
        go_deeper=go_deeper,
        sources=b.sources,
        n_reports=len(docs),
        n_sources=len(sources_seen),
        generated=b.generated,
    )


def _first_ref(doc: _Doc) -> list[SourceRef]:
    c = doc.cands[0] if doc.cands else None
    return [SourceRef(article_id=doc.article_id, span=c.span)] if c else []


def _join_items(items: list[tuple[_Doc, Candidate]], max_words: int) -> tuple[str, list[SourceRef]]:
    """Sentences (trimmed) read as one field; their pieces cited in order."""
    items = sorted(items, key=lambda dc: (dc[0].article_id, dc[1].position))
    texts: list[str] = []
    refs: list[SourceRef] = []
    for d, c in items:
        spans = trim_sentence(d.text, c.span, max_words)
        texts.append(join_pieces(d.text, spans))
        refs.extend(SourceRef(article_id=d.article_id, span=s) for s in spans)
    return " ".join(texts), refs


def _headline(doc: _Doc, lede_spans: list[Span], nlp: Language | None) -> list[Span]:
    title = title_headline(doc.text, doc.title_span)
    if title is not None:
        return [title]
    first = lede_spans[0]
    if nlp is not None:
        parsed = parse_headline(nlp, doc.text, first)
        if parsed:
            return parsed
    return cut_headline(doc.text, first)


def _history_lines(docs: list[_Doc], history: HistorySource | None,
                   kb: KnowledgeBase | None) -> list[tuple[str, list[SourceRef]]]:
    """Lines generated from stored history for the story's main dyad and actors."""
    if history is None:
        return []
    counts: dict[str, int] = {}
    for d in docs:
        for e in d.analysis.events:
            for x in e.actor + e.recipient:
                if x.country:
                    counts[x.country] = counts.get(x.country, 0) + 1
        for a in d.analysis.actors:
            if a.country:
                counts[a.country] = counts.get(a.country, 0) + 1
    top = sorted(counts, key=lambda c: -counts[c])[:2]
    until = min((d.analysis.article.published or "" for d in docs), default="") or None
    lines: list[tuple[str, list[SourceRef]]] = []
    names = {c: (kb.country_name(c) if kb else None) or c for c in top}
    if len(top) == 2:
        dyad = history.dyad(top[0], top[1], until)
        if dyad is not None:
            line = describe_dyad(dyad, names)
            if line and dyad.evidence:
                lines.append((line, dyad.evidence))
    if top:
        seen: set[str] = set()
        for e in history.past_events(top, until, limit=6):
            # One past event per stored article: two sentences of one report are one piece of history.
            if e.article_id in seen or len(seen) >= 2:
                continue
            seen.add(e.article_id)
            lines.append((describe_past_event(e), [SourceRef(article_id=e.article_id, span=e.span)]))
    return lines
