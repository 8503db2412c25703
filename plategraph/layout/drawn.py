"""The graph as drawn: the one place where drawing options turn the contract graph into the
graph every layout and output is made from."""

from __future__ import annotations

import networkx as nx

from ..exceptions import OptionError
from ..graph.collapse import collapse_families
from ..graph.views import visible_graph, with_data_nodes
from .options import DrawOptions

__all__ = ["collapsed_graph", "drawn_graph", "gate_edges", "shown_kinds", "view"]


def drawn_graph(graph: nx.DiGraph, options: DrawOptions) -> nx.DiGraph:
    """``graph`` as ``options`` draw it: loop families collapsed (``collapse``), the model's
    arguments added as data nodes (``data``), hidden kinds left out (``params``,
    ``deterministic``), an edge of kind ``"gate"`` from each gate to what it gates
    (``gate_edges``), and only the sites ``var_names`` asks for (``view``). The graph itself is
    never changed."""
    return shown_kinds(collapsed_graph(graph, options), options)


def collapsed_graph(graph: nx.DiGraph, options: DrawOptions) -> nx.DiGraph:
    """The first step of ``drawn_graph``: loop families collapsed when ``options`` ask."""
    return collapse_families(graph) if options.collapse else graph


def shown_kinds(collapsed: nx.DiGraph, options: DrawOptions) -> nx.DiGraph:
    """The second step of ``drawn_graph``: data nodes added, hidden kinds left out, gate edges
    added, the view taken."""
    shown = with_data_nodes(collapsed) if options.data else collapsed
    shown = gate_edges(visible_graph(shown, params=options.params,
                                     deterministic=options.deterministic))
    if options.var_names is not None:
        shown = view(shown, options.var_names, ancestors=options.ancestors)
    return shown


def _innermost(graph: nx.DiGraph, gates: tuple) -> list:
    """The gates of ``gates`` that no other of them depends on for existing: under ``if a: …
    if b: site``, ``b`` (gated by ``a``) and not ``a``."""
    shown = [g for g in gates if g in graph]
    inner = [g for g in shown
             if not any(g in (graph.nodes[h].get("gated_by") or ()) for h in shown if h != g)]
    return inner or shown[-1:]  # gates that gate each other: the last one decided


def gate_edges(graph: nx.DiGraph) -> nx.DiGraph:
    """The graph with an edge of kind ``"gate"`` from each site's innermost gates to it (a
    gate's own gates reach the site through the gate: ``a → b → site``). A control edge of the
    same pair becomes the gate edge; a data edge stays a data edge (the gated site is drawn
    dashed either way). Returns ``graph`` itself when nothing is gated."""
    pairs = [(gate, node) for node, gates in graph.nodes(data="gated_by")
             for gate in _innermost(graph, tuple(gates or ()))]
    if not pairs:
        return graph
    out = graph.copy()
    for gate, node in pairs:
        if not out.has_edge(gate, node) or out.edges[gate, node].get("kind") == "control":
            out.add_edge(gate, node, kind="gate", params=())
    return out


def view(graph: nx.DiGraph, names: tuple[str, ...], *, ancestors: bool = True) -> nx.DiGraph:
    """The part of a drawn graph that ``var_names`` asks for: the named sites and, with
    ``ancestors``, every node they depend on (through data, control and gate edges); data nodes
    only where they feed a site kept. A member of a collapsed family names the family
    (``obs_3`` → ``obs_j``). An unknown name is an ``OptionError`` naming it."""
    by_name: dict[str, object] = {str(n): n for n, kind in graph.nodes(data="kind")
                                  if kind != "data"}
    for node, members in graph.nodes(data="members"):
        for member in members or ():
            by_name.setdefault(str(member), node)
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise OptionError(f"var_names: no site named {', '.join(map(repr, unknown))} in model "
                          f"{graph.graph.get('name') or 'model'!r} (as drawn: hidden params "
                          f"and deterministic sites cannot be named)")
    keep = {by_name[n] for n in names}
    if ancestors:
        for node in list(keep):
            keep |= nx.ancestors(graph, node)
    keep |= {n for n, kind in graph.nodes(data="kind")
             if kind == "data" and any(c in keep for c in graph.successors(n))}
    # built in trace order: a networkx subgraph iterates its nodes in the order of a set
    out = nx.DiGraph()
    out.graph.update(graph.graph)
    out.add_nodes_from((n, d) for n, d in graph.nodes(data=True) if n in keep)
    out.add_edges_from((a, b, d) for a, b, d in graph.edges(data=True) if a in keep and b in keep)
    return out
