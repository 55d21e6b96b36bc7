"""``communique eval TASK --data PATH`` and ``communique eval gate``."""

from __future__ import annotations

from pathlib import Path

import typer

from communique.cli import app
from communique.cli.common import ModelOption, make_settings
from communique.cli.output import err, write_json
from communique.eval import TASKS

eval_app = typer.Typer(
    help="Score communique on gold data (scores as JSON on stdout, a report on stderr).",
    no_args_is_help=True,
)
app.add_typer(eval_app, name="eval")

DataOption = typer.Option(..., "--data", "-d", help="Gold file or folder (e.g. under ../shared/eval).")


def _run(task: str, data: Path, model: str | None, **options: object) -> None:
    from communique.eval import evaluate

    if not data.exists():
        err(f"error: {data}: no such file or folder")
        raise typer.Exit(2)
    report = evaluate(task, data, make_settings(model), **options)
    if report.text:
        err(report.text)
    write_json({"task": report.task, "data": report.data, "scores": report.scores})


def _make(task: str) -> None:
    def command(
        data: Path = DataOption,
        model: str | None = ModelOption,
        limit: int | None = typer.Option(None, "--limit", help="Score only the first N items (quick checks)."),
        split: str | None = typer.Option(None, "--split", help="dev, test or all where the gold set has splits."),
    ) -> None:
        options: dict[str, object] = {}
        if limit is not None:
            options["limit"] = limit
        if split is not None:
            options["split"] = split
        _run(task, data, model, **options)

    command.__doc__ = f"Score the {task} task on a gold set."
    eval_app.command(name=task)(command)


for _task in TASKS:
    _make(_task)


@eval_app.command()
def gate(
    eval_dir: Path = typer.Option(Path("../shared/eval"), "--eval-dir", help="The gold data folder."),
    floors: Path = typer.Option(Path("quality/floors.toml"), "--floors", help="The committed floors file."),
    only: list[str] = typer.Option([], "--only", help="Run only these gate entries."),
    model: str | None = ModelOption,
) -> None:
    """Run every gate entry of the floors file; exit 1 when any score is below its floor."""
    from communique.eval.gate import run_gate

    if not eval_dir.exists():
        err(f"eval gate: {eval_dir} does not exist; nothing to check")
        return
    results = run_gate(floors, eval_dir, make_settings(model), only or None, log=err)
    write_json([{"name": r.name, "task": r.task, "seconds": round(r.seconds, 1), "scores": r.scores,
                 "failures": r.failures, "skipped": r.skipped} for r in results])
    failed = [r.name for r in results if r.failures]
    if failed:
        err(f"quality gate FAILED: {', '.join(failed)}")
        raise typer.Exit(1)
    err("quality gate passed")
