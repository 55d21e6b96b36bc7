"""Stories of the articles in a store (``communique stories --store DIR``).

Reads the ``articles`` table (and, when present, the countries of each article's ``actors`` and
the ids of its ``events``) and clusters the articles in publication order with a
``StoryClusterer``. Until ingest keeps a clusterer state of its own, the stories are recomputed on
each call; with ``since`` only articles published from ``since - window_days`` on are read, and
only stories that end on or after ``since`` are returned (undated stories are left out then).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

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


def stories_from_store(
    store: Store, since: date | None = None, clusterer: StoryClusterer | None = None
) -> list[Story]:
    """Cluster the store's articles into stories (newest data as of the call)."""
    clusterer = clusterer or StoryClusterer()
    query = "SELECT article_id, text, title, url, published, site, source FROM articles"
    params: list[Any] | None = None
    if since is not None:
        window = timedelta(days=clusterer.window_days or 0)
        query += " WHERE substr(published, 1, 10) >= ?"
        params = [(since - window).isoformat()]
    # Arrival order is publication order; ties by id so that a re-run gives the same stories.
    query += " ORDER BY published NULLS LAST, article_id"
    actors = _per_article(store, "actors", "country")
    events = _per_article(store, "events", "event_id")
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
