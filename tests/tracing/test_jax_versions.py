"""Every supported JAX gives the same graphs: each extra JAX environment's run of the tracing,
graph and drawing tests records the graph of every model they trace (every gallery model and
every model of those tests), and this session's run of the same tests must have traced the
very same graphs (nodes, attributes, edges, plates; in the same order).

``make test`` runs the extra environments first, so their recordings are fresh here; otherwise
(a changed file, or no recording) the environment's interpreter records them now.
"""

from __future__ import annotations

import difflib
import json
import sys
from pathlib import Path

import jax
import pytest
import tomllib
from support import gallery_ids
from support.jax_envs import GRAPHS_DIR, ROOT, extra_envs, record_in, recording_of

from plategraph.tracing import _jax

ENVS = extra_envs()


def test_each_supported_jax_minor_release_has_its_test_environment():
    (major, low), (_, high) = _jax.SUPPORTED_JAX
    supported = [f"{major}.{minor}" for minor in range(low, high)]
    # the default environment has the oldest, each extra environment one of the others
    assert [".".join(jax.__version__.split(".")[:2]), *(env.minor for env in ENVS)] == supported
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    pins = f">={major}.{low},<{major}.{high}"
    assert {f"jax{pins}", f"jaxlib{pins}"} <= set(pyproject["project"]["dependencies"])


@pytest.mark.slow
@pytest.mark.parametrize("env", ENVS, ids=lambda env: f"jax-{env.minor}")
def test_every_model_gives_the_same_graph_as_on_the_default_jax(env, graph_recorder):
    theirs = recording_of(env)
    assert theirs["jax"].startswith(env.minor + "."), theirs["jax"]
    if set(theirs["ran"]) <= graph_recorder.ran:
        ours = graph_recorder.graphs
    else:  # this session ran only some of the tests: record them all here too
        ours = record_in(Path(sys.executable), GRAPHS_DIR / "default.json")["graphs"]
    ours = {key: text for key, text in ours.items()
            if key.rsplit(" #", 1)[0] in set(theirs["ran"])}

    by_hand = "tests/tracing/test_model_graph.py::test_graph_matches_the_structure_written_by_hand"
    for ident in gallery_ids():  # every gallery model is among them
        assert f"{by_hand}[{ident}] #0" in theirs["graphs"], ident
    assert sorted(theirs["graphs"]) == sorted(ours), "the tests traced other models"
    for key, text in ours.items():
        if theirs["graphs"][key] != text:
            diff = difflib.unified_diff(
                json.dumps(json.loads(text), indent=1).splitlines(),
                json.dumps(json.loads(theirs["graphs"][key]), indent=1).splitlines(),
                f"JAX {jax.__version__}", f"JAX {theirs['jax']}", lineterm="", n=2)
            pytest.fail(f"{key}: the graph differs on JAX {theirs['jax']}:\n" + "\n".join(diff))
