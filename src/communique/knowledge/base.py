"""The actor knowledge base: typed entries read from TSV data files, indexed for lookup.

Data files (UTF-8 TSV, a header row, optional leading ``# `` comment lines, multi-values
separated by ``|``, an empty cell meaning "none") live in ``communique/knowledge/data/``:

- ``countries.tsv``      code, iso2, name, aliases, demonyms, capitals, seats, seat_sectors, cameo, region
- ``organisations.tsv``  code, name, aliases, kind, sector, country, cameo, parent, description
- ``officials.tsv``      name, aliases, surname, country, role, sector, start, end, as_of, note
- ``places.tsv[.gz]``, ``places_extra.tsv``  name, country, kind, population, geonameid
- ``roles.tsv``          term, kind (title|role|group), sector, canonical_role
- ``sectors.tsv``        code, name, description
- ``peoples.tsv``        term, countries (peoples of several countries: "Kurdish" → TUR|IRQ|SYR|IRN)

Columns not listed are ignored (so the data can grow); a missing required column is an error
that names the file and the column. Users extend a loaded base with CAMEO/Phoenix actor
dictionaries (``KnowledgeBase.extend_from_phoenix``).
"""

from __future__ import annotations

import csv
import gc
import gzip
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from communique.errors import UsageError

DATA_DIR = Path(__file__).resolve().parent / "data"

# Required columns per file; everything else in a file is optional.
REQUIRED: dict[str, tuple[str, ...]] = {
    "countries": ("code", "name"),
    "organisations": ("code", "name"),
    "officials": ("name", "country"),
    "places": ("name", "country"),
    "roles": ("term", "kind"),
    "sectors": ("code", "name"),
    "peoples": ("term", "countries"),
}


@dataclass(frozen=True)
class Country:
    """A country (ISO 3166-1 alpha-3 ``code``) and the words that name it."""

    code: str
    name: str
    iso2: str | None = None
    aliases: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    capitals: tuple[str, ...] = ()
    # Seats of power used as metonyms ("the Kremlin") and each one's sector (GOV, MIL...).
    seats: tuple[tuple[str, str], ...] = ()
    cameo: str | None = None
    region: str | None = None


@dataclass(frozen=True)
class Organisation:
    """An IGO, NGO, armed group, state body, party or media outlet.

    ``actor_country`` is the code events use: the home country when there is one (an armed
    group, a ministry), else the parent organisation's code (UN organs roll up to UNO),
    otherwise the organisation's own code (UNO, NATO...).
    """

    code: str
    name: str
    aliases: tuple[str, ...] = ()
    kind: str | None = None
    sector: str | None = None
    country: str | None = None
    description: str | None = None
    parent: str | None = None
    cameo: str | None = None

    @property
    def actor_country(self) -> str:
        return self.country or self.parent or self.code


@dataclass(frozen=True)
class Official:
    """One term of office of a person: who held which role for which country, when."""

    name: str
    country: str
    aliases: tuple[str, ...] = ()
    surname: str | None = None
    role: str | None = None
    sector: str | None = None
    start: date | None = None
    end: date | None = None
    as_of: date | None = None
    note: str | None = None

    def active_on(self, when: date) -> bool:
        """True when the term covers ``when`` (open ends are unbounded)."""
        return (self.start is None or self.start <= when) and (self.end is None or when <= self.end)

    @property
    def last_name(self) -> str:
        return self.surname or self.name.split()[-1]


@dataclass(slots=True)
class Place:
    """A city, province or region and the country it lies in."""

    name: str
    country: str
    kind: str | None = None
    population: int = 0
    geonameid: str | None = None


@dataclass(frozen=True)
class RoleTerm:
    """A title ("foreign minister"), a role ("diplomat") or a group noun ("protesters")."""

    term: str
    kind: str
    sector: str | None = None
    canonical_role: str | None = None


@dataclass
class KnowledgeBase:
    """Countries, organisations, officials, places, roles and sectors, indexed for lookup.

    Build one with ``load_knowledge_base`` (cached) or ``KnowledgeBase.from_directory``.
    ``version`` grows with every change so that matchers built from the base know when
    to rebuild.
    """

    countries: dict[str, Country] = field(default_factory=dict)
    organisations: dict[str, Organisation] = field(default_factory=dict)
    officials: list[Official] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    roles: dict[str, RoleTerm] = field(default_factory=dict)
    sectors: dict[str, str] = field(default_factory=dict)
    # Peoples of several countries ("Kurdish"): term → the countries it may stand for, in order.
    peoples: dict[str, tuple[str, ...]] = field(default_factory=dict)
    source: str = ""
    version: int = 0
    _index: dict[str, Any] | None = field(default=None, repr=False)
    # Caches of derived structures (the recogniser's gazetteer), dropped on every change.
    cache: dict[str, Any] = field(default_factory=dict, repr=False)

    # --- building -------------------------------------------------------------------

    @classmethod
    def from_directory(cls, data_dir: Path | str) -> KnowledgeBase:
        """Read every data file present in ``data_dir`` (countries.tsv is required)."""
        with paused_gc():
            return cls._from_directory(Path(data_dir))

    @classmethod
    def _from_directory(cls, data_dir: Path) -> KnowledgeBase:
        if not (data_dir / "countries.tsv").exists():
            raise UsageError(f"{data_dir}: not a knowledge-base folder (no countries.tsv)")
        kb = cls(source=str(data_dir))
        for row in read_tsv(data_dir / "countries.tsv", REQUIRED["countries"]):
            kb.add_country(_country_from_row(row))
        # The generated phoenix_* files (scripts/build_phoenix.py) come after the hand-curated ones.
        for path in _present(data_dir, "organisations.tsv", "phoenix_organisations.tsv"):
            for row in read_tsv(path, REQUIRED["organisations"]):
                kb.add_organisation(_organisation_from_row(row))
        for path in _present(data_dir, "officials.tsv", "phoenix_officials.tsv.gz"):
            for row in read_tsv(path, REQUIRED["officials"]):
                kb.add_official(_official_from_row(row, path))
        # places_extra.tsv is curated by hand: a name it lists replaces every generated place of
        # that name ("Red Sea" is a sea, not Sudan's Red Sea State).
        extra = [_place_from_row(row) for path in _present(data_dir, "places_extra.tsv")
                 for row in read_tsv(path, REQUIRED["places"])]
        curated = {p.name.lower() for p in extra}
        for path in _present(data_dir, "places.tsv", "places.tsv.gz"):
            for row in read_tsv(path, REQUIRED["places"]):
                place = _place_from_row(row)
                if place.name.lower() not in curated:
                    kb.places.append(place)
        kb.places.extend(extra)
        for path in _present(data_dir, "roles.tsv"):
            for row in read_tsv(path, REQUIRED["roles"]):
                term = row["term"].strip().lower()
                if term:
                    kb.roles[term] = RoleTerm(
                        term=term,
                        kind=row["kind"].strip().lower() or "role",
                        sector=_opt(row.get("sector")),
                        canonical_role=_opt(row.get("canonical_role")) or term,
                    )
        for path in _present(data_dir, "sectors.tsv"):
            for row in read_tsv(path, REQUIRED["sectors"]):
                kb.sectors[row["code"].strip()] = row["name"].strip()
        for path in _present(data_dir, "phoenix_countries.tsv"):
            # Generated misspellings of country names ("Afganistan"): extra aliases of known countries.
            for row in read_tsv(path, ("code", "aliases")):
                known = kb.countries.get(row["code"].strip())
                if known is not None:
                    kb.countries[known.code] = replace(known, aliases=known.aliases + _multi(row["aliases"]))
        for path in _present(data_dir, "peoples.tsv"):
            for row in read_tsv(path, REQUIRED["peoples"]):
                codes = _multi(row["countries"])
                if row["term"].strip() and codes:
                    kb.peoples[row["term"].strip()] = codes
        kb.touch()
        return kb

    def add_country(self, country: Country) -> None:
        """Add or replace a country."""
        self.countries[country.code] = country
        self.touch()

    def add_organisation(self, org: Organisation) -> None:
        """Add or replace an organisation (keyed by its code and name)."""
        self.organisations[f"{org.code}\t{org.name}"] = org
        self.touch()

    def add_official(self, official: Official) -> None:
        """Add one term of office."""
        self.officials.append(official)
        self.touch()

    def add_place(self, place: Place) -> None:
        """Add a place to the gazetteer."""
        self.places.append(place)
        self.touch()

    def touch(self) -> None:
        """Mark the base changed: indexes and matchers rebuild on next use."""
        self.version += 1
        self._index = None
        self.cache.clear()

    def extend_from_phoenix(self, path: Path | str) -> dict[str, int]:
        """Add the actors of a CAMEO/Phoenix (TABARI-format) dictionary; counts of what was added."""
        from communique.knowledge.phoenix import extend_from_phoenix

        return extend_from_phoenix(self, Path(path))

    # --- lookups --------------------------------------------------------------------

    @property
    def index(self) -> dict[str, Any]:
        if self._index is None:
            self._index = self._build_index()
        return self._index

    def _build_index(self) -> dict[str, Any]:
        by_name: dict[str, str] = {}
        by_demonym: dict[str, str] = {}
        by_seat: dict[str, tuple[str, str]] = {}
        for c in self.countries.values():
            for n in (c.name, c.code, c.iso2 or "", c.cameo or "", *c.aliases):
                if n:
                    by_name.setdefault(n.lower(), c.code)
            for d in c.demonyms:
                by_demonym.setdefault(d.lower(), c.code)
            for cap in c.capitals:
                by_seat.setdefault(cap.lower(), (c.code, "GOV"))
            for seat, sector in c.seats:
                by_seat.setdefault(seat.lower(), (c.code, sector))
        orgs: dict[str, Organisation] = {}
        for org in self.organisations.values():
            for n in (org.name, *org.aliases):
                orgs.setdefault(n.lower(), org)
            orgs.setdefault(org.code.lower(), org)
        places: dict[str, Place] = {}
        for p in sorted(self.places, key=lambda p: -p.population):
            places.setdefault(p.name.lower(), p)
        officials: dict[str, list[Official]] = {}
        for o in self.officials:
            for n in {o.name, *o.aliases}:
                officials.setdefault(n.lower(), []).append(o)
        return {
            "name": by_name,
            "demonym": by_demonym,
            "seat": by_seat,
            "org": orgs,
            "place": places,
            "official": officials,
        }

    def country(self, code_or_name: str) -> Country | None:
        """A country by code (ISO alpha-3/alpha-2, CAMEO), name or alias."""
        if code_or_name in self.countries:
            return self.countries[code_or_name]
        code = self.index["name"].get(code_or_name.strip().lower())
        return self.countries.get(code) if code else None

    def country_name(self, code: str | None) -> str | None:
        """The display name of a country or organisation code."""
        if not code:
            return None
        if code in self.countries:
            return self.countries[code].name
        org = self.index["org"].get(code.lower())
        return org.name if org else None

    def organisation(self, name_or_code: str) -> Organisation | None:
        """An organisation by name, alias or code."""
        return self.index["org"].get(name_or_code.strip().lower())

    def country_of(self, text: str) -> str | None:
        """The country code a phrase points to: a country, demonym, capital/seat, place or organisation."""
        key = text.strip().lower()
        idx = self.index
        if key.startswith("the ") and key not in idx["seat"] and key not in idx["name"]:
            key = key[4:]
        for table in ("name", "demonym"):
            if key in idx[table]:
                return str(idx[table][key])
        if key in idx["seat"]:
            return str(idx["seat"][key][0])
        if key in idx["org"]:
            return idx["org"][key].actor_country  # type: ignore[no-any-return]
        if key in idx["official"]:
            return idx["official"][key][0].country  # type: ignore[no-any-return]
        if key in idx["place"]:
            return idx["place"][key].country  # type: ignore[no-any-return]
        return None

    def place_country(self, name: str) -> str | None:
        """The country of a place (the most populous place of that name), or of a capital."""
        key = name.strip().lower()
        place = self.index["place"].get(key)
        if place:
            return place.country  # type: ignore[no-any-return]
        seat = self.index["seat"].get(key)
        return seat[0] if seat else None

    def sector_name(self, code: str | None) -> str | None:
        """Human name of a sector code (GOV → Government)."""
        return self.sectors.get(code) if code else None

    def officials_on(self, when: date | None = None) -> list[Official]:
        """Every term of office that covers ``when`` (today when None)."""
        when = when or date.today()
        return [o for o in self.officials if o.active_on(when)]

    def officials_named(self, name: str) -> list[Official]:
        """Terms of office of the person called ``name`` (full name or alias)."""
        return list(self.index["official"].get(name.strip().lower(), []))

    def term_on(self, terms: Iterable[Official], when: date | None) -> Official | None:
        """Of one person's terms, the one that covers ``when``, else the latest before it, else any."""
        terms = list(terms)
        if not terms:
            return None
        when = when or date.today()
        active = [t for t in terms if t.active_on(when)]
        if active:
            return active[0]
        before = [t for t in terms if t.start is None or t.start <= when]
        if before:
            return max(before, key=lambda t: t.start or date.min)
        return min(terms, key=lambda t: t.start or date.min)

    def office_holder(self, country: str, role: str, when: date | None = None) -> Official | None:
        """Who held ``role`` (e.g. "president", "foreign minister") for ``country`` on ``when``."""
        role = role.lower()
        canonical = self.roles[role].canonical_role if role in self.roles else role
        for o in self.officials_on(when):
            if o.country == country and o.role and o.role.lower() in (role, canonical):
                return o
        return None


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building large tables of small objects.

    Tens of thousands of new tuples trigger collection after collection, each scanning every
    object built so far; the tables hold no cycles, so pausing halves the build time.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# --- TSV reading -------------------------------------------------------------------------


def read_tsv(path: Path, required: Iterable[str] = ()) -> Iterator[dict[str, str]]:
    """Rows of a TSV file as dicts (``# `` comment lines skipped; ``.gz`` files decompressed)."""
    try:
        raw = gzip.open(path, "rt", encoding="utf-8") if path.suffix == ".gz" else path.open(encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        raise UsageError(f"{path}: cannot read knowledge file ({exc.strerror or exc})") from exc
    with raw as handle:
        lines = (line for line in handle if line.strip() and not line.startswith("#"))
        reader = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
        try:
            header = [h.strip().lower() for h in next(reader)]
        except StopIteration:
            return
        missing = [c for c in required if c not in header]
        if missing:
            raise UsageError(f"{path}: missing required column(s) {', '.join(missing)}")
        for cells in reader:
            if len(cells) < len(header):
                cells = cells + [""] * (len(header) - len(cells))
            yield dict(zip(header, cells, strict=False))


def _present(data_dir: Path, *names: str) -> list[Path]:
    return [data_dir / n for n in names if (data_dir / n).exists()]


def _opt(cell: str | None) -> str | None:
    cell = (cell or "").strip()
    return cell or None


def _multi(cell: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in (cell or "").split("|") if v.strip())


def parse_date(text: str | None, end: bool = False) -> date | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` → a date (the last day of the period when ``end``)."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        if len(text) == 4:
            return date(int(text), 12, 31) if end else date(int(text), 1, 1)
        if len(text) == 7:
            y, m = int(text[:4]), int(text[5:7])
            if end:
                nxt = date(y + (m == 12), m % 12 + 1, 1)
                return date.fromordinal(nxt.toordinal() - 1)
            return date(y, m, 1)
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _country_from_row(row: dict[str, str]) -> Country:
    seats = _multi(row.get("seats"))
    sectors = _multi(row.get("seat_sectors"))
    if len(sectors) != len(seats):
        # One sector for all seats, or none given: seats of power are government by default.
        sectors = tuple([sectors[0] if len(sectors) == 1 else "GOV"] * len(seats))
    return Country(
        code=row["code"].strip(),
        name=row["name"].strip(),
        iso2=_opt(row.get("iso2")),
        aliases=_multi(row.get("aliases")),
        demonyms=_multi(row.get("demonyms")),
        capitals=_multi(row.get("capitals")),
        seats=tuple(zip(seats, sectors, strict=True)),
        cameo=_opt(row.get("cameo")),
        region=_opt(row.get("region")),
    )


def _organisation_from_row(row: dict[str, str]) -> Organisation:
    return Organisation(
        code=row["code"].strip(),
        name=row["name"].strip(),
        aliases=_multi(row.get("aliases")),
        kind=_opt(row.get("kind")),
        sector=_opt(row.get("sector")),
        country=_opt(row.get("country")),
        description=_opt(row.get("description")),
        parent=_opt(row.get("parent")),
        cameo=_opt(row.get("cameo")),
    )


def _official_from_row(row: dict[str, str], path: Path) -> Official:
    name = row["name"].strip()
    return Official(
        name=name,
        country=row["country"].strip(),
        aliases=_multi(row.get("aliases")),
        surname=_opt(row.get("surname")),
        role=_opt(row.get("role")),
        sector=_opt(row.get("sector")),
        start=parse_date(row.get("start")),
        end=parse_date(row.get("end"), end=True),
        as_of=parse_date(row.get("as_of")),
        note=_opt(row.get("note")),
    )


def _place_from_row(row: dict[str, str]) -> Place:
    try:
        population = int(float((row.get("population") or "0").strip() or 0))
    except ValueError:
        population = 0
    return Place(
        name=row["name"].strip(),
        country=row["country"].strip(),
        kind=_opt(row.get("kind")),
        population=population,
        geonameid=_opt(row.get("geonameid")),
    )
