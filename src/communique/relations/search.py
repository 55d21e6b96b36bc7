"""Filtered, paginated listings of events, articles and quotes (for the HTTP API and the dashboard).

Events are searched in the in-memory snapshot (``index.py``), articles and quotes in the store's
own tables. Every listing is ordered (newest first, then by id) so pages do not overlap, and
returns the total number of matches with the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import msgspec

from communique.records import ActorMention, Analysis, Article, Event, Quote
from communique.relations.index import EventIndex, event_index
from communique.store import Store
from communique.store.layout import ARTICLES, EVENTS, QUOTES

# Snapshot columns an event listing returns (the Event record's fields plus its day).
EVENT_COLUMNS = (
    "event_id", "article_id", "day", "sentence_index", "sentence", "span", "category", "cameo", "goldstein",
    "quad_class", "date", "mode", "context", "actor", "recipient", "negated", "aux", "confidence", "trigger",
    "location", "speaker", "n_reports", "n_sources", "actor_countries", "recipient_countries",
)
ARTICLE_COLUMNS = ("article_id", "title", "url", "published", "author", "site", "source", "language")


@dataclass
class Page:
    """One page of a listing."""

    total: int
    limit: int
    offset: int
    items: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class EventFilter:
    """Which events to list; every field is optional and they combine with AND."""

    actor: str | None = None  # country code, or else actor name (case-insensitive, whole name)
    recipient: str | None = None
    category: str | None = None  # PLOVER category
    since: date | None = None
    until: date | None = None
    text: str | None = None  # substring of the sentence (case-insensitive)
    article_id: str | None = None


def _like(text: str) -> str:
    """A LIKE pattern matching ``text`` literally anywhere."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _side(index: EventIndex, column: str, names: str, value: str) -> tuple[str, list[Any]]:
    # A country code the snapshot knows is matched on codes only (much cheaper than names).
    if value.upper() in _countries(index):
        return f"list_contains({column}, ?)", [value.upper()]
    return f"list_contains({names}, lower(?))", [value]


def _countries(index: EventIndex) -> frozenset[str]:
    key = ("countries", "")
    if key not in index.derived:
        rows = index.rows("SELECT DISTINCT unnest(list_concat(actor_countries, recipient_countries)) FROM core")
        index.derived[key] = frozenset(r[0] for r in rows if r[0])
    found: frozenset[str] = index.derived[key]
    return found


def search_events(store: Store | EventIndex, flt: EventFilter, limit: int = 50, offset: int = 0) -> Page:
    """Events matching ``flt``, newest first."""
    index = event_index(store)
    fast = _listed(index, flt, limit, offset)
    if fast is not None:
        return fast
    where: list[str] = ["true"]
    params: list[Any] = []
    if flt.actor:
        clause, p = _side(index, "actor_countries", "actor_names", flt.actor)
        where.append(clause)
        params += p
    if flt.recipient:
        clause, p = _side(index, "recipient_countries", "recipient_names", flt.recipient)
        where.append(clause)
        params += p
    if flt.category:
        where.append("category = upper(?)")
        params.append(flt.category)
    if flt.since:
        where.append("day >= ?")
        params.append(flt.since)
    if flt.until:
        where.append("day <= ?")
        params.append(flt.until)
    if flt.text:
        where.append("sentence ILIKE ? ESCAPE '\\'")
        params.append(_like(flt.text))
    if flt.article_id:
        where.append("article_id = ?")
        params.append(flt.article_id)
    cond = " AND ".join(where)
    # Pages of one listing share its total: count once per filter and snapshot.
    key = ("events-total", cond + repr(params))
    total = index.derived.get(key)
    if total is None:
        total = int(index.rows(f"SELECT count(*) FROM ev WHERE {cond}", params)[0][0])  # noqa: S608
        if len(index.derived) > 4096:
            index.derived.clear()
        index.derived[key] = total
    cols = ", ".join(EVENT_COLUMNS)
    rows = index.query(
        f"SELECT {cols} FROM ev WHERE {cond} ORDER BY day DESC NULLS LAST, event_id "  # noqa: S608
        "LIMIT ? OFFSET ?", [*params, limit, offset],
    ).to_pylist()
    items = []
    for row in rows:
        row["day"] = row["day"].isoformat() if row["day"] else None
        items.append(row)
    return Page(total=total, limit=limit, offset=offset, items=items)


def indexed(index: EventIndex, flt: EventFilter) -> bool:
    """Whether the snapshot's listing answers ``flt`` (country codes, category, dates) without SQL."""
    if flt.text or flt.article_id:
        return False
    countries = _countries(index)
    # Anything else is an actor name, matched by SQL.
    return all(side is None or side.upper() in countries for side in (flt.actor, flt.recipient))


def _listed(index: EventIndex, flt: EventFilter, limit: int, offset: int) -> Page | None:
    """The page from the snapshot's listing (``listing.py``) when ``indexed``; None otherwise."""
    if not indexed(index, flt):
        return None
    actor = flt.actor.upper() if flt.actor else None
    recipient = flt.recipient.upper() if flt.recipient else None
    listing = index.listing()
    found = listing.select(actor=actor, recipient=recipient, category=flt.category.upper() if flt.category else None,
                           since=flt.since, until=flt.until)
    items = listing.rows(found[offset: offset + limit])
    for row in items:
        row["day"] = row["day"].isoformat() if row["day"] else None
    return Page(total=len(found), limit=limit, offset=offset, items=items)


def search_articles(store: Store | EventIndex, *, source: str | None = None, since: date | None = None,
                    until: date | None = None, text: str | None = None, limit: int = 50,
                    offset: int = 0) -> Page:
    """Articles (without their text) matching the filters, newest first."""
    index = event_index(store)
    where: list[str] = ["true"]
    params: list[Any] = []
    if source:
        where.append("(source_key = ? OR site = ? OR source = ?)")
        params += [source, source, source]
    if since:
        where.append("TRY_CAST(substr(published, 1, 10) AS DATE) >= ?")
        params.append(since)
    if until:
        where.append("TRY_CAST(substr(published, 1, 10) AS DATE) <= ?")
        params.append(until)
    if text:
        where.append("(title ILIKE ? ESCAPE '\\' OR text ILIKE ? ESCAPE '\\')")
        params += [_like(text), _like(text)]
    cond = " AND ".join(where)
    total = int(index.store_rows(f"SELECT count(*) AS n FROM articles WHERE {cond}", params)[0]["n"])  # noqa: S608
    cols = ", ".join(ARTICLE_COLUMNS)
    items = index.store_rows(
        f"SELECT {cols} FROM articles WHERE {cond} "  # noqa: S608
        "ORDER BY published DESC NULLS LAST, article_id LIMIT ? OFFSET ?", [*params, limit, offset],
    )
    return Page(total=total, limit=limit, offset=offset, items=items)


def get_article(store: Store | EventIndex, article_id: str) -> dict[str, Any] | None:
    """One article with its text, or None."""
    rows = event_index(store).store_rows(
        f"SELECT {', '.join(ARTICLE_COLUMNS)}, text FROM articles WHERE article_id = ? LIMIT 1",  # noqa: S608
        [article_id],
    )
    return rows[0] if rows else None


def search_quotes(store: Store | EventIndex, *, article_id: str | None = None, speaker: str | None = None,
                  text: str | None = None, limit: int = 50, offset: int = 0) -> Page:
    """Quotes matching the filters (speaker: a substring of the speaker's name or text)."""
    index = event_index(store)
    where: list[str] = ["true"]
    params: list[Any] = []
    if article_id:
        where.append("article_id = ?")
        params.append(article_id)
    if speaker:
        where.append("(speaker.name ILIKE ? ESCAPE '\\' OR speaker.text ILIKE ? ESCAPE '\\')")
        params += [_like(speaker), _like(speaker)]
    if text:
        where.append("text ILIKE ? ESCAPE '\\'")
        params.append(_like(text))
    cond = " AND ".join(where)
    total = int(index.store_rows(f"SELECT count(*) AS n FROM quotes WHERE {cond}", params)[0]["n"])  # noqa: S608
    items = index.store_rows(
        f"SELECT * FROM quotes WHERE {cond} ORDER BY article_id, quote_id LIMIT ? OFFSET ?",  # noqa: S608
        [*params, limit, offset],
    )
    return Page(total=total, limit=limit, offset=offset, items=[QUOTES.decode_row(r) for r in items])


def _record(row: dict[str, Any], record: type[msgspec.Struct]) -> Any:
    names = {f.name for f in msgspec.structs.fields(record)}
    return msgspec.convert({k: v for k, v in row.items() if k in names}, record)


def stored_analysis(store: Store | EventIndex, article_id: str) -> Analysis | None:
    """An article as stored, with its actor mentions, quotes and events (no NLP is run), or None."""
    index = event_index(store)
    rows = index.store_rows("SELECT * FROM articles WHERE article_id = ? LIMIT 1", [article_id])
    if not rows:
        return None
    article = _record(ARTICLES.decode_row(rows[0]), Article)
    actors = [_record(r, ActorMention) for r in index.store_rows(
        "SELECT * FROM actors WHERE article_id = ? ORDER BY mention_index", [article_id])]
    quotes = [_record(QUOTES.decode_row(r), Quote) for r in index.store_rows(
        "SELECT * FROM quotes WHERE article_id = ? ORDER BY quote_id", [article_id])]
    events = [_record(EVENTS.decode_row(r), Event) for r in index.store_rows(
        "SELECT * FROM event_reports WHERE article_id = ? ORDER BY sentence_index, event_id", [article_id])]
    return Analysis(article=article, actors=actors, quotes=quotes, events=events)
