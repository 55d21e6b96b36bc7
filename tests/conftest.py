"""Shared fixtures: the spaCy pipeline loads once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from communique.pipeline import Pipeline
from communique.records import Article

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session")
def pipeline() -> Pipeline:
    return Pipeline()


@pytest.fixture(scope="session")
def analyze(pipeline: Pipeline):
    """analyze(text, published=None) → Analysis of a one-off article."""

    def run(text: str, published: str | None = None, article_id: str = "test"):
        return pipeline.analyze(Article(article_id=article_id, text=text, published=published))

    return run


# -- (actor, category, recipient) triples of one-off sentences, for the event tests ------------------
PUBLISHED = "2025-04-18"

Triple = tuple[frozenset[str | None], str, frozenset[str | None]]


def coded_events(analyze, text: str) -> list:
    """The non-negated events of ``text`` as one article published on ``PUBLISHED``."""
    return [e for e in analyze(text, published=PUBLISHED).events if not e.negated]


def event_triples(analyze, text: str) -> set[Triple]:
    """The (actor countries, category, recipient countries) a user sees for ``text``."""
    return {(frozenset(a.country for a in e.actor), e.category, frozenset(r.country for r in e.recipient))
            for e in coded_events(analyze, text)}


def triple(actor: str, category: str, recipient: str) -> Triple:
    return frozenset({actor}), category, frozenset({recipient})

