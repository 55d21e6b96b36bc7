"""Quote and statement attribution: who said what.

STUB: replaced by the real extractor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from communique.records import ActorMention, Article, Quote

if TYPE_CHECKING:
    from spacy.tokens import Doc


def extract_quotes(doc: Doc, actors: list[ActorMention], article: Article) -> list[Quote]:
    """Direct, indirect and mixed quotes of ``doc`` with resolved speakers."""
    return []
