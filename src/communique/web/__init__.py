"""The dashboard: HTML pages over the same library functions as the HTTP API.

``mount(app, store)`` adds the pages and their static files (CSS, JS, shipped in the package; no
network at run time) to a FastAPI app — normally the one ``communique.api.create_app`` builds, so
the pages share its security layers (Content-Security-Policy with ``script-src 'self'``, host
check, body bound) and its store snapshot and memo (``app.state.api``).

Pages (each links its JSON twin under ``/api``): ``/`` front page, ``/dyad/{a}/{b}`` dyad chart
with drill-down, ``/network`` blocs, ``/events`` filterable event table, ``/event/{id}``,
``/article/{id}``, ``/brief/article/{id}``, ``/brief/story/{id}``, ``/story/{id}``.
Templates are ``*.html`` so Starlette's Jinja environment auto-escapes them; nothing from the
store is ever marked safe.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from communique.store import Store

PACKAGE_DIR = Path(__file__).resolve().parent
STATIC_DIR = PACKAGE_DIR / "static"
TEMPLATE_DIR = PACKAGE_DIR / "templates"

__all__ = ["mount"]


def mount(app: Any, store: Store | str | Path) -> None:
    """Add the dashboard's pages (at ``/``) and static files (at ``/static``) to ``app``.

    ``store``: the ``Store`` (or its folder) the pages read. When ``app.state.api`` (the API's
    shared state) is absent, one is made for ``store``, so the pages also run on a bare FastAPI app.
    """
    from fastapi.staticfiles import StaticFiles

    from communique.web.pages import router

    if getattr(app.state, "api", None) is None:
        from communique.api.state import ApiState

        app.state.api = ApiState(store.root if isinstance(store, Store) else Path(store))
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
