"""The alignment network: countries as nodes, net cooperation as edge weights, blocs as communities.

Every dated event between ``since`` and ``until`` adds to the edge of each (actor country,
recipient country) pair it names: +1 when cooperative (quad classes 1–2), −1 when conflictual
(3–4). An event naming several pairs counts once on each edge; an edge counts an event once
whatever its direction. Blocs are Louvain communities (networkx, fixed seed, so the same store
gives the same blocs) of the graph of positive net cooperation — conflict separates, it does not
bind. Exports: GEXF, GraphML (Gephi, Cytoscape) and JSON (node-link, with each edge's event ids).
"""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

import networkx as nx

from communique.relations.index import EventIndex, event_index
from communique.relations.series import CONFLICTUAL, COOPERATIVE
from communique.store import Store

FORMATS = ("json", "gexf", "graphml")
SEED = 7


def alignment_network(store: Store | EventIndex, since: date | None = None, until: date | None = None,
                      *, seed: int = SEED) -> nx.Graph:
    """The alignment network of the window (see the module docstring)."""
    if since and until and since > until:
        raise ValueError(f"since ({since}) is after until ({until})")
    index = event_index(store)
    sql = ("SELECT event_id, quad_class, goldstein, actor_countries, recipient_countries FROM core "
           "WHERE day IS NOT NULL AND happened")
    params: list[Any] = []
    if since is not None:
        sql += " AND day >= ?"
        params.append(since)
    if until is not None:
        sql += " AND day <= ?"
        params.append(until)
    sql += " ORDER BY event_id"
    graph = nx.Graph(since=since.isoformat() if since else "", until=until.isoformat() if until else "")
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    degree: dict[str, int] = {}
    for event_id, quad, goldstein, actors, recipients in index.rows(sql, params):
        pairs = {tuple(sorted((s, d))) for s in actors or () for d in recipients or () if s != d}
        for u, v in pairs:
            edge = edges.setdefault((u, v), {"events": 0, "cooperative": 0, "conflictual": 0,
                                             "goldstein_sum": 0.0, "event_ids": []})
            edge["events"] += 1
            edge["cooperative"] += quad in COOPERATIVE
            edge["conflictual"] += quad in CONFLICTUAL
            edge["goldstein_sum"] += float(goldstein or 0.0)
            edge["event_ids"].append(event_id)
            degree[u] = degree.get(u, 0) + 1
            degree[v] = degree.get(v, 0) + 1
    for node in sorted(degree):
        graph.add_node(node, label=node, events=degree[node])
    for (u, v), e in sorted(edges.items()):
        graph.add_edge(u, v, weight=e["cooperative"] - e["conflictual"], events=e["events"],
                       cooperative=e["cooperative"], conflictual=e["conflictual"],
                       goldstein_mean=round(e["goldstein_sum"] / e["events"], 4), event_ids=e["event_ids"])
    _assign_blocs(graph, seed)
    return graph


def _assign_blocs(graph: nx.Graph, seed: int) -> None:
    positive = nx.Graph()
    positive.add_nodes_from(sorted(graph.nodes))
    positive.add_weighted_edges_from(
        (u, v, d["weight"]) for u, v, d in sorted(graph.edges(data=True)) if d["weight"] > 0
    )
    communities = nx.community.louvain_communities(positive, weight="weight", seed=seed)
    # Number blocs by size, then by their first member, so the numbering is stable too.
    ordered = sorted((sorted(c) for c in communities), key=lambda c: (-len(c), c[0]))
    for i, members in enumerate(ordered):
        for node in members:
            graph.nodes[node]["bloc"] = i


def network_json(graph: nx.Graph) -> dict[str, Any]:
    """The network as JSON-ready node-link data (edges keep their event ids for drill-down)."""
    return {
        "since": graph.graph.get("since") or None,
        "until": graph.graph.get("until") or None,
        "nodes": [{"id": n, **{k: v for k, v in d.items() if k != "label"}} for n, d in sorted(graph.nodes(data=True))],
        "edges": [{"source": u, "target": v, **d} for u, v, d in sorted(graph.edges(data=True))],
        "blocs": _blocs(graph),
    }


def _blocs(graph: nx.Graph) -> list[list[str]]:
    blocs: dict[int, list[str]] = {}
    for node, bloc in sorted(graph.nodes(data="bloc")):
        blocs.setdefault(int(bloc), []).append(node)
    return [blocs[k] for k in sorted(blocs)]


def _flat_copy(graph: nx.Graph) -> nx.Graph:
    """GEXF and GraphML hold scalars only: event ids are left out (use the JSON export for them)."""
    flat = nx.Graph()
    flat.add_nodes_from(graph.nodes(data=True))
    for u, v, d in graph.edges(data=True):
        flat.add_edge(u, v, **{k: val for k, val in d.items() if k != "event_ids"})
    return flat


def export_network(graph: nx.Graph, fmt: str) -> str:
    """The network as ``json``, ``gexf`` or ``graphml`` text."""
    if fmt == "json":
        return json.dumps(network_json(graph), ensure_ascii=False, indent=2) + "\n"
    buf = io.BytesIO()
    if fmt == "gexf":
        nx.write_gexf(_flat_copy(graph), buf)
    elif fmt == "graphml":
        nx.write_graphml(_flat_copy(graph), buf)
    else:
        raise ValueError(f"unknown network format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return buf.getvalue().decode("utf-8")
