"""HTML extraction with a time and memory bound: a killable worker process.

trafilatura and lxml have no bound of their own (a page with 200,000 attributes took minutes,
a large table gigabytes). With ``Settings.extract_in_subprocess`` every page is extracted in a
worker process whose address space is capped (``RLIMIT_AS`` = ``extract_memory_mb``) and which
is killed when a page takes longer than ``extract_timeout`` seconds; that page becomes a reject,
a fresh worker takes the next page, and the batch goes on. Without the setting, extraction runs
in-process (fast, for trusted input and tests).
"""

from __future__ import annotations

import os
import subprocess
import sys
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


def _extract_reply(html: str, url: str | None, settings: Settings) -> tuple[str, Any]:
    try:
        return ("ok", extract_html(html, url, settings))
    except MemoryError:
        return ("error", f"HTML extraction over the memory limit of {settings.extract_memory_mb} MB "
                         "(extract_memory_mb)")
    except Exception as exc:  # any failure of a third-party parser on hostile input
        return ("error", f"HTML extraction failed ({type(exc).__name__}: {str(exc)[:160]})")


def serve() -> None:
    """Worker main loop (``python -m communique.ingest.worker``), speaking over stdin/stdout.

    The first message is the ``Settings``; then each (html, url) gets ("ok", PageExtract) or
    ("error", reason). A plain subprocess, not ``multiprocessing``: it never re-imports the
    caller's ``__main__`` and can be started from any script or pool worker.
    """
    protocol_out = os.dup(1)
    os.dup2(2, 1)  # stray prints of a library go to stderr, never into the protocol
    inbox = Connection(0, writable=False)
    outbox = Connection(protocol_out, readable=False)
    settings: Settings = inbox.recv()
    _limit_memory(settings.extract_memory_mb)
    # Import the parsers before the first page so its time limit measures extraction only.
    import trafilatura  # noqa: F401
    import trafilatura.metadata  # noqa: F401

    outbox.send(("ready", None))
    while True:
        try:
            html, url = inbox.recv()
        except (EOFError, OSError):
            return
        reply = _extract_reply(html, url, settings)
        try:
            outbox.send(reply)
        except (MemoryError, OSError):
            return


class HtmlExtractor:
    """Extract pages in-process or in a bounded worker process, per ``Settings``.

    Call it with ``(html, url)``; it returns a ``PageExtract`` or raises ``ExtractionFailed``.
    Close it (or use it as a context manager) to stop the worker.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._process: subprocess.Popen[bytes] | None = None
        self._send: Connection | None = None
        self._recv: Connection | None = None
        self.started = 0  # worker processes started so far (a killed worker is replaced)

    def __enter__(self) -> HtmlExtractor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __call__(self, html: str, url: str | None = None) -> PageExtract:
        if not self.settings.extract_in_subprocess:
            status, value = _extract_reply(html, url, self.settings)
            if status != "ok":
                raise ExtractionFailed(str(value))
            assert isinstance(value, PageExtract)
            return value
        return self._in_worker(html, url)

    def _start(self) -> None:
        process = subprocess.Popen(
            [sys.executable, "-m", "communique.ingest.worker"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, close_fds=True,
        )
        assert process.stdin is not None and process.stdout is not None
        self._send = Connection(os.dup(process.stdin.fileno()), readable=False)
        self._recv = Connection(os.dup(process.stdout.fileno()), writable=False)
        process.stdin.close()
        process.stdout.close()
        self._process = process
        self.started += 1
        try:
            self._send.send(self.settings)
            ready = self._recv.poll(STARTUP_TIMEOUT) and self._recv.recv()[0] == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            self.close()
            raise ExtractionFailed("HTML extraction worker failed to start")

    def _in_worker(self, html: str, url: str | None) -> PageExtract:
        if self._process is None or self._process.poll() is not None:
            self.close()
            self._start()
        assert self._send is not None and self._recv is not None and self._process is not None
        try:
            self._send.send((html, url))
            if not self._recv.poll(self.settings.extract_timeout):
                self.close()
                raise ExtractionFailed(
                    f"HTML extraction took longer than the limit of {self.settings.extract_timeout:g}s "
                    "(extract_timeout)"
                )
            status, value = self._recv.recv()
        except (EOFError, OSError) as exc:
            code = self._process.poll()
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
        for conn in (self._send, self._recv):
            if conn is not None:
                conn.close()
        self._send = self._recv = None
        if self._process is not None:
            if self._process.poll() is None:
                self._process.kill()
            self._process.wait(timeout=5)
            self._process = None


if __name__ == "__main__":
    serve()
