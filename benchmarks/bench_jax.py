"""Tracing speed on each supported JAX: the same models timed under each test environment's
interpreter (the default `.venv`, `.venv-jax011`, `.venv-jax012`; `make jax-envs`), side by side.

One worker process per environment; the runs are interleaved (each repetition times every
environment in turn), so a busy machine slows them alike, and each figure is the best of its
runs after a warm-up. Per model: ``model_graph``'s time on each JAX, its ratio to the default
environment's (target: at most 1.25×), and its ratio to one plain ``trace(seed(model))`` on the
same JAX (what JAX itself got faster or slower at).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TOOLS = ("ours", "trace")


def worker() -> None:
    """Answer each ``{"case": ..., "tool": ...}`` line on stdin with the seconds of one run."""
    import jax
    import jax.numpy as jnp
    from bench_core import latent_chain, unrolled_hierarchical
    from numpyro import handlers
    from support import load_example  # tests/ is on PYTHONPATH (the Makefile's bench target)

    import plategraph

    def example(case: str) -> tuple:
        kind, _, arg = case.partition(":")
        if kind == "hierarchical":
            return unrolled_hierarchical, (int(arg), jnp.zeros(int(arg))), {}
        if kind == "chain":
            return latent_chain, (int(arg),), {}
        return load_example(arg)

    print(json.dumps({"python": sys.version.split()[0], "jax": jax.__version__}), flush=True)
    for line in sys.stdin:
        ask = json.loads(line)
        model, args, kwargs = example(ask["case"])
        start = time.perf_counter()
        if ask["tool"] == "ours":
            plategraph.model_graph(model, *args, **kwargs)
        else:
            handlers.trace(handlers.seed(model, 0)).get_trace(*args, **kwargs)
        print(time.perf_counter() - start, flush=True)


class Worker:
    def __init__(self, python: Path) -> None:
        self.process = subprocess.Popen([str(python), str(Path(__file__)), "--worker"],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.info = json.loads(self._read())

    def _read(self) -> str:
        line = self.process.stdout.readline()  # type: ignore[union-attr]
        if not line:
            raise RuntimeError(f"benchmark worker {self.process.args[0]} stopped")
        return line

    def time(self, case: str, tool: str) -> float:
        self.process.stdin.write(json.dumps({"case": case, "tool": tool}) + "\n")  # type: ignore[union-attr]
        self.process.stdin.flush()  # type: ignore[union-attr]
        return float(self._read())

    def close(self) -> None:
        self.process.stdin.close()  # type: ignore[union-attr]
        self.process.wait()


def cold_time(python: Path, tool: str, n: int) -> float:
    """Seconds of the first call in a fresh ``python`` (bench_core's cold start)."""
    from bench_core import _COLD

    code = _COLD.format(here=str(HERE), n=n, tool=tool)
    out = subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    from support import gallery_ids  # tests/ is on PYTHONPATH (the Makefile's bench target)
    from support.jax_envs import extra_envs

    pythons = [Path(sys.executable)]
    for env in extra_envs():
        if env.python.exists():
            pythons.append(env.python)
        else:
            print(f"(no {env.python.parent.parent.name}: `make jax-envs` creates it)")
    workers = [Worker(python) for python in pythons]
    rows: dict[str, list[dict[str, float]]] = {}

    def best(case: str, repeat: int) -> list[dict[str, float]]:
        out = [{tool: float("inf") for tool in TOOLS} for _ in workers]
        for tool in TOOLS:
            for w in workers:
                w.time(case, tool)  # warm-up: compilation is not what we compare
            for _ in range(repeat):
                for i, w in enumerate(workers):
                    out[i][tool] = min(out[i][tool], w.time(case, tool))
        return out

    for label, case in (("hierarchical, J obs sites", "hierarchical"),
                        ("chain of N latents", "chain")):
        for n in (100, 1_000):
            rows[f"{label} = {n:,}"] = best(f"{case}:{n}", 5 if n < 1_000 else 3)
    gallery = [{tool: 0.0 for tool in TOOLS} for _ in workers]
    for ident in gallery_ids():
        for total, t in zip(gallery, best(f"gallery:{ident}", 5)):
            for tool in TOOLS:
                total[tool] += t[tool]
    rows["every gallery model, summed"] = gallery
    for w in workers:
        w.close()
    cold = [{tool: float("inf") for tool in TOOLS} for _ in pythons]
    for _ in range(2):
        for i, python in enumerate(pythons):
            for tool, name in (("ours", "plategraph"), ("trace", "trace")):
                cold[i][tool] = min(cold[i][tool], cold_time(python, name, 1_000))
    rows["first call, fresh process, J = 1,000"] = cold

    print("## model_graph on each JAX: ms, ratio to the default JAX, ratio to one plain trace")
    print(f"{'model':38s}" + "".join(
        f"{'Py ' + w.info['python'] + ', JAX ' + w.info['jax']:>27s}" for w in workers))
    worst = 0.0
    for row, times in rows.items():
        cells = []
        for t in times:
            ratio = t["ours"] / times[0]["ours"]
            worst = max(worst, ratio)
            cells.append(f"{t['ours'] * 1e3:9.1f} {ratio:6.2f}x {t['ours'] / t['trace']:5.2f}/tr")
        print(f"{row:38s}" + "".join(f"{c:>27s}" for c in cells), flush=True)
    print(f"slowest ratio to the default JAX: {worst:.2f}x (target: at most 1.25x)")


if __name__ == "__main__":
    if sys.argv[1:] == ["--worker"]:
        worker()
    else:
        main()
