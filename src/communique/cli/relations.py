"""``communique dyad A B`` and ``communique network``: relations over time from a store."""

from __future__ import annotations

import sys
from datetime import date
from enum import Enum
from pathlib import Path

import typer

from communique.cli import app
from communique.cli.output import csv_text, print_table, write_json
from communique.errors import UsageError


class DyadFormat(str, Enum):
    csv = "csv"
    json = "json"
    table = "table"
    png = "png"


class NetworkFormat(str, Enum):
    json = "json"
    gexf = "gexf"
    graphml = "graphml"
    png = "png"


StoreOption = typer.Option(..., "--store", "-s", help="The store folder (created by `communique ingest`).")
OutputOption = typer.Option(None, "--output", "-o", help="Write to this file instead of standard output.")


def parse_day(option: str, value: str | None) -> date | None:
    """A YYYY-MM-DD option value, or a usage error naming the option."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise UsageError(f"{option} {value!r}: not a date (use YYYY-MM-DD)") from exc


def _emit(data: str | bytes, output: Path | None) -> None:
    if output is not None:
        if isinstance(data, bytes):
            output.write_bytes(data)
        else:
            output.write_text(data, encoding="utf-8")
        return
    if isinstance(data, bytes):
        if sys.stdout.isatty():
            raise UsageError("--format png writes binary data: give --output FILE or redirect standard output")
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    sys.stdout.write(data)


@app.command()
def dyad(
    a: str = typer.Argument(..., help="First country code (e.g. IRN)."),
    b: str = typer.Argument(..., help="Second country code (e.g. RUS)."),
    store: Path = StoreOption,
    freq: str = typer.Option("month", "--freq", help="Period: week, month, quarter or year."),
    directed: bool = typer.Option(False, "--directed", help="Only events with A as actor and B as recipient."),
    measure: str = typer.Option("events", "--measure", help="Count events, or reports (events × reports)."),
    since: str | None = typer.Option(None, "--since", help="First day (YYYY-MM-DD)."),
    until: str | None = typer.Option(None, "--until", help="Last day (YYYY-MM-DD)."),
    fmt: DyadFormat = typer.Option(DyadFormat.table, "--format", "-f", help="csv, json, table or png."),
    output: Path | None = OutputOption,
) -> None:
    """Events between two countries per period: PLOVER categories, quad classes, Goldstein, net cooperation.

    Periods the store has no coverage of are shown as missing, never as zero.
    """
    from communique.relations import dyad_series
    from communique.store import open_store

    start, end = parse_day("--since", since), parse_day("--until", until)
    with open_store(store) as opened:
        try:
            # Only JSON lists each cell's event ids; the other formats are served from the dyad cube.
            series = dyad_series(opened, a, b, freq=freq, directed=directed, measure=measure,
                                 since=start, until=end, with_events=fmt is DyadFormat.json)
        except ValueError as exc:
            raise UsageError(str(exc)) from exc
    if fmt is DyadFormat.png:
        from communique.relations.charts import dyad_chart

        _emit(dyad_chart(series), output)
    elif fmt is DyadFormat.json:
        if output is None:
            write_json(series)
        else:
            import msgspec

            _emit(msgspec.json.format(msgspec.json.encode(series), indent=2).decode() + "\n", output)
    elif fmt is DyadFormat.csv:
        _emit(csv_text(series.rows()), output)
    else:
        columns = ["period", "events", "reports", "goldstein_mean", "net_cooperation", "share",
                   "verbal_cooperation", "material_cooperation", "verbal_conflict", "material_conflict"]
        arrow = "→" if series.directed else "↔"
        print_table(f"{series.a} {arrow} {series.b} per {series.freq} ({series.measure}; blank = not covered)",
                    columns, ([row[c] for c in columns] for row in series.rows()))


class DyadsFormat(str, Enum):
    csv = "csv"
    json = "json"
    table = "table"


@app.command()
def dyads(
    store: Path = StoreOption,
    freq: str = typer.Option("month", "--freq", help="Period: week, month, quarter or year."),
    directed: bool = typer.Option(False, "--directed", help="Actor → recipient pairs (else each pair once)."),
    since: str | None = typer.Option(None, "--since", help="First day (YYYY-MM-DD)."),
    until: str | None = typer.Option(None, "--until", help="Last day (YYYY-MM-DD)."),
    fmt: DyadsFormat = typer.Option(DyadsFormat.csv, "--format", "-f", help="csv, json or table."),
    output: Path | None = OutputOption,
) -> None:
    """Every dyad's events per period (a heatmap's data): events, reports, cooperative, conflictual,
    Goldstein sum, for each (a, b, period) with events."""
    from communique.relations import dyad_months
    from communique.relations.periods import check_freq, label
    from communique.store import open_store

    start, end = parse_day("--since", since), parse_day("--until", until)
    with open_store(store) as opened:
        try:
            f = check_freq(freq)
            rows = dyad_months(opened, freq=f, directed=directed, since=start, until=end).to_pylist()
        except ValueError as exc:
            raise UsageError(str(exc)) from exc
    for row in rows:
        row["period"] = label(row["period"], f)
    if fmt is DyadsFormat.json:
        if output is None:
            write_json(rows)
        else:
            import json

            _emit(json.dumps(rows, indent=2) + "\n", output)
    elif fmt is DyadsFormat.csv:
        _emit(csv_text(rows), output)
    else:
        columns = ["a", "b", "period", "events", "reports", "cooperative", "conflictual", "goldstein"]
        print_table(f"dyads per {f}", columns, ([row[c] for c in columns] for row in rows))


@app.command()
def network(
    store: Path = StoreOption,
    since: str | None = typer.Option(None, "--since", help="First day (YYYY-MM-DD)."),
    until: str | None = typer.Option(None, "--until", help="Last day (YYYY-MM-DD)."),
    fmt: NetworkFormat = typer.Option(NetworkFormat.json, "--format", "-f", help="json, gexf, graphml or png."),
    output: Path | None = OutputOption,
) -> None:
    """The alignment network: countries, edges weighted by net cooperation, blocs (Louvain communities)."""
    from communique.relations import alignment_network, export_network
    from communique.store import open_store

    start, end = parse_day("--since", since), parse_day("--until", until)
    with open_store(store) as opened:
        try:
            graph = alignment_network(opened, start, end)
        except ValueError as exc:
            raise UsageError(str(exc)) from exc
    if fmt is NetworkFormat.png:
        from communique.relations.charts import network_chart

        _emit(network_chart(graph), output)
    else:
        _emit(export_network(graph, fmt.value), output)
