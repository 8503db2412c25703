"""The graph as drawn: the one place where drawing options turn the contract graph into the
graph every layout and output is made from."""

from __future__ import annotations

import networkx as nx

from ..graph.collapse import collapse_families
from ..graph.views import visible_graph, with_data_nodes
from .options import DrawOptions

__all__ = ["collapsed_graph", "drawn_graph", "shown_kinds"]


def drawn_graph(graph: nx.DiGraph, options: DrawOptions) -> nx.DiGraph:
    """``graph`` as ``options`` draw it: loop families collapsed (``collapse``), the model's
    arguments added as data nodes (``data``), hidden kinds left out (``params``,
    ``deterministic``). The graph itself is never changed."""
    return shown_kinds(collapsed_graph(graph, options), options)


def collapsed_graph(graph: nx.DiGraph, options: DrawOptions) -> nx.DiGraph:
    """The first step of ``drawn_graph``: loop families collapsed when ``options`` ask."""
    return collapse_families(graph) if options.collapse else graph


def shown_kinds(collapsed: nx.DiGraph, options: DrawOptions) -> nx.DiGraph:
    """The second step of ``drawn_graph``: data nodes added, hidden kinds left out."""
    shown = with_data_nodes(collapsed) if options.data else collapsed
    return visible_graph(shown, params=options.params, deterministic=options.deterministic)
