"""Trace records → the ``networkx.DiGraph`` of the graph contract (docs/design.md)."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

import networkx as nx

from ..tracing import TraceRecord, trace_model
from ..tracing.computation import Computation

__all__ = ["build_graph", "model_alternatives", "model_call", "model_computation", "model_graph"]

# graph → (model, args, kwargs) it was traced from and the computation recorded meanwhile (what
# ``model_spec`` reads). Kept beside the graph, not in it, so the graph's attributes (and JSON)
# stay those of the contract.
_CALLS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def model_graph(model: Callable, *args: Any, **kwargs: Any) -> nx.DiGraph:
    """Trace ``model(*args, **kwargs)`` (seed 0) into the plategraph graph (docs/design.md).

    >>> g = model_graph(eight_schools, J, sigma, y=y)
    >>> list(g.edges(data="kind"))
    [('mu', 'theta', 'data'), ('tau', 'theta', 'data'), ('theta', 'obs', 'data')]
    """
    record = trace_model(model, args, kwargs)
    graph = build_graph(record)
    _CALLS[graph] = (model, args, kwargs, record.recorded, record.alternatives)
    return graph


def model_call(graph: nx.DiGraph) -> tuple[Callable, tuple, dict] | None:
    """``(model, args, kwargs)`` of a graph ``model_graph`` made, else None (a graph read
    from JSON, a copy, a view)."""
    found = _CALLS.get(graph)
    return found[:3] if found is not None else None


def model_computation(graph: nx.DiGraph) -> Computation | None:
    """The computation recorded while ``model_graph`` traced the graph's model
    (``tracing.computation``), else None (a graph read from JSON, a copy, a view)."""
    found = _CALLS.get(graph)
    return found[3].finish() if found is not None and found[3] is not None else None


def model_alternatives(graph: nx.DiGraph) -> tuple[str, list[tuple[Any, Computation]]] | None:
    """In a model whose Python decided on one sampled site with a finite support, that site
    and each of its values with the computation the run at that value recorded (every way the
    model can run, the graph's own run among them); else None."""
    found = _CALLS.get(graph)
    if found is None or found[4] is None:
        return None
    decider, runs = found[4]
    return decider, [(value, recorded.finish()) for value, recorded in runs]


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
