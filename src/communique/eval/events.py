"""``communique eval events``: score the event coder on PLOVER GSR or PETR2-style JSONL gold.

The file decides the format: a JSON array of PLOVER records (``PLOVER_GSR_CAMEO.txt``) or JSON
lines with ``text`` and ``events`` [{source, target, code}] (``petr2_gsr_gold.jsonl``,
``petr_unittest_gold.jsonl``). Scoring follows ``../shared/eval/README.md``:

- PLOVER: old names mapped (DEMAND → REQUEST, FIGHT → ASSAULT, DISAPPROVE/INVESTIGATE → ACCUSE),
  CAMEO country codes mapped (JAP → JPN, ITL → ITA, VTN → VNM), generic codes (IGO, NGO, IMG,
  ISM) accept any actor. A gold record is found when a non-negated predicted event of its
  sentence has its category, an actor among its sources and, when it has targets, a recipient
  among them. Precision counts every non-negated predicted event. Split: ``dev`` = odd final
  number, ``test`` = even, ``all``.
- PETR2: the CAMEO root (first two digits) stands for the category; countries are the first three
  letters of a Phoenix code; ``---`` and ``IGO…`` accept any actor.

NGEC synthetic stories (``…csv.zip``) and headline templates (``synthetic_headlines.csv``) are a
development set scored at document level by ``communique.eval.events_ngec``.

Scores: ``category_accuracy`` (the category of the most confident predicted event of a gold
record's sentence equals the gold one; sentences with gold events only), ``category_recall_any``
(any predicted event has it), ``actor_p/r/f1`` and ``recipient_p/r/f1`` (country sets per
sentence, micro-averaged), ``triple_p/r/f1`` ((actor, category, recipient) as above),
``no_event_precision`` (sentences coded with no event that have no gold event) and
``no_event_recall``, plus ``baseline_*`` for a trivial coder (the most frequent category, the
sentence's first country as actor and its second as recipient).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from communique.config import Settings
from communique.errors import UsageError
from communique.eval import EvalReport
from communique.eval.events_ngec import confusion_lines
from communique.events.ontology import load_ontology
from communique.records import ActorMention, Article, Event

_GENERIC = frozenset({"IGO", "NGO", "IMG", "ISM", "---", "MNC"})
_CAMEO_COUNTRY = {"JAP": "JPN", "ITL": "ITA", "VTN": "VNM"}
_OLD_NAMES = {"DEMAND": "REQUEST", "FIGHT": "ASSAULT", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE"}


@dataclass
class GoldEvent:
    label: str  # PLOVER category (PLOVER gold) or CAMEO root (PETR gold)
    sources: set[str]  # empty = any actor accepted
    targets: set[str]  # empty = no target required
    any_source: bool = False
    any_target: bool = False


@dataclass
class GoldSentence:
    sid: str
    text: str
    date: str | None
    events: list[GoldEvent] = field(default_factory=list)
    split_number: int | None = None


def _country(code: str) -> str:
    code = code.strip().upper()
    return _CAMEO_COUNTRY.get(code[:3], code[:3])


def _is_generic(code: str) -> bool:
    code = code.strip().upper()
    return not code or code[:3] in _GENERIC


def load_plover(path: Path) -> list[GoldSentence]:
    """PLOVER GSR records grouped by sentence text (one GoldSentence per record id)."""
    data = json.loads(path.read_text("utf-8"))
    out: list[GoldSentence] = []
    for rec in data:
        if not isinstance(rec, dict) or rec.get("event") == "DOCUMENT" or not rec.get("text"):
            continue
        label = _OLD_NAMES.get(rec["event"].upper(), rec["event"].upper())
        srcs: list[dict[str, Any]] = rec["source"] if isinstance(rec.get("source"), list) else []
        tgts: list[dict[str, Any]] = rec["target"] if isinstance(rec.get("target"), list) else []
        any_src = not srcs or any(_is_generic(s.get("code", "")) for s in srcs)
        any_tgt = any(_is_generic(t.get("code", "")) for t in tgts)
        gold = GoldEvent(
            label=label,
            sources={_country(s["code"]) for s in srcs if not _is_generic(s.get("code", ""))},
            targets={_country(t["code"]) for t in tgts if not _is_generic(t.get("code", ""))},
            any_source=any_src,
            any_target=any_tgt,
        )
        m = re.search(r"(\d+)$", rec["id"])
        out.append(GoldSentence(rec["id"], rec["text"], rec.get("date"), [gold], int(m.group(1)) if m else None))
    return out


def load_petr(path: Path) -> list[GoldSentence]:
    """PETRARCH-style JSONL gold: one sentence per line with its events."""
    out: list[GoldSentence] = []
    for n, line in enumerate(path.read_text("utf-8").splitlines()):
        if not line.strip():
            continue
        rec = json.loads(line)
        date = rec.get("date")
        if date and re.fullmatch(r"\d{8}", str(date)):
            date = f"{date[:4]}-{date[4:6]}-{date[6:]}"
        events = []
        for ev in rec.get("events") or []:
            src, tgt = ev.get("source") or "---", ev.get("target") or "---"
            events.append(GoldEvent(
                label=str(ev["code"])[:2],
                sources=set() if _is_generic(src) else {_country(src)},
                targets=set() if _is_generic(tgt) else {_country(tgt)},
                any_source=_is_generic(src),
                any_target=_is_generic(tgt),
            ))
        out.append(GoldSentence(str(rec.get("id", n)), rec.get("text", ""), date, events, None))
    return out


def _load(data: Path) -> tuple[str, list[GoldSentence]]:
    head = data.read_text("utf-8")[:200].lstrip()
    if head.startswith("["):
        return "plover", load_plover(data)
    if head.startswith("{"):
        return "petr", load_petr(data)
    raise UsageError(f"{data}: not a PLOVER JSON array or a PETRARCH-style JSONL gold file")


def _is_ngec(data: Path) -> bool:
    """NGEC synthetic stories (a zip or csv) or headline templates: scored at document level."""
    return data.suffix.lower() in (".zip", ".csv")


def _label(event: Event, kind: str) -> str:
    return event.category if kind == "plover" else event.cameo[:2]


def _matches(event: Event, gold: GoldEvent, kind: str) -> bool:
    if _label(event, kind) != gold.label:
        return False
    actors = {a.country for a in event.actor if a.country}
    recips = {r.country for r in event.recipient if r.country}
    if not gold.any_source and gold.sources and not (actors & gold.sources):
        return False
    return not (gold.targets and not gold.any_target and not (recips & gold.targets))


def _prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def _primary(events: list[Event]) -> Event | None:
    return max(events, key=lambda e: e.confidence) if events else None


def _baseline(mentions: list[ActorMention], label: str) -> list[Event]:
    countries: list[str] = []
    for m in mentions:
        if m.country and m.country not in countries:
            countries.append(m.country)
    from communique.records import EventActor

    actor = [EventActor(text=countries[0], name=None, country=countries[0])] if countries else []
    recip = [EventActor(text=countries[1], name=None, country=countries[1])] if len(countries) > 1 else []
    cameo = label if len(label) == 2 else "00"
    return [Event(event_id="b", article_id="b", sentence_index=0, sentence="", span=(0, 0), category=label,
                  cameo=cameo, goldstein=0.0, quad_class=0, actor=actor, recipient=recip, confidence=0.5)]


@dataclass
class _Tally:
    cat_correct: int = 0
    cat_any: int = 0
    cat_total: int = 0
    triple_tp_gold: int = 0
    n_gold: int = 0
    triple_tp_pred: int = 0
    n_pred: int = 0
    actor: list[int] = field(default_factory=lambda: [0, 0, 0])  # tp, pred, gold
    recip: list[int] = field(default_factory=lambda: [0, 0, 0])
    empty_pred: int = 0
    empty_pred_gold_empty: int = 0
    gold_empty: int = 0
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(self, sent: GoldSentence, events: list[Event], kind: str) -> None:
        events = [e for e in events if not e.negated]
        if not events:
            self.empty_pred += 1
            if not sent.events:
                self.empty_pred_gold_empty += 1
        if not sent.events:
            self.gold_empty += 1
        primary = _primary(events)
        for gold in sent.events:
            self.cat_total += 1
            got = _label(primary, kind) if primary else "NONE"
            self.confusion[(gold.label, got)] += 1
            self.cat_correct += got == gold.label
            self.cat_any += any(_label(e, kind) == gold.label for e in events)
            self.n_gold += 1
            self.triple_tp_gold += any(_matches(e, gold, kind) for e in events)
        self.n_pred += len(events)
        self.triple_tp_pred += sum(any(_matches(e, g, kind) for g in sent.events) for e in events)
        for tally, pred_sets, gold_sets in (
            (self.actor, [a.country for e in events for a in e.actor], [g.sources for g in sent.events]),
            (self.recip, [r.country for e in events for r in e.recipient], [g.targets for g in sent.events]),
        ):
            pred = {c for c in pred_sets if c}
            gold_set: set[str] = set().union(*gold_sets) if gold_sets else set()
            tally[0] += len(pred & gold_set)
            tally[1] += len(pred)
            tally[2] += len(gold_set)

    def scores(self, prefix: str = "") -> dict[str, float]:
        tp, fp_total, _ = self.triple_tp_pred, self.n_pred, self.n_gold
        p = tp / fp_total if fp_total else 0.0
        r = self.triple_tp_gold / self.n_gold if self.n_gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        out = {
            "category_accuracy": self.cat_correct / self.cat_total if self.cat_total else 0.0,
            "category_recall_any": self.cat_any / self.cat_total if self.cat_total else 0.0,
            "triple_p": p, "triple_r": r, "triple_f1": f,
        }
        for name, t in (("actor", self.actor), ("recipient", self.recip)):
            ap, ar, af = _prf(t[0], t[1], t[2])
            out |= {f"{name}_p": ap, f"{name}_r": ar, f"{name}_f1": af}
        out["no_event_precision"] = self.empty_pred_gold_empty / self.empty_pred if self.empty_pred else 1.0
        out["no_event_recall"] = self.empty_pred_gold_empty / self.gold_empty if self.gold_empty else 1.0
        return {f"{prefix}{k}": round(v, 4) for k, v in out.items()}


def evaluate(data: Path, settings: Settings, **options: Any) -> EvalReport:
    """Score the event coder on ``data`` (options: ``split`` dev|test|all for PLOVER, ``limit``)."""
    from communique.pipeline import Pipeline

    if _is_ngec(data):
        from communique.eval.events_ngec import evaluate_ngec

        return evaluate_ngec(data, settings, **options)
    kind, sentences = _load(data)
    split = str(options.get("split") or "all")
    if split not in ("dev", "test", "all"):
        raise UsageError(f"--split {split!r}: expected dev, test or all")
    if kind == "plover" and split != "all":
        want = 1 if split == "dev" else 0
        sentences = [s for s in sentences if s.split_number is not None and s.split_number % 2 == want]
    if options.get("limit"):
        sentences = sentences[: int(options["limit"])]

    # The baseline's category is the most frequent one of the development records.
    all_gold = sentences if kind != "plover" else [
        s for s in _load(data)[1] if s.split_number is not None and s.split_number % 2 == 1]
    majority = Counter(g.label for s in all_gold for g in s.events).most_common(1)
    majority_label = majority[0][0] if majority else "CONSULT"

    pipeline = Pipeline(settings)
    # Sentences repeat across records (and across PETR ids): analyse each distinct text once.
    texts = list(dict.fromkeys(s.text for s in sentences))
    dates = {s.text: s.date for s in sentences}
    analyses = {}
    for text, analysis in zip(texts, pipeline.analyze_many(
            Article(article_id=f"gold-{i}", text=t, published=dates.get(t)) for i, t in enumerate(texts)),
            strict=True):
        analyses[text] = analysis

    tally, base = _Tally(), _Tally()
    misses: list[str] = []
    for sent in sentences:
        analysis = analyses[sent.text]
        tally.add(sent, analysis.events, kind)
        base.add(sent, _baseline(analysis.actors, majority_label), kind)
        if sent.events and not any(_matches(e, g, kind) for e in analysis.events if not e.negated
                                   for g in sent.events):
            coded = "; ".join(
                f"{e.category}/{e.cameo} {[a.country for a in e.actor]}->{[r.country for r in e.recipient]}"
                + (" NEG" if e.negated else "") for e in analysis.events) or "-"
            expected = "; ".join(f"{g.label} {sorted(g.sources) or 'any'}->{sorted(g.targets) or '-'}"
                             for g in sent.events)
            misses.append(f"{sent.sid}: gold {expected} | got {coded}")

    scores = tally.scores()
    scores |= {k: v for k, v in base.scores("baseline_").items()
               if k in ("baseline_category_accuracy", "baseline_triple_f1", "baseline_actor_f1")}
    scores["n_sentences"] = float(len(sentences))
    text = _report(data, kind, split, scores, tally, majority_label, misses, bool(options.get("verbose")))
    return EvalReport(task="events", data=str(data), scores=scores, text=text,
                      details={"misses": misses})


def _report(data: Path, kind: str, split: str, scores: dict[str, float], tally: _Tally,
            majority: str, misses: list[str], verbose: bool) -> str:
    lines = [f"events eval on {data.name} ({kind}, split={split}, {int(scores['n_sentences'])} records)"]
    for key in ("category_accuracy", "category_recall_any", "triple_p", "triple_r", "triple_f1",
                "actor_p", "actor_r", "actor_f1", "recipient_p", "recipient_r", "recipient_f1",
                "no_event_precision", "no_event_recall"):
        lines.append(f"  {key:22s} {scores[key]:.3f}")
    lines.append(f"  baseline (always {majority}, first/second country): category_accuracy "
                 f"{scores['baseline_category_accuracy']:.3f}, triple_f1 {scores['baseline_triple_f1']:.3f}, "
                 f"actor_f1 {scores['baseline_actor_f1']:.3f}")
    lines += confusion_lines(tally.confusion)
    if verbose:
        lines.append("misses:")
        lines += [f"  {m}" for m in misses]
    return "\n".join(lines)


__all__ = ["evaluate", "load_plover", "load_petr", "load_ontology"]
