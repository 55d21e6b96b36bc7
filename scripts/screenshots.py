"""Regenerate the dashboard screenshots in docs/screenshots/ (dyad, network and article pages).

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]

Builds a demo store in a temporary folder — seeded synthetic events (``relations.synthetic``) for
the charts, plus the example article in ``examples/`` analysed by the real pipeline — serves the
app with uvicorn on a free loopback port and photographs the pages with Debian's Chromium through
Playwright (the same launch as the browser tests; nothing is downloaded).
"""

from __future__ import annotations

import argparse
import shutil
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "iran_russia_talks.txt"
# Day offsets from 2024-01-01 of August 2024: a month with no articles, drawn as "no coverage".
AUGUST_2024 = (213, 244)
ARGS = ["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def build_demo_store(root: Path) -> tuple[str, str]:
    """Synthetic events plus the analysed example article; returns its article id and an event to focus."""
    from communique.pipeline import Pipeline
    from communique.records import Article
    from communique.relations.synthetic import build_store, synthetic_analyses

    article_id = "examples/iran_russia_talks"
    text = EXAMPLE.read_text("utf-8")
    title = text.splitlines()[0].strip()
    analysis = Pipeline().analyze(Article(article_id=article_id, text=text, title=title, published="2025-04-18",
                                          url="https://example.org/iran-russia-talks", site="example.org"))
    store, _ = build_store(root, [*synthetic_analyses(1800, days=540, gap=AUGUST_2024), analysis])
    store.close()
    # Focus the talks (a body sentence) rather than the headline's event, when the pipeline coded them.
    focus = next((e for e in analysis.events if e.category == "CONSULT"), None) or next(iter(analysis.events), None)
    return article_id, focus.event_id if focus else ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("screenshots: chromium is not on PATH (apt-get install -y chromium)", file=sys.stderr)
        return 2
    import uvicorn
    from playwright.sync_api import sync_playwright

    from communique.api import create_app

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="communique-demo-") as tmp:
        article_id, event_id = build_demo_store(Path(tmp) / "store")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(create_app(Path(tmp) / "store"), host="127.0.0.1", port=port,
                                               log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=chromium, args=ARGS)
                page = browser.new_page(viewport={"width": 1280, "height": 1000}, device_scale_factor=1)

                def goto(path: str) -> None:
                    response = page.goto(base + path)
                    if response is None or response.status != 200:
                        raise SystemExit(f"screenshots: {path} answered {response.status if response else 'nothing'}")

                # The dyad page with one month selected, so the drill-down list shows too.
                goto("/dyad/IRN/RUS?period=2025-03#drill")
                page.evaluate("window.scrollTo(0, 0)")
                page.screenshot(path=str(args.out / "dyad.png"))
                goto("/network?since=2025-01-01&until=2025-03-31&min_events=3")
                page.screenshot(path=str(args.out / "network.png"))
                goto(f"/article/{quote(article_id)}?{urlencode({'event': event_id})}")
                page.evaluate("window.scrollTo(0, 0)")
                page.screenshot(path=str(args.out / "article.png"))
                browser.close()
        finally:
            server.should_exit = True
            thread.join(timeout=10)
    for name in ("dyad", "network", "article"):
        print(args.out / f"{name}.png", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
