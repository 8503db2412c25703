"""Pure: a plategraph graph and drawing options → DOT text (plates as clusters, trace order)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from .exceptions import OptionError
from .labels import (
    GREEK,
    combined_plate_label,
    distribution_label,
    name_label,
    plate_label,
    symbol_parts,
)
from .quoting import attr_list, html_text, quote

__all__ = ["THEMES", "DataNode", "box_label", "cells_dot", "dot_lines", "pinned_dot",
           "plate_nesting", "plate_tree", "to_dot", "visible_graph", "with_data_nodes"]

NODE_KINDS = ("latent", "observed", "deterministic", "param", "factor", "data")
THEME_KEYS = (*NODE_KINDS, "gated", "graph", "node", "edge", "control", "plate")
LABEL_MODES = ("plain", "math")
RANKDIRS = ("TB", "LR", "BT", "RL")

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

_NOTEBOOK: dict[str, dict[str, str]] = {
    "graph": {"fontname": "Helvetica", "fontsize": "11", "nodesep": "0.3", "ranksep": "0.4",
              "bgcolor": "white", "pad": "0.1"},
    "node": {"fontname": "Helvetica", "fontsize": "12", "margin": "0.04,0.02", "height": "0.4"},
    "edge": {"arrowsize": "0.7", "color": "#333333"},
    "latent": {"shape": "ellipse", "style": "filled", "fillcolor": "white", "color": "#222222"},
    "observed": {"shape": "ellipse", "style": "filled", "fillcolor": "#c8c8c8",
                 "color": "#222222"},
    "deterministic": {"shape": "ellipse", "style": "filled", "fillcolor": "white",
                      "peripheries": "2", "color": "#222222"},
    "param": {"shape": "plaintext", "fontcolor": "#444444", "height": "0.2"},
    "factor": {"shape": "square", "style": "filled", "fillcolor": "black", "color": "black",
               "width": "0.15", "height": "0.15", "fixedsize": "true", "label": ""},
    # model arguments (``draw(..., data=True)``): rectangles, as PyMC draws its data
    "data": {"shape": "box", "style": "rounded,filled", "fillcolor": "#eeeeee",
             "color": "#555555", "height": "0.3"},
    "gated": {"style": "dashed,filled"},
    "control": {"style": "dashed", "color": "#777777"},
    "plate": {"labeljust": "r", "labelloc": "b", "style": "rounded", "color": "#555555",
              "fontsize": "10", "margin": "10"},
}
_PAPER_FONT = "Times-Roman"  # metrics for the layout; the paper renderer sets its own font
_PAPER: dict[str, dict[str, str]] = {
    **{k: dict(v) for k, v in _NOTEBOOK.items()},
    "graph": {**_NOTEBOOK["graph"], "fontname": _PAPER_FONT, "fontsize": "9", "nodesep": "0.25",
              "ranksep": "0.3", "pad": "0"},
    "node": {**_NOTEBOOK["node"], "fontname": _PAPER_FONT, "fontsize": "11"},
    "edge": {"arrowsize": "0.6", "color": "black"},
    # circles of one size, set per figure (paper_node_size); the label is the symbol only
    "latent": {"shape": "circle", "style": "filled", "fillcolor": "white", "color": "black",
               "fixedsize": "true"},
    "observed": {"shape": "circle", "style": "filled", "fillcolor": "gray80", "color": "black",
                 "fixedsize": "true"},
    "deterministic": {"shape": "circle", "style": "filled", "fillcolor": "white",
                      "peripheries": "2", "color": "black", "fixedsize": "true"},
    "param": {"shape": "plaintext", "fontcolor": "black", "height": "0.2"},
    "data": {"shape": "box", "style": "filled", "fillcolor": "white", "color": "black",
             "height": "0.3"},
    "factor": {**_NOTEBOOK["factor"], "fontsize": "9"},
    "control": {"style": "dashed", "color": "black"},
    "plate": {"labeljust": "r", "labelloc": "b", "style": "solid", "color": "black",
              "fontsize": "9", "fontname": _PAPER_FONT, "margin": "8"},
}
PAPER_NODE_SIZE = 24.0  # points: the smallest circle of a paper figure
PAPER_FONT_SIZE = 11.0  # points: a node's symbol
_CIRCLES = ("latent", "observed", "deterministic")
THEMES: dict[str, dict[str, dict[str, str]]] = {"notebook": _NOTEBOOK, "paper": _PAPER}


def is_paper(theme: str | Mapping[str, Any]) -> bool:
    """True for the paper theme (or a theme dict based on it): nodes of one size, symbol only."""
    if isinstance(theme, str):
        return theme == "paper"
    return isinstance(theme, Mapping) and theme.get("base") == "paper"


def _symbol_width(name: str, *, math: bool, size: float) -> float:
    """An estimate of a node symbol's width in points (serif, ``size`` points)."""
    found = symbol_parts(name) if math else None
    if found is None:
        return 0.5 * size * len(name)
    head, parts = found
    width = (0.6 if head in GREEK or len(head) == 1 else 0.5 * len(head)) * size
    sub = sum(1 if part in GREEK else len(part) for part in parts) + 0.5 * (len(parts) - 1)
    return width + 0.5 * 0.7 * size * sub


def paper_node_size(graph: nx.DiGraph, *, math: bool) -> float:
    """The diameter of every circle of a paper figure, in points: the smallest that holds the
    widest symbol (daft and tikz-bayesnet: node size is a property of the figure)."""
    widest = max((_symbol_width(str(n), math=math, size=PAPER_FONT_SIZE)
                  for n, kind in graph.nodes(data="kind") if kind in _CIRCLES), default=0.0)
    # a long word is set a little smaller (the renderer fits it) rather than blowing up every
    # circle of the figure
    return max(PAPER_NODE_SIZE, round(0.8 * widest + 8.0))


def resolve_theme(theme: str | Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, str]]:
    """A named theme, or the notebook theme updated by ``{kind: {attribute: value}}``."""
    if isinstance(theme, str):
        if theme not in THEMES:
            raise OptionError(f"unknown theme {theme!r}; choose one of {', '.join(THEMES)} "
                              "or pass a dict of graphviz attributes per node kind")
        return THEMES[theme]
    if not isinstance(theme, Mapping):
        raise OptionError(f"theme must be a name or a dict; got {type(theme).__name__}")
    base_name = theme.get("base", "notebook")
    resolved = {k: dict(v) for k, v in resolve_theme(str(base_name)).items()}
    for key, attrs in theme.items():
        if key == "base":
            continue
        if key not in THEME_KEYS:
            raise OptionError(f"unknown theme key {key!r}; keys are {', '.join(THEME_KEYS)}")
        if not isinstance(attrs, Mapping):
            raise OptionError(f"theme key {key!r} must map graphviz attributes to values, "
                              f"e.g. {{\"fillcolor\": \"red\"}}; got {type(attrs).__name__}")
        resolved[key] = {**resolved.get(key, {}), **{str(a): str(v) for a, v in attrs.items()}}
    return resolved


@dataclass
class Cluster:
    """One plate box: a level of plates (several when crossed), its nodes and inner boxes."""

    plates: tuple[str, ...]
    nodes: list[str] = field(default_factory=list)
    children: dict[tuple[str, ...], Cluster] = field(default_factory=dict)


def plate_nesting(graph: nx.DiGraph) -> tuple[list[str], dict[str, set[str]],
                                               Callable[[str, str], bool]]:
    """The plates that hold sites, in order of appearance; each plate's sites; and
    ``nested(q, p)``: plate ``q`` is drawn inside ``p`` (every site of ``q`` is in ``p``;
    plates with the same sites nest in order of appearance)."""
    order = list(graph.graph.get("plates", {}))
    members: dict[str, set[str]] = {}
    for node, plates in graph.nodes(data="plates"):
        for p in plates or ():
            members.setdefault(p, set()).add(node)
            if p not in order:
                order.append(p)
    order = [p for p in order if p in members]
    rank = {p: i for i, p in enumerate(order)}

    def nested(q: str, p: str) -> bool:
        if q == p or not members[q] <= members[p]:
            return False
        return members[q] != members[p] or rank[p] < rank[q]

    return order, members, nested


def plate_tree(graph: nx.DiGraph) -> Cluster:
    """Nest plate boxes as the sites nest, never cloning one and never nesting a crossed one.

    Plate ``q`` is nested in plate ``p`` when every site in ``q`` is also in ``p`` (plates with
    the same sites nest in order of appearance). A site's plates are drawn as levels, outermost
    first: a level starts with the plates left that are nested in no other, and takes in every
    plate left that is not nested in all of them; the plates of one level share one box
    (``users × items``). So a box is inside another only when each of its plates is nested in
    each plate of the outer box, and each combination of plates has exactly one box.
    """
    order, _, inside = plate_nesting(graph)
    rank = {p: i for i, p in enumerate(order)}
    root = Cluster(())
    for node, plates in graph.nodes(data="plates"):
        rest = sorted(dict.fromkeys(plates or ()), key=rank.__getitem__)
        cluster = root
        while rest:
            level = [p for p in rest if not any(inside(p, q) for q in rest)]
            grown = True
            while grown:
                extra = [p for p in rest
                         if p not in level and not all(inside(p, q) for q in level)]
                level.extend(extra)
                grown = bool(extra)
            key = tuple(p for p in rest if p in level)
            cluster = cluster.children.setdefault(key, Cluster(key))
            rest = [p for p in rest if p not in level]
        cluster.nodes.append(node)
    return root


@dataclass(frozen=True)
class DataNode:
    """A model argument drawn as a node of its own (never equal to a site name)."""

    name: str

    def __str__(self) -> str:
        return self.name


def with_data_nodes(graph: nx.DiGraph) -> nx.DiGraph:
    """The graph with a ``"data"`` node for each model argument that feeds a site's parameters
    (the sites' ``data_args``; an observed value, ``"obs"``, is the site itself and adds none),
    first, in order of first use, with a data edge into each site it reaches. A data node sits
    in the plates all the sites it feeds share (``x`` of a regression in ``N``)."""
    uses: dict[str, list[tuple[str, str]]] = {}
    for node, data_args in graph.nodes(data="data_args"):
        for param, names in (data_args or {}).items():
            if param == "obs":
                continue
            for name in names:
                uses.setdefault(name, []).append((node, param))
    if not uses:
        return graph
    out = nx.DiGraph()
    out.graph.update(graph.graph)
    for name, fed in uses.items():
        shared = [set(graph.nodes[node].get("plates") or ()) for node, _ in fed]
        first = graph.nodes[fed[0][0]].get("plates") or ()
        plates = tuple(p for p in first if all(p in s for s in shared))
        out.add_node(DataNode(name), kind="data", plates=plates, distribution=None,
                     gated_by=())
    out.add_nodes_from(graph.nodes(data=True))
    out.add_edges_from(graph.edges(data=True))
    for name, fed in uses.items():
        for node, param in fed:
            if out.has_edge(DataNode(name), node):
                edge = out.edges[DataNode(name), node]
                edge["params"] = (*edge["params"], param)
            else:
                out.add_edge(DataNode(name), node, kind="data", params=(param,))
    return out


def visible_graph(graph: nx.DiGraph, *, params: bool, deterministic: bool) -> nx.DiGraph:
    """The graph without hidden kinds; a hidden deterministic's parents feed its children."""
    hidden = {n for n, k in graph.nodes(data="kind")
              if (k == "param" and not params) or (k == "deterministic" and not deterministic)}
    if not hidden:
        return graph
    out = nx.DiGraph()
    out.graph.update(graph.graph)
    for n, d in graph.nodes(data=True):
        if n in hidden:
            continue
        sources = d.get("param_sources")
        if sources and any(source in hidden for source in sources.values()):
            # a parameter that is a hidden site's value is a function of that site's parents
            d = {**d, "param_sources": {param: source for param, source in sources.items()
                                        if source not in hidden}}
        out.add_node(n, **d)
    for a, b, d in graph.edges(data=True):
        if a not in hidden and b not in hidden:
            out.add_edge(a, b, **d)
    for a, b, d in graph.edges(data=True):
        if a in hidden or b not in hidden:
            continue
        # a → hidden deterministic → … → c becomes a → c
        stack, seen = [b], set()
        while stack:
            m = stack.pop()
            for _, c, dc in graph.out_edges(m, data=True):
                if c in seen:
                    continue
                seen.add(c)
                if c in hidden:
                    stack.append(c)
                    continue
                kind = "data" if d.get("kind") == dc.get("kind") == "data" else "control"
                if out.has_edge(a, c):
                    edge = out.edges[a, c]
                    edge["params"] = tuple(dict.fromkeys((*edge.get("params", ()),
                                                          *dc.get("params", ()))))
                    if kind == "data":
                        edge["kind"] = "data"
                else:
                    out.add_edge(a, c, kind=kind, params=tuple(dc.get("params", ())))
    return out


def _node_attrs(graph: nx.DiGraph, node: str, theme: dict, *, math: bool,
                distributions: bool, size: float | None = None) -> dict[str, Any]:
    data = graph.nodes[node]
    kind = data.get("kind", "latent")
    attrs: dict[str, Any] = dict(theme.get(kind, {}))
    name = _name_markup(str(node), math=math)
    text = distribution_label(graph, node, math=math) if distributions else None
    if text is not None and (not str(node) or len(text.encode()) > LABEL_BYTES_MAX):
        text = None  # the name alone, shortened
    if size is not None:  # a paper figure: circles of one size, distributions beside it
        text = None
        if kind in _CIRCLES:
            attrs["width"] = attrs["height"] = f"{size / 72:.4f}"
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


def _paper_size(shown: nx.DiGraph, theme: str | Mapping[str, Any], labels: str) -> float | None:
    return paper_node_size(shown, math=labels == "math") if is_paper(theme) else None


def _check_options(labels: str, rankdir: str) -> None:
    if labels not in LABEL_MODES:
        raise OptionError(f"labels must be one of {', '.join(LABEL_MODES)}; got {labels!r}")
    if rankdir not in RANKDIRS:
        raise OptionError(f"rankdir must be one of {', '.join(RANKDIRS)}; got {rankdir!r}")


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
    control = data.get("kind") == "control"
    attrs = dict(styles.get("control", {})) if control else {}
    what = ", ".join(data.get("params", ())) or ("control" if control else "")
    if what:
        attrs["tooltip"] = _shorten(f"{parent} → {child}: {what}", TOOLTIP_MAX)
    return attrs


def _emit(shown: nx.DiGraph, cluster: Cluster, lines: list[str], indent: str, *, styles: dict,
          ids: Mapping[str, str], counter: list[int], math: bool, distributions: bool,
          size: float | None = None) -> None:
    """Node statements and plate clusters (``cluster_<i>``, numbered depth first); ``size``:
    the paper theme's one circle size."""
    records = shown.graph.get("plates", {})
    for node in cluster.nodes:
        attrs = _node_attrs(shown, node, styles, math=math, distributions=distributions,
                            size=size)
        lines.append(f"{indent}{ids[node]} {attr_list(attrs)}")
    for child in cluster.children.values():
        name = f"cluster_{counter[0]}"
        counter[0] += 1
        box = {**styles.get("plate", {}), "label": f"<{box_label(child.plates, records)}>",
               "tooltip": _shorten(" × ".join(child.plates), TOOLTIP_MAX)}
        lines.append(f"{indent}subgraph {name} {{")
        lines.append(f"{indent}  graph {attr_list(box)}")
        _emit(shown, child, lines, indent + "  ", styles=styles, ids=ids, counter=counter,
              math=math, distributions=distributions, size=size)
        lines.append(f"{indent}}}")


def dot_lines(graph: nx.DiGraph, *, theme: str | Mapping[str, Any] = "notebook",
              rankdir: str = "TB", params: bool = False, deterministic: bool = True,
              distributions: bool = False, labels: str = "plain",
              data: bool = False) -> list[str]:
    """The statements of the DOT graph, one per line, without the enclosing ``digraph {}``."""
    _check_options(labels, rankdir)
    styles = resolve_theme(theme)
    shown = visible_graph(with_data_nodes(graph) if data else graph, params=params,
                          deterministic=deterministic)
    ids = {node: f"n{i}" for i, node in enumerate(shown.nodes)}
    big = shown.number_of_nodes() + shown.number_of_edges() >= BIG
    lines = _header(styles, {"rankdir": rankdir, **(LAYOUT_BIG if big else LAYOUT)})
    _emit(shown, plate_tree(shown), lines, "", styles=styles, ids=ids, counter=[0],
          math=labels == "math", distributions=distributions, size=_paper_size(shown, theme,
                                                                              labels))
    for parent, child, data in shown.edges(data=True):
        attrs = _edge_attrs(styles, parent, child, data)
        lines.append(f"{ids[parent]} -> {ids[child]} {attr_list(attrs)}".rstrip())
    return lines


def _digraph(graph: nx.DiGraph, lines: list[str]) -> str:
    name = _shorten(str(graph.graph.get("name") or "model"), TOOLTIP_MAX)
    body = "".join(f"  {line}\n" for line in lines)
    return f"digraph {quote(name)} {{\n{body}}}\n"


def cells_dot(shown: nx.DiGraph, cells: list[list[str]], local: Mapping[str, tuple[str, ...]],
              measure: list[tuple[str, ...]], *, theme: str | Mapping[str, Any] = "notebook",
              rankdir: str = "TB", distributions: bool = False, labels: str = "plain") -> str:
    """DOT for laying out crossed plates: each cell (nodes sharing one set of crossing plates)
    an invisible cluster ``cluster_cell_<i>`` with an anchor on the top rank, so cells stand side
    by side as columns; inside a cell the plates in ``local`` (node → its plates that cross
    nothing) are ordinary clusters ``cluster_<k>``, numbered cell by cell, depth first. Node
    ``m<j>`` in an invisible cluster aside is the label of the plates ``measure[j]``, laid out
    only for its size."""
    _check_options(labels, rankdir)
    styles = resolve_theme(theme)
    ids = {node: f"n{i}" for i, node in enumerate(shown.nodes)}
    lines = _header(styles, {"rankdir": rankdir, **LAYOUT})
    counter = [0]
    for i, cell in enumerate(cells):
        tree_graph = nx.DiGraph()
        tree_graph.graph["plates"] = shown.graph.get("plates", {})
        tree_graph.add_nodes_from((n, {"plates": local[n]}) for n in cell)
        lines.append(f"subgraph cluster_cell_{i} {{")
        lines.append('  graph [style=invis label="" margin=0]')
        lines.append(f'  anchor_{i} [shape=point style=invis width=0 height=0 label=""]')
        _emit(shown, plate_tree(tree_graph), lines, "  ", styles=styles, ids=ids,
              counter=counter, math=labels == "math", distributions=distributions,
              size=_paper_size(shown, theme, labels))
        lines.append("}")
    lines.append("{rank=min; " + " ".join(f"anchor_{i};" for i in range(len(cells))) + "}")
    plate_style = styles.get("plate", {})
    text_attrs = {a: plate_style[a] for a in ("fontname", "fontsize") if a in plate_style}
    lines.append("subgraph cluster_measure {")
    lines.append('  graph [style=invis label=""]')
    records = shown.graph.get("plates", {})
    for j, plates in enumerate(measure):
        attrs = {"shape": "plaintext", "margin": "0", "width": "0", "height": "0",
                 "label": f"<{box_label(plates, records)}>", **text_attrs}
        lines.append(f"  m{j} {attr_list(attrs)}")
    lines.append("}")
    for parent, child, data in shown.edges(data=True):
        attrs = _edge_attrs(styles, parent, child, data)
        lines.append(f"{ids[parent]} -> {ids[child]} {attr_list(attrs)}".rstrip())
    return _digraph(shown, lines)


def _fixed(box: Any) -> dict[str, str]:
    """Position and size attributes that pin a node to ``box`` (points) under ``neato -n2``."""
    return {"pos": f"{(box.x0 + box.x1) / 2:.2f},{(box.y0 + box.y1) / 2:.2f}",
            "width": f"{box.width / 72:.4f}", "height": f"{box.height / 72:.4f}",
            "fixedsize": "true"}


def pinned_dot(shown: nx.DiGraph, *, nodes: Mapping[str, Any], plates: Mapping[str, Any],
               plate_names: Mapping[str, tuple[str, ...]], label_boxes: Mapping[str, Any],
               edges: Mapping[tuple[str, str], str | None], theme: str | Mapping[str, Any],
               distributions: bool, labels: str) -> str:
    """DOT that draws a finished layout with ``neato -n2``: every node at its place.

    Plates are clusters with their box (``bb``) and label position (``lp``) given, so they may
    overlap; each label also has an invisible node of its size, an obstacle that edges without
    a ``pos`` (the ones ``neato`` routes) go around. Edges with a ``pos`` (``e,x,y …``) are
    drawn as they are.
    """
    styles = resolve_theme(theme)
    records = shown.graph.get("plates", {})
    plate_style = styles.get("plate", {})
    ids = {node: f"n{i}" for i, node in enumerate(shown.nodes)}
    graph_attrs = {"splines": "true", "notranslate": "true", "outputorder": "nodesfirst"}
    lines = _header(styles, graph_attrs)
    for i, (key, box) in enumerate(plates.items()):
        label = label_boxes[key]
        attrs = {**{a: v for a, v in plate_style.items() if a not in ("labeljust", "labelloc",
                                                                       "margin")},
                 "label": f"<{box_label(plate_names[key], records)}>",
                 # not the graph's background: a filled plate would hide those it overlaps
                 "bgcolor": "transparent",
                 "tooltip": _shorten(" × ".join(plate_names[key]), TOOLTIP_MAX),
                 "bb": f"{box.x0:.2f},{box.y0:.2f},{box.x1:.2f},{box.y1:.2f}",
                 "lp": f"{(label.x0 + label.x1) / 2:.2f},{(label.y0 + label.y1) / 2:.2f}"}
        lines.append(f"subgraph cluster_{i} {{ graph {attr_list(attrs)} }}")
        obstacle = {"shape": "box", "style": "invis", "label": "", **_fixed(label)}
        lines.append(f"l{i} {attr_list(obstacle)}")
    size = _paper_size(shown, theme, labels)
    for node in shown.nodes:
        attrs = _node_attrs(shown, node, styles, math=labels == "math",
                            distributions=distributions, size=size)
        lines.append(f"{ids[node]} {attr_list({**attrs, **_fixed(nodes[node])})}")
    for (parent, child), pos in edges.items():
        attrs = _edge_attrs(styles, parent, child, shown.edges[parent, child])
        if pos is not None:
            attrs["pos"] = pos
        lines.append(f"{ids[parent]} -> {ids[child]} {attr_list(attrs)}".rstrip())
    return _digraph(shown, lines)


def to_dot(graph: nx.DiGraph, *, theme: str | Mapping[str, Any] = "notebook",
           rankdir: str = "TB", params: bool = False, deterministic: bool = True,
           distributions: bool = False, labels: str = "plain", data: bool = False) -> str:
    """The DOT text of the diagram, ``digraph name { … }`` (the options of ``plategraph.draw``)."""
    lines = dot_lines(graph, theme=theme, rankdir=rankdir, params=params,
                      deterministic=deterministic, distributions=distributions, labels=labels,
                      data=data)
    return _digraph(graph, lines)
