"""Evaluation on gold sets: one module per task, each exposing ``evaluate(data, settings)``.

A task module returns an ``EvalReport``: flat ``scores`` (the keys the quality gate's floors
name) and a human-readable ``text``. ``communique eval TASK --data PATH`` prints the text to
standard error and the scores as JSON to standard output; ``communique eval gate`` checks the
floors in ``quality/floors.toml``.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from communique.config import Settings

# task name → module implementing ``evaluate``
TASKS: dict[str, str] = {
    "actors": "communique.eval.actors",
    "extraction": "communique.eval.extraction",
    "events": "communique.eval.events",
    "quotes": "communique.eval.quotes",
    "duplicates": "communique.eval.duplicates",
    "stories": "communique.eval.stories",
    "briefs": "communique.eval.briefs",
}


@dataclass
class EvalReport:
    task: str
    data: str
    scores: dict[str, float]
    text: str = ""
    details: dict[str, Any] = field(default_factory=dict)


class _TaskModule(Protocol):
    def evaluate(self, data: Path, settings: Settings, **options: Any) -> EvalReport: ...


def get_task(name: str) -> _TaskModule:
    if name not in TASKS:
        raise KeyError(name)
    module: Any = importlib.import_module(TASKS[name])
    return module  # type: ignore[no-any-return]


def evaluate(task: str, data: Path, settings: Settings | None = None, **options: Any) -> EvalReport:
    """Score ``task`` on the gold data at ``data``."""
    return get_task(task).evaluate(Path(data), settings or Settings.load(), **options)
