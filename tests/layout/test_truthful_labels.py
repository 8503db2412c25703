"""Labels that tell the truth, traced from real models: a parameter shows a parent's name only
when it is that parent's value, carried scan state is the previous step, data is named by the
model argument it came from, transformed distributions by what they transform, constants as a
statistician writes them; and ``draw(…, data=True)`` draws the arguments as data nodes."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
import pytest
from numpyro.contrib.control_flow import scan
from support import load_example

import plategraph
from plategraph.graph.views import DataNode, with_data_nodes
from plategraph.json_graph import from_json, to_json
from plategraph.layout.labels import distribution_label

SUB = '<SUB><FONT POINT-SIZE="9">{}</FONT></SUB>'  # a subscript in graphviz labels


def labels(model, *args, math=False, **kwargs):
    g = plategraph.model_graph(model, *args, **kwargs)
    return {n: distribution_label(g, n, math=math) for n in g if g.nodes[n]["distribution"]}


def gallery_labels(ident, *, math=False):
    model, args, kwargs = load_example(ident)
    return labels(model, *args, math=math, **kwargs)


# -- a parameter names a parent only when it is that parent's value ----------------------------


def test_stochastic_volatility_scale_is_a_function_of_h_and_h_follows_its_previous_step():
    plain = gallery_labels("stochastic_volatility:model")
    assert plain["returns"] == "returns ~ Normal(0, f(h))"  # exp(h / 2), not h
    assert plain["h"] == "h ~ Normal(f(mu, phi, h[t-1&#93;), sigma)"  # `]` escaped for DOT
    math = gallery_labels("stochastic_volatility:model", math=True)
    assert math["h"] == f"h ~ Normal(f(μ, φ, h{SUB.format('t−1')}), σ)"


IDX = np.array([0, 1, 1, 2])


def identities(idx):
    h = numpyro.sample("h", dist.Normal().expand([3]).to_event(1))
    z = numpyro.sample("z", dist.Categorical(jnp.ones(3) / 3))
    numpyro.sample("same", dist.Normal(h, 1.0))
    numpyro.sample("indexed_by_data", dist.Normal(h[idx], 1.0))
    numpyro.sample("indexed_by_site", dist.Normal(h[z], 1.0))
    numpyro.sample("computed", dist.Normal(jnp.exp(h), 1.0))
    numpyro.sample("scaled", dist.Normal(2.0 * h, 1.0))
    numpyro.sample("reshaped", dist.Normal(jnp.broadcast_to(h, (2, 3)).T[:, 0], 1.0))
    numpyro.sample("jitted", dist.Normal(jax.jit(lambda v: v.reshape(3, 1))(h), 1.0))
    numpyro.sample("cast", dist.Normal(h.astype(jnp.float16), 1.0))
    numpyro.sample("sliced", dist.Normal(h[1:], 1.0))


@pytest.mark.parametrize(("site", "loc", "source"), [
    ("same", "h", "h"),
    ("indexed_by_data", "h", "h"),  # h[county]: still h per element, as the literature writes it
    ("indexed_by_site", "f(h, z)", None),  # h[z]: a function of both
    ("computed", "f(h)", None),
    ("scaled", "f(h)", None),
    ("reshaped", "h", "h"),
    ("jitted", "h", "h"),
    ("cast", "h", "h"),
    ("sliced", "h", "h"),
])
def test_only_the_value_itself_shows_the_parent_name(site, loc, source):
    g = plategraph.model_graph(identities, IDX)
    assert distribution_label(g, site, math=False) == f"{site} ~ Normal({loc}, 1)"
    assert g.nodes[site]["param_sources"].get("loc") == source
    assert g.edges["h", site]["params"] == ("loc",)  # the edges themselves do not change


def test_a_parameter_that_is_a_parent_only_in_some_branches_still_shows_it():
    # spike and slab: loc is mu when z, the constant 0 otherwise
    assert gallery_labels("seed_conditional:model")["obs"] == "obs ~ Normal(mu, sigma)"


# -- carried state of a scan ---------------------------------------------------------------------


def random_walk(mu0):
    mu = numpyro.sample("mu", dist.Normal(mu0, 1.0))

    def step(x_prev, _):
        x = numpyro.sample("x", dist.Normal(x_prev, 1.0))
        numpyro.sample("y", dist.Normal(mu, jnp.exp(x)))
        return x, None

    scan(step, 0.0, None, length=5)


def test_carried_state_is_the_previous_step():
    g = plategraph.model_graph(random_walk, 0.0)
    assert g.nodes["x"]["param_sources"] == {"loc": "x"}  # its own name: one step earlier
    assert distribution_label(g, "x", math=False) == "x ~ Normal(x[t-1&#93;, 1)"
    assert distribution_label(g, "x", math=True) == f"x ~ Normal(x{SUB.format('t−1')}, 1)"
    # a site from outside the scan is the same value at every step; exp(x) is not x
    assert distribution_label(g, "y", math=False) == "y ~ Normal(mu, f(x))"


def test_loop_family_previous_member_is_the_previous_index():
    model, args, kwargs = load_example("hmm:python_loop")
    g = plategraph.model_graph(model, *args, **kwargs)
    assert g.nodes["z_0"]["param_sources"] == {"probs": "trans"}  # trans[0]: that row of trans
    assert g.nodes["z_1"]["param_sources"] == {}  # trans[z_0]: a function of both
    d = plategraph.draw(g, distributions=True, labels="math")
    assert f"z{SUB.format('j')} ~ Categorical(f(trans, z{SUB.format('j−1')}))" in d.source


# -- data named by the model argument it came from ----------------------------------------------


def test_eight_schools_scale_is_the_argument_sigma():
    model, args, kwargs = load_example("eight_schools:centered")
    g = plategraph.model_graph(model, *args, **kwargs)
    assert g.nodes["obs"]["data_args"] == {"scale": ("sigma",), "obs": ("y",)}
    assert g.nodes["obs"]["param_sources"] == {"loc": "theta", "scale": "sigma"}
    assert distribution_label(g, "obs", math=False) == "obs ~ Normal(theta, sigma)"
    assert distribution_label(g, "obs", math=True) == "obs ~ Normal(θ, σ)"
    assert list(g.nodes) == ["mu", "tau", "theta", "obs"]  # sites stay the only nodes
    assert all(isinstance(n, str) for e in g.edges for n in e)


def test_data_in_a_computation_is_named_among_its_inputs():
    got = gallery_labels("linear_regression:model")
    assert got["obs"] == "obs ~ Normal(f(w, b, X), 1)"  # X @ w + b
    assert gallery_labels("radon:model")["log_radon"] == (
        "log_radon ~ Normal(f(a, b, county, floor), sigma_y)")


def argument_kinds(x, *rest, data, **extra):
    numpyro.sample("a", dist.Normal(x, rest[0]), obs=extra["y"])
    numpyro.sample("b", dist.Normal(data["loc"], 1.0))
    numpyro.sample("c", dist.Normal(0.0, extra["scale"]))


def test_arguments_are_named_as_the_signature_binds_them():
    g = plategraph.model_graph(argument_kinds, np.ones(4), np.ones(4), 7,
                               data={"loc": np.zeros(2)}, y=np.zeros(4), scale=2.0)
    assert g.nodes["a"]["data_args"] == {"loc": ("x",), "scale": ("rest[0]",), "obs": ("y",)}
    assert g.nodes["b"]["data_args"] == {"loc": ("data['loc']",)}
    # a scalar argument is a constant: its value says more than its name
    assert g.nodes["c"]["data_args"] == {}
    assert distribution_label(g, "c", math=False) == "c ~ Normal(0, 2)"


def test_python_decisions_on_data_vary_nothing():
    def model(x):
        if x.sum() > 0:
            numpyro.sample("a", dist.Normal(x, 1.0))

    g = plategraph.model_graph(model, np.ones(3))
    assert list(g.nodes) == ["a"] and g.nodes["a"]["gated_by"] == ()


def test_data_provenance_survives_json():
    model, args, kwargs = load_example("eight_schools:centered")
    g = plategraph.model_graph(model, *args, **kwargs)
    back = from_json(to_json(g))
    assert back.nodes["obs"]["data_args"] == g.nodes["obs"]["data_args"]
    assert back.nodes["obs"]["param_sources"] == g.nodes["obs"]["param_sources"]


# -- transformed distributions and constants ---------------------------------------------------


def test_transformed_distributions_show_their_transforms_of_their_base():
    assert gallery_labels("ordinal_regression:model")["cutpoints"] == (
        "cutpoints ~ Ordered(Normal(0, 3))")
    assert gallery_labels("transformed_distributions:model")["growth"] == (
        "growth ~ Exp(Affine(Normal(0, 1)))")
    # a subclass with parameters of its own is named as it is
    assert gallery_labels("transformed_distributions:model")["scale"] == (
        "scale ~ LogNormal(0, 0.5)")


def constants():
    numpyro.sample("c", dist.Categorical(jnp.ones(3) / 3))
    numpyro.sample("d", dist.Dirichlet(jnp.ones(10)))
    numpyro.sample("e", dist.Dirichlet(jnp.arange(1.0, 11.0)))
    numpyro.sample("n", dist.Normal(jnp.array([-1.0, 1.0]), 1 / 3))
    with numpyro.plate("N", 5):
        numpyro.sample("b", dist.Normal(jnp.zeros(5), jnp.full(5, 2.5)))


@pytest.mark.parametrize(("site", "expected"), [
    ("c", "c ~ Categorical([0.33, 0.33, 0.33&#93;)"),  # a vector parameter is a vector
    ("d", "d ~ Dirichlet([1, …, 1&#93;)"),
    ("e", "e ~ Dirichlet([1, 2, …, 10&#93;)"),
    ("n", "n ~ Normal([-1, 1&#93;, 0.333)"),
    ("b", "b ~ Normal(0, 2.5)"),  # one value over a plate is that value
])
def test_constants_read_as_a_statistician_writes_them(site, expected):
    assert labels(constants)[site] == expected


# -- data nodes in drawings ---------------------------------------------------------------------


def test_draw_with_data_adds_data_nodes_and_edges_and_leaves_the_graph_alone():
    model, args, kwargs = load_example("radon:model")
    g = plategraph.model_graph(model, *args, **kwargs)
    before = to_json(g)
    d = plategraph.draw(g, data=True)
    assert to_json(g) == before and set(d.graph.nodes) == set(g.nodes)
    lines = d.source.splitlines()
    data_nodes = [line for line in lines if "tooltip=\"county: data\"" in line
                  or "tooltip=\"floor: data\"" in line]
    assert len(data_nodes) == 2 and all("shape=box" in line for line in data_nodes)
    drawn = with_data_nodes(g)
    assert list(drawn.nodes)[:2] == [DataNode("county"), DataNode("floor")]
    assert drawn.edges[DataNode("county"), "log_radon"] == {"kind": "data", "params": ("loc",)}
    assert drawn.nodes[DataNode("floor")]["plates"] == ("house",)  # inside the plate it feeds
    # without data=True nothing of it shows
    assert "data\"" not in plategraph.draw(g).source


def test_observed_values_add_no_data_node_and_labels_do_not_repeat_data():
    model, args, kwargs = load_example("eight_schools:centered")
    g = plategraph.model_graph(model, *args, **kwargs)
    d = plategraph.draw(g, data=True, distributions=True)
    assert "tooltip=\"sigma: data\"" in d.source and "tooltip=\"y: data\"" not in d.source
    assert "obs ~ Normal(theta, sigma)" in d.source


def test_data_theme_key_and_hidden_deterministic_reroute_data_edges():
    def model(x):
        w = numpyro.sample("w", dist.Normal())
        m = numpyro.deterministic("m", w * x)
        numpyro.sample("y", dist.Normal(m, 1.0))

    g = plategraph.model_graph(model, np.ones(3))
    assert g.nodes["m"]["data_args"] == {"value": ("x",)}
    d = plategraph.draw(g, data=True, deterministic=False,
                        theme={"data": {"fillcolor": "lightblue"}})
    ids = {label.split("tooltip=\"")[1].split(":")[0]: label.split()[0]
           for label in d.source.splitlines() if "tooltip=\"" in label and "->" not in label}
    assert f"{ids['x']} -> {ids['y']}" in d.source and "fillcolor=lightblue" in d.source


@pytest.mark.dot
def test_data_nodes_render_with_dot():
    model, args, kwargs = load_example("eight_schools:non_centered")
    svg = plategraph.draw(plategraph.model_graph(model, *args, **kwargs), data=True,
                          labels="math").pipe("svg").decode()
    # the data node is drawn, titled by its argument's name (SVG titles are names, not ids)
    assert "<title>sigma</title>" in svg and "σ" in svg


def test_a_hidden_deterministic_is_not_named_in_its_childrens_labels():
    model, args, kwargs = load_example("eight_schools:non_centered")
    g = plategraph.model_graph(model, *args, **kwargs)
    shown = plategraph.draw(g, distributions=True).source
    hidden = plategraph.draw(g, distributions=True, deterministic=False).source
    assert "obs ~ Normal(theta, sigma)" in shown
    assert "obs ~ Normal(f(mu, tau, theta_raw), sigma)" in hidden


def test_a_model_that_writes_into_a_numpy_argument_still_traces():
    def model(x, y):
        y = y.copy()
        y[np.isnan(y)] = 0.0  # NumPy in place: an array carrying its name cannot do this
        w = numpyro.sample("w", dist.Normal())
        numpyro.sample("obs", dist.Normal(w * x, 1.0), obs=y)

    g = plategraph.model_graph(model, np.ones(3), np.array([1.0, np.nan, 2.0]))
    assert list(g.edges) == [("w", "obs")] and g.nodes["obs"]["data_args"] == {}
