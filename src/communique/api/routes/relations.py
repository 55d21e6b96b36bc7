"""Dyad series, their cells and trends, and the alignment network."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from communique.api.models import (
    CellModel,
    DyadPeriodsModel,
    DyadSeriesModel,
    ErrorModel,
    NetworkModel,
    TrendModel,
)
from communique.api.respond import (
    Day,
    Format,
    FormatQuery,
    alternatives,
    json_response,
    remembered,
    table_response,
)
from communique.api.state import ApiState, api_state
from communique.relations.drilldown import cell_events
from communique.relations.index import EventIndex
from communique.relations.network import alignment_network, export_network, network_json
from communique.relations.periods import label, period_start
from communique.relations.series import dyad_months, dyad_series
from communique.relations.trends import trend_statements

router = APIRouter(prefix="/api", tags=["relations"])
COUNTRY = r"^[A-Za-z][A-Za-z0-9_-]{0,15}$"
CountryA = Path(..., pattern=COUNTRY, description="Country code, e.g. IRN.")
CountryB = Path(..., pattern=COUNTRY, description="Country code, e.g. RUS.")
ERRORS: dict[int | str, dict[str, object]] = {400: {"model": ErrorModel, "description": "Bad parameter."}}


class Freq(str, Enum):
    week = "week"
    month = "month"
    quarter = "quarter"
    year = "year"


class Measure(str, Enum):
    events = "events"
    reports = "reports"


class NetworkFormat(str, Enum):
    json = "json"
    gexf = "gexf"
    graphml = "graphml"


@router.get("/dyad/{a}/{b}", responses=alternatives(DyadSeriesModel), response_model=None)
async def dyad(
    a: str = CountryA,
    b: str = CountryB,
    freq: Freq = Query(Freq.month),
    directed: bool = Query(False, description="Only events with a as actor and b as recipient."),
    measure: Measure = Query(Measure.events, description="Count events, or their reports."),
    since: Day | None = Query(None),
    until: Day | None = Query(None),
    include_events: bool = Query(False, description="List each cell's event ids (drill-down)."),
    format: Format = FormatQuery,
    state: ApiState = Depends(api_state),
) -> Response:
    """Events between two countries per period. Periods without coverage have null figures, never zero."""

    def build(index: EventIndex) -> Response:
        series = dyad_series(index, a, b, freq=freq.value, directed=directed, measure=measure.value,
                             since=since, until=until, with_events=include_events)
        if format is not Format.json:
            return table_response(series.rows(), format, filename=f"dyad-{series.a}-{series.b}")
        return json_response(series)

    key = ("dyad", a.upper(), b.upper(), freq, directed, measure, since, until, include_events, format)
    index = await state.ready_index()
    if include_events:
        return await run_in_threadpool(remembered, state, key, build, index)  # event ids: a query per cell
    return remembered(state, key, build, index)  # from the dyad cube in milliseconds: on the event loop


@router.get("/dyads", responses=alternatives(DyadPeriodsModel), response_model=None)
async def dyads(
    freq: Freq = Query(Freq.month),
    directed: bool = Query(False, description="Actor → recipient pairs; else each pair once, a < b."),
    since: Day | None = Query(None),
    until: Day | None = Query(None),
    format: Format = FormatQuery,
    state: ApiState = Depends(api_state),
) -> Response:
    """Every dyad's events per period (a heatmap): events, reports, cooperative, conflictual and the
    Goldstein sum of each (a, b, period) with events. Coverage gaps are not marked here; a dyad's
    own series (``/api/dyad/{a}/{b}``) marks them."""

    def build(index: EventIndex) -> Response:
        rows = dyad_months(index, freq=freq.value, directed=directed, since=since, until=until).to_pylist()
        for row in rows:
            row["period"] = label(row["period"], freq.value)
        return table_response(rows, format, {"freq": freq.value, "directed": directed, "items": rows},
                              filename=f"dyads-{freq.value}")

    index = await state.ready_index()
    return await run_in_threadpool(remembered, state, ("dyads", freq, directed, since, until, format), build, index)


@router.get("/dyad/{a}/{b}/cell", response_model=CellModel, responses=ERRORS)
def dyad_cell(
    day: Annotated[Day, Query(description="Any day of the period.")],
    a: str = CountryA,
    b: str = CountryB,
    freq: Freq = Query(Freq.month),
    directed: bool = Query(False),
    cell: str = Query("all", max_length=40, description="all, a quad class name or a PLOVER category."),
    state: ApiState = Depends(api_state),
) -> Response:
    """Drill-down: the event ids behind one cell of a dyad series."""
    ids = cell_events(state.index(), a, b, day, freq.value, directed=directed, cell=cell)
    return json_response({"a": a.upper(), "b": b.upper(), "freq": freq.value,
                          "period": label(period_start(day, freq.value), freq.value), "cell": cell,
                          "event_ids": ids})


@router.get("/dyad/{a}/{b}/trends", response_model=TrendModel, responses=ERRORS)
def dyad_trends(
    a: str = CountryA,
    b: str = CountryB,
    freq: Freq = Query(Freq.quarter),
    directed: bool = Query(False),
    baseline: int = Query(4, ge=1, le=24, description="Periods before the last one to compare with."),
    until: Day | None = Query(None, description="End of the last period (default: the last covered day)."),
    state: ApiState = Depends(api_state),
) -> Response:
    """Significant changes of the dyad in its last period, each with the test that supports it."""
    found = trend_statements(state.index(), a, b, freq.value, directed=directed, baseline=baseline, until=until)
    return json_response({"statements": found})


@router.get(
    "/network",
    response_model=None,
    responses={200: {"model": NetworkModel, "content": {"application/xml": {"schema": {"type": "string"}}}},
               **ERRORS},
)
def network(
    since: Day | None = Query(None),
    until: Day | None = Query(None),
    format: NetworkFormat = Query(NetworkFormat.json, description="json (with event ids), gexf or graphml."),
    state: ApiState = Depends(api_state),
) -> Response:
    """The alignment network: countries, edges weighted by net cooperation, Louvain blocs."""
    graph = state.memo(("network", since, until), lambda index: alignment_network(index, since, until))
    if format is NetworkFormat.json:
        return json_response(network_json(graph))
    return Response(export_network(graph, format.value), media_type="application/xml")
