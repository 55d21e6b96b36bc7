"""Day-level dyad aggregates of one snapshot, for series and heatmaps that need no event ids.

A dyad series asks "how many events of each category between A and B, per period". Answering it
from the event rows each time costs a scan and a Python loop per request; instead each snapshot
keeps, once, the events of every dyad summed per (day, category, quad class), in columnar NumPy
arrays sorted by dyad and day:

- ``directed``: keyed by (actor country, recipient country);
- ``undirected``: keyed by (lesser code, greater code), each event counted once even when it names
  both directions.

A request then slices its dyad's rows (a dict lookup and a binary search on the day), maps the
days to periods and sums with ``numpy.bincount``: work proportional to the dyad's active days, not
to the store. Sums per row: events, reports (``n_reports``), Goldstein and Goldstein × reports.
Only events that happened and are dated are here (as in the snapshot's ``pairs``).

``dyad_months`` (every dyad's monthly counts, e.g. for a heatmap) is a single grouped pass over the
undirected arrays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

if TYPE_CHECKING:
    import duckdb

_EPOCH = date(1970, 1, 1).toordinal()

# Over the snapshot's ``pairs`` (one row per actor country × recipient country of an event that
# happened). Directed pairs are unique per event already (the side lists are distinct).
DIRECTED_SQL = """
SELECT actor AS a, recipient AS b, CAST(day - DATE '1970-01-01' AS INTEGER) AS d,
       coalesce(category, '') AS category, coalesce(quad_class, 0) AS quad, count(*) AS events,
       sum(n_reports) AS reports, sum(coalesce(goldstein, 0)) AS g_events,
       sum(coalesce(goldstein, 0) * n_reports) AS g_reports
FROM {source} GROUP BY ALL ORDER BY a, b, d
"""
UNDIRECTED_SQL = """
SELECT a, b, CAST(day - DATE '1970-01-01' AS INTEGER) AS d, coalesce(category, '') AS category,
       coalesce(quad_class, 0) AS quad, count(*) AS events, sum(n_reports) AS reports,
       sum(coalesce(goldstein, 0)) AS g_events, sum(coalesce(goldstein, 0) * n_reports) AS g_reports
FROM (SELECT DISTINCT least(actor, recipient) AS a, greatest(actor, recipient) AS b, event_id, day,
             category, quad_class, goldstein, n_reports FROM {source})
GROUP BY ALL ORDER BY a, b, d
"""


@dataclass
class DyadRows:
    """One dyad's day-level rows (views into the cube's arrays)."""

    days: np.ndarray  # int32, days since 1970-01-01, ascending
    category: np.ndarray  # int32 index into ``DyadCube.vocabulary``; -1 for none
    quad: np.ndarray  # int8, CAMEO quad class (0 when unknown)
    events: np.ndarray  # int64
    reports: np.ndarray  # int64
    g_events: np.ndarray  # float64
    g_reports: np.ndarray  # float64

    def between(self, since: date | None, until: date | None) -> DyadRows:
        """The rows from ``since`` to ``until`` (inclusive; ``None``: unbounded)."""
        lo = 0 if since is None else int(np.searchsorted(self.days, day_number(since), "left"))
        hi = len(self.days) if until is None else int(np.searchsorted(self.days, day_number(until), "right"))
        return DyadRows(*(column[lo:hi] for column in self.columns()))

    def columns(self) -> tuple[np.ndarray, ...]:
        return (self.days, self.category, self.quad, self.events, self.reports, self.g_events, self.g_reports)


class _Side:
    """The rows of one kind (directed or undirected), with the slice of each dyad."""

    def __init__(self, table: pa.Table, vocabulary: dict[str, int]) -> None:
        self.slices: dict[tuple[str, str], tuple[int, int]] = {}
        n = table.num_rows
        if n:
            a = table.column("a").combine_chunks()
            b = table.column("b").combine_chunks()
            # Rows are sorted by dyad: each dyad is one stretch, starting where (a, b) changes.
            changed = pc.or_(pc.not_equal(a[1:], a[:-1]), pc.not_equal(b[1:], b[:-1]))
            starts = [0, *(np.flatnonzero(changed.to_numpy(zero_copy_only=False)) + 1).tolist()]
            ends = [*starts[1:], n]
            keys_a = a.take(pa.array(starts)).to_pylist()
            keys_b = b.take(pa.array(starts)).to_pylist()
            for ka, kb, lo, hi in zip(keys_a, keys_b, starts, ends, strict=True):
                self.slices[(ka, kb)] = (lo, hi)
        encoded = table.column("category").combine_chunks().dictionary_encode()
        codes = np.array([vocabulary.get(c, -1) if c else -1 for c in encoded.dictionary.to_pylist()] or [-1],
                         dtype=np.int32)
        category = codes[np.asarray(encoded.indices.fill_null(0).to_numpy(zero_copy_only=False), dtype=np.int64)]
        self.rows = DyadRows(
            days=_ints(table, "d", np.int32),
            category=category,
            quad=_ints(table, "quad", np.int8),
            events=_ints(table, "events", np.int64),
            reports=_ints(table, "reports", np.int64),
            g_events=_floats(table, "g_events"),
            g_reports=_floats(table, "g_reports"),
        )

    def dyad_of_rows(self) -> tuple[list[tuple[str, str]], np.ndarray]:
        """The dyads, and for each row the index of its dyad."""
        dyads = list(self.slices)
        lengths = np.array([hi - lo for lo, hi in self.slices.values()], dtype=np.int64)
        return dyads, np.repeat(np.arange(len(dyads), dtype=np.int64), lengths)

    def get(self, a: str, b: str) -> DyadRows:
        lo, hi = self.slices.get((a, b), (0, 0))
        return DyadRows(*(column[lo:hi] for column in self.rows.columns()))


def _ints(table: pa.Table, name: str, dtype: Any) -> np.ndarray:
    return np.asarray(table.column(name).fill_null(0).to_numpy(), dtype=dtype)


def _floats(table: pa.Table, name: str) -> np.ndarray:
    return np.asarray(table.column(name).fill_null(0.0).to_numpy(), dtype=np.float64)


class DyadCube:
    """Per-day sums of every dyad of a snapshot (see the module docstring)."""

    def __init__(self, directed: pa.Table, undirected: pa.Table, categories: list[str]) -> None:
        seen = set(directed.column("category").to_pylist()) | set(undirected.column("category").to_pylist())
        extra = sorted(c for c in seen if c and c not in categories)
        # The ontology's categories first (every series lists them), then any others stored.
        self.vocabulary: list[str] = [*categories, *extra]
        self.n_known = len(categories)
        index = {c: i for i, c in enumerate(self.vocabulary)}
        self.directed = _Side(directed, index)
        self.undirected = _Side(undirected, index)

    @classmethod
    def build(cls, con: duckdb.DuckDBPyConnection, categories: list[str], source: str = "pairs") -> DyadCube:
        """Aggregate ``source`` (a table or view shaped like the snapshot's ``pairs``)."""
        return cls(_arrow(con, DIRECTED_SQL.format(source=source)),
                   _arrow(con, UNDIRECTED_SQL.format(source=source)), categories)

    def rows(self, a: str, b: str, directed: bool) -> DyadRows:
        """A dyad's rows: events with ``a`` as actor and ``b`` as recipient, or (undirected) either way."""
        if directed:
            return self.directed.get(a, b)
        return self.undirected.get(min(a, b), max(a, b))


def dyad_period_table(cube: DyadCube, freq: str, directed: bool, since: date | None,
                      until: date | None) -> pa.Table:
    """Every dyad's sums per period (one grouped pass over the cube): a, b, period (its first day),
    events, reports, cooperative and conflictual events, Goldstein sum."""
    side = cube.directed if directed else cube.undirected
    dyads, dyad_ids = side.dyad_of_rows()
    rows = side.rows
    keep = np.ones(len(rows.days), dtype=bool)
    if since is not None:
        keep &= rows.days >= day_number(since)
    if until is not None:
        keep &= rows.days <= day_number(until)
    starts = period_numbers(rows.days[keep], freq)
    ids = dyad_ids[keep]
    # Rows are sorted by dyad, then day, so (dyad, period) never decreases: each group is one
    # stretch of rows, summed with ``reduceat`` in a single pass (no sort, no hashing).
    if len(ids):
        changed = (np.diff(ids) != 0) | (np.diff(starts) != 0)
        first = np.concatenate(([0], np.flatnonzero(changed) + 1))
    else:
        first = np.zeros(0, dtype=np.int64)

    def summed(values: np.ndarray) -> np.ndarray:
        return np.add.reduceat(values, first) if len(first) else values[:0]

    quad = rows.quad[keep]
    events = rows.events[keep]
    names_a = pa.array([d[0] for d in dyads], pa.string()).take(pa.array(ids[first], pa.int64()))
    names_b = pa.array([d[1] for d in dyads], pa.string()).take(pa.array(ids[first], pa.int64()))
    return pa.table({
        "a": names_a,
        "b": names_b,
        "period": pa.array(starts[first].astype("datetime64[D]")),
        "events": pa.array(summed(events).astype(np.int64)),
        "reports": pa.array(summed(rows.reports[keep]).astype(np.int64)),
        "cooperative": pa.array(summed(np.where((quad == 1) | (quad == 2), events, 0)).astype(np.int64)),
        "conflictual": pa.array(summed(np.where((quad == 3) | (quad == 4), events, 0)).astype(np.int64)),
        "goldstein": pa.array(np.round(summed(rows.g_events[keep]), 6).astype(np.float64)),
    })


def _arrow(con: duckdb.DuckDBPyConnection, sql: str) -> pa.Table:
    rel = con.sql(sql)
    method = getattr(rel, "to_arrow_table", None) or getattr(rel, "arrow")  # noqa: B009
    table: pa.Table = method()
    return table


def day_number(day: date) -> int:
    """Days since 1970-01-01 (the cube's day unit)."""
    return day.toordinal() - _EPOCH


def from_day_number(n: int) -> date:
    return date.fromordinal(int(n) + _EPOCH)


def period_numbers(days: np.ndarray, freq: str) -> np.ndarray:
    """The first day (as a day number) of the period of each day; weeks start on Monday."""
    d = days.astype("datetime64[D]")
    if freq == "week":
        # 1970-01-01 was a Thursday: Monday-based weekday = (n + 3) % 7.
        return days - (days + 3) % 7
    if freq == "month":
        return d.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    if freq == "quarter":
        months = d.astype("datetime64[M]").astype(np.int64)
        return (months - months % 3).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    return d.astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)
