"""Scale-out: run the analysis over shards of articles in-process, on a process pool, or on Dask.

    from communique.scale import ParallelAnalyzer, make_executor
    from communique.store import ingest

    with ParallelAnalyzer(make_executor("process", workers=2), settings) as analyzer:
        ingest(["news.jsonl"], "store/", settings, pipeline=analyzer)

The store's ingest stays the single writer; the executors only parse and code. Dask
(``make_executor("dask", scheduler="tcp://HOST:PORT")`` or a cluster object) is imported lazily.
"""

from communique.scale.analyzer import DEFAULT_SHARD, ParallelAnalyzer, ShardError
from communique.scale.executors import (
    EXECUTORS,
    DaskExecutor,
    Executor,
    LocalExecutor,
    ProcessExecutor,
    make_executor,
)

__all__ = [
    "DEFAULT_SHARD",
    "EXECUTORS",
    "DaskExecutor",
    "Executor",
    "LocalExecutor",
    "ParallelAnalyzer",
    "ProcessExecutor",
    "ShardError",
    "make_executor",
]
