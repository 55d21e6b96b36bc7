"""Ingest: every input format becomes articles with the right text, ids and metadata."""

from __future__ import annotations

import gzip
import io
import json
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from communique.config import Settings
from communique.ingest import content_id, read_inputs
from communique.ingest.dates import to_iso_date
from communique.ingest.text import clean_text, decode_bytes, header_charset
from communique.records import Article, Reject

FIX = Path(__file__).parent / "fixtures" / "ingest"
SETTINGS = Settings()


def read(*inputs: str | Path, settings: Settings = SETTINGS) -> list[Article | Reject]:
    return list(read_inputs([str(i) for i in inputs], settings))


def articles(items: list[Article | Reject]) -> list[Article]:
    return [i for i in items if isinstance(i, Article)]


def rejects(items: list[Article | Reject]) -> list[Reject]:
    return [i for i in items if isinstance(i, Reject)]


def test_plain_text_is_kept_exactly_as_given():
    [article] = read(FIX / "statement.txt")
    raw = (FIX / "statement.txt").read_text("utf-8")
    assert article.text == raw  # double spaces, tabs and the final newline included
    assert article.article_id == content_id(raw)
    assert article.source == str(FIX / "statement.txt")
    assert article.published is None


def test_markdown_title_from_first_heading_text_unchanged():
    [article] = read(FIX / "briefing.md")
    assert article.title == "Ministers agree on a shipping corridor"
    assert article.text == (FIX / "briefing.md").read_text("utf-8")


def test_content_id_is_stable_and_content_derived():
    assert content_id("same text") == content_id("same text")
    assert content_id("same text") != content_id("other text")
    [first] = read(FIX / "statement.txt")
    [again] = read(FIX / "statement.txt")
    assert first.article_id == again.article_id


def test_jsonl_rows_ids_meta_dates_and_bad_rows():
    items = read(FIX / "rows.jsonl")
    by_id = {a.article_id: a for a in articles(items)}
    wire = by_id["wire/2025/0001"]  # a given id is kept verbatim, slashes included
    assert wire.text == "Brazil and Argentina signed a trade memorandum on Friday.  Both presidents attended."
    assert wire.title == "Trade memorandum"
    assert wire.url == "https://news.example.org/trade"
    assert wire.published == "2025-04-18"
    assert wire.meta == {"desk": "americas"}
    assert wire.source == "https://news.example.org"
    hashed = next(a for a in articles(items) if a.text.startswith("Without an id"))
    assert hashed.article_id == content_id(hashed.text)
    assert hashed.published == "2025-04-18"  # "18 April 2025" normalised
    assert hashed.source == str(FIX / "rows.jsonl")
    # unpaired surrogate and NUL replaced one-for-one; unknown date stays unknown
    broken = by_id["surrogate"]
    assert "\ud800" not in broken.text and "\x00" not in broken.text
    assert len(broken.text) == len("Broken \ud800 surrogate and a NUL \x00 in text.")
    assert broken.published is None
    bad = {r.input: r.reason for r in rejects(items)}
    assert set(bad) == {f"{FIX / 'rows.jsonl'}:3", f"{FIX / 'rows.jsonl'}:4"}
    assert "text" in bad[f"{FIX / 'rows.jsonl'}:3"]
    assert "JSON" in bad[f"{FIX / 'rows.jsonl'}:4"]


def test_csv_rows_with_multiline_field_and_bad_row():
    items = read(FIX / "rows.csv")
    ok = {a.article_id: a for a in articles(items)}
    assert ok["csv-1"].title == "Drills" and ok["csv-1"].published == "2025-03-02"
    assert ok["csv-1"].meta == {"region": "asia"}
    assert ok["csv-3"].text == "A second, longer row\nspanning two lines."
    [bad] = rejects(items)
    assert bad.input == f"{FIX / 'rows.csv'}:3" and "empty" in bad.reason


def test_gzipped_jsonl_and_csv(tmp_path):
    rows = [{"id": f"gz/{n}", "text": f"Row number {n} about a visit.", "lang": "en"} for n in range(3)]
    (tmp_path / "rows.jsonl.gz").write_bytes(gzip.compress("\n".join(json.dumps(r) for r in rows).encode()))
    (tmp_path / "rows.csv.gz").write_bytes(gzip.compress(b"id,text\nc/1,First csv row\nc/2,Second csv row\n"))
    items = read(tmp_path / "rows.jsonl.gz", tmp_path / "rows.csv.gz")
    assert [a.article_id for a in articles(items)] == ["gz/0", "gz/1", "gz/2", "c/1", "c/2"]
    assert articles(items)[0].meta == {"lang": "en"}


def test_html_page_text_and_metadata():
    [page] = read(FIX / "page.html")
    assert "Envoys from Ghana and Senegal met in Geneva" in page.text
    assert "river flow data" in page.text
    assert "Subscribe" not in page.text and "Sport" not in page.text
    assert page.title == "Envoys meet in Geneva"
    assert page.published == "2025-02-11"
    assert page.author == "Mara Lindqvist"
    assert page.site == "The Example Courier"
    assert page.url == "https://courier.example.com/world/envoys-geneva"
    assert page.article_id == content_id(page.text)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("page_cp1251.html", "Министр иностранных дел Монголии"), ("page_sjis.html", "外務大臣は木曜日")],
)
def test_html_charset_declared_only_in_meta(name, expected):
    [page] = read(FIX / name)
    assert expected in page.text
    assert "\ufffd" not in page.text


def test_charset_cascade_header_then_meta_then_detection():
    html = '<html><head><meta charset="windows-1251"></head><body>Привет</body></html>'
    data = html.encode("windows-1251")
    assert "Привет" in decode_bytes(data)  # from <meta>
    assert "Привет" in decode_bytes(html.encode("koi8-r"), header_charset("text/html; charset=koi8-r"))  # header wins
    undeclared = ("Переговоры продолжатся на следующей неделе в столице. " * 20).encode("windows-1251")
    assert "Переговоры" in decode_bytes(undeclared)  # detection


def test_malformed_html_still_gives_text():
    [page] = read(FIX / "malformed.html")
    assert isinstance(page, Article)
    assert "resumed border talks" in page.text


def test_rss_items_become_articles_without_fetching_links():
    items = read(FIX / "feed.rss")
    [article] = articles(items)
    assert article.title == "Iceland and Canada sign Arctic research pact"
    assert article.url == "https://wire.example.net/arctic-pact"
    assert article.published == "2025-04-14"
    assert article.text == "Iceland and Canada signed a research pact on Monday.\nThe agreement covers ice monitoring."
    assert article.meta["guid"] == "https://wire.example.net/arctic-pact"
    [missing] = rejects(items)
    assert missing.input.endswith("feed.rss#item2") and "fetch_feed_links" in missing.reason


def test_atom_entry_with_author_and_self_link_source():
    [entry] = read(FIX / "feed.atom")
    assert entry.author == "Bat Erdene"
    assert entry.published == "2025-05-01"
    assert entry.source == "https://atom.example.net/feed.atom"
    assert entry.text.startswith("Mongolia hosted a mining forum")


def _warc(path: Path, records: list[tuple[str, str, bytes]], gz: bool) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=gz)
        for uri, content_type, body in records:
            headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                uri, "response", payload=io.BytesIO(body), http_headers=headers,
                warc_headers_dict={"WARC-Date": "2025-06-03T12:00:00Z"},
            )
            writer.write_record(record)


@pytest.mark.parametrize("gz", [False, True])
def test_warc_html_responses_become_articles(tmp_path, gz):
    page = (FIX / "page.html").read_bytes()
    undated = (b"<html><body><article><p>" + b"Delegations from Laos and Cambodia met to discuss river dams. " * 5
               + b"</p></article></body></html>")
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    _warc(path, [
        ("https://courier.example.com/world/envoys-geneva", "text/html; charset=utf-8", page),
        ("https://cdn.example.com/logo.png", "image/png", b"\x89PNG\r\n"),
        ("https://news.example.com/dams", "text/html", undated),
    ], gz)
    found = articles(read(path))
    assert [a.url for a in found] == ["https://courier.example.com/world/envoys-geneva", "https://news.example.com/dams"]
    assert found[0].published == "2025-02-11"  # the page's own date
    assert found[1].published == "2025-06-03"  # the capture date when the page has none
    assert "Laos and Cambodia" in found[1].text


def test_directory_is_read_recursively_sorted_skipping_hidden(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "b" / "two.txt").write_text("Second article text.")
    (tmp_path / "a.txt").write_text("First article text.")
    (tmp_path / ".secret.txt").write_text("Hidden file text.")
    (tmp_path / ".hidden" / "c.txt").write_text("Hidden folder text.")
    assert [a.text for a in articles(read(tmp_path))] == ["First article text.", "Second article text."]


@pytest.mark.parametrize(
    ("data", "check"),
    [
        (b'{"id": "in/1", "text": "From a pipe."}\n', lambda a: a.article_id == "in/1"),
        ((FIX / "page.html").read_bytes(), lambda a: a.title == "Envoys meet in Geneva"),
        ((FIX / "feed.atom").read_bytes(), lambda a: a.author == "Bat Erdene"),
        (b"Plain words  from standard input.\n", lambda a: a.text == "Plain words  from standard input.\n"),
    ],
)
def test_stdin_format_is_sniffed(monkeypatch, data, check):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO(data))))  # type: ignore[arg-type]
    [article] = articles(read("-"))
    assert check(article)


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2025-04-18T10:00:00+02:00", "2025-04-18"),
        ("Fri, 18 Apr 2025 10:00:00 GMT", "2025-04-18"),
        ("April 18, 2025", "2025-04-18"),
        ("18.04.2025", "2025-04-18"),
        ("May 2025", None),
        ("04/05/2025", None),
        ("not a date", None),
        ("2025-02-30", None),
    ],
)
def test_dates_normalised_or_unknown(value, iso):
    assert to_iso_date(value) == iso


def test_clean_text_keeps_length_and_offsets():
    dirty = "a\x00b\ud800c"
    assert clean_text(dirty) == "a\ufffdb\ufffdc"
    assert len(clean_text(dirty)) == len(dirty)


def test_packaged_defaults_extract_untrusted_html_in_a_worker():
    # The CLI builds its settings with Settings.load(): untrusted pages get the time/memory bound.
    assert Settings.load().extract_in_subprocess is True


@given(st.text(max_size=200).filter(lambda t: t.strip()))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_jsonl_text_round_trips_exactly(tmp_path, text):
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps({"text": text}) + "\n", encoding="utf-8")
    [article] = read(path)
    assert isinstance(article, Article)
    assert article.text == clean_text(text) and len(article.text) == len(text)
    assert article.article_id == content_id(article.text)
