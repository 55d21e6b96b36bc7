"""Relations over time: dyad series, the alignment network, trend statements and drill-down.

Library first; the ``dyad``/``network`` commands and the HTTP API call these functions::

    from communique.store import open_store
    from communique.relations import dyad_series, alignment_network, trend_statements, resolve_event

    store = open_store("corpus/")
    series = dyad_series(store, "IRN", "RUS", freq="month")          # periods × categories/quads
    series.periods[-1].cells["COOPERATE"]                              # → event ids
    resolve_event(store, event_id)                                     # → article, sentence, span
    dyad_months(store)                                                 # every dyad × month (Arrow table)
    graph = alignment_network(store)                                   # networkx graph with blocs
    trend_statements(store, "IRN", "RUS", freq="quarter")              # only what a test supports

Events are read once per store state into an in-memory snapshot (``index.py``).
"""

from __future__ import annotations

from communique.relations.drilldown import EventSource, cell_events, resolve_event
from communique.relations.index import EventIndex, event_index
from communique.relations.network import alignment_network, export_network, network_json
from communique.relations.series import DyadPeriod, DyadSeries, dyad_months, dyad_series
from communique.relations.trends import TrendStatement, trend_statements

__all__ = [
    "DyadPeriod", "DyadSeries", "EventIndex", "EventSource", "TrendStatement", "alignment_network",
    "cell_events", "dyad_months", "dyad_series", "event_index", "export_network", "network_json", "resolve_event",
    "trend_statements",
]
