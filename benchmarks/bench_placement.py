"""Crossed-plate placement cost: plategraph's own placement beside the `dot` run it follows.

For a diagram with crossed plates, ``plategraph.layout`` runs ``dot`` on the cells, places the
columns or the grid and the rectangles (``layout/placement.py``, ``layout/grid.py``,
``layout/arrangement.py``), and routes the edges with ``neato -n2``. Here each step is timed
inside a real ``plategraph.layout`` call (best of 3): *placement* is finding the cells and
placing them (``cells_of``, ``place``, ``place_grid``), *dot* the first graphviz run of the
layout (the cells' run, or the whole diagram's when no plates cross), *neato* the routing run.

Two sets: synthetic structures of 2–6 crossing plates (a chain of pairwise crossings, which
columns hold; a factorial, main effects and the response in every plate, which needs the grid;
main effects, every two-way interaction and the response, for which the grid search finds no
drawing from five plates on: it gives up after ``arrangement.STEPS`` steps and warns), and every
gallery model, where placement must not cost more than its `dot` run.

    python benchmarks/bench_placement.py        # or: python benchmarks/run.py placement
"""

from __future__ import annotations

import itertools
import os
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import networkx as nx

import plategraph
from plategraph.graph.build import build_graph
from plategraph.layout import engine
from plategraph.tracing.records import Edge, Plate, Site, TraceRecord

HERE = Path(__file__).resolve().parent
GALLERY = HERE.parent / "gallery"
RUNS = 3
PLACING = ("cells_of", "place", "place_grid")
RUNNING = ("graphviz_json", "json_and")


@contextmanager
def _timed() -> Iterator[dict[str, list[float]]]:
    """Time the placement functions and the graphviz runs ``engine`` calls, while inside."""
    spent: dict[str, list[float]] = {"placement": [], "graphviz": []}
    saved = {name: getattr(engine, name) for name in PLACING + RUNNING}

    def wrap(name: str, fn: Callable, bucket: str) -> Callable:
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[bucket].append(time.perf_counter() - start)
        return timed

    for name in PLACING:
        setattr(engine, name, wrap(name, saved[name], "placement"))
    for name in RUNNING:
        setattr(engine, name, wrap(name, saved[name], "graphviz"))
    try:
        yield spent
    finally:
        for name, fn in saved.items():
            setattr(engine, name, fn)


def measure(graph: nx.DiGraph, **options) -> tuple[float, float, float, bool]:
    """(placement, dot, neato) seconds, best of ``RUNS`` each, and whether it warned."""
    best = [float("inf")] * 3
    warned = False
    for _ in range(RUNS):
        with _timed() as spent, warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            plategraph.layout(graph, **options)
        warned = warned or any(isinstance(w.message, plategraph.CrossedPlatesWarning)
                               for w in caught)
        runs = spent["graphviz"]
        best[0] = min(best[0], sum(spent["placement"]))
        best[1] = min(best[1], runs[0])
        best[2] = min(best[2], sum(runs[1:]))
    return best[0], best[1], best[2], warned


def synthetic(kind: str, k: int) -> nx.DiGraph:
    """``chain``: site ``c_i`` in plates i and i+1; ``factorial``: a main effect per plate,
    the response in all; ``interactions``: also every two-way interaction."""
    names = [f"P{i}" for i in range(k)]
    sites = [Site(f"m_{p}", "latent", plates=(p,)) for p in names]
    if kind == "chain":
        sites += [Site(f"c_{a}{b}", "latent", plates=(a, b)) for a, b in zip(names, names[1:])]
    if kind == "interactions":
        sites += [Site(f"i_{a}{b}", "latent", plates=(a, b))
                  for a, b in itertools.combinations(names, 2)]
    if kind != "chain":
        sites.append(Site("y", "observed", plates=tuple(names)))
    edges = [Edge(s.name, sites[-1].name, "data", ("loc",)) for s in sites[:-1]]
    return build_graph(TraceRecord(f"{kind}_{k}", tuple(sites),
                                   tuple(Plate(p, 3) for p in names), tuple(edges)))


def _row(name: str, sites: int, placement: float, dot: float, neato: float, note: str) -> str:
    return (f"{name:34} {sites:5} {placement * 1e3:9.1f} {dot * 1e3:8.1f} {neato * 1e3:8.1f} "
            f"{placement / dot:6.2f}  {note}")


def main() -> None:
    from plategraph.app.loading import gallery_models

    load = os.getloadavg()
    print("## placement: crossed-plate placement beside the dot run it follows (ms, best of "
          f"{RUNS}; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f})")
    head = (f"{'diagram':34} {'sites':>5} {'placement':>9} {'dot':>8} {'neato':>8} "
            f"{'ratio':>6}  note")
    print(head)
    print("-" * len(head))
    for kind in ("chain", "factorial", "interactions"):
        for k in range(2, 7):
            graph = synthetic(kind, k)
            placement, dot, neato, warned = measure(graph)
            print(_row(f"{kind} of {k} plates", len(graph), placement, dot, neato,
                       "warns: no drawing found" if warned else ""), flush=True)
    worst = 0.0
    for ident, model, args, kwargs in gallery_models(GALLERY):
        graph = plategraph.model_graph(model, *args, **kwargs)
        placement, dot, neato, warned = measure(graph)
        crossed = engine.cells_of(graph) is not None
        worst = max(worst, placement / dot)
        print(_row(ident, len(graph), placement, dot, neato,
                   ("crossed" if crossed else "") + (" warns" if warned else "")), flush=True)
    print(f"gallery: placement / dot at most {worst:.3f} "
          f"({'within' if worst <= 1 else 'OVER'} the dot run's time on every model)")


if __name__ == "__main__":
    main()
