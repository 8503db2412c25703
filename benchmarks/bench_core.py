"""Tracing speed: plategraph.model_graph beside numpyro's get_model_relations and a plain trace.

Models: a hierarchical model unrolled to J observed sites (a Python loop, as in the seed article),
a chain of N latents, and every model of the gallery. Each figure is the best of a few runs after
one warm-up run (JAX compiles primitives once per shape; both tools pay that alike).
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import jax.numpy as jnp
import numpyro
import numpyro.distributions as dist
from numpyro import handlers
from numpyro.infer.inspect import get_model_relations

import plategraph


def unrolled_hierarchical(J: int, y: jnp.ndarray) -> None:
    mu_a = numpyro.sample("mu_a", dist.Normal(0.0, 10.0))
    sigma_a = numpyro.sample("sigma_a", dist.HalfCauchy(5.0))
    a = numpyro.sample("a", dist.Normal(mu_a, sigma_a), sample_shape=(J,))
    for j in range(J):
        numpyro.sample(f"obs_{j}", dist.Normal(a[j], 1.0), obs=y[j])


def latent_chain(N: int) -> None:
    x = numpyro.sample("x_0", dist.Normal(0.0, 1.0))
    for i in range(1, N):
        x = numpyro.sample(f"x_{i}", dist.Normal(x, 1.0))


def best_time(fn: Callable[[], object], *, repeat: int, budget: float = 20.0) -> float:
    fn()  # warm-up: compilation is not what we compare
    times = []
    start = time.perf_counter()
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
        if time.perf_counter() - start > budget:
            break
    return min(times)


def measure(model: Callable, args: tuple, kwargs: dict, repeat: int) -> dict[str, float]:
    return {
        "plategraph": best_time(lambda: plategraph.model_graph(model, *args, **kwargs),
                                repeat=repeat),
        "numpyro": best_time(lambda: get_model_relations(model, args, kwargs), repeat=repeat),
        "trace": best_time(lambda: handlers.trace(handlers.seed(model, 0)).get_trace(
            *args, **kwargs), repeat=repeat),
    }


def row(name: str, t: dict[str, float], previous: dict[str, float] | None = None) -> str:
    growth = f"{t['plategraph'] / previous['plategraph']:8.1f}x" if previous else " " * 9
    return (f"{name:34s} {t['plategraph'] * 1e3:10.1f} {t['numpyro'] * 1e3:10.1f} "
            f"{t['trace'] * 1e3:10.1f} {t['numpyro'] / t['plategraph']:9.1f}x "
            f"{t['plategraph'] / t['trace']:9.2f}x {growth}")


HEADER = (f"{'model':34s} {'ours ms':>10s} {'numpyro ms':>10s} {'trace ms':>10s} "
          f"{'speed-up':>10s} {'/trace':>10s} {'growth':>9s}")


_TOOLS = {
    "plategraph": "import plategraph\nplategraph.model_graph(model, *args, **kwargs)",
    "numpyro": "from numpyro.infer.inspect import get_model_relations\n"
               "get_model_relations(model, args, kwargs)",
    "trace": "from numpyro import handlers\n"
             "handlers.trace(handlers.seed(model, 0)).get_trace(*args, **kwargs)",
}

_FRESH = """
import sys, time
sys.path[:0] = {paths!r}
import jax.numpy as jnp
{setup}
jnp.ones(1) + 1  # start JAX: not what is compared
{before}
start = time.perf_counter()
{timed}
print(time.perf_counter() - start)
"""


class FreshRunError(Exception):
    """The fresh interpreter failed; the message is the last line of its error output."""


def fresh_seconds(setup: str, timed: str, *, before: str = "", paths: tuple[str, ...] = (),
                  timeout: float = 300.0) -> float:
    """Seconds ``timed`` takes in a fresh interpreter, after ``setup`` (which defines what
    ``timed`` uses) and ``before`` ran and JAX started. ``benchmarks/`` is on the path, after
    ``paths``."""
    here = str(Path(__file__).resolve().parent)
    code = _FRESH.format(paths=[*paths, here], setup=setup, before=before, timed=timed)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=timeout)
    if out.returncode != 0:
        lines = out.stderr.strip().splitlines()
        raise FreshRunError(lines[-1] if lines else f"exit status {out.returncode}")
    return float(out.stdout.strip().splitlines()[-1])


def cold_time(tool: str, n: int) -> float:
    """Seconds of the first call in a fresh interpreter (importing plategraph included)."""
    setup = ("from bench_core import unrolled_hierarchical as model\n"
             f"args, kwargs = ({n}, jnp.zeros({n})), {{}}")
    return fresh_seconds(setup, _TOOLS[tool])


def main(argv: list[str] | None = None) -> None:
    print("## Tracing: model_graph vs numpyro get_model_relations vs one plain trace")
    print(HEADER)
    for label, make, sizes in (
        ("hierarchical, J obs sites", lambda n: (unrolled_hierarchical, (n, jnp.zeros(n)), {}),
         (100, 1_000, 10_000)),
        ("chain of N latents", lambda n: (latent_chain, (n,), {}), (100, 1_000)),
    ):
        previous = None
        for n in sizes:
            model, args, kwargs = make(n)
            t = measure(model, args, kwargs, repeat=3 if n >= 10_000 else 5)
            print(row(f"{label} = {n:,}", t, previous), flush=True)
            previous = t
    print()
    print("## Cold start: the first call in a fresh process (JAX compiles each primitive once)")
    print(f"{'model':34s} {'ours ms':>10s} {'numpyro ms':>10s} {'trace ms':>10s}")
    for n in (100, 1_000):
        cold = {tool: cold_time(tool, n) for tool in ("plategraph", "numpyro", "trace")}
        print(f"{f'hierarchical, J obs sites = {n:,}':34s} {cold['plategraph'] * 1e3:10.1f} "
              f"{cold['numpyro'] * 1e3:10.1f} {cold['trace'] * 1e3:10.1f}", flush=True)
    gallery = Path(__file__).resolve().parent.parent / "gallery"
    if gallery.is_dir():
        from plategraph.app.loading import gallery_models

        print()
        print("## Gallery models (numpyro: '-' where it cannot trace the model)")
        print(HEADER)
        for ident, model, args, kwargs in gallery_models(gallery):
            try:
                t = measure(model, args, kwargs, repeat=5)
            except Exception as err:  # noqa: BLE001  numpyro fails on control flow: report it
                ours = best_time(lambda m=model, a=args, k=kwargs: plategraph.model_graph(
                    m, *a, **k), repeat=5)
                print(f"{ident:34s} {ours * 1e3:10.1f} {'-':>10s}  ({type(err).__name__})")
                continue
            print(row(ident, t), flush=True)


if __name__ == "__main__":
    main()
