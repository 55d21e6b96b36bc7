"""Scale-out executors: a process pool and a Dask cluster build the same store as in-process ingest."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from communique.config import Settings
from communique.errors import UsageError
from communique.ingest import read_inputs
from communique.pipeline import Pipeline
from communique.records import Article
from communique.scale import ParallelAnalyzer, ProcessExecutor, make_executor
from communique.store import ingest_items, open_store
from conftest import FIXTURES

ARTICLES = FIXTURES / "scale" / "articles.jsonl"
TABLES = ("articles", "actors", "quotes", "events", "rejects")
VOLATILE = {"ingested_at", "first_seen"}  # wall-clock stamps differ between any two runs


def read_items() -> list[Any]:
    return list(read_inputs([str(ARTICLES)], Settings.load()))


def store_rows(root: Path, analyzer: Any, batch_size: int = 4) -> dict[str, list[str]]:
    """Ingest the fixture articles into a new store at ``root``; every table's rows, order-free."""
    store = open_store(root, create=True)
    try:
        summary = ingest_items(read_items(), store, analyzer, batch_size=batch_size)
        assert summary.rejected == 0, summary.reasons
        store.refresh()
        out = {}
        for table in TABLES:
            rows = store.sql(f"SELECT * FROM {table}").to_pylist()
            out[table] = sorted(repr({k: v for k, v in r.items() if k not in VOLATILE}) for r in rows)
        return out
    finally:
        store.close()


@pytest.fixture(scope="module")
def expected(tmp_path_factory: pytest.TempPathFactory, pipeline: Pipeline) -> dict[str, list[str]]:
    rows = store_rows(tmp_path_factory.mktemp("local") / "store", pipeline)
    # The fixture is worth comparing only if the pipeline finds something in it.
    assert len(rows["articles"]) == 7 and rows["events"] and rows["quotes"] and rows["actors"]
    return rows


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as local:
        yield local


def test_in_process_executor_matches_pipeline(tmp_path: Path, expected: dict[str, list[str]]) -> None:
    with ParallelAnalyzer(make_executor("local"), shard_size=3) as analyzer:
        assert store_rows(tmp_path / "store", analyzer) == expected


def test_workers_encode_the_leads_so_the_writing_process_does_not(
    tmp_path: Path, expected: dict[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from communique.stories.cluster import StoryClusterer

    written: list[int] = []
    encode = StoryClusterer.embed

    def spy(self: StoryClusterer, articles: Any) -> Any:
        written.append(len(articles))
        return encode(self, articles)

    if not StoryClusterer().embedding_weight:
        pytest.skip("no sentence encoder installed: stories use TF-IDF alone")
    monkeypatch.setattr(StoryClusterer, "embed", spy)
    with ParallelAnalyzer(make_executor("local"), shard_size=3, lead_workers=1) as analyzer:
        # The same store (stories, duplicate groups and merged events included) as without workers.
        assert store_rows(tmp_path / "store", analyzer) == expected
        assert len(analyzer.embeddings) == 3  # the last batch: articles 5 to 7 of the fixture
    assert sum(written) == 0  # every lead came from the workers


def test_a_small_pool_leaves_the_leads_to_the_writer() -> None:
    # Every worker would load the encoder: not worth it below LEAD_WORKERS workers.
    with ParallelAnalyzer(make_executor("local")) as analyzer:
        assert analyzer.embed_leads("all-MiniLM-L6-v2") is False
    with ParallelAnalyzer(make_executor("local"), lead_workers=1) as analyzer:
        assert analyzer.embed_leads("all-MiniLM-L6-v2") is True
        assert analyzer.embed_leads(None) is False


def test_process_pool_builds_the_same_store(tmp_path: Path, expected: dict[str, list[str]]) -> None:
    with ParallelAnalyzer(ProcessExecutor(workers=2), shard_size=2) as analyzer:
        assert store_rows(tmp_path / "store", analyzer) == expected


def test_dask_cluster_builds_the_same_store(tmp_path: Path, expected: dict[str, list[str]], cluster: Any) -> None:
    with ParallelAnalyzer(make_executor("dask", scheduler=cluster), shard_size=2) as analyzer:
        assert store_rows(tmp_path / "store", analyzer) == expected
        # Each worker loaded the pipeline once (plugin at start), however many shards it ran.
        loaded = analyzer.executor.client.run(_loaded_pipelines)  # type: ignore[attr-defined]
    assert sorted(loaded.values()) == [1, 1]


def _loaded_pipelines() -> int:
    from communique.scale.worker import loaded_pipelines

    return loaded_pipelines()


def test_a_failing_article_becomes_one_reject(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker error costs only its article: the rest of its shard and batch is stored."""
    original = Pipeline.analyze_doc

    def flaky(self: Pipeline, doc: Any, article: Article) -> Any:
        if article.article_id == "scale/003":
            raise ValueError("simulated coder crash")
        return original(self, doc, article)

    monkeypatch.setattr(Pipeline, "analyze_doc", flaky)
    store = open_store(tmp_path / "store", create=True)
    try:
        with ParallelAnalyzer(make_executor("local"), shard_size=4) as analyzer:
            summary = ingest_items(read_items(), store, analyzer, batch_size=7)
        assert (summary.stored, summary.rejected) == (6, 1)
        store.refresh()
        reasons = store.sql("SELECT input, reason FROM rejects").to_pylist()
        assert len(reasons) == 1 and "scale/003" in reasons[0]["input"]
        assert "simulated coder crash" in reasons[0]["reason"]
    finally:
        store.close()


def test_unknown_executor_and_missing_scheduler_are_usage_errors() -> None:
    with pytest.raises(UsageError, match="unknown executor"):
        make_executor("threads")
    with pytest.raises(UsageError, match="--scheduler"):
        make_executor("dask")
    with pytest.raises(UsageError, match="at least 1"):
        make_executor("process", workers=0)


class Run(NamedTuple):
    returncode: int
    stderr: str


def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str) -> Run:
    """``communique ARGS`` in this process (no interpreter start-up per call): exit code and stderr."""
    from communique.cli import main

    # An unreachable scheduler fails after Dask's connect timeout: 2 s here rather than 30 s.
    dask = pytest.importorskip("dask")
    monkeypatch.setattr(sys, "argv", ["communique", *args])
    capsys.readouterr()
    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}), pytest.raises(SystemExit) as stop:
        main()
    return Run(int(stop.value.code or 0), capsys.readouterr().err)


def test_cli_ingest_on_a_dask_scheduler(tmp_path: Path, expected: dict[str, list[str]], cluster: Any,
                                        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "store"
    run = cli(capsys, monkeypatch, "ingest", str(ARTICLES), "--store", str(store), "--executor", "dask",
              "--scheduler", cluster.scheduler_address)
    assert run.returncode == 0, run.stderr
    assert "7 stored" in run.stderr
    again = store_rows(tmp_path / "store", ParallelAnalyzer())  # re-ingest: everything unchanged
    assert again == expected


def test_cli_rejects_a_bad_executor_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    run = cli(capsys, monkeypatch, "ingest", str(ARTICLES), "--store", str(tmp_path / "s"), "--executor", "threads")
    assert run.returncode == 2
    assert "unknown executor" in run.stderr and "Traceback" not in run.stderr
    unreachable = cli(capsys, monkeypatch, "ingest", str(ARTICLES), "--store", str(tmp_path / "s"), "--executor", "dask",
                      "--scheduler", "tcp://127.0.0.1:9")
    assert unreachable.returncode == 2, unreachable.stderr
    assert "cannot connect" in unreachable.stderr and "Traceback" not in unreachable.stderr
