"""Response formats shared by the routes: JSON, CSV (formula-escaped) and NDJSON, picked by ``?format=``."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import msgspec
from fastapi import Query
from fastapi.responses import Response
from pydantic import BeforeValidator

from communique.cli.output import csv_text

if TYPE_CHECKING:
    from communique.api.state import ApiState
    from communique.relations.index import EventIndex

MAX_LIMIT = 1000
DEFAULT_LIMIT = 50
MAX_OFFSET = 1_000_000


class Format(str, Enum):
    json = "json"
    csv = "csv"
    ndjson = "ndjson"


FormatQuery = Query(Format.json, description="json, csv (formula cells escaped) or ndjson (one item per line).")
LimitQuery = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Items per page (at most {MAX_LIMIT}).")
OffsetQuery = Query(0, ge=0, le=MAX_OFFSET, description="Items to skip.")

_encoder = msgspec.json.Encoder()
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_day(value: Any) -> Any:
    # Pydantic would also take a number as a Unix time ("0" → 1970-01-01); a day must be written out.
    if isinstance(value, str) and not _ISO_DAY.fullmatch(value):
        raise ValueError("expected a date as YYYY-MM-DD")
    return value


# A date query parameter (YYYY-MM-DD only).
Day = Annotated[date, BeforeValidator(_iso_day)]


def json_response(data: Any, status_code: int = 200) -> Response:
    """JSON of records, structs or builtins (msgspec: fast, and dates/structs need no adapter)."""
    return Response(_encoder.encode(data), status_code=status_code, media_type="application/json")


def table_response(rows: list[dict[str, Any]], fmt: Format, envelope: dict[str, Any] | None = None,
                   filename: str = "data") -> Response:
    """Rows as CSV or NDJSON; as JSON, the envelope (e.g. a page with its total) or the rows."""
    if fmt is Format.csv:
        builtins = msgspec.to_builtins(rows)
        return Response(csv_text(builtins), media_type="text/csv; charset=utf-8",
                        headers={"content-disposition": f'attachment; filename="{filename}.csv"'})
    if fmt is Format.ndjson:
        body = b"".join(_encoder.encode(row) + b"\n" for row in rows)
        return Response(body, media_type="application/x-ndjson")
    return json_response(envelope if envelope is not None else rows)


def alternatives(json_schema_ref: type | None = None) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for a route answering JSON, CSV or NDJSON, and 400/404 errors."""
    from communique.api.models import ErrorModel

    ok: dict[str, Any] = {
        "description": "The data, in the format asked for.",
        "content": {"text/csv": {"schema": {"type": "string"}},
                    "application/x-ndjson": {"schema": {"type": "string"}}},
    }
    if json_schema_ref is not None:
        ok["model"] = json_schema_ref
    return {200: ok, 400: {"model": ErrorModel, "description": "Bad parameter."},
            404: {"model": ErrorModel, "description": "Not found."}}


def remembered(state: ApiState, key: tuple[Any, ...], build: Callable[[EventIndex], Response],
               index: EventIndex | None = None) -> Response:
    """The response ``build`` makes, remembered for the current store state (responses of a store
    state never change, and the dashboard and clients ask the same questions again and again)."""

    def compute(index: EventIndex) -> tuple[bytes, str | None, dict[str, str]]:
        made = build(index)
        extra = {k: v for k, v in made.headers.items() if k == "content-disposition"}
        return bytes(made.body), made.media_type, extra

    body, media_type, headers = state.memo(key, compute, index)
    return Response(body, media_type=media_type, headers=headers)
