"""``communique eval briefs``: key points against reference highlights, with Lead-3 side by side.

Data: JSONL rows ``{"id", "article", "highlights"}`` (the CNN/DailyMail sample). For each article
the brief is made exactly as ``communique brief`` makes it; the scores are ROUGE-1/2/L F1
(``rouge-score``, stemming on) of

- ``key_points`` (the bullets, one per line),
- ``lede`` + ``key_points``,
- Lead-3: the first three sentences, from the same splitter, after the same outlet-header strip
  (and ``lead3_min5``: the same without fragments under five words),

against the highlights; plus the grounding rate (share of brief items whose text is found at
their cited spans, whitespace normalised) and the verbatim-quote rate.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from communique.config import Settings
from communique.eval import EvalReport

SYSTEMS = ("lead3", "lead3_min5", "key_points", "lede_key_points")
METRICS = ("rouge1", "rouge2", "rougeL")


def _rows(path: Path, limit: int | None) -> list[dict[str, Any]]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rows.append(json.loads(line))
            if limit is not None and len(rows) >= limit:
                break
    return rows


def lead3(text: str, min_words: int = 0) -> list[str]:
    """The first three sentences after any outlet header, by the briefs' own splitter.

    ``min_words=5`` skips fragments as the briefs' candidate filter does (a second, slightly
    stronger baseline: it isolates what sentence *selection* adds).
    """
    from communique.briefs.sentences import content_units, split_units

    units = [u for u in split_units(text) if u.kind == "sentence"]
    if min_words:
        units = content_units(text, units, min_words)
    return [text[u.start : u.end] for u in units[:3]]


def evaluate(data: Path, settings: Settings, limit: int | None = None, split: str | None = None,
             **_: Any) -> EvalReport:
    """Score briefs on ``data`` (see the module docstring); ``split`` is ignored (one set)."""
    from rouge_score import rouge_scorer

    from communique.briefs import BriefError, brief_article
    from communique.briefs.grounding import check_brief
    from communique.pipeline import Pipeline
    from communique.records import Article

    rows = _rows(data, limit)
    pipe = Pipeline(settings)
    scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)
    sums = {f"{s}_{m}": 0.0 for s in SYSTEMS for m in METRICS}
    checked = grounded = quotes = verbatim = 0
    failures: list[str] = []
    articles = [Article(article_id=str(r.get("id", i)), text=r["article"]) for i, r in enumerate(rows)]
    n_points = 0
    for row, analysis in zip(rows, pipe.analyze_many(articles), strict=True):
        reference = row["highlights"]
        try:
            brief = brief_article(analysis, nlp=pipe.nlp, kb=pipe.kb)
        except BriefError as exc:
            failures.append(str(exc))
            continue
        n_points += len(brief.key_points)
        outputs = {
            "lead3": "\n".join(lead3(analysis.article.text)),
            "lead3_min5": "\n".join(lead3(analysis.article.text, 5)),
            "key_points": "\n".join(brief.key_points),
            "lede_key_points": "\n".join([brief.lede, *brief.key_points]),
        }
        for system, text in outputs.items():
            scores = scorer.score(reference, text)
            for m in METRICS:
                sums[f"{system}_{m}"] += scores[m].fmeasure
        report = check_brief(brief, [analysis.article])
        checked += report.checked
        grounded += report.grounded
        quotes += report.quotes
        verbatim += report.verbatim_quotes
        failures += [f"{analysis.article.article_id}: {k}" for k in report.failures]
    n = max(1, len(rows))
    scores = {k: round(v / n, 4) for k, v in sums.items()}
    scores["grounding_rate"] = round(grounded / checked, 4) if checked else 0.0
    scores["quote_verbatim_rate"] = round(verbatim / quotes, 4) if quotes else 1.0
    scores["key_points_minus_lead3_rouge1"] = round(scores["key_points_rouge1"] - scores["lead3_rouge1"], 4)
    lines = [f"briefs on {data.name}: {len(rows)} articles, {n_points / n:.1f} key points per brief",
             f"{'system':<18}{'ROUGE-1':>9}{'ROUGE-2':>9}{'ROUGE-L':>9}"]
    for system in SYSTEMS:
        lines.append(f"{system:<18}" + "".join(f"{100 * scores[f'{system}_{m}']:>9.2f}" for m in METRICS))
    lines.append(f"grounding rate {100 * scores['grounding_rate']:.1f}% of {checked} items; "
                 f"verbatim quotes {100 * scores['quote_verbatim_rate']:.1f}% of {quotes}")
    if failures:
        lines.append("not grounded: " + "; ".join(failures[:10]))
    return EvalReport(task="briefs", data=str(data), scores=scores, text="\n".join(lines),
                      details={"failures": failures})
