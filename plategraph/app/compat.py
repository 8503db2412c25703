"""Drop-ins for ``numpyro.render_model`` and ``numpyro.infer.inspect.get_model_relations``.

Switch by one import: ``from plategraph import render_model, get_model_relations``. The
relations are NumPyro's dict, names and all (``BernoulliProbs``, ``items__CLONE`` plates), made
here from the graph and nowhere else; where NumPyro's dependencies are wrong (scan, Python
control flow, per-output ``cond``/``while``) they are plategraph's (docs/numpyro.md).
``render_model`` draws plategraph's diagram (``draw``'s, crossed plates as overlapping
rectangles) and returns it as a ``graphviz.Digraph``, as NumPyro does.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import graphviz
import networkx as nx

from ..exceptions import DotNotFoundError

if TYPE_CHECKING:
    from .diagram import Diagram

__all__ = ["PlateDigraph", "get_model_relations", "numpyro_plates", "relations_from_graph",
           "render_model"]

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
    from ..graph.build import model_graph

    graph = model_graph(model, *(model_args or ()), **(model_kwargs or {}))
    return relations_from_graph(graph)


class PlateDigraph(graphviz.Digraph):
    """The ``graphviz.Digraph`` that ``render_model`` returns: plategraph's drawing as DOT.

    Where plategraph placed the figure itself (crossed plates as overlapping rectangles, an
    edge routed around a plate label) the DOT gives every position and ``engine`` is
    ``"neato"``; ``pipe``, ``render``, ``view`` and the notebook display then run
    ``neato -n2``, which draws it as it is (pass ``neato_no_op`` to choose otherwise).
    Otherwise it is ``dot``'s DOT with plates as clusters, as any ``Digraph``.

    Until the graph is changed, ``pipe`` to SVG, PNG or PDF (and so the notebook display) is
    the ``Diagram``'s: the run of graphviz that laid the diagram out has drawn it already, and
    its SVG names nodes by their sites.
    """

    def __init__(self, *args: Any, diagram: Diagram | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # the diagram this DOT draws, while source and engine are still the ones it gave
        self._diagram = None if diagram is None else (diagram, self.source, self.engine)

    def _no_op(self, engine: str | None, neato_no_op: bool | int | None) -> bool | int | None:
        if neato_no_op is None and (engine or self.engine) == "neato":
            return 2
        return neato_no_op

    def pipe(self, format: str | None = None,  # noqa: A002  (graphviz's own names)
             renderer: str | None = None, formatter: str | None = None,
             neato_no_op: bool | int | None = None, quiet: bool = False, *,
             engine: str | None = None, encoding: str | None = None) -> bytes | str:
        fmt = format or self.format
        if (self._diagram is not None and fmt in ("svg", "png", "pdf")
                and renderer is formatter is neato_no_op is None
                and engine in (None, self.engine) and self._diagram[1:] == (self.source,
                                                                            self.engine)):
            data = self._diagram[0].pipe(fmt)
            return data if encoding is None else data.decode(encoding)
        return super().pipe(format, renderer=renderer, formatter=formatter,
                            neato_no_op=self._no_op(engine, neato_no_op), quiet=quiet,
                            engine=engine, encoding=encoding)

    def render(self, filename: str | os.PathLike[str] | None = None,
               directory: str | os.PathLike[str] | None = None, view: bool = False,
               cleanup: bool = False, format: str | None = None,  # noqa: A002
               renderer: str | None = None, formatter: str | None = None,
               neato_no_op: bool | int | None = None, quiet: bool = False,
               quiet_view: bool = False, *, outfile: str | os.PathLike[str] | None = None,
               engine: str | None = None, raise_if_result_exists: bool = False,
               overwrite_source: bool = False) -> str:
        return super().render(filename, directory=directory, view=view, cleanup=cleanup,
                              format=format, renderer=renderer, formatter=formatter,
                              neato_no_op=self._no_op(engine, neato_no_op), quiet=quiet,
                              quiet_view=quiet_view, outfile=outfile, engine=engine,
                              raise_if_result_exists=raise_if_result_exists,
                              overwrite_source=overwrite_source)


def render_model(model: Callable, model_args: tuple | None = None,
                 model_kwargs: dict | None = None, filename: str | os.PathLike[str] | None = None,
                 render_distributions: bool = False, render_params: bool = False
                 ) -> graphviz.Digraph:
    """Same signature and return type as ``numpyro.render_model``: a ``graphviz.Digraph``
    (a ``PlateDigraph``) holding ``plategraph.draw``'s diagram, crossed plates as overlapping
    rectangles.

    With ``filename`` the diagram is also written there (format from the suffix), atomically.
    """
    from ..graph.build import model_graph
    from .diagram import draw

    graph = model_graph(model, *(model_args or ()), **(model_kwargs or {}))
    diagram = draw(graph, distributions=render_distributions, params=render_params)
    drawn: Diagram | None = diagram
    try:
        engine = diagram.engine  # lays the diagram out: "neato" when every position is pinned
    except DotNotFoundError:
        # no graphviz here: dot's DOT for wherever it is rendered, and graphviz's own errors
        engine, drawn = "dot", None
    # the statements between `digraph name {` and `}` (layout/dot.py writes each on a line)
    body = [f"{line}\n" for line in diagram.source.splitlines()[1:-1]]
    digraph = PlateDigraph(name=graph.graph.get("name"), body=body, engine=engine,
                           diagram=drawn)
    if filename is not None:
        diagram.save(filename)
    return digraph
