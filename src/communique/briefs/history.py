"""History for briefs: what the store knows about the actors of a brief.

A brief made with a store adds lines generated from stored data — how a dyad's relations moved
recently (event counts by quad class, direction), and past events of the same actors. These
lines are *generated*, not extracted, so the brief lists their keys in ``Brief.generated`` and
their ``sources`` cite the stored events' article ids and spans (the evidence behind the count).

``HistorySource`` is the interface briefs need; ``store_history(DIR)`` adapts the store when
its query API is available (see ``open_history``), and tests can pass any object with the two
methods.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from communique.records import Article, Event, SourceRef

QUAD_WORDS = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict"}


@dataclass
class DyadHistory:
    """Events between two actors (countries) in a window before the brief's date."""

    a: str
    b: str
    since: str | None
    until: str | None
    counts: dict[int, int] = field(default_factory=dict)  # quad class → events
    previous_counts: dict[int, int] = field(default_factory=dict)  # the window before
    evidence: list[SourceRef] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def net_cooperation(self, counts: dict[int, int] | None = None) -> int:
        c = self.counts if counts is None else counts
        return c.get(1, 0) + c.get(2, 0) - c.get(3, 0) - c.get(4, 0)


class HistorySource(Protocol):
    """What a brief asks of stored history."""

    def dyad(self, a: str, b: str, until: str | None) -> DyadHistory | None:
        """Event counts between countries ``a`` and ``b`` up to ``until`` (ISO date or None)."""
        ...

    def past_events(self, countries: list[str], until: str | None, limit: int = 3) -> list[Event]:
        """The latest stored events whose actors include these countries, before ``until``."""
        ...


def describe_dyad(h: DyadHistory, names: dict[str, str]) -> str | None:
    """One sentence of counts and direction, generated from the numbers (never from prose)."""
    if h.total == 0:
        return None
    a, b = names.get(h.a, h.a), names.get(h.b, h.b)
    parts = [f"{n} {QUAD_WORDS[q]}" for q, n in sorted(h.counts.items()) if n]
    window = f" since {h.since}" if h.since else ""
    line = f"The store holds {h.total} events between {a} and {b}{window}: {', '.join(parts)}."
    if h.previous_counts:
        now, before = h.net_cooperation(), h.net_cooperation(h.previous_counts)
        direction = "more cooperative" if now > before else "more conflictual" if now < before else "unchanged"
        line += f" Net cooperation {now:+d} against {before:+d} in the window before: {direction}."
    return line


def describe_past_event(e: Event) -> str:
    """A past event as a dated pointer to its sentence (the sentence itself is the evidence)."""
    when = e.date or "undated"
    return f"{when}: {e.sentence.strip()}"


def open_history(store_dir: Path) -> HistorySource | None:
    """A ``HistorySource`` over the store at ``store_dir``, or None when the store has no query API yet.

    Hook: the store module is being built alongside briefs. When it exposes event queries
    (``communique.store.query``), this adapter returns them; until then briefs with ``--store``
    say so on standard error and fall back to the article-only brief.
    """
    try:
        from communique.store import query  # type: ignore[attr-defined]
    except ImportError:
        return None
    factory = getattr(query, "history_source", None)
    if factory is None:
        return None
    return factory(store_dir)  # type: ignore[no-any-return]


def stored_story_articles(store_dir: Path, story_id: str) -> list[Article]:
    """The articles of story ``story_id`` as the store's story clustering groups them (oldest first)."""
    from communique.errors import UsageError
    from communique.store import open_store
    from communique.stories.from_store import stories_from_store

    store = open_store(store_dir)
    try:
        stories = stories_from_store(store)
        story = next((s for s in stories if s.story_id == story_id), None)
        if story is None:
            known = ", ".join(s.story_id for s in stories[:5])
            raise UsageError(f"{store_dir}: no story {story_id!r} (some stories: {known or 'none'})")
        rows = store.table("articles", ["article_id", "text", "title", "url", "published", "site", "source"],
                           where="list_contains(?, article_id)", params=[story.articles]).to_pylist()
    finally:
        store.close()
    by_id = {r["article_id"]: r for r in rows}
    return [Article(**by_id[aid]) for aid in story.articles if aid in by_id]
