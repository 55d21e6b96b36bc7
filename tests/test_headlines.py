"""Title Case and all-caps headlines are parsed as if in sentence case, with the text untouched."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from communique.config import Settings
from communique.pipeline import Pipeline
from communique.records import Analysis, Article

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "headlines"

# (headline, PLOVER category, actor country, recipient country) — headlines written for this test.
HEADLINES = [
    ("Kuwait Condemns Israeli Strikes On Gaza", "ACCUSE", "KWT", "ISR"),
    ("Iran And Russia Seal Strategic Treaty", "AGREE", "IRN", "RUS"),
    ("Japan Sends Aid To Philippines After Typhoon", "AID", "JPN", "PHL"),
    ("Turkey Threatens Sanctions Against Greece", "THREATEN", "TUR", "GRC"),
    ("KUWAIT CONDEMNS ISRAELI STRIKES ON GAZA", "ACCUSE", "KWT", "ISR"),
]


def _articles() -> list[Article]:
    rows = json.loads((FIXTURES / "articles.json").read_text("utf-8"))
    return [Article(article_id=r["article_id"], text=r["text"]) for r in rows]


@pytest.fixture(scope="module")
def plain(pipeline: Pipeline) -> Pipeline:
    """The same models with headline true-casing off (the spaCy pipeline is cached, not reloaded)."""
    off = Pipeline(pipeline.settings.with_(headline_truecase=False))
    off.__dict__["kb"] = pipeline.kb
    return off


def _spans_hold(analysis: Analysis) -> None:
    text = analysis.article.text
    for m in analysis.actors:
        assert text[m.start : m.end] == m.text
    for q in analysis.quotes:
        assert text[q.span[0] : q.span[1]] == q.text
        if q.cue_span is not None and q.cue is not None:
            assert text[q.cue_span[0] : q.cue_span[1]].lower() == q.cue.lower()
        if q.speaker is not None and q.speaker.start is not None and q.speaker.end is not None:
            assert text[q.speaker.start : q.speaker.end] == q.speaker.text
    for e in analysis.events:
        assert text[e.span[0] : e.span[1]] == e.sentence
        for who in (*e.actor, *e.recipient):
            if who.start is not None and who.end is not None:
                assert text[who.start : who.end] == who.text


@pytest.mark.parametrize(("headline", "category", "actor", "recipient"), HEADLINES)
def test_title_case_headline_codes_its_event(analyze, headline, category, actor, recipient) -> None:
    analysis = analyze(headline)
    coded = [
        (e.category, {a.country for a in e.actor}, {r.country for r in e.recipient}) for e in analysis.events
    ]
    assert any(c == category and actor in a and recipient in r for c, a, r in coded), coded
    _spans_hold(analysis)


def test_setting_off_leaves_title_case_unparsed(plain: Pipeline) -> None:
    # The small model reads every capitalised word as a name: no verb, no event.
    analysis = plain.analyze(Article(article_id="off", text="Iran And Russia Seal Strategic Treaty"))
    assert not analysis.events


def test_headline_actors_are_names_not_title_words(analyze) -> None:
    analysis = analyze("Kuwait Condemns Israeli Strikes On Gaza")
    assert {m.text for m in analysis.actors} == {"Kuwait", "Israeli", "Gaza"}


def test_records_keep_original_text_and_spans(pipeline: Pipeline) -> None:
    for analysis in pipeline.analyze_many(_articles()):
        assert analysis.events, analysis.article.article_id
        _spans_hold(analysis)
        head = analysis.article.text.split("\n", 1)[0]
        # The headline's own words, in its own case, are what the records carry.
        assert any(e.sentence.startswith(head) for e in analysis.events)


def test_body_sentences_parse_as_without_truecasing(pipeline: Pipeline, plain: Pipeline) -> None:
    for article in _articles():
        (on, _), (off, _) = (
            next(pipeline.parse_many([(article.text, None)])),
            next(plain.parse_many([(article.text, None)])),
        )
        assert on.text == off.text == article.text
        assert [(t.idx, t.text) for t in on] == [(t.idx, t.text) for t in off]
        # Sentences that did not share a parse with the headline keep theirs exactly (one the
        # Title Case parse ran into the headline is re-parsed, as its own sentence, with it).
        body = [s.start for s in off.sents if s.start_char > article.text.index("\n")][-1]
        rows_on = [(t.tag_, t.dep_, t.head.i, t.lemma_) for t in on[body:]]
        rows_off = [(t.tag_, t.dep_, t.head.i, t.lemma_) for t in off[body:]]
        assert len(rows_on) > 5 and rows_on == rows_off
        assert [(e.start, e.label_) for e in on.ents if e.start >= body] == [
            (e.start, e.label_) for e in off.ents if e.start >= body
        ]


def test_normal_sentences_are_untouched(pipeline: Pipeline, plain: Pipeline) -> None:
    text = "Angela Merkel met Emmanuel Macron in Paris on Monday. They discussed trade and energy."
    (on, _), (off, _) = next(pipeline.parse_many([(text, None)])), next(plain.parse_many([(text, None)]))
    assert [(t.tag_, t.dep_, t.head.i) for t in on] == [(t.tag_, t.dep_, t.head.i) for t in off]
    assert pipeline.headlines is not None and pipeline.headlines.lines(on) == []


def test_headline_is_its_own_sentence(pipeline: Pipeline) -> None:
    text = "Kuwait Denounces Actions By Morocco\n\nThe foreign ministry said the moves broke earlier pledges."
    doc, _ = next(pipeline.parse_many([(text, None)]))
    first = next(iter(doc.sents))
    assert first.text.strip() == "Kuwait Denounces Actions By Morocco"
    for tok in doc:
        assert tok.head.sent.start == tok.sent.start  # no arc crosses a sentence


@pytest.mark.parametrize(
    "text",
    [
        "Sport",
        "BREAKING",
        "WORLD NEWS",
        "A",
        "—",
        "\n\n\n",
        "",
        "Results: 1. Spain 2. France 3. Italy",
        "UN SAYS 12 KILLED\n\nX\n\nİSTANBUL TALKS CALLED OFF",
        "Straße Reopens After Talks",
    ],
)
def test_odd_lines_do_not_crash(analyze, text) -> None:
    analysis = analyze(text)
    assert analysis.article.text == text
    _spans_hold(analysis)


def test_full_parse_path_also_truecases() -> None:
    settings = Settings.load().with_(selective_parsing=False)
    full = Pipeline(settings)
    analysis = full.analyze(Article(article_id="full", text="Turkey Threatens Sanctions Against Greece"))
    assert any(e.category == "THREATEN" for e in analysis.events)
    _spans_hold(analysis)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Kenya President Visits Uganda As Part Of Multi-nation Tour", True),
        ("GUNMEN ATTACK CONVOY NEAR BORDER", True),
        ("Merkel met Macron in Paris", False),  # a sentence with names
        ("Salim Malik 7 2 31 1", False),  # a results table row
        ("Defenders - Dan Petrescu , Daniel Prodan .", False),  # a name list: no trigger
    ],
)
def test_which_lines_are_headlines(pipeline: Pipeline, line: str, expected: bool) -> None:
    assert pipeline.headlines is not None
    doc = pipeline.nlp.make_doc(line)
    assert pipeline.headlines.headline_cased([t.text for t in doc]) is expected


# Headlines the small model parses as one noun phrase ("Denounces" a plural noun), even in sentence case.
VERBLESS = [
    ("Qatar Denounces Actions By Bahrain", "ACCUSE", "QAT", "BHR"),
    ("Norway denounces arrests by Belarus", "ACCUSE", "NOR", "BLR"),
    # "Sign" is tagged a verb but hung as a modifier of "Deal": the line is still verbless.
    ("Estonia and Latvia Sign Trade Deal in Renewed Push for Economic Cooperation", "SUPPORT", "EST", "LVA"),
]


@pytest.mark.parametrize(("headline", "category", "actor", "recipient"), VERBLESS)
def test_verbless_headline_reads_its_trigger_as_a_verb(
    analyze, plain: Pipeline, headline, category, actor, recipient
) -> None:
    analysis = analyze(headline)
    coded = [
        (e.category, {a.country for a in e.actor}, {r.country for r in e.recipient}) for e in analysis.events
    ]
    assert any(c == category and actor in a and recipient in r for c, a, r in coded), coded
    _spans_hold(analysis)
    trigger = next(e for e in analysis.events if e.category == category)
    assert trigger.trigger in headline  # the headline's own word, not the stand-in verb
    # Without the headline re-parse the same line codes no such event.
    off = plain.analyze(Article(article_id="off", text=headline))
    assert not any(e.category == category and actor in {a.country for a in e.actor} for e in off.events)


def test_verbless_rescue_leaves_nominal_events_and_bylines_alone(pipeline: Pipeline, analyze) -> None:
    strikes = analyze("Israeli Air Strikes On Gaza")
    assert [(e.category, e.trigger) for e in strikes.events] == [("ASSAULT", "Strikes")]
    assert not analyze("Reporting by Jane Doe; Editing by John Roe").events
    # A line that has a verb is never re-parsed for one.
    text = "Ghana recalls its ambassador from Togo over border raids."
    doc, _ = next(pipeline.parse_many([(text, None)]))
    assert pipeline.headlines is not None and pipeline.headlines.verb_plan(doc) == []


def test_a_word_of_a_known_name_is_no_verb(analyze) -> None:
    # "Force" of "Air Force" tagged as a verb must not code coercion by Kenya.
    assert not [e for e in analyze("Kenya Air Force Bombs Training Camp, No Survivors").events if e.category == "COERCE"]


def test_a_body_sentence_read_as_one_noun_phrase_gets_its_verb_back(pipeline: Pipeline, plain: Pipeline,
                                                                    analyze) -> None:
    # The small model reads "documented" as an adjective of "abuses": no verb, no event.
    text = "Amnesty International documented abuses by Eritrean troops in Tigray."
    assert not plain.analyze(Article(article_id="off", text=text)).events
    coded = {(e.category, tuple(a.country for a in e.actor), tuple(r.country for r in e.recipient))
             for e in analyze(text).events}
    assert ("ACCUSE", ("AMN",), ("ERI",)) in coded
    # A sentence with a verb of its own is never re-parsed for one.
    doc, _ = next(pipeline.parse_many([("Human Rights Watch said soldiers executed villagers.", None)]))
    assert pipeline.headlines is not None and pipeline.headlines.verb_plan(doc) == []
