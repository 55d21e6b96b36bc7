"""A token trie over every name in the knowledge base, built once per knowledge base.

Names are split into tokens the way spaCy's English tokenizer splits them (plain words by
spaces; names with punctuation such as "U.S." or "Bosnia-Herzegovina" through a blank English
tokenizer), lower-cased, and stored in nested dicts. Matching a document walks the trie from
each token: one dict lookup per token, so the cost does not grow with the size of the base.
Matching ignores case, then ``case_ok`` rejects a capitalised name written in lower case
("us" is not "US"), while headlines in capitals still match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from communique.knowledge import KnowledgeBase

# Ranks: which reading of an ambiguous name wins (lower first).
RANK = {
    "person": 0,
    "organisation": 1,
    "country": 2,
    "seat": 2,
    "capital": 3,
    "demonym": 4,
    "surname": 5,
    "place": 6,
}

# Letters joined by hyphens: spaCy's infix rule splits "Mazar-i-Sharif" at each hyphen.
_HYPHEN_SPLIT = re.compile(r"(-)| ")


class Entry(NamedTuple):
    """One reading of a name: what it refers to."""

    kind: str  # person, surname, organisation, country, seat, capital, demonym, group, place
    name: str
    country: str | None
    sector: str | None = None
    pattern: tuple[str, ...] = ()
    population: int = 0
    place_kind: str | None = None
    actor_id: str | None = None
    # A people of several countries ("Kurdish"): the countries the context chooses from.
    candidates: tuple[str, ...] = ()

    @property
    def rank(self) -> int:
        return RANK.get(self.kind, 9)


@dataclass(frozen=True)
class RoleEntry:
    """A role-trie reading: a title, role or group noun."""

    term: str
    kind: str  # title | role | group
    sector: str | None
    canonical_role: str | None


class Trie:
    """Token sequences (lower-cased) → their entries, with the longest name per first token.

    A flat dict keyed by token tuples: building is one insertion per name, and matching
    at a token costs nothing unless the token starts some name.
    """

    def __init__(self) -> None:
        self.table: dict[tuple[str, ...], list[Any]] = {}
        self.root: dict[str, int] = {}  # first token → longest name length starting with it

    def add(self, tokens: Sequence[str], value: Any) -> None:
        key = tuple(t.lower() for t in tokens)
        found = self.table.get(key)
        if found is None:
            self.table[key] = [value]
            if self.root.get(key[0], 0) < len(key):
                self.root[key[0]] = len(key)
        else:
            found.append(value)

    def matches_at(self, lowers: Sequence[str], i: int, limit: int = 12) -> list[tuple[int, list[Any]]]:
        """(end, values) of every name starting at token ``i``, longest first."""
        longest = self.root.get(lowers[i])
        if longest is None:
            return []
        found: list[tuple[int, list[Any]]] = []
        table = self.table
        for end in range(min(i + longest, i + limit, len(lowers)), i, -1):
            hit = table.get(tuple(lowers[i:end]))
            if hit:
                found.append((end, hit))
        return found


def case_ok(texts: Sequence[str], pattern: Sequence[str]) -> bool:
    """A capitalised pattern token must not be written in lower case."""
    return all(p[:1].islower() or not t[:1].islower() for t, p in zip(texts, pattern, strict=False))


@dataclass
class Gazetteer:
    """The knowledge base's names (``names``) and role words (``roles``) as token tries."""

    names: Trie
    roles: Trie
    role_words: frozenset[str]


def gazetteer(kb: KnowledgeBase) -> Gazetteer:
    """The gazetteer of ``kb``, built on first use and cached on the knowledge base."""
    cached = kb.cache.get("gazetteer")
    if cached is None:
        from communique.knowledge.base import paused_gc

        with paused_gc():
            cached = kb.cache["gazetteer"] = _build(kb)
    return cached  # type: ignore[no-any-return]


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    import spacy

    return spacy.blank("en").tokenizer


def tokenize_names(names: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Token tuples of names, split as spaCy's English tokenizer splits them."""
    out: dict[str, tuple[str, ...]] = {}
    hard: list[str] = []
    for name in names:
        if name in out:
            continue
        bare = name.replace(" ", "")
        if bare.isalpha():
            out[name] = tuple(name.split(" "))
        elif (
            bare.replace("-", "").isalpha()
            and "--" not in name
            and not name.startswith("-")
            and not name.endswith("-")
        ):
            out[name] = tuple(t for t in _HYPHEN_SPLIT.split(name) if t)
        else:
            hard.append(name)
    if hard:
        tok = _tokenizer()
        for name, doc in zip(hard, tok.pipe(hard), strict=True):
            out[name] = tuple(t.text for t in doc if not t.is_space)
    return out


_PARTICLE = re.compile(r"\b([Aa]l|[Ee]l)[- ](?=\w)")


def _particle_variants(names: Iterable[str]) -> list[str]:
    """Names with their Arabic article spelled both ways: "Hamad bin Khalifa Al Thani" also as
    "Hamad bin Khalifa al-Thani", and "al-Sharaa" also as "al Sharaa" (news use both)."""
    out: list[str] = []
    for name in names:
        out.append(name)
        if _PARTICLE.search(name):
            # Lower case: a lower-case pattern word matches "al" and "Al" alike (``case_ok``).
            for variant in (
                _PARTICLE.sub(lambda m: m.group(1).lower() + "-", name),
                _PARTICLE.sub(lambda m: m.group(1).lower() + " ", name),
            ):
                if variant != name and variant not in out:
                    out.append(variant)
    return out


def _build(kb: KnowledgeBase) -> Gazetteer:
    # (name, kind, display name, country, sector, population, place kind, actor id)
    pending: list[tuple[str, str, str, str | None, str | None, int, str | None, str | None]] = []
    add = pending.append
    for c in kb.countries.values():
        for n in (c.name, *c.aliases):
            add((n, "country", c.name, c.code, None, 0, None, None))
        singular = {d.lower() for d in c.demonyms}
        for d in c.demonyms:
            low = d.lower()
            plural = low.endswith("s") and (low[:-1] in singular or low[:-2] in singular)
            add((d, "group" if plural else "demonym", c.name, c.code, None, 0, None, None))
        for cap in c.capitals:
            add((cap, "capital", cap, c.code, "GOV", 0, None, None))
        for seat, seat_sector in c.seats:
            add((seat, "seat", seat, c.code, seat_sector, 0, None, None))
    for o in kb.organisations.values():
        for n in _particle_variants((o.name, *o.aliases)):
            add((n, "organisation", o.name, o.actor_country, o.sector, 0, None, o.code))
    # A lone word that is also a title word ("Prime", "King") is not read as a surname.
    title_words = {w for term in kb.roles for w in term.lower().split()}
    for off in kb.officials:
        for n in _particle_variants({off.name, *off.aliases, off.last_name}):
            if " " not in n.strip() and n.lower() in title_words:
                continue
            kind = "person" if " " in n.strip() else "surname"
            add((n, kind, off.name, off.country, off.sector, 0, None, None))
    for p in kb.places:
        # A sea or strait shared by several countries has no country ("" in places_extra.tsv).
        add((p.name, "place", p.name, p.country or None, None, p.population, p.kind, None))
    peoples: dict[str, tuple[str, ...]] = {}
    for term, codes in kb.peoples.items():
        low = term.lower()
        plural = low.endswith("s") and low[:-1] in {t.lower() for t in kb.peoples}
        add((term, "group" if plural else "demonym", term, None, None, 0, None, None))
        peoples[term] = codes

    tokens = tokenize_names({" ".join(row[0].split()) for row in pending})
    names = Trie()
    table, root = names.table, names.root
    seen: set[tuple[Any, ...]] = set()
    for name, kind, display, country, sector, population, place_kind, actor_id in pending:
        toks = tokens.get(" ".join(name.split()))
        if not toks:
            continue
        # Several terms of one official share a name: keep one entry per reading.
        key = (kind, display, country, toks)
        if key in seen:
            continue
        seen.add(key)
        # Inlined Trie.add: this loop runs once per name (tens of thousands of places).
        lowered = tuple(map(str.lower, toks))
        entry = Entry(
            kind,
            display,
            country,
            sector,
            toks,
            population,
            place_kind,
            actor_id,
            peoples.get(name, ()) if country is None else (),
        )
        found = table.get(lowered)
        if found is None:
            table[lowered] = [entry]
            if root.get(lowered[0], 0) < len(lowered):
                root[lowered[0]] = len(lowered)
        else:
            found.append(entry)
    for node_entries in names.table.values():
        if len(node_entries) > 1:
            node_entries.sort(key=lambda e: (e.rank, -e.population))

    roles = Trie()
    role_words: set[str] = set()
    role_tokens = tokenize_names(kb.roles)
    for term, role in kb.roles.items():
        toks = role_tokens[term]
        roles.add(toks, RoleEntry(term, role.kind, role.sector, role.canonical_role))
        if role.kind != "group":
            role_words.update(t.lower() for t in toks)
    return Gazetteer(names=names, roles=roles, role_words=frozenset(role_words))
