"""``communique brief``: Smart Brevity briefs of articles or of a story, grounded in their sources."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path

import typer

from communique.cli import app
from communique.cli.common import AllowPrivateOption, InputRun, MaxBytesOption, ModelOption, make_settings
from communique.cli.output import err


class BriefFormat(str, Enum):
    md = "md"
    json = "json"
    html = "html"


@app.command()
def brief(
    inputs: list[str] | None = typer.Argument(None, help="Files, directories, URLs, feeds, or - for standard input."),
    format: BriefFormat = typer.Option(BriefFormat.md, "--format", "-f", help="md, json or html."),
    story: bool = typer.Option(False, "--story", help="Brief all inputs together as one story."),
    store: Path | None = typer.Option(None, "--store", help="Store folder: add history to Why it matters / Go deeper."),
    story_id: str | None = typer.Option(
        None, "--story-id", help="Brief this stored story (an id from `communique stories --store DIR`); needs --store."
    ),
    rephrase_url: str | None = typer.Option(
        None, "--rephrase-url",
        help="OpenAI-compatible endpoint (base URL) that may rephrase lines; output failing the grounding "
        "check is refused. Loopback/private hosts need --allow-private.",
    ),
    rephrase_model: str | None = typer.Option(None, "--rephrase-model", help="Model name for --rephrase-url."),
    model: str | None = ModelOption,
    allow_private: bool = AllowPrivateOption,
    max_bytes: int | None = MaxBytesOption,
) -> None:
    """A brief per article (or one per story with --story): headline, lede, Why it matters,
    What they're saying, Key points, Go deeper; every line cites its source spans.

    JSON: the Brief record (an array when there are several).
    """
    from communique.briefs import BriefError, brief_article, brief_story
    from communique.briefs.history import open_history, stored_story_articles
    from communique.briefs.render import render_html_page, render_json, render_markdown
    from communique.errors import UsageError
    from communique.pipeline import Pipeline
    from communique.records import Brief

    if story_id and store is None:
        raise UsageError("--story-id needs --store DIR")
    if not inputs and not story_id:
        raise UsageError("name inputs to brief, or --story-id with --store")
    settings = make_settings(model, allow_private, max_bytes)
    run = InputRun(inputs or [], settings)
    pipe = Pipeline(settings)
    history = None
    if store is not None:
        history = open_history(store)
        if history is None:
            err(f"note: {store}: the store has no history query API yet; briefing without history")
    rephraser = None
    if rephrase_url:
        from communique.briefs.abstractive import Rephraser

        rephraser = Rephraser(rephrase_url, rephrase_model or "default", settings)

    briefs: list[Brief] = []
    failed = False
    analyses = list(pipe.analyze_many(run.articles()))
    groups = [analyses] if story and analyses else [[a] for a in analyses]
    if story_id and store is not None:
        stored = list(pipe.analyze_many(stored_story_articles(store, story_id)))
        if stored:
            groups.append(stored)
    for group in groups:
        try:
            if len(group) == 1:
                made = brief_article(group[0], nlp=pipe.nlp, kb=pipe.kb, history=history)
            else:
                made = brief_story(group, nlp=pipe.nlp, kb=pipe.kb, history=history)
        except BriefError as exc:
            err(f"rejected: {exc}")
            failed = True
            continue
        if rephraser is not None:
            made = rephraser.rephrase(made, [a.article for a in group], log=err)
        briefs.append(made)

    if briefs:
        if format is BriefFormat.json:
            sys.stdout.write(render_json(briefs))
        elif format is BriefFormat.html:
            sys.stdout.write(render_html_page(briefs))
        else:
            sys.stdout.write("\n".join(render_markdown(b) for b in briefs))
    run.finish()
    if failed:
        raise typer.Exit(1)
