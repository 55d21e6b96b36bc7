"""The Dask worker plugin that loads communique's pipeline once per worker process.

Kept in its own module because it imports ``distributed`` at import time, and Dask is optional.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin

from communique.scale.worker import warm


class PipelineLoader(WorkerPlugin):
    """Loads the spaCy pipeline for ``settings`` when a worker starts (or when registered)."""

    def __init__(self, settings: dict[str, Any]) -> None:
        self.settings = settings
        digest = hashlib.blake2b(json.dumps(settings, sort_keys=True, default=str).encode(), digest_size=6).hexdigest()
        # One plugin per settings: registering the same name again replaces, not duplicates, it.
        self.name = f"communique-pipeline-{digest}"

    def setup(self, worker: Any) -> None:
        warm(self.settings)
