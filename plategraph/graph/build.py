"""Trace records → the ``networkx.DiGraph`` of the graph contract (docs/design.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import networkx as nx

from ..tracing import TraceRecord, trace_model

__all__ = ["build_graph", "model_graph"]


def model_graph(model: Callable, *args: Any, **kwargs: Any) -> nx.DiGraph:
    """Trace ``model(*args, **kwargs)`` (seed 0) into the plategraph graph (docs/design.md).

    >>> g = model_graph(eight_schools, J, sigma, y=y)
    >>> list(g.edges(data="kind"))
    [('mu', 'theta', 'data'), ('tau', 'theta', 'data'), ('theta', 'obs', 'data')]
    """
    return build_graph(trace_model(model, args, kwargs))


def build_graph(record: TraceRecord) -> nx.DiGraph:
    """The contract graph of one traced model: a node per site, an edge per dependency.

    Nodes, edges and plates are added in trace order so every output made from the graph is
    deterministic.
    """
    graph = nx.DiGraph(name=record.name)
    graph.graph["plates"] = {
        p.name: {"size": p.size, "subsample_size": p.subsample_size, "dim": p.dim}
        for p in record.plates
    }
    for site in record.sites:
        graph.add_node(site.name, **site.node_attributes())
    for edge in record.edges:
        graph.add_edge(edge.parent, edge.child, kind=edge.kind, params=edge.params)
    return graph
