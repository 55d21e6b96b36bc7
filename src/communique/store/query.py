"""Typed queries over a store for other stages: stored events as ``Event`` records, dyad history.

``history_source(DIR)`` is what ``briefs`` uses for "Go deeper" lines (see
``communique.briefs.history.HistorySource``): event counts by quad class between two countries in
a window before a date (and in the window before that), and the latest past events of some
countries. Negated and future/hypothetical events are left out of both: they did not happen.
An event's date is its resolved date, else its article's publication date; undated events are
left out of windows that have an end date.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import msgspec

from communique.records import Event, SourceRef
from communique.store.store import Store, open_store

# Events that happened (what counts and past-event lists are made of), with their effective date.
_HAPPENED = """
    SELECT e.*, COALESCE(TRY_CAST(substr(e.date, 1, 10) AS DATE),
                         TRY_CAST(substr(a.published, 1, 10) AS DATE)) AS day,
           [x.country FOR x IN e.actor] AS actor_countries,
           [x.country FOR x IN e.recipient] AS recipient_countries
    FROM events e LEFT JOIN articles a ON a.article_id = e.article_id
    WHERE NOT coalesce(e.negated, false)
      AND NOT list_has_any(coalesce(e.aux, []), ['future', 'hypothetical'])
"""

_EVENT_FIELDS = frozenset(f.name for f in msgspec.structs.fields(Event))


def _to_event(row: dict[str, Any]) -> Event:
    fields = {k: v for k, v in row.items() if k in _EVENT_FIELDS}
    if isinstance(fields.get("provenance"), str):
        import json

        fields["provenance"] = json.loads(fields["provenance"])
    return msgspec.convert(fields, Event)


def stored_events(store: Store, where: str = "true", params: list[Any] | None = None,
                  order: str = "day DESC NULLS LAST, event_id", limit: int | None = None) -> list[Event]:
    """Events that happened (not negated, not future/hypothetical) matching a SQL condition."""
    query = f"SELECT * FROM ({_HAPPENED}) WHERE {where} ORDER BY {order}"  # noqa: S608 - library callers
    if limit is not None:
        query += f" LIMIT {int(limit)}"
    return [_to_event(r) for r in store.sql(query, params).to_pylist()]


class StoreHistory:
    """``HistorySource`` over a store (see ``communique.briefs.history``)."""

    def __init__(self, store: Store, window_days: int = 90, evidence: int = 5) -> None:
        self.store = store
        self.window = timedelta(days=window_days)
        self.evidence = evidence

    def _counts(self, a: str, b: str, since: date | None, until: date | None) -> tuple[dict[int, int], list]:
        between = (
            "((list_contains(actor_countries, ?) AND list_contains(recipient_countries, ?)) OR "
            "(list_contains(actor_countries, ?) AND list_contains(recipient_countries, ?)))"
        )
        params: list[Any] = [a, b, b, a]
        if until is not None:
            between += " AND day < ?"
            params.append(until)
        if since is not None:
            between += " AND day >= ?"
            params.append(since)
        rows = self.store.sql(
            f"SELECT quad_class, count(*) AS n, list(struct_pack(article_id := article_id, span := span) "  # noqa: S608
            f"ORDER BY day DESC NULLS LAST) AS ev FROM ({_HAPPENED}) WHERE {between} GROUP BY quad_class",
            params,
        ).to_pylist()
        counts = {int(r["quad_class"]): int(r["n"]) for r in rows}
        evidence = [e for r in rows for e in r["ev"]]
        return counts, evidence

    def dyad(self, a: str, b: str, until: str | None) -> Any:
        """Event counts between countries ``a`` and ``b`` in the window before ``until`` (either direction)."""
        from communique.briefs.history import DyadHistory

        end = date.fromisoformat(until[:10]) if until else None
        start = end - self.window if end else None
        counts, evidence = self._counts(a, b, start, end)
        if not counts:
            return None
        previous: dict[int, int] = {}
        if start is not None:
            previous, _ = self._counts(a, b, start - self.window, start)
        return DyadHistory(
            a=a, b=b, since=start.isoformat() if start else None, until=end.isoformat() if end else None,
            counts=counts, previous_counts=previous,
            evidence=[SourceRef(article_id=e["article_id"], span=tuple(e["span"]))  # type: ignore[arg-type]
                      for e in evidence[: self.evidence] if e.get("span")],
        )

    def past_events(self, countries: list[str], until: str | None, limit: int = 3) -> list[Event]:
        """The latest stored events whose actors include any of these countries, before ``until``."""
        if not countries:
            return []
        where = "list_has_any(actor_countries, ?)"
        params: list[Any] = [list(countries)]
        if until:
            where += " AND day < ?"
            params.append(date.fromisoformat(until[:10]))
        return stored_events(self.store, where, params, limit=limit)


def history_source(store_dir: str | Path) -> StoreHistory:
    """The briefs' ``HistorySource`` over the store at ``store_dir``."""
    return StoreHistory(open_store(store_dir))
