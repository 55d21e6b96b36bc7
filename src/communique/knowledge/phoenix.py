"""Importer for CAMEO/Phoenix (TABARI-format) actor dictionaries.

The format, as in the Phoenix ``*.actors.txt`` files::

    # comment
    SERGEY_LAVROV_  # CountryInfo.txt       ← an actor: words joined by "_", an optional [CODE]
    +SERGEI_LAVROV                          ← "+" lines: other names of the same actor
    +RUSSIAN_FOREIGN_MINISTER_LAVROV
        [RUSGOV 19940922-20040712]          ← indented codes, optionally dated:
        [RUSGOV >20040309]                     ">start", "<end", "start-end" (YYMMDD or YYYYMMDD)

How entries map into the knowledge base (``extend_from_phoenix``):

- an actor with dated codes is a person: one ``Official`` per dated code (country = the
  code's first three letters, sector = the next three). Undated catch-all codes of such an
  entry are skipped, because they would make the person an office holder at every date;
- an actor whose code is a bare three-letter country code adds its names as aliases of
  that country (a new country when the code is unknown); names the base already knows as
  places stay places;
- anything else is an ``Organisation``: ``IGOUNO`` → code UNO, sector IGO; ``FRAREB`` →
  code FRAREB with home country FRA and sector REB.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from communique.errors import UsageError

if TYPE_CHECKING:
    from communique.knowledge.base import KnowledgeBase

# Generic CAMEO prefixes that are not countries: prefix → (organisation kind, sector).
GENERIC_PREFIXES: dict[str, tuple[str, str]] = {
    "IGO": ("igo", "IGO"),
    "NGO": ("ngo", "NGO"),
    "IMG": ("armed_group", "INS"),
    "MNC": ("company", "BUS"),
    "NGM": ("ngo", "NGO"),
    "UIS": ("armed_group", "INS"),
}
_ARMED = {"REB", "INS", "IMG", "SEP", "UAF"}
_STATE = {"GOV", "MIL", "JUD", "LEG", "SPY", "COP", "PTY"}
_SMALL_WORDS = {
    "of",
    "the",
    "and",
    "for",
    "in",
    "on",
    "de",
    "del",
    "la",
    "le",
    "du",
    "des",
    "al",
    "el",
    "bin",
    "van",
    "von",
    "da",
    "y",
}
_CODE = re.compile(r"\[([^\]\s]*)\s*([^\]]*)\]")


@dataclass
class PhoenixCode:
    """One ``[CODE dates]`` of an actor."""

    code: str
    start: date | None = None
    end: date | None = None

    @property
    def dated(self) -> bool:
        return self.start is not None or self.end is not None


@dataclass
class PhoenixActor:
    """One actor entry: its name, other names and codes (names already in display form)."""

    name: str
    aliases: list[str] = field(default_factory=list)
    codes: list[PhoenixCode] = field(default_factory=list)
    comment: str = ""
    line: int = 0


def load_phoenix_actors(path: Path | str) -> list[PhoenixActor]:
    """Parse a CAMEO/Phoenix actor dictionary into ``PhoenixActor`` entries."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise UsageError(f"{path}: cannot read actor dictionary ({exc.strerror or exc})") from exc
    actors: list[PhoenixActor] = []
    current: PhoenixActor | None = None
    for lineno, raw in enumerate(text.splitlines(), 1):
        body, _, comment = raw.partition("#")
        if not body.strip():
            continue
        codes = [_parse_code(m.group(1), m.group(2)) for m in _CODE.finditer(body)]
        words = _CODE.sub(" ", body).strip()
        if raw.startswith("+"):
            if current is not None:
                current.aliases.extend(_display_names(words[1:]))
                current.codes.extend(c for c in codes if c)
            continue
        if not words:  # an indented code line
            if current is not None:
                current.codes.extend(c for c in codes if c)
            continue
        names = _display_names(words)
        if not names:
            continue
        current = PhoenixActor(
            name=names[0],
            aliases=names[1:],
            codes=[c for c in codes if c],
            comment=comment.strip(),
            line=lineno,
        )
        actors.append(current)
    if not actors and text.strip():
        raise UsageError(f"{path}: no actors found (not a CAMEO/Phoenix actor dictionary?)")
    return actors


def extend_from_phoenix(kb: KnowledgeBase, path: Path) -> dict[str, int]:
    """Add the actors of the dictionary at ``path`` to ``kb``; counts of what was added.

    What the base already knows wins: a name it already reads some way (a demonym, a capital,
    a place, an official) is not re-read from the dictionary, and neither is a name made only
    of title words and demonyms ("German Chancellor"), which would swallow real titles.
    """
    from communique.knowledge.base import Country, Official, Organisation

    counts = {"officials": 0, "organisations": 0, "country_aliases": 0, "countries": 0, "skipped": 0}
    index = kb.index
    known: set[str] = set()
    for table in ("name", "demonym", "seat", "org", "place", "official"):
        known.update(index[table])
    known_officials = set(index["official"])
    generic = set(kb.roles) | set(index["demonym"]) | _SMALL_WORDS
    generic.update(w for term in kb.roles for w in term.split())

    def fresh(names: list[str]) -> tuple[str, ...]:
        return tuple(
            n for n in names if n.lower() not in known and not all(w in generic for w in n.lower().split())
        )

    for actor in load_phoenix_actors(path):
        if not actor.codes:
            counts["skipped"] += 1
            continue
        dated = [c for c in actor.codes if c.dated]
        if dated:
            if actor.name.lower() in known_officials:
                counts["skipped"] += 1
                continue
            for term in dated:
                country, sector = _split_code(term.code)
                kb.officials.append(
                    Official(
                        name=actor.name,
                        country=country,
                        aliases=fresh(actor.aliases),
                        sector=sector,
                        start=term.start,
                        end=term.end,
                        note=f"imported from {path.name}",
                    )
                )
                counts["officials"] += 1
            continue
        code = actor.codes[0].code
        names = fresh([actor.name, *actor.aliases])
        if len(code) == 3 and code not in GENERIC_PREFIXES:
            existing = kb.countries.get(code)
            if existing is None:
                kb.countries[code] = Country(code=code, name=actor.name, aliases=names)
                counts["countries"] += 1
            else:
                kb.countries[code] = replace(existing, aliases=existing.aliases + names)
                counts["country_aliases"] += len(names)
            continue
        if not names:
            counts["skipped"] += 1
            continue
        prefix = code[:3]
        kind: str | None
        if prefix in GENERIC_PREFIXES:
            kind, sector = GENERIC_PREFIXES[prefix][0], GENERIC_PREFIXES[prefix][1]
            org_code = code[3:6] or code
            kb.organisations[f"{org_code}\t{names[0]}"] = Organisation(
                code=org_code, name=names[0], aliases=names[1:], kind=kind, sector=sector
            )
        else:
            country, sector = _split_code(code)
            kind = "armed_group" if sector in _ARMED else "state_body" if sector in _STATE else None
            kb.organisations[f"{code}\t{names[0]}"] = Organisation(
                code=code, name=names[0], aliases=names[1:], kind=kind, sector=sector, country=country
            )
        counts["organisations"] += 1
    kb.touch()
    return counts


def _split_code(code: str) -> tuple[str, str | None]:
    """``RUSGOV`` → (RUS, GOV); ``IGOUNO`` → (UNO, IGO)."""
    prefix = code[:3]
    if prefix in GENERIC_PREFIXES:
        return (code[3:6] or prefix), GENERIC_PREFIXES[prefix][1]
    return prefix, (code[3:6] or None)


def _parse_code(code: str, dates: str) -> PhoenixCode | None:
    code = code.strip().upper()
    if not code or not code.isalnum():
        return None
    dates = dates.strip()
    start = end = None
    if dates.startswith(">"):
        start = _parse_day(dates[1:])
    elif dates.startswith("<"):
        end = _parse_day(dates[1:])
    elif "-" in dates:
        a, _, b = dates.partition("-")
        start, end = _parse_day(a), _parse_day(b)
    return PhoenixCode(code=code, start=start, end=end)


def _parse_day(text: str) -> date | None:
    """YYMMDD (years before 30 are 20xx, as in TABARI) or YYYYMMDD; anything else → None."""
    text = text.strip()
    try:
        if len(text) == 6:
            yy = int(text[:2])
            return date(2000 + yy if yy < 30 else 1900 + yy, int(text[2:4]), int(text[4:6]))
        if len(text) == 8:
            return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None
    return None


def _display_names(words: str) -> list[str]:
    """``ADEN_ABYAN_ISLAMIC_ARMY_(AAIA)_`` → ["Aden Abyan Islamic Army", "AAIA"]."""
    words = words.strip().strip("+").strip()
    if not words:
        return []
    extra = re.findall(r"\(([^)]*)\)", words)
    base = re.sub(r"\([^)]*\)", " ", words)
    names = [_display(base)] + [_display(e) for e in extra]
    return [n for n in names if n]


def _display(words: str) -> str:
    tokens = [t for t in words.replace("_", " ").split() if any(ch.isalnum() for ch in t)]
    if not tokens:
        return ""
    if len(tokens) == 1 and (len(tokens[0]) <= 5 or "." in tokens[0]):
        return tokens[0]  # acronyms: UN, NATO, U.N.
    out = []
    for i, tok in enumerate(tokens):
        low = tok.lower()
        if low in _SMALL_WORDS and (i > 0 or low == "the"):
            out.append(low)
        elif "." in tok and len(tok) <= 5:
            out.append(tok)  # initials, "U.S."
        else:
            out.append(_capitalise(tok))
    return " ".join(out)


def _capitalise(token: str) -> str:
    """``PEOPLE'S`` → "People's", ``AL-ASSAD`` → "Al-Assad" (str.title would give "People'S")."""
    return "-".join(part[:1].upper() + part[1:].lower() for part in token.split("-"))
