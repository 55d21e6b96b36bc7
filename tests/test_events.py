"""Event coding: each syntactic phenomenon on sentences written for these tests, the example
article, the ontology table and the CLI output shape."""

from __future__ import annotations

import json
import re

import pytest

from communique.events.ontology import load_ontology
from communique.records import Event
from conftest import EXAMPLES

PUBLISHED = "2025-04-18"  # a Friday


def events_of(analyze, text: str, published: str | None = PUBLISHED) -> list[Event]:
    return analyze(text, published=published).events


def countries(actors) -> set[str | None]:
    return {a.country for a in actors}


def find(events: list[Event], category: str) -> Event:
    found = [e for e in events if e.category == category]
    assert found, f"no {category} in {[(e.category, e.trigger) for e in events]}"
    return found[0]


# ---------------------------------------------------------------- ontology
def test_ontology_has_every_cameo_code_with_goldstein_quad_and_plover() -> None:
    onto = load_ontology()
    assert len(onto.cameo) >= 310
    visit = onto.code("042")
    assert (visit.category, visit.mode, visit.goldstein, visit.quad_class) == ("CONSULT", "visit", 1.9, 1)
    assert onto.code("190").quad_class == 4 and onto.code("190").category == "ASSAULT"
    assert onto.code("0874").goldstein == 10.0
    assert onto.code("1213").goldstein == onto.code("121").goldstein  # inherits its parent's score
    assert set(onto.categories) == {
        "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
        "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"}
    assert "visit" in onto.categories["CONSULT"].modes
    assert onto.category_name("fight") == "ASSAULT" and onto.category_name("DEMAND") == "REQUEST"
    assert "cbrn" in onto.contexts


# ---------------------------------------------------------------- syntax
def test_coordinated_subjects_are_both_actors_and_demonym_noun_is_recipient(analyze) -> None:
    e = find(events_of(analyze, "Iran and Russia condemned Israeli air strikes in Gaza."), "ACCUSE")
    assert countries(e.actor) == {"IRN", "RUS"}
    assert countries(e.recipient) == {"ISR"}
    assert e.quad_class == 3 and e.goldstein < 0


def test_passive_with_agent(analyze) -> None:
    e = find(events_of(analyze, "Israel was condemned by Iran and Russia."), "ACCUSE")
    assert countries(e.actor) == {"IRN", "RUS"}
    assert countries(e.recipient) == {"ISR"}


def test_negation_is_flagged(analyze) -> None:
    e = find(events_of(analyze, "Turkey did not condemn the bombing of the embassy."), "ACCUSE")
    assert e.negated is True
    plain = find(events_of(analyze, "Turkey condemned the bombing of the embassy."), "ACCUSE")
    assert plain.negated is False


def test_expected_visit_is_future_with_raised_subject(analyze) -> None:
    e = find(events_of(analyze, "Vladimir Putin is expected to visit Tehran later this year."), "CONSULT")
    assert e.aux == ["future"] and e.mode == "visit"
    assert countries(e.actor) == {"RUS"} and countries(e.recipient) == {"IRN"}


def test_will_sign_is_future_agreement(analyze) -> None:
    e = find(events_of(analyze, "France will sign a trade agreement with Brazil."), "AGREE")
    assert "future" in e.aux
    assert countries(e.actor) | countries(e.recipient) == {"FRA", "BRA"}


def test_hypothetical_condition(analyze) -> None:
    e = find(events_of(analyze, "If Israel attacks Iran, the region will burn."), "ASSAULT")
    assert "hypothetical" in e.aux
    assert countries(e.actor) == {"ISR"} and countries(e.recipient) == {"IRN"}


def test_metonyms_and_possessive_object(analyze) -> None:
    e = find(events_of(analyze, "Tehran rejected Washington's demands."), "REJECT")
    assert countries(e.actor) == {"IRN"} and countries(e.recipient) == {"USA"}


def test_demonym_modified_actor_and_attack_place_as_recipient(analyze) -> None:
    e = find(events_of(analyze, "Russian drones attacked energy facilities in Odesa, Ukraine."), "ASSAULT")
    assert countries(e.actor) == {"RUS"}
    assert countries(e.recipient) == {"UKR"}
    assert e.location is not None


def test_symmetric_signing_is_one_event(analyze) -> None:
    # PLOVER codes signing or ratifying a treaty as SUPPORT (CAMEO 057).
    events = [e for e in events_of(analyze, "Iran and Russia signed a strategic partnership treaty.")
              if e.category == "SUPPORT"]
    assert len(events) == 1 and events[0].cameo == "057"
    e = events[0]
    assert countries(e.actor) | countries(e.recipient) == {"IRN", "RUS"}
    assert len(e.actor) == 1 and len(e.recipient) == 1


def test_symmetric_meeting_with_counterpart(analyze) -> None:
    e = find(events_of(analyze, "The Egyptian foreign minister met his Jordanian counterpart in Cairo."), "CONSULT")
    assert countries(e.actor) == {"EGY"} and countries(e.recipient) == {"JOR"}
    assert e.location == "Cairo"


def test_light_verb_talks_with_prepositional_recipient(analyze) -> None:
    e = find(events_of(analyze, "Iran's foreign minister held talks with Sergey Lavrov on Monday."), "CONSULT")
    assert countries(e.actor) == {"IRN"} and countries(e.recipient) == {"RUS"}
    assert e.trigger == "held talks"
    assert e.date == "2025-04-14"


def test_phrasal_call_on_is_request_to_the_object_of_on(analyze) -> None:
    events = events_of(analyze, "Germany called on Russia to withdraw its troops.")
    e = find(events, "REQUEST")
    assert countries(e.actor) == {"DEU"} and countries(e.recipient) == {"RUS"}
    assert not [x for x in events if x.category == "RETREAT"]  # the demanded withdrawal is not an event

@pytest.mark.parametrize(("text", "cameo"), [
    # CAMEO files an appeal (02) apart from a demand (10); PLOVER calls both REQUEST.
    ("Norway urged Sri Lanka to resume peace talks.", "020"),
    ("Sweden asked Egypt to free the detained journalists.", "020"),
    ("Ghana appealed to Togo for an end to the border closures.", "020"),
    ("The Philippines asked Japan for humanitarian aid after the typhoon.", "023"),
    ("Brazil called for the release of the aid workers held in Venezuela.", "0253"),
    ("Turkey urged restraint on Armenia after the shelling.", "0256"),
    ("Iraq demanded that Turkey withdraw its troops from the north.", "100"),
    ("China insisted on an apology from Japan.", "100"),
])
def test_appeals_and_demands_keep_their_cameo_codes(analyze, text: str, cameo: str) -> None:
    e = find(events_of(analyze, text), "REQUEST")
    assert e.cameo == cameo, text
    # Goldstein follows the code: any appeal (-0.3 to +4.0) scores above a demand (-5.0).
    assert (e.goldstein > -5.0) == cameo.startswith("02")



@pytest.mark.parametrize(("text", "cameo"), [
    # A non-state armed group plants its bombs (183); an air force drops them (195).
    ("Baloch separatists bombed a bus carrying engineers in Quetta.", "183"),
    ("Gunmen bombed a police station in Peshawar on Sunday.", "183"),
    ("The Russian air force bombed rebel positions near Aleppo.", "195"),
])
def test_who_bombs_decides_the_kind_of_bombing(analyze, text: str, cameo: str) -> None:
    e = find(events_of(analyze, text), "ASSAULT")
    assert e.cameo == cameo, text


def test_imposed_sanctions_on(analyze) -> None:
    e = [x for x in events_of(analyze, "China imposed sanctions on Lithuania last week.")][0]
    assert e.cameo == "163"
    assert countries(e.actor) == {"CHN"} and countries(e.recipient) == {"LTU"}
    assert e.date == "2025-04-11"


def test_voiced_support_for(analyze) -> None:
    e = find(events_of(analyze, "Japan voiced support for the Philippines in March."), "SUPPORT")
    assert countries(e.actor) == {"JPN"} and countries(e.recipient) == {"PHL"}
    assert e.date == "2025-03-01"


def test_handed_over_to(analyze) -> None:
    # Captives handed back are released (RETREAT); suspects handed over are extradited, which is
    # judicial cooperation (COOPERATE, CAMEO 063) as "extradited" itself is.
    e = find(events_of(analyze, "Iraq handed over the prisoners to Turkey."), "RETREAT")
    assert countries(e.actor) == {"IRQ"} and countries(e.recipient) == {"TUR"}
    e = find(events_of(analyze, "Iraq handed over the suspects to Turkey."), "COOPERATE")
    assert countries(e.actor) == {"IRQ"} and countries(e.recipient) == {"TUR"} and e.cameo == "063"


def test_unnamed_group_takes_country_from_demonym(analyze) -> None:
    e = find(events_of(analyze, "Polish authorities detained two Belarusian diplomats."), "COERCE")
    assert countries(e.actor) == {"POL"} and countries(e.recipient) == {"BLR"}


def test_obligation_in_reported_speech_is_a_demand(analyze) -> None:
    e = find(events_of(analyze, "Egypt said Israel must withdraw its troops from Gaza."), "REQUEST")
    assert countries(e.actor) == {"EGY"} and countries(e.recipient) == {"ISR"}


def test_future_material_conflict_is_a_threat(analyze) -> None:
    e = find(events_of(analyze, "Hungary said it would withdraw its observers from Serbia."), "THREATEN")
    assert "future" in e.aux and countries(e.actor) == {"HUN"}


def test_unknown_article_date_leaves_dates_unresolved(analyze) -> None:
    e = find(events_of(analyze, "China imposed sanctions on Lithuania on Friday.", published=None), "SANCTION")
    assert e.date is None


def test_quoted_we_is_the_speaker(analyze) -> None:
    text = 'Sergey Lavrov spoke in Moscow. "We oppose these sanctions," Lavrov said.'
    e = find(events_of(analyze, text), "REJECT")
    assert countries(e.actor) == {"RUS"}


# ---------------------------------------------------------------- the example article
@pytest.fixture(scope="module")
def example_events(analyze) -> tuple[str, list[Event]]:
    text = (EXAMPLES / "iran_russia_talks.txt").read_text("utf-8")
    return text, analyze(text, published=None).events


def _has(events: list[Event], category: str, actors: set[str], recipients: set[str]) -> Event:
    for e in events:
        if e.category == category and actors <= countries(e.actor) | (
            countries(e.recipient) if category in ("CONSULT", "AGREE") else set()
        ) and recipients <= countries(e.recipient) | (
            countries(e.actor) if category in ("CONSULT", "AGREE") else set()
        ):
            return e
    raise AssertionError(f"no {category} {actors}->{recipients} in "
                         f"{[(e.category, countries(e.actor), countries(e.recipient)) for e in events]}")


def test_example_article_events(example_events) -> None:
    text, events = example_events
    consult = _has(events, "CONSULT", {"IRN"}, {"RUS"})
    treaty = _has(events, "AGREE", {"IRN"}, {"RUS"})
    accuse = _has(events, "ACCUSE", {"IRN", "RUS"}, {"ISR"})
    support = _has(events, "SUPPORT", {"RUS"}, {"IRN"})
    rejects = [e for e in events if e.category in ("REJECT", "ACCUSE") and "IRN" in countries(e.actor)
               and "USA" in countries(e.recipient)]
    assert rejects
    for e in (consult, treaty, accuse, support, rejects[0]):
        start, end = e.span
        assert text[start:end] == e.sentence
        assert e.article_id == "test" and e.date is None  # the text file has no publication date
    assert "treaty" in treaty.sentence
    assert "condemned" in accuse.sentence


def test_events_are_grounded_and_ids_stable(example_events, analyze) -> None:
    text, events = example_events
    again = analyze(text, published=None).events
    assert [e.event_id for e in events] == [e.event_id for e in again]
    assert len({e.event_id for e in events}) == len(events)
    for e in events:
        assert 0 <= e.span[0] < e.span[1] <= len(text)
        assert e.quad_class in (1, 2, 3, 4) and -10 <= e.goldstein <= 10
        assert re.fullmatch(r"\d{2,4}", e.cameo)
        assert 0 < e.confidence <= 1
        for a in e.actor + e.recipient:
            if a.start is not None and a.end is not None:
                assert text[a.start:a.end] == a.text


def test_analyze_cli_prints_events(tmp_path) -> None:
    from typer.testing import CliRunner

    from communique.cli import app

    result = CliRunner().invoke(app, ["analyze", str(EXAMPLES / "iran_russia_talks.txt"), "--format", "json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    obj = out[0] if isinstance(out, list) else out
    keys = {"event_id", "article_id", "sentence_index", "sentence", "span", "date", "category", "mode",
            "context", "cameo", "goldstein", "quad_class", "actor", "recipient", "negated", "aux", "confidence"}
    assert obj["events"] and keys <= set(obj["events"][0])


@pytest.mark.parametrize("text", [
    "", "\n\n\n", "…", "Iran " * 400, "and and and condemned condemned.", "\"We\" said \"we\".",
    "Israel\u200b condemned Iran\ud7ff.", "met " * 50,
])
def test_odd_input_gives_events_inside_the_text(analyze, text: str) -> None:
    events = events_of(analyze, text)
    for e in events:
        assert 0 <= e.span[0] <= e.span[1] <= len(text)
        assert text[e.span[0]:e.span[1]] == e.sentence


def test_context_tags_and_location(analyze) -> None:
    e = find(events_of(analyze, "Iran and Russia discussed nuclear cooperation in Moscow."), "CONSULT")
    assert "cbrn" in e.context and e.location == "Moscow"
    assert countries(e.actor) | countries(e.recipient) == {"IRN", "RUS"}


def test_unnamed_group_takes_country_from_place(analyze) -> None:
    e = find(events_of(analyze, "Police arrested dozens of protesters in Nairobi."), "COERCE")
    assert countries(e.actor) == {"KEN"}


def test_historical_year(analyze) -> None:
    e = find(events_of(analyze, "In 1994, Rwandan forces attacked Burundi."), "ASSAULT")
    assert "historical" in e.aux and e.date == "1994-01-01"


def test_refusal_and_negated_future_cooperation_are_rejections(analyze) -> None:
    e = find(events_of(analyze, "Pakistan refused to hand over the suspects to India."), "REJECT")
    assert countries(e.actor) == {"PAK"} and countries(e.recipient) == {"IND"}
    e = find(events_of(analyze, "France will not attend the summit in Beijing."), "REJECT")
    assert e.negated is False and "future" in e.aux


def test_relative_clause_subject(analyze) -> None:
    e = find(events_of(analyze, "Sergey Lavrov, who met Wang Yi in Beijing, said the talks were useful."), "CONSULT")
    assert countries(e.actor) == {"RUS"} and countries(e.recipient) == {"CHN"}


def test_coordinated_demonyms_are_both_sides(analyze) -> None:
    e = find(events_of(analyze, "Chinese and Indian diplomats held a round of talks in Beijing."), "CONSULT")
    assert countries(e.actor) | countries(e.recipient) == {"CHN", "IND"}


@pytest.mark.parametrize(("text", "category", "actor", "recipient"), [
    # Forces moved in the passive act for their own side; the place they go to is the target.
    ("Egyptian troops were deployed to Sudan on Friday.", "MOBILIZE", "EGY", "SDN"),
    # A force moved or pulled back faces the country across the border or standoff the clause names.
    ("Azerbaijan massed armoured units along its border with Iran.", "MOBILIZE", "AZE", "IRN"),
    ("Belarus held snap drills near the Polish border.", "MOBILIZE", "BLR", "POL"),
    ("Japan raised the readiness of its air defences amid growing tension with China.", "MOBILIZE", "JPN", "CHN"),
    ("Kyrgyz troops were pulled back from the frontier with Tajikistan.", "RETREAT", "KGZ", "TJK"),
])
def test_forces_face_the_country_across_the_line(analyze, text: str, category: str, actor: str,
                                                 recipient: str) -> None:
    e = find(events_of(analyze, text), category)
    assert countries(e.actor) == {actor} and countries(e.recipient) == {recipient}, text


def test_two_demonyms_on_one_group_keep_the_order_written(analyze) -> None:
    e = find(events_of(analyze, "Sudanese and Chadian soldiers clashed near the border town of Adre."), "ASSAULT")
    assert countries(e.actor) == {"SDN"} and countries(e.recipient) == {"TCD"}


def test_what_is_lifted_weighs_on_whom_its_own_clause_names(analyze) -> None:
    e = find(events_of(analyze, "Qatar lifted the travel restrictions it had imposed on Egyptian workers."), "CONCEDE")
    assert countries(e.actor) == {"QAT"} and countries(e.recipient) == {"EGY"}


def test_an_unnamed_victim_is_not_from_the_country_that_reports_it(analyze) -> None:
    # The detainees take the country the event happens in, not that of the officials quoted.
    e = find(events_of(analyze, "Libyan militiamen beat detainees, Italian officials said."), "ASSAULT")
    assert countries(e.actor) == {"LBY"} and countries(e.recipient) == {"LBY"}


@pytest.mark.parametrize(("text", "actor", "recipient"), [
    ("Serbia called the Croatian military operation an act of aggression.", "SRB", "HRV"),
    ("Lebanon described the Israeli air raid on Tyre as a flagrant violation of its sovereignty.", "LBN", "ISR"),
    ("Ukraine termed the Russian missile strike on Odesa barbaric.", "UKR", "RUS"),
    ("Jordan said the Israeli settlement expansion was illegal.", "JOR", "ISR"),
    ("Qatar said the Saudi blockade of its borders was unacceptable.", "QAT", "SAU"),
])
def test_a_damning_verdict_on_an_act_denounces_whoever_did_it(analyze, text: str, actor: str,
                                                             recipient: str) -> None:
    events = events_of(analyze, text)
    e = find(events, "ACCUSE")
    assert countries(e.actor) == {actor} and countries(e.recipient) == {recipient}, text
    # The act judged is the verdict's topic, not a second event of the sentence.
    assert max(events, key=lambda x: x.confidence).category == "ACCUSE", text


@pytest.mark.parametrize("text", [
    "Kenya called the talks with Somalia constructive.",
    "Jordan said the Israeli decision was not illegal.",
    "The Kenyan union called a general strike.",
])
def test_a_mild_or_denied_verdict_is_no_denunciation(analyze, text: str) -> None:
    assert "ACCUSE" not in {e.category for e in events_of(analyze, text) if not e.negated}, text
