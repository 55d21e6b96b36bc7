"""Drill-down: from an aggregate cell to its events, and from an event to its article, sentence and span."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import msgspec

from communique.relations.index import EventIndex, event_index
from communique.relations.periods import check_freq, next_start, period_start
from communique.relations.series import QUADS, dyad_events
from communique.store import Store
from communique.store.layout import EVENTS


class EventSource(msgspec.Struct, kw_only=True):
    """Where an event was read: its article, the sentence and the span of the article text."""

    event_id: str
    article_id: str
    title: str | None
    url: str | None
    published: str | None
    source: str | None
    sentence_index: int
    sentence: str
    span: tuple[int, int]
    span_text: str | None  # the article text at ``span`` (None when the span is outside the text)
    event: dict[str, Any]


def cell_events(store: Store | EventIndex, a: str, b: str, period_day: date, freq: str = "month", *,
                directed: bool = False, cell: str = "all") -> list[str]:
    """Ids of the events of one cell of ``dyad_series``: the period holding ``period_day``, and
    ``cell`` = "all", a quad class name or a PLOVER category."""
    f = check_freq(freq)
    start = period_start(period_day, f)
    end = next_start(start, f) - timedelta(days=1)
    events = dyad_events(store, a, b, directed=directed, since=start, until=end)
    quads = {name: q for q, name in QUADS.items()}
    if cell == "all":
        return [e.event_id for e in events]
    if cell in quads:
        return [e.event_id for e in events if e.quad_class == quads[cell]]
    return [e.event_id for e in events if e.category == cell.upper()]


def resolve_event(store: Store | EventIndex, event_id: str) -> EventSource | None:
    """The article, sentence and span of an event (None when the store has no such event)."""
    index = event_index(store)
    rows = index.store_rows("SELECT * FROM events WHERE event_id = ? LIMIT 1", [event_id])
    if not rows:
        # A report merged into another report's event keeps its own id in the raw rows, so a
        # link to it (from an article's event list or a provenance entry) still resolves.
        rows = index.store_rows("SELECT * FROM event_reports WHERE event_id = ? LIMIT 1", [event_id])
    if not rows:
        return None
    event = EVENTS.decode_row(rows[0])
    art = index.store_rows(
        "SELECT title, url, published, source, text FROM articles WHERE article_id = ? LIMIT 1",
        [event["article_id"]],
    )
    article = art[0] if art else {}
    text = article.get("text") or ""
    span = tuple(event.get("span") or (0, 0))
    start, end = int(span[0]), int(span[1])
    span_text = text[start:end] if 0 <= start <= end <= len(text) else None
    return EventSource(
        event_id=event["event_id"], article_id=event["article_id"], title=article.get("title"),
        url=article.get("url"), published=article.get("published"), source=article.get("source"),
        sentence_index=int(event.get("sentence_index") or 0), sentence=event.get("sentence") or "",
        span=(start, end), span_text=span_text, event=event,
    )
