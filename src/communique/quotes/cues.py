"""Cues from the dependency parse: the reporting verb, its speaker span and its reported content.

Internal to ``communique.quotes``. Works on one parsed doc, token by token; nothing is re-parsed.
A ``Cue`` says where the cue verb is, which tokens name the speaker, and which characters are the
reported content (None when the verb only frames a direct quote next to it, as in "..., he added").
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import TYPE_CHECKING

from communique.quotes.lexicon import CueEntry, load_non_speakers

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

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
        if child.dep_ in ("prt", "prep"):
            phrasal = lexicon.get(f"{lemma} {child.lower_}")
            if phrasal and (child.dep_ == "prt" or "prep" in phrasal.frames):
                return phrasal
    entry = lexicon.get(lemma)
    if entry is None and token.lower_ != lemma:
        entry = lexicon.get(token.lower_)
    return entry


def _nearest_subjects(verb: Token) -> Iterator[Token]:
    """The verb's nsubj dependents, nearest first (left side, then right side), looking no
    further than a sentence's length so that a junk "sentence" costs no scan of the whole doc."""
    doc = verb.doc
    low = max(verb.left_edge.i, verb.i - _MAX_SENTENCE_TOKENS)
    for i in range(verb.i - 1, low - 1, -1):
        if doc[i].head.i == verb.i and doc[i].dep_ == "nsubj":
            yield doc[i]
    high = min(verb.right_edge.i, verb.i + _MAX_SENTENCE_TOKENS)
    for i in range(verb.i + 1, high + 1):
        if doc[i].head.i == verb.i and doc[i].dep_ == "nsubj":
            yield doc[i]


def subject_of(verb: Token) -> Token | None:
    """The token naming who performs ``verb``: its subject, the agent of a passive, or the subject
    inherited through coordination ("... and added"), a participle ("..., adding") or a relative
    clause ("Smith, who said ...")."""
    current = verb
    for _ in range(6):
        # the subject nearest the verb: the small parser may give a verb a second one from a
        # heading or paragraph glued before it
        for child in _nearest_subjects(current):
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
    words = 0
    for i in range(start, end):  # enough words, counted no further than needed
        if not doc[i].is_punct and not doc[i].is_space:
            words += 1
            if words >= MIN_CONTENT_WORDS:
                return start, end
    return None


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


# Dependents of a cue verb after its reported clause that still belong to the report: the small
# parser often hangs the second half of "said A, and B" or "said A because B" on the cue verb.
_CONTINUES_REPORT = frozenset(
    {"conj", "advcl", "prep", "npadvmod", "advmod", "ccomp", "xcomp", "dobj", "oprd"}
)


def _is_own_action(verb: Token, child: Token, lexicon: dict[str, CueEntry]) -> bool:
    """Is ``child`` (a dependent of the cue ``verb``) the speaker's next act rather than more of the
    report? 'said A but warned B', '..., adding B', 'said A and handed over the rose'."""
    if child.pos_ not in ("VERB", "AUX") and not child.tag_.startswith("VB"):
        return child.lower_ == "according"
    if _lexicon_key(child, lexicon) is not None:
        return True
    if child.dep_ == "conj":
        has_subject = any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in child.children)
        return not has_subject and child.tag_ == verb.tag_
    return False


def _extend_report(verb: Token, hi: int, lexicon: dict[str, CueEntry]) -> int:
    """``hi`` moved over the cue verb's later dependents that continue its report (see above)."""
    pending = hi
    for child in verb.rights:
        if child.i < hi:
            continue
        if "\n" in child.text or "\n" in child.whitespace_:
            break
        if child.dep_ in ("cc", "punct"):
            continue
        if child.dep_ not in _CONTINUES_REPORT or _is_own_action(verb, child, lexicon):
            break
        pending = max(pending, child.right_edge.i + 1)
    return pending


def _borrowed_cue(verb: Token, lexicon: dict[str, CueEntry]) -> bool:
    """'said the port would stay open but warned that ...': the small parser hangs the second cue
    on the reported clause; a subjectless cue there is the first speaker's."""
    return (
        verb.dep_ == "conj"
        and verb.head.dep_ == "ccomp"
        and _lexicon_key(verb.head.head, lexicon) is not None
        and not any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children)
    )


def _second_cue(clause: Token, lexicon: dict[str, CueEntry]) -> int | None:
    """Token index where a borrowed second cue (see ``_borrowed_cue``) starts inside ``clause``."""
    for child in clause.rights:
        if _lexicon_key(child, lexicon) is not None and _borrowed_cue(child, lexicon):
            joins = [c.i for c in clause.children if c.dep_ in ("cc", "punct") and c.i < child.i]
            return joins[-1] if joins else child.left_edge.i
    return None


def _clause_follows(verb: Token, speaker: tuple[int, int] | None) -> bool:
    """Does a clause with its own subject follow the cue clause ('..., he said, but two were hurt')?"""
    after = max(verb.i + 1, speaker[1] if speaker is not None else 0)
    for child in verb.rights:
        if child.i < after or child.dep_ in ("cc", "punct"):
            continue
        return child.dep_ in ("conj", "ccomp") and any(
            c.dep_ in ("nsubj", "nsubjpass", "expl") for c in child.children
        )
    return False


def _unlabelled_clause(verb: Token) -> Token | None:
    """'DeBoer said having Karlsson back was a boost': a clause with its own subject right after the
    cue that the small parser labelled xcomp or advcl instead of ccomp (not a to-infinitive)."""
    for child in verb.rights:
        if child.dep_ in ("punct", "advmod", "npadvmod", "prep"):
            continue
        if child.dep_ not in ("xcomp", "advcl") or child.i != child.left_edge.i or child.lower_ == "to":
            return None
        if any(t.dep_ in ("nsubj", "nsubjpass") for t in child.subtree) and not any(
            c.dep_ == "aux" and c.lower_ == "to" for c in child.children
        ):
            return child
        return None
    return None


def _preceding_subject(verb: Token) -> Token | None:
    """'..., Traeger said he expects ...': the name just before the cue when the parser, thrown by an
    odd character, gave the cue no subject."""
    doc = verb.doc
    i = verb.i - 1
    while i >= 0 and doc[i].tag_ == "RB" and doc[i].lower_ in ("also", "then", "later", "again"):
        i -= 1
    if i < 0:
        return None
    token = doc[i]
    if token.pos_ in ("PROPN", "NOUN", "PRON") and token.lower_ not in _EXPLETIVE | _RELATIVE:
        return token
    return None


def _content(
    verb: Token, frames: frozenset[str], lexicon: dict[str, CueEntry] | None = None
) -> tuple[tuple[int, int] | None, str | None]:
    """Token range of what ``verb`` reports, by the first frame that applies."""
    doc = verb.doc
    children = list(verb.children)
    if "clause" in frames:
        clauses = [
            c
            for c in children
            if c.dep_ == "ccomp" and not any(m.dep_ == "mark" and m.lower_ in _SETTING for m in c.children)
        ]
        if clauses:
            # "said (in a statement) that ...": prefer the clause after the verb
            after = [c for c in clauses if c.i > verb.i]
            clause = after[0] if after else clauses[-1]
            lo, hi = _subtree_range(clause)
            if clause.i > verb.i and lexicon is not None:
                hi = _extend_report(verb, hi, lexicon)
                second = _second_cue(clause, lexicon)
                if second is not None:
                    hi = min(hi, second)
            return _trim(doc, lo, hi), "clause"
    if "clause" in frames and lexicon is not None:
        clause_like = _unlabelled_clause(verb)
        if clause_like is not None:
            hi = _extend_report(verb, clause_like.right_edge.i + 1, lexicon)
            return _trim(doc, clause_like.left_edge.i, hi), "clause"
    entry = _lexicon_key(verb, lexicon) if lexicon is not None else None
    if "prep" in frames and entry is not None and " " in entry.lemma:
        # "called for a ceasefire", "warned of delays": the object of the cue's own preposition
        particle = entry.lemma.rsplit(" ", 1)[1]
        for child in children:
            if child.dep_ == "prep" and child.lower_ == particle and child.i > verb.i:
                objects_of = [c for c in child.children if c.dep_ in ("pobj", "pcomp")]
                if objects_of:
                    lo, hi = _subtree_range(objects_of[0])
                    return _trim(doc, lo, _extend_report(verb, hi, lexicon or {})), "prep"
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


# Subordinators that open a setting ("As news spread, ..."), never a reported clause.
_SETTING = frozenset(
    {
        "as",
        "when",
        "while",
        "after",
        "before",
        "because",
        "since",
        "although",
        "though",
        "once",
        "until",
        "unless",
    }
)
# What may follow the cue inside its own clause: "..., he told reporters on Monday."
_CUE_MODIFIERS = frozenset({"dobj", "dative", "prep", "npadvmod", "advmod", "agent"})


def _cue_clause_end(verb: Token, hi: int) -> int:
    """End (token index) of the cue clause that starts at the verb: the verb's own modifiers
    after it ("told Reuters", "said in a statement"), up to the first punctuation."""
    for child in verb.rights:
        if child.i < hi:
            continue
        if child.i != hi or child.dep_ not in _CUE_MODIFIERS or child.pos_ in ("VERB", "AUX"):
            break
        if any(t.is_punct or t.is_space for t in child.subtree):
            break
        hi = child.right_edge.i + 1
    return hi


# No real sentence is longer than this; a longer "sentence" is unpunctuated junk, not read for
# reports (and looking its bounds up must not cost a scan of the whole doc per cue).
_MAX_SENTENCE_TOKENS = 250


@dataclass(frozen=True)
class _Bounds:
    start: int
    end: int


def _sentence(token: Token) -> _Bounds | None:
    """Token bounds of ``token``'s sentence, or None when it is longer than any real sentence."""
    doc = token.doc
    start = token.i
    while not doc[start].is_sent_start and start > 0:
        start -= 1
        if token.i - start > _MAX_SENTENCE_TOKENS:
            return None
    end = token.i + 1
    while end < len(doc) and not doc[end].is_sent_start:
        end += 1
        if end - start > _MAX_SENTENCE_TOKENS:
            return None
    return _Bounds(start, end)


def _parenthetical(verb: Token, speaker: tuple[int, int] | None) -> tuple[int, int] | None:
    """'The museum, Mr. Bush said, celebrated ...' / '..., he said.': the sentence the cue clause is
    set off in by commas, as a token range (the cue clause itself is cut out later as a hole)."""
    doc = verb.doc
    lo, hi = verb.i, verb.i + 1
    if speaker is not None:
        lo, hi = min(lo, speaker[0]), max(hi, speaker[1])
    hi = _cue_clause_end(verb, hi)
    sent = _sentence(verb)
    if sent is None:
        return None
    before = doc[lo - 1] if lo > sent.start else None
    after = doc[hi] if hi < sent.end else None
    if before is None or before.text not in (",", "—", "–"):
        return None
    if after is not None and after.text not in (",", ".", "!", "?", "—", "–", "\n") and not after.is_space:
        return None
    first = doc[sent.start]
    if (
        lo > sent.start
        and (first.dep_ == "mark" or first.lower_ in _SETTING or first.tag_ in ("VBN", "VBG"))
        and hi >= sent.end - 2
    ):
        return None  # "As the news spread, members complained to the board.": a setting, not a report
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
    head = token.head if token.head.i != token.i else token.sent.root
    if head.i == token.i or head.i == to.i:
        head = token.sent.root  # rare (the parser made "according" a root): cost accepted
    lo, hi = head.left_edge.i, head.right_edge.i + 1
    # the clause without the "according to X" phrase: the larger side of it
    phrase_lo = token.i
    phrase_hi = max(to.right_edge.i, token.right_edge.i) + 1
    left, right = (lo, phrase_lo), (phrase_hi, hi)
    content = _trim(doc, *(left if left[1] - left[0] >= right[1] - right[0] else right))
    return Cue(
        token=token.i,
        text=doc[token.i : to.i + 1].text,  # Doc.text joins the whole doc: not per cue
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


# A line without final punctuation and at most this many words is a heading or a link to another
# story ("READ MORE: Minister says talks will resume"), not running text with statements in it.
_HEADING_WORDS = 25
_LINE_END = frozenset(".!?\"“”'’:;…)")


def _is_heading(text: str, line: tuple[int, int]) -> bool:
    body = text[line[0] : line[1]].strip()
    return bool(body) and body[-1] not in _LINE_END and len(body.split()) <= _HEADING_WORDS


def _clip(rng: tuple[int, int] | None, line: tuple[int, int]) -> tuple[int, int] | None:
    """Character range ``rng`` cut to ``line``: a report never runs over a paragraph break (the
    small parser glues a heading without a full stop to the next paragraph)."""
    if rng is None:
        return None
    start, end = max(rng[0], line[0]), min(rng[1], line[1])
    return (start, end) if end > start else None


# Verbs whose complement is "to say", "to comment": refusing to speak is no statement.
_REFUSE = frozenset({"decline", "refuse", "fail", "won't"})


def _not_said(verb: Token, entry: CueEntry) -> bool:
    """Cue words that report no statement: naming ("a program called Club Moo", "a group dubbed
    X"), negated speech ("did not say whether ...") and refusals ("declined to say how many")."""
    if entry.frames & {"oprd", "as"} and verb.dep_ == "acl" and verb.tag_ == "VBN":
        return True
    if any(c.dep_ == "neg" for c in verb.children):
        return True
    return verb.dep_ == "xcomp" and verb.head.lemma_.lower() in _REFUSE


# Subjects that carry someone else's words: "a statement from the ministry said ...".
_VEHICLES = frozenset({"statement", "release", "letter", "email", "e-mail", "post", "tweet", "note", "memo"})


def _named_speaker(subject: Token) -> Token:
    """Who the subject names: the name in apposition to a role ("His lawyer, Zhang Wei, said" →
    Zhang Wei) and the author of a statement ("a release from UFCW Local 832 said" → UFCW Local 832)."""
    if subject.pos_ == "NOUN":
        for child in subject.rights:
            if child.dep_ == "appos" and child.pos_ == "PROPN" and child.ent_type_ == "PERSON":
                return child
        if subject.lemma_.lower() in _VEHICLES:
            for prep in subject.rights:
                if prep.dep_ == "prep" and prep.lower_ in ("from", "by"):
                    source = next((c for c in prep.children if c.dep_ == "pobj"), None)
                    if source is not None and source.pos_ in ("PROPN", "NOUN"):
                        return source
    return subject


def _names_nobody(doc: Doc, speaker: tuple[int, int]) -> bool:
    """Is the speaker phrase a document or data ("city documents", "the survey"), not a speaker?"""
    head = doc[speaker[0] : speaker[1]].root
    return head.pos_ == "NOUN" and head.lemma_.lower() in load_non_speakers()


def find_cues(doc: Doc, lexicon: dict[str, CueEntry], quoted: Callable[[int], bool]) -> list[Cue]:
    """Every cue outside direct quotes (``quoted(char_offset)`` says whether a place is quoted)."""
    cues: list[Cue] = []
    text = doc.text
    # lines computed once (a long one-line text must not cost a scan per token)
    breaks = [i for i, ch in enumerate(text) if ch == "\n"]
    headings: dict[int, bool] = {}
    for token in doc:
        if quoted(token.idx):
            continue
        n = bisect.bisect_left(breaks, token.idx)
        line = (breaks[n - 1] + 1 if n else 0, breaks[n] if n < len(breaks) else len(text))
        if line[0] not in headings:
            headings[line[0]] = _is_heading(text, line)
        if headings[line[0]]:
            continue
        according = _according_to(token)
        if according is not None:
            according.content = _clip(according.content, line)
            if according.speaker is None or not _names_nobody(doc, according.speaker):
                cues.append(according)
            continue
        entry = _lexicon_key(token, lexicon)
        if entry is None:
            continue
        if token.i >= 2 and doc[token.i - 1].text == "-":
            continue  # "so-called", "long-said": part of a compound word, not a cue
        if _not_said(token, entry):
            continue
        content, frame = _content(token, entry.frames, lexicon)
        subject = subject_of(token.head.head if _borrowed_cue(token, lexicon) else token)
        if subject is not None and quoted(subject.idx):
            subject = None  # '"... Full panic mode," said Wimes': the parser took words of the quote
        if subject is not None and not line[0] <= subject.idx < line[1]:
            subject = None  # a subject in another paragraph is a parse glued over the break
        if subject is None and content is not None and content[0] > token.i:
            subject = _preceding_subject(token)  # the report follows the cue: look left
        elif subject is None and "direct" in entry.frames:
            subject = _inverted_subject(token)
        if subject is not None:
            subject = _named_speaker(subject)
        speaker = speaker_tokens(subject) if subject is not None else None
        if speaker is not None and _names_nobody(doc, speaker):
            if "direct" not in entry.frames:
                continue
            speaker, content = None, None  # "the data suggests ...": a finding, not a statement
        if speaker is not None:
            inside = [i for i in range(*speaker) if line[0] <= doc[i].idx < line[1]]
            speaker = (inside[0], inside[-1] + 1) if inside else None
        if content is None and "clause" in entry.frames:
            content = _parenthetical(token, speaker)
            frame = "parenthetical" if content is not None else None
        if content is None and "direct" not in entry.frames:
            continue
        chars = _clip(_chars(doc, content), line)
        if chars is not None and len(text[chars[0] : chars[1]].split()) < MIN_CONTENT_WORDS:
            chars = None
        if chars is None and "direct" not in entry.frames:
            continue
        if speaker is not None and chars is not None and frame != "parenthetical":
            first, last = doc[speaker[0]], doc[speaker[1] - 1]
            if first.idx < chars[1] and chars[0] < last.idx + len(last):
                speaker = None  # a subject inside the reported clause is not who reports it
        hole = None
        if (
            frame == "clause"
            and content is not None
            and chars is not None
            and content[1] <= token.i
            and _clause_follows(token, speaker)
        ):
            # "The crews stayed on board, the union said, but two were taken to hospital": the
            # report goes on after the cue clause; keep both sides and cut the cue out below
            after = max(token.i + 1, speaker[1] if speaker is not None else 0)
            hi = _extend_report(token, after, lexicon)
            rest = _clip(_chars(doc, _trim(doc, after, hi)), line) if hi > after else None
            if rest is not None:
                chars, frame = (chars[0], rest[1]), "parenthetical"
        if frame == "parenthetical" and chars is not None:
            lo, hi = (
                (token.i, token.i + 1)
                if speaker is None
                else (min(token.i, speaker[0]), max(token.i + 1, speaker[1]))
            )
            hi = _cue_clause_end(token, hi)
            hole = (doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1]))
            chars, hole = _cut_hole(text, chars, hole)
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
