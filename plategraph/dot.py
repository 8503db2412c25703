"""Pure: a plategraph graph and drawing options → DOT text (plates as clusters, trace order)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from .exceptions import OptionError
from .labels import combined_plate_label, distribution_label, name_label, plate_label
from .quoting import attr_list, html_text, quote

__all__ = ["THEMES", "dot_lines", "plate_tree", "to_dot"]

NODE_KINDS = ("latent", "observed", "deterministic", "param", "factor")
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
    "gated": {"style": "dashed,filled"},
    "control": {"style": "dashed", "color": "#777777"},
    "plate": {"labeljust": "r", "labelloc": "b", "style": "rounded", "color": "#555555",
              "fontsize": "10", "margin": "10"},
}
_PAPER_FONT = "Times-Roman"
_PAPER: dict[str, dict[str, str]] = {
    **{k: dict(v) for k, v in _NOTEBOOK.items()},
    "graph": {**_NOTEBOOK["graph"], "fontname": _PAPER_FONT},
    "node": {**_NOTEBOOK["node"], "fontname": _PAPER_FONT},
    "edge": {"arrowsize": "0.6", "color": "black"},
    "latent": {"shape": "circle", "style": "filled", "fillcolor": "white", "color": "black",
               "fixedsize": "false"},
    "observed": {"shape": "circle", "style": "filled", "fillcolor": "gray80", "color": "black"},
    "deterministic": {"shape": "circle", "style": "filled", "fillcolor": "white",
                      "peripheries": "2", "color": "black"},
    "param": {"shape": "plaintext", "fontcolor": "black", "height": "0.2"},
    "control": {"style": "dashed", "color": "black"},
    "plate": {"labeljust": "r", "labelloc": "b", "style": "solid", "color": "black",
              "fontsize": "10", "fontname": _PAPER_FONT, "margin": "10"},
}
THEMES: dict[str, dict[str, dict[str, str]]] = {"notebook": _NOTEBOOK, "paper": _PAPER}


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


def plate_tree(graph: nx.DiGraph) -> Cluster:
    """Nest plate boxes as the sites nest, never cloning one and never nesting a crossed one.

    Plate ``q`` is nested in plate ``p`` when every site in ``q`` is also in ``p`` (plates with
    the same sites nest in order of appearance). A site's plates are drawn as levels, outermost
    first: a level starts with the plates left that are nested in no other, and takes in every
    plate left that is not nested in all of them; the plates of one level share one box
    (``users × items``). So a box is inside another only when each of its plates is nested in
    each plate of the outer box, and each combination of plates has exactly one box.
    """
    order = list(graph.graph.get("plates", {}))
    members: dict[str, set[str]] = {}
    for node, plates in graph.nodes(data="plates"):
        for p in plates or ():
            members.setdefault(p, set()).add(node)
            if p not in order:
                order.append(p)
    rank = {p: i for i, p in enumerate(order)}

    def inside(q: str, p: str) -> bool:
        if q == p or not members[q] <= members[p]:
            return False
        return members[q] != members[p] or rank[p] < rank[q]

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


def _visible(graph: nx.DiGraph, *, params: bool, deterministic: bool) -> nx.DiGraph:
    """The graph without hidden kinds; a hidden deterministic's parents feed its children."""
    hidden = {n for n, k in graph.nodes(data="kind")
              if (k == "param" and not params) or (k == "deterministic" and not deterministic)}
    if not hidden:
        return graph
    out = nx.DiGraph()
    out.graph.update(graph.graph)
    out.add_nodes_from((n, d) for n, d in graph.nodes(data=True) if n not in hidden)
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
                distributions: bool) -> dict[str, Any]:
    data = graph.nodes[node]
    kind = data.get("kind", "latent")
    attrs: dict[str, Any] = dict(theme.get(kind, {}))
    name = _name_markup(str(node), math=math)
    text = distribution_label(graph, node, math=math) if distributions else None
    if text is not None and (not str(node) or len(text.encode()) > LABEL_BYTES_MAX):
        text = None  # the name alone, shortened
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


def dot_lines(graph: nx.DiGraph, *, theme: str | Mapping[str, Any] = "notebook",
              rankdir: str = "TB", params: bool = False, deterministic: bool = True,
              distributions: bool = False, labels: str = "plain") -> list[str]:
    """The statements of the DOT graph, one per line, without the enclosing ``digraph {}``."""
    if labels not in LABEL_MODES:
        raise OptionError(f"labels must be one of {', '.join(LABEL_MODES)}; got {labels!r}")
    if rankdir not in RANKDIRS:
        raise OptionError(f"rankdir must be one of {', '.join(RANKDIRS)}; got {rankdir!r}")
    styles = resolve_theme(theme)
    math = labels == "math"
    shown = _visible(graph, params=params, deterministic=deterministic)
    ids = {node: f"n{i}" for i, node in enumerate(shown.nodes)}
    records = shown.graph.get("plates", {})
    big = shown.number_of_nodes() + shown.number_of_edges() >= BIG
    layout = LAYOUT_BIG if big else LAYOUT

    lines = [
        f"graph {attr_list({**styles.get('graph', {}), 'rankdir': rankdir, **layout})}",
        f"node {attr_list(styles.get('node', {}))}",
        f"edge {attr_list(styles.get('edge', {}))}",
    ]
    counter = [0]

    def emit(cluster: Cluster, indent: str) -> None:
        for node in cluster.nodes:
            attrs = _node_attrs(shown, node, styles, math=math, distributions=distributions)
            lines.append(f"{indent}{ids[node]} {attr_list(attrs)}")
        for child in cluster.children.values():
            name = f"cluster_{counter[0]}"
            counter[0] += 1
            if len(child.plates) == 1:
                label = plate_label(child.plates[0], records.get(child.plates[0], {}))
            else:
                label = combined_plate_label(list(child.plates),
                                             [records.get(p, {}) for p in child.plates])
            if len(label.encode()) > LABEL_BYTES_MAX:
                label = html_text(_shorten(" × ".join(child.plates), LABEL_NAME_MAX))
            box = {**styles.get("plate", {}), "label": f"<{label}>",
                   "tooltip": _shorten(" × ".join(child.plates), TOOLTIP_MAX)}
            lines.append(f"{indent}subgraph {name} {{")
            lines.append(f"{indent}  graph {attr_list(box)}")
            emit(child, indent + "  ")
            lines.append(f"{indent}}}")

    emit(plate_tree(shown), "")
    for parent, child, data in shown.edges(data=True):
        control = data.get("kind") == "control"
        attrs = dict(styles.get("control", {})) if control else {}
        what = ", ".join(data.get("params", ())) or ("control" if control else "")
        if what:
            attrs["tooltip"] = _shorten(f"{parent} → {child}: {what}", TOOLTIP_MAX)
        lines.append(f"{ids[parent]} -> {ids[child]} {attr_list(attrs)}".rstrip())
    return lines


def to_dot(graph: nx.DiGraph, *, theme: str | Mapping[str, Any] = "notebook",
           rankdir: str = "TB", params: bool = False, deterministic: bool = True,
           distributions: bool = False, labels: str = "plain") -> str:
    """The DOT text of the diagram, ``digraph name { … }`` (the options of ``plategraph.draw``)."""
    name = _shorten(str(graph.graph.get("name") or "model"), TOOLTIP_MAX)
    lines = dot_lines(graph, theme=theme, rankdir=rankdir, params=params,
                      deterministic=deterministic, distributions=distributions, labels=labels)
    body = "".join(f"  {line}\n" for line in lines)
    return f"digraph {quote(name)} {{\n{body}}}\n"
