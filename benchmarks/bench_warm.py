"""Warm calls: plategraph.model_graph beside numpyro's get_model_relations, model by model.

Every gallery model and the unrolled hierarchical model of ``bench_core`` at 100 and 1,000
observed sites, in this process, after two warm-up calls of each tool (JAX has compiled what the
model needs; both tools pay that alike). The tools take turns on each model, one call each per
round, and each figure is the best of ``--repeat`` rounds, so a busy machine slows both alike.
The ratio is plategraph's time over numpyro's (below 1x: plategraph is faster).

    python benchmarks/bench_warm.py [--repeat N] [--cpu] [--before DIR] [IDENT ...]

``--before DIR`` adds a column for the plategraph package found in DIR (e.g. ``git archive REV
plategraph | tar -x -C DIR``), loaded into this process under another name and measured in the
same rounds: the way to check that a change keeps the warm-call speed. ``--cpu`` times with the
process's CPU clock instead of the wall clock (steadier on a machine busy with other work).
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import jax.numpy as jnp
from numpyro.infer.inspect import get_model_relations

import plategraph

HERE = Path(__file__).resolve().parent
HIERARCHICAL_SIZES = (100, 1_000)


def load_before(tree: Path) -> ModuleType:
    """The plategraph package of the source tree ``tree``, imported as ``plategraph_before``."""
    package = tree / "plategraph"
    spec = importlib.util.spec_from_file_location(
        "plategraph_before", package / "__init__.py", submodule_search_locations=[str(package)])
    if spec is None or spec.loader is None:
        raise SystemExit(f"no plategraph package in {tree}")
    module = importlib.util.module_from_spec(spec)
    sys.modules["plategraph_before"] = module
    spec.loader.exec_module(module)
    return module


def models() -> Iterator[tuple[str, Callable, tuple, dict]]:
    """Every gallery model with its example, then the unrolled hierarchical models."""
    from bench_core import unrolled_hierarchical

    from plategraph.app.loading import gallery_models

    yield from gallery_models(HERE.parent / "gallery")
    for n in HIERARCHICAL_SIZES:
        yield f"hierarchical, J obs sites = {n:,}", unrolled_hierarchical, (n, jnp.zeros(n)), {}


def best_of_rounds(calls: dict[str, Callable[[], Any]], *, repeat: int,
                   clock: Callable[[], float], budget: float = 30.0) -> dict[str, float | str]:
    """Per tool: the best time of ``repeat`` rounds (the tools alternate within a round), or
    the name of the error the tool raised."""
    best: dict[str, float | str] = {}
    for tool, call in calls.items():
        try:
            call()
            call()  # warm-up: compilation is not what we compare
        except Exception as err:  # noqa: BLE001  numpyro cannot trace some models: report it
            best[tool] = type(err).__name__
        else:
            best[tool] = float("inf")
    start = time.perf_counter()
    for _ in range(repeat):
        for tool, call in calls.items():
            if isinstance(best[tool], str):
                continue
            t = clock()
            call()
            best[tool] = min(best[tool], clock() - t)  # type: ignore[type-var]
        if time.perf_counter() - start > budget:
            break
    return best


def _ms(t: float | str) -> str:
    return f"{t * 1e3:10.2f}" if isinstance(t, float) else f"{t[:10]:>10s}"


def _ratio(a: float | str, b: float | str) -> float | None:
    return a / b if isinstance(a, float) and isinstance(b, float) else None


def _summary(name: str, ratios: list[float]) -> str:
    if not ratios:
        return f"{name}: no model"
    return (f"{name}: median {statistics.median(ratios):.2f}x, worst {max(ratios):.2f}x, "
            f"best {min(ratios):.2f}x over {len(ratios)} models")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("idents", nargs="*", help="models whose name contains one of these")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cpu", action="store_true", help="time with the CPU clock")
    parser.add_argument("--before", type=Path, help="a source tree of another plategraph")
    options = parser.parse_args(argv if argv is not None else [])
    sys.path.insert(0, str(HERE))
    before = load_before(options.before.resolve()) if options.before else None
    clock = time.process_time if options.cpu else time.perf_counter

    print(f"## Warm calls: model_graph vs numpyro get_model_relations (best of "
          f"{options.repeat} alternating rounds, {'CPU' if options.cpu else 'wall'} clock)")
    head = f"{'model':40s} {'ours ms':>10s} {'numpyro ms':>10s} {'/numpyro':>9s}"
    if before:
        head += f" {'before ms':>10s} {'/before':>8s}"
    print(head)
    vs_numpyro: list[float] = []
    vs_before: list[float] = []
    totals = {"plategraph": 0.0, "before": 0.0}
    for ident, model, args, kwargs in models():
        if options.idents and not any(part in ident for part in options.idents):
            continue
        calls: dict[str, Callable[[], Any]] = {
            "plategraph": lambda m=model, a=args, k=kwargs: plategraph.model_graph(m, *a, **k),
            "numpyro": lambda m=model, a=args, k=kwargs: get_model_relations(m, a, k),
        }
        if before:
            calls["before"] = (lambda m=model, a=args, k=kwargs:
                               before.model_graph(m, *a, **k))
        t = best_of_rounds(calls, repeat=options.repeat, clock=clock)
        ours = t["plategraph"]
        cells = [f"{ident:40s}", _ms(ours), _ms(t["numpyro"])]
        ratio = _ratio(ours, t["numpyro"])
        if ratio is not None:
            vs_numpyro.append(ratio)
        cells.append(f"{ratio:8.2f}x" if ratio is not None else f"{'-':>9s}")
        if before:
            old = t["before"]
            ratio = _ratio(ours, old)
            if ratio is not None:
                vs_before.append(ratio)
                totals["plategraph"] += ours  # type: ignore[operator]
                totals["before"] += old  # type: ignore[operator]
            cells += [_ms(old), f"{ratio:7.2f}x" if ratio is not None else f"{'-':>8s}"]
        print(" ".join(cells), flush=True)
    print(_summary("plategraph / numpyro", vs_numpyro))
    if before:
        print(_summary("plategraph / before", vs_before)
              + (f"; sum {totals['plategraph'] / totals['before']:.2f}x"
                 if totals["before"] else ""))


if __name__ == "__main__":
    main(sys.argv[1:])
