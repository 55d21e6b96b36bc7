"""What the routes share: the store, its event snapshot, memoised answers and the ingest settings."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from fastapi import Request

from communique.errors import StoreError
from communique.relations.index import EventIndex, event_index
from communique.store import Store, open_store

T = TypeVar("T")
_MEMO_SIZE = 512


class ApiState:
    """Per-app state (``app.state.api``). Reads see the store as of their request: the snapshot
    is rebuilt when the ledger changes."""

    def __init__(self, store_dir: str | Path, token: str | None = None, analyzer: Any = None) -> None:
        self.store: Store = open_store(store_dir)
        self.token = token
        self.analyzer = analyzer  # built on first ingest when None (loads the NLP pipeline)
        self.write_lock = threading.Lock()
        self._memo: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._memo_lock = threading.Lock()
        self._store_lock = threading.Lock()

    def index(self) -> EventIndex:
        """The current event snapshot."""
        return event_index(self.store)

    @contextmanager
    def reading_store(self) -> Iterator[tuple[EventIndex, Store]]:
        """The snapshot and its store, for library calls that query the store's shared connection
        (stories, brief history): one such call at a time, since a connection is not thread-safe."""
        index = self.index()
        if index.store is None:
            raise StoreError("the event snapshot has no store")
        with self._store_lock:
            yield index, index.store

    def memo(self, key: tuple[Any, ...], compute: Callable[[EventIndex], T]) -> T:
        """``compute(index)``, remembered for this store state (for answers costly to recompute)."""
        index = self.index()
        full = (index.key, *key)
        with self._memo_lock:
            if full in self._memo:
                self._memo.move_to_end(full)
                return self._memo[full]  # type: ignore[no-any-return]
        value = compute(index)
        with self._memo_lock:
            self._memo[full] = value
            while len(self._memo) > _MEMO_SIZE:
                self._memo.popitem(last=False)
        return value


def api_state(request: Request) -> ApiState:
    """FastAPI dependency: the app's ``ApiState``."""
    state: ApiState = request.app.state.api
    return state
