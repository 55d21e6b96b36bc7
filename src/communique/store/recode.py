"""``store recode``: run the stored articles through the current pipeline again, in place.

A new release of the event coder (or a larger spaCy pipeline) finds other events in articles that
are already stored. Ingesting the same inputs again skips them (their text is unchanged), so this
re-analyses what the store holds instead:

1. the stored articles are read fragment by fragment (one partition's share of one batch), so
   memory stays bounded by the largest fragment and the order is the order they were stored in;
2. each batch of ``batch_size`` articles goes through the pipeline (``analyze_many``; one failing
   article is retried alone and reported, and its stored version is kept as it was);
3. an article whose new actors, quotes and events hash to what is stored is left alone; the others
   are committed like a changed article at ingest (``StoreWriter.commit``): its old rows go, the
   new ones come, in one atomic commit per batch, with their event groups and stories updated.

Duplicate groups and stories stay as they were (the text did not change); a story whose member now
lists other events gets a new version. Coverage is not touched: recoding reads no new input.
Killing a recode loses at most the batch in flight; running it again re-codes only what differs.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pyarrow.parquet as pq

from communique.records import Analysis, Article, Reject
from communique.store.ingest import DEFAULT_BATCH, Analyzer, analyze_each
from communique.store.layout import ARTICLES
from communique.store.store import Store
from communique.store.writer import StoreWriter, new_fragment_id

_ARTICLE_FIELDS = tuple(Article.__struct_fields__)


@dataclass
class RecodeSummary:
    """What one recode run did."""

    store: str
    articles: int = 0  # stored articles read
    recoded: int = 0  # rewritten: the new analysis differs from the stored one
    unchanged: int = 0  # the new analysis is the stored one
    failed: int = 0  # the pipeline failed; the stored version was kept
    events_before: int = 0  # stored events of the articles read
    events_after: int = 0  # their events now (the kept version for failed articles)
    batches: int = 0
    seconds: float = 0.0
    catalog_error: str | None = None
    failures: list[Reject] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 when every article was re-analysed, 1 when the pipeline failed on any."""
        return 1 if self.failed else 0

    def line(self) -> str:
        """The one-line summary printed on standard error."""
        rate = self.articles / self.seconds if self.seconds > 0 else 0.0
        return (
            f"recode: {self.articles} article(s) read, {self.recoded} re-coded, {self.unchanged} unchanged, "
            f"{self.failed} failed; events {self.events_before} → {self.events_after} "
            f"in {self.seconds:.1f} s ({rate:.1f} articles/s) → {self.store}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "store": self.store, "articles": self.articles, "recoded": self.recoded, "unchanged": self.unchanged,
            "failed": self.failed, "events_before": self.events_before, "events_after": self.events_after,
            "batches": self.batches, "seconds": round(self.seconds, 3),
        }


def _stored_batches(writer: StoreWriter, batch_size: int) -> Iterator[tuple[list[Article], dict[str, int]]]:
    """Batches of stored articles, with the number of stored events of each.

    The fragments to read are listed once, up front: the commits of this run add fragments (the
    re-coded rows) and rewrite the old ones without them, and neither must be read again. A
    fragment is read whole before its first batch is committed, since that commit replaces it.
    """
    root = writer.root
    listed = sorted(writer.state.fragments.values(), key=lambda f: f.id)
    for fragment in listed:
        entry = fragment.files.get("articles")
        if entry is None:
            continue
        table = pq.read_table(root / entry.path)
        names = set(table.column_names)
        articles = [
            Article(**{k: v for k, v in ARTICLES.decode_row(row).items() if k in _ARTICLE_FIELDS})
            for row in table.select([c for c in _ARTICLE_FIELDS if c in names]).to_pylist()
        ]
        counts: dict[str, int] = {}
        events = fragment.files.get("events")
        if events is not None:
            for aid in pq.read_table(root / events.path, columns=["article_id"]).column("article_id").to_pylist():
                counts[aid] = counts.get(aid, 0) + 1
        for start in range(0, len(articles), batch_size):
            yield articles[start:start + batch_size], counts


def recode(
    store: Store,
    pipeline: Analyzer,
    *,
    batch_size: int = DEFAULT_BATCH,
    progress: Callable[[RecodeSummary], None] | None = None,
    on_failure: Callable[[Reject], None] | None = None,
    rebuild_catalog: bool = True,
) -> RecodeSummary:
    """Re-analyse every stored article with ``pipeline`` and replace the rows that changed (see
    the module docstring). ``progress`` is called after each batch."""
    started = time.monotonic()
    summary = RecodeSummary(store=str(store.root))
    run = new_fragment_id()
    size = max(1, batch_size)
    writer: StoreWriter
    with store.writer() as writer:
        for articles, stored_events in _stored_batches(writer, size):
            done: list[Analysis] = []
            failed: list[Reject] = []
            for article, outcome in analyze_each(pipeline, articles):
                summary.articles += 1
                before = stored_events.get(article.article_id, 0)
                summary.events_before += before
                if isinstance(outcome, Exception):
                    failure = Reject(input=f"{article.source or '-'} (id {article.article_id})",
                                     reason=f"analysis failed: {type(outcome).__name__}: {outcome}; "
                                     "the stored version was kept", stage="recode")
                    summary.failed += 1
                    summary.failures.append(failure)
                    failed.append(failure)
                    summary.events_after += before
                    if on_failure:
                        on_failure(failure)
                    continue
                summary.events_after += len(outcome.events)
                done.append(outcome)
            if done or failed:
                # The writer skips an article whose content and analysis hashes are the stored ones.
                # Failures go to the rejects table too, so they can be listed after the run.
                result = writer.commit(done, failed, run=run)
                summary.recoded += result.replaced + result.new
                summary.unchanged += len(done) - result.replaced - result.new
            summary.batches += 1
            summary.seconds = time.monotonic() - started
            if progress:
                progress(summary)
    if rebuild_catalog and summary.recoded:
        try:
            store.rebuild()
        except Exception as exc:  # noqa: BLE001 - the data is committed; the catalog is rebuilt on open
            summary.catalog_error = str(exc)
    summary.seconds = time.monotonic() - started
    return summary
