"""Online story clustering (communique.stories) and ``communique stories``."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from communique.errors import StoreError, UsageError
from communique.eval.stories import bcubed
from communique.records import Article
from communique.stories import StoryClusterer, cluster_stories, story_id_for
from conftest import FIXTURES

ARTICLES = FIXTURES / "stories" / "articles.jsonl"


@pytest.fixture(scope="module")
def articles() -> dict[str, Article]:
    rows = [json.loads(line) for line in ARTICLES.read_text("utf-8").splitlines() if line.strip()]
    return {
        r["id"]: Article(
            article_id=r["id"], text=r["text"], title=r["title"], published=r["published"], url=r["url"]
        )
        for r in rows
    }


def _cluster(articles: dict[str, Article], ids: list[str], **options) -> StoryClusterer:
    clusterer = StoryClusterer(**options)
    for article_id in ids:
        clusterer.add(articles[article_id])
    return clusterer


def _groups(clusterer: StoryClusterer) -> list[set[str]]:
    return sorted((set(s.articles) for s in clusterer.stories()), key=sorted)


def test_follow_up_report_joins_the_existing_story(articles: dict[str, Article]) -> None:
    clusterer = _cluster(articles, ["nile-wire", "quake-1", "trade-1"])
    first = clusterer.story_of("nile-wire")
    assert clusterer.add(articles["nile-followup"]) == first
    assert clusterer.add(articles["quake-2"]) == clusterer.story_of("quake-1") != first


def test_stories_of_the_fixture_day(articles: dict[str, Article]) -> None:
    ids = ["nile-wire", "nile-copy", "quake-1", "nile-near", "trade-1", "quake-2", "nile-followup"]
    clusterer = _cluster(articles, ids)
    assert _groups(clusterer) == [
        {"nile-copy", "nile-followup", "nile-near", "nile-wire"},
        {"quake-1", "quake-2"},
        {"trade-1"},
    ]
    nile = clusterer.stories()[0]
    assert nile.story_id == story_id_for("nile-wire")
    assert (nile.start, nile.end) == ("2025-03-03", "2025-03-04")
    assert nile.n_reports == 4
    # wire.example twice, daily.example, gazette.example (www. dropped)
    assert nile.n_sources == 3
    assert "Nile" in nile.title or "dam" in nile.title


def test_time_window_keeps_apart_similar_stories_months_apart(articles: dict[str, Article]) -> None:
    windowed = _cluster(articles, ["doha-jan", "doha-jun"], window_days=3)
    assert windowed.story_of("doha-jan") != windowed.story_of("doha-jun")
    # Without dates or without a window the two rounds of talks read as one story.
    unwindowed = _cluster(articles, ["doha-jan", "doha-jun"], window_days=None)
    assert unwindowed.story_of("doha-jan") == unwindowed.story_of("doha-jun")


def test_an_article_bridging_two_stories_merges_them_and_old_ids_resolve(
    articles: dict[str, Article],
) -> None:
    clusterer = _cluster(articles, ["port-strike", "port-reroute"])
    strike, reroute = clusterer.story_of("port-strike"), clusterer.story_of("port-reroute")
    assert strike != reroute
    merged = clusterer.add(articles["port-bridge"])
    # The older story keeps its id; the younger one answers with it.
    assert merged == strike
    assert clusterer.story_of("port-reroute") == strike
    assert clusterer.resolve(reroute) == strike
    assert _groups(clusterer) == [{"port-bridge", "port-reroute", "port-strike"}]


def test_actors_are_listed_and_help_match(articles: dict[str, Article]) -> None:
    clusterer = StoryClusterer()
    clusterer.add(articles["nile-wire"], actors=["EGY", "ETH", "SDN"], events=["ev-1"])
    clusterer.add(articles["nile-followup"], actors=["EGY", "ETH"], events=["ev-2"])
    story = clusterer.stories()[0]
    assert story.actors[:2] in (["EGY", "ETH"], ["ETH", "EGY"]) and story.actors[2] == "SDN"
    assert story.events == ["ev-1", "ev-2"]


def test_actor_overlap_can_decide_a_borderline_match(articles: dict[str, Article]) -> None:
    # Same texts, same threshold: only the actors differ.
    def joined(actors_later: list[str]) -> bool:
        clusterer = StoryClusterer(threshold=0.5, actor_weight=0.9)
        clusterer.add(articles["nile-wire"], actors=["EGY", "ETH"])
        return clusterer.add(articles["nile-followup"], actors=actors_later) == clusterer.story_of(
            "nile-wire"
        )

    assert joined(["EGY", "ETH"]) and not joined(["BRA", "ARG"])


def test_persistence_round_trip_gives_the_same_assignments(articles: dict[str, Article], tmp_path) -> None:
    ids = list(articles)
    whole = _cluster(articles, ids)
    half = _cluster(articles, ids[:6])
    path = tmp_path / "stories.msgpack"
    half.save(path)
    resumed = StoryClusterer.load(path)
    assert resumed.assignments() == half.assignments()
    for article_id in ids[6:]:
        resumed.add(articles[article_id])
    assert resumed.assignments() == whole.assignments()
    assert [s.title for s in resumed.stories()] == [s.title for s in whole.stories()]


def test_a_file_that_is_not_a_story_state_is_a_one_line_store_error(tmp_path) -> None:
    bad = tmp_path / "stories.msgpack"
    bad.write_bytes(b"\x93\x01\x02\x03")
    with pytest.raises(StoreError, match="story"):
        StoryClusterer.load(bad)


def test_adding_an_article_twice_changes_nothing(articles: dict[str, Article]) -> None:
    clusterer = _cluster(articles, ["nile-wire", "quake-1"])
    assert clusterer.add(articles["nile-wire"]) == clusterer.story_of("nile-wire")
    assert sum(s.n_reports for s in clusterer.stories()) == 2


def test_untitled_undated_article_makes_a_story_titled_by_its_lead() -> None:
    clusterer = StoryClusterer()
    clusterer.add(
        Article(article_id="x", text="Parliament in Lima voted to remove the president on Thursday night.")
    )
    story = clusterer.stories()[0]
    assert story.title.startswith("Parliament in Lima voted")
    assert (story.start, story.end) == (None, None)


def test_cluster_stories_orders_by_date(articles: dict[str, Article]) -> None:
    # Given out of order, the June talks still come after January's, in their own story.
    stories = cluster_stories([articles["doha-jun"], articles["doha-jan"]])
    assert [s.start for s in stories] == ["2025-01-10", "2025-06-20"]


def test_bcubed_scores_perfect_and_lumped_clusterings() -> None:
    gold = {"a": "x", "b": "x", "c": "y", "d": "y"}
    assert bcubed(gold, gold) == (1.0, 1.0, 1.0)
    precision, recall, _ = bcubed({k: "one" for k in gold}, gold)
    assert (precision, recall) == (0.5, 1.0)


# -- communique stories --store -------------------------------------------------------------------


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "communique", *args], capture_output=True, text=True, timeout=300
    )


def _run(*args: str):
    """The command in-process (no interpreter start-up): a Click result."""
    from typer.testing import CliRunner

    from communique.cli import app

    return CliRunner().invoke(app, list(args))


@pytest.fixture(scope="module")
def store(tmp_path_factory, pipeline):
    from communique.store import ingest

    folder = tmp_path_factory.mktemp("stories") / "store"
    ingest([str(ARTICLES)], folder, pipeline=pipeline)
    return folder


def test_stories_command_lists_stories_with_their_articles_and_actors(store) -> None:
    result = _run("stories", "--store", str(store), "--format", "json")
    assert result.exit_code == 0, result.output
    stories = json.loads(result.stdout)
    story_of = {a: s for s in stories for a in s["articles"]}
    nile = story_of["nile-wire"]
    assert set(nile) >= {"story_id", "title", "articles", "start", "end", "actors", "n_reports", "n_sources"}
    assert set(nile["articles"]) == {"nile-wire", "nile-copy", "nile-near", "nile-followup"}
    assert {"EGY", "ETH"} <= set(nile["actors"])
    assert (nile["start"], nile["end"], nile["n_reports"]) == ("2025-03-03", "2025-03-04", 4)
    assert sum(s["n_reports"] for s in stories) == 12
    # January's and June's Doha talks are different stories in a dated store.
    assert story_of["doha-jan"] is not story_of["doha-jun"]


def test_stories_since_keeps_only_later_stories_and_table_format_works(store) -> None:
    result = _run("stories", "--store", str(store), "--since", "2025-05-01")
    assert result.exit_code == 0, result.output
    assert sorted(a for s in json.loads(result.stdout) for a in s["articles"]) == [
        "doha-jun",
        "port-bridge",
        "port-reroute",
        "port-strike",
    ]
    table = _run("stories", "--store", str(store), "--format", "table")
    assert table.exit_code == 0 and "stories" in table.stdout


def test_stories_command_errors_are_one_line(store, tmp_path) -> None:
    bad_date = _run("stories", "--store", str(store), "--since", "May 1st")
    assert isinstance(bad_date.exception, UsageError) and "--since" in str(bad_date.exception)
    missing = _cli("stories", "--store", str(tmp_path / "nowhere"))
    assert missing.returncode == 1 and "no store" in missing.stderr and "Traceback" not in missing.stderr
