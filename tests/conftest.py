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
