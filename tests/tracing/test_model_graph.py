"""Every gallery model traces to the structure written out by hand in tests/expected.py."""

from __future__ import annotations

import re

import pytest
import realworld  # benchmarks/realworld, the first-call benchmark's models
from expected import EXPECTED, assert_nodes_and_edges
from support import GALLERY, gallery_ids, load_example, load_module

import plategraph

IDS = gallery_ids()


def test_every_gallery_model_has_an_expectation_and_there_are_enough():
    assert sorted(IDS) == sorted(EXPECTED)
    assert len(IDS) >= 30


@pytest.mark.parametrize("ident", IDS)
def test_graph_matches_the_structure_written_by_hand(ident):
    model, args, kwargs = load_example(ident)
    expected = EXPECTED[ident]
    g = plategraph.model_graph(model, *args, **kwargs)

    assert_nodes_and_edges(g, expected)
    sizes = {name: rec["size"] if rec["subsample_size"] is None
             else (rec["size"], rec["subsample_size"])
             for name, rec in g.graph["plates"].items()}
    assert sizes == expected["plates"]
    assert g.graph["name"] == ident.split(":")[1]
    for name in g.nodes:
        assert re.fullmatch(r".+\.py:\d+", g.nodes[name]["source"]), name


@pytest.mark.parametrize("path", sorted(GALLERY.glob("*.py")), ids=lambda p: p.stem)
def test_gallery_modules_follow_the_convention(path):
    module = load_module(path)
    lines = (module.__doc__ or "").strip().splitlines()
    assert lines and lines[0].strip(), "a title on the docstring's first line"
    assert any(line.startswith("Reference:") for line in lines), "a Reference: line"
    examples = module.examples()
    assert examples
    for name, (args, kwargs) in examples.items():
        assert callable(getattr(module, name)) and isinstance(args, tuple)
        assert isinstance(kwargs, dict)


@pytest.mark.parametrize("ident", IDS)
def test_contract_invariants(ident):
    model, args, kwargs = load_example(ident)
    g = plategraph.model_graph(model, *args, **kwargs)
    order = {n: i for i, n in enumerate(g.nodes)}
    for a, b, data in g.edges(data=True):
        if a == b:  # only state carried through a scan loops back
            assert any(p.startswith("time") for p in g.nodes[a]["plates"]), (a, b)
        else:
            assert order[a] < order[b], (a, b)
        assert data["kind"] in ("data", "control")
        assert bool(data["params"]) == (data["kind"] == "data")
    for name, data in g.nodes(data=True):
        assert set(data["plates"]) <= set(g.graph["plates"]), name
        if data["kind"] == "param":
            assert data["plates"] == ()
        assert data["kind"] in ("latent", "observed", "deterministic", "param", "factor")
        assert (data["distribution"] is None) == (data["kind"] in (
            "deterministic", "param", "factor"))


# Models whose first run must be concrete: Python decisions on sampled values.
CONCRETE_FIRST = {"changepoint:with_if", "random_count:model", "seed_conditional:model",
                  "bayesian_cart:model"}


def assert_abstract_first_run_gives_the_concrete_graph(model, args, kwargs, *, abstract,
                                                       monkeypatch):
    from plategraph.tracing import trace

    first_runs = []
    fast_first = trace.first_run

    def spy(*a, **k):
        first_runs.append(fast_first(*a, **k))
        return first_runs[-1]

    monkeypatch.setattr(trace, "first_run", spy)
    fast = plategraph.model_graph(model, *args, **kwargs)
    assert first_runs[0].abstract is abstract

    monkeypatch.setattr(trace, "first_run", lambda m, a, k, *, seed: trace.run_model(
        m, a, k, seed=seed, held={}))
    slow = plategraph.model_graph(model, *args, **kwargs)
    assert list(fast.nodes(data=True)) == list(slow.nodes(data=True))
    assert list(fast.edges(data=True)) == list(slow.edges(data=True))
    assert fast.graph == slow.graph


@pytest.mark.slow
@pytest.mark.parametrize("ident", IDS)
def test_the_abstract_first_run_gives_the_graph_of_a_concrete_run(ident, monkeypatch):
    model, args, kwargs = load_example(ident)
    assert_abstract_first_run_gives_the_concrete_graph(
        model, args, kwargs, abstract=ident not in CONCRETE_FIRST, monkeypatch=monkeypatch)


# The real-world collection of the first-call benchmark (benchmarks/realworld/): NN modules,
# imputation with `.at[]`, improper priors and the rest all trace abstractly on the first call.
REALWORLD = realworld.idents()


def test_the_realworld_collection_is_big_enough():
    assert len(realworld.idents()) >= 40


@pytest.mark.slow
@pytest.mark.parametrize("ident", REALWORLD)
def test_realworld_models_trace_abstractly_to_the_graph_of_a_concrete_run(ident, monkeypatch):
    model, args, kwargs = realworld.load(ident)
    assert_abstract_first_run_gives_the_concrete_graph(model, args, kwargs, abstract=True,
                                                       monkeypatch=monkeypatch)
