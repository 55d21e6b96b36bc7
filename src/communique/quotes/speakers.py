"""Speaker resolution: the mention at the cue → the person or group who spoke.

The actor recogniser's mentions come first: where one overlaps the speaker phrase it gives the
name, country and sector (it already resolves "he" and "the minister" to a person). Without one,
the resolver falls back on the parse itself, so quotes work before and beyond the knowledge base:
a person entity in the phrase is expanded to the fullest form of that name in the article
("Lonechild" → "Darian Lonechild"); "he"/"she" go to the nearest person named before them (the
previous speakers first, as reporters keep the floor with the last person quoted); "they" to the
nearest group that spoke before; "I"/"we" to the article's author when known; anything else is
named by its own words ("the two ministers").
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import TYPE_CHECKING

from communique.records import ActorMention, Article, Speaker

if TYPE_CHECKING:
    from collections.abc import Callable

    from spacy.tokens import Doc

_SINGULAR = frozenset({"he", "she", "him", "her"})
_PLURAL = frozenset({"they", "them"})
_FIRST = frozenset({"i", "we", "me", "us"})
_PERSON_KINDS = frozenset({"person", "pronoun", "role"})
# Back-references go no further than this many characters (about ten paragraphs).
_REACH = 3000


@dataclass(frozen=True)
class _Candidate:
    start: int
    name: str
    country: str | None
    sector: str | None
    person: bool


class SpeakerResolver:
    """Resolves speaker phrases of one doc, remembering who spoke so far."""

    def __init__(self, doc: Doc, actors: list[ActorMention], article: Article, quoted: Callable[[int], bool]):
        self.doc = doc
        self.text = doc.text  # once: Doc.text joins every token on each access
        self.article = article
        self.actors = sorted(actors, key=lambda m: m.start)
        self._actor_starts = [m.start for m in self.actors]
        self._full_names = self._full_name_map(doc, quoted)
        self._people: list[_Candidate] = [
            _Candidate(ent.start_char, self._full_name(ent.text, ent.start_char), None, None, True)
            for ent in doc.ents
            if ent.label_ == "PERSON" and not quoted(ent.start_char)
        ]
        self._speakers: list[_Candidate] = []
        self._person_ents = [ent for ent in doc.ents if ent.label_ == "PERSON"]
        self._person_starts = [ent.start_char for ent in self._person_ents]

    @staticmethod
    def _full_name_map(doc: Doc, quoted: Callable[[int], bool]) -> dict[str, list[tuple[int, str]]]:
        """Surname → [(offset, full name)] of multi-word person names, in text order."""
        names: dict[str, list[tuple[int, str]]] = {}
        for ent in doc.ents:
            if ent.label_ != "PERSON" or len(ent) < 2 or quoted(ent.start_char):
                continue
            full = ent.text.removesuffix("'s").removesuffix("’s")
            names.setdefault(full.split()[-1], []).append((ent.start_char, full))
        return names

    def _full_name(self, text: str, at: int) -> str:
        text = text.removesuffix("'s").removesuffix("’s").strip()
        words = text.split()
        if not words:
            return text
        known = self._full_names.get(words[-1], [])
        before = [full for start, full in known if start <= at and len(full) > len(text)]
        if before:
            return before[-1]
        after = [full for start, full in known if len(full) > len(text)]
        return after[0] if after else text

    def _mention(self, start: int, end: int, head_start: int) -> ActorMention | None:
        """The actor mention on the phrase's head, else any named one inside the phrase."""
        lo = bisect.bisect_left(self._actor_starts, start - 200)
        inside: list[ActorMention] = []
        for mention in self.actors[lo:]:
            if mention.start >= end:
                break
            if mention.end <= start or not mention.name:
                continue
            if mention.start <= head_start < mention.end:
                return mention
            inside.append(mention)
        people = [m for m in inside if m.kind in _PERSON_KINDS]
        chosen = people or inside
        return chosen[-1] if chosen else None

    def _country_of(self, name: str) -> tuple[str | None, str | None]:
        for mention in self.actors:
            if mention.name == name and mention.country:
                return mention.country, mention.sector
        return None, None

    def _nearest(self, before: int, person: bool) -> _Candidate | None:
        """The nearest earlier speaker (then named person) within reach."""
        pools = [self._speakers, self._people] if person else [self._speakers]
        best: _Candidate | None = None
        for pool in pools:
            for candidate in reversed(pool):
                if (
                    candidate.start < before
                    and candidate.person == person
                    and before - candidate.start <= _REACH
                ):
                    if best is None or candidate.start > best.start:
                        best = candidate
                    break
        return best

    def resolve(self, token_range: tuple[int, int]) -> Speaker:
        """The Speaker record for the phrase at ``token_range`` (doc token indices)."""
        doc = self.doc
        span = doc[token_range[0] : token_range[1]]
        start, end = span.start_char, span.end_char
        text = self.text[start:end]
        head = span.root
        mention = self._mention(start, end, head.idx)
        name: str | None = None
        country = sector = None
        person = False
        if mention is not None:
            name, country, sector = mention.name, mention.country, mention.sector
            person = mention.kind in _PERSON_KINDS
        elif head.pos_ == "PRON" or head.lower_ in _SINGULAR | _PLURAL | _FIRST:
            lower = head.lower_
            if lower in _FIRST:
                name = self.article.author
                person = lower in ("i", "me")
            else:
                found = self._nearest(start, person=lower in _SINGULAR)
                if found is not None:
                    name, country, sector, person = found.name, found.country, found.sector, found.person
        else:
            # person entities inside the phrase, found by offset (Span.ents walks every entity
            # of the doc, once per speaker)
            lo = bisect.bisect_left(self._person_starts, start)
            hi = bisect.bisect_left(self._person_starts, end)
            persons = [ent for ent in self._person_ents[lo:hi] if ent.end_char <= end]
            if persons:
                name = self._full_name(persons[-1].text, persons[-1].start_char)
                person = True
            elif head.pos_ == "PROPN" and head.ent_type_ not in ("ORG", "GPE", "NORP", "FAC", "LOC"):
                # an unlabelled proper name ("Araghchi" tagged as a place): a person if it heads the phrase
                name = self._full_name(head.text, head.idx)
                person = head.tag_ == "NNP"
            else:
                name = text
            country, sector = self._country_of(name)
        if name is None and head.pos_ != "PRON":
            name = text
        if name is not None:
            self._speakers.append(_Candidate(start, name, country, sector, person))
        return Speaker(text=text, name=name, country=country, sector=sector, start=start, end=end)

    def follow_on(self, previous: Speaker) -> Speaker:
        """A quote without a cue of its own, continuing ``previous``'s: the name, no span."""
        return Speaker(text=None, name=previous.name, country=previous.country, sector=previous.sector)
