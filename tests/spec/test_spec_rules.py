"""Expressions across the ways a model's Python can run (a decision on a sampled value), and the
rules for cumulative sums, tiling, NumPy's basic indexing and constant ranges: each checked
against the parameter the model computes."""

from __future__ import annotations

import re

import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
import pytest
import sympy
from numpyro import handlers
from support import load_example

import plategraph
from plategraph.spec.build import evaluate


def _param(fn, name):
    while not hasattr(fn, name) and hasattr(fn, "base_dist"):
        fn = fn.base_dist
    return np.asarray(getattr(fn, name))


@pytest.mark.parametrize("ident, decider, support", [
    ("seed_conditional:model", "z", [0, 1]),
    ("changepoint:with_if", "switch", list(range(6))),
    ("random_count:model", "n_bumps", [0, 1, 2]),
])
def test_a_decision_on_a_sampled_value_is_written_out_at_every_value(ident, decider, support):
    model, args, kwargs = load_example(ident)
    spec = plategraph.model_spec(plategraph.model_graph(model, *args, **kwargs))
    checked = set()
    for value in support:
        held = handlers.substitute(model, data={decider: jnp.asarray(value)})
        tr = handlers.trace(handlers.seed(held, value + 7)).get_trace(*args, **kwargs)
        values = {n: np.asarray(s["value"]) for n, s in tr.items() if s["type"] == "sample"}
        for name, site in tr.items():
            if site["type"] != "sample":
                continue
            for param, expr in spec[name].params.items():
                assert expr is not None, (name, param)
                want = float(_param(site["fn"], param).reshape(-1)[0])
                assert evaluate(expr, values, {}) == pytest.approx(want, rel=1e-6), \
                    (value, name, param, expr)
                checked.add((name, param))
    assert len(checked) == sum(len(s.params) for s in spec.values())


def test_a_python_if_reads_as_the_case_split_it_makes():
    model, args, kwargs = load_example("seed_conditional:model")
    spec = plategraph.model_spec(plategraph.model_graph(model, *args, **kwargs))
    z, mu, sigma = sympy.symbols("z mu sigma")
    assert spec["obs"].params == {"loc": sympy.Piecewise((mu, sympy.Eq(z, 1)), (0, True)),
                                  "scale": sympy.Piecewise((sigma, sympy.Eq(z, 1)), (1, True))}
    assert spec["mu"].params == {"loc": 0, "scale": 1}  # made in the branch z = 1 only
    assert "obs ~ Normal(μ if z = 1 else 0, σ if z = 1 else 1)  (observed)" in spec.to_text()
    model, args, kwargs = load_example("changepoint:with_if")
    text = plategraph.model_spec(plategraph.model_graph(model, *args, **kwargs)).to_text()
    assert "count_0 ~ Poisson(late_rate if switch = 0 else early_rate)" in text
    assert "count_2 ~ Poisson(late_rate if switch <= 2 else early_rate)" in text
    assert "count_5 ~ Poisson(late_rate)" in text  # no value of switch passes the last year


def test_a_decision_not_every_value_of_which_was_run_stays_none():
    def continuous(x):  # a continuous decider: three draws show three values, not all
        s = numpyro.sample("s", dist.Normal(0.0, 1.0))
        loc = s if s > 0 else -s
        numpyro.sample("y", dist.Normal(loc, 1.0), obs=x)

    def two(x):  # two deciders: each varied alone, their combinations not all run
        a = numpyro.sample("a", dist.Bernoulli(0.5))
        b = numpyro.sample("b", dist.Bernoulli(0.5))
        numpyro.sample("y", dist.Normal(5.0 if a and b else 0.0, 1.0), obs=x)

    for model in (continuous, two):
        spec = plategraph.model_spec(plategraph.model_graph(model, np.float32(1.0)))
        assert spec["y"].params["loc"] is None, model.__name__
        assert spec["y"].params["scale"] is None, model.__name__


def _exact(model, args, site, param, at):
    g = plategraph.model_graph(model, *args)
    expr = plategraph.model_spec(g)[site].params[param]
    assert expr is not None
    tr = handlers.trace(handlers.seed(model, 3)).get_trace(*args)
    values = {n: np.asarray(s["value"]) for n, s in tr.items() if s["type"] == "sample"}
    values.update({name: np.asarray(a) for name, a in zip(("x",), args)})
    want = np.broadcast_to(_param(tr[site]["fn"], param), tr[site]["fn"].batch_shape)
    for k in at:
        index = {sympy.Symbol(p, integer=True): k for p in g.nodes[site]["plates"]}
        assert evaluate(expr, values, index) == pytest.approx(float(want[k]), rel=1e-5)
    return expr


def test_a_cumulative_sum_is_a_sum_up_to_the_index():
    def walk(x):
        with numpyro.plate("T", x.shape[0]):
            step = numpyro.sample("step", dist.Normal(0.0, 1.0))
            numpyro.sample("y", dist.Normal(jnp.cumsum(step), 1.0), obs=x)

    expr = _exact(walk, (np.zeros(5, np.float32),), "y", "loc", range(5))
    assert isinstance(expr, sympy.Sum)
    spec = plategraph.model_spec(plategraph.model_graph(walk, np.zeros(5, np.float32)))
    # indices read 1…n: the sum runs from the first step to step t itself
    assert re.search(r"y\[t\] ~ Normal\(Σ_\{(\w)=1\.\.t\} step\[\1\], 1\)", spec.to_text())


def test_tiling_and_basic_indexing_read_the_element_they_copy():
    def tiled(x):
        with numpyro.plate("K", 2):
            b = numpyro.sample("b", dist.Normal(0.0, 1.0))
        with numpyro.plate("N", 6):
            numpyro.sample("y", dist.Normal(jnp.tile(b, 3) + x[:, None][:, 0], 1.0))

    expr = _exact(tiled, (np.arange(6, dtype=np.float32),), "y", "loc", range(6))
    n = sympy.Idx(sympy.Symbol("N", integer=True), 6)
    assert expr == sympy.IndexedBase("b")[sympy.Mod(n, 2)] + sympy.IndexedBase("x")[n]


def test_a_constant_range_read_at_a_plate_index_is_the_index():
    def ramp(x):
        a = numpyro.sample("a", dist.Normal(0.0, 1.0))
        with numpyro.plate("N", 4):
            numpyro.sample("y", dist.Normal(a * (2 * np.arange(4.0) + 1), 1.0))

    expr = _exact(ramp, (np.zeros(4, np.float32),), "y", "loc", range(4))
    n = sympy.Idx(sympy.Symbol("N", integer=True), 4)
    assert sympy.simplify(expr - sympy.Symbol("a") * (2 * n + 1)) == 0
    spec = plategraph.model_spec(plategraph.model_graph(ramp, np.zeros(4, np.float32)))
    assert "a*(2*n - 1)" in spec.to_text()  # n written 1…4: the model's 2·(n−1) + 1

    def table(x):  # not a range: no formula in the index, so None
        a = numpyro.sample("a", dist.Normal(0.0, 1.0))
        with numpyro.plate("N", 4):
            numpyro.sample("y", dist.Normal(a * np.array([3.0, 1.0, 4.0, 1.0]), 1.0))

    spec = plategraph.model_spec(plategraph.model_graph(table, np.zeros(4, np.float32)))
    assert spec["y"].params["loc"] is None
