"""Headlines built only from source words: the article's own title, or the lede compressed.

Compression keeps the lede's subject, verb group and the head of its object ("Iranian Foreign
Minister Abbas Araghchi held talks") and drops prepositional tails, using the spaCy parse when a
pipeline is given, and cutting at a word boundary otherwise. Each kept piece is a span of the
source, so a headline is grounded like every other line.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from communique.briefs.sentences import Span, word_count

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token

MIN_WORDS, MAX_WORDS = 4, 12
_SUBJECT_DEPS = {"nsubj", "nsubjpass"}
_OBJECT_DEPS = {"dobj", "attr", "dative", "acomp", "oprd", "xcomp"}
# Words a headline must not end on.
_DANGLING = {
    "a", "an", "the", "of", "to", "in", "on", "at", "for", "with", "and", "or", "but", "by", "from",
    "as", "that", "which", "who", "his", "her", "its", "their", "was", "were", "is", "are", "be",
    "has", "have", "had", "said", "says", "after", "before", "into", "over", "about", "than",
}
_WORDS = re.compile(r"\S+")
_SPEECH_LEMMAS = {"say", "tell", "state", "announce", "warn", "claim", "report", "insist", "add"}


def title_headline(text: str, span: Span | None) -> Span | None:
    """The title's span when it is a headline-length line of the source."""
    if span is None:
        return None
    n = word_count(text[span[0] : span[1]])
    return span if MIN_WORDS <= n <= MAX_WORDS else None


def _token_span(tok_start: Token, tok_end: Token, base: int) -> Span:
    return (base + tok_start.idx, base + tok_end.idx + len(tok_end.text))


def _trim_object(obj: Token) -> tuple[Token, Token]:
    """The object's left edge up to its head (plus compounds), dropping prepositions and clauses."""
    last = obj
    for child in obj.rights:
        if child.dep_ in ("compound", "amod", "nummod", "poss", "nmod"):
            last = child.right_edge if child.right_edge.i - obj.i < 3 else child
        else:
            break
    return obj.left_edge, last


def _verb_group(verb: Token, after: int) -> tuple[Token, Token]:
    """Auxiliaries, negation and particle around ``verb`` ("has been jailed", "hit out")."""
    left = min((c for c in verb.lefts if c.dep_ in ("aux", "auxpass", "neg") and c.i > after),
               key=lambda t: t.i, default=verb)
    right = verb
    prt = next((c for c in verb.rights if c.dep_ == "prt"), None)
    if prt is not None and prt.i == verb.i + 1:
        right = prt
    return left, right


def _subject(verb: Token) -> tuple[Token, Token] | None:
    subj = next((c for c in verb.lefts if c.dep_ in _SUBJECT_DEPS), None)
    if subj is None:
        return None
    left, right = subj.left_edge, subj.right_edge
    if right.i - left.i + 1 > 7:
        # A long subject ("The bishop of the Fargo diocese in ...") keeps its head noun phrase.
        left = min((c.left_edge for c in subj.lefts), key=lambda t: t.i, default=subj)
        right = subj
        flat = [c for c in subj.rights if c.dep_ in ("compound", "appos", "flat") and c.i == right.i + 1]
        if flat:
            right = flat[0]
    return left, right


def _complement(verb: Token, depth: int = 0) -> list[tuple[Token, Token]]:
    """The object head of ``verb``, or the verb group and object of its open/clausal complement."""
    obj = next((c for c in verb.rights if c.dep_ in _OBJECT_DEPS - {"xcomp"}), None)
    if obj is not None:
        return [_trim_object(obj)]
    if depth >= 2:
        return []
    comp = next((c for c in verb.rights if c.dep_ in ("xcomp", "ccomp")), None)
    if comp is None:
        return []
    if comp.dep_ == "ccomp":
        return _clause(comp, depth + 1) or []
    # "seems to be deaf", "looks destined to leave Anfield"
    to = next((c for c in comp.lefts if c.dep_ == "aux" and c.i == comp.i - 1), None)
    return [(to or comp, comp), *_complement(comp, depth + 1)]


def _clause(verb: Token, depth: int = 0) -> list[tuple[Token, Token]] | None:
    subj = _subject(verb)
    if subj is None:
        return None
    return [subj, _verb_group(verb, subj[1].i), *_complement(verb, depth)]


def _merge(pieces: list[tuple[Token, Token]]) -> list[tuple[Token, Token]]:
    """Sorted, non-overlapping, touching pieces merged ("X held talks" is one span, not three)."""
    merged: list[tuple[Token, Token]] = []
    for a, b in sorted(pieces, key=lambda p: p[0].i):
        if merged and a.i <= merged[-1][1].i + 1:
            if b.i > merged[-1][1].i:
                merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def parse_headline(nlp: Language, text: str, span: Span) -> list[Span] | None:
    """Subject + verb group + object head of the sentence at ``span``, as source pieces.

    For a statement ("X said Y", "Y, X said") the reported clause makes the headline when the
    whole would be too long.
    """
    s, e = span
    doc = nlp(text[s:e])
    sents: list[SpacySpan] = list(doc.sents)
    if not sents:
        return None
    root = sents[0].root
    if root.pos_ not in ("VERB", "AUX"):
        return None
    options: list[list[tuple[Token, Token]]] = []
    whole = _clause(root)
    if whole:
        options.append(whole)
    for comp in (c for c in root.children if c.dep_ == "ccomp"):
        inner = _clause(comp)
        if inner:
            # What was said is the news, not that someone said it.
            options.insert(0 if root.lemma_ in _SPEECH_LEMMAS else len(options), inner)
    for pieces in options:
        spans = [_token_span(a, b, s) for a, b in _merge(pieces)]
        n = sum(word_count(text[x:y]) for x, y in spans)
        if MIN_WORDS <= n <= MAX_WORDS:
            return spans
    return None


def cut_headline(text: str, span: Span) -> list[Span]:
    """The first words of ``span`` (at most ``MAX_WORDS - 2``), not ending on a function word."""
    s, e = span
    words = list(_WORDS.finditer(text, s, e))[: MAX_WORDS - 2]
    while len(words) > MIN_WORDS and (
        words[-1].group(0).lower().strip(",.;:'\"") in _DANGLING or words[-1].group(0).endswith(",")
    ):
        words.pop()
    if not words:
        return [span]
    end = words[-1].end()
    while end > s and text[end - 1] in ",;:—-":
        end -= 1
    return [(words[0].start(), end)]
