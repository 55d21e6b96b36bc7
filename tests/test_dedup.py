"""Duplicate groups and events counted once (communique.dedup)."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from communique.dedup import DuplicateIndex, article_source, merge_events
from communique.errors import StoreError
from communique.records import Article, Event, EventActor
from conftest import FIXTURES

ARTICLES = FIXTURES / "stories" / "articles.jsonl"


def _articles() -> dict[str, Article]:
    rows = [json.loads(line) for line in ARTICLES.read_text("utf-8").splitlines() if line.strip()]
    return {
        r["id"]: Article(
            article_id=r["id"], text=r["text"], title=r["title"], published=r["published"], url=r["url"]
        )
        for r in rows
    }


@pytest.fixture(scope="module")
def articles() -> dict[str, Article]:
    return _articles()


@pytest.fixture(scope="module")
def index(articles: dict[str, Article]) -> DuplicateIndex:
    built = DuplicateIndex()
    for article in articles.values():
        built.add(article)
    return built


def test_exact_copy_with_other_case_spacing_and_title_joins_the_first_articles_group(
    index: DuplicateIndex,
) -> None:
    assert index.group_of("nile-copy") == "nile-wire"


def test_reworked_wire_copy_with_new_byline_and_paragraph_is_a_near_duplicate(index: DuplicateIndex) -> None:
    assert index.group_of("nile-near") == "nile-wire"


def test_different_reports_are_not_merged(index: DuplicateIndex) -> None:
    groups = index.groups(min_size=2)
    assert list(groups) == ["nile-wire"]
    assert groups["nile-wire"] == ["nile-wire", "nile-copy", "nile-near"]
    # A follow-up on the same story is a new report, not a copy; two reports of one quake too.
    assert index.group_of("nile-followup") == "nile-followup"
    assert index.group_of("quake-2") == "quake-2"


def test_match_says_how_an_article_matched(articles: dict[str, Article]) -> None:
    fresh = DuplicateIndex()
    assert fresh.add_match(articles["nile-wire"]).kind == "new"
    exact = fresh.add_match(articles["nile-copy"])
    assert (exact.kind, exact.matched) == ("exact", "nile-wire")
    near = fresh.add_match(articles["nile-near"])
    assert near.kind == "near" and 0.5 <= near.similarity < 1.0
    assert fresh.add_match(articles["nile-near"]).kind == "known"
    assert len(fresh) == 3


def test_group_id_stays_the_first_articles_id_whatever_arrives_later(articles: dict[str, Article]) -> None:
    fresh = DuplicateIndex()
    order = ["nile-near", "quake-1", "nile-wire", "nile-copy"]
    assert [fresh.add(articles[a]) for a in order] == ["nile-near", "quake-1", "nile-near", "nile-near"]


def test_persisted_index_round_trips_and_keeps_grouping_new_copies(
    articles: dict[str, Article], tmp_path
) -> None:
    first = DuplicateIndex()
    first.add(articles["nile-wire"])
    first.add(articles["quake-1"])
    path = tmp_path / "dedup.msgpack"
    first.save(path)
    again = DuplicateIndex.load(path)
    assert again.groups() == first.groups()
    assert again.add(articles["nile-near"]) == "nile-wire"
    assert again.add(articles["nile-copy"]) == "nile-wire"
    assert again.add(articles["quake-2"]) == "quake-2"


def test_a_file_that_is_not_an_index_is_a_one_line_store_error(tmp_path) -> None:
    bad = tmp_path / "dedup.msgpack"
    bad.write_bytes(b"\x00not msgpack at all")
    with pytest.raises(StoreError, match="duplicate index"):
        DuplicateIndex.load(bad)
    with pytest.raises(StoreError, match="cannot read"):
        DuplicateIndex.load(tmp_path / "missing.msgpack")


def test_empty_and_tiny_texts_do_not_crash_or_merge() -> None:
    fresh = DuplicateIndex()
    assert fresh.add(Article(article_id="e1", text="")) == "e1"
    assert fresh.add(Article(article_id="t1", text="Ceasefire")) == "t1"
    assert fresh.add(Article(article_id="t2", text="Floods")) == "t2"
    assert fresh.add(Article(article_id="t3", text="ceasefire ")) == "t1"


# -- events counted once --------------------------------------------------------------------------


def _consult(event_id: str, article_id: str, actor: str, recipient: str, date: str | None, **kw) -> Event:
    return Event(
        event_id=event_id,
        article_id=article_id,
        sentence_index=kw.pop("sentence_index", 0),
        sentence="…",
        span=kw.pop("span", (0, 40)),
        category=kw.pop("category", "CONSULT"),
        cameo="040",
        goldstein=1.0,
        quad_class=1,
        date=date,
        actor=[EventActor(text=actor, name=None, country=actor)],
        recipient=[EventActor(text=recipient, name=None, country=recipient)],
        **kw,
    )


def test_one_meeting_reported_three_times_is_one_event_with_its_reports_sources_and_provenance() -> None:
    events = [
        _consult("e1", "a", "EGY", "ETH", "2025-03-03", span=(0, 50)),
        # Another outlet codes the same meeting the other way round, and dated a day later.
        _consult("e2", "b", "ETH", "EGY", "2025-03-04", span=(10, 70), sentence_index=2),
        _consult("e3", "c", "EGY", "ETH", "2025-03-03", span=(5, 60), sentence_index=1),
        _consult("e4", "c", "EGY", "SDN", "2025-03-03"),
    ]
    sources = {"a": "wire.example", "b": "daily.example", "c": "wire.example"}
    merged = merge_events(events, sources)
    assert len(merged) == 2
    meeting = merged[0]
    assert meeting.event_id == "e1"
    assert (meeting.n_reports, meeting.n_sources) == (3, 2)
    assert meeting.provenance == [
        {"article_id": "a", "span": [0, 50], "sentence_index": 0, "event_id": "e1"},
        {"article_id": "b", "span": [10, 70], "sentence_index": 2, "event_id": "e2"},
        {"article_id": "c", "span": [5, 60], "sentence_index": 1, "event_id": "e3"},
    ]
    # A dyad count over merged events counts the meeting once.
    dyads = Counter(frozenset({e.actor[0].country, e.recipient[0].country}) for e in merged)
    assert dyads[frozenset({"EGY", "ETH"})] == 1
    assert dyads[frozenset({"EGY", "SDN"})] == 1


def test_events_apart_in_time_direction_negation_or_story_stay_separate() -> None:
    base = _consult("e1", "a", "USA", "CHN", "2025-03-03", category="ACCUSE")
    far = _consult("e2", "b", "USA", "CHN", "2025-03-06", category="ACCUSE")
    # ACCUSE has a direction: China accusing the US is another event.
    reverse = _consult("e3", "c", "CHN", "USA", "2025-03-03", category="ACCUSE")
    denied = _consult("e4", "d", "USA", "CHN", "2025-03-03", category="ACCUSE", negated=True)
    undated = _consult("e5", "e", "USA", "CHN", None, category="ACCUSE")
    assert len(merge_events([base, far, reverse, denied, undated])) == 5
    same = _consult("e6", "f", "USA", "CHN", "2025-03-03", category="ACCUSE")
    assert len(merge_events([base, same])) == 1
    assert len(merge_events([base, same], group_of={"a": "story-1", "f": "story-2"})) == 2


def test_merging_merged_events_keeps_all_provenance() -> None:
    first = merge_events(
        [_consult("e1", "a", "EGY", "ETH", "2025-03-03"), _consult("e2", "b", "EGY", "ETH", "2025-03-03")]
    )
    again = merge_events([*first, _consult("e3", "c", "EGY", "ETH", "2025-03-03")])
    assert len(again) == 1
    assert again[0].n_reports == 3
    assert [p["event_id"] for p in again[0].provenance] == ["e1", "e2", "e3"]


def test_same_event_from_three_analysed_articles_merges_to_one(analyze) -> None:
    texts = {
        "r1": "Egyptian Foreign Minister Badr Abdelatty met Ethiopian Foreign Minister Gedion Timothewos in Addis Ababa on Monday.",
        "r2": "Ethiopia's foreign minister Gedion Timothewos met his Egyptian counterpart Badr Abdelatty in Addis Ababa on Monday.",
        "r3": "On Monday, Egyptian Foreign Minister Badr Abdelatty met Ethiopian Foreign Minister Gedion Timothewos for talks on the dam.",
    }
    events = [
        e for aid, text in texts.items() for e in analyze(text, published="2025-03-04", article_id=aid).events
    ]
    meetings = [e for e in events if e.category == "CONSULT"]
    assert {e.article_id for e in meetings} == set(texts)
    merged = [e for e in merge_events(meetings, {"r1": "a.example", "r2": "b.example", "r3": "a.example"})]
    assert len(merged) == 1
    assert (merged[0].n_reports, merged[0].n_sources) == (3, 2)
    assert {p["article_id"] for p in merged[0].provenance} == set(texts)


def test_article_source_counts_an_outlet_once_across_urls() -> None:
    one = Article(article_id="1", text="x", url="https://www.daily.example/a")
    two = Article(article_id="2", text="x", url="https://daily.example/b")
    assert article_source(one) == article_source(two) == "daily.example"
    assert article_source(Article(article_id="3", text="x", url="http://[bad")) == "3"
    assert article_source(Article(article_id="4", text="x", site="Daily Example")) == "daily example"
