"""The analysis pipeline: article → spaCy doc → actors → quotes → events.

``Pipeline`` loads the spaCy model and the knowledge base once and then analyses any number of
articles (``analyze_many`` streams them through ``nlp.pipe``). The CLI, the store's ingest, the
HTTP API and the Dask workers all call this one class.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar

from communique.config import Settings
from communique.records import Analysis, Article

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from communique.knowledge import KnowledgeBase
    from communique.nlp.headlines import HeadlineTruecaser
    from communique.nlp.selective import SelectiveParser

T = TypeVar("T")


def article_date(article: Article) -> date | None:
    """The article's publication date, or None when unknown or unparseable."""
    return article.published_date()


class Pipeline:
    """Loads models once; analyses articles."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings.load()

    @cached_property
    def nlp(self) -> Language:
        from communique.nlp import load_pipeline

        return load_pipeline(self.settings.spacy_model)

    @cached_property
    def kb(self) -> KnowledgeBase:
        from communique.knowledge import load_knowledge_base

        return load_knowledge_base(dictionaries=self.settings.actor_dictionaries)

    @cached_property
    def selective(self) -> SelectiveParser | None:
        """The selective parser when ``settings.selective_parsing`` is on and the spaCy pipeline
        allows it (see ``communique.nlp.selective``); None means every sentence is parsed."""
        if not self.settings.selective_parsing:
            return None
        from communique.nlp.selective import SelectiveParser, supports

        if not supports(self.nlp):
            return None  # a pipeline with components we cannot copy back: parse in full
        return SelectiveParser(self.nlp, self.kb)

    @cached_property
    def headlines(self) -> HeadlineTruecaser | None:
        """The headline re-parser when ``settings.headline_truecase`` is on (``communique.nlp.headlines``)."""
        if not self.settings.headline_truecase or "parser" not in self.nlp.pipe_names:
            return None
        from communique.nlp.headlines import HeadlineTruecaser

        selective = self.selective
        return HeadlineTruecaser(self.nlp, self.kb, selective.selector if selective else None)

    def parse_many(self, pairs: Iterable[tuple[str, T]]) -> Iterator[tuple[Doc, T]]:
        """``(text, context)`` pairs → ``(doc, context)``, in batches, selectively when enabled.

        The same contract as ``nlp.pipe(pairs, as_tuples=True)``: callers that need the parsed
        doc itself (evaluation, the quote extractor on its own) get the pipeline's parsing mode.
        """
        selective = self.selective
        parsed: Iterator[tuple[Doc, T]]
        if selective is not None:
            parsed = selective.pipe(pairs, batch_size=self.settings.batch_size)
        else:
            parsed = self.nlp.pipe(pairs, as_tuples=True, batch_size=self.settings.batch_size)
        headlines = self.headlines
        if headlines is not None:
            # Title Case / all-caps headline lines re-parsed in sentence case (text unchanged).
            parsed = headlines.pipe(parsed, batch_size=self.settings.batch_size)
        return parsed

    def analyze(self, article: Article) -> Analysis:
        """Actors, quotes and events of one article."""
        return next(iter(self.analyze_many([article])))

    def analyze_many(self, articles: Iterable[Article]) -> Iterator[Analysis]:
        """Stream articles through spaCy in batches, yielding one ``Analysis`` each."""
        for doc, article in self.parse_many((a.text, a) for a in articles):
            yield self.analyze_doc(doc, article)

    def analyze_doc(self, doc: Doc, article: Article) -> Analysis:
        from communique.events import code_events
        from communique.nlp.actors import recognise_actors
        from communique.quotes import extract_quotes

        when = article_date(article)
        actors = recognise_actors(doc, self.kb, when)
        quotes = extract_quotes(doc, actors, article)
        events = code_events(doc, actors, quotes, article, self.kb)
        return Analysis(article=article, actors=actors, quotes=quotes, events=events)
