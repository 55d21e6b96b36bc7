"""The actor knowledge base: countries, organisations, officials, places (data files in ``data/``).

``load_knowledge_base()`` reads the packaged data once per process (or a folder you name);
``KnowledgeBase`` answers lookups (``country``, ``country_of``, ``place_country``,
``officials_on``, ``office_holder``, ``sector_name``) and takes user additions, including
CAMEO/Phoenix actor dictionaries (``extend_from_phoenix``, ``load_phoenix_actors``).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from communique.knowledge.base import (
    DATA_DIR,
    Country,
    KnowledgeBase,
    Official,
    Organisation,
    Place,
    RoleTerm,
    read_tsv,
)
from communique.knowledge.phoenix import load_phoenix_actors

__all__ = [
    "DATA_DIR",
    "Country",
    "KnowledgeBase",
    "Official",
    "Organisation",
    "Place",
    "RoleTerm",
    "load_knowledge_base",
    "load_phoenix_actors",
    "read_tsv",
]


def load_knowledge_base(data_dir: Path | str | None = None) -> KnowledgeBase:
    """The knowledge base in ``data_dir`` (the packaged data when None), loaded once per folder."""
    return _load(str(Path(data_dir).resolve()) if data_dir else str(DATA_DIR))


@lru_cache(maxsize=8)
def _load(data_dir: str) -> KnowledgeBase:
    return KnowledgeBase.from_directory(data_dir)
