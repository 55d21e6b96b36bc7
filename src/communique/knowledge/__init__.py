"""The actor knowledge base: countries, organisations, officials, places (data files in ``data/``).

``load_knowledge_base()`` reads the packaged data once per process (or a folder you name);
``KnowledgeBase`` answers lookups (``country``, ``country_of``, ``place_country``,
``officials_on``, ``office_holder``, ``sector_name``) and takes user additions, including
CAMEO/Phoenix actor dictionaries (``extend_from_phoenix``, ``load_phoenix_actors``).
"""

from __future__ import annotations

from collections.abc import Iterable
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


def load_knowledge_base(
    data_dir: Path | str | None = None, dictionaries: Iterable[Path | str] = ()
) -> KnowledgeBase:
    """The knowledge base in ``data_dir`` (the packaged data when None), extended with CAMEO/Phoenix
    actor ``dictionaries``; loaded once per combination and shared.

    The returned base is shared by every caller: to change one privately, build your own with
    ``KnowledgeBase.from_directory`` and ``extend_from_phoenix``.
    """
    folder = str(Path(data_dir).resolve()) if data_dir else str(DATA_DIR)
    return _load(folder, tuple(str(Path(d).resolve()) for d in dictionaries))


@lru_cache(maxsize=8)
def _load(data_dir: str, dictionaries: tuple[str, ...]) -> KnowledgeBase:
    kb = KnowledgeBase.from_directory(data_dir)
    for path in dictionaries:
        kb.extend_from_phoenix(path)
    return kb
