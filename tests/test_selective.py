"""Selective parsing gives the quotes and events of a full parse while parsing fewer tokens."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from communique.nlp.selective import SelectiveParser, supports
from communique.pipeline import Pipeline
from communique.records import Analysis, Article

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "selective"
ARTICLES = sorted(FIXTURES.glob("*.txt"))


def _article(path: Path) -> Article:
    return Article(article_id=path.stem, text=path.read_text("utf-8"), published="2024-05-14")


@pytest.fixture(scope="module")
def both(pipeline: Pipeline) -> list[tuple[Analysis, Analysis]]:
    """(full parse, selective parse) analyses of every fixture article."""
    assert pipeline.selective is not None, "selective parsing is on by default"
    articles = [_article(p) for p in ARTICLES]
    full = [
        pipeline.analyze_doc(doc, article)
        for doc, article in pipeline.nlp.pipe(((a.text, a) for a in articles), as_tuples=True)
    ]
    selective = list(pipeline.analyze_many(articles))
    return list(zip(full, selective, strict=True))


def _events(analysis: Analysis) -> list[tuple[object, ...]]:
    return sorted(
        (
            e.span,
            e.category,
            tuple((a.country, a.name) for a in e.actor),
            tuple((r.country, r.name) for r in e.recipient),
        )
        for e in analysis.events
    )


def _quotes(analysis: Analysis) -> list[tuple[object, ...]]:
    return sorted((q.span, q.kind, q.speaker.name if q.speaker else None) for q in analysis.quotes)


@pytest.mark.parametrize("index", range(len(ARTICLES)), ids=[p.stem for p in ARTICLES])
def test_same_events_and_quotes_as_full_parse(both: list[tuple[Analysis, Analysis]], index: int) -> None:
    full, selective = both[index]
    assert _events(selective) == _events(full)
    assert _quotes(selective) == _quotes(full)


def test_fixtures_exercise_quotes_and_events(both: list[tuple[Analysis, Analysis]]) -> None:
    # the comparison above means something only if the articles hold what they were written for
    by_id = {full.article.article_id: full for full, _ in both}
    assert sum(len(full.events) for full in by_id.values()) >= 8
    kinds = {q.kind for full in by_id.values() for q in full.quotes}
    assert {"direct", "indirect"} <= kinds
    pronoun = by_id["01_talks_pronoun"]
    assert any(q.speaker and q.speaker.name == "Espen Barth Eide" and q.speaker.text == "he" for q in pronoun.quotes)
    over_paragraphs = by_id["02_quote_paragraphs"]
    assert [q.speaker.name for q in over_paragraphs.quotes if q.kind == "direct" and q.speaker].count("Maria Oduya") == 2


def test_actor_mentions_of_parsed_sentences_unchanged(pipeline: Pipeline, both: list[tuple[Analysis, Analysis]]) -> None:
    assert pipeline.selective is not None
    selector = pipeline.selective.selector
    for full, selective in both:
        doc = pipeline.nlp.make_doc(full.article.text)
        bounds, keep = selector.select(doc)
        spans = [(doc[s].idx, doc[e - 1].idx + len(doc[e - 1])) for (s, e), kept in zip(bounds, keep, strict=True) if kept]

        def parsed(analysis: Analysis, spans: list[tuple[int, int]] = spans) -> list[tuple[object, ...]]:
            return [
                (m.start, m.end, m.kind, m.name, m.country)
                for m in analysis.actors
                if any(lo <= m.start < hi for lo, hi in spans)
            ]

        assert parsed(selective) == parsed(full), full.article.article_id


def test_filler_sentences_are_not_parsed(pipeline: Pipeline) -> None:
    parser = SelectiveParser(pipeline.nlp, pipeline.kb)
    text = (FIXTURES / "03_sport_filler.txt").read_text("utf-8")
    doc = parser.parse(text)
    assert doc.text == text  # offsets stay offsets into the article
    assert parser.stats.parsed_tokens < 0.7 * parser.stats.tokens  # context tokens included
    filler = doc.char_span(text.index("The second half"), text.index("The second half") + 15)
    assert filler is not None and all(t.pos_ == "" for t in filler)
    quote = text.index("We never stopped")
    assert doc.char_span(quote, quote + 8)[0].pos_ == "PRON"
    # every sentence is still a sentence of its own
    assert any(s.text.startswith("The crowd of 18,402") for s in doc.sents)


def test_selection_keeps_the_sentences_back_references_need(pipeline: Pipeline) -> None:
    assert pipeline.selective is not None
    selector = pipeline.selective.selector
    text = (FIXTURES / "07_surname_echo.txt").read_text("utf-8")
    doc = pipeline.nlp.make_doc(text)
    bounds, keep = selector.select(doc)
    kept = [doc[s:e].text.strip() for (s, e), k in zip(bounds, keep, strict=True) if k]
    skipped = [doc[s:e].text.strip() for (s, e), k in zip(bounds, keep, strict=True) if not k]
    # "Marchetti said" needs the sentence naming Helena Marchetti in full
    assert any(s.startswith("Helena Marchetti has run") for s in kept)
    assert any(s.startswith("Visitor numbers doubled") for s in skipped)


def test_headline_stays_its_own_sentence(pipeline: Pipeline) -> None:
    # A headline has no full stop; a full parse sometimes runs it into the first sentence
    # ("Talks ... failed"), the selective parser never parses across a line break.
    text = (
        "Talks on grain deal stall\n\n"
        "Turkey and Ukraine failed to agree on new shipping routes at a meeting in Ankara, "
        "according to diplomats familiar with the talks."
    )
    analysis = pipeline.analyze(Article(article_id="headline", text=text))
    [event] = [e for e in analysis.events if e.trigger and "agree" in e.trigger]
    assert [a.name for a in event.actor] == ["Turkey"]
    assert [r.name for r in event.recipient] == ["Ukraine"]


def test_empty_and_blank_texts(pipeline: Pipeline) -> None:
    for text in ("", "   \n\n  ", "Hello."):
        analysis = pipeline.analyze(Article(article_id="blank", text=text))
        assert analysis.events == [] and analysis.quotes == []


def test_off_switch_and_unknown_pipelines(pipeline: Pipeline) -> None:
    off = Pipeline(pipeline.settings.with_(selective_parsing=False))
    assert off.selective is None
    assert supports(pipeline.nlp)
    blank = spacy.blank("en")
    assert not supports(blank)  # no parser: nothing to select for
    blank.add_pipe("parser")
    assert supports(blank)
    blank.add_pipe("textcat")
    assert not supports(blank)  # a component whose output cannot be copied back by token


def test_a_hyphenated_event_word_selects_its_sentence(pipeline: Pipeline) -> None:
    # The tokenizer splits "sit-in" at the hyphen; the selector must still see the lexicon's word,
    # or the sentence goes unparsed and its event is lost to selective parsing alone.
    text = "Palestinian students staged a sit-in outside the UN office in Gaza."
    events = pipeline.analyze(Article(article_id="sit-in", text=text)).events
    assert [e.category for e in events] == ["PROTEST"]
