"""Graph + drawing options → ``Layout``: graphviz places and routes, plategraph reads it back.

Without crossed plates, ``plategraph.layout`` builds the same DOT text as ``draw``
(``dot.dot_source``), runs ``dot`` once with JSON output and turns node, cluster, label and edge
positions into a ``geometry.Layout`` in points; an edge ``dot`` ran through a plate label is
routed again around it by ``neato -n2`` with every node pinned. With crossed plates, ``dot`` lays
out the cells, ``placement`` places the columns (or ``grid`` a grid of cells, when no order of
columns holds the plates) and the overlapping rectangles, and ``neato -n2`` routes the edges.
Every exporter draws from the one layout; ``Drawing.source`` is the DOT that draws it (``dot``'s
own, or every position pinned).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import networkx as nx

from ..exceptions import CrossedPlatesWarning
from ..graph.plates import Cluster, plate_tree
from .arrangement import SearchStopped
from .dot import cells_dot, dot_source, pinned_dot
from .drawn import drawn_graph
from .fit import beyond_a_page, figure_fit, fit_limits, refits, wide_refits
from .geometry import Box, Layout, Point, shifted_point
from .graphviz import graphviz_json, json_and
from .grid import place_grid
from .options import DEFAULT_TIMEOUT, FIGURE_HEIGHT, DrawOptions, max_width
from .placement import Cells, apart, cells_of, place

__all__ = ["Drawing", "compute_drawing", "layout"]

INCH = 72.0  # graphviz gives node and label sizes in inches, positions in points


def layout(graph: nx.DiGraph, *, theme: str | Mapping[str, Any] = "notebook",
           rankdir: str = "TB", params: bool = False, deterministic: bool = True,
           distributions: bool | str = False, labels: str | None = None, collapse: bool = True,
           data: bool = False, var_names: Sequence[str] | None = None, ancestors: bool = True,
           legend: bool = False, observed_style: str = "shaded",
           fontsize: float | None = None, width: str | float | None = None,
           font: str | None = None) -> Layout:
    """Lay out a plategraph graph: node, plate and label boxes and edge paths, in points.

    The options are ``draw``'s; the layout is the one ``draw`` shows. ``Layout.graph`` is the
    graph as drawn (families collapsed, hidden kinds removed), ``Layout.options`` the
    ``DrawOptions``: a paper figure (``theme="paper"``) wider than ``width`` (a column) may be
    laid out tighter or in the other direction to fit it, which they say.

    >>> lay = plategraph.layout(g)
    >>> list(lay.nodes), list(lay.plates), lay.plates["J"].contains(lay.nodes["theta"])
    (['mu', 'tau', 'theta', 'obs'], ['J'], True)
    """
    options = DrawOptions(theme=theme, rankdir=rankdir, params=params,
                          deterministic=deterministic, distributions=distributions,
                          labels=labels, collapse=collapse, data=data,
                          var_names=var_names,
                          ancestors=ancestors, legend=legend, observed_style=observed_style,
                          fontsize=fontsize, width=width, font=font)
    return compute_drawing(drawn_graph(graph, options), options)[0].layout


@dataclass(frozen=True)
class Drawing:
    """A layout and the DOT that draws it: ``engine`` ``"dot"`` lays ``source`` out itself
    (clusters); ``"neato"`` draws it as it is (``neato -n2``, every position pinned)."""

    layout: Layout
    source: str
    engine: str


def compute_drawing(shown: nx.DiGraph, options: DrawOptions, *, render: Sequence[str] = (),
                    source: str | None = None,
                    timeout: float | None = DEFAULT_TIMEOUT) -> tuple[Drawing, dict[str, bytes]]:
    """Lay out a drawn graph (``drawn_graph``): the layout and the DOT that draws it.

    With ``render`` (formats), the graphviz run that makes the layout also renders it in those
    formats, and their bytes come back with the drawing (``{format: bytes}``). ``source`` is
    ``dot_source``'s text for the graph when the caller has it already. Each graphviz run is
    stopped after ``timeout`` seconds (None: no limit) with a RenderError.

    A paper figure too wide for its width (``width``, the column by default) at its type size
    is laid out again (``refits``): tighter, then in the other direction, then both; the first
    that fits the width (and a page's height) is the figure's layout (its ``options`` say how it
    was laid out), else the first that fits the text width, else the figure as asked. Text is
    never scaled.
    """
    drawing, rendered = _drawing(shown, options, render, source, timeout)
    if not options.paper or render:
        return drawing, rendered
    return _fitted(shown, drawing, options, timeout), {}


def _fitted(shown: nx.DiGraph, drawing: Drawing, options: DrawOptions,
            timeout: float | None) -> Drawing:
    """For its width, then the text width: the first of the figure as asked and its
    ``refits`` that fits, else the smallest of its ``wide_refits`` that fits; the figure as
    asked when none fits. Crossed plates are not turned (their placement lays the other
    direction out as columns that read from the bottom up) nor staggered."""
    distributions = options.distributions
    crossed = cells_of(shown) is not None
    tiers = [[drawing], []]
    candidates = [refits(options, turn=not crossed),
                  [] if crossed else wide_refits(options)]
    for limit in fit_limits(max_width(options.width)):
        for tier, tried, asked in zip((0, 1), tiers, candidates):
            fitting = []
            if beyond_a_page(drawing.layout, limit):
                asked = []  # no re-layout can fit: the figure as asked is judged alone
            for i, option in enumerate([None, *asked] if tier == 0 else asked):
                if i == len(tried):
                    tried.append(_quiet(shown, option, timeout))
                fit = figure_fit(tried[i].layout, distributions=distributions, limit=limit)
                # a re-layout that only trades width for more than a page's height does not
                # fit
                if fit.fits and (i == 0 == tier or fit.height <= FIGURE_HEIGHT):
                    fitting.append((fit.width * fit.height, i))
                    if tier == 0:
                        break
            if fitting:
                return tried[min(fitting)[1]]
    return drawing


def _quiet(shown: nx.DiGraph, options: DrawOptions, timeout: float | None) -> Drawing:
    """A re-layout: the figure as asked says what it says."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CrossedPlatesWarning)
        return _drawing(shown, options, (), None, timeout)[0]


def _drawing(shown: nx.DiGraph, options: DrawOptions, render: Sequence[str], source: str | None,
             timeout: float | None) -> tuple[Drawing, dict[str, bytes]]:
    """``compute_drawing`` with the options as they are."""
    cells = cells_of(shown)
    if cells is not None:
        why = "cannot be drawn"
        try:
            crossed = _crossed(shown, cells, options, render, timeout)
        except SearchStopped as stopped:
            crossed, why = None, f"were not drawn (undecided: {stopped})"
        if crossed is not None:
            return crossed
        warnings.warn(CrossedPlatesWarning(
            f"{shown.graph.get('name') or 'model'}: the crossed plates {', '.join(cells.key)} "
            f"{why} as overlapping rectangles that each hold exactly their sites; drawing one "
            "box per combination of plates instead"), stacklevel=4)
    if source is None:
        source = dot_source(shown, options)
    if not render:
        data, rendered = graphviz_json(source, timeout=timeout), {}
    else:
        data, rendered = json_and(source, render, timeout=timeout)
    lay, pos = from_graphviz(shown, data, options)
    crossing = [e for e, path in lay.edges.items()
                if any(crosses(path, box) for box in lay.plate_labels.values())]
    if not crossing:
        return Drawing(lay, source, "dot"), rendered
    # graphviz ran these edges through a plate label: route them again around the labels
    return _pinned(lay, {e: (None if e in crossing else p) for e, p in pos.items()}, render,
                   timeout)


def _pinned(lay: Layout, pos: Mapping[tuple[str, str], str | None], render: Sequence[str],
            timeout: float | None) -> tuple[Drawing, dict[str, bytes]]:
    """The layout drawn pinned by ``neato -n2``, which routes the edges whose ``pos`` is None
    around nodes and labels (and renders the first format of ``render`` in the same run; the
    others are left to the returned source, which pins the routed edges too)."""
    shown, options = lay.graph, lay.options
    names = {k: lay.combined.get(k, (k,)) for k in lay.plates}
    source = pinned_dot(shown, nodes=lay.nodes, plates=lay.plates, plate_names=names,
                        label_boxes=lay.plate_labels, edges=pos, options=options)
    if not render:
        data, rendered = graphviz_json(source, engine="neato", timeout=timeout), {}
    else:
        data, rendered = json_and(source, render[:1], engine="neato", timeout=timeout)
    routed = {**pos, **_edge_pos(shown, data)}
    edges = {e: edge_path(p) for e, p in routed.items() if p is not None}
    points = [pt for path in edges.values() for pt in path]
    # the tight box of everything drawn: a routed edge may bulge out of the boxes
    x0 = min([0.0, *(x for x, _ in points)])
    y0 = min([0.0, *(y for _, y in points)])
    if x0 < 0 or y0 < 0:
        lay = replace(lay, nodes=_shifted(lay.nodes, -x0, -y0),
                      plates=_shifted(lay.plates, -x0, -y0),
                      plate_labels=_shifted(lay.plate_labels, -x0, -y0))
        routed = {e: _shifted_pos(p, -x0, -y0) for e, p in routed.items()}
        edges = {e: edge_path(p) for e, p in routed.items() if p is not None}
        points = [pt for path in edges.values() for pt in path]
    boxes = [*lay.nodes.values(), *lay.plates.values(), *lay.plate_labels.values()]
    width = max([b.x1 for b in boxes] + [x for x, _ in points])
    height = max([b.y1 for b in boxes] + [y for _, y in points])
    lay = replace(lay, edges={e: edges[e] for e in shown.edges if e in edges},
                  width=round(width, 2), height=round(height, 2))
    source = pinned_dot(shown, nodes=lay.nodes, plates=lay.plates, plate_names=names,
                        label_boxes=lay.plate_labels, edges=routed, options=options)
    return Drawing(lay, source, "neato"), rendered


def _shifted(boxes: Mapping[str, Box], dx: float, dy: float) -> dict[str, Box]:
    """Each box moved by ``(dx, dy)``, to 0.01 pt."""
    return {k: b.shifted(dx, dy).rounded() for k, b in boxes.items()}


def _shifted_pos(pos: str | None, dx: float, dy: float) -> str | None:
    """A graphviz edge ``pos`` moved by ``(dx, dy)``, to 0.01 pt."""
    if pos is None:
        return None
    start, points, end = _pos_parts(pos)
    return _pos_text(start and shifted_point(start, dx, dy),
                     [shifted_point(p, dx, dy) for p in points],
                     end and shifted_point(end, dx, dy))


def _edge_pos(shown: nx.DiGraph, data: dict[str, Any]) -> dict[tuple[str, str], str]:
    """Edge → graphviz ``pos`` from a JSON layout whose node ``n<i>`` is ``shown``'s i-th."""
    sites = list(shown.nodes)
    names = {obj["_gvid"]: obj["name"] for obj in data.get("objects", ())}
    out = {}
    for edge in data.get("edges", ()):
        tail, head = names[edge["tail"]], names[edge["head"]]
        out[(sites[int(tail[1:])], sites[int(head[1:])])] = edge["pos"]
    return out


def _bezier(p0: Point, p1: Point, p2: Point, p3: Point, steps: int) -> Iterator[Point]:
    for i in range(steps + 1):
        t = i / steps
        u = 1 - t
        yield (u ** 3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t ** 3 * p3[0],
               u ** 3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t ** 3 * p3[1])


def path_points(path: list[Point], steps: int = 32) -> Iterator[Point]:
    """Points along a Bézier chain, ``steps`` per segment."""
    for i in range(0, len(path) - 3, 3):
        yield from _bezier(path[i], path[i + 1], path[i + 2], path[i + 3], steps)


def crosses(path: list[Point], box: Box) -> bool:
    """True when the drawn path enters the box's interior."""
    # a Bézier curve stays inside the hull of its control points: most paths are far away
    if (max(x for x, _ in path) <= box.x0 or min(x for x, _ in path) >= box.x1
            or max(y for _, y in path) <= box.y0 or min(y for _, y in path) >= box.y1):
        return False
    return any(box.x0 < x < box.x1 and box.y0 < y < box.y1 for x, y in path_points(path))


def _pos_parts(pos: str) -> tuple[Point | None, list[Point], Point | None]:
    """A graphviz edge ``pos``: its start arrow's tip, its spline points, its end arrow's tip."""
    start: Point | None = None
    end: Point | None = None
    points: list[Point] = []
    for token in pos.split(";")[0].split():
        if token[0] in "es":  # "e,x,y" or "s,x,y": an arrow tip
            x, _, y = token[2:].partition(",")
            if token[0] == "e":
                end = (float(x), float(y))
            else:
                start = (float(x), float(y))
        else:
            x, _, y = token.partition(",")
            points.append((float(x), float(y)))
    return start, points, end


def _pos_text(start: Point | None, points: list[Point], end: Point | None) -> str:
    parts = [f"s,{start[0]:.2f},{start[1]:.2f}"] if start else []
    parts += [f"e,{end[0]:.2f},{end[1]:.2f}"] if end else []
    parts += [f"{x:.2f},{y:.2f}" for x, y in points]
    return " ".join(parts)


def _crossed(shown: nx.DiGraph, cells: Cells, options: DrawOptions, render: Sequence[str],
             timeout: float | None) -> tuple[Drawing, dict[str, bytes]] | None:
    """Crossed plates as overlapping rectangles (``placement``), edges routed by ``neato``;
    None when no placement exists."""
    sites = list(shown.nodes)
    measure = [(p,) for p in cells.key]
    source = cells_dot(shown, [ns for _, ns in cells.cells], cells.local, measure, options)
    data = graphviz_json(source, timeout=timeout)
    local_keys: list[tuple[tuple[str, ...], int]] = []
    for i, (_, ns) in enumerate(cells.cells):
        tree = nx.DiGraph()
        tree.graph["plates"] = shown.graph.get("plates", {})
        tree.add_nodes_from((n, {"plates": cells.local[n]}) for n in ns)
        local_keys.extend((plates, i) for plates in cluster_plates(plate_tree(tree)))
    nodes: dict[str, Box] = {}
    local_plates: dict[str, Box] = {}
    local_labels: dict[str, Box] = {}
    local_cell: dict[str, int] = {}
    sizes: dict[str, tuple[float, float]] = {}
    for obj in data.get("objects", ()):
        name = obj["name"]
        if name.startswith("cluster_") and name[8:].isdigit():
            plates, cell = local_keys[int(name[8:])]
            key = " × ".join(plates)
            local_cell[key] = cell
            local_plates[key] = Box(*_floats(obj["bb"]))
            local_labels[key] = _box_at(obj["lp"], float(obj["lwidth"]) * INCH,
                                        float(obj["lheight"]) * INCH)
        elif name[0] == "n" and name[1:].isdigit():
            nodes[sites[int(name[1:])]] = _box_at(obj["pos"], float(obj["width"]) * INCH,
                                                 float(obj["height"]) * INCH)
        elif name[0] == "m" and name[1:].isdigit():
            sizes[cells.key[int(name[1:])]] = (round(float(obj["width"]) * INCH, 2),
                                              round(float(obj["height"]) * INCH, 2))
    local_plates = apart(local_plates)
    axis = 0 if options.rankdir in ("TB", "BT") else 1
    placed = place(shown, cells, nodes, local_plates, local_labels, local_cell, sizes, axis=axis)
    if placed is None:
        placed = place_grid(cells, nodes, local_plates, local_labels, local_cell, sizes,
                            rankdir=options.rankdir)
    if placed is None:
        return None
    # the boxes from the origin; the edges are routed by neato (see _pinned)
    boxes = [*placed.nodes.values(), *placed.plates.values(), *placed.plate_labels.values()]
    dx, dy = -min(b.x0 for b in boxes), -min(b.y0 for b in boxes)
    order = {k: i for i, k in enumerate([*cells.key, *local_plates])}
    plate_keys = sorted(placed.plates, key=order.__getitem__)
    lay = Layout(graph=shown, nodes=_shifted({n: placed.nodes[n] for n in sites}, dx, dy),
                 plates=_shifted({k: placed.plates[k] for k in plate_keys}, dx, dy),
                 plate_labels=_shifted({k: placed.plate_labels[k] for k in plate_keys}, dx, dy),
                 edges={}, width=0.0, height=0.0, options=options)
    return _pinned(lay, {e: None for e in shown.edges}, render, timeout)


def cluster_plates(tree: Cluster) -> Iterator[tuple[str, ...]]:
    """The plates of each box, in the order ``dot.dot_source`` numbers its clusters
    (``cluster_0``, ``cluster_1``, … depth first)."""
    for child in tree.children.values():
        yield child.plates
        yield from cluster_plates(child)


def _floats(text: str) -> list[float]:
    return [float(v) for v in text.split(",")]


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
    start, points, end = _pos_parts(pos)
    if start is not None:
        points = [start, *straight(start, points[0])[:-1], *points]
    if end is not None:
        points = [*points, *straight(points[-1], end)]
    return points


def from_graphviz(shown: nx.DiGraph, data: dict[str, Any],
                  options: DrawOptions) -> tuple[Layout, dict[tuple[str, str], str]]:
    """A ``Layout`` from ``dot``'s JSON for ``dot_source(shown)`` (node ``n<i>`` is the i-th node of
    ``shown``, cluster ``cluster_<i>`` the i-th box of its plate tree), and each edge's ``pos``."""
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
    pos = {(by_gvid[e["tail"]], by_gvid[e["head"]]): e["pos"] for e in data.get("edges", ())}
    # trace order, whatever order graphviz lists things in
    nodes = {n: nodes[n] for n in sites}
    pos = {e: pos[e] for e in shown.edges if e in pos}
    edges = {e: edge_path(p) for e, p in pos.items()}
    x0, y0, x1, y1 = _floats(data["bb"])
    lay = Layout(graph=shown, nodes=nodes, plates=plates, plate_labels=label_boxes, edges=edges,
                 width=x1 - x0, height=y1 - y0, combined=combined, options=options)
    return lay, pos
