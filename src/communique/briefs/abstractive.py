"""Optional abstractive rephrasing through an OpenAI-compatible chat endpoint the user configures.

The extractive brief is always made first and is the default; this backend only *offers*
rephrasings of its lines (headline, lede, Why it matters, key points, Go deeper — never quotes,
which stay verbatim). Each rephrasing must pass the grounding check: every content word and
number must be traceable to the spans the line cites (``grounding.untraceable_words``). A
rephrasing that adds a word is refused and the extractive line is kept; so is any network or
protocol failure. Nothing here runs unless the user names an endpoint.

The endpoint is the user's own choice (often a local model server), but it is still a URL: a
loopback, private or link-local address is refused unless ``Settings.allow_private`` is set
(``--allow-private``), as for every other fetch.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import urllib.error
import urllib.request
from collections.abc import Callable
from urllib.parse import urlsplit

import msgspec

from communique.briefs.grounding import untraceable_words
from communique.config import Settings
from communique.errors import UsageError
from communique.records import Article, Brief

MAX_RESPONSE_BYTES = 1_000_000
PROMPT = (
    "Rewrite the user's sentence for a news brief: shorter and plainer. Use only words and facts "
    "that appear in the sentence; add nothing. Answer with the rewritten sentence only."
)


def _blocked(host: str) -> str | None:
    """Why ``host`` may not be reached without ``allow_private`` (None when it is public)."""
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror as exc:
        return f"cannot resolve {host}: {exc}"
    for info in infos:
        ip = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_reserved or ip.is_unspecified:
            return f"{host} resolves to a non-public address ({ip})"
    return None


class Rephraser:
    """Rephrases brief lines through ``base_url`` (``POST {base_url}/chat/completions``)."""

    def __init__(self, base_url: str, model: str, settings: Settings | None = None,
                 timeout: float | None = None, api_key: str | None = None) -> None:
        settings = settings or Settings.load()
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UsageError(f"{base_url}: the rephrasing endpoint must be an http(s) URL")
        if not settings.allow_private:
            reason = _blocked(parts.hostname)
            if reason:
                raise UsageError(f"{base_url}: {reason}; pass --allow-private to use a local model server")
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.timeout = timeout if timeout is not None else settings.fetch_timeout
        self.api_key = api_key

    def complete(self, text: str) -> str | None:
        """The endpoint's rewrite of ``text``, or None on any failure."""
        body = json.dumps({
            "model": self.model,
            "temperature": 0,
            "messages": [{"role": "system", "content": PROMPT}, {"role": "user", "content": text}],
        }).encode("utf-8")
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        # The scheme was checked to be http(s) in __init__.
        req = urllib.request.Request(self.url, data=body, headers=headers, method="POST")  # noqa: S310
        try:
            # Redirects are not followed: a 3xx answer is a failure, so a checked host cannot
            # send us elsewhere.
            opener = urllib.request.build_opener(_NoRedirect)
            with opener.open(req, timeout=self.timeout) as resp:
                raw = resp.read(MAX_RESPONSE_BYTES + 1)
        except (urllib.error.URLError, OSError, ValueError):
            return None
        if len(raw) > MAX_RESPONSE_BYTES:
            return None
        try:
            data = json.loads(raw)
            content = data["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError):
            return None
        return content.strip() if isinstance(content, str) and content.strip() else None

    def rephrase(self, brief: Brief, articles: list[Article],
                 log: Callable[[str], None] | None = None) -> Brief:
        """A copy of ``brief`` with each line replaced by its rephrasing when that is grounded."""
        by_id = {a.article_id: a for a in articles}
        out = msgspec.structs.replace(brief, key_points=list(brief.key_points), go_deeper=list(brief.go_deeper),
                                      rephrased=list(brief.rephrased))
        generated = set(brief.generated)

        def attempt(key: str, text: str) -> str:
            if key in generated or not text:
                return text
            new = self.complete(text)
            if new is None:
                if log:
                    log(f"rephrasing {key}: no usable answer from {self.url}; kept the extractive line")
                return text
            refs = brief.sources.get(key, [])
            missing = untraceable_words(new, refs, by_id)
            if missing:
                if log:
                    log(f"rephrasing {key} refused: words not in the cited source: {', '.join(missing[:8])}")
                return text
            out.rephrased.append(key)
            return new

        out.headline = attempt("headline", brief.headline)
        out.lede = attempt("lede", brief.lede)
        out.why_it_matters = attempt("why_it_matters", brief.why_it_matters)
        out.key_points = [attempt(f"key_points[{i}]", t) for i, t in enumerate(brief.key_points)]
        out.go_deeper = [attempt(f"go_deeper[{i}]", t) for i, t in enumerate(brief.go_deeper)]
        return out


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        return None
