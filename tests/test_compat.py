"""Drop-ins for numpyro.render_model and get_model_relations, checked against NumPyro itself."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import graphviz
import jax.numpy as jnp
import numpyro
import numpyro.distributions as dist
import pytest
from _gallery import load_example
from numpyro.distributions import constraints
from numpyro.infer.inspect import get_model_relations as numpyro_relations

import plategraph

# Models where NumPyro's answer is right: ours must be the same, key for key.


def docstring_model(data):
    m = numpyro.sample("m", dist.Normal(0, 1))
    sd = numpyro.sample("sd", dist.LogNormal(m, 1))
    with numpyro.plate("N", len(data)):
        numpyro.sample("obs", dist.Normal(m, sd), obs=data)


eight_schools = load_example("eight_schools:centered")[0]


def params_deterministic_factor(x, y=None):
    w = numpyro.param("w", jnp.ones(3), constraint=constraints.positive)
    s = numpyro.param("s", 1.0)
    b = numpyro.sample("b", dist.Normal(0, 1))
    mu = numpyro.deterministic("mu", x @ w + b)
    with numpyro.plate("N", x.shape[0]):
        numpyro.sample("y", dist.Normal(mu, s), obs=y)
    numpyro.factor("penalty", -(b**2))


def nested_plates(y=None):
    alpha = numpyro.sample("alpha", dist.Gamma(2.0, 1.0))
    with numpyro.plate("docs", 4, dim=-2):
        theta = numpyro.sample("theta", dist.Gamma(alpha, 1.0))
        with numpyro.plate("words", 6, dim=-1):
            numpyro.sample("w", dist.Poisson(theta), obs=y)


MODELS = {
    "docstring": (docstring_model, (jnp.array([0.5, 1.0, 2.0]),), {}),
    "eight_schools": (eight_schools, (8, jnp.ones(8)), {"y": jnp.zeros(8)}),
    "params_deterministic_factor": (params_deterministic_factor, (jnp.ones((5, 3)),),
                                    {"y": jnp.zeros(5)}),
    "nested_plates": (nested_plates, (), {"y": jnp.ones((4, 6))}),
}


@pytest.mark.parametrize("name", MODELS)
def test_relations_are_numpyros(name):
    model, args, kwargs = MODELS[name]
    assert plategraph.get_model_relations(model, args, kwargs) == numpyro_relations(
        model, args, kwargs)


def test_relations_without_arguments():
    def model():
        numpyro.sample("x", dist.Normal(0, 1))

    assert plategraph.get_model_relations(model) == numpyro_relations(model)


def numpyro_structure(digraph: graphviz.Digraph) -> tuple[set, set, dict]:
    """Nodes, edges and plate of each node, read from numpyro's DOT (nodes named by site)."""
    nodes, edges, plate_of, plates = set(), set(), {}, []
    for line in digraph.source.splitlines():
        if m := re.match(r"\s*subgraph cluster_(\S+) \{", line):
            plates.append(m.group(1))
        elif re.match(r"\s*\}", line) and plates:
            plates.pop()
        elif m := re.match(r"\s*(\w+) -> (\w+)", line):
            edges.add((m.group(1), m.group(2)))
        elif (m := re.match(r"\s*(\w+) \[label=", line)) and m.group(1) != \
                "distribution_description_node":
            nodes.add(m.group(1))
            plate_of[m.group(1)] = plates[-1] if plates else None
    return nodes, edges, plate_of


def our_structure(digraph: graphviz.Digraph) -> tuple[set, set, dict]:
    """The same read from ours, whose node ids are synthetic (n0, …): names from tooltips."""
    names, edges, plate_of, plates = {}, set(), {}, []
    for line in digraph.source.splitlines():
        if re.match(r"\s*subgraph cluster_\d+ \{", line):
            plates.append(None)
        elif plates and plates[-1] is None and (m := re.search(r"tooltip=(\w+)\]", line)):
            plates[-1] = m.group(1)
        elif re.match(r"\s*\}", line) and plates:
            plates.pop()
        elif m := re.match(r"\s*(n\d+) -> (n\d+)", line):
            edges.add((m.group(1), m.group(2)))
        elif m := re.match(r'\s*(n\d+) \[.*tooltip="?(\w+):', line):
            names[m.group(1)] = m.group(2)
            plate_of[m.group(2)] = plates[-1] if plates else None
    return set(names.values()), {(names[a], names[b]) for a, b in edges}, plate_of


@pytest.mark.parametrize("render_params", [False, True])
@pytest.mark.parametrize("name", MODELS)
def test_render_model_draws_numpyros_structure(name, render_params):
    model, args, kwargs = MODELS[name]
    ours = plategraph.render_model(model, args, kwargs, render_params=render_params)
    theirs = numpyro.render_model(model, args, kwargs, render_params=render_params)
    assert isinstance(ours, graphviz.Digraph)
    assert our_structure(ours) == numpyro_structure(theirs)


def test_render_model_options_and_file(tmp_path):
    model, args, kwargs = MODELS["params_deterministic_factor"]
    plain = plategraph.render_model(model, args, kwargs).source
    assert "~ Normal" not in plain and "w: param" not in plain
    shown = plategraph.render_model(model, args, kwargs, render_distributions=True,
                                    render_params=True).source
    assert "b ~ Normal(0, 1)" in shown and "w: param" in shown
    target = tmp_path / "model.svg"
    digraph = plategraph.render_model(model, args, kwargs, filename=target)
    root = ET.fromstring(target.read_bytes())
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert digraph.source == plain
    with pytest.raises(plategraph.FormatError, match="svg, png, pdf, dot"):
        plategraph.render_model(model, args, kwargs, filename=tmp_path / "model.jpg")


# Where we differ on purpose (README, "Drawing"): crossed plates are not cloned, distribution
# names are the user-facing classes, a factor is not drawn as observed data.


def crossed(y=None):
    p = numpyro.sample("p", dist.Beta(1, 1))
    with numpyro.plate("users", 3, dim=-2):
        numpyro.sample("u", dist.Normal(0, 1))
    with numpyro.plate("items", 4, dim=-1):
        numpyro.sample("v", dist.Normal(0, 1))
    with numpyro.plate("users", 3, dim=-2), numpyro.plate("items", 4, dim=-1):
        numpyro.sample("r", dist.Bernoulli(p * jnp.ones((3, 4))), obs=y)


def test_crossed_plates_are_listed_as_they_are_not_cloned():
    theirs = numpyro_relations(crossed, (), {"y": jnp.ones((3, 4))})
    ours = plategraph.get_model_relations(crossed, (), {"y": jnp.ones((3, 4))})
    assert theirs["plate_sample"] == {"users": ["u", "r"], "items": ["r"],
                                      "items__CLONE": ["v"]}
    assert ours["plate_sample"] == {"users": ["u", "r"], "items": ["v", "r"]}
    assert (theirs["sample_dist"]["r"], ours["sample_dist"]["r"]) == ("BernoulliProbs",
                                                                      "Bernoulli")
    source = plategraph.render_model(crossed, (), {"y": jnp.ones((3, 4))}).source
    assert "label=<users = 3 × items = 4>" in source and "CLONE" not in source


def test_a_factor_is_not_drawn_as_observed_data():
    model, args, kwargs = MODELS["params_deterministic_factor"]
    theirs = numpyro.render_model(model, args, kwargs).source
    assert re.search(r"penalty \[label=penalty fillcolor=grey", theirs)
    ours = plategraph.render_model(model, args, kwargs).source
    penalty = next(line for line in ours.splitlines() if "penalty: factor" in line)
    assert "shape=square" in penalty and "fillcolor=black" in penalty
