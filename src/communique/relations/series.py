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
import numpy as np
import pyarrow as pa

from communique.relations.cube import day_number, dyad_period_table, from_day_number, period_numbers
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


def dyad_months(store: Store | EventIndex, *, freq: str = "month", directed: bool = False,
                since: date | None = None, until: date | None = None) -> pa.Table:
    """Every dyad's counts per month (or ``freq``), e.g. for a heatmap: an Arrow table with columns
    ``a``, ``b`` (undirected: ``a`` < ``b``, each event once; directed: actor, recipient),
    ``period`` (first day), ``events``, ``reports``, ``cooperative``, ``conflictual`` (events by quad
    class) and ``goldstein`` (sum). Only dyad-periods with events are listed; periods without
    coverage are not told apart here (``dyad_series`` does that for one dyad)."""
    f = check_freq(freq)
    if since and until and since > until:
        raise ValueError(f"since ({since}) is after until ({until})")
    return dyad_period_table(event_index(store).cube(), f, directed, since, until)


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
    if not with_events:
        return _counted_series(index, a, b, f, directed, measure, since, until)
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
        # Sums of one-decimal scores, rounded first so summation order cannot move the last digit.
        out.goldstein_mean = round(round(goldstein, 9) / volume, 4)
    denominator = total[1] if by_reports else total[0]
    if denominator:
        out.share = round(volume / denominator, 6)
        out.net_cooperation_share = round((coop - conflict) / denominator, 6)
    out.cells = {k: sorted(v) for k, v in cells.items() if v}
    return out


def _num(value: float) -> float:
    """Whole numbers as such (counts stay readable in JSON and CSV)."""
    return int(value) if float(value).is_integer() else round(value, 4)


def _counted_series(index: EventIndex, a: str, b: str, freq: Freq, directed: bool, measure: str,
                    since: date | None, until: date | None) -> DyadSeries:
    """``dyad_series`` without event ids, from the snapshot's dyad cube (``cube.py``): the same
    figures as the row-by-row path, summed with NumPy over the dyad's active days."""
    cube = index.cube()
    rows = cube.rows(a, b, directed).between(since, until)
    series = DyadSeries(a=a, b=b, freq=freq, directed=directed, measure=measure)
    row_periods = period_numbers(rows.days, freq)
    days = [min(index.covered_days), max(index.covered_days)] if index.covered_days else []
    firsts = [from_day_number(row_periods[0])] if len(row_periods) else []
    lasts = [from_day_number(row_periods[-1])] if len(row_periods) else []
    first = since or min(days + firsts, default=None)
    last = until or max(days + lasts, default=None)
    if first is None or last is None:
        return series
    skeleton = _skeleton(index, freq, first, last)
    n = len(skeleton.labels)
    starts = skeleton.starts
    slot = np.searchsorted(starts, row_periods)
    by_reports = measure == "reports"
    weight = rows.reports if by_reports else rows.events
    gold = rows.g_reports if by_reports else rows.g_events

    def summed(keys: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
        return np.bincount(keys, weights=values, minlength=size)[:size]

    found = np.bincount(slot, minlength=n)[:n]
    events = summed(slot, rows.events, n).astype(np.int64).tolist()
    reports = summed(slot, rows.reports, n).astype(np.int64).tolist()
    goldstein = summed(slot, gold, n).tolist()
    quadded = (rows.quad >= 1) & (rows.quad <= 4)
    quads = summed(slot[quadded] * 4 + rows.quad[quadded].astype(np.int64) - 1, weight[quadded], n * 4)
    quads = quads.astype(np.int64).reshape(n, 4)
    vocab = cube.vocabulary
    width = len(vocab)
    has_cat = rows.category >= 0
    cat_keys = slot[has_cat] * width + rows.category[has_cat]
    cats = summed(cat_keys, weight[has_cat], n * width).astype(np.int64).reshape(n, width)
    # Categories outside the ontology are listed only in periods that have them (as the row path does).
    present = np.bincount(cat_keys, minlength=n * width)[: n * width].reshape(n, width)
    coop = quads[:, 0] + quads[:, 1]
    net = (coop - quads[:, 2] - quads[:, 3]).tolist()
    quad_rows = quads.tolist()
    cat_rows = cats[:, : cube.n_known].tolist()
    extra_names = vocab[cube.n_known:]
    known = vocab[: cube.n_known]
    quad_names = [QUADS[q] for q in (1, 2, 3, 4)]
    for i, (period, start, end, covered, total) in enumerate(zip(
            skeleton.labels, skeleton.start_text, skeleton.end_text, skeleton.covered, skeleton.totals, strict=True)):
        if not (covered or found[i]):
            series.periods.append(DyadPeriod(period=period, start=start, end=end, covered=False,
                                             quads=dict.fromkeys(quad_names), categories=dict.fromkeys(known)))
            continue
        categories = dict(zip(known, cat_rows[i], strict=True))
        if extra_names:
            for j, name in enumerate(extra_names, start=cube.n_known):
                if present[i, j]:
                    categories[name] = int(cats[i, j])
        volume = reports[i] if by_reports else events[i]
        denominator = total[1] if by_reports else total[0]
        series.periods.append(DyadPeriod(
            period=period, start=start, end=end, covered=True, events=events[i], reports=reports[i],
            total_events=total[0], total_reports=total[1],
            goldstein_mean=round(round(goldstein[i], 9) / volume, 4) if volume else None,
            net_cooperation=net[i],
            share=round(volume / denominator, 6) if denominator else None,
            net_cooperation_share=round(net[i] / denominator, 6) if denominator else None,
            quads=dict(zip(quad_names, quad_rows[i], strict=True)), categories=categories,
        ))
    return series


class _Skeleton(msgspec.Struct, frozen=True):
    """What every dyad's series over the same periods shares: labels, bounds, coverage, totals."""

    labels: list[str]
    start_text: list[str]
    end_text: list[str]
    starts: np.ndarray  # period starts as day numbers
    covered: list[bool]
    totals: list[tuple[int, int]]


def _skeleton(index: EventIndex, freq: Freq, first: date, last: date) -> _Skeleton:
    """The periods from ``first`` to ``last`` with their coverage and totals (memoised on the snapshot)."""
    cache = index.derived.setdefault(("skeletons", ""), {})
    key = (freq, first, last)
    found: _Skeleton | None = cache.get(key)
    if found is None:
        spans = list(periods(first, last, freq))
        covered_starts = _covered_starts(index, freq)
        totals = _totals(index, freq)
        found = _Skeleton(
            labels=[label(s, freq) for s, _ in spans], start_text=[s.isoformat() for s, _ in spans],
            end_text=[e.isoformat() for _, e in spans],
            starts=np.array([day_number(s) for s, _ in spans], dtype=np.int64),
            covered=[s in covered_starts for s, _ in spans], totals=[totals.get(s, (0, 0)) for s, _ in spans],
        )
        if len(cache) >= 256:  # arbitrary since/until values must not grow it without bound
            cache.clear()
        cache[key] = found
    return found
