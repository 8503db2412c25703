"""Pure: crossed plates that no order of columns holds, placed on a grid of cells.

When the cells cannot stand side by side in one row of columns with every plate's columns
adjacent (``placement.place``), they go on a grid (``arrangement.grid_of``): columns as before,
and rows along the ranks, each plate the rectangle of its cells' columns and rows. A cell keeps
the layout ``dot`` gave it; it is centred in its column, and a row is moved along the ranks just
past the row before it (never back: rows stay in rank order). The gap between two columns or
two rows has room for the margins of the plates that end or start there and for their labels,
which go in the first corner where they touch no node, label or other plate's side
(``placement.label_place``); where none is found the gaps are widened and the grid placed again.
"""

from __future__ import annotations

from collections.abc import Mapping

from .arrangement import grid_of
from .geometry import Box
from .placement import GAP, LABEL_PAD, MARGIN, SIDE_GAP, STAGGER, Cells, Placement, label_place

__all__ = ["FORWARD", "place_grid"]

FORWARD = {"TB": (0, -1.0), "BT": (0, 1.0), "LR": (1, 1.0), "RL": (1, -1.0)}  # axis, rank sign
SPREADS = (1.0, 1.5, 2.5)  # factors on the gaps tried in turn


def place_grid(cells: Cells, nodes: Mapping[str, Box], local_plates: Mapping[str, Box],
               local_labels: Mapping[str, Box], local_cell: Mapping[str, int],
               label_sizes: Mapping[str, tuple[float, float]],
               *, rankdir: str) -> Placement | None:
    """The cells on a grid and the key plates' rectangles and labels, in the coordinates of the
    cells' ``dot`` run; None when no grid holds the plates or no label finds room
    (``arrangement.SearchStopped`` when the search stopped undecided).

    The arguments are ``placement.place``'s; ``rankdir`` says which way the ranks run."""
    axis, forward = FORWARD[rankdir]
    cell_keys = [k for k, _ in cells.cells]
    boxes: list[list[Box]] = []
    for i, (_, ns) in enumerate(cells.cells):
        boxes.append([nodes[n] for n in ns]
                     + [local_plates[p] for p, c in local_cell.items() if c == i])
    span = [_span(Box.union(b), axis, forward) for b in boxes]
    where = [((a0 + a1) / 2, (u0 + u1) / 2) for a0, a1, u0, u1 in span]
    grid = grid_of(cell_keys, cells.key, where)
    if grid is None:
        return None
    for spread in SPREADS:
        shift = _shifts(cells, grid, span, label_sizes, axis, spread)
        placed = _rectangles(cells, nodes, local_plates, local_cell, local_labels, label_sizes,
                             shift, axis, forward)
        if placed is not None:
            return placed
    return None


def _span(box: Box, axis: int, forward: float) -> tuple[float, float, float, float]:
    """A box's extent along the columns, and along the ranks in rank order."""
    a0, a1 = (box.x0, box.x1) if axis == 0 else (box.y0, box.y1)
    t0, t1 = (box.y0, box.y1) if axis == 0 else (box.x0, box.x1)
    u0, u1 = sorted((forward * t0, forward * t1))
    return a0, a1, u0, u1


def _shifts(cells: Cells, grid: list[tuple[int, int]],
            span: list[tuple[float, float, float, float]],
            label_sizes: Mapping[str, tuple[float, float]], axis: int,
            spread: float) -> list[tuple[float, float]]:
    """Each cell's move along the columns and along the ranks (in rank order)."""
    keys = [k for k, _ in cells.cells]
    margin = {p: MARGIN + STAGGER * i for i, p in enumerate(cells.key)}
    outer = {p: margin[p] + max((margin[q] for q in cells.inside[p]), default=0.0)
             for p in cells.key}
    breadth = {p: label_sizes[p][axis] + 2 * LABEL_PAD for p in cells.key}
    depth = {p: label_sizes[p][1 - axis] + 2 * LABEL_PAD for p in cells.key}
    bounds = {}
    for p in cells.key:
        mine = [g for g, k in zip(grid, keys) if p in k]
        bounds[p] = (min(x for x, _ in mine), max(x for x, _ in mine),
                     min(y for _, y in mine), max(y for _, y in mine))
    side = SIDE_GAP + 1
    # columns: each as wide as its widest cell, the gaps in between holding the plates' margins
    ncol = 1 + max(x for x, _ in grid)
    width = [max((a1 - a0 for (x, _), (a0, a1, _, _) in zip(grid, span) if x == k), default=0.0)
             for k in range(ncol)]
    start = [0.0] * ncol
    for k in range(1, ncol):
        gap = GAP
        end = start[k - 1] + width[k - 1]
        for p, (x0, x1, _, _) in bounds.items():
            if x1 == k - 1:
                room = end - start[x0]
                gap += outer[p] + side + max(0.0, breadth[p] - room - 2 * outer[p])
            if x0 == k:
                gap += outer[p] + side
        start[k] = end + gap * spread
    # rows: each just past the one before it, never moved back
    nrow = 1 + max(y for _, y in grid)
    first = [min(u0 for (_, y), (_, _, u0, _) in zip(grid, span) if y == r) for r in range(nrow)]
    last = [max(u1 for (_, y), (_, _, _, u1) in zip(grid, span) if y == r) for r in range(nrow)]
    move = [0.0] * nrow
    for r in range(1, nrow):
        gap = GAP
        for p, (_, _, y0, y1) in bounds.items():
            if y1 == r - 1 or y0 == r:
                gap += outer[p] + depth[p] + side
        move[r] = max(move[r - 1], last[r - 1] + move[r - 1] + gap * spread - first[r])
    return [(start[x] + (width[x] - (a1 - a0)) / 2 - a0, move[y])
            for (x, y), (a0, a1, _, _) in zip(grid, span)]


def _rectangles(cells: Cells, nodes: Mapping[str, Box], local_plates: Mapping[str, Box],
                local_cell: Mapping[str, int], local_labels: Mapping[str, Box],
                label_sizes: Mapping[str, tuple[float, float]],
                shift: list[tuple[float, float]], axis: int,
                forward: float) -> Placement | None:
    """The moved cells, each key plate's rectangle around its members (inner plates first) and
    its label; None when a label finds no room."""

    def moved(box: Box, cell: int) -> Box:
        along, ranks = shift[cell]
        dx, dy = (along, forward * ranks) if axis == 0 else (forward * ranks, along)
        return box.shifted(dx, dy)

    cell_of = {n: i for i, (_, ns) in enumerate(cells.cells) for n in ns}
    placed = {n: moved(b, cell_of[n]) for n, b in nodes.items()}
    plates = {p: moved(b, local_cell[p]) for p, b in local_plates.items()}
    labels = {p: moved(b, local_cell[p]) for p, b in local_labels.items()}
    keys = [k for k, _ in cells.cells]
    local_in = {p: [q for q, c in local_cell.items() if p in keys[c]] for p in cells.key}
    margin = {p: MARGIN + STAGGER * i for i, p in enumerate(cells.key)}
    for p in cells.key:
        content = [placed[n] for n in cells.members[p]] + [plates[q] for q in local_in[p]]
        plates[p] = Box.union(content).expanded(margin[p])
    rank = {p: i for i, p in enumerate(cells.key)}
    for p in sorted(cells.key, key=lambda p: (len(cells.members[p]), -rank[p])):
        content = [placed[n] for n in cells.members[p]]
        content += [plates[q] for q in local_in[p]] + [plates[q] for q in cells.inside[p]]
        content += [labels[q] for q in cells.inside[p]]
        rect = Box.union(content).expanded(margin[p])
        chosen = label_place(p, rect, label_sizes[p], cells, placed, plates, labels, axis)
        if chosen is None:
            return None
        plates[p], labels[p] = chosen
    return Placement(placed, plates, labels)
