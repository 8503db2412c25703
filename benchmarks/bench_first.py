"""The first call in a fresh process: plategraph beside numpyro on the real-world collection.

For every model of ``benchmarks/realworld/``, each in its own fresh interpreter: the model's
module imported and its data built, JAX started, plategraph and numpyro imported; then only the
first ``plategraph.model_graph(model, *args, **kwargs)``, or the first
``get_model_relations(model, args, kwargs)``, is timed (JAX compiling what the call needs
included). The ratio is plategraph's time over numpyro's; target: median <= 1x, none above 2x.
A model plategraph cannot trace shows its error in its row. Import times are reported apart.

    python benchmarks/bench_first.py [--repeat N] [--before DIR] [IDENT ...]

``--repeat N`` takes the best of N fresh processes per figure (the two tools alternate, so a
busy machine slows both alike). ``--before DIR`` adds a column for the plategraph package found
in DIR (e.g. ``git archive REV plategraph | tar -x -C DIR``), measured in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

from bench_core import FreshRunError, fresh_seconds

HERE = Path(__file__).resolve().parent
IMPORTS = ("import numpyro\nfrom numpyro.infer.inspect import get_model_relations\n"
           "import plategraph")
CALLS = {
    "plategraph": "plategraph.model_graph(model, *args, **kwargs)",
    "numpyro": "get_model_relations(model, args, kwargs)",
}


def first_call(ident: str, tool: str, *, paths: tuple[str, ...] = ()) -> float | str:
    """Seconds of ``tool``'s first call on model ``ident`` in a fresh process, or its error."""
    setup = f"from realworld import load\nmodel, args, kwargs = load({ident!r})"
    try:
        return fresh_seconds(setup, CALLS[tool], before=IMPORTS, paths=paths)
    except FreshRunError as err:
        return f"error: {str(err).removeprefix('plategraph.exceptions.')[:140]}"


def _best(results: list[float | str]) -> float | str:
    times = [r for r in results if isinstance(r, float)]
    return min(times) if times else results[-1]


def _ms(t: float | str) -> str:
    return f"{t * 1e3:10.1f}" if isinstance(t, float) else f"{'error':>10s}"


def import_seconds(paths: tuple[str, ...] = ()) -> tuple[float, float]:
    """``import numpyro`` and then ``import plategraph``, each in a fresh process (JAX already
    imported in both)."""
    return (fresh_seconds("", "import numpyro"),
            fresh_seconds("", "import plategraph", before="import numpyro", paths=paths))


def _summary(name: str, ratios: list[float]) -> str:
    if not ratios:
        return f"{name}: no model traced"
    return (f"{name}: median {statistics.median(ratios):.2f}x, worst {max(ratios):.2f}x, "
            f"above 1x on {sum(r > 1 for r in ratios)} of {len(ratios)}, above 2x on "
            f"{sum(r > 2 for r in ratios)}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("idents", nargs="*", help="models (module:function); default: all")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--before", type=Path, help="a source tree of another plategraph")
    options = parser.parse_args(argv if argv is not None else [])
    sys.path.insert(0, str(HERE))
    from realworld import idents

    chosen = options.idents or idents()
    before = (str(options.before.resolve()),) if options.before else None

    print("## First call in a fresh process: model_graph vs numpyro get_model_relations "
          f"(best of {options.repeat})")
    numpyro_import, ours_import = import_seconds()
    line = (f"imports (JAX already imported): numpyro {numpyro_import * 1e3:.0f} ms, "
            f"then plategraph {ours_import * 1e3:.0f} ms")
    if before:
        line += f" (before: {import_seconds(before)[1] * 1e3:.0f} ms)"
    print(line)
    head = f"{'model':46s} {'ours ms':>10s} {'numpyro ms':>10s} {'ratio':>7s}"
    if before:
        head += f" {'before ms':>10s} {'ratio':>7s}"
    print(head)
    ratios: list[float] = []
    ratios_before: list[float] = []
    errors: list[str] = []
    for ident in chosen:
        runs: dict[str, list[float | str]] = {"plategraph": [], "numpyro": [], "before": []}
        for _ in range(options.repeat):
            runs["plategraph"].append(first_call(ident, "plategraph"))
            runs["numpyro"].append(first_call(ident, "numpyro"))
            if before:
                runs["before"].append(first_call(ident, "plategraph", paths=before))
        ours, theirs = _best(runs["plategraph"]), _best(runs["numpyro"])
        cells = [f"{ident:46s}", _ms(ours), _ms(theirs)]
        ratio_cell = "-"
        if isinstance(ours, float) and isinstance(theirs, float):
            ratios.append(ours / theirs)
            ratio_cell = f"{ours / theirs:.2f}x"
        cells.append(f"{ratio_cell:>7s}")
        if before:
            old = _best(runs["before"])
            old_ratio = "-"
            if isinstance(old, float) and isinstance(theirs, float):
                ratios_before.append(old / theirs)
                old_ratio = f"{old / theirs:.2f}x"
            cells += [_ms(old), f"{old_ratio:>7s}"]
        problems = [f"{tool}: {r}" for tool, r in (("plategraph", ours), ("numpyro", theirs))
                    if isinstance(r, str)]
        if before and isinstance(runs["before"][-1], str):
            problems.append(f"before: {runs['before'][-1]}")
        if problems:
            errors.append(ident)
        print(" ".join(cells) + ("   " + "; ".join(problems) if problems else ""), flush=True)
    print(_summary("plategraph / numpyro", ratios))
    if before:
        print(_summary("before / numpyro", ratios_before))
    if errors:
        print(f"with an error: {len(errors)} of {len(chosen)} ({', '.join(errors)})")


if __name__ == "__main__":
    main(sys.argv[1:])
