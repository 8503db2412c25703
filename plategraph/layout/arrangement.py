"""Pure: where the cells of crossed plates go, in columns or on a grid, so that every plate is one
rectangle.

``column_orders`` gives the orders of the cells as columns side by side in which each plate's
cells are adjacent (``placement.py`` takes the one with the shortest edges). When there is none,
the cells go on a grid.

A *cell* is the set of sites sharing one set of key plates (``placement.cells_of``). The cells
are put on a grid of columns and rows, and each plate is the rectangle of the columns and rows
its cells take. A drawing of overlapping rectangles exists exactly when some grid puts no cell
inside the rectangle of a plate it is not in: in any drawing, one site of each cell, its centre
read as a grid point, is such a grid (and the rectangles of the drawing hold those of the grid).

So a cell outside plate ``P`` lies *left* of, *right* of, *before* or *after* (in rank order)
every cell of ``P``. Choosing one of the four for every such pair turns the problem into strict
orders among cells, one on columns and one on rows, that must stay free of cycles. ``grid_of``
searches these choices depth first: the most constrained pair first, each choice checked
against the transitive closure of both orders, the choices that agree with where ``dot`` put
the cells tried first; a pair some earlier choice already settles costs nothing. Each cell then
takes the first column and row its orders allow (the longest chain before it).

The search is complete: it says "no grid" after trying every choice, or after ``STEPS`` steps
(half a second on a busy machine). Structures of up to six plates that have a drawing take at
most a few dozen branchings (measured on thousands of random ones built from rectangles); five
sites with a plate for each pair of them, which has none (``tests/layout/test_crossed.py``),
about 1,100.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence

__all__ = ["STEPS", "SearchStopped", "column_orders", "grid_of", "holds_exactly"]

STEPS = 2000  # search steps before giving up (deterministic)

LEFT, RIGHT, BEFORE, AFTER = range(4)


class SearchStopped(Exception):
    """The grid search stopped after ``STEPS`` steps without finding a grid or proving that
    none exists."""


def column_orders(cell_keys: Sequence[tuple[str, ...]],
                  limit: int | None = None) -> Iterator[tuple[int, ...]]:
    """The orders of the cells (indices) in which every plate's cells are adjacent, mirror
    images left out, in ``itertools.permutations`` order; the first ``limit`` of them.

    They are generated directly: an order is extended only while every plate whose run of cells
    has ended has them all and no run starts again, never by walking all n! permutations."""
    n = len(cell_keys)
    found = (p for p in _contiguous(cell_keys, ()) if n < 2 or p[0] < p[-1])
    return found if limit is None else itertools.islice(found, limit)


def _contiguous(cell_keys: Sequence[tuple[str, ...]],
                prefix: tuple[int, ...]) -> Iterator[tuple[int, ...]]:
    n = len(cell_keys)
    if len(prefix) == n:
        yield prefix
        return
    last = cell_keys[prefix[-1]] if prefix else ()
    for c in range(n):
        if c in prefix:
            continue
        if any(p not in cell_keys[c] and sum(p in cell_keys[d] for d in prefix)
               < sum(p in k for k in cell_keys) for p in last):
            continue  # a plate's run ends before all its cells are in
        if any(p in cell_keys[d] for p in cell_keys[c] if p not in last for d in prefix):
            continue  # a plate's run would start again
        yield from _contiguous(cell_keys, (*prefix, c))


class _Orders:
    """Strict orders among cells on columns (axis 0) and rows (axis 1), transitively closed:
    ``below[axis][c]`` is the bit set of cells before ``c``, ``above`` of those after it."""

    def __init__(self, n: int) -> None:
        self.below = [[0] * n, [0] * n]
        self.above = [[0] * n, [0] * n]

    def copy(self) -> _Orders:
        new = _Orders.__new__(_Orders)
        new.below = [self.below[0][:], self.below[1][:]]
        new.above = [self.above[0][:], self.above[1][:]]
        return new

    def viable(self, side: int, cell: int, plate: int) -> bool:
        """True when ``cell`` can go on ``side`` of every cell in the bit set ``plate``."""
        behind = self.below if side % 2 == 0 else self.above
        return not behind[side // 2][cell] & plate

    def settled(self, cell: int, plate: int) -> bool:
        """True when ``cell`` is already on one side of every cell in ``plate``."""
        return any(plate & ~order[axis][cell] == 0
                   for axis in (0, 1) for order in (self.above, self.below))

    def put(self, side: int, cell: int, plate: int) -> None:
        """Put ``cell`` on ``side`` of every cell in ``plate`` (``viable`` first)."""
        axis = side // 2
        for m in _bits(plate):
            if side % 2 == 0:
                self._before(axis, cell, m)
            else:
                self._before(axis, m, cell)

    def _before(self, axis: int, a: int, b: int) -> None:
        below, above = self.below[axis], self.above[axis]
        if above[a] >> b & 1:
            return
        left = below[a] | 1 << a
        right = above[b] | 1 << b
        for u in _bits(left):
            above[u] |= right
        for v in _bits(right):
            below[v] |= left

    def ranks(self, axis: int) -> list[int]:
        """Each cell's place on the axis: the longest chain of cells before it."""
        below = self.below[axis]
        out = [0] * len(below)
        for c in sorted(range(len(below)), key=lambda c: bin(below[c]).count("1")):
            out[c] = max((out[p] + 1 for p in _bits(below[c])), default=0)
        return out


def _bits(mask: int) -> list[int]:
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


def grid_of(cell_keys: Sequence[tuple[str, ...]], key: Sequence[str],
            where: Sequence[tuple[float, float]]) -> list[tuple[int, int]] | None:
    """Each cell's (column, row) such that each plate of ``key`` is the rectangle of its cells'
    columns and rows and holds no other cell; None when no grid does (``SearchStopped`` when
    the search stops undecided). ``where``: each cell's centre in ``dot``'s run (along the
    columns, along the ranks), the order tried first."""
    n = len(cell_keys)
    members = [sum(1 << c for c in range(n) if p in cell_keys[c]) for p in key]
    pairs = [(p, c) for p in range(len(key)) for c in range(n) if not members[p] >> c & 1]
    sides = {pc: _preferred(pc[1], members[pc[0]], where) for pc in pairs}
    steps = [0]

    def search(orders: _Orders, open_pairs: list[tuple[int, int]]) -> _Orders | None:
        steps[0] += 1
        if steps[0] > STEPS:
            return None
        best, best_sides = None, None
        still = []
        for p, c in open_pairs:
            if orders.settled(c, members[p]):
                continue
            still.append((p, c))
            ok = [s for s in sides[p, c] if orders.viable(s, c, members[p])]
            if not ok:
                return None
            if best_sides is None or len(ok) < len(best_sides):
                best, best_sides = (p, c), ok
        if best is None:
            return orders
        p, c = best
        rest = [pc for pc in still if pc != best]
        for side in _unmirrored(orders, best_sides):
            trial = orders.copy()
            trial.put(side, c, members[p])
            found = search(trial, rest)
            if found is not None:
                return found
            if steps[0] > STEPS:
                return None
        return None

    found = search(_Orders(n), pairs)
    if found is None and steps[0] > STEPS:
        raise SearchStopped(f"no grid found in {STEPS} steps")
    if found is None:
        return None
    return list(zip(found.ranks(0), found.ranks(1)))


def _unmirrored(orders: _Orders, sides: list[int]) -> list[int]:
    """``sides`` without those that a mirror image of the grid makes equal to an earlier one:
    while an axis has no order yet, its two sides are mirror images; while neither has, all
    four are (a transposed grid is a grid)."""
    empty = [not any(orders.below[axis]) for axis in (0, 1)]
    if all(empty):
        return sides[:1]
    out: list[int] = []
    for side in sides:
        if empty[side // 2] and any(s // 2 == side // 2 for s in out):
            continue
        out.append(side)
    return out


def _preferred(cell: int, plate: int, where: Sequence[tuple[float, float]]) -> list[int]:
    """The four sides in the order tried: the side along the columns where ``dot`` put the
    cell, then the side along the ranks where it put it, then the other two."""
    inside = _bits(plate)
    mx = sum(where[m][0] for m in inside) / len(inside)
    my = sum(where[m][1] for m in inside) / len(inside)
    x, y = where[cell]
    near_x = LEFT if x <= mx else RIGHT
    near_y = BEFORE if y <= my else AFTER
    return [near_x, near_y, near_x ^ 1, near_y ^ 1]


def holds_exactly(grid: Sequence[tuple[int, int]], cell_keys: Sequence[tuple[str, ...]],
                  key: Sequence[str]) -> bool:
    """True when each plate's rectangle on ``grid`` (its cells' columns and rows) holds no cell
    outside the plate."""
    for p in key:
        inside = [g for g, k in zip(grid, cell_keys) if p in k]
        x0, x1 = min(x for x, _ in inside), max(x for x, _ in inside)
        y0, y1 = min(y for _, y in inside), max(y for _, y in inside)
        if any(x0 <= x <= x1 and y0 <= y <= y1 and p not in k
               for (x, y), k in zip(grid, cell_keys)):
            return False
    return True
