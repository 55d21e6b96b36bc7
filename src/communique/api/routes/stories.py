"""Stories (articles clustered by the stories stage) and grounded briefs of articles and stories."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import Response

from communique.api.models import ErrorModel, PageModel
from communique.api.respond import (
    Day,
    Format,
    FormatQuery,
    LimitQuery,
    OffsetQuery,
    alternatives,
    json_response,
    table_response,
)
from communique.api.state import ApiState, api_state
from communique.records import Analysis, Story
from communique.relations.index import EventIndex
from communique.relations.search import stored_analysis

router = APIRouter(prefix="/api", tags=["stories"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorModel, "description": "Not found."},
                                              501: {"model": ErrorModel, "description": "Briefs not available."}}


def _stories(state: ApiState, since: date | None) -> list[Story]:
    from communique.stories.from_store import stories_from_store

    def compute(index: EventIndex) -> list[Story]:
        with state.reading_store() as (_, store):
            return stories_from_store(store, since=since)

    return state.memo(("stories", since), compute)


@router.get("/stories", responses=alternatives(PageModel), response_model=None)
def stories(
    since: Day | None = Query(None, description="Stories running on or after this day."),
    limit: int = LimitQuery,
    offset: int = OffsetQuery,
    format: Format = FormatQuery,
    state: ApiState = Depends(api_state),
) -> Response:
    """Stories: title, time span, articles, actors, reports and sources."""
    found = _stories(state, since)
    items = [msgspec.to_builtins(s) for s in found[offset: offset + limit]]
    return table_response(items, format, {"total": len(found), "limit": limit, "offset": offset, "items": items},
                          filename="stories")


def _story(state: ApiState, story_id: str) -> Story:
    story = next((s for s in _stories(state, None) if s.story_id == story_id), None)
    if story is None:
        raise HTTPException(404, f"no story {story_id!r}")
    return story


@router.get("/stories/{story_id:path}", responses=NOT_FOUND, response_model=None)
def story(story_id: str, state: ApiState = Depends(api_state)) -> Response:
    """One story."""
    return json_response(_story(state, story_id))


def _brief(state: ApiState, analyses: list[Analysis]) -> Response:
    try:
        from communique.briefs import BriefError, brief_story
        from communique.store.query import StoreHistory
    except ImportError as exc:  # the briefs stage is optional for the API
        raise HTTPException(501, f"briefs are not available: {exc}") from exc
    try:
        with state.reading_store() as (_, store):
            made = brief_story(analyses, history=StoreHistory(store))
    except BriefError as exc:
        raise HTTPException(404, str(exc)) from exc
    return json_response(made)


@router.get("/briefs/article/{article_id:path}", responses=NOT_FOUND, response_model=None)
def article_brief(article_id: str, state: ApiState = Depends(api_state)) -> Response:
    """A grounded brief of one stored article (from its stored analysis; no NLP is run)."""
    analysis = stored_analysis(state.index(), article_id)
    if analysis is None:
        raise HTTPException(404, f"no article {article_id!r}")
    return _brief(state, [analysis])


@router.get("/briefs/story/{story_id:path}", responses=NOT_FOUND, response_model=None)
def story_brief(story_id: str, state: ApiState = Depends(api_state)) -> Response:
    """A grounded brief of a stored story."""
    found = _story(state, story_id)
    index = state.index()
    analyses = [a for a in (stored_analysis(index, aid) for aid in found.articles) if a is not None]
    if not analyses:
        raise HTTPException(404, f"story {story_id!r} has no stored articles")
    return _brief(state, analyses)
