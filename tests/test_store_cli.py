"""``communique ingest / stats / export / store rebuild`` as a user runs them (real pipeline)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pyarrow.parquet as pq
import pytest

from conftest import FIXTURES

WIRE = FIXTURES / "store" / "wire.jsonl"
BROKEN = FIXTURES / "store" / "broken.jsonl"


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "communique", *args], capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    """A store after: ingest wire.jsonl, the same again, then broken.jsonl."""
    store = tmp_path_factory.mktemp("cli") / "store"
    runs = [cli("ingest", str(WIRE), "--store", str(store)), cli("ingest", str(WIRE), "--store", str(store)),
            cli("ingest", str(BROKEN), "--store", str(store))]
    return store, runs


def test_ingest_exit_codes_and_messages(ingested):
    _, (first, second, broken) = ingested
    assert first.returncode == 0, first.stderr
    assert first.stdout == ""
    assert "3 stored" in first.stderr and "Traceback" not in first.stderr
    assert "\x1b[" not in first.stderr and "━" not in first.stderr  # no progress bar when not a terminal
    assert second.returncode == 0 and "unchanged" in second.stderr
    assert broken.returncode == 1
    assert "broken.jsonl:2" in broken.stderr and "1 rejected" in broken.stderr


def test_stats_json_counts_agree_with_export(ingested):
    store, _ = ingested
    result = cli("stats", "--store", str(store), "--format", "json")
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    for key in ("articles", "events", "quotes", "actors", "stories", "rejects"):
        assert isinstance(stats[key], int)
    assert (stats["articles"], stats["rejects"]) == (4, 1) and 1 <= stats["stories"] <= 4
    assert stats["date_range"] == {"first": "2025-03-14", "last": "2025-03-14", "undated_articles": 3}
    assert {s["source"] for s in stats["sources"]} >= {str(WIRE), str(BROKEN)}
    exported: dict[str, list[dict]] = {}
    for table in ("articles", "events", "quotes", "actors"):
        result = cli("export", "--store", str(store), "--table", table, "--format", "jsonl")
        assert result.returncode == 0, result.stderr
        exported[table] = [json.loads(line) for line in result.stdout.splitlines()]
        assert len(exported[table]) == stats[table]
    articles = {r["article_id"]: r for r in exported["articles"]}
    assert articles["desk/001"]["meta"] == {"category": "diplomacy"}
    assert articles["desk/001"]["text"] == json.loads(WIRE.read_text().splitlines()[0])["text"]


def test_csv_export_escapes_formulas_and_parquet_needs_output(ingested, tmp_path):
    store, _ = ingested
    result = cli("export", "--store", str(store), "--table", "articles", "--format", "csv")
    assert result.returncode == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    trap = next(r for r in rows if r["article_id"] == "desk/002")
    assert trap["text"].startswith("'=HYPERLINK")
    assert cli("export", "--store", str(store), "--format", "parquet").returncode == 2
    out = tmp_path / "articles.parquet"
    assert cli("export", "--store", str(store), "--format", "parquet", "--output", str(out)).returncode == 0
    assert pq.read_table(out).num_rows == 4


def test_gdelt_export_has_61_tab_separated_columns(ingested):
    store, _ = ingested
    result = cli("export", "--store", str(store), "--table", "events", "--format", "gdelt", "--header")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split("\t")[:2] == ["GLOBALEVENTID", "SQLDATE"]
    assert all(len(line.split("\t")) == 61 for line in lines)
    assert cli("export", "--store", str(store), "--table", "quotes", "--format", "gdelt").returncode == 2


def test_rebuild_after_deleting_the_duckdb_file_gives_the_same_stats(ingested):
    store, _ = ingested
    before = json.loads(cli("stats", "--store", str(store)).stdout)
    (store / "store.duckdb").unlink()
    rebuilt = cli("store", "rebuild", "--store", str(store))
    assert rebuilt.returncode == 0 and "4 articles" in rebuilt.stderr
    after = json.loads(cli("stats", "--store", str(store)).stdout)
    assert after == before


def test_stats_on_a_missing_store_is_a_one_line_error(tmp_path):
    result = cli("stats", "--store", str(tmp_path / "nothing"))
    assert result.returncode == 1
    assert "no store here" in result.stderr and "Traceback" not in result.stderr


def test_store_recode_with_the_same_pipeline_rewrites_nothing(ingested):
    store, _ = ingested
    files = sorted(p.relative_to(store).as_posix() for p in (store / "tables").rglob("*.parquet"))
    result = cli("store", "recode", "--store", str(store))
    assert result.returncode == 0, result.stderr
    assert "4 article(s) read, 0 re-coded, 4 unchanged, 0 failed" in result.stderr
    assert sorted(p.relative_to(store).as_posix() for p in (store / "tables").rglob("*.parquet")) == files
