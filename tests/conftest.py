"""Shared pytest options and fixtures: `--update-golden`, golden files, hand-made graphs."""

from __future__ import annotations

from collections.abc import Callable

import networkx as nx
import pytest
from support import GOLDEN, graph_of
from support.jax_envs import GraphRecorder


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
    """The graphs this session's tests traced (see tests/support/jax_envs.py)."""
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


@pytest.fixture(scope="session")
def make_graph() -> Callable[..., nx.DiGraph]:
    """``make_graph(sites, edges=(), plates=(), name="model")`` → a contract graph."""
    return graph_of


