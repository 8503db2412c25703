"""The result users hold: a drawn graph with its DOT source, rendering, saving and display."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import networkx as nx

from ..exceptions import DotNotFoundError, PlategraphError
from ..graph.plates import plate_tree
from ..layout.computed import reads_expressions
from ..layout.dot import dot_source, keyed_dot
from ..layout.drawn import collapsed_graph, drawn_graph, shown_kinds
from ..layout.engine import compute_drawing
from ..layout.geometry import Layout
from ..layout.graphviz import GRAPHVIZ_FORMATS, outputs, run
from ..layout.labels import plural
from ..layout.legend import key_entries
from ..layout.options import DEFAULT_TIMEOUT, DrawOptions, check_format, format_for_path
from .files import write_output

__all__ = ["Diagram", "draw", "plural"]


class Diagram:
    """A plate diagram: ``.graph`` (what is drawn), ``.source`` (DOT), ``.pipe()``, ``.save()``.

    In Jupyter it displays itself as SVG (``_repr_mimebundle_``). Every format is drawn from
    one layout (``.layout``): ``dot``'s own, or plategraph's where ``dot`` cannot draw the figure
    truthfully (crossed plates, an edge through a plate label); then ``.source`` pins every
    position and is drawn by ``neato -n2``. With the paper theme SVG, PNG and PDF are the paper
    figure, drawn by matplotlib from that layout; ``tex`` is always the paper figure as TikZ.

    Made by ``draw`` (or ``Diagram.of`` with checked ``DrawOptions``); the layout is computed
    the first time something needs it.
    """

    def __init__(self, graph: nx.DiGraph, source: str, *, engine: str = "dot",
                 drawn: nx.DiGraph | None = None, options: DrawOptions | None = None) -> None:
        self.graph = graph
        self.options = options or DrawOptions()
        self._source = source
        self._engine = engine
        # the graph as drawn; while the layout is not made yet, `source` is dot's DOT of it
        self._drawn = drawn
        self._laid_out = drawn is None
        self._layout: Layout | None = None
        self._rendered: dict[str, bytes] = {}  # graphviz's output of the layout's source
        self._spec: Any = None  # the paper figure's spec (``export.paper.figure_spec``)
        self._svg: str | None = None
        # site → parameter → dialect → a computed parameter's label text (``spec.labels``)
        self._expressions: dict[str, dict[str, dict[str, str]]] = {}

    @classmethod
    def of(cls, graph: nx.DiGraph, options: DrawOptions) -> Diagram:
        """The diagram of ``graph`` (from ``model_graph``) drawn with ``options``."""
        if options.paper and options.font is not None:
            from ..export.paper import check_font

            check_font(options.font)
        collapsed = collapsed_graph(graph, options)  # `.graph`: every kind kept
        shown = shown_kinds(collapsed, options)
        expressions = _expressions(graph, options, shown)
        shown = _with_expressions(shown, expressions)
        diagram = cls(collapsed, dot_source(shown, options), drawn=shown, options=options)
        diagram._expressions = expressions
        return diagram

    def _lay_out(self, formats: Sequence[str] = (), *, always: bool = True,
                 timeout: float | None = DEFAULT_TIMEOUT) -> None:
        """Lay the diagram out, once; what the graphviz run renders in ``formats`` on the way
        is kept. Without ``always``, a diagram without plates is left to ``dot`` alone: there
        is nothing in it that plategraph would place differently."""
        if self._laid_out:
            return
        shown = self._drawn
        if not always and not any(plates for _, plates in shown.nodes(data="plates")):
            return
        drawing, rendered = compute_drawing(shown, self.options, render=formats,
                                            source=self._source, timeout=timeout)
        self._laid_out = True
        self._layout, self._source, self._engine = drawing.layout, drawing.source, drawing.engine
        self._rendered.update(rendered)

    def _graphviz(self, formats: Sequence[str], timeout: float | None) -> dict[str, bytes]:
        """graphviz's rendering of the diagram in ``formats``, from one run: the layout's own
        when it is made now (and kept), else a run for the formats it did not render."""
        self._lay_out(formats, always=False, timeout=timeout)
        missing = [fmt for fmt in formats if fmt not in self._rendered]
        rendered = outputs(self._source, missing, engine=self._engine,
                           timeout=timeout) if missing else {}
        return {fmt: self._rendered.get(fmt) or rendered[fmt] for fmt in formats}

    @property
    def source(self) -> str:
        """The DOT text that draws the diagram (without graphviz installed: ``dot``'s input)."""
        try:
            self._lay_out(("svg",), always=False)
        except DotNotFoundError:
            pass
        return self._source

    @source.setter
    def source(self, text: str) -> None:
        """DOT text of your own: drawn as it is, by the diagram's engine, from now on."""
        self._laid_out = True
        self._rendered.clear()
        self._svg = None
        self._source = text

    @property
    def engine(self) -> str:
        """``"dot"`` when ``dot`` lays ``.source`` out, ``"neato"`` when it is pinned."""
        self._lay_out(("svg",), always=False)
        return self._engine

    @property
    def layout(self) -> Layout:
        """The layout every format is drawn from (``plategraph.layout``)."""
        self._lay_out()
        if self._layout is None:
            raise RuntimeError("this Diagram was made without a layout")
        return self._layout

    def pipe(self, format: str = "svg", *,  # noqa: A002  (graphviz's own name for it)
             timeout: float | None = DEFAULT_TIMEOUT) -> bytes:
        """The diagram rendered as ``format`` (svg, png, pdf, dot or tex) bytes; graphviz is
        stopped after ``timeout`` seconds (None: no limit) with a RenderError."""
        return self._pipe(check_format(format), None, timeout)

    def _pipe(self, fmt: str, rendered: bytes | None, timeout: float | None) -> bytes:
        """``pipe`` of a checked format, with graphviz's ``rendered`` output when it ran."""
        if fmt == "dot":
            return self.source.encode("utf-8")
        if fmt == "tex":
            return self._tikz().encode("utf-8")
        if fmt == "mermaid":
            from ..export.mermaid import mermaid_source

            return mermaid_source(self._drawn_graph(), self.options).encode("utf-8")
        if self.options.paper:
            from ..export.paper import figure_spec, render_figure

            self._lay_out(timeout=timeout)
            if self._spec is None:  # measured once, whatever formats are drawn from it
                self._spec = figure_spec(self.layout, width=self.options.width,
                                         font=self.options.font,
                                         distributions=self.options.distributions)
            return render_figure(self._spec, fmt, dpi=self.options.dpi)
        if self.options.legend:
            # the drawing as laid out, every position given, and its key pinned below it
            self._lay_out(always=False, timeout=timeout)
            laid_out = run(self._source, "dot", engine=self._engine, timeout=timeout)
            keyed = keyed_dot(laid_out.decode("utf-8"), key_entries(self._drawn_graph()),
                              self.options)
            data = run(keyed, fmt, engine="neato", timeout=timeout)
        else:
            data = rendered if rendered is not None else self._graphviz((fmt,), timeout)[fmt]
        if fmt == "svg":
            from ..export.svg import tidy_svg

            data = tidy_svg(data, *self._svg_names())
        return data

    def pipe_many(self, formats: Sequence[str], *,
                  timeout: float | None = DEFAULT_TIMEOUT) -> dict[str, bytes]:
        """The diagram in each of ``formats``, as ``pipe`` renders it: ``{format: bytes}``.
        Every format comes from the one layout, and graphviz renders its formats (SVG, PNG,
        PDF of the notebook theme) in a single run."""
        wanted = [check_format(fmt) for fmt in formats]
        rendered: dict[str, bytes] = {}
        if not self.options.paper and not self.options.legend:  # a key: drawn per format
            rendered = self._graphviz([fmt for fmt in dict.fromkeys(wanted)
                                       if fmt in GRAPHVIZ_FORMATS], timeout)
        return {fmt: self._pipe(fmt, rendered.get(fmt), timeout) for fmt in wanted}

    def _tikz(self) -> str:
        """The paper figure as TikZ: this diagram's layout when it is the paper theme's, else
        the paper theme's layout of the same graph (every site, labels math unless asked)."""
        from ..export.tikz import tikz_picture

        if self.options.paper:
            self._lay_out()
            return tikz_picture(self.layout, distributions=self.options.distributions,
                                width=self.options.width)
        paper = self.options.replace(theme="paper", collapse=False,
                                     labels=self.options.labels or "math",
                                     distributions=self.options.distributions)
        drawing, _ = compute_drawing(
            _with_expressions(drawn_graph(self.graph, paper), self._expressions), paper)
        return tikz_picture(drawing.layout)

    def _drawn_graph(self) -> nx.DiGraph:
        """The graph as drawn (``drawn_graph``) with this diagram's options."""
        return self._drawn if self._drawn is not None else drawn_graph(self.graph, self.options)

    def _svg_names(self) -> tuple[dict[str, str], dict[str, str]]:
        """graphviz ids → site names (``n0`` → ``mu``) and plate boxes → plate names."""
        shown = self._drawn if self._drawn is not None else self.graph
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

    def _display_(self) -> Any:
        """marimo's display protocol: the SVG inline as HTML (its white background kept, site
        names as text). marimo calls it; it is imported only then."""
        import marimo

        if self._svg is None:
            self._svg = self.pipe("svg").decode("utf-8")
        return marimo.Html(_inline_svg(self._svg))

    def __repr__(self) -> str:
        name = self.graph.graph.get("name") or "model"
        return (f"<plategraph.Diagram of {name!r}: "
                f"{plural(self.graph.number_of_nodes(), 'node')}, "
                f"{plural(self.graph.number_of_edges(), 'edge')}>")


def _expressions(graph: nx.DiGraph, options: DrawOptions, shown: nx.DiGraph) -> dict:
    """The label texts of the computed parameters ``options`` write out; SymPy is imported
    only when they do, and for a paper figure only when its labels may write one
    (``reads_expressions``: a paper diagram's TikZ is drawn from its own layout; another
    theme's is drawn from every site, so it keeps the texts of all)."""
    if not options.writes_expressions:
        return {}
    if options.paper and not reads_expressions(graph, shown):
        return {}
    from ..spec.labels import expression_texts

    return expression_texts(graph, options, shown)


def _with_expressions(shown: nx.DiGraph, expressions: dict) -> nx.DiGraph:
    if not expressions:
        return shown
    from ..spec.labels import with_expressions

    return with_expressions(shown, expressions)


def _inline_svg(svg: str) -> str:
    """An SVG document as an element to put into an HTML page: its XML declaration, doctype
    and comments before the ``<svg>`` element left out."""
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg


def _check_graph(graph: object) -> None:
    """A ``PlategraphError`` when ``draw`` is given something other than a graph: a model
    function (to trace first), or anything else."""
    if isinstance(graph, nx.DiGraph):
        return
    if callable(graph):
        name = getattr(graph, "__name__", None) or type(graph).__name__
        raise PlategraphError(
            f"draw takes a graph, not the model function {name!r}: trace it first with "
            f"plategraph.draw(plategraph.model_graph({name}, *args, **kwargs))")
    raise PlategraphError(f"draw takes a graph from plategraph.model_graph, not a "
                          f"{type(graph).__name__}")


def draw(graph: nx.DiGraph, *, theme: str | Mapping[str, Any] = "notebook", rankdir: str = "TB",
         params: bool = False, deterministic: bool = True, distributions: bool | str = False,
         expressions: str = "auto",
         labels: str | None = None, collapse: bool = True, width: str | float | None = None,
         dpi: int | None = None, font: str | None = None, fontsize: float | None = None,
         data: bool = False,
         var_names: Sequence[str] | None = None, ancestors: bool = True, legend: bool = False,
         observed_style: str = "shaded") -> Diagram:
    """Draw a plategraph graph (from ``model_graph``) as a plate diagram.

    - ``theme``: ``"notebook"``, ``"paper"`` (the figure for a paper, below), or a dict of
      graphviz attributes per key (``latent``, ``observed``, ``deterministic``, ``param``,
      ``factor``, ``data``, ``gated``, ``control``, ``plate``, ``graph``, ``node``, ``edge``;
      ``base`` names the theme to update).
    - ``params``: show ``numpyro.param`` sites; ``deterministic``: show deterministic sites (when
      hidden, their parents point to their children).
    - ``distributions``: label nodes ``a ~ Normal(mu, 1)`` (paper theme: listed beside or below
      the figure, ``"beside"``/``"below"`` to choose); ``expressions``: a parameter the model
      computes is written out from its specification (``Normal(a[county[h]] + b*floor[h],
      sigma_y)``) when short (``"auto"``), ``"always"``, or ``"never"`` (``f(a, b, county,
      floor)``); ``labels="math"``: ``sigma_a`` → σₐ
      (the default in the paper theme, ``"plain"`` otherwise).
    - ``collapse``: draw site families from Python loops (``obs_0 … obs_99``) as one node in a
      plate (see ``collapse_families``).
    - ``data``: draw the model's arguments that feed sites as ``"data"`` nodes (rectangles) with
      data edges into those sites (from the nodes' ``data_args``; ``.graph`` stays sites only).
    - ``var_names``: draw only these sites and, unless ``ancestors=False``, everything they
      depend on (data nodes only where they feed a site drawn); a family member's name
      (``obs_3``) names its family.
    - ``legend``: a key of the node and edge kinds in the figure; ``observed_style``:
      ``"shaded"`` (grey fill only), ``"double"`` (also a double outline) or ``"square"``
      (also a square), a second cue for observed nodes (daft's names).
    - paper theme only: ``fontsize``, the type size of the figure's text in points (7 to 10;
      9), never scaled; ``width`` (``"3.3in"``, ``"8cm"``, ``"240pt"``; a 10 pt two-column
      article's column, 229.5 pt) the most the figure may be wide, a ``FigureSizeWarning``
      when it cannot fit; ``dpi`` for PNG (300), ``font`` (a family name or a ``.ttf`` file;
      Liberation Serif).

    >>> draw(model_graph(model, x, y=y), labels="math").save("model.svg")
    PosixPath('model.svg')
    >>> draw(g, theme="paper", width="3.3in", distributions=True).save("model.pdf")
    PosixPath('model.pdf')
    """
    _check_graph(graph)
    return Diagram.of(graph, DrawOptions(theme=theme, rankdir=rankdir, params=params,
                                         deterministic=deterministic,
                                         distributions=distributions,
                                         expressions=expressions, labels=labels,
                                         collapse=collapse, width=width, dpi=dpi, font=font,
                                         fontsize=fontsize, data=data,
                                         var_names=var_names, ancestors=ancestors,
                                         legend=legend, observed_style=observed_style))
