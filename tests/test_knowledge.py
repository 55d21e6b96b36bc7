"""The knowledge base loader and the CAMEO/Phoenix importer, on fixture data files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from communique.errors import UsageError
from communique.knowledge import KnowledgeBase, load_knowledge_base, load_phoenix_actors

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "actors"
KB_DIR = FIXTURES / "kb"


@pytest.fixture()
def kb() -> KnowledgeBase:
    # A fresh base per test: the importer tests change it.
    return KnowledgeBase.from_directory(KB_DIR)


def test_load_is_cached_per_folder():
    assert load_knowledge_base(KB_DIR) is load_knowledge_base(str(KB_DIR))


def test_country_lookups(kb):
    assert kb.country("IRN").name == "Iran"
    assert kb.country("Russian Federation").code == "RUS"
    assert kb.country("us").code == "USA"  # lookups by code/alias ignore case
    assert kb.country_of("Iranian") == "IRN"
    assert kb.country_of("the Kremlin") == "RUS"
    assert kb.country_of("Downing Street") == "GBR"
    assert kb.country_of("Hamas") == "PSE"  # armed group: its home country
    assert kb.country_of("UN") == "UNO"  # IGO: its own code
    assert kb.country_of("Atlantis") is None


def test_seat_sectors_are_paired_with_seats(kb):
    seats = dict(kb.country("USA").seats)
    assert seats["the Pentagon"] == "MIL"
    assert seats["the White House"] == "GOV"


def test_place_country_prefers_the_most_populous(kb):
    assert kb.place_country("Paris") == "FRA"
    assert kb.place_country("kharkiv") == "UKR"
    assert kb.place_country("Tehran") == "IRN"  # capitals count as places
    assert kb.place_country("Nowhere") is None


def test_office_holders_change_with_the_date(kb):
    assert kb.office_holder("USA", "president", date(2024, 5, 1)).name == "Joe Biden"
    assert kb.office_holder("USA", "president", date(2025, 5, 1)).name == "Donald Trump"
    assert kb.office_holder("USA", "president", date(2019, 5, 1)).name == "Donald Trump"
    names_2024 = {o.name for o in kb.officials_on(date(2024, 5, 1))}
    assert "Joe Biden" in names_2024 and "Donald Trump" not in names_2024


def test_sector_names(kb):
    assert kb.sector_name("GOV") == "Government"
    assert kb.sector_name("XXX") is None


def test_extra_columns_are_ignored(tmp_path):
    (tmp_path / "countries.tsv").write_text("code\tname\tflag_colour\nZMB\tZembla\tblue\n", encoding="utf-8")
    kb = KnowledgeBase.from_directory(tmp_path)
    assert kb.country("Zembla").code == "ZMB"


def test_missing_required_column_names_file_and_column(tmp_path):
    (tmp_path / "countries.tsv").write_text("iso2\tname\nZM\tZembla\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"countries.tsv: missing required column\(s\) code"):
        KnowledgeBase.from_directory(tmp_path)


def test_folder_without_countries_is_refused(tmp_path):
    with pytest.raises(UsageError, match="not a knowledge-base folder"):
        load_knowledge_base(tmp_path)


def test_phoenix_parser_reads_names_aliases_and_dated_codes():
    actors = {a.name: a for a in load_phoenix_actors(FIXTURES / "sample.actors.txt")}
    assert "Republic of Zembla" in actors["Zembla"].aliases
    group = actors["Order of the Northern Star"]
    assert "ONS" in group.aliases and group.codes[0].code == "ZMBREB"
    kovalenko = actors["Marta Kovalenko"]
    assert [(c.code, c.start, c.end) for c in kovalenko.codes[:2]] == [
        ("ZMBGOV", date(2015, 1, 1), date(2019, 12, 31)),
        ("ZMBELI", date(2020, 1, 1), None),
    ]


def test_extend_from_phoenix_adds_countries_groups_and_officials(kb):
    counts = kb.extend_from_phoenix(FIXTURES / "sample.actors.txt")
    assert counts["countries"] == 1 and counts["officials"] == 3
    assert kb.country_of("Zemblan") == "ZMB"
    assert kb.country_of("Order of the Northern Star") == "ZMB"
    assert kb.organisation("ONS").sector == "REB"
    assert kb.organisation("Coastal League").actor_country == "LCS"
    assert kb.organisation("Harbour Patrol").sector == "MIL"
    # Dated codes become terms of office; the undated catch-all does not.
    sectors_2018 = {o.sector for o in kb.officials_on(date(2018, 6, 1)) if o.name == "Marta Kovalenko"}
    sectors_2022 = {o.sector for o in kb.officials_on(date(2022, 6, 1)) if o.name == "Marta Kovalenko"}
    assert sectors_2018 == {"GOV"} and sectors_2022 == {"ELI"}


def test_phoenix_import_rejects_a_file_that_is_not_a_dictionary(tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("\t\t[\n", encoding="utf-8")
    with pytest.raises(UsageError, match="no actors found"):
        load_phoenix_actors(bad)
    with pytest.raises(UsageError, match="cannot read"):
        load_phoenix_actors(tmp_path / "missing.txt")


def test_imported_actors_are_recognised(pipeline):
    from communique.knowledge import DATA_DIR
    from communique.nlp.actors import recognise_actors

    kb = KnowledgeBase.from_directory(DATA_DIR)  # a private copy: the shared base stays as shipped
    kb.extend_from_phoenix(FIXTURES / "sample.actors.txt")
    text = "Zemblan President Kovalenko met rebels of the Order of the Northern Star."
    found = {m.text: m for m in recognise_actors(pipeline.nlp(text), kb, date(2018, 3, 1))}
    assert (found["Kovalenko"].name, found["Kovalenko"].country) == ("Marta Kovalenko", "ZMB")
    assert found["Order of the Northern Star"].sector == "REB"


def test_load_with_user_dictionaries_is_a_separate_shared_base():
    plain = load_knowledge_base(KB_DIR)
    extended = load_knowledge_base(KB_DIR, dictionaries=[FIXTURES / "sample.actors.txt"])
    assert extended is not plain
    assert extended is load_knowledge_base(KB_DIR, dictionaries=[str(FIXTURES / "sample.actors.txt")])
    assert extended.country_of("Zembla") == "ZMB" and plain.country_of("Zembla") is None
