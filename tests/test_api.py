"""The HTTP API as a client sees it: listings and formats, relations, drill-down and the security rules."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import msgspec
import pytest
from fastapi.testclient import TestClient

from communique.api import LOOPBACK_HOSTS, create_app
from communique.relations.synthetic import PreparedAnalyses, build_store, coded_article
from test_relations import fixture_analyses

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "a-long-test-token-0123456789"
HOSTS = [*LOOPBACK_HOSTS, "testserver"]


def _analyses():
    out = fixture_analyses()
    # A title a spreadsheet would run as a formula.
    out[0] = msgspec.structs.replace(out[0], article=msgspec.structs.replace(out[0].article, title="=1+2"))
    return out


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("api") / "store"
    store, _ = build_store(root, _analyses())
    store.close()
    return root


@pytest.fixture(scope="module")
def client(store_dir):
    with TestClient(create_app(store_dir, allowed_hosts=HOSTS)) as c:
        yield c


def test_events_filters_and_pagination(client):
    page = client.get("/api/events", params={"actor": "IRN", "recipient": "russia"}).json()
    assert page["total"] == 3 and {e["event_id"] for e in page["items"]} == {
        "wire/jan-1#e0", "wire/jan-2#e0", "wire/mar-2#e0"}
    assert client.get("/api/events", params={"category": "consult"}).json()["total"] == 2
    window = client.get("/api/events", params={"since": "2024-05-01", "until": "2024-05-14"}).json()
    assert window["total"] == 3
    assert client.get("/api/events", params={"text": "sanctions"}).json()["items"][0]["category"] == "SANCTION"
    # Percent and underscore are matched literally, not as wildcards.
    assert client.get("/api/events", params={"text": "%"}).json()["total"] == 0
    first = client.get("/api/events", params={"limit": 4}).json()
    second = client.get("/api/events", params={"limit": 4, "offset": 4}).json()
    assert first["total"] == second["total"] == 13
    assert not {e["event_id"] for e in first["items"]} & {e["event_id"] for e in second["items"]}
    assert client.get("/api/events", params={"limit": 5000}).status_code == 422


def test_csv_is_formula_escaped_and_ndjson_has_one_item_per_line(client):
    response = client.get("/api/articles", params={"format": "csv"})
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert "'=1+2" in {r["title"] for r in rows} and len(rows) == 7
    response = client.get("/api/events", params={"format": "ndjson", "limit": 5})
    lines = response.text.splitlines()
    assert response.headers["content-type"].startswith("application/x-ndjson") and len(lines) == 5
    assert all("event_id" in json.loads(line) for line in lines)


def test_dyad_series_keeps_gaps_missing_and_drills_down(client):
    series = client.get("/api/dyad/IRN/RUS", params={"include_events": True}).json()
    months = {p["period"]: p for p in series["periods"]}
    assert months["2024-02"]["covered"] is False and months["2024-02"]["events"] is None
    assert months["2024-01"]["events"] == 3 and months["2024-01"]["cells"]["COOPERATE"] == ["wire/jan-2#e0"]
    plain = client.get("/api/dyad/irn/rus").json()
    assert all(p["cells"] == {} for p in plain["periods"])
    rows = list(csv.DictReader(io.StringIO(client.get("/api/dyad/IRN/RUS", params={"format": "csv"}).text)))
    assert [r["events"] for r in rows] == ["3", "", "1", "0", "0"]
    cell = client.get("/api/dyad/IRN/RUS/cell", params={"day": "2024-01-15", "cell": "COOPERATE"}).json()
    assert cell["period"] == "2024-01" and cell["event_ids"] == ["wire/jan-2#e0"]
    src = client.get("/api/events/wire/jan-2%23e0").json()
    assert src["article_id"] == "wire/jan-2" and src["span_text"] == "Iran signed a cooperation deal with Russia"
    assert client.get("/api/events/wire/none%23e9").status_code == 404
    bad = client.get("/api/dyad/IRN/IRN")
    assert bad.status_code == 400 and "two different countries" in bad.json()["detail"]
    assert client.get("/api/dyad/IRN/RUS/trends").json() == {"statements": []}


def test_network_articles_quotes_stories_and_briefs(client):
    net = client.get("/api/network").json()
    edge = next(e for e in net["edges"] if {e["source"], e["target"]} == {"IRN", "RUS"})
    assert edge["weight"] == 2 and len(edge["event_ids"]) == 4 and net["blocs"]
    assert client.get("/api/network", params={"format": "gexf"}).text.startswith("<?xml")
    article = client.get("/api/articles/wire/jan-1").json()
    assert article["text"].startswith("Iran held talks with Russia.")
    assert client.get("/api/articles/nope").status_code == 404
    assert client.get("/api/quotes").json()["total"] == 0
    stories = client.get("/api/stories").json()
    assert stories["total"] >= 1
    brief = client.get("/api/briefs/article/wire/jan-1")
    assert brief.status_code in (200, 501)
    if brief.status_code == 200:
        assert brief.json()["headline"]


def test_every_response_carries_a_csp_and_no_cors(client):
    for path in ("/api/health", "/api/nope", "/openapi.json"):
        response = client.get(path, headers={"Origin": "https://evil.example"})
        assert "default-src 'self'" in response.headers["content-security-policy"]
        assert "access-control-allow-origin" not in response.headers
    assert client.options("/api/events", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "GET"}).status_code == 405


def test_unknown_host_headers_are_refused(store_dir):
    with TestClient(create_app(store_dir), base_url="http://rebind.example") as evil:
        response = evil.get("/api/health")
    assert response.status_code == 400 and "content-security-policy" in response.headers
    with TestClient(create_app(store_dir), base_url="http://127.0.0.1:8000") as local:
        assert local.get("/api/health").json()["status"] == "ok"


def test_read_only_without_a_token(client):
    assert client.post("/api/ingest", json={"articles": []}).status_code in (404, 405)
    assert "/api/ingest" not in client.get("/openapi.json").json()["paths"]


def test_ingest_needs_the_token_and_bounded_bodies(tmp_path):
    root = tmp_path / "store"
    build_store(root, fixture_analyses()[:1])[0].close()
    new = coded_article("wire/jun-1", "2024-06-03", [("IRN", "RUS", "AID")])
    app = create_app(root, token=TOKEN, allowed_hosts=HOSTS, analyzer=PreparedAnalyses([new]))
    body = {"articles": [{"article_id": "wire/jun-1", "text": new.article.text, "published": "2024-06-03",
                          "source": "https://wire.example/"}]}
    with TestClient(app) as c:
        assert c.post("/api/ingest", json=body).status_code == 401
        assert c.post("/api/ingest", json=body, headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert c.post("/api/ingest", json=body, headers={"Authorization": TOKEN}).status_code == 401
        ok = c.post("/api/ingest", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 200 and ok.json()["new"] == 1
        # The new event is served at once (the snapshot follows the ledger).
        assert c.get("/api/events", params={"category": "AID"}).json()["total"] == 1
        huge = {"articles": [{"article_id": "big", "text": "x" * (2 << 20)}]}
        too_big = c.post("/api/ingest", json=huge, headers={"Authorization": f"Bearer {TOKEN}"})
        assert too_big.status_code == 413


def test_committed_openapi_schema_is_the_apps(store_dir):
    committed = json.loads((ROOT / "docs" / "openapi.json").read_text("utf-8"))
    assert committed == create_app(store_dir).openapi(), \
        "docs/openapi.json is stale: regenerate with `communique serve --print-openapi > docs/openapi.json`"


def test_worker_app_from_the_environment_keeps_the_security_rules(store_dir, monkeypatch):
    # `communique serve --workers N`: each worker builds its app from the environment.
    from communique.api.app import SERVE_CONFIG_ENV, app_from_environment

    monkeypatch.setenv(SERVE_CONFIG_ENV, json.dumps({"store": str(store_dir), "allowed_hosts": HOSTS}))
    monkeypatch.delenv("COMMUNIQUE_API_TOKEN", raising=False)
    with TestClient(app_from_environment()) as c:
        assert c.get("/api/dyad/IRN/RUS").json()["periods"][0]["period"] == "2024-01"
        assert c.post("/api/ingest", json={"articles": []}).status_code in (404, 405)
    with TestClient(app_from_environment(), base_url="http://rebind.example") as evil:
        assert evil.get("/api/health").status_code == 400
    monkeypatch.setenv("COMMUNIQUE_API_TOKEN", TOKEN)
    with TestClient(app_from_environment()) as c:
        assert c.post("/api/ingest", json={"articles": [{"article_id": "x", "text": "y"}]}).status_code == 401


def test_dyad_answers_follow_the_store_after_ingest(tmp_path):
    # Answers are remembered per store state: a commit must never leave an old answer served.
    root = tmp_path / "store"
    build_store(root, fixture_analyses()[:1])[0].close()
    new = coded_article("wire/jun-1", "2024-06-03", [("IRN", "RUS", "AID")])
    app = create_app(root, token=TOKEN, allowed_hosts=HOSTS, analyzer=PreparedAnalyses([new]))
    body = {"articles": [{"article_id": "wire/jun-1", "text": new.article.text, "published": "2024-06-03",
                          "source": "https://wire.example/"}]}
    with TestClient(app) as c:
        before = c.get("/api/dyad/IRN/RUS").json()["periods"]
        assert c.post("/api/ingest", json=body, headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
        after = {p["period"]: p for p in c.get("/api/dyad/IRN/RUS").json()["periods"]}
        # The store's own tables are read through the new state too (articles, drill-down).
        assert "wire/jun-1" in {a["article_id"] for a in c.get("/api/articles").json()["items"]}
        assert c.get("/api/events/wire/jun-1%23e0").json()["span_text"]
    assert "2024-06" not in {p["period"] for p in before}
    assert after["2024-06"]["categories"]["AID"] == 1


def test_dyads_heatmap_lists_every_dyad_month_with_events(client):
    body = client.get("/api/dyads").json()
    cells = {(r["a"], r["b"], r["period"]): r for r in body["items"]}
    assert body["freq"] == "month" and not body["directed"]
    assert cells[("IRN", "RUS", "2024-01")]["events"] == 3
    assert all(a < b for a, b, _ in cells)
    csv_rows = list(csv.DictReader(io.StringIO(client.get("/api/dyads", params={"format": "csv"}).text)))
    assert len(csv_rows) == len(body["items"])
    directed = client.get("/api/dyads", params={"directed": "true", "freq": "year"}).json()["items"]
    assert {(r["a"], r["b"]) for r in directed} >= {("USA", "IRN")}
    assert client.get("/api/dyads", params={"since": "2024-05-01", "until": "2024-01-01"}).status_code == 400
