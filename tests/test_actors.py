"""The actor recogniser on articles written for these tests, with the packaged knowledge base."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from communique.nlp.actors import recognise_actors

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "actors"

MEETING = (
    "Iranian Foreign Minister Abbas Araghchi travelled to Moscow on Tuesday for talks with his "
    "Russian counterpart Sergey Lavrov, officials in both capitals said.\n\n"
    "Araghchi carried a letter from Ayatollah Ali Khamenei to President Vladimir Putin. He told "
    "reporters that Iran and Russia would not bow to pressure from the United States.\n\n"
    "Lavrov said the two sides had also discussed the war in Gaza and Israel's operations there. "
    "The Russian minister added that Moscow wanted the fighting to stop."
)


@pytest.fixture(scope="module")
def meeting(pipeline):
    doc = pipeline.nlp(MEETING)
    return recognise_actors(doc, pipeline.kb, date(2025, 4, 18))


def find(mentions, text, nth=0):
    hits = [m for m in mentions if m.text == text]
    assert len(hits) > nth, f"no mention {text!r} in {[m.text for m in mentions]}"
    return hits[nth]


def test_spans_point_at_the_words(meeting):
    assert meeting, "no actors found"
    assert [m.start for m in meeting] == sorted(m.start for m in meeting)
    for m in meeting:
        assert MEETING[m.start : m.end] == m.text


def test_titled_officials_resolve_to_country_and_government(meeting):
    araghchi = find(meeting, "Abbas Araghchi")
    assert (araghchi.name, araghchi.country, araghchi.sector, araghchi.kind) == (
        "Abbas Araghchi",
        "IRN",
        "GOV",
        "person",
    )
    lavrov = find(meeting, "Sergey Lavrov")
    assert (lavrov.name, lavrov.country, lavrov.sector) == ("Sergey Lavrov", "RUS", "GOV")
    assert find(meeting, "Vladimir Putin").country == "RUS"
    assert find(meeting, "Ali Khamenei").country == "IRN"


def test_title_words_are_not_separate_actors(meeting):
    assert not [m for m in meeting if m.text in ("Iranian", "Russian")]


def test_later_surnames_are_the_same_person(meeting):
    assert find(meeting, "Araghchi").name == "Abbas Araghchi"
    assert find(meeting, "Lavrov").name == "Sergey Lavrov"


def test_pronoun_and_role_references(meeting):
    his = find(meeting, "his")
    assert his.kind == "pronoun" and his.name == "Abbas Araghchi"
    he = find(meeting, "He")
    assert he.name == "Abbas Araghchi"  # the subject before, not the nearest name (Putin)
    minister = find(meeting, "The Russian minister")
    assert (minister.kind, minister.name, minister.country) == ("role", "Sergey Lavrov", "RUS")


def test_a_pronoun_can_mean_an_unnamed_office_holder(pipeline):
    # No date, so no holder from the knowledge base: the office still has a country.
    doc = pipeline.nlp("Ghana's deputy defence minister said his government would send troops.")
    his = find(recognise_actors(doc, pipeline.kb, None), "his")
    assert his.country == "GHA"


@pytest.mark.parametrize(("text", "country"), [
    ("Nigeria's Foreign Office summoned the envoy.", "NGA"),
    ("The Foreign Office summoned the envoy.", "GBR"),  # London's, when no one else owns it
])
def test_a_seat_belongs_to_the_country_that_owns_it_in_the_sentence(pipeline, text, country):
    mentions = recognise_actors(pipeline.nlp(text), pipeline.kb, None)
    assert find(mentions, "Foreign Office").country == country


def test_countries_places_and_metonyms(meeting):
    assert (find(meeting, "Iran").kind, find(meeting, "Iran").country) == ("country", "IRN")
    assert find(meeting, "Russia").country == "RUS"
    assert find(meeting, "United States").country == "USA"
    assert find(meeting, "Israel").country == "ISR"
    gaza = find(meeting, "Gaza")
    assert (gaza.kind, gaza.country) == ("place", "PSE")
    travel = find(meeting, "Moscow", 0)
    assert travel.kind == "place"  # "travelled to Moscow": the city
    speaker = find(meeting, "Moscow", 1)
    assert (speaker.kind, speaker.country, speaker.sector) == ("metonym", "RUS", "GOV")


def test_pipeline_reports_actors(analyze):
    result = analyze("Russian President Vladimir Putin spoke with Iran's president.", published="2025-03-01")
    assert any(m.name == "Vladimir Putin" and m.country == "RUS" for m in result.actors)


def actors(pipeline, text, when=date(2025, 4, 18)):
    return recognise_actors(pipeline.nlp(text), pipeline.kb, when)


@pytest.mark.parametrize(
    ("sentence", "place", "country"),
    [
        ("Shelling hit Kharkiv overnight.", "Kharkiv", "UKR"),
        ("Protests spread to Yekaterinburg on Sunday.", "Yekaterinburg", "RUS"),
        ("Fighting was reported in Kunar province.", "Kunar", "AFG"),
        ("A strike hit a market in Khan Younis.", "Khan Younis", "PSE"),
        ("Flooding closed roads around Isfahan.", "Isfahan", "IRN"),
        ("The delegation arrived in Lagos late on Monday.", "Lagos", "NGA"),
        ("Talks resumed in Geneva this week.", "Geneva", "CHE"),
        ("Voters queued for hours in Karachi.", "Karachi", "PAK"),
        ("Police dispersed a rally in Marseille.", "Marseille", "FRA"),
        ("An earthquake struck near Izmir.", "Izmir", "TUR"),
        ("Exports from Mombasa rose sharply.", "Mombasa", "KEN"),
        ("The summit was held in Busan.", "Busan", "KOR"),
    ],
)
def test_places_resolve_to_their_country(pipeline, sentence, place, country):
    hits = [m for m in actors(pipeline, sentence) if m.text.startswith(place)]
    assert hits, f"{place!r} not found in {sentence!r}"
    assert (hits[0].kind, hits[0].country) == ("place", country)


@pytest.mark.parametrize(
    ("sentence", "text", "country", "sector"),
    [
        ("The Kremlin rejected the proposal.", "Kremlin", "RUS", "GOV"),
        ("The White House declined to comment.", "White House", "USA", "GOV"),
        ("Downing Street said the talks were constructive.", "Downing Street", "GBR", "GOV"),
        ("Tehran warned it would respond.", "Tehran", "IRN", "GOV"),
    ],
)
def test_seats_of_power_are_metonyms(pipeline, sentence, text, country, sector):
    m = find(actors(pipeline, sentence), text)
    assert (m.kind, m.country, m.sector) == ("metonym", country, sector)


def test_unknown_person_takes_country_from_title(pipeline):
    found = actors(pipeline, "Russian diplomat Ivan Petrov arrived in Vienna. Petrov declined to comment.")
    petrov = find(found, "Ivan Petrov")
    assert (petrov.kind, petrov.country) == ("person", "RUS")
    assert find(found, "Petrov").name == "Ivan Petrov"


def test_demonym_groups(pipeline):
    found = actors(pipeline, "Israeli forces raided the camp while Iranian authorities arrested protesters.")
    forces = find(found, "Israeli forces")
    assert (forces.kind, forces.country) == ("group", "ISR")
    assert find(found, "Iranian authorities").country == "IRN"
    protesters = find(found, "protesters")
    assert protesters.kind == "group" and protesters.country is None


def test_organisations_carry_their_codes(pipeline):
    found = actors(pipeline, "The UN and NATO issued statements, and Hamas rejected the plan.")
    un = find(found, "UN")
    assert (un.kind, un.country, un.sector) == ("organisation", "UNO", "IGO")
    assert find(found, "NATO").country == "NATO"
    assert find(found, "Hamas").country == "PSE"


def test_office_holders_depend_on_the_article_date(pipeline):
    text = "The US president spoke by phone with the Chinese leader."
    in_2024 = find(actors(pipeline, text, date(2024, 6, 1)), "The US president")
    in_2025 = find(actors(pipeline, text, date(2025, 6, 1)), "The US president")
    assert in_2024.name == "Joe Biden"
    assert in_2025.name == "Donald Trump"
    assert in_2024.country == in_2025.country == "USA"


def test_named_official_resolves_by_date(pipeline):
    found = actors(pipeline, "President Biden met Chancellor Scholz.", date(2024, 2, 9))
    biden = find(found, "Biden")
    assert (biden.name, biden.country, biden.sector) == ("Joe Biden", "USA", "GOV")


def test_empty_and_odd_text(pipeline):
    assert actors(pipeline, "") == []
    odd = "he he he\n\n\u200b IRAN!!! ,,,"
    for m in actors(pipeline, odd):
        assert odd[m.start : m.end] == m.text


def test_title_after_the_name(pipeline):
    found = actors(pipeline, "Ivan Petrov, Russia's deputy foreign minister, said talks would resume.")
    petrov = find(found, "Ivan Petrov")
    assert (petrov.country, petrov.sector) == ("RUS", "GOV")
    # The title in apposition is the same man, not the ministry's best-known deputy.
    assert find(found, "deputy foreign minister").name == "Ivan Petrov"


def test_organisation_spacy_found_takes_country_and_sector_from_its_words(pipeline):
    found = actors(pipeline, "The Iranian Foreign Ministry summoned the envoy.")
    ministry = [m for m in found if m.kind == "organisation"]
    assert ministry and (ministry[0].country, ministry[0].sector) == ("IRN", "GOV")


def test_works_with_a_pipeline_without_parser_or_tagger(pipeline):
    import spacy

    blank = spacy.blank("en")
    text = "Sergey Lavrov met officials in Kharkiv. He said the Kremlin agreed."
    found = recognise_actors(blank(text), pipeline.kb, date(2025, 1, 1))
    assert find(found, "Sergey Lavrov").country == "RUS"
    assert find(found, "He").name == "Sergey Lavrov"
    for m in found:
        assert text[m.start : m.end] == m.text


@given(st.text(alphabet=st.sampled_from(list("Iran Moscow he The Kremlin,.'’s\n-UN Putin ")), max_size=120))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_mentions_always_point_into_the_text(pipeline, text):
    found = recognise_actors(pipeline.nlp(text), pipeline.kb, date(2025, 1, 1))
    assert [m.start for m in found] == sorted(m.start for m in found)
    for m in found:
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start : m.end] == m.text


def test_a_person_named_in_full_beats_an_official_with_the_same_surname(pipeline):
    found = actors(pipeline, "The violinist Anna Lavrov played in Vienna. Lavrov said the tour would go on.")
    assert find(found, "Lavrov").name == "Anna Lavrov"


def test_lone_surname_of_an_official(pipeline):
    found = actors(pipeline, "Lavrov and Araghchi spoke by phone.")
    assert (find(found, "Lavrov").name, find(found, "Lavrov").country) == ("Sergey Lavrov", "RUS")
    assert find(found, "Araghchi").country == "IRN"


def test_generic_leader_reference_prefers_the_head_of_state(pipeline):
    text = (
        "President Vladimir Putin received the envoy. Kremlin spokesman Dmitry Peskov said "
        "the Russian leader had read the proposal."
    )
    found = actors(pipeline, text, date(2025, 3, 3))
    assert find(found, "the Russian leader").name == "Vladimir Putin"


def test_role_reference_matches_a_title_given_in_the_text(pipeline):
    text = "Rubio met Saudi Crown Prince Mohammed bin Salman in Riyadh. The crown prince thanked his guest."
    found = actors(pipeline, text, date(2025, 5, 11))
    assert find(found, "The crown prince").name == "Mohammed bin Salman"
    assert find(found, "his").name == "Mohammed bin Salman"  # the subject of that sentence


def test_coordinated_places_are_two_places(pipeline):
    found = actors(pipeline, "Drones struck Kharkiv and Odesa overnight.")
    assert find(found, "Kharkiv").kind == find(found, "Odesa").kind == "place"


def test_conll_reader_maps_token_tags_to_character_spans():
    from communique.eval.actors import read_conll

    docs = read_conll(FIXTURES / "mini.conll")
    assert len(docs) == 2
    first = docs[0]
    spans = sorted((first.text[a:b], t) for a, b, t in first.gold)
    # IOB1: "United Nations" and "Baltic Shipping" are two organisations (B- splits them).
    assert spans == [
        ("Anna Kowalski", "PER"),
        ("Baltic Shipping", "ORG"),
        ("Gdansk", "LOC"),
        ("United Nations", "ORG"),
    ]
    assert sorted(docs[1].text[a:b] for a, b, _ in docs[1].gold) == ["Polish", "Warsaw"]


def test_eval_actors_scores_both_systems():
    from communique.config import Settings
    from communique.eval.actors import evaluate

    report = evaluate(FIXTURES / "mini.conll", Settings.load())
    scores = report.scores
    for key in ("micro_f1", "baseline_micro_f1", "per_f1", "loc_f1", "org_f1"):
        assert 0.0 <= scores[key] <= 1.0
    assert scores["micro_f1_minus_baseline"] == pytest.approx(
        scores["micro_f1"] - scores["baseline_micro_f1"]
    )
    assert scores["loc_recall"] == 1.0  # "visited Gdansk" and "in Warsaw": the gazetteer's places
    assert "bare spaCy" in report.text


def test_shipped_example_article(analyze):
    text = (Path(__file__).resolve().parent.parent / "examples" / "iran_russia_talks.txt").read_text(
        encoding="utf-8"
    )
    result = analyze(text, published="2025-04-18")
    by_text: dict[str, list] = {}
    for m in result.actors:
        assert text[m.start : m.end] == m.text
        by_text.setdefault(m.text, []).append(m)
    assert by_text["Abbas Araghchi"][0].country == "IRN"
    assert by_text["Sergey Lavrov"][0].country == "RUS"
    assert by_text["the Russian leader"][0].name == "Vladimir Putin"
    assert by_text["The Iranian minister"][0].name == "Abbas Araghchi"
    assert by_text["Gaza"][0].country == "PSE"
    assert {m.kind for m in by_text["Tehran"]} >= {"metonym"}


def test_a_party_name_many_countries_share_belongs_to_the_country_the_phrase_names(pipeline):
    found = actors(pipeline, "Albania's opposition Democratic Party said it would boycott parliament.")
    assert find(found, "Democratic Party").country == "ALB"
    found = actors(pipeline, "Members of the Democratic Party in Congress opposed the bill.")
    assert find(found, "Democratic Party").country == "USA"


def test_a_title_naming_a_country_outweighs_a_dictionary_entry_from_another_period(pipeline):
    # The Phoenix dictionary lists Xanana Gusmao as an Indonesian opposition figure (before 1999).
    found = actors(pipeline, "East Timorese independence leader Xanana Gusmao met the Portuguese president.",
                   when=date(2001, 5, 2))
    assert find(found, "Xanana Gusmao").country == "TLS"
