"""The ontology table: CAMEO codes, Goldstein scores, quad classes and the CAMEO → PLOVER map.

Everything comes from two data files in ``events/data/`` (loaded once):

- ``ontology.tsv`` — one row per CAMEO code: Goldstein score, quad class (GDELT split on the
  root: 1 = 01–05 verbal cooperation, 2 = 06–09 material cooperation, 3 = 10–14 verbal conflict,
  4 = 15–20 material conflict), PLOVER category, mode and context.
- ``plover.json`` — the 16 PLOVER categories with their quad, modes and scores, the contexts and
  the auxiliary modes (CC BY-SA 4.0, attribution inside the file).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class CameoCode:
    """One CAMEO event code and what it maps to."""

    code: str
    root: str
    description: str
    goldstein: float
    quad_class: int
    category: str | None
    mode: str | None
    context: tuple[str, ...]


@dataclass(frozen=True)
class PloverCategory:
    """One PLOVER event category."""

    name: str
    quad: str
    requires_recipient: bool
    score: float | None
    modes: dict[str, float | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Ontology:
    """CAMEO codes and PLOVER categories, indexed."""

    cameo: dict[str, CameoCode]
    categories: dict[str, PloverCategory]
    contexts: frozenset[str]
    old_names: dict[str, str]
    # category → the CAMEO code used when a category is coded without a more specific code
    default_code: dict[str, str]

    def code(self, code: str) -> CameoCode:
        """The entry for ``code``, falling back to its parent codes (``0874`` → ``087`` → ``08``)."""
        while code:
            if code in self.cameo:
                return self.cameo[code]
            code = code[:-1]
        raise KeyError(code)

    def category_name(self, name: str) -> str:
        """Current PLOVER name of a category (old names such as FIGHT → ASSAULT are mapped)."""
        upper = name.strip().upper()
        return self.old_names.get(upper, upper)


def _read_text(name: str) -> str:
    return resources.files("communique.events").joinpath("data", name).read_text("utf-8")


@lru_cache(maxsize=1)
def load_ontology() -> Ontology:
    """Load the ontology table once per process."""
    rows = [
        line.split("\t")
        for line in _read_text("ontology.tsv").splitlines()
        if line and not line.startswith("#")
    ]
    header, body = rows[0], rows[1:]
    col = {name: i for i, name in enumerate(header)}
    cameo: dict[str, CameoCode] = {}
    for row in body:
        row += [""] * (len(header) - len(row))
        code = row[col["cameo"]]
        gold = row[col["goldstein"]]
        # Codes without a Goldstein score of their own (1213, 1214) take their parent's.
        goldstein = float(gold) if gold else cameo[code[:-1]].goldstein
        context = tuple(c.strip() for c in row[col["plover_context"]].replace(";", ",").split(",") if c.strip())
        cameo[code] = CameoCode(
            code=code,
            root=row[col["root"]],
            description=row[col["description"]],
            goldstein=goldstein,
            quad_class=int(row[col["quad_class"]]),
            category=row[col["plover_category"]] or None,
            mode=row[col["plover_mode"]] or None,
            context=context,
        )
    plover = json.loads(_read_text("plover.json"))
    categories = {
        name: PloverCategory(
            name=name,
            quad=c["quad"],
            requires_recipient=c["requires_recipient"],
            score=c["score"],
            modes={m: v["score"] for m, v in c["modes"].items()},
        )
        for name, c in plover["categories"].items()
    }
    default_code = {name: c["default_cameo"] for name, c in plover["categories"].items()}
    return Ontology(
        cameo=cameo,
        categories=categories,
        contexts=frozenset(plover["contexts"]),
        old_names=dict(plover["old_names"]),
        default_code=default_code,
    )
