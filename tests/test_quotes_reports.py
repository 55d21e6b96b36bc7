"""Reported-speech boundaries and page constructions, on passages written for these tests."""

from __future__ import annotations

from communique.quotes.lexicon import load_lexicon
from communique.records import Quote


def quotes_of(analyze, text: str) -> list[Quote]:
    quotes = analyze(text).quotes
    for q in quotes:
        assert text[q.span[0] : q.span[1]] == q.text
    return quotes


def only(quotes: list[Quote], fragment: str) -> Quote:
    hits = [q for q in quotes if fragment in q.text]
    assert len(hits) == 1, f"{fragment!r} in {[q.text for q in quotes]}"
    return hits[0]


def test_a_report_runs_to_the_end_of_its_sentence(analyze):
    # the small parser hangs "and crews will work ..." on "said"; it is still what the mayor said
    text = "The mayor said the bridge will reopen in March, and crews will work through the weekend to finish the deck."
    q = only(quotes_of(analyze, text), "reopen in March")
    assert (
        q.text
        == "the bridge will reopen in March, and crews will work through the weekend to finish the deck"
    )
    assert q.kind == "indirect"


def test_said_a_but_warned_b_is_two_reports_by_one_speaker(analyze):
    text = "Harbour chief Nina Osei said the port would stay open but warned that delays could last a week."
    quotes = quotes_of(analyze, text)
    first, second = only(quotes, "stay open"), only(quotes, "delays")
    assert first.text == "the port would stay open"
    assert second.text == "that delays could last a week"
    assert second.cue == "warned"
    assert first.speaker is not None and second.speaker is not None
    assert first.speaker.name == second.speaker.name == "Nina Osei"


def test_report_with_the_cue_in_the_middle_is_split_around_it(analyze):
    text = "The ferry crews stayed on board overnight, the union said, but two of them were taken to hospital in the morning."
    quotes = quotes_of(analyze, text)
    first, second = only(quotes, "ferry crews"), only(quotes, "hospital")
    assert first.text == "The ferry crews stayed on board overnight"
    assert second.text.endswith("taken to hospital in the morning")
    assert "the union said" not in first.text + second.text
    assert second.speaker is not None and second.speaker.text == "the union"


def test_a_linked_headline_is_not_a_statement(analyze):
    text = (
        "READ MORE: Minister says fishing quotas will be cut\n\n"
        "The ministry has not published the new figures.\n\n"
        "Fisheries Minister Tomas Varga said the cuts would be announced in June."
    )
    quotes = quotes_of(analyze, text)
    assert [q.text for q in quotes] == ["the cuts would be announced in June"]


def test_a_report_stops_at_the_paragraph_break(analyze):
    text = (
        "Ferry service resumes after storm\n\n"
        "Transport officials said the first sailing would leave at dawn\n\n"
        "Crews cleared debris from the terminal overnight."
    )
    for q in quotes_of(analyze, text):
        assert "\n" not in q.text


def test_pull_quote_closed_by_the_speakers_name(analyze):
    text = (
        "The city opened two more warming centres on Tuesday.\n\n"
        "Our volunteers worked through the night to keep the shelter warm. Amara Diallo, shelter director\n\n"
        "Temperatures are expected to rise by the weekend."
    )
    q = only(quotes_of(analyze, text), "volunteers")
    assert q.text == "Our volunteers worked through the night to keep the shelter warm"
    assert q.speaker is not None and q.speaker.name == "Amara Diallo"
    assert q.speaker.text == "Amara Diallo"


def test_photo_credit_is_not_a_pull_quote(analyze):
    text = (
        "Firefighters douse the last of the flames on the pier on Sunday. (Jonas Berg/Coastal Press)\n\n"
        "Harbour Master Lena Kovac is shown at the pier after the blaze was put out. Jonas Berg"
    )
    assert quotes_of(analyze, text) == []


def test_manner_of_speaking_verbs_frame_direct_quotes(analyze):
    text = '"We will not be rushed into a deal," the ambassador snapped. "Not this week, not next."'
    q = only(quotes_of(analyze, text), "rushed")
    assert q.cue == "snapped"
    assert q.speaker is not None and q.speaker.text == "the ambassador"


def test_confessed_that_is_a_report(analyze):
    text = "The councillor confessed that she had not read the report before the vote."
    q = only(quotes_of(analyze, text), "read the report")
    assert q.cue == "confessed"
    assert q.text == "that she had not read the report before the vote"


def test_words_with_a_common_other_sense_need_a_direct_quote():
    lexicon = load_lexicon()
    assert lexicon["snap"].frames == frozenset({"direct"})
    assert lexicon["cry"].frames == frozenset({"direct"})
    assert "clause" in lexicon["confess"].frames


def test_report_clause_the_parser_labels_otherwise(analyze):
    text = "Team captain Ilse Brandt said having the goalkeeper back in the lineup was a huge relief."
    q = only(quotes_of(analyze, text), "goalkeeper")
    assert q.text == "having the goalkeeper back in the lineup was a huge relief"
    assert q.speaker is not None and q.speaker.name == "Ilse Brandt"


def test_speaker_is_never_taken_from_the_heading_above(analyze):
    text = (
        "READ MORE: Storm knocks out power across the island\n\n"
        "Residents said the outage lasted most of the night.\n\n"
        "Crews restore power to the valley\n\n"
        "While many residents have generators, Mayor Ana Ruiz said others were left in the dark."
    )
    quotes = quotes_of(analyze, text)
    first, second = only(quotes, "outage"), only(quotes, "in the dark")
    assert first.speaker is not None and first.speaker.text == "Residents"
    assert second.speaker is not None and second.speaker.name == "Ana Ruiz"
    assert first.text == "the outage lasted most of the night"


def test_naming_is_not_speech(analyze):
    text = "The school runs a reading program called Book Buddies for younger pupils."
    assert quotes_of(analyze, text) == []


def test_saying_nothing_is_not_a_statement(analyze):
    text = (
        "The minister did not say whether the embassy would reopen before the summer. "
        "The company declined to say how many workers would lose their jobs. "
        "Her deputy said the embassy would reopen before the summer."
    )
    quotes = quotes_of(analyze, text)
    assert [q.text for q in quotes] == ["the embassy would reopen before the summer"]
    assert quotes[0].speaker is not None and quotes[0].speaker.text == "Her deputy"


def test_called_for_and_warned_of_report_a_demand_and_a_warning(analyze):
    text = (
        "The refugee council has called for the elimination of the application fees. "
        "Doctors warned of longer waits at emergency departments this winter."
    )
    quotes = quotes_of(analyze, text)
    demand, warning = only(quotes, "elimination"), only(quotes, "longer waits")
    assert demand.text == "the elimination of the application fees"
    assert demand.speaker is not None and demand.speaker.text == "The refugee council"
    assert warning.text == "longer waits at emergency departments this winter"
    assert warning.cue == "warned"


def test_a_preposition_after_an_ordinary_cue_is_not_a_phrasal_cue(analyze):
    text = "The union leader has said for years that the plant was unsafe."
    q = only(quotes_of(analyze, text), "unsafe")
    assert q.text == "that the plant was unsafe"
    assert q.cue == "said"


def test_the_name_in_apposition_to_a_role_is_the_speaker(analyze):
    text = "His lawyer, Zhang Wei, said his client would appeal the ruling."
    q = only(quotes_of(analyze, text), "appeal")
    assert q.speaker is not None
    assert q.speaker.text == "Zhang Wei" and q.speaker.name == "Zhang Wei"


def test_a_statement_from_an_organisation_is_the_organisations(analyze):
    text = "A statement from the Harbour Board said the pier would stay closed until spring."
    q = only(quotes_of(analyze, text), "pier")
    assert q.speaker is not None and q.speaker.text == "the Harbour Board"


def test_report_before_a_cue_with_its_own_object(analyze):
    text = "The talks collapsed on Friday after the third round, a senior diplomat told reporters in Geneva."
    q = only(quotes_of(analyze, text), "talks collapsed")
    assert q.text == "The talks collapsed on Friday after the third round"
    assert q.cue == "told"
    assert q.speaker is not None and q.speaker.text == "a senior diplomat"


def test_a_setting_clause_before_the_cue_is_not_a_report(analyze):
    text = "As news of the fire spread, residents complained to the council about the smoke."
    assert [q.text for q in quotes_of(analyze, text) if "news of the fire" in q.text] == []
