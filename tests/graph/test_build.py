"""Building the contract graph from trace records: a `networkx.DiGraph` in trace order."""

from __future__ import annotations

import networkx as nx

from plategraph.tracing.records import Edge, Plate, Site


def test_build_graph_keeps_trace_order(make_graph):
    g = make_graph([Site("b", "latent"), Site("a", "latent")], [Edge("b", "a")],
                   plates=[Plate("P", 2)])
    assert list(g.nodes) == ["b", "a"] and isinstance(g, nx.DiGraph)
    assert g.graph["plates"] == {"P": {"size": 2, "subsample_size": None, "dim": None}}
