"""TF-IDF vectors maintained online, for comparing articles as they arrive.

An article's terms are its words minus stop words (``data/stopwords.txt``) and one-character
tokens; words of the title count ``title_weight`` times, because a headline names the story.
Term frequency is sublinear (1 + log tf) and the inverse document frequency comes from running
document counts (``TermStats``), smoothed as in scikit-learn: ``idf = ln((1 + N) / (1 + df)) + 1``.
Vectors are sparse dicts, unit length.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from importlib import resources

from communique.dedup.text import words

Vector = dict[str, float]


@cache
def stopwords() -> frozenset[str]:
    """Words dropped before weighting."""
    text = resources.files("communique.stories").joinpath("data/stopwords.txt").read_text("utf-8")
    return frozenset(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))


def terms(text: str) -> list[str]:
    """Content words of ``text`` in order."""
    stop = stopwords()
    return [w for w in words(text) if len(w) > 1 and w not in stop and not w.replace(".", "").isdigit()]


# A capitalised word after a lower-case word or a comma: a name, not a sentence start.
_NAME = re.compile(r"(?<=[a-z,;:] )[A-Z][\w'.-]*\w")


def names(text: str) -> set[str]:
    """Words written as names mid-sentence ("Athens", "Tsipras", "Galaxy"), normalised."""
    return {w for match in _NAME.findall(text) for w in words(match)}


def term_weights(
    text: str,
    title: str | None = None,
    title_weight: float = 2.0,
    name_weight: float = 1.0,
    bigram_weight: float = 0.0,
) -> dict[str, float]:
    """Sublinear term frequencies of an article.

    The title's terms count ``title_weight`` times (a headline names the story); terms written
    as names weigh ``name_weight`` times more; with ``bigram_weight`` adjacent content words
    ("michelle obama", "greek election") are terms too.
    """
    counts: dict[str, float] = {}
    body = terms(text)
    for term in body:
        counts[term] = counts.get(term, 0.0) + 1.0
    if bigram_weight:
        for first, second in zip(body, body[1:], strict=False):
            pair = f"{first} {second}"
            counts[pair] = counts.get(pair, 0.0) + bigram_weight
    if title:
        for term in terms(title):
            counts[term] = counts.get(term, 0.0) + title_weight
    weights = {t: 1.0 + math.log(c) if c >= 1.0 else c for t, c in counts.items()}
    if name_weight != 1.0:
        for term in names(text) & weights.keys():
            weights[term] *= name_weight
    return weights


class TermStats:
    """Running document frequencies: how many of the articles seen so far use each term."""

    def __init__(self, n_docs: int = 0, df: Mapping[str, int] | None = None) -> None:
        self.n_docs = n_docs
        self.df: Counter[str] = Counter(df or {})

    def add(self, doc_terms: Iterable[str]) -> None:
        """Count one more document using ``doc_terms``."""
        self.n_docs += 1
        self.df.update(set(doc_terms))

    def idf(self, term: str) -> float:
        return math.log((1 + self.n_docs) / (1 + self.df.get(term, 0))) + 1.0

    def vector(self, tf: Mapping[str, float], max_terms: int | None = None) -> Vector:
        """Unit-length TF-IDF vector of term weights ``tf`` under the current statistics.

        With ``max_terms`` only the heaviest terms are kept: a long article's tail of incidental
        words otherwise dilutes what it is about.
        """
        # Many terms share a document frequency: compute each idf once (a refresh rebuilds all).
        by_df: dict[int, float] = {}
        scale = math.log(1 + self.n_docs)
        raw = {}
        for term, weight in tf.items():
            df = self.df.get(term, 0)
            idf = by_df.get(df)
            if idf is None:
                idf = by_df[df] = scale - math.log(1 + df) + 1.0
            raw[term] = weight * idf
        if max_terms is not None and len(raw) > max_terms:
            raw = dict(heapq.nsmallest(max_terms, raw.items(), key=lambda kv: (-kv[1], kv[0])))
        return normalise(raw)


def normalise(vector: Mapping[str, float]) -> Vector:
    """``vector`` scaled to unit length (empty when it is all zero)."""
    norm = math.sqrt(sum(w * w for w in vector.values()))
    return {t: w / norm for t, w in vector.items()} if norm else {}


def dot(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Dot product of two sparse vectors."""
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


def average_link_groups(vectors: Sequence[Mapping[str, float]], threshold: float) -> list[list[int]]:
    """Batch average-linkage clustering of unit ``vectors``: index groups, first-seen order.

    Groups are merged while the mean cosine between their members is at least ``threshold``.
    """
    if len(vectors) < 2:
        return [list(range(len(vectors)))]
    import numpy as np
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.sparse import csr_matrix

    vocab: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for i, vector in enumerate(vectors):
        for term, weight in vector.items():
            rows.append(i)
            cols.append(vocab.setdefault(term, len(vocab)))
            vals.append(weight)
    matrix = csr_matrix((vals, (rows, cols)), shape=(len(vectors), max(len(vocab), 1)))
    distance = np.clip(1.0 - (matrix @ matrix.T).toarray(), 0.0, None)
    upper = np.triu_indices(len(vectors), 1)
    # Average linkage on cosine distance: a group distance is one minus the mean cosine.
    labels = fcluster(linkage(distance[upper], method="average"), t=1.0 - threshold, criterion="distance")
    groups: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        groups.setdefault(int(label), []).append(i)
    return list(groups.values())
