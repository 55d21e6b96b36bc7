"""``communique eval extraction``: article-body extraction on two public benchmarks.

The folder decides the benchmark:

- ``ground-truth.json`` + ``html/`` (Scrapinghub Article Extraction Benchmark, the test set):
  each predicted and true body becomes a multiset of word 4-gram shingles; tp/fp/fn are
  normalised per document so long texts do not dominate; precision and recall are averaged
  over documents and F1 computed from the averages; accuracy is the share of documents whose
  token sequence equals the truth. This follows the benchmark's own evaluation conventions.
- ``evaldata.json`` + ``html/`` (trafilatura's evaluation set, the dev set): a "with" segment
  found in the whitespace-normalised text is a true positive, a missing one a false negative, a
  "without" segment found a false positive, one absent a true negative; counts are summed over
  the corpus. Title, date and author accuracy are scored on the pages whose gold names them.

communique's extraction (``ingest.html.extract_html``) is scored next to trafilatura alone in
its default and ``favor_precision`` flavours (option ``baselines=False`` skips those). Pages are
processed by a pool of ``workers`` processes (2 by default).
"""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from communique.config import Settings
from communique.eval import EvalReport

SYSTEMS = ("communique", "trafilatura", "trafilatura_precision")
_TOKEN = re.compile(r"\w+", re.UNICODE)
_SPACE = re.compile(r"\s+")


# --- scoring -------------------------------------------------------------------------------


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text or "")


def shingles(text: str, n: int = 4) -> Counter[str]:
    """Word n-gram multiset of a text (a text shorter than n is one shingle)."""
    toks = tokens(text)
    return Counter(" ".join(toks[i : i + n]) for i in range(max(1, len(toks) - n + 1)) if toks[i : i + n])


def shingle_counts(truth: str, pred: str) -> tuple[float, float, float]:
    """tp, fp, fn over 4-gram shingles, normalised to sum to 1 per document."""
    t, p = shingles(truth), shingles(pred)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _prf(tp: float, fp: float, fn: float) -> tuple[float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def norm_ws(text: str) -> str:
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text or "")).strip()


def _norm_field(value: str | list[str] | None) -> str:
    # Several authors: the gold lists them, extractors join them with "; ".
    text = "; ".join(value) if isinstance(value, list) else (value or "")
    return norm_ws(text).casefold()


# --- extraction per page (runs in the worker processes) -------------------------------------


def _read_page(path: Path) -> str:
    from communique.ingest.text import decode_bytes

    with gzip.open(path, "rb") as fh:
        return decode_bytes(fh.read())


def _extract_all(job: tuple[str, str | None, bool, Settings]) -> dict[str, Any]:
    """Every system's output for one page: {system: {text, title, date, author}}."""
    from communique.ingest.html import extract_html

    path, url, baselines, settings = job
    html = _read_page(Path(path))
    page = extract_html(html, url=url, settings=settings)
    out: dict[str, Any] = {
        "communique": {"text": page.text, "title": page.title, "date": page.published, "author": page.author}
    }
    if baselines:
        out["trafilatura"] = {"text": _plain_trafilatura(html, url, False)}
        out["trafilatura_precision"] = {"text": _plain_trafilatura(html, url, True)}
        out["trafilatura"].update(_plain_metadata(html, url))
    return out


def _plain_trafilatura(html: str, url: str | None, favor_precision: bool) -> str:
    import trafilatura

    # trafilatura's own defaults (comments included), as a user calling it alone would get.
    return trafilatura.extract(html, url=url, favor_precision=favor_precision) or ""


def _plain_metadata(html: str, url: str | None) -> dict[str, Any]:
    from trafilatura.metadata import extract_metadata

    meta = extract_metadata(html, default_url=url)
    return {"title": meta.title, "date": meta.date, "author": meta.author}


def _run_pages(jobs: Sequence[tuple[str, str | None, bool, Settings]], workers: int) -> list[dict[str, Any]]:
    if workers <= 1:
        return [_extract_all(job) for job in jobs]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_extract_all, jobs, chunksize=4))


# --- the two benchmarks ---------------------------------------------------------------------


def _scrapinghub(data: Path, settings: Settings, limit: int | None, baselines: bool, workers: int) -> EvalReport:
    truth: dict[str, dict[str, str]] = json.loads((data / "ground-truth.json").read_text("utf-8"))
    ids = sorted(truth)[:limit] if limit else sorted(truth)
    jobs = [(str(data / "html" / f"{i}.html.gz"), truth[i].get("url"), baselines, settings) for i in ids]
    results = _run_pages(jobs, workers)
    systems = SYSTEMS if baselines else SYSTEMS[:1]
    scores: dict[str, float] = {}
    lines = [f"Scrapinghub article extraction benchmark: {len(ids)} pages (4-gram shingles, per-document means)"]
    lines.append(f"{'system':<24} {'P':>6} {'R':>6} {'F1':>6} {'acc':>6}")
    for system in systems:
        precisions, recalls, exact = [], [], 0
        for i, result in zip(ids, results, strict=True):
            gold = truth[i].get("articleBody", "")
            pred = result[system]["text"]
            p, r = _prf(*shingle_counts(gold, pred))
            precisions.append(p)
            recalls.append(r)
            exact += tokens(gold) == tokens(pred)
        p = sum(precisions) / len(ids)
        r = sum(recalls) / len(ids)
        prefix = "" if system == "communique" else f"{system}_"
        scores.update({f"{prefix}precision": p, f"{prefix}recall": r, f"{prefix}f1": _f1(p, r),
                       f"{prefix}accuracy": exact / len(ids)})
        lines.append(f"{system:<24} {p:6.3f} {r:6.3f} {_f1(p, r):6.3f} {exact / len(ids):6.3f}")
    return EvalReport(task="extraction", data=str(data), scores=scores, text="\n".join(lines))


def _segment_counts(text: str, gold: dict[str, Any]) -> tuple[int, int, int, int]:
    body = norm_ws(text)
    tp = fn = fp = tn = 0
    for segment in gold.get("with", []):
        if norm_ws(segment) in body:
            tp += 1
        else:
            fn += 1
    for segment in gold.get("without", []):
        if norm_ws(segment) in body:
            fp += 1
        else:
            tn += 1
    return tp, fn, fp, tn


def _date_equal(gold: Any, pred: Any, slack_days: int = 0) -> bool:
    from datetime import date

    from communique.ingest.dates import to_iso_date

    want, got = to_iso_date(gold), to_iso_date(pred)
    if want is None or got is None:
        return False
    return abs((date.fromisoformat(want) - date.fromisoformat(got)).days) <= slack_days


# score name → (gold field, predicted field, match); "date_1day" forgives a time-zone shift.
_FIELD_MATCH: dict[str, tuple[str, Callable[[Any, Any], bool]]] = {
    "title": ("title", lambda gold, pred: _norm_field(gold) == _norm_field(pred)),
    "date": ("date", _date_equal),
    "date_1day": ("date", lambda gold, pred: _date_equal(gold, pred, 1)),
    "author": ("author", lambda gold, pred: _norm_field(gold) == _norm_field(pred)),
}


def _trafilatura_eval(data: Path, settings: Settings, limit: int | None, baselines: bool, workers: int) -> EvalReport:
    gold: dict[str, dict[str, Any]] = json.loads((data / "evaldata.json").read_text("utf-8"))
    urls = list(gold)[:limit] if limit else list(gold)
    jobs = [(str(data / "html" / f"{gold[u]['file']}.gz"), u, baselines, settings) for u in urls]
    results = _run_pages(jobs, workers)
    systems = SYSTEMS if baselines else SYSTEMS[:1]
    scores: dict[str, float] = {}
    lines = [f"trafilatura evaluation set: {len(urls)} pages (must / must-not segments, corpus sums)"]
    lines.append(f"{'system':<24} {'P':>6} {'R':>6} {'F1':>6} {'acc':>6}   title   date  ±1day author")
    for system in systems:
        tp = fn = fp = tn = 0
        hits: Counter[str] = Counter()
        asked: Counter[str] = Counter()
        for url, result in zip(urls, results, strict=True):
            a, b, c, d = _segment_counts(result[system]["text"], gold[url])
            tp, fn, fp, tn = tp + a, fn + b, fp + c, tn + d
            for field, (key, same) in _FIELD_MATCH.items():
                if gold[url].get(key) and key in result[system]:
                    asked[field] += 1
                    hits[field] += same(gold[url][key], result[system][key])
        p, r = _prf(tp, fp, fn)
        prefix = "" if system == "communique" else f"{system}_"
        scores.update({f"{prefix}precision": p, f"{prefix}recall": r, f"{prefix}f1": _f1(p, r),
                       f"{prefix}accuracy": (tp + tn) / max(1, tp + tn + fp + fn)})
        shown = []
        for field in _FIELD_MATCH:
            if asked[field]:
                scores[f"{prefix}{field}_accuracy"] = hits[field] / asked[field]
                shown.append(f"{hits[field] / asked[field]:6.3f}")
            else:
                shown.append("     -")
        lines.append(f"{system:<24} {p:6.3f} {r:6.3f} {_f1(p, r):6.3f} {scores[f'{prefix}accuracy']:6.3f}  "
                     + " ".join(shown))
    return EvalReport(task="extraction", data=str(data), scores=scores, text="\n".join(lines))


def evaluate(
    data: Path, settings: Settings, limit: int | None = None, baselines: bool = True, workers: int = 2,
    **_: Any,
) -> EvalReport:
    """Score extraction on the benchmark folder ``data`` (dispatch on its contents)."""
    data = Path(data)
    if (data / "ground-truth.json").exists():
        return _scrapinghub(data, settings, limit, baselines, workers)
    if (data / "evaldata.json").exists():
        return _trafilatura_eval(data, settings, limit, baselines, workers)
    raise ValueError(f"{data}: neither ground-truth.json (Scrapinghub) nor evaldata.json (trafilatura) found")
