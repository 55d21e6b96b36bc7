"""The ledger: an append-only JSON Lines commit log, the single source of truth for what is stored.

Why JSON Lines and not SQLite or a manifest rewritten atomically: a commit is one ``write`` of one
line followed by ``fsync``, which is the cheapest atomic step a POSIX file system offers, the
history stays readable with ``less`` or ``jq``, and coverage counts (which only ever add up) live in
the same commit as the files they describe. A crash can only tear the *last* line; a line counts
only when it is complete (ends in a newline), parses, and carries the next sequence number. The
torn tail is ignored by readers and cut off by the next writer before it appends.

Each commit lists the fragments it adds (files per table, with row counts) and the fragments it
removes (replaced by a rewrite), plus the batch's coverage rows. Replaying the commits gives the
live set of files; any Parquet file not in it is an orphan of a crashed batch and is deleted by the
next writer. Readers therefore never see half a batch.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from communique.errors import StoreError
from communique.store.coverage import CoverageRow, merge_rows


class FileEntry(msgspec.Struct, kw_only=True):
    path: str  # relative to the store root
    rows: int


class Fragment(msgspec.Struct, kw_only=True):
    """One partition's share of a batch: a file per table that has rows."""

    id: str
    partition: str
    files: dict[str, FileEntry] = msgspec.field(default_factory=dict)


class Commit(msgspec.Struct, kw_only=True):
    seq: int
    time: str
    schema_version: int
    kind: str = "batch"  # "batch" | "compact"
    run: str | None = None
    add: list[Fragment] = msgspec.field(default_factory=list)
    remove: list[str] = msgspec.field(default_factory=list)
    coverage: list[CoverageRow] = msgspec.field(default_factory=list)


_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(Commit)


@dataclass
class LedgerState:
    """The ledger replayed: live fragments, summed coverage, and where valid data ends."""

    seq: int = 0
    fragments: dict[str, Fragment] = field(default_factory=dict)
    coverage: dict[tuple[str, str, str], CoverageRow] = field(default_factory=dict)
    commits: int = 0
    last_time: str | None = None
    valid_bytes: int = 0
    torn_bytes: int = 0

    def files(self, table: str) -> list[str]:
        """Store-relative paths of a table's live files, oldest first."""
        return [f.files[table].path for f in self.fragments.values() if table in f.files]

    def rows(self, table: str) -> int:
        return sum(f.files[table].rows for f in self.fragments.values() if table in f.files)

    def live_paths(self) -> set[str]:
        return {e.path for f in self.fragments.values() for e in f.files.values()}


def _lines(data: bytes) -> Iterator[tuple[int, int, bytes]]:
    """(line number, end offset, line) for each line; the last may lack its newline."""
    start = 0
    number = 0
    while start < len(data):
        number += 1
        end = data.find(b"\n", start)
        if end == -1:
            yield number, len(data), data[start:]
            return
        yield number, end + 1, data[start : end + 1]
        start = end + 1


def read_ledger(path: Path, schema_version: int) -> LedgerState:
    """Replay the ledger. A torn last line is skipped; damage anywhere else is an error."""
    state = LedgerState()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return state
    except OSError as exc:
        raise StoreError(f"{path}: cannot read the ledger: {exc}") from exc
    coverage_rows: list[CoverageRow] = []
    bad_line: int | None = None
    for number, end, line in _lines(data):
        commit: Commit | None = None
        if line.endswith(b"\n"):
            try:
                commit = _decoder.decode(line)
            except (msgspec.DecodeError, msgspec.ValidationError):
                commit = None
        if commit is None:
            bad_line = bad_line or number
            continue
        if bad_line is not None or commit.seq != state.seq + 1:
            # A complete commit after a bad line, or out of sequence: damage, not a torn last line.
            raise StoreError(
                f"{path}: line {bad_line or number} is damaged (not a torn last line); the files listed "
                "after it cannot be trusted. Restore the ledger from a backup, or export what the store "
                "holds and re-ingest into a new store."
            )
        if commit.schema_version != schema_version:
            raise StoreError(
                f"{path}: commit {commit.seq} was written with store schema version {commit.schema_version}, "
                f"this communique reads version {schema_version}. Use the communique version that wrote "
                "the store, or re-ingest into a new store."
            )
        for fragment_id in commit.remove:
            state.fragments.pop(fragment_id, None)
        for fragment in commit.add:
            state.fragments[fragment.id] = fragment
        coverage_rows.extend(commit.coverage)
        state.seq = commit.seq
        state.commits += 1
        state.last_time = commit.time
        state.valid_bytes = end
    state.torn_bytes = len(data) - state.valid_bytes
    state.coverage = merge_rows(coverage_rows)
    return state


def fsync_dir(path: Path) -> None:
    """Make a rename or a new file in ``path`` durable (no-op where directories cannot be opened)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def cut_torn_tail(path: Path, state: LedgerState) -> None:
    """Remove a torn last line so the next commit starts on a clean line (writers only)."""
    if state.torn_bytes:
        with open(path, "r+b") as fh:
            fh.truncate(state.valid_bytes)
            fh.flush()
            os.fsync(fh.fileno())


def append_commit(path: Path, commit: Commit) -> None:
    """Append one commit as one line and fsync it: the moment a batch becomes part of the store."""
    line = _encoder.encode(commit) + b"\n"
    new_file = not path.exists()
    # Unbuffered, so a failed write leaves nothing in a buffer to be flushed behind our back.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        size = os.fstat(fd).st_size
        try:
            view = memoryview(line)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        except BaseException:
            # A part-written line must not stay in front of the next commit.
            try:
                os.ftruncate(fd, size)
            except OSError:
                pass
            raise
    finally:
        os.close(fd)
    if new_file:
        fsync_dir(path.parent)
