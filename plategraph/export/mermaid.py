"""Drawn graph → Mermaid: a ``flowchart`` that GitHub, GitLab and Markdown documents render.

One node a drawn site (ids ``n0``, ``n1``, … in trace order; names only in quoted labels), one
``subgraph`` a plate box, data edges solid (``-->``), control and gate edges dashed (``-.->``).

Mermaid's subgraphs cannot overlap, so plates are its boxes as ``graph/plates.plate_tree``
makes them: a plate nested in another is a subgraph inside that plate's subgraph, and crossed
plates (``users`` and ``items`` sharing some sites) are one combined subgraph
``users = 50 × items = 20`` holding the sites in both, beside (or inside) the boxes of each
plate's other sites. Every site is in exactly the subgraph of its plates, never cloned; a plate
whose every site is also in a crossing plate shows only in the combined box.

Shapes follow the drawing conventions as far as Mermaid has them: latent a stadium (the
notebook's ellipse) or a circle (paper theme), observed the same filled grey, deterministic a
double circle, param plain text, factor a small black box, data a rounded (paper: plain)
rectangle; gated sites dashed. Graphviz attributes of a custom theme have no Mermaid meaning
and are not used.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

import networkx as nx

from ..graph.plates import Cluster, plate_tree
from ..layout.drawn import drawn_graph
from ..layout.labels import distribution_label, name_label
from ..layout.options import DrawOptions

__all__ = ["mermaid_source", "mermaid_text", "to_mermaid"]

# the node's shape by kind, as Mermaid's opening and closing brackets around the label
SHAPES = {"latent": ("([", "])"), "observed": ("([", "])"), "deterministic": ("(((", ")))"),
          "param": ("[", "]"), "factor": ("[", "]"), "data": ("(", ")")}
PAPER_SHAPES = {**SHAPES, "latent": ("((", "))"), "observed": ("((", "))"), "data": ("[", "]")}
# classDef of each kind, with the themes' colours
STYLES = {
    "latent": "fill:#ffffff,stroke:#222222,color:#000000",
    "observed": "fill:#c8c8c8,stroke:#222222,color:#000000",
    "deterministic": "fill:#ffffff,stroke:#222222,color:#000000",
    "param": "fill:none,stroke:none,color:#000000",
    "factor": "fill:#000000,stroke:#000000,color:#ffffff",
    "data": "fill:#eeeeee,stroke:#222222,color:#000000",
    "gated": "stroke-dasharray:5 3",
}
PAPER_STYLES = {**STYLES, "data": "fill:#ffffff,stroke:#000000,color:#000000"}

# what a label may not hold as it is: Mermaid's string quote, its entity sign, and what the
# rendered HTML label would read as markup; all other characters stay (Unicode included)
_ESCAPE = {'"': "#quot;", "#": "#35;", "&": "#amp;", "<": "#lt;", ">": "#gt;", "`": "#96;",
           "\\": "#92;"}
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
# what Mermaid trims from either end of a label (JavaScript's whitespace)
_TRIMMED = "".join(chr(c) for c in range(0x110000) if chr(c).isspace()) + "\ufeff"
_TAG = re.compile(r"(<[^>]*>)")


def mermaid_text(text: str) -> str:
    """``text`` as the inside of a quoted Mermaid label: ``"``, ``#``, ``&``, ``<``, ``>``,
    backquote and backslash as Mermaid entities (``#quot;``, ``#35;``, …), white space at
    either end as ``#32;`` and the like (Mermaid trims it), line breaks as ``<br>``, other
    control characters as U+FFFD; an empty text is one space (Mermaid cannot parse ``[""]``).

    >>> mermaid_text('a "b" #1 <c>')
    'a #quot;b#quot; #35;1 #lt;c#gt;'
    """
    out = []
    for line in re.split("\r\n|\r|\n", text):
        line = _CONTROL.sub("\ufffd", line)
        out.append("".join(_ESCAPE.get(ch, ch) for ch in line))
    text = "<br>".join(out)
    start = len(text) - len(text.lstrip(_TRIMMED))
    end = max(len(text.rstrip(_TRIMMED)), start)
    return "".join(f"#{ord(ch)};" for ch in text[:start]) + text[start:end] + "".join(
        f"#{ord(ch)};" for ch in text[end:]) or " "


def _from_html(markup: str) -> str:
    """A label in the ``html`` dialect of ``layout/labels`` (graphviz's HTML-like labels) as a
    Mermaid label: subscripts as ``<sub>``, line breaks as ``<br>``, the text escaped again."""
    out = []
    for part in _TAG.split(markup):
        tag = part.strip("</>").split(" ")[0].upper()
        if part.startswith("<"):
            if tag == "SUB":
                out.append("</sub>" if part.startswith("</") else "<sub>")
            elif tag == "BR":
                out.append("<br>")
            continue  # FONT: Mermaid sizes <sub> itself
        out.append(mermaid_text(html.unescape(part).replace("\\\\", "\\")))
    return "".join(out)


def _node_label(graph: nx.DiGraph, node: Any, options: DrawOptions) -> str:
    kind = graph.nodes[node].get("kind")
    if options.distributions and not options.paper and kind not in ("data", "param"):
        text = distribution_label(graph, node, math=options.math, dialect="html")
        if text is not None:
            return _from_html(text)
    if not options.math or kind == "data":
        return mermaid_text(str(node))
    return _from_html(name_label(str(node), math=True, dialect="html"))


def _plate_label(graph: nx.DiGraph, plates: tuple[str, ...]) -> str:
    """``N = 1000``, ``N = 1000 (batch 100)``, crossed plates ``users = 50 × items = 20``."""
    records: Mapping[str, dict] = graph.graph.get("plates", {})
    parts = []
    for name in plates:
        record = records.get(name, {})
        size, batch = record.get("size"), record.get("subsample_size")
        batch = None if batch in (None, size) else batch
        parts.append(f"{name} = {size}" + (f" (batch {batch})" if batch else ""))
    return mermaid_text(" × ".join(parts))


def mermaid_source(graph: nx.DiGraph, options: DrawOptions) -> str:
    """The Mermaid flowchart of a drawn graph (``layout.drawn.drawn_graph``) and its options."""
    shapes = PAPER_SHAPES if options.paper else SHAPES
    styles = PAPER_STYLES if options.paper else STYLES
    ids = {node: f"n{i}" for i, node in enumerate(graph.nodes)}
    name = _CONTROL.sub(" ", str(graph.graph.get("name") or "model"))
    lines = [f"%% plate diagram of {name}, drawn by plategraph",
             f"flowchart {options.rankdir}"]
    plate_ids = iter(range(len(graph) + 1))

    def node_line(node: Any, indent: str) -> str:
        kind = graph.nodes[node].get("kind", "latent")
        opening, closing = shapes.get(kind, shapes["latent"])
        return f'{indent}{ids[node]}{opening}"{_node_label(graph, node, options)}"{closing}'

    def walk(cluster: Cluster, indent: str) -> None:
        lines.extend(node_line(node, indent) for node in cluster.nodes)
        for child in cluster.children.values():
            lines.append(f'{indent}subgraph p{next(plate_ids)}'
                         f'["{_plate_label(graph, child.plates)}"]')
            walk(child, indent + "  ")
            lines.append(f"{indent}end")

    walk(plate_tree(graph), "  ")
    for parent, child, kind in graph.edges(data="kind"):
        arrow = "-.->" if kind in ("control", "gate") else "-->"
        lines.append(f"  {ids[parent]} {arrow} {ids[child]}")
    kinds: dict[str, list[str]] = {}
    for node, data in graph.nodes(data=True):
        kind = data.get("kind", "latent")
        kinds.setdefault(kind if kind in styles else "latent", []).append(ids[node])
        if data.get("gated_by") and kind not in ("factor", "param"):
            kinds.setdefault("gated", []).append(ids[node])
    for kind in styles:
        if kind in kinds:
            lines.append(f"  classDef {kind} {styles[kind]}")
    for kind in styles:
        if kind in kinds:
            lines.append(f"  class {','.join(kinds[kind])} {kind}")
    return "\n".join(lines) + "\n"


def to_mermaid(graph: nx.DiGraph, **options: Any) -> str:
    """The plate diagram as a Mermaid flowchart, for a Markdown file GitHub or GitLab renders
    (in a fenced block marked ``mermaid``) or ``mmdc``.

    The options are ``draw``'s (``rankdir``, ``params``, ``deterministic``, ``data``,
    ``collapse``, ``distributions``, ``labels``, ``theme``); see this module's docstring for how
    plates, crossed plates and kinds are drawn.

    >>> print(plategraph.to_mermaid(g))
    %% plate diagram of centered, drawn by plategraph
    flowchart TB
      n0(["mu"])
      n1(["tau"])
      subgraph p0["J = 8"]
        n2(["theta"])
        n3(["obs"])
      end
      n0 --> n2
      n1 --> n2
      n2 --> n3
      classDef latent fill:#ffffff,stroke:#222222,color:#000000
      classDef observed fill:#c8c8c8,stroke:#222222,color:#000000
      class n0,n1,n2 latent
      class n3 observed
    <BLANKLINE>
    """
    checked = DrawOptions(**options)
    return mermaid_source(drawn_graph(graph, checked), checked)
