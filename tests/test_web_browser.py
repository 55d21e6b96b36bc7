"""The dashboard in a real browser: Debian's Chromium driven by Playwright (never ``playwright install``).

The app is served by uvicorn on a free loopback port over the store of ``test_web.py``. Skipped, with
the reason, when Chromium or Playwright is missing (``.ci/run`` installs Chromium with apt).
"""

from __future__ import annotations

import shutil
import socket
import threading
import time

import pytest

from test_web import PAYLOAD, build_web_store

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    uvicorn = pytest.importorskip("uvicorn")
    from communique.api import create_app

    app = create_app(build_web_store(tmp_path_factory.mktemp("web-browser") / "store"))
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("chromium is not on PATH (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    """A fresh page that fails the test on any dialog, page error or CSP violation."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    problems: list[str] = []

    def on_dialog(dialog):
        problems.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    pg.on("dialog", on_dialog)
    pg.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    pg.on("console", lambda msg: problems.append(f"console: {msg.text}") if msg.type == "error" else None)
    pg.problems = problems  # type: ignore[attr-defined]
    yield pg
    context.close()
    assert problems == [], problems


@pytest.mark.parametrize("path, marker", [
    ("/", "Most active dyads"),
    ("/dyad/IRN/RUS", "Events behind the chart"),
    ("/network", "Blocs"),
    ("/events", "17 events"),
    ("/article/desk/treaty", "Tehran and Moscow agree to widen energy ties"),
    ("/brief/article/desk/treaty", "Article brief"),
    ("/event/desk/treaty%23e0", "Read it in the article"),
])
def test_each_page_opens(page, base_url, path, marker):
    response = page.goto(base_url + path)
    assert response is not None and response.status == 200
    assert marker.lower() in page.inner_text("main").lower()
    assert page.locator("header.top a.json").count() == 1  # the JSON twin is linked


def test_story_page_from_the_front_page(page, base_url):
    page.goto(base_url + "/")
    page.locator("a.story-link").first.click()
    page.wait_for_url("**/story/**")
    assert "Reports" in page.inner_text("main")
    page.locator("main a", has_text="brief").first.click()
    page.wait_for_url("**/brief/story/**")
    assert "story brief" in page.inner_text("main").lower()


def test_click_from_a_chart_point_down_to_the_sentence(page, base_url):
    page.goto(base_url + "/dyad/IRN/RUS")
    assert page.locator("#dyad-chart circle.point").count() == 4  # five months, March uncovered
    page.locator('#dyad-chart circle.point[data-period="2024-02"]').click()
    page.wait_for_url("**period=2024-02**")
    drill = page.locator("#drill")
    assert "2024-02: 2 events" in drill.inner_text()
    page.locator("#drill a.sentence-link", has_text="Russia threatened Iran.").click()
    page.wait_for_url("**/event/**")
    assert page.inner_text("#sentence") == "Russia threatened Iran."
    page.locator("a.article-link").click()
    page.wait_for_url("**/article/wire/feb-1**")
    # The event's span (its sentence in the article text) is highlighted and scrolled to.
    assert "focus" in (page.locator("#focus").get_attribute("class") or "")
    assert "".join(page.locator("#article-text .focus").all_inner_texts()) == "Russia threatened Iran"
    assert page.locator("#focus").is_visible()


def test_click_a_bar_lists_only_its_cell(page, base_url):
    page.goto(base_url + "/dyad/IRN/RUS")
    page.locator('#dyad-chart g.col[data-period="2024-04"] rect.bar.material_conflict').click()
    page.wait_for_url("**cell=material_conflict**")
    rows = page.locator("#drill tbody tr")
    assert rows.count() == 1 and "Iran imposed sanctions on Russia." in rows.first.inner_text()


def test_filter_the_event_table(page, base_url):
    page.goto(base_url + "/events")
    form = page.locator("#event-filters")
    form.locator("input[name=actor]").fill("USA")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**actor=USA**")
    assert page.inner_text("#event-count").startswith("4 events")
    # Picking a category submits at once (app.js) and keeps the actor filter.
    page.locator("#event-filters select[name=category]").select_option("SANCTION")
    page.wait_for_url("**category=SANCTION**")
    assert page.inner_text("#event-count").startswith("1 event")
    assert "imposed sanctions on China" in page.inner_text("table.events")


def test_hostile_article_renders_as_inert_text(page, base_url):
    page.goto(base_url + "/article/hostile/1")
    # Hovering where the injected handlers would sit fires nothing.
    page.hover("h1.article-title")
    page.locator("#article-text .k-actor").first.hover()
    assert page.inner_text("h1.article-title").startswith(PAYLOAD)
    text = page.inner_text("#article-text")
    assert PAYLOAD in text and '<a href="javascript:alert(1)">click here</a>' in text
    assert "<img src=x onerror=alert(1)>" in text
    assert page.locator("#article-text script, #article-text img, #article-text a, h1 script").count() == 0
    # The javascript: URL is shown, never linked.
    assert "javascript:alert(1)" in page.inner_text("p.meta")
    hrefs = page.eval_on_selector_all("a", "els => els.map(e => e.getAttribute('href'))")
    assert not [h for h in hrefs if h and h.strip().lower().startswith("javascript:")]
    assert page.evaluate("document.querySelectorAll('[onmouseover],[onerror]').length") == 0
    # The event page, event table and brief of the same article are just as inert.
    for path in ("/event/hostile/1%23e0", "/events?text=Baku", "/brief/article/hostile/1"):
        page.goto(base_url + path)
        page.hover("main")
        assert page.evaluate("document.querySelectorAll('main script,[onmouseover],[onerror]').length") == 0
