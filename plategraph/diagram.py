"""The result users hold: a drawn graph with its DOT source, rendering, saving and display."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import networkx as nx

from .collapse import collapse_families
from .dot import to_dot, visible_graph, with_data_nodes
from .exceptions import DotNotFoundError
from .geometry import Layout
from .layout import lay_out
from .render import check_format, format_for_path, pipe, write_atomic

__all__ = ["Diagram", "draw"]


class Diagram:
    """A plate diagram: ``.graph`` (what is drawn), ``.source`` (DOT), ``.pipe()``, ``.save()``.

    In Jupyter it displays itself as SVG (``_repr_mimebundle_``). Every format is drawn from
    one layout (``.layout``): ``dot``'s own, or plategraph's where ``dot`` cannot draw the figure
    truthfully (crossed plates, an edge through a plate label); then ``.source`` pins every
    position and is drawn by ``neato -n2``.
    """

    def __init__(self, graph: nx.DiGraph, source: str, *, engine: str = "dot",
                 settle: tuple[nx.DiGraph, dict[str, Any]] | None = None) -> None:
        self.graph = graph
        self._source = source
        self._engine = engine
        # (graph as drawn, options) while the layout is not known yet: `source` is dot's DOT
        self._settle_from = settle
        self._layout: Layout | None = None
        self._rendered: dict[str, bytes] = {}
        self._svg: str | None = None

    def _settle(self, fmt: str | None, *, always: bool = True) -> None:
        """Lay the diagram out, once; a graphviz run for ``fmt`` on the way is kept. Without
        ``always``, a diagram without plates is left to ``dot`` alone: there is nothing in it
        that plategraph would place differently."""
        if self._settle_from is None:
            return
        shown, options = self._settle_from
        if not always and not any(plates for _, plates in shown.nodes(data="plates")):
            return
        drawing, rendered = lay_out(shown, options, render=fmt, source=self._source)
        self._settle_from = None
        self._layout, self._source, self._engine = drawing.layout, drawing.source, drawing.engine
        if rendered is not None and fmt is not None:
            self._rendered[fmt] = rendered

    @property
    def source(self) -> str:
        """The DOT text that draws the diagram (without graphviz installed: ``dot``'s input)."""
        try:
            self._settle("svg", always=False)
        except DotNotFoundError:
            pass
        return self._source

    @source.setter
    def source(self, text: str) -> None:
        """DOT text of your own: drawn as it is, by the diagram's engine, from now on."""
        self._settle_from = None
        self._rendered.clear()
        self._svg = None
        self._source = text

    @property
    def engine(self) -> str:
        """``"dot"`` when ``dot`` lays ``.source`` out, ``"neato"`` when it is pinned."""
        self._settle("svg", always=False)
        return self._engine

    @property
    def layout(self) -> Layout:
        """The layout every format is drawn from (``plategraph.layout``)."""
        self._settle(None)
        if self._layout is None:
            raise RuntimeError("this Diagram was made without a layout")
        return self._layout

    def pipe(self, format: str = "svg") -> bytes:  # noqa: A002  (graphviz's own name for it)
        """The diagram rendered as ``format`` (svg, png, pdf or dot) bytes."""
        fmt = check_format(format)
        if fmt == "dot":
            return self.source.encode("utf-8")
        self._settle(fmt, always=False)
        if fmt in self._rendered:
            return self._rendered[fmt]
        return pipe(self._source, fmt, engine=self._engine)

    def save(self, path: str | os.PathLike[str], *, format: str | None = None) -> Path:  # noqa: A002
        """Write the diagram to ``path`` (format from its suffix unless given), atomically:
        a failed render leaves whatever was at ``path`` untouched."""
        fmt = check_format(format) if format else format_for_path(path)
        return write_atomic(path, self.pipe(fmt))

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        if self._svg is None:
            self._svg = self.pipe("svg").decode("utf-8")
        return {"image/svg+xml": self._svg, "text/plain": repr(self)}

    def __repr__(self) -> str:
        name = self.graph.graph.get("name") or "model"
        return (f"<plategraph.Diagram of {name!r}: {self.graph.number_of_nodes()} nodes, "
                f"{self.graph.number_of_edges()} edges>")


def draw(graph: nx.DiGraph, *, theme: str | Mapping[str, Any] = "notebook", rankdir: str = "TB",
         params: bool = False, deterministic: bool = True, distributions: bool = False,
         labels: str = "plain", collapse: bool = True, data: bool = False) -> Diagram:
    """Draw a plategraph graph (from ``model_graph``) as a plate diagram.

    - ``theme``: ``"notebook"``, ``"paper"`` (monochrome, serif), or a dict of graphviz attributes
      per key (``latent``, ``observed``, ``deterministic``, ``param``, ``factor``, ``data``,
      ``gated``, ``control``, ``plate``, ``graph``, ``node``, ``edge``; ``base`` names the theme
      to update).
    - ``params``: show ``numpyro.param`` sites; ``deterministic``: show deterministic sites (when
      hidden, their parents point to their children).
    - ``distributions``: label nodes ``a ~ Normal(mu, 1)``; ``labels="math"``: ``sigma_a`` → σₐ.
    - ``collapse``: draw site families from Python loops (``obs_0 … obs_99``) as one node in a
      plate (see ``collapse_families``).
    - ``data``: draw the model's arguments that feed sites as ``"data"`` nodes (rectangles) with
      data edges into those sites (from the nodes' ``data_args``; ``.graph`` stays sites only).

    >>> draw(model_graph(model, x, y=y), labels="math").save("model.svg")
    """
    shown = collapse_families(graph) if collapse else graph
    source = to_dot(shown, theme=theme, rankdir=rankdir, params=params,
                    deterministic=deterministic, distributions=distributions, labels=labels,
                    data=data)
    options = {"theme": theme, "rankdir": rankdir, "params": params,
               "deterministic": deterministic, "distributions": distributions,
               "labels": labels, "collapse": collapse, "data": data}
    drawn = visible_graph(with_data_nodes(shown) if data else shown, params=params,
                          deterministic=deterministic)
    return Diagram(shown, source, settle=(drawn, options))
