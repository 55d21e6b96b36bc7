"""The dashboard pages as a client sees them (no browser): content, drill-down links, escaping, CSP.

The browser tests (``test_web_browser.py``) reuse ``build_web_store`` from here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from communique.api import LOOPBACK_HOSTS, create_app
from communique.events.ontology import load_ontology
from communique.records import ActorMention, Analysis, Article, Event, EventActor, Quote, Speaker
from communique.relations.synthetic import build_store, coded_article

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "web" / "store.json"
HOSTS = [*LOOPBACK_HOSTS, "testserver"]
PAYLOAD = "<script>alert(1)</script>"


def _at(text: str, piece: str, after: int = 0) -> tuple[int, int]:
    start = text.index(piece, after)
    return start, start + len(piece)


def _annotated(item: dict) -> Analysis:
    """An analysis whose spans are computed from the substrings the fixture names."""
    text = item["text"]
    onto = load_ontology()
    # Skip the title line so mentions point into the body, as a real analysis would.
    body = text.index("\n\n")
    actors, cursor = [], body
    for a in item["actors"]:
        s, e = _at(text, a["text"], cursor)
        cursor = s + 1
        actors.append(ActorMention(text=a["text"], start=s, end=e, name=a["name"], country=a["country"],
                                   sector=a["sector"]))
    quotes = []
    for i, q in enumerate(item["quotes"]):
        s, e = _at(text, q["text"], body)
        ss, se = _at(text, q["speaker"], e)
        quotes.append(Quote(quote_id=f"{item['id']}#q{i}", article_id=item["id"], text=q["text"], span=(s, e),
                            kind="direct", cue="said",
                            speaker=Speaker(text=q["speaker"], name=q["name"], country=q["country"], start=ss, end=se)))
    events = []
    names = {a["text"]: a["name"] for a in item["actors"]}
    for i, ev in enumerate(item["events"]):
        s, e = _at(text, ev["sentence"], body)
        code = onto.code(onto.default_code[ev["category"]])

        def side(pair: list[str], s: int = s) -> list[EventActor]:
            found = text.find(pair[0], s)
            return [EventActor(text=pair[0], name=names.get(pair[0], pair[0]), country=pair[1],
                               start=found if found >= 0 else None,
                               end=found + len(pair[0]) if found >= 0 else None)]

        events.append(Event(event_id=f"{item['id']}#e{i}", article_id=item["id"], sentence_index=i + 1,
                            sentence=ev["sentence"], span=(s, e), category=ev["category"], cameo=code.code,
                            goldstein=code.goldstein, quad_class=code.quad_class, date=item["published"],
                            actor=side(ev["actor"]), recipient=side(ev["recipient"])))
    article = Article(article_id=item["id"], text=text, title=item["title"], url=item["url"],
                      published=item["published"], source="https://news.example/")
    return Analysis(article=article, actors=actors, quotes=quotes, events=events)


def web_analyses() -> list[Analysis]:
    data = json.loads(FIXTURE.read_text("utf-8"))
    out = [coded_article(a["id"], a["published"], [tuple(t) for t in a["triples"]]) for a in data["coded"]]
    return out + [_annotated(item) for item in data["annotated"]]


def build_web_store(root: Path) -> Path:
    """The dashboard test store at ``root`` (built through the store's ordinary ingest)."""
    store, summary = build_store(root, web_analyses())
    assert summary.rejected == 0
    store.close()
    return root


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    return build_web_store(tmp_path_factory.mktemp("web") / "store")


@pytest.fixture(scope="module")
def client(store_dir):
    with TestClient(create_app(store_dir, allowed_hosts=HOSTS)) as c:
        yield c


def links(html: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', html)


def test_front_page_answers_at_root_with_stories_dyads_and_csp(client):
    page = client.get("/", follow_redirects=False)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    # The most active dyad comes first and links to its page; stories and articles are listed.
    assert 'href="/dyad/IRN/RUS"' in page.text
    assert page.text.index("IRN – RUS") < page.text.index("CHN – USA")
    assert "Tehran and Moscow agree to widen energy ties" in page.text
    assert any(h.startswith("/story/") for h in links(page.text))
    assert any(h.startswith("/brief/story/") for h in links(page.text))
    assert "<script>alert" not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_dyad_page_draws_gap_as_missing_and_drills_down(client):
    page = client.get("/dyad/IRN/RUS").text
    assert '<svg class="chart" id="dyad-chart"' in page
    # March 2024 had no articles: a hatched "no coverage" column, no clickable point.
    assert 'data-period="2024-03"' in page and "2024-03: no coverage in the store (not zero)" in page
    assert 'class="point" data-period="2024-03"' not in page
    assert 'class="point" data-period="2024-04"' in page
    assert page.count('class="net-line"') == 2  # the line breaks at the gap instead of bridging it
    drill = client.get("/dyad/IRN/RUS", params={"period": "2024-04"}).text
    assert "2024-04: 2 events" in drill
    assert "Iran imposed sanctions on Russia." in drill and 'href="/event/wire/apr-1%23e0"' in drill
    conflict = client.get("/dyad/IRN/RUS", params={"period": "2024-02", "cell": "verbal_conflict"}).text
    assert "1 event</h2>" in conflict and "Russia threatened Iran." in conflict
    assert "Iran voiced support for Russia." not in conflict
    # The JSON twin is linked and answers.
    twin = next(h for h in links(page) if h.startswith("/api/dyad/"))
    assert client.get(twin.replace("&amp;", "&")).json()["a"] == "IRN"


def test_bad_dyad_or_filter_gives_a_page_naming_the_problem(client):
    bad = client.get("/dyad/IRN/IRN")
    assert bad.status_code == 400 and "two different countries" in bad.text
    wrong = client.get("/events", params={"since": "May 5th"})
    assert wrong.status_code == 400 and "bad since date" in wrong.text
    assert client.get("/article/no/such").status_code == 404
    assert client.get("/event/nope").status_code == 404


def test_event_table_filters(client):
    everything = client.get("/events").text
    assert "17 events" in everything
    page = client.get("/events", params={"actor": "USA", "category": "SANCTION"}).text
    assert "1 event<" in page and "the United States imposed sanctions on China." in page.replace("The", "the")
    assert client.get("/events", params={"since": "2024-05-01", "until": "2024-05-31"}).text.count('class="go"') == 6
    assert "No event matches" in client.get("/events", params={"recipient": "ZZZ"}).text


def test_event_page_leads_to_the_sentence_in_the_article(client):
    event = client.get("/event/desk/treaty%23e0").text
    assert "met his Russian counterpart in Tehran on Monday" in event
    article_link = next(h for h in links(event) if h.startswith("/article/"))
    article = client.get(article_link.replace("&amp;", "&")).text
    focus = re.search(r'<span class="([^"]*)" id="focus"', article)
    assert focus and "focus" in focus.group(1).split()
    # Actors, quotes and events are marked.
    assert 'class="k-event k-actor' in article and 'k-quote' in article
    assert "https://news.example/desk/treaty" in links(article)


def test_hostile_article_is_inert_everywhere(client):
    for url in ("/article/hostile/1", "/event/hostile/1%23e0", "/events?text=Baku", "/brief/article/hostile/1", "/"):
        html = client.get(url).text
        assert "<script>alert" not in html, url
        assert "<img src=x" not in html and "<a href=\"javascript" not in html, url
        assert not any(h.lower().lstrip().startswith("javascript:") for h in links(html)), url
        assert not re.search(r'\son\w+="alert', html), url
    article = client.get("/article/hostile/1").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in article and "javascript:alert(1)" in article


def test_brief_and_story_pages(client):
    brief = client.get("/brief/article/desk/treaty").text
    assert "Why it matters" in brief or "Key points" in brief
    assert 'href="/api/briefs/article/desk/treaty"' in brief
    # The history line written from the store's counts is marked as such, not passed off as a quote.
    assert "The store holds" in brief and 'class="from-data"' in brief
    front = client.get("/").text
    story = next(h for h in links(front) if h.startswith("/story/"))
    assert client.get(story).status_code == 200
    assert client.get(story.replace("/story/", "/brief/story/")).status_code == 200


def test_pages_are_not_in_the_api_schema_and_mount_works_on_a_bare_app(client, store_dir):
    paths = client.get("/openapi.json").json()["paths"]
    assert "/" not in paths and "/dyad/{a}/{b}" not in paths
    from communique.web import mount

    bare = FastAPI()
    mount(bare, store_dir)
    with TestClient(bare) as c:
        assert c.get("/network").status_code == 200 and 'id="network-chart"' in c.get("/network").text
        assert c.get("/static/app.js").status_code == 200
