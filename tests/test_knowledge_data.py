"""Checks on the knowledge-base data files (src/communique/knowledge/data): they parse, agree with
each other, and hold the facts a user would look up first."""

from __future__ import annotations

import csv
import gzip
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "src" / "communique" / "knowledge" / "data"

COLUMNS = {
    "countries.tsv": ["code", "iso2", "name", "aliases", "demonyms", "capitals", "seats", "seat_sectors",
                      "cameo", "region"],
    "organisations.tsv": ["code", "name", "aliases", "kind", "sector", "country", "cameo", "parent",
                          "description"],
    "officials.tsv": ["name", "aliases", "surname", "country", "role", "sector", "start", "end", "as_of",
                      "note", "org"],
    "roles.tsv": ["term", "kind", "sector", "canonical_role"],
    "sectors.tsv": ["code", "name", "description"],
    "places.tsv.gz": ["name", "country", "kind", "population", "geonameid"],
    "places_extra.tsv": ["name", "country", "kind", "population", "geonameid", "note"],
}


def _lines(path: Path) -> Iterator[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:  # type: ignore[operator]
        for line in handle:
            if line.strip() and not line.startswith("#"):
                yield line


def rows(name: str) -> list[dict[str, str]]:
    """A data file's rows, read as the loader reads them (tab-separated, no quoting)."""
    reader = csv.reader(_lines(DATA / name), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader)
    assert header == COLUMNS[name], f"{name}: header {header}"
    out = []
    for n, cells in enumerate(reader, start=2):
        assert len(cells) == len(header), f"{name}: data row {n} has {len(cells)} cells, header {len(header)}"
        assert all(c == c.strip() for c in cells), f"{name}: row {n} has padded cells"
        out.append(dict(zip(header, cells, strict=True)))
    return out


def multi(cell: str) -> list[str]:
    return [v for v in cell.split("|") if v]


@pytest.fixture(scope="module")
def countries() -> dict[str, dict[str, str]]:
    return {r["code"]: r for r in rows("countries.tsv")}


@pytest.fixture(scope="module")
def orgs() -> dict[str, dict[str, str]]:
    return {r["code"]: r for r in rows("organisations.tsv")}


@pytest.fixture(scope="module")
def officials() -> list[dict[str, str]]:
    return rows("officials.tsv")


@pytest.fixture(scope="module")
def places() -> dict[str, dict[str, str]]:
    table = {r["name"].lower(): r for r in rows("places.tsv.gz")}
    table.update({r["name"].lower(): r for r in rows("places_extra.tsv")})  # extras override
    return table


@pytest.fixture(scope="module")
def sectors() -> set[str]:
    return {r["code"] for r in rows("sectors.tsv")}


def holder(officials: list[dict[str, str]], country: str, role: str, when: str) -> list[str]:
    day = date.fromisoformat(when)
    return [
        o["name"] for o in officials
        if o["country"] == country and o["role"] == role
        and date.fromisoformat(o["start"]) <= day
        and (not o["end"] or day <= date.fromisoformat(o["end"]))
    ]


# --- structure -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(COLUMNS))
def test_every_file_parses_with_the_declared_columns(name: str) -> None:
    assert rows(name)


def test_codes_are_unique_and_do_not_clash(countries: dict[str, dict[str, str]]) -> None:
    country_rows = rows("countries.tsv")
    org_rows = rows("organisations.tsv")
    assert len({r["code"] for r in country_rows}) == len(country_rows)
    assert len({r["code"] for r in org_rows}) == len(org_rows)
    assert not {r["code"] for r in org_rows} & set(countries), "an organisation code is also a country code"
    assert len({r["iso2"] for r in country_rows}) == len(country_rows)
    sector_rows = rows("sectors.tsv")
    assert len({r["code"] for r in sector_rows}) == len(sector_rows)
    terms = [r["term"] for r in rows("roles.tsv")]
    assert len(set(terms)) == len(terms)


def test_all_iso_countries_and_the_extra_codes_are_present(countries: dict[str, dict[str, str]]) -> None:
    import pycountry

    assert {c.alpha_3 for c in pycountry.countries} <= set(countries)
    assert {"XKX", "PSE", "TWN"} <= set(countries)
    assert countries["XKX"]["name"] == "Kosovo"


def test_seat_sectors_parallel_seats(countries: dict[str, dict[str, str]], sectors: set[str]) -> None:
    for c in countries.values():
        if c["seat_sectors"]:
            assert len(multi(c["seat_sectors"])) == len(multi(c["seats"])), c["code"]
            assert set(multi(c["seat_sectors"])) <= sectors, c["code"]


def test_every_code_referenced_exists(
    countries: dict[str, dict[str, str]], orgs: dict[str, dict[str, str]],
    officials: list[dict[str, str]], sectors: set[str],
) -> None:
    actors = set(countries) | set(orgs)
    for o in orgs.values():
        assert not o["country"] or o["country"] in countries, o["code"]
        assert not o["parent"] or o["parent"] in orgs, o["code"]
        assert o["sector"] in sectors, o["code"]
        assert o["kind"] in {"igo", "ngo", "armed_group", "state_body", "party", "media", "company"}, o["code"]
    for off in officials:
        assert off["country"] in actors, off["name"]
        assert not off["org"] or off["org"] in orgs, off["name"]
        assert off["sector"] in sectors, off["name"]
    for r in rows("roles.tsv"):
        assert r["sector"] in sectors, r["term"]
        assert r["kind"] in {"title", "role", "group"}, r["term"]
    for name in ("places.tsv.gz", "places_extra.tsv"):
        for p in rows(name):
            # Only a sea shared by several countries may have none.
            assert p["country"] in countries or (not p["country"] and p["kind"] == "sea"), (name, p["name"])
            assert p["population"].isdigit(), (name, p["name"])


def test_official_dates_parse_and_are_ordered(officials: list[dict[str, str]]) -> None:
    for o in officials:
        start = date.fromisoformat(o["start"])
        as_of = date.fromisoformat(o["as_of"])
        assert start <= as_of, o["name"]
        if o["end"]:
            assert start <= date.fromisoformat(o["end"]), o["name"]


def test_official_roles_are_canonical_roles(officials: list[dict[str, str]]) -> None:
    canonical = {r["canonical_role"] for r in rows("roles.tsv") if r["canonical_role"]}
    assert {o["role"] for o in officials} <= canonical


def test_one_holder_at_a_time_for_the_top_offices(officials: list[dict[str, str]]) -> None:
    # Terms of one office for one country may touch on the handover day but never overlap longer.
    for role in ("president", "prime minister", "foreign minister", "defence minister", "chancellor"):
        terms: dict[str, list[tuple[date, date, str]]] = {}
        for o in officials:
            if o["role"] == role and o["country"] not in {"EUR", "UNO"}:
                end = date.fromisoformat(o["end"]) if o["end"] else date.max
                terms.setdefault(o["country"], []).append((date.fromisoformat(o["start"]), end, o["name"]))
        for country, spans in terms.items():
            spans.sort()
            for (_, end1, n1), (start2, _, n2) in zip(spans, spans[1:], strict=False):
                assert start2 >= end1, f"{country} {role}: {n1} and {n2} overlap"


def test_places_file_is_compact() -> None:
    assert (DATA / "places.tsv.gz").stat().st_size < 3_000_000
    with gzip.open(DATA / "places.tsv.gz", "rt", encoding="utf-8") as handle:
        header = "".join(line for line in handle if line.startswith("#"))
    assert "GeoNames" in header and "CC BY 4.0" in header and "pycountry" in header


# --- facts a user looks up ---------------------------------------------------------------------


def test_country_names_demonyms_and_seats(countries: dict[str, dict[str, str]]) -> None:
    assert countries["IRN"]["name"] == "Iran" and "Iranian" in multi(countries["IRN"]["demonyms"])
    assert "Islamic Republic of Iran" in multi(countries["IRN"]["aliases"])
    assert "Tehran" in multi(countries["IRN"]["capitals"])
    assert "the Kremlin" in multi(countries["RUS"]["seats"])
    assert "Russian" in multi(countries["RUS"]["demonyms"])
    assert {"Israeli", "Israelis"} <= set(multi(countries["ISR"]["demonyms"]))
    assert "Palestinian" in multi(countries["PSE"]["demonyms"])
    assert {"U.S.", "America"} <= set(multi(countries["USA"]["aliases"]))
    assert {"White House", "Pentagon"} <= set(multi(countries["USA"]["seats"]))
    assert "Washington" in multi(countries["USA"]["capitals"])
    assert "Downing Street" in multi(countries["GBR"]["seats"])
    assert "British" in multi(countries["GBR"]["demonyms"])
    assert "Kyiv" in multi(countries["UKR"]["capitals"])
    assert "Beijing" in multi(countries["CHN"]["capitals"])
    assert countries["XKX"]["cameo"] == "KSV"


def test_every_un_member_has_a_demonym(countries: dict[str, dict[str, str]]) -> None:
    # Territories may lack one; sovereign states (bar Vatican City's) need one for "Iranian officials".
    without = {c for c, r in countries.items() if not r["demonyms"] and r["capitals"]}
    assert without <= {"COG", "DMA", "VGB", "VIR", "JEY", "GGY", "REU", "TCA", "SXM", "MAF", "BLM", "SPM",
                       "BES", "SJM", "CXR", "PCN"}, without


def test_key_organisations(orgs: dict[str, dict[str, str]]) -> None:
    assert orgs["UNO"]["name"] == "United Nations" and "UN" in multi(orgs["UNO"]["aliases"])
    assert orgs["UNSC"]["parent"] == "UNO"
    assert orgs["EUR"]["name"] == "European Union" and "EU" in multi(orgs["EUR"]["aliases"])
    for code in ("NATO", "IAEA", "OPEC", "BRICS", "SCO", "AFU", "ARL", "ASEAN", "WHO", "ICC", "ICJ", "IMF"):
        assert orgs[code]["kind"] == "igo", code
    assert (orgs["HAMAS"]["country"], orgs["HAMAS"]["sector"]) == ("PSE", "REB")
    assert orgs["HEZBOLLAH"]["country"] == "LBN"
    assert orgs["HOUTHIS"]["country"] == "YEM" and "Ansar Allah" in multi(orgs["HOUTHIS"]["aliases"])
    assert orgs["TALIBAN"]["country"] == "AFG"
    assert (orgs["IRGC"]["country"], orgs["IRGC"]["sector"]) == ("IRN", "MIL")
    assert orgs["MOSSAD"]["country"] == "ISR"
    assert len(orgs) >= 80


def test_office_holders_by_date(officials: list[dict[str, str]]) -> None:
    assert holder(officials, "USA", "president", "2024-06-01") == ["Joe Biden"]
    assert holder(officials, "USA", "president", "2025-06-01") == ["Donald Trump"]
    assert holder(officials, "USA", "foreign minister", "2024-06-01") == ["Antony Blinken"]
    assert holder(officials, "USA", "foreign minister", "2025-06-01") == ["Marco Rubio"]
    assert holder(officials, "IRN", "foreign minister", "2025-04-01") == ["Abbas Araghchi"]
    assert holder(officials, "IRN", "foreign minister", "2024-03-01") == ["Hossein Amir-Abdollahian"]
    assert holder(officials, "IRN", "president", "2024-03-01") == ["Ebrahim Raisi"]
    assert holder(officials, "IRN", "president", "2025-01-01") == ["Masoud Pezeshkian"]
    assert holder(officials, "IRN", "supreme leader", "2025-01-01") == ["Ali Khamenei"]
    assert holder(officials, "RUS", "president", "2025-01-01") == ["Vladimir Putin"]
    assert holder(officials, "RUS", "foreign minister", "2025-01-01") == ["Sergey Lavrov"]
    assert holder(officials, "GBR", "prime minister", "2024-03-01") == ["Rishi Sunak"]
    assert holder(officials, "GBR", "prime minister", "2025-03-01") == ["Keir Starmer"]
    assert holder(officials, "GBR", "foreign minister", "2025-10-01") == ["Yvette Cooper"]
    assert holder(officials, "DEU", "chancellor", "2025-06-01") == ["Friedrich Merz"]
    assert holder(officials, "SYR", "president", "2024-11-01") == ["Bashar al-Assad"]
    assert holder(officials, "SYR", "president", "2025-03-01") == ["Ahmed al-Sharaa"]
    assert holder(officials, "UNO", "secretary-general", "2025-01-01") == ["António Guterres"]
    assert holder(officials, "NATO", "secretary-general", "2025-01-01") == ["Mark Rutte"]
    assert holder(officials, "ISR", "prime minister", "2025-01-01") == ["Benjamin Netanyahu"]
    assert holder(officials, "UKR", "president", "2025-01-01") == ["Volodymyr Zelensky"]
    assert holder(officials, "CHN", "foreign minister", "2025-01-01") == ["Wang Yi"]


def test_officials_have_surnames_and_cover_the_news_countries(officials: list[dict[str, str]]) -> None:
    araghchi = next(o for o in officials if o["name"] == "Abbas Araghchi")
    assert (araghchi["surname"], araghchi["country"], araghchi["role"]) == ("Araghchi", "IRN", "foreign minister")
    assert "Sergei Lavrov" in multi(next(o for o in officials if o["name"] == "Sergey Lavrov")["aliases"])
    covered = {o["country"] for o in officials}
    g20 = {"ARG", "AUS", "BRA", "CAN", "CHN", "FRA", "DEU", "IND", "IDN", "ITA", "JPN", "KOR", "MEX", "RUS",
           "SAU", "ZAF", "TUR", "GBR", "USA", "EUR"}
    news = {"IRN", "ISR", "UKR", "PSE", "SYR", "LBN", "IRQ", "QAT", "EGY", "PAK", "PRK", "VEN", "POL", "ARE",
            "JOR", "YEM", "AFG", "BLR", "HUN", "TWN", "CUB", "SDN", "ETH", "NGA", "KEN", "ARM", "AZE", "GEO",
            "SRB", "XKX"}
    assert g20 | news <= covered, (g20 | news) - covered
    assert len(officials) >= 250
    assert all(o["surname"] for o in officials)


def test_places_resolve_to_their_country(places: dict[str, dict[str, str]]) -> None:
    expect = {"Kharkiv": "UKR", "Yekaterinburg": "RUS", "Kunar": "AFG", "Kunar province": "AFG",
              "Gaza": "PSE", "Gaza Strip": "PSE", "West Bank": "PSE", "Rafah": "PSE", "Khan Younis": "PSE",
              "Donbas": "UKR", "Crimea": "UKR", "Golan Heights": "SYR", "Darfur": "SDN", "Idlib": "SYR",
              "Kursk": "RUS", "Mosul": "IRQ", "Isfahan": "IRN", "Kandahar": "AFG", "Odessa": "UKR",
              "Manchester": "GBR", "Florida": "USA", "Aleppo": "SYR"}
    got = {name: places[name.lower()]["country"] for name in expect if name.lower() in places}
    assert got == expect


def test_places_leave_out_names_that_are_usually_something_else(places: dict[str, dict[str, str]]) -> None:
    # Country names, capitals (countries.tsv owns them), first names and common words are not places here.
    for name in ("Georgia", "Jordan", "Washington", "Moscow", "Gary", "Howard", "Nice", "Of", "Victoria",
                 "Austin", "Asia", "Boe", "Gao"):
        assert name.lower() not in places, name


def test_hand_added_places_do_not_shadow_country_words(countries: dict[str, dict[str, str]]) -> None:
    # countries.tsv owns names, demonyms, capitals and seats; a place row for one would be dead or wrong.
    owned = {
        word.lower()
        for c in countries.values()
        for field in ("name", "aliases", "demonyms", "capitals", "seats")
        for word in multi(c[field])
    }
    names = [p["name"].lower() for p in rows("places_extra.tsv")]
    assert not set(names) & owned
    assert len(names) == len(set(names))


# --- former office holders and historical names (news archives reach back to the 1980s) ----------


@pytest.mark.parametrize(
    ("country", "role", "when", "expected"),
    [
        ("USA", "president", "1986-06-01", "Ronald Reagan"),
        ("USA", "president", "1991-01-16", "George H. W. Bush"),
        ("USA", "president", "2003-03-20", "George W. Bush"),
        ("USA", "president", "2015-07-14", "Barack Obama"),
        ("USA", "president", "2019-01-01", "Donald Trump"),
        ("USA", "foreign minister", "1987-01-01", "George Shultz"),
        ("USA", "foreign minister", "2010-01-01", "Hillary Clinton"),
        ("GBR", "prime minister", "1985-01-01", "Margaret Thatcher"),
        ("GBR", "prime minister", "2003-03-20", "Tony Blair"),
        ("RUS", "leader", "1988-01-01", "Mikhail Gorbachev"),
        ("RUS", "president", "1995-01-01", "Boris Yeltsin"),
        ("RUS", "president", "2010-01-01", "Dmitry Medvedev"),
        ("RUS", "prime minister", "2010-01-01", "Vladimir Putin"),
        ("CHN", "president", "1998-01-01", "Jiang Zemin"),
        ("DEU", "chancellor", "1990-10-03", "Helmut Kohl"),
        ("DEU", "chancellor", "2015-01-01", "Angela Merkel"),
        ("FRA", "president", "1990-01-01", "François Mitterrand"),
        ("ISR", "prime minister", "1993-09-13", "Yitzhak Rabin"),
        ("IRN", "supreme leader", "1985-01-01", "Ruhollah Khomeini"),
        ("IRN", "president", "2006-01-01", "Mahmoud Ahmadinejad"),
        ("IRQ", "president", "1995-01-01", "Saddam Hussein"),
        ("EGY", "president", "2000-01-01", "Hosni Mubarak"),
        ("LBY", "leader", "2000-01-01", "Muammar Gaddafi"),
        ("PSE", "president", "2000-01-01", "Yasser Arafat"),
        ("SRB", "president", "1999-03-24", "Slobodan Milošević"),
        ("DZA", "president", "2005-01-01", "Abdelaziz Bouteflika"),
        ("ZWE", "president", "2008-01-01", "Robert Mugabe"),
        ("ZAF", "president", "1995-01-01", "Nelson Mandela"),
        ("VEN", "president", "2005-01-01", "Hugo Chávez"),
        ("CUB", "president", "1995-01-01", "Fidel Castro"),
        ("JOR", "king", "1990-01-01", "Hussein bin Talal"),
        ("SAU", "king", "1990-01-01", "Fahd bin Abdulaziz"),
        ("UNO", "secretary-general", "1999-01-01", "Kofi Annan"),
        ("UNO", "secretary-general", "1985-01-01", "Javier Pérez de Cuéllar"),
        ("NATO", "secretary-general", "2012-01-01", "Anders Fogh Rasmussen"),
    ],
)
def test_former_office_holders_by_date(
    officials: list[dict[str, str]], country: str, role: str, when: str, expected: str
) -> None:
    assert holder(officials, country, role, when) == [expected]


def test_former_holders_with_common_surnames_need_the_full_name(officials: list[dict[str, str]]) -> None:
    # A lone "Major", "Brown", "May" or "Begin" is an ordinary word far more often than the politician.
    surname = {o["name"]: o["surname"] for o in officials}
    for name in ("John Major", "Gordon Brown", "Theresa May", "Menachem Begin", "James Baker",
                 "Condoleezza Rice", "Hillary Clinton", "Cyrus Vance"):
        assert surname[name] == name
    # The two Presidents Bush share the lone surname; the recogniser picks the one nearest the article date.
    assert surname["George H. W. Bush"] == surname["George W. Bush"] == "Bush"


def test_historical_country_and_organisation_names(
    countries: dict[str, dict[str, str]], orgs: dict[str, dict[str, str]]
) -> None:
    # Predecessor states take their successor's code, as the CAMEO/PLOVER gold standards do.
    assert "Zaire" in multi(countries["COD"]["aliases"])
    assert "Soviet Union" in multi(countries["RUS"]["aliases"]) and "Soviet" in multi(countries["RUS"]["demonyms"])
    assert "Yugoslavia" in multi(countries["SRB"]["aliases"])
    assert "West German" in multi(countries["DEU"]["demonyms"])
    assert "European Community" in multi(orgs["EUR"]["aliases"])
    assert "Organization of African Unity" in multi(orgs["AFU"]["aliases"])
    assert (orgs["MILF"]["name"], orgs["MILF"]["country"]) == ("Moro Islamic Liberation Front", "PHL")


def test_former_leaders_are_recognised_in_dated_and_undated_articles(analyze) -> None:
    text = "Reagan spoke with Gorbachev, and Zaire protested to the European Community."
    for published in ("1987-05-04", None):
        found = {m.text: m.country for m in analyze(text, published=published).actors}
        assert found["Reagan"] == "USA" and found["Gorbachev"] == "RUS"
        assert found["Zaire"] == "COD" and found["European Community"] == "EUR"
    moro = analyze("The Moro Islamic Liberation Front signed a truce.", published="2001-08-07").actors
    assert [(m.text, m.country) for m in moro] == [("Moro Islamic Liberation Front", "PHL")]
