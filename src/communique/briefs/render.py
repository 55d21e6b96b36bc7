"""Briefs as Markdown, HTML (every piece of source text escaped) and JSON."""

from __future__ import annotations

import html
import json

from communique.records import Brief, to_builtins_any

SECTION_WHY = "Why it matters"
SECTION_SAID = "What they're saying"
SECTION_POINTS = "Key points"
SECTION_DEEPER = "Go deeper"


def _md_escape(text: str) -> str:
    # Source text must not turn into Markdown structure (links, emphasis, raw HTML).
    out = text.replace("\\", "\\\\")
    for ch in "`*_[]<>#|":
        out = out.replace(ch, "\\" + ch)
    return out


def render_markdown(brief: Brief) -> str:
    """The Smart Brevity shape: headline, lede, bold section labels, bullets."""
    lines = [f"## {_md_escape(brief.headline)}", "", _md_escape(brief.lede), ""]
    if brief.why_it_matters:
        lines += [f"**{SECTION_WHY}:** {_md_escape(brief.why_it_matters)}", ""]
    if brief.whats_being_said:
        lines.append(f"**{SECTION_SAID}:**")
        lines += [f"- {_md_escape(q.speaker)}: “{_md_escape(q.quote)}”" for q in brief.whats_being_said]
        lines.append("")
    if brief.key_points:
        lines.append(f"**{SECTION_POINTS}:**")
        lines += [f"- {_md_escape(p)}" for p in brief.key_points]
        lines.append("")
    if brief.go_deeper:
        lines.append(f"**{SECTION_DEEPER}:**")
        lines += [f"- {_md_escape(g)}" for g in brief.go_deeper]
        lines.append("")
    if brief.n_reports > 1:
        lines.append(f"_{brief.n_reports} reports, {brief.n_sources} sources._")
        lines.append("")
    return "\n".join(lines)


def render_html(brief: Brief) -> str:
    """An HTML fragment (an ``<article>``); all brief text is escaped, nothing from a source is markup."""
    e = html.escape
    parts = ['<article class="brief">', f"<h2>{e(brief.headline)}</h2>", f'<p class="lede">{e(brief.lede)}</p>']
    if brief.why_it_matters:
        parts.append(f"<p><strong>{e(SECTION_WHY)}:</strong> {e(brief.why_it_matters)}</p>")
    if brief.whats_being_said:
        parts.append(f"<p><strong>{e(SECTION_SAID)}:</strong></p><ul>")
        parts += [f"<li>{e(q.speaker)}: <q>{e(q.quote)}</q></li>" for q in brief.whats_being_said]
        parts.append("</ul>")
    for label, items in ((SECTION_POINTS, brief.key_points), (SECTION_DEEPER, brief.go_deeper)):
        if items:
            parts.append(f"<p><strong>{e(label)}:</strong></p><ul>")
            parts += [f"<li>{e(x)}</li>" for x in items]
            parts.append("</ul>")
    parts.append("</article>")
    return "\n".join(parts)


def render_html_page(briefs: list[Brief]) -> str:
    """A standalone page of briefs with a restrictive Content-Security-Policy."""
    body = "\n".join(render_html(b) for b in briefs)
    return (
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        "<title>communique briefs</title></head><body>\n" + body + "\n</body></html>\n"
    )


def render_json(briefs: list[Brief]) -> str:
    """One brief as an object, several as an array (the DESIGN.md Brief record)."""
    data = to_builtins_any(briefs[0] if len(briefs) == 1 else briefs)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
