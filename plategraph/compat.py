"""Drop-ins for ``numpyro.render_model`` and ``numpyro.infer.inspect.get_model_relations``.

Switch by one import: ``from plategraph import render_model, get_model_relations``. Where we
deliberately differ from NumPyro (see the README): parents found through Python control flow are
included; scan sites are in a ``time`` plate; crossed plates are listed as they are, never cloned
(no ``__CLONE`` plates); distribution names are the user-facing ones (``Bernoulli``, not
``BernoulliProbs``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import graphviz
import networkx as nx

from .collapse import collapse_families
from .dot import dot_lines
from .render import format_for_path, pipe, write_output

__all__ = ["get_model_relations", "render_model", "relations_from_graph"]

_SAMPLE_KINDS = ("latent", "observed", "factor", "deterministic")


def relations_from_graph(graph: nx.DiGraph) -> dict[str, Any]:
    """NumPyro's model-relations dict computed from a plategraph graph."""
    sample_sites = [n for n, k in graph.nodes(data="kind") if k in _SAMPLE_KINDS]
    params = [n for n, k in graph.nodes(data="kind") if k == "param"]
    order = {n: i for i, n in enumerate(graph.nodes)}

    def parents(node: str, kinds: tuple[str, ...]) -> list[str]:
        found = [p for p in graph.predecessors(node)
                 if p != node and graph.nodes[p]["kind"] in kinds]
        return sorted(found, key=order.__getitem__)

    def dist_name(node: str) -> str:
        kind = graph.nodes[node]["kind"]
        if kind == "deterministic":
            return "Deterministic"
        if kind == "factor":
            return "Unit"
        return graph.nodes[node]["distribution"]

    return {
        "sample_sample": {n: parents(n, _SAMPLE_KINDS) for n in sample_sites},
        "sample_param": {n: parents(n, ("param",)) for n in sample_sites},
        "sample_dist": {n: dist_name(n) for n in sample_sites},
        "param_constraint": {n: graph.nodes[n].get("constraint") or "" for n in params},
        "plate_sample": {
            plate: [n for n in sample_sites if plate in graph.nodes[n]["plates"]]
            for plate in graph.graph.get("plates", {})
        },
        "observed": [n for n in sample_sites if graph.nodes[n]["kind"] in ("observed", "factor")],
    }


def get_model_relations(model: Callable, model_args: tuple | None = None,
                        model_kwargs: dict | None = None) -> dict[str, Any]:
    """Same signature and dict shape as ``numpyro.infer.inspect.get_model_relations``."""
    from .tracing import model_graph

    graph = model_graph(model, *(model_args or ()), **(model_kwargs or {}))
    return relations_from_graph(graph)


def render_model(model: Callable, model_args: tuple | None = None,
                 model_kwargs: dict | None = None, filename: str | os.PathLike[str] | None = None,
                 render_distributions: bool = False, render_params: bool = False
                 ) -> graphviz.Digraph:
    """Same signature and return type as ``numpyro.render_model``: a ``graphviz.Digraph``.

    With ``filename`` the diagram is also written there (format from the suffix), atomically.
    """
    from .tracing import model_graph

    graph = collapse_families(model_graph(model, *(model_args or ()), **(model_kwargs or {})))
    lines = dot_lines(graph, distributions=render_distributions, params=render_params)
    digraph = graphviz.Digraph(name=graph.graph.get("name"), body=[f"\t{x}\n" for x in lines])
    if filename is not None:
        write_output(filename, pipe(digraph.source, format_for_path(filename)))
    return digraph
