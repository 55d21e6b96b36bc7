"""``store recode``: stored articles re-analysed after an upgrade, their rows replaced in place."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator

import msgspec
import pytest

from communique.records import Analysis, Article
from communique.store import ingest_items, open_store, recode
from conftest import FIXTURES

sys.path.insert(0, str(FIXTURES / "store"))
from fake_pipeline import FakePipeline  # noqa: E402


def art(article_id: str, text: str, published: str | None = "2025-04-18") -> Article:
    return Article(article_id=article_id, text=text, published=published, source="wire.jsonl")


ARTICLES = [
    art("a/1", "Iran and Russia held talks in Geneva."),
    art("a/2", "Brazil hosted Norway for climate talks.", "2025-04-19"),
    art("a/3", "Kenya announced a new budget.", "2025-05-02"),
    art("a/4", "Norway and Kenya signed a fisheries deal.", None),
]


class UpgradedPipeline(FakePipeline):
    """A 'newer coder': the same actors, but a meeting between two countries is coded as AGREE
    when the article says "signed" (the old one called everything CONSULT)."""

    def analyze(self, article: Article) -> Analysis:
        found = super().analyze(article)
        if "signed" not in article.text:
            return found
        events = [msgspec.structs.replace(e, event_id=e.event_id + "-v2", category="AGREE", cameo="057")
                  for e in found.events]
        return msgspec.structs.replace(found, events=events)


class FailsOn(UpgradedPipeline):
    def __init__(self, article_id: str) -> None:
        super().__init__()
        self.bad = article_id

    def analyze_many(self, articles: Iterable[Article]) -> Iterator[Analysis]:
        for article in articles:
            yield self.analyze(article)

    def analyze(self, article: Article) -> Analysis:
        if article.article_id == self.bad:
            raise RuntimeError("model ran out of memory")
        return super().analyze(article)


@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path / "store", create=True)
    ingest_items(ARTICLES, s, FakePipeline(), batch_size=2, story_embedding_model="none")
    yield s
    s.close()


def events_of(store) -> dict[str, tuple[str, str]]:
    store.refresh()
    return {r["event_id"]: (r["article_id"], r["category"])
            for r in store.sql("SELECT event_id, article_id, category FROM event_reports").to_pylist()}


def test_recode_replaces_only_the_articles_whose_analysis_changed(store):
    before_ids = store.sql("SELECT article_id, content_hash FROM articles ORDER BY 1").to_pylist()
    assert events_of(store)["a/4#e0"] == ("a/4", "CONSULT")

    pipeline = UpgradedPipeline()
    summary = recode(store, pipeline, batch_size=2)
    assert (summary.articles, summary.recoded, summary.unchanged, summary.failed) == (4, 1, 3, 0)
    assert (summary.events_before, summary.events_after, summary.exit_code) == (3, 3, 0)
    assert sorted(pipeline.analysed) == ["a/1", "a/2", "a/3", "a/4"]

    events = events_of(store)
    assert "a/4#e0" not in events and events["a/4#e0-v2"] == ("a/4", "AGREE")
    assert events["a/1#e0"] == ("a/1", "CONSULT")  # the unchanged articles keep their rows
    # One copy of every article, text and content hash as before.
    assert store.sql("SELECT article_id, content_hash FROM articles ORDER BY 1").to_pylist() == before_ids
    # The story of the re-coded article lists its new event, not the old one.
    (story,) = [s for s in store.table("stories").to_pylist() if "a/4" in s["articles"]]
    assert "a/4#e0-v2" in story["events"] and "a/4#e0" not in story["events"]


def test_recode_twice_changes_nothing_the_second_time(store):
    recode(store, UpgradedPipeline(), batch_size=3)
    files = sorted(p.relative_to(store.root).as_posix() for p in (store.root / "tables").rglob("*.parquet"))
    again = recode(store, UpgradedPipeline(), batch_size=3)
    assert (again.recoded, again.unchanged) == (0, 4)
    assert sorted(p.relative_to(store.root).as_posix() for p in (store.root / "tables").rglob("*.parquet")) == files


def test_an_article_the_pipeline_fails_on_keeps_its_stored_version(store):
    summary = recode(store, FailsOn("a/4"), batch_size=4)
    assert (summary.recoded, summary.failed, summary.exit_code) == (0, 1, 1)
    assert events_of(store)["a/4#e0"] == ("a/4", "CONSULT")
    (reject,) = store.table("rejects").to_pylist()
    assert reject["stage"] == "recode" and "a/4" in reject["input"] and "out of memory" in reject["reason"]
    assert "stored version was kept" in reject["reason"]
    # The other articles of the batch were re-analysed all the same, and the article count is whole.
    assert summary.articles == 4 and store.count("articles") == 4
