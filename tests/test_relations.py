"""Relations over time: dyad series, coverage gaps, drill-down, the network, trends and the CLI."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import date, timedelta

import msgspec
import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from communique.cli import app
from communique.records import Analysis
from communique.relations import (
    EventIndex,
    alignment_network,
    cell_events,
    dyad_months,
    dyad_series,
    export_network,
    network_json,
    resolve_event,
    trend_statements,
)
from communique.relations.search import EventFilter, search_events
from communique.relations.synthetic import build_store, coded_article
from conftest import FIXTURES

FIXTURE = FIXTURES / "relations" / "dyads.json"


def fixture_analyses() -> list[Analysis]:
    data = json.loads(FIXTURE.read_text("utf-8"))
    out = [coded_article(a["id"], a["published"], [tuple(t) for t in a["triples"]],
                         n_reports=a.get("n_reports", 1)) for a in data["articles"]]
    # A negated report ("Iran did not sign...") is stored but is not an event that happened.
    negated = coded_article("wire/mar-2", "2024-03-06", [("IRN", "RUS", "COOPERATE")])
    negated.events[0] = msgspec.structs.replace(negated.events[0], negated=True)
    return [*out, negated]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    opened, summary = build_store(tmp_path_factory.mktemp("relations") / "store", fixture_analyses())
    assert summary.rejected == 0
    yield opened
    opened.close()


def by_period(series):
    return {p.period: p for p in series.periods}


def test_monthly_series_counts_categories_quads_and_net_cooperation(store):
    months = by_period(dyad_series(store, "IRN", "RUS", freq="month"))
    assert list(months) == ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05"]
    jan = months["2024-01"]
    assert (jan.events, jan.reports) == (3, 5)  # the cooperation deal was reported three times
    assert {k: v for k, v in jan.categories.items() if v} == {"CONSULT": 1, "AGREE": 1, "COOPERATE": 1}
    assert jan.quads == {"verbal_cooperation": 2, "material_cooperation": 1, "verbal_conflict": 0,
                         "material_conflict": 0}
    assert jan.net_cooperation == 3
    assert jan.total_events == 4 and jan.share == 0.75  # USA→IRN is in January's volume too
    mar = months["2024-03"]
    assert mar.events == 1 and mar.categories["THREATEN"] == 1 and mar.net_cooperation == -1  # negated left out


def test_periods_without_coverage_are_missing_and_covered_empty_periods_are_zero(store):
    months = by_period(dyad_series(store, "IRN", "RUS"))
    feb, apr = months["2024-02"], months["2024-04"]
    assert not feb.covered
    assert feb.events is None and feb.net_cooperation is None and feb.share is None
    assert set(feb.categories.values()) == {None} and set(feb.quads.values()) == {None}
    assert apr.covered and apr.events == 0 and apr.net_cooperation == 0 and apr.goldstein_mean is None


def test_directed_series_and_report_measure(store):
    ab = by_period(dyad_series(store, "IRN", "RUS", directed=True))["2024-01"]
    ba = by_period(dyad_series(store, "irn", "rus", directed=False))["2024-01"]
    back = by_period(dyad_series(store, "RUS", "IRN", directed=True))["2024-01"]
    assert (ab.events, back.events, ba.events) == (2, 1, 3)
    reports = by_period(dyad_series(store, "IRN", "RUS", measure="reports"))["2024-01"]
    assert reports.categories["COOPERATE"] == 3 and reports.net_cooperation == 5


def test_yearly_and_weekly_periods(store):
    year = dyad_series(store, "IRN", "RUS", freq="year")
    assert [(p.period, p.events) for p in year.periods] == [("2024", 4)]
    weeks = dyad_series(store, "IRN", "RUS", freq="week", since=date(2024, 1, 8), until=date(2024, 1, 28))
    assert [(p.period, p.covered, p.events) for p in weeks.periods] == [
        ("2024-W02", True, 2), ("2024-W03", True, 1), ("2024-W04", False, None)]


def test_bad_arguments_name_the_input(store):
    with pytest.raises(ValueError, match="two different countries"):
        dyad_series(store, "IRN", "iRN")
    with pytest.raises(ValueError, match="unknown freq 'day'"):
        dyad_series(store, "IRN", "RUS", freq="day")
    with pytest.raises(ValueError, match="bad country code"):
        dyad_series(store, "IRN", "R;S")


def test_every_cell_lists_its_events_and_each_event_resolves_to_its_sentence(store):
    jan = by_period(dyad_series(store, "IRN", "RUS"))["2024-01"]
    assert jan.cells["COOPERATE"] == ["wire/jan-2#e0"]
    assert sorted(jan.cells["all"]) == ["wire/jan-1#e0", "wire/jan-1#e1", "wire/jan-2#e0"]
    assert cell_events(store, "IRN", "RUS", date(2024, 1, 31), cell="verbal_cooperation") == \
        ["wire/jan-1#e0", "wire/jan-1#e1"]
    src = resolve_event(store, "wire/jan-2#e0")
    assert src is not None and src.article_id == "wire/jan-2" and src.published == "2024-01-20"
    assert src.span_text == "Iran signed a cooperation deal with Russia"
    assert src.sentence.startswith(src.span_text)
    assert resolve_event(store, "no/such#e0") is None


# -- directed / undirected symmetry -----------------------------------------------------------------

CODES = ["IRN", "RUS", "CHN", "USA"]
CATS = ["CONSULT", "COOPERATE", "ACCUSE", "ASSAULT", "AID"]
side = st.lists(st.sampled_from(CODES), min_size=1, max_size=2, unique=True)
coded_event = st.tuples(side, side, st.sampled_from(CATS), st.integers(0, 120), st.booleans())


def _analyses(events: list[tuple[list[str], list[str], str, int, bool]]) -> list[Analysis]:
    out = []
    for i, (actors, recipients, cat, offset, negated) in enumerate(events):
        day = (date(2024, 1, 1) + timedelta(days=offset)).isoformat()
        a = coded_article(f"h/{i}", day, [(actors[0], recipients[0], cat)])
        ev = a.events[0]
        extra = [msgspec.structs.replace(ev.actor[0], country=c) for c in actors[1:]]
        extra_r = [msgspec.structs.replace(ev.recipient[0], country=c) for c in recipients[1:]]
        a.events[0] = msgspec.structs.replace(ev, actor=ev.actor + extra, recipient=ev.recipient + extra_r,
                                              negated=negated)
        out.append(a)
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(coded_event, max_size=25), st.sampled_from(["week", "month", "year"]),
       st.sampled_from([("IRN", "RUS"), ("CHN", "USA"), ("RUS", "CHN")]))
def test_undirected_is_the_union_of_both_directions(events, freq, pair):
    index = EventIndex.from_analyses(_analyses(events))
    a, b = pair
    both = dyad_series(index, a, b, freq=freq)
    ab = dyad_series(index, a, b, freq=freq, directed=True)
    ba = dyad_series(index, b, a, freq=freq, directed=True)
    assert [p.period for p in both.periods] == [p.period for p in ab.periods] == [p.period for p in ba.periods]
    for u, x, y in zip(both.periods, ab.periods, ba.periods, strict=True):
        assert u.covered == x.covered == y.covered
        cells = set(u.cells) | set(x.cells) | set(y.cells)
        for cell in cells:
            union = set(x.cells.get(cell, [])) | set(y.cells.get(cell, []))
            assert set(u.cells.get(cell, [])) == union
        if not u.covered:
            assert u.events is None and x.events is None
            continue
        shared = set(x.cells.get("all", [])) & set(y.cells.get("all", []))
        # Counts add up, less the events naming both directions (counted once undirected).
        assert u.events == x.events + y.events - len(shared)
        if not shared:
            assert u.net_cooperation == x.net_cooperation + y.net_cooperation
            for quad, n in u.quads.items():
                assert n == x.quads[quad] + y.quads[quad]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(coded_event, st.integers(1, 4)), max_size=25),
       st.sampled_from(["week", "month", "quarter", "year"]), st.booleans(), st.sampled_from(["events", "reports"]),
       st.sampled_from([(None, None), (date(2024, 2, 1), None), (date(2024, 1, 10), date(2024, 3, 20))]))
def test_series_without_event_ids_has_the_same_figures(events, freq, directed, measure, window):
    # The counted path (the snapshot's per-day dyad sums) must agree with the row-by-row path.
    analyses = _analyses([e for e, _ in events])
    for analysis, (_, reports) in zip(analyses, events, strict=True):
        analysis.events[0] = msgspec.structs.replace(analysis.events[0], n_reports=reports)
    index = EventIndex.from_analyses(analyses)
    since, until = window
    for a, b in (("IRN", "RUS"), ("RUS", "IRN"), ("CHN", "USA")):
        full = msgspec.to_builtins(dyad_series(index, a, b, freq, directed, measure, since=since, until=until))
        counted = msgspec.to_builtins(dyad_series(index, a, b, freq, directed, measure, since=since, until=until,
                                                  with_events=False))
        for period in full["periods"]:
            period["cells"] = {}
        assert counted == full


def test_dyad_months_counts_every_dyad_once_per_month(store):
    table = dyad_months(store)
    rows = {(r["a"], r["b"], r["period"].isoformat()[:7]): r for r in table.to_pylist()}
    assert all(a < b for a, b, _ in rows)  # undirected: each dyad under one name
    jan = rows[("IRN", "RUS", "2024-01")]
    assert (jan["events"], jan["cooperative"], jan["conflictual"]) == (3, 3, 0)
    months = by_period(dyad_series(store, "IRN", "RUS", freq="month"))
    for (a, b, month), row in rows.items():
        if (a, b) == ("IRN", "RUS"):
            assert months[month].events == row["events"]
    directed = {(r["a"], r["b"]) for r in dyad_months(store, directed=True).to_pylist()}
    assert ("USA", "IRN") in directed and ("IRN", "USA") not in directed
    with pytest.raises(ValueError, match="unknown freq"):
        dyad_months(store, freq="decade")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(coded_event, max_size=30), st.sampled_from([None, "IRN", "usa", "RUS"]),
       st.sampled_from([None, "CHN", "RUS"]), st.sampled_from([None, "CONSULT", "aid"]),
       st.sampled_from([(None, None), (date(2024, 2, 1), None), (None, date(2024, 3, 1)),
                        (date(2024, 1, 15), date(2024, 2, 15))]),
       st.integers(1, 7), st.integers(0, 12))
def test_event_listing_matches_every_filter_newest_first(events, actor, recipient, category, window, limit, offset):
    index = EventIndex.from_analyses(_analyses(events))
    since, until = window
    flt = EventFilter(actor=actor, recipient=recipient, category=category, since=since, until=until)
    page = search_events(index, flt, limit=limit, offset=offset)
    # The reference: every snapshot row filtered and ordered in Python.
    rows = index.query("SELECT event_id, day, actor_countries, recipient_countries, category FROM ev").to_pylist()
    expected = [r for r in rows
                if (actor is None or actor.upper() in r["actor_countries"])
                and (recipient is None or recipient.upper() in r["recipient_countries"])
                and (category is None or r["category"] == category.upper())
                and (since is None or (r["day"] is not None and r["day"] >= since))
                and (until is None or (r["day"] is not None and r["day"] <= until))]
    expected.sort(key=lambda r: r["event_id"])
    expected.sort(key=lambda r: r["day"] is None)
    expected.sort(key=lambda r: r["day"] or date.min, reverse=True)
    assert page.total == len(expected)
    assert [e["event_id"] for e in page.items] == [r["event_id"] for r in expected[offset: offset + limit]]


def test_a_persisted_snapshot_is_reused_for_its_ledger_state_only(tmp_path):
    from communique.relations.index import CORE_CACHE, core_table
    from communique.store import open_store

    opened, _ = build_store(tmp_path / "store", fixture_analyses()[:3])
    first = core_table(opened)
    cache = opened.root / CORE_CACHE
    assert cache.exists()
    assert core_table(open_store(opened.root)).equals(first)  # read back from the cache file
    cache.write_bytes(b"not parquet")  # damaged: computed again, and rewritten
    # Recomputed rows come back in whatever order DuckDB's threads finish: compare as sets.
    assert core_table(open_store(opened.root)).sort_by("event_id").equals(first.sort_by("event_id"))
    opened.close()
    more, _ = build_store(tmp_path / "store", [coded_article("late/1", "2024-07-01", [("IRN", "RUS", "AID")])])
    fresh = core_table(more)  # a new commit: the cached state is stale
    assert fresh.num_rows == first.num_rows + 1
    months = by_period(dyad_series(more, "IRN", "RUS", with_events=False))
    assert months["2024-07"].categories["AID"] == 1
    more.close()


# -- network -----------------------------------------------------------------------------------------

def test_alignment_network_weights_blocs_and_exports(store):
    graph = alignment_network(store)
    assert graph["IRN"]["RUS"]["weight"] == 2  # consult + agree + cooperate − threaten
    assert graph["USA"]["CHN"]["weight"] == -2 and graph["IRN"]["USA"]["weight"] == -1
    assert graph["USA"]["GBR"]["weight"] == 2
    again = alignment_network(store)
    assert nx.get_node_attributes(graph, "bloc") == nx.get_node_attributes(again, "bloc")
    blocs = network_json(graph)["blocs"]
    assert ["GBR", "USA"] in blocs and not any({"USA", "CHN"} <= set(b) for b in blocs)
    data = json.loads(export_network(graph, "json"))
    edge = next(e for e in data["edges"] if {e["source"], e["target"]} == {"IRN", "RUS"})
    assert sorted(edge["event_ids"]) == ["wire/jan-1#e0", "wire/jan-1#e1", "wire/jan-2#e0", "wire/mar-1#e0"]
    for fmt, reader in (("gexf", nx.read_gexf), ("graphml", nx.read_graphml)):
        read = reader(io.BytesIO(export_network(graph, fmt).encode()))
        assert set(read.nodes) == set(graph.nodes) and read.number_of_edges() == graph.number_of_edges()
    window = alignment_network(store, since=date(2024, 5, 1), until=date(2024, 5, 31))
    assert not window.has_node("IRN") or not window.has_edge("IRN", "RUS")


# -- trends ------------------------------------------------------------------------------------------

def _quarterly(counts: list[int]) -> EventIndex:
    """Articles on the 1st of every month; ``counts[q]`` cooperative IRN→RUS events in quarter q of 2024–25."""
    analyses = []
    for q, n in enumerate(counts):
        for m in range(3):
            month = date(2024 + (q * 3 + m) // 12, (q * 3 + m) % 12 + 1, 1)
            k = n // 3 + (1 if m < n % 3 else 0)
            analyses.append(coded_article(f"t/{q}-{m}", month.isoformat(), [("IRN", "RUS", "COOPERATE")] * k
                                          + [("USA", "GBR", "CONSULT")]))
    return EventIndex.from_analyses(analyses)


def test_trend_statement_made_only_when_the_test_passes():
    rising = trend_statements(_quarterly([4, 4, 4, 4, 12]), "IRN", "RUS", freq="quarter")
    coop = next(s for s in rising if s.kind == "cooperative")
    assert coop.text.startswith("Cooperative events between IRN and RUS tripled in the last quarter")
    assert coop.period == "2025-Q1" and (coop.count, coop.baseline_count) == (12, 16)
    assert "binomial" in coop.test and "Poisson" in coop.test and coop.p_value < 0.05
    assert len(coop.event_ids) == 12
    assert trend_statements(_quarterly([4, 4, 4, 4, 5]), "IRN", "RUS", freq="quarter") == []
    assert trend_statements(_quarterly([4, 4, 4, 4, 12]), "CHN", "RUS") == []


# -- CLI ---------------------------------------------------------------------------------------------

runner = CliRunner()


def test_cli_dyad_csv_and_json(store):
    result = runner.invoke(app, ["dyad", "IRN", "RUS", "--store", str(store.root), "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = {r["period"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert rows["2024-01"]["COOPERATE"] == "1" and rows["2024-01"]["net_cooperation"] == "3"
    assert rows["2024-02"]["covered"] == "False" and rows["2024-02"]["events"] == ""
    result = runner.invoke(app, ["dyad", "IRN", "RUS", "--store", str(store.root), "--format", "json",
                                 "--directed", "--freq", "year"])
    data = json.loads(result.stdout)
    assert data["directed"] and data["periods"][0]["events"] == 2


def test_cli_dyads_lists_every_dyad_period(store):
    result = runner.invoke(app, ["dyads", "--store", str(store.root)])
    assert result.exit_code == 0, result.output
    rows = {(r["a"], r["b"], r["period"]): r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert rows[("IRN", "RUS", "2024-01")]["events"] == "3"
    result = runner.invoke(app, ["dyads", "--store", str(store.root), "--freq", "year", "--format", "json",
                                 "--directed"])
    assert {(r["a"], r["b"], r["period"]) for r in json.loads(result.stdout)} >= {("USA", "IRN", "2024")}
    bad = runner.invoke(app, ["dyads", "--store", str(store.root), "--freq", "decade"])
    assert bad.exit_code != 0 and "unknown freq 'decade'" in str(bad.exception)


def test_cli_dyad_png_is_a_readable_chart(store, tmp_path):
    from PIL import Image

    out = tmp_path / "irn-rus.png"
    done = subprocess.run([sys.executable, "-m", "communique", "dyad", "IRN", "RUS", "--store", str(store.root),
                           "--format", "png", "--output", str(out)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    with Image.open(out) as img:
        assert img.format == "PNG" and img.width >= 600 and img.height >= 300


def test_cli_network_and_errors(store, tmp_path):
    result = runner.invoke(app, ["network", "--store", str(store.root), "--format", "graphml"])
    assert result.exit_code == 0 and "<graphml" in result.stdout
    out = tmp_path / "net.png"
    result = runner.invoke(app, ["network", "--store", str(store.root), "--format", "png", "-o", str(out)])
    assert result.exit_code == 0 and out.read_bytes().startswith(b"\x89PNG")
    done = subprocess.run([sys.executable, "-m", "communique", "dyad", "IRN", "IRN", "--store", str(store.root)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2 and done.stderr.strip() == "error: a dyad needs two different countries, got IRN twice"
