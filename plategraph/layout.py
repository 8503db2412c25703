"""Graph + drawing options → ``Layout``: graphviz places and routes, plategraph reads it back.

``plategraph.layout`` builds the same DOT text as ``draw`` (``dot.to_dot``), runs ``dot`` once
with JSON output (``render.graphviz_json``) and turns node, cluster, label and edge positions
into a ``geometry.Layout`` in points. Every exporter draws from that one layout.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import networkx as nx

from .collapse import collapse_families
from .dot import Cluster, plate_tree, to_dot, visible_graph
from .geometry import Box, Layout, Point
from .render import graphviz_json

__all__ = ["layout"]

INCH = 72.0  # graphviz gives node and label sizes in inches, positions in points


def layout(graph: nx.DiGraph, *, theme: str | Mapping[str, Any] = "notebook",
           rankdir: str = "TB", params: bool = False, deterministic: bool = True,
           distributions: bool = False, labels: str = "plain", collapse: bool = True) -> Layout:
    """Lay out a plategraph graph: node, plate and label boxes and edge paths, in points.

    The options are ``draw``'s; the layout is the one ``draw`` shows. ``Layout.graph`` is the
    graph as drawn (families collapsed, hidden kinds removed).

    >>> lay = plategraph.layout(g)
    >>> lay.nodes["theta"], lay.plates["J"], lay.edges[("mu", "theta")]
    """
    options: dict[str, Any] = {"theme": theme, "rankdir": rankdir, "params": params,
                               "deterministic": deterministic, "distributions": distributions,
                               "labels": labels, "collapse": collapse}
    shown = visible_graph(collapse_families(graph) if collapse else graph,
                          params=params, deterministic=deterministic)
    # nothing is hidden any more, so to_dot draws `shown` as it is: the DOT of `draw`
    source = to_dot(shown, theme=theme, rankdir=rankdir, params=True, deterministic=True,
                    distributions=distributions, labels=labels)
    return from_graphviz(shown, graphviz_json(source), options)


def cluster_plates(tree: Cluster) -> Iterator[tuple[str, ...]]:
    """The plates of each box, in the order ``dot.to_dot`` numbers its clusters
    (``cluster_0``, ``cluster_1``, … depth first)."""
    for child in tree.children.values():
        yield child.plates
        yield from cluster_plates(child)


def _floats(text: str) -> list[float]:
    return [float(v) for v in text.split(",")]


def _point(text: str) -> Point:
    x, y = _floats(text)
    return (x, y)


def _box_at(center: str, width: float, height: float) -> Box:
    # graphviz gives sizes to 1e-5 in: round to 0.01 pt, the precision of its positions
    x, y = _floats(center)
    w, h = width / 2, height / 2
    return Box(round(x - w, 2), round(y - h, 2), round(x + w, 2), round(y + h, 2))


def straight(a: Point, b: Point) -> list[Point]:
    """One cubic Bézier segment on the line from ``a`` to ``b`` (without ``a``)."""
    return [(a[0] + (b[0] - a[0]) / 3, a[1] + (b[1] - a[1]) / 3),
            (a[0] + 2 * (b[0] - a[0]) / 3, a[1] + 2 * (b[1] - a[1]) / 3), b]


def edge_path(pos: str) -> list[Point]:
    """A graphviz edge ``pos`` (``e,x,y p0 p1 …``) as a Bézier chain from the tail's outline to
    the arrow tip: graphviz ends the spline at the arrow's base and gives the tip apart."""
    start: Point | None = None
    end: Point | None = None
    points: list[Point] = []
    for token in pos.split(";")[0].split():
        if token.startswith("e,"):
            end = _point(token[2:])
        elif token.startswith("s,"):
            start = _point(token[2:])
        else:
            points.append(_point(token))
    if start is not None:
        points = [start, *straight(start, points[0])[:-1], *points]
    if end is not None:
        points = [*points, *straight(points[-1], end)]
    return points


def from_graphviz(shown: nx.DiGraph, data: dict[str, Any], options: dict[str, Any]) -> Layout:
    """A ``Layout`` from ``dot``'s JSON for ``to_dot(shown)``: node ``n<i>`` is the i-th node of
    ``shown``, cluster ``cluster_<i>`` the i-th box of its plate tree."""
    sites = list(shown.nodes)
    boxes = list(cluster_plates(plate_tree(shown)))
    by_gvid: dict[int, str] = {}
    nodes: dict[str, Box] = {}
    plates: dict[str, Box] = {}
    label_boxes: dict[str, Box] = {}
    combined: dict[str, tuple[str, ...]] = {}
    for obj in data.get("objects", ()):
        name = obj["name"]
        if name.startswith("cluster_"):
            keys = boxes[int(name[len("cluster_"):])]
            key = " × ".join(keys)
            if len(keys) > 1:
                combined[key] = keys
            plates[key] = Box(*_floats(obj["bb"]))
            if "lp" in obj:
                label_boxes[key] = _box_at(obj["lp"], float(obj["lwidth"]) * INCH,
                                           float(obj["lheight"]) * INCH)
        else:
            site = sites[int(name[1:])]
            by_gvid[obj["_gvid"]] = site
            nodes[site] = _box_at(obj["pos"], float(obj["width"]) * INCH,
                                  float(obj["height"]) * INCH)
    edges: dict[tuple[str, str], list[Point]] = {}
    for edge in data.get("edges", ()):
        edges[(by_gvid[edge["tail"]], by_gvid[edge["head"]])] = edge_path(edge["pos"])
    # trace order, whatever order graphviz lists things in
    nodes = {n: nodes[n] for n in sites}
    edges = {e: edges[e] for e in shown.edges if e in edges}
    x0, y0, x1, y1 = _floats(data["bb"])
    return Layout(graph=shown, nodes=nodes, plates=plates, labels=label_boxes, edges=edges,
                  width=x1 - x0, height=y1 - y0, combined=combined, options=options)
