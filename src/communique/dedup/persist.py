"""Files for the incremental indexes (duplicate groups, stories): written atomically, read safely."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, TypeVar

import msgspec

from communique.errors import StoreError

S = TypeVar("S")


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` so that a crash leaves the old file or the new one, never half."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_state(path: str | os.PathLike[str], what: str) -> bytes:
    """The bytes of a saved index; StoreError naming the file when it cannot be read."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise StoreError(f"{path}: cannot read {what} ({exc.strerror or exc})") from exc


def decode_state(data: bytes, type: type[S], magic: str, version: int, what: str) -> S:
    """Decode a saved msgpack state and check its magic and format version; StoreError otherwise."""
    try:
        state: Any = msgspec.msgpack.decode(data, type=type)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise StoreError(f"{what}: not a readable state ({exc})") from exc
    if state.magic != magic:
        raise StoreError(f"{what}: not a communique {what}")
    if state.version != version:
        raise StoreError(f"{what}: format version {state.version}, expected {version}")
    return state  # type: ignore[no-any-return]
