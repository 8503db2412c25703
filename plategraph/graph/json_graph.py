"""The graph as JSON and back: node-link data (networkx's format) with the contract's tuples kept.

>>> text = to_json(model_graph(model, x))
>>> from_json(text).nodes["obs"]["plates"]
('N',)
"""

from __future__ import annotations

import json
from typing import Any

import networkx as nx

__all__ = ["from_json", "to_json"]

# Attributes the contract (and drawing) keeps as tuples; JSON has only lists.
_NODE_TUPLES = ("plates", "shape", "event_shape", "gated_by", "members")
_EDGE_TUPLES = ("params",)


def _plain(value: Any) -> Any:
    """What JSON cannot hold as it is: numpy/JAX scalars become numbers, anything else text."""
    item = getattr(value, "item", None)
    if callable(item):
        try:
            return item()
        except (TypeError, ValueError):
            pass
    return str(value)


def to_json(graph: nx.DiGraph, *, indent: int | None = 2) -> str:
    """The graph as JSON: ``{"graph": {"name", "plates"}, "nodes": [...], "edges": [...]}``.

    Nodes and edges keep trace order and all their attributes (``id`` is the site name;
    ``source``/``target`` on edges).
    """
    data = nx.node_link_data(graph, edges="edges")
    return json.dumps(data, indent=indent, ensure_ascii=False, default=_plain) + "\n"


def from_json(text: str) -> nx.DiGraph:
    """A graph of the contract from ``to_json`` text: the tuples come back as tuples."""
    graph = nx.node_link_graph(json.loads(text), directed=True, edges="edges")
    for _, data in graph.nodes(data=True):
        for key in _NODE_TUPLES:
            if isinstance(data.get(key), list):
                data[key] = tuple(data[key])
        if isinstance(data.get("dist_args"), list):
            data["dist_args"] = tuple(tuple(pair) for pair in data["dist_args"])
        if isinstance(data.get("data_args"), dict):
            data["data_args"] = {k: tuple(v) for k, v in data["data_args"].items()}
        if isinstance(data.get("transforms"), list):
            data["transforms"] = tuple(data["transforms"])
    for _, _, data in graph.edges(data=True):
        for key in _EDGE_TUPLES:
            if isinstance(data.get(key), list):
                data[key] = tuple(data[key])
    return graph
