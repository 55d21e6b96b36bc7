"""Fetching ``http(s)`` URLs safely: no private addresses, bounded size, time and redirects.

The defence against server-side request forgery, in order (every redirect hop repeats it):

1. only ``http``/``https``; IPv4 spellings other than the dotted quad (``2130706433``,
   ``0x7f000001``, ``127.1``, ``0``, octal) are refused, since resolvers read them differently;
2. the host is resolved once; every address is unwrapped (IPv4-mapped, IPv4-compatible, NAT64,
   6to4, Teredo) and refused when any form is private, loopback, link-local, multicast,
   reserved or otherwise not global — unless ``Settings.allow_private``;
3. the connection goes to the checked address (urllib3 with the ``Host`` header and TLS SNI set
   to the name), so a second DNS answer cannot swap in another address;
4. the body is read in chunks under ``max_input_bytes`` and a wall-clock ``fetch_timeout``.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from communique.config import Settings
from communique.errors import FetchRefused, InputError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_NUMERIC_HOST = re.compile(r"^(?:0x[0-9a-f]*|\d+)(?:\.(?:0x[0-9a-f]*|\d+)){0,3}\.?$", re.IGNORECASE)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
_REDIRECTS = {301, 302, 303, 307, 308}
CHUNK = 1 << 16
# Response headers handed back to callers (for conditional requests and politeness).
_KEPT_HEADERS = frozenset({"etag", "last-modified", "content-type", "retry-after", "date"})


# Statuses worth asking again after a pause (the server is busy or briefly broken).
TRANSIENT_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass
class Fetched:
    """A fetched resource: final URL after redirects, its content type and body.

    ``status`` is 304 (and ``body`` empty) when a conditional request found nothing new;
    ``headers`` holds, under lower-case names, the response headers a caller may remember
    (``etag``, ``last-modified``, ``retry-after``).
    """

    url: str
    content_type: str
    body: bytes
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


class FetchFailed(InputError):
    """A fetch that failed after the request was allowed: an HTTP error status or a broken
    connection. ``transient`` says whether trying again later may help; ``retry_after`` is the
    server's ``Retry-After`` header, when it sent one."""

    def __init__(self, input_name: str, reason: str, *, status: int | None = None,
                 transient: bool = False, retry_after: str | None = None) -> None:
        super().__init__(input_name, reason)
        self.status = status
        self.transient = transient
        self.retry_after = retry_after


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> tuple[list[ipaddress.IPv4Address], bool]:
    """IPv4 addresses hidden inside an IPv6 address (which ``ipaddress`` may call public),
    and whether the IPv6 address is a mere wrapper of them (mapped, compatible, NAT64), whose
    own classification says nothing (Python calls every NAT64 address reserved)."""
    packed = int(ip)
    if ip.ipv4_mapped:
        return [ip.ipv4_mapped], True
    if ip in _NAT64 or ip in _NAT64_LOCAL or (packed >> 32 == 0 and packed > 1):
        # NAT64 (64:ff9b::a.b.c.d) and the deprecated IPv4-compatible ::a.b.c.d
        return [ipaddress.IPv4Address(packed & 0xFFFFFFFF)], True
    found: list[ipaddress.IPv4Address] = []
    if ip.sixtofour:
        found.append(ip.sixtofour)
    if ip.teredo:
        found.extend(ip.teredo)
    return found, False


def forbidden_reason(ip: IPAddress) -> str | None:
    """Why an address may not be fetched from (None when it is a public unicast address)."""
    candidates: list[IPAddress] = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        embedded, wrapper = _embedded_ipv4(ip)
        candidates = [*embedded] if wrapper else [ip, *embedded]
    for addr in candidates:
        for label, flag in (
            ("loopback", addr.is_loopback),
            ("unspecified", addr.is_unspecified),
            ("link-local", addr.is_link_local),
            ("multicast", addr.is_multicast),
            ("private", addr.is_private),
            ("reserved", addr.is_reserved),
            ("non-global", not addr.is_global),
        ):
            if flag:
                return f"{label} address {addr}"
    return None


def check_host(host: str, port: int, settings: Settings) -> IPAddress:
    """Resolve ``host`` once and return the address to connect to, or raise ``FetchRefused``."""
    bare = host.strip("[]")
    if _NUMERIC_HOST.match(bare):
        try:
            canonical = str(ipaddress.IPv4Address(bare.rstrip(".")))
        except ValueError:
            canonical = None
        if canonical != bare and not settings.allow_private:
            raise FetchRefused(host, "non-standard IPv4 address spelling refused")
    try:
        infos = socket.getaddrinfo(bare, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise InputError(host, f"cannot resolve host ({exc})") from exc
    addresses: list[IPAddress] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise InputError(host, "host has no address")
    if not settings.allow_private:
        for address in addresses:
            reason = forbidden_reason(address)
            if reason:
                raise FetchRefused(host, f"refused: {reason} (set allow_private to fetch it)")
    return addresses[0]


def is_url(name: str) -> bool:
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*://", name))


def fetch(url: str, settings: Settings, headers: dict[str, str] | None = None) -> Fetched:
    """GET ``url`` under the checks in the module docstring; raises ``InputError`` subclasses.

    ``headers`` are extra request headers (e.g. ``If-None-Match``); they cannot replace ``Host``.
    A ``304 Not Modified`` answer comes back as a ``Fetched`` with status 304 and no body.
    """
    import urllib3

    deadline = time.monotonic() + settings.fetch_timeout
    current = url
    for _hop in range(settings.max_redirects + 1):
        try:
            parts = urlsplit(current)
            hostname = parts.hostname
        except ValueError as exc:  # "Invalid IPv6 URL" and the like (found by fuzzing)
            raise InputError(url, f"malformed URL ({exc})") from exc
        if parts.scheme not in ("http", "https"):
            raise FetchRefused(url, f"unsupported URL scheme {parts.scheme!r} (only http and https)")
        if not hostname:
            raise InputError(url, "URL has no host")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError as exc:
            raise InputError(url, f"bad port ({exc})") from exc
        try:
            address = check_host(hostname, port, settings)
        except InputError as exc:
            hop = "" if current == url else f" (redirected to {current})"
            raise type(exc)(url, exc.reason + hop) from exc
        host_header = hostname if parts.port is None else f"{hostname}:{parts.port}"
        if ":" in hostname:
            host_header = f"[{hostname}]" + ("" if parts.port is None else f":{parts.port}")
        remaining = max(0.1, deadline - time.monotonic())
        timeout = urllib3.Timeout(connect=min(remaining, settings.fetch_timeout), read=min(remaining, settings.fetch_timeout))
        pool: urllib3.HTTPConnectionPool
        if parts.scheme == "https":
            pool = urllib3.HTTPSConnectionPool(
                str(address), port, timeout=timeout, retries=False, maxsize=1,
                server_hostname=hostname, assert_hostname=hostname, cert_reqs="CERT_REQUIRED",
            )
        else:
            pool = urllib3.HTTPConnectionPool(str(address), port, timeout=timeout, retries=False, maxsize=1)
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        try:
            request_headers = {"User-Agent": settings.user_agent,
                               "Accept": "text/html,application/xhtml+xml,application/rss+xml,"
                                         "application/atom+xml,application/xml;q=0.9,*/*;q=0.8"}
            # The Host header is the checked name: a caller's header may not point it elsewhere.
            request_headers.update({k: v for k, v in (headers or {}).items() if k.lower() != "host"})
            request_headers["Host"] = host_header
            response = pool.urlopen(
                "GET", path, headers=request_headers,
                redirect=False, retries=False, preload_content=False, assert_same_host=False,
            )
        except urllib3.exceptions.HTTPError as exc:
            raise FetchFailed(url, f"fetch failed ({type(exc).__name__}: {str(exc)[:160]})", transient=True) from exc
        try:
            if response.status in _REDIRECTS and response.headers.get("Location"):
                current = urljoin(current, response.headers["Location"])
                continue
            if response.status >= 400:
                raise FetchFailed(url, f"HTTP {response.status}", status=response.status,
                                  transient=response.status in TRANSIENT_STATUSES,
                                  retry_after=response.headers.get("Retry-After"))
            kept = {k.lower(): v for k, v in response.headers.items() if k.lower() in _KEPT_HEADERS}
            if response.status == 304:
                return Fetched(url=current, content_type="", body=b"", status=304, headers=kept)
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > settings.max_input_bytes:
                raise InputError(url, f"response of {int(declared):,} bytes over the limit of "
                                      f"{settings.max_input_bytes:,} bytes (max_input_bytes)")
            body = _read_body(response, url, deadline, settings)
            return Fetched(url=current, content_type=response.headers.get("Content-Type", ""), body=body,
                           status=response.status, headers=kept)
        finally:
            response.release_conn()
            pool.close()
    raise FetchRefused(url, f"more than {settings.max_redirects} redirects (max_redirects)")


def _read_body(response, url: str, deadline: float, settings: Settings) -> bytes:  # type: ignore[no-untyped-def]
    import urllib3

    body = bytearray()
    try:
        while True:
            if time.monotonic() > deadline:
                raise FetchFailed(url, f"fetch took longer than {settings.fetch_timeout:g}s (fetch_timeout)",
                                  transient=True)
            # read1 returns what has arrived: a server trickling bytes cannot outlast the deadline.
            chunk = response.read1(CHUNK)
            if not chunk:
                return bytes(body)
            body += chunk
            if len(body) > settings.max_input_bytes:
                raise InputError(url, f"response over the limit of {settings.max_input_bytes:,} bytes (max_input_bytes)")
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        raise FetchFailed(url, f"fetch failed while reading ({type(exc).__name__})", transient=True) from exc
