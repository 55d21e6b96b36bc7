"""Calendar periods (ISO week, month, quarter, year): labels, bounds and ranges."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Literal

Freq = Literal["week", "month", "quarter", "year"]
FREQS: tuple[str, ...] = ("week", "month", "quarter", "year")


def check_freq(freq: str) -> Freq:
    """``freq`` if it is a known period length, else a ValueError naming the choices."""
    if freq not in FREQS:
        raise ValueError(f"unknown freq {freq!r}; choose one of {', '.join(FREQS)}")
    return freq  # type: ignore[return-value]


def period_start(day: date, freq: Freq) -> date:
    """First day of the period containing ``day`` (weeks start on Monday, as ISO weeks do)."""
    if freq == "week":
        return day - timedelta(days=day.weekday())
    if freq == "month":
        return day.replace(day=1)
    if freq == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return date(day.year, 1, 1)


def next_start(start: date, freq: Freq) -> date:
    """First day of the period after the one starting on ``start``."""
    if freq == "week":
        return start + timedelta(days=7)
    months = {"month": 1, "quarter": 3, "year": 12}[freq]
    total = start.year * 12 + start.month - 1 + months
    return date(total // 12, total % 12 + 1, 1)


def label(start: date, freq: Freq) -> str:
    """``2024-W09``, ``2024-03``, ``2024-Q1`` or ``2024``."""
    if freq == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    if freq == "month":
        return f"{start.year:04d}-{start.month:02d}"
    if freq == "quarter":
        return f"{start.year:04d}-Q{(start.month - 1) // 3 + 1}"
    return f"{start.year:04d}"


def periods(first: date, last: date, freq: Freq) -> Iterator[tuple[date, date]]:
    """(start, end exclusive) of every period from the one holding ``first`` to the one holding ``last``."""
    start = period_start(first, freq)
    while start <= last:
        end = next_start(start, freq)
        yield start, end
        start = end
