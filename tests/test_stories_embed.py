"""Story clustering with lead embeddings (the default when the packaged encoder is installed)."""

from __future__ import annotations

import json
import random
from collections import Counter

import msgspec
import pytest

from communique.errors import UsageError
from communique.records import Article
from communique.stories import StoryClusterer
from communique.stories.cluster import MIXED_THRESHOLD, TFIDF_THRESHOLD
from communique.stories.embed import DEFAULT_MODEL, resolve_model
from conftest import FIXTURES

pytest.importorskip("sentence_transformers")
pytest.importorskip(DEFAULT_MODEL)

TOPICS = FIXTURES / "stories" / "topics.jsonl"


@pytest.fixture(scope="module")
def reports() -> list[Article]:
    rows = [json.loads(line) for line in TOPICS.read_text("utf-8").splitlines() if line.strip()]
    return [Article(article_id=r["id"], text=r["text"], title=r["title"]) for r in rows]


def _sizes(clusterer: StoryClusterer) -> list[int]:
    return sorted(Counter(clusterer.assignments().values()).values())


def _topics_kept_apart(clusterer: StoryClusterer) -> bool:
    stories: dict[str, set[str]] = {}
    for article_id, story in clusterer.assignments().items():
        stories.setdefault(story, set()).add(article_id.split("-")[0])
    return all(len(topics) == 1 for topics in stories.values()) and len(stories) == 3


def test_embeddings_are_on_by_default_with_their_own_threshold() -> None:
    clusterer = StoryClusterer()
    assert clusterer.embedding_model == DEFAULT_MODEL
    assert clusterer.threshold == MIXED_THRESHOLD
    plain = StoryClusterer(embedding_model=None)
    assert plain.embedding_model is None and plain.embedding_weight == 0.0
    assert plain.threshold == TFIDF_THRESHOLD


def test_default_clusterer_separates_topics_that_share_a_wire_footer(reports: list[Article]) -> None:
    # Every report ends with the same agency footer; the lead's meaning tells the topics apart at
    # the default threshold, in any arrival order.
    for seed in range(3):
        order = list(reports)
        random.Random(seed).shuffle(order)
        clusterer = StoryClusterer(window_days=None)
        clusterer.add_many(order)
        assert _topics_kept_apart(clusterer), clusterer.assignments()
        assert _sizes(clusterer) == [4, 4, 4]


def test_reports_worded_differently_join_one_story() -> None:
    first = Article(
        article_id="a1",
        title="Kremlin hosts Iranian foreign minister",
        text="Russia's foreign minister received his Iranian counterpart in Moscow on Tuesday for talks "
        "on a long-term cooperation treaty between the two governments.",
    )
    second = Article(
        article_id="a2",
        title="Tehran's top diplomat in Moscow for treaty talks",
        text="Iran's chief diplomat sat down with Sergei Lavrov in the Russian capital to finish work on "
        "a strategic partnership pact, officials in both countries said.",
    )
    unrelated = Article(
        article_id="a3",
        title="Heavy rain floods farmland in Bangladesh",
        text="Rivers burst their banks across northern Bangladesh after days of monsoon rain, "
        "submerging rice fields and forcing villagers to shelters.",
    )
    with_embeddings = StoryClusterer(window_days=None)
    story = with_embeddings.add(first)
    assert with_embeddings.add(second) == story
    assert with_embeddings.add(unrelated) != story


def test_state_round_trip_keeps_embeddings_out_of_the_stored_vectors(reports: list[Article]) -> None:
    head, tail = reports[:7], reports[7:]
    uninterrupted = StoryClusterer(window_days=None)
    uninterrupted.add_many(reports)

    clusterer = StoryClusterer(window_days=None)
    clusterer.add_many(head)
    data = clusterer.to_bytes()
    stored = msgspec.msgpack.decode(data)
    assert stored["embedding_model"] == DEFAULT_MODEL
    for doc in stored["docs"]:
        assert isinstance(doc["embedding"], bytes) and len(doc["embedding"]) == 4 * 384
        assert not any(term.startswith("\x00") for term in doc["vector"])
    reloaded = StoryClusterer.from_bytes(data)
    assert reloaded.embedding_model == DEFAULT_MODEL
    reloaded.add_many(tail)
    assert reloaded.assignments() == uninterrupted.assignments()


def test_a_tfidf_only_state_stays_tfidf_only(reports: list[Article]) -> None:
    clusterer = StoryClusterer(window_days=None, embedding_model=None)
    clusterer.add_many(reports[:3])
    reloaded = StoryClusterer.from_bytes(clusterer.to_bytes())
    assert reloaded.embedding_model is None and reloaded.threshold == clusterer.threshold
    reloaded.add(reports[3])
    assert reloaded._docs[reports[3].article_id].embedding is None


def test_model_names() -> None:
    assert resolve_model("none") is None and resolve_model("") is None and resolve_model(None) is None
    assert resolve_model("auto") == DEFAULT_MODEL
    clusterer = StoryClusterer(embedding_model="no_such_encoder_package")
    with pytest.raises(UsageError, match="no_such_encoder_package"):
        clusterer.add(Article(article_id="x", text="Some text about a summit."))
    with pytest.raises(ValueError, match="embedding_weight"):
        StoryClusterer(embedding_weight=1.0)


def _story_state(store) -> StoryClusterer:
    from communique.dedup.persist import decode_state
    from communique.store.grouping import _MAGIC, FORMAT_VERSION, STATE_FILE, _State

    state = decode_state((store / STATE_FILE).read_bytes(), _State, _MAGIC, FORMAT_VERSION, "state")
    return StoryClusterer.from_bytes(state.stories)


def test_ingest_no_embeddings_makes_a_tfidf_store_and_the_store_keeps_its_choice(tmp_path) -> None:
    import subprocess
    import sys

    wire = FIXTURES / "store" / "wire.jsonl"

    def ingest(store, *flags: str) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "communique", "ingest", str(wire), "--store", str(store), *flags],
            capture_output=True, text=True, timeout=600,
        )
        assert done.returncode == 0, done.stderr

    plain, mixed = tmp_path / "plain", tmp_path / "mixed"
    ingest(plain, "--no-embeddings")
    ingest(mixed)
    assert _story_state(plain).embedding_model is None
    assert all(doc.embedding is None for doc in _story_state(plain)._docs.values())
    assert _story_state(mixed).embedding_model == DEFAULT_MODEL
    assert all(doc.embedding for doc in _story_state(mixed)._docs.values())
    # Re-ingesting into the TF-IDF store without the flag keeps it TF-IDF (its stories stay comparable).
    ingest(plain)
    assert _story_state(plain).embedding_model is None
