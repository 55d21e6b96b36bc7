"""Pydantic models of request bodies and (the JSON shape of) responses, for validation and the schema."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ErrorModel(BaseModel):
    detail: str


class PageModel(BaseModel):
    """One page of a listing: ``items`` from ``offset``, ``total`` matches in all."""

    total: int
    limit: int
    offset: int
    items: list[dict[str, Any]]


class DyadSeriesModel(BaseModel):
    """``relations.DyadSeries``: per period, counts by quad class and category, shares and event ids."""

    a: str
    b: str
    freq: str
    directed: bool
    measure: str
    periods: list[dict[str, Any]]


class DyadPeriodsModel(BaseModel):
    """``relations.dyad_months``: every dyad's counts per period (rows with events only)."""

    freq: str
    directed: bool
    items: list[dict[str, Any]]


class TrendModel(BaseModel):
    statements: list[dict[str, Any]]


class CellModel(BaseModel):
    a: str
    b: str
    freq: str
    period: str
    cell: str
    event_ids: list[str]


class NetworkModel(BaseModel):
    since: str | None
    until: str | None
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    blocs: list[list[str]]


class EventSourceModel(BaseModel):
    """An event with the article, sentence and span it was read from."""

    event_id: str
    article_id: str
    title: str | None
    url: str | None
    published: str | None
    source: str | None
    sentence_index: int
    sentence: str
    span: list[int]
    span_text: str | None
    event: dict[str, Any]


class HealthModel(BaseModel):
    status: str
    events: int
    ingest: bool


class ArticleIn(BaseModel):
    """An article to ingest (the ``Article`` record's fields)."""

    model_config = ConfigDict(extra="forbid")

    article_id: str = Field(min_length=1, max_length=512)
    text: str = Field(min_length=1, max_length=500_000)
    title: str | None = Field(None, max_length=2000)
    url: str | None = Field(None, max_length=4000)
    published: str | None = Field(None, max_length=64)
    author: str | None = Field(None, max_length=500)
    site: str | None = Field(None, max_length=500)
    source: str | None = Field(None, max_length=4000)
    language: str | None = Field(None, max_length=16)


class IngestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    articles: list[ArticleIn] = Field(min_length=1, max_length=200)
