"""Pure: which drawings need the model's expressions at all.

A distribution label writes a computed parameter out (``a_j + b·x_i``) only where the spec
stage gave it the expression's text, and the spec stage (SymPy, the specification of every
site) costs a big model more than its drawing. ``reads_expressions`` says, from the graphs
alone, whether a drawing may write one, so that the app asks for expressions only then.
"""

from __future__ import annotations

import networkx as nx

from .labels import distribution_parts, value_parts

__all__ = ["computed_params", "reads_expressions"]


def computed_params(graph: nx.DiGraph, node: str) -> list[str]:
    """The parameters a node's label writes as computed from others (``f(u, v)``, or the
    expression the drawing gives it; ``"value"`` for a deterministic site): the only ones
    that read a node's ``expression_labels``."""
    found = distribution_parts(graph, node)
    if found is not None:
        params = [param for param, _ in graph.nodes[node].get("dist_args", ())]
        return [param for param, arg in zip(params, found[1]) if arg[0] in ("f", "expression")]
    value = value_parts(graph, node)
    return ["value"] if value is not None and value[0] in ("f", "expression") else []


def reads_expressions(graph: nx.DiGraph, shown: nx.DiGraph) -> bool:
    """Whether ``shown``, a drawing of ``graph`` (``model_graph``'s), may write a computed
    parameter's expression. An expression is written only where every site it names is
    drawn, and it names only sites its parameter is computed from (in ``graph``: the parents
    feeding it and their ancestors): so a parameter needs none when it reads sites and all
    of them are hidden, as the sum over a collapsed chain reads the family's sites (drawn
    ``f(x_j)``); one computed from data and constants alone, or from its own previous value,
    may be written. An expression that cancels every site it reads (``x - x``) would be
    written as what is left where those sites are drawn, ``f(x_j)`` where they are not."""
    drawn = set(shown)
    for node in shown:
        if node not in graph:
            continue
        for param in computed_params(shown, node):
            read = {parent for parent, _, edge in graph.in_edges(node, data=True)
                    if param in edge.get("params", ())}
            if not read or node in read or _reaches(graph, read, drawn):
                return True
    return False


def _reaches(graph: nx.DiGraph, nodes: set, drawn: set) -> bool:
    """Whether ``nodes`` or any of their ancestors in ``graph`` is ``drawn``."""
    seen, stack = set(nodes), list(nodes)
    while stack:
        node = stack.pop()
        if node in drawn:
            return True
        for parent in graph.predecessors(node):
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return False
