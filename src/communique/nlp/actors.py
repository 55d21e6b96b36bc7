"""Actor recognition: spaCy entities + the knowledge base → resolved ``ActorMention``s.

STUB: replaced by the real recogniser.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from communique.records import ActorMention

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from communique.knowledge import KnowledgeBase


def recognise_actors(doc: Doc, kb: KnowledgeBase, when: date | None = None) -> list[ActorMention]:
    """Every actor mention in ``doc``, resolved, sorted by start offset."""
    return []
