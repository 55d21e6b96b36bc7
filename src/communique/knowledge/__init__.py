"""The actor knowledge base: countries, organisations, officials, places (data files in ``data/``).

STUB: the knowledge helper replaces this with the real loader.
"""

from __future__ import annotations

from functools import lru_cache


class KnowledgeBase:
    """Countries, organisations, officials and places, indexed for lookup."""


@lru_cache(maxsize=1)
def load_knowledge_base() -> KnowledgeBase:
    return KnowledgeBase()
