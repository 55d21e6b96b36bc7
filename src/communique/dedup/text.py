"""Text keys shared by duplicate detection and story clustering.

Both stages compare articles by their words, so both read words the same way: Unicode NFKC,
case folded, typographic quotes and dashes mapped to ASCII, and invalid characters (the U+FFFD
left by a bad decode) dropped so that a mis-decoded copy still matches the original.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

# A word: letters/digits with inner apostrophes, hyphens or dots ("U.S.", "al-Assad", "1.13bn").
_WORD = re.compile(r"[^\W_](?:[\w'.-]*[^\W_])?")
_SPACE = re.compile(r"\s+")
# Mis-decodes and typography that differ between copies of the same report.
_FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\ufffd": None,
        "\u00a0": " ",
    }
)


def normalize_text(text: str) -> str:
    """Text reduced to what two copies of one report share: folded case, one space between words."""
    folded = unicodedata.normalize("NFKC", text).translate(_FOLD).casefold()
    return _SPACE.sub(" ", folded).strip()


def text_hash(text: str) -> str:
    """Hex digest of the normalised text: equal for exact duplicates."""
    return hashlib.sha1(normalize_text(text).encode("utf-8"), usedforsecurity=False).hexdigest()


def words(text: str) -> list[str]:
    """Normalised words of ``text`` in order (punctuation dropped, possessive 's removed)."""
    out = []
    for word in _WORD.findall(normalize_text(text)):
        if word.endswith("'s"):
            word = word[:-2]
        out.append(word.strip("'.-"))
    return [w for w in out if w]
