"""Articles, events (with drill-down to the source sentence) and quotes."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from communique.api.models import ErrorModel, EventSourceModel, PageModel
from communique.api.respond import (
    Day,
    Format,
    FormatQuery,
    LimitQuery,
    OffsetQuery,
    alternatives,
    json_response,
    remembered,
    table_response,
)
from communique.api.state import ApiState, api_state
from communique.relations.drilldown import resolve_event
from communique.relations.index import EventIndex
from communique.relations.search import (
    EventFilter,
    Page,
    get_article,
    indexed,
    search_articles,
    search_events,
    search_quotes,
)

router = APIRouter(prefix="/api", tags=["data"])
TextQuery = Query(None, max_length=200, description="Case-insensitive substring.")


def _page_response(page: Page, fmt: Format, name: str) -> Response:
    envelope = {"total": page.total, "limit": page.limit, "offset": page.offset, "items": page.items}
    return table_response(page.items, fmt, envelope, filename=name)


@router.get("/articles", responses=alternatives(PageModel), response_model=None)
def articles(
    source: str | None = Query(None, max_length=500, description="Source host or name."),
    since: Day | None = Query(None, description="Published on or after (YYYY-MM-DD)."),
    until: Day | None = Query(None, description="Published on or before (YYYY-MM-DD)."),
    text: str | None = TextQuery,
    limit: int = LimitQuery,
    offset: int = OffsetQuery,
    format: Format = FormatQuery,
    state: ApiState = Depends(api_state),
) -> Response:
    """Stored articles (without their text), newest first."""
    page = search_articles(state.index(), source=source, since=since, until=until, text=text,
                           limit=limit, offset=offset)
    return _page_response(page, format, "articles")


@router.get("/articles/{article_id:path}", responses={404: {"model": ErrorModel}}, response_model=None)
def article(article_id: str, state: ApiState = Depends(api_state)) -> Response:
    """One article with its text."""
    found = get_article(state.index(), article_id)
    if found is None:
        raise HTTPException(404, f"no article {article_id!r}")
    return json_response(found)


@router.get("/events", responses=alternatives(PageModel), response_model=None)
async def events(
    actor: str | None = Query(None, max_length=200, description="Actor country code or name."),
    recipient: str | None = Query(None, max_length=200, description="Recipient country code or name."),
    category: str | None = Query(None, max_length=40, description="PLOVER category, e.g. CONSULT."),
    since: Day | None = Query(None, description="On or after (YYYY-MM-DD)."),
    until: Day | None = Query(None, description="On or before (YYYY-MM-DD)."),
    text: str | None = TextQuery,
    article_id: str | None = Query(None, max_length=512),
    limit: int = LimitQuery,
    offset: int = OffsetQuery,
    format: Format = FormatQuery,
    state: ApiState = Depends(api_state),
) -> Response:
    """Events, newest first (day: the article's publication date, else the event's own date)."""
    flt = EventFilter(actor=actor, recipient=recipient, category=category, since=since, until=until,
                      text=text, article_id=article_id)
    key = ("events", actor, recipient, category, since, until, text, article_id, limit, offset, format)
    index = await state.ready_index()

    def build(index: EventIndex) -> Response:
        return _page_response(search_events(index, flt, limit=limit, offset=offset), format, "events")

    if indexed(index, flt):
        return remembered(state, key, build, index)  # milliseconds: answered on the event loop
    return await run_in_threadpool(remembered, state, key, build, index)  # a scan: off the loop


@router.get("/events/{event_id:path}", response_model=EventSourceModel, responses={404: {"model": ErrorModel}})
def event(event_id: str, state: ApiState = Depends(api_state)) -> Response:
    """Drill-down: an event with its article, sentence and span (``span_text`` = the article text there)."""
    found = resolve_event(state.index(), event_id)
    if found is None:
        raise HTTPException(404, f"no event {event_id!r}")
    return json_response(found)


@router.get("/quotes", responses=alternatives(PageModel), response_model=None)
def quotes(
    article_id: str | None = Query(None, max_length=512),
    speaker: str | None = Query(None, max_length=200, description="Substring of the speaker's name."),
    text: str | None = TextQuery,
    limit: int = LimitQuery,
    offset: int = OffsetQuery,
    format: Format = FormatQuery,
    state: ApiState = Depends(api_state),
) -> Response:
    """Quotes with their speakers and spans."""
    page = search_quotes(state.index(), article_id=article_id, speaker=speaker, text=text,
                         limit=limit, offset=offset)
    return _page_response(page, format, "quotes")
