"""Stories: articles about one happening, clustered online as they arrive.

``StoryClusterer`` (``cluster.py``) assigns each new article to a story within a time window
(TF-IDF with running document frequencies, title words weighted, actor overlap as extra evidence)
and merges two stories when an article bridges them; ``cluster_stories`` runs it over a batch.
The ``Story`` record lives in ``communique.records``.
"""

from __future__ import annotations

from communique.records import Story
from communique.stories.cluster import StoryClusterer, cluster_stories, story_id_for

__all__ = ["Story", "StoryClusterer", "cluster_stories", "story_id_for"]
