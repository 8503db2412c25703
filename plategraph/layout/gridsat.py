"""Pure: the grid of crossed plates decided by a SAT solver, where ``arrangement.grid_of``'s own
search stops undecided.

The question is the search's: each cell outside a plate lies left of, right of, before or after
every cell of the plate, and the choices must leave the order of the columns and the order of
the rows free of cycles. As clauses (solved by MiniSat 2.2 from ``python-sat``, imported only
here and only when it is used):

- ``lt[axis, a, b]``, for cells ``a != b``: ``a`` is strictly before ``b`` on the axis (columns
  0, rows 1). Strict partial orders: never both ``lt[a, b]`` and ``lt[b, a]``, and
  ``lt[a, b] and lt[b, c]`` imply ``lt[a, c]``. Cells may share a column or a row.
- ``side[plate, cell, s]`` for a cell outside a plate, one of the four sides: it puts the cell
  strictly before (``LEFT``, ``BEFORE``) or after (``RIGHT``, ``AFTER``) each cell of the plate
  on that side's axis; at least one of the four holds.
- Mirror images and the transpose of a grid are grids, so the first pair's side is fixed
  (as ``grid_of`` tries one side only for its first choice).

Satisfiable: a side true in the model is chosen for every pair, in the order ``grid_of`` would
try them (where ``dot`` put the cell first; the solver's phases prefer that side too).
Unsatisfiable: no grid, so no drawing of overlapping rectangles. Solving stops after
``CONFLICTS`` conflicts, undecided, and the transitivity clauses grow as the cube of the cells,
so only structures of up to ``MAX_CELLS`` cells are given to the solver (six plates have at most
63 cells). Five or six plates with every two-way interaction (no grid) take about 0.2 s.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

__all__ = ["CONFLICTS", "MAX_CELLS", "SearchStopped", "solved_sides"]

CONFLICTS = 200_000  # solver conflicts before giving up (deterministic)
MAX_CELLS = 64  # larger structures are not given to the solver


class SearchStopped(Exception):
    """The grid search stopped after ``arrangement.STEPS`` steps without finding a grid or
    proving that none exists, and the structure was too large for the SAT solver or the solver
    stopped after ``CONFLICTS`` conflicts."""


def solved_sides(n: int, members: Sequence[int],
                 preferred: Mapping[tuple[int, int], Sequence[int]]
                 ) -> dict[tuple[int, int], int] | None:
    """A side for each (plate, cell) pair of ``preferred`` (a cell outside a plate, with the
    four sides in the order to try them), such that putting every cell on its side of its
    plates keeps both orders acyclic; None when there is none. ``members``: each plate's cells
    as a bit set of the ``n`` cells. ``SearchStopped`` past ``MAX_CELLS`` or ``CONFLICTS``."""
    if n > MAX_CELLS:
        raise SearchStopped(f"{n} cells are more than the {MAX_CELLS} given to the SAT solver")
    from pysat.solvers import Minisat22

    lt = {(axis, a, b): 1 + axis * n * n + a * n + b
          for axis in (0, 1) for a, b in itertools.permutations(range(n), 2)}
    top = 2 * n * n
    clauses: list[list[int]] = []
    for axis in (0, 1):
        for a, b in itertools.combinations(range(n), 2):
            clauses.append([-lt[axis, a, b], -lt[axis, b, a]])
        for a, b, c in itertools.permutations(range(n), 3):
            clauses.append([-lt[axis, a, b], -lt[axis, b, c], lt[axis, a, c]])
    side_var: dict[tuple[int, int, int], int] = {}
    for i, ((p, c), order) in enumerate(preferred.items()):
        inside = [m for m in range(n) if members[p] >> m & 1]
        for side in range(4):
            top += 1
            side_var[p, c, side] = top
            axis = side // 2
            for m in inside:
                clauses.append([-top, lt[axis, c, m] if side % 2 == 0 else lt[axis, m, c]])
        clauses.append([side_var[p, c, order[0]]] if i == 0
                       else [side_var[p, c, s] for s in range(4)])
    with Minisat22(bootstrap_with=clauses) as solver:
        solver.set_phases([side_var[p, c, order[0]] for (p, c), order in preferred.items()])
        solver.conf_budget(CONFLICTS)
        answer = solver.solve_limited()
        if answer is None:
            raise SearchStopped(f"the SAT solver stopped after {CONFLICTS} conflicts")
        if not answer:
            return None
        true = {v for v in solver.get_model() if v > 0}
    return {(p, c): next(s for s in order if side_var[p, c, s] in true)
            for (p, c), order in preferred.items()}
