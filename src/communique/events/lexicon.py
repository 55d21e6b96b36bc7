"""The event lexicon: trigger words (verbs, phrasal and light-verb forms, nominal events) → CAMEO codes.

The entries live in ``events/data/lexicon.tsv`` (its header documents the pattern syntax), with a
fallback layer in ``events/data/lexicon_petrarch.tsv`` derived from the PETRARCH2 CAMEO verb
dictionary (MIT); this module parses them once into lookups keyed by lemma, so the coder does one
dictionary lookup per token and then checks a handful of candidate entries against the token's
children. For one lemma the most specific matching entry wins, the hand-written one on a tie.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from communique.events.dates import WEEKDAYS

if TYPE_CHECKING:
    from spacy.tokens import Token

DEFAULT_PREPS = ("with", "to", "against", "on", "at", "for", "from", "into")
# Nouns that carry an event named by their compound ("mediation effort", "peace process").
CARRIER_NOUNS = frozenset({"effort", "process", "mission", "campaign", "operation", "initiative", "bid", "drive",
                           "level", "status", "posture"})

# Dependency labels under which a particle or preposition of a phrasal verb hangs ("test" in "test-fired": npadvmod;
# "responsible" in "held X responsible": oprd).
_PARTICLE_DEPS = frozenset({"prt", "prep", "advmod", "agent", "dative", "npadvmod", "oprd"})
# Dependency labels of a light verb's object (passives: "sanctions were imposed").
_OBJECT_DEPS = frozenset({"dobj", "nsubjpass", "attr", "oprd", "pobj", "npadvmod", "compound"})


@dataclass(frozen=True)
class LexEntry:
    """One lexicon row."""

    pattern: str
    head: str
    nominal: bool
    particles: tuple[str, ...]
    objects: frozenset[str]
    compounds: tuple[str, ...]
    cameo: str | None
    category: str | None
    mode: str | None
    flags: frozenset[str]
    preps: tuple[str, ...]
    # From the derived fallback table (lexicon_petrarch.tsv) rather than the hand-written lexicon.
    derived: bool = False
    # Lemmas one of which must head the verb's subject ("@aid": "aid arrived", not "the envoy arrived").
    subjects: frozenset[str] = frozenset()

    @property
    def governor(self) -> str | None:
        """The aux mode this entry gives to the event it governs, or None for an event trigger."""
        for flag in self.flags:
            if flag.startswith("gov:"):
                return flag[4:]
        return None

    @property
    def specificity(self) -> int:
        return len(self.particles) + 2 * bool(self.objects) + len(self.compounds) + 2 * bool(self.subjects)


@dataclass(frozen=True)
class Match:
    """A lexicon entry matched at a token, with the light-verb object and particles it used."""

    entry: LexEntry
    obj: Token | None
    particles: tuple[Token, ...]


class Lexicon:
    """Trigger lookups keyed by lower-case lemma."""

    def __init__(self, entries: list[LexEntry]) -> None:
        self.entries = entries
        self.verbs: dict[str, list[LexEntry]] = {}
        self.nouns: dict[str, list[LexEntry]] = {}
        # Light verbs ("launch", "stage") are no events; a nominal event as their object is.
        self.light: frozenset[str] = frozenset(e.head for e in entries if "light" in e.flags)
        for entry in entries:
            if "light" in entry.flags:
                continue
            table = self.nouns if entry.nominal else self.verbs
            table.setdefault(entry.head, []).append(entry)
        for table in (self.verbs, self.nouns):
            for candidates in table.values():
                # On a tie an object beats a subject class: "cargo planes flew 40 tonnes of tents" is aid
                # flown, whatever a row for aircraft flying says.
                candidates.sort(key=lambda e: (-e.specificity, e.derived, not e.objects))

    def match_verb(self, token: Token) -> Match | None:
        """The most specific verb entry whose particles and object are present at ``token``."""
        plain = self._match_verb(token, conj=False)
        if plain is not None and plain.entry.objects:
            return plain
        # Only then the conjunct of the object: "imposed an air and arms embargo" is an embargo.
        joined = self._match_verb(token, conj=True) if any(_shared_head(c) for c in token.children) else None
        return joined if joined is not None and joined.entry.objects else plain

    def _match_verb(self, token: Token, conj: bool) -> Match | None:
        candidates = self.verbs.get(token.lemma_.lower()) or self._by_form(token.lower_)
        if not candidates:
            return None
        has_object = any(c.dep_ == "dobj" for c in token.children)
        for entry in candidates:
            if "intrans" in entry.flags and has_object:
                continue
            if "noclause" in entry.flags and any(c.dep_ in ("xcomp", "ccomp") for c in token.children):
                continue
            if "toclause" in entry.flags and not (has_object and _to_clause(token)):
                continue
            if entry.subjects and not _subject_is(token, entry.subjects):
                continue
            particles: list[Token] = []
            ok = True
            for word in entry.particles:
                found = next(
                    (c for c in token.children if c.dep_ in _PARTICLE_DEPS and c.lower_ == word
                     and (word in _TIME_PREPS or not _temporal(c))
                     and ("prt" not in entry.flags or c.dep_ == "prt")), None
                )
                if found is None and word == "for":
                    # "called on Monday for the Palestinians to replace him": the parser hangs "for"
                    # on the infinitive as its marker.
                    found = next((g for c in token.children if c.dep_ in ("advcl", "xcomp", "ccomp")
                                  for g in c.children if g.dep_ == "mark" and g.lower_ == "for"), None)
                if found is None:
                    # "stayed away from the elections": the parser hangs the second particle on the first.
                    found = next((g for p in particles for g in p.children
                                  if g.dep_ in _PARTICLE_DEPS and g.lower_ == word), None)
                if found is None and word == "from":
                    # "removed three groups from the list": the parser hangs "from" on the object.
                    found = next((g for c in token.children if c.dep_ == "dobj" for g in c.children
                                  if g.dep_ == "prep" and g.lower_ == word), None)
                if found is None and word in _VERDICT_WORDS:
                    # "holding the prince responsible": the parser hangs the adjective on the object.
                    found = next((g for c in token.children if c.dep_ == "dobj" for g in c.children
                                  if g.dep_ == "amod" and g.lower_ == word), None) or next(
                        (c for c in token.children if c.dep_ in ("advcl", "oprd", "ccomp") and c.lower_ == word), None)
                if found is None and token.i + 1 < len(token.doc):
                    # "handed over 32 prisoners": the parser read the particle as "over" = "more than".
                    nxt = token.doc[token.i + 1]
                    if nxt.lower_ == word and nxt.dep_ == "quantmod":
                        found = nxt
                if found is None:
                    ok = False
                    break
                particles.append(found)
            if not ok:
                continue
            obj = None
            if entry.objects:
                obj = _find_object(token, entry.objects, conj)
                # "go on strike": the object is the particle's own object.
                for p in particles:
                    if obj is None:
                        obj = next((c for c in p.children
                                    if not entry.objects.isdisjoint(_forms(c)) or _is(c, entry.objects)), None)
                    if obj is None:
                        # "are out on strike": the object hangs on a preposition under the particle.
                        obj = next((g for c in p.children if c.dep_ == "prep" for g in c.children
                                    if g.dep_ == "pobj" and g.lemma_.lower() in entry.objects), None)
                if obj is None:
                    continue
                if (entry.cameo is not None and entry.cameo.startswith(_FORCE_CODES) and self._labour_action(obj)
                        and not self._performs(entry, obj)):
                    # "suspended its general strike": a labour strike is no air strike; a later row
                    # ("suspend +protest|strike", 082) reads it. ("Launched a general strike" performs it.)
                    continue
                entry = self._performed(entry, obj)
            return Match(entry, obj, tuple(particles))
        return None

    def _performed(self, entry: LexEntry, obj: Token) -> LexEntry:
        """The entry of a verb that only performs its object event, narrowed by the object's own compounds.

        "launch +strike" codes what a bare "strike" codes (190); when the object is a kind of strike the
        lexicon names ("a general strike", "a hunger strike"), that kind is what was launched (143, 142).
        A verb that changes the event ("call off +strike", "suspend +strike") keeps its own code.
        """
        nominal = self.match_noun(obj)
        narrower = nominal is not None and (nominal.entry.compounds or nominal.entry.subjects)
        if nominal is None or not narrower or nominal.entry.cameo == entry.cameo:
            return entry
        plain = next((e for e in self.nouns.get(obj.lemma_.lower(), ())
                      if not (e.compounds or e.objects or e.subjects)), None)
        # A light verb ("tighten" export controls) performs whatever its object names.
        if entry.head not in self.light and (plain is None or plain.cameo != entry.cameo):
            return entry
        return replace(entry, cameo=nominal.entry.cameo, category=nominal.entry.category, mode=nominal.entry.mode)

    def _performs(self, entry: LexEntry, obj: Token) -> bool:
        """Whether ``entry`` only performs the event its object names ("launch +strike" codes a bare strike)."""
        plain = next((e for e in self.nouns.get(obj.lemma_.lower(), ())
                      if not (e.compounds or e.objects or e.subjects)), None)
        return entry.head in self.light or (plain is not None and plain.cameo == entry.cameo)

    def _labour_action(self, obj: Token) -> bool:
        """Whether ``obj`` names a protest kind by its compounds ("a general strike", "a hunger strike")."""
        nominal = self.match_noun(obj)
        return (nominal is not None and bool(nominal.entry.compounds or nominal.entry.subjects)
                and nominal.entry.cameo is not None
                and nominal.entry.cameo.startswith("14"))

    def _by_form(self, form: str) -> list[LexEntry] | None:
        """Entries for an inflected form the lemmatiser got wrong ("staged" → "stag")."""
        # "ook" → "ake": prefixed irregular pasts the lemmatiser leaves alone ("retook", "overtook").
        # "ssed" → "s": a doubled final consonant ("teargassed" → "teargas").
        for suffix, repl in (("ied", "y"), ("ies", "y"), ("ssed", "s"), ("ed", "e"), ("ed", ""), ("d", ""), ("ing", "e"),
                             ("ing", ""), ("es", ""), ("s", ""), ("ook", "ake")):
            if form.endswith(suffix) and len(form) > len(suffix) + 2:
                found = self.verbs.get(form[: -len(suffix)] + repl)
                if found:
                    return found
        return None

    def match_noun(self, token: Token) -> Match | None:
        """The most specific nominal entry at ``token`` (compounds such as "air strike" checked)."""
        candidates = self.nouns.get(token.lemma_.lower())
        if not candidates:
            # "cease-fire", "cyber attack" spelled apart: the compound joined to its head is the entry.
            candidates = next((self.nouns[f] for f in _forms(token)[1:] if f in self.nouns), None)
        if not candidates:
            return None
        # Modifiers by form and lemma, possessives included: "teachers' strike" is a teacher strike.
        modifiers = {w for c in token.children if c.dep_ in ("compound", "amod", "nmod", "poss")
                     for w in (c.lower_, c.lemma_.lower())}
        for entry in candidates:
            if not all(word in modifiers for word in entry.compounds):
                continue
            if entry.subjects and modifiers.isdisjoint(entry.subjects) and not _doer_is(token, entry.subjects):
                continue
            if entry.objects:
                obj = _noun_object(token, entry.objects)
                if obj is None:
                    continue
                return Match(entry, obj, ())
            return Match(entry, None, ())
        return None


def _noun_object(token: Token, lemmas: frozenset[str]) -> Token | None:
    """The object of a nominalised event: "the release of prisoners", "a prisoner release"."""
    for child in token.children:
        if child.dep_ == "compound" and not lemmas.isdisjoint(_forms(child)):
            return child
        if child.dep_ == "prep" and child.lower_ == "of":
            for pobj in child.children:
                if pobj.dep_ == "pobj" and not lemmas.isdisjoint(_forms(pobj)):
                    return pobj
    return None


def _subject_is(token: Token, lemmas: frozenset[str]) -> bool:
    """Whether the subject of ``token`` (or its compound: "aid convoy") is one of ``lemmas``.

    A verb without a subject of its own takes its controller's ("teachers decided to strike").
    """
    while token.dep_ in ("xcomp", "conj") and not any(c.dep_ in ("nsubj", "nsubjpass") for c in token.children):
        if token.head.i == token.i:
            break
        token = token.head
    for child in token.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            return any(_is(w, lemmas) for w in _subject_words(child))
    return False


# CAMEO codes of force and its suspension, which a labour strike never is.
_FORCE_CODES = ("087", "15", "18", "19", "20")
# Acts whose of-object is what they act on, not a kind of them: "ordered the withdrawal of troops"
# orders no troops anywhere.
# (Not "expulsion", "recall", "release" or "transfer": what is expelled, recalled, released or transferred
# says which kind it is, "the expulsion of diplomats" a sanction, "the release of a loan tranche" aid.)
_ACT_NOUNS = frozenset({"withdrawal", "pullout", "pull-out", "evacuation", "return", "repatriation", "arrest",
                        "disarmament", "demobilisation", "demobilization", "removal", "departure", "redeployment"})


# Adjective particles of verdict verbs ("hold responsible") that the parser may hang on the object.
_VERDICT_WORDS = frozenset({"responsible", "accountable", "liable", "culpable"})


# The word class "PERSON" in a "+" or "@" list: a person named by name ("Marco Rubio landed in
# Panama", "welcomed Yoon Suk Yeol to Tokyo"), whom no lemma list can hold.
PERSON = "PERSON"
# The word class "PLACE": a named town, region or site ("seized Tskhinvali", "overran Bardai"),
# whose capture is an act of war where the capture of a ship or of goods is a seizure.
PLACE = "PLACE"
# The word class "PEOPLE": a people named by its demonym ("expelled thousands of black Mauritanians").
PEOPLE = "PEOPLE"


# Titles before a name that make it a person's ("President Yoon Suk Yeol") when the entity
# recogniser leaves the last word of the name out.
_TITLES = frozenset({"president", "minister", "premier", "chancellor", "king", "queen", "prince", "emir", "sheikh",
                     "secretary", "leader", "general", "ambassador", "envoy", "senator", "governor", "pope"})


def _is(token: Token, lemmas: frozenset[str]) -> bool:
    """Whether ``token`` is one of ``lemmas`` (or a named person, when they include ``PERSON``)."""
    if token.lemma_.lower() in lemmas:
        return True
    if PLACE in lemmas and token.pos_ == "PROPN" and token.ent_type_ in ("GPE", "LOC", "FAC"):
        return True
    if PEOPLE in lemmas and token.ent_type_ == "NORP" and token.tag_ in ("NNS", "NNPS"):
        return True
    return PERSON in lemmas and token.pos_ == "PROPN" and (token.ent_type_ == "PERSON" or any(
        c.dep_ == "compound" and (c.ent_type_ == "PERSON" or c.lemma_.lower() in _TITLES) for c in token.children))


# Subjects that name a number or body of people by what they are made of ("thousands of
# teachers", "a group of union members", "the nurses' union").
_COLLECTIVE = frozenset({"group", "hundred", "thousand", "dozen", "ten", "member", "number", "crowd", "majority", "team",
                         "some", "many", "most", "all", "score", "union", "association", "federation", "body",
                         "brigade", "contingent", "batch", "planeload", "shipload", "consignment", "shipment"})
# A load says what arrives ("a plane carrying medical supplies landed", "a ship laden with rice docked").
_CARRYING = frozenset({"carry", "bring", "transport", "ferry", "laden", "load", "loaded", "bear"})


def _subject_words(head: Token) -> list[Token]:
    """The words of a subject that say who it is: its head and modifiers, and for a collective
    head its of-object (with modifiers), possessor and appositions."""
    words = [head] + [c for c in head.children if c.dep_ in ("compound", "amod")]
    if head.lemma_.lower() in _COLLECTIVE:
        inner = [g for c in head.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children
                 if g.dep_ == "pobj"]
        inner += [c for c in head.children if c.dep_ in ("poss", "appos")]
        for g in inner:
            words += [g] + [c for c in g.children if c.dep_ in ("compound", "amod")]
    # "a Red Cross plane carrying supplies": the parser may hang the load on the vehicle's owner;
    # "a convoy of trucks carrying flour": or on what the convoy is made of.
    carriers = [head] + [g for c in head.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children
                         if g.dep_ == "pobj"]
    for carrier in carriers:
        for acl in (c for c in carrier.children if c.dep_ in ("acl", "amod") and c.lemma_.lower() in _CARRYING):
            loads = [g for g in acl.children if g.dep_ == "dobj"]
            loads += [g for p in acl.children if p.dep_ == "prep" and p.lower_ == "with" for g in p.children
                      if g.dep_ == "pobj"]
            for g in loads:
                words += [g] + [c for c in g.children if c.dep_ in ("compound", "amod")]
                words += [i for c in g.children if c.dep_ == "prep" and c.lower_ == "of" for i in c.children
                          if i.dep_ == "pobj"]
    return words


def _doer_is(noun: Token, lemmas: frozenset[str]) -> bool:
    """Whether the subject of the verb a nominal event hangs on is one of ``lemmas``.

    "Drivers joined the strike", "teachers are on strike": up through objects and prepositions to
    the first verb, whose subject (or its controller's) is the doer.
    """
    # "the raid by Kenyan police": the by-phrase names the doer.
    for by in (c for c in noun.children if c.dep_ in ("prep", "agent") and c.lower_ == "by"):
        if any(g.dep_ == "pobj" and (g.lemma_.lower() in lemmas or any(
                m.dep_ == "compound" and m.lemma_.lower() in lemmas for m in g.children)) for g in by.children):
            return True
    tok = noun
    for _ in range(4):
        if tok.dep_ not in ("dobj", "pobj", "prep", "attr", "conj") or tok.head.i == tok.i:
            return False
        tok = tok.head
        if tok.pos_ in ("VERB", "AUX"):
            return _subject_is(tok, lemmas)
    return False


def _forms(token: Token) -> tuple[str, ...]:
    """The token's lemma, then the lemma joined to a compound before it ("cease-fire" → "ceasefire")."""
    lemma = token.lemma_.lower()
    lefts = [c for c in token.children if c.dep_ == "compound" and c.i < token.i]
    if not lefts:
        return (lemma,)
    first = lefts[-1].lemma_.lower()
    return (lemma, first + lemma, f"{first}-{lemma}")


# Amounts whose thing follows "in" ("$10 million in aid", "5,000 tons in food supplies").
AMOUNT_NOUNS = frozenset({"million", "billion", "trillion", "dollar", "euro", "pound", "yuan", "ton", "tonne", "yen",
                          "rupee", "franc", "mark", "rouble", "ruble", "riyal", "dinar", "shilling"})
# Nouns that name a pact by its subject ("the ceasefire agreement", "the truce deal"): the
# compound is what a verb on the pact acts on ("violated the ceasefire agreement").
PACT_NOUNS = frozenset({"agreement", "deal", "accord", "pact", "treaty", "arrangement", "terms"})


def _to_clause(token: Token) -> bool:
    """Whether ``token`` takes a to-infinitive ("told Manila to stop", not "told reporters that")."""
    return any(c.dep_ in ("xcomp", "ccomp") and any(g.dep_ == "aux" and g.lower_ == "to" for g in c.children)
               for c in token.children)


def _temporal(prep: Token) -> bool:
    """Whether a preposition heads a time phrase ("called off the talks *on Saturday*" is no "call on")."""
    return prep.dep_ == "prep" and prep.lower_ in _TIME_HEADS and any(
        g.dep_ == "pobj" and (g.ent_type_ in ("DATE", "TIME") or g.lower_ in _TIME_WORDS) for g in prep.children)


# Prepositions whose object is always a time: a row that names one asks for the time phrase
# ("gave Belgrade until Saturday to comply" is an ultimatum).
_TIME_PREPS = frozenset({"until", "till"})

# Prepositions that can head a time phrase; "off the old quarter" is never one, whatever the
# entity recogniser makes of "quarter".
_TIME_HEADS = frozenset({"on", "in", "at", "by", "until", "till", "for", "during", "before", "after", "since", "from",
                         "through", "over", "within", "throughout", "around", "about", "to"})

_TIME_WORDS = frozenset(WEEKDAYS) | {"today", "tonight", "morning", "evening", "night", "afternoon", "weekend"}


def _shared_head(obj: Token) -> bool:
    """Whether an object is a modifier the parser split from the head it shares with its conjunct:
    "an air and arms embargo" (one embargo, so "an"), not "stones and petrol bombs"."""
    return (obj.dep_ == "dobj" and obj.tag_ == "NN" and any(g.dep_ == "conj" for g in obj.children)
            and any(g.dep_ == "det" and g.lower_ in ("a", "an") for g in obj.children))


def _find_object(token: Token, lemmas: frozenset[str], conj: bool = False) -> Token | None:
    """The light object of ``token`` among ``lemmas``; with ``conj``, also the conjunct of its object
    (tried only when no entry matches the object itself: "hurled stones and petrol bombs" is stones)."""
    for child in token.children:
        if child.dep_ in _OBJECT_DEPS and (not lemmas.isdisjoint(_forms(child)) or _is(child, lemmas)):
            return child
        if conj and child.dep_ == "dobj" and any(g.dep_ == "conj" and not lemmas.isdisjoint(_forms(g)) for g in child.children):
            # "imposed an air and arms embargo": the parser makes "air" the object, "embargo" its conjunct.
            return next(g for g in child.children if g.dep_ == "conj" and not lemmas.isdisjoint(_forms(g)))
        if child.dep_ in _OBJECT_DEPS and child.lemma_.lower() in PACT_NOUNS and any(
                g.dep_ == "compound" and g.lemma_.lower() in lemmas for g in child.children):
            return child
        # "expelled American journalist Andrew Meldrum": a name's title says what it names.
        if child.dep_ in _OBJECT_DEPS and child.pos_ == "PROPN" and any(
                g.dep_ == "compound" and g.pos_ in ("NOUN", "PROPN") and g.lemma_.lower() in lemmas
                for g in child.children):
            return child
        # "held a round of talks", "voiced strong support": look one level down through of-phrases;
        # an amount names its thing with "in" ("sent $10 million in aid").
        if child.dep_ in ("dobj", "nsubjpass") and not (
                child.lemma_.lower() in _ACT_NOUNS and child.lemma_.lower() not in lemmas):
            amount = child.tag_ == "CD" or child.lemma_.lower() in AMOUNT_NOUNS
            for grand in child.children:
                if grand.dep_ == "prep" and (grand.lower_ == "of" or (amount and grand.lower_ == "in")):
                    for pobj in grand.children:
                        if pobj.lemma_.lower() in lemmas or (PEOPLE in lemmas and _is(pobj, lemmas)):
                            return pobj
            if amount and child.dep_ == "dobj":
                # "sent $50 million in aid": the parser may hang "in aid" on the verb.
                for prep in token.children:
                    if prep.dep_ == "prep" and prep.lower_ == "in":
                        for pobj in prep.children:
                            if pobj.dep_ == "pobj" and pobj.lemma_.lower() in lemmas:
                                return pobj
        # "ended mediation efforts", "raised its alert level": the event is the modifier of a carrier noun.
        if child.dep_ in ("dobj", "nsubjpass") and child.lemma_.lower() in CARRIER_NOUNS:
            for grand in child.children:
                if grand.dep_ in ("compound", "amod") and grand.lemma_.lower() in lemmas:
                    return child
        # "intercepted drones flying over X" misread as a clause "drones [were] flying": the
        # object is the subject of that -ing clause.
        if child.dep_ == "ccomp" and child.tag_ == "VBG":
            for grand in child.children:
                if grand.dep_ == "nsubj" and not lemmas.isdisjoint(_forms(grand)):
                    return grand
        # "halted firing along the border", "stopped shelling the city": a gerund is the thing stopped.
        if child.dep_ == "xcomp" and child.tag_ == "VBG" and child.lemma_.lower() in lemmas:
            return child
        # "let U.N. inspectors back into the complex": the parser reads a small clause "[go] back".
        if child.dep_ == "ccomp" and child.pos_ in ("ADV", "ADP"):
            for grand in child.children:
                if grand.dep_ == "nsubj" and (not lemmas.isdisjoint(_forms(grand)) or _is(grand, lemmas)):
                    return grand
        # "found the journalist guilty": the parser reads the small clause as a clause "[was] guilty".
        # "declared the ambassador persona non grata": so is a noun in that place.
        if child.dep_ == "ccomp" and child.pos_ in ("ADJ", "NOUN") and child.lemma_.lower() in lemmas:
            return child
        # "carried out an attack": the object may hang on the particle's verb through a prep.
        if child.dep_ == "prt":
            continue
    return None


def _parse(text: str, derived: bool = False) -> list[LexEntry]:
    entries: list[LexEntry] = []
    header_seen = False
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if not header_seen:
            header_seen = True
            continue
        cols += [""] * (6 - len(cols))
        pattern, cameo, category, mode, flags, preps = (c.strip() for c in cols[:6])
        if not cameo:
            # A shifted column would otherwise load as a silent non-event.
            raise ValueError(f"event lexicon line {number} ({pattern!r}): no CAMEO code in the second column "
                             "(write '-' for a governing verb or a row that blocks a trigger)")
        nominal = pattern.startswith("n:")
        words = pattern[2:].split() if nominal else pattern.split()
        objects: set[str] = set()
        subjects: set[str] = set()
        particles: list[str] = []
        compounds: tuple[str, ...] = ()
        if nominal:
            # "n:suspension +attack|strike": plain words are compounds, "+" words the of-object,
            # "@" words the doer ("n:strike @worker": "workers joined the strike", "the workers' strike").
            plain = [w for w in words if not w.startswith(("+", "@"))]
            for word in words:
                if word.startswith("+"):
                    objects.update(word[1:].split("|"))
                elif word.startswith("@"):
                    subjects.update(word[1:].split("|"))
            head, compounds = plain[-1], tuple(plain[:-1])
        else:
            head = words[0]
            for word in words[1:]:
                if word.startswith("+"):
                    objects.update(word[1:].split("|"))
                elif word.startswith("@"):
                    subjects.update(word[1:].split("|"))
                else:
                    particles.append(word)
        entries.append(
            LexEntry(
                pattern=pattern,
                head=head,
                nominal=nominal,
                particles=tuple(particles),
                objects=frozenset(objects),
                compounds=compounds,
                cameo=None if cameo in ("", "-") else cameo,
                category=None if category in ("", "-") else category,
                mode=None if mode in ("", "-") else mode,
                flags=frozenset(f for f in flags.split() if f != "-"),
                preps=tuple(p for p in preps.split(",") if p) or DEFAULT_PREPS,
                derived=derived,
                subjects=frozenset(subjects),
            )
        )
    return entries


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """The packaged lexicon (hand-written entries, then the PETRARCH-derived fallback), parsed once per process."""
    data = resources.files("communique.events").joinpath("data")
    hand = _parse(data.joinpath("lexicon.tsv").read_text("utf-8"))
    derived = _parse(data.joinpath("lexicon_petrarch.tsv").read_text("utf-8"), derived=True)
    # A hand-written row replaces the derived row of the same pattern (its flags and conditions
    # are the reading to keep, not a first try before the fallback's looser one).
    written = {e.pattern for e in hand}
    return Lexicon(hand + [e for e in derived if e.pattern not in written])


def _read_pairs(name: str) -> dict[str, str]:
    text = resources.files("communique.events").joinpath("data", name).read_text("utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return {row[0].strip(): row[1].strip() for row in rows[1:] if len(row) >= 2}


@lru_cache(maxsize=1)
def intent_codes() -> dict[str, str]:
    """Category → CAMEO code of the same action announced for the future (``intent.tsv``)."""
    return _read_pairs("intent.tsv")


@lru_cache(maxsize=1)
def context_words() -> dict[str, str]:
    """Lemma → PLOVER context tag (``contexts.tsv``)."""
    return _read_pairs("contexts.tsv")
