"""The quality gate: run every task named in the floors file and fail below a floor.

Floors live in one committed file (``quality/floors.toml``). Each table names a task, the gold
data relative to the eval folder, optional options, and ``floors``: score name → minimum. A floor
is lowered only in a commit whose message says ``lower-floor:`` and why.
"""

from __future__ import annotations

import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from communique.config import Settings
from communique.eval import evaluate


@dataclass
class GateResult:
    name: str
    task: str
    seconds: float
    scores: dict[str, float]
    failures: list[str]
    skipped: str | None = None


def run_gate(
    floors_file: Path,
    eval_dir: Path,
    settings: Settings | None = None,
    only: list[str] | None = None,
    log: Callable[[str], None] = print,
) -> list[GateResult]:
    """Evaluate every gate entry; a missing data file skips that entry (and says so)."""
    config = tomllib.loads(floors_file.read_text("utf-8"))
    results: list[GateResult] = []
    for name, entry in config.items():
        if only and name not in only:
            continue
        task = entry["task"]
        data = eval_dir / entry["data"]
        if not data.exists():
            log(f"[gate] {name}: skipped, {data} not found")
            results.append(GateResult(name, task, 0.0, {}, [], skipped=f"{data} not found"))
            continue
        options: dict[str, Any] = dict(entry.get("options", {}))
        t0 = time.perf_counter()
        report = evaluate(task, data, settings, **options)
        seconds = time.perf_counter() - t0
        failures = []
        for key, floor in entry.get("floors", {}).items():
            got = report.scores.get(key)
            if got is None:
                failures.append(f"{key}: missing from the report")
            elif got + 1e-9 < float(floor):
                failures.append(f"{key}: {got:.4f} < floor {float(floor):.4f}")
        status = "FAIL" if failures else "ok"
        shown = ", ".join(f"{k}={report.scores.get(k, float('nan')):.4f}" for k in entry.get("floors", {}))
        log(f"[gate] {name} ({task}) {status} in {seconds:.1f}s: {shown}")
        for failure in failures:
            log(f"[gate]   below floor: {failure}")
        results.append(GateResult(name, task, seconds, report.scores, failures))
    return results
