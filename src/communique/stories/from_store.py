"""Stories of the articles in a store (``communique stories --store DIR``).

Ingest clusters each article into a story as it enters the store and keeps the stories in the
store's ``stories`` table (latest version of each live story; see ``store/grouping.py``), so
reading them is a query. Two cases recompute the stories from the articles instead, in
publication order with a ``StoryClusterer``: a store written before stories were stored (its
``stories`` table is empty while it has articles), and a caller passing its own ``clusterer``
(other settings than ingest's). With ``since`` only stories that end on or after ``since`` are
returned (undated stories are left out then).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import msgspec

from communique.records import Article, Story
from communique.stories.cluster import StoryClusterer

if TYPE_CHECKING:
    from communique.store import Store


def _rows(store: Store, query: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    return list(store.sql(query, params).to_pylist())


def _per_article(store: Store, table: str, column: str) -> dict[str, list[str]]:
    if store.count(table) == 0:
        return {}
    query = (
        f"SELECT article_id, list(DISTINCT {column} ORDER BY {column}) AS items "  # noqa: S608 - fixed names
        f"FROM {table} WHERE {column} IS NOT NULL GROUP BY article_id"
    )
    return {row["article_id"]: list(row["items"]) for row in _rows(store, query)}


_STORY_FIELDS = tuple(f.name for f in msgspec.structs.fields(Story))


def stored_stories(store: Store, since: date | None = None) -> list[Story]:
    """The stories ingest stored, biggest first (as ``StoryClusterer.stories`` orders them)."""
    cols = ", ".join(f'"{c}"' for c in _STORY_FIELDS)
    query = f"SELECT {cols} FROM stories"  # noqa: S608 - fixed names
    params: list[Any] | None = None
    if since is not None:
        query += ' WHERE "end" >= ?'
        params = [since.isoformat()]
    query += " ORDER BY n_reports DESC, start NULLS FIRST, story_id"
    return [msgspec.convert({k: v for k, v in row.items() if v is not None}, Story)
            for row in _rows(store, query, params)]


def _window_start(since: date, window_days: float | None) -> date | None:
    """``since`` minus the clustering window; None (no bound) when that is before year 1."""
    try:
        return since - timedelta(days=window_days or 0)
    except OverflowError:
        return None


def stories_from_store(
    store: Store, since: date | None = None, clusterer: StoryClusterer | None = None
) -> list[Story]:
    """The store's stories: the stored ones, else (see the module docstring) clustered now."""
    if clusterer is None and (store.count("stories") or not store.count("articles")):
        return stored_stories(store, since)
    return cluster_store(store, since, clusterer)


def cluster_store(
    store: Store, since: date | None = None, clusterer: StoryClusterer | None = None
) -> list[Story]:
    """Cluster the store's articles into stories now (newest data as of the call)."""
    clusterer = clusterer or StoryClusterer()
    query = "SELECT article_id, text, title, url, published, site, source FROM articles"
    params: list[Any] | None = None
    start = _window_start(since, clusterer.window_days) if since is not None else None
    if start is not None:
        query += " WHERE substr(published, 1, 10) >= ?"
        params = [start.isoformat()]
    # Arrival order is publication order; ties by id so that a re-run gives the same stories.
    query += " ORDER BY published NULLS LAST, article_id"
    actors = _per_article(store, "actors", "country")
    events = _per_article(store, "event_reports", "event_id")
    for row in _rows(store, query, params):
        article = Article(
            article_id=row["article_id"],
            text=row["text"] or "",
            title=row["title"],
            url=row["url"],
            published=row["published"],
            site=row["site"],
            source=row["source"],
        )
        clusterer.add(article, actors.get(article.article_id), events.get(article.article_id))
    return clusterer.stories(since=since)
