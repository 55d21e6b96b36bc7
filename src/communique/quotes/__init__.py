"""Quote and statement attribution: who said what, in which words, where in the text.

``extract_quotes`` is the entry point the pipeline calls. The work is split by concern:
``marks`` scans quote marks on the raw text, ``cues`` reads reporting verbs and their speakers and
content from the parse, ``speakers`` resolves the speaker to a person or group, and ``extractor``
runs the cascade (its docstring numbers the steps and states the span conventions). The reporting
verbs are a data file, ``data/reporting_verbs.tsv``; subjects that name no speaker (abstractions
such as "a common belief") are another, ``data/non_speakers.txt``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from communique.quotes.extractor import extract, quote_id
from communique.records import ActorMention, Article, Quote

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["extract_quotes", "quote_id"]


def extract_quotes(doc: Doc, actors: list[ActorMention], article: Article) -> list[Quote]:
    """Direct, indirect and mixed quotes of ``doc`` with resolved speakers, in text order."""
    return extract(doc, actors, article)
