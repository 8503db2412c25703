"""The model written out: plategraph.model_spec beside the model_graph it reads.

``model_spec`` reads the computation ``model_graph`` recorded while tracing, so writing a model
out should cost no more than tracing it: the 1,000-site hierarchical model's specification at
most its ``model_graph`` time, the gallery's at most twice the gallery's. Each specification is
timed on a graph of its own (the numbering of what the trace recorded is done once per graph,
and is part of the cost). Best of a few runs after one warm-up run, as in ``bench_core``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import jax.numpy as jnp
from bench_core import best_time, unrolled_hierarchical

import plategraph

GALLERY = Path(__file__).resolve().parent.parent / "gallery"


def spec_time(model: Callable, args: tuple, kwargs: dict, *, repeat: int,
              budget: float = 20.0) -> float:
    """Seconds of ``model_spec`` alone, each run on a fresh graph (traced untimed)."""
    times = []
    start = time.perf_counter()
    for k in range(repeat + 1):
        graph = plategraph.model_graph(model, *args, **kwargs)
        t = time.perf_counter()
        plategraph.model_spec(graph)
        if k:  # the first: warm-up
            times.append(time.perf_counter() - t)
        if time.perf_counter() - start > budget:
            break
    return min(times) if times else float("nan")


def graph_and_spec(model: Callable, args: tuple, kwargs: dict, repeat: int
                   ) -> tuple[float, float]:
    graph = best_time(lambda: plategraph.model_graph(model, *args, **kwargs), repeat=repeat)
    return graph, spec_time(model, args, kwargs, repeat=repeat)


def main() -> None:
    print("## Specification: model_spec vs the model_graph it reads")
    print(f"{'model':40s} {'graph ms':>10s} {'spec ms':>10s} {'spec/graph':>11s}")
    for n in (100, 1_000):
        g, s = graph_and_spec(unrolled_hierarchical, (n, jnp.zeros(n)), {}, repeat=5)
        print(f"{f'hierarchical, J obs sites = {n:,}':40s} {g * 1e3:10.1f} {s * 1e3:10.1f} "
              f"{s / g:10.2f}x", flush=True)
    if not GALLERY.is_dir():
        return
    from plategraph.app.loading import gallery_models

    total_graph = total_spec = 0.0
    for ident, model, args, kwargs in gallery_models(GALLERY):
        g, s = graph_and_spec(model, args, kwargs, repeat=3)
        total_graph += g
        total_spec += s
        print(f"{ident:40s} {g * 1e3:10.1f} {s * 1e3:10.1f} {s / g:10.2f}x", flush=True)
    print(f"{'gallery, all models':40s} {total_graph * 1e3:10.1f} {total_spec * 1e3:10.1f} "
          f"{total_spec / total_graph:10.2f}x")


if __name__ == "__main__":
    main()
