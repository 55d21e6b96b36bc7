"""URL inputs: fetched under SSRF checks from a tiny local server (no external network)."""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from communique.config import Settings
from communique.ingest import fetch as fetch_module
from communique.ingest import read_inputs
from communique.ingest.fetch import forbidden_reason
from communique.records import Article, Reject

FIX = Path(__file__).parent / "fixtures" / "ingest"
PRIVATE_OK = Settings(allow_private=True, fetch_timeout=5.0)


class Server:
    """A local HTTP server whose routes tests fill in; it records every request."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.requests: list[tuple[str, str | None]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                outer.requests.append((self.path, self.headers.get("Host")))
                status, headers, body = outer.routes.get(self.path, (404, {}, b"not found"))
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value.replace("{port}", str(outer.port)))
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture()
def server() -> Iterator[Server]:
    srv = Server()
    srv.routes["/page"] = (200, {"Content-Type": "text/html; charset=utf-8"}, (FIX / "page.html").read_bytes())
    srv.routes["/feed"] = (200, {"Content-Type": "application/rss+xml"}, (FIX / "feed.rss").read_bytes())
    srv.routes["/feed-as-xml"] = (200, {"Content-Type": "text/xml"}, (FIX / "feed.atom").read_bytes())
    srv.routes["/to-loopback"] = (302, {"Location": "http://127.0.0.1:{port}/page"}, b"")
    srv.routes["/to-decimal"] = (302, {"Location": "http://2130706433:{port}/page"}, b"")
    srv.routes["/loop"] = (302, {"Location": "/loop"}, b"")
    srv.routes["/big"] = (200, {"Content-Type": "text/plain"}, b"words " * 20_000)
    yield srv
    srv.close()


def read(*inputs: str, settings: Settings) -> list[Article | Reject]:
    return list(read_inputs(list(inputs), settings))


def test_private_address_refused_by_default(server):
    [reject] = read(server.url("/page"), settings=Settings())
    assert isinstance(reject, Reject) and "loopback" in reject.reason and "allow_private" in reject.reason
    assert server.requests == []


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "localhost", "2130706433", "0x7f000001", "127.1", "0", "0177.0.0.1", "0x7f.1",
     "[::1]", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[64:ff9b::7f00:1]", "[2002:7f00:1::]", "[::127.0.0.1]"],
)
def test_every_loopback_spelling_is_refused(server, host):
    [reject] = read(server.url("/page", host=host), settings=Settings())
    assert isinstance(reject, Reject) and "refused" in reject.reason
    assert server.requests == []


@pytest.mark.parametrize(
    "address",
    ["10.1.2.3", "172.16.0.9", "192.168.1.1", "169.254.169.254", "100.64.0.1", "224.0.0.1", "240.0.0.1",
     "0.0.0.0", "fe80::1", "fc00::1", "ff02::1", "::ffff:10.0.0.1", "64:ff9b::a00:1", "2002:c0a8:101::1"],
)
def test_non_public_addresses_have_a_reason(address):
    assert forbidden_reason(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "64:ff9b::808:808"])
def test_public_addresses_are_allowed(address):
    assert forbidden_reason(ipaddress.ip_address(address)) is None


def test_allowed_private_page_is_fetched_and_extracted(server):
    [page] = read(server.url("/page"), settings=PRIVATE_OK)
    assert isinstance(page, Article)
    assert page.title == "Envoys meet in Geneva" and page.published == "2025-02-11"
    assert page.url == server.url("/page")
    assert page.source == f"http://127.0.0.1:{server.port}"


def test_feed_url_is_parsed_as_feed_by_content_type_or_sniffing(server):
    items = read(server.url("/feed"), server.url("/feed-as-xml"), settings=PRIVATE_OK)
    titles = [i.title for i in items if isinstance(i, Article)]
    assert titles == ["Iceland and Canada sign Arctic research pact", "Mongolia hosts a mining forum"]
    # item links are not fetched by default
    assert [path for path, _ in server.requests] == ["/feed", "/feed-as-xml"]


def test_redirect_to_private_address_is_refused_on_the_hop(server, monkeypatch):
    real_check = fetch_module.check_host

    def public_test_host(host: str, port: int, settings: Settings):
        # "public.test" stands for a public site whose DNS answer the test controls.
        if host == "public.test":
            return ipaddress.ip_address("127.0.0.1")
        return real_check(host, port, settings)

    monkeypatch.setattr(fetch_module, "check_host", public_test_host)
    [page] = read(server.url("/page", host="public.test"), settings=Settings())
    assert isinstance(page, Article)
    assert server.requests[-1] == ("/page", f"public.test:{server.port}")  # Host header is the name
    for path in ("/to-loopback", "/to-decimal"):
        [reject] = read(server.url(path, host="public.test"), settings=Settings())
        assert isinstance(reject, Reject) and "refused" in reject.reason and "redirected" in reject.reason
    assert [p for p, _ in server.requests].count("/page") == 1  # the redirect targets were never requested


def test_redirect_loop_and_http_errors_and_size_limit(server):
    settings = PRIVATE_OK.with_(max_input_bytes=50_000)
    loop, missing, big = read(server.url("/loop"), server.url("/missing"), server.url("/big"), settings=settings)
    assert isinstance(loop, Reject) and "max_redirects" in loop.reason
    assert isinstance(missing, Reject) and "404" in missing.reason
    assert isinstance(big, Reject) and "max_input_bytes" in big.reason


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/file", "gopher://x/"])
def test_other_url_schemes_are_refused(url):
    [reject] = read(url, settings=PRIVATE_OK)
    assert isinstance(reject, Reject) and "scheme" in reject.reason


def test_external_http_entity_in_feed_is_never_requested(server, tmp_path):
    feed = tmp_path / "xxe.rss"
    feed.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY remote SYSTEM "{server.url("/xxe")}">]>\n'
        '<rss version="2.0"><channel><title>X</title><item><title>Remote entity</title>'
        "<description>Before &remote; after.</description></item></channel></rss>"
    )
    items = read(str(feed), settings=PRIVATE_OK)
    assert any(isinstance(i, Article) for i in items)
    assert server.requests == []


def test_feed_item_links_fetched_only_when_allowed(server):
    server.routes["/feed-no-text"] = (200, {"Content-Type": "application/rss+xml"}, (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        f'<item><title>Envoys</title><link>{server.url("/page")}</link></item></channel></rss>'
    ).encode())
    [reject] = read(server.url("/feed-no-text"), settings=PRIVATE_OK)
    assert isinstance(reject, Reject) and "fetch_feed_links" in reject.reason
    [page] = read(server.url("/feed-no-text"), settings=PRIVATE_OK.with_(fetch_feed_links=True))
    assert isinstance(page, Article) and page.title == "Envoys meet in Geneva"
