"""``communique eval actors``: named actors on CoNLL-2003, side by side with bare spaCy.

Each CoNLL document (split at ``-DOCSTART-``) becomes one text: tokens joined by spaces,
sentences by newlines, so gold token spans map to character spans. Both systems read the same
spaCy docs (parsed once):

- **communique**: ``recognise_actors`` mentions mapped to CoNLL types — person → PER;
  country, place and metonym (capitals, seats of power) → LOC; organisation → ORG. Demonyms
  are MISC and groups, pronouns and role references are not names, so none is scored.
- **bare spaCy** (the baseline): PERSON → PER; GPE, LOC, FAC → LOC; ORG → ORG; NORP and the
  rest are MISC-like and not scored.

Scores are exact-span precision, recall and F1 per type and micro-averaged over PER, LOC, ORG.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from communique.config import Settings
from communique.errors import UsageError
from communique.eval import EvalReport

TYPES = ("PER", "LOC", "ORG")
KIND_TO_TYPE = {"person": "PER", "country": "LOC", "place": "LOC", "metonym": "LOC", "organisation": "ORG"}
SPACY_TO_TYPE = {"PERSON": "PER", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC", "ORG": "ORG"}

Span = tuple[int, int, str]


@dataclass
class ConllDoc:
    """One CoNLL document as text plus its gold entity spans (character offsets)."""

    text: str
    gold: set[Span] = field(default_factory=set)


def read_conll(path: Path) -> list[ConllDoc]:
    """Documents of a CoNLL-2003 file (IOB1 or IOB2 tags in the last column)."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read CoNLL file ({exc.strerror or exc})") from exc
    docs: list[list[list[tuple[str, str]]]] = [[]]
    sentence: list[tuple[str, str]] = []
    for line in lines:
        parts = line.split()
        if not parts:
            if sentence:
                docs[-1].append(sentence)
                sentence = []
            continue
        if parts[0] == "-DOCSTART-":
            if sentence:
                docs[-1].append(sentence)
                sentence = []
            if docs[-1]:
                docs.append([])
            continue
        sentence.append((parts[0], parts[-1]))
    if sentence:
        docs[-1].append(sentence)
    out = [_to_doc(d) for d in docs if d]
    if not out:
        raise UsageError(f"{path}: no CoNLL sentences found")
    return out


def _to_doc(sentences: list[list[tuple[str, str]]]) -> ConllDoc:
    pieces: list[str] = []
    gold: set[Span] = set()
    pos = 0
    for si, sentence in enumerate(sentences):
        if si:
            pieces.append("\n")
            pos += 1
        current: list[Any] | None = None  # [start, end, type]
        for ti, (token, tag) in enumerate(sentence):
            if ti:
                pieces.append(" ")
                pos += 1
            start, end = pos, pos + len(token)
            pieces.append(token)
            pos = end
            kind = tag[2:] if len(tag) > 2 and tag[1] == "-" else None
            begins = tag.startswith("B-") or current is None or (kind is not None and current[2] != kind)
            if kind is None:
                if current:
                    gold.add((current[0], current[1], current[2]))
                current = None
            elif begins:
                if current:
                    gold.add((current[0], current[1], current[2]))
                current = [start, end, kind]
            else:
                assert current is not None
                current[1] = end
        if current:
            gold.add((current[0], current[1], current[2]))
    return ConllDoc("".join(pieces), gold)


@dataclass
class Counts:
    tp: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TYPES, 0))
    fp: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TYPES, 0))
    fn: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TYPES, 0))

    def add(self, gold: set[Span], pred: set[Span]) -> None:
        gold = {g for g in gold if g[2] in TYPES}
        pred = {p for p in pred if p[2] in TYPES}
        for s in pred & gold:
            self.tp[s[2]] += 1
        for s in pred - gold:
            self.fp[s[2]] += 1
        for s in gold - pred:
            self.fn[s[2]] += 1

    def prf(self, kind: str | None = None) -> tuple[float, float, float]:
        kinds = TYPES if kind is None else (kind,)
        tp = sum(self.tp[k] for k in kinds)
        fp = sum(self.fp[k] for k in kinds)
        fn = sum(self.fn[k] for k in kinds)
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f


def communique_spans(mentions: Iterable[Any]) -> set[Span]:
    """CoNLL-typed spans of communique's actor mentions."""
    return {(m.start, m.end, KIND_TO_TYPE[m.kind]) for m in mentions if m.kind in KIND_TO_TYPE}


def spacy_spans(doc: Any) -> set[Span]:
    """CoNLL-typed spans of a bare spaCy doc's entities."""
    return {
        (e.start_char, e.end_char, SPACY_TO_TYPE[e.label_]) for e in doc.ents if e.label_ in SPACY_TO_TYPE
    }


def _batched(docs: list[ConllDoc]) -> Iterator[str]:
    for d in docs:
        yield d.text


def evaluate(data: Path, settings: Settings, **options: Any) -> EvalReport:
    """PER/LOC/ORG exact-span scores of communique and of bare spaCy on a CoNLL-2003 file."""
    from communique.nlp.actors import recognise_actors
    from communique.pipeline import Pipeline

    docs = read_conll(Path(data))
    limit = options.get("limit")
    if limit:
        docs = docs[: int(limit)]
    from communique.nlp.gazetteer import gazetteer

    pipe = Pipeline(settings)
    nlp, kb = pipe.nlp, pipe.kb
    gazetteer(kb)  # built once per process: keep it out of the per-document timing
    ours, base = Counts(), Counts()
    parse_s = recog_s = 0.0
    t0 = time.perf_counter()
    for gold, doc in zip(docs, nlp.pipe(_batched(docs), batch_size=settings.batch_size), strict=True):
        t1 = time.perf_counter()
        parse_s += t1 - t0
        mentions = recognise_actors(doc, kb, None)
        t0 = time.perf_counter()
        recog_s += t0 - t1
        ours.add(gold.gold, communique_spans(mentions))
        base.add(gold.gold, spacy_spans(doc))
    scores: dict[str, float] = {}
    lines = [
        f"actors on {data} ({len(docs)} documents): exact-span P/R/F1, communique vs bare spaCy",
        f"{'type':6} {'communique P/R/F1':>24}   {'bare spaCy P/R/F1':>24}",
    ]
    for kind in (*TYPES, None):
        p, r, f = ours.prf(kind)
        bp, br, bf = base.prf(kind)
        key = (kind or "micro").lower()
        scores.update(
            {
                f"{key}_precision": p,
                f"{key}_recall": r,
                f"{key}_f1": f,
                f"baseline_{key}_precision": bp,
                f"baseline_{key}_recall": br,
                f"baseline_{key}_f1": bf,
            }
        )
        lines.append(f"{key:6} {p:7.3f} {r:7.3f} {f:7.3f}     {bp:7.3f} {br:7.3f} {bf:7.3f}")
    scores["micro_f1_minus_baseline"] = scores["micro_f1"] - scores["baseline_micro_f1"]
    scores["recogniser_seconds_per_parse_second"] = recog_s / parse_s if parse_s else 0.0
    lines.append(
        f"micro-F1 difference: {scores['micro_f1_minus_baseline']:+.3f}; recogniser time "
        f"{recog_s:.1f}s vs spaCy parsing {parse_s:.1f}s"
    )
    return EvalReport(task="actors", data=str(data), scores=scores, text="\n".join(lines))
