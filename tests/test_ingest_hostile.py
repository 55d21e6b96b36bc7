"""Hostile input: every bad input is one clear reject, never a traceback, hang or blow-up."""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from communique.config import Settings
from communique.ingest import read_inputs
from communique.records import Article, Reject

FIX = Path(__file__).parent / "fixtures" / "ingest"
ROOT = Path(__file__).resolve().parent.parent
SMALL = Settings(max_input_bytes=10_000, max_decoded_bytes=200_000, max_record_bytes=2_000)


def read(*inputs: str | Path, settings: Settings = SMALL) -> list[Article | Reject]:
    return list(read_inputs([str(i) for i in inputs], settings))


def only_reject(items: list[Article | Reject]) -> Reject:
    assert len(items) == 1 and isinstance(items[0], Reject), items
    assert "\n" not in items[0].reason
    return items[0]


def test_billion_laughs_feed_is_not_expanded():
    items = read(FIX / "feed_billion_laughs.xml", settings=Settings())
    texts = " ".join(i.text for i in items if isinstance(i, Article))
    assert "lollol" not in texts
    assert len(texts) < 1000


def test_quadratic_blowup_feed_is_not_expanded(tmp_path):
    # One long "safe" entity referenced many times: feedparser itself would keep its declaration.
    entity = "a" * 20_000
    refs = "&big;" * 2_000
    feed = (f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY big "{entity}">]>\n'
            f'<rss version="2.0"><channel><title>Q</title><item><title>Blow-up</title>'
            f'<description>Start {refs} end.</description></item></channel></rss>')
    path = tmp_path / "quadratic.rss"
    path.write_text(feed)
    items = read(path, settings=Settings())
    texts = " ".join(i.text for i in items if isinstance(i, Article))
    assert "a" * 1000 not in texts
    assert len(texts) < len(feed)


def test_external_file_entity_is_not_read():
    items = read(FIX / "feed_xxe_file.xml", settings=Settings())
    texts = " ".join(i.text for i in items if isinstance(i, Article))
    assert "root:" not in texts


@pytest.mark.parametrize(
    ("name", "words"),
    [("image.txt", "binary"), ("empty.txt", "empty")],
)
def test_binary_and_empty_files_are_rejected(name, words):
    reject = only_reject(read(FIX / name))
    assert reject.input == str(FIX / name)
    assert words in reject.reason


def test_whitespace_only_file_is_rejected(tmp_path):
    (tmp_path / "blank.txt").write_text("  \n\t\n")
    assert "no text" in only_reject(read(tmp_path / "blank.txt")).reason


def test_file_over_size_limit_is_rejected_naming_the_limit(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("Long article text. " * 2_000)
    reject = only_reject(read(big))
    assert "max_input_bytes" in reject.reason


def test_missing_path_and_device_are_rejected():
    assert "no such file" in only_reject(read("/no/such/input.txt")).reason
    assert "not a regular file" in only_reject(read("/dev/zero")).reason


@pytest.fixture(scope="module")
def bomb_bytes() -> dict[str, bytes]:
    """50 MB of filler gzipped to about 50 KB: newlines (many empty rows) and one endless CSV field."""
    return {
        "lines": gzip.compress(b"\n" * 50_000_000, compresslevel=9),
        "csv": gzip.compress(b"id,text\n" + b"0" * 50_000_000, compresslevel=9),
    }


@pytest.mark.parametrize("suffix", [".jsonl.gz", ".csv.gz", ".txt.gz", ".warc.gz"])
def test_gzip_bomb_is_rejected_with_bounded_memory(tmp_path, bomb_bytes, suffix):
    bomb = tmp_path / f"bomb{suffix}"
    bomb.write_bytes(bomb_bytes["csv" if suffix == ".csv.gz" else "lines"])
    tracemalloc.start()
    try:
        items = read(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert items and isinstance(items[-1], Reject)
    assert "limit" in items[-1].reason
    assert not any(isinstance(i, Article) for i in items)
    assert peak < 20_000_000  # far below the 50 MB the bomb decodes to


def test_jsonl_overlong_row_rejected_other_rows_go_on(tmp_path):
    path = tmp_path / "rows.jsonl"
    rows = [{"id": "1", "text": "Short row."}, {"id": "2", "text": "x" * 5_000}, {"id": "3", "text": "Last row."}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    items = read(path)
    assert [i.article_id for i in items if isinstance(i, Article)] == ["1", "3"]
    [reject] = [i for i in items if isinstance(i, Reject)]
    assert reject.input == f"{path}:2" and "max_record_bytes" in reject.reason


def test_jsonl_invalid_utf8_and_non_object_rows(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_bytes(b'{"text": "ok"}\n{"text": "\xff\xfe"}\n[1, 2]\n{"text": "fine", "id": {"a": 1}}\n')
    items = read(path)
    assert [i.text for i in items if isinstance(i, Article)] == ["ok"]
    reasons = {i.input.rsplit(":", 1)[1]: i.reason for i in items if isinstance(i, Reject)}
    assert set(reasons) == {"2", "3", "4"}
    assert "UTF-8" in reasons["2"] and "object" in reasons["3"] and "id" in reasons["4"]


def test_csv_without_text_column_is_rejected(tmp_path):
    path = tmp_path / "no_text.csv"
    path.write_text("id,body\n1,hello\n")
    assert "text" in only_reject(read(path)).reason


def test_broken_warc_is_rejected(tmp_path):
    path = tmp_path / "broken.warc"
    path.write_bytes(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 999999\r\n\r\nshort")
    items = read(path, settings=Settings())
    assert items and isinstance(items[-1], Reject)


def test_pathological_page_times_out_in_worker_and_batch_goes_on(tmp_path):
    attrs = " ".join(f'a{i}="v"' for i in range(200_000))
    slow = tmp_path / "a_slow.html"
    slow.write_text(f"<html><body><div {attrs}><p>Talks between delegations went on.</p></div></body></html>")
    fine = tmp_path / "b_fine.html"
    fine.write_bytes((FIX / "page.html").read_bytes())
    settings = Settings(extract_in_subprocess=True, extract_timeout=1.0)
    items = read(slow, fine, settings=settings)
    assert isinstance(items[0], Reject) and items[0].input == str(slow)
    assert "extract_timeout" in items[0].reason
    assert isinstance(items[1], Article) and items[1].title == "Envoys meet in Geneva"


def test_page_over_memory_limit_is_rejected_and_worker_goes_on(tmp_path):
    rows = "".join(f"<tr><td>cell {i}</td><td>value {i} text</td><td>more {i}</td></tr>" for i in range(150_000))
    huge = tmp_path / "a_table.html"
    huge.write_text(f"<html><body><article><p>Intro.</p><table>{rows}</table></article></body></html>")
    settings = Settings(extract_in_subprocess=True, extract_memory_mb=400, extract_timeout=300,
                        max_input_bytes=50_000_000)
    items = read(huge, FIX / "page.html", settings=settings)
    assert isinstance(items[0], Reject) and "extract_memory_mb" in items[0].reason
    assert isinstance(items[1], Article) and items[1].title == "Envoys meet in Geneva"


def test_worker_extracts_like_in_process():
    in_process = read(FIX / "page_cp1251.html", settings=Settings())
    in_worker = read(FIX / "page_cp1251.html", settings=Settings(extract_in_subprocess=True))
    assert in_process == in_worker


def test_cli_reports_bad_input_on_one_line_and_prints_good_ones():
    proc = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "communique"), "analyze", str(FIX / "image.txt"), str(FIX / "statement.txt")],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    reject_lines = [line for line in proc.stderr.splitlines() if "image.txt" in line]
    assert len(reject_lines) == 1 and "binary" in reject_lines[0]
    out = json.loads(proc.stdout)
    assert out["article"]["text"] == (FIX / "statement.txt").read_text("utf-8")


def test_stdin_over_limit_is_rejected(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO(b"word " * 5_000))))
    reject = only_reject(read("-"))
    assert reject.input == "stdin" and "max_input_bytes" in reject.reason
