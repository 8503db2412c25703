"""The drawn graph: gate edges, views of big models, and ``to_dot`` drawing what ``draw`` draws."""

from __future__ import annotations

import jax.numpy as jnp
import numpyro
import numpyro.distributions as dist
import pytest
from support import load_example

import plategraph
from plategraph.layout.dot import dot_source
from plategraph.layout.drawn import drawn_graph, gate_edges
from plategraph.layout.options import DrawOptions
from plategraph.tracing.records import Edge, Plate, Site


def gallery_graph(ident):
    model, args, kwargs = load_example(ident)
    return plategraph.model_graph(model, *args, **kwargs)


def gates_of(lay):
    """Gate → the nodes it gates, read back from a layout's drawn edges."""
    found: dict[str, list[str]] = {}
    for parent, child in lay.edges:
        if lay.graph.edges[parent, child]["kind"] == "gate":
            found.setdefault(str(parent), []).append(str(child))
    return found


def test_cart_reads_as_a_tree_each_split_gating_its_children():
    lay = plategraph.layout(gallery_graph("bayesian_cart:model"))
    assert gates_of(lay) == {
        "split_r": ["level_r", "cut_r", "split_rL", "split_rR"],
        "split_rL": ["level_rL", "cut_rL", "level_rLL", "level_rLR"],
        "split_rR": ["cut_rR", "level_rRL", "level_rRR", "level_rR"],
    }
    # the tree's sites still feed the observations; gates reach y by control edges
    assert lay.graph.edges["split_r", "y"]["kind"] == "control"
    assert lay.graph.edges["cut_r", "y"]["kind"] == "data"


def test_spike_and_slab_draws_a_gate_edge_from_the_switch_to_the_slab():
    lay = plategraph.layout(gallery_graph("seed_conditional:model"))
    assert gates_of(lay) == {"z": ["mu", "sigma"]}
    assert lay.graph.edges["z", "obs"]["kind"] == "control"


def test_gate_edges_are_drawn_dashed_with_an_open_arrowhead():
    g = gallery_graph("seed_conditional:model")
    dot = plategraph.to_dot(g)
    assert 'n0 -> n1 [style=dashed arrowhead=onormal color="#333333" tooltip="z → mu: gate"]' \
        in dot
    tikz = plategraph.to_tikz(g)
    assert "gate/.style={->, >=to, dashed}" in tikz and tikz.count("\\draw[gate]") == 2
    from plategraph.export.paper import figure_spec

    spec = figure_spec(plategraph.layout(g, theme="paper"))
    assert sorted(head for _, _, head in spec.curves) == ["filled"] * 3 + ["open"] * 2


def test_under_nested_gates_only_the_innermost_draws_an_edge(make_graph):
    g = make_graph(
        [Site("a", "latent"), Site("b", "latent", gated_by=("a",)),
         Site("s", "latent", gated_by=("a", "b")), Site("y", "observed")],
        [Edge("a", "y", "control"), Edge("b", "s", "control"), Edge("s", "y", "data", ("loc",))],
    )
    drawn = gate_edges(g)
    assert [(a, b, d["kind"]) for a, b, d in drawn.edges(data=True) if d["kind"] == "gate"] == \
        [("a", "b", "gate"), ("b", "s", "gate")]
    assert not drawn.has_edge("a", "s")
    assert g.edges["b", "s"]["kind"] == "control"  # the input is untouched


def test_a_gate_edge_comes_from_a_collapsed_gate_family_too(make_graph):
    g = make_graph([Site("z", "latent", distribution="Bernoulli", discrete=True),
                    *(Site(f"w_{i}", "latent", distribution="Normal", gated_by=("z",))
                      for i in range(3))])
    drawn = drawn_graph(g, DrawOptions())
    assert list(drawn.edges(data="kind")) == [("z", "w_j", "gate")]


def random_count(total=None):
    k = numpyro.sample("k", dist.Poisson(3.0))
    s = 0.0
    for i in range(int(k)):
        s = s + numpyro.sample(f"c_{i}", dist.Normal(0.0, 1.0))
    numpyro.sample("total", dist.Normal(s, 1.0), obs=total)


def test_a_random_length_plate_is_labelled_by_its_site_in_every_output():
    g = plategraph.model_graph(random_count, total=jnp.array(1.0))
    lay = plategraph.layout(g)
    assert lay.graph.graph["plates"]["j"]["size_by"] == "k"
    assert gates_of(lay) == {"k": ["c_j"]}
    assert "label=<j = 1…k>" in plategraph.to_dot(g)
    assert "$j = 1,\\ldots,k$" in plategraph.to_tikz(g)
    from plategraph.export.paper import figure_spec

    texts = [t.text for t in figure_spec(plategraph.layout(g, theme="paper")).texts
             if t.role == "plate"]
    assert texts == ["$j$ = 1…$k$"]
    assert "j = 1…k" in plategraph.draw(g).pipe("svg").decode()


def regression(x, group, y=None):
    mu = numpyro.sample("mu", dist.Normal(0.0, 1.0))
    tau = numpyro.sample("tau", dist.HalfNormal(1.0))
    sigma = numpyro.sample("sigma", dist.HalfNormal(1.0))
    with numpyro.plate("G", 3):
        a = numpyro.sample("a", dist.Normal(mu, tau))
    b = numpyro.sample("b", dist.Normal(0.0, 1.0))
    with numpyro.plate("N", x.shape[0]):
        numpyro.sample("y", dist.Normal(a[group] + b * x, sigma), obs=y)


@pytest.fixture(scope="module")
def reg_graph():
    return plategraph.model_graph(regression, jnp.arange(4.0), jnp.array([0, 1, 2, 0]),
                                  y=jnp.zeros(4))


def test_var_names_keeps_the_named_sites_and_what_they_depend_on(reg_graph):
    lay = plategraph.layout(reg_graph, var_names=["a"])
    assert list(lay.graph.nodes) == ["mu", "tau", "a"] == list(lay.nodes)
    assert list(lay.plates) == ["G"]
    alone = plategraph.layout(reg_graph, var_names=["a", "sigma"], ancestors=False)
    assert list(alone.graph.nodes) == ["sigma", "a"] and not alone.edges


def test_a_view_hides_data_nodes_that_feed_no_drawn_site(reg_graph):
    whole = drawn_graph(reg_graph, DrawOptions(data=True))
    assert {str(n) for n, k in whole.nodes(data="kind") if k == "data"} == {"group", "x"}
    part = drawn_graph(reg_graph, DrawOptions(data=True, var_names=("a",)))
    assert not [n for n, k in part.nodes(data="kind") if k == "data"]
    named = drawn_graph(reg_graph, DrawOptions(data=True, var_names=("y",), ancestors=False))
    assert sorted(str(n) for n in named.nodes) == ["group", "x", "y"]


def test_an_unknown_var_name_is_an_option_error_naming_it(reg_graph):
    with pytest.raises(plategraph.OptionError, match="no site named 'alpha'"):
        plategraph.draw(reg_graph, var_names=["a", "alpha"])


def test_a_family_member_names_its_family(make_graph):
    g = make_graph([Site("mu", "latent"),
                    *(Site(f"obs_{i}", "observed", distribution="Normal") for i in range(4)),
                    Site("other", "latent")],
                   [Edge("mu", f"obs_{i}", "data", ("loc",)) for i in range(4)],
                   plates=[Plate("unused", 2)])
    assert list(drawn_graph(g, DrawOptions(var_names=("obs_2",))).nodes) == ["mu", "obs_j"]


@pytest.mark.parametrize("given", [{}, {"var_names": ["a"]}, {"theme": "paper"},
                                   {"data": True, "labels": "math"}, {"collapse": False}])
def test_to_dot_draws_exactly_what_draw_draws(reg_graph, given):
    # draw's .source may pin every position (an edge rerouted around a plate label); the graph
    # it draws is the one to_dot writes
    diagram = plategraph.draw(reg_graph, **given)
    assert plategraph.to_dot(reg_graph, **given) == dot_source(diagram.layout.graph,
                                                                diagram.options)


def test_to_dot_collapses_loop_families_as_draw_does():
    g = plategraph.model_graph(random_count, total=jnp.array(1.0))
    assert plategraph.to_dot(g) == plategraph.draw(g).source  # laid out by dot as it is
    assert "label=<c_j>" in plategraph.to_dot(g) and "label=<c_0>" not in plategraph.to_dot(g)
