"""The reporting-verb lexicon (``data/reporting_verbs.tsv``): which words are cues, and what they introduce."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

# Frames a cue can introduce; see the header of the data file.
FRAMES = frozenset({"direct", "clause", "infinitive", "object", "as", "oprd", "prep"})


@dataclass(frozen=True)
class CueEntry:
    """One lexicon row: a cue lemma, the frames it introduces, and its class (speech or cognition)."""

    lemma: str
    frames: frozenset[str]
    cls: str


@lru_cache(maxsize=4)
def load_lexicon(classes: frozenset[str] = frozenset({"speech"})) -> dict[str, CueEntry]:
    """Cue lemma (or "lemma particle") → entry, for the given classes; loaded once."""
    text = resources.files("communique.quotes").joinpath("data/reporting_verbs.tsv").read_text("utf-8")
    entries: dict[str, CueEntry] = {}
    header_seen = False
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not header_seen:  # the column names
            header_seen = True
            continue
        lemma, frames, cls = (cell.strip() for cell in line.split("\t"))
        wanted = frozenset(frames.split())
        unknown = wanted - FRAMES
        if unknown:
            raise ValueError(f"reporting_verbs.tsv: {lemma}: unknown frames {sorted(unknown)}")
        if cls in classes:
            entries[lemma] = CueEntry(lemma, wanted, cls)
    return entries


@lru_cache(maxsize=1)
def load_non_speakers() -> frozenset[str]:
    """Head-noun lemmas that name documents or data, not speakers (``data/non_speakers.txt``)."""
    text = resources.files("communique.quotes").joinpath("data/non_speakers.txt").read_text("utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )
