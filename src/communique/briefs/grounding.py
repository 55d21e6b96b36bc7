"""The grounding check: every line of a brief must be found at the spans it cites.

Two levels:

- **verbatim** (extractive briefs): an item's text equals its cited pieces joined by
  ``join_pieces`` (whitespace normalised) — a sentence, or a sentence with clauses dropped;
  a ``whats_being_said`` quote must be one contiguous span.
- **traceable** (abstractive rephrasings): every content word of the text occurs, after light
  normalisation, among the content words of the cited spans; numbers must match exactly.

Items listed in ``Brief.generated`` (lines generated from stored data, such as event counts)
are not prose from a source; they are checked only for citing real spans.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from communique.briefs.sentences import join_pieces
from communique.records import Article, Brief, SourceRef

_WS = re.compile(r"\s+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def normalise(text: str) -> str:
    """Whitespace collapsed, typographic quotes and apostrophes made plain."""
    text = text.replace("“", '"').replace("”", '"').replace("‘", "'").replace("’", "'")
    return _WS.sub(" ", text).strip()


def item_texts(brief: Brief) -> dict[str, str]:
    """Every field and item of a brief by its ``sources`` key."""
    out = {"headline": brief.headline, "lede": brief.lede, "why_it_matters": brief.why_it_matters}
    for i, kp in enumerate(brief.key_points):
        out[f"key_points[{i}]"] = kp
    for i, q in enumerate(brief.whats_being_said):
        out[f"whats_being_said[{i}]"] = q.quote
    for i, g in enumerate(brief.go_deeper):
        out[f"go_deeper[{i}]"] = g
    return {k: v for k, v in out.items() if v}


def cited_text(refs: list[SourceRef], articles: Mapping[str, Article]) -> str | None:
    """The cited pieces joined as a trimmed sentence is joined; None when a ref is invalid."""
    out: list[str] = []
    by_article: list[tuple[str, list[tuple[int, int]]]] = []
    for ref in refs:
        art = articles.get(ref.article_id)
        s, e = ref.span
        if art is None or not (0 <= s < e <= len(art.text)):
            return None
        if by_article and by_article[-1][0] == ref.article_id:
            by_article[-1][1].append((s, e))
        else:
            by_article.append((ref.article_id, [(s, e)]))
    for aid, spans in by_article:
        out.append(join_pieces(articles[aid].text, spans))
    return " ".join(out)


def is_verbatim(text: str, refs: list[SourceRef], articles: Mapping[str, Article]) -> bool:
    """True when ``text`` is exactly the cited pieces (after whitespace normalisation)."""
    found = cited_text(refs, articles)
    return found is not None and normalise(found) == normalise(text)


def _words(text: str) -> list[str]:
    from communique.briefs.select import content_words

    return content_words(normalise(text))


def untraceable_words(text: str, refs: list[SourceRef], articles: Mapping[str, Article]) -> list[str]:
    """Content words and numbers of ``text`` that occur nowhere in the cited spans."""
    found = cited_text(refs, articles)
    if found is None:
        return _words(text) or [text]
    source_words = set(_words(found))
    # A stem match lets "sanctions" trace to "sanction", "talks" to "talk".
    stems = {w[:5] for w in source_words if len(w) >= 6}
    missing = [w for w in _words(text) if w not in source_words and not (len(w) >= 6 and w[:5] in stems)]
    source_numbers = set(_NUMBER.findall(found))
    missing += [n for n in _NUMBER.findall(text) if n not in source_numbers]
    return missing


@dataclass
class GroundingReport:
    """Which items of a brief are found at their cited spans."""

    checked: int = 0
    grounded: int = 0
    failures: list[str] = field(default_factory=list)
    quotes: int = 0
    verbatim_quotes: int = 0

    @property
    def rate(self) -> float:
        return self.grounded / self.checked if self.checked else 1.0

    @property
    def quote_rate(self) -> float:
        return self.verbatim_quotes / self.quotes if self.quotes else 1.0


def check_brief(brief: Brief, articles: Mapping[str, Article] | list[Article]) -> GroundingReport:
    """Check every item of ``brief`` against its cited spans (see the module docstring)."""
    if not isinstance(articles, Mapping):
        articles = {a.article_id: a for a in articles}
    report = GroundingReport()
    generated = set(brief.generated)
    abstractive = set(brief.rephrased)
    for key, text in item_texts(brief).items():
        refs = brief.sources.get(key, [])
        report.checked += 1
        if key in generated:
            # Lines made from stored data cite stored events; spans of articles at hand must be valid.
            ok = bool(refs) and all(
                0 <= r.span[0] < r.span[1] <= len(articles[r.article_id].text)
                for r in refs if r.article_id in articles
            )
        elif key in abstractive:
            ok = bool(refs) and not untraceable_words(text, refs, articles)
        else:
            ok = bool(refs) and is_verbatim(text, refs, articles)
        if key.startswith("whats_being_said"):
            report.quotes += 1
            # A quote is one contiguous span, exactly as written.
            exact = len(refs) == 1 and is_verbatim(text, refs, articles)
            report.verbatim_quotes += exact
            ok = ok and exact
        if ok:
            report.grounded += 1
        else:
            report.failures.append(key)
    return report
