"""Dyad series: how two countries treat each other, period by period.

``dyad_series(store, "IRN", "RUS", freq="month")`` counts the events between the two per period:
per PLOVER category and quad class, mean Goldstein score, net cooperation (cooperative minus
conflictual) and the same figures as shares of *all* events stored for that period, so a busy news
month does not read as a warming of relations.

- **Directed** (``directed=True``): events whose actor includes ``a`` and whose recipient includes
  ``b``. **Undirected**: either direction, each event counted once. Both come from one code path:
  a series is the events matching any of a list of (actor, recipient) pairs.
- **Units** (``measure``): ``"events"`` counts each stored event once; ``"reports"`` weights each
  event by its number of reports (``n_reports``). Both totals are always given.
- **Coverage**: a period in which the coverage ledger records no publication day read from any
  source is *missing* — every figure is ``None`` — never zero.
- **Drill-down**: every cell lists its event ids (``cells``), resolvable with
  ``relations.drilldown.resolve_event``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, Literal

import msgspec

from communique.relations.index import EventIndex, event_index
from communique.relations.periods import Freq, check_freq, label, period_start, periods
from communique.store import Store

Measure = Literal["events", "reports"]
MEASURES: tuple[str, ...] = ("events", "reports")

# CAMEO quad classes: 1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict.
QUADS: dict[int, str] = {1: "verbal_cooperation", 2: "material_cooperation", 3: "verbal_conflict",
                         4: "material_conflict"}
COOPERATIVE = (1, 2)
CONFLICTUAL = (3, 4)


def categories() -> list[str]:
    """PLOVER categories in ontology order (the columns of every series)."""
    from communique.events.ontology import load_ontology

    return list(load_ontology().categories)


class DyadPeriod(msgspec.Struct, kw_only=True):
    """The figures of one period; all ``None`` when the store has no coverage of the period."""

    period: str
    start: str
    end: str  # exclusive
    covered: bool
    events: int | None = None
    reports: int | None = None
    total_events: int | None = None  # all events stored for the period (the share denominator)
    total_reports: int | None = None
    goldstein_mean: float | None = None
    net_cooperation: float | None = None
    share: float | None = None
    net_cooperation_share: float | None = None
    quads: dict[str, float | None] = msgspec.field(default_factory=dict)
    categories: dict[str, float | None] = msgspec.field(default_factory=dict)
    # Drill-down: cell name ("all", a quad name or a PLOVER category) → its event ids.
    cells: dict[str, list[str]] = msgspec.field(default_factory=dict)


class DyadSeries(msgspec.Struct, kw_only=True):
    """A dyad's series (see the module docstring)."""

    a: str
    b: str
    freq: str
    directed: bool
    measure: str
    periods: list[DyadPeriod] = msgspec.field(default_factory=list)

    def rows(self) -> list[dict[str, Any]]:
        """One flat row per period (for CSV and tables): quads and categories as columns."""
        out = []
        for p in self.periods:
            row: dict[str, Any] = {
                "period": p.period, "start": p.start, "end": p.end, "covered": p.covered,
                "events": p.events, "reports": p.reports, "total_events": p.total_events,
                "goldstein_mean": p.goldstein_mean, "net_cooperation": p.net_cooperation,
                "share": p.share, "net_cooperation_share": p.net_cooperation_share,
            }
            row.update(p.quads)
            row.update(p.categories)
            out.append(row)
        return out


class _Event(msgspec.Struct, frozen=True):
    event_id: str
    day: date
    category: str
    quad_class: int
    goldstein: float
    n_reports: int


def check_country(code: str) -> str:
    """An upper-cased country code, or a ValueError naming the input."""
    value = (code or "").strip().upper()
    if not value or len(value) > 16 or not value.replace("-", "").replace("_", "").isalnum():
        raise ValueError(f"bad country code {code!r}: expected a code such as IRN or RUS")
    return value


def pair_condition(pairs: Iterable[tuple[str, str]]) -> tuple[str, list[Any]]:
    """SQL (over the snapshot's ``pairs``) matching rows of any (actor, recipient) pair."""
    clauses, params = [], []
    for src, dst in pairs:
        clauses.append("(actor = ? AND recipient = ?)")
        params += [src, dst]
    return "(" + " OR ".join(clauses) + ")", params


def _dyad_rows(cond: str, since: date | None, until: date | None, params: list[Any]) -> str:
    """SQL of a dyad's events, each once (an event naming both directions has two pair rows)."""
    sql = ("SELECT DISTINCT event_id, day, category, quad_class, goldstein, n_reports FROM pairs "  # noqa: S608
           f"WHERE {cond}")
    if since is not None:
        sql += " AND day >= ?"
        params.append(since)
    if until is not None:
        sql += " AND day <= ?"
        params.append(until)
    return sql


def dyad_pairs(a: str, b: str, directed: bool) -> list[tuple[str, str]]:
    """The (actor, recipient) pairs of a dyad: one for a directed dyad, both orders otherwise."""
    return [(a, b)] if directed else [(a, b), (b, a)]


def dyad_events(store: Store | EventIndex, a: str, b: str, *, directed: bool = False,
                since: date | None = None, until: date | None = None) -> list[_Event]:
    """The dated events of a dyad, oldest first (each once, whatever its direction)."""
    a, b = check_country(a), check_country(b)
    if a == b:
        raise ValueError(f"a dyad needs two different countries, got {a} twice")
    index = event_index(store)
    cond, params = pair_condition(dyad_pairs(a, b, directed))
    sql = _dyad_rows(cond, since, until, params) + " ORDER BY day, event_id"
    return [_Event(r[0], r[1], r[2] or "", int(r[3] or 0), float(r[4] or 0.0), int(r[5] or 1))
            for r in index.rows(sql, params)]


def _totals(index: EventIndex, freq: Freq) -> dict[date, tuple[int, int]]:
    """Events and reports per period start (memoised on the snapshot)."""
    key = ("totals", freq)
    if key not in index.derived:
        totals: dict[date, tuple[int, int]] = {}
        for day, (n, reports) in index.day_totals().items():
            start = period_start(day, freq)
            e, r = totals.get(start, (0, 0))
            totals[start] = (e + n, r + reports)
        index.derived[key] = totals
    result: dict[date, tuple[int, int]] = index.derived[key]
    return result


def _covered_starts(index: EventIndex, freq: Freq) -> frozenset[date]:
    """Period starts with at least one covered day (memoised on the snapshot)."""
    key = ("covered", freq)
    if key not in index.derived:
        index.derived[key] = frozenset(period_start(d, freq) for d in index.covered_days)
    result: frozenset[date] = index.derived[key]
    return result


class _Group(msgspec.Struct, frozen=True):
    """The dyad's events of one period, category and quad class, summed (ids kept for drill-down)."""

    start: date
    category: str
    quad_class: int
    events: int
    reports: int
    goldstein_events: float  # sum of Goldstein scores
    goldstein_reports: float  # sum of Goldstein × reports
    ids: list[str]


_TRUNC = {"week": "week", "month": "month", "quarter": "quarter", "year": "year"}


def _groups(index: EventIndex, a: str, b: str, freq: Freq, directed: bool, since: date | None,
            until: date | None, with_events: bool) -> list[_Group]:
    cond, params = pair_condition(dyad_pairs(a, b, directed))
    ids = "list(event_id ORDER BY event_id)" if with_events else "[]::VARCHAR[]"
    # DuckDB truncates weeks to Monday, as ``period_start`` does.
    sql = (f"SELECT CAST(date_trunc('{_TRUNC[freq]}', day) AS DATE) AS p, coalesce(category, ''), "  # noqa: S608
           "coalesce(quad_class, 0), count(*), sum(n_reports), sum(coalesce(goldstein, 0)), "
           f"sum(coalesce(goldstein, 0) * n_reports), {ids} FROM ({_dyad_rows(cond, since, until, params)}) "
           "GROUP BY ALL ORDER BY 1, 2, 3")
    return [_Group(r[0], r[1], int(r[2]), int(r[3]), int(r[4] or 0), float(r[5] or 0), float(r[6] or 0),
                   list(r[7] or [])) for r in index.rows(sql, params)]


def dyad_series(
    store: Store | EventIndex,
    a: str,
    b: str,
    freq: str = "month",
    directed: bool = False,
    measure: str = "events",
    *,
    since: date | None = None,
    until: date | None = None,
    with_events: bool = True,
) -> DyadSeries:
    """The series of events between ``a`` and ``b`` (see the module docstring).

    The periods run from ``since`` (else the first covered day or event) to ``until`` (else the
    last); an empty store gives no periods. ``with_events=False`` leaves the cells' event-id
    lists out (faster on large stores).
    """
    f = check_freq(freq)
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}; choose one of {', '.join(MEASURES)}")
    a, b = check_country(a), check_country(b)
    if a == b:
        raise ValueError(f"a dyad needs two different countries, got {a} twice")
    if since and until and since > until:
        raise ValueError(f"since ({since}) is after until ({until})")
    index = event_index(store)
    groups = _groups(index, a, b, f, directed, since, until, with_events)
    days = [min(index.covered_days), max(index.covered_days)] if index.covered_days else []
    first = since or min(days + [g.start for g in groups[:1]], default=None)
    last = until or max(days + [g.start for g in groups[-1:]], default=None)
    series = DyadSeries(a=a, b=b, freq=f, directed=directed, measure=measure)
    if first is None or last is None:
        return series
    covered_starts = _covered_starts(index, f)
    by_period: dict[date, list[_Group]] = {}
    for g in groups:
        by_period.setdefault(g.start, []).append(g)
    totals = _totals(index, f)
    cats = categories()
    for start, end in periods(first, last, f):
        found = by_period.get(start, [])
        # Events prove the period was read even if its coverage row is missing (older stores).
        covered = start in covered_starts or bool(found)
        series.periods.append(_period(start, end, f, found, covered, totals.get(start, (0, 0)), measure, cats))
    return series


def _period(start: date, end: date, freq: Freq, groups: list[_Group], covered: bool,
            total: tuple[int, int], measure: str, cats: list[str]) -> DyadPeriod:
    out = DyadPeriod(period=label(start, freq), start=start.isoformat(), end=end.isoformat(), covered=covered)
    if not covered:
        out.quads = dict.fromkeys(QUADS.values())
        out.categories = dict.fromkeys(cats)
        return out
    by_reports = measure == "reports"
    out.events = sum(g.events for g in groups)
    out.reports = sum(g.reports for g in groups)
    out.total_events, out.total_reports = total
    volume = out.reports if by_reports else out.events
    quads = {name: 0.0 for name in QUADS.values()}
    counts = {name: 0.0 for name in cats}
    cells: dict[str, list[str]] = {}
    goldstein = 0.0
    for g in groups:
        w = g.reports if by_reports else g.events
        goldstein += g.goldstein_reports if by_reports else g.goldstein_events
        if g.quad_class in QUADS:
            quads[QUADS[g.quad_class]] += w
            cells.setdefault(QUADS[g.quad_class], []).extend(g.ids)
        if g.category:
            counts[g.category] = counts.get(g.category, 0.0) + w
            cells.setdefault(g.category, []).extend(g.ids)
        cells.setdefault("all", []).extend(g.ids)
    coop = sum(quads[QUADS[q]] for q in COOPERATIVE)
    conflict = sum(quads[QUADS[q]] for q in CONFLICTUAL)
    out.quads = {k: _num(v) for k, v in quads.items()}
    out.categories = {k: _num(v) for k, v in counts.items()}
    out.net_cooperation = _num(coop - conflict)
    if volume:
        out.goldstein_mean = round(goldstein / volume, 4)
    denominator = total[1] if by_reports else total[0]
    if denominator:
        out.share = round(volume / denominator, 6)
        out.net_cooperation_share = round((coop - conflict) / denominator, 6)
    out.cells = {k: sorted(v) for k, v in cells.items() if v}
    return out


def _num(value: float) -> float:
    """Whole numbers as such (counts stay readable in JSON and CSV)."""
    return int(value) if float(value).is_integer() else round(value, 4)
