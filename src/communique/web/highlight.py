"""An article's text cut into segments, each marked with the actors, quotes and events covering it.

Spans are [start, end) character offsets into the article text (DESIGN, "Spans"). They nest and
overlap (an actor inside a quote inside an event's sentence), so instead of building HTML by
splicing tags into the text, the text is cut at every span boundary into flat segments; each
segment carries the set of marks that cover it. The template writes every segment's text through
Jinja's auto-escaping, so no piece of article text is ever emitted as markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from communique.records import Analysis


@dataclass(frozen=True)
class Mark:
    """One annotation: its kind (``actor``, ``quote``, ``event``), record id and a tooltip."""

    kind: str
    ref: str
    title: str


@dataclass
class Segment:
    """A run of text and the marks covering all of it (empty for plain text)."""

    text: str
    marks: list[Mark] = field(default_factory=list)

    @property
    def kinds(self) -> list[str]:
        """The distinct kinds of marks, outermost (event) first, for CSS classes."""
        order = ("event", "quote", "actor")
        present = {m.kind for m in self.marks}
        return [k for k in order if k in present]

    @property
    def title(self) -> str:
        """Tooltip text: what each mark says about this run."""
        return " · ".join(m.title for m in self.marks)

    @property
    def event_ids(self) -> list[str]:
        """Ids of the events whose sentence covers this run (targets of the drill-down)."""
        return [m.ref for m in self.marks if m.kind == "event"]


def _clip(start: int | None, end: int | None, length: int) -> tuple[int, int] | None:
    if start is None or end is None:
        return None
    s, e = max(0, int(start)), min(length, int(end))
    return (s, e) if s < e else None


def marks_of(analysis: Analysis) -> list[tuple[int, int, Mark]]:
    """Every span of the analysis that lies (at least partly) inside the text, with its mark."""
    n = len(analysis.article.text)
    out: list[tuple[int, int, Mark]] = []
    for ev in analysis.events:
        span = _clip(ev.span[0], ev.span[1], n)
        if span:
            actors = ", ".join(a.name or a.text for a in ev.actor) or "?"
            recips = ", ".join(a.name or a.text for a in ev.recipient) or "?"
            out.append((*span, Mark("event", ev.event_id, f"{ev.category} ({ev.cameo}): {actors} → {recips}")))
    for q in analysis.quotes:
        span = _clip(q.span[0], q.span[1], n)
        if span:
            who = (q.speaker.name or q.speaker.text) if q.speaker else None
            out.append((*span, Mark("quote", q.quote_id, f"{q.kind} quote by {who or 'unknown speaker'}")))
    for i, a in enumerate(analysis.actors):
        span = _clip(a.start, a.end, n)
        if span:
            desc = a.name or a.text
            if a.country:
                desc += f" [{a.country}{'/' + a.sector if a.sector else ''}]"
            out.append((*span, Mark("actor", f"a-{i}", desc)))
    return out


def segments(analysis: Analysis) -> list[Segment]:
    """The article text as consecutive segments covering all of it, in order."""
    text = analysis.article.text
    spans = marks_of(analysis)
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    out: list[Segment] = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        covering = [m for s, e, m in spans if s <= start and end <= e]
        out.append(Segment(text[start:end], covering))
    return out
