"""The store's promises over random batches (property test): one copy per id, latest content, no churn."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from communique.records import Article, Reject
from communique.store import ingest_items, open_store
from conftest import FIXTURES

sys.path.insert(0, str(FIXTURES / "store"))
from fake_pipeline import FakePipeline  # noqa: E402

REPEATED = "repeated id with different content in one run; the first occurrence was kept"

TEXTS = ["Iran and Russia met.", "Brazil spoke.", "Norway and Kenya agreed.", 'Kenya said "yes".', "Nothing."]
DATES = [None, "2025-01-05", "2025-02-10", "not a date"]

article_rows = st.builds(
    lambda i, t, d: Article(article_id=f"id/{i}", text=TEXTS[t], published=DATES[d], source="in.jsonl"),
    st.integers(0, 5), st.integers(0, len(TEXTS) - 1), st.integers(0, len(DATES) - 1),
)
bad_rows = st.builds(
    lambda n, r: Reject(input=f"in.jsonl:{n}", reason=r),
    st.integers(1, 4), st.sampled_from(["invalid JSON", "'text' is empty"]),
)
runs_strategy = st.lists(st.lists(st.one_of(article_rows, article_rows, bad_rows), max_size=10), min_size=1,
                         max_size=3)


def expected_state(runs: list[list[Article | Reject]]):
    """The model: the last run that saw an id stores its first occurrence in that run."""
    stored: dict[str, tuple[str, str | None]] = {}
    rejects: set[tuple[str, str]] = set()
    for items in runs:
        first: dict[str, tuple[str, str | None]] = {}
        for item in items:
            if isinstance(item, Reject):
                rejects.add((item.input, item.reason))
                continue
            key = (item.text, item.published)
            if item.article_id in first:
                if first[item.article_id] != key:
                    rejects.add((f"in.jsonl (id {item.article_id})", REPEATED))
                continue
            first[item.article_id] = key
            stored[item.article_id] = key
    return stored, rejects


def data_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "tables").rglob("*.parquet"))}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(runs=runs_strategy, batch_size=st.integers(1, 4))
def test_random_batches_store_every_id_once_with_its_latest_content(runs, batch_size):
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "s", create=True)
        for items in runs:
            ingest_items(items, store, FakePipeline(), batch_size=batch_size, rebuild_catalog=False)
        stored, rejects = expected_state(runs)
        store.refresh()
        got = {r["article_id"]: (r["text"], r["published"])
               for r in store.sql("SELECT article_id, text, published FROM articles").to_pylist()}
        assert store.count("articles") == len(got) == len(stored)
        assert got == stored
        assert {(r["input"], r["reason"]) for r in store.table("rejects").to_pylist()} == rejects
        pipeline = FakePipeline()
        expected_events = sum(len(pipeline.analyze(Article(article_id=i, text=t)).events)
                              for i, (t, _) in stored.items())
        assert store.count("event_reports") == expected_events  # one report per stored event
        # Every child row belongs to a stored article.
        assert store.sql("SELECT count(*) AS n FROM actors WHERE article_id NOT IN "
                         "(SELECT article_id FROM articles)").to_pylist() == [{"n": 0}]
        # The last run once more changes no data file.
        before = data_files(store.root)
        again = ingest_items(runs[-1], store, FakePipeline(), batch_size=batch_size, rebuild_catalog=False)
        assert again.stored == 0
        assert data_files(store.root) == before
        store.close()
