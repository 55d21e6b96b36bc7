"""Ingestion: paths, URLs, feeds, archives and stdin → ``Article`` records (or ``Reject``s).

STUB: plain text only; the ingest helper replaces this with every format.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from communique.config import Settings
from communique.records import Article, Reject


def content_id(text: str) -> str:
    """Stable article id from content."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def read_inputs(inputs: Iterable[str], settings: Settings | None = None) -> Iterator[Article | Reject]:
    """Articles from each input in order; unreadable inputs become ``Reject``s (never raise)."""
    for name in inputs:
        try:
            text = Path(name).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            yield Reject(input=name, reason=str(exc))
            continue
        yield Article(article_id=content_id(text), text=text, source=name)
