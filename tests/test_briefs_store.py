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
    summary = ingest([str(FIXTURES / "turkey_ukraine_history.jsonl"), str(FIXTURES / "grain_story.jsonl")], root,
                     pipeline=pipeline)
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


def test_stored_story_brief_cites_several_reports_and_counts_them(store_dir: Path) -> None:
    import json

    from typer.testing import CliRunner

    from communique.cli import app
    from communique.store import open_store
    from communique.stories.from_store import stories_from_store

    store = open_store(store_dir)
    try:
        story = max(stories_from_store(store), key=lambda s: len(s.articles))
    finally:
        store.close()
    assert set(story.articles) == {"story-a", "story-b", "story-c"}
    result = CliRunner().invoke(app, ["brief", "--store", str(store_dir), "--story-id", story.story_id,
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    brief = json.loads(result.stdout)
    assert brief["n_reports"] == 3 and brief["n_sources"] == 3
    extracted = {k: v for k, v in brief["sources"].items() if k not in brief["generated"]}
    assert {r["article_id"] for refs in extracted.values() for r in refs} >= {"story-a", "story-b"}
    assert any("3 reports from 3 sources" in g for g in brief["go_deeper"])
    # the earliest report gives the lede
    assert {r["article_id"] for r in brief["sources"]["lede"]} == {"story-a"}


def test_unknown_story_id_is_a_usage_error(store_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import sys
    from unittest import mock

    from communique.cli import main

    argv = ["communique", "brief", "--store", str(store_dir), "--story-id", "st-nope"]
    with mock.patch.object(sys, "argv", argv), pytest.raises(SystemExit) as exc:
        main()
    assert exc.value.code == 2
    assert "no story 'st-nope'" in capsys.readouterr().err
