"""Who is who for event coding: the country codes a user sees for news actors.

Sentences are written for these tests; codes follow CAMEO/Phoenix (first three letters of the
actor code: ISO alpha-3 countries, organisation codes for IGOs).
"""

from __future__ import annotations

from datetime import date

import pytest

from communique.nlp.actors import recognise_actors


def mentions(pipeline, text, when=date(2014, 6, 1)):
    return recognise_actors(pipeline.nlp(text), pipeline.kb, when)


def country_of(pipeline, text, words, when=date(2014, 6, 1)):
    found = [m for m in mentions(pipeline, text, when) if m.text == words]
    assert found, f"no mention {words!r} in {[m.text for m in mentions(pipeline, text, when)]}"
    return found[0].country


@pytest.mark.parametrize(
    ("sentence", "words", "country"),
    [
        ("The Israeli army shelled a village near the border.", "Israeli army", "ISR"),
        ("Hamas fired rockets at southern towns overnight.", "Hamas", "PSE"),
        ("The Kremlin rejected the accusation as baseless.", "Kremlin", "RUS"),
        ("The Pentagon said it would send more ships.", "Pentagon", "USA"),
        ("Taliban gunmen attacked a checkpoint.", "Taliban", "AFG"),
        ("Hezbollah threatened to retaliate.", "Hezbollah", "LBN"),
        ("The Palestinian Authority condemned the raid.", "Palestinian Authority", "PSE"),
        ("Afghan police arrested three suspects.", "Afghan police", "AFG"),
        ("Tehran accused Washington of meddling.", "Tehran", "IRN"),
        ("Tehran accused Washington of meddling.", "Washington", "USA"),
        ("Downing Street declined to comment on the report.", "Downing Street", "GBR"),
        ("Pakistani troops killed five militants.", "Pakistani troops", "PAK"),
        ("Islamabad recalled its envoy on Monday.", "Islamabad", "PAK"),
    ],
)
def test_common_news_actors_get_their_country(pipeline, sentence, words, country):
    assert country_of(pipeline, sentence, words) == country


@pytest.mark.parametrize(
    ("sentence", "words", "country"),
    [
        ("Chechen rebels clashed with soldiers overnight.", "Chechen rebels", "RUS"),
        ("Tamil rebels attacked a naval base.", "Tamil rebels", "LKA"),
        ("Bosnian Serbs shelled the town again.", "Bosnian Serbs", "BIH"),
        ("Tibetan protesters marched through the square.", "Tibetan protesters", "CHN"),
        ("The Zionist regime will regret this, the cleric said.", "Zionist regime", "ISR"),
    ],
)
def test_peoples_of_one_country_take_its_code(pipeline, sentence, words, country):
    assert country_of(pipeline, sentence, words) == country


def test_a_people_of_several_countries_takes_the_country_the_sentence_names(pipeline):
    assert (
        country_of(pipeline, "Kurdish rebels ambushed a convoy in southeastern Turkey.", "Kurdish rebels")
        == "TUR"
    )
    text = "Kurdish fighters recaptured the town from militants, Iraqi officials said."
    assert country_of(pipeline, text, "Kurdish fighters") == "IRQ"
    # Nothing to choose by: no guess.
    assert country_of(pipeline, "Kurdish rebels ambushed a convoy at dawn.", "Kurdish rebels") is None


@pytest.mark.parametrize(
    ("sentence", "words", "country"),
    [
        ("The government of Sudan expelled two aid workers.", "government", "SDN"),
        ("Police in Karachi arrested five men.", "Police", "PAK"),
        ("Separatists in eastern Ukraine shot down a helicopter.", "Separatists", "UKR"),
    ],
)
def test_a_group_takes_the_country_of_the_place_after_it(pipeline, sentence, words, country):
    assert country_of(pipeline, sentence, words) == country


def test_troops_in_a_country_are_not_assumed_to_be_its_own(pipeline):
    assert country_of(pipeline, "Troops in Iraq came under fire.", "Troops") is None


def test_the_title_country_picks_between_officials_who_share_a_name(pipeline):
    assert country_of(pipeline, "Saudi King Abdullah received the envoy.", "Abdullah") == "SAU"
    assert country_of(pipeline, "Jordan's King Abdullah received the envoy.", "Abdullah") == "JOR"


@pytest.mark.parametrize(
    ("sentence", "words", "country"),
    [
        # Ministers of every country from the Phoenix (CountryInfo) dictionary, by full name.
        ("Rangin Dadfar Spanta said the talks had failed.", "Rangin Dadfar Spanta", "AFG"),
        ("Edmond Haxhinasto flew home on Sunday.", "Edmond Haxhinasto", "ALB"),
        # Armed groups and state bodies with a home country.
        ("The Kurdistan Workers' Party claimed the bombing.", "Kurdistan Workers' Party", "TUR"),
        ("The Free Syrian Army captured a village.", "Free Syrian Army", "SYR"),
        ("Scotland Yard opened an inquiry.", "Scotland Yard", "GBR"),
        # Parties and movements.
        ("The Muslim Brotherhood called for new protests.", "Muslim Brotherhood", "EGY"),
        ("ZANU-PF rejected the result.", "ZANU-PF", "ZWE"),
        ("The Lord's Resistance Army raided two villages.", "Lord's Resistance Army", "UGA"),
    ],
)
def test_dictionary_officials_and_organisations(pipeline, sentence, words, country):
    assert country_of(pipeline, sentence, words, when=date(2010, 5, 1)) == country


def test_a_one_word_dictionary_name_is_not_read_alone(pipeline):
    # Phoenix lists people whose surname is an ordinary word or a common name; only full names count.
    found = mentions(pipeline, "Brown and Young scored late goals.", when=date(2010, 5, 1))
    assert all(m.country is None or m.kind != "person" for m in found)


def test_arabic_article_spelled_either_way(pipeline):
    text = "Sheikh Hamad bin Khalifa al-Thani opened the session."
    assert country_of(pipeline, text, "Hamad bin Khalifa al-Thani", when=date(2008, 3, 1)) == "QAT"


def test_shipped_dictionary_tables_keep_the_mit_attribution():
    import gzip

    from communique.knowledge import DATA_DIR

    with gzip.open(DATA_DIR / "phoenix_officials.tsv.gz", "rt", encoding="utf-8") as fh:
        head = fh.read(3000)
    assert "MIT License" in head and "Open Event Data Alliance" in head
    assert "MIT License" in (DATA_DIR / "phoenix_organisations.tsv").read_text("utf-8")[:3000]


@pytest.mark.parametrize(
    ("sentence", "words", "country"),
    [
        ("Danish media and government condemned the attack.", "government", "DNK"),
        ("Iranian police and soldiers raided the house.", "soldiers", "IRN"),
        ("The French embassy said the talks would resume.", "French embassy", "FRA"),
        ("Iraqi Christians fled the city.", "Iraqi Christians", "IRQ"),
    ],
)
def test_group_words_take_the_demonym_before_them(pipeline, sentence, words, country):
    assert country_of(pipeline, sentence, words) == country


def test_a_demonym_does_not_spread_to_the_next_group_that_has_its_own(pipeline):
    text = "Israeli soldiers and Palestinian protesters clashed at the gate."
    assert country_of(pipeline, text, "Palestinian protesters") == "PSE"
    # A plural people noun is not a demonym in front of the next noun.
    assert country_of(pipeline, "Palestinians and settlers clashed.", "settlers") is None


@pytest.mark.parametrize(
    ("sentence", "words", "country"),
    [
        ("Afganistan and Pakistan agreed to reopen the crossing.", "Afganistan", "AFG"),
        ("Quatar's emir launched a mediation effort.", "Quatar", "QAT"),
    ],
)
def test_common_misspellings_of_country_names(pipeline, sentence, words, country):
    assert country_of(pipeline, sentence, words) == country


def test_a_peoples_file_row_without_countries_is_ignored(tmp_path):
    from communique.knowledge import DATA_DIR, KnowledgeBase

    (tmp_path / "countries.tsv").write_text((DATA_DIR / "countries.tsv").read_text("utf-8"), "utf-8")
    (tmp_path / "peoples.tsv").write_text("term\tcountries\nKurdish\tTUR|IRQ\nNobody\t\n", "utf-8")
    kb = KnowledgeBase.from_directory(tmp_path)
    assert kb.peoples == {"Kurdish": ("TUR", "IRQ")}


def test_the_host_country_of_an_ambassador_is_not_his_own(pipeline):
    text = "U.S. Ambassador to Israel David Friedman met the settlers."
    assert country_of(pipeline, text, "David Friedman") == "USA"


def test_a_regional_adjective_is_no_country(pipeline):
    found = mentions(pipeline, "The South American branch of the movement declared a boycott.")
    assert all(m.country != "USA" for m in found)


def test_a_first_name_is_not_read_as_a_dictionary_acronym(pipeline):
    found = mentions(pipeline, "Foreign Minister Ana Ruiz described the deal as historic.")
    assert [m.kind for m in found if m.text.startswith("Ana")] == ["person"]
