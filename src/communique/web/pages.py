"""The dashboard's page routes: thin handlers that call the library and fill a template.

Every handler reads through ``app.state.api`` (the API's ``ApiState``), so the pages see the same
snapshot and memoised answers as the JSON routes they link to. Routes are left out of the OpenAPI
schema: the schema documents the JSON API, and each page names its JSON twin instead.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from communique.api.state import ApiState
from communique.errors import CommuniqueError
from communique.records import Analysis, Story
from communique.relations.drilldown import cell_events, resolve_event
from communique.relations.index import EventIndex
from communique.relations.network import alignment_network, network_json
from communique.relations.search import (
    EventFilter,
    get_article,
    search_articles,
    search_events,
    stored_analysis,
)
from communique.relations.series import categories, dyad_series
from communique.web import TEMPLATE_DIR
from communique.web.charts import CELL_LABELS, dyad_chart, network_chart
from communique.web.highlight import segments

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(TEMPLATE_DIR))
FREQS = ("week", "month", "quarter", "year")
PAGE_SIZE = 50
MAX_DRILL = 200  # events listed under a selected chart point


def path_part(value: object) -> str:
    """A value quoted for use inside a URL path (ids hold ``/``, ``#`` and other characters)."""
    return quote(str(value), safe="/")


def http_url(value: object) -> str | None:
    """``value`` when it is an http(s) URL with a host, else None: article URLs come from hostile
    input and a ``javascript:`` or ``data:`` URL must never become a link."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return text


def query(**params: Any) -> str:
    """A query string of the non-empty parameters."""
    return urlencode({k: v for k, v in params.items() if v not in (None, "", False)})


templates.env.filters["path"] = path_part
templates.env.filters["http_url"] = http_url
templates.env.globals["query"] = query
templates.env.globals["cell_labels"] = CELL_LABELS


def _state(request: Request) -> ApiState:
    state: ApiState = request.app.state.api
    return state


def _page(request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def _error(request: Request, status: int, message: str) -> Response:
    return _page(request, "error.html", status_code=status, title="Not found" if status == 404 else "Error",
                 message=message)


def _day(value: str | None, name: str) -> date | None:
    """A YYYY-MM-DD query parameter (empty = none); a ValueError naming it when malformed."""
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"bad {name} date {value!r}: expected YYYY-MM-DD") from None


def _stories(state: ApiState) -> list[Story]:
    """All stories, memoised under the same key as the API's ``/api/stories``."""
    from communique.stories.from_store import stories_from_store

    def compute(index: EventIndex) -> list[Story]:
        with state.reading_store() as (_, store):
            return stories_from_store(store, since=None)

    return state.memo(("stories", None), compute)


def _network(state: ApiState, since: date | None, until: date | None) -> dict[str, Any]:
    graph = state.memo(("network", since, until), lambda index: alignment_network(index, since, until))
    return network_json(graph)


@router.get("/")
def front(request: Request) -> Response:
    """Front page: latest stories and articles (with their briefs), the most active dyads."""
    state = _state(request)
    index = state.index()
    articles = search_articles(index, limit=10)
    stories = sorted(_stories(state), key=lambda s: (s.end or "", s.story_id), reverse=True)[:8]
    net = _network(state, None, None)
    dyads = sorted(net["edges"], key=lambda e: (-e["events"], e["source"], e["target"]))[:10]
    n_events = int(index.rows("SELECT count(*) FROM ev")[0][0])
    return _page(request, "index.html", title="communique", articles=articles, stories=stories,
                 dyads=dyads, n_events=n_events, n_articles=articles.total, json_url="/api/health")


@router.get("/dyad")
def dyad_pick(request: Request, a: str = "", b: str = "") -> Response:
    """The dyad form's target: on to the dyad's page."""
    if not a.strip() or not b.strip():
        return _error(request, 400, "Name two countries, e.g. IRN and RUS.")
    return RedirectResponse(f"/dyad/{path_part(a.strip().upper())}/{path_part(b.strip().upper())}",
                            status_code=303)


@router.get("/dyad/{a}/{b}")
def dyad(request: Request, a: str, b: str, freq: str = "month", directed: bool = False,
         period: str = "", cell: str = "all") -> Response:
    """Dyad page: cooperation and conflict per period; a selected period lists its events."""
    state = _state(request)
    if freq not in FREQS:
        return _error(request, 400, f"bad freq {freq!r}: choose one of {', '.join(FREQS)}")
    try:
        series = dyad_series(state.index(), a, b, freq=freq, directed=directed)
    except (ValueError, CommuniqueError) as exc:
        return _error(request, 400, str(exc))
    chart = dyad_chart(series, selected=period or None)
    chosen = next((p for p in series.periods if p.period == period), None)
    drill: list[Any] = []
    drill_total = 0
    if chosen is not None:
        ids = cell_events(state.index(), series.a, series.b, date.fromisoformat(chosen.start), freq,
                          directed=directed, cell=cell)
        drill_total = len(ids)
        drill = [s for s in (resolve_event(state.index(), i) for i in ids[:MAX_DRILL]) if s is not None]
    covered = [p for p in series.periods if p.covered]
    summary = {
        "events": sum(p.events or 0 for p in covered),
        "net": sum(float(p.net_cooperation or 0) for p in covered),
        "missing": sum(1 for p in series.periods if not p.covered),
    }
    json_url = f"/api/dyad/{path_part(series.a)}/{path_part(series.b)}?" + query(
        freq=freq, directed="true" if directed else None, include_events="true")
    return _page(request, "dyad.html", title=f"{series.a} – {series.b}", series=series, chart=chart,
                 freq=freq, freqs=FREQS, directed=directed, chosen=chosen, cell=cell, drill=drill,
                 drill_total=drill_total, summary=summary, json_url=json_url)


@router.get("/network")
def network(request: Request, since: str = "", until: str = "", min_events: int = 1) -> Response:
    """Network page: the alignment network of a period and its blocs (``min_events``: ties with
    fewer events are left out of the drawing only; blocs and tables keep them)."""
    state = _state(request)
    try:
        start, end = _day(since, "since"), _day(until, "until")
        data = _network(state, start, end)
    except (ValueError, CommuniqueError) as exc:
        return _error(request, 400, str(exc))
    min_events = max(1, min(min_events, 1_000_000))
    chart = network_chart({**data, "edges": [e for e in data["edges"] if e["events"] >= min_events]})
    edges = sorted(data["edges"], key=lambda e: (-e["events"], e["source"], e["target"]))
    json_url = "/api/network?" + query(since=since, until=until)
    return _page(request, "network.html", title="Alignment network", data=data, chart=chart, edges=edges,
                 since=since, until=until, min_events=min_events, json_url=json_url)


@router.get("/events")
def events(request: Request, actor: str = "", recipient: str = "", category: str = "", since: str = "",
           until: str = "", text: str = "", offset: int = 0) -> Response:
    """Event table with filters (actor, recipient, category, dates, sentence text)."""
    state = _state(request)
    params = {"actor": actor.strip(), "recipient": recipient.strip(), "category": category.strip(),
              "since": since.strip(), "until": until.strip(), "text": text.strip()}
    error = None
    page = None
    try:
        flt = EventFilter(actor=params["actor"] or None, recipient=params["recipient"] or None,
                          category=params["category"] or None, since=_day(params["since"], "since"),
                          until=_day(params["until"], "until"), text=params["text"] or None)
        page = search_events(state.index(), flt, limit=PAGE_SIZE, offset=max(0, min(offset, 1_000_000)))
    except (ValueError, CommuniqueError) as exc:
        error = str(exc)
    json_url = "/api/events?" + query(**params, offset=offset or None)
    return _page(request, "events.html", status_code=400 if error else 200, title="Events", page=page,
                 params=params, error=error, categories=categories(), json_url=json_url,
                 prev_offset=max(0, offset - PAGE_SIZE) or None)


@router.get("/event/{event_id:path}")
def event(request: Request, event_id: str) -> Response:
    """One event: its coding, sentence and span, and the way on to its article."""
    found = resolve_event(_state(request).index(), event_id)
    if found is None:
        return _error(request, 404, f"No event {event_id!r} in this store.")
    return _page(request, "event.html", title=f"Event {found.event['category']}", src=found, ev=found.event,
                 json_url=f"/api/events/{path_part(event_id)}")


def _analysis(request: Request, article_id: str) -> Analysis | None:
    return stored_analysis(_state(request).index(), article_id)


@router.get("/article/{article_id:path}")
def article(request: Request, article_id: str, event: str = "") -> Response:
    """Article page: its text with actors, quotes and events marked; ``event`` is brought into focus."""
    analysis = _analysis(request, article_id)
    if analysis is None:
        return _error(request, 404, f"No article {article_id!r} in this store.")
    actors: dict[str, dict[str, Any]] = {}
    for m in analysis.actors:
        entry = actors.setdefault(m.name or m.text, {"name": m.name or m.text, "country": m.country,
                                                     "sector": m.sector, "mentions": 0})
        entry["mentions"] += 1
    cut = segments(analysis)
    focus_index = next((i for i, seg in enumerate(cut) if event and event in seg.event_ids), None)
    return _page(request, "article.html", title=analysis.article.title or analysis.article.article_id,
                 a=analysis, art=analysis.article, segments=cut, focus=event, focus_index=focus_index,
                 actors=sorted(actors.values(), key=lambda e: (-e["mentions"], e["name"])),
                 json_url=f"/api/articles/{path_part(article_id)}")


def _brief_page(request: Request, analyses: list[Analysis], kind: str, ident: str, story: Story | None) -> Response:
    from communique.briefs import BriefError, brief_story
    from communique.store.query import StoreHistory

    state = _state(request)
    try:
        with state.reading_store() as (_, store):
            made = brief_story(analyses, history=StoreHistory(store))
    except BriefError as exc:
        return _error(request, 404, str(exc))
    titles = {a.article.article_id: a.article.title or a.article.article_id for a in analyses}
    return _page(request, "brief.html", title=made.headline, brief=made, kind=kind, ident=ident, story=story,
                 titles=titles, json_url=f"/api/briefs/{kind}/{path_part(ident)}")


@router.get("/brief/article/{article_id:path}")
def article_brief(request: Request, article_id: str) -> Response:
    """Brief page of one article (Smart Brevity shape, every line traceable)."""
    analysis = _analysis(request, article_id)
    if analysis is None:
        return _error(request, 404, f"No article {article_id!r} in this store.")
    return _brief_page(request, [analysis], "article", article_id, None)


def _story(request: Request, story_id: str) -> Story | None:
    return next((s for s in _stories(_state(request)) if s.story_id == story_id), None)


@router.get("/brief/story/{story_id:path}")
def story_brief(request: Request, story_id: str) -> Response:
    """Brief page of a story (all its stored reports)."""
    found = _story(request, story_id)
    if found is None:
        return _error(request, 404, f"No story {story_id!r} in this store.")
    index = _state(request).index()
    analyses = [a for a in (stored_analysis(index, aid) for aid in found.articles) if a is not None]
    if not analyses:
        return _error(request, 404, f"Story {story_id!r} has no stored articles.")
    return _brief_page(request, analyses, "story", story_id, found)


@router.get("/story/{story_id:path}")
def story(request: Request, story_id: str) -> Response:
    """Story page: its reports, sources, actors and events."""
    found = _story(request, story_id)
    if found is None:
        return _error(request, 404, f"No story {story_id!r} in this store.")
    index = _state(request).index()
    articles = [a for a in (get_article(index, aid) for aid in found.articles[:100]) if a is not None]
    for a in articles:
        a.pop("text", None)
    evs = [s for s in (resolve_event(index, i) for i in found.events[:MAX_DRILL]) if s is not None]
    return _page(request, "story.html", title=found.title, story=found, articles=articles, events=evs,
                 json_url=f"/api/stories/{path_part(story_id)}")
