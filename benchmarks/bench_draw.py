"""Drawing speed: end-to-end SVG with plategraph beside numpyro.render_model, and `dot` alone.

Targets: a chain of 300 latents all feeding one plated observed site, and a
hierarchical model unrolled to 1,000 observed sites, each to SVG in under 2 s end to end; no
diagram of the gallery or of the drawing tests' cases over 1 s in `dot`. NumPyro runs in a
subprocess with a time limit per case, because its diagram of the long chain does not finish.

    python benchmarks/bench_draw.py            # or: python benchmarks/run.py draw
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import jax.numpy as jnp
import numpyro
import numpyro.distributions as dist

# the model is the tracing benchmark's (benchmarks/ is on sys.path wherever this runs)
from bench_core import unrolled_hierarchical  # noqa: E402
from numpyro import handlers

import plategraph
from plategraph.tracing.records import TraceRecord

HERE = Path(__file__).resolve().parent
GALLERY = HERE.parent / "gallery"
NUMPYRO_TIMEOUT = 30.0  # seconds per NumPyro case
TARGET_END_TO_END = 2.0
TARGET_DOT = 1.0


def chain_into_plate(N: int, y: jnp.ndarray) -> None:
    """N latents in a chain, all feeding one observed site in a plate."""
    x = numpyro.sample("x_0", dist.Normal(0.0, 1.0))
    total = x
    for i in range(1, N):
        x = numpyro.sample(f"x_{i}", dist.Normal(x, 1.0))
        total = total + x
    with numpyro.plate("data", y.shape[0]):
        numpyro.sample("obs", dist.Normal(total, 1.0), obs=y)


CASES: dict[str, tuple[Callable, tuple]] = {
    **{f"chain {n} → plate": (chain_into_plate, (n, jnp.zeros(10))) for n in (30, 100, 300)},
    **{f"unrolled J={j}": (unrolled_hierarchical, (j, jnp.zeros(j))) for j in (10, 100, 1000)},
}

def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def end_to_end(model: Callable, args: tuple, **options: object) -> bytes:
    return plategraph.draw(plategraph.model_graph(model, *args), **options).pipe("svg")


def fresh_seconds(case: str, call: str, timeout: float) -> str:
    """``call`` (on ``model, args``) in a fresh interpreter, timed inside it: imports excluded,
    JAX's first compilations included."""
    script = (
        "import sys, time\n"
        f"sys.path.insert(0, {str(HERE)!r})\n"
        "import numpyro, plategraph\n"
        "from bench_draw import CASES, end_to_end\n"
        f"model, args = CASES[{case!r}]\n"
        "start = time.perf_counter()\n"
        f"{call}\n"
        "print(time.perf_counter() - start)\n"
    )
    # its own session, so that a timeout stops the `dot` it started too (an orphaned `dot` on
    # the 300-chain would go on for hours, taking a core from every later measurement)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            env={**os.environ, "JAX_PLATFORMS": "cpu"})
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return f"timeout >{timeout:.0f}s"
    if proc.returncode != 0:
        return f"failed: {err.strip().splitlines()[-1] if err.strip() else proc.returncode}"
    return f"{float(out.strip().splitlines()[-1]):.2f}"


def dot_seconds(source: str, engine: str = "dot") -> float:
    """`time dot -Tsvg`: the layout alone, as the `dot` binary takes it (a pinned drawing of
    plategraph's own layout: `neato -n2 -Tsvg`)."""
    command = ["dot", "-Tsvg"] if engine == "dot" else ["neato", "-n2", "-Tsvg"]
    return _timed(lambda: subprocess.run(command, input=source.encode(),
                                         capture_output=True, check=True))


def _row(cells: list[str], widths: list[int]) -> str:
    return "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths)))


def _measure(model: Callable, args: tuple) -> tuple[float, float, float, float]:
    """First and best end-to-end run, best with collapse=False, and the plain-trace floor."""
    first = _timed(lambda: end_to_end(model, args))
    best = min(_timed(lambda: end_to_end(model, args)) for _ in range(3))
    flat = min(_timed(lambda: end_to_end(model, args, collapse=False)) for _ in range(2))
    trace = min(_timed(lambda: handlers.trace(handlers.seed(model, 0)).get_trace(*args))
                for _ in range(3))
    return first, best, flat, trace


def speed_table(timeout: float) -> list[str]:
    head = ["case", "sites", "trace", "first", "best", "flat best", "dot flat", "cold",
            "numpyro cold", "target"]
    widths = [18, 6, 6, 6, 6, 9, 8, 6, 13, 6]
    lines = [_row(head, widths), _row(["-" * w for w in widths], widths)]
    for case, (model, args) in CASES.items():
        cold = fresh_seconds(case, "end_to_end(model, args)", timeout)
        first, best, flat, trace = _measure(model, args)
        graph = plategraph.model_graph(model, *args)
        flat_dot = dot_seconds(plategraph.draw(graph, collapse=False).source)
        slowest = max(first, flat, float(cold) if cold[0].isdigit() else float("inf"))
        ok = "ok" if slowest < TARGET_END_TO_END else "SLOW"
        lines.append(_row([case, str(len(graph)), f"{trace:.2f}", f"{first:.2f}", f"{best:.2f}",
                           f"{flat:.2f}", f"{flat_dot:.2f}", cold,
                           fresh_seconds(case, "numpyro.render_model(model, args).pipe('svg')",
                                         timeout), ok],
                          widths))
    return lines


def _graph_of(sites, edges=(), plates=(), name="model"):
    return plategraph.build_graph(TraceRecord(name, tuple(sites), tuple(plates), tuple(edges)))


def collection_table() -> list[str]:
    """`dot` on every diagram of the gallery and of the drawing tests, three option sets each."""
    from test_dot import CASES as DRAWING_CASES  # tests/layout is on PYTHONPATH (make bench)

    from plategraph.app.loading import gallery_models

    sources: list[tuple[str, plategraph.Diagram]] = []
    for ident, model, args, kwargs in gallery_models(GALLERY):
        graph = plategraph.model_graph(model, *args, **kwargs)
        for options in ({}, {"labels": "math", "distributions": True, "params": True},
                        {"collapse": False}):
            sources.append((f"{ident} {options}", plategraph.draw(graph, **options)))
    for case, (build, options) in DRAWING_CASES.items():
        sources.append((f"tests/layout/test_dot.py:{case}", plategraph.draw(build(_graph_of),
                                                                     **options)))
    timed = sorted(((dot_seconds(d.source, d.engine), name) for name, d in sources),
                   reverse=True)
    worst, name = timed[0]
    total = sum(t for t, _ in timed)
    ok = "ok" if worst < TARGET_DOT else "SLOW"
    return [f"dot on {len(timed)} diagrams of the collection: worst {worst:.3f} s ({name}), "
            f"total {total:.2f} s, target < {TARGET_DOT:.0f} s each: {ok}"]


def main(timeout: float = NUMPYRO_TIMEOUT) -> None:
    print("## drawing: seconds to SVG, end to end (model_graph + draw + dot)")
    print("trace: one plain trace(seed(model)), the floor; first: first plategraph run in this "
          "process;\nbest: best of 3; flat: collapse=False (every site its own node); dot flat: "
          "`dot` alone on\nthe flat diagram; cold: plategraph in a fresh process (imports "
          "excluded, JAX compiling\nincluded); numpyro cold: numpyro.render_model(...).pipe('svg')"
          f" the same way, limit {timeout:.0f} s")
    for line in speed_table(timeout):
        print(line, flush=True)
    for line in collection_table():
        print(line, flush=True)


if __name__ == "__main__":
    main()
