"""The optional abstractive backend: grounded rephrasings are accepted, invented words refused.

A small OpenAI-compatible server on 127.0.0.1, started by the test, answers chat completions.
The endpoint is configured by the user, so loopback is allowed only with ``allow_private``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from communique.briefs import brief_article
from communique.briefs.abstractive import Rephraser
from communique.briefs.grounding import check_brief
from communique.config import Settings
from communique.errors import UsageError
from communique.records import Analysis, Brief

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "briefs"


class _Handler(BaseHTTPRequestHandler):
    mode = "shorten"

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        text = body["messages"][-1]["content"]
        words = text.rstrip(".").split()
        if _Handler.mode == "shorten":
            # A faithful rephrasing: the sentence's own first words.
            answer = " ".join(words[: max(4, len(words) // 2)]) + "."
        elif _Handler.mode == "invent":
            answer = text + " Brazil issued an ultimatum over uranium smuggling."
        else:
            answer = "not json"
        payload = (json.dumps({"choices": [{"message": {"role": "assistant", "content": answer}}]})
                   if _Handler.mode != "broken" else "{oops").encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def extractive(analyze) -> tuple[Analysis, Brief]:
    analysis = analyze((FIXTURES / "ankara_grain_talks.txt").read_text("utf-8"), article_id="grain")
    return analysis, brief_article(analysis)


LOOPBACK_OK = Settings.load({"allow_private": True})


def test_grounded_rephrasing_is_accepted(server: str, extractive: tuple[Analysis, Brief]) -> None:
    analysis, brief = extractive
    _Handler.mode = "shorten"
    out = Rephraser(server, "local-model", LOOPBACK_OK).rephrase(brief, [analysis.article])
    assert "lede" in out.rephrased and out.lede != brief.lede
    assert out.lede.split()[0] == brief.lede.split()[0]
    # quotes are never rephrased
    assert out.whats_being_said == brief.whats_being_said
    report = check_brief(out, [analysis.article])
    assert report.rate == 1.0, report.failures


def test_invented_words_are_refused_and_the_extractive_brief_kept(
    server: str, extractive: tuple[Analysis, Brief]
) -> None:
    analysis, brief = extractive
    _Handler.mode = "invent"
    messages: list[str] = []
    out = Rephraser(server, "local-model", LOOPBACK_OK).rephrase(brief, [analysis.article], log=messages.append)
    assert out.rephrased == []
    assert out.lede == brief.lede and out.key_points == brief.key_points
    assert any("refused" in m and "brazil" in m.lower() for m in messages)
    assert check_brief(out, [analysis.article]).rate == 1.0


def test_a_broken_answer_keeps_the_extractive_line(server: str, extractive: tuple[Analysis, Brief]) -> None:
    analysis, brief = extractive
    _Handler.mode = "broken"
    out = Rephraser(server, "local-model", LOOPBACK_OK).rephrase(brief, [analysis.article])
    assert out.rephrased == [] and out.key_points == brief.key_points


def test_loopback_endpoint_needs_allow_private(server: str) -> None:
    with pytest.raises(UsageError, match="allow-private"):
        Rephraser(server, "local-model", Settings.load())
    with pytest.raises(UsageError, match="http"):
        Rephraser("file:///etc/passwd", "m", LOOPBACK_OK)


def test_cli_rephrasing_with_a_local_server(server: str) -> None:
    from typer.testing import CliRunner

    from communique.cli import app

    _Handler.mode = "shorten"
    args = ["brief", str(FIXTURES / "ankara_grain_talks.txt"), "--format", "json",
            "--rephrase-url", server, "--rephrase-model", "local-model"]
    refused = CliRunner().invoke(app, args)
    # (``communique``'s entry point turns this error into a one-line message and exit code 2)
    assert isinstance(refused.exception, UsageError) and "--allow-private" in str(refused.exception)
    result = CliRunner().invoke(app, [*args, "--allow-private"])
    assert result.exit_code == 0, result.output
    assert "lede" in json.loads(result.stdout)["rephrased"]
