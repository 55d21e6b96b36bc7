"""Event coding: who did what to whom, in PLOVER categories with CAMEO codes.

STUB: replaced by the real coder.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from communique.records import ActorMention, Article, Event, Quote

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from communique.knowledge import KnowledgeBase


def code_events(
    doc: Doc, actors: list[ActorMention], quotes: list[Quote], article: Article, kb: KnowledgeBase
) -> list[Event]:
    """Events of ``doc``, each grounded in its sentence span."""
    return []
