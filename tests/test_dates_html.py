"""Publication dates of HTML pages: declared metadata, the URL, and the date shown by the headline."""

from __future__ import annotations

from pathlib import Path

import pytest

from communique.config import Settings
from communique.ingest.dates import headline_dates
from communique.ingest.html import choose_date, extract_html, headline_byline, headline_title

FIX = Path(__file__).parent / "fixtures" / "html_dates"
# In-process extraction keeps these tests fast; the worker path has its own tests.
SETTINGS = Settings(extract_in_subprocess=False)


def published(name: str, url: str | None = None) -> str | None:
    return extract_html((FIX / name).read_text("utf-8"), url=url, settings=SETTINGS).published


def shown(html: str) -> list[str]:
    from trafilatura.utils import load_html

    return headline_dates(load_html(html))


@pytest.mark.parametrize(
    ("name", "url", "expected"),
    [
        # JSON-LD of the NewsArticle: datePublished, not dateModified nor the WebSite's date;
        # 07:00 at +09:00 is the 5th in UTC, but the page's own day is the 6th.
        ("jsonld_published_modified.html", None, "2024-03-06"),
        # 21:15 at -05:00 is already the 3rd in UTC; the published day, not the modified one.
        ("meta_published_offset.html", None, "2023-11-02"),
        # Nothing in the markup: the date in the URL.
        ("url_date_only.html", "https://news.example.org/world/2021/03/04/river-levels-fall.html", "2021-03-04"),
        # No date anywhere: unknown, never today's date; version and room numbers are not dates.
        ("no_date.html", "https://library.example.org/about", None),
        # The byline under the headline beats a stale template date in <meta name="date">; the
        # date in the long paragraph is an event's, not the page's.
        ("byline_over_stale_meta.html", None, "2020-04-28"),
        # Embedded post, hidden element and deadline dates are skipped for the byline's date.
        ("byline_with_noise.html", None, "2020-03-12"),
        # The declared date is among those shown: it stands (published, not updated).
        ("byline_agrees_with_meta.html", None, "2022-05-03"),
    ],
)
def test_publication_date_of_page(name, url, expected):
    assert published(name, url) == expected


def test_headline_dates_in_reading_order_and_formats():
    html = (
        "<html><body><p>Ressort Politik 01.02.2020</p><h1>Title</h1>"
        "<div><span>3. März 2020</span> <time>March 4, 2020</time><span>2020-03-05</span></div>"
        "<div>19 FEB 2020 - 18:37</div><div>6.3.20</div></body></html>"
    )
    # after the headline in reading order, then the kicker just above it
    assert shown(html) == ["2020-03-03", "2020-03-04", "2020-03-05", "2020-02-19", "2020-03-06", "2020-02-01"]


def test_adjacent_elements_do_not_glue_dates_together():
    html = "<html><body><h1>T</h1><div><span>28. Juni 2019</span><span>14. Januar 2020</span></div></body></html>"
    assert shown(html) == ["2019-06-28", "2020-01-14"]


@pytest.mark.parametrize(
    "html",
    [
        "<html><body><p>Posted 12.03.2020</p><div>no headline here</div></body></html>",  # no <h1>
        "<html><body><h1>Concert</h1><div>Doors open 12.12.2099</div></body></html>",  # future
        "<html><body><h1>Fair</h1><div>Tickets bis 30.06.2020</div></body></html>",  # deadline
        "<html><body><h1>T</h1><div>" + "Lorem ipsum dolor sit amet. " * 8 + "am 2. Mai 2020.</div></body></html>",
        "<html><body><h1>T</h1><div hidden>2. Mai 2020</div></body></html>",
    ],
)
def test_no_headline_date(html):
    assert shown(html) == []


def test_far_dates_are_outside_the_headline_window():
    html = "<html><body><h1>T</h1>" + "<p>Filler sentence without numbers.</p>" * 80 + "<div>2. Mai 2020</div></body></html>"
    assert shown(html) == []


@pytest.mark.parametrize(
    ("declared", "dates", "expected"),
    [
        ("2022-05-03", ["2022-05-10", "2022-05-03"], "2022-05-03"),  # confirmed by the page
        ("2019-01-01", ["2020-04-28"], "2020-04-28"),  # contradicted: the displayed date
        ("2019-01-01", [], "2019-01-01"),  # nothing shown
        (None, ["2020-04-28"], "2020-04-28"),
        (None, [], None),
    ],
)
def test_choose_date(declared, dates, expected):
    assert choose_date(declared, dates) == expected


def test_deeply_nested_and_malformed_pages_do_not_fail():
    nested = "<html><body><h1>T</h1>" + "<div>" * 200 + "3. Mai 2020" + "</div>" * 200 + "</body></html>"
    assert shown(nested) == ["2020-05-03"]
    # libxml2 caps the depth it builds; past it the page still gives an answer, not a crash
    deep = "<html><body><h1>T</h1>" + "<div>" * 20000 + "3. Mai 2020" + "</div>" * 20000 + "</body></html>"
    assert shown(deep) in ([], ["2020-05-03"])
    broken = "<html><body><h1>T<div><span>4. Mai 2020<p></h1></table>"
    assert shown(broken) == ["2020-05-04"]


@pytest.mark.parametrize(
    ("title", "headings", "site", "expected"),
    [
        ("Harbour talks resume - Example Wire", ["Example Wire", "Harbour talks resume"], "Example Wire", "Harbour talks resume"),
        ("Example Wire | Harbour talks resume", ["Harbour talks resume"], None, "Harbour talks resume"),
        # no <h1> matches: the segment naming the site is cut, either end
        ("Harbour talks resume – Example Wire", [], "examplewire.org", "Harbour talks resume"),
        ("EXAMPLE WIRE :: Harbour talks resume", ["Menu"], "Example Wire", "Harbour talks resume"),
        # a short <h1> inside the title (a section name) is not the headline; no site segment
        ("Ports: an opinion on harbour talks", ["Opinion"], "Example Wire", "Ports: an opinion on harbour talks"),
        ("Harbour talks resume", [], None, "Harbour talks resume"),
    ],
)
def test_headline_title(title, headings, site, expected):
    assert headline_title(title, headings, site) == expected


def test_page_title_is_the_headline_without_branding():
    html = (FIX / "jsonld_published_modified.html").read_text("utf-8")
    assert extract_html(html, settings=SETTINGS).title == "Harbour talks resume"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("<h1>Hafenstreit</h1><div class='byline'>Von Anna Beispiel, 28.04.2020</div>", "Anna Beispiel"),
        ("<h1>Summit</h1><p><span>By</span> <a href='/a/jr'>J.R. Stone</a></p><p>Thursday</p>", "J.R. Stone"),
        ("<h1>Sommet</h1><div>Par Jean-Luc de la Tour, à Paris</div>", "Jean-Luc de la Tour"),
        ("<h1>Talks</h1><div>Politik | Von Anna Beispiel und Bernd Muster</div>", "Anna Beispiel und Bernd Muster"),
        # lower-case "by" inside a sentence, a cue word inside the headline: no byline
        ("<h1>Talks</h1><p>The report was written by Stephen Fictional last year.</p>", None),
        ("<h1>Die Autorin Nora Beispiel im Gespräch</h1><p>Ein langes Interview.</p>", None),
        ("<div>Von Anna Beispiel</div><p>no headline on this page</p>", None),
    ],
)
def test_headline_byline(body, expected):
    from trafilatura.utils import load_html

    assert headline_byline(load_html(f"<html><body>{body}</body></html>")) == expected


def test_byline_beats_publisher_in_metadata():
    html = (
        "<html><head><meta name='author' content='Example Wire'><title>Harbour talks resume</title></head>"
        "<body><article><h1>Harbour talks resume</h1><div class='byline'>By Maria Fictional</div>"
        "<p>Negotiators from the two port authorities met again on Wednesday after a pause of several weeks.</p>"
        "</article></body></html>"
    )
    assert extract_html(html, settings=SETTINGS).author == "Maria Fictional"
