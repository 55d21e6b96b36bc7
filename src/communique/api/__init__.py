"""The HTTP API (FastAPI): ``create_app(store_dir)``; served by ``communique serve --store DIR``.

See ``app.py`` for the security model and ``routes/`` for the endpoints; the committed schema is
``docs/openapi.json`` (``communique serve --print-openapi`` regenerates it).
"""

from __future__ import annotations

from communique.api.app import LOOPBACK_HOSTS, create_app

__all__ = ["LOOPBACK_HOSTS", "create_app"]
