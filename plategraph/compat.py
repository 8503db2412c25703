"""Drop-ins for ``numpyro.render_model`` and ``numpyro.infer.inspect.get_model_relations``.

Switch by one import: ``from plategraph import render_model, get_model_relations``. The
relations are NumPyro's dict, names and all (``BernoulliProbs``, ``items__CLONE`` plates), made
here from the graph and nowhere else; where NumPyro's dependencies are wrong (scan, Python
control flow, per-output ``cond``/``while``) they are plategraph's (README, "Drop-ins").
``render_model`` draws plategraph's diagram.
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

__all__ = ["get_model_relations", "numpyro_plates", "relations_from_graph", "render_model"]

_SAMPLE_KINDS = ("latent", "observed", "factor", "deterministic")  # NumPyro's sample sites
_CLONE = "__CLONE"


def numpyro_plates(plate_sites: dict[str, list[str]]) -> dict[str, list[str]]:
    """NumPyro's plate → sites map from the real one: it clones crossed plates.

    While two plates ``p``, ``q`` (the first such pair in plate order) cross, that is share
    some sites and each have sites of their own, ``q`` keeps the shared sites and a plate
    ``q__CLONE`` takes ``q``'s others, as ``numpyro.infer.inspect`` does. Sites keep their order.
    (Each split replaces a plate's sites by two smaller parts, so this ends.)
    """
    members = {plate: list(sites) for plate, sites in plate_sites.items()}
    while True:
        crossed = next(((p, q) for p in members for q in members
                        if _crosses(members[p], members[q])), None)
        if crossed is None:
            return members
        p, q = crossed
        inside = set(members[p])
        members[q], members[q + _CLONE] = ([s for s in members[q] if s in inside],
                                           [s for s in members[q] if s not in inside])


def _crosses(a: list[str], b: list[str]) -> bool:
    shared = set(a) & set(b)
    return bool(shared) and len(shared) < len(set(a)) and len(shared) < len(set(b))


def relations_from_graph(graph: nx.DiGraph) -> dict[str, Any]:
    """NumPyro's model-relations dict computed from a plategraph graph.

    Lists follow trace order, which is NumPyro's order everywhere except ``sample_param`` with
    several params, where NumPyro's is the iteration order of a set (it changes from process to
    process).
    """
    sample_sites = [n for n, k in graph.nodes(data="kind") if k in _SAMPLE_KINDS]
    params = [n for n, k in graph.nodes(data="kind") if k == "param"]
    order = {n: i for i, n in enumerate(graph.nodes)}

    def parents(node: str, kinds: tuple[str, ...]) -> list[str]:
        found = [p for p in graph.predecessors(node)
                 if p != node and graph.nodes[p]["kind"] in kinds]
        return sorted(found, key=order.__getitem__)

    def dist_name(node: str) -> str:
        data = graph.nodes[node]
        if data["kind"] == "deterministic":
            return "Deterministic"
        return data.get("distribution_class") or data["distribution"] or "Unit"

    plate_sites = {plate: [n for n in sample_sites if plate in graph.nodes[n]["plates"]]
                   for plate in graph.graph.get("plates", {})}
    return {
        "sample_sample": {n: parents(n, _SAMPLE_KINDS) for n in sample_sites},
        "sample_param": {n: parents(n, ("param",)) for n in sample_sites},
        "sample_dist": {n: dist_name(n) for n in sample_sites},
        "param_constraint": {n: graph.nodes[n].get("constraint") or "" for n in params},
        "plate_sample": numpyro_plates(plate_sites),
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
