"""Layout speed: ``plategraph.layout`` of every gallery model, beside numpyro.render_model.

For each gallery model: the best of 2 runs of ``plategraph.layout`` (plain options, and with
math labels, distributions and params), the `dot` run alone on ``draw``'s DOT (the floor of a
layout made by graphviz), and ``numpyro.render_model(...).pipe('svg')`` on the same model in the
same process (tracing included: numpyro cannot lay out without tracing). Crossed-plate models
take two graphviz runs (dot for the cells, neato -n2 for the edges) and the column search.

    python benchmarks/bench_layout.py            # or: python benchmarks/run.py layout
"""

from __future__ import annotations

import subprocess
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpyro

import plategraph

HERE = Path(__file__).resolve().parent
GALLERY = HERE.parent / "gallery"
FULL = {"labels": "math", "distributions": True, "params": True}


def _best(fn: Callable[[], object], runs: int = 2) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def _dot_alone(source: str) -> float:
    return _best(lambda: subprocess.run(["dot", "-Tjson0"], input=source.encode(),
                                        capture_output=True, check=True))


def _numpyro(model: Callable, args: tuple, kwargs: dict) -> float | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _best(lambda: numpyro.render_model(model, model_args=args,
                                                      model_kwargs=kwargs).pipe("svg"))
    except Exception:  # numpyro cannot draw some models (Python control flow): no figure
        return None


def main() -> None:
    from plategraph.app.loading import gallery_models

    print("## layout: seconds for plategraph.layout of every gallery model")
    print("layout: best of 2 (plain options); full: with math labels, distributions, params;\n"
          "dot: `dot -Tjson0` alone on draw's DOT; numpyro: render_model(...).pipe('svg'), "
          "tracing included")
    head = f"{'model':34} {'sites':>5} {'layout':>7} {'full':>7} {'dot':>7} {'numpyro':>8}  kind"
    print(head)
    print("-" * len(head))
    totals = {"layout": 0.0, "full": 0.0, "dot": 0.0, "numpyro": 0.0}
    compared = 0.0
    for ident, model, args, kwargs in gallery_models(GALLERY):
        graph = plategraph.model_graph(model, *args, **kwargs)
        plain = _best(lambda: plategraph.layout(graph))  # noqa: B023  (called right here)
        full = _best(lambda: plategraph.layout(graph, **FULL))  # noqa: B023
        dot = _dot_alone(plategraph.draw(graph).source) if not _crossed(graph) else None
        theirs = _numpyro(model, args, kwargs)
        kind = "crossed" if _crossed(graph) else ""
        totals["layout"] += plain
        totals["full"] += full
        totals["dot"] += dot or 0.0
        if theirs is not None:
            totals["numpyro"] += theirs
            compared += plain
        print(f"{ident:34} {len(graph):5} {plain:7.3f} {full:7.3f} "
              f"{'' if dot is None else f'{dot:.3f}':>7} "
              f"{'fails' if theirs is None else f'{theirs:.3f}':>8}  {kind}", flush=True)
    print(f"whole gallery: layout {totals['layout']:.2f} s, full {totals['full']:.2f} s; "
          f"dot alone {totals['dot']:.2f} s (models without crossed plates); "
          f"numpyro {totals['numpyro']:.2f} s on the models it draws "
          f"(plategraph layout / numpyro there: {compared / max(totals['numpyro'], 1e-9):.2f})")


def _crossed(graph) -> bool:
    from plategraph.layout.placement import cells_of

    return cells_of(graph) is not None


if __name__ == "__main__":
    main()
