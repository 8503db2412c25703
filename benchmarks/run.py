"""`make bench`: every benchmark, each side by side with numpyro in the same process.

Run one alone with ``python benchmarks/run.py core`` (or ``first``, ``warm``, ``draw``, ``layout``,
``placement``, ``gallery``, ``paper``, ``real``, ``jax``, ``spec``).
"""

from __future__ import annotations

import importlib
import platform
import sys
import time
from pathlib import Path

SUITES = ("first", "core", "warm", "draw", "layout", "placement", "gallery", "paper", "real",
          "jax", "spec")


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    chosen = argv or list(SUITES)
    unknown = sorted(set(chosen) - set(SUITES))
    if unknown:
        print(f"unknown suite(s) {', '.join(unknown)}; choose from {', '.join(SUITES)}",
              file=sys.stderr)
        return 2
    import jax
    import numpyro

    print(f"# plategraph benchmarks — Python {platform.python_version()}, JAX {jax.__version__}, "
          f"NumPyro {numpyro.__version__}, {platform.machine()}")
    for suite in chosen:
        start = time.perf_counter()
        importlib.import_module(f"bench_{suite}").main()
        print(f"({suite}: {time.perf_counter() - start:.0f} s)\n", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
