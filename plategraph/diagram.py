"""The result users hold: a drawn graph with its DOT source, rendering, saving and display."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import networkx as nx

from .collapse import collapse_families
from .dot import to_dot
from .render import DEFAULT_TIMEOUT, check_format, format_for_path, pipe, write_output

__all__ = ["Diagram", "draw"]


class Diagram:
    """A plate diagram: ``.graph`` (what is drawn), ``.source`` (DOT), ``.pipe()``, ``.save()``.

    In Jupyter it displays itself as SVG (``_repr_mimebundle_``).
    """

    def __init__(self, graph: nx.DiGraph, source: str) -> None:
        self.graph = graph
        self.source = source
        self._svg: str | None = None

    def pipe(self, format: str = "svg", *,  # noqa: A002  (graphviz's own name for it)
             timeout: float | None = DEFAULT_TIMEOUT) -> bytes:
        """The diagram rendered as ``format`` (svg, png, pdf or dot) bytes; ``dot`` is stopped
        after ``timeout`` seconds (None: no limit) with a RenderError."""
        return pipe(self.source, format, timeout=timeout)

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
         params: bool = False, deterministic: bool = True, distributions: bool = False,
         labels: str = "plain", collapse: bool = True) -> Diagram:
    """Draw a plategraph graph (from ``model_graph``) as a plate diagram.

    - ``theme``: ``"notebook"``, ``"paper"`` (monochrome, serif), or a dict of graphviz attributes
      per key (``latent``, ``observed``, ``deterministic``, ``param``, ``factor``, ``gated``,
      ``control``, ``plate``, ``graph``, ``node``, ``edge``; ``base`` names the theme to update).
    - ``params``: show ``numpyro.param`` sites; ``deterministic``: show deterministic sites (when
      hidden, their parents point to their children).
    - ``distributions``: label nodes ``a ~ Normal(mu, 1)``; ``labels="math"``: ``sigma_a`` → σₐ.
    - ``collapse``: draw site families from Python loops (``obs_0 … obs_99``) as one node in a
      plate (see ``collapse_families``).

    >>> draw(model_graph(model, x, y=y), labels="math").save("model.svg")
    """
    shown = collapse_families(graph) if collapse else graph
    source = to_dot(shown, theme=theme, rankdir=rankdir, params=params,
                    deterministic=deterministic, distributions=distributions, labels=labels)
    return Diagram(shown, source)
