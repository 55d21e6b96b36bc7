"""Actor recognition: spaCy entities + the knowledge base → resolved ``ActorMention``s.

``recognise_actors`` works in five steps, all linear in the number of tokens (the knowledge
base is only touched through the cached token tries of ``communique.nlp.gazetteer``):

1. **Names.** The gazetteer finds every known name (countries, aliases, demonyms, capitals and
   seats of power, organisations, officials, places); spaCy's PERSON/ORG/GPE/LOC/NORP/FAC
   entities add the names the base does not know. Overlaps go to the longest span; for equal
   spans the knowledge base's reading wins, with spaCy's label choosing between readings.
   A name's leading article is left out of the mention ("the Kremlin" → "Kremlin").
2. **Readings.** A capital is a *place* after a locative preposition ("talks in Moscow") or in
   a dateline, otherwise a *metonym* for its government ("Moscow said", "the Kremlin").
   Officials resolve to the term of office that covers the article date (``when``, today
   when None).
3. **Titles.** The words before a person's name ("Iranian Foreign Minister", "his Russian
   counterpart") give an unknown person a country, role and sector. The person mention covers
   the name only ("Abbas Araghchi"), which is what events and quotes name, and what CoNLL-style
   scoring expects; a demonym inside a title is not reported separately.
4. **Groups.** A group noun from ``roles.tsv`` ("forces", "authorities", "protesters") becomes a
   group mention, taking its country from a demonym or country right before it ("Iranian forces").
5. **Back-references**, left to right: a later surname ("Lavrov") is the same person; a pronoun
   (he, she, him, his, her) is the nearest preceding person; a role reference ("the minister",
   "the Iranian minister", "the Russian leader") is the nearest preceding person of that country
   and role, or else the knowledge base's office holder on the article date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from communique.nlp.gazetteer import Entry, Gazetteer, RoleEntry, case_ok, gazetteer
from communique.records import ActorMention

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from communique.knowledge import KnowledgeBase, Official

ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC"})

# Penn tags of words that are never part of a name when written in lower case: pronouns and
# finite verbs ("the minister rang his counterpart" can come back with "rang his" as a PERSON).
_NOT_IN_NAMES = frozenset({"PRP", "PRP$", "VBD", "VBZ", "VBP"})
# A capital right after one of these is the place, not the government ("talks in Moscow").
LOCATIVE = frozenset(
    {
        "in",
        "at",
        "near",
        "from",
        "to",
        "into",
        "outside",
        "across",
        "around",
        "toward",
        "towards",
        "via",
        "through",
        "inside",
        "within",
    }
)
# Prepositions after which a known place wins even over spaCy's PERSON label ("near Izmir",
# and so do visit verbs: "visited Gdansk"); "to" and "from" are weaker ("lost to Duran").
STRONG_LOCATIVE = frozenset({"in", "at", "near", "outside", "around", "inside", "within", "across", "via"})
VISIT_LEMMAS = frozenset({"visit", "arrive", "reach", "leave", "fly", "travel", "return"})
# Verbs whose object is a place far more often than a person ("shelling Kharkiv", "captured Avdiivka"):
# a town spaCy labels PERSON right after one is still the town.
SIEGE_LEMMAS = frozenset({"shell", "bomb", "bombard", "pound", "capture", "besiege", "encircle", "invade",
                          "occupy", "storm", "overrun", "evacuate", "liberate", "recapture", "strike", "hit",
                          "attack", "target", "raid", "hammer", "rocket", "blockade", "surround", "seize"})
# Nouns whose of-object is a place ("the outskirts of Zaporizhzhia", "north of Kherson", "the mayor of
# Kharkiv"): a known town after "<one of these> of" is the town even when spaCy says PERSON.
PLACE_PART_NOUNS = frozenset({
    "outskirts", "suburbs", "suburb", "centre", "center", "streets", "city", "town", "village", "port",
    "region", "province", "district", "edge", "heart", "north", "south", "east", "west", "northeast",
    "northwest", "southeast", "southwest", "mayor", "governor", "residents", "people", "citizens",
    "outskirt", "environs", "vicinity", "neighbourhood", "neighborhood",
    "districts", "neighbourhoods", "neighborhoods", "areas", "parts", "villages", "towns", "cities", "area", "part",
})
# Verbs of movement: a known town after their "from"/"to"/"into" ("withdrew its troops from
# Kherson", "moved tanks into Bakhmut") is the town even when spaCy says PERSON.
MOTION_LEMMAS = frozenset({"withdraw", "pull", "retreat", "evacuate", "flee", "expel", "drive", "oust", "return",
                           "move", "deport", "relocate", "arrive", "travel", "fly", "march", "advance", "head",
                           "deploy", "send", "redeploy", "push", "transfer"})
PRONOUNS = frozenset({"he", "she", "him", "his", "her", "hers"})
DETERMINERS = frozenset({"the", "a", "an"})
SPACED_DASHES = frozenset({"-", "–", "—", "--"})
COORDINATORS = frozenset({"and", "&", ",", "or"})
POSSESSIVE = frozenset({"'s", "’s", "'"})
# Words allowed inside a title besides role words ("former Deputy Foreign Minister").
TITLE_GLUE = frozenset(
    {
        "former",
        "deputy",
        "acting",
        "then",
        "vice",
        "chief",
        "top",
        "senior",
        "new",
        "outgoing",
        "incoming",
        "-",
        "'s",
        "’s",
        "first",
        "counterpart",
        "counterparts",
    }
)
# A generic reference ("the Russian leader", "the head of state") means whoever holds one of
# these offices (canonical roles of roles.tsv), in this order of preference.
GENERIC_LEADER_ROLES = frozenset({"leader", "head of state", "head of government"})
LEADER_ROLES = (
    "president",
    "supreme leader",
    "king",
    "emir",
    "prime minister",
    "chancellor",
    "head of state",
    "head of government",
    "leader",
)
# Groups that are often abroad, so "X in <place>" does not make them the place's country.
NOT_LOCAL_SECTORS = frozenset({"MIL", "REF", "IGO", "NGO", "MED", "JRN"})
# Words between "in" and a place: "in eastern Ukraine", "in the north of".
REGION_WORDS = frozenset(
    {
        "eastern",
        "western",
        "northern",
        "southern",
        "central",
        "northeastern",
        "northwestern",
        "southeastern",
        "southwestern",
        "north-eastern",
        "north-western",
        "south-eastern",
        "south-western",
        "neighbouring",
        "neighboring",
    }
)
# Places the gazetteer alone (without a spaCy entity) may report: big enough to be worth the
# risk of a false match on a capitalised word, or a region, never a lone stop word.
MIN_BARE_PLACE_POPULATION = 20_000


@dataclass
class _Mention:
    """A mention under construction (token offsets)."""

    start: int
    end: int
    kind: str
    name: str | None
    country: str | None
    sector: str | None = None
    actor_id: str | None = None
    role: str | None = None
    known: bool = True  # resolved from the knowledge base (not a bare spaCy entity)
    surname_only: bool = False  # a lone surname the knowledge base knows ("Lavrov")
    titles: list[str] = field(default_factory=list)  # roles the text gives ("crown prince")
    candidates: tuple[str, ...] = ()  # countries a people of several countries may stand for
    adjectival: bool = False  # a group whose country came from a demonym before it ("Danish media")


@dataclass
class _Cand:
    start: int
    end: int
    entries: list[Entry] = field(default_factory=list)
    label: str | None = None


def recognise_actors(doc: Doc, kb: KnowledgeBase, when: date | None = None) -> list[ActorMention]:
    """Every actor mention in ``doc``, resolved, sorted by start offset."""
    if len(doc) == 0:
        return []
    when = when or date.today()
    gaz = gazetteer(kb)
    r = _Recogniser(doc, kb, gaz, when)
    return r.run()


class _Recogniser:
    def __init__(self, doc: Doc, kb: KnowledgeBase, gaz: Gazetteer, when: date) -> None:
        self.doc = doc
        self.kb = kb
        self.gaz = gaz
        self.when = when
        self.texts = [t.text for t in doc]
        self.lowers = [t.lower_ for t in doc]
        self.kb_starts: dict[int, _Cand] = {}
        self.kb_ends: dict[int, _Cand] = {}
        self.roles: dict[int, tuple[int, RoleEntry]] = {}
        self.role_ends: dict[int, RoleEntry] = {}

    # --- step 1: names ----------------------------------------------------------------

    def kb_matches(self) -> dict[tuple[int, int], _Cand]:
        """Greedy longest-first gazetteer matches, left to right."""
        out: dict[tuple[int, int], _Cand] = {}
        lowers, texts, trie = self.lowers, self.texts, self.gaz.names
        i, n = 0, len(lowers)
        while i < n:
            if lowers[i] not in trie.root:
                i += 1
                continue
            nxt = i + 1
            for end, entries in trie.matches_at(lowers, i):
                ok = [e for e in entries if case_ok(texts[i:end], e.pattern)]
                if ok:
                    # A name's article is not part of the name: "the Kremlin" → "Kremlin".
                    s = i + 1 if lowers[i] == "the" and end - i > 1 else i
                    # Titles in an alias ("Ayatollah Ali Khamenei", "Russian President Putin")
                    # belong to the title, not the name.
                    while ok[0].kind == "person" and end - s > 1 and self.is_title_word(s):
                        s += 1
                    if s > i and ok[0].kind == "person":
                        # "Sheikh Hamad bin Khalifa al-Thani": the name without the title may
                        # run further than the alias that starts with it.
                        for alt_end, alt in trie.matches_at(lowers, s):
                            alt_ok = [e for e in alt if case_ok(texts[s:alt_end], e.pattern)]
                            if alt_ok and alt_end > end:
                                end, ok = alt_end, alt_ok
                                break
                    out[(s, end)] = _Cand(s, end, ok)
                    nxt = end
                    break
            i = nxt
        return out

    def is_title_word(self, k: int) -> bool:
        low = self.lowers[k]
        if low in self.gaz.role_words or low in TITLE_GLUE:
            return True
        readings = self.gaz.names.table.get((low,))
        return readings is not None and readings[0].kind == "demonym"

    def role_matches(self) -> dict[int, tuple[int, RoleEntry]]:
        """Role-trie matches: start → (end, longest role entry)."""
        out: dict[int, tuple[int, RoleEntry]] = {}
        lowers, trie = self.lowers, self.gaz.roles
        i, n = 0, len(lowers)
        while i < n:
            if lowers[i] in trie.root:
                found = trie.matches_at(lowers, i)
                if found:
                    end, entries = found[0]
                    out[i] = (end, entries[0])
                    i = end
                    continue
            i += 1
        return out

    def entity_cands(self, kb_cands: dict[tuple[int, int], _Cand]) -> list[_Cand]:
        out = []
        lowers, doc = self.lowers, self.doc
        role_words = self.gaz.role_words
        starts = {s: c for (s, _), c in kb_cands.items()}
        for ent in doc.ents:
            if ent.label_ not in ENTITY_LABELS:
                continue
            s, e = ent.start, ent.end
            while s < e and (lowers[s] in DETERMINERS or doc[s].is_punct or doc[s].is_space):
                s += 1
            while e > s and (
                lowers[e - 1] in POSSESSIVE
                or doc[e - 1].is_punct
                or doc[e - 1].is_space
                or (ent.label_ != "ORG" and doc[e - 1].like_num)
            ):
                e -= 1  # "G. Kersey 63": a score is not part of a name
            if any(
                "\n" in doc[k].text or (lowers[k] in SPACED_DASHES and doc[k - 1].whitespace_)
                for k in range(s + 1, e - 1)
            ):
                # Across a line break or a spaced dash ("Romania - Cosmin Contra"): a misread
                # table row or heading, not one name; the known names inside still count.
                continue
            if any(doc[k].tag_ in _NOT_IN_NAMES and doc[k].is_lower for k in range(s, e)):
                continue  # "rang his" labelled PERSON: a pronoun or a finite verb is no part of a name
            first = starts.get(s)
            if (
                first is not None
                and first.end < e
                and lowers[first.end] in COORDINATORS
                and first.entries[0].kind in ("country", "place", "capital", "demonym")
            ):
                continue  # "Kharkiv and Odesa" is two places, not one organisation
            if ent.label_ == "PERSON":
                # "Iranian Foreign Minister Abbas Araghchi" → the name after the title.
                while s < e - 1:
                    c = starts.get(s)
                    if (
                        c
                        and c.end < e
                        and c.entries[0].kind in ("demonym", "country", "organisation", "seat")
                    ):
                        s = c.end
                    elif lowers[s] in role_words or lowers[s] in TITLE_GLUE:
                        s += 1
                    else:
                        break
            if ent.label_ == "NORP" and any(
                r.kind == "group" for r in self.gaz.roles.table.get(tuple(lowers[s:e]), ())
            ):
                continue  # "Christians", "Muslims": a group word, which takes a demonym before it
            # spaCy sometimes tags a bare title ("Supreme Leader") as an organisation.
            if s < e and not all(lowers[k] in role_words or lowers[k] in TITLE_GLUE for k in range(s, e)):
                out.append(_Cand(s, e, [], ent.label_))
        return out

    def select(self) -> tuple[list[_Cand], dict[tuple[int, int], _Cand]]:
        kb_cands = self.kb_matches()
        ents = self.entity_cands(kb_cands)
        pool: list[tuple[int, int, _Cand]] = [(-(c.end - c.start), 0, c) for c in kb_cands.values()]
        for c in ents:
            same = kb_cands.get((c.start, c.end))
            if same is not None:
                same.label = c.label
            else:
                pool.append((-(c.end - c.start), 1, c))
        pool.sort(key=lambda t: (t[0], t[1], t[2].start))
        taken = [False] * len(self.lowers)
        chosen: list[_Cand] = []
        for _, _, c in pool:
            if any(taken[c.start : c.end]):
                continue
            for k in range(c.start, c.end):
                taken[k] = True
            chosen.append(c)
        chosen.sort(key=lambda c: c.start)
        return chosen, kb_cands

    # --- step 2: readings ------------------------------------------------------------

    def interpret(self, c: _Cand, kb_cands: dict[tuple[int, int], _Cand]) -> _Mention | None:
        label = c.label
        entries = c.entries
        if entries:
            placey = (
                c.start > 0
                and (
                    self.lowers[c.start - 1] in STRONG_LOCATIVE
                    or self.doc[c.start - 1].lemma_ in VISIT_LEMMAS
                    or self.doc[c.start - 1].lemma_ in SIEGE_LEMMAS
                    or (c.start > 1 and self.lowers[c.start - 1] == "of"
                        and self.lowers[c.start - 2] in PLACE_PART_NOUNS)
                    or (self.lowers[c.start - 1] in ("from", "to", "into", "toward", "towards")
                        and self.doc[c.start - 1].head.lemma_ in MOTION_LEMMAS)
                )
                or (label != "PERSON" and self.after_locative(c.start))
                or self.coordinated_with_place(c)
            )
            entry = self.choose(entries, label, placey)
            if entry is None:
                return self.from_entity(c, kb_cands) if label else None
            return self.from_entry(c, entry)
        return self.from_entity(c, kb_cands)

    def coordinated_with_place(self, c: _Cand) -> bool:
        """ "Kharkiv and Odesa": a name joined by "and"/"or"/"," to a known place is a place."""
        lowers = self.lowers
        nxt = self.kb_starts.get(c.end + 1) if c.end < len(lowers) and lowers[c.end] in COORDINATORS else None
        if nxt is not None and nxt.entries[0].kind in ("place", "country", "capital"):
            return True
        prev = self.kb_ends.get(c.start - 1) if c.start >= 2 and lowers[c.start - 1] in COORDINATORS else None
        return prev is not None and prev.entries[0].kind in ("place", "country", "capital")

    def choose(self, entries: list[Entry], label: str | None, locative: bool) -> Entry | None:
        """The reading of a known name, with spaCy's label and the context as tie-breakers."""
        best = entries[0]
        if locative and best.kind == "place":
            return best  # "in Marseille" is the city whatever spaCy's label says
        if label == "PERSON":
            for e in entries:
                if e.kind in ("person", "surname"):
                    return e
            if best.kind == "place" and best.place_kind not in ("admin1", "admin2"):
                return None  # a person who shares a town's name (but not a province's)
        if label == "ORG":
            for e in entries:
                if e.kind == "organisation":
                    return e
            if best.kind == "place":
                return None  # clubs and companies named after their town
        if label in ("GPE", "LOC"):
            for e in entries:
                if e.kind in ("country", "place", "capital", "seat"):
                    return e
        return best

    def from_entry(self, c: _Cand, e: Entry) -> _Mention | None:
        s, end = c.start, c.end
        if e.kind in ("person", "surname"):
            if e.kind == "surname":
                if c.label is None and self.doc.has_annotation("TAG") and self.doc[s].pos_ != "PROPN":
                    return None  # "Price rose": a capitalised word, not Mr Price
                # Several officials share the surname: the one in office on the date.
                people = [x for x in c.entries if x.kind == "surname"]
                e = min(people, key=lambda x: self.distance_in_office(x.name))
            terms = self.kb.officials_named(e.name) or []
            term = self.kb.term_on(terms, self.when)
            return _Mention(
                s,
                end,
                "person",
                e.name,
                term.country if term else e.country,
                term.sector if term else e.sector,
                role=term.role if term else None,
                surname_only=e.kind == "surname",
            )
        if e.kind == "country":
            return _Mention(s, end, "country", e.name, e.country)
        if e.kind == "demonym":
            if _pan_prefixed(self.doc, s):
                return None
            return _Mention(s, end, "demonym", e.name, e.country, candidates=e.candidates)
        if e.kind == "group":
            return _Mention(
                s, end, "group", self.kb.country_name(e.country) or e.name, e.country, candidates=e.candidates
            )
        if e.kind == "organisation":
            country = e.country
            if e.sector in ("PTY", "OPP"):
                # "Albania's opposition Democratic Party": a party name many countries share belongs
                # to the country the phrase names.
                country = self.phrase_owner(s) or country
            return _Mention(s, end, "organisation", e.name, country, e.sector, actor_id=e.actor_id)
        if e.kind == "seat":
            # "Pakistan's Foreign Office", "the Indian Foreign Office": a seat named like another
            # country's (the Foreign Office is London's) belongs to the country that owns it here.
            owner = self.owner_country(s) or e.country
            return _Mention(s, end, "metonym", self.kb.country_name(owner), owner, e.sector)
        if e.kind == "capital":
            if self.is_place_context(s):
                return _Mention(s, end, "place", e.name, e.country)
            return _Mention(s, end, "metonym", self.kb.country_name(e.country), e.country, e.sector)
        if e.kind == "place":
            if c.label is None and not self.bare_place_ok(s, end, e):
                return None
            return _Mention(s, end, "place", e.name, e.country)
        return None

    def owner_country(self, s: int) -> str | None:
        """The country of a possessive ("Pakistan's") or demonym ("Indian") right before token ``s``."""
        doc = self.doc
        if s >= 2 and doc[s - 1].lower_ in ("'s", "’s"):
            owner = doc[s - 1].head
            return self.kb.country_of(doc[owner.left_edge.i : owner.i + 1].text) or self.kb.country_of(owner.text)
        if s >= 1 and doc[s - 1].pos_ == "ADJ":
            return self.kb.country_of(doc[s - 1].text)
        return None

    def phrase_owner(self, s: int) -> str | None:
        """The country of a possessive or demonym opening the noun phrase that token ``s`` ends in,
        across modifiers ("Albania's opposition Democratic Party", "the ruling Georgian Dream")."""
        head = self.doc[s]
        while head.dep_ == "compound" and head.head.i > head.i:
            head = head.head
        for c in head.children:
            if c.i < s and c.dep_ == "poss":
                return self.kb.country_of(self.doc[c.left_edge.i : c.i + 1].text) or self.kb.country_of(c.text)
            if c.i < s and c.dep_ == "amod" and c.pos_ == "ADJ":
                found = self.kb.country_of(c.text)
                if found:
                    return found
        return None

    def after_locative(self, s: int) -> bool:
        """A locative preposition or a visit verb right before token ``s``."""
        if s == 0:
            return False
        prev = self.doc[s - 1]
        return prev.lower_ in LOCATIVE or prev.lemma_ in VISIT_LEMMAS

    def distance_in_office(self, name: str) -> int:
        """Days between the article date and the person's nearest term of office (0 inside one)."""
        best = 10**6
        for t in self.kb.officials_named(name):
            if t.active_on(self.when):
                return 0
            if t.start and t.start > self.when:
                best = min(best, (t.start - self.when).days)
            if t.end and t.end < self.when:
                best = min(best, (self.when - t.end).days)
        return best

    def is_place_context(self, s: int) -> bool:
        """Locative preposition or visit verb before, or a dateline ("MOSCOW, April 18 —")."""
        if self.after_locative(s):
            return True
        at_line_start = s == 0 or "\n" in self.doc[s - 1].text_with_ws or self.doc[s - 1].is_space
        return at_line_start and self.texts[s].isupper()

    def bare_place_ok(self, s: int, end: int, e: Entry) -> bool:
        """May a place the gazetteer found, and spaCy did not, be reported?

        Only a proper noun, not a lone stop word, big enough or a region, and in prose or
        after a preposition: in verbless lines (results tables, lists) a town's name is far
        more often a team or a club than the town.
        """
        doc = self.doc
        # A region named by a compass word and a proper noun ("southern Lebanon", "northern Gaza"):
        # spaCy tags only the proper noun, the knowledge base has the region.
        if any(doc[k].pos_ != "PROPN" and not (k == s and self.lowers[k] in REGION_WORDS) for k in range(s, end)):
            return False
        if end - s == 1 and doc[s].is_stop:
            return False
        if e.population < MIN_BARE_PLACE_POPULATION and (e.place_kind or "city") in (
            "city",
            "town",
            "village",
        ):
            return False
        if self.is_place_context(s):
            return True
        if not doc.has_annotation("DEP") and not doc.has_annotation("SENT_START"):
            return True
        return any(t.pos_ in ("VERB", "AUX") for t in doc[s].sent)

    def from_entity(self, c: _Cand, kb_cands: dict[tuple[int, int], _Cand]) -> _Mention | None:
        """A name only spaCy found; known words inside it may still give its country and sector."""
        text = self.doc[c.start : c.end].text
        label = c.label
        title = self.role_ends.get(c.start)
        if label in ("ORG", "GPE") and title is not None and title.kind == "title" and c.end - c.start <= 3:
            label = "PERSON"  # "Russian diplomat Ivan Petrov", whatever spaCy's label
        if label == "PERSON":
            return _Mention(c.start, c.end, "person", text, None, known=False)
        if label == "NORP":
            # "Danish Islamist": a known demonym opening the phrase gives its country (but
            # "South American" or "North African" is no country's).
            first = self.kb_starts.get(c.start)
            country = self.kb.country_of(text) or (
                first.entries[0].country
                if first is not None and first.end < c.end and first.entries[0].kind in ("demonym", "country")
                else None
            )
            return _Mention(c.start, c.end, "demonym", text, country, known=False)
        country = None
        sector = None
        for k in range(c.start, c.end):
            cand = self.kb_starts.get(k)
            if (
                country is None
                and cand is not None
                and cand.end <= c.end
                and cand.entries[0].kind in ("country", "demonym", "place", "capital")
                and not _pan_prefixed(self.doc, k)
            ):
                country = cand.entries[0].country
            hit = self.roles.get(k)
            if sector is None and hit is not None and hit[0] <= c.end:
                sector = hit[1].sector  # "Iranian Foreign Ministry", "Kharkiv regional administration"
        if label == "ORG":
            return _Mention(c.start, c.end, "organisation", text, country, sector, known=False)
        if label in ("GPE", "LOC", "FAC"):
            return _Mention(c.start, c.end, "place", text, country, known=False)
        return None

    # --- step 3: titles ----------------------------------------------------------------

    def title_of(
        self, m: _Mention, by_end: dict[int, _Mention], roles: dict[int, tuple[int, RoleEntry]]
    ) -> None:
        """Read the title before a person's name; fill in what the name alone does not say."""
        lowers, role_words = self.lowers, self.gaz.role_words
        j = m.start - 1
        country: str | None = None
        seen_role = False
        consumed: list[_Mention] = []
        while j >= 0 and m.start - j <= 8:
            prev = by_end.get(j + 1)
            if prev is not None and prev.kind in ("demonym", "country", "organisation", "metonym"):
                # "Soviet Ambassador to Japan Yuri ...": the country after "to" is the host.
                hosted = prev.start > 0 and lowers[prev.start - 1] == "to"
                country = country or (None if hosted else prev.country)
                consumed.append(prev)
                j = prev.start - 1
                continue
            if lowers[j] in role_words or lowers[j] in TITLE_GLUE:
                seen_role = seen_role or lowers[j] in role_words
                j -= 1
                continue
            if (seen_role and self.doc[j].dep_ == "compound" and self.doc[j].pos_ == "NOUN"
                    and self.doc[j].head.i < m.start and lowers[self.doc[j].head.i] in role_words):
                j -= 1  # "East Timorese independence leader": a common noun qualifying the title
                continue
            break
        title_start = j + 1
        if title_start == m.start:
            if not m.known:
                self.apposition(m, roles)
            return
        role: RoleEntry | None = None
        for k in range(title_start, m.start):
            hit = roles.get(k)
            if (
                hit
                and hit[0] <= m.start
                and hit[1].kind != "group"
                and (role is None or len(hit[1].term) > len(role.term))
            ):
                role = hit[1]
        if m.known and country and country != m.country and seen_role:
            # The title says whose official this is ("East Timorese independence leader Xanana
            # Gusmao"); a dictionary entry from another period does not outweigh it.
            m.country = country
        if not m.known:
            m.country = m.country or country
            if role is not None:
                m.sector = m.sector or role.sector
        elif country and m.country != country and seen_role:
            # "Saudi King Abdullah": the title's country picks among officials who share a name.
            self.official_of_country(m, country)
        if role is not None:
            m.titles.append(role.canonical_role or role.term)
            m.role = m.role or m.titles[-1]
        if seen_role:
            for d in consumed:
                if d.kind == "demonym":
                    d.kind = "_drop"

    def official_of_country(self, m: _Mention, country: str) -> None:
        """Re-resolve a known person to the official of ``country`` whose name holds the mention's
        last word ("Saudi King Abdullah" is not Jordan's King Abdullah); unchanged when none is."""
        last = self.lowers[m.end - 1]
        best: tuple[int, Official] | None = None
        for off in self.kb.officials:
            if off.country != country:
                continue
            names = (off.name, *off.aliases)
            if not any(last in n.lower().split() for n in names):
                continue
            gap = 0 if off.active_on(self.when) else _days_apart(off, self.when)
            if best is None or gap < best[0]:
                best = (gap, off)
        if best is not None:
            off = best[1]
            m.name, m.country, m.sector = off.name, off.country, off.sector
            m.role = off.role
            m.surname_only = False

    def apposition(self, m: _Mention, roles: dict[int, tuple[int, RoleEntry]]) -> None:
        """ "Ivan Petrov, Russia's deputy foreign minister, ...": a title after the name."""
        j = m.end
        lowers = self.lowers
        if j + 2 >= len(lowers) or lowers[j] != ",":
            return
        j += 1
        if lowers[j] in DETERMINERS:
            j += 1
        country = None
        cand = self.kb_starts.get(j)
        if cand is not None and cand.entries[0].kind in ("country", "demonym", "organisation"):
            country = cand.entries[0].country
            j = cand.end + (1 if cand.end < len(lowers) and lowers[cand.end] in POSSESSIVE else 0)
        hit = roles.get(j)
        while hit is None and j < len(lowers) and lowers[j] in TITLE_GLUE:
            j += 1
            hit = roles.get(j)
        if hit is None or hit[1].kind == "group":
            return
        m.country = m.country or country
        m.sector = m.sector or hit[1].sector
        m.titles.append(hit[1].canonical_role or hit[1].term)
        m.role = m.role or m.titles[-1]

    # --- steps 4 and 5 ----------------------------------------------------------------

    def run(self) -> list[ActorMention]:
        chosen, kb_cands = self.select()
        self.kb_starts = {c.start: c for c in kb_cands.values()}
        self.kb_ends = {c.end: c for c in kb_cands.values()}
        roles = self.roles = self.role_matches()
        self.role_ends = {end: role for end, role in roles.values()}
        mentions: list[_Mention] = []
        covered = [False] * len(self.lowers)
        for c in chosen:
            m = self.interpret(c, kb_cands)
            if m is None:
                continue
            mentions.append(m)
            for k in range(m.start, m.end):
                covered[k] = True
        by_end = {m.end: m for m in mentions}

        # Surnames of the article's people, for later mentions ("Lavrov").
        people: dict[str, _Mention] = {}
        for m in mentions:
            if m.kind == "person":
                self.title_of(m, by_end, roles)
                if m.end - m.start >= 2:
                    people.setdefault(self.lowers[m.end - 1], m)
        for m in mentions:
            if m.kind == "person" and m.end - m.start == 1 and (not m.known or m.surname_only):
                # Someone the article named in full beats an official who shares the surname.
                full = people.get(self.lowers[m.start])
                if full is not None:
                    _copy_actor(m, full)
            elif m.end - m.start == 1 and (
                m.kind in ("place", "country", "metonym") or (m.kind == "organisation" and not m.known)
            ):
                # A surname of someone named earlier beats a place of that name ("Jordan").
                full = people.get(self.lowers[m.start])
                if full is not None:
                    m.kind = "person"
                    _copy_actor(m, full)
        for i, low in enumerate(self.lowers):
            if not covered[i] and low in people and self.texts[i][:1].isupper():
                m = _Mention(i, i + 1, "person", None, None)
                _copy_actor(m, people[low])
                mentions.append(m)
                covered[i] = True

        mentions = [m for m in mentions if m.kind != "_drop"]
        mentions.extend(self.groups_and_roles(roles, covered, mentions))
        mentions.sort(key=lambda m: (m.start, m.end))
        self.resolve_peoples(mentions)
        mentions = self.merge_groups(mentions)
        self.locate_groups(mentions)
        mentions.extend(self.pronouns(covered))
        mentions.sort(key=lambda m: (m.start, m.end))
        self.resolve_references(mentions)
        return [self.to_record(m) for m in mentions]

    def groups_and_roles(
        self, roles: dict[int, tuple[int, RoleEntry]], covered: list[bool], mentions: list[_Mention]
    ) -> list[_Mention]:
        out: list[_Mention] = []
        by_end = {m.end: m for m in mentions}
        lowers, doc = self.lowers, self.doc
        for start, (end, role) in sorted(roles.items()):
            if any(covered[start:end]):
                continue
            if role.kind == "group":
                out.append(_Mention(start, end, "group", None, None, role.sector, role="group:" + role.term))
                continue
            # A title right before a name is part of that person, not a reference; a name
            # spaCy missed after a title ("Foreign Minister Wang Yi") is still a person.
            if end < len(doc) and (covered[end] or doc[end].pos_ == "PROPN"):
                if not covered[end] and role.kind == "title":
                    person = self.name_after_title(end, covered)
                    if person is not None:
                        person.sector = role.sector
                        person.titles.append(role.canonical_role or role.term)
                        person.role = person.titles[-1]
                        prev = by_end.get(start)
                        if prev is not None and prev.kind in ("demonym", "country"):
                            person.country = prev.country
                            if prev.kind == "demonym":
                                prev.kind = "_drop"
                        out.append(person)
                continue
            # "the general strike", "the general election": a title word used as a modifier of a
            # common noun names no one.
            last = doc[end - 1]
            if (role.kind == "title" and last.dep_ in ("amod", "compound") and last.head.i >= end
                    and last.head.pos_ == "NOUN" and lowers[last.head.i] not in self.gaz.role_words):
                continue
            # "the minister", "the Iranian minister", "the US president", "Iran's foreign minister".
            s = start
            prev = by_end.get(s)
            if (
                prev is not None
                and prev.kind in ("demonym", "country")
                and s > prev.start
                and prev.start > 0
                and lowers[prev.start - 1] == "the"
            ):
                prev.kind = "_drop"
                out.append(
                    _Mention(
                        prev.start - 1,
                        end,
                        "role",
                        None,
                        prev.country,
                        role.sector,
                        role=role.canonical_role or role.term,
                        known=False,
                    )
                )
            elif s > 0 and lowers[s - 1] == "the":
                out.append(
                    _Mention(
                        s - 1,
                        end,
                        "role",
                        None,
                        None,
                        role.sector,
                        role=role.canonical_role or role.term,
                        known=False,
                    )
                )
            elif (
                s > 1
                and lowers[s - 1] in POSSESSIVE
                and by_end.get(s - 1) is not None
                and by_end[s - 1].kind == "country"
            ):
                out.append(
                    _Mention(
                        s,
                        end,
                        "role",
                        None,
                        by_end[s - 1].country,
                        role.sector,
                        role=role.canonical_role or role.term,
                        known=False,
                    )
                )
        for m in out:
            for k in range(m.start, m.end):
                covered[k] = True
        return out

    def name_after_title(self, start: int, covered: list[bool]) -> _Mention | None:
        """Up to four capitalised proper nouns after a title, as an unknown person."""
        doc, end = self.doc, start
        while (
            end < len(doc)
            and end - start < 4
            and not covered[end]
            and doc[end].pos_ == "PROPN"
            and self.texts[end][:1].isupper()
            and not self.texts[end].isupper()
            and self.lowers[end] not in self.gaz.role_words
        ):
            end += 1
        if end == start:
            return None
        for k in range(start, end):
            covered[k] = True
        return _Mention(start, end, "person", doc[start:end].text, None, known=False)

    def merge_groups(self, mentions: list[_Mention]) -> list[_Mention]:
        """The word before a group noun gives the group its country.

        A demonym joins the group ("Iranian forces" is one mention); a name stays a mention of
        its own and lends its country ("U.S. officials", "Hamas fighters", "Iran's army").
        """
        out: list[_Mention] = []
        for m in mentions:
            if m.kind == "_drop":
                continue
            if m.kind == "group" and m.role and m.role.startswith("group:") and out:
                prev = out[-1]
                gap = m.start - prev.end
                # "a French aid worker", "British oil workers": lower-case modifiers of the group
                # word between the demonym and it keep them one phrase.
                modifiers = 0 < gap <= 2 and all(
                    self.doc[k].dep_ in ("compound", "amod") and self.doc[k].pos_ in ("NOUN", "ADJ")
                    and self.doc[k].is_lower and self.doc[k].head.i >= m.start
                    for k in range(prev.end, m.start))
                adjacent = gap == 0 or (gap == 1 and self.lowers[prev.end] in POSSESSIVE) or modifiers
                if adjacent and prev.kind == "demonym":
                    out.pop()
                    m.start = prev.start
                    m.adjectival = prev.country is not None
                # "the Saudi-led coalition", "US-led forces": the leader's country is the group's
                # ("Russian-backed separatists" stay open: a patron is not the one who acts).
                led = self.lowers[prev.end:m.start] == ["-", "led"]
                if (
                    (adjacent or led)
                    and prev.kind in ("demonym", "country", "metonym", "organisation")
                    and prev.country
                ):
                    m.country = prev.country
                    m.name = self.kb.country_name(prev.country) if prev.kind != "organisation" else prev.name
            if m.role and m.role.startswith("group:"):
                m.role = None
            out.append(m)
        return out

    def resolve_peoples(self, mentions: list[_Mention]) -> None:
        """A people of several countries ("Kurdish rebels") takes the one of its countries that the
        same sentence names nearest, else the nearest in the article; none named, no country.

        Within a sentence a demonym right before it ("Syrian Kurds") or a named country or place
        comes before a demonym elsewhere in it: in "Turkish troops shelled Kurdish villages in
        northern Iraq" the nearer "Turkish" describes the other side, "Iraq" says where they live.
        """
        pending = [m for m in mentions if m.candidates and m.country is None]
        if not pending:
            return
        sent_of = self.sentence_ids()
        for m in pending:
            best: tuple[bool, bool, int, str] | None = None
            for other in mentions:
                if other is m or other.country not in m.candidates or other.kind in ("pronoun", "role"):
                    continue
                adjacent = other.end == m.start
                key = (
                    sent_of[other.start] != sent_of[m.start],
                    not adjacent and other.kind not in ("country", "place", "metonym"),
                    abs(other.start - m.start),
                    other.country or "",
                )
                if best is None or key[:3] < best[:3]:
                    best = key
            if best is not None:
                m.country = best[3]

    def locate_groups(self, mentions: list[_Mention]) -> None:
        """A group with no country takes it from the place right after it: "the government of
        Sudan", "police in Karachi", "separatists in eastern Ukraine", or from a demonym that
        covers it too: "Iranian police and soldiers".

        After "in" only groups that act where they are (police, protesters, officials) qualify:
        "troops in Iraq" or "refugees in Jordan" are more often foreign.
        """
        starts = {m.start: m for m in mentions}
        ends = {m.end: m for m in mentions}
        lowers, n = self.lowers, len(self.lowers)
        for m in mentions:
            if m.kind != "group" or m.country:
                continue
            before = ends.get(m.start - 1) if m.start >= 2 and lowers[m.start - 1] in ("and", "or") else None
            if before is not None and before.kind == "group" and before.adjectival:
                # "Danish media and government": the demonym covers both nouns.
                m.country, m.name = before.country, before.name
                continue
            if m.end >= n:
                continue
            prep = lowers[m.end]
            if prep not in ("of", "in") or (prep == "in" and m.sector in NOT_LOCAL_SECTORS):
                continue
            j = m.end + 1
            while j < n and (lowers[j] in DETERMINERS or lowers[j] in REGION_WORDS):
                j += 1
            place = starts.get(j)
            if place is None or not place.country:
                continue
            if place.kind in ("country", "place", "metonym") or (
                prep == "of" and place.kind == "organisation"
            ):
                m.country = place.country

    def pronouns(self, covered: list[bool]) -> list[_Mention]:
        return [
            _Mention(i, i + 1, "pronoun", None, None, known=False)
            for i, low in enumerate(self.lowers)
            if low in PRONOUNS and not covered[i]
        ]

    def resolve_references(self, mentions: list[_Mention]) -> None:
        """Pronouns and role references → the nearest fitting person before them."""
        persons: list[_Mention] = []
        sent_of = self.sentence_ids() if any(m.kind == "pronoun" for m in mentions) else []
        for m in mentions:
            if m.kind == "person":
                persons.append(m)
            elif m.kind == "pronoun":
                target = self.pronoun_antecedent(m, persons, sent_of)
                if target is not None:
                    _copy_actor(m, target)
            elif m.kind == "role":
                target = self.role_antecedent(m, persons)
                if target is not None:
                    _copy_actor(m, target)
                    persons.append(m)
                elif m.country and m.role:
                    holder = self.holder(m.country, m.role)
                    if holder is not None:
                        m.name, m.sector = holder.name, holder.sector or m.sector
                    # Unnamed or not, "Kuwait's foreign minister" is a person a later "his" can mean.
                    persons.append(m)

    def sentence_ids(self) -> list[int]:
        """Sentence number of every token (all 0 when the pipeline has no sentence boundaries)."""
        ids = [0] * len(self.doc)
        if not (self.doc.has_annotation("SENT_START") or self.doc.has_annotation("DEP")):
            return ids
        for k, sent in enumerate(self.doc.sents):
            for t in range(sent.start, sent.end):
                ids[t] = k
        return ids

    def pronoun_antecedent(self, m: _Mention, persons: list[_Mention], sent_of: list[int]) -> _Mention | None:
        """The latest person who was a grammatical subject in this or the previous sentence,
        else the nearest person: "Araghchi gave Putin a letter. He said..." is Araghchi."""
        if not persons:
            return None
        here = sent_of[m.start]
        for p in reversed(persons):
            if sent_of[p.start] < here - 1:
                break
            if self.doc[p.end - 1].dep_ in ("nsubj", "nsubjpass"):
                return p
        return persons[-1]

    def role_antecedent(self, m: _Mention, persons: list[_Mention]) -> _Mention | None:
        """The person a role reference points back to: same country, and same role if any fits.

        "the minister" → the nearest minister; "the Russian leader" → the nearest Russian head
        of state or government (else the one in office on the date, if the article named
        them); failing a role match, the nearest person of that country.
        """
        fits = [p for p in persons if m.country is None or p.country == m.country]
        if not fits:
            return None
        if m.role:
            wanted = LEADER_ROLES if m.role in GENERIC_LEADER_ROLES else (m.role,)
            for p in reversed(fits):
                for r in (p.role, *p.titles):
                    if r and any(w in r or r in w for w in wanted):
                        return p
        if m.country is not None:
            holder = self.holder(m.country, m.role)
            for p in reversed(fits):
                if holder is not None and p.name == holder.name:
                    return p
            return fits[-1]
        return None

    def holder(self, country: str, role: str | None) -> Official | None:
        """Who held ``role`` for ``country`` on the article date; "leader" means the first of
        ``LEADER_ROLES`` the knowledge base has a holder for."""
        if not role:
            return None
        for r in LEADER_ROLES if role in GENERIC_LEADER_ROLES else (role,):
            found = self.kb.office_holder(country, r, self.when)
            if found is not None:
                return found
        return None

    def to_record(self, m: _Mention) -> ActorMention:
        doc = self.doc
        start = doc[m.start].idx
        last = doc[m.end - 1]
        end = last.idx + len(last.text)
        text = doc[m.start : m.end].text
        return ActorMention(
            text=text,
            start=start,
            end=end,
            name=m.name or (text if m.kind not in ("pronoun", "role", "group") else None),
            country=m.country,
            sector=m.sector,
            kind=m.kind,
            actor_id=m.actor_id,
        )


def _days_apart(off: Official, when: date) -> int:
    """Days between ``when`` and a term of office that does not cover it."""
    if off.start and off.start > when:
        return (off.start - when).days
    if off.end and off.end < when:
        return (when - off.end).days
    return 0


def _copy_actor(m: _Mention, source: _Mention) -> None:
    m.name, m.country, m.sector = source.name, source.country, source.sector
    m.role = m.role or source.role
    m.titles = m.titles + source.titles
    m.actor_id = source.actor_id


def _pan_prefixed(doc: Doc, i: int) -> bool:
    """Whether token ``i`` follows "pan-": "the Pan-American Highway", "a pan-African summit" name no one country."""
    return i >= 2 and doc[i - 1].text == "-" and doc[i - 2].lower_ == "pan"
