"""Pure: a plategraph graph and drawing options → DOT text (plates as clusters, trace order)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from math import ceil
from typing import Any

import networkx as nx

from ..graph.plates import Cluster, plate_tree
from .drawn import drawn_graph
from .labels import combined_plate_label, distribution_label, name_label, plate_label
from .legend import KEY_GAP, KeyEntry, place_key
from .options import DrawOptions
from .quoting import attr_list, html_text, quote
from .themes import CIRCLE_KINDS, paper_node_sizes, small_size
from .typeset import label_width, paper_face, typeset

__all__ = ["box_label", "cells_dot", "dot_source", "keyed_dot", "pinned_dot", "staggered",
           "to_dot"]

# Layout limits that keep `dot` fast: network-simplex and mincross iterations are bounded and
# `newrank` ranks clusters globally instead of recursively. On big graphs (a chain of 300
# latents all feeding one site took numpyro's diagram minutes) nearly all the time goes into
# routing long edges as splines through hundreds of ranks, so there edges are straight lines
# and network simplex is skipped: 21 s → 0.3 s for that chain.
LAYOUT = {"newrank": "true", "nslimit": "4", "nslimit1": "4", "mclimit": "0.5",
          "searchsize": "30", "remincross": "false"}
LAYOUT_BIG = {**LAYOUT, "nslimit": "0", "nslimit1": "0", "splines": "line"}
BIG = 200  # nodes + edges from which a graph lays out with LAYOUT_BIG

# `dot` cannot read a label or quoted string over 16,384 bytes. Names are shortened in labels
# (with an ellipsis) and in tooltips; escaping can make a character up to six bytes.
LABEL_NAME_MAX = 1000  # characters of a name shown in a label
TOOLTIP_MAX = 2500  # characters of a tooltip
LABEL_BYTES_MAX = 16000  # a longer label falls back to the (shortened) name alone
EMPTY_NAME = "<I>(empty name)</I>"  # what an empty site or plate name shows as


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _name_markup(name: str, *, math: bool) -> str:
    """A site name as label markup, visible when empty, shortened when too long for `dot`."""
    if not name:
        return EMPTY_NAME
    return name_label(_shorten(name, LABEL_NAME_MAX), math=math)


def _node_attrs(graph: nx.DiGraph, node: str, options: DrawOptions,
                size: Mapping[str, tuple[float, float]] | None = None) -> dict[str, Any]:
    """A node's DOT attributes; ``size``: the paper theme's circle (or ellipse) width and
    height of each node."""
    theme, math = options.styles, options.math
    data = graph.nodes[node]
    kind = data.get("kind", "latent")
    attrs: dict[str, Any] = dict(theme.get(kind, {}))
    name = _name_markup(str(node), math=math)
    text = (distribution_label(graph, node, math=math) if options.distributions else None)
    if text is not None and (not str(node) or len(text.encode()) > LABEL_BYTES_MAX):
        text = None  # the name alone, shortened
    if size is not None:  # a paper figure: circles of one size, distributions beside it
        text = None
        if kind in CIRCLE_KINDS:
            width, height = size[str(node)]
            attrs["width"], attrs["height"] = f"{width / 72:.4f}", f"{height / 72:.4f}"
            if width != height:
                attrs["shape"] = "ellipse"
    if kind == "factor":
        attrs["xlabel"] = f"<{name}>"
    elif "label" not in attrs:
        attrs["label"] = f"<{text or name}>"
    if data.get("gated_by") and kind not in ("factor", "param"):
        attrs.update(theme.get("gated", {}))
    tooltip = f"{node}: {kind}"
    if data.get("distribution"):
        tooltip += f" {data['distribution']}"
    if data.get("members"):
        tooltip += f", {data['members'][0]} … {data['members'][-1]}"
    if data.get("source"):
        tooltip += f" ({data['source']})"
    attrs["tooltip"] = _shorten(tooltip, TOOLTIP_MAX)
    return attrs


def _paper_size(shown: nx.DiGraph,
                options: DrawOptions) -> dict[str, tuple[float, float]] | None:
    return (paper_node_sizes(shown, math=options.math, font_size=options.font_size,
                             ellipses=options.ellipses, face=paper_face(options.font))
            if options.paper else None)


PLATE_LABEL_PAD = 8.0  # points of blank beside a plate label's text, as graphviz leaves


def _plate_label(plates: tuple[str, ...], records: Mapping[str, dict],
                 options: DrawOptions) -> str:
    """A plate box's ``label`` attribute. In the paper theme the text is measured in the font
    that draws it (``typeset``), and graphviz is given its size as a table of that size (its
    own estimate is Times-Roman's, narrower than Computer Modern): plates hold their labels."""
    markup = box_label(plates, records)
    if not options.paper:
        return f"<{markup}>"
    small = small_size(options.font_size)
    names = list(plates)
    text = (plate_label(names[0], records.get(names[0], {}), dialect="mathtext",
                        math=options.math) if len(names) == 1 else
            combined_plate_label(names, [records.get(p, {}) for p in names],
                                 dialect="mathtext", math=options.math))
    face = paper_face(options.font)
    width = label_width(text, face, small)
    if width is None:
        return f"<{markup}>"
    line = typeset(text, face)
    height = (line.ascent + line.descent) * small if line else small
    return (f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0" '
            f'FIXEDSIZE="TRUE" WIDTH="{ceil(width + PLATE_LABEL_PAD)}" '
            f'HEIGHT="{ceil(height + 2)}"><TR><TD>{markup}</TD></TR></TABLE>>')


def _header(styles: dict, graph_attrs: Mapping[str, str]) -> list[str]:
    return [
        f"graph {attr_list({**styles.get('graph', {}), **graph_attrs})}",
        f"node {attr_list(styles.get('node', {}))}",
        f"edge {attr_list(styles.get('edge', {}))}",
    ]


def box_label(plates: tuple[str, ...], records: Mapping[str, dict]) -> str:
    """The label markup of a plate box: ``N = 10``, or ``a = 2 × b = 3`` for a combined box;
    a label too long for ``dot`` is the plates' names, shortened."""
    if len(plates) == 1:
        label = plate_label(plates[0], records.get(plates[0], {}))
    else:
        label = combined_plate_label(list(plates), [records.get(p, {}) for p in plates])
    if len(label.encode()) > LABEL_BYTES_MAX:
        label = html_text(_shorten(" × ".join(plates), LABEL_NAME_MAX))
    return label


def _edge_attrs(styles: dict, parent: str, child: str, data: Mapping[str, Any]) -> dict:
    kind = data.get("kind")
    attrs = dict(styles.get(kind, {})) if kind in ("control", "gate") else {}
    what = ", ".join(data.get("params", ())) or (kind if kind in ("control", "gate") else "")
    if what:
        attrs["tooltip"] = _shorten(f"{parent} → {child}: {what}", TOOLTIP_MAX)
    return attrs


def _emit(shown: nx.DiGraph, cluster: Cluster, lines: list[str], indent: str, *,
          options: DrawOptions, ids: Mapping[str, str], counter: list[int],
          size: Mapping[str, tuple[float, float]] | None = None) -> None:
    """Node statements and plate clusters (``cluster_<i>``, numbered depth first); ``size``:
    the paper theme's circle size of each node."""
    records = shown.graph.get("plates", {})
    for node in cluster.nodes:
        attrs = _node_attrs(shown, node, options, size)
        lines.append(f"{indent}{ids[node]} {attr_list(attrs)}")
    for child in cluster.children.values():
        name = f"cluster_{counter[0]}"
        counter[0] += 1
        box = {**options.styles.get("plate", {}),
               "label": _plate_label(child.plates, records, options),
               "tooltip": _shorten(" × ".join(child.plates), TOOLTIP_MAX)}
        lines.append(f"{indent}subgraph {name} {{")
        lines.append(f"{indent}  graph {attr_list(box)}")
        _emit(shown, child, lines, indent + "  ", options=options, ids=ids, counter=counter,
              size=size)
        lines.append(f"{indent}}}")


def _edge_lines(shown: nx.DiGraph, styles: dict, ids: Mapping[str, str],
                minlen: Mapping[tuple[str, str], int] | None = None) -> list[str]:
    lines = []
    for parent, child, data in shown.edges(data=True):
        attrs = _edge_attrs(styles, parent, child, data)
        if minlen and (parent, child) in minlen:
            attrs["minlen"] = str(minlen[parent, child])
        lines.append(f"{ids[parent]} -> {ids[child]} {attr_list(attrs)}".rstrip())
    return lines


def staggered(graph: nx.DiGraph, rows: int) -> dict[tuple[str, str], int]:
    """The ``minlen`` of edges that spread a wide rank over ``rows`` rows, as graphviz's
    ``unflatten -f -l rows`` does: roots that feed the same sites, leaves of one parent and
    nodes of one edge in and one out between the same two sites are siblings, and the i-th
    sibling (trace order) is set ``1 + i % rows`` ranks from its neighbour. Every edge stays."""
    groups: dict[tuple, list[tuple[tuple[str, str], ...]]] = {}
    for node in graph.nodes:
        parents, children = list(graph.predecessors(node)), list(graph.successors(node))
        if not parents and children:
            key: tuple = ("root", *children)
            edges = tuple((node, child) for child in children)
        elif len(parents) == 1 and len(children) <= 1:
            key = ("fan", parents[0], *children)
            edges = ((parents[0], node),)
        else:
            continue
        groups.setdefault(key, []).append(edges)
    return {edge: 1 + i % rows for siblings in groups.values() if len(siblings) > 1
            for i, edges in enumerate(siblings) for edge in edges if i % rows}


def dot_source(drawn: nx.DiGraph, options: DrawOptions) -> str:
    """The DOT text of a drawn graph (``drawn_graph``), laid out by ``dot``: plates as clusters
    ``cluster_<i>`` numbered depth first, node ``n<i>`` the i-th node of ``drawn``."""
    ids = {node: f"n{i}" for i, node in enumerate(drawn.nodes)}
    big = drawn.number_of_nodes() + drawn.number_of_edges() >= BIG
    lines = _header(options.styles, {"rankdir": options.rankdir,
                                     **(LAYOUT_BIG if big else LAYOUT)})
    _emit(drawn, plate_tree(drawn), lines, "", options=options, ids=ids, counter=[0],
          size=_paper_size(drawn, options))
    minlen = staggered(drawn, options.stagger) if options.stagger > 1 else None
    lines += _edge_lines(drawn, options.styles, ids, minlen)
    return _digraph(drawn, lines)


def _digraph(graph: nx.DiGraph, lines: list[str]) -> str:
    name = _shorten(str(graph.graph.get("name") or "model"), TOOLTIP_MAX)
    body = "".join(f"  {line}\n" for line in lines)
    return f"digraph {quote(name)} {{\n{body}}}\n"


def cells_dot(shown: nx.DiGraph, cells: list[list[str]], local: Mapping[str, tuple[str, ...]],
              measure: list[tuple[str, ...]], options: DrawOptions) -> str:
    """DOT for laying out crossed plates: each cell (nodes sharing one set of crossing plates)
    an invisible cluster ``cluster_cell_<i>`` with an anchor on the top rank, so cells stand side
    by side as columns; inside a cell the plates in ``local`` (node → its plates that cross
    nothing) are ordinary clusters ``cluster_<k>``, numbered cell by cell, depth first. Node
    ``m<j>`` in an invisible cluster aside is the label of the plates ``measure[j]``, laid out
    only for its size."""
    styles = options.styles
    ids = {node: f"n{i}" for i, node in enumerate(shown.nodes)}
    lines = _header(styles, {"rankdir": options.rankdir, **LAYOUT})
    counter = [0]
    for i, cell in enumerate(cells):
        tree_graph = nx.DiGraph()
        tree_graph.graph["plates"] = shown.graph.get("plates", {})
        tree_graph.add_nodes_from((n, {"plates": local[n]}) for n in cell)
        lines.append(f"subgraph cluster_cell_{i} {{")
        lines.append('  graph [style=invis label="" margin=0]')
        lines.append(f'  anchor_{i} [shape=point style=invis width=0 height=0 label=""]')
        _emit(shown, plate_tree(tree_graph), lines, "  ", options=options, ids=ids,
              counter=counter, size=_paper_size(shown, options))
        lines.append("}")
    lines.append("{rank=min; " + " ".join(f"anchor_{i};" for i in range(len(cells))) + "}")
    plate_style = styles.get("plate", {})
    text_attrs = {a: plate_style[a] for a in ("fontname", "fontsize") if a in plate_style}
    lines.append("subgraph cluster_measure {")
    lines.append('  graph [style=invis label=""]')
    records = shown.graph.get("plates", {})
    for j, plates in enumerate(measure):
        attrs = {"shape": "plaintext", "margin": "0", "width": "0", "height": "0",
                 "label": _plate_label(plates, records, options), **text_attrs}
        lines.append(f"  m{j} {attr_list(attrs)}")
    lines.append("}")
    lines += _edge_lines(shown, styles, ids)
    return _digraph(shown, lines)


def _fixed(box: Any) -> dict[str, str]:
    """Position and size attributes that pin a node to ``box`` (points) under ``neato -n2``."""
    return {"pos": f"{(box.x0 + box.x1) / 2:.2f},{(box.y0 + box.y1) / 2:.2f}",
            "width": f"{box.width / 72:.4f}", "height": f"{box.height / 72:.4f}",
            "fixedsize": "true"}


def pinned_dot(shown: nx.DiGraph, *, nodes: Mapping[str, Any], plates: Mapping[str, Any],
               plate_names: Mapping[str, tuple[str, ...]], label_boxes: Mapping[str, Any],
               edges: Mapping[tuple[str, str], str | None], options: DrawOptions) -> str:
    """DOT that draws a finished layout with ``neato -n2``: every node at its place.

    Plates are clusters with their box (``bb``) and label position (``lp``) given, so they may
    overlap; each label also has an invisible node of its size, an obstacle that edges without
    a ``pos`` (the ones ``neato`` routes) go around. Edges with a ``pos`` (``e,x,y …``) are
    drawn as they are.
    """
    styles = options.styles
    records = shown.graph.get("plates", {})
    plate_style = styles.get("plate", {})
    ids = {node: f"n{i}" for i, node in enumerate(shown.nodes)}
    graph_attrs = {"splines": "true", "notranslate": "true", "outputorder": "nodesfirst"}
    lines = _header(styles, graph_attrs)
    for i, (key, box) in enumerate(plates.items()):
        label = label_boxes[key]
        attrs = {**{a: v for a, v in plate_style.items() if a not in ("labeljust", "labelloc",
                                                                       "margin")},
                 "label": _plate_label(plate_names[key], records, options),
                 # not the graph's background: a filled plate would hide those it overlaps
                 "bgcolor": "transparent",
                 "tooltip": _shorten(" × ".join(plate_names[key]), TOOLTIP_MAX),
                 "bb": f"{box.x0:.2f},{box.y0:.2f},{box.x1:.2f},{box.y1:.2f}",
                 "lp": f"{(label.x0 + label.x1) / 2:.2f},{(label.y0 + label.y1) / 2:.2f}"}
        lines.append(f"subgraph cluster_{i} {{ graph {attr_list(attrs)} }}")
        obstacle = {"shape": "box", "style": "invis", "label": "", **_fixed(label)}
        lines.append(f"l{i} {attr_list(obstacle)}")
    size = _paper_size(shown, options)
    for node in shown.nodes:
        attrs = _node_attrs(shown, node, options, size)
        lines.append(f"{ids[node]} {attr_list({**attrs, **_fixed(nodes[node])})}")
    for (parent, child), pos in edges.items():
        attrs = _edge_attrs(styles, parent, child, shown.edges[parent, child])
        if pos is not None:
            attrs["pos"] = pos
        lines.append(f"{ids[parent]} -> {ids[child]} {attr_list(attrs)}".rstrip())
    return _digraph(shown, lines)


KEY_FONT_SIZE = 10.0
KEY_SYMBOL = 28.0  # points: the width of a key's symbol
KEY_ROW = 20.0
_NUMBER = r"[-+\d.eE]+"
_BB = re.compile(rf'\bbb="(?P<bb>{_NUMBER},{_NUMBER},{_NUMBER},{_NUMBER})",?\s*')


def _key_symbol(i: int, kind: str, x: float, y: float, styles: Mapping[str, Any]) -> list[str]:
    """DOT statements of the symbol of a node kind (``gated``: a dashed latent node) at ``(x,
    y)``, in the theme's style, or of an edge kind: an edge between two invisible points."""
    at = f"{x:.2f},{y:.2f}"
    attrs: dict[str, Any] = dict(styles.get("latent" if kind == "gated" else kind, {}))
    if kind == "gated":
        attrs.update(styles.get("gated", {}))
    if kind == "param":
        attrs["label"] = "p"
    else:
        attrs.setdefault("label", "")
    if kind not in ("factor", "param"):
        attrs.update(width="0.33", height="0.2", fixedsize="true")
        if attrs.get("shape") in ("box", "square"):
            attrs.update(width="0.25")
    return [f"key{i} {attr_list({**attrs, 'pos': at, 'tooltip': kind, 'id': f'key-{kind}'})}"]


def _key_edge(i: int, kind: str, x: float, y: float, styles: Mapping[str, Any]) -> list[str]:
    x0, x1 = x - KEY_SYMBOL / 2, x + KEY_SYMBOL / 2 - 4  # a gap before the label
    point = {"shape": "point", "style": "invis", "width": "0", "height": "0", "label": ""}
    attrs = dict(styles.get(kind, {})) if kind in ("control", "gate") else {}
    # graphviz ends the spline at the arrow's base and draws the arrow to the tip ``e``
    base = x1 - 7
    spline = " ".join(f"{x0 + (base - x0) * t / 3:.2f},{y:.2f}" for t in range(4))
    attrs.update(pos=f"e,{x1:.2f},{y:.2f} {spline}", tooltip=kind, id=f"key-{kind}-edge")
    return [f"key{i}a {attr_list({**point, 'pos': f'{x0:.2f},{y:.2f}'})}",
            f"key{i}b {attr_list({**point, 'pos': f'{x1:.2f},{y:.2f}'})}",
            f"key{i}a -> key{i}b {attr_list(attrs)}"]


def keyed_dot(laid_out: str, entries: tuple[KeyEntry, ...], options: DrawOptions) -> str:
    """A laid-out drawing (``dot -Tdot``'s or ``neato -n2 -Tdot``'s output: every position
    given) with its key (``legend=True``) below it, pinned, for ``neato -n2``: graphviz draws
    the key of the notebook theme into every format from the one layout."""
    # the graph's own attributes come first: its box, not a plate's
    found = _BB.search(laid_out, 0, laid_out.find("]"))
    if found is None or not entries:
        return laid_out
    x0, y0, x1, _ = (float(v) for v in found.group("bb").split(","))
    # the picture's size is the diagram's and the key's: neato -n2 measures it again
    text = laid_out[:found.start()] + laid_out[found.end():]
    styles = options.styles
    places = place_key(entries, left=x0 + 8, top=y0 - KEY_GAP, width=max(x1 - x0 - 16, 160.0),
                       symbol=KEY_SYMBOL, row=KEY_ROW,
                       text_width=lambda label: 0.56 * KEY_FONT_SIZE * len(label))
    lines: list[str] = []
    for i, place in enumerate(places):
        kind = place.entry.kind
        draw = _key_edge if place.entry.what == "edge" else _key_symbol
        lines += draw(i, kind, place.x, place.y, styles)
        width = 0.56 * KEY_FONT_SIZE * len(place.entry.label)
        label = {"shape": "plaintext", "margin": "0", "width": f"{width / 72:.4f}",
                 "height": "0.2", "fontname": styles.get("node", {}).get("fontname",
                                                                         "Helvetica"),
                 "fontsize": f"{KEY_FONT_SIZE:g}", "label": place.entry.label,
                 "pos": f"{place.text_x + width / 2:.2f},{place.y:.2f}",
                 "tooltip": kind, "id": f"key-{kind}-label"}
        lines.append(f"key{i}t {attr_list(label)}")
    end = text.rindex("}")
    return text[:end] + "".join(f"\t{line};\n" for line in lines) + text[end:]


def to_dot(graph: nx.DiGraph, *, theme: str | Mapping[str, Any] = "notebook",
           rankdir: str = "TB", params: bool = False, deterministic: bool = True,
           distributions: bool | str = False, labels: str | None = None, collapse: bool = True,
           data: bool = False, var_names: Sequence[str] | None = None, ancestors: bool = True,
           legend: bool = False, observed_style: str = "shaded") -> str:
    """The DOT text of the diagram, ``digraph name { … }``: the options of ``plategraph.draw``,
    and the same text as ``draw(graph, …).source`` with the same options."""
    options = DrawOptions(theme=theme, rankdir=rankdir, params=params,
                          deterministic=deterministic, distributions=distributions,
                          labels=labels, collapse=collapse, data=data,
                          var_names=var_names,
                          ancestors=ancestors, legend=legend, observed_style=observed_style)
    return dot_source(drawn_graph(graph, options), options)
