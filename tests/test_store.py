"""The store as a user meets it: idempotent ingest, replacement, rejects, coverage, failures, rebuild, API."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from communique.errors import StoreError, UsageError
from communique.records import Analysis, Article, Reject
from communique.store import SCHEMA_VERSION, ingest_items, open_store
from communique.store import writer as writer_module
from communique.store.coverage import UNKNOWN_SOURCE
from conftest import FIXTURES

sys.path.insert(0, str(FIXTURES / "store"))
from fake_pipeline import FakePipeline  # noqa: E402

STORE_FIXTURES = FIXTURES / "store"


def art(article_id: str, text: str, published: str | None = None, source: str | None = "wire.jsonl",
        **kw) -> Article:
    return Article(article_id=article_id, text=text, published=published, source=source, **kw)


def corpus() -> list[Article | Reject]:
    return [
        art("world/001", 'Iran and Russia met in Geneva. "We agreed," the minister said.', "2025-04-18"),
        art("world/002", "Brazil hosted Norway for climate talks.", "2025-04-19"),
        art("world/003", "Kenya announced a new budget.", "2025-05-02"),
        art("world/004", "Talks between Iran and Kenya are planned.", None),
        Reject(input="wire.jsonl:7", reason="invalid JSON (unexpected end)"),
        art("world/005", "Norway and Russia signed a fisheries deal.", None, source="https://news.example.org"),
    ]


def data_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "tables").rglob("*.parquet"))}


def answers(store) -> dict[str, object]:
    """Query answers a user would compare before and after a rebuild or a re-run."""
    store.refresh()
    return {
        "counts": {t: store.count(t) for t in ("articles", "actors", "quotes", "events", "rejects")},
        "ids": store.sql("SELECT article_id, content_hash FROM articles ORDER BY 1").to_pylist(),
        "events": store.sql("SELECT event_id, category, cameo FROM events ORDER BY 1").to_pylist(),
        "coverage": store.sql("SELECT * FROM coverage ORDER BY source, day").num_rows,
    }


def run(store, items, batch_size=2, pipeline=None):
    return ingest_items(items, store, pipeline or FakePipeline(), batch_size=batch_size)


@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path / "store", create=True)
    yield s
    s.close()


def test_ingest_stores_every_table_and_twice_changes_nothing(store):
    first = run(store, corpus())
    assert (first.new, first.rejected, first.exit_code) == (5, 1, 1)
    before_files = data_files(store.root)
    before = answers(store)
    assert before["counts"] == {"articles": 5, "actors": 9, "quotes": 1, "events": 4, "rejects": 1}

    pipeline = FakePipeline()
    second = run(store, corpus(), pipeline=pipeline)
    assert (second.new, second.replaced, second.unchanged, second.stored) == (0, 0, 5, 0)
    assert pipeline.analysed == []  # unchanged articles never reach the NLP
    assert data_files(store.root) == before_files
    assert answers(store)["counts"] == before["counts"]
    assert answers(store)["ids"] == before["ids"]

    clean = run(store, [a for a in corpus() if isinstance(a, Article)])
    assert clean.exit_code == 0 and "unchanged" in clean.line()


def test_ids_with_slashes_and_partitions_by_publication_month(store):
    run(store, corpus())
    parts = {p.parent.relative_to(store.root / "tables" / "articles").as_posix()
             for p in (store.root / "tables" / "articles").rglob("*.parquet")}
    assert parts == {"year=2025/month=04", "year=2025/month=05", "year=unknown/month=unknown"}
    ids = store.table("articles", columns=["article_id"]).column("article_id").to_pylist()
    assert sorted(ids) == ["world/001", "world/002", "world/003", "world/004", "world/005"]


def test_changed_article_replaces_the_stored_version_and_its_events(store):
    run(store, corpus())
    changed = art("world/001", "Iran and Brazil met in Brasilia.", "2025-06-01")
    summary = run(store, [changed])
    assert (summary.new, summary.replaced) == (0, 1)
    rows = store.sql("SELECT text, published FROM articles WHERE article_id = 'world/001'").to_pylist()
    assert rows == [{"text": "Iran and Brazil met in Brasilia.", "published": "2025-06-01"}]
    events = store.sql("SELECT recipient FROM events WHERE article_id = 'world/001'").to_pylist()
    assert [e["recipient"][0]["country"] for e in events] == ["BRA"]
    assert store.count("quotes") == 0  # the old version's quote went with it
    # world/002 shared the old fragment and must survive the rewrite.
    assert store.count("articles") == 5
    assert store.sql("SELECT count(*) AS n FROM articles WHERE article_id = 'world/002'").to_pylist() == [{"n": 1}]


def test_repeated_id_in_one_run_keeps_the_first_and_rejects_the_conflict(store):
    items = [art("a/1", "Iran spoke."), art("a/1", "Iran spoke."), art("a/1", "Russia replied.")]
    summary = run(store, items, batch_size=1)
    assert (summary.new, summary.unchanged, summary.rejected) == (1, 1, 1)
    assert store.sql("SELECT text FROM articles").to_pylist() == [{"text": "Iran spoke."}]
    reasons = store.table("rejects", columns=["reason"]).column("reason").to_pylist()
    assert any("repeated id" in r for r in reasons)
    # The same input again: the same outcome, no churn.
    again = run(store, items, batch_size=1)
    assert (again.stored, again.rejected) == (0, 1) and store.count("rejects") == 1


def test_pipeline_failure_rejects_one_article_and_the_batch_goes_on(store):
    items = [art("ok/1", "Iran and Russia talked."), art("bad/1", "PIPELINE-CRASH here"), art("ok/2", "Kenya.")]
    summary = run(store, items, batch_size=3)
    assert (summary.new, summary.rejected) == (2, 1)
    (reject,) = store.table("rejects").to_pylist()
    assert "bad/1" in reject["input"] and "analysis failed" in reject["reason"]


def test_coverage_counts_per_source_and_day(store):
    run(store, corpus())
    run(store, corpus())
    cov = {(r["source"], r["day"], r["basis"]): r for r in store.coverage().to_pylist()}
    dated = cov[("wire.jsonl", "2025-04-18", "published")]
    assert (dated["seen"], dated["stored"], dated["unchanged"], dated["rejected"]) == (2, 1, 1, 0)
    # Undated rows and rejects count on the ingest day; rejects under their input without the row number.
    ingest_days = {k[1] for k in cov if k[2] == "ingested"}
    assert len(ingest_days) == 1
    day = ingest_days.pop()
    assert cov[("wire.jsonl", day, "ingested")]["rejected"] == 2
    assert json.loads(cov[("wire.jsonl", day, "ingested")]["reasons"]) == {"invalid JSON (unexpected end)": 2}
    assert cov[("news.example.org", day, "ingested")]["stored"] == 1
    # A source/day nobody looked at is absent, not zero.
    assert ("wire.jsonl", "2025-04-20", "published") not in cov
    stats = store.stats()
    assert {s["source"] for s in stats["sources"]} == {"wire.jsonl", "news.example.org"}
    assert stats["coverage"]["seen"] == 12 and stats["coverage"]["rejected"] == 2


def test_sourceless_rows_count_under_their_input_path(tmp_path):
    from communique.store import ingest

    rows = tmp_path / "rows.jsonl"
    rows.write_text('{"id": "x/1", "text": "Iran and Russia talked."}\n{"id": "x/2"}\n', "utf-8")
    summary = ingest([str(rows)], tmp_path / "s", pipeline=FakePipeline())
    assert (summary.new, summary.rejected) == (1, 1)
    store = open_store(tmp_path / "s")
    sources = {r["source"] for r in store.coverage().to_pylist()}
    assert sources == {str(rows)}
    assert UNKNOWN_SOURCE not in sources


@pytest.mark.parametrize("step", ["write_parquet", "rename", "append_commit"])
def test_io_error_at_each_step_leaves_a_store_that_opens_and_a_rerun_finishes(tmp_path, monkeypatch, step):
    items = corpus()
    reference = open_store(tmp_path / "reference", create=True)
    run(reference, items)
    expected = answers(reference)

    store = open_store(tmp_path / "store", create=True)
    real = getattr(writer_module, step)
    calls = {"n": 0}

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:  # fail in the middle of the run, after some batches were committed
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(writer_module, step, failing)
    with pytest.raises(StoreError) as excinfo:
        run(store, items)
    message = str(excinfo.value)
    assert "No space left on device" in message and "run the same ingest again" in message
    monkeypatch.setattr(writer_module, step, real)

    reopened = open_store(tmp_path / "store")
    partial = answers(reopened)["counts"]["articles"]
    assert 0 <= partial < 5
    assert reopened.sql("SELECT count(*) - count(DISTINCT article_id) AS d FROM articles").to_pylist() == [{"d": 0}]
    run(reopened, items)
    assert answers(reopened)["counts"] == expected["counts"]
    assert answers(reopened)["ids"] == expected["ids"]
    listed = reopened.ledger().live_paths()
    on_disk = {p.relative_to(reopened.root).as_posix() for p in (reopened.root / "tables").rglob("*") if p.is_file()}
    assert on_disk == listed  # nothing half-written left behind


def test_deleted_or_damaged_duckdb_file_is_rebuilt_with_the_same_answers(store):
    run(store, corpus())
    before = answers(store)
    store.close()
    store.catalog_path.unlink()
    assert answers(store) == before
    assert store.catalog_path.exists() and store.catalog_rebuilt
    store.close()
    store.catalog_path.write_bytes(b"this is not a duckdb file" * 100)
    assert answers(store) == before
    store.close()
    store.catalog_path.unlink()
    store.rebuild()
    assert answers(store) == before


def test_torn_ledger_tail_and_orphan_files_are_ignored_then_cleaned(store):
    run(store, corpus())
    before = answers(store)
    with open(store.ledger_path, "ab") as fh:
        fh.write(b'{"seq": 99, "time": "2025-')  # a commit cut off by a crash
    orphan = store.root / "tables" / "articles" / "year=2025" / "month=04" / "part-orphan.parquet"
    orphan.write_bytes(b"PAR1 half a file")
    half_catalog = store.root / ".store.duckdb.0badcafe.tmp"
    half_catalog.write_bytes(b"half a catalog")
    store.close()
    assert answers(store) == before
    run(store, corpus())  # the next writer cuts the tail and removes the orphan
    assert not orphan.exists() and not half_catalog.exists()
    assert store.ledger_path.read_bytes().endswith(b"}\n")
    assert answers(store)["ids"] == before["ids"]


def test_damage_in_the_middle_of_the_ledger_is_a_clear_error(store):
    run(store, corpus())
    lines = store.ledger_path.read_bytes().splitlines(keepends=True)
    lines[0] = b"garbage\n"
    store.ledger_path.write_bytes(b"".join(lines))
    with pytest.raises(StoreError, match="line 1 is damaged"):
        store.ledger()


def test_schema_version_is_recorded_and_checked(tmp_path):
    store = open_store(tmp_path / "s", create=True)
    run(store, corpus()[:1])
    manifest = json.loads((store.root / "communique-store.json").read_text())
    assert manifest["schema_version"] == SCHEMA_VERSION
    first = json.loads(store.ledger_path.read_text().splitlines()[0])
    assert first["schema_version"] == SCHEMA_VERSION
    manifest["schema_version"] = SCHEMA_VERSION + 1
    (store.root / "communique-store.json").write_text(json.dumps(manifest))
    with pytest.raises(StoreError, match=r"schema version 2.*upgrade communique"):
        open_store(tmp_path / "s")


def test_open_refuses_folders_that_are_not_stores(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(StoreError, match="not a communique store"):
        open_store(tmp_path, create=True)
    with pytest.raises(StoreError, match="no store here"):
        open_store(tmp_path / "missing")


def test_a_second_writer_is_refused_while_one_is_writing(store):
    with store.writer(), pytest.raises(StoreError, match="another process is writing"):
        store.writer()


def test_analyses_written_directly_through_the_writer(store):
    pipeline = FakePipeline()
    analyses = [pipeline.analyze(a) for a in corpus() if isinstance(a, Article)]
    with store.writer() as w:
        result = w.commit(analyses, [Reject(input="x.html", reason="timeout")])
    assert (result.new, result.rejects) == (5, 1)
    assert store.count("events") == 4
    ev = store.table("events", where="article_id = ?", params=["world/001"]).to_pylist()[0]
    assert ev["actor"][0]["country"] == "IRN" and ev["span"] == [0, 15]


def test_api_frames(store):
    run(store, corpus())
    table = store.table("articles")
    assert table.num_rows == 5 and "meta" in table.column_names
    frame = store.to_pandas("events")
    assert len(frame) == 4 and set(frame["category"]) == {"CONSULT"}
    try:
        import polars  # noqa: F401
    except ImportError:
        with pytest.raises(UsageError, match="pip install polars"):
            store.to_polars("quotes")
    else:
        assert store.to_polars("quotes").height == 1
    with pytest.raises(UsageError, match="no table"):
        store.table("nope")
    assert 1 <= store.count("stories") <= 5  # every article is in a stored story


def test_unpaired_surrogates_do_not_cost_the_batch(store):
    bad = Analysis(article=art("s/1", "Iran \ud800 and Russia"))
    with store.writer() as w:
        w.commit([bad])
    assert store.sql("SELECT text FROM articles").to_pylist() == [{"text": "Iran \ufffd and Russia"}]


def test_compact_merges_small_files_without_changing_answers(store):
    for i in range(4):
        run(store, [art(f"c/{i}", f"Iran and Kenya round {i}.", f"2025-04-0{i + 1}")], batch_size=1)
    run(store, corpus())
    before = answers(store)
    files_before = len(store.ledger().live_paths())
    with store.writer() as w:
        merged_from, merged_into = w.compact()
    assert merged_from > merged_into >= 1
    assert len(store.ledger().live_paths()) < files_before
    assert answers(store) == before
    # Replacement still finds the article in its compacted fragment.
    run(store, [art("c/2", "Norway and Brazil, revised.", "2025-04-03")])
    assert store.count("articles") == before["counts"]["articles"]
    assert store.sql("SELECT text FROM articles WHERE article_id = 'c/2'").to_pylist() == [
        {"text": "Norway and Brazil, revised."}]


def test_history_queries_for_briefs(store):
    from communique.store.query import history_source, stored_events

    items = [
        art("h/1", "Iran and Russia met.", "2025-03-01"),
        art("h/2", "Russia and Iran talked again.", "2025-03-20"),
        art("h/3", "Iran and Russia met long ago.", "2024-01-01"),
        art("h/4", "Kenya and Norway met.", "2025-03-05"),
    ]
    run(store, items)
    history = history_source(store.root)
    dyad = history.dyad("IRN", "RUS", "2025-04-01")
    assert dyad.counts == {1: 2} and dyad.previous_counts == {}
    assert {ref.article_id for ref in dyad.evidence} == {"h/1", "h/2"}
    assert history.dyad("IRN", "KEN", "2025-04-01") is None
    past = history.past_events(["IRN"], "2025-03-10", limit=2)
    assert [e.article_id for e in past] == ["h/1", "h/3"]
    assert all(isinstance(e.span, tuple) for e in stored_events(store))


def test_export_formats(store, tmp_path):
    import csv
    import io

    import pyarrow.parquet as pq

    from communique.store.export import GDELT_COLUMNS, export

    items = [art("g/1", "Opening line.\n\nIran and Russia and Norway met.", "2025-04-18",
                 url="https://news.example.org/g1", meta={"desk": "=SUM(A1)"}),
             art("g/2", "=cmd| Kenya and Brazil talked.", None)]
    run(store, items)
    out = io.StringIO()
    assert export(store, "articles", "jsonl", out) == 2
    first = json.loads(out.getvalue().splitlines()[0])
    assert first["meta"] == {"desk": "=SUM(A1)"} and first["article_id"] == "g/1"

    out = io.StringIO()
    export(store, "articles", "csv", out)
    rows = {r["article_id"]: r for r in csv.DictReader(io.StringIO(out.getvalue()))}
    assert rows["g/2"]["text"].startswith("'=cmd|")

    path = tmp_path / "events.parquet"
    assert export(store, "events", "parquet", output=path) == 2 and pq.read_table(path).num_rows == 2

    out = io.StringIO()
    assert export(store, "events", "gdelt", out) == 3  # Iran→Russia, Iran→Norway, Kenya→Brazil
    lines = [dict(zip(GDELT_COLUMNS, line.split("\t"), strict=True)) for line in out.getvalue().splitlines()]
    iran_russia = next(r for r in lines if r["Actor2CountryCode"] == "RUS")
    assert iran_russia["SQLDATE"] == "20250418" and iran_russia["Actor1Code"] == "IRNGOV"
    assert iran_russia["EventCode"] == "040" and iran_russia["EventRootCode"] == "04"
    assert iran_russia["IsRootEvent"] == "0"  # not in the first paragraph
    assert iran_russia["ActionGeo_CountryCode"] == "IR"  # FIPS, as GDELT uses
    assert iran_russia["SOURCEURL"] == "https://news.example.org/g1"
    kenya = next(r for r in lines if r["Actor1CountryCode"] == "KEN")
    assert kenya["SQLDATE"] == "" and kenya["IsRootEvent"] == "1"
    with pytest.raises(UsageError):
        export(store, "quotes", "gdelt", io.StringIO())
    with pytest.raises(UsageError):
        export(store, "events", "parquet", io.StringIO())


def test_gdelt_leaves_out_negated_and_hypothetical_events_unless_asked(store):
    import io

    from communique.records import Event, EventActor
    from communique.store.export import export

    def event(n: int, **flags) -> Event:
        return Event(event_id=f"n/{n}", article_id="n/1", sentence_index=n, sentence="s", span=(0, 1),
                     category="CONSULT", cameo="040", goldstein=1.0, quad_class=1,
                     actor=[EventActor(text="Iran", name="Iran", country="IRN")], **flags)

    analysis = Analysis(article=art("n/1", "Iran did and did not."),
                        events=[event(0), event(1, negated=True), event(2, aux=["hypothetical"]),
                                event(3, aux=["historical"])])
    with store.writer() as w:
        w.commit([analysis])
    assert export(store, "events", "gdelt", io.StringIO()) == 2
    assert export(store, "events", "gdelt", io.StringIO(), include_flagged=True) == 4
