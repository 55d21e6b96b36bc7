"""The events of a snapshot in listing order, with posting lists for the common filters.

Listing events (``search.search_events``) newest first, filtered by actor or recipient country,
category and a date range, is what the API and dashboard ask most. Scanning every event for each
page costs time proportional to the store; instead each snapshot keeps, once:

- the listing columns as an Arrow table in listing order (day newest first, undated last, then
  event id), so a page is a ``take`` of a few row positions;
- per actor country, recipient country and category, the ascending positions of its events
  (a filter on several of them is an intersection of sorted arrays);
- the days as a sorted key, so a date range is one contiguous stretch of positions.

Filters it cannot answer (actor names, sentence text, article id) are left to SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from communique.relations.cube import day_number

if TYPE_CHECKING:
    import duckdb

_NO_DAY = np.iinfo(np.int64).max  # undated events sort last
_EMPTY = np.zeros(0, dtype=np.int64)


def _postings(lists: pa.ChunkedArray) -> dict[str, np.ndarray]:
    """Value → ascending row positions, for a column of lists of strings."""
    flat = lists.combine_chunks()
    values = pc.list_flatten(flat)
    parents = np.asarray(pc.list_parent_indices(flat).to_numpy(), dtype=np.int64)
    return _group(values, parents)


def _group(values: pa.Array, positions: np.ndarray) -> dict[str, np.ndarray]:
    if len(values) == 0:
        return {}
    encoded = values.dictionary_encode()
    codes = np.asarray(encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)
    names = encoded.dictionary.to_pylist()
    order = np.argsort(codes, kind="stable")  # stable: positions stay ascending within a value
    sorted_codes = codes[order]
    bounds = np.searchsorted(sorted_codes, np.arange(len(names) + 1))
    out: dict[str, np.ndarray] = {}
    for i, name in enumerate(names):
        if name is not None:
            out[name] = np.unique(positions[order[bounds[i]:bounds[i + 1]]])
    return out


@dataclass
class EventListing:
    """See the module docstring."""

    table: pa.Table
    day_key: np.ndarray  # -day number, or _NO_DAY; ascending
    actors: dict[str, np.ndarray]
    recipients: dict[str, np.ndarray]
    categories: dict[str, np.ndarray]

    @classmethod
    def build(cls, con: duckdb.DuckDBPyConnection, columns: tuple[str, ...]) -> EventListing:
        rel = con.sql(f"SELECT {', '.join(columns)} FROM ev ORDER BY day DESC NULLS LAST, event_id")  # noqa: S608
        method = getattr(rel, "to_arrow_table", None) or getattr(rel, "arrow")  # noqa: B009
        table: pa.Table = method()
        table = table.combine_chunks()
        day = table.column("day").combine_chunks()
        days = np.asarray(day.cast(pa.int32()).fill_null(0).to_numpy(zero_copy_only=False), dtype=np.int64)
        valid = np.asarray(day.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
        key = np.full(len(days), _NO_DAY, dtype=np.int64)
        key[valid] = -days[valid]
        positions = np.arange(table.num_rows, dtype=np.int64)
        category = table.column("category").combine_chunks()
        return cls(table=table, day_key=key, actors=_postings(table.column("actor_countries")),
                   recipients=_postings(table.column("recipient_countries")),
                   categories=_group(category, positions))

    def select(self, *, actor: str | None = None, recipient: str | None = None, category: str | None = None,
               since: date | None = None, until: date | None = None) -> np.ndarray | range:
        """Positions (ascending, in listing order) of the events matching every filter given."""
        lo, hi = 0, len(self.day_key)
        if until is not None:
            lo = int(np.searchsorted(self.day_key, -day_number(until), "left"))
        if since is not None:
            hi = int(np.searchsorted(self.day_key, -day_number(since), "right"))
        lists = []
        if actor is not None:
            lists.append(self.actors.get(actor, _EMPTY))
        if recipient is not None:
            lists.append(self.recipients.get(recipient, _EMPTY))
        if category is not None:
            lists.append(self.categories.get(category, _EMPTY))
        if not lists:
            return range(lo, max(lo, hi))
        lists.sort(key=len)
        found = lists[0]
        for other in lists[1:]:
            found = np.intersect1d(found, other, assume_unique=True)
        if lo or hi < len(self.day_key):
            found = found[np.searchsorted(found, lo, "left"):np.searchsorted(found, hi, "left")]
        return found

    def rows(self, positions: Any) -> list[dict[str, Any]]:
        """The listing rows at ``positions``."""
        return self.table.take(pa.array(np.asarray(positions, dtype=np.int64))).to_pylist()  # type: ignore[no-any-return]
