"""Event dates: the article's date moved by the relative expressions of the event's clause.

"on Friday" is the last Friday on or before the article date (news reports the past; with a
future aux mode the next one), "yesterday" one day back, "last week" seven days back, "in March"
the 1st of the latest March not after the article date (or the next with a future mode), "March
5" or "5 March" that day. With no article date, relative expressions stay unresolved (None);
absolute dates with a year still resolve.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

WEEKDAYS = {d: i for i, d in enumerate(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}
_MONTHS = {m: i + 1 for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"])}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_OFFSETS = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1}
_UNITS = {"week": 7, "month": 30, "year": 365}
_YEAR = re.compile(r"^(1[89]|20)\d\d$")


def resolve_date(words: list[str], published: date | None, future: bool = False) -> tuple[date | None, bool]:
    """The event date from the lower-case ``words`` of its clause; second value: a date was stated.

    Returns ``(published, False)`` when the clause names no date.
    """
    n = len(words)
    for i, word in enumerate(words):
        if word in _OFFSETS:
            return (published + timedelta(days=_OFFSETS[word]) if published else None), True
        if word in WEEKDAYS:
            if published is None:
                return None, True
            prev = words[i - 1] if i else ""
            delta = (published.weekday() - WEEKDAYS[word]) % 7
            if future or prev == "next":
                return published + timedelta(days=(WEEKDAYS[word] - published.weekday()) % 7 or 7), True
            if prev == "last" and delta == 0:
                delta = 7
            return published - timedelta(days=delta), True
        if word in ("last", "next", "this") and i + 1 < n and words[i + 1] in _UNITS:
            if published is None:
                return None, True
            step = {"last": -1, "next": 1, "this": 0}[word] * _UNITS[words[i + 1]]
            return published + timedelta(days=step), True
        if word == "in" and i + 1 < n and _YEAR.match(words[i + 1]) and not (i + 2 < n and words[i + 2] in _MONTHS):
            # "in 1994": the year only (its first day stands for it).
            return _safe_date(int(words[i + 1]), 1, 1), True
        if word in _MONTHS and (len(word) > 3 or (i + 1 < n and words[i + 1].isdigit())):
            # "may" is also a modal verb: accept it only next to a day number or a year.
            if word == "may" and not (
                (i + 1 < n and words[i + 1].isdigit()) or (i and words[i - 1].isdigit())
            ):
                continue
            return _month_date(words, i, published, future), True
    return published, False


def _month_date(words: list[str], i: int, published: date | None, future: bool) -> date | None:
    month = _MONTHS[words[i]]
    day = 1
    year: int | None = None
    for j in (i + 1, i + 2, i - 1):
        if 0 <= j < len(words):
            w = words[j].rstrip(",").removesuffix("th").removesuffix("st").removesuffix("nd").removesuffix("rd")
            if _YEAR.match(w):
                year = int(w)
            elif w.isdigit() and 1 <= int(w) <= 31 and j != i + 2:
                day = int(w)
    if year is None:
        if published is None:
            return None
        year = published.year
        candidate = _safe_date(year, month, day)
        if candidate and not future and candidate > published:
            year -= 1
        elif candidate and future and candidate < published:
            year += 1
    return _safe_date(year, month, day)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
