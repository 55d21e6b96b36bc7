"""Cues from the dependency parse: the reporting verb, its speaker span and its reported content.

Internal to ``communique.quotes``. Works on one parsed doc, token by token; nothing is re-parsed.
A ``Cue`` says where the cue verb is, which tokens name the speaker, and which characters are the
reported content (None when the verb only frames a direct quote next to it, as in "..., he added").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from communique.quotes.lexicon import CueEntry

if TYPE_CHECKING:
    from collections.abc import Callable

    from spacy.tokens import Doc, Token

# Relations that end a speaker's noun phrase ("Smith, the minister, who ..." → "Smith").
_SPEAKER_STOP = frozenset({"appos", "relcl", "acl", "punct", "advcl", "parataxis", "dep", "ccomp"})
_RELATIVE = frozenset({"who", "that", "which", "whom"})
# Subjects that name nobody: "it was said that", "there ...".
_EXPLETIVE = frozenset({"there", "what", "which"})
_QUOTE_CHARS = frozenset("\"“”«»„‘’'")
# Content shorter than this (in word tokens) is not a statement ("he said so").
MIN_CONTENT_WORDS = 2


@dataclass
class Cue:
    """A reporting cue found in the parse (token indices are into the doc)."""

    token: int
    text: str
    span: tuple[int, int]
    frames: frozenset[str]
    speaker: tuple[int, int] | None = None  # token range [i, j)
    content: tuple[int, int] | None = None  # character range [start, end)
    frame: str | None = None  # the frame that gave the content
    hole: tuple[int, int] | None = None  # characters of the cue's own clause inside the content


def _lexicon_key(token: Token, lexicon: dict[str, CueEntry]) -> CueEntry | None:
    if token.pos_ != "VERB" and not token.tag_.startswith("VB"):
        return None
    lemma = token.lemma_.lower()
    for child in token.children:
        if child.dep_ == "prt":
            phrasal = lexicon.get(f"{lemma} {child.lower_}")
            if phrasal:
                return phrasal
    entry = lexicon.get(lemma)
    if entry is None and token.lower_ != lemma:
        entry = lexicon.get(token.lower_)
    return entry


def subject_of(verb: Token) -> Token | None:
    """The token naming who performs ``verb``: its subject, the agent of a passive, or the subject
    inherited through coordination ("... and added"), a participle ("..., adding") or a relative
    clause ("Smith, who said ...")."""
    current = verb
    for _ in range(6):
        for child in current.children:
            if child.dep_ == "nsubj":
                if current.dep_ == "relcl" and child.lower_ in _RELATIVE:
                    return current.head
                if child.lower_ in _EXPLETIVE:
                    return None
                return child
        for child in current.children:
            if child.dep_ == "agent":
                for grandchild in child.children:
                    if grandchild.dep_ == "pobj":
                        return grandchild
        if any(child.dep_ == "nsubjpass" for child in current.children):
            return None
        if current.dep_ == "conj" or (current.dep_ == "advcl" and current.tag_ == "VBG"):
            current = current.head
            continue
        return None
    return None


def speaker_tokens(head: Token) -> tuple[int, int]:
    """Token range of the noun phrase headed by ``head``, without appositions or relative clauses."""
    start = head.i
    for child in head.lefts:
        if child.dep_ in _SPEAKER_STOP:
            continue
        start = min(start, child.left_edge.i)
    end = head.i + 1
    for child in head.rights:
        if child.dep_ in _SPEAKER_STOP:
            break
        end = max(end, child.right_edge.i + 1)
    doc = head.doc
    # no dangling punctuation or conjunction at either edge
    while end - 1 > start and (doc[end - 1].is_punct or doc[end - 1].dep_ == "cc"):
        end -= 1
    while start < head.i and doc[start].is_punct:
        start += 1
    return start, end


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """Drop punctuation and spaces at both edges of token range [start, end), but keep quote marks."""
    while start < end and (
        doc[start].is_space or (doc[start].is_punct and doc[start].text not in _QUOTE_CHARS)
    ):
        start += 1
    while end > start and (
        doc[end - 1].is_space or (doc[end - 1].is_punct and doc[end - 1].text not in _QUOTE_CHARS)
    ):
        end -= 1
    words = sum(1 for t in doc[start:end] if not t.is_punct and not t.is_space)
    if words < MIN_CONTENT_WORDS:
        return None
    return start, end


def _chars(doc: Doc, rng: tuple[int, int] | None) -> tuple[int, int] | None:
    if rng is None:
        return None
    start, end = rng
    return doc[start].idx, doc[end - 1].idx + len(doc[end - 1])


def _subtree_range(token: Token, exclude: Token | None = None) -> tuple[int, int]:
    """[left_edge, right_edge + 1) of ``token``; when ``exclude`` is inside, the larger side of it."""
    lo, hi = token.left_edge.i, token.right_edge.i + 1
    if exclude is not None and lo <= exclude.i < hi:
        left = (lo, exclude.left_edge.i)
        right = (exclude.right_edge.i + 1, hi)
        return left if left[1] - left[0] >= right[1] - right[0] else right
    return lo, hi


def _content(verb: Token, frames: frozenset[str]) -> tuple[tuple[int, int] | None, str | None]:
    """Token range of what ``verb`` reports, by the first frame that applies."""
    doc = verb.doc
    children = list(verb.children)
    if "clause" in frames:
        clauses = [c for c in children if c.dep_ == "ccomp"]
        if clauses:
            # "said (in a statement) that ...": prefer the clause after the verb
            after = [c for c in clauses if c.i > verb.i]
            clause = after[0] if after else clauses[-1]
            lo, hi = _subtree_range(clause)
            return _trim(doc, lo, hi), "clause"
    if "infinitive" in frames:
        for child in children:
            if child.dep_ in ("xcomp", "ccomp") and child.i > verb.i and child.tag_ == "VB":
                lo, hi = _subtree_range(child)
                return _trim(doc, lo, hi), "infinitive"
    objects = [c for c in children if c.dep_ == "dobj"]
    if "as" in frames and objects:
        for child in children:
            if child.dep_ == "prep" and child.lower_ == "as" and child.i > objects[0].i:
                lo = objects[0].left_edge.i
                return _trim(doc, lo, child.right_edge.i + 1), "as"
    if "oprd" in frames:
        complements = [c for c in children if c.dep_ in ("oprd", "ccomp", "xcomp") and c.i > verb.i]
        if complements:
            complement = complements[0]
            obj = objects[0] if objects else None
            if obj is not None and obj.tag_ not in ("WP", "WDT") and obj.i < complement.i:
                return _trim(doc, obj.left_edge.i, complement.right_edge.i + 1), "oprd"
            lo, hi = _subtree_range(complement)
            return _trim(doc, lo, hi), "oprd"
        if (
            len(objects) == 1
            and objects[0].tag_ not in ("WP", "WDT")
            and any(c.tag_ in ("WP", "WDT") for c in verb.subtree if c.i < verb.i)
        ):
            # "what Araghchi called the excessive demands": the object is the naming
            lo, hi = _subtree_range(objects[0])
            return _trim(doc, lo, hi), "oprd"
        if (
            len(objects) == 1
            and objects[0].right_edge.tag_ == "JJ"
            and objects[0].right_edge.i > objects[0].i
        ):
            # "called any plan ... unacceptable": the small parser hangs the predicate on the object
            lo, hi = _subtree_range(objects[0])
            return _trim(doc, lo, hi), "oprd"
    if "object" in frames and objects and objects[0].pos_ != "PRON":
        lo, hi = _subtree_range(objects[0])
        return _trim(doc, lo, hi), "object"
    return None, None


def _parenthetical(verb: Token, speaker: tuple[int, int] | None) -> tuple[int, int] | None:
    """'The museum, Mr. Bush said, celebrated ...' / '..., he said.': the sentence the cue clause is
    set off in by commas, as a token range (the cue clause itself is cut out later as a hole)."""
    doc = verb.doc
    lo, hi = verb.i, verb.i + 1
    if speaker is not None:
        lo, hi = min(lo, speaker[0]), max(hi, speaker[1])
    sent = verb.sent
    before = doc[lo - 1] if lo > sent.start else None
    after = doc[hi] if hi < sent.end else None
    if before is None or before.text not in (",", "—", "–"):
        return None
    if after is not None and after.text not in (",", ".", "!", "?", "—", "–", "\n") and not after.is_space:
        return None
    return _trim(doc, sent.start, sent.end)


_EDGE_JUNK = " \t\n,;:—–-"


def _cut_hole(
    text: str, content: tuple[int, int], hole: tuple[int, int]
) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """Content without the cue's clause when that clause is at an edge; otherwise keep it as a hole."""
    start, end = content
    before, after = text[start : hole[0]], text[hole[1] : end]
    if any(ch.isalnum() for ch in before) and any(ch.isalnum() for ch in after):
        return content, hole
    if any(ch.isalnum() for ch in before):
        end = hole[0]
        while end > start and text[end - 1] in _EDGE_JUNK:
            end -= 1
    else:
        start = hole[1]
        while start < end and text[start] in _EDGE_JUNK:
            start += 1
        while end > start and text[end - 1] in ".!?" and text[end - 2 : end] != "..":
            end -= 1
    if len(text[start:end].split()) < MIN_CONTENT_WORDS:
        return None, None
    return (start, end), None


def _according_to(token: Token) -> Cue | None:
    """'according to X, ...': X is the speaker and the clause it modifies is the content."""
    if token.lower_ != "according":
        return None
    to = next((c for c in token.children if c.lower_ == "to"), None)
    if to is None:
        nxt = token.nbor(1) if token.i + 1 < len(token.doc) else None
        to = nxt if nxt is not None and nxt.lower_ == "to" else None
    if to is None:
        return None
    source = next((c for c in to.children if c.dep_ == "pobj"), None)
    doc = token.doc
    head = token.head if token.head is not token else token.sent.root
    if head.i == token.i or head.i == to.i:
        head = token.sent.root
    lo, hi = head.left_edge.i, head.right_edge.i + 1
    # the clause without the "according to X" phrase: the larger side of it
    phrase_lo = token.i
    phrase_hi = max(to.right_edge.i, token.right_edge.i) + 1
    left, right = (lo, phrase_lo), (phrase_hi, hi)
    content = _trim(doc, *(left if left[1] - left[0] >= right[1] - right[0] else right))
    return Cue(
        token=token.i,
        text=doc.text[token.idx : to.idx + len(to)],
        span=(token.idx, to.idx + len(to)),
        frames=frozenset({"direct", "clause"}),
        speaker=speaker_tokens(source) if source is not None else None,
        content=_chars(doc, content),
        frame="according",
    )


def _inverted_subject(verb: Token) -> Token | None:
    """'..., said Smith': the noun just after the verb when the parser gave it no subject."""
    doc = verb.doc
    for token in doc[verb.i + 1 : min(len(doc), verb.i + 4)]:
        if token.pos_ in ("PROPN", "NOUN", "PRON"):
            while token.dep_ in ("compound", "amod", "det", "poss", "nmod") and token.head.i > token.i:
                token = token.head
            return token
        if token.is_punct:
            return None
    return None


def find_cues(doc: Doc, lexicon: dict[str, CueEntry], quoted: Callable[[int], bool]) -> list[Cue]:
    """Every cue outside direct quotes (``quoted(char_offset)`` says whether a place is quoted)."""
    cues: list[Cue] = []
    for token in doc:
        if quoted(token.idx):
            continue
        according = _according_to(token)
        if according is not None:
            cues.append(according)
            continue
        entry = _lexicon_key(token, lexicon)
        if entry is None:
            continue
        if token.i >= 2 and doc[token.i - 1].text == "-":
            continue  # "so-called", "long-said": part of a compound word, not a cue
        content, frame = _content(token, entry.frames)
        subject = subject_of(token)
        if subject is not None and quoted(subject.idx):
            subject = None  # '"... Full panic mode," said Wimes': the parser took words of the quote
        if subject is None and "direct" in entry.frames:
            subject = _inverted_subject(token)
        speaker = speaker_tokens(subject) if subject is not None else None
        if content is None and "clause" in entry.frames:
            content = _parenthetical(token, speaker)
            frame = "parenthetical" if content is not None else None
        if content is None and "direct" not in entry.frames:
            continue
        chars = _chars(doc, content)
        if speaker is not None and chars is not None and frame != "parenthetical":
            first, last = doc[speaker[0]], doc[speaker[1] - 1]
            if first.idx < chars[1] and chars[0] < last.idx + len(last):
                speaker = None  # a subject inside the reported clause is not who reports it
        hole = None
        if frame == "parenthetical" and chars is not None:
            lo, hi = (
                (token.i, token.i + 1)
                if speaker is None
                else (min(token.i, speaker[0]), max(token.i + 1, speaker[1]))
            )
            hole = (doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1]))
            chars, hole = _cut_hole(doc.text, chars, hole)
            if chars is None:
                continue
        cues.append(
            Cue(
                token=token.i,
                text=token.text,
                span=(token.idx, token.idx + len(token)),
                frames=entry.frames,
                speaker=speaker,
                content=chars,
                frame=frame,
                hole=hole,
            )
        )
    return cues
