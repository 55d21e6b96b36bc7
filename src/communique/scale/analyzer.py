"""``ParallelAnalyzer``: the store ingest's ``Analyzer`` protocol, run on an executor.

The store's ingest stays the single writer (DuckDB and the ledger allow one writing process): it
hands each batch of new articles to ``analyze_many``, which cuts the batch into shards, maps them
over the executor's workers and yields the analyses in input order.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

from communique.config import Settings
from communique.records import Analysis, Article
from communique.scale.executors import Executor, LocalExecutor
from communique.scale.worker import (
    LEAD_ENCODER,
    decode_outcomes,
    encode_articles,
    pipeline_settings,
    settings_data,
)

DEFAULT_SHARD = 16


# Pool size from which the workers, not the writing process, encode the story leads. Measured on 2
# cores and 200 BBC articles (benchmarks/bench_ingest.py): with 2 workers each loading the encoder,
# ingest went from 9.5 to 6.5 articles/s; the writer encodes ~30 leads/s, and the workers parse
# ~8 articles/s each, so the writer holds them up from about four workers on.
LEAD_WORKERS = 4


class ShardError(RuntimeError):
    """One or more articles of an ``analyze_many`` call failed in a worker."""


class ParallelAnalyzer:
    """Analyses articles on ``executor`` (default: in this process).

    ``shard_size`` articles travel to a worker together: big enough that per-task overhead (encode,
    send, schedule) is small next to parsing, small enough that a batch of a few hundred keeps every
    worker busy.

    When an article fails in a worker, ``analyze_many`` raises ``ShardError`` after the whole call
    is done; ``analyze(article)`` then answers from what the workers returned (its analysis, or its
    own error) without parsing again. That is how ingest turns exactly the failing articles into
    rejects.
    """

    def __init__(self, executor: Executor | None = None, settings: Settings | None = None,
                 *, shard_size: int = DEFAULT_SHARD, lead_workers: int = LEAD_WORKERS) -> None:
        self.executor: Executor = executor or LocalExecutor()
        self.lead_workers = lead_workers
        self.settings = settings or Settings.load()
        self.shard_size = max(1, shard_size)
        self._settings = settings_data(self.settings)
        # Outcomes of the last analyze_many call, by article id (with its text, to be sure it is
        # the same article).
        self._last: dict[str, tuple[str, Analysis | str]] = {}
        # Lead embeddings the workers computed in the last ``analyze_many`` call, by article id
        # (only when ``embed_leads`` named an encoder).
        self.embeddings: dict[str, list[float]] = {}

    def _shards(self, articles: Iterable[Article], order: list[Article]) -> Iterator[bytes]:
        it = iter(articles)
        while shard := list(islice(it, self.shard_size)):
            order.extend(shard)
            yield encode_articles(shard)

    def embed_leads(self, encoder: str | None) -> bool:
        """Have the workers also compute lead embeddings with ``encoder`` (the store's story
        encoder; None: don't), so the writing process does not encode every lead itself.

        Only on a Dask cluster or with at least ``lead_workers`` workers: each worker then loads
        the encoder too (about 8 s and 300 MB), which pays only when the one writing process,
        encoding about 30 leads a second, would hold the workers up. Returns whether they will.
        """
        self._settings = pipeline_settings(self._settings)
        spread = self.executor.name == "dask" or self.executor.workers >= self.lead_workers
        if encoder and spread:
            self._settings[LEAD_ENCODER] = encoder
        return bool(encoder and spread)

    def analyze_many(self, articles: Iterable[Article]) -> Iterator[Analysis]:
        """Analyses in input order (shards run in parallel on the executor)."""
        self._last = {}
        self.embeddings = {}
        order: list[Article] = []
        failed: list[str] = []
        done = 0
        for answer in self.executor.map_shards(self._settings, self._shards(articles, order)):
            for outcome in decode_outcomes(answer):
                article = order[done]
                done += 1
                result: Analysis | str = outcome.analysis if outcome.analysis is not None else (
                    outcome.error or "no analysis returned")
                self._last[article.article_id] = (article.text, result)
                if outcome.embedding is not None:
                    self.embeddings[article.article_id] = outcome.embedding
                if isinstance(result, str):
                    failed.append(f"{article.article_id}: {result}")
                elif not failed:
                    yield result
        if failed:
            raise ShardError(f"{len(failed)} article(s) failed: " + "; ".join(failed[:3]))

    def analyze(self, article: Article) -> Analysis:
        """One article: the answer from the last ``analyze_many`` call when it covered it."""
        known = self._last.get(article.article_id)
        if known is None or known[0] != article.text:
            known = (article.text, next(iter(self.analyze_many([article]))))
        result = known[1]
        if isinstance(result, str):
            raise ShardError(result)
        return result

    def close(self) -> None:
        """Stop the executor's workers (a Dask cluster passed in by the caller stays up)."""
        self.executor.close()

    def __enter__(self) -> ParallelAnalyzer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
