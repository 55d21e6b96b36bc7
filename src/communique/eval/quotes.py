"""``communique eval quotes``: quote attribution on the Gender Gap Tracker and PolNeAR gold sets.

Two gold formats, picked by the path:

* a ``.jsonl`` file — the Gender Gap Tracker's annotated articles (``ggt_gold_98.jsonl``), scored
  with GGT's own rule: for each gold quote in order, the unused prediction covering most of it
  matches when it covers more than 30% (lenient) or 80% (strict) of the gold span; unused
  predictions are false positives. Speaker accuracy is over the matched quotes: right when the
  predicted speaker span overlaps the gold one, or both are absent (a "floating" quote). Verb
  accuracy: the cue as written equals the gold verb (lower case; both empty counts). The dozen gold
  quotes that the converter could not anchor in the text have no span and are left out (counted).
* a PolNeAR folder — either a split folder holding ``text/`` and ``attributions/`` or the corpus
  folder with ``dev/`` and ``test/`` (``split`` option, default test). One annotator's file per
  article (the first by name) is the gold. Source, cue and content spans are each scored by span F1
  (one-to-one, a prediction matches a gold span it overlaps); attribution F1 counts a relation found
  when one prediction overlaps its content and its source (or both have no source).

Each run scores communique and, side by side on the same parses, textacy's direct-quotation
extractor (``textacy.extract.triples.direct_quotations``) — the baseline a user would otherwise pick.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from communique.config import Settings
from communique.eval import EvalReport
from communique.records import Article

Span = tuple[int, int]


@dataclass
class Pred:
    """One predicted quote, reduced to what the scorers read."""

    content: list[Span]
    speaker: Span | None
    cue: str
    cue_span: Span | None = None


@dataclass
class GoldQuote:
    content: list[Span]
    speaker: Span | None
    cue: str
    cue_span: Span | None = None


@dataclass
class Doc:
    article: Article
    gold: list[GoldQuote]
    skipped: int = 0


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    extra: dict[str, float] = field(default_factory=dict)

    def prf(self) -> tuple[float, float, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


# -- reading gold -------------------------------------------------------------------------------


def read_ggt(path: Path, limit: int | None = None) -> list[Doc]:
    """GGT records → docs with gold quotes (quotes without a span are counted in ``skipped``)."""
    docs: list[Doc] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            record = json.loads(line)
            gold, skipped = [], 0
            for q in record.get("quotes", []):
                if not q.get("quote_span"):
                    skipped += 1
                    continue
                speaker = tuple(q["speaker_span"]) if q.get("speaker_span") else None
                verb_span = tuple(q["verb_span"]) if q.get("verb_span") else None
                gold.append(
                    GoldQuote(
                        [tuple(q["quote_span"])], speaker, (q.get("verb") or "").strip().lower(), verb_span
                    )  # type: ignore[arg-type]
                )
            article = Article(article_id=record["id"], text=record["text"])
            docs.append(Doc(article, gold, skipped))
            if limit is not None and len(docs) >= limit:
                break
    return docs


def _brat_spans(offsets: str) -> list[Span]:
    spans = []
    for piece in offsets.split(";"):
        start, end = piece.split()
        spans.append((int(start), int(end)))
    return spans


def read_polnear(folder: Path, split: str | None = None, limit: int | None = None) -> list[Doc]:
    """PolNeAR brat files → docs with gold attributions (one annotator per article)."""
    if not (folder / "text").is_dir():
        folder = folder / (split or "test")
    if not (folder / "text").is_dir() or not (folder / "attributions").is_dir():
        raise ValueError(f"{folder}: not a PolNeAR folder (expected text/ and attributions/)")
    chosen: dict[str, Path] = {}
    for ann in sorted((folder / "attributions").glob("*.ann")):
        article = ann.stem.rsplit("_", 1)[0]
        chosen.setdefault(article, ann)
    docs: list[Doc] = []
    for article_name, ann in sorted(chosen.items()):
        text_path = folder / "text" / f"{article_name}.txt"
        if not text_path.exists():
            continue
        text = text_path.read_text("utf-8")
        spans: dict[str, tuple[str, list[Span]]] = {}
        relations: list[dict[str, str]] = []
        for line in ann.read_text("utf-8").splitlines():
            cells = line.split("\t")
            if line.startswith("T") and len(cells) >= 2:
                label, _, offsets = cells[1].partition(" ")
                spans[cells[0]] = (label, _brat_spans(offsets))
            elif line.startswith("E") and len(cells) >= 2:
                relations.append(dict(arg.split(":", 1) for arg in cells[1].split()))
        gold = []
        for rel in relations:
            content = spans.get(rel.get("Content", ""), ("", []))[1]
            if not content:
                continue
            source = spans.get(rel.get("Source", ""), ("", []))[1]
            cue = spans.get(rel.get("Cue", ""), ("", []))[1]
            gold.append(
                GoldQuote(
                    content,
                    (source[0][0], source[-1][1]) if source else None,
                    text[cue[0][0] : cue[-1][1]].lower() if cue else "",
                    (cue[0][0], cue[-1][1]) if cue else None,
                )
            )
        docs.append(Doc(Article(article_id=article_name, text=text), gold))
        if limit is not None and len(docs) >= limit:
            break
    return docs


# -- predicting ---------------------------------------------------------------------------------


def _predict(docs: list[Doc], settings: Settings) -> Iterator[tuple[Doc, list[Pred], list[Pred]]]:
    """communique's and textacy's predictions for each doc, from one spaCy parse."""
    from textacy.extract.triples import direct_quotations

    from communique.nlp.actors import recognise_actors
    from communique.pipeline import Pipeline, article_date
    from communique.quotes import extract_quotes

    # the pipeline's own stages up to quotes (events are not needed here)
    pipeline = Pipeline(settings)
    pairs = ((d.article.text, d) for d in docs)
    for parsed, doc in pipeline.parse_many(pairs):
        actors = recognise_actors(parsed, pipeline.kb, article_date(doc.article))
        quotes = extract_quotes(parsed, actors, doc.article)
        ours = [
            Pred(
                [q.span],
                (q.speaker.start, q.speaker.end)
                if q.speaker is not None and q.speaker.start is not None and q.speaker.end is not None
                else None,
                (q.cue or "").lower(),
                q.cue_span,
            )
            for q in quotes
        ]
        theirs = []
        try:
            triples = list(direct_quotations(parsed))
        except Exception:  # noqa: BLE001 - the baseline must not stop our evaluation
            triples = []
        for t in triples:
            speaker = (t.speaker[0].idx, t.speaker[-1].idx + len(t.speaker[-1])) if t.speaker else None
            cue_span = (t.cue[0].idx, t.cue[-1].idx + len(t.cue[-1])) if t.cue else None
            theirs.append(
                Pred(
                    [(t.content.start_char, t.content.end_char)],
                    speaker,
                    " ".join(c.text for c in t.cue).lower(),
                    cue_span,
                )
            )
        yield doc, ours, theirs


# -- scoring ------------------------------------------------------------------------------------


def _overlap(a: list[Span], b: list[Span]) -> int:
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


def _length(spans: list[Span]) -> int:
    return sum(e - s for s, e in spans)


def _speaker_right(gold: Span | None, pred: Span | None) -> bool:
    if gold is None or pred is None:
        return gold is None and pred is None
    return _overlap([gold], [pred]) > 0


class GGTScore:
    """The Gender Gap Tracker's matching rule at one coverage threshold."""

    def __init__(self, threshold: float):
        self.threshold = threshold
        self.quotes = Tally()
        self.speaker_right = 0
        self.verb_right = 0

    def add(self, gold: list[GoldQuote], preds: list[Pred]) -> None:
        used: set[int] = set()
        for g in gold:
            best, best_cover = -1, 0.0
            size = _length(g.content) or 1
            for n, p in enumerate(preds):
                if n in used:
                    continue
                cover = _overlap(g.content, p.content) / size
                if cover > best_cover:
                    best, best_cover = n, cover
            if best >= 0 and best_cover > self.threshold:
                used.add(best)
                self.quotes.tp += 1
                self.speaker_right += _speaker_right(g.speaker, preds[best].speaker)
                self.verb_right += g.cue == preds[best].cue
            else:
                self.quotes.fn += 1
        self.quotes.fp += len(preds) - len(used)

    def scores(self, prefix: str) -> dict[str, float]:
        p, r, f = self.quotes.prf()
        tp = self.quotes.tp or 1
        return {
            f"{prefix}precision": p,
            f"{prefix}recall": r,
            f"{prefix}f1": f,
            f"{prefix}speaker_accuracy": self.speaker_right / tp,
            f"{prefix}verb_accuracy": self.verb_right / tp,
        }


def _match_spans(gold: list[list[Span]], preds: list[list[Span]], tally: Tally) -> None:
    """One-to-one: each gold span takes the unused prediction overlapping it most."""
    used: set[int] = set()
    for g in gold:
        best, best_overlap = -1, 0
        for n, p in enumerate(preds):
            if n not in used:
                o = _overlap(g, p)
                if o > best_overlap:
                    best, best_overlap = n, o
        if best >= 0:
            used.add(best)
            tally.tp += 1
        else:
            tally.fn += 1
    tally.fp += len(preds) - len(used)


class PolnearScore:
    """Span F1 for source, cue and content, and attribution F1 (content and source matched)."""

    def __init__(self) -> None:
        self.source, self.cue, self.content, self.attribution = Tally(), Tally(), Tally(), Tally()

    def add(self, gold: list[GoldQuote], preds: list[Pred]) -> None:
        _match_spans([g.content for g in gold], [p.content for p in preds], self.content)
        _match_spans(
            [[g.speaker] for g in gold if g.speaker], [[p.speaker] for p in preds if p.speaker], self.source
        )
        _match_spans(
            [[g.cue_span] for g in gold if g.cue_span], [[p.cue_span] for p in preds if p.cue_span], self.cue
        )
        used: set[int] = set()
        for g in gold:
            best, best_overlap = -1, 0
            for n, p in enumerate(preds):
                if n in used or not _speaker_right(g.speaker, p.speaker):
                    continue
                o = _overlap(g.content, p.content)
                if o > best_overlap:
                    best, best_overlap = n, o
            if best >= 0:
                used.add(best)
                self.attribution.tp += 1
            else:
                self.attribution.fn += 1
        self.attribution.fp += len(preds) - len(used)

    def scores(self, prefix: str) -> dict[str, float]:
        out: dict[str, float] = {}
        for name, tally in (
            ("source", self.source),
            ("cue", self.cue),
            ("content", self.content),
            ("attribution", self.attribution),
        ):
            p, r, f = tally.prf()
            out[f"{prefix}{name}_precision"] = p
            out[f"{prefix}{name}_recall"] = r
            out[f"{prefix}{name}_f1"] = f
        return out


# -- the task -----------------------------------------------------------------------------------


def _table(rows: Iterable[tuple[str, float, float]], header: tuple[str, str, str]) -> str:
    lines = [f"  {header[0]:<28} {header[1]:>12} {header[2]:>12}"]
    lines += [f"  {name:<28} {ours:>12.3f} {theirs:>12.3f}" for name, ours, theirs in rows]
    return "\n".join(lines)


def evaluate(data: Path, settings: Settings, **options: Any) -> EvalReport:
    """Score quote extraction on a GGT ``.jsonl`` file or a PolNeAR folder (see the module docstring)."""
    limit = options.get("limit")
    t0 = time.perf_counter()
    if data.is_file():
        docs = read_ggt(data, limit)
        lenient, strict = GGTScore(0.3), GGTScore(0.8)
        base_lenient, base_strict = GGTScore(0.3), GGTScore(0.8)
        n_pred = 0
        for doc, ours, theirs in _predict(docs, settings):
            lenient.add(doc.gold, ours)
            strict.add(doc.gold, ours)
            base_lenient.add(doc.gold, theirs)
            base_strict.add(doc.gold, theirs)
            n_pred += len(ours)
        scores = {**lenient.scores(""), **{k: v for k, v in strict.scores("strict_").items()}}
        baseline = {**base_lenient.scores("textacy_"), **base_strict.scores("textacy_strict_")}
        n_gold = sum(len(d.gold) for d in docs)
        skipped = sum(d.skipped for d in docs)
        keys = ["precision", "recall", "f1", "speaker_accuracy", "verb_accuracy"]
        rows = [(f"{k} (>30%)", scores[k], baseline[f"textacy_{k}"]) for k in keys]
        rows += [(f"{k} (>80%)", scores[f"strict_{k}"], baseline[f"textacy_strict_{k}"]) for k in keys]
        text = (
            f"quotes on {data.name}: {len(docs)} articles, {n_gold} gold quotes "
            f"({skipped} without a span left out), {n_pred} predicted, {time.perf_counter() - t0:.1f}s\n"
            + _table(rows, ("GGT rule", "communique", "textacy"))
        )
    else:
        split = options.get("split")
        docs = read_polnear(data, split, limit)
        ours_score, theirs_score = PolnearScore(), PolnearScore()
        for doc, ours, theirs in _predict(docs, settings):
            ours_score.add(doc.gold, ours)
            theirs_score.add(doc.gold, theirs)
        scores = ours_score.scores("")
        baseline = theirs_score.scores("textacy_")
        n_gold = sum(len(d.gold) for d in docs)
        rows = [(k, v, baseline[f"textacy_{k}"]) for k, v in scores.items()]
        text = (
            f"quotes on PolNeAR {data.name}{'/' + split if split and data.name != split else ''}: "
            f"{len(docs)} articles, {n_gold} gold attributions, {time.perf_counter() - t0:.1f}s\n"
            + _table(rows, ("span F1 (overlap)", "communique", "textacy"))
        )
    return EvalReport(task="quotes", data=str(data), scores={**scores, **baseline}, text=text)
