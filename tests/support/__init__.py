"""What the tests share: the gallery's models with their examples, graphs made by hand, small
gallery folders, and checks run in fresh processes. ``support.faults`` has the fault tests'
process helpers, ``support.jax_envs`` the extra JAX environments and the graph recorder."""

from __future__ import annotations

import functools
import os
import re
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

import networkx as nx

from plategraph.app import loading
from plategraph.graph.build import build_graph
from plategraph.tracing.records import Edge, Plate, Site, TraceRecord

ROOT = Path(__file__).resolve().parent.parent.parent
GALLERY = ROOT / "gallery"
GOLDEN = ROOT / "tests" / "golden"


# -- the gallery's models -------------------------------------------------------------------------


@functools.cache
def load_module(path: Path) -> ModuleType:
    """A gallery module, imported once per test session (``plategraph.app.loading``)."""
    return loading.load_module(path)


def gallery_ids(gallery: Path = GALLERY) -> list[str]:
    """Every ``module:function`` of the gallery with an example, in file order."""
    return [f"{path.stem}:{fn}" for path in loading.gallery_modules(gallery)
            for fn in load_module(path).examples()]


def load_example(ident: str, gallery: Path = GALLERY) -> tuple[Any, tuple, dict]:
    """The model function of ``module:function`` with its example's arguments."""
    stem, _, fn = ident.partition(":")
    module = load_module(gallery / f"{stem}.py")
    args, kwargs = module.examples()[fn]
    return getattr(module, fn), args, kwargs


# -- graphs and drawings --------------------------------------------------------------------------


def graph_of(sites: Iterable[Site], edges: Iterable[Edge] = (), plates: Iterable[Plate] = (),
             name: str = "model") -> nx.DiGraph:
    """A contract graph built by hand from records, as the tracer would hand it over."""
    return build_graph(TraceRecord(name, tuple(sites), tuple(plates), tuple(edges)))


def plate_boxes(cluster, depth: int = 0) -> list[tuple]:
    """(depth, plates of the box, sites in it) for every box of a ``plate_tree``, outermost
    first."""
    out = []
    for child in cluster.children.values():
        out.append((depth, child.plates, tuple(child.nodes)))
        out.extend(plate_boxes(child, depth + 1))
    return out


def outputs_in_fresh_processes(script: str, seeds: Iterable[int] = (1, 2),
                               path: Iterable[Path] = ()) -> list[bytes]:
    """What ``python -c script`` writes to stdout, once per PYTHONHASHSEED in ``seeds`` (for
    tests that output does not depend on set or dict order); ``tests/``, ``benchmarks/`` and
    the folders in ``path`` are importable."""
    where = os.pathsep.join(str(p) for p in (*path, ROOT / "tests", ROOT / "benchmarks"))
    return [subprocess.run([sys.executable, "-c", script], capture_output=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": str(seed),
                                "PYTHONPATH": where}).stdout
            for seed in seeds]


def node_statements(source: str) -> dict[str, str]:
    """Site name → its DOT node statement (found through the tooltip, which starts with the
    name)."""
    found = {}
    for line in source.splitlines():
        match = re.match(r'\s*n\d+ \[.*tooltip="?([^:"]+):', line)
        if match:
            found[match.group(1)] = line
    return found


# -- a small gallery folder: two real models, and every way a module can fail ---------------------

TINY_MODULES = {
    "aa_regression.py": '''"""Regression <b>&amp; friends</b>

A linear regression whose docstring holds <script>alert("x")</script> markup, shown as text.

Reference: none.
"""
import jax.numpy as jnp
import numpyro
import numpyro.distributions as dist


def model(x, y=None):
    w = numpyro.sample("w", dist.Normal(0.0, 1.0))
    with numpyro.plate("N", x.shape[0]):
        numpyro.sample("obs", dist.Normal(w * x, 1.0), obs=y)


def prior_only(x):
    numpyro.sample("w", dist.Normal(0.0, 1.0))


def examples():
    return {"model": ((jnp.arange(4.0),), {"y": jnp.zeros(4)}), "prior_only": ((1.0,), {})}
''',
    "bad_import.py": '''"""Broken at import."""
raise RuntimeError("this module cannot be imported")
''',
    "raises.py": '''"""A model that raises."""
import numpyro
import numpyro.distributions as dist


class Boom(Exception):
    pass


def model():
    numpyro.sample("a", dist.Normal(0.0, 1.0))
    raise Boom("the model failed on purpose")


def examples():
    return {"model": ((), {})}
''',
    "sleeps.py": '''"""A model that hangs."""
import time

import numpyro
import numpyro.distributions as dist


def model():
    numpyro.sample("a", dist.Normal(0.0, 1.0))
    time.sleep(600)


def examples():
    return {"model": ((), {})}
''',
    "spins.py": '''"""A model that never ends in pure Python."""
import numpyro
import numpyro.distributions as dist


def model():
    numpyro.sample("a", dist.Normal(0.0, 1.0))
    while True:
        pass


def examples():
    return {"model": ((), {})}
''',
    "no_examples.py": '''"""No examples(), and a model that needs arguments."""


def model(n):
    pass
''',
}


def make_gallery(folder: Path, names: Iterable[str]) -> Path:
    """A gallery folder with the named modules: from TINY_MODULES, or copied from gallery/."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        if name in TINY_MODULES:
            (folder / name).write_text(TINY_MODULES[name])
        else:
            (folder / name).write_bytes((GALLERY / name).read_bytes())
    return folder


def hand_layout(make_graph, names=("mu", "sigma_a", "x_j"), plate="J", **options) -> Any:
    """Three nodes and a plate, placed by hand (no graphviz): two roots feeding one observed
    site; ``options`` are the layout's (math labels and distributions unless said)."""
    from plategraph.layout.geometry import Box, Layout
    from plategraph.layout.options import DrawOptions

    a, b, c = names
    g = make_graph(
        [Site(a, "latent", distribution="Normal", dist_args=(("loc", "0"), ("scale", "-1"))),
         Site(b, "latent", distribution="HalfNormal", dist_args=(("scale", "5"),)),
         Site(c, "observed", plates=(plate,), distribution="Normal",
              dist_args=(("loc", None), ("scale", None)))],
        [Edge(a, c, "data", ("loc",)), Edge(b, c, "data", ("scale",))],
        [Plate(plate, 8, None, -1)])
    return Layout(
        graph=g, nodes={a: Box(10, 80, 34, 104), b: Box(60, 80, 84, 104),
                        c: Box(35, 20, 59, 44)},
        plates={plate: Box(20, 5, 80, 55)}, plate_labels={plate: Box(55, 7, 78, 17)},
        edges={(a, c): [(22, 80), (26, 65), (40, 55), (44, 44)],
               (b, c): [(72, 80), (68, 65), (56, 55), (52, 44)]},
        width=90, height=110,
        options=DrawOptions(**{"labels": "math", "distributions": True, **options}))
