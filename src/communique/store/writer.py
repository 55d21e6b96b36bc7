"""Writing batches into a store: atomic files first, the ledger commit last.

One batch becomes one commit:

1. rows are grouped by partition (publication month) into new fragments; an article whose id is
   already stored with other content is *replaced*: the fragment holding the old version is
   rewritten without it (all tables), so exactly one copy of every article id exists;
2. every file is written to a hidden temporary name, fsynced, renamed into place, and the
   directories are fsynced;
3. one ledger line listing the added and removed fragments (and the batch's coverage) is appended
   and fsynced — only now does the batch exist for readers;
4. files of removed fragments are deleted (a crash here leaves orphans the next writer deletes).

Before step 1 the batch's articles are grouped (``grouping.py``): each gets its duplicate group and
story, each event the id of the merged event it reports (``group_id``), and the versions of the
stories the batch touched join the commit. The grouping state follows the ledger (see there).

A crash or an I/O error before step 3 leaves only orphan files, which the next writer removes when
it opens the store; the ledger still lists exactly the earlier batches. Only one writer at a time:
an exclusive lock file guards the store.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from communique.errors import StoreError
from communique.pipeline import article_date
from communique.records import Analysis, Article, Reject
from communique.store.coverage import CoverageRow, source_key
from communique.store.grouping import STATE_FILE, ArticleGroups, StoreGrouper
from communique.store.layout import (
    CATALOG,
    LEDGER,
    LOCK,
    SCHEMA_VERSION,
    TABLES,
    TABLES_DIR,
    fragment_path,
    partition_of,
    scrub,
)
from communique.store.ledger import (
    Commit,
    FileEntry,
    Fragment,
    LedgerState,
    append_commit,
    cut_torn_tail,
    fsync_dir,
    read_ledger,
)

if TYPE_CHECKING:
    from communique.store.store import Store

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory locks; one writer is the user's job
    fcntl = None  # type: ignore[assignment]

_json = msgspec.json.Encoder()


def content_hash(article: Article) -> str:
    """Hash of everything stored about an article: equal hashes mean "unchanged"."""
    return hashlib.sha256(_json.encode(clean_article(article))).hexdigest()[:32]


def analysis_hash(analysis: Analysis) -> str:
    """Hash of what the pipeline found in an article (actors, quotes, events; not the article)."""
    found = (analysis.actors, analysis.quotes, analysis.events)
    try:
        encoded = _json.encode(found)
    except UnicodeEncodeError:
        encoded = _json.encode(scrub(msgspec.to_builtins(found)))
    return hashlib.sha256(encoded).hexdigest()[:32]


def clean_article(article: Article) -> Article:
    """The article with unpaired surrogates replaced (ingest cleans text; records built elsewhere
    may not be), one character for one so spans stay valid."""
    try:
        _json.encode(article)
    except UnicodeEncodeError:
        return msgspec.convert(scrub(msgspec.to_builtins(article)), Article)
    return article


def reject_id(reject: Reject) -> str:
    """Stable id of a reject, so the same bad input is listed once however often it is retried."""
    key = "\x1f".join((reject.stage, reject.input, reject.reason))
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:24]


def _utc_now() -> datetime:
    return datetime.now(UTC)


def new_fragment_id() -> str:
    """Sortable by time, unique across processes."""
    return f"{time.time_ns() // 1_000_000:013d}-{secrets.token_hex(4)}"


@dataclass
class CommitResult:
    """What one committed batch did."""

    new: int = 0
    replaced: int = 0
    rejects: int = 0
    files: int = 0


@dataclass
class _Pending:
    """Rows of one new fragment, per table."""

    partition: str
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))


class StoreWriter:
    """The single writer of a store. Use as a context manager (``store.writer()``)."""

    def __init__(self, store: Store, story_embedding_model: str | None = "auto") -> None:
        self.store = store
        self.story_embedding_model = story_embedding_model
        self.root = store.root
        self._lock_fd: int | None = None
        self._grouper: StoreGrouper | None = None
        self.broken: str | None = None
        self._acquire_lock()
        try:
            self.state: LedgerState = read_ledger(self.root / LEDGER, SCHEMA_VERSION)
            cut_torn_tail(self.root / LEDGER, self.state)
            self.removed_orphans = self._remove_orphans()
            # article id → (content hash, fragment id); reject ids already stored.
            self.index: dict[str, tuple[str, str]] = {}
            # article id → hash of its stored analysis (stores written before the column: absent).
            self.analysis_hashes: dict[str, str] = {}
            self.reject_ids: set[str] = set()
            self._load_index()
        except BaseException:
            self.close()
            raise

    # -- lifecycle -------------------------------------------------------------------------------

    def _acquire_lock(self) -> None:
        path = self.root / LOCK
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StoreError(f"{self.root}: cannot open the store for writing: {exc}") from exc
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                os.close(fd)
                raise StoreError(
                    f"{self.root}: another process is writing to this store; wait for it to finish"
                ) from exc
        self._lock_fd = fd

    def grouper(self) -> StoreGrouper:
        """The store's grouping state (duplicates, stories, event groups), loaded on first use."""
        if self._grouper is None:
            self._grouper = StoreGrouper.load(self.root, self.state, self.story_embedding_model)
        return self._grouper

    def close(self) -> None:
        if self._grouper is not None and not self.broken and self._lock_fd is not None:
            try:
                self._grouper.save()
            except OSError:
                pass  # derived state: the next writer catches up from the ledger
            self._grouper = None
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # releases the flock
            self._lock_fd = None

    def __enter__(self) -> StoreWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _remove_orphans(self) -> int:
        """Delete files under tables/ that no commit lists (left by crashed or failed batches)."""
        live = self.state.live_paths()
        removed = 0
        # Catalog builds killed half-way (a reader building one now falls back to an in-memory catalog).
        for leftover in self.root.glob(f".{CATALOG}.*.tmp*"):
            try:
                leftover.unlink()
            except OSError:
                pass
        # Grouping states whose atomic write was killed before the rename.
        for leftover in (self.root / STATE_FILE).parent.glob(f".{Path(STATE_FILE).name}.*"):
            try:
                leftover.unlink()
            except OSError:
                pass
        tables = self.root / TABLES_DIR
        if not tables.exists():
            return 0
        for path in tables.rglob("*"):
            if path.is_file() and path.relative_to(self.root).as_posix() not in live:
                try:
                    path.unlink()
                    removed += 1
                except OSError:
                    pass
        return removed

    def _load_index(self) -> None:
        for fragment in self.state.fragments.values():
            entry = fragment.files.get("articles")
            if entry:
                path = self.root / entry.path
                columns = ["article_id", "content_hash"]
                if "analysis_hash" in pq.read_schema(path).names:
                    columns.append("analysis_hash")
                table = pq.read_table(path, columns=columns)
                ids = table.column("article_id").to_pylist()
                for article_id, digest in zip(ids, table.column("content_hash").to_pylist(), strict=True):
                    self.index[article_id] = (digest, fragment.id)
                if "analysis_hash" in columns:
                    for article_id, found in zip(ids, table.column("analysis_hash").to_pylist(), strict=True):
                        if found:
                            self.analysis_hashes[article_id] = found
            entry = fragment.files.get("rejects")
            if entry:
                table = pq.read_table(self.root / entry.path, columns=["reject_id"])
                self.reject_ids.update(table.column("reject_id").to_pylist())

    # -- queries the ingest loop asks ---------------------------------------------------------------

    def stored_hash(self, article_id: str) -> str | None:
        """Content hash of the stored version of an article, or None when it is not stored."""
        found = self.index.get(article_id)
        return found[0] if found else None

    def has_reject(self, reject: Reject) -> bool:
        return reject_id(reject) in self.reject_ids

    # -- committing ------------------------------------------------------------------------------

    def commit(
        self,
        analyses: Iterable[Analysis],
        rejects: Iterable[Reject] = (),
        coverage: Iterable[CoverageRow] = (),
        *,
        run: str | None = None,
        now: datetime | None = None,
        embeddings: Mapping[str, list[float]] | None = None,
    ) -> CommitResult:
        """Store analyses (upserting by article id) and rejects as one atomic commit.

        ``embeddings``: lead embeddings of the articles already computed elsewhere (the workers of
        a ``ParallelAnalyzer``), by article id; the story clusterer encodes the others itself.
        """
        if self.broken:
            raise StoreError(f"{self.root}: an earlier commit of this run failed ({self.broken}); run again")
        now = now or _utc_now()
        stamp = now.isoformat(timespec="seconds").replace("+00:00", "Z")
        result = CommitResult()
        pending: dict[str, _Pending] = {}
        replaced: dict[str, set[str]] = defaultdict(set)  # old fragment id → article ids to drop
        new_index: dict[str, tuple[str, str]] = {}

        def fragment_for(partition: str) -> _Pending:
            if partition not in pending:
                pending[partition] = _Pending(partition)
            return pending[partition]

        batch_ids: set[str] = set()
        to_write: list[tuple[Analysis, str, str]] = []
        found_hashes: dict[str, str] = {}
        for analysis in analyses:
            article = clean_article(analysis.article)
            if article is not analysis.article:
                analysis = msgspec.structs.replace(analysis, article=article)
            if article.article_id in batch_ids:
                raise StoreError(f"article id {article.article_id!r} appears twice in one batch")
            batch_ids.add(article.article_id)
            digest = content_hash(article)
            found = analysis_hash(analysis)
            old = self.index.get(article.article_id)
            if old and old[0] == digest and self.analysis_hashes.get(article.article_id) == found:
                continue  # unchanged: nothing to write
            found_hashes[article.article_id] = found
            if old:
                replaced[old[1]].add(article.article_id)
                result.replaced += 1
            else:
                result.new += 1
            partition = partition_of(article_date(article))
            to_write.append((analysis, digest, partition))
            new_index[article.article_id] = (digest, partition)

        stories: list[dict[str, Any]] = []
        groups: dict[str, ArticleGroups] = {}
        if to_write:
            try:
                groups, stories = self.grouper().group((a for a, _, _ in to_write), embeddings)
            except BaseException:
                self._grouper = None  # half-grouped: reload from the ledger next time
                raise
        for analysis, digest, partition in to_write:
            aid = analysis.article.article_id
            self._add_rows(fragment_for(partition), analysis, digest, found_hashes[aid], stamp, groups.get(aid))
        if stories:
            frag = fragment_for(partition_of(now.date()))
            frag.rows["stories"].extend({**row, "seq": self.state.seq + 1} for row in stories)

        new_rejects: dict[str, Reject] = {}
        for reject in rejects:
            rid = reject_id(reject)
            if rid not in self.reject_ids and rid not in new_rejects:
                new_rejects[rid] = reject
        if new_rejects:
            frag = fragment_for(partition_of(now.date()))
            for rid, reject in new_rejects.items():
                frag.rows["rejects"].append({"reject_id": rid, **msgspec.to_builtins(reject), "first_seen": stamp})
        result.rejects = len(new_rejects)

        coverage = list(coverage)
        written: list[Path] = []
        try:
            added: list[Fragment] = []
            rewritten_fragments: list[Fragment] = []
            ids_of: dict[str, str] = {}  # partition → new fragment id
            for partition, frag in pending.items():
                fragment = self._write_fragment(partition, frag.rows, written)
                if fragment:
                    added.append(fragment)
                    ids_of[partition] = fragment.id
            for old_id, drop in replaced.items():
                rewritten = self._rewrite_without(self.state.fragments[old_id], drop, written)
                if rewritten:
                    added.append(rewritten)
                    rewritten_fragments.append(rewritten)
            self._sync_dirs(written)
            if not added and not replaced and not coverage:
                if self._grouper is not None:
                    self._grouper.committed(self.state.seq)
                return result
            commit = Commit(
                seq=self.state.seq + 1,
                time=stamp,
                schema_version=SCHEMA_VERSION,
                run=run,
                add=added,
                remove=sorted(replaced),
                coverage=coverage,
            )
            self._append(commit)
        except StoreError:
            # The ledger append failed. Its files stay: if the line did reach the disk after all they
            # are valid, and if not the next writer deletes them as orphans.
            self._grouper = None
            raise
        except Exception as exc:  # noqa: BLE001 - OSError from the disk, ArrowInvalid from a bad record
            self._grouper = None
            self._discard(written)
            self.broken = str(exc)
            raise StoreError(
                f"{self.root}: writing a batch failed ({exc}); nothing of this batch was committed and the "
                "store still holds every earlier batch. Fix the cause and run the same ingest again."
            ) from exc

        # Committed: update the in-memory view, then drop the files the commit removed.
        for old_id in replaced:
            gone = self.state.fragments.pop(old_id)
            for entry in gone.files.values():
                try:
                    (self.root / entry.path).unlink()
                except OSError:
                    pass  # an orphan now; the next writer deletes it
        for fragment in added:
            self.state.fragments[fragment.id] = fragment
        for article_id, (digest, partition) in new_index.items():
            self.index[article_id] = (digest, ids_of[partition])
            self.analysis_hashes[article_id] = found_hashes[article_id]
        for fragment in rewritten_fragments:
            if "articles" in fragment.files:
                kept = pq.read_table(self.root / fragment.files["articles"].path, columns=["article_id"])
                for article_id in kept.column("article_id").to_pylist():
                    self.index[article_id] = (self.index[article_id][0], fragment.id)
        self.reject_ids.update(new_rejects)
        self.state.seq = commit.seq
        self.state.commits += 1
        self.state.last_time = stamp
        if self._grouper is not None:
            self._grouper.committed(commit.seq)
        result.files = sum(len(f.files) for f in added)
        return result

    def compact(self, max_rows: int = 50_000) -> tuple[int, int]:
        """Merge each partition's small fragments into fewer, larger ones (one commit per partition).

        Daily ingests leave many small files; DuckDB reads fewer files faster. Rows are unchanged.
        A group holds at most ``max_rows`` rows of any table, so memory stays bounded. Returns
        (fragments before, fragments after) over the partitions that were compacted.
        """
        by_partition: dict[str, list[Fragment]] = defaultdict(list)
        for fragment in self.state.fragments.values():
            by_partition[fragment.partition].append(fragment)
        before = after = 0
        for partition, fragments in sorted(by_partition.items()):
            groups: list[list[Fragment]] = [[]]
            rows = 0
            for fragment in fragments:
                size = max((e.rows for e in fragment.files.values()), default=0)
                if groups[-1] and rows + size > max_rows:
                    groups.append([])
                    rows = 0
                groups[-1].append(fragment)
                rows += size
            groups = [g for g in groups if len(g) > 1]
            if not groups:
                continue
            written: list[Path] = []
            added: list[Fragment] = []
            try:
                for group in groups:
                    merged = Fragment(id=new_fragment_id(), partition=partition)
                    for name in sorted({n for f in group for n in f.files}):
                        parts = [pq.read_table(self.root / f.files[name].path) for f in group if name in f.files]
                        table = pa.concat_tables(parts, promote_options="default")
                        merged.files[name] = self._write_table(name, partition, merged.id, table, written)
                    added.append(merged)
                self._sync_dirs(written)
                removed = sorted(f.id for g in groups for f in g)
                commit = Commit(seq=self.state.seq + 1, time=_utc_now().isoformat(timespec="seconds"),
                                schema_version=SCHEMA_VERSION, kind="compact", add=added, remove=removed)
                self._append(commit)
            except StoreError:
                raise  # the ledger append failed: leave its files to the next writer (see commit)
            except OSError as exc:
                self._discard(written)
                raise StoreError(f"{self.root}: compacting {partition} failed ({exc}); the store is unchanged") from exc
            self.state.seq = commit.seq
            self.state.commits += 1
            for fragment_id in removed:
                gone = self.state.fragments.pop(fragment_id)
                for entry in gone.files.values():
                    try:
                        (self.root / entry.path).unlink()
                    except OSError:
                        pass
            for fragment in added:
                self.state.fragments[fragment.id] = fragment
                if "articles" in fragment.files:
                    ids = pq.read_table(self.root / fragment.files["articles"].path, columns=["article_id"])
                    for article_id in ids.column("article_id").to_pylist():
                        self.index[article_id] = (self.index[article_id][0], fragment.id)
            before += len(removed)
            after += len(added)
        return before, after

    def _append(self, commit: Commit) -> None:
        try:
            append_commit(self.root / LEDGER, commit)
        except OSError as exc:
            self.broken = str(exc)
            raise StoreError(
                f"{self.root}: committing a batch to the ledger failed ({exc}); nothing of this batch was "
                "committed and the store still holds every earlier batch. Fix the cause and run the same "
                "ingest again."
            ) from exc

    @staticmethod
    def _add_rows(frag: _Pending, analysis: Analysis, digest: str, found: str, stamp: str,
                  groups: ArticleGroups | None = None) -> None:
        article = analysis.article
        aid = article.article_id
        frag.rows["articles"].append(
            {**msgspec.to_builtins(article), "content_hash": digest, "source_key": source_key(article),
             "ingested_at": stamp, "dup_group": groups.dup_group if groups else None, "analysis_hash": found}
        )
        for i, mention in enumerate(analysis.actors):
            frag.rows["actors"].append({"article_id": aid, "mention_index": i, **msgspec.to_builtins(mention)})
        for quote in analysis.quotes:
            frag.rows["quotes"].append({**msgspec.to_builtins(quote), "article_id": aid})
        for event in analysis.events:
            frag.rows["events"].append({
                **msgspec.to_builtins(event), "article_id": aid,
                "group_id": groups.event_groups.get(event.event_id) if groups else None,
                "outlet": groups.outlet if groups else None,
                "dup_group": groups.dup_group if groups else None,
            })

    def _write_fragment(
        self, partition: str, rows: dict[str, list[dict[str, Any]]], written: list[Path]
    ) -> Fragment | None:
        fragment = Fragment(id=new_fragment_id(), partition=partition)
        for name, table_rows in rows.items():
            if table_rows:
                table = TABLES[name].to_arrow(table_rows)
                fragment.files[name] = self._write_table(name, partition, fragment.id, table, written)
        return fragment if fragment.files else None

    def _rewrite_without(self, old: Fragment, drop: set[str], written: list[Path]) -> Fragment | None:
        """A copy of ``old`` without the rows of the articles in ``drop`` (None when nothing is left)."""
        fragment = Fragment(id=new_fragment_id(), partition=old.partition)
        drop_ids = pa.array(sorted(drop), type=pa.string())
        for name, entry in old.files.items():
            table = pq.read_table(self.root / entry.path)
            spec = TABLES.get(name)
            if spec is None or spec.keyed_by_article:
                keep = pc.invert(pc.is_in(table.column("article_id"), value_set=drop_ids))
                table = table.filter(keep)
            if table.num_rows:
                fragment.files[name] = self._write_table(name, old.partition, fragment.id, table, written)
        return fragment if fragment.files else None

    def _write_table(
        self, name: str, partition: str, fragment_id: str, table: pa.Table, written: list[Path]
    ) -> FileEntry:
        rel = fragment_path(name, partition, fragment_id)
        final = self.root / rel
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = final.with_name(f".{final.name}.tmp")
        written.append(tmp)
        write_parquet(table, tmp)
        written.append(final)
        rename(tmp, final)
        return FileEntry(path=rel, rows=table.num_rows)

    def _sync_dirs(self, written: list[Path]) -> None:
        dirs = {p.parent for p in written}
        # New partition directories must reach the disk too: sync up to tables/.
        for d in list(dirs):
            parent = d
            while parent != self.root and parent.parent != parent:
                parent = parent.parent
                dirs.add(parent)
        for d in sorted(dirs, key=lambda p: len(p.parts), reverse=True):
            fsync_dir(d)

    def _discard(self, written: list[Path]) -> None:
        for path in written:
            try:
                path.unlink()
            except OSError:
                pass


def write_parquet(table: pa.Table, path: Path) -> None:
    """Write a complete Parquet file and fsync it (a file is unreadable until its footer is written)."""
    with open(path, "wb") as fh:
        pq.write_table(table, fh, compression="zstd")
        fh.flush()
        os.fsync(fh.fileno())


def rename(src: Path, dst: Path) -> None:
    """Atomically move a finished file into place."""
    os.replace(src, dst)


def ingest_day(now: datetime | None = None) -> date:
    return (now or _utc_now()).date()
