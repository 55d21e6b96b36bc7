"""Synthetic event stores, for tests, demonstrations and the API load test.

``coded_article`` builds an ``Analysis`` whose events are given as (actor, recipient, category)
triples, with a sentence of its own per event so spans resolve to real text. ``synthetic_analyses``
draws many such articles from a seeded generator. ``build_store`` ingests analyses through the
store's ordinary ``ingest_items`` (so the coverage ledger is written as for real input), with a
stand-in analyser that returns the prepared analyses instead of running the NLP pipeline.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, timedelta
from pathlib import Path

from communique.records import Analysis, Article, Event, EventActor
from communique.store import IngestSummary, Store, ingest_items, open_store

# Country code → the name written in synthetic sentences.
COUNTRIES: dict[str, str] = {
    "IRN": "Iran", "RUS": "Russia", "CHN": "China", "USA": "the United States", "GBR": "Britain",
    "FRA": "France", "DEU": "Germany", "IND": "India", "BRA": "Brazil", "TUR": "Turkey",
    "SAU": "Saudi Arabia", "ISR": "Israel", "UKR": "Ukraine", "JPN": "Japan", "KOR": "South Korea",
    "PRK": "North Korea", "ZAF": "South Africa", "EGY": "Egypt", "PAK": "Pakistan", "NGA": "Nigeria",
}
_VERBS: dict[str, str] = {
    "AGREE": "agreed with", "CONSULT": "held talks with", "SUPPORT": "voiced support for",
    "CONCEDE": "made concessions to", "COOPERATE": "signed a cooperation deal with", "AID": "sent aid to",
    "RETREAT": "withdrew troops facing", "REQUEST": "made demands of", "ACCUSE": "accused",
    "REJECT": "rejected a proposal by", "THREATEN": "threatened", "PROTEST": "protested against",
    "SANCTION": "imposed sanctions on", "MOBILIZE": "mobilised forces against", "COERCE": "seized assets of",
    "ASSAULT": "launched strikes on",
}


def coded_article(article_id: str, published: str | None, triples: Sequence[tuple[str, str, str]],
                  *, source: str = "synthetic.example", n_reports: int = 1) -> Analysis:
    """An analysed article with one sentence and one event per (actor, recipient, category)."""
    from communique.events.ontology import load_ontology

    onto = load_ontology()
    text, events = "", []
    for i, (actor, recipient, category) in enumerate(triples):
        a_name, r_name = COUNTRIES.get(actor, actor), COUNTRIES.get(recipient, recipient)
        sentence = f"{a_name[0].upper()}{a_name[1:]} {_VERBS.get(category, 'dealt with')} {r_name}."
        start = len(text) + (1 if text else 0)
        text = f"{text} {sentence}" if text else sentence
        code = onto.code(onto.default_code[category])
        r_start = start + len(sentence) - 1 - len(r_name)
        events.append(Event(
            event_id=f"{article_id}#e{i}", article_id=article_id, sentence_index=i, sentence=sentence,
            span=(start, start + len(sentence) - 1), category=category, cameo=code.code,
            goldstein=code.goldstein, quad_class=code.quad_class, date=published,
            actor=[EventActor(text=a_name, name=a_name, country=actor, start=start, end=start + len(a_name))],
            recipient=[EventActor(text=r_name, name=r_name, country=recipient, start=r_start,
                                  end=r_start + len(r_name))],
            n_reports=n_reports,
        ))
    article = Article(article_id=article_id, text=text or "No events were reported.",
                      title=f"Report {article_id}", url=f"https://{source}/{article_id}",
                      published=published, source=f"https://{source}/")
    return Analysis(article=article, events=events)


def synthetic_analyses(n_events: int, *, seed: int = 1, start: date = date(2024, 1, 1), days: int = 730,
                       per_article: int = 5, gap: tuple[int, int] | None = (200, 230)) -> Iterator[Analysis]:
    """Seeded synthetic articles holding ``n_events`` events over ``days`` days.

    IRN–RUS is the busiest dyad, growing more cooperative over time; ``gap`` (day offsets) is a
    stretch with no articles at all, so series show missing periods there.
    """
    rng = random.Random(seed)
    codes = list(COUNTRIES)
    cats = list(_VERBS)
    made, n = 0, 0
    while made < n_events:
        offset = rng.randrange(days)
        if gap and gap[0] <= offset < gap[1]:
            continue
        day = start + timedelta(days=offset)
        k = min(per_article, n_events - made)
        triples = []
        for _ in range(k):
            if rng.random() < 0.2:
                pair = ["IRN", "RUS"] if rng.random() < 0.5 else ["RUS", "IRN"]
                coop = 0.4 + 0.5 * offset / days
                cat = rng.choice(cats[:7] if rng.random() < coop else cats[7:])
            else:
                pair = rng.sample(codes, 2)
                cat = rng.choice(cats)
            triples.append((pair[0], pair[1], cat))
        made += k
        yield coded_article(f"syn/{n:07d}", day.isoformat(), triples,
                            source=f"wire{n % 3}.example", n_reports=1 + (n % 4 == 0))
        n += 1


class PreparedAnalyses:
    """An analyser for ``ingest_items`` that returns prepared analyses by article id."""

    def __init__(self, analyses: Iterable[Analysis]) -> None:
        self.by_id = {a.article.article_id: a for a in analyses}

    def analyze(self, article: Article) -> Analysis:
        return self.by_id[article.article_id]

    def analyze_many(self, articles: Iterable[Article]) -> Iterator[Analysis]:
        for article in articles:
            yield self.analyze(article)


def build_store(root: str | Path, analyses: Iterable[Analysis], *, batch_size: int = 2000) -> tuple[Store, IngestSummary]:
    """Ingest ``analyses`` into a (new or existing) store at ``root``."""
    prepared = PreparedAnalyses(analyses)
    store = open_store(root, create=True)
    summary = ingest_items([a.article for a in prepared.by_id.values()], store, prepared, batch_size=batch_size)
    return store, summary
