"""More hostile input (issue 11): DNS rebinding, HTTP body bombs, deep nesting, text hygiene.

Complements test_ingest_hostile.py and test_fetch.py; every server here listens on 127.0.0.1 only.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import sys
import threading
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import urllib3.util.connection

from communique.config import Settings
from communique.errors import FetchRefused
from communique.ingest import read_inputs
from communique.ingest.fetch import check_host
from communique.records import Article, Reject
from communique.store import ingest, open_store
from conftest import FIXTURES

sys.path.insert(0, str(FIXTURES / "store"))
from fake_pipeline import FakePipeline  # noqa: E402

PAGE = (FIXTURES / "ingest" / "page.html").read_bytes()
PUBLIC = "93.184.216.34"  # a global unicast address; nothing is ever sent to it


def read(*inputs: str | Path, settings: Settings) -> list[Article | Reject]:
    return list(read_inputs([str(i) for i in inputs], settings))


class Server:
    """127.0.0.1 server: path → (headers, body); records the Host header of each request."""

    def __init__(self, routes: dict[str, tuple[dict[str, str], bytes]]) -> None:
        self.hosts: list[str | None] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                outer.hosts.append(self.headers.get("Host"))
                headers, body = routes.get(self.path, ({}, b"missing"))
                self.send_response(200 if self.path in routes else 404)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except OSError:
                    pass  # the client hung up early: that is the point of a bomb test

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def zeros_bomb(megabytes: int, container: str) -> bytes:
    """``megabytes`` MB of zeros compressed (about 1 KB per MB), built without compressing them all.

    One fully flushed deflate block of 1 MB of zeros is repeated: each copy is a valid,
    byte-aligned, non-final block. The trailer checksum is left zero (a reader that honours its
    limit never gets there).
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(b"\0" * (1 << 20)) + compressor.flush(zlib.Z_FULL_FLUSH)
    blocks = block * megabytes + b"\x03\x00"  # an empty final block
    if container == "gzip":
        return b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + blocks + b"\0" * 8
    return b"\x78\x9c" + blocks + b"\0" * 4  # zlib, what HTTP calls "deflate"


# --- SSRF: DNS rebinding -----------------------------------------------------------------


@pytest.fixture()
def page_server() -> Iterator[Server]:
    srv = Server({"/page": ({"Content-Type": "text/html; charset=utf-8"}, PAGE)})
    yield srv
    srv.close()


def test_rebinding_resolver_cannot_swap_the_checked_address(page_server, monkeypatch):
    """First answer public, every later answer 127.0.0.1: the fetcher asks once and connects
    to the address it checked (a second lookup would have reached loopback)."""
    real_getaddrinfo = socket.getaddrinfo
    lookups: list[str] = []

    def rebinding(host, port, *args, **kwargs):  # type: ignore[no-untyped-def]
        if host == "rebind.test":
            lookups.append(host)
            answer = PUBLIC if len(lookups) == 1 else "127.0.0.1"
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answer, port))]
        return real_getaddrinfo(host, port, *args, **kwargs)

    connected: list[tuple[str, int]] = []

    def connect_recorder(address, *args, **kwargs):  # type: ignore[no-untyped-def]
        connected.append(address)
        # Stand in for the public site: the recorded target is what matters, the bytes come from
        # the local test server so the fetch can complete.
        return socket.create_connection(("127.0.0.1", page_server.port), timeout=5)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    monkeypatch.setattr(urllib3.util.connection, "create_connection", connect_recorder)
    [page] = read(f"http://rebind.test:{page_server.port}/page", settings=Settings(fetch_timeout=5.0))
    assert isinstance(page, Article) and page.title == "Envoys meet in Geneva"
    assert lookups == ["rebind.test"]  # resolved exactly once
    assert connected == [(PUBLIC, page_server.port)]  # connected to the checked address, not 127.0.0.1
    assert page_server.hosts == [f"rebind.test:{page_server.port}"]  # Host header keeps the name


def test_resolver_answering_private_first_is_refused_before_any_connection(monkeypatch):
    real_getaddrinfo = socket.getaddrinfo

    def private_answer(host, port, *args, **kwargs):  # type: ignore[no-untyped-def]
        if host == "internal.test":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC, port)),
                    (socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("64:ff9b::a9fe:a9fe", port, 0, 0))]
        return real_getaddrinfo(host, port, *args, **kwargs)

    def no_connection(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("a refused host must never be connected to")

    monkeypatch.setattr(socket, "getaddrinfo", private_answer)
    monkeypatch.setattr(urllib3.util.connection, "create_connection", no_connection)
    [reject] = read("http://internal.test/latest/meta-data/", settings=Settings())
    # one public and one NAT64-wrapped link-local (cloud metadata) answer: any bad answer refuses
    assert isinstance(reject, Reject) and "refused" in reject.reason and "169.254.169.254" in reject.reason


@pytest.mark.parametrize(
    ("host", "embedded"),
    [("64:ff9b::7f00:1", "127.0.0.1"), ("64:ff9b::127.0.0.1", "127.0.0.1"), ("2002:7f00:1::", "127.0.0.1"),
     ("2002:a00:1::1", "10.0.0.1"), ("64:ff9b:1::a9fe:a9fe", "169.254.169.254"),
     ("::ffff:169.254.169.254", "169.254.169.254")],
)
def test_nat64_6to4_and_mapped_forms_are_unwrapped(host, embedded):
    with pytest.raises(FetchRefused) as info:
        check_host(host, 80, Settings())
    assert embedded in str(info.value)


def test_private_addresses_need_the_explicit_flag():
    with pytest.raises(FetchRefused):
        check_host("127.0.0.1", 80, Settings())
    assert check_host("127.0.0.1", 80, Settings(allow_private=True)) == ipaddress.ip_address("127.0.0.1")


# --- Bombs: compressed HTTP bodies -------------------------------------------------------


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_compressed_http_body_bomb_is_rejected_fast_with_bounded_memory(encoding):
    bomb = zeros_bomb(1024, encoding)  # 1 GiB of zeros in about 1 MB
    srv = Server({"/bomb": ({"Content-Type": "text/html", "Content-Encoding": encoding}, bomb)})
    try:
        tracemalloc.start()
        started = time.monotonic()
        try:
            [reject] = read(f"http://127.0.0.1:{srv.port}/bomb", settings=Settings(allow_private=True))
            elapsed = time.monotonic() - started
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    finally:
        srv.close()
    assert isinstance(reject, Reject) and "max_input_bytes" in reject.reason
    assert peak < 100_000_000  # 20 MB limit plus buffers, never the gigabyte
    assert elapsed < 10  # generous for a shared machine; measured well under a second


# --- Bounded extraction: deep nesting ----------------------------------------------------


def test_deeply_nested_page_is_bounded_and_the_batch_goes_on(tmp_path):
    deep = tmp_path / "a_deep.html"
    depth = 100_000
    deep.write_text("<html><body>" + "<div>" * depth + "<p>Envoys talked late into the night.</p>"
                    + "</div>" * depth + "</body></html>")
    settings = Settings(extract_in_subprocess=True, extract_timeout=20.0)
    items = read(deep, FIXTURES / "ingest" / "page.html", settings=settings)
    assert len(items) == 2
    assert isinstance(items[0], Article | Reject)  # either is fine: no crash, no hang
    if isinstance(items[0], Reject):
        assert items[0].input == str(deep) and "\n" not in items[0].reason
    assert isinstance(items[1], Article) and items[1].title == "Envoys meet in Geneva"


# --- Text hygiene ------------------------------------------------------------------------

SURROGATE = "\ud800"


def _has_bad_chars(value: object) -> bool:
    text = json.dumps(value, ensure_ascii=False, default=str) if not isinstance(value, str) else value
    return any(0xD800 <= ord(c) <= 0xDFFF or c == "\x00" for c in text)


@pytest.fixture()
def dirty_inputs(tmp_path) -> list[Path]:
    jsonl = tmp_path / "dirty.jsonl"
    # JSON escapes make unpaired surrogates and control characters in every kind of field.
    rows = [
        '{"id": "s\\ud800", "text": "Iran and Russia met \\ud83d alone.", "title": "T\\udfff",'
        ' "url": "http://x.test/\\ud800", "desk\\udc00": ["\\ud800", {"k": "\\u0000"}]}',
        '{"text": "Norway\\u0000 and Kenya\\u0001\\u001b agreed \\u202e\\ufeff.", "title": "\\u0007bell"}',
    ]
    jsonl.write_text("\n".join(rows) + "\n", encoding="ascii")
    csv_file = tmp_path / "dirty.csv"
    csv_file.write_bytes(b"id,text\nc1,Brazil spoke \xff\xfe of \xed\xa0\x80 trade.\n")
    text = tmp_path / "dirty.txt"
    text.write_bytes(b"Kenya said \xc3\x28 \xed\xa0\x80 yes, once.\n")
    return [jsonl, csv_file, text]


def test_surrogates_nul_and_invalid_bytes_are_cleaned_at_ingest(dirty_inputs):
    items = read(*dirty_inputs, settings=Settings())
    articles = [i for i in items if isinstance(i, Article)]
    assert len(articles) == 4, items
    for article in articles:
        for field in (article.article_id, article.text, article.title, article.url, article.meta):
            assert not _has_bad_chars(field), (article.article_id, field)
    first = articles[0]
    assert first.text == "Iran and Russia met \ufffd alone."  # one character for one: spans stay valid
    assert first.article_id == "s\ufffd"
    # other control characters are text, kept where they are
    assert "\x01\x1b" in articles[1].text and articles[1].text.startswith("Norway\ufffd")


def test_store_write_never_fails_on_dirty_text(dirty_inputs, tmp_path):
    summary = ingest([str(p) for p in dirty_inputs], tmp_path / "store", Settings(), pipeline=FakePipeline())
    assert summary.stored == 4 and summary.exit_code == 0, summary.line()
    store = open_store(tmp_path / "store")
    try:
        rows = store.sql("SELECT article_id, text, title, url, meta FROM articles ORDER BY article_id").to_pylist()
    finally:
        store.close()
    assert len(rows) == 4
    assert not any(_has_bad_chars(row) for row in rows)


def test_surrogate_in_a_json_key_is_cleaned(tmp_path):
    path = tmp_path / "keys.jsonl"
    path.write_text('{"text": "Brazil spoke.", "\\ud800": 1}\n', encoding="ascii")
    [article] = read(path, settings=Settings())
    assert isinstance(article, Article) and article.meta == {"\ufffd": 1}


def test_undecodable_file_names_are_stored_and_rejected_cleanly(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    good = bytes(folder) + b"/good\xff.txt"
    bad = bytes(folder) + b"/bad\xfe.txt"
    with open(good, "wb") as handle:
        handle.write(b"Iran and Kenya met.\n")
    with open(bad, "wb") as handle:
        handle.write(b"\x00\x01\x02" * 100)
    summary = ingest([str(folder)], tmp_path / "store", Settings(), pipeline=FakePipeline())
    assert summary.stored == 1 and summary.rejected == 1, summary.line()
    store = open_store(tmp_path / "store")
    try:
        rows = store.sql("SELECT article_id, source FROM articles").to_pylist()
        coverage = store.sql("SELECT * FROM coverage").to_pylist()
    finally:
        store.close()
    assert not any(_has_bad_chars(row) for row in rows + coverage)


# --- XML prologs: external DTDs, parameter entities, pathological DOCTYPEs ---------------


def test_external_dtd_and_parameter_entities_are_never_requested(tmp_path):
    srv = Server({"/evil.dtd": ({"Content-Type": "application/xml-dtd"}, b'<!ENTITY x "pwned">')})
    try:
        base = f"http://127.0.0.1:{srv.port}"
        feeds = {
            "dtd.rss": f'<?xml version="1.0"?>\n<!DOCTYPE rss SYSTEM "{base}/evil.dtd">\n',
            "public.rss": f'<?xml version="1.0"?>\n<!DOCTYPE rss PUBLIC "-//X//EN" "{base}/evil.dtd">\n',
            "param.rss": f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY % p SYSTEM "{base}/evil.dtd"> %p;]>\n',
        }
        for name, prolog in feeds.items():
            (tmp_path / name).write_text(
                prolog + '<rss version="2.0"><channel><title>F</title><item><title>Talks</title>'
                "<description>Envoys met. &x;</description></item></channel></rss>")
        items = read(*(tmp_path / name for name in feeds), settings=Settings(allow_private=True))
    finally:
        srv.close()
    assert srv.hosts == []  # no DTD was fetched
    assert all("pwned" not in i.text for i in items if isinstance(i, Article))
    assert [i.title for i in items if isinstance(i, Article)] == ["Talks"] * 3


@pytest.mark.parametrize(
    "prolog",
    [b"<!DOCTYPE x " + b"[]" * 500_000, b"<!DOCTYPE [" * 200_000, b"<!DOCTYPE x [" + b"]" * 500_000,
     b"<!DOCTYPE " + b"'" * 500_000],
)
def test_pathological_doctype_is_stripped_in_linear_time(tmp_path, prolog):
    # "<!DOCTYPE x [][][]..." made the former DOCTYPE regex backtrack for minutes (a ReDoS).
    path = tmp_path / "prolog.rss"
    path.write_bytes(b'<?xml version="1.0"?>\n' + prolog + b'\n<rss version="2.0"><channel><title>F</title>'
                     b"<item><title>Talks</title><description>Envoys met.</description></item></channel></rss>")
    started = time.monotonic()
    items = read(path, settings=Settings())
    assert time.monotonic() - started < 10  # measured well under a second; minutes before the fix
    assert [i.title for i in items if isinstance(i, Article)] == ["Talks"]


def test_warc_with_wrong_lengths_writes_nothing_to_stderr(tmp_path, capfd):
    body = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><p>Envoys met.</p></body></html>"
    record = (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://x.test/a\r\n"
              b"Content-Length: 10\r\n\r\n" + body + b"\r\n\r\n")
    path = tmp_path / "lengths.warc"
    path.write_bytes(record * 3)
    items = read(path, settings=Settings())
    assert items and all(isinstance(i, Article | Reject) for i in items)
    assert capfd.readouterr().err == ""  # warcio's multi-line warnings are silenced
