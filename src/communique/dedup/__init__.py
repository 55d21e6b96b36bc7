"""Duplicate reports: exact and near-duplicate article groups, and events counted once.

- ``DuplicateIndex`` (``index.py``): incremental, persistable groups of exact (normalised-text
  hash) and near (MinHash LSH over word shingles) duplicates; ``add(article) -> group_id``.
- ``merge_events`` (``events.py``): the same event coded from several reports becomes one
  ``Event`` with ``n_reports``, ``n_sources`` and ``provenance``.
- ``normalize_text``/``words`` (``text.py``): the word keys both this stage and ``stories`` use.
"""

from __future__ import annotations

from communique.dedup.events import article_source, event_day, event_key, merge_events
from communique.dedup.index import DuplicateIndex, DuplicateMatch
from communique.dedup.text import normalize_text, text_hash, words

__all__ = [
    "DuplicateIndex",
    "DuplicateMatch",
    "article_source",
    "event_day",
    "event_key",
    "merge_events",
    "normalize_text",
    "text_hash",
    "words",
]
