"""Shared output for every command: JSON/JSONL/CSV/table writers and standard-error messages."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

from communique.records import to_builtins_any

_stderr = Console(stderr=True, highlight=False, soft_wrap=True)

# Spreadsheet programs run cells starting with these as formulas (CSV injection).
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def err(message: str) -> None:
    """A message for people, on standard error."""
    _stderr.print(message, markup=False)


def stderr_console() -> Console:
    return _stderr


def escape_formula(value: Any) -> Any:
    """Neutralise a CSV cell that a spreadsheet would evaluate as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def _flat(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def write_jsonl(records: Iterable[Any], out: Any = None) -> None:
    out = out or sys.stdout
    for record in records:
        out.write(json.dumps(to_builtins_any(record), ensure_ascii=False) + "\n")


def write_json(data: Any, out: Any = None) -> None:
    out = out or sys.stdout
    out.write(json.dumps(to_builtins_any(data), ensure_ascii=False, indent=2) + "\n")


def csv_text(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> str:
    """CSV with nested values as JSON and formula-looking cells escaped."""
    buf = io.StringIO()
    cols = list(columns or (rows[0].keys() if rows else []))
    writer = csv.DictWriter(buf, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
    # With "\n" as line terminator the csv module leaves a bare "\r" unquoted, and readers split
    # the row there (found by fuzzing); rows holding one are written fully quoted.
    quoted = csv.DictWriter(buf, fieldnames=cols, extrasaction="ignore", lineterminator="\n",
                            quoting=csv.QUOTE_ALL)
    writer.writeheader()
    for row in rows:
        cells = {k: escape_formula(_flat(row.get(k))) for k in cols}
        has_cr = any(isinstance(v, str) and "\r" in v for v in cells.values())
        (quoted if has_cr else writer).writerow(cells)
    return buf.getvalue()


def write_csv(records: Iterable[Any], columns: Sequence[str] | None = None, out: Any = None) -> None:
    rows = [to_builtins_any(r) for r in records]
    (out or sys.stdout).write(csv_text(rows, columns))


def print_table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """A Rich table on standard output (for people)."""
    table = Table(title=title, show_lines=False)
    for col in columns:
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(*["" if v is None else str(v) for v in row])
    Console(highlight=False).print(table)
