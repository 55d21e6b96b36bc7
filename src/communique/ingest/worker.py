"""HTML extraction with a time and memory bound: a killable worker process.

trafilatura and lxml have no bound of their own (a page with 200,000 attributes took minutes,
a large table gigabytes). With ``Settings.extract_in_subprocess`` every page is extracted in a
worker process whose address space is capped (``RLIMIT_AS`` = ``extract_memory_mb``) and which
is killed when a page takes longer than ``extract_timeout`` seconds; that page becomes a reject,
a fresh worker takes the next page, and the batch goes on. Without the setting, extraction runs
in-process (fast, for trusted input and tests).
"""

from __future__ import annotations

import multiprocessing
from multiprocessing.connection import Connection
from typing import Any

from communique.config import Settings
from communique.ingest.html import PageExtract, extract_html

# Seconds a new worker may take to import its parsers.
STARTUP_TIMEOUT = 60.0


class ExtractionFailed(Exception):
    """A page could not be extracted; the message is the one-line reason."""


def _limit_memory(megabytes: int) -> None:
    import resource

    limit = megabytes * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _serve(conn: Connection, settings: Settings) -> None:
    """Worker loop: receive (html, url), answer ("ok", PageExtract) or ("error", reason)."""
    _limit_memory(settings.extract_memory_mb)
    # Import the parsers before the first page so its time limit measures extraction only.
    import trafilatura  # noqa: F401
    import trafilatura.metadata  # noqa: F401

    conn.send(("ready", None))
    while True:
        try:
            html, url = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply: tuple[str, Any] = ("ok", extract_html(html, url, settings))
        except MemoryError:
            reply = ("error", f"HTML extraction over the memory limit of {settings.extract_memory_mb} MB "
                              "(extract_memory_mb)")
        except Exception as exc:  # any failure of a third-party parser on hostile input
            reply = ("error", f"HTML extraction failed ({type(exc).__name__}: {str(exc)[:160]})")
        try:
            conn.send(reply)
        except (MemoryError, OSError):
            return


class HtmlExtractor:
    """Extract pages in-process or in a bounded worker process, per ``Settings``.

    Call it with ``(html, url)``; it returns a ``PageExtract`` or raises ``ExtractionFailed``.
    Close it (or use it as a context manager) to stop the worker.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._process: Any = None
        self._conn: Connection | None = None
        self.started = 0  # worker processes started so far (a killed worker is replaced)

    def __enter__(self) -> HtmlExtractor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __call__(self, html: str, url: str | None = None) -> PageExtract:
        # A daemonic process (a multiprocessing pool worker) may not start children: there the
        # page is extracted in-process, and the pool's own supervision is the bound.
        if not self.settings.extract_in_subprocess or multiprocessing.current_process().daemon:
            try:
                return extract_html(html, url, self.settings)
            except MemoryError as exc:
                raise ExtractionFailed("HTML extraction ran out of memory") from exc
            except Exception as exc:  # any failure of a third-party parser on hostile input
                raise ExtractionFailed(f"HTML extraction failed ({type(exc).__name__}: {str(exc)[:160]})") from exc
        return self._in_worker(html, url)

    def _start(self) -> Connection:
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        process = context.Process(target=_serve, args=(child, self.settings), daemon=True,
                                  name="communique-extract")
        process.start()
        child.close()
        self._process, self._conn = process, parent
        self.started += 1
        try:
            ready = parent.poll(STARTUP_TIMEOUT) and parent.recv()[0] == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            self.close()
            raise ExtractionFailed("HTML extraction worker failed to start")
        return parent

    def _in_worker(self, html: str, url: str | None) -> PageExtract:
        conn = self._conn if self._process is not None and self._process.is_alive() else None
        if conn is None:
            self.close()
            conn = self._start()
        try:
            conn.send((html, url))
            if not conn.poll(self.settings.extract_timeout):
                self.close()
                raise ExtractionFailed(
                    f"HTML extraction took longer than the limit of {self.settings.extract_timeout:g}s "
                    "(extract_timeout)"
                )
            status, value = conn.recv()
        except (EOFError, OSError, BrokenPipeError) as exc:
            code = self._process.exitcode if self._process is not None else None
            self.close()
            raise ExtractionFailed(
                f"HTML extraction worker died (exit code {code}); the page may exceed the memory limit of "
                f"{self.settings.extract_memory_mb} MB (extract_memory_mb)"
            ) from exc
        if status != "ok":
            raise ExtractionFailed(str(value))
        assert isinstance(value, PageExtract)
        return value

    def close(self) -> None:
        """Stop the worker process (if any); a later call starts a new one."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._process is not None:
            if self._process.is_alive():
                self._process.kill()
            self._process.join(timeout=5)
            self._process = None
