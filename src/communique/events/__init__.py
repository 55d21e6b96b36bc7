"""Event coding: who did what to whom, in PLOVER categories with CAMEO codes.

``code_events`` is the stage function the pipeline calls. Knowledge lives in ``events/data/``:
``ontology.tsv`` + ``plover.json`` (the ontology table, see ``events.ontology``), ``lexicon.tsv``
(trigger words), ``intent.tsv`` (future/intended events) and ``contexts.tsv`` (context tags).
Each event's ``span`` is the span of its sentence; ``trigger`` holds the trigger words.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from communique.records import ActorMention, Article, Event, Quote

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from communique.events.coder import EventCoder
    from communique.knowledge import KnowledgeBase

__all__ = ["code_events"]


@lru_cache(maxsize=1)
def _coder() -> EventCoder:
    from communique.events.coder import EventCoder

    return EventCoder()


def code_events(
    doc: Doc, actors: list[ActorMention], quotes: list[Quote], article: Article, kb: KnowledgeBase
) -> list[Event]:
    """Events of ``doc``, each grounded in its sentence span (negated and future ones included, flagged)."""
    return _coder().code(doc, actors, quotes, article)
