"""The result users hold: a drawn graph with its DOT source, rendering, saving and display."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import networkx as nx

from .collapse import collapse_families
from .dot import is_paper, plate_tree, to_dot, visible_graph
from .exceptions import OptionError
from .render import check_format, format_for_path, pipe, write_atomic

__all__ = ["Diagram", "draw"]


class Diagram:
    """A plate diagram: ``.graph`` (what is drawn), ``.source`` (DOT), ``.pipe()``, ``.save()``.

    In Jupyter it displays itself as SVG (``_repr_mimebundle_``). With the notebook theme SVG,
    PNG and PDF come from graphviz; with the paper theme they are the paper figure, drawn by
    matplotlib from ``plategraph.layout``; ``tex`` is always the paper figure as TikZ.
    """

    def __init__(self, graph: nx.DiGraph, source: str,
                 options: Mapping[str, Any] | None = None) -> None:
        self.graph = graph
        self.source = source
        self.options: dict[str, Any] = dict(options or {})
        self._svg: str | None = None

    def _layout_options(self) -> dict[str, Any]:
        keys = ("theme", "rankdir", "params", "deterministic", "distributions", "labels")
        # the graph is drawn already collapsed
        options = {k: self.options[k] for k in keys if k in self.options}
        options["distributions"] = bool(options.get("distributions", False))
        # paper figures and TikZ set names as math unless plain labels were asked for
        options["labels"] = options.get("labels") or "math"
        return {**options, "collapse": False}

    def pipe(self, format: str = "svg") -> bytes:  # noqa: A002  (graphviz's own name for it)
        """The diagram rendered as ``format`` (svg, png, pdf, dot or tex) bytes."""
        fmt = check_format(format)
        if fmt == "tex":
            from .tikz import to_tikz

            options = {**self._layout_options(), "theme": "paper"}
            return to_tikz(self.graph, **options).encode("utf-8")
        if fmt != "dot" and is_paper(self.options.get("theme", "notebook")):
            from .layout import layout
            from .paper import figure_spec, render_figure

            spec = figure_spec(layout(self.graph, **self._layout_options()),
                               width=self.options.get("width"), font=self.options.get("font"),
                               distributions=self.options.get("distributions", False))
            return render_figure(spec, fmt, dpi=self.options.get("dpi"))
        data = pipe(self.source, fmt)
        if fmt == "svg":
            from .svg import tidy_svg

            data = tidy_svg(data, *self._svg_names())
        return data

    def _svg_names(self) -> tuple[dict[str, str], dict[str, str]]:
        """graphviz ids → site names (``n0`` → ``mu``) and clusters → plate names."""
        shown = visible_graph(self.graph, params=self.options.get("params", False),
                              deterministic=self.options.get("deterministic", True))
        names = {f"n{i}": str(node) for i, node in enumerate(shown.nodes)}
        clusters: dict[str, str] = {}

        def walk(cluster: Any) -> None:
            for child in cluster.children.values():
                clusters[f"cluster_{len(clusters)}"] = " × ".join(child.plates)
                walk(child)

        walk(plate_tree(shown))
        return names, clusters

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
         params: bool = False, deterministic: bool = True, distributions: bool | str = False,
         labels: str | None = None, collapse: bool = True, width: str | float | None = None,
         dpi: int | None = None, font: str | None = None) -> Diagram:
    """Draw a plategraph graph (from ``model_graph``) as a plate diagram.

    - ``theme``: ``"notebook"``, ``"paper"`` (monochrome, serif), or a dict of graphviz attributes
      per key (``latent``, ``observed``, ``deterministic``, ``param``, ``factor``, ``gated``,
      ``control``, ``plate``, ``graph``, ``node``, ``edge``; ``base`` names the theme to update).
    - ``params``: show ``numpyro.param`` sites; ``deterministic``: show deterministic sites (when
      hidden, their parents point to their children).
    - ``distributions``: label nodes ``a ~ Normal(mu, 1)`` (paper theme: listed beside or below
      the figure, ``"beside"``/``"below"`` to choose); ``labels="math"``: ``sigma_a`` → σₐ
      (the default in the paper theme, ``"plain"`` otherwise).
    - ``collapse``: draw site families from Python loops (``obs_0 … obs_99``) as one node in a
      plate (see ``collapse_families``).
    - paper theme only: ``width`` (``"3.3in"``, ``"8cm"``, ``"240pt"``) scales the figure to
      that width, ``dpi`` for PNG (300), ``font`` (a family name or a ``.ttf`` file; STIX).

    >>> draw(model_graph(model, x, y=y), labels="math").save("model.svg")
    >>> draw(g, theme="paper", width="3.3in", distributions=True).save("model.pdf")
    """
    paper = is_paper(theme)
    if not paper and (width is not None or font is not None or dpi is not None):
        raise OptionError("width, dpi and font are options of the paper figure: "
                          "draw(..., theme='paper', width='3.3in')")
    asked_labels = labels
    if labels is None:
        labels = "math" if paper else "plain"
    if paper:
        from .paper import check_options

        check_options(width=width, dpi=dpi, font=font, distributions=distributions)
    shown = collapse_families(graph) if collapse else graph
    source = to_dot(shown, theme=theme, rankdir=rankdir, params=params,
                    deterministic=deterministic, distributions=bool(distributions),
                    labels=labels)
    options = {"theme": theme, "rankdir": rankdir, "params": params,
               "deterministic": deterministic, "distributions": distributions,
               "labels": asked_labels, "width": width, "dpi": dpi, "font": font}
    return Diagram(shown, source, options)
