"""Duplicate groups, merged events and stories, kept up to date as batches enter the store.

Every article a batch stores is, in a fixed order (publication date, then id, so a store built in
one run or in several comes out the same):

1. put in a duplicate group (``dedup.DuplicateIndex``: exact body hash, else MinHash LSH);
2. put in a story (``stories.StoryClusterer``: online, with its time window);
3. each of its events is matched against the *event groups* already known: a group whose key
   (``dedup.event_key``: category, negation, modes, the two sides) is the same, whose first report
   is dated within ``MAX_DAYS`` of this event (undated only with undated), and one of whose
   articles is in this article's story or duplicate group (undated events: duplicate group only;
   an article telling of one meeting in two sentences reports one meeting). The event joins such
   a group, else opens one named by its own event id.

The writer stores each event row with its ``group_id`` (and ``outlet``, the source it counts for);
the catalog merges the rows of a group into one event (``catalog.py``). Story versions touched by
the batch are written in the same commit.

State: the event groups are read from the stored events as a batch needs them (the groups of the
days within ``MAX_DAYS`` of its events, the undated events of its duplicate groups), so they always
match the ledger and an ingest reads a few days of events, not the whole store. Among several
groups an event could join, the closest in time (then the lowest id) wins, so the choice does not
depend on which groups happened to be read first.

The duplicate index and the story clusterer cannot be read back cheaply; they live in
``index/groups.state`` with the ledger sequence number they reflect. The file is written after
commits (every ``SAVE_EVERY_SECONDS`` and when the writer closes, not after every commit: it grows
with the store), so a crash can leave it behind the ledger; on load, the commits after its
sequence number are replayed from the stored articles, in the same order as at ingest, which
brings it to the state an uninterrupted run would have. A missing, damaged or foreign state file is
rebuilt the same way from the first commit.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import msgspec
import pyarrow.parquet as pq

from communique.dedup import DuplicateIndex, article_source, event_day, event_key
from communique.dedup.persist import decode_state, write_atomic
from communique.errors import StoreError
from communique.pipeline import article_date
from communique.records import Analysis, Article, Event, EventActor, Story
from communique.store.ledger import Commit, LedgerState
from communique.stories.cluster import StoryClusterer

STATE_FILE = "index/groups.state"
_MAGIC = "communique.store.groups"
# Bump when the meaning of the state changes (grouping rules, the order articles are added in).
FORMAT_VERSION = 1
# Reports of one happening may carry dates this many days apart (time zones, "yesterday").
MAX_DAYS = 1
# Save the state after this many seconds of commits (and always when the writer closes).
SAVE_EVERY_SECONDS = 30.0

_ARTICLE_COLUMNS = ["article_id", "text", "title", "url", "published", "site", "source"]


class _State(msgspec.Struct, kw_only=True):
    magic: str
    version: int
    seq: int
    dedup: bytes
    stories: bytes


@dataclass
class ArticleGroups:
    """Where one stored article went: its duplicate group, outlet and each event's group."""

    dup_group: str
    outlet: str
    # Event id → merged event (group) id, for every event of the article.
    event_groups: dict[str, str] = field(default_factory=dict)


@dataclass
class _EventGroup:
    group_id: str
    day: date | None
    articles: set[str] = field(default_factory=set)


def order_key(article: Article) -> tuple[bool, str, str]:
    """The order articles of one batch are grouped in: dated by date, undated last, then by id."""
    return (article.published is None, article.published or "", article.article_id)


def _day_of(event: Event, published: date | None) -> date | None:
    return event_day(event) or published


def _close(a: date | None, b: date | None, max_days: int) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs((a - b).days) <= max_days


def _stub_event(row: Mapping[str, Any]) -> Event:
    """An Event with the fields ``event_key``/``event_day`` read (from a stored row)."""
    return Event(
        event_id=row["event_id"], article_id=row["article_id"], sentence_index=0, sentence="", span=(0, 0),
        category=row["category"] or "", cameo="", goldstein=0.0, quad_class=0, date=row.get("date"),
        actor=msgspec.convert(row.get("actor") or [], list[EventActor]),
        recipient=msgspec.convert(row.get("recipient") or [], list[EventActor]),
        negated=bool(row.get("negated")), aux=list(row.get("aux") or []),
    )


def _read(root: Path, rel: str, columns: list[str]) -> list[dict[str, Any]]:
    """Rows of one stored Parquet file (only the columns it has)."""
    path = root / rel
    names = set(pq.read_schema(path).names)
    return list(pq.read_table(path, columns=[c for c in columns if c in names]).to_pylist())


class StoreGrouper:
    """The grouping state of one store while a writer holds it (see the module docstring)."""

    def __init__(self, root: Path, dedup: DuplicateIndex, clusterer: StoryClusterer, seq: int,
                 ledger: LedgerState) -> None:
        self.root = root
        # The writer's ledger state, kept current by the writer: the live files to read groups from.
        self.ledger = ledger
        self.dedup = dedup
        self.clusterer = clusterer
        self.seq = seq
        self.saved_seq = seq
        self.saved_at = time.monotonic()
        self.replayed = 0  # articles replayed on load (for tests and reports)
        # A store written before stories were stored: the first batch writes every story, so the
        # ``stories`` table lists the old articles' stories too, not only the ones new articles touch.
        self.write_all_stories = False
        self._by_key: dict[tuple[Any, ...], list[_EventGroup]] = {}
        self._groups: dict[str, _EventGroup] = {}
        self._group_of_event: dict[str, str] = {}
        self._events_of_article: dict[str, list[str]] = {}
        # What was read from the store already: publication days (ordinals), undated articles.
        self._loaded_days: set[int] = set()
        self._loaded_undated: set[str] = set()
        self._batch_ids: set[str] = set()

    # -- loading ----------------------------------------------------------------------------------

    @classmethod
    def load(cls, root: Path, ledger: LedgerState, embedding_model: str | None = "auto") -> StoreGrouper:
        """The grouping state for the store at ``root`` as of ``ledger`` (caught up when behind).

        ``embedding_model`` is the story clusterer's sentence encoder when the state is created
        (or rebuilt); a loaded state keeps the one it was created with.
        """
        dedup, clusterer, seq = cls._read_state(root, ledger.seq, embedding_model)
        grouper = cls(root, dedup, clusterer, seq, ledger)
        if seq < ledger.seq:
            grouper._replay(ledger, after=seq)
            grouper.seq = ledger.seq
        grouper.write_all_stories = ledger.rows("articles") > 0 and ledger.rows("stories") == 0
        return grouper

    @staticmethod
    def _read_state(
        root: Path, ledger_seq: int, embedding_model: str | None
    ) -> tuple[DuplicateIndex, StoryClusterer, int]:
        path = root / STATE_FILE
        try:
            state = decode_state(path.read_bytes(), _State, _MAGIC, FORMAT_VERSION, "store grouping state")
            if state.seq > ledger_seq:
                # Written for a ledger that was later cut back (or another store): start over.
                raise StoreError("state is ahead of the ledger")
            return DuplicateIndex.from_bytes(state.dedup), StoryClusterer.from_bytes(state.stories), state.seq
        except (OSError, StoreError):
            return DuplicateIndex(), StoryClusterer(embedding_model=embedding_model), 0

    # -- event groups, read from the stored events as needed ------------------------------------

    def _stored_events(self, where: str, params: list[Any]) -> list[dict[str, Any]]:
        """Stored event rows (the columns grouping needs, ``day`` = event date else publication
        date) matching a condition; rows of the articles being replaced now are left out."""
        files = self.ledger.files("events")
        if not files:
            return []
        listing = ", ".join("'" + str(self.root / f).replace("'", "''") + "'" for f in files)
        articles = ", ".join("'" + str(self.root / f).replace("'", "''") + "'"
                             for f in self.ledger.files("articles"))
        con = duckdb.connect(":memory:", config={"threads": 1})
        try:
            # File paths are quoted above; ``where`` is one of this module's constant conditions.
            con.execute(f"CREATE VIEW e AS SELECT * FROM read_parquet([{listing}], union_by_name = true)")  # noqa: S608
            have = {d[0] for d in con.execute("SELECT * FROM e LIMIT 0").description or []}
            group = "e.group_id" if "group_id" in have else "NULL"
            if articles:
                con.execute(f"CREATE VIEW a AS SELECT article_id, published FROM read_parquet([{articles}], "  # noqa: S608
                            "union_by_name = true)")
            else:
                con.execute("CREATE VIEW a AS SELECT NULL::VARCHAR AS article_id, NULL::VARCHAR AS published")
            query = (
                f"SELECT * FROM (SELECT e.event_id, e.article_id, {group} AS group_id, e.category, e.date, "  # noqa: S608
                "e.actor, e.recipient, e.negated, e.aux, coalesce(TRY_CAST(substr(e.date, 1, 10) AS DATE), "
                "TRY_CAST(substr(a.published, 1, 10) AS DATE)) AS day FROM e LEFT JOIN a USING (article_id)) "
                f"WHERE {where}"
            )
            rel = con.execute(query, params)
            names = [d[0] for d in rel.description or []]
            rows = [dict(zip(names, r, strict=True)) for r in rel.fetchall()]
        finally:
            con.close()
        return [r for r in rows if r["article_id"] not in self._batch_ids]

    def _load(self, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            if row["event_id"] not in self._group_of_event:
                self._note(_stub_event(row), row["group_id"] or row["event_id"], row["day"])

    def _load_days(self, day: date) -> None:
        """Know every stored event group an event dated ``day`` may join."""
        lo, hi = day.toordinal() - MAX_DAYS, day.toordinal() + MAX_DAYS
        missing = [d for d in range(lo, hi + 1) if d not in self._loaded_days]
        if not missing:
            return
        first, last = date.fromordinal(min(missing)), date.fromordinal(max(missing))
        self._load(self._stored_events("day BETWEEN ? AND ?", [first, last]))
        self._loaded_days.update(range(min(missing), max(missing) + 1))

    def _load_undated(self, article_ids: list[str]) -> None:
        """Know the stored undated event groups of these articles (undated events merge only
        within a duplicate group)."""
        missing = [a for a in article_ids if a not in self._loaded_undated]
        if missing:
            self._load(self._stored_events("day IS NULL AND list_contains(?, article_id)", [missing]))
            self._loaded_undated.update(missing)

    def _note(self, event: Event, group_id: str, day: date | None) -> None:
        group = self._groups.get(group_id)
        if group is None:
            group = _EventGroup(group_id, day)
            self._groups[group_id] = group
            self._by_key.setdefault(event_key(event), []).append(group)
        elif event.event_id == group_id:
            group.day = day  # a group's date is its first report's, whenever that one is read
        group.articles.add(event.article_id)
        self._group_of_event[event.event_id] = group_id
        self._events_of_article.setdefault(event.article_id, []).append(event.event_id)

    def _replay(self, ledger: LedgerState, after: int) -> None:
        """Add the articles of the commits after ``after`` to the duplicate index and stories."""
        decoder = msgspec.json.Decoder(Commit)
        try:
            lines = (self.root / "ledger.jsonl").read_bytes().splitlines()
        except OSError:
            return
        for line in lines:
            try:
                commit = decoder.decode(line)
            except (msgspec.DecodeError, msgspec.ValidationError):
                continue  # a torn tail: the writer cuts it
            if commit.seq <= after or commit.seq > ledger.seq:
                continue
            fragments = [ledger.fragments[f.id] for f in commit.add if f.id in ledger.fragments]
            articles: list[Article] = []
            actors: dict[str, list[str]] = {}
            events: dict[str, list[str]] = {}
            for fragment in fragments:
                if "articles" in fragment.files:
                    articles += [Article(**r) for r in _read(self.root, fragment.files["articles"].path,
                                                             _ARTICLE_COLUMNS)]
                if "actors" in fragment.files:
                    for r in _read(self.root, fragment.files["actors"].path, ["article_id", "country"]):
                        if r.get("country"):
                            actors.setdefault(r["article_id"], []).append(r["country"])
                if "events" in fragment.files:
                    for r in _read(self.root, fragment.files["events"].path, ["article_id", "event_id"]):
                        events.setdefault(r["article_id"], []).append(r["event_id"])
            fresh = [a for a in sorted(articles, key=order_key) if a.article_id not in self.dedup]
            for article, embedding in zip(fresh, self._embeddings(fresh), strict=True):
                self.dedup.add(article)
                self.clusterer.add(
                    article, actors.get(article.article_id), events.get(article.article_id), embedding=embedding
                )
                self.replayed += 1

    def lead_encoder(self) -> str | None:
        """The sentence encoder of the store's stories (None: stories use TF-IDF alone)."""
        return self.clusterer.embedding_model if self.clusterer.embedding_weight else None

    def _embeddings(self, articles: list[Article]) -> list[list[float] | None]:
        """The batch's lead embeddings in one call (the encoder is faster on a batch), or Nones."""
        found = self.clusterer.embed(articles)
        return list(found) if found else [None] * len(articles)

    # -- grouping a batch --------------------------------------------------------------------------

    def group(
        self, analyses: Iterable[Analysis], embeddings: Mapping[str, list[float]] | None = None
    ) -> tuple[dict[str, ArticleGroups], list[dict[str, Any]]]:
        """Group the analyses of one batch (articles new or changed); return per-article groups and
        the rows of the story versions the batch touched (without ``seq``). ``embeddings`` are lead
        embeddings already computed (by the workers, with ``lead_encoder()``), by article id."""
        done = sorted(analyses, key=lambda a: order_key(a.article))
        self._batch_ids = {a.article.article_id for a in done}
        before = self.clusterer.assignments()
        out: dict[str, ArticleGroups] = {}
        # An article already in a story (re-coded, or stored again) keeps its story; only new ones
        # are embedded, which is most of the cost of grouping.
        given = embeddings if embeddings is not None and self.lead_encoder() else {}
        fresh = [a.article for a in done if a.article.article_id not in before]
        todo = [a for a in fresh if a.article_id not in given]
        leads: dict[str, list[float] | None] = {a.article_id: given[a.article_id] for a in fresh
                                                if a.article_id in given}
        leads.update(zip((a.article_id for a in todo), self._embeddings(todo), strict=True))
        relisted: set[str] = set()  # stories whose event lists changed without a member moving
        for analysis in done:
            article = analysis.article
            aid = article.article_id
            dup_group = self.dedup.add(article)
            countries = [m.country for m in analysis.actors if m.country]
            event_ids = [e.event_id for e in analysis.events]
            story = self.clusterer.add(article, countries, event_ids, embedding=leads.get(aid))
            if aid in before and (changed := self.clusterer.set_events(aid, event_ids)):
                relisted.add(changed)
            self._forget(aid)  # a changed article: its old events are replaced
            published = article_date(article)
            groups = ArticleGroups(dup_group=dup_group, outlet=article_source(article))
            for event in analysis.events:
                groups.event_groups[event.event_id] = self._assign(event, published, dup_group, story)
            out[aid] = groups
        return out, self._story_rows(before, relisted) if done else []

    def _assign(self, event: Event, published: date | None, dup_group: str, story: str) -> str:
        day = _day_of(event, published)
        if day is not None:
            self._load_days(day)
        else:
            self._load_undated(self.dedup.groups().get(dup_group, []))
        key = event_key(event)
        # The closest in time, then the lowest id: the same choice however the groups were read.
        candidates = sorted(
            (g for g in self._by_key.get(key, []) if _close(day, g.day, MAX_DAYS)),
            key=lambda g: (abs((day - g.day).days) if day and g.day else 0, g.group_id),
        )
        for group in candidates:
            # Undated reports of one story may tell of different happenings; copies of one report
            # (a duplicate group) cannot.
            if any(self.dedup.group_of(a) == dup_group
                   or (day is not None and self.clusterer.story_of(a) == story) for a in group.articles):
                self._note(event, group.group_id, day)
                return group.group_id
        self._note(event, event.event_id, day)
        return event.event_id

    def _forget(self, article_id: str) -> None:
        for event_id in self._events_of_article.pop(article_id, []):
            group = self._groups.get(self._group_of_event.pop(event_id, ""))
            if group is not None:
                group.articles.discard(article_id)

    def _story_rows(self, before: Mapping[str, str], relisted: set[str]) -> list[dict[str, Any]]:
        after = self.clusterer.assignments()
        moved = [a for a in after if before.get(a) != after[a]]
        # A story can grow, merge into another, or shrink (the clusterer splits off members that no
        # longer fit when it refreshes its vectors), so both the story an article joined and the one
        # it left are written again: the live ones in full, the gone ones as merge markers. A story
        # whose member was re-coded lists other events now: written again too.
        touched = {after[a] for a in moved} | {before[a] for a in moved if a in before} | relisted
        if self.write_all_stories:
            touched, self.write_all_stories = touched | set(after.values()), False
        stories: list[Story] = []
        gone: list[str] = []
        for story_id in sorted(touched):
            story = self.clusterer.story(story_id)
            if story is not None:
                stories.append(story)
            else:
                gone.append(story_id)
        unknown = sorted({e for story in stories for e in story.events if e not in self._group_of_event})
        if unknown:  # events of older articles whose groups were not read yet
            self._load(self._stored_events("list_contains(?, event_id)", [unknown]))
        rows: list[dict[str, Any]] = [{**self._story_row(story), "merged_into": None} for story in stories]
        for old in gone:
            new = self.clusterer.resolve(old)
            if new != old:
                rows.append({"story_id": old, "title": "", "merged_into": new})
        return rows

    def _story_row(self, story: Story) -> dict[str, Any]:
        # Stories list merged events: each event group once, by its id.
        events = list(dict.fromkeys(self._group_of_event.get(e, e) for e in story.events))
        return msgspec.to_builtins(msgspec.structs.replace(story, events=events))  # type: ignore[no-any-return]

    # -- saving -----------------------------------------------------------------------------------

    def committed(self, seq: int) -> None:
        """The batch just grouped is in the ledger as commit ``seq``; save now and then."""
        self.seq = seq
        if time.monotonic() - self.saved_at >= SAVE_EVERY_SECONDS:
            self.save()

    def save(self) -> None:
        """Write the state (with the ledger sequence number it reflects) atomically."""
        if self.seq == self.saved_seq and (self.root / STATE_FILE).exists():
            return
        state = _State(magic=_MAGIC, version=FORMAT_VERSION, seq=self.seq,
                       dedup=self.dedup.to_bytes(), stories=self.clusterer.to_bytes())
        write_atomic(self.root / STATE_FILE, msgspec.msgpack.encode(state))
        self.saved_seq = self.seq
        self.saved_at = time.monotonic()
