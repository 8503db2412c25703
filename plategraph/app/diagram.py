"""The result users hold: a drawn graph with its DOT source, rendering, saving and display."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import networkx as nx

from ..exceptions import DotNotFoundError, OptionError
from ..graph.collapse import collapse_families
from ..graph.plates import plate_tree
from ..graph.views import visible_graph, with_data_nodes
from ..layout.dot import to_dot
from ..layout.engine import lay_out
from ..layout.geometry import Layout
from ..layout.graphviz import pipe
from ..layout.options import DEFAULT_TIMEOUT, check_format, format_for_path
from ..layout.themes import is_paper
from .files import write_output

__all__ = ["Diagram", "draw"]


class Diagram:
    """A plate diagram: ``.graph`` (what is drawn), ``.source`` (DOT), ``.pipe()``, ``.save()``.

    In Jupyter it displays itself as SVG (``_repr_mimebundle_``). Every format is drawn from
    one layout (``.layout``): ``dot``'s own, or plategraph's where ``dot`` cannot draw the figure
    truthfully (crossed plates, an edge through a plate label); then ``.source`` pins every
    position and is drawn by ``neato -n2``. With the paper theme SVG, PNG and PDF are the paper
    figure, drawn by matplotlib from that layout; ``tex`` is always the paper figure as TikZ.
    """

    def __init__(self, graph: nx.DiGraph, source: str, *, engine: str = "dot",
                 settle: tuple[nx.DiGraph, dict[str, Any]] | None = None,
                 options: Mapping[str, Any] | None = None) -> None:
        self.graph = graph
        # draw's options as asked (labels None: the theme's default), width, dpi, font
        self.options: dict[str, Any] = dict(options or {})
        self._source = source
        self._engine = engine
        # (graph as drawn, options) while the layout is not known yet: `source` is dot's DOT
        self._settle_from = settle
        self._layout: Layout | None = None
        self._rendered: dict[str, bytes] = {}
        self._svg: str | None = None

    def _settle(self, fmt: str | None, *, always: bool = True,
                timeout: float | None = DEFAULT_TIMEOUT) -> None:
        """Lay the diagram out, once; a graphviz run for ``fmt`` on the way is kept. Without
        ``always``, a diagram without plates is left to ``dot`` alone: there is nothing in it
        that plategraph would place differently."""
        if self._settle_from is None:
            return
        shown, options = self._settle_from
        if not always and not any(plates for _, plates in shown.nodes(data="plates")):
            return
        drawing, rendered = lay_out(shown, options, render=fmt, source=self._source,
                                    timeout=timeout)
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

    def pipe(self, format: str = "svg", *,  # noqa: A002  (graphviz's own name for it)
             timeout: float | None = DEFAULT_TIMEOUT) -> bytes:
        """The diagram rendered as ``format`` (svg, png, pdf, dot or tex) bytes; graphviz is
        stopped after ``timeout`` seconds (None: no limit) with a RenderError."""
        fmt = check_format(format)
        if fmt == "dot":
            return self.source.encode("utf-8")
        if fmt == "tex":
            return self._tikz().encode("utf-8")
        if is_paper(self.options.get("theme", "notebook")):
            from ..export.paper import figure_spec, render_figure

            self._settle(None, timeout=timeout)
            spec = figure_spec(self.layout, width=self.options.get("width"),
                               font=self.options.get("font"),
                               distributions=self.options.get("distributions", False))
            return render_figure(spec, fmt, dpi=self.options.get("dpi"))
        self._settle(fmt, always=False, timeout=timeout)
        if fmt in self._rendered:
            data = self._rendered[fmt]
        else:
            data = pipe(self._source, fmt, engine=self._engine, timeout=timeout)
        if fmt == "svg":
            from ..export.svg import tidy_svg

            data = tidy_svg(data, *self._svg_names())
        return data

    def _tikz(self) -> str:
        """The paper figure as TikZ: this diagram's layout when it is the paper theme's."""
        from ..export.tikz import tikz_picture

        if is_paper(self.options.get("theme", "notebook")):
            self._settle(None)
            return tikz_picture(self.layout,
                                distributions=bool(self.options.get("distributions")),
                                width=self.options.get("width"))
        from ..layout.engine import layout

        keys = ("rankdir", "params", "deterministic", "distributions", "data")
        options = {k: self.options[k] for k in keys if k in self.options}
        options["distributions"] = bool(options.get("distributions", False))
        return tikz_picture(layout(self.graph, theme="paper", collapse=False,
                                   labels=self.options.get("labels") or "math", **options))

    def _svg_names(self) -> tuple[dict[str, str], dict[str, str]]:
        """graphviz ids → site names (``n0`` → ``mu``) and plate boxes → plate names."""
        graph = with_data_nodes(self.graph) if self.options.get("data") else self.graph
        shown = visible_graph(graph, params=self.options.get("params", False),
                              deterministic=self.options.get("deterministic", True))
        names = {f"n{i}": str(node) for i, node in enumerate(shown.nodes)}
        boxes: dict[str, str] = {}
        if self._engine == "neato" and self._layout is not None:
            # a pinned drawing: plates are clusters cluster_<i>, their label obstacles l<i>
            for i, key in enumerate(self._layout.plates):
                boxes[f"cluster_{i}"] = boxes[f"l{i}"] = key
            return names, boxes

        def walk(cluster: Any) -> None:
            for child in cluster.children.values():
                boxes[f"cluster_{len(boxes)}"] = " × ".join(child.plates)
                walk(child)

        walk(plate_tree(shown))
        return names, boxes


    def save(self, path: str | os.PathLike[str], *, format: str | None = None,  # noqa: A002
             timeout: float | None = DEFAULT_TIMEOUT) -> Path:
        """Write the diagram to ``path`` (format from its suffix unless given), atomically:
        a failed render leaves whatever was at ``path`` untouched. A symbolic link is followed
        (the file it names is replaced, the link kept); a FIFO or device is written in place."""
        fmt = check_format(format) if format else format_for_path(path)
        return write_output(path, self.pipe(fmt, timeout=timeout))

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        if self._svg is None:
            self._svg = self.pipe("svg").decode("utf-8")
        return {"image/svg+xml": self._svg, "text/plain": repr(self)}

    def __repr__(self) -> str:
        name = self.graph.graph.get("name") or "model"
        return (f"<plategraph.Diagram of {name!r}: {self.graph.number_of_nodes()} nodes, "
                f"{self.graph.number_of_edges()} edges>")


def draw(graph: nx.DiGraph, *, theme: str | Mapping[str, Any] = "notebook", rankdir: str = "TB",
         params: bool = False, deterministic: bool = True, distributions: bool | str = False,
         labels: str | None = None, collapse: bool = True, width: str | float | None = None,
         dpi: int | None = None, font: str | None = None, data: bool = False) -> Diagram:
    """Draw a plategraph graph (from ``model_graph``) as a plate diagram.

    - ``theme``: ``"notebook"``, ``"paper"`` (the figure for a paper, below), or a dict of
      graphviz attributes per key (``latent``, ``observed``, ``deterministic``, ``param``,
      ``factor``, ``data``, ``gated``, ``control``, ``plate``, ``graph``, ``node``, ``edge``;
      ``base`` names the theme to update).
    - ``params``: show ``numpyro.param`` sites; ``deterministic``: show deterministic sites (when
      hidden, their parents point to their children).
    - ``distributions``: label nodes ``a ~ Normal(mu, 1)`` (paper theme: listed beside or below
      the figure, ``"beside"``/``"below"`` to choose); ``labels="math"``: ``sigma_a`` → σₐ
      (the default in the paper theme, ``"plain"`` otherwise).
    - ``collapse``: draw site families from Python loops (``obs_0 … obs_99``) as one node in a
      plate (see ``collapse_families``).
    - ``data``: draw the model's arguments that feed sites as ``"data"`` nodes (rectangles) with
      data edges into those sites (from the nodes' ``data_args``; ``.graph`` stays sites only).
    - paper theme only: ``width`` (``"3.3in"``, ``"8cm"``, ``"240pt"``) scales the figure to
      that width, ``dpi`` for PNG (300), ``font`` (a family name or a ``.ttf`` file;
      Liberation Serif).

    >>> draw(model_graph(model, x, y=y), labels="math").save("model.svg")
    >>> draw(g, theme="paper", width="3.3in", distributions=True).save("model.pdf")
    """
    paper = is_paper(theme)
    if not paper and (width is not None or font is not None or dpi is not None):
        raise OptionError("width, dpi and font are options of the paper figure: "
                          "draw(..., theme='paper', width='3.3in')")
    if paper:
        from ..export.paper import check_options

        check_options(width=width, dpi=dpi, font=font, distributions=distributions)
    shown_labels = labels or ("math" if paper else "plain")
    shown = collapse_families(graph) if collapse else graph
    source = to_dot(shown, theme=theme, rankdir=rankdir, params=params,
                    deterministic=deterministic, distributions=bool(distributions),
                    labels=shown_labels, data=data)
    options = {"theme": theme, "rankdir": rankdir, "params": params,
               "deterministic": deterministic, "distributions": bool(distributions),
               "labels": shown_labels, "collapse": collapse, "data": data}
    drawn = visible_graph(with_data_nodes(shown) if data else shown, params=params,
                          deterministic=deterministic)
    asked = {**options, "distributions": distributions, "labels": labels, "width": width,
             "dpi": dpi, "font": font}
    return Diagram(shown, source, settle=(drawn, options), options=asked)
