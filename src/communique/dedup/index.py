"""An incremental index of exact and near-duplicate articles.

``DuplicateIndex.add(article)`` puts an article in a duplicate group and returns the group id,
which is the id of the group's first article and never changes as later copies arrive:

1. **Exact**: the SHA-1 of the normalised body (``text.normalize_text``: NFKC, case folded,
   whitespace collapsed) is looked up; equal hashes join the same group. The title is not part of
   the key, because outlets re-headline the same wire copy.
2. **Near**: otherwise a MinHash of the body's word shingles is queried in a MinHash LSH
   (datasketch); candidates whose estimated Jaccard similarity reaches ``threshold`` are
   near-duplicates, and the article joins the group of the most similar one. Groups are never
   merged, so group ids stay stable; a copy that resembles two groups joins the closer.
3. Otherwise the article opens a new group.

The index persists with ``to_bytes``/``from_bytes`` (or ``save``/``load`` on a file): a versioned
msgpack document holding the settings and, per article, its id, group, body hash and MinHash
signature. Loading rebuilds the LSH from the signatures, so no pickle is involved and a stored
index cannot execute code.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import Literal

import msgspec
import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from communique.dedup.persist import decode_state, read_state, write_atomic
from communique.dedup.text import text_hash, words
from communique.errors import StoreError
from communique.records import Article

FORMAT_VERSION = 1
_MAGIC = "communique.dedup.DuplicateIndex"

MatchKind = Literal["new", "exact", "near", "known"]


class DuplicateMatch(msgspec.Struct, frozen=True, kw_only=True):
    """Where an article belongs: its group, how it matched, and the article it matched."""

    article_id: str
    group_id: str
    kind: MatchKind
    similarity: float = 0.0
    matched: str | None = None


class _Entry(msgspec.Struct, array_like=True):
    article_id: str
    group_id: str
    body_hash: str
    signature: bytes


class _State(msgspec.Struct, kw_only=True):
    magic: str
    version: int
    threshold: float
    num_perm: int
    shingle_size: int
    seed: int
    scheme: str
    entries: list[_Entry]


class DuplicateIndex:
    """Exact (normalised-text hash) and near (MinHash LSH) duplicate groups, built incrementally.

    ``threshold`` is the estimated Jaccard similarity of word ``shingle_size``-grams from which two
    bodies are near-duplicates. 0.5 keeps a wire story whose byline and a paragraph were rewritten
    by an outlet (about 0.6) and, on the BBC corpus, only pairs that are versions of one report.
    """

    def __init__(
        self,
        threshold: float = 0.5,
        num_perm: int = 128,
        shingle_size: int = 3,
        seed: int = 1,
        scheme: str | None = None,
    ) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], got {threshold}")
        if shingle_size < 1:
            raise ValueError(f"shingle_size must be at least 1, got {shingle_size}")
        self.threshold = threshold
        self.num_perm = num_perm
        self.shingle_size = shingle_size
        self.seed = seed
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        # A template MinHash: its permutations are reused (datasketch regenerates them per object).
        # ``scheme`` is datasketch's hashing scheme; a loaded index keeps the one it was built with
        # so that new signatures stay comparable with the stored ones.
        self._template = MinHash(num_perm=num_perm, seed=seed, scheme=scheme)  # type: ignore[arg-type]
        self._entries: dict[str, _Entry] = {}
        self._by_hash: dict[str, str] = {}
        self._signatures: dict[str, LeanMinHash] = {}
        self._members: dict[str, list[str]] = {}

    # -- building -----------------------------------------------------------------------------

    def _minhash(self, text: str) -> LeanMinHash | None:
        tokens = words(text)
        if not tokens:
            return None
        k = min(self.shingle_size, len(tokens))
        shingles = {" ".join(tokens[i : i + k]).encode("utf-8") for i in range(len(tokens) - k + 1)}
        mh = self._template.copy()
        mh.update_batch(list(shingles))
        return LeanMinHash(mh)

    def match(self, article: Article) -> DuplicateMatch:
        """Where ``article`` would go, without adding it."""
        return self._match(article, text_hash(article.text), None)[0]

    def _match(
        self, article: Article, body_hash: str, signature: LeanMinHash | None
    ) -> tuple[DuplicateMatch, LeanMinHash | None]:
        known = self._entries.get(article.article_id)
        if known is not None:
            return DuplicateMatch(
                article_id=article.article_id, group_id=known.group_id, kind="known", similarity=1.0
            ), None
        first = self._by_hash.get(body_hash)
        if first is not None:
            group = self._entries[first].group_id
            return DuplicateMatch(
                article_id=article.article_id, group_id=group, kind="exact", similarity=1.0, matched=first
            ), None
        signature = signature or self._minhash(article.text)
        if signature is not None:
            best = max(self._near(signature), key=lambda pair: (pair[1], pair[0]), default=None)
            if best is not None:
                return DuplicateMatch(
                    article_id=article.article_id,
                    group_id=self._entries[best[0]].group_id,
                    kind="near",
                    similarity=best[1],
                    matched=best[0],
                ), signature
        return DuplicateMatch(
            article_id=article.article_id, group_id=article.article_id, kind="new"
        ), signature

    def _near(self, signature: LeanMinHash) -> Iterator[tuple[str, float]]:
        for other in self._lsh.query(signature):
            similarity = float(signature.jaccard(self._signatures[other]))
            if similarity >= self.threshold:
                yield other, similarity

    def add_match(self, article: Article) -> DuplicateMatch:
        """Add ``article`` and say how it matched (``kind`` "known" when its id is already in)."""
        body_hash = text_hash(article.text)
        found, signature = self._match(article, body_hash, None)
        if found.kind == "known":
            return found
        if found.kind == "exact":
            # An exact copy shares its group's signature; no need to hash its shingles again.
            assert found.matched is not None
            signature = self._signatures.get(found.matched)
        elif signature is None:
            signature = self._minhash(article.text)
        self._insert(
            _Entry(
                article_id=article.article_id,
                group_id=found.group_id,
                body_hash=body_hash,
                signature=b"" if signature is None else signature.hashvalues.astype("<u8").tobytes(),
            ),
            signature,
        )
        return found

    def add(self, article: Article) -> str:
        """Add ``article``; return its duplicate group id (the id of the group's first article)."""
        return self.add_match(article).group_id

    def add_many(self, articles: Iterable[Article]) -> list[DuplicateMatch]:
        """Add articles in order; one match per article."""
        return [self.add_match(article) for article in articles]

    def _insert(self, entry: _Entry, signature: LeanMinHash | None) -> None:
        self._entries[entry.article_id] = entry
        self._by_hash.setdefault(entry.body_hash, entry.article_id)
        self._members.setdefault(entry.group_id, []).append(entry.article_id)
        if signature is not None:
            self._signatures[entry.article_id] = signature
            # Only a group's first copy goes into the LSH: later copies would only repeat candidates.
            if entry.group_id == entry.article_id:
                self._lsh.insert(entry.article_id, signature, check_duplication=False)

    # -- reading ------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._entries

    def group_of(self, article_id: str) -> str | None:
        """The group id of an added article, or None when it was never added."""
        entry = self._entries.get(article_id)
        return entry.group_id if entry else None

    def groups(self, min_size: int = 1) -> dict[str, list[str]]:
        """Group id → member article ids in arrival order, for groups of at least ``min_size``."""
        return {g: list(m) for g, m in self._members.items() if len(m) >= min_size}

    def similar(self, article: Article) -> list[tuple[str, float]]:
        """Indexed group leaders whose estimated Jaccard with ``article`` reaches the threshold."""
        signature = self._minhash(article.text)
        if signature is None:
            return []
        return sorted(self._near(signature), key=lambda pair: -pair[1])

    # -- persistence --------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """The index as a versioned msgpack document (see the module docstring)."""
        state = _State(
            magic=_MAGIC,
            version=FORMAT_VERSION,
            threshold=self.threshold,
            num_perm=self.num_perm,
            shingle_size=self.shingle_size,
            seed=self.seed,
            scheme=str(self._template.scheme),
            entries=list(self._entries.values()),
        )
        return msgspec.msgpack.encode(state)

    @classmethod
    def from_bytes(cls, data: bytes) -> DuplicateIndex:
        """Rebuild an index written by ``to_bytes``; StoreError when the data is not one."""
        state = decode_state(data, _State, _MAGIC, FORMAT_VERSION, "duplicate index")
        try:
            index = cls(state.threshold, state.num_perm, state.shingle_size, state.seed, state.scheme)
        except ValueError as exc:
            raise StoreError(
                f"duplicate index: cannot rebuild ({exc}); re-create it from the articles"
            ) from exc
        for entry in state.entries:
            signature = None
            if entry.signature:
                values = np.frombuffer(entry.signature, dtype="<u8").astype(np.uint64)
                signature = LeanMinHash(seed=state.seed, hashvalues=values, scheme=state.scheme)
            index._insert(entry, signature)
        return index

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the index to ``path`` atomically."""
        write_atomic(path, self.to_bytes())

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> DuplicateIndex:
        """Read an index written by ``save``."""
        return cls.from_bytes(read_state(path, "duplicate index"))
