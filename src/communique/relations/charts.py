"""PNG charts of a dyad series and of the alignment network (matplotlib, Agg backend, no display)."""

from __future__ import annotations

import io
from typing import Any

import networkx as nx

from communique.relations.series import DyadSeries

_QUAD_COLOURS = {"verbal_cooperation": "#7fbf7b", "material_cooperation": "#1b7837",
                 "verbal_conflict": "#f1a340", "material_conflict": "#b2182b"}


def _figure(width: float, height: float) -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg")  # no display is needed, or wanted, on a server
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100)
    return fig, fig.add_subplot(1, 1, 1)


def _png(fig: Any) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    return buf.getvalue()


def dyad_chart(series: DyadSeries) -> bytes:
    """Bars per period: cooperation above zero, conflict below, the net as a line; uncovered periods shaded."""
    fig, ax = _figure(10, 4.5)
    xs = list(range(len(series.periods)))
    coop_base = [0.0] * len(xs)
    conf_base = [0.0] * len(xs)
    for quad, colour in _QUAD_COLOURS.items():
        values = [float(p.quads.get(quad) or 0) for p in series.periods]
        if "conflict" in quad:
            heights = [-v for v in values]
            ax.bar(xs, heights, bottom=conf_base, color=colour, label=quad.replace("_", " "))
            conf_base = [b + h for b, h in zip(conf_base, heights, strict=True)]
        else:
            ax.bar(xs, values, bottom=coop_base, color=colour, label=quad.replace("_", " "))
            coop_base = [b + v for b, v in zip(coop_base, values, strict=True)]
    net = [p.net_cooperation if p.covered else None for p in series.periods]
    ax.plot(xs, [float("nan") if v is None else v for v in net], color="black", marker="o", markersize=3,
            label="net cooperation")
    for x, p in zip(xs, series.periods, strict=True):
        if not p.covered:
            ax.axvspan(x - 0.5, x + 0.5, color="#dddddd", zorder=0)
    ax.axhline(0, color="#555555", linewidth=0.8)
    step = max(1, len(xs) // 16)
    ax.set_xticks(xs[::step], [p.period for p in series.periods][::step], rotation=45, ha="right")
    arrow = "→" if series.directed else "↔"
    ax.set_title(f"{series.a} {arrow} {series.b}: {series.measure} per {series.freq} (grey: not covered)")
    ax.set_ylabel(series.measure)
    ax.legend(loc="upper left", fontsize="small", ncols=3)
    return _png(fig)


def network_chart(graph: nx.Graph) -> bytes:
    """Countries coloured by bloc; green edges cooperative, red conflictual, width by |net|."""
    fig, ax = _figure(9, 9)
    ax.set_axis_off()
    if graph.number_of_nodes() == 0:
        ax.text(0.5, 0.5, "no events in this window", ha="center", va="center")
        return _png(fig)
    positive = nx.Graph()
    positive.add_nodes_from(sorted(graph.nodes))
    positive.add_weighted_edges_from((u, v, max(0.1, float(d["weight"]))) for u, v, d in graph.edges(data=True))
    pos = nx.spring_layout(positive, seed=7, weight="weight")
    colours = [graph.nodes[n].get("bloc", 0) for n in graph.nodes]
    widths = [0.5 + min(6.0, abs(d["weight"]) / 2) for _, _, d in graph.edges(data=True)]
    edge_colours = ["#1b7837" if d["weight"] > 0 else "#b2182b" if d["weight"] < 0 else "#999999"
                    for _, _, d in graph.edges(data=True)]
    nx.draw_networkx_edges(graph, pos, ax=ax, width=widths, edge_color=edge_colours, alpha=0.6)
    nx.draw_networkx_nodes(graph, pos, ax=ax, node_color=colours, cmap="tab10", node_size=500)
    nx.draw_networkx_labels(graph, pos, ax=ax, font_size=8)
    ax.set_title("Alignment network (colour: bloc; green: net cooperation, red: net conflict)")
    return _png(fig)
