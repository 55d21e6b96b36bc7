"""Trend statements: a dyad's last period against its own past, said only when a test says so.

For each kind of event (all, cooperative, conflictual) the count in the last period is compared
with the previous ``baseline`` periods by an exact conditional binomial test of two Poisson rates:
with ``x`` events over ``t1`` covered days in the last period and ``y`` over ``t0`` covered days
before, under equal rates ``x`` given ``x + y`` is Binomial(x + y, t1 / (t1 + t0)). Exposure is
measured in *covered* days (coverage ledger), so a half-read or still-running period is not
mistaken for a decline. A statement is made only when the two-sided p-value is below ``alpha``;
its metadata name the test, the counts, the exposures and the p-value, and list the event ids.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec

from communique.relations.index import EventIndex, event_index
from communique.relations.periods import check_freq, label, next_start, period_start
from communique.relations.series import CONFLICTUAL, COOPERATIVE, check_country, dyad_events
from communique.store import Store

TEST_NAME = ("exact conditional binomial test of two Poisson rates (last period vs baseline periods, "
             "exposure = covered days), two-sided")
KINDS: dict[str, tuple[int, ...] | None] = {"all": None, "cooperative": COOPERATIVE, "conflictual": CONFLICTUAL}


class TrendStatement(msgspec.Struct, kw_only=True):
    """A significant change in a dyad, in words, with the test behind it."""

    text: str
    a: str
    b: str
    kind: str
    freq: str
    period: str
    count: int
    baseline_count: int
    baseline_periods: int
    exposure_days: int
    baseline_exposure_days: int
    rate_ratio: float | None
    test: str
    p_value: float
    alpha: float
    event_ids: list[str] = msgspec.field(default_factory=list)


def _change(ratio: float | None, count: int, baseline: float, k: int, freq: str) -> str:
    if ratio is None:
        return f"appeared in the last {freq} ({count}, after none in the previous {k} {freq}s)"
    tail = f"in the last {freq} ({count} vs a mean of {baseline:.1f} per {freq} over the previous {k})"
    words = {2: "doubled", 3: "tripled", 4: "quadrupled"}
    if ratio >= 1:
        n = round(ratio)
        if n in words and abs(ratio - n) < 0.25:
            return f"{words[n]} {tail}"
        if ratio >= 4.5:
            return f"rose {ratio:.0f}-fold {tail}"
        return f"rose by {(ratio - 1) * 100:.0f}% {tail}"
    if ratio == 0:
        return f"stopped {tail}"
    if abs(1 / ratio - 2) < 0.25:
        return f"halved {tail}"
    return f"fell by {(1 - ratio) * 100:.0f}% {tail}"


def trend_statements(
    store: Store | EventIndex,
    a: str,
    b: str,
    freq: str = "quarter",
    *,
    directed: bool = False,
    baseline: int = 4,
    alpha: float = 0.05,
    until: date | None = None,
) -> list[TrendStatement]:
    """Significant changes of the dyad in its last period (see the module docstring)."""
    from scipy.stats import binomtest

    f = check_freq(freq)
    a, b = check_country(a), check_country(b)
    if baseline < 1:
        raise ValueError("baseline must be at least one period")
    index = event_index(store)
    covered = index.covered_days
    end_day = until or (max(covered) if covered else None)
    if end_day is None:
        return []
    last_start = period_start(end_day, f)
    first_start = last_start
    for _ in range(baseline):
        first_start = period_start(first_start.fromordinal(first_start.toordinal() - 1), f)
    last_end = next_start(last_start, f)
    t1 = sum(1 for d in covered if last_start <= d < last_end and d <= end_day)
    t0 = sum(1 for d in covered if first_start <= d < last_start)
    if not t1 or not t0:
        return []
    events = dyad_events(index, a, b, directed=directed, since=first_start, until=end_day)
    out = []
    for kind, quads in KINDS.items():
        chosen = [e for e in events if quads is None or e.quad_class in quads]
        recent = [e for e in chosen if e.day >= last_start]
        x, y = len(recent), len(chosen) - len(recent)
        if x + y == 0:
            continue
        p = float(binomtest(x, x + y, t1 / (t1 + t0)).pvalue)
        if p >= alpha:
            continue
        ratio = (x / t1) / (y / t0) if y else None
        mean = y / baseline
        noun = "events" if kind == "all" else f"{kind} events"
        text = f"{noun.capitalize()} between {a} and {b} {_change(ratio, x, mean, baseline, f)}"
        out.append(TrendStatement(
            text=text, a=a, b=b, kind=kind, freq=f, period=label(last_start, f), count=x, baseline_count=y,
            baseline_periods=baseline, exposure_days=t1, baseline_exposure_days=t0,
            rate_ratio=round(ratio, 4) if ratio is not None else None, test=TEST_NAME,
            p_value=round(p, 6), alpha=alpha, event_ids=[e.event_id for e in recent],
        ))
    return out


def statement_dict(statement: TrendStatement) -> dict[str, Any]:
    """A statement as JSON-ready builtins."""
    result: dict[str, Any] = msgspec.to_builtins(statement)
    return result
