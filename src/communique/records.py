"""Typed records that cross module boundaries.

Every stage of the pipeline speaks in these records and nothing else: ingest yields
``Article``; the actor recogniser yields ``ActorMention``; quotes and events yield ``Quote``
and ``Event``; briefs yield ``Brief``. Field names and shapes follow the contracts in the
README ("Contracts"): changing them changes what users and benchmarks read.

Spans are ``[start, end)`` character (code point) offsets into ``Article.text``.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

import msgspec

QuoteKind = Literal["direct", "indirect", "mixed"]
AuxMode = Literal["future", "hypothetical", "historical"]


class Article(msgspec.Struct, kw_only=True):
    """One news article: clean text plus metadata.

    ``article_id`` is the id given by the input (kept verbatim, even with ``/``) or a stable
    hash of the content. ``published`` is an ISO date (``YYYY-MM-DD``) or None when unknown.
    ``source`` is the site/feed/URL the article came from, or the input path when there is none.
    """

    article_id: str
    text: str
    title: str | None = None
    url: str | None = None
    published: str | None = None
    author: str | None = None
    site: str | None = None
    source: str | None = None
    language: str | None = None
    meta: dict[str, Any] = msgspec.field(default_factory=dict)

    def published_date(self) -> date | None:
        """The publication date, or None when unknown or unparseable."""
        if not self.published:
            return None
        try:
            return date.fromisoformat(self.published[:10])
        except ValueError:
            return None


class ActorMention(msgspec.Struct, kw_only=True):
    """A mention of an actor in an article, resolved against the knowledge base.

    ``text`` is the words as written ("he", "the minister", "Tehran"); ``name`` the resolved
    actor ("Abbas Araghchi", or the country name for a country-level actor); ``country`` an
    ISO 3166-1 alpha-3 code or an organisation code (UNO, EUR, NATO...); ``sector`` a
    CAMEO/PLOVER sector code (GOV, MIL, ...) or None. ``kind`` says what the mention is:
    person, country, metonym, demonym, organisation, place, group, pronoun, role.
    """

    text: str
    start: int
    end: int
    name: str | None = None
    country: str | None = None
    sector: str | None = None
    kind: str | None = None
    actor_id: str | None = None


class Speaker(msgspec.Struct, kw_only=True):
    """The speaker of a quote: the mention at the cue as written, plus the resolved actor.

    ``start``/``end`` are None for a follow-on quote that inherits its speaker's name.
    """

    text: str | None
    name: str | None
    country: str | None = None
    sector: str | None = None
    start: int | None = None
    end: int | None = None


class Quote(msgspec.Struct, kw_only=True):
    """A statement: who said what, where in the text."""

    quote_id: str
    article_id: str
    text: str
    span: tuple[int, int]
    kind: QuoteKind
    cue: str | None = None
    speaker: Speaker | None = None
    cue_span: tuple[int, int] | None = None


class EventActor(msgspec.Struct, kw_only=True):
    """An actor or recipient of an event (shape of the DESIGN.md event record)."""

    text: str
    name: str | None
    country: str | None
    sector: str | None = None
    start: int | None = None
    end: int | None = None


class Event(msgspec.Struct, kw_only=True):
    """Who did what to whom: one coded event, grounded in a sentence span."""

    event_id: str
    article_id: str
    sentence_index: int
    sentence: str
    span: tuple[int, int]
    category: str
    cameo: str
    goldstein: float
    quad_class: int
    date: str | None = None
    mode: str | None = None
    context: list[str] = msgspec.field(default_factory=list)
    actor: list[EventActor] = msgspec.field(default_factory=list)
    recipient: list[EventActor] = msgspec.field(default_factory=list)
    negated: bool = False
    aux: list[str] = msgspec.field(default_factory=list)
    confidence: float = 0.5
    trigger: str | None = None
    location: str | None = None
    speaker: str | None = None
    # Filled when events are merged across reports of one story (see ``dedup``).
    n_reports: int = 1
    n_sources: int = 1
    provenance: list[dict[str, Any]] = msgspec.field(default_factory=list)


class SourceRef(msgspec.Struct, kw_only=True):
    """Where a piece of a brief comes from."""

    article_id: str
    span: tuple[int, int]


class BriefQuote(msgspec.Struct, kw_only=True):
    speaker: str
    quote: str
    quote_id: str


class Brief(msgspec.Struct, kw_only=True):
    """A Smart Brevity brief; ``sources`` maps each field or item to the spans it came from."""

    headline: str
    lede: str
    why_it_matters: str
    whats_being_said: list[BriefQuote] = msgspec.field(default_factory=list)
    key_points: list[str] = msgspec.field(default_factory=list)
    go_deeper: list[str] = msgspec.field(default_factory=list)
    sources: dict[str, list[SourceRef]] = msgspec.field(default_factory=dict)
    # Added by briefs: reports/sources behind a story brief; keys of items generated from stored
    # data (counts, not prose) and of items rephrased by an abstractive backend (checked for
    # traceable words rather than verbatim text).
    n_reports: int = 1
    n_sources: int = 1
    generated: list[str] = msgspec.field(default_factory=list)
    rephrased: list[str] = msgspec.field(default_factory=list)


class Reject(msgspec.Struct, kw_only=True):
    """An input that could not be turned into an article, and why."""

    input: str
    reason: str
    stage: str = "ingest"


class Analysis(msgspec.Struct, kw_only=True):
    """Everything the pipeline found in one article (the ``analyze`` output object)."""

    article: Article
    actors: list[ActorMention] = msgspec.field(default_factory=list)
    quotes: list[Quote] = msgspec.field(default_factory=list)
    events: list[Event] = msgspec.field(default_factory=list)


def to_dict(record: msgspec.Struct) -> dict[str, Any]:
    """Plain JSON-ready dict of a record (tuples become lists)."""
    out = msgspec.to_builtins(record)
    assert isinstance(out, dict)
    return out


_encoder = msgspec.json.Encoder()


def to_json(record: Any) -> str:
    """Compact JSON text of a record or a list of records."""
    return _encoder.encode(record).decode("utf-8")


def to_builtins_any(value: Any) -> Any:
    """Records, lists of records and plain data → JSON-ready builtins."""
    return msgspec.to_builtins(value)


class Story(msgspec.Struct, kw_only=True):
    """Articles about one story (see ``stories``): the unit an analyst counts instead of reports.

    ``story_id`` is stable (derived from the story's first article); ``start``/``end`` are ISO dates
    of its earliest and latest dated article, None when all are undated; ``actors`` are country or
    organisation codes by how many of its articles name them; ``n_sources`` counts distinct sites.
    """

    story_id: str
    title: str
    start: str | None = None
    end: str | None = None
    articles: list[str] = msgspec.field(default_factory=list)
    actors: list[str] = msgspec.field(default_factory=list)
    events: list[str] = msgspec.field(default_factory=list)
    n_reports: int = 0
    n_sources: int = 0
