"""``communique stories --store DIR``: the store's articles grouped into stories."""

from __future__ import annotations

from datetime import date
from enum import Enum
from pathlib import Path

import typer

from communique.cli import app
from communique.cli.output import print_table, write_json
from communique.errors import UsageError

# The keys of a story in JSON output, in order (the contract in DESIGN.md plus the event ids).
STORY_KEYS = ("story_id", "title", "articles", "start", "end", "actors", "n_reports", "n_sources", "events")


class StoriesFormat(str, Enum):
    json = "json"
    table = "table"


def _parse_since(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise UsageError(f"--since {value!r}: not a date (use YYYY-MM-DD)") from exc


@app.command()
def stories(
    store: Path = typer.Option(
        ..., "--store", "-s", help="The store folder (created by `communique ingest`)."
    ),
    since: str | None = typer.Option(
        None, "--since", help="Only stories running on or after this date (YYYY-MM-DD)."
    ),
    window_days: float | None = typer.Option(
        None, "--window-days", min=0,
        help="Days between articles of one story; given, the stories are re-clustered with it "
        "instead of read from the store.",
    ),
    threshold: float | None = typer.Option(
        None, "--threshold", min=0.001, max=1.0,
        help="Similarity an article needs to join a story; given, the stories are re-clustered.",
    ),
    embeddings: bool | None = typer.Option(
        None, "--embeddings/--no-embeddings",
        help="Mix lead-embedding similarity into TF-IDF (the default when the encoder is installed); "
        "given, the stories are re-clustered.",
    ),
    fmt: StoriesFormat = typer.Option(StoriesFormat.json, "--format", "-f", help="json or table."),
) -> None:
    """The store's stories (clustered as articles were ingested): title, time span, articles, actors,
    reports, sources, events."""
    from communique.store import open_store
    from communique.stories import StoryClusterer
    from communique.stories.from_store import stories_from_store

    start = _parse_since(since)
    # The stories ingest stored, unless other clustering settings are asked for.
    clusterer: StoryClusterer | None = None
    if window_days is not None or threshold is not None or embeddings is not None:
        clusterer = StoryClusterer(
            window_days=3.0 if window_days is None else window_days,
            threshold=threshold,
            embedding_model=None if embeddings is False else "auto",
        )
    with open_store(store) as opened:
        found = stories_from_store(opened, since=start, clusterer=clusterer)
    if fmt is StoriesFormat.table:
        print_table(
            f"{len(found)} stories",
            ["story", "start", "end", "reports", "sources", "actors", "title"],
            [
                (s.story_id, s.start, s.end, s.n_reports, s.n_sources, " ".join(s.actors[:6]), s.title)
                for s in found
            ],
        )
        return
    write_json([{key: getattr(s, key) for key in STORY_KEYS} for s in found])
