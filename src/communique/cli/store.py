"""``communique ingest``, ``stats``, ``export`` and ``store rebuild``: thin layers over ``communique.store``."""

from __future__ import annotations

import signal
import sys
from enum import Enum
from pathlib import Path
from typing import Any

import typer

from communique.cli import app
from communique.cli.common import AllowPrivateOption, MaxBytesOption, ModelOption, make_settings
from communique.cli.output import err, print_table, stderr_console, write_json
from communique.errors import UsageError

StoreOption = typer.Option(..., "--store", "-s", help="The store folder (created by the first ingest).")

ExecutorOption = typer.Option(
    "local", "--executor", help="Where the analysis runs: local (this process), process (a pool of "
    "--workers processes) or dask (the cluster at --scheduler). The store is written by this process."
)
WorkersOption = typer.Option(None, "--workers", min=1, help="Processes for --executor process "
                             "(default: one per CPU).")
SchedulerOption = typer.Option(None, "--scheduler", help="Dask scheduler address for --executor dask, "
                               "e.g. tcp://10.0.0.5:8786.")

store_app = typer.Typer(help="Look after a store (rebuild its DuckDB catalog, compact its files, re-code "
                         "its articles).",
                         no_args_is_help=True)
app.add_typer(store_app, name="store")


class StatsFormat(str, Enum):
    json = "json"
    table = "table"


class ExportTable(str, Enum):
    articles = "articles"
    events = "events"
    quotes = "quotes"
    actors = "actors"
    rejects = "rejects"
    coverage = "coverage"


class ExportFormat(str, Enum):
    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"
    gdelt = "gdelt"


@app.command()
def ingest(
    inputs: list[str] = typer.Argument(..., help="Files, folders, URLs, feeds, or - for standard input."),
    store: Path = StoreOption,
    batch_size: int = typer.Option(256, "--batch-size", min=1, help="Articles per committed batch."),
    watch: float | None = typer.Option(
        None, "--watch", min=1.0, help="Poll the inputs every INTERVAL seconds until interrupted, adding only "
        "what is new: conditional requests for URLs, new feed items, new or changed files; what was seen is "
        "remembered in STORE/watch/state.json."
    ),
    rounds: int | None = typer.Option(
        None, "--rounds", min=1, help="With --watch: stop after this many rounds (for scripts and tests)."
    ),
    model: str | None = ModelOption,
    allow_private: bool = AllowPrivateOption,
    max_bytes: int | None = MaxBytesOption,
    executor: str = ExecutorOption,
    workers: int | None = WorkersOption,
    scheduler: str | None = SchedulerOption,
    embeddings: bool = typer.Option(
        True, "--embeddings/--no-embeddings",
        help="Cluster a new store's stories on TF-IDF mixed with lead embeddings (default, when the "
        "encoder is installed) or on TF-IDF alone (faster, less memory). A store keeps its first choice.",
    ),
) -> None:
    """Analyse inputs and add them to the store (idempotent: known articles are "unchanged").

    Exit code 0 when every input was processed, 1 when any input was rejected (the rest is stored).
    """
    from communique.store import ingest as run_ingest

    if rounds is not None and watch is None:
        raise UsageError("--rounds needs --watch INTERVAL")
    settings = make_settings(model, allow_private, max_bytes)
    if not embeddings:
        settings = settings.with_(story_embedding_model="none")
    pipeline = _analyzer(settings, executor, workers, scheduler)
    try:
        if watch is not None:
            code = _watch(inputs, store, settings, pipeline, batch_size, watch, rounds)
        else:
            code = _ingest_once(run_ingest, inputs, store, settings, pipeline, batch_size).exit_code
    finally:
        if hasattr(pipeline, "close"):
            pipeline.close()
    if code:
        raise typer.Exit(code)


def _analyzer(settings: Any, executor: str, workers: int | None, scheduler: str | None) -> Any:
    """The pipeline for ``ingest`` and ``store recode``: this process, or spread over an executor."""
    from communique.pipeline import Pipeline

    if executor == "local" and workers is None and scheduler is None:
        return Pipeline(settings)
    from communique.scale import ParallelAnalyzer, make_executor

    kind = executor if executor != "local" else ("dask" if scheduler else "process")
    return ParallelAnalyzer(make_executor(kind, workers=workers, scheduler=scheduler), settings)


def _watch(inputs: list[str], store: Path, settings: Any, pipeline: Any, batch_size: int, interval: float,
           rounds: int | None) -> int:
    """``ingest --watch``: rounds of ``Watcher`` until ``rounds`` are done or Ctrl-C; a line per round,
    one per failed source and the totals at the end on standard error. Exit code 1 when any source
    failed or any item was rejected."""
    from communique.ingest.watch import StopRequest, Watcher

    def on_reject(reject: Any) -> None:
        err(f"rejected: {reject.input}: {reject.reason}")

    def on_round(summary: Any) -> None:
        for warning in summary.warnings:
            err(f"warning: {warning}")
        for result in summary.results:
            if result.status == "failed":
                err(f"watch: {result.source}: failed: {result.error}")
        err(summary.line())

    stopping = StopRequest()  # not a threading.Event: setting one from a signal handler can deadlock

    def stop(signum: int, frame: Any) -> None:
        # The first Ctrl-C or SIGTERM asks the watch to stop after the round in progress (its
        # commit completes); a second one interrupts at once.
        if stopping.is_set():
            raise KeyboardInterrupt
        stopping.set()

    watcher = Watcher(inputs, store, settings, pipeline, batch_size=batch_size, on_reject=on_reject)
    # A service manager stops a watch with SIGTERM: end it as cleanly as Ctrl-C.
    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        watcher.run(interval, rounds, on_round=on_round, stop=stopping)
        if stopping.is_set():
            err("watch: stopped; what was committed is kept")
    except KeyboardInterrupt:
        err("watch: stopped; what was committed is kept")
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        watcher.close()
        err(watcher.totals.line())
    return 1 if watcher.totals.failed or watcher.totals.rejected else 0


def _ingest_once(run_ingest, inputs, store, settings, pipeline, batch_size):  # type: ignore[no-untyped-def]
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    progress = Progress(
        SpinnerColumn(),
        TextColumn("ingest"),
        BarColumn(bar_width=20),
        TextColumn("{task.fields[done]} read · {task.fields[analysed]} analysed · {task.fields[stored]} stored · "
                   "{task.fields[unchanged]} unchanged · {task.fields[rejected]} rejected"),
        TimeElapsedColumn(),
        console=stderr_console(),
        transient=True,
        disable=not sys.stderr.isatty(),
    )

    with progress:
        task = progress.add_task("ingest", total=None, done=0, analysed=0, stored=0, unchanged=0, rejected=0)

        def on_batch(summary) -> None:  # type: ignore[no-untyped-def]
            progress.update(task, done=summary.seen, analysed=summary.analyzed, stored=summary.stored,
                            unchanged=summary.unchanged, rejected=summary.rejected)

        def on_reject(reject) -> None:  # type: ignore[no-untyped-def]
            progress.console.print(f"rejected: {reject.input}: {reject.reason}", markup=False, highlight=False)

        summary = run_ingest(
            inputs, store, settings, pipeline=pipeline, batch_size=batch_size, progress=on_batch,
            on_reject=on_reject,
        )
    err(summary.line())
    if summary.orphans_removed:
        err(f"cleaned up {summary.orphans_removed} file(s) left by an interrupted earlier run")
    if summary.catalog_error:
        err(f"warning: the DuckDB catalog was not refreshed ({summary.catalog_error}); "
            f"run `communique store rebuild --store {store}`")
    return summary


@app.command()
def stats(
    store: Path = StoreOption,
    format: StatsFormat = typer.Option(StatsFormat.json, "--format", "-f", help="json (for tools) or table."),
) -> None:
    """Counts per table, date range, sources and their coverage (seen / stored / unchanged / rejected)."""
    from communique.store import open_store

    with open_store(store) as opened:
        data = opened.stats()
    if format is StatsFormat.json:
        write_json(data)
        return
    print_table("Tables", ["table", "rows"],
                [(name, data[name]) for name in ("articles", "events", "quotes", "actors", "stories", "rejects")])
    dr = data["date_range"]
    print_table("Publication dates", ["first", "last", "undated articles"],
                [(dr["first"], dr["last"], dr["undated_articles"])])
    print_table(
        "Sources (coverage: what was looked at)",
        ["source", "articles", "first", "last", "days", "seen", "stored", "unchanged", "rejected"],
        [(s["source"], s["articles"], s["first"], s["last"], s["days_covered"], s["seen"], s["stored"],
          s["unchanged"], s["rejected"]) for s in data["sources"]],
    )


@app.command()
def export(
    store: Path = StoreOption,
    table: ExportTable = typer.Option(ExportTable.articles, "--table", "-t", help="Which table to export."),
    format: ExportFormat = typer.Option(
        ExportFormat.jsonl, "--format", "-f", help="jsonl, csv, parquet (needs --output), or gdelt (events)."
    ),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
    header: bool = typer.Option(False, "--header", help="gdelt: write a header line of GDELT column names."),
    include_flagged: bool = typer.Option(
        False, "--include-flagged", help="gdelt: also export negated and future/hypothetical events."
    ),
) -> None:
    """Rows of one table on standard output (or --output FILE); the row count goes to standard error."""
    from communique.store import open_store
    from communique.store.export import export as run_export

    if format is ExportFormat.parquet and output is None:
        raise UsageError("--format parquet needs --output FILE")
    if format is ExportFormat.gdelt and table is not ExportTable.events:
        raise UsageError("--format gdelt exports events only (use --table events)")
    with open_store(store) as opened:
        n = run_export(opened, table.value, format.value, None if output else sys.stdout, output=output,
                       include_flagged=include_flagged, header=header)
    err(f"exported {n} {table.value} row(s)" + (f" to {output}" if output else ""))


@store_app.command()
def rebuild(store: Path = StoreOption) -> None:
    """Rebuild the DuckDB catalog (store.duckdb) from the Parquet files and the ledger."""
    from communique.store import open_store

    with open_store(store) as opened:
        path = opened.rebuild()
        counts = {name: opened.count(name) for name in ("articles", "events", "quotes", "actors", "rejects")}
    err(f"rebuilt {path}: " + ", ".join(f"{n} {name}" for name, n in counts.items()))


@store_app.command()
def compact(
    store: Path = StoreOption,
    max_rows: int = typer.Option(50_000, "--max-rows", min=1, help="Most rows per merged file."),
) -> None:
    """Merge the many small files of repeated ingests into fewer large ones (rows unchanged)."""
    from communique.store import open_store

    with open_store(store) as opened:
        with opened.writer() as writer:
            before, after = writer.compact(max_rows=max_rows)
        opened.rebuild()
    err(f"compacted {before} fragment(s) into {after}" if before else "nothing to compact")


@store_app.command()
def recode(
    store: Path = StoreOption,
    batch_size: int = typer.Option(256, "--batch-size", min=1, help="Articles per committed batch."),
    model: str | None = ModelOption,
    executor: str = ExecutorOption,
    workers: int | None = WorkersOption,
    scheduler: str | None = SchedulerOption,
) -> None:
    """Re-analyse the stored articles with the current pipeline and replace what changed.

    After an upgrade (a better event coder), or with --model for a larger spaCy pipeline.

    Articles that come out the same are left alone; the others get new rows, event groups and stories.

    Exit code 1 when the pipeline failed on an article (kept as stored; listed in the rejects table).
    """
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    from communique.store import open_store
    from communique.store.recode import recode as run_recode

    settings = make_settings(model, False, None)
    with open_store(store) as opened:
        total = opened.count("articles")
        pipeline = _analyzer(settings, executor, workers, scheduler)
        progress = Progress(
            SpinnerColumn(), TextColumn("recode"), BarColumn(bar_width=20), MofNCompleteColumn(),
            TextColumn("{task.fields[recoded]} re-coded · {task.fields[failed]} failed"), TimeElapsedColumn(),
            console=stderr_console(), transient=True, disable=not sys.stderr.isatty(),
        )
        try:
            with progress:
                task = progress.add_task("recode", total=total, recoded=0, failed=0)

                def on_batch(summary: Any) -> None:
                    progress.update(task, completed=summary.articles, recoded=summary.recoded, failed=summary.failed)

                def on_failure(reject: Any) -> None:
                    progress.console.print(f"failed: {reject.input}: {reject.reason}", markup=False, highlight=False)

                summary = run_recode(opened, pipeline, batch_size=batch_size, progress=on_batch,
                                     on_failure=on_failure)
        finally:
            if hasattr(pipeline, "close"):
                pipeline.close()
    err(summary.line())
    if summary.catalog_error:
        err(f"warning: the DuckDB catalog was not refreshed ({summary.catalog_error}); "
            f"run `communique store rebuild --store {store}`")
    if summary.exit_code:
        raise typer.Exit(summary.exit_code)
