"""The quote cascade: quote marks + reporting cues → ``Quote`` records.

1. Quote marks are scanned on the raw text (``marks``): each quoted span, per paragraph.
2. Cues are read from the parse (``cues``): reporting verbs outside quotes, with their speaker
   phrase and reported content, and "according to X".
3. Each cue with content is matched against the quoted spans: content that is only a quoted span
   (give or take "that" and punctuation) makes that span a *direct* quote; content with a quoted
   fragment inside is a *mixed* quote (the fragment is absorbed); content without quote marks is an
   *indirect* quote. A report with its cue clause in the middle ("A, the union said, but B") gives
   one quote on each side of the cue clause, as a split direct quote does.
4. Quoted spans still unattributed look for a cue in their frame: the words after the closing mark
   up to the end of the sentence ("...," he said.), then the words before the opening mark
   (He said: "..."). A span introduced by a colon takes the subject of the clause before it.
5. Quoted spans with no cue: a long or sentence-like one continues the previous speaker when that
   speaker spoke in the same or the previous paragraph (a follow-on quote: name kept, no span), or is
   returned with ``speaker: null``; a short quoted term inside a sentence ("so-called 'red lines'")
   is not a quote.
6. Pull quotes: a paragraph with no quote found in it, closed by the bare name of a person or
   organisation ("... for days. Lena Kovac, BC Hydro"), is a quote by that name.

Reports never run over a paragraph break, and lines without final punctuation (headings, links to
other stories) give no reports (``cues``).

Span conventions (those of the Gender Gap Tracker annotation guidelines): a direct quote's span
includes its quote marks and everything inside them, final punctuation included; an indirect quote's
span starts at "that" when there is one and leaves out the final punctuation of the sentence; a mixed
quote runs to the closing mark of its last quoted fragment.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from communique.quotes.cues import Cue, find_cues
from communique.quotes.lexicon import load_lexicon
from communique.quotes.marks import MarkedSpan, paragraph_spans, scan_quote_marks
from communique.quotes.speakers import SpeakerResolver
from communique.records import ActorMention, Article, Quote, QuoteKind, Speaker

if TYPE_CHECKING:
    from spacy.tokens import Doc

_WORDS = re.compile(r"\w+")
_EDGE_JUNK = " \t\n,;:—–-"
_SENTENCE_END = frozenset({".", "!", "?"})
# A quoted span with fewer words than this, inside a sentence and without a cue, is a quoted term.
MIN_FREE_QUOTE_WORDS = 5
# The name closing a pull quote is at most this many words ("Rod Peters"), its role at most as many again.
_PULL_NAME_WORDS = 4
# Words that mark a paragraph as a photo caption, whose closing name is a credit, not a speaker.
_CAPTION_WORDS = frozenset({"photo", "photos", "pictured", "shown", "image", "file"})
# A photo credit or caption source, not a speaker: "(CBC)", "Jane Li/Reuters".
_NOT_IN_NAME = frozenset({"(", ")", "/", "[", "]"})


@dataclass
class _Found:
    start: int
    end: int
    kind: QuoteKind
    cue: Cue | None = None
    speaker: Speaker | None = None
    marked: list[MarkedSpan] = field(default_factory=list)
    follow_on: bool = False


def quote_id(article_id: str, start: int, end: int) -> str:
    """Stable id of the quote at ``[start, end)`` of an article."""
    return hashlib.sha1(f"{article_id}\x00{start}\x00{end}".encode(), usedforsecurity=False).hexdigest()[:16]


class _Extraction:
    """One doc's extraction state (internal)."""

    def __init__(self, doc: Doc, actors: list[ActorMention], article: Article, classes: frozenset[str]):
        self.doc = doc
        self.text = doc.text
        self.article = article
        self.marked = scan_quote_marks(self.text)
        self._starts = [m.start for m in self.marked]
        self.paragraphs = paragraph_spans(self.text)
        self._para_starts = [p[0] for p in self.paragraphs]
        self.cues = find_cues(doc, load_lexicon(classes), self.quoted)
        self.resolver = SpeakerResolver(doc, actors, article, self.quoted)

    def quoted(self, offset: int) -> bool:
        """Is ``offset`` inside a quoted span (marks included)?"""
        i = bisect.bisect_right(self._starts, offset) - 1
        return i >= 0 and offset < self.marked[i].end

    def paragraph_of(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self._para_starts, offset) - 1)

    def overlapping(self, start: int, end: int) -> list[MarkedSpan]:
        lo = max(0, bisect.bisect_right(self._starts, start) - 1)
        out = []
        for m in self.marked[lo:]:
            if m.start >= end:
                break
            if m.end > start:
                out.append(m)
        return out

    def _residue_words(
        self, start: int, end: int, spans: list[MarkedSpan], hole: tuple[int, int] | None = None
    ) -> int:
        """Words of ``[start, end)`` outside the quoted spans and the ``hole``, not counting a leading "that"."""
        pieces, pos = [], start
        cuts = [(m.start, m.end) for m in spans]
        if hole is not None:
            cuts = sorted([*cuts, hole])
        for m_start, m_end in cuts:
            pieces.append(self.text[pos : max(pos, m_start)])
            pos = max(pos, m_end)
        pieces.append(self.text[pos:end])
        words = _WORDS.findall(" ".join(pieces))
        if words and words[0].lower() == "that":
            words = words[1:]
        return len(words)

    def _is_title(self, span: MarkedSpan) -> bool:
        """A short quoted run of capitalised words is a name or title ('told "Fox News Sunday"')."""
        words = _WORDS.findall(self.text[span.start : span.end])
        return 0 < len(words) < MIN_FREE_QUOTE_WORDS and all(w[0].isupper() or w.isdigit() for w in words)

    def _around_hole(self, start: int, end: int, hole: tuple[int, int] | None) -> list[tuple[int, int]]:
        """'Officials hid under desks, he said, but one man ran to the roof': a report with its cue
        clause in the middle is two reported statements, one on each side (as a split direct quote
        is two quotes)."""
        if hole is None or not start < hole[0] < hole[1] < end:
            return [(start, end)]
        pieces = []
        for lo, hi in ((start, hole[0]), (hole[1], end)):
            while lo < hi and self.text[lo] in _EDGE_JUNK:
                lo += 1
            while hi > lo and self.text[hi - 1] in _EDGE_JUNK:
                hi -= 1
            if _WORDS.search(self.text, lo, hi):
                pieces.append((lo, hi))
        return pieces or [(start, end)]

    # -- frames around a quoted span -------------------------------------------------------------

    def _frame_tokens(self, span: MarkedSpan) -> tuple[list[int], list[int]]:
        """Token indices after the closing mark (to the sentence end) and before the opening mark."""
        doc = self.doc
        after: list[int] = []
        first = doc.char_span(span.end, span.end, alignment_mode="expand")
        i = first.start if first is not None else len(doc)
        inner = self.text[span.start : span.end].rstrip("\"“”«»„'’ ")
        ends_sentence = inner.endswith(".")
        while i < len(doc) and doc[i].idx < span.end:
            i += 1
        if i < len(doc) and not (ends_sentence and doc[i].text[:1].isupper()):
            while i < len(doc):
                token = doc[i]
                if "\n" in token.text or self.quoted(token.idx):
                    break
                after.append(i)
                if token.text in _SENTENCE_END:
                    break
                i += 1
        before: list[int] = []
        last = doc.char_span(span.start, span.start, alignment_mode="expand")
        j = (last.start if last is not None else 0) - 1
        while j >= 0 and doc[j].idx >= span.start:
            j -= 1
        while j >= 0:
            token = doc[j]
            if "\n" in token.text or self.quoted(token.idx) or token.text in _SENTENCE_END:
                break
            before.append(j)
            j -= 1
        before.reverse()
        return after, before

    def _cue_in_frame(self, tokens: list[int], by_token: dict[int, Cue]) -> Cue | None:
        for i in tokens:
            cue = by_token.get(i)
            if cue is not None and ("direct" in cue.frames or cue.frame == "according"):
                return cue
        return None

    def _colon_speaker(self, before: list[int]) -> Speaker | None:
        """'Lavrov put it bluntly: "..."' — the subject of the clause that ends with the colon."""
        from communique.quotes.cues import speaker_tokens, subject_of

        if not before or self.doc[before[-1]].text != ":":
            return None
        verbs = [self.doc[i] for i in before if self.doc[i].pos_ in ("VERB", "AUX")]
        for verb in verbs:
            subject = subject_of(verb)
            if subject is not None and subject.i in before:
                return self.resolver.resolve(speaker_tokens(subject))
        return None

    def _dash_speaker(self, after: list[int]) -> Speaker | None:
        """'"..." — Carla Sanchez, a teacher': a name right after a dash that follows the quote."""
        from communique.quotes.cues import speaker_tokens

        if len(after) < 2 or self.doc[after[0]].text not in ("—", "―", "–", "-", "--"):
            return None
        name = self.doc[after[1]]
        if name.pos_ != "PROPN":
            return None
        while name.dep_ in ("compound", "flat") and name.head.i > name.i and name.head.i in after:
            name = name.head
        return self.resolver.resolve(speaker_tokens(name))

    # -- the cascade -----------------------------------------------------------------------------

    def run(self) -> list[_Found]:
        found: list[_Found] = []
        used: set[int] = set()  # indices of absorbed / attributed quoted spans
        index = {id(m): n for n, m in enumerate(self.marked)}
        by_token = {cue.token: cue for cue in self.cues}
        speakers: dict[int, Speaker | None] = {}

        def speaker_of(cue: Cue) -> Speaker | None:
            if cue.token not in speakers:
                speakers[cue.token] = self.resolver.resolve(cue.speaker) if cue.speaker else None
            return speakers[cue.token]

        # step 3: cues with content
        content_cues = sorted((c for c in self.cues if c.content is not None), key=lambda c: c.span[0])
        covered: list[tuple[int, int]] = []
        for cue in content_cues:
            assert cue.content is not None
            start, end = cue.content
            if any(s <= start and end <= e for s, e in covered):
                continue  # a report inside a report: the outer one stands
            spans = [m for m in self.overlapping(start, end) if index[id(m)] not in used]
            if spans and self._residue_words(start, end, spans, cue.hole) == 0:
                for m in spans:
                    used.add(index[id(m)])
                    found.append(_Found(m.start, m.end, "direct", cue, speaker_of(cue), [m]))
                continue
            if cue.speaker is None and cue.frame != "according":
                continue  # reported speech needs someone who reports it
            kind: QuoteKind = "indirect"
            if spans:
                kind = "mixed"
                start, end = min(start, spans[0].start), max(end, spans[-1].end)
                for m in spans:
                    used.add(index[id(m)])
            covered.append((start, end))
            pieces = self._around_hole(start, end, cue.hole) if kind == "indirect" else [(start, end)]
            for piece_start, piece_end in pieces:
                found.append(_Found(piece_start, piece_end, kind, cue, speaker_of(cue), spans))

        # steps 4-5: quoted spans in text order
        last_speaker: Speaker | None = None
        last_paragraph = -10
        attributed = sorted(found, key=lambda f: f.start)
        ai = 0
        for n, m in enumerate(self.marked):
            paragraph = self.paragraph_of(m.start)
            while ai < len(attributed) and attributed[ai].start <= m.start:
                if attributed[ai].speaker is not None and attributed[ai].speaker.name:  # type: ignore[union-attr]
                    last_speaker = attributed[ai].speaker
                    last_paragraph = self.paragraph_of(attributed[ai].start)
                ai += 1
            if n in used:
                continue
            if self._is_title(m):
                continue
            after, before = self._frame_tokens(m)
            frame_cue = self._cue_in_frame(after, by_token) or self._cue_in_frame(
                list(reversed(before)), by_token
            )
            item: _Found | None = None
            if frame_cue is not None:
                item = _Found(m.start, m.end, "direct", frame_cue, speaker_of(frame_cue), [m])
            else:
                named = self._colon_speaker(before) or self._dash_speaker(after)
                if named is not None:
                    item = _Found(m.start, m.end, "direct", None, named, [m])
            if item is None:
                words = len(_WORDS.findall(self.text[m.start : m.end]))
                inside_sentence = any(not self.doc[i].is_punct for i in before) or any(
                    not self.doc[i].is_punct for i in after if self.doc[i].text not in _SENTENCE_END
                )
                if not m.continues and (words < 2 or (inside_sentence and words < MIN_FREE_QUOTE_WORDS * 2)):
                    continue  # a quoted term, title or scare quote
                follow = last_speaker is not None and (m.continues or paragraph - last_paragraph <= 1)
                if follow:
                    assert last_speaker is not None
                    item = _Found(
                        m.start, m.end, "direct", None, self.resolver.follow_on(last_speaker), [m], True
                    )
                else:
                    item = _Found(m.start, m.end, "direct", None, None, [m])
            used.add(n)
            found.append(item)
            if item.speaker is not None and item.speaker.name:
                last_speaker, last_paragraph = item.speaker, paragraph
        found.extend(self._pull_quotes(found))
        found.sort(key=lambda f: (f.start, f.end))
        self._share_paragraph_cues(found)
        return found

    def _pull_quotes(self, found: list[_Found]) -> list[_Found]:
        """Pull quotes: a paragraph of statement closed by the bare name of who said it, as web
        pages print them ("Power will be out for days. Lena Kovac, BC Hydro" / "... . Harbour Board")."""
        doc, text = self.doc, self.text
        taken = sorted([(f.start, f.end) for f in found] + [(m.start, m.end) for m in self.marked])
        out: list[_Found] = []
        for lo, hi in self.paragraphs:
            if any(s < hi and lo < e for s, e in taken):
                continue
            body = text[lo:hi].rstrip()
            if body.endswith("."):
                body = body[:-1]  # "... Morgan Li."
            cut = max(body.rfind(". "), body.rfind("! "), body.rfind("? "))
            if cut < 1 or not (body[cut - 1].islower() or body[cut - 1].isdigit()):
                continue  # no sentence before the name, or an abbreviation ("B.C. Supreme Court")
            statement_end, tail_start = lo + cut + 1, lo + cut + 2
            tail = doc.char_span(tail_start, lo + len(body), alignment_mode="expand")
            words = _WORDS.findall(text[lo:statement_end])
            if tail is None or len(words) < MIN_FREE_QUOTE_WORDS:
                continue
            if any(w.lower() in _CAPTION_WORDS for w in words):
                continue  # a photo caption closed by its credit
            name_tokens = []
            for token in tail:
                if token.text == ",":
                    break
                name_tokens.append(token)
            if (
                not name_tokens
                or len(name_tokens) > _PULL_NAME_WORDS
                or len(tail) > 2 * _PULL_NAME_WORDS
                or any(t.pos_ in ("VERB", "AUX") or t.text in _NOT_IN_NAME for t in tail)
                or not all(t.text[:1].isupper() or t.is_punct for t in name_tokens)
                or not any(t.ent_type_ in ("PERSON", "ORG") for t in name_tokens)
            ):
                continue
            speaker = self.resolver.resolve((name_tokens[0].i, name_tokens[-1].i + 1))
            end = statement_end
            while end > lo and text[end - 1] in ".!? ":
                end -= 1
            out.append(_Found(lo, end, "direct", None, speaker))
        return out

    @staticmethod
    def _share_paragraph_cues(found: list[_Found]) -> None:
        """The opening pieces of a quote over paragraphs take the cue of the later piece that has one."""
        pending: list[_Found] = []
        for item in found:
            if len(item.marked) != 1 or item.kind != "direct":
                pending = []
                continue
            piece = item.marked[0]
            if pending and not piece.continues:
                pending = []
            if item.cue is not None and pending:
                for earlier in pending:
                    earlier.cue, earlier.speaker, earlier.follow_on = item.cue, item.speaker, False
                pending = []
            if not piece.closed and item.cue is None:
                pending.append(item)


def extract(
    doc: Doc, actors: list[ActorMention], article: Article, classes: frozenset[str] = frozenset({"speech"})
) -> list[Quote]:
    """Quotes of one parsed article; ``classes`` picks lexicon classes (speech, cognition)."""
    text = doc.text
    quotes: list[Quote] = []
    seen: set[tuple[int, int]] = set()
    for item in _Extraction(doc, actors, article, classes).run():
        if (item.start, item.end) in seen or item.end <= item.start:
            continue
        seen.add((item.start, item.end))
        cue = item.cue
        quotes.append(
            Quote(
                quote_id=quote_id(article.article_id, item.start, item.end),
                article_id=article.article_id,
                text=text[item.start : item.end],
                span=(item.start, item.end),
                kind=item.kind,
                cue=cue.text if cue is not None else None,
                speaker=item.speaker,
                cue_span=cue.span if cue is not None else None,
            )
        )
    return quotes
