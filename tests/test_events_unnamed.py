"""Events with nobody named: violence, protest and mobilisation that happen in a place are coded
as domestic to the place's country (the CAMEO/PLOVER convention; the PLOVER gold codes an unnamed
perpetrator with that country too). Sentences written for these tests; each test asserts the
(actor, category, recipient) triples a user sees."""

from __future__ import annotations

from conftest import PUBLISHED
from conftest import event_triples as triples
from conftest import triple as t


def test_bombing_with_no_perpetrator_is_domestic_to_the_place(analyze) -> None:
    assert triples(analyze, "A car bomb exploded outside a courthouse in Mogadishu on Tuesday.") == {
        t("SOM", "ASSAULT", "SOM")}


def test_victims_only_strike_keeps_the_place(analyze) -> None:
    assert triples(analyze, "Four people were killed in an air strike near Idlib.") == {t("SYR", "ASSAULT", "SYR")}


def test_unnamed_gunmen_take_the_country_of_the_place(analyze) -> None:
    assert triples(analyze, "Gunmen stormed a hotel in Kabul.") == {t("AFG", "ASSAULT", "AFG")}


def test_unnamed_crowd_marching_is_a_domestic_protest(analyze) -> None:
    assert triples(analyze, "Thousands marched in Caracas.") == {t("VEN", "PROTEST", "VEN")}


def test_passive_destruction_with_the_place_deep_in_the_phrase(analyze) -> None:
    got = triples(analyze, "Dozens of homes were burned in villages near Goma.")
    assert {(a, r) for a, _, r in got} == {(frozenset({"COD"}), frozenset({"COD"}))}


def test_deployment_to_a_town_with_no_army_named(analyze) -> None:
    assert triples(analyze, "Troops were deployed to the border town of Kassala.") == {t("SDN", "MOBILIZE", "SDN")}


def test_participial_killing_happens_where_its_main_clause_does(analyze) -> None:
    assert triples(analyze, "An explosion tore through a mosque in Quetta, killing 20 worshippers.") == {
        t("PAK", "ASSAULT", "PAK")}


def test_taking_to_the_streets_is_a_protest(analyze) -> None:
    assert triples(analyze, "Thousands of people took to the streets of Tbilisi.") == {t("GEO", "PROTEST", "GEO")}


def test_a_named_demonym_actor_is_kept(analyze) -> None:
    assert triples(analyze, "Sudanese troops shelled a village near Kadugli.") == {t("SDN", "ASSAULT", "SDN")}


def test_no_place_and_no_party_gives_no_event(analyze) -> None:
    # Nothing says where or by whom: no dyad to code.
    assert triples(analyze, "A bomb exploded late on Tuesday.") == set()


def test_cooperation_with_nobody_named_is_not_made_domestic(analyze) -> None:
    # Only violence, protest and mobilisation happen "in" a place; talks in a city have parties.
    assert triples(analyze, "Talks were held in Geneva on Monday.") == set()


# ---------------------------------------------------------------- where the place is named
def test_nominal_subject_takes_the_place_of_its_clause(analyze) -> None:
    assert triples(analyze, "Fighting erupted between rival militias in Tripoli.") == {t("LBY", "ASSAULT", "LBY")}


def test_protests_spreading_to_cities_of_a_country(analyze) -> None:
    assert triples(analyze, "Protests spread to several cities in Iran on Friday.") == {t("IRN", "PROTEST", "IRN")}


def test_a_later_sentence_with_no_place_takes_the_story_place(analyze) -> None:
    text = ("Clashes shook the Sudanese town of Kassala on Monday.\n\n"
            "A small bomb struck a fuel truck, killing two soldiers and wounding twelve.")
    events = analyze(text, published=PUBLISHED).events
    second = [e for e in events if e.sentence_index == 1 and not e.negated]
    assert [(e.category, {a.country for a in e.actor}, {r.country for r in e.recipient}) for e in second] == [
        ("ASSAULT", {"SDN"}, {"SDN"})]


def test_an_unplaced_sentence_on_its_own_codes_nothing(analyze) -> None:
    assert triples(analyze, "A small bomb struck a fuel truck, killing two soldiers and wounding twelve.") == set()


# ---------------------------------------------------------------- protest forms
def test_demonstrators_gathering_is_a_protest(analyze) -> None:
    assert triples(analyze, "Demonstrators gathered outside the presidential palace in Lima.") == {
        t("PER", "PROTEST", "PER")}


def test_collecting_signatures_against_a_law_is_a_protest(analyze) -> None:
    got = triples(analyze, "Estonian opposition parties began collecting signatures against the new language law.")
    assert {c for _, c, _ in got} == {"PROTEST"}
    assert all(a == frozenset({"EST"}) for a, _, _ in got)


# ---------------------------------------------------------------- descriptions are no events
def test_a_curfew_described_by_a_participle_is_no_new_event(analyze) -> None:
    # "the curfew imposed in X" names the curfew; the sentence reports its easing elsewhere.
    got = triples(analyze, "The governor on Monday relaxed the nightly curfew imposed in Mombasa last year.")
    assert ("COERCE" not in {c for _, c, _ in got})


def test_an_event_noun_inside_another_noun_is_no_event(analyze) -> None:
    got = triples(analyze, "A student faces questions over her part in rioting in Lyon.")
    assert "PROTEST" not in {c for _, c, _ in got}


def test_burning_a_person_to_death_is_an_assault_not_property_damage(analyze) -> None:
    assert triples(analyze, "Two traders were burned to death by a mob near Kano.") == {t("NGA", "ASSAULT", "NGA")}


def test_a_closure_with_no_place_or_party_does_not_take_the_story_place(analyze) -> None:
    # Background in a conflict story ("roads were closed") is not a coercion by the story's country.
    text = ("Shelling hit the Ukrainian city of Sumy on Monday.\n\n"
            "Roads in the north were closed for several hours, and schools opened late.")
    events = analyze(text, published=PUBLISHED).events
    assert [e.category for e in events if e.sentence_index == 1] == []


def test_a_group_led_by_a_country_acts_for_it(analyze) -> None:
    # "X-led" names who commands the group; the place says whom it hit.
    assert triples(analyze, "The Saudi-led coalition bombed Sanaa on Monday.") == {t("SAU", "ASSAULT", "YEM")}
    assert triples(analyze, "US-led forces attacked Taliban positions in Helmand.") == {t("USA", "ASSAULT", "AFG")}


def test_whoever_holds_or_did_it_is_asked_or_blamed(analyze) -> None:
    # The by-phrase of the act the object names (one level down: "fishermen held by X") gives
    # the other side, not the possessive that points back at the speaker's own citizens.
    assert triples(analyze, "Pakistan demanded the release of its fishermen held by India.") == {
        t("PAK", "REQUEST", "IND")}
    assert triples(analyze, "Seoul called for the return of South Koreans abducted by North Korea.") == {
        t("KOR", "REQUEST", "PRK")}
    # A government protesting an act protests officially (CAMEO 114, ACCUSE), as the dev record of an
    # official protest Serbia lodged with Albania is coded; the target is still the one who did it.
    assert t("PHL", "ACCUSE", "CHN") in triples(analyze, "Manila protested the seizure of Filipino fishing boats by China.")


def test_a_mediator_consults_both_sides(analyze) -> None:
    # Mediating is consultation (CAMEO 045), also when the parser reads "is mediating" as "be" + attribute.
    assert triples(analyze, "Qatar is mediating between Israel and Hamas.") == {
        (frozenset({"QAT"}), "CONSULT", frozenset({"ISR", "PSE"}))}


def test_a_town_shelled_is_a_town_whatever_the_tagger_says(analyze) -> None:
    # spaCy labels these towns PERSON; the verb says they are places.
    assert triples(analyze, "Russian troops are shelling Kharkiv.") == {t("RUS", "ASSAULT", "UKR")}
    assert triples(analyze, "M23 rebels captured Goma.") == {t("COD", "ASSAULT", "COD")}


def test_a_second_main_verb_hung_on_a_gerund_is_still_an_event(analyze) -> None:
    found = triples(analyze, "Armenia accused Azerbaijan of shelling villages and called on Russia to intervene.")
    assert found == {t("ARM", "ACCUSE", "AZE"), t("ARM", "REQUEST", "RUS")}
    # A gerund continuing the gerund stays part of the accusation.
    assert triples(analyze, "Amnesty accused Egypt of jailing critics and ignoring court rulings.") == {
        (frozenset({"AMN"}), "ACCUSE", frozenset({"EGY"}))}


def test_coordinated_sides_of_an_agreement_are_the_pair(analyze) -> None:
    # The place names one of the two sides; it is no third party to the agreement.
    assert triples(analyze, "Israel and Hamas agreed to a ceasefire in Gaza.") == {t("ISR", "AGREE", "PSE")}


def test_summoned_envoys_rammed_ships_and_retaken_towns(analyze) -> None:
    # Summoning a foreign envoy is a protest to their government (not a request); ramming a ship is
    # force; retaking ground is occupying territory (CAMEO 192), coded ASSAULT as the PLOVER gold codes
    # a captured stronghold (the 2021 CAMEO-to-PLOVER table says COERCE; the gold records say FIGHT).
    assert triples(analyze, "China's foreign ministry summoned the Philippine ambassador over the incident.") == {
        t("CHN", "ACCUSE", "PHL")}
    assert triples(analyze, "Chinese coast guard ships rammed a Philippine vessel.") == {t("CHN", "ASSAULT", "PHL")}
    assert triples(analyze, "Ukrainian troops retook the village of Robotyne near Zaporizhzhia.") == {
        t("UKR", "ASSAULT", "UKR")}


def test_who_claims_an_attack_did_it(analyze) -> None:
    assert triples(analyze, "Hamas claimed responsibility for the rocket attacks on Israel.") == {
        t("PSE", "ASSAULT", "ISR")}
    assert triples(analyze, "Al-Shabaab claimed responsibility for the bombing in Mogadishu.") == {
        t("SOM", "ASSAULT", "SOM")}


def test_sealed_areas_and_spread_falsehoods_are_coercion(analyze) -> None:
    assert triples(analyze, "Police cordoned off the area around the Kenyan parliament.") == {t("KEN", "COERCE", "KEN")}
    event = [e for e in analyze("Russian media spread disinformation about the election in Moldova.",
                                published=PUBLISHED).events if not e.negated]
    assert [(e.category, e.mode) for e in event] == [("COERCE", "misinformation")]


def test_an_untitled_target_belongs_to_the_country_the_sentence_is_about(analyze) -> None:
    # "the former president" names no country; the sentence's only country is the best guess
    # (news names foreign parties explicitly), as for unnamed actors.
    assert triples(analyze, "Prosecutors in Peru charged the former president with corruption.") == {
        t("PER", "ACCUSE", "PER")}


def test_saying_someone_is_responsible_is_blaming_them(analyze) -> None:
    assert triples(analyze, "Iran said the United States was responsible for the assassination.") == {
        t("IRN", "ACCUSE", "USA")}
    assert triples(analyze, "Pakistan said India was behind the bombing in Quetta.") == {t("PAK", "ACCUSE", "IND")}
    # Responsible for something that is no wrongdoing, or a denial, blames no one.
    assert not triples(analyze, "Kenyan officials said the army was responsible for security.")
    assert triples(analyze, "Israel said it was not responsible for the blast.") == set()


def test_a_host_of_talks_between_two_sides_mediates_between_them(analyze) -> None:
    assert triples(analyze, "Saudi Arabia hosted peace talks between Russian and Ukrainian delegations in Jeddah.") == {
        (frozenset({"SAU"}), "CONSULT", frozenset({"RUS", "UKR"}))}
    assert triples(analyze, "Oman facilitated indirect talks between Iran and the US.") == {
        (frozenset({"OMN"}), "CONSULT", frozenset({"IRN", "USA"}))}
    # Leaders speaking by phone consult each other.
    assert triples(analyze, "The leaders of Egypt and Jordan spoke by phone on Tuesday.") == {t("EGY", "CONSULT", "JOR")}


def test_particles_the_parser_hung_elsewhere(analyze) -> None:
    # "back" carries "from Kyiv"; "over" read as "more than" before a number is still the particle.
    assert triples(analyze, "Russian troops pulled back from Kyiv.") == {t("RUS", "RETREAT", "UKR")}
    assert triples(analyze, "Azerbaijan handed over 32 Armenian prisoners.") == {t("AZE", "RETREAT", "ARM")}


def test_violating_a_ceasefire_agreement_is_the_event_not_its_signing(analyze) -> None:
    # The pact noun is named by its subject ("ceasefire agreement"); the participle clause that
    # recalls its signing is background.
    found = triples(analyze, "Both the Indian army and Pakistani troops violated the ceasefire agreement signed in 2003.")
    assert {c for _, c, _ in found} == {"ASSAULT"}
    # Both sides of a mutual violation, in the order written.
    assert triples(analyze, "Armenian and Azerbaijani forces violated the truce.") == {t("ARM", "ASSAULT", "AZE")}


def test_a_protest_is_aimed_where_its_purpose_or_a_foreign_mission_says(analyze) -> None:
    assert triples(analyze, "Thousands of Kenyans marched in Nairobi to protest against Chinese loans.") == {
        t("KEN", "PROTEST", "CHN")}
    assert triples(analyze, "Hundreds of Filipinos rallied outside the Chinese embassy in Manila.") == {
        t("PHL", "PROTEST", "CHN")}
    # The first country the purpose names, the protesters' own government included.
    found = triples(analyze, "Up to 500 ethnic Uzbeks began a hunger strike to protest against Kyrgyzstan's "
                             "decision to deport them to Uzbekistan.")
    assert found == {t("KGZ", "PROTEST", "KGZ")}
    # No target in the purpose: domestic, as before.
    assert triples(analyze, "Workers in Chile went on strike to demand higher wages.") == {t("CHL", "PROTEST", "CHL")}


def test_not_yet_done_is_negated_and_an_object_does_what_it_is_helped_to(analyze) -> None:
    events = analyze("Japan has yet to recognise the new Afghan government.", published=PUBLISHED).events
    assert [(e.category, e.negated) for e in events] == [("SUPPORT", True)]
    # Object control: the helped side repels the attack.
    assert triples(analyze, "The US helped Ukraine to repel Russian attacks near Kharkiv.") == {t("UKR", "ASSAULT", "RUS")}


def test_prisoners_swapped_and_pacts_restored_are_between_the_pair(analyze) -> None:
    assert triples(analyze, "Russia and Ukraine swapped 150 prisoners of war each.") == {t("RUS", "RETREAT", "UKR")}
    assert triples(analyze, "Seoul and Tokyo restored a military intelligence-sharing pact.") == {
        t("KOR", "SUPPORT", "JPN")}


def test_nominal_recognition_and_seizure_with_their_possessor(analyze) -> None:
    assert triples(analyze, "Iran's seizure of a British tanker raised tensions in the Gulf.") == {
        t("IRN", "COERCE", "GBR")}
    assert triples(analyze, "Recognition of Palestine by Spain angered Israel.") == {t("ESP", "SUPPORT", "PSE")}


def test_interceptions_and_incursions(analyze) -> None:
    # Aircraft intercepted or a defence zone entered show force; a projectile intercepted is downed,
    # and whoever fired it (where it was fired from) is the other side.
    assert triples(analyze, "NATO jets intercepted Russian bombers near Estonian airspace.") == {
        (frozenset({"NATO"}), "MOBILIZE", frozenset({"RUS"}))}
    assert triples(analyze, "Chinese warplanes entered Taiwan's air defence zone.") == {t("CHN", "MOBILIZE", "TWN")}
    assert triples(analyze, "Israel intercepted a missile fired from Yemen.") == {t("ISR", "ASSAULT", "YEM")}
    assert triples(analyze, "Hezbollah launched a drone at an Israeli army base.") == {t("LBN", "ASSAULT", "ISR")}


def test_joining_an_alliance_is_cooperation_with_it(analyze) -> None:
    assert triples(analyze, "Finland formally joined NATO on Tuesday.") == {(frozenset({"FIN"}), "COOPERATE", frozenset({"NATO"}))}
    # Joining fighting or a strike is still that event.
    assert triples(analyze, "Kenyan troops joined the fighting in Somalia.") == {t("KEN", "ASSAULT", "SOM")}


def test_drills_with_nobody_are_a_show_of_force(analyze) -> None:
    # Drills with a partner are military cooperation; alone, around or near another country, a
    # show of force aimed at it.
    assert triples(analyze, "China held military drills around Taiwan.") == {t("CHN", "MOBILIZE", "TWN")}
    assert triples(analyze, "India held military exercises with France.") == {t("IND", "COOPERATE", "FRA")}
    assert triples(analyze, "Russia and China held naval drills in the Sea of Japan.") == {t("RUS", "COOPERATE", "CHN")}
