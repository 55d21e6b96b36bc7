"""Sentence scoring for briefs: which sentence leads, which matter, which give background.

Each content sentence becomes a ``Candidate`` with features a reader would recognise: where it
stands (news puts the main fact first), how central its words are to the article, how many
actors it names, how salient the events coded in it are (from ``events``), how much of it is a
direct quote (quotes go to "What they're saying"), and which cue phrases it carries
(``data/cues.tsv``: significance → Why it matters; background → Go deeper). When the event and
actor stages return nothing, the position, centrality and cue features still rank sentences.
"""

from __future__ import annotations

import csv
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from communique.briefs.sentences import Unit, word_count
from communique.records import Analysis, Event

_PRONOUN_START = re.compile(r"(?:He|She|It|They|This|These|Those|We|I)\b")
_CUE_WORD = re.compile(r"[a-z0-9][a-z0-9'-]*")
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’-]+|\d+")


@dataclass(frozen=True)
class Cue:
    phrase: str
    kind: str  # significance | context | background
    weight: float
    pattern: re.Pattern[str]
    first: str | None = None  # the phrase's first word (None for a regular expression)


@lru_cache(maxsize=1)
def cues() -> tuple[Cue, ...]:
    """Cue phrases from ``data/cues.tsv``."""
    text = resources.files("communique.briefs").joinpath("data").joinpath("cues.tsv").read_text("utf-8")
    rows = csv.DictReader((line for line in text.splitlines() if not line.startswith("#")), delimiter="\t")
    out = []
    for row in rows:
        body = row["cue"] if row.get("regex") == "1" else re.escape(row["cue"])
        first = None if row.get("regex") == "1" else row["cue"].split()[0].lower()
        out.append(Cue(row["cue"], row["kind"], float(row["weight"]),
                       re.compile(rf"\b{body}\b", re.IGNORECASE), first))
    return tuple(out)


def cue_scores(sentence: str) -> dict[str, float]:
    """Summed cue weights by kind for one sentence."""
    scores: dict[str, float] = {"significance": 0.0, "context": 0.0, "background": 0.0}
    # Most cues cannot match: look for a phrase only when its first word is in the sentence.
    present = set(_CUE_WORD.findall(sentence.lower()))
    for cue in cues():
        if cue.first is not None and cue.first not in present:
            continue
        if cue.pattern.search(sentence):
            scores[cue.kind] += cue.weight
    return scores


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def content_words(text: str) -> list[str]:
    """Lower-cased content words with a light plural strip (for overlap, not for display)."""
    stop = _stop_words()
    out = []
    for tok in _TOKEN.findall(text):
        w = tok.lower().replace("’", "'")
        if w in stop or len(w) < 3:
            continue
        if w.endswith("'s"):
            w = w[:-2]
        if len(w) > 4 and w.endswith("s") and not w.endswith("ss"):
            w = w[:-1]
        out.append(w)
    return out


# Weights of the key-point score. News puts its main facts first, so position dominates; the
# other features reorder within the lead and pull up a later sentence that carries the topic.
WEIGHTS: dict[str, float] = {
    "position": 0.40,  # weight of 1 / (1 + decay * position)
    "decay": 0.35,
    "centrality": 0.30,  # recurring content words, relative to the best sentence
    "title": 0.15,  # share of the title's words
    "events": 0.05,  # salience of coded events (the lede weighs them more)
    "actors": 0.05,  # distinct actors named (up to 3)
    "quote": 0.25,  # penalty: share inside direct quotes
    "pronoun": 0.0,  # penalty: starts with a pronoun ("He said ...")
    "short": 0.15,  # penalty: fewer than 8 words
    "long": 0.10,  # penalty: more than long_words words
    "long_words": 45,
}


@dataclass
class Candidate:
    """A content sentence with the features that rank it."""

    unit: Unit
    text: str
    position: int  # order among content sentences (0 = first)
    centrality: float = 0.0
    title_overlap: float = 0.0
    salience: float = 0.0  # best event salience in the sentence
    actors: set[str] = field(default_factory=set)
    quote_share: float = 0.0  # share of characters inside direct quotes
    significance: float = 0.0
    context: float = 0.0
    background: float = 0.0
    events: list[Event] = field(default_factory=list)
    score: float = 0.0
    words: frozenset[str] = frozenset()  # content words, for overlap between brief items

    @property
    def span(self) -> tuple[int, int]:
        return self.unit.span


def event_salience(event: Event) -> float:
    """How much an event deserves the lede: confident, consequential, real (not negated/hypothetical)."""
    if event.negated:
        return 0.0
    weight = event.confidence * (1.0 + abs(event.goldstein) / 10.0)
    if "hypothetical" in event.aux or "historical" in event.aux:
        weight *= 0.4
    elif "future" in event.aux:
        weight *= 0.7
    if event.actor and event.recipient:
        weight *= 1.2
    return weight


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def score_sentences(analysis: Analysis, units: list[Unit], title: str | None = None) -> list[Candidate]:
    """Candidates for every content unit, with features and a general key-point ``score``."""
    text = analysis.article.text
    cands = [Candidate(unit=u, text=text[u.start : u.end], position=i) for i, u in enumerate(units)]
    if not cands:
        return []
    words = [content_words(c.text) for c in cands]
    df: Counter[str] = Counter()
    for ws in words:
        df.update(set(ws))
    title_words = set(content_words(title)) if title else set()
    direct = [q.span for q in analysis.quotes if q.kind in ("direct", "mixed")]
    for c, ws in zip(cands, words, strict=True):
        uniq = set(ws)
        c.words = frozenset(uniq)
        # Words that recur across sentences carry the article's topic.
        c.centrality = sum(df[w] - 1 for w in uniq) / math.sqrt(len(ws) + 1)
        if title_words:
            c.title_overlap = len(uniq & title_words) / len(title_words)
        for a in analysis.actors:
            if c.unit.start <= a.start and a.end <= c.unit.end and (a.name or a.country):
                c.actors.add(a.name or a.country or "")
        for e in analysis.events:
            if _overlap(e.span, c.span) > 0:
                c.events.append(e)
                c.salience = max(c.salience, event_salience(e))
        inside = sum(_overlap(q, c.span) for q in direct)
        c.quote_share = min(1.0, inside / max(1, c.unit.end - c.unit.start))
        cs = cue_scores(c.text)
        c.significance, c.context, c.background = cs["significance"], cs["context"], cs["background"]
    top = max(c.centrality for c in cands) or 1.0
    w = WEIGHTS
    for c in cands:
        n = word_count(c.text)
        length_penalty = w["short"] if n < 8 else (w["long"] if n > w["long_words"] else 0.0)
        c.score = (
            w["position"] / (1.0 + w["decay"] * c.position)
            + w["centrality"] * (c.centrality / top)
            + w["title"] * c.title_overlap
            + w["events"] * min(1.0, c.salience)
            + w["actors"] * min(1.0, len(c.actors) / 3)
            - w["quote"] * c.quote_share
            - w["pronoun"] * bool(_PRONOUN_START.match(c.text))
            - length_penalty
        )
    return cands


LEDE_WINDOW = 3  # the lede is one of the first factual sentences


def lede_candidate(cands: list[Candidate]) -> Candidate | None:
    """The lede: the sentence of the most salient event (earlier sentences preferred), else the first."""
    if not cands:
        return None
    # A lede states a fact: not a quote, not commentary ("This meeting underscores ..."), not a
    # sentence that leans on an earlier one ("He said ...").
    statements = [c for c in cands if c.quote_share < 0.5]
    factual = [c for c in statements if c.significance < 0.8 and not _PRONOUN_START.match(c.text)]
    pool = (factual or statements or cands)[:LEDE_WINDOW]
    # News states its main fact first; a coded event lets the second or third sentence win
    # when the first is scene-setting ("It's the moment every pet owner dreads").
    return max(pool, key=lambda c: 1.0 / (1.0 + c.position) + 0.5 * min(1.0, c.salience))
