"""Count events once: merge the events that several reports of one story coded for one happening.

Forty outlets reporting one meeting give forty coded CONSULT events; an analyst wants one meeting
reported forty times. ``merge_events`` folds events that agree on

- the duplicate group or story of their articles (when ``group_of`` is given),
- the PLOVER category, negation and aux modes,
- the actor countries and the recipient countries (as sets; for the symmetric categories listed in
  ``data/symmetric_categories.txt`` the two sides may be swapped), and
- the date, within ``max_days`` of the first event of the fold (undated events fold only with
  undated ones),

into one ``Event`` that keeps the first event's fields and adds ``n_reports`` (distinct articles),
``n_sources`` (distinct sources or sites of those articles) and ``provenance`` (one
``{article_id, span, sentence_index, event_id}`` per folded event).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import msgspec

from communique.records import Article, Event, EventActor


@cache
def symmetric_categories() -> frozenset[str]:
    """PLOVER categories whose actor and recipient may swap between reports."""
    text = resources.files("communique.dedup").joinpath("data/symmetric_categories.txt").read_text("utf-8")
    return frozenset(
        line.strip().upper() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def article_source(article: Article) -> str:
    """The source an article counts for in ``n_sources``.

    Its site, else the host of its URL ("www." dropped), else its source (feed or input path), else
    its own id: two articles of one outlet count once even though their URLs differ.
    """
    if article.site:
        return article.site.casefold()
    if article.url:
        try:
            host = urlsplit(article.url).hostname
        except ValueError:  # a malformed URL (bad IPv6 brackets) still counts by its text
            host = None
        if host:
            return host.removeprefix("www.")
    return article.source or article.article_id


def _side(actors: list[EventActor]) -> frozenset[str]:
    return frozenset(a.country or a.name or a.text.casefold() for a in actors)


def _day(event: Event) -> date | None:
    if not event.date:
        return None
    try:
        return date.fromisoformat(event.date[:10])
    except ValueError:
        return None


def _provenance(event: Event) -> list[dict[str, Any]]:
    # An event merged earlier carries its own provenance; merging again must not lose it.
    if event.provenance:
        return [dict(p) for p in event.provenance]
    return [
        {
            "article_id": event.article_id,
            "span": list(event.span),
            "sentence_index": event.sentence_index,
            "event_id": event.event_id,
        }
    ]


def event_key(event: Event) -> tuple[Any, ...]:
    """What two reports of one happening share: category, negation, aux modes and the two sides
    (as sets of countries, else names; unordered for symmetric categories). The date is compared
    separately (within a tolerance), so it is not part of the key."""
    actors, recipients = _side(event.actor), _side(event.recipient)
    category = event.category.upper()
    symmetric = category in symmetric_categories()
    sides: tuple[Any, ...] = (frozenset({actors, recipients}),) if symmetric else (actors, recipients)
    return (category, event.negated, tuple(sorted(event.aux)), *sides)


def event_day(event: Event) -> date | None:
    """The event's resolved date, or None when it has none (or it does not parse)."""
    return _day(event)


def _key(event: Event, group: str | None) -> tuple[Any, ...]:
    return (group, *event_key(event))


def merge_events(
    events: Iterable[Event],
    sources: Mapping[str, str] | None = None,
    group_of: Mapping[str, str] | None = None,
    max_days: int = 1,
) -> list[Event]:
    """Fold events of one happening reported by several articles into one event each.

    ``sources`` maps article id → source/site (see ``article_source``); an article missing from it
    counts as its own source. ``group_of`` maps article id → duplicate group or story id; without
    it every event is taken to come from one story. Output keeps the order of first appearance.
    """
    buckets: dict[tuple[Any, ...], list[list[Event]]] = {}
    order: list[list[Event]] = []
    for event in events:
        group = group_of.get(event.article_id, event.article_id) if group_of is not None else None
        folds = buckets.setdefault(_key(event, group), [])
        day = _day(event)
        for fold in folds:
            anchor = _day(fold[0])
            if (day is None and anchor is None) or (
                day is not None and anchor is not None and abs((day - anchor).days) <= max_days
            ):
                fold.append(event)
                break
        else:
            folds.append([event])
            order.append(folds[-1])
    return [_fold(fold, sources or {}) for fold in order]


def _fold(fold: list[Event], sources: Mapping[str, str]) -> Event:
    provenance = [p for event in fold for p in _provenance(event)]
    articles = list(dict.fromkeys(str(p["article_id"]) for p in provenance))
    return msgspec.structs.replace(
        fold[0],
        n_reports=len(articles),
        n_sources=len({sources.get(a, a) for a in articles}),
        provenance=provenance,
        confidence=max(e.confidence for e in fold),
    )
