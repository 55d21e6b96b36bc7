"""Executors: where shards of articles are analysed — in this process, a process pool, or Dask.

Every executor has the same small interface (``Executor``): ``map_shards(settings, shards)`` takes
shards (MessagePack bytes of a list of articles, see ``worker``) and yields the workers' answers in
input order, keeping only a bounded number of shards in flight so a long stream never piles up in
memory. Settings travel as a plain dict; each worker process loads the spaCy pipeline once (when it
starts, via the pool initializer or a Dask worker plugin) and reuses it for every shard.

Dask is an optional extra: it is imported only when a ``DaskExecutor`` is created.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol

from communique.errors import CommuniqueError, UsageError
from communique.scale.worker import analyze_shard, loaded_pipelines, pipeline_settings, warm

EXECUTORS = ("local", "process", "dask")


class Executor(Protocol):
    """Runs ``worker.analyze_shard`` over shards, answers in input order."""

    name: str

    @property
    def workers(self) -> int: ...

    def map_shards(self, settings: dict[str, Any], shards: Iterable[bytes]) -> Iterator[bytes]: ...

    def close(self) -> None: ...


class LocalExecutor:
    """In this process, one shard after the other (the default; no start-up cost)."""

    name = "local"

    @property
    def workers(self) -> int:
        return 1

    def map_shards(self, settings: dict[str, Any], shards: Iterable[bytes]) -> Iterator[bytes]:
        for shard in shards:
            yield analyze_shard(settings, shard)

    def close(self) -> None:
        pass

    def __enter__(self) -> LocalExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class ProcessExecutor:
    """A pool of ``workers`` processes on this machine; each loads the pipeline once, at start.

    Workers are spawned (not forked): the parent may hold DuckDB connections and threads, which a
    fork would copy in an undefined state.
    """

    name = "process"

    def __init__(self, workers: int | None = None) -> None:
        if workers is not None and workers < 1:
            raise UsageError(f"--workers {workers}: must be at least 1")
        self._workers = workers or os.cpu_count() or 1
        self._pool: ProcessPoolExecutor | None = None
        self._settings: dict[str, Any] | None = None

    @property
    def workers(self) -> int:
        return self._workers

    def _pool_for(self, settings: dict[str, Any]) -> ProcessPoolExecutor:
        if self._pool is None or self._settings is None or (
                pipeline_settings(settings) != pipeline_settings(self._settings)):
            self.close()
            pool = ProcessPoolExecutor(
                max_workers=self._workers, mp_context=multiprocessing.get_context("spawn"),
                initializer=warm, initargs=(settings,),
            )
            # Spawned pools start workers on demand; start them all now (each loads the model in
            # its initializer) so the first batch is not parsed by one worker while others load.
            try:
                for started in [pool.submit(loaded_pipelines) for _ in range(self._workers)]:
                    started.result()
            except BrokenProcessPool as exc:
                pool.shutdown(wait=False, cancel_futures=True)
                raise CommuniqueError(
                    f"worker processes could not start (loading spaCy model {settings.get('spacy_model')!r} "
                    "failed in the worker; see its message above)") from exc
            self._pool, self._settings = pool, settings
        return self._pool

    def map_shards(self, settings: dict[str, Any], shards: Iterable[bytes]) -> Iterator[bytes]:
        pool = self._pool_for(settings)
        window: deque[Future[bytes]] = deque()
        try:
            for shard in shards:
                window.append(pool.submit(analyze_shard, settings, shard))
                # Two shards per worker in flight: workers never wait, memory stays bounded.
                if len(window) >= 2 * self._workers:
                    yield window.popleft().result()
            while window:
                yield window.popleft().result()
        except BrokenProcessPool as exc:
            # A worker died (killed, out of memory): start a fresh pool for the next call.
            self.close()
            raise RuntimeError(f"a worker process died: {exc}") from exc
        finally:
            for future in window:
                future.cancel()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> ProcessExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class DaskExecutor:
    """Dask distributed: a scheduler address (``tcp://HOST:PORT``), a cluster object
    (``LocalCluster``, a dask-jobqueue or Kubernetes cluster) or an existing ``Client``.

    The workers need communique installed (same version). A worker plugin loads the pipeline
    once per worker process, as each worker joins; a worker that joins later loads it on its
    first shard.
    """

    name = "dask"

    def __init__(self, scheduler: Any) -> None:
        try:
            from distributed import Client
        except ImportError as exc:  # pragma: no cover - depends on the installed extras
            raise UsageError("--executor dask needs the 'dask' extra: pip install 'communique[dask]'") from exc
        self._own_client = not isinstance(scheduler, Client)
        try:
            self.client = Client(scheduler) if self._own_client else scheduler
        except (OSError, TimeoutError, ValueError) as exc:
            raise UsageError(f"--scheduler {scheduler}: cannot connect ({exc})") from exc
        self._plugged: set[str] = set()

    @property
    def workers(self) -> int:
        return max(1, len(self.client.scheduler_info().get("workers", {})))

    def _plug(self, settings: dict[str, Any]) -> None:
        from communique.scale.dask_plugin import PipelineLoader

        plugin = PipelineLoader(settings)
        if plugin.name not in self._plugged:
            self.client.register_plugin(plugin)
            self._plugged.add(plugin.name)

    def map_shards(self, settings: dict[str, Any], shards: Iterable[bytes]) -> Iterator[bytes]:
        self._plug(settings)
        window: deque[Any] = deque()
        limit = 2 * self.workers
        try:
            for shard in shards:
                window.append(self.client.submit(analyze_shard, settings, shard, pure=False))
                if len(window) >= limit:
                    yield window.popleft().result()
            while window:
                yield window.popleft().result()
        finally:
            for future in window:
                future.cancel()

    def close(self) -> None:
        if self._own_client:
            self.client.close()

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def make_executor(kind: str = "local", *, workers: int | None = None, scheduler: Any = None) -> Executor:
    """The executor for ``--executor KIND`` (``local``, ``process`` or ``dask``)."""
    if kind == "local":
        return LocalExecutor()
    if kind == "process":
        return ProcessExecutor(workers)
    if kind == "dask":
        if scheduler is None:
            raise UsageError("--executor dask needs --scheduler ADDRESS (e.g. tcp://10.0.0.5:8786)")
        return DaskExecutor(scheduler)
    raise UsageError(f"--executor {kind}: unknown executor (choose from {', '.join(EXECUTORS)})")
