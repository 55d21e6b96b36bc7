"""What the routes share: the store, its event snapshot, memoised answers and the ingest settings."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from communique.errors import StoreError
from communique.relations.index import EventIndex, current_index, event_index
from communique.store import Store, open_store

T = TypeVar("T")
# Answers remembered per store state: enough for the distinct questions of a busy dashboard or a
# load test (a few thousand), bounded in bytes too since a listing page can be large.
_MEMO_SIZE = 8192
_MEMO_BYTES = 64 << 20


class ApiState:
    """Per-app state (``app.state.api``). Reads see the store as of their request: the snapshot
    is rebuilt when the ledger changes."""

    def __init__(self, store_dir: str | Path, token: str | None = None, analyzer: Any = None) -> None:
        self.store: Store = open_store(store_dir)
        self.token = token
        self.analyzer = analyzer  # built on first ingest when None (loads the NLP pipeline)
        self.write_lock = threading.Lock()
        self._memo: OrderedDict[tuple[Any, ...], tuple[Any, int]] = OrderedDict()
        self._memo_bytes = 0
        self._memo_key: tuple[int, int] | None = None
        self._memo_lock = threading.Lock()
        self._store_lock = threading.Lock()

    def index(self) -> EventIndex:
        """The current event snapshot."""
        return event_index(self.store)

    def warm_index(self) -> EventIndex:
        """The current snapshot with the structures the hot routes use (dyad cube, event listing)
        built: blocking, so run it off the event loop."""
        index = event_index(self.store)
        index.cube()
        index.listing()
        return index

    async def ready_index(self) -> EventIndex:
        """The current snapshot, ready for the hot routes. Async routes answer on the event loop
        (their work is a few milliseconds, and queueing it on threads only adds GIL contention);
        only a (re)build of the snapshot, which takes seconds, is sent to a worker thread."""
        index = current_index(self.store)
        if index is not None and index.has("cube") and index.has("listing"):
            return index
        return await run_in_threadpool(self.warm_index)

    @contextmanager
    def reading_store(self) -> Iterator[tuple[EventIndex, Store]]:
        """The snapshot and its store, for library calls that query the store's shared connection
        (stories, brief history): one such call at a time, since a connection is not thread-safe."""
        index = self.index()
        if index.store is None:
            raise StoreError("the event snapshot has no store")
        with self._store_lock:
            yield index, index.store

    def memo(self, key: tuple[Any, ...], compute: Callable[[EventIndex], T], index: EventIndex | None = None) -> T:
        """``compute(index)``, remembered for this store state (for answers costly to recompute)."""
        index = index or self.index()
        full = (index.key, *key)
        with self._memo_lock:
            if full in self._memo:
                self._memo.move_to_end(full)
                return self._memo[full][0]  # type: ignore[no-any-return]
        value = compute(index)
        size = _size(value)
        with self._memo_lock:
            if self._memo_key != index.key:
                # The store moved on: answers about older states are never asked for again.
                self._memo.clear()
                self._memo_bytes = 0
                self._memo_key = index.key
            if full not in self._memo:
                self._memo[full] = (value, size)
                self._memo_bytes += size
            while len(self._memo) > _MEMO_SIZE or (self._memo_bytes > _MEMO_BYTES and len(self._memo) > 1):
                _, (_, dropped) = self._memo.popitem(last=False)
                self._memo_bytes -= dropped
        return value


def _size(value: Any) -> int:
    """Bytes a remembered answer holds, as far as it is cheap to tell (response bodies)."""
    if isinstance(value, tuple) and value and isinstance(value[0], bytes):
        return len(value[0])
    return 0


async def api_state(request: Request) -> ApiState:
    """FastAPI dependency: the app's ``ApiState``."""
    state: ApiState = request.app.state.api
    return state
