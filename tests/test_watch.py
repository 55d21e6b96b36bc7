"""Live sources (``ingest --watch``): a feed served on 127.0.0.1 by the test, and folders.

Loopback is refused by the fetcher's private-address guard, so every watcher here is built with
``allow_private`` on, explicitly; one test checks that without it the feed is refused.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import select
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from communique.config import Settings
from communique.errors import StoreError
from communique.ingest.fetch import fetch
from communique.ingest.watch import RetryPolicy, Watcher, retry_after_seconds, state_path
from communique.store import open_store
from conftest import FIXTURES

WATCH = FIXTURES / "watch"
ITEMS = json.loads((WATCH / "items.json").read_text("utf-8"))
LOOPBACK_OK = Settings.load({"allow_private": True})


@dataclass
class Feed:
    """What the test server serves and what it was asked."""

    items: int = 3
    host: str = ""
    build: str = "1"  # part of the body that changes without adding items
    failures: list[tuple[int, str | None]] = field(default_factory=list)  # (status, Retry-After) to send first
    etags: bool = True
    linked: bool = False  # items carry only a link to a page on this server, no text
    requests: list[dict[str, str]] = field(default_factory=list)

    def body(self) -> bytes:
        def content(number: int, item: dict[str, str]) -> str:
            if self.linked:
                return f"<link>http://{self.host}/story/{number}.html</link>"
            return f"<description>{escape(item['text'])}</description>"

        entries = "".join(
            f"<item><guid>{escape(item['guid'])}</guid><title>{escape(item['title'])}</title>"
            f"<pubDate>{item['date']}</pubDate>{content(number, item)}</item>"
            for number, item in enumerate(ITEMS[: self.items])
        )
        return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Watch desk wire</title>'
                f"<link>http://127.0.0.1/</link><description>build {self.build}</description>{entries}"
                f"</channel></rss>").encode()


def _handler(feed: Feed) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            feed.requests.append({k.lower(): v for k, v in self.headers.items()} | {"path": self.path})
            if self.path.startswith("/story/") and self.path[7:-5].isdigit():
                item = ITEMS[int(self.path[7:-5]) % len(ITEMS)]
                page = (f"<!doctype html><html><head><title>{escape(item['title'])}</title></head><body>"
                        f"<article><h1>{escape(item['title'])}</h1><p>{escape(item['text'])}</p></article>"
                        f"</body></html>").encode()
                self._send(200, page, {"Content-Type": "text/html; charset=utf-8"})
                return
            if self.path != "/feed.xml":
                self._send(404, b"not here")
                return
            if feed.failures:
                status, retry_after = feed.failures.pop(0)
                self._send(status, b"busy", {"Retry-After": retry_after} if retry_after else {})
                return
            body = feed.body()
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if feed.etags and self.headers.get("If-None-Match") == etag:
                self._send(304, b"", {"ETag": etag})
                return
            self._send(200, body, {"ETag": etag, "Content-Type": "application/rss+xml"} if feed.etags
                       else {"Content-Type": "application/rss+xml"})

        def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            if status != 304:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status != 304:
                self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def feed() -> Iterator[tuple[Feed, str]]:
    state = Feed()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    state.host = f"127.0.0.1:{httpd.server_address[1]}"
    try:
        yield state, f"http://{state.host}"
    finally:
        httpd.shutdown()
        httpd.server_close()


class Sleeps(list[float]):
    """An injected ``sleep`` that records the delays instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def watcher(sources: list[str], store: Path, pipeline, **options) -> Watcher:  # type: ignore[no-untyped-def]
    options.setdefault("sleep", Sleeps())
    options.setdefault("settle", 0.0)
    return Watcher(sources, store, options.pop("settings", LOOPBACK_OK), pipeline, **options)


def articles(store: Path) -> int:
    with open_store(store) as opened:
        return opened.count("articles")


def status(summary, source: str) -> str:  # type: ignore[no-untyped-def]
    return next(r.status for r in summary.results if r.source == source)


# --- feeds ---------------------------------------------------------------------------------------


def test_new_items_only_and_304_when_nothing_changed(feed, tmp_path, pipeline):
    state, base = feed
    url, store = f"{base}/feed.xml", tmp_path / "store"
    with watcher([url], store, pipeline) as w:
        first = w.run_round()
        assert status(first, url) == "new" and first.items == 3 and first.stored == 3
        assert articles(store) == 3
        assert "if-none-match" not in state.requests[-1]

        second = w.run_round()
        assert status(second, url) == "not-modified" and second.items == 0 and second.stored == 0
        assert state.requests[-1]["if-none-match"].startswith('"')
        assert articles(store) == 3

        state.items = 4  # the wire gains an item
        third = w.run_round()
        assert status(third, url) == "new" and third.items == 1 and third.stored == 1
        assert third.unchanged == 0  # the three known items were not even read again
        assert articles(store) == 4
        assert "1 new" in third.line() and "watch round 3" in third.line()


def test_a_restart_remembers_etag_and_seen_items(feed, tmp_path, pipeline):
    state, base = feed
    url, store = f"{base}/feed.xml", tmp_path / "store"
    with watcher([url], store, pipeline) as w:
        w.run_round()
    saved = json.loads(state_path(store).read_text("utf-8"))
    remembered = next(iter(saved["sources"].values()))
    assert remembered["etag"] and len(remembered["seen"]) == 3 and remembered["last_success"]

    with watcher([url], store, pipeline) as again:
        assert status(again.run_round(), url) == "not-modified"
        # The feed is rebuilt (new ETag) but lists the same items: nothing is read again.
        state.build = "2"
        rebuilt = again.run_round()
        assert status(rebuilt, url) == "unchanged" and rebuilt.items == 0
    assert articles(store) == 3
    assert [r.get("if-none-match") is not None for r in state.requests] == [False, True, True]


def test_server_without_validators_is_read_but_nothing_is_stored_twice(feed, tmp_path, pipeline):
    state, base = feed
    state.etags = False
    url, store = f"{base}/feed.xml", tmp_path / "store"
    with watcher([url], store, pipeline) as w:
        w.run_round()
        again = w.run_round()
    assert status(again, url) == "unchanged" and again.items == 0
    assert articles(store) == 3


def test_item_links_are_fetched_for_new_items_only(feed, tmp_path, pipeline):
    state, base = feed
    state.linked, state.etags = True, False
    url, store = f"{base}/feed.xml", tmp_path / "store"
    settings = LOOPBACK_OK.with_(fetch_feed_links=True)
    pages = lambda: sorted(r["path"] for r in state.requests if r["path"].startswith("/story/"))  # noqa: E731
    with watcher([url], store, pipeline, settings=settings) as w:
        assert w.run_round().stored == 3
        assert pages() == ["/story/0.html", "/story/1.html", "/story/2.html"]
        state.items = 4
        assert w.run_round().stored == 1
    assert pages() == ["/story/0.html", "/story/1.html", "/story/2.html", "/story/3.html"]
    with open_store(store) as opened:
        urls = {row["url"] for row in opened.table("articles").select(["url"]).to_pylist()}
    assert urls == {f"{base}/story/{n}.html" for n in range(4)}


# --- failures and retries --------------------------------------------------------------------------


def test_503_twice_is_retried_with_growing_jittered_backoff(feed, tmp_path, pipeline):
    state, base = feed
    url, store = f"{base}/feed.xml", tmp_path / "store"
    state.failures = [(503, None), (503, None)]
    sleeps = Sleeps()
    policy = RetryPolicy(attempts=4, base_delay=2.0, max_delay=60.0)
    with watcher([url], store, pipeline, sleep=sleeps, rand=lambda: 0.75, retry=policy) as w:
        summary = w.run_round()
    assert status(summary, url) == "new" and summary.stored == 3
    assert summary.results[0].attempts == 3
    assert sleeps == [1.5, 3.0]  # 0.75 of a cap that doubles: 2 s, then 4 s

    # With real jitter every delay lies within its cap and the delays are not the caps themselves.
    rng = random.Random(7)
    delays = [policy.delay(n, rng.random) for n in range(1, 9)]
    caps = [min(60.0, 2.0 * 2 ** (n - 1)) for n in range(1, 9)]
    assert all(0 <= d <= c for d, c in zip(delays, caps, strict=True))
    assert len(set(delays)) == len(delays) and delays != caps
    assert caps[-1] == 60.0  # bounded


def test_giving_up_after_the_last_attempt_keeps_the_store_and_reports_one_line(feed, tmp_path, pipeline):
    state, base = feed
    url, store = f"{base}/feed.xml", tmp_path / "store"
    sleeps = Sleeps()
    with watcher([url], store, pipeline, sleep=sleeps, retry=RetryPolicy(attempts=3)) as w:
        w.run_round()
        state.items = 4
        state.failures = [(500, None)] * 3
        failed = w.run_round()
        result = failed.results[0]
        assert result.status == "failed" and result.error == "HTTP 500 after 3 attempt(s)"
        assert "\n" not in result.error and len(sleeps) == 2
        assert w.source_state(url).failures == 1 and w.source_state(url).last_error == result.error
        assert articles(store) == 3
        recovered = w.run_round()  # the server is back: the new item arrives, nothing twice
        assert recovered.items == 1 and w.source_state(url).failures == 0
    assert articles(store) == 4


def test_retry_after_is_honoured_within_the_bound_and_beyond_it_the_source_waits(feed, tmp_path, pipeline):
    state, base = feed
    url, store = f"{base}/feed.xml", tmp_path / "store"
    sleeps = Sleeps()
    with watcher([url], store, pipeline, sleep=sleeps, retry=RetryPolicy(max_delay=30.0)) as w:
        state.failures = [(429, "7")]
        assert status(w.run_round(), url) == "new"
        assert sleeps == [7.0]

        state.items, state.failures = 4, [(503, "3600")]
        asked = w.run_round()
        assert status(asked, url) == "failed" and "Retry-After" in (asked.results[0].error or "")
        assert sleeps == [7.0]  # no hour-long sleep inside a round
        before = len(state.requests)
        assert status(w.run_round(), url) == "waiting"
        assert len(state.requests) == before  # the server was left alone


def test_retry_after_as_an_http_date():
    now = datetime(2026, 3, 2, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("120", now) == 120.0
    assert retry_after_seconds(format_datetime(datetime(2026, 3, 2, 12, 0, 45, tzinfo=UTC), usegmt=True), now) == 45.0
    assert retry_after_seconds("soon", now) is None and retry_after_seconds(None, now) is None


def test_a_broken_source_does_not_stop_a_good_one(feed, tmp_path, pipeline):
    _, base = feed
    url, store = f"{base}/feed.xml", tmp_path / "store"
    missing, gone = f"{base}/missing.xml", str(tmp_path / "no-such-folder")
    with watcher([missing, gone, url], store, pipeline) as w:
        summary = w.run_round()
        again = w.run_round()
    errors = {r.source: r.error for r in summary.results if r.status == "failed"}
    assert errors == {missing: "HTTP 404", gone: "no such file or directory"}
    assert status(summary, url) == "new" and articles(store) == 3
    assert status(again, url) == "not-modified" and again.failed == 2


def test_loopback_is_refused_unless_allowed(feed, tmp_path, pipeline):
    _, base = feed
    url = f"{base}/feed.xml"
    with watcher([url], tmp_path / "store", pipeline, settings=Settings.load()) as w:
        result = w.run_round().results[0]
    assert result.status == "failed" and "loopback" in (result.error or "") and "allow_private" in (result.error or "")


def test_fetch_passes_headers_but_not_a_host_override(feed):
    state, base = feed
    fetched = fetch(f"{base}/feed.xml", LOOPBACK_OK, {"If-None-Match": '"x"', "Host": "intranet.invalid"})
    assert fetched.status == 200 and fetched.headers["etag"].startswith('"')
    assert state.requests[-1]["if-none-match"] == '"x"' and state.requests[-1]["host"].startswith("127.0.0.1:")
    etag = fetched.headers["etag"]
    not_modified = fetch(f"{base}/feed.xml", LOOPBACK_OK, {"If-None-Match": etag})
    assert not_modified.status == 304 and not_modified.body == b""


# --- folders and state -----------------------------------------------------------------------------


def test_a_folder_source_picks_up_new_and_changed_files_only(tmp_path, pipeline):
    folder, store = tmp_path / "drop", tmp_path / "store"
    shutil.copytree(WATCH / "notes", folder)
    with watcher([str(folder), f"{folder}/"], store, pipeline) as w:  # one folder, spelled twice
        first = w.run_round()
        assert first.items == 2 and first.stored == 2 and len(first.results) == 1
        assert status(w.run_round(), str(folder)) == "unchanged"

        shutil.copy(WATCH / "late-report.txt", folder / "late-report.txt")
        added = w.run_round()
        assert added.items == 1 and added.stored == 1 and articles(store) == 3

        # A file still being written (modified within the settle time) waits for a later round.
        w.settle = 3600.0
        (folder / "fresh.txt").write_text("# Draft\n\nStill being typed.\n", encoding="utf-8")
        assert status(w.run_round(), str(folder)) == "unchanged"

        w.settle = 0.0
        (folder / "fresh.txt").unlink()
        report = folder / "aid-pledge.txt"
        report.write_text(report.read_text("utf-8") + "\nThe first payment is due in May.\n", encoding="utf-8")
        os.utime(report, ns=(1, 1))  # a different stamp whatever the file system's clock resolution
        changed = w.run_round()
        assert changed.items == 1
    assert articles(store) == 4  # the changed report is a new article (its text changed)


def test_a_damaged_state_file_is_reported_and_the_watch_starts_afresh(tmp_path, pipeline):
    folder, store = tmp_path / "drop", tmp_path / "store"
    shutil.copytree(WATCH / "notes", folder)
    with watcher([str(folder)], store, pipeline) as w:
        w.run_round()
    state_path(store).write_text("{not json", encoding="utf-8")
    with watcher([str(folder)], store, pipeline) as w:
        summary = w.run_round()
    assert summary.warnings and "damaged watch state" in summary.warnings[0]
    assert summary.stored == 0 and summary.unchanged == 2  # read again, but the store knew them
    assert articles(store) == 2
    json.loads(state_path(store).read_text("utf-8"))  # rewritten whole


def test_one_watcher_per_store(tmp_path, pipeline):
    store = tmp_path / "store"
    with watcher([str(WATCH / "notes")], store, pipeline), \
            pytest.raises(StoreError, match="another watch is already running on this store"):
        watcher([str(WATCH / "notes")], store, pipeline)
    watcher([str(WATCH / "notes")], store, pipeline).close()  # free again once the first one closed


def test_standard_input_cannot_be_watched(tmp_path, pipeline):
    with pytest.raises(Exception, match="standard input cannot be watched"):
        watcher(["-"], tmp_path / "store", pipeline)


# --- the command -------------------------------------------------------------------------------------


def test_cli_watch_runs_fixed_rounds_and_prints_one_line_each(feed, tmp_path):
    _, base = feed
    url, store = f"{base}/feed.xml", tmp_path / "store"
    run = subprocess.run(
        [sys.executable, "-m", "communique", "ingest", url, f"{base}/missing.xml", "--store", str(store),
         "--watch", "1", "--rounds", "2", "--allow-private"],
        capture_output=True, text=True, timeout=300,
    )
    lines = run.stderr.splitlines()
    assert run.returncode == 1, run.stderr  # one source failed
    assert "Traceback" not in run.stderr
    assert sum(line.startswith("watch round ") for line in lines) == 2
    assert f"watch: {base}/missing.xml: failed: HTTP 404" in lines
    assert any(line.startswith("watch round 2:") and f"{url}: not-modified" in line for line in lines)
    assert lines[-1].startswith("watch: 2 round(s): 3 new item(s), 3 stored")
    assert articles(store) == 3

    misuse = subprocess.run([sys.executable, "-m", "communique", "ingest", url, "--store", str(store), "--rounds", "2"],
                            capture_output=True, text=True, timeout=120)
    assert misuse.returncode == 2 and "--rounds needs --watch" in misuse.stderr


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_cli_watch_stops_cleanly_with_the_totals(tmp_path, stop):
    folder = tmp_path / "drop"
    folder.mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-m", "communique", "ingest", str(folder), "--store", str(tmp_path / "store"), "--watch", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert proc.stderr is not None
        ready, _, _ = select.select([proc.stderr], [], [], 120)
        assert ready, "no round reported"
        assert proc.stderr.readline().startswith("watch round 1:")
        proc.send_signal(stop)
        _, rest = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 0, rest
    assert "Traceback" not in rest and "watch: stopped" in rest
    assert rest.splitlines()[-1].startswith("watch: ") and "round(s)" in rest.splitlines()[-1]


def test_a_stop_request_set_by_a_signal_handler_ends_the_wait():
    # The CLI sets the stop from its SIGINT/SIGTERM handler while the watch waits between rounds;
    # the wait must end with the stop seen (a threading.Event set there can deadlock instead).
    from communique.ingest.watch import StopRequest

    stopping = StopRequest()
    assert stopping.wait(0) is False and not stopping.is_set()
    previous = signal.signal(signal.SIGALRM, lambda signum, frame: stopping.set())
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.05)
        assert stopping.wait(60) is True
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert stopping.is_set()
