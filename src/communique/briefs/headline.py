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


def parse_headline(nlp: Language, text: str, span: Span) -> list[Span] | None:
    """Subject + verb group + object head of the sentence at ``span``, as source pieces."""
    s, e = span
    doc = nlp(text[s:e])
    sents: list[SpacySpan] = list(doc.sents)
    if not sents:
        return None
    root = sents[0].root
    if root.pos_ not in ("VERB", "AUX"):
        return None
    subj = next((c for c in root.lefts if c.dep_ in _SUBJECT_DEPS), None)
    if subj is None:
        return None
    subj_left, subj_right = subj.left_edge, subj.right_edge
    if subj_right.i - subj_left.i + 1 > 7:
        # A long subject ("The bishop of the Fargo diocese in ...") keeps its head noun phrase.
        subj_left = min((c.left_edge for c in subj.lefts), key=lambda t: t.i, default=subj)
        subj_right = subj
    verb_left = min((c for c in root.lefts if c.dep_ in ("aux", "auxpass", "neg") and c.i > subj_right.i),
                    key=lambda t: t.i, default=root)
    verb_right = root
    prt = next((c for c in root.rights if c.dep_ == "prt"), None)
    if prt is not None and prt.i == root.i + 1:
        verb_right = prt
    pieces: list[tuple[Token, Token]] = [(subj_left, subj_right), (verb_left, verb_right)]
    obj = next((c for c in root.rights if c.dep_ in _OBJECT_DEPS), None)
    if obj is not None:
        o_left, o_right = _trim_object(obj)
        if o_left.i > verb_right.i:
            pieces.append((o_left, o_right))
    # Merge touching pieces so that "X held talks" is one span, not three.
    merged: list[tuple[Token, Token]] = []
    for a, b in pieces:
        if merged and a.i == merged[-1][1].i + 1:
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    spans = [_token_span(a, b, s) for a, b in merged]
    n = sum(word_count(text[x:y]) for x, y in spans)
    if n < MIN_WORDS - 1 or n > MAX_WORDS:
        return None
    return spans


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
