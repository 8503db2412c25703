"""The names the package's docstring examples use, so that every ``>>>`` example runs as a
doctest (``pytest`` collects ``plategraph/`` with ``--doctest-modules``). Each example runs in
a fresh temporary folder holding a one-model ``gallery/``."""

from __future__ import annotations

import shutil
from pathlib import Path

import jax.numpy as jnp
import numpyro
import numpyro.distributions as dist
import pytest
from _pytest.doctest import DoctestItem

import plategraph
from plategraph.app.loading import load_module

ROOT = Path(__file__).resolve().parent
# running the package's entry point would start the command line
collect_ignore = ["plategraph/__main__.py"]


def model(x, y=None):
    w = numpyro.sample("w", dist.Normal(0.0, 1.0))
    with numpyro.plate("N", x.shape[0]):
        numpyro.sample("obs", dist.Normal(w * x, 1.0), obs=y)


def python_loop(n):
    mu = numpyro.sample("mu", dist.Normal(0.0, 1.0))
    for i in range(n):
        numpyro.sample(f"obs_{i}", dist.Normal(mu, 1.0), obs=0.0)


@pytest.fixture(autouse=True)
def doctest_examples(request: pytest.FixtureRequest) -> None:
    if not isinstance(request.node, DoctestItem):
        return
    namespace = request.getfixturevalue("doctest_namespace")
    eight_schools = load_module(ROOT / "gallery" / "eight_schools.py").centered
    J, sigma = 8, jnp.array([15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0])
    y = jnp.array([28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0])
    namespace.update(plategraph=plategraph, Path=Path, model_graph=plategraph.model_graph,
                     draw=plategraph.draw, eight_schools=eight_schools, model=model,
                     python_loop=python_loop, J=J, sigma=sigma, y=y, x=jnp.arange(8.0),
                     g=plategraph.model_graph(eight_schools, J, sigma, y=y))
    folder = request.getfixturevalue("tmp_path")
    (folder / "gallery").mkdir()
    shutil.copy(ROOT / "gallery" / "coin_flips.py", folder / "gallery")
    request.getfixturevalue("monkeypatch").chdir(folder)
