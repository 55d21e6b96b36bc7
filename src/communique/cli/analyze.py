"""``communique analyze``, ``events`` and ``quotes``: run the pipeline on inputs without a store."""

from __future__ import annotations

import sys
from enum import Enum

import typer

from communique.cli import app
from communique.cli.common import (
    AllowPrivateOption,
    DictionaryOption,
    InputRun,
    MaxBytesOption,
    ModelOption,
    make_settings,
)
from communique.cli.output import print_table, write_csv, write_json, write_jsonl
from communique.errors import UsageError
from communique.pipeline import Pipeline
from communique.records import Analysis

InputsArg = typer.Argument(..., help="Files, directories, URLs, feeds, or - for standard input.")


class AnalyzeFormat(str, Enum):
    json = "json"
    table = "table"


class EventFormat(str, Enum):
    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"


class QuoteFormat(str, Enum):
    jsonl = "jsonl"
    csv = "csv"


def _analyses(
    inputs: list[str], model: str | None, allow_private: bool, max_bytes: int | None, dictionaries: list[str]
):
    settings = make_settings(model, allow_private, max_bytes, dictionaries)
    run = InputRun(inputs, settings)
    pipe = Pipeline(settings)
    return run, pipe.analyze_many(run.articles())


@app.command()
def analyze(
    inputs: list[str] = InputsArg,
    format: AnalyzeFormat = typer.Option(AnalyzeFormat.json, "--format", "-f", help="json (for tools) or table (for people)."),
    model: str | None = ModelOption,
    allow_private: bool = AllowPrivateOption,
    max_bytes: int | None = MaxBytesOption,
    actors_dict: list[str] = DictionaryOption,
) -> None:
    """Actors, quotes and events of each article.

    JSON: one object per article ({article, actors, quotes, events}); an array when there are several.
    """
    run, analyses = _analyses(inputs, model, allow_private, max_bytes, actors_dict)
    results = list(analyses)
    if format is AnalyzeFormat.json:
        if len(results) == 1:
            write_json(results[0])
        elif results:
            write_json(results)
    else:
        for analysis in results:
            _print_analysis_tables(analysis)
    run.finish()


def _print_analysis_tables(a: Analysis) -> None:
    title = a.article.title or a.article.article_id
    print_table(
        f"Actors — {title}",
        ["text", "span", "name", "country", "sector"],
        [(m.text, f"{m.start}-{m.end}", m.name, m.country, m.sector) for m in a.actors],
    )
    print_table(
        "Quotes",
        ["speaker", "kind", "cue", "text"],
        [(q.speaker.name if q.speaker else None, q.kind, q.cue, q.text) for q in a.quotes],
    )
    print_table(
        "Events",
        ["actor", "category", "cameo", "recipient", "flags", "sentence"],
        [
            (
                ",".join(x.country or "?" for x in e.actor),
                e.category,
                e.cameo,
                ",".join(x.country or "?" for x in e.recipient),
                " ".join((["negated"] if e.negated else []) + e.aux),
                e.sentence,
            )
            for e in a.events
        ],
    )


EVENT_COLUMNS = [
    "event_id", "article_id", "sentence_index", "span", "date", "category", "mode", "context", "cameo",
    "goldstein", "quad_class", "actor", "recipient", "negated", "aux", "confidence", "sentence",
]
QUOTE_COLUMNS = ["quote_id", "article_id", "text", "span", "kind", "cue", "speaker"]


@app.command()
def events(
    inputs: list[str] = InputsArg,
    format: EventFormat = typer.Option(EventFormat.jsonl, "--format", "-f"),
    output: str | None = typer.Option(None, "--output", "-o", help="Write to this file (required for parquet)."),
    model: str | None = ModelOption,
    allow_private: bool = AllowPrivateOption,
    max_bytes: int | None = MaxBytesOption,
    actors_dict: list[str] = DictionaryOption,
) -> None:
    """Coded events, one per line (negated and future/hypothetical ones carry their flags)."""
    if format is EventFormat.parquet and not output:
        raise UsageError("--format parquet needs --output FILE")
    run, analyses = _analyses(inputs, model, allow_private, max_bytes, actors_dict)
    found = (e for a in analyses for e in a.events)
    _write_records(found, format.value, output, EVENT_COLUMNS)
    run.finish()


@app.command()
def quotes(
    inputs: list[str] = InputsArg,
    format: QuoteFormat = typer.Option(QuoteFormat.jsonl, "--format", "-f"),
    output: str | None = typer.Option(None, "--output", "-o", help="Write to this file."),
    model: str | None = ModelOption,
    allow_private: bool = AllowPrivateOption,
    max_bytes: int | None = MaxBytesOption,
    actors_dict: list[str] = DictionaryOption,
) -> None:
    """Quotes and statements with their speakers, one per line."""
    run, analyses = _analyses(inputs, model, allow_private, max_bytes, actors_dict)
    found = (q for a in analyses for q in a.quotes)
    _write_records(found, format.value, output, QUOTE_COLUMNS)
    run.finish()


def _write_records(records, format: str, output: str | None, columns: list[str]) -> None:
    if format == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        from communique.records import to_builtins_any

        rows = [to_builtins_any(r) for r in records]
        assert output is not None
        pq.write_table(pa.Table.from_pylist(rows), output)
        return
    out = open(output, "w", encoding="utf-8") if output else sys.stdout  # noqa: SIM115
    try:
        if format == "csv":
            write_csv(records, columns, out)
        else:
            write_jsonl(records, out)
    finally:
        if output:
            out.close()
