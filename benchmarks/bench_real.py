"""Real-model costs: a huge plate, and a Python while loop on sampled values.

- A plate of 10⁹ / 4·10⁹ with vectorised sites: time and peak memory of the first call, each tool
  in its own fresh process (peak memory is per process), plategraph beside numpyro's
  get_model_relations.
- Newton's method in a Python ``while`` loop on two sampled values: model_graph (re-runs with the
  two deciders varied together, as the tracer does, and one by one, for comparison) beside one
  plain ``trace(seed(model))``; numpyro's get_model_relations cannot trace the loop.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
from bench_core import best_time
from numpyro import handlers

import plategraph
from plategraph.tracing import trace as trace_module


def big_plate(n: int) -> None:
    mu = numpyro.sample("mu", dist.Normal(0.0, 1.0))
    sigma = numpyro.sample("sigma", dist.HalfNormal(1.0))
    with numpyro.plate("N", n):
        numpyro.sample("x", dist.Normal(mu, sigma))


def newton_solver(y: np.ndarray) -> None:
    a = numpyro.sample("a", dist.LogNormal(0.0, 0.5))
    b = numpyro.sample("b", dist.Normal(1.0, 0.1))
    x = jnp.array(1.0)
    f = x**3 + a * x - b  # the root of x³ + a·x = b
    while jnp.abs(f) > 1e-5:
        x = x - f / (3 * x**2 + a)
        f = x**3 + a * x - b
    sigma = numpyro.sample("sigma", dist.HalfNormal(1.0))
    with numpyro.plate("N", y.shape[0]):
        numpyro.sample("y", dist.Normal(x, sigma), obs=y)


_COLD = """
import resource, sys, time
sys.path.insert(0, {here!r})
import jax.numpy as jnp
from bench_real import big_plate as model
jnp.ones(1) + 1  # start JAX: not what is compared
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
try:
    if {tool!r} == "plategraph":
        import plategraph
        plategraph.model_graph(model, {n})
    else:
        from numpyro.infer.inspect import get_model_relations
        get_model_relations(model, ({n},))
    status = "ok"
except Exception as err:
    status = type(err).__name__
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(status, seconds, peak / 1024, (peak - before) / 1024)
"""


def cold(tool: str, n: int) -> tuple[str, float, float, float]:
    """(status, seconds, peak MB of the process, MB the call added to the peak), fresh process."""
    here = str(Path(__file__).resolve().parent)
    out = subprocess.run([sys.executable, "-c", _COLD.format(here=here, n=n, tool=tool)],
                         capture_output=True, text=True, check=True)
    status, seconds, peak, added = out.stdout.split()
    return status, float(seconds), float(peak), float(added)


def main() -> None:
    print("## A plate of N with vectorised sites: first call, fresh process each")
    print(f"{'N':>14s} {'tool':>11s} {'status':>14s} {'s':>8s} {'peak MB':>9s} {'added MB':>9s}")
    for n in (10**9, 4 * 10**9):
        for tool in ("plategraph", "numpyro"):
            status, seconds, peak, added = cold(tool, n)
            print(f"{n:14,d} {tool:>11s} {status:>14s} {seconds:8.3f} {peak:9.0f} {added:9.0f}",
                  flush=True)
    print()
    print("## Newton's method in a Python while loop on a and b (best of runs, warm)")
    y = np.zeros(10)
    plain = best_time(lambda: handlers.trace(handlers.seed(newton_solver, 0)).get_trace(y),
                      repeat=10)
    joint = best_time(lambda: plategraph.model_graph(newton_solver, y), repeat=10)
    decided_together = trace_module.decided_together
    trace_module.decided_together = lambda context, decider, varied: [decider]
    try:
        alone = best_time(lambda: plategraph.model_graph(newton_solver, y), repeat=10)
    finally:
        trace_module.decided_together = decided_together
    print(f"{'one plain trace(seed(model))':44s} {plain * 1e3:8.1f} ms")
    print(f"{'model_graph, deciders varied one by one':44s} {alone * 1e3:8.1f} ms "
          f"{alone / plain:6.1f}x the plain trace (before)")
    print(f"{'model_graph, a and b varied together':44s} {joint * 1e3:8.1f} ms "
          f"{joint / plain:6.1f}x the plain trace (now)")


if __name__ == "__main__":
    main()
