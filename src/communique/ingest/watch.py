"""Live sources: poll feeds, pages and folders every few minutes and add what is new to a store.

``communique ingest SOURCE... --store DIR --watch INTERVAL`` runs a ``Watcher``. Each *round*:

1. **poll** every source, holding no store lock (network waits never block another writer):

   - a URL gets a conditional GET (``If-None-Match`` / ``If-Modified-Since`` from what the server
     said last time). ``304`` → nothing to do. ``200`` with a feed → only items whose key (guid,
     else link, else a hash of title and text) was not seen before are read; item links are
     fetched only for those (and only with ``fetch_feed_links``). A page that is not a feed is
     read whole; the store's content hash tells whether it changed;
   - a folder (or a single file) → only files new or changed since the last round (modification
     time and size), skipping files touched in the last ``settle`` seconds (a writer may still be
     busy with them);

   a transient failure (connection error, timeout, 408/429/5xx) is tried again after an
   exponential backoff with full jitter (``delay = random() * min(max_delay, base * 2**n)``), a
   ``Retry-After`` the server sends is honoured when it is within ``max_delay`` and otherwise
   makes the source wait that long before its next poll;
2. **ingest** everything new in one ``store.ingest_items`` run (one writer, batched commits);
3. **remember** per source what was seen — ETag, Last-Modified, seen item keys (the newest
   ``max_seen``), file stamps, last success and failure, consecutive failures — in
   ``<store>/watch/state.json``, written atomically, only after the ingest committed. A crash in
   between costs nothing: the next round reads the same items again and the store finds them
   unchanged.

A source that fails is reported in one line (its name and the reason) and the round goes on.
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Protocol

import msgspec

from communique.config import Settings
from communique.errors import CommuniqueError, InputError, StoreError
from communique.ingest.feeds import feed_articles, is_feed, strip_doctype
from communique.ingest.fetch import Fetched, FetchFailed, fetch, is_url
from communique.ingest.sources import Reader, _walk
from communique.records import Article, Reject

STATE_DIR = "watch"
STATE_FILE = "state.json"
LOCK_FILE = ".watch.lock"  # held while a watcher runs: one watcher per store
STATE_FORMAT = "communique-watch"
STATE_VERSION = 1
# Item keys remembered per feed: far more than any feed lists at once, small enough to rewrite
# every round.
MAX_SEEN = 5000
# A server asking for a pause longer than this is not waited for within a round (seconds).
MAX_NOT_BEFORE = 86_400.0


# --- stopping ------------------------------------------------------------------------------------


class Stop(Protocol):
    """What ``Watcher.run`` asks of a stop request (``threading.Event`` and ``StopRequest`` fit)."""

    def is_set(self) -> bool: ...

    def wait(self, timeout: float | None = None) -> bool: ...


class StopRequest:
    """A stop request a signal handler may set.

    ``threading.Event.set`` takes the event's lock, and a handler runs in the main thread between
    two bytecodes — possibly while that same thread holds the lock inside ``Event.wait``; the
    handler then waits for itself forever (the watch hung on Ctrl-C). Here ``set`` only writes an
    attribute, and ``wait`` sleeps in short slices (a signal cuts a sleep short and the handler
    runs at once), so a stop is seen within ``slice`` seconds.
    """

    def __init__(self, slice: float = 0.1) -> None:
        self._set = False
        self._slice = slice

    def set(self) -> None:
        self._set = True

    def is_set(self) -> bool:
        return self._set

    def wait(self, timeout: float | None = None) -> bool:
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self._set:
            left = self._slice if deadline is None else min(self._slice, deadline - time.monotonic())
            if left <= 0:
                break
            time.sleep(left)
        return self._set


# --- remembered state ------------------------------------------------------------------------------


class SourceState(msgspec.Struct, kw_only=True, omit_defaults=True):
    """What the watcher remembers about one source between rounds (and restarts)."""

    etag: str | None = None
    last_modified: str | None = None
    seen: list[str] = []  # item keys, oldest first, at most ``max_seen``
    files: dict[str, list[int]] = {}  # file (relative to the folder) → [mtime_ns, size] when last read
    last_success: str | None = None
    last_failure: str | None = None
    last_error: str | None = None
    failures: int = 0  # consecutive failed polls
    not_before: str | None = None  # the server asked us to wait until then (Retry-After)
    digest: str | None = None  # SHA-256 of the last body read (for servers without validators)


class WatchState(msgspec.Struct, kw_only=True):
    """The state file: per source (URL, or absolute path of a folder or file) its ``SourceState``."""

    format: str = STATE_FORMAT
    version: int = STATE_VERSION
    sources: dict[str, SourceState] = {}


def state_path(store_root: Path) -> Path:
    """Where a store keeps its watch state."""
    return store_root / STATE_DIR / STATE_FILE


def load_state(path: Path) -> tuple[WatchState, str | None]:
    """The saved state, or a fresh one and a warning when the file is damaged or of another version
    (starting afresh is safe: the store finds re-read items unchanged)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return WatchState(), None
    except OSError as exc:
        return WatchState(), f"{path}: cannot read the watch state ({exc.strerror or exc}); starting afresh"
    try:
        state = msgspec.json.decode(data, type=WatchState)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        return WatchState(), f"{path}: damaged watch state ({str(exc)[:120]}); starting afresh"
    if state.format != STATE_FORMAT or state.version != STATE_VERSION:
        return WatchState(), f"{path}: watch state of another format or version; starting afresh"
    return state, None


def save_state(path: Path, state: WatchState) -> None:
    """Write the state so that a crash leaves the old file or the new one, never half of one."""
    from communique.dedup.persist import write_atomic

    write_atomic(path, msgspec.json.format(msgspec.json.encode(state), indent=1))


# --- retries -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to try a failing URL again within one round."""

    attempts: int = 4  # tries in all, the first included
    base_delay: float = 2.0  # seconds; the cap of the n-th retry's delay is base * 2**(n-1)
    max_delay: float = 60.0  # no single wait is longer

    def delay(self, retry: int, rand: Callable[[], float]) -> float:
        """Full-jitter backoff before retry number ``retry`` (1 for the first retry)."""
        cap = min(self.max_delay, self.base_delay * 2 ** (retry - 1))
        return rand() * cap


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """Seconds a ``Retry-After`` header asks for (delta-seconds or an HTTP date); None when absent
    or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


class SourceFailed(CommuniqueError):
    """A source could not be polled this round; ``wait_until`` is set when the server asked for a pause."""

    def __init__(self, reason: str, wait_until: datetime | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.wait_until = wait_until


# --- results -------------------------------------------------------------------------------------


@dataclass
class SourceResult:
    """What one round did with one source.

    ``status``: ``new`` (new or changed items were read), ``unchanged`` (polled, nothing new),
    ``not-modified`` (the server answered 304), ``waiting`` (the server asked for a pause that has
    not passed), ``failed`` (``error`` says why).
    """

    source: str
    status: str = "unchanged"
    items: int = 0
    attempts: int = 0
    error: str | None = None

    def label(self) -> str:
        if self.status == "new":
            return f"{self.items} new"
        return self.status


@dataclass
class RoundSummary:
    """One round: per-source results and what the store made of the new items."""

    number: int
    results: list[SourceResult] = field(default_factory=list)
    stored: int = 0
    unchanged: int = 0
    rejected: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return sum(r.status == "failed" for r in self.results)

    @property
    def items(self) -> int:
        return sum(r.items for r in self.results)

    def line(self) -> str:
        """The one-line summary printed on standard error after each round."""
        per_source = " · ".join(f"{r.source}: {r.label()}" for r in self.results)
        return (f"watch round {self.number}: {self.items} new item(s), {self.stored} stored, "
                f"{self.unchanged} unchanged, {self.rejected} rejected, {self.failed} failed "
                f"in {self.seconds:.1f} s · {per_source}")


@dataclass
class WatchTotals:
    """Sums over every round of a run (printed when the watch ends)."""

    rounds: int = 0
    items: int = 0
    stored: int = 0
    unchanged: int = 0
    rejected: int = 0
    failed: int = 0

    def add(self, summary: RoundSummary) -> None:
        self.rounds += 1
        self.items += summary.items
        self.stored += summary.stored
        self.unchanged += summary.unchanged
        self.rejected += summary.rejected
        self.failed += summary.failed

    def line(self) -> str:
        return (f"watch: {self.rounds} round(s): {self.items} new item(s), {self.stored} stored, "
                f"{self.unchanged} unchanged, {self.rejected} rejected, {self.failed} failed poll(s)")


# --- the watcher ---------------------------------------------------------------------------------


@dataclass
class _Pending:
    """A polled source: its items (read lazily during the ingest) and the state to keep once they
    are committed."""

    key: str
    result: SourceResult
    items: Iterable[Article | Reject] = ()
    update: Callable[[SourceState], None] | None = None


def _lock(path: Path) -> int | None:
    """Hold an exclusive lock on ``path`` (two watchers would overwrite each other's state)."""
    try:
        import fcntl
    except ImportError:  # no flock on this platform: run unguarded
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise StoreError(f"{path.parent}: cannot keep the watch state here ({exc.strerror or exc})") from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        os.close(fd)
        raise StoreError(f"{path.parent.parent}: another watch is already running on this store") from exc
    return fd


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="seconds")


class Watcher:
    """Polls sources round after round and adds what is new to the store at ``store_dir``.

    ``pipeline`` is anything with ``analyze_many``/``analyze`` (``Pipeline``, ``ParallelAnalyzer``).
    ``sleep``, ``rand`` and ``clock`` are injectable so tests neither wait nor depend on chance.
    Use as a context manager, or call ``close()``.
    """

    def __init__(
        self,
        sources: Iterable[str],
        store_dir: str | Path,
        settings: Settings,
        pipeline: Any,
        *,
        batch_size: int = 256,
        retry: RetryPolicy | None = None,
        max_seen: int = MAX_SEEN,
        settle: float = 2.0,
        sleep: Callable[[float], None] = time.sleep,
        rand: Callable[[], float] = random.random,
        clock: Callable[[], datetime] = _now,
        on_reject: Callable[[Reject], None] | None = None,
    ) -> None:
        from communique.store import open_store

        given = list(sources)
        if "-" in given:
            raise InputError("-", "standard input cannot be watched (give files, folders or URLs)")
        # One poll per source however often (or however spelled) it was given.
        self.sources: list[str] = []
        known: set[str] = set()
        for name in given:
            if self._key(name) not in known:
                known.add(self._key(name))
                self.sources.append(name)
        self.settings = settings
        self.pipeline = pipeline
        self.batch_size = batch_size
        self.retry = retry or RetryPolicy()
        self.max_seen = max_seen
        self.settle = settle
        self.sleep = sleep
        self.rand = rand
        self.clock = clock
        self.on_reject = on_reject
        self.store = open_store(store_dir, create=True)
        self.state_path = state_path(self.store.root)
        try:
            self._lock_fd = _lock(self.state_path.parent / LOCK_FILE)
        except BaseException:
            self.store.close()
            raise
        self.state, warning = load_state(self.state_path)
        self.warnings = [warning] if warning else []
        self.reader = Reader(settings)
        self.totals = WatchTotals()

    # -- lifecycle --------------------------------------------------------------------------------

    def close(self) -> None:
        self.reader.close()
        self.store.close()
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # releases the lock
            self._lock_fd = None

    def __enter__(self) -> Watcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, interval: float, rounds: int | None = None,
            on_round: Callable[[RoundSummary], None] | None = None,
            stop: Stop | None = None) -> WatchTotals:
        """Rounds every ``interval`` seconds (measured from the start of each round) until
        ``rounds`` are done, ``stop`` is set, or forever; no wait after the last round.

        ``stop`` is how a signal handler ends the watch: it is checked between rounds and cuts the
        wait short, so a stop never lands in the middle of a commit (or of library code that would
        swallow an exception raised there) and nothing is left half-written.
        """
        done = 0
        while (rounds is None or done < rounds) and not (stop is not None and stop.is_set()):
            started = time.monotonic()
            summary = self.run_round()
            if on_round:
                on_round(summary)
            done += 1
            if rounds is not None and done >= rounds:
                break
            pause = max(0.0, interval - (time.monotonic() - started))
            if stop is not None:
                stop.wait(pause)
            else:
                self.sleep(pause)
        return self.totals

    def source_state(self, source: str) -> SourceState:
        """The remembered state of ``source`` (as given on the command line)."""
        return self.state.sources.setdefault(self._key(source), SourceState())

    # -- one round --------------------------------------------------------------------------------

    def run_round(self) -> RoundSummary:
        """Poll every source once, ingest what is new, remember what was seen."""
        started = time.monotonic()
        summary = RoundSummary(number=self.totals.rounds + 1, warnings=self.warnings)
        self.warnings = []
        pending = [self._poll(name) for name in self.sources]
        summary.results = [p.result for p in pending]
        work = [p for p in pending if p.result.status == "new"]
        if work:
            try:
                from communique.store import ingest_items

                ingested = ingest_items(
                    self._items(work), self.store, self.pipeline, batch_size=self.batch_size,
                    on_reject=self.on_reject, rebuild_catalog=False,
                )
            except Exception as exc:  # noqa: BLE001 - a store failure fails this round's new items, not the watch
                for item in work:
                    if item.result.status == "new":
                        self._fail(item.key, item.result, f"not stored: {exc}")
            else:
                summary.stored, summary.unchanged = ingested.stored, ingested.unchanged
                summary.rejected = ingested.rejected
                if ingested.stored:
                    try:
                        self.store.rebuild()
                    except Exception as exc:  # noqa: BLE001 - the data is committed; the catalog is rebuilt on open
                        summary.warnings.append(f"the DuckDB catalog was not refreshed ({exc})")
        now = _iso(self.clock())
        for item in pending:
            if item.result.status in ("failed", "waiting"):
                continue
            state = self.state.sources.setdefault(item.key, SourceState())
            if item.update is not None:
                item.update(state)
            state.last_success, state.failures, state.last_error, state.not_before = now, 0, None, None
        try:
            save_state(self.state_path, self.state)
        except OSError as exc:
            summary.warnings.append(f"{self.state_path}: watch state not saved ({exc.strerror or exc}); "
                                    "the next round may read some items again")
        summary.seconds = time.monotonic() - started
        self.totals.add(summary)
        return summary

    def _items(self, work: list[_Pending]) -> Iterator[Article | Reject]:
        """Every polled source's items in turn; a source whose reading breaks is failed, the rest go on."""
        for item in work:
            try:
                yield from item.items
            except Exception as exc:  # noqa: BLE001 - a parser bug on one source must not end the round
                self._fail(item.key, item.result, f"unreadable ({type(exc).__name__}: {str(exc)[:160]})")

    def _fail(self, key: str, result: SourceResult, reason: str, wait_until: datetime | None = None) -> None:
        result.status, result.error, result.items = "failed", reason, 0
        state = self.state.sources.setdefault(key, SourceState())
        state.failures += 1
        state.last_failure = _iso(self.clock())
        state.last_error = reason
        state.not_before = _iso(wait_until) if wait_until else None

    def _key(self, name: str) -> str:
        return name if is_url(name) else str(Path(name).resolve())

    def _poll(self, name: str) -> _Pending:
        key = self._key(name)
        result = SourceResult(source=name)
        state = self.state.sources.setdefault(key, SourceState())
        if state.not_before:
            try:
                wait_until = datetime.fromisoformat(state.not_before)
            except ValueError:
                wait_until = None
            if wait_until is not None and self.clock() < wait_until:
                result.status = "waiting"
                return _Pending(key, result)
        try:
            if is_url(name):
                return self._poll_url(name, key, state, result)
            return self._poll_path(name, key, state, result)
        except SourceFailed as exc:
            self._fail(key, result, exc.reason, exc.wait_until)
        except InputError as exc:
            self._fail(key, result, exc.reason)
        except OSError as exc:
            self._fail(key, result, f"cannot read ({exc.strerror or type(exc).__name__})")
        except Exception as exc:  # noqa: BLE001 - last line of defence: one source never stops the others
            self._fail(key, result, f"unreadable ({type(exc).__name__}: {str(exc)[:160]})")
        return _Pending(key, result)

    # -- URLs -------------------------------------------------------------------------------------

    def _fetch(self, url: str, headers: dict[str, str], result: SourceResult) -> Fetched:
        """``fetch`` with retries of transient failures (see the module docstring)."""
        for attempt in range(1, self.retry.attempts + 1):
            result.attempts = attempt
            try:
                return fetch(url, self.settings, headers)
            except FetchFailed as exc:
                tries = f" after {attempt} attempt(s)" if attempt > 1 else ""
                if not exc.transient:
                    raise SourceFailed(exc.reason + tries) from exc
                now = self.clock()
                asked = retry_after_seconds(exc.retry_after, now)
                if asked is not None and asked > self.retry.max_delay:
                    wait_until = now + timedelta(seconds=min(asked, MAX_NOT_BEFORE))
                    raise SourceFailed(f"{exc.reason}; the server asked to wait {asked:.0f} s (Retry-After), "
                                       f"next try after {_iso(wait_until)}", wait_until) from exc
                if attempt >= self.retry.attempts:
                    raise SourceFailed(exc.reason + tries) from exc
                self.sleep(asked if asked is not None else self.retry.delay(attempt, self.rand))
        raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover

    def _poll_url(self, url: str, key: str, state: SourceState, result: SourceResult) -> _Pending:
        headers: dict[str, str] = {}
        if state.etag:
            headers["If-None-Match"] = state.etag
        if state.last_modified:
            headers["If-Modified-Since"] = state.last_modified
        fetched = self._fetch(url, headers, result)
        if fetched.status == 304:
            result.status = "not-modified"
            return _Pending(key, result)
        etag, modified = fetched.headers.get("etag"), fetched.headers.get("last-modified")
        digest = hashlib.sha256(fetched.body).hexdigest()

        def keep_validators(s: SourceState) -> None:
            s.etag, s.last_modified, s.digest = etag, modified, digest

        if digest == state.digest:
            # The same bytes as last time from a server that ignores conditional requests.
            return _Pending(key, result, (), keep_validators)

        kind = fetched.content_type.split(";")[0].strip().lower()
        if "rss" in kind or "atom" in kind or is_feed(fetched.body):
            return self._poll_feed(url, key, fetched, state, result, keep_validators)
        # A page (or any other document): read whole; the store's content hash decides whether
        # it changed. The reader's own dispatch picks the format, as for a one-off ingest.
        fmt = "html" if kind in ("text/html", "application/xhtml+xml") else "text" if kind == "text/plain" else None
        result.status, result.items = "new", 1
        items = self.reader._document(fetched.body, url, fmt, content_type=fetched.content_type, url=fetched.url)
        return _Pending(key, result, items, keep_validators)

    def _poll_feed(self, url: str, key: str, fetched: Fetched, state: SourceState, result: SourceResult,
                   keep_validators: Callable[[SourceState], None]) -> _Pending:
        keys, links, problem = _feed_item_keys(fetched.body, fetched.content_type)
        if not keys and problem:
            raise SourceFailed(f"not a readable feed ({problem})")
        seen = set(state.seen)
        fresh: set[int] = set()
        for number, item_key in enumerate(keys):
            if item_key not in seen:
                seen.add(item_key)  # a key repeated within the feed keeps its first item
                fresh.add(number)
        new_keys = [keys[n] for n in sorted(fresh)]
        fresh_links = {links[n] for n in fresh if links[n]}

        def update(s: SourceState) -> None:
            keep_validators(s)
            s.seen = (s.seen + new_keys)[-self.max_seen:]

        if not fresh:
            return _Pending(key, result, (), update)
        result.status, result.items = "new", len(fresh)

        def fetch_link(link: str) -> Article | Reject:
            # Only links of new items are fetched; an old item's link yields a marker never stored.
            if link in fresh_links:
                return self.reader._fetch_page(link)
            return Reject(input=link, reason="seen before")

        def items() -> Iterator[Article | Reject]:
            # feed_articles yields exactly one item per feed entry, in order (checked by strict zip).
            parsed = feed_articles(fetched.body, url, self.settings, fetched.content_type, fetch_link=fetch_link)
            for number, item in zip(range(len(keys)), parsed, strict=True):
                if number in fresh:
                    yield item

        return _Pending(key, result, items(), update)

    # -- folders and files ------------------------------------------------------------------------

    def _poll_path(self, name: str, key: str, state: SourceState, result: SourceResult) -> _Pending:
        path = Path(name)
        if not path.exists():
            raise InputError(name, "no such file or directory")
        files = [path] if path.is_file() else list(_walk(path))
        horizon = self.clock().timestamp() - self.settle
        stamps: dict[str, list[int]] = {}
        changed: list[Path] = []
        for file in files:
            # Remembered relative to the source, so the same folder given another way (an absolute
            # path, another working directory) keeps its history.
            name_in_source = file.name if file == path else file.relative_to(path).as_posix()
            try:
                info = file.stat()
            except OSError:
                continue  # vanished since the listing; the next round sees whether it is back
            if info.st_mtime_ns / 1e9 > horizon:
                # Still being written, perhaps: keep the old stamp so the file counts as changed later.
                if name_in_source in state.files:
                    stamps[name_in_source] = state.files[name_in_source]
                continue
            stamp = [info.st_mtime_ns, info.st_size]
            stamps[name_in_source] = stamp
            if state.files.get(name_in_source) != stamp:
                changed.append(file)

        def update(s: SourceState) -> None:
            s.files = stamps

        if not changed:
            return _Pending(key, result, (), update)
        result.status, result.items = "new", len(changed)

        def items() -> Iterator[Article | Reject]:
            for file in changed:
                yield from self.reader.read(str(file))

        return _Pending(key, result, items(), update)


def _feed_item_keys(data: bytes, content_type: str | None) -> tuple[list[str], list[str | None], str | None]:
    """Per feed entry, in order: its key (guid, else link, else a hash of title and text) and its
    link; and the parser's complaint when there are no entries."""
    import feedparser

    headers = {"content-type": content_type} if content_type else {}
    parsed = feedparser.parse(io.BytesIO(strip_doctype(data)), response_headers=headers, resolve_relative_uris=False)
    keys: list[str] = []
    links: list[str | None] = []
    for entry in parsed.get("entries") or []:
        link = entry.get("link") or None
        key = entry.get("id") or link
        if not key:
            body = "\n".join(str(entry.get(f) or "") for f in ("title", "summary", "published"))
            key = "sha256:" + hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()
        keys.append(str(key))
        links.append(str(link) if link else None)
    # A feed without items is only quiet; one the parser choked on (no items and a complaint) is broken.
    problem = parsed.get("bozo_exception")
    reason = f"{type(problem).__name__}: {str(problem)[:120]}" if problem and not keys else None
    return keys, links, reason
