"""The tracer's own behaviour: provenance through JAX, Python control flow, errors."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpyro
import numpyro.distributions as dist
import pytest
from numpyro.contrib.control_flow import scan

import plategraph
from plategraph.tracing import _jax


def edges(g):
    return {(a, b, d["kind"]) for a, b, d in g.edges(data=True)}


# -- data flow through JAX ---------------------------------------------------------------------


def test_lax_cond_each_output_depends_on_its_own_branch_inputs_and_the_predicate():
    def model():
        z = numpyro.sample("z", dist.Normal())
        a = numpyro.sample("a", dist.Normal())
        b = numpyro.sample("b", dist.Normal())
        u, v = jax.lax.cond(z > 0, lambda a, b: (a, 0.0), lambda a, b: (0.0, b * 2), a, b)
        numpyro.sample("x", dist.Normal(u, 1))
        numpyro.sample("y", dist.Normal(v, 1))

    g = plategraph.model_graph(model)
    assert edges(g) == {("z", "x", "data"), ("a", "x", "data"),
                        ("z", "y", "data"), ("b", "y", "data")}


@pytest.mark.parametrize("z_value", [1.0, -1.0])
def test_lax_cond_counts_the_branch_that_did_not_run(z_value):
    def model():
        z = numpyro.sample("z", dist.Normal(z_value, 1e-6))
        a = numpyro.sample("a", dist.Normal())
        b = numpyro.sample("b", dist.Normal())
        c = jax.lax.cond(z > 0, lambda p, q: p, lambda p, q: q, a, b)
        numpyro.sample("x", dist.Normal(c, 1))

    assert edges(plategraph.model_graph(model)) == {
        ("z", "x", "data"), ("a", "x", "data"), ("b", "x", "data")}


def test_while_loop_predicate_reaches_every_carry_and_carries_stay_separate():
    def model():
        n = numpyro.sample("n", dist.Normal(3.0, 0.1))
        a = numpyro.sample("a", dist.Normal())
        b = numpyro.sample("b", dist.Normal())

        def body(state):
            i, x, y = state
            return i + 1, x * 2, y + b

        _, x, y = jax.lax.while_loop(lambda s: s[0] < n, body, (0.0, a, 1.0))
        numpyro.sample("x", dist.Normal(x, 1))
        numpyro.sample("y", dist.Normal(y, 1))

    assert edges(plategraph.model_graph(model)) == {
        ("n", "x", "data"), ("a", "x", "data"),
        ("n", "y", "data"), ("b", "y", "data")}


def test_lax_scan_carries_are_tracked_separately_to_a_fixpoint():
    def model():
        a = numpyro.sample("a", dist.Normal())
        b = numpyro.sample("b", dist.Normal())
        c = numpyro.sample("c", dist.Normal())

        def step(carry, _):
            p, q, r = carry
            return (p + 1.0, q * p, r * 0.5 + c), None  # q picks up p's inputs after one step

        (p, q, r), _ = jax.lax.scan(step, (a, b, 0.0), None, length=5)
        numpyro.sample("p", dist.Normal(p, 1))
        numpyro.sample("q", dist.Normal(q, 1))
        numpyro.sample("r", dist.Normal(r, 1))

    assert edges(plategraph.model_graph(model)) == {
        ("a", "p", "data"), ("a", "q", "data"), ("b", "q", "data"), ("c", "r", "data")}


def test_jitted_helper_returning_two_values_keeps_them_apart():
    @jax.jit
    def helper(a, b):
        return a * 2.0, jnp.exp(b)

    def model():
        a = numpyro.sample("a", dist.Normal())
        b = numpyro.sample("b", dist.Normal())
        u, v = helper(a, b)
        numpyro.sample("x", dist.Normal(u, 1))
        numpyro.sample("y", dist.Normal(v, 1))

    assert edges(plategraph.model_graph(model)) == {("a", "x", "data"), ("b", "y", "data")}


def test_custom_jvp_vmap_and_indexing_carry_provenance():
    def model(groups):
        a = numpyro.sample("a", dist.Normal(jnp.zeros(3), 1).to_event(1))
        s = numpyro.sample("s", dist.Normal())
        loc = jax.vmap(lambda v: v + 1.0)(a)[groups]
        with numpyro.plate("N", groups.shape[0]):
            numpyro.sample("y", dist.Normal(loc, jax.nn.softplus(s)), obs=jnp.zeros(4))

    g = plategraph.model_graph(model, jnp.array([0, 1, 2, 0]))
    assert edges(g) == {("a", "y", "data"), ("s", "y", "data")}
    assert g.edges["a", "y"]["params"] == ("loc",)
    assert g.edges["s", "y"]["params"] == ("scale",)


def test_flow_stops_at_deterministic_and_observed_sites():
    def model(y):
        mu = numpyro.sample("mu", dist.Normal())
        theta = numpyro.deterministic("theta", mu * 2)
        obs = numpyro.sample("obs", dist.Normal(theta, 1), obs=y)
        numpyro.sample("next", dist.Normal(obs + theta, 1))

    g = plategraph.model_graph(model, jnp.array(0.5))
    assert edges(g) == {("mu", "theta", "data"), ("theta", "obs", "data"),
                        ("obs", "next", "data"), ("theta", "next", "data")}
    assert g.edges["mu", "theta"]["params"] == ("value",)


def test_scan_has_self_edge_for_carried_state_and_no_invented_edges():
    def model(y):
        def transition(x_prev, y_t):
            x = numpyro.sample("x", dist.Normal(x_prev, 1))
            numpyro.sample("y", dist.Normal(x, 1), obs=y_t)
            return x, None

        x0 = numpyro.sample("x_0", dist.Normal(0, 1))
        scan(transition, x0, y)

    g = plategraph.model_graph(model, jnp.zeros(7))
    assert edges(g) == {("x_0", "x", "data"), ("x", "x", "data"), ("x", "y", "data")}
    assert g.nodes["x"]["plates"] == ("time",) and g.nodes["y"]["plates"] == ("time",)
    assert g.graph["plates"]["time"] == {"size": 7, "subsample_size": None, "dim": None}
    assert g.nodes["x"]["source"].startswith("test_tracing.py:")


def test_second_scan_gets_its_own_time_plate():
    def model():
        scan(lambda c, _: (numpyro.sample("a", dist.Normal(c, 1)), None), 0.0, None, length=3)
        scan(lambda c, _: (numpyro.sample("b", dist.Normal(c, 1)), None), 0.0, None, length=4)

    g = plategraph.model_graph(model)
    assert g.nodes["a"]["plates"] == ("time",) and g.nodes["b"]["plates"] == ("time_1",)
    assert g.graph["plates"]["time_1"]["size"] == 4


# -- Python control flow -----------------------------------------------------------------------


def spike_and_slab(y=None):
    z = numpyro.sample("z", dist.Bernoulli(0.5))
    if z:
        mu = numpyro.sample("mu", dist.Normal(0, 1))
        sigma = numpyro.sample("sigma", dist.HalfCauchy(5.0))
    else:
        mu, sigma = 0.0, 1.0
    numpyro.sample("obs", dist.Normal(mu, sigma), obs=y)


@pytest.mark.parametrize("seed_z", [0.0, 1.0])
def test_spike_and_slab_exactly_as_design_section_3(seed_z):
    # whichever value z takes in the first run, both branches show
    def model(y=None):
        z = numpyro.sample("z", dist.Bernoulli(seed_z))
        if z:
            mu = numpyro.sample("mu", dist.Normal(0, 1))
            sigma = numpyro.sample("sigma", dist.HalfCauchy(5.0))
        else:
            mu, sigma = 0.0, 1.0
        numpyro.sample("obs", dist.Normal(mu, sigma), obs=y)

    g = plategraph.model_graph(model, jnp.array(2.0))
    assert list(g.nodes) == ["z", "mu", "sigma", "obs"]
    assert edges(g) == {("mu", "obs", "data"), ("sigma", "obs", "data"), ("z", "obs", "control")}
    assert g.nodes["mu"]["gated_by"] == ("z",) and g.nodes["sigma"]["gated_by"] == ("z",)
    assert g.nodes["obs"]["gated_by"] == () and g.nodes["z"]["gated_by"] == ()
    assert g.edges["z", "obs"]["params"] == ()


def test_control_through_a_deterministic_goes_to_the_deterministic():
    def model():
        z = numpyro.sample("z", dist.Bernoulli(0.5))
        m = numpyro.deterministic("m", 1.0 if z else 2.0)
        numpyro.sample("y", dist.Normal(m, 1))

    assert edges(plategraph.model_graph(model)) == {("z", "m", "control"), ("m", "y", "data")}


def test_range_over_a_sampled_integer_gates_the_loop_sites():
    def model():
        n = numpyro.sample("n", dist.Categorical(jnp.ones(3) / 3))
        total = 0.0
        for i in range(int(n) + 1):
            total = total + numpyro.sample(f"x_{i}", dist.Normal())
        numpyro.sample("total", dist.Normal(total, 1))

    g = plategraph.model_graph(model)
    assert list(g.nodes) == ["n", "x_0", "x_1", "x_2", "total"]
    assert g.nodes["x_0"]["gated_by"] == ()
    assert g.nodes["x_1"]["gated_by"] == ("n",) and g.nodes["x_2"]["gated_by"] == ("n",)
    assert ("n", "total", "control") in edges(g)
    assert not any(a == "n" and b.startswith("x_") for a, b, _ in edges(g))


def test_item_and_python_comparison_on_continuous_values_are_decided_by_draws():
    def model():
        u = numpyro.sample("u", dist.Normal())
        scale = 1.0 if u.item() > 0 else 3.0
        numpyro.sample("y", dist.Normal(0.0, scale))

    assert edges(plategraph.model_graph(model)) == {("u", "y", "control")}


def test_python_branch_on_data_is_not_a_control_edge():
    def model(flag):
        a = numpyro.sample("a", dist.Normal())
        numpyro.sample("y", dist.Normal(a if flag else 0.0, 1))

    assert edges(plategraph.model_graph(model, True)) == {("a", "y", "data")}


# -- records -----------------------------------------------------------------------------------


def test_node_attributes_follow_the_contract():
    def model(x, y):
        w = numpyro.param("w", jnp.ones(2))
        b = numpyro.sample("b", dist.Normal(0, 1).expand([2]).to_event(1))
        with numpyro.plate("N", 50, subsample_size=10) as idx:
            numpyro.sample("y", dist.Poisson(jnp.exp(x[idx] @ (w + b))).mask(True), obs=y[idx])
        numpyro.factor("penalty", -(b**2).sum())

    g = plategraph.model_graph(model, jnp.ones((50, 2)), jnp.ones(50))
    assert g.graph["name"] == "model"
    assert g.graph["plates"] == {"N": {"size": 50, "subsample_size": 10, "dim": -1}}
    w, b, y, pen = (g.nodes[n] for n in ("w", "b", "y", "penalty"))
    assert (w["kind"], w["plates"], w["distribution"], w["shape"]) == ("param", (), None, (2,))
    assert (b["distribution"], b["shape"], b["event_shape"]) == ("Normal", (2,), (2,))
    assert (y["kind"], y["plates"], y["distribution"], y["discrete"]) == (
        "observed", ("N",), "Poisson", True)
    assert y["shape"] == (10,)
    assert pen["kind"] == "factor" and pen["distribution"] is None
    assert edges(g) == {("w", "y", "data"), ("b", "y", "data"), ("b", "penalty", "data")}
    assert g.edges["b", "penalty"]["params"] == ("log_factor",)


def test_bernoulli_logits_is_named_bernoulli_and_infer_is_kept():
    def model():
        numpyro.sample("z", dist.Bernoulli(logits=0.3), infer={"enumerate": "parallel"})

    node = plategraph.model_graph(model).nodes["z"]
    assert node["distribution"] == "Bernoulli"
    assert node["infer"] == {"enumerate": "parallel"}
    assert node["dist_args"] == (("logits", "0.3"),)


def test_tracing_is_deterministic_and_leaves_numpyro_settings_alone():
    before = dist.Distribution._validate_args
    g1 = plategraph.model_graph(spike_and_slab, jnp.array(1.0))
    g2 = plategraph.model_graph(spike_and_slab, jnp.array(1.0))
    assert list(g1.nodes(data=True)) == list(g2.nodes(data=True))
    assert list(g1.edges(data=True)) == list(g2.edges(data=True))
    assert dist.Distribution._validate_args == before


# -- errors ------------------------------------------------------------------------------------


def test_model_that_raises_names_model_site_and_line():
    def failing(x):
        a = numpyro.sample("a", dist.Normal())
        numpyro.sample("b", dist.Normal(a, 1))
        raise ValueError(f"bad input {x}")

    with pytest.raises(plategraph.ModelError) as info:
        plategraph.model_graph(failing, 3)
    err = info.value
    assert err.model == "failing" and err.source.startswith("test_tracing.py:")
    assert "model 'failing' raised ValueError" in str(err) and "bad input 3" in str(err)
    assert isinstance(err.__cause__, ValueError)


def test_error_inside_a_site_names_the_site():
    def failing():
        numpyro.sample("a", dist.Normal(0, 1), sample_shape=(2, 3), obs=jnp.zeros(4) + {})

    with pytest.raises(plategraph.ModelError, match="model 'failing' raised TypeError"):
        plategraph.model_graph(failing)


def test_wrong_arguments_non_callable_and_no_sites():
    def model(x, y=None):
        numpyro.sample("x", dist.Normal(x, 1), obs=y)

    with pytest.raises(plategraph.ModelError, match="model 'model' cannot be called"):
        plategraph.model_graph(model, 1, 2, 3)
    with pytest.raises(plategraph.NotCallableError, match="must be a callable"):
        plategraph.model_graph("model")
    with pytest.raises(plategraph.ModelError, match="model 'empty' has no sites"):
        plategraph.model_graph(lambda: None) if False else plategraph.model_graph(empty)


def empty():
    return jnp.ones(3).sum()


@pytest.mark.parametrize("version", [(0, 9, 2), (0, 13, 0), (1, 0)])
def test_unsupported_jax_is_refused_with_the_supported_range(version):
    with pytest.raises(plategraph.UnsupportedJaxError, match=r"JAX >=0\.10,<0\.13"):
        _jax.check_jax_version(version)
    for supported in [(0, 10, 0), (0, 11, 2), (0, 12, 0, 1)]:
        _jax.check_jax_version(supported)


def test_too_many_decisions_warn_instead_of_silently_dropping(monkeypatch):
    from plategraph.tracing import trace as trace_module

    monkeypatch.setattr(trace_module, "MAX_RUNS", 3)

    def model():
        for i in range(4):
            z = numpyro.sample(f"z_{i}", dist.Bernoulli(0.5))
            numpyro.sample(f"y_{i}", dist.Normal(1.0 if z else 0.0, 1))

    with pytest.warns(plategraph.IncompleteTraceWarning, match=r"model 'model'.*z_2, z_3"):
        g = plategraph.model_graph(model)
    assert ("z_0", "y_0", "control") in edges(g)


def test_numpy_ufuncs_on_traced_values_keep_provenance():
    import numpy as np

    def model():
        s = numpyro.sample("s", dist.HalfNormal(1))
        numpyro.sample("y", dist.Normal(np.log(s), np.exp(s)))

    g = plategraph.model_graph(model)
    assert edges(g) == {("s", "y", "data")} and g.edges["s", "y"]["params"] == ("loc", "scale")


def test_attributes_derived_in_a_constructor_are_not_parameters():
    from numpyro.distributions import transforms

    def model(x, y):
        b = numpyro.sample("b", dist.Normal(0, 1))
        c = numpyro.sample("c", dist.TransformedDistribution(
            dist.Normal(0, 1).expand([3]), transforms.OrderedTransform()))
        with numpyro.plate("N", y.shape[0]):
            numpyro.sample("y", dist.OrderedLogistic(b * x, c), obs=y)

    g = plategraph.model_graph(model, jnp.ones(5), jnp.ones(5, dtype=jnp.int32))
    assert g.edges["b", "y"]["params"] == ("predictor",)
    assert g.edges["c", "y"]["params"] == ("cutpoints",)


def test_a_site_name_used_twice_is_an_error_naming_the_site():
    def model():
        for _ in range(2):
            numpyro.sample("x", dist.Normal())

    with pytest.raises(plategraph.ModelError, match="site 'x' is created twice") as info:
        plategraph.model_graph(model)
    assert info.value.site == "x"


# -- custom_vjp, numpyro's cond, obs=None, helpers ---------------------------------------------


@jax.custom_vjp
def _clip_gradient(x, y):
    return x * 2.0 + 0.0 * y  # y is an input but its value never matters: 0 * y


def _clip_fwd(x, y):
    return _clip_gradient(x, y), None


def _clip_bwd(_, g):
    return (g, g)


_clip_gradient.defvjp(_clip_fwd, _clip_bwd)


def test_custom_vjp_functions_carry_provenance():
    def model():
        a = numpyro.sample("a", dist.Normal())
        b = numpyro.sample("b", dist.Normal())
        c = numpyro.sample("c", dist.Normal())
        numpyro.sample("y", dist.Normal(_clip_gradient(a, b), jax.nn.softplus(c)))

    g = plategraph.model_graph(model)
    # provenance is structural: b is an input of the function, so it counts (0 * b is still b)
    assert edges(g) == {("a", "y", "data"), ("b", "y", "data"), ("c", "y", "data")}
    assert g.edges["a", "y"]["params"] == ("loc",) and g.edges["c", "y"]["params"] == ("scale",)


def test_numpyro_cond_with_sites_in_its_branches():
    from numpyro.contrib.control_flow import cond

    def model():
        cluster = numpyro.sample("cluster", dist.Normal())
        loc = numpyro.sample("loc", dist.Normal())

        def near(_):
            return numpyro.sample("x", dist.Normal(loc, 1.0))

        def far(_):
            return numpyro.sample("x", dist.Normal(20.0, 1.0))

        x = cond(cluster > 0, near, far, None)
        numpyro.sample("y", dist.Normal(x, 1.0), obs=1.0)

    g = plategraph.model_graph(model)
    assert list(g.nodes) == ["cluster", "loc", "x", "y"]
    assert g.nodes["x"]["kind"] == "latent" and g.nodes["x"]["distribution"] == "Normal"
    # the branch is chosen on cluster, and one branch reads loc; y reads x only
    assert edges(g) == {("cluster", "x", "data"), ("loc", "x", "data"), ("x", "y", "data")}


def test_numpyro_cond_as_a_plain_switch_between_values():
    from numpyro.contrib.control_flow import cond

    def model():
        z = numpyro.sample("z", dist.Bernoulli(0.5))
        a = numpyro.sample("a", dist.Normal())
        b = numpyro.sample("b", dist.Normal())
        m = cond(z > 0, lambda ops: ops[0] * 2, lambda ops: jnp.exp(ops[1]), (a, b))
        numpyro.sample("y", dist.Normal(m, 1.0))

    assert edges(plategraph.model_graph(model)) == {
        ("z", "y", "data"), ("a", "y", "data"), ("b", "y", "data")}


def test_obs_none_is_a_latent_site_and_observed_data_is_not():
    def model(y=None):
        mu = numpyro.sample("mu", dist.Normal())
        with numpyro.plate("N", 3):
            numpyro.sample("obs", dist.Normal(mu, 1.0), obs=y)

    prior = plategraph.model_graph(model)
    posterior = plategraph.model_graph(model, jnp.zeros(3))
    assert prior.nodes["obs"]["kind"] == "latent"
    assert posterior.nodes["obs"]["kind"] == "observed"
    assert edges(prior) == edges(posterior) == {("mu", "obs", "data")}


def _normal_prior(name, scale):
    return numpyro.sample(name, dist.Normal(0.0, scale))


def test_sites_made_in_helper_functions_point_to_the_helper_and_keep_their_edges():
    def model():
        tau = numpyro.sample("tau", dist.HalfNormal(1.0))
        beta = _normal_prior("beta", tau)
        numpyro.sample("y", dist.Normal(beta, 1.0), obs=0.5)

    g = plategraph.model_graph(model)
    assert edges(g) == {("tau", "beta", "data"), ("beta", "y", "data")}
    line = _normal_prior.__code__.co_firstlineno + 1
    assert g.nodes["beta"]["source"] == f"test_tracing.py:{line}"


def test_a_model_that_needs_concrete_values_skips_the_abstract_run_next_time(monkeypatch):
    from plategraph.tracing import trace

    def model():
        z = numpyro.sample("z", dist.Bernoulli(0.5))
        numpyro.sample("y", dist.Normal(1.0 if z else 0.0, 1.0))

    calls = []
    run = trace.run_model
    monkeypatch.setattr(trace, "run_model", lambda *a, **k: calls.append(k.get("abstract", False))
                        or run(*a, **k))
    first = plategraph.model_graph(model)
    assert calls[:2] == [True, False]  # tried abstractly, then run concretely
    calls.clear()
    assert edges(plategraph.model_graph(model)) == edges(first) == {("z", "y", "control")}
    assert calls[0] is False and True not in calls


def test_a_wrapped_distributions_parameter_keeps_its_declared_name_and_the_run_abstract(
        monkeypatch):
    # HalfCauchy and HalfNormal hand their scale to an inner Cauchy/Normal: read under the inner
    # name, a scale from data looked unread and sent the first trace to a concrete run that
    # compiled every sampler (seconds in a fresh process)
    from plategraph.tracing import trace

    def model(y):
        s = numpyro.sample("s", dist.HalfCauchy(jnp.max(y) / 150))
        numpyro.sample("y", dist.HalfNormal(s), obs=y)

    calls = []
    run = trace.run_model
    monkeypatch.setattr(trace, "run_model", lambda *a, **k: calls.append(k.get("abstract", False))
                        or run(*a, **k))
    g = plategraph.model_graph(model, jnp.ones(3))
    assert calls == [True]
    assert g.edges["s", "y"]["params"] == ("scale",)


def test_a_big_model_runs_concretely_from_its_second_trace_on(monkeypatch):
    from plategraph.tracing import trace

    def model():
        for i in range(4):
            numpyro.sample(f"x_{i}", dist.Normal())

    monkeypatch.setattr(trace, "BIG_MODEL_SITES", 4)
    calls = []
    run = trace.run_model
    monkeypatch.setattr(trace, "run_model", lambda *a, **k: calls.append(k.get("abstract", False))
                        or run(*a, **k))
    first = plategraph.model_graph(model)
    second = plategraph.model_graph(model)
    assert calls == [True, False]
    assert list(first.nodes(data=True)) == list(second.nodes(data=True))


@pytest.mark.parametrize("seed", [0, 1, 7, 12345, 2**31 - 1])
def test_the_seed_key_is_jax_own_key_for_that_seed(seed):
    # the tracer builds a run's key without evaluating PRNGKey: it must be the very same key
    key = _jax.prng_key(seed)
    expected = jax.random.PRNGKey(seed)
    assert key is not None
    assert jax.typeof(key) == jax.typeof(expected)
    assert key.tolist() == expected.tolist()
    assert _jax.prng_key(-1) is None and _jax.prng_key(2**31) is None  # JAX's PRNGKey then


def test_a_model_drawing_from_its_own_key_traces_as_with_numpyro_seed():
    def model():
        z = numpyro.sample("z", dist.Normal(0.0, 1.0))
        noise = jax.random.normal(numpyro.prng_key())
        numpyro.sample("y", dist.Normal(z + noise, 1.0))

    record = plategraph.trace_model(model, seed=3)
    assert [e.parent + "->" + e.child for e in record.edges] == ["z->y"]


@pytest.mark.parametrize("abstract", [True, False])
def test_static_indexing_of_data_is_jax_indexing(abstract):
    # y[j] on a model's data takes a shortcut past JAX's indexing ops: same value, same type,
    # same provenance and identity, and JAX's own way wherever the shortcut does not apply
    from plategraph.tracing.messengers import DataArg

    arrays = [jnp.arange(12.0).reshape(3, 4), jnp.arange(5), jnp.array([True, False]),
              jnp.arange(6, dtype=jnp.uint8).reshape(2, 3)]
    indices = [0, -1, 1, (0, 1), (slice(None), 1), slice(1, None), slice(None, None, -1),
               (None, 0), slice(5, 1), (slice(0, 2), slice(1, 3, 2)), slice(-100, 100)]
    taken = []

    def check(trace):
        for array in arrays:
            y = _jax.label(trace, array, DataArg("y", 1))
            for idx in indices:
                fast = _jax.static_take(y, idx)
                if fast is None:
                    continue
                jax_way = super(_jax.ProvenanceTracer, y).__getitem__(idx)
                assert jax.typeof(fast.val) == jax.typeof(jax_way.val), (array.shape, idx)
                assert fast.val.tolist() == jax_way.val.tolist(), (array.shape, idx)
                assert (fast.prov, fast.direct) == (jax_way.prov, jax_way.direct)
                taken.append(idx)
            # out of range (JAX clamps), arrays and tracers as indices, too many: JAX's way
            for idx in (7, (0, 0, 0), jnp.array([0, 1]), Ellipsis, True):
                assert _jax.static_take(y, idx) is None
        assert not trace.decisions  # neither way decides anything on the data
        return ()

    _jax.run_with_provenance(check, abstract=abstract)
    assert len(taken) > 30


def test_a_sites_node_attributes_are_its_fields_in_order_with_pairs_as_dicts():
    from dataclasses import fields

    from plategraph.tracing.records import Site

    site = Site("y", "observed", infer=(("enumerate", "parallel"),),
                param_sources=(("loc", "mu"),), data_args=(("obs", ("y",)),))
    attrs = site.node_attributes()
    assert list(attrs) == [f.name for f in fields(Site) if f.name != "name"]
    assert attrs["infer"] == {"enumerate": "parallel"} and attrs["param_sources"] == {"loc": "mu"}
    assert attrs["data_args"] == {"obs": ("y",)} and attrs["plates"] == ()
    assert Site("x", "latent").node_attributes()["param_sources"] is None


def test_merged_data_args_keep_each_parameters_arguments_in_order_of_first_appearance():
    from plategraph.tracing.records import merged_data_args

    assert merged_data_args([{"loc": ("x",)}, {"loc": ("z", "x"), "obs": ("y",)}, {}]) == {
        "loc": ("x", "z"), "obs": ("y",)}
    assert merged_data_args([]) == {}


def test_the_runs_at_every_value_of_one_finite_decider_keep_what_they_computed(monkeypatch):
    # one Bernoulli decides: its two runs are every way the model goes, each recorded; a second
    # decider (its combinations with the first not all run) or a continuous one records none
    from plategraph.tracing import trace

    def one(y):
        z = numpyro.sample("z", dist.Bernoulli(0.5))
        numpyro.sample("y", dist.Normal(1.0 if z else 0.0, 1.0), obs=y)

    def two(y):
        a = numpyro.sample("a", dist.Bernoulli(0.5))
        b = numpyro.sample("b", dist.Bernoulli(0.5))
        numpyro.sample("y", dist.Normal(1.0 if a and b else 0.0, 1.0), obs=y)

    def continuous(y):
        s = numpyro.sample("s", dist.Normal(0.0, 1.0))
        numpyro.sample("y", dist.Normal(1.0 if s > 0 else 0.0, 1.0), obs=y)

    recorded = []
    run = trace.run_model
    monkeypatch.setattr(trace, "run_model", lambda *a, **k: recorded.append(
        k.get("record", False)) or run(*a, **k))
    decider, runs = trace.trace_model(one, (1.0,)).alternatives
    assert decider == "z" and sorted(v for v, _ in runs) == [0, 1]
    assert [c.finish().outputs[-1].site for _, c in runs] == ["y", "y"]
    assert recorded[-1] is True  # the other value's run recorded too
    for model in (two, continuous):
        recorded.clear()
        assert trace.trace_model(model, (1.0,)).alternatives is None
    # two deciders, or a continuous one: the runs cannot give every way, none is recorded
    assert not any(recorded)
