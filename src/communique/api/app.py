"""The FastAPI application: ``create_app(store_dir)``.

Routes live under ``/api`` (``routes/``), the schema at ``/openapi.json``; ``/`` is left to the
dashboard: when ``communique.web`` is importable, ``communique.web.mount(app, store)`` is called
so it can add its pages and static files to the same app (and so the same security layers).

Security: read-only unless a token is given (then ``POST /api/ingest`` exists and needs it);
requests whose ``Host`` is not an allowed name are refused (DNS rebinding); request bodies are
bounded; no CORS; a Content-Security-Policy and related headers on every response.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.middleware.trustedhost import TrustedHostMiddleware

from communique import __version__
from communique.api.models import HealthModel
from communique.api.security import DEFAULT_MAX_BODY, BodyLimit, SecurityHeaders
from communique.api.state import ApiState
from communique.errors import CommuniqueError, StoreError

LOOPBACK_HOSTS: tuple[str, ...] = ("127.0.0.1", "localhost", "::1", "[::1]")

DESCRIPTION = """Structured diplomatic intelligence from a communique store: articles, events
(PLOVER/CAMEO), quotes, dyad series, the alignment network, stories and briefs. Every aggregate
can be followed down to its events, and every event to its article, sentence and span.
Listings take `?format=json|csv|ndjson` and `limit`/`offset`."""


def create_app(
    store_dir: str | Path,
    token: str | None = None,
    allowed_hosts: Iterable[str] = LOOPBACK_HOSTS,
    *,
    max_body_bytes: int = DEFAULT_MAX_BODY,
    analyzer: Any = None,
) -> FastAPI:
    """The API over the store at ``store_dir`` (see the module docstring).

    ``token``: enables ``POST /api/ingest`` for requests bearing it. ``allowed_hosts``: the
    ``Host`` names accepted. ``analyzer``: what ingest analyses with (default: the NLP pipeline,
    loaded on the first ingest).
    """
    from communique.api.routes import data, relations, stories

    state = ApiState(store_dir, token=token or None, analyzer=analyzer)
    app = FastAPI(title="communique", version=__version__, description=DESCRIPTION,
                  docs_url=None, redoc_url=None)
    app.state.api = state
    app.include_router(data.router)
    app.include_router(relations.router)
    app.include_router(stories.router)
    if state.token:
        from communique.api.routes import ingest

        app.include_router(ingest.router)

    @app.get("/api/health", response_model=HealthModel, tags=["meta"])
    def health() -> dict[str, Any]:
        """The server is up; the number of events it serves; whether ingest is enabled."""
        index = state.index()
        return {"status": "ok", "events": index.event_count(),
                "ingest": bool(state.token)}

    @app.exception_handler(ValueError)
    async def bad_value(request: Request, exc: ValueError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=400)

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError) -> JSONResponse:
        return JSONResponse({"detail": f"store error: {exc}"}, status_code=503)

    @app.exception_handler(CommuniqueError)
    async def usage_error(request: Request, exc: CommuniqueError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=400)

    _mount_web(app, state)
    # Outermost last: headers are added even to the refusals of the host and body checks.
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))
    app.add_middleware(SecurityHeaders)
    return app


SERVE_CONFIG_ENV = "COMMUNIQUE_SERVE_CONFIG"


def app_from_environment() -> FastAPI:
    """The app of one worker of ``communique serve --workers N``: the store and allowed hosts from
    ``$COMMUNIQUE_SERVE_CONFIG`` (JSON), the token from ``$COMMUNIQUE_API_TOKEN``."""
    import json
    import os

    config = json.loads(os.environ[SERVE_CONFIG_ENV])
    return create_app(config["store"], token=os.environ.get("COMMUNIQUE_API_TOKEN") or None,
                      allowed_hosts=config["allowed_hosts"])


def _mount_web(app: FastAPI, state: ApiState) -> None:
    """Let the dashboard (``communique.web``, when installed) add its routes at ``/``."""
    import importlib

    try:
        web = importlib.import_module("communique.web")
    except ModuleNotFoundError as exc:
        if exc.name != "communique.web":
            raise
        return
    mount = getattr(web, "mount", None)
    if mount is not None:
        mount(app, state.store)
