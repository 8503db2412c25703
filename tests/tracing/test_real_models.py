"""Models of the kinds real users write: each traced to the structure written by hand.

Every case is a tiny model of that kind paired with its expected graph, in the notation of
``expected.py`` (nodes ``"name:kind@plates"`` in trace order, ``"a -> b"`` data and ``"a ~> b"``
control edges, plate sizes, gates), plus the ``params`` of the edges where they are the point.
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
import pytest
from bench_real import newton_solver  # the model the benchmark times: one copy
from expected import assert_nodes_and_edges
from jax.example_libraries import stax
from numpyro import handlers
from numpyro.infer.reparam import CircularReparam
from realworld.timeseries import sgt  # NumPyro's forecasting tutorial, as the benchmark has it

import plategraph

# -- neural-network modules: a param site read, then created -----------------------------------


def _mlp(out: int, final=stax.Identity):
    return stax.serial(stax.Dense(4), stax.Relu, stax.Dense(out), final)


def vae_model(x):
    decoder = numpyro.module("decoder", _mlp(x.shape[1], stax.Sigmoid), (x.shape[0], 2))
    with numpyro.plate("N", x.shape[0]):
        z = numpyro.sample("z", dist.Normal(0, 1).expand([2]).to_event(1))
        numpyro.sample("obs", dist.Bernoulli(decoder(z)).to_event(1), obs=x)


def vae_guide(x):
    encoder = numpyro.module("encoder", stax.serial(_mlp(4), stax.FanOut(2),
                                                    stax.parallel(stax.Identity, stax.Exp)),
                             x.shape)
    with numpyro.plate("N", x.shape[0]):
        loc, scale = encoder(x)
        numpyro.sample("z", dist.Normal(loc[..., :2], scale[..., :2]).to_event(1))


# -- imputation with .at[] on data ---------------------------------------------------------------


def imputation(x, y):
    missing = np.nonzero(np.isnan(x))[0]
    mu = numpyro.sample("mu", dist.Normal(0, 1))
    sigma = numpyro.sample("sigma", dist.HalfNormal(1))
    b = numpyro.sample("b", dist.Normal(0, 1))
    x_impute = numpyro.sample(
        "x_impute", dist.Normal(mu, sigma).expand([len(missing)]).mask(False))
    x = jnp.asarray(x).at[missing].set(x_impute)
    with numpyro.plate("N", x.shape[0]):
        numpyro.sample("x", dist.Normal(mu, sigma), obs=x)
        numpyro.sample("y", dist.Normal(b * x, 1), obs=y)


def fill_with_constant(x, y):
    x = jnp.asarray(x).at[1].set(0.0)  # no sampled value involved
    b = numpyro.sample("b", dist.Normal(0, 1))
    with numpyro.plate("N", x.shape[0]):
        numpyro.sample("y", dist.Normal(b * x, 1), obs=y)


# -- improper priors ----------------------------------------------------------------------------


def ordinal_improper(x, y):
    beta = numpyro.sample("beta", dist.Normal(0, 1))
    cutpoints = numpyro.sample("cutpoints", dist.ImproperUniform(
        dist.constraints.ordered_vector, (), event_shape=(3,)))
    with numpyro.plate("N", x.shape[0]):
        numpyro.sample("y", dist.OrderedLogistic(beta * x, cutpoints), obs=y)


@handlers.reparam(config={"phi": CircularReparam()})
def circular(y):
    phi = numpyro.sample("phi", dist.VonMises(0.0, 2.0))
    with numpyro.plate("N", y.shape[0]):
        numpyro.sample("y", dist.VonMises(phi, 5.0), obs=y)


# -- mixtures, masks and scales -----------------------------------------------------------------


def mixture_same_family(y):
    weights = numpyro.sample("weights", dist.Dirichlet(jnp.ones(2)))
    locs = numpyro.sample("locs", dist.Normal(jnp.zeros(2), 5).to_event(1))
    with numpyro.plate("N", y.shape[0]):
        numpyro.sample("y", dist.MixtureSameFamily(
            dist.Categorical(weights), dist.Normal(locs, 1.0)), obs=y)


def mixture_general(y):
    weights = numpyro.sample("weights", dist.Dirichlet(jnp.ones(2)))
    loc = numpyro.sample("loc", dist.Normal(0, 5))
    scale = numpyro.sample("scale", dist.HalfNormal(1))
    with numpyro.plate("N", y.shape[0]):
        numpyro.sample("y", dist.MixtureGeneral(
            dist.Categorical(weights), [dist.Normal(loc, 1.0), dist.StudentT(3.0, 0.0, scale)]),
            obs=y)


def latent_masks(y):
    threshold = numpyro.sample("threshold", dist.Normal(0, 1))
    keep = numpyro.sample("keep", dist.Normal(0, 1))
    weight = numpyro.sample("weight", dist.Normal(0, 1))
    with numpyro.plate("N", y.shape[0]):
        numpyro.sample("a", dist.Normal(0, 1).mask(y > threshold), obs=y)
        with handlers.mask(mask=keep > 0):
            numpyro.sample("b", dist.Normal(0, 1), obs=y)
        with handlers.scale(scale=jnp.exp(weight)):
            numpyro.sample("c", dist.Normal(0, 1), obs=y)


# -- static indexing out of range (JAX clamps) and a plate of 10⁹ ------------------------------


def out_of_range_index():
    v = numpyro.sample("v", dist.Normal(jnp.zeros(2), 1).to_event(1))
    numpyro.sample("x", dist.Normal(jnp.array([1.0, 2.0])[5], 1))  # JAX clamps to [1]
    numpyro.sample("y", dist.Normal(v[7], 1))


def big_plate(n):
    mu = numpyro.sample("mu", dist.Normal(0, 1))
    with numpyro.plate("N", n):
        numpyro.sample("x", dist.Normal(mu, 1))


_x = np.linspace(0.0, 1.0, 6)
_y = np.sin(_x)
_x_missing = np.array([0.1, np.nan, 0.5, np.nan, 0.9, 1.2])


CASES = {
    "vae_model": (vae_model, (np.ones((5, 3)),), {
        "nodes": ["decoder$params:param", "z:latent@N", "obs:observed@N"],
        # the network's weights are a parent of what it computes, as numpyro says
        "edges": ["decoder$params -> obs", "z -> obs"],
        "plates": {"N": 5},
        "params": {("decoder$params", "obs"): ("probs",), ("z", "obs"): ("probs",)},
    }),
    "vae_guide": (vae_guide, (np.ones((5, 3)),), {
        "nodes": ["encoder$params:param", "z:latent@N"],
        "edges": ["encoder$params -> z"],
        "plates": {"N": 5},
        "params": {("encoder$params", "z"): ("loc", "scale")},
    }),
    "imputation": (imputation, (_x_missing, _y), {
        "nodes": ["mu:latent", "sigma:latent", "b:latent", "x_impute:latent",
                  "x:observed@N", "y:observed@N"],
        # the imputed values flow into y's mean through .at[].set; an observed value is not a
        # distribution parameter, so x_impute is not a parent of x (docs/design.md)
        "edges": ["mu -> x_impute", "sigma -> x_impute", "mu -> x", "sigma -> x",
                  "b -> y", "x_impute -> y"],
        "plates": {"N": 6},
        "params": {("x_impute", "y"): ("loc",)},
    }),
    "fill_with_constant": (fill_with_constant, (_x, _y), {
        "nodes": ["b:latent", "y:observed@N"],
        "edges": ["b -> y"],
        "plates": {"N": 6},
    }),
    "ordinal_improper": (ordinal_improper, (_x, np.array([0, 1, 2, 3, 1, 0])), {
        "nodes": ["beta:latent", "cutpoints:latent", "y:observed@N"],
        "edges": ["beta -> y", "cutpoints -> y"],
        "plates": {"N": 6},
        "params": {("beta", "y"): ("predictor",), ("cutpoints", "y"): ("cutpoints",)},
    }),
    "circular": (circular, (np.array([0.1, 0.5, -0.3]),), {
        # CircularReparam: phi_unwrapped ~ ImproperUniform, a factor with the prior's density,
        # and phi, the value wrapped to (-π, π], as a deterministic
        "nodes": ["phi_unwrapped:latent", "phi_factor:factor", "phi:deterministic",
                  "y:observed@N"],
        "edges": ["phi_unwrapped -> phi_factor", "phi_unwrapped -> phi", "phi -> y"],
        "plates": {"N": 3},
        "params": {("phi", "y"): ("loc",)},
    }),
    "mixture_same_family": (mixture_same_family, (_y,), {
        "nodes": ["weights:latent", "locs:latent", "y:observed@N"],
        "edges": ["weights -> y", "locs -> y"],
        "plates": {"N": 6},
        "params": {("weights", "y"): ("mixing_distribution.probs",),
                   ("locs", "y"): ("component_distribution.loc",)},
    }),
    "mixture_general": (mixture_general, (_y,), {
        "nodes": ["weights:latent", "loc:latent", "scale:latent", "y:observed@N"],
        "edges": ["weights -> y", "loc -> y", "scale -> y"],
        "plates": {"N": 6},
        "params": {("weights", "y"): ("mixing_distribution.probs",),
                   ("loc", "y"): ("component_distributions[0].loc",),
                   ("scale", "y"): ("component_distributions[1].scale",)},
    }),
    "latent_masks": (latent_masks, (_y,), {
        "nodes": ["threshold:latent", "keep:latent", "weight:latent", "a:observed@N",
                  "b:observed@N", "c:observed@N"],
        # a mask decides which terms enter the log-density; a scale multiplies it
        "edges": ["threshold -> a", "keep -> b", "weight -> c"],
        "plates": {"N": 6},
        "params": {("threshold", "a"): ("mask",), ("keep", "b"): ("mask",),
                   ("weight", "c"): ("scale",)},
    }),
    "newton_solver": (newton_solver, (_y,), {
        # the solver's root depends on a and b (data); the loop's decisions decide no site
        "nodes": ["a:latent", "b:latent", "sigma:latent", "y:observed@N"],
        "edges": ["a -> y", "b -> y", "sigma -> y"],
        "plates": {"N": 6},
    }),
    "out_of_range_index": (out_of_range_index, (), {
        "nodes": ["v:latent", "x:latent", "y:latent"],
        "edges": ["v -> y"],
        "plates": {},
    }),
    "sgt": (sgt, (jnp.linspace(10.0, 30.0, 40), 10), {
        # the scan's steps are the plate; y[t] and the seasonal carry are data, not sites
        "nodes": ["nu:latent", "powx:latent", "sigma:latent", "offset_sigma:latent",
                  "coef_trend:latent", "pow_trend_beta:latent", "pow_season:latent",
                  "level_sm:latent", "s_sm:latent", "init_s:latent", "y:observed@time"],
        "edges": ["nu -> y", "powx -> y", "sigma -> y", "offset_sigma -> y", "coef_trend -> y",
                  "pow_trend_beta -> y", "pow_season -> y", "level_sm -> y", "s_sm -> y",
                  "init_s -> y"],
        "plates": {"time": 39},
        "params": {("nu", "y"): ("df",), ("sigma", "y"): ("scale",),
                   ("init_s", "y"): ("loc", "scale")},
    }),
    "big_plate": (big_plate, (10**9,), {
        "nodes": ["mu:latent", "x:latent@N"],
        "edges": ["mu -> x"],
        "plates": {"N": 10**9},
    }),
}


@pytest.mark.parametrize("ident", list(CASES))
def test_graph_matches_the_structure_written_by_hand(ident):
    model, args, expected = CASES[ident]
    g = plategraph.model_graph(model, *args)

    assert_nodes_and_edges(g, expected)
    for (a, b), params in expected.get("params", {}).items():
        assert g.edges[a, b]["params"] == params, (a, b)
    assert {name: rec["size"] for name, rec in g.graph["plates"].items()} == expected["plates"]
    assert g.graph["name"] == ident


def test_a_module_param_is_one_site_of_no_shape_read_again_without_error():
    g = plategraph.model_graph(vae_model, np.ones((5, 3)))
    assert g.nodes["decoder$params"]["shape"] == ()  # a pytree of weights, not an array

    def reads_twice():
        w = numpyro.param("w", jnp.ones(2))
        again = numpyro.param("w")  # numpyro allows reading a param site again
        numpyro.sample("y", dist.Normal(w.sum() if again is None else again.sum(), 1))

    g = plategraph.model_graph(reads_twice)
    assert list(g.nodes) == ["w", "y"] and g.nodes["w"]["shape"] == (2,)
    assert list(g.edges) == [("w", "y")]


def test_data_is_a_jax_array_in_the_model():
    seen = []

    def model(x):
        seen.append(jnp.asarray(x))
        numpyro.sample("y", dist.Normal(jnp.asarray(x).at[0].set(2.0).sum(), 1))

    plategraph.model_graph(model, np.ones(3))
    # (a model argument carries its name as provenance: a tracer, which is a jax.Array too)
    assert seen and all(isinstance(v, jax.Array) for v in seen)


def test_out_of_range_static_index_clamps_as_jax_does():
    g = plategraph.model_graph(out_of_range_index)
    assert g.nodes["x"]["dist_args"][0] == ("loc", "2")


def test_an_improper_prior_gets_a_value_within_its_support():
    def model():
        c = numpyro.sample("c", dist.ImproperUniform(
            dist.constraints.ordered_vector, (), event_shape=(4,)))
        if not bool(jnp.all(jnp.diff(c) > 0)):  # a Python decision: c is varied in re-runs too
            raise ValueError(f"cut-points out of order: {c}")
        numpyro.sample("y", dist.OrderedLogistic(0.0, c), obs=1)

    g = plategraph.model_graph(model)
    assert list(g.edges(data="params")) == [("c", "y", ("cutpoints",))]


def test_a_model_under_handler_decorators_and_partials_keeps_its_own_name():
    assert plategraph.model_graph(circular, np.zeros(2)).graph["name"] == "circular"
    wrapped = functools.partial(handlers.scale(handlers.condition(
        big_plate, data={"mu": 0.5}), scale=2.0), 3)
    assert plategraph.model_graph(wrapped).graph["name"] == "big_plate"


def test_a_str_for_a_number_reports_numpyros_own_error():
    def model():
        numpyro.sample("x", dist.Normal("a", 1))

    with pytest.raises(plategraph.ModelError) as info:
        plategraph.model_graph(model)
    err = info.value
    assert err.model == "model" and err.site == "x"
    assert "model 'model' raised TypeError at site 'x'" in str(err)
    assert isinstance(err.__cause__, TypeError) and "format code" not in str(err)


@pytest.mark.parametrize("size", [10**9, 4 * 10**9])
def test_a_huge_plate_keeps_its_indices_abstract(size):
    seen = []

    def model():
        mu = numpyro.sample("mu", dist.Normal(0, 1))
        with numpyro.plate("N", size) as idx:
            seen.append(isinstance(idx, jax.Array) and not isinstance(idx, jax.core.Tracer))
            numpyro.sample("x", dist.Normal(mu, 1))

    g = plategraph.model_graph(model)
    assert seen == [False]  # never materialised (4·10⁹ int32 indices would be 16 GB)
    assert g.nodes["x"]["shape"] == (size,) and g.graph["plates"]["N"]["size"] == size


def test_a_while_loop_on_two_sites_is_varied_jointly(monkeypatch):
    from plategraph.tracing import trace

    calls = []
    run = trace.run_model
    monkeypatch.setattr(trace, "run_model",
                        lambda *a, **k: calls.append(k.get("held")) or run(*a, **k))
    plategraph.model_graph(newton_solver, _y)
    # one base run (abstract, then concrete: the loop looks at a and b), then N_DRAWS runs
    # with a and b drawn anew together, not N_DRAWS for each
    variants = [held for held in calls if held]
    assert len(variants) == trace.N_DRAWS
    assert all({"a", "b"} <= set(held) for held in variants)


def test_sites_decided_on_together_are_varied_alone_when_that_shows_something():
    def model():
        a = numpyro.sample("a", dist.Normal(0, 0.01))
        b = numpyro.sample("b", dist.Normal(0, 1))
        if a + b > 10.0:  # never true for the draws: no structure to find
            numpyro.sample("rare", dist.Normal(0, 1))
        scale = 1.0 if a - b > 0 else 2.0  # a Python decision on a and b together
        numpyro.sample("y", dist.Normal(a, scale))

    g = plategraph.model_graph(model)
    # b decides y's scale only through Python: a control edge, which a joint run cannot
    # attribute, so a and b were varied one by one
    assert {(p, c, d["kind"]) for p, c, d in g.edges(data=True)} == {
        ("a", "y", "data"), ("b", "y", "control")}
