"""Geometry of the dashboard's server-side SVG charts (the templates draw them, escaping every label).

The dyad chart is a diverging bar chart: per period, cooperative events stacked up from the zero
line (verbal, then material) and conflictual events stacked down, with net cooperation drawn as a
line of points. Periods the store has no coverage for are drawn as hatched "no data" columns, never
as zero. Every bar and point links to the same page with the period (and cell) selected, so the
drill-down works without JavaScript.

The network chart places countries on a circle, bloc by bloc, so each bloc reads as an arc.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from communique.relations.series import DyadSeries

# Chart box (SVG user units; the SVG scales to its container).
WIDTH, HEIGHT = 960, 380
LEFT, RIGHT, TOP, BOTTOM = 64, 20, 24, 64

# Stacking order away from the zero line, and the CSS class of each quad class.
COOP_CELLS = ("verbal_cooperation", "material_cooperation")
CONFLICT_CELLS = ("verbal_conflict", "material_conflict")
CELL_LABELS = {"verbal_cooperation": "verbal cooperation", "material_cooperation": "material cooperation",
               "verbal_conflict": "verbal conflict", "material_conflict": "material conflict"}


@dataclass
class Bar:
    cell: str
    label: str
    value: float
    x: float
    y: float
    w: float
    h: float


@dataclass
class Column:
    """One period of the dyad chart."""

    period: str
    start: str
    covered: bool
    x: float  # left edge of the column's slot
    w: float  # slot width
    cx: float  # centre
    bars: list[Bar] = field(default_factory=list)
    net: float | None = None
    net_y: float | None = None
    events: int | None = None
    show_label: bool = True
    selected: bool = False


@dataclass
class Tick:
    value: float
    y: float


@dataclass
class DyadChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    zero_y: float
    columns: list[Column]
    ticks: list[Tick]
    lines: list[str]  # SVG polyline points of net cooperation, one run per stretch of covered periods

    @property
    def plot_right(self) -> int:
        return self.width - self.right

    @property
    def plot_bottom(self) -> int:
        return self.height - self.bottom


def _nice_step(span: float, target: int = 5) -> float:
    raw = max(span / target, 1e-9)
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if raw <= m * mag:
            return max(m * mag, 1.0)
    return 10 * mag


def dyad_chart(series: DyadSeries, selected: str | None = None) -> DyadChart:
    """Lay out ``series`` (see the module docstring); ``selected`` is the highlighted period label."""
    ups = [sum(float(p.quads.get(c) or 0) for c in COOP_CELLS) for p in series.periods]
    downs = [sum(float(p.quads.get(c) or 0) for c in CONFLICT_CELLS) for p in series.periods]
    top_v = max(ups + [1.0])
    bottom_v = max(downs + [1.0])
    step = _nice_step(top_v + bottom_v)
    top_v = math.ceil(top_v / step) * step
    bottom_v = math.ceil(bottom_v / step) * step
    plot_h = HEIGHT - TOP - BOTTOM
    scale = plot_h / (top_v + bottom_v)
    zero_y = TOP + top_v * scale
    n = max(len(series.periods), 1)
    slot = (WIDTH - LEFT - RIGHT) / n
    bar_w = max(min(slot * 0.64, 48.0), 2.0)
    every = max(1, math.ceil(n / 14))  # at most ~14 period labels on the axis
    columns: list[Column] = []
    runs: list[list[str]] = [[]]
    for i, p in enumerate(series.periods):
        x = LEFT + i * slot
        cx = x + slot / 2
        col = Column(period=p.period, start=p.start, covered=p.covered, x=x, w=slot, cx=cx,
                     events=p.events, show_label=(i % every == 0), selected=(p.period == selected))
        if p.covered:
            y = zero_y
            for cell in COOP_CELLS:
                v = float(p.quads.get(cell) or 0)
                if v:
                    h = v * scale
                    y -= h
                    col.bars.append(Bar(cell, CELL_LABELS[cell], v, cx - bar_w / 2, y, bar_w, h))
            y = zero_y
            for cell in CONFLICT_CELLS:
                v = float(p.quads.get(cell) or 0)
                if v:
                    h = v * scale
                    col.bars.append(Bar(cell, CELL_LABELS[cell], v, cx - bar_w / 2, y, bar_w, h))
                    y += h
            col.net = float(p.net_cooperation or 0)
            col.net_y = zero_y - col.net * scale
            runs[-1].append(f"{cx:.1f},{col.net_y:.1f}")
        elif runs[-1]:
            runs.append([])  # a missing period breaks the line: no data is not zero
        columns.append(col)
    ticks = []
    v = -bottom_v
    while v <= top_v + 1e-9:
        ticks.append(Tick(v, zero_y - v * scale))
        v += step
    return DyadChart(WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM, zero_y, columns, ticks,
                    [" ".join(run) for run in runs if run])


@dataclass
class Node:
    id: str
    x: float
    y: float
    r: float
    bloc: int
    events: int
    lx: float  # label position (outside the circle)
    ly: float
    anchor: str


@dataclass
class Edge:
    source: str
    target: str
    x1: float
    y1: float
    x2: float
    y2: float
    width: float
    kind: str  # "coop", "conflict" or "even"
    weight: int
    events: int
    opacity: float  # weak ties fade so the strong ones read through a dense graph


@dataclass
class NetworkChart:
    size: int
    nodes: list[Node]
    edges: list[Edge]


def network_chart(data: dict[str, Any], size: int = 640) -> NetworkChart:
    """Lay out ``relations.network_json`` output: blocs as consecutive arcs of one circle."""
    blocs: list[list[str]] = data.get("blocs") or []
    info = {n["id"]: n for n in data.get("nodes", [])}
    order = [node for bloc in blocs for node in bloc]
    order += sorted(set(info) - set(order))
    c = size / 2
    radius = size / 2 - 90
    most = max([int(n.get("events") or 0) for n in info.values()] + [1])
    pos: dict[str, tuple[float, float]] = {}
    nodes: list[Node] = []
    k = max(len(order), 1)
    for i, node in enumerate(order):
        angle = -math.pi / 2 + 2 * math.pi * i / k
        x, y = c + radius * math.cos(angle), c + radius * math.sin(angle)
        pos[node] = (x, y)
        events = int(info.get(node, {}).get("events") or 0)
        r = 7 + 13 * math.sqrt(events / most)
        lx, ly = c + (radius + r + 14) * math.cos(angle), c + (radius + r + 14) * math.sin(angle)
        anchor = "middle" if abs(math.cos(angle)) < 0.3 else ("start" if math.cos(angle) > 0 else "end")
        nodes.append(Node(node, x, y, r, int(info.get(node, {}).get("bloc") or 0), events, lx, ly + 4, anchor))
    most_e = max([int(e.get("events") or 0) for e in data.get("edges", [])] + [1])
    edges = []
    for e in data.get("edges", []):
        if e["source"] not in pos or e["target"] not in pos:
            continue
        (x1, y1), (x2, y2) = pos[e["source"]], pos[e["target"]]
        w = int(e.get("weight") or 0)
        kind = "coop" if w > 0 else "conflict" if w < 0 else "even"
        strength = math.sqrt(int(e["events"]) / most_e)
        edges.append(Edge(e["source"], e["target"], x1, y1, x2, y2, 1 + 7 * strength, kind, w, int(e["events"]),
                          0.25 + 0.7 * strength))
    # Thin edges first so the strong ones stay visible on top.
    edges.sort(key=lambda e: e.width)
    return NetworkChart(size, nodes, edges)
