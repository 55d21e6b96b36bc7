"""What runs inside a worker: decode a shard, analyse it with this process's one Pipeline, encode.

Shards cross process boundaries as msgspec MessagePack bytes (articles in, per-article outcomes
out) and settings as a plain dict, so nothing model-sized is ever pickled and the wire format does
not depend on pickle support in the records. The spaCy pipeline is loaded at most once per worker
process (per distinct settings), kept in a module-level cache; the executors warm it up when a
worker starts so the first shard does not pay the load.
"""

from __future__ import annotations

import contextlib
import json
import threading
from dataclasses import asdict
from typing import Any

import msgspec

from communique.config import Settings
from communique.pipeline import Pipeline
from communique.records import Analysis, Article


class Outcome(msgspec.Struct, kw_only=True):
    """One article's result from a worker: its analysis, or why it failed, and the lead embedding
    the store's story clusterer asked for (see ``LEAD_ENCODER``)."""

    analysis: Analysis | None = None
    error: str | None = None
    embedding: list[float] | None = None


# Settings key (not a Settings field) naming the sentence encoder whose lead embeddings the
# workers compute alongside the analysis, so the writing process does not encode them one
# process for the whole cluster.
LEAD_ENCODER = "_lead_encoder"


_ARTICLES = msgspec.msgpack.Decoder(list[Article])
_OUTCOMES = msgspec.msgpack.Decoder(list[Outcome])
_ENCODER = msgspec.msgpack.Encoder()

_PIPELINES: dict[str, Pipeline] = {}
_LOCK = threading.Lock()  # Dask may run several threads per worker process.


def settings_data(settings: Settings) -> dict[str, Any]:
    """Settings as plain data (JSON-able dict) to ship to workers."""
    return asdict(settings)


def worker_pipeline(settings: dict[str, Any]) -> Pipeline:
    """This process's Pipeline for ``settings``, loaded (spaCy model included) on first use only."""
    settings = pipeline_settings(settings)
    key = json.dumps(settings, sort_keys=True, default=str)
    with _LOCK:
        pipeline = _PIPELINES.get(key)
        if pipeline is None:
            pipeline = Pipeline(Settings(**settings))
            pipeline.nlp  # noqa: B018 - load the model now, under the lock, exactly once
            pipeline.kb  # noqa: B018
            _PIPELINES[key] = pipeline
        return pipeline


def loaded_pipelines() -> int:
    """How many pipelines this process holds (tests check that workers load the model once)."""
    return len(_PIPELINES)


def warm(settings: dict[str, Any]) -> None:
    """Load the pipeline now (process-pool initializer, Dask worker plugin), and the lead encoder
    when the settings name one."""
    worker_pipeline(settings)
    if settings.get(LEAD_ENCODER):
        from communique.stories.embed import load_encoder

        # A failure here is met again, and handled, in ``_embed_leads`` (the writer encodes then).
        with contextlib.suppress(Exception):
            load_encoder(settings[LEAD_ENCODER])


def pipeline_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """``settings`` without the keys that do not change the pipeline (a new lead encoder does not
    need new worker processes)."""
    return {k: v for k, v in settings.items() if k != LEAD_ENCODER}


def encode_articles(articles: list[Article]) -> bytes:
    """A shard of articles as MessagePack bytes."""
    return _ENCODER.encode(articles)


def decode_outcomes(data: bytes) -> list[Outcome]:
    """A worker's answer back into records."""
    return _OUTCOMES.decode(data)


def analyze_shard(settings: dict[str, Any], shard: bytes) -> bytes:
    """Analyse one shard; one outcome per article, in order.

    When the whole shard fails, each article is retried alone so one bad article costs only itself
    (the caller turns the error into a reject).
    """
    pipeline = worker_pipeline(settings)
    articles = _ARTICLES.decode(shard)
    try:
        done = [Outcome(analysis=a) for a in pipeline.analyze_many(articles)]
        if len(done) != len(articles):
            raise RuntimeError(f"pipeline returned {len(done)} analyses for {len(articles)} articles")
    except Exception:  # noqa: BLE001 - isolate the failing article below
        done = []
        for article in articles:
            try:
                done.append(Outcome(analysis=pipeline.analyze(article)))
            except Exception as exc:  # noqa: BLE001
                done.append(Outcome(error=f"{type(exc).__name__}: {exc}"))
    encoder = settings.get(LEAD_ENCODER)
    if encoder:
        _embed_leads(encoder, articles, done)
    return _ENCODER.encode(done)


def _embed_leads(name: str, articles: list[Article], done: list[Outcome]) -> None:
    """Attach the lead embedding of each analysed article (one batch). An encoder that fails to
    load or run leaves them out: the writing process then encodes those leads itself."""
    from communique.stories.embed import lead_text, load_encoder

    ok = [(a, o) for a, o in zip(articles, done, strict=True) if o.analysis is not None]
    if not ok:
        return
    try:
        vectors = load_encoder(name).encode([lead_text(a) for a, _ in ok])
    except Exception:  # noqa: BLE001 - an optimisation only; the writer has the same encoder
        return
    for (_, outcome), vector in zip(ok, vectors, strict=True):
        outcome.embedding = list(vector)
