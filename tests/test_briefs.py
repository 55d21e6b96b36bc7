"""Briefs: every field present and sized, every line found at its cited spans, quotes verbatim."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from communique.briefs import BriefError, brief_article, brief_story
from communique.briefs.grounding import check_brief, item_texts
from communique.briefs.render import render_html, render_json, render_markdown
from communique.briefs.sentences import join_pieces, split_units, trim_sentence
from communique.records import Analysis, Article, Brief

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "briefs"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _read(name: str) -> str:
    return (FIXTURES / name).read_text("utf-8")


@pytest.fixture(scope="module")
def grain(analyze) -> tuple[Analysis, Brief]:
    analysis = analyze(_read("ankara_grain_talks.txt"), published="2026-03-03", article_id="grain")
    return analysis, brief_article(analysis)


@pytest.fixture(scope="module")
def iran(analyze, pipeline) -> tuple[Analysis, Brief]:
    analysis = analyze((EXAMPLES / "iran_russia_talks.txt").read_text("utf-8"), published="2025-04-18",
                       article_id="iran")
    return analysis, brief_article(analysis, nlp=pipeline.nlp, kb=pipeline.kb)


def _words(s: str) -> int:
    return len(re.findall(r"\w+", s))


def test_every_section_is_present_and_sized(grain: tuple[Analysis, Brief]) -> None:
    _, brief = grain
    assert 4 <= _words(brief.headline) <= 12
    assert brief.lede and len(split_units(brief.lede)) == 1
    assert brief.why_it_matters and len(split_units(brief.why_it_matters)) <= 2
    assert 3 <= len(brief.key_points) <= 5
    assert brief.go_deeper
    assert brief.whats_being_said


def test_every_item_is_found_verbatim_at_its_cited_spans(grain: tuple[Analysis, Brief]) -> None:
    analysis, brief = grain
    report = check_brief(brief, [analysis.article])
    assert report.failures == []
    assert report.rate == 1.0
    # and every item has a citation
    assert set(item_texts(brief)) <= set(brief.sources)


def test_quotes_are_verbatim_one_per_speaker(grain: tuple[Analysis, Brief]) -> None:
    analysis, brief = grain
    text = analysis.article.text
    speakers = [q.speaker for q in brief.whats_being_said]
    assert len(speakers) == len(set(speakers))
    for i, q in enumerate(brief.whats_being_said):
        (ref,) = brief.sources[f"whats_being_said[{i}]"]
        assert text[ref.span[0] : ref.span[1]] == q.quote
        assert q.quote in text


def test_lede_leads_with_who_did_what_and_drops_the_dateline(grain: tuple[Analysis, Brief]) -> None:
    _, brief = grain
    assert not brief.lede.startswith("ANKARA")
    assert "Fidan" in brief.lede and "agreed" in brief.lede


def test_significance_and_background_sentences_land_in_their_sections(grain: tuple[Analysis, Brief]) -> None:
    _, brief = grain
    assert "marks the first time" in brief.why_it_matters
    assert any("has long" in g for g in brief.go_deeper)


def test_iran_russia_example_names_both_ministers(iran: tuple[Analysis, Brief]) -> None:
    analysis, brief = iran
    speakers = " | ".join(q.speaker for q in brief.whats_being_said)
    assert "Abbas Araghchi" in speakers and "Sergey Lavrov" in speakers
    assert check_brief(brief, [analysis.article]).rate == 1.0
    assert len(brief.key_points) >= 3


def test_trimmed_sentence_cites_one_span_per_kept_piece() -> None:
    text = ("Iranian Foreign Minister Abbas Araghchi held talks with his Russian counterpart in Moscow on "
            "Friday, the latest in a long series of high-level contacts between the two governments this year.")
    spans = trim_sentence(text, (0, len(text)), max_words=18)
    assert len(spans) == 2  # the kept clause and the final full stop
    assert join_pieces(text, spans) == (
        "Iranian Foreign Minister Abbas Araghchi held talks with his Russian counterpart in Moscow on Friday."
    )


def test_html_escapes_article_text(analyze) -> None:
    analysis = analyze(_read("script_injection.txt"), article_id="inject")
    brief = brief_article(analysis)
    page = render_html(brief)
    assert "<script>" not in page and "<b>" not in page
    assert "&lt;script&gt;" in page
    md = render_markdown(brief)
    assert "<script>" not in md


def test_markdown_has_the_smart_brevity_shape(grain: tuple[Analysis, Brief]) -> None:
    md = render_markdown(grain[1])
    for label in ("**Why it matters:**", "**What they're saying:**", "**Key points:**", "**Go deeper:**"):
        assert label in md
    assert md.count("\n- ") >= 5


def test_json_is_the_brief_record(grain: tuple[Analysis, Brief]) -> None:
    data = json.loads(render_json([grain[1]]))
    assert {"headline", "lede", "why_it_matters", "whats_being_said", "key_points", "go_deeper",
            "sources"} <= set(data)
    assert all({"article_id", "span"} <= set(ref) for refs in data["sources"].values() for ref in refs)


def test_story_brief_cites_several_articles_and_counts_reports(analyze) -> None:
    first = analyze(_read("ankara_grain_talks.txt"), published="2026-03-03", article_id="a1")
    second = analyze(
        "Ukraine's grain corridor deal with Turkey draws a cautious response from Moscow.\n\n"
        "KYIV, March 4, 2026 — Ukrainian officials began preparing the first convoy of grain ships on "
        "Wednesday, a day after Kyiv and Ankara agreed to reopen the Black Sea route.\n\n"
        "Port managers in Odesa said twelve vessels were waiting to be loaded with wheat and maize.\n\n"
        "The Kremlin said it would respond to any threat to Russian ships in the area.\n",
        published="2026-03-04", article_id="a2",
    )
    story = brief_story([second, first])
    assert story.n_reports == 2
    cited = {ref.article_id for refs in story.sources.values() for ref in refs}
    assert cited == {"a1", "a2"}
    # the earliest report gives the lede
    assert {r.article_id for r in story.sources["lede"]} == {"a1"}
    assert any("2 reports" in g for g in story.go_deeper)
    report = check_brief(story, [first.article, second.article])
    assert report.rate == 1.0, report.failures


def test_an_article_without_sentences_is_a_clear_error() -> None:
    with pytest.raises(BriefError, match="no sentences"):
        brief_article(Analysis(article=Article(article_id="empty", text="   \n")))


# Generated texts: sentences of random words; a brief made from them is grounded, spans inside the text.
_word = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=9)
_sentence = st.lists(_word, min_size=5, max_size=30).map(lambda ws: ws[0].capitalize() + " " + " ".join(ws[1:]))
_clause = st.lists(_sentence, min_size=1, max_size=3).map(", ".join)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_clause, min_size=1, max_size=12), st.sampled_from(["\n\n", " ", "\n"]))
def test_briefs_of_generated_texts_are_grounded(sentences: list[str], sep: str) -> None:
    text = sep.join(s + "." for s in sentences)
    brief = brief_article(Analysis(article=Article(article_id="gen", text=text)))
    for refs in brief.sources.values():
        for ref in refs:
            assert 0 <= ref.span[0] < ref.span[1] <= len(text)
    report = check_brief(brief, [Article(article_id="gen", text=text)])
    assert report.rate == 1.0, report.failures


def test_story_statements_give_each_side_before_a_second_speaker_of_one_side() -> None:
    from communique.briefs.statements import statements
    from communique.records import ActorMention, Quote, Speaker

    text = ('Ali Rezaei said "the talks went well and will continue". Hamid Karimi said "we want a fair '
            'deal for our people". Ivan Petrov said "Moscow backs a diplomatic solution here".')
    people = [("Ali Rezaei", "IRN"), ("Hamid Karimi", "IRN"), ("Ivan Petrov", "RUS")]
    actors, quotes = [], []
    for name, country in people:
        at = text.index(name)
        actors.append(ActorMention(text=name, start=at, end=at + len(name), name=name, country=country,
                                   kind="person"))
        q_start = text.index('"', at) + 1
        q_end = text.index('"', q_start)
        quotes.append(Quote(quote_id=name, article_id="s", text=text[q_start:q_end], span=(q_start, q_end),
                            kind="direct", speaker=Speaker(text=name, name=name, country=country)))
    analysis = Analysis(article=Article(article_id="s", text=text), actors=actors, quotes=quotes)
    found = statements([analysis], max_speakers=2)
    assert [s.name for s in found] == ["Ali Rezaei", "Ivan Petrov"]
    assert all(text[s.span[0] : s.span[1]] == s.quote for s in found)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="abc ,.;—()ABC\n", min_size=1, max_size=200), st.integers(0, 60))
def test_trimmed_pieces_stay_inside_their_sentence(text: str, max_words: int) -> None:
    for unit in split_units(text):
        pieces = trim_sentence(text, unit.span, max_words)
        assert pieces
        for s, e in pieces:
            assert unit.start <= s < e <= unit.end
        assert [p[0] for p in pieces] == sorted(p[0] for p in pieces)
