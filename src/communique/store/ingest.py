"""``ingest``: inputs → pipeline → store, in bounded batches, idempotent and resumable.

The stages of one run:

1. ``read_inputs`` yields articles and rejects; they are taken ``batch_size`` at a time, so memory
   stays bounded however large the input is;
2. each article is compared with the store by id: *unchanged* (same content hash — skipped, the NLP
   never runs on it), *new*, or *changed* (stored with other content — it replaces the stored
   version: one copy per id, the newest run wins). An id repeated within one run keeps its first
   occurrence; a repeat with different content is rejected ("repeated id"), never silently dropped;
3. new and changed articles go through ``Pipeline.analyze_many`` (actors, quotes, events); an
   article the pipeline fails on becomes a reject and the batch goes on;
4. the batch is committed (``StoreWriter.commit``: files, then one ledger line with its coverage).

Killing the run at any point loses at most the batch in flight; the next run skips everything
already committed (content-derived ids reproduce the same rows) and finishes the rest.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, Protocol

from communique.config import Settings
from communique.pipeline import article_date
from communique.records import Analysis, Article, Reject
from communique.store.coverage import CoverageCounter
from communique.store.store import Store, open_store
from communique.store.writer import StoreWriter, clean_article, content_hash, ingest_day, new_fragment_id

DEFAULT_BATCH = 256


class Analyzer(Protocol):
    """What ingest needs from ``Pipeline`` (tests pass a fake)."""

    def analyze_many(self, articles: Iterable[Article]) -> Iterator[Analysis]: ...

    def analyze(self, article: Article) -> Analysis: ...


@dataclass
class IngestSummary:
    """What one ingest run did (articles counted once per occurrence in the input)."""

    store: str
    seen: int = 0
    new: int = 0
    replaced: int = 0
    unchanged: int = 0
    rejected: int = 0
    batches: int = 0
    analyzed: int = 0
    seconds: float = 0.0
    orphans_removed: int = 0
    catalog_error: str | None = None
    reasons: dict[str, int] = field(default_factory=dict)

    @property
    def stored(self) -> int:
        return self.new + self.replaced

    @property
    def exit_code(self) -> int:
        """0 when every input was processed (unchanged counts as processed), 1 when any was rejected."""
        return 1 if self.rejected else 0

    def line(self) -> str:
        """The one-line summary printed on standard error."""
        rate = self.analyzed / self.seconds if self.seconds > 0 else 0.0
        if not self.stored and not self.rejected and self.seen:
            head = f"unchanged: {self.seen} article(s) already stored"
        else:
            head = (
                f"{self.seen} seen, {self.stored} stored ({self.new} new, {self.replaced} replaced), "
                f"{self.unchanged} unchanged, {self.rejected} rejected"
            )
        return f"ingest: {head} in {self.seconds:.1f} s ({rate:.1f} articles/s analysed) → {self.store}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "store": self.store, "seen": self.seen, "stored": self.stored, "new": self.new,
            "replaced": self.replaced, "unchanged": self.unchanged, "rejected": self.rejected,
            "batches": self.batches, "seconds": round(self.seconds, 3), "reasons": self.reasons,
        }


def _batches(items: Iterable[Article | Reject], size: int) -> Iterator[list[Article | Reject]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def analyze_each(pipeline: Analyzer, articles: list[Article]) -> Iterator[tuple[Article, Analysis | Exception]]:
    """Analyses in order; when the batch fails, each article is retried alone so one bad article
    costs only itself."""
    if not articles:
        return
    try:
        done = list(pipeline.analyze_many(articles))
    except Exception:  # noqa: BLE001 - any pipeline failure becomes a per-article reject below
        done = []
    if len(done) == len(articles):
        yield from zip(articles, done, strict=True)
        return
    for article in articles:
        try:
            yield article, pipeline.analyze(article)
        except Exception as exc:  # noqa: BLE001
            yield article, exc


def ingest_items(
    items: Iterable[Article | Reject],
    store: Store,
    pipeline: Analyzer,
    *,
    batch_size: int = DEFAULT_BATCH,
    progress: Callable[[IngestSummary], None] | None = None,
    on_reject: Callable[[Reject], None] | None = None,
    rebuild_catalog: bool = True,
    story_embedding_model: str | None = None,
) -> IngestSummary:
    """Store already-read items (articles and rejects); see the module docstring for the rules.

    ``progress`` is called after each analysed article and after each committed batch
    (``summary.batches`` counts the commits); ``on_reject`` for each reject as it happens.
    ``story_embedding_model`` is the sentence encoder of a new store's stories; by default the
    analyzer's ``settings.story_embedding_model``.
    """
    if story_embedding_model is None:
        settings = getattr(pipeline, "settings", None)
        story_embedding_model = settings.story_embedding_model if isinstance(settings, Settings) else "auto"
    started = time.monotonic()
    summary = IngestSummary(store=str(store.root))
    run = new_fragment_id()
    first_hash: dict[str, str] = {}  # id → content hash of its first occurrence in this run

    def reject(counter: CoverageCounter, item: Reject, article: Article | None = None) -> None:
        summary.rejected += 1
        label = item.reason.split(": ", 1)[0][:80]
        summary.reasons[label] = summary.reasons.get(label, 0) + 1
        if article is None:
            counter.rejected(item)
        else:
            counter.rejected_article(article, article_date(article), item.reason)
        if on_reject:
            on_reject(item)

    writer: StoreWriter
    with store.writer(story_embedding_model=story_embedding_model) as writer:
        summary.orphans_removed = writer.removed_orphans
        if hasattr(pipeline, "embed_leads"):
            # Workers that analyse can encode the leads too: the store's encoder, if it has one.
            pipeline.embed_leads(writer.grouper().lead_encoder())
        for batch in _batches(items, max(1, batch_size)):
            counter = CoverageCounter(ingest_day())
            rejects: list[Reject] = []
            todo: list[Article] = []
            for item in batch:
                if isinstance(item, Reject):
                    rejects.append(item)
                    reject(counter, item)
                    continue
                item = clean_article(item)
                summary.seen += 1
                day = article_date(item)
                counter.seen(item, day)
                digest = content_hash(item)
                earlier = first_hash.get(item.article_id)
                if earlier is not None:
                    if earlier == digest:
                        summary.unchanged += 1
                        counter.unchanged(item, day)
                    else:
                        dup = Reject(
                            input=f"{item.source or '-'} (id {item.article_id})",
                            reason="repeated id with different content in one run; the first occurrence was kept",
                        )
                        rejects.append(dup)
                        reject(counter, dup, item)
                    continue
                first_hash[item.article_id] = digest
                if writer.stored_hash(item.article_id) == digest:
                    summary.unchanged += 1
                    counter.unchanged(item, day)
                else:
                    todo.append(item)
            analyses: list[Analysis] = []
            for article, outcome in analyze_each(pipeline, todo):
                summary.analyzed += 1
                if isinstance(outcome, Exception):
                    failed = Reject(input=f"{article.source or '-'} (id {article.article_id})",
                                    reason=f"analysis failed: {type(outcome).__name__}: {outcome}",
                                    stage="analyze")
                    rejects.append(failed)
                    reject(counter, failed, article)
                    # The id was not stored; a later run may try it again.
                    first_hash.pop(article.article_id, None)
                else:
                    analyses.append(outcome)
                    counter.stored(article, article_date(article))
                if progress:
                    progress(summary)
            result = writer.commit(analyses, rejects, counter.rows(), run=run,
                                   embeddings=getattr(pipeline, "embeddings", None))
            summary.new += result.new
            summary.replaced += result.replaced
            summary.batches += 1
            summary.seconds = time.monotonic() - started
            if progress:
                progress(summary)
    if rebuild_catalog:
        try:
            store.rebuild()
        except Exception as exc:  # noqa: BLE001 - the data is committed; the catalog is rebuilt on open
            summary.catalog_error = str(exc)
    summary.seconds = time.monotonic() - started
    return summary


def ingest(
    inputs: Iterable[str],
    store_dir: str | Path,
    settings: Settings | None = None,
    *,
    pipeline: Analyzer | None = None,
    batch_size: int = DEFAULT_BATCH,
    progress: Callable[[IngestSummary], None] | None = None,
    on_reject: Callable[[Reject], None] | None = None,
) -> IngestSummary:
    """Read ``inputs`` (paths, URLs, feeds, ``-``), analyse them and add them to the store at ``store_dir``.

    Creates the store when the folder does not exist (or is empty). Idempotent: running it again on
    the same inputs stores nothing new.
    """
    from communique.ingest import read_inputs
    from communique.pipeline import Pipeline

    settings = settings or Settings.load()
    store = open_store(store_dir, create=True)
    try:
        return ingest_items(
            read_inputs(list(inputs), settings),
            store,
            pipeline or Pipeline(settings),
            batch_size=batch_size,
            progress=progress,
            on_reject=on_reject,
        )
    finally:
        store.close()
