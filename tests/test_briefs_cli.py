"""``communique brief``: Markdown, JSON and HTML on standard output; rejects reported, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from communique.cli import app

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "briefs"
GRAIN = str(FIXTURES / "ankara_grain_talks.txt")
INJECT = str(FIXTURES / "script_injection.txt")

runner = CliRunner()


def test_markdown_brief() -> None:
    result = runner.invoke(app, ["brief", GRAIN, "--format", "md"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("## ")
    assert "**Key points:**" in result.stdout and "**What they're saying:**" in result.stdout


def test_json_brief_of_two_files_is_an_array_and_story_is_one_brief() -> None:
    result = runner.invoke(app, ["brief", GRAIN, INJECT, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert isinstance(data, list) and len(data) == 2
    story = runner.invoke(app, ["brief", GRAIN, INJECT, "--story", "--format", "json"])
    assert story.exit_code == 0, story.output
    one = json.loads(story.stdout)
    assert one["n_reports"] == 2
    assert len({r["article_id"] for refs in one["sources"].values() for r in refs}) == 2


def test_html_brief_escapes_source_text() -> None:
    result = runner.invoke(app, ["brief", INJECT, "--format", "html"])
    assert result.exit_code == 0, result.output
    assert "<script>" not in result.stdout
    assert "&lt;script&gt;" in result.stdout
    assert "Content-Security-Policy" in result.stdout


def test_missing_input_is_rejected_and_the_rest_briefed(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.txt")
    result = runner.invoke(app, ["brief", missing, GRAIN, "--format", "json"])
    assert result.exit_code == 1
    assert "nope.txt" in result.stderr
    assert json.loads(result.stdout)["headline"]


def test_an_empty_article_is_reported_not_a_traceback(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("Hi.\n", encoding="utf-8")
    result = runner.invoke(app, ["brief", str(empty)])
    assert result.exit_code == 1
    assert "no sentences" in result.stderr
    assert "Traceback" not in result.output
