"""Bytes → text at the ingest boundary: charset cascade, binary detection, cleaning.

Text is cleaned of what downstream tools refuse (pyarrow rejects unpaired surrogates; NULs
break C libraries) and of nothing else: spans index into the text exactly as given.
"""

from __future__ import annotations

import codecs
import re
from typing import Any

# Unpaired surrogates (from JSON "\\ud800" escapes or surrogateescape decoding) and NUL.
_INVALID = re.compile("[\x00\ud800-\udfff]")
REPLACEMENT = "\ufffd"

# <meta charset="..."> or <meta http-equiv="Content-Type" content="...; charset=...">,
# and the XML declaration's encoding="..."; looked for in the first bytes only.
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_:.\-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9_:.\-]+)""", re.IGNORECASE)
SNIFF_BYTES = 4096

# Control bytes that never occur in text files (tab, newline, CR, form feed and ESC excluded).
_BINARY_BYTES = bytes(range(0, 8)) + bytes([11]) + bytes(range(14, 27)) + bytes(range(28, 32))


def clean_text(text: str) -> str:
    """Replace unpaired surrogates and NULs by U+FFFD; every other character stays in place.

    One character in, one character out, so offsets computed on the input stay valid.
    """
    return _INVALID.sub(REPLACEMENT, text)


def clean_value(value: Any) -> Any:
    """``clean_text`` applied to every string in a JSON-like value, dict keys included.

    Row fields other than the text (ids, URLs, ``meta``) come from the same hostile rows and
    end up in the same batch writes.
    """
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(str(k)): clean_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_value(v) for v in value]
    return value


def looks_binary(data: bytes) -> bool:
    """True for bytes that are not text in any charset we decode (NULs, many control bytes)."""
    head = data[:SNIFF_BYTES]
    if not head:
        return False
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False  # UTF-16 text has NULs by design
    if b"\x00" in head:
        return True
    controls = sum(head.count(b) for b in _BINARY_BYTES)
    return controls > len(head) // 100 + 1


def _codec(name: str | bytes | None) -> str | None:
    if not name:
        return None
    if isinstance(name, bytes):
        name = name.decode("ascii", "ignore")
    try:
        return codecs.lookup(name.strip()).name
    except LookupError:
        return None


def header_charset(content_type: str | None) -> str | None:
    """The charset named by an HTTP Content-Type header, if Python knows it."""
    if not content_type:
        return None
    match = _HEADER_CHARSET.search(content_type)
    return _codec(match.group(1)) if match else None


def declared_charset(data: bytes) -> str | None:
    """The charset a document declares for itself (BOM, XML declaration, <meta>)."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    head = data[:SNIFF_BYTES]
    match = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    return _codec(match.group(1)) if match else None


def decode_bytes(data: bytes, http_charset: str | None = None) -> str:
    """Decode a document: HTTP header charset, then the declared charset, then detection.

    A named charset that fails to decode the bytes strictly is skipped (pages lie); detection
    with charset-normalizer comes next, and UTF-8 with replacement is the last resort.
    """
    for name in (_codec(http_charset), declared_charset(data)):
        if name:
            try:
                return data.decode(name)
            except (UnicodeDecodeError, LookupError):
                continue
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:1_000_000]).best()
    if best is not None and best.encoding:
        try:
            return data.decode(best.encoding, errors="replace")
        except LookupError:
            pass
    return data.decode("utf-8", errors="replace")
