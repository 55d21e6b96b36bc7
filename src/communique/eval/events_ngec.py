"""Document-level event category on NGEC synthetic stories and headline templates (a development set).

Two files from ``../shared/eval/events/ngec/`` (read by path, never copied):

- ``gpt_synthetic_events_*.csv.zip``: LLM-written news stories, each with the PLOVER category
  (``label``) and mode of the event its prompt asked for. The prompt's first line is the headline
  with its ``{country_1}`` slots filled; the ``title`` column keeps the slots, so it is the fallback.
- ``synthetic_headlines.csv``: hand-written headline templates (``event,mode,title``); the
  ``{country_N}`` and ``{city}`` slots are filled with real names from the package's country table.

Only the headline and the first two sentences of the story are analysed (that is where a news
story states its event; it also keeps a 1,000-story run near a minute). The labels are
pseudo-labels of the prompt, not gold codings, so the figures are a breadth check of the lexicon,
not a benchmark.

Scores:

- ``doc_category_accuracy``: the story's primary event has the label. The primary event is taken
  from the first of headline, first sentence, second sentence that has a non-negated event:
  its most confident event, the earlier one on a tie (a headline states the story; when it codes
  nothing, the lead does).
- ``doc_label_any``: any non-negated event of the headline or the first two sentences has the label.
- ``doc_no_event``: share of stories with no event at all in those segments.
- ``lead_category_accuracy``: as ``doc_category_accuracy`` with the headline left out (headlines in
  title case are hard for the parser; this separates that from the lexicon's reach).
- ``recall_<CATEGORY>``: ``doc_category_accuracy`` per gold label.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from communique.config import Settings
from communique.errors import UsageError
from communique.eval import EvalReport
from communique.records import Article, Event

# PLOVER's old category names, as in the PLOVER GSR scoring rules.
_OLD_NAMES = {"DEMAND": "REQUEST", "FIGHT": "ASSAULT", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE"}
# A sentence ends at . ! or ? (optionally followed by a closing quote) before a capital, digit or quote.
_SENT_END = re.compile(r"(?<=[.!?])([\"'”’)]?)\s+(?=[A-Z0-9\"“‘(])")
# Abbreviations whose full stop does not end a sentence ("U.S.", "Mr.", "Jan.").
_ABBREV = re.compile(r"(?:\b[A-Z]\.|\b(?:Mr|Mrs|Ms|Dr|Gen|Col|Lt|Sgt|Capt|Gov|Sen|Rep|Rev|St|Jr|Sr|No|"
                     r"Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|Dec|Corp|Inc|Ltd|Co|vs|etc)\.)$")
_SLOT = re.compile(r"\{(country_\d+|city)\}")


@dataclass
class SyntheticStory:
    """One story (or headline template) with its prompt's PLOVER category."""

    sid: str
    title: str
    lead: list[str]
    label: str
    mode: str


def lead_sentences(text: str, n: int = 2) -> list[str]:
    """The first ``n`` sentences of ``text`` by punctuation (no parse: only the lead is analysed)."""
    text = " ".join(text.split())
    out: list[str] = []
    start = 0
    for m in _SENT_END.finditer(text):
        end = m.start() + len(m.group(1))
        piece = text[start:end].strip()
        if not m.group(1) and _ABBREV.search(text[start:end]):
            continue
        if piece:
            out.append(piece)
            start = m.end()
        if len(out) >= n:
            return out
    rest = text[start:].strip()
    if rest and len(out) < n:
        out.append(rest)
    return out


@lru_cache(maxsize=1)
def _fill_names() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Country names and capitals from the package's country table, to fill template slots."""
    text = resources.files("communique.knowledge").joinpath("data", "countries.tsv").read_text("utf-8")
    names: list[str] = []
    capitals: list[str] = []
    header: list[str] | None = None
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if header is None:
            header = cols
            continue
        row = dict(zip(header, cols, strict=False))
        # Countries and territories with a capital: places a headline would name.
        if row.get("capitals") and "," not in row.get("name", ","):
            names.append(row["name"])
            capitals.append(row["capitals"].split("|")[0])
    return tuple(names), tuple(capitals)


def fill_slots(template: str, seed: int) -> str:
    """``template`` with ``{country_N}`` and ``{city}`` replaced by distinct real names (deterministic)."""
    names, capitals = _fill_names()
    if not names:
        return _SLOT.sub("Canada", template)

    def repl(m: re.Match[str]) -> str:
        slot = m.group(1)
        k = int(slot.split("_")[1]) if slot.startswith("country_") else 0
        if slot == "city":
            return capitals[(seed * 11 + 5) % len(capitals)]
        return names[(seed * 7 + k * 13) % len(names)]

    return _SLOT.sub(repl, template)


def _rows(data: Path) -> tuple[list[dict[str, str]], list[str]]:
    """The CSV rows of ``data`` (a .csv, or the first .csv inside a .zip) and their column names."""
    try:
        if data.suffix.lower() == ".zip":
            with zipfile.ZipFile(data) as zf:
                members = [n for n in zf.namelist() if n.lower().endswith(".csv")]
                if not members:
                    raise UsageError(f"{data}: no .csv file inside the zip")
                raw = zf.read(members[0]).decode("utf-8-sig")
        else:
            raw = data.read_text("utf-8-sig")
    except (zipfile.BadZipFile, UnicodeDecodeError, OSError) as exc:
        raise UsageError(f"{data}: cannot read NGEC stories ({exc.__class__.__name__}: {exc})") from exc
    csv.field_size_limit(10_000_000)
    reader = csv.DictReader(io.StringIO(raw))
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise UsageError(f"{data}: not a readable CSV ({exc})") from exc
    return rows, list(reader.fieldnames or [])


def load_ngec(data: Path) -> list[SyntheticStory]:
    """NGEC synthetic stories (zip or csv with ``text,label`` and ``title`` or ``prompt``) or headline
    templates (csv with ``event,mode,title``), as stories with a filled headline and a lead."""
    rows, columns = _rows(data)
    stories: list[SyntheticStory] = []
    if {"text", "label"} <= set(columns) and ({"title", "prompt"} & set(columns)):
        for i, row in enumerate(rows):
            prompt_title = (row.get("prompt") or "").strip().split("\n", 1)[0].strip()
            title = prompt_title if prompt_title and "{" not in prompt_title else fill_slots(row.get("title") or "", i)
            label = (row.get("label") or "").strip().upper()
            if not label:
                continue
            stories.append(SyntheticStory(str(i), title, lead_sentences(row.get("text") or ""),
                                          _OLD_NAMES.get(label, label), (row.get("mode") or "").strip().upper()))
    elif {"event", "title"} <= set(columns):
        for i, row in enumerate(rows):
            label = (row.get("event") or "").strip().upper()
            title = fill_slots((row.get("title") or "").strip(), i)
            if label and title:
                stories.append(SyntheticStory(str(i), title, [], _OLD_NAMES.get(label, label),
                                              (row.get("mode") or "").strip().upper()))
    else:
        raise UsageError(f"{data}: expected NGEC columns text,title,label or event,mode,title; got {columns}")
    return stories


def _sample(stories: list[SyntheticStory], limit: int | None) -> list[SyntheticStory]:
    """Every k-th story so that a limited run still covers every label in file order."""
    if not limit or limit >= len(stories):
        return stories
    step = len(stories) / limit
    return [stories[int(i * step)] for i in range(limit)]


def _primary(events_by_segment: list[list[Event]]) -> Event | None:
    for events in events_by_segment:
        if events:
            best = max(e.confidence for e in events)
            return next(e for e in events if e.confidence == best)
    return None


def evaluate_ngec(data: Path, settings: Settings, **options: Any) -> EvalReport:
    """Score document-level categories on NGEC stories or headline templates (option ``limit``).

    The whole file is a development set: ``split`` may be ``dev`` or ``all`` (the same stories).
    """
    from communique.pipeline import Pipeline

    split = str(options.get("split") or "all")
    if split not in ("dev", "all"):
        raise UsageError(f"--split {split!r}: {data.name} is a development set only (use dev or all)")
    stories = _sample(load_ngec(data), int(options["limit"]) if options.get("limit") else None)
    if not stories:
        raise UsageError(f"{data}: no labelled stories")
    pipeline = Pipeline(settings)
    docs: list[tuple[str, list[int]]] = []
    for story in stories:
        # The headline is its own paragraph so the coder's segmenter never joins it to the lead.
        parts = [story.title] + story.lead
        starts, text = [], ""
        for part in parts:
            if text:
                text += "\n\n"
            starts.append(len(text))
            text += part
        docs.append((text, starts))
    articles = (Article(article_id=f"ngec-{s.sid}", text=t, title=None) for s, (t, _) in zip(stories, docs, strict=True))

    confusion: Counter[tuple[str, str]] = Counter()
    correct = any_hit = no_event = lead_correct = 0
    misses: list[str] = []
    for story, (_text, starts), analysis in zip(stories, docs, pipeline.analyze_many(articles), strict=True):
        segments: list[list[Event]] = [[] for _ in starts]
        for e in analysis.events:
            if e.negated:
                continue
            seg = max(i for i, s in enumerate(starts) if e.span[0] >= s)
            segments[seg].append(e)
        primary = _primary(segments)
        got = primary.category if primary else "NONE"
        lead_primary = _primary(segments[1:])
        lead_correct += lead_primary is not None and lead_primary.category == story.label
        confusion[(story.label, got)] += 1
        correct += got == story.label
        hit = any(e.category == story.label for seg in segments for e in seg)
        any_hit += hit
        no_event += primary is None
        if got != story.label:
            coded = "; ".join(f"{e.category}({e.trigger})" for seg in segments for e in seg) or "-"
            lead = story.lead[0][:160] if story.lead else ""
            misses.append(f"{story.label}/{story.mode or '-'} got {got}{' (any)' if hit else ''}: "
                          f"{story.title} || {lead} | {coded}")

    n = len(stories)
    scores: dict[str, float] = {
        "doc_category_accuracy": round(correct / n, 4),
        "doc_label_any": round(any_hit / n, 4),
        "doc_no_event": round(no_event / n, 4),
        "lead_category_accuracy": round(lead_correct / n, 4),
        "n_stories": float(n),
    }
    gold_totals = Counter(g for g, _ in confusion.elements())
    for label in sorted(gold_totals):
        scores[f"recall_{label}"] = round(confusion[(label, label)] / gold_totals[label], 4)
    lines = [f"events eval on {data.name} (NGEC synthetic, document level, {n} stories)"]
    for key in ("doc_category_accuracy", "doc_label_any", "doc_no_event", "lead_category_accuracy"):
        lines.append(f"  {key:22s} {scores[key]:.3f}")
    lines.append("recall per label (primary event):")
    for label in sorted(gold_totals):
        lines.append(f"  {label:10s} {scores[f'recall_{label}']:.3f}  ({gold_totals[label]})")
    lines += confusion_lines(confusion)
    if options.get("verbose"):
        lines.append("misses:")
        lines += [f"  {m}" for m in misses]
    return EvalReport(task="events", data=str(data), scores=scores, text="\n".join(lines),
                      details={"misses": misses})


def confusion_lines(confusion: Counter[tuple[str, str]]) -> list[str]:
    """A confusion table (rows gold, columns predicted; ``NONE`` last) as report lines."""
    labels = sorted({g for g, _ in confusion} | {p for _, p in confusion})
    labels = [x for x in labels if x != "NONE"] + ["NONE"]
    lines = ["confusion (rows gold, columns primary prediction):",
             "       " + " ".join(f"{lab[:4]:>4s}" for lab in labels)]
    for gold in labels:
        row = [confusion.get((gold, pred), 0) for pred in labels]
        if sum(row):
            lines.append(f"  {gold[:4]:>4s} " + " ".join(f"{k:>4d}" if k else "   ." for k in row))
    return lines
