"""``POST /api/ingest``: only on a server started with a token, and only with that token."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Header, HTTPException
from fastapi.responses import Response

from communique.api.models import ErrorModel, IngestIn
from communique.api.respond import json_response
from communique.api.security import token_matches
from communique.api.state import ApiState, api_state
from communique.errors import StoreError
from communique.records import Article

router = APIRouter(prefix="/api", tags=["ingest"])


def require_token(authorization: str | None = Header(None), state: ApiState = Depends(api_state)) -> None:
    """401 unless the request carries the server's token (compared in constant time)."""
    if state.token is None or not token_matches(authorization, state.token):
        raise HTTPException(401, "a valid bearer token is required", headers={"WWW-Authenticate": "Bearer"})


@router.post(
    "/ingest",
    dependencies=[Depends(require_token)],
    response_model=None,
    responses={401: {"model": ErrorModel}, 409: {"model": ErrorModel}, 413: {"model": ErrorModel}},
)
def ingest(body: IngestIn, state: ApiState = Depends(api_state)) -> Response:
    """Analyse and store articles (idempotent: an unchanged article is not analysed again)."""
    from communique.store import ingest_items, open_store

    articles = [Article(**a.model_dump()) for a in body.articles]
    with state.write_lock:
        if state.analyzer is None:
            from communique.pipeline import Pipeline

            state.analyzer = Pipeline()
        store = open_store(state.store.root)
        try:
            summary = ingest_items(articles, store, state.analyzer)
        except StoreError as exc:
            raise HTTPException(409, str(exc)) from exc
        finally:
            store.close()
    result: dict[str, Any] = summary.to_dict()
    return json_response(result)
