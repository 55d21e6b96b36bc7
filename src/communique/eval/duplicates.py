"""Duplicate detection on the BBC full-text corpus (``corpus/bbc_fulltext/``).

The gold is ``derived_exact_duplicate_groups.json``: 137 groups of articles whose bodies are equal
after lowercasing and whitespace normalisation. Every article of ``bbc_fulltext.jsonl`` goes
through one ``DuplicateIndex`` in file order, as a store would ingest it. Scored:

- ``exact_group_recall`` / ``exact_groups_found``: gold groups whose members all share a
  predicted group;
- ``exact_pair_precision`` / ``false_merges``: pairs the index joined as exact copies that are not
  in one gold group (1.0 / 0 means no false merge);
- near-duplicate pairs outside the gold groups are not scored (there is no near-duplicate gold)
  but counted and shown, with ``near_cross_category_pairs`` (pairs across the BBC's five sections,
  the likeliest false merges) as a check.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path
from typing import Any

from communique.config import Settings
from communique.dedup import DuplicateIndex, DuplicateMatch
from communique.errors import UsageError
from communique.eval import EvalReport
from communique.records import Article

_ARTICLES = "bbc_fulltext.jsonl"
_GROUPS = "derived_exact_duplicate_groups.json"
_EXAMPLES = 5


def _paths(data: Path) -> tuple[Path, Path]:
    folder = data.parent if data.is_file() else data
    articles, groups = folder / _ARTICLES, folder / _GROUPS
    for path in (articles, groups):
        if not path.exists():
            raise UsageError(f"{data}: expected {path.name} in {folder}")
    return articles, groups


def _snippet(text: str, n: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= n else flat[: n - 1] + "…"


def evaluate(data: Path, settings: Settings, **options: Any) -> EvalReport:
    """Score exact-duplicate groups (and list near-duplicates) on the BBC full-text corpus."""
    articles_path, groups_path = _paths(data)
    rows = [json.loads(line) for line in articles_path.read_text("utf-8").splitlines() if line.strip()]
    if options.get("limit"):
        rows = rows[: int(options["limit"])]
    known = {row["id"] for row in rows}
    gold_groups = [g for g in json.loads(groups_path.read_text("utf-8")) if all(i in known for i in g)]
    gold_of = {article_id: n for n, group in enumerate(gold_groups) for article_id in group}
    by_id = {row["id"]: row for row in rows}

    index = (
        DuplicateIndex(threshold=float(options["threshold"])) if "threshold" in options else DuplicateIndex()
    )
    t0 = time.perf_counter()
    matches: list[DuplicateMatch] = index.add_many(
        Article(article_id=row["id"], text=row["text"], title=row.get("title")) for row in rows
    )
    seconds = time.perf_counter() - t0

    members: dict[str, list[str]] = defaultdict(list)
    exact_members: dict[str, list[str]] = defaultdict(list)
    for match in matches:
        members[match.group_id].append(match.article_id)
        # Exact copies are keyed by the first article with their body.
        first = match.matched if match.kind == "exact" and match.matched else match.article_id
        exact_members[first].append(match.article_id)

    found = [g for g in gold_groups if len({index.group_of(a) for a in g}) == 1]
    split = [g for g in gold_groups if g not in found]
    exact_pairs = [pair for group in exact_members.values() for pair in combinations(group, 2)]
    false_merges = [(a, b) for a, b in exact_pairs if gold_of.get(a, -1) != gold_of.get(b, -2)]
    near = [m for m in matches if m.kind == "near"]
    near_outside = [
        m
        for m in near
        if m.matched is not None and gold_of.get(m.article_id, -1) != gold_of.get(m.matched, -2)
    ]
    cross = [
        m
        for m in near_outside
        if m.matched and by_id[m.article_id].get("category") != by_id[m.matched].get("category")
    ]

    recall = len(found) / len(gold_groups) if gold_groups else 1.0
    precision = 1.0 - len(false_merges) / len(exact_pairs) if exact_pairs else 1.0
    scores = {
        "exact_groups_found": float(len(found)),
        "exact_group_recall": recall,
        "exact_pair_precision": precision,
        "false_merges": float(len(false_merges)),
        "near_pairs": float(len(near_outside)),
        "near_cross_category_pairs": float(len(cross)),
        "groups": float(len(members)),
        "articles_per_second": len(rows) / seconds if seconds else 0.0,
    }
    lines = [
        f"duplicates on {articles_path} ({len(rows)} articles, {len(gold_groups)} gold exact groups; "
        f"MinHash LSH threshold {index.threshold}, {index.num_perm} permutations, {index.shingle_size}-word shingles)",
        f"  exact groups found: {len(found)}/{len(gold_groups)} (recall {recall:.3f}); "
        f"false merges: {len(false_merges)} of {len(exact_pairs)} exact pairs (precision {precision:.3f})",
        f"  near-duplicate pairs outside the gold groups: {len(near_outside)} "
        f"({len(cross)} across BBC sections); {len(members)} groups in all; {scores['articles_per_second']:.0f} articles/s",
    ]
    for group in split[:_EXAMPLES]:
        lines.append(f"  MISSED gold group {group}: predicted {[index.group_of(a) for a in group]}")
    for a, b in false_merges[:_EXAMPLES]:
        lines.append(f"  FALSE MERGE {a} ~ {b}")
    if near_outside:
        lines.append("  near-duplicate examples (estimated Jaccard of word 3-shingles):")
    for match in sorted(near_outside, key=lambda m: m.similarity)[:_EXAMPLES]:
        assert match.matched is not None
        a, b = by_id[match.article_id], by_id[match.matched]
        lines.append(f"    {match.article_id} ~ {match.matched} ({match.similarity:.2f})")
        lines.append(f"      {a.get('title')!s}: {_snippet(a['text'])}")
        lines.append(f"      {b.get('title')!s}: {_snippet(b['text'])}")
    return EvalReport(
        task="duplicates",
        data=str(data),
        scores=scores,
        text="\n".join(lines),
        details={
            "missed": split,
            "false_merges": false_merges,
            "near_pairs": [(m.article_id, m.matched, round(m.similarity, 3)) for m in near_outside],
        },
    )
