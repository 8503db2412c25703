"""Shared pytest options and fixtures: `--update-golden`, golden files, hand-made graphs."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import networkx as nx
import pytest
from _jax_envs import GraphRecorder

from plategraph.graph import build_graph
from plategraph.records import Edge, Plate, Site, TraceRecord

# the benchmarks' model collections (benchmarks/realworld, bench_real) are tested models too
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

GOLDEN = Path(__file__).parent / "golden"


def plate_boxes(cluster, depth: int = 0) -> list[tuple]:
    """(depth, plates of the box, sites in it) for every box of a ``plate_tree``, outermost
    first."""
    out = []
    for child in cluster.children.values():
        out.append((depth, child.plates, tuple(child.nodes)))
        out.extend(plate_boxes(child, depth + 1))
    return out


def outputs_in_fresh_processes(script: str, seeds: Iterable[int] = (1, 2)) -> list[bytes]:
    """What ``python -c script`` writes to stdout, once per PYTHONHASHSEED in ``seeds`` (for
    tests that output does not depend on set or dict order)."""
    return [subprocess.run([sys.executable, "-c", script], capture_output=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout
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


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite tests/golden/*.dot from the current output")
    parser.addoption("--record-graphs", metavar="FILE", default=None,
                     help="write the graphs the tests of ci/jax-tests.txt trace to FILE (JSON)")


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(GraphRecorder(config.getoption("--record-graphs")),
                                  "plategraph-graph-recorder")


@pytest.fixture(scope="session")
def graph_recorder(request: pytest.FixtureRequest) -> GraphRecorder:
    """The graphs this session's tests traced (see tests/_jax_envs.py)."""
    return request.config.pluginmanager.get_plugin("plategraph-graph-recorder")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def assert_golden(update_golden: bool) -> Callable[[str, str], None]:
    """``assert_golden("drawing/kinds.dot", text)``: text equals the golden file (rewritten with
    ``--update-golden``); on a mismatch the new text is written beside it as ``.actual``."""

    def check(relative: str, text: str) -> None:
        golden = GOLDEN / relative
        actual = golden.with_suffix(".actual")
        if update_golden:
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_text(text)
        assert golden.exists(), f"no golden file {relative}: run pytest --update-golden"
        if text != golden.read_text():
            actual.write_text(text)
            pytest.fail(f"output differs from {relative}; new text in {actual.name}")
        actual.unlink(missing_ok=True)

    return check


def graph_of(sites: Iterable[Site], edges: Iterable[Edge] = (), plates: Iterable[Plate] = (),
             name: str = "model") -> nx.DiGraph:
    """A contract graph built by hand from records, as the tracer would hand it over."""
    return build_graph(TraceRecord(name, tuple(sites), tuple(plates), tuple(edges)))


@pytest.fixture(scope="session")
def make_graph() -> Callable[..., nx.DiGraph]:
    """``make_graph(sites, edges=(), plates=(), name="model")`` → a contract graph."""
    return graph_of


# -- a small gallery folder: two real models, and every way a module can fail ---------------------

GALLERY_DIR = Path(__file__).resolve().parent.parent / "gallery"
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
    "no_examples.py": '''"""No examples()."""


def model():
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
            (folder / name).write_bytes((GALLERY_DIR / name).read_bytes())
    return folder
