"""Pure: crossed plates as overlapping rectangles, placed by plategraph around graphviz's ranks.

Graphviz clusters cannot overlap, so a model whose plates cross (``r`` in ``users`` and in
``items``) is laid out in steps:

1. *Cells*: the nodes sharing one set of *key plates* (plates that cross another, and plates
   around those) form a cell. ``dot`` lays out every cell as an invisible cluster with an anchor
   on the top rank (``dot.cells_dot``), so each cell is a column; plates inside a cell that cross
   nothing are ordinary clusters there.
2. *Order*: the columns are put side by side in the order, among all orders (without mirror
   images; the first ``ORDERS_MAX`` above ``EXHAUSTIVE`` columns), in which every key plate's
   cells are adjacent — so its rectangle holds exactly its members and no foreign node — and
   edges are shortest. No such order: the caller puts the cells on a grid (``grid.py``).
3. *Rectangles*: each key plate's rectangle is the bounding box of its members (and of the
   plates nested in it), inner plates first, with margins staggered per plate so that no two
   sides coincide; its label goes in the first corner (bottom right, bottom left, top right,
   top left) where it touches no node, no other label and no other plate's side (a plate
   around it is drawn around its label too, so is no obstacle). A label with no room at either
   end of its plate, where a crossing plate's side is in its way, widens the gap before that
   plate's columns, and the order is placed again; then the next order (shortest edges first).

Edges are routed afterwards by ``neato -n2`` with the nodes pinned and the labels as obstacles
(``engine.py``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import networkx as nx

from ..graph.plates import plate_nesting
from .arrangement import column_orders
from .geometry import Box

__all__ = ["Cells", "Placement", "apart", "cells_of", "place"]

EXHAUSTIVE = 8  # columns up to which every order is tried
ORDERS_MAX = 5000  # admissible orders compared above that
MARGIN = 8.0  # space between a plate's side and what it holds
STAGGER = 5.0  # extra margin per crossing plate, so that crossing sides never coincide
LABEL_PAD = 3.0  # space between a label and its plate's sides
APART = 2.0  # how far each of two touching sides of plates side by side is pulled in
GAP = 18.0  # space between columns, on top of the margins of the plates ending there
ORDERS_TRIED = 20  # admissible column orders tried, shortest edges first, before giving up
WIDEN_STEPS = 8  # widenings of the gaps between columns tried for one order


def apart(plates: Mapping[str, Box]) -> dict[str, Box]:
    """``plates`` with the touching sides of plates side by side pulled in by ``APART`` each:
    ``dot`` may set two sibling clusters of one cell edge to edge, where two plates would read as
    one; each keeps nearly all of its margin (``MARGIN``), and its label inside it."""
    out = dict(plates)
    for a in plates:
        for b in plates:
            first, second = out[a], out[b]
            if a == b or first.contains(second) or second.contains(first):
                continue
            if (abs(first.x1 - second.x0) < APART
                    and min(first.y1, second.y1) > max(first.y0, second.y0)):
                out[a], out[b] = (replace(first, x1=first.x1 - APART),
                                  replace(second, x0=second.x0 + APART))
            elif (abs(first.y1 - second.y0) < APART
                  and min(first.x1, second.x1) > max(first.x0, second.x0)):
                out[a], out[b] = (replace(first, y1=first.y1 - APART),
                                  replace(second, y0=second.y0 + APART))
    return out

@dataclass
class Cells:
    """The crossing structure of a graph: key plates, their members, the cells."""

    key: list[str]  # plates that cross or hold crossing plates, in plate order
    members: dict[str, set[str]]
    inside: dict[str, list[str]]  # key plate → key plates nested in it
    cells: list[tuple[tuple[str, ...], list[str]]]  # (key plates, nodes), first appearance
    local: dict[str, tuple[str, ...]]  # node → its plates that are not key plates


def cells_of(graph: nx.DiGraph) -> Cells | None:
    """The cells of a graph with crossed plates; None when no two plates cross."""
    order, members, nested = plate_nesting(graph)
    crossing = [p for p in order
                if any(q != p and members[p] & members[q] and not nested(p, q)
                       and not nested(q, p) for q in order)]
    if not crossing:
        return None
    around = [p for p in order
              if p not in crossing and any(nested(q, p) for q in crossing)]
    key = [p for p in order if p in crossing or p in around]
    cells: dict[tuple[str, ...], list[str]] = {}
    local: dict[str, tuple[str, ...]] = {}
    for node, plates in graph.nodes(data="plates"):
        plates = tuple(plates or ())
        cells.setdefault(tuple(p for p in key if p in plates), []).append(node)
        local[node] = tuple(p for p in plates if p not in key)
    inside = {p: [q for q in key if nested(q, p)] for p in key}
    return Cells(key, members, inside, list(cells.items()), local)


@dataclass
class Placement:
    """Where everything goes, in the coordinates of the cells' ``dot`` run (shifted per column)."""

    nodes: dict[str, Box]
    plates: dict[str, Box]  # key plates and local plates
    plate_labels: dict[str, Box]
    order: list[int] = field(default_factory=list)


def _spans(order: Sequence[int], cell_keys: Sequence[tuple[str, ...]],
           key: Sequence[str]) -> dict[str, tuple[int, int]] | None:
    """Each key plate's first and last column, or None when some plate's cells are apart."""
    where = {c: i for i, c in enumerate(order)}
    spans = {}
    for p in key:
        cols = [where[c] for c, k in enumerate(cell_keys) if p in k]
        lo, hi = min(cols), max(cols)
        if hi - lo + 1 != len(cols):
            return None
        spans[p] = (lo, hi)
    return spans


def _lo_hi(box: Box, axis: int) -> tuple[float, float]:
    return (box.x0, box.x1) if axis == 0 else (box.y0, box.y1)


def _along(axis: int, delta: float) -> tuple[float, float]:
    """The shift by ``delta`` along ``axis`` as ``(dx, dy)``: the other one is ``-0.0``, which
    leaves every coordinate exactly as it is (``-0.0`` included, unlike ``0.0``)."""
    return (delta, -0.0) if axis == 0 else (-0.0, delta)


def _crosses_side(label: Box, rect: Box) -> bool:
    """True when one of ``rect``'s sides runs through ``label``."""
    return label.overlaps(rect) and not rect.expanded(-0.5).contains(label)


@dataclass(frozen=True)
class _Columns:
    """What placing the columns of one graph needs, derived once from ``place``'s arguments."""

    cells: Cells
    nodes: Mapping[str, Box]
    local_plates: Mapping[str, Box]
    local_labels: Mapping[str, Box]
    local_cell: Mapping[str, int]
    label_sizes: Mapping[str, tuple[float, float]]
    axis: int
    cell_keys: list[tuple[str, ...]]
    cell_of: dict[str, int]
    extent: list[tuple[float, float]]  # each cell's first and last coordinate along the axis
    margin: dict[str, float]
    outer: dict[str, float]  # the margin a plate needs beyond its columns
    wide: dict[str, float]  # the room a plate's label needs across the columns
    local_in: dict[str, list[str]]  # key plate → local plates in its cells
    inner_first: list[str]  # the key plates, inner plates first

    def offsets(self, order: Sequence[int], spans: Mapping[str, tuple[int, int]],
                extra: Mapping[int, float]) -> dict[int, float]:
        """Each cell's shift along the axis when the columns go in ``order``, with ``extra``
        room before some columns."""
        extent, outer, wide = self.extent, self.outer, self.wide
        out: dict[int, float] = {}
        pos = 0.0
        for i, c in enumerate(order):
            gap = GAP + extra.get(i, 0.0) if i else 0.0
            for p, (lo, hi) in spans.items():
                if hi == i - 1:
                    # the plate's columns and the gaps between them: room enough for its label?
                    width = pos - (out[order[lo]] + extent[order[lo]][0])
                    gap += outer[p] + max(0.0, wide[p] - width - 2 * outer[p])
                if lo == i and i:
                    gap += outer[p]
            out[c] = pos + gap - extent[c][0]
            pos = out[c] + extent[c][1]
        return out

    def centre(self, n: str, off: Mapping[int, float]) -> tuple[float, float]:
        x, y = self.nodes[n].center
        return (x + off[self.cell_of[n]], y) if self.axis == 0 else (x, y + off[self.cell_of[n]])


def _columns(cells: Cells, nodes: Mapping[str, Box], local_plates: Mapping[str, Box],
             local_labels: Mapping[str, Box], local_cell: Mapping[str, int],
             label_sizes: Mapping[str, tuple[float, float]], axis: int) -> _Columns:
    cell_keys = [k for k, _ in cells.cells]
    cell_of = {n: i for i, (_, ns) in enumerate(cells.cells) for n in ns}
    extent = []
    for i, (_, ns) in enumerate(cells.cells):
        boxes = [nodes[n] for n in ns]
        boxes += [local_plates[p] for p, c in local_cell.items() if c == i]
        lo = min(_lo_hi(b, axis)[0] for b in boxes)
        hi = max(_lo_hi(b, axis)[1] for b in boxes)
        extent.append((lo, hi))
    margin = {p: MARGIN + STAGGER * i for i, p in enumerate(cells.key)}
    # the margin a plate needs beyond its columns: its own and those of the key plates in it
    outer = {p: margin[p] + max((margin[q] for q in cells.inside[p]), default=0.0)
             for p in cells.key}
    wide = {p: label_sizes[p][0] + 2 * LABEL_PAD for p in cells.key}
    local_in = {p: [q for q, c in local_cell.items() if p in cell_keys[c]] for p in cells.key}
    # inner plates first: fewer members, or the same members and later in plate order
    rank = {p: i for i, p in enumerate(cells.key)}
    inner_first = sorted(cells.key, key=lambda p: (len(cells.members[p]), -rank[p]))
    return _Columns(cells, nodes, local_plates, local_labels, local_cell, label_sizes, axis,
                    cell_keys, cell_of, extent, margin, outer, wide, local_in, inner_first)


def place(graph: nx.DiGraph, cells: Cells, nodes: Mapping[str, Box],
          local_plates: Mapping[str, Box], local_labels: Mapping[str, Box],
          local_cell: Mapping[str, int], label_sizes: Mapping[str, tuple[float, float]], *,
          axis: int) -> Placement | None:
    """Place the columns and the key plates' rectangles and labels; None when no order works.

    ``nodes``, ``local_plates`` and ``local_labels`` come from ``dot``'s run on the cells (each
    local plate in cell ``local_cell[plate]``); ``label_sizes`` is each key plate's label
    (width, height); ``axis`` is 0 when columns go left to right (rankdir TB/BT), 1 else.
    """
    columns = _columns(cells, nodes, local_plates, local_labels, local_cell, label_sizes, axis)
    for order, spans in _ranked_orders(graph, columns)[:ORDERS_TRIED]:
        placed = _place_order(columns, order, spans)
        if placed is not None:
            return placed
    return None


def _ranked_orders(graph: nx.DiGraph, columns: _Columns
                   ) -> list[tuple[tuple[int, ...], dict[str, tuple[int, int]]]]:
    """The admissible column orders with their plates' spans: the shortest edges first (the
    first found of equal ones), then the others, shortest first."""
    edges = [(a, b) for a, b in graph.edges if a != b]
    ranked: list[tuple[float, tuple[int, ...], dict[str, tuple[int, int]]]] = []
    best = None
    n = len(columns.cell_keys)
    for order in column_orders(columns.cell_keys, ORDERS_MAX if n > EXHAUSTIVE else None):
        spans = _spans(order, columns.cell_keys, columns.cells.key)
        if spans is None:
            continue
        off = columns.offsets(order, spans, {})
        length = 0.0
        for a, b in edges:
            (xa, ya), (xb, yb) = columns.centre(a, off), columns.centre(b, off)
            length += ((xa - xb) ** 2 + (ya - yb) ** 2) ** 0.5
        if best is None or length < ranked[best][0] - 1e-6:
            best = len(ranked)
        ranked.append((length, order, spans))
    if best is None:
        return []
    tried = [ranked[best], *sorted(ranked[:best] + ranked[best + 1:], key=lambda r: r[0])]
    return [(order, spans) for _, order, spans in tried]


def _place_order(columns: _Columns, order: Sequence[int],
                 spans: Mapping[str, tuple[int, int]]) -> Placement | None:
    """The placement with the columns in ``order``, or None when a label finds no room.

    A label with no room at either end of its plate, where a crossing plate's side is in its
    way, widens the gap before that plate's columns; then the order is tried again."""
    extra: dict[int, float] = {}
    for _ in range(WIDEN_STEPS):
        result = _rectangles(columns, order, spans, columns.offsets(order, spans, extra))
        if isinstance(result, Placement):
            return result
        if isinstance(result, str):
            break
        column, more = result
        extra[column] = extra.get(column, 0.0) + more
    return None


def _rectangles(columns: _Columns, order: Sequence[int], spans: Mapping[str, tuple[int, int]],
                off: Mapping[int, float]) -> Placement | str | tuple[int, float]:
    """The placement with these column offsets; else the plate whose label found no room, or
    where to widen a gap so that it does (``_widening``)."""
    cells, axis, local_cell = columns.cells, columns.axis, columns.local_cell
    placed = {n: b.shifted(*_along(axis, off[columns.cell_of[n]]))
              for n, b in columns.nodes.items()}
    plates = {p: b.shifted(*_along(axis, off[local_cell[p]]))
              for p, b in columns.local_plates.items()}
    labels = {p: b.shifted(*_along(axis, off[local_cell[p]]))
              for p, b in columns.local_labels.items()}
    # every key plate's rectangle before labels, so a label can keep off plates placed later
    for p in cells.key:
        content = [placed[n] for n in cells.members[p]] + [plates[q] for q in columns.local_in[p]]
        plates[p] = Box.union(content).expanded(columns.margin[p])
    for p in columns.inner_first:
        content = [placed[n] for n in cells.members[p]]
        content += [plates[q] for q in columns.local_in[p]] + [plates[q] for q in cells.inside[p]]
        content += [labels[q] for q in cells.inside[p]]
        rect = Box.union(content).expanded(columns.margin[p])
        size = columns.label_sizes[p]
        chosen = label_place(p, rect, size, cells, placed, plates, labels, axis)
        if chosen is None:
            plates[p] = rect
            widen = _widening(p, rect, size, cells, plates, spans, axis)
            return p if widen is None else widen
        plates[p], labels[p] = chosen
    return Placement(placed, plates, labels, list(order))


def _widening(p: str, rect: Box, size: tuple[float, float], cells: Cells,
              plates: Mapping[str, Box], spans: Mapping[str, tuple[int, int]],
              axis: int) -> tuple[int, float] | None:
    """Where to widen the gap between columns (the column it goes before, and by how much) so
    that ``p``'s label finds room at one end of ``rect``, clear of the sides of the key plates
    that cross ``p``; None when no widening makes room there."""
    need = (size[0] if axis == 0 else size[1]) + 2 * LABEL_PAD + SIDE_GAP + 1
    lo, hi = _lo_hi(rect, axis)
    first, last = spans[p]
    crossing = [q for q in cells.key if q != p and q not in cells.inside[p]
                and p not in cells.inside[q] and cells.members[p] & cells.members[q]]
    options = []
    # the near side of a plate starting inside p's columns, in the way of a label at p's start
    starts = [q for q in crossing if first < spans[q][0] <= last
              and _lo_hi(plates[q], axis)[0] < lo + need]
    if starts:
        column = min(spans[q][0] for q in starts)
        more = max(lo + need - _lo_hi(plates[q], axis)[0] for q in starts)
        options.append((more, column))
    # the far side of a plate ending inside p's columns, in the way of a label at p's end
    ends = [q for q in crossing if first <= spans[q][1] < last
            and _lo_hi(plates[q], axis)[1] > hi - need]
    if ends:
        column = max(spans[q][1] for q in ends) + 1
        more = max(_lo_hi(plates[q], axis)[1] - (hi - need) for q in ends)
        options.append((more, column))
    if not options:
        return None
    more, column = min(options)
    return column, round(more, 2)


SIDE_GAP = 3.0  # parallel sides of two plates closer than this would read as one line


def _apart(rect: Box, others: Sequence[Box]) -> Box:
    """``rect`` with each side that runs along another plate's side moved out, away from it."""
    x0, y0, x1, y1 = rect.x0, rect.y0, rect.x1, rect.y1
    for _ in range(4):
        moved = False
        for o in others:
            if min(y1, o.y1) - max(y0, o.y0) > 0:  # vertical sides side by side
                if any(abs(x0 - v) < SIDE_GAP for v in (o.x0, o.x1)):
                    x0, moved = min(o.x0, o.x1, x0) - SIDE_GAP - 1, True
                if any(abs(x1 - v) < SIDE_GAP for v in (o.x0, o.x1)):
                    x1, moved = max(o.x0, o.x1, x1) + SIDE_GAP + 1, True
            if min(x1, o.x1) - max(x0, o.x0) > 0:
                if any(abs(y0 - v) < SIDE_GAP for v in (o.y0, o.y1)):
                    y0, moved = min(o.y0, o.y1, y0) - SIDE_GAP - 1, True
                if any(abs(y1 - v) < SIDE_GAP for v in (o.y0, o.y1)):
                    y1, moved = max(o.y0, o.y1, y1) + SIDE_GAP + 1, True
        if not moved:
            break
    return Box(x0, y0, x1, y1).rounded()


def label_place(p: str, rect: Box, size: tuple[float, float], cells: Cells,
                 nodes: Mapping[str, Box], plates: Mapping[str, Box],
                 labels: Mapping[str, Box], axis: int) -> tuple[Box, Box] | None:
    """The plate's rectangle grown to hold its label, and the label's box: the first corner
    that keeps off every node, label and foreign plate side (a corner outside the other crossing
    plates first)."""
    w, h = size
    foreign_nodes = [b for n, b in nodes.items() if n not in cells.members[p]]
    # a plate around p is drawn later around p's rectangle and label: its side is no obstacle
    others = {q: b for q, b in plates.items()
              if q != p and p not in cells.inside.get(q, ())}
    candidates = []
    for bottom, right in ((True, True), (True, False), (False, True), (False, False)):
        x0, y0, x1, y1 = rect.x0, rect.y0, rect.x1, rect.y1
        # the label gets a strip of its own beyond the ranks: below or above the plate's
        # content when ranks run down the page, right or left of it when they run across
        if axis == 0:
            y0, y1 = (y0 - h, y1) if bottom else (y0, y1 + h)
        else:
            x0, x1 = (x0, x1 + w) if right else (x0 - w, x1)
        if x1 - x0 < w + 2 * LABEL_PAD:
            if right:
                x1 = x0 + w + 2 * LABEL_PAD
            else:
                x0 = x1 - w - 2 * LABEL_PAD
        grown = _apart(Box(x0, y0, x1, y1), list(others.values()))
        lx = grown.x1 - LABEL_PAD - w if right else grown.x0 + LABEL_PAD
        ly = grown.y0 + LABEL_PAD if bottom else grown.y1 - LABEL_PAD - h
        label = Box(lx, ly, lx + w, ly + h).rounded()
        candidates.append((grown, label))
    ok = []
    for grown, label in candidates:
        if any(grown.overlaps(b) for b in foreign_nodes):
            continue
        if any(label.overlaps(b) for b in nodes.values()):
            continue
        if any(label.overlaps(b) for b in labels.values()):
            continue
        if any(_crosses_side(label, b) for b in others.values()):
            continue
        if any(_crosses_side(b, grown) for b in labels.values()):
            continue
        ok.append((grown, label))
    if not ok:
        return None
    # a label inside another crossing plate reads as that plate's: avoid it when we can
    for grown, label in ok:
        if not any(b.overlaps(label) for q, b in others.items()
                   if q in cells.key and p not in cells.inside.get(q, ())):
            return grown, label
    return ok[0]
