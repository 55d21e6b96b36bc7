"""Size bounds on untrusted input: whole files, decompressed streams, single records.

Every reader in ``ingest`` goes through these, so a huge file or a gzip bomb is refused after
reading at most the limit (plus one chunk), with memory bounded by that limit.
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

GZIP_MAGIC = b"\x1f\x8b"


class TooLarge(Exception):
    """Input over a size limit; the message names the limit and the setting that sets it."""


class BadInput(Exception):
    """Input that cannot be read as what it claims to be; the message is the one-line reason."""


class BoundedStream(io.RawIOBase):
    """A read-only stream that raises ``TooLarge`` once more than ``limit`` bytes were read."""

    def __init__(self, raw: BinaryIO, limit: int, what: str) -> None:
        self._raw = raw
        self._limit = limit
        self._what = what
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def, override]
        view = memoryview(buffer)
        # Read at most one byte past the limit: enough to know it was crossed.
        want = min(len(view), self._limit + 1 - self.count)
        if want <= 0:
            raise TooLarge(self._what)
        try:
            data = self._raw.read(want)
        except (OSError, EOFError, zlib.error) as exc:
            raise BadInput(f"corrupt compressed data ({exc})") from exc
        n = len(data)
        view[:n] = data
        self.count += n
        if self.count > self._limit:
            raise TooLarge(self._what)
        return n


def too_large_message(size_what: str, limit: int, setting: str) -> str:
    return f"{size_what} over the limit of {limit:,} bytes ({setting})"


def read_bounded(raw: BinaryIO, limit: int, what: str) -> bytes:
    """All bytes of ``raw``, or ``TooLarge(what)`` after reading at most limit + 1 bytes."""
    data = raw.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(what)
    return data


def gunzip_bounded(data: bytes, limit: int, setting: str) -> bytes:
    """Decompress gzip ``data`` (all members) keeping at most ``limit`` decoded bytes."""
    stream = BoundedStream(
        gzip.GzipFile(fileobj=io.BytesIO(data)),  # type: ignore[arg-type]
        limit,
        too_large_message("decompressed size", limit, setting),
    )
    out = bytearray()
    while True:
        chunk = stream.read(1 << 16)
        if not chunk:
            return bytes(out)
        out += chunk


def open_decoded(path: Path, limit: int, setting: str) -> io.BufferedReader:
    """A buffered binary stream of a file, gunzipped when it is gzip; decoded size bounded."""
    raw = path.open("rb")
    head = raw.read(2)
    raw.seek(0)
    inner: BinaryIO = gzip.GzipFile(fileobj=raw) if head == GZIP_MAGIC else raw  # type: ignore[assignment]
    what = too_large_message("decompressed size" if head == GZIP_MAGIC else "file size", limit, setting)
    return io.BufferedReader(BoundedStream(inner, limit, what), buffer_size=1 << 16)


def bounded_lines(stream: BinaryIO, max_line: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) for each line; bytes is None for a line longer than ``max_line``.

    An over-long line is skipped to its end in chunks, so memory stays bounded by ``max_line``.
    """
    number = 0
    while True:
        line = stream.readline(max_line + 1)
        if not line:
            return
        number += 1
        if len(line) > max_line and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = stream.readline(1 << 16)
            yield number, None
            continue
        yield number, line
