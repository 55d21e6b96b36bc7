"""Duplicates, merged events and stories as the store keeps them at ingest.

Fixture (tests/fixtures/dedup_store/meeting.jsonl, written for these tests): three outlets report
one Japan–India summit (12–13 April 2025), the first outlet posts an exact copy of its report under
a second id (an AMP page), the third an updated version (a near-copy), and an unrelated Kenyan
budget story follows. The real pipeline codes the
articles once per module; the store tests replay those analyses, so every ingest is fast.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import msgspec
import pytest

from communique.records import Analysis, Article
from communique.relations.series import dyad_series
from communique.store import ingest_items, open_store
from communique.store.grouping import STATE_FILE
from conftest import FIXTURES

MEETING = FIXTURES / "dedup_store" / "meeting.jsonl"
REPORTS = ["harbour/0412-talks", "ledger-post/asia-88", "compass/9001"]  # three outlets
COPY = "harbour/amp-0412-talks"  # the first outlet's report again, under another id
UPDATE = "compass/9001-v2"  # the third outlet's report, updated the next day (a near-copy)
OTHER = "harbour/0414-farm"


class Replay:
    """An analyser returning analyses computed once by the real pipeline."""

    def __init__(self, done: dict[str, Analysis]) -> None:
        self.done = done
        self.analysed: list[str] = []

    def analyze(self, article: Article) -> Analysis:
        self.analysed.append(article.article_id)
        return self.done[article.article_id]

    def analyze_many(self, articles: Iterable[Article]) -> Iterator[Analysis]:
        for article in articles:
            yield self.analyze(article)


@pytest.fixture(scope="module")
def articles() -> dict[str, Article]:
    found = [Article(**json.loads(line)) for line in MEETING.read_text("utf-8").splitlines() if line.strip()]
    return {a.article_id: a for a in found}


@pytest.fixture(scope="module")
def analyses(pipeline, articles) -> dict[str, Analysis]:
    return {aid: pipeline.analyze(a) for aid, a in articles.items()}


def ingest(root: Path, analyses: dict[str, Analysis], ids: list[str], batch_size: int = 256) -> Replay:
    replay = Replay(analyses)
    store = open_store(root, create=True)
    try:
        ingest_items([analyses[i].article for i in ids], store, replay, batch_size=batch_size)
    finally:
        store.close()
    return replay


def meeting_events(store) -> list[dict[str, Any]]:
    """Stored (merged) CONSULT events from Japan to India."""
    rows = store.sql(
        "SELECT * FROM events WHERE category = 'CONSULT' AND list_contains([x.country FOR x IN actor], 'JPN') "
        "AND list_contains([x.country FOR x IN recipient], 'IND')"
    ).to_pylist()
    for row in rows:
        row["provenance"] = json.loads(row["provenance"])
    return rows


def answers(root: Path) -> dict[str, Any]:
    """What a user would compare between two stores: merged events, reports, stories, groups."""
    store = open_store(root)
    try:
        return {
            "events": store.sql("SELECT * EXCLUDE (provenance), provenance FROM events ORDER BY event_id").to_pylist(),
            "reports": store.sql("SELECT event_id, article_id, group_id FROM event_reports ORDER BY 1").to_pylist(),
            "stories": store.sql("SELECT * FROM stories ORDER BY story_id").to_pylist(),
            "groups": store.sql("SELECT article_id, dup_group FROM articles ORDER BY 1").to_pylist(),
        }
    finally:
        store.close()


def test_three_reports_of_one_meeting_are_one_event_with_provenance(tmp_path, analyses, articles):
    ingest(tmp_path / "s", analyses, REPORTS)
    store = open_store(tmp_path / "s")
    (event,) = meeting_events(store)
    assert (event["n_reports"], event["n_sources"]) == (3, 3)
    assert {p["article_id"] for p in event["provenance"]} == set(REPORTS)
    assert {p["source"] for p in event["provenance"]} == {
        "harbourtimes.example", "ledgerpost.example", "compass-news.example"}
    # Every provenance span points at the sentence its report was coded from.
    reports = {r["event_id"]: r for r in store.table("event_reports").to_pylist()}
    for p in event["provenance"]:
        report = reports[p["event_id"]]
        start, end = p["span"]
        assert articles[p["article_id"]].text[start:end] == report["sentence"]
        assert report["group_id"] == event["event_id"]
    for article_id in REPORTS:  # each outlet's sentence telling of the meeting is among them
        text = articles[article_id].text
        assert any(" met " in text[p["span"][0]:p["span"][1]] for p in event["provenance"]
                   if p["article_id"] == article_id)
    # The raw reports stay one row each: the drill-down path to every report.
    assert store.count("event_reports") > store.count("events")
    store.close()


def test_dyad_series_counts_the_meeting_once_as_an_event_and_three_times_as_reports(tmp_path, analyses):
    ingest(tmp_path / "s", analyses, REPORTS)
    store = open_store(tmp_path / "s")
    series = dyad_series(store, "JPN", "IND", freq="month", directed=True)
    (april,) = [p for p in series.periods if p.events]
    assert (april.period, april.events, april.reports) == ("2025-04", 1, 3)
    assert len(april.cells["all"]) == 1
    store.close()


def test_an_exact_copy_is_grouped_and_not_counted_again(tmp_path, analyses):
    ingest(tmp_path / "s", analyses, [*REPORTS, COPY])
    store = open_store(tmp_path / "s")
    groups = {r["article_id"]: r["dup_group"] for r in store.table("articles").to_pylist()}
    assert groups[COPY] == groups[REPORTS[0]] == REPORTS[0]
    assert len({groups[a] for a in REPORTS}) == 3  # different write-ups are not duplicates
    (event,) = meeting_events(store)
    # The copy is listed in the provenance, but one outlet's report posted twice is one report.
    assert COPY in {p["article_id"] for p in event["provenance"]}
    assert (event["n_reports"], event["n_sources"]) == (3, 3)
    store.close()


def test_the_meeting_is_one_story_apart_from_the_unrelated_one(tmp_path, analyses):
    ingest(tmp_path / "s", analyses, list(analyses))
    store = open_store(tmp_path / "s")
    stories = {s["story_id"]: s for s in store.table("stories").to_pylist()}
    (meeting,) = [s for s in stories.values() if REPORTS[0] in s["articles"]]
    assert set(meeting["articles"]) == {*REPORTS, COPY, UPDATE} and OTHER not in meeting["articles"]
    assert (meeting["start"], meeting["end"], meeting["n_sources"]) == ("2025-04-12", "2025-04-13", 3)
    assert {"JPN", "IND"} <= set(meeting["actors"])
    (event,) = meeting_events(store)
    assert event["event_id"] in meeting["events"]
    # Five articles, but the copy and the update are the same reports again: 3 reports, 3 outlets.
    assert len({p["article_id"] for p in event["provenance"]}) == 5
    assert (event["n_reports"], event["n_sources"]) == (3, 3)
    store.close()


def test_reingest_changes_nothing(tmp_path, analyses):
    root = tmp_path / "s"
    ingest(root, analyses, list(analyses), batch_size=2)
    before = answers(root)
    files = sorted(p.relative_to(root) for p in (root / "tables").rglob("*.parquet"))
    again = ingest(root, analyses, list(analyses), batch_size=2)
    assert again.analysed == []
    assert answers(root) == before
    assert sorted(p.relative_to(root) for p in (root / "tables").rglob("*.parquet")) == files


def test_two_runs_give_the_same_store_as_one(tmp_path, analyses):
    # Runs follow publication order, as a daily ingest does.
    ingest(tmp_path / "one", analyses, list(analyses))
    ingest(tmp_path / "two", analyses, [REPORTS[0], COPY, REPORTS[1]])
    ingest(tmp_path / "two", analyses, [REPORTS[2], UPDATE, OTHER], batch_size=1)
    assert answers(tmp_path / "two") == answers(tmp_path / "one")


@pytest.mark.parametrize("damage", ["rewound", "deleted", "garbled"])
def test_a_state_behind_the_ledger_is_caught_up(tmp_path, analyses, damage):
    """As if the process died after a commit but before the grouping state was written."""
    ingest(tmp_path / "one", analyses, list(analyses))
    root = tmp_path / "crashed"
    ingest(root, analyses, [REPORTS[0], COPY])
    saved = (root / STATE_FILE).read_bytes()
    ingest(root, analyses, [REPORTS[1], REPORTS[2]])
    if damage == "rewound":
        (root / STATE_FILE).write_bytes(saved)
    elif damage == "deleted":
        (root / STATE_FILE).unlink()
    else:
        (root / STATE_FILE).write_bytes(b"\x00 not a state")
    store = open_store(root)
    with store.writer() as writer:
        grouper = writer.grouper()
        assert grouper.replayed == (2 if damage == "rewound" else 4)
        assert grouper.seq == writer.state.seq
    ingest(root, analyses, [UPDATE, OTHER])  # the update must find its original (replayed)
    after = answers(root)
    assert {r["article_id"]: r["dup_group"] for r in after["groups"]}[UPDATE] == REPORTS[2]
    assert after == answers(tmp_path / "one")


def test_stories_command_reads_the_stored_stories(tmp_path, analyses):
    from typer.testing import CliRunner

    from communique.cli import app

    root = tmp_path / "s"
    ingest(root, analyses, list(analyses))
    result = CliRunner().invoke(app, ["stories", "--store", str(root), "--format", "json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert len(found) == 2
    for story in found:
        assert {"story_id", "title", "articles", "start", "end", "actors", "n_reports", "n_sources"} <= set(story)
    assert found[0]["articles"] == [REPORTS[0], COPY, REPORTS[1], REPORTS[2], UPDATE]  # the biggest first
    assert found[0]["title"] and (found[0]["n_reports"], found[0]["n_sources"]) == (5, 3)
    since = CliRunner().invoke(app, ["stories", "--store", str(root), "--since", "2025-04-14"])
    assert [s["articles"] for s in json.loads(since.stdout)] == [[OTHER]]
    table = CliRunner().invoke(app, ["stories", "--store", str(root), "--format", "table"])
    assert table.exit_code == 0 and "2 stories" in table.stdout


def test_earliest_since_and_reclustering_on_request(tmp_path, analyses):
    from communique.stories import StoryClusterer
    from communique.stories.from_store import stories_from_store

    ingest(tmp_path / "s", analyses, list(analyses))
    store = open_store(tmp_path / "s")
    stored = stories_from_store(store, since=date(1, 1, 1))
    assert len(stored) == 2
    # Asking for other settings clusters now; the earliest date must not overflow the window.
    again = stories_from_store(store, since=date(1, 1, 1), clusterer=StoryClusterer(window_days=3))
    assert sorted(len(s.articles) for s in again) == sorted(len(s.articles) for s in stored)
    store.close()


def test_a_store_written_before_grouping_reads_each_report_as_an_event(tmp_path, analyses):
    import pyarrow.parquet as pq

    root = tmp_path / "s"
    ingest(root, analyses, REPORTS)
    # Strip what grouping added to the event files, as in a store written by an older communique.
    for path in (root / "tables" / "events").rglob("*.parquet"):
        pq.write_table(pq.read_table(path).drop(["group_id", "outlet", "dup_group"]), path)
    (root / "store.duckdb").unlink()
    store = open_store(root)
    assert store.count("events") == store.count("event_reports") > 0
    assert all(e["n_reports"] == 1 and e["group_id"] == e["event_id"] for e in store.table("events").to_pylist())
    store.close()


def test_a_replaced_first_report_leaves_the_event_merged(tmp_path, analyses, pipeline):
    root = tmp_path / "s"
    ingest(root, analyses, REPORTS)
    first = analyses[REPORTS[0]].article
    # The outlet corrects its report: new text, so new event ids; the old rows are replaced.
    fixed = Article(**{**msgspec.to_builtins(first), "text": "Correction: " + first.text})
    redone = {**analyses, REPORTS[0]: pipeline.analyze(fixed)}
    replay = Replay(redone)
    store = open_store(root)
    ingest_items([fixed], store, replay)
    store.refresh()
    (event,) = meeting_events(store)
    assert (event["n_reports"], event["n_sources"]) == (3, 3)
    assert {p["article_id"] for p in event["provenance"]} == set(REPORTS)
    old_ids = {e.event_id for e in analyses[REPORTS[0]].events}
    assert not old_ids & {p["event_id"] for p in event["provenance"]}
    assert store.count("articles") == 3
    store.close()


def test_a_store_without_stories_gets_all_of_them_at_its_next_ingest(tmp_path, analyses):
    root = tmp_path / "s"
    ingest(root, analyses, [REPORTS[0], COPY, REPORTS[1]])
    # As written by an older communique: no stories, no grouping state.
    from communique.store.ledger import Commit

    lines = []
    for line in (root / "ledger.jsonl").read_bytes().splitlines():
        commit = msgspec.json.decode(line, type=Commit)
        for fragment in commit.add:
            fragment.files.pop("stories", None)
        lines.append(msgspec.json.encode(commit) + b"\n")
    (root / "ledger.jsonl").write_bytes(b"".join(lines))
    shutil.rmtree(root / "tables" / "stories")
    (root / STATE_FILE).unlink()
    (root / "store.duckdb").unlink()
    ingest(root, analyses, [OTHER])
    store = open_store(root)
    stories = store.table("stories").to_pylist()
    assert sorted(len(s["articles"]) for s in stories) == [1, 3]
    store.close()


def test_stored_stories_follow_a_story_that_shrinks(tmp_path, monkeypatch):
    """The clusterer can split a wrongly joined report off a story; the stored stories follow.

    Reports arrive one batch each, in an order where the shared agency footer makes the first chess
    report join the flood story; later the clusterer repairs that. The stories table must then hold
    three stories of four reports, with no report listed twice (written for this test from the
    clusterer's own fixture, ``fixtures/stories/topics.jsonl``).
    """
    import sys

    from communique.store import grouping
    from communique.stories import StoryClusterer

    sys.path.insert(0, str(FIXTURES / "store"))
    from fake_pipeline import FakePipeline  # noqa: PLC0415 - the store tests' stand-in for spaCy

    # The fixture's threshold (see tests/test_stories_cluster.py): low enough for the wrong early join.
    class LowThreshold(StoryClusterer):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.setdefault("threshold", 0.2)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(grouping, "StoryClusterer", LowThreshold)
    rows = [json.loads(line) for line in (FIXTURES / "stories" / "topics.jsonl").read_text("utf-8").splitlines()
            if line.strip()]
    by_id = {r["id"]: Article(article_id=r["id"], text=r["text"], title=r["title"]) for r in rows}
    order = ["flood-1", "chess-1", "chess-2", "flood-2", "rates-1", "chess-3", "flood-3", "rates-2",
             "rates-3", "flood-4", "chess-4", "rates-4"]
    store = open_store(tmp_path / "store", create=True)
    for article_id in order:
        ingest_items([by_id[article_id]], store, FakePipeline(), batch_size=1)
    versions = store.sql("SELECT articles FROM story_versions WHERE merged_into IS NULL").to_pylist()
    assert any({"flood-1", "chess-1"} <= set(v["articles"]) for v in versions), "the wrong early join happened"
    stories = store.table("stories").to_pylist()
    listed = [a for s in stories for a in s["articles"]]
    assert sorted(listed) == sorted(order), "every report in exactly one live story"
    assert sorted(sorted(s["articles"]) for s in stories) == sorted(
        sorted(a for a in order if a.startswith(topic)) for topic in ("chess", "flood", "rates"))
    store.close()
