"""The computed parameters a drawing writes out: the model's specification printed for the
distribution labels (``spec.labels``), put on the drawn graph as plain text. SymPy is imported
only when a drawing shows distributions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx

from ..graph.build import model_call
from ..layout.options import DrawOptions

__all__ = ["expression_texts", "with_expressions"]


def expression_texts(graph: nx.DiGraph, options: DrawOptions
                     ) -> dict[str, dict[str, dict[str, str]]]:
    """The label texts of the computed parameters that ``options`` write out (``expressions``)
    when they show distributions: the model's specification printed, per site, parameter and
    dialect (``spec.labels.expression_labels``). Empty without distributions, with
    ``expressions="never"``, and for a graph that does not know its model (read from JSON,
    built by hand): SymPy is imported only here, when asked."""
    if not options.distributions or options.expressions == "never" \
            or model_call(graph) is None:
        return {}
    from ..spec.labels import expression_labels

    return expression_labels(graph, always=options.expressions == "always",
                             mathtext=options.paper)


def with_expressions(shown: nx.DiGraph, expressions: Mapping[str, Any]) -> nx.DiGraph:
    """A drawn graph whose nodes carry their ``expression_labels`` (the labels write them in
    place of ``f(…)``); ``shown`` itself when there are none, else a copy."""
    if not any(node in expressions for node in shown):
        return shown
    out = shown.copy()
    for node in out:
        if node in expressions:
            out.nodes[node]["expression_labels"] = expressions[node]
    return out
