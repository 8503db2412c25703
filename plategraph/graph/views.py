"""Pure graph → graph views: data nodes for model arguments, hidden kinds left out."""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

__all__ = ["DataNode", "merge_edge", "visible_graph", "with_data_nodes"]


def merge_edge(graph: nx.DiGraph, parent: object, child: object, *, kind: str,
               params: tuple[str, ...]) -> None:
    """Add the edge ``parent → child``, or merge into the one already there: its parameters
    joined in order, each once, and a data edge winning over a control edge."""
    if graph.has_edge(parent, child):
        edge = graph.edges[parent, child]
        edge["params"] = tuple(dict.fromkeys((*edge.get("params", ()), *params)))
        if kind == "data":
            edge["kind"] = "data"
    else:
        graph.add_edge(parent, child, kind=kind, params=tuple(params))


@dataclass(frozen=True)
class DataNode:
    """A model argument drawn as a node of its own (never equal to a site name)."""

    name: str

    def __str__(self) -> str:
        return self.name


def with_data_nodes(graph: nx.DiGraph) -> nx.DiGraph:
    """The graph with a ``"data"`` node for each model argument that feeds a site's parameters
    (the sites' ``data_args``; an observed value, ``"obs"``, is the site itself and adds none),
    first, in order of first use, with a data edge into each site it reaches. A data node sits
    in the plates all the sites it feeds share (``x`` of a regression in ``N``)."""
    uses: dict[str, list[tuple[str, str]]] = {}
    for node, data_args in graph.nodes(data="data_args"):
        for param, names in (data_args or {}).items():
            if param == "obs":
                continue
            for name in names:
                uses.setdefault(name, []).append((node, param))
    if not uses:
        return graph
    out = nx.DiGraph()
    out.graph.update(graph.graph)
    for name, fed in uses.items():
        shared = [set(graph.nodes[node].get("plates") or ()) for node, _ in fed]
        first = graph.nodes[fed[0][0]].get("plates") or ()
        plates = tuple(p for p in first if all(p in s for s in shared))
        out.add_node(DataNode(name), kind="data", plates=plates, distribution=None,
                     gated_by=())
    out.add_nodes_from(graph.nodes(data=True))
    out.add_edges_from(graph.edges(data=True))
    for name, fed in uses.items():
        for node, param in fed:
            merge_edge(out, DataNode(name), node, kind="data", params=(param,))
    return out


def visible_graph(graph: nx.DiGraph, *, params: bool, deterministic: bool) -> nx.DiGraph:
    """The graph without hidden kinds; a hidden deterministic's parents feed its children.

    A hidden param site is still named where it feeds a site: a parameter that *is* its value
    keeps it in ``param_sources``, and ``hidden_params`` (``{param: (param site, …)}``) lists
    the hidden param sites each parameter is computed from, so a distribution reads
    ``Normal(f(w), noise)``, not ``Normal(…, …)``."""
    hidden = {n for n, k in graph.nodes(data="kind")
              if (k == "param" and not params) or (k == "deterministic" and not deterministic)}
    if not hidden:
        return graph
    out = nx.DiGraph()
    out.graph.update(graph.graph)
    for n, d in graph.nodes(data=True):
        if n in hidden:
            continue
        sources = d.get("param_sources")
        if sources and any(source in hidden for source in sources.values()):
            # a parameter that is a hidden deterministic's value is a function of that site's
            # parents; a hidden param site is a value of its own, still named
            d = {**d, "param_sources": {
                param: source for param, source in sources.items()
                if source not in hidden or graph.nodes[source].get("kind") == "param"}}
        fed: dict[str, list[str]] = {}
        for parent, _, edge in graph.in_edges(n, data=True):
            if parent in hidden and graph.nodes[parent].get("kind") == "param":
                for param in edge.get("params", ()):
                    fed.setdefault(param, []).append(str(parent))
        if fed:
            d = {**d, "hidden_params": {p: tuple(names) for p, names in fed.items()}}
        out.add_node(n, **d)
    for a, b, d in graph.edges(data=True):
        if a not in hidden and b not in hidden:
            out.add_edge(a, b, **d)
    for a, b, d in graph.edges(data=True):
        if a in hidden or b not in hidden:
            continue
        # a → hidden deterministic → … → c becomes a → c
        stack, seen = [b], set()
        while stack:
            m = stack.pop()
            for _, c, dc in graph.out_edges(m, data=True):
                if c in seen:
                    continue
                seen.add(c)
                if c in hidden:
                    stack.append(c)
                    continue
                kind = "data" if d.get("kind") == dc.get("kind") == "data" else "control"
                merge_edge(out, a, c, kind=kind, params=tuple(dc.get("params", ())))
    return out
