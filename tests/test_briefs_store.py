"""Briefs with a store: history lines generated from stored events, citing the stored articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from communique.briefs import brief_article
from communique.briefs.grounding import check_brief
from communique.briefs.history import open_history
from communique.pipeline import Pipeline
from communique.records import Analysis, Brief

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "briefs"
HISTORY_IDS = {"hist-1", "hist-2", "hist-3"}


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory, pipeline: Pipeline) -> Path:
    from communique.store.ingest import ingest

    root = tmp_path_factory.mktemp("briefs") / "store"
    summary = ingest([str(FIXTURES / "turkey_ukraine_history.jsonl")], root, pipeline=pipeline)
    assert summary.rejected == 0
    return root


@pytest.fixture(scope="module")
def with_history(store_dir: Path, analyze, pipeline: Pipeline) -> tuple[Analysis, Brief]:
    analysis = analyze((FIXTURES / "ankara_grain_talks.txt").read_text("utf-8"), published="2026-03-03",
                       article_id="grain")
    history = open_history(store_dir)
    assert history is not None
    return analysis, brief_article(analysis, kb=pipeline.kb, history=history)


def test_history_lines_come_from_the_store_and_cite_stored_articles(with_history: tuple[Analysis, Brief]) -> None:
    _, brief = with_history
    assert brief.generated
    for key in brief.generated:
        cited = {ref.article_id for ref in brief.sources[key]}
        assert cited and cited <= HISTORY_IDS
    lines = [brief.why_it_matters, *brief.go_deeper]
    assert any("Turkey" in line and "Ukraine" in line for line in lines)


def test_brief_with_history_still_grounded(with_history: tuple[Analysis, Brief]) -> None:
    analysis, brief = with_history
    report = check_brief(brief, [analysis.article])
    assert report.rate == 1.0, report.failures
    # the article's own sections are unchanged by history
    assert brief.lede.startswith("Turkish Foreign Minister Hakan Fidan")


def test_cli_brief_with_store(store_dir: Path) -> None:
    from typer.testing import CliRunner

    from communique.cli import app

    result = CliRunner().invoke(app, ["brief", str(FIXTURES / "ankara_grain_talks.txt"), "--store", str(store_dir),
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
