"""Collapsing site families made in Python loops (obs_0 … obs_999) into one node in a plate."""

from __future__ import annotations

import jax.numpy as jnp
import networkx as nx
import numpyro
import numpyro.distributions as dist
import pytest
from support import load_example

import plategraph
from plategraph.exceptions import IncompleteTraceWarning
from plategraph.graph.collapse import VARIES, collapse_families
from plategraph.tracing.records import Edge, Plate, Site


def unrolled(make_graph, J=1000):
    obs = [Site(f"obs_{j}", "observed", distribution="Normal",
                dist_args=(("loc", None), ("scale", "1"))) for j in range(J)]
    return make_graph(
        [Site("mu_a", "latent", distribution="Normal"),
         Site("sigma_a", "latent", distribution="HalfCauchy"),
         Site("a", "latent", plates=("groups",), distribution="Normal"), *obs],
        [Edge("mu_a", "a", "data", ("loc",)), Edge("sigma_a", "a", "data", ("scale",)),
         *(Edge("a", f"obs_{j}", "data", ("loc",)) for j in range(J))],
        plates=[Plate("groups", J, dim=-1)],
    )


def test_a_family_of_1000_is_one_node_in_plate_j(make_graph):
    g = unrolled(make_graph)
    c = collapse_families(g)
    assert list(c.nodes) == ["mu_a", "sigma_a", "a", "obs_j"]
    obs = c.nodes["obs_j"]
    assert obs["plates"] == ("j",) and obs["family"] == 1000
    assert obs["members"][:2] == ("obs_0", "obs_1") and obs["members"][-1] == "obs_999"
    assert obs["kind"] == "observed" and obs["dist_args"] == (("loc", None), ("scale", "1"))
    assert list(c.graph["plates"]) == ["groups", "j"]
    assert c.graph["plates"]["j"] == {"size": 1000, "subsample_size": None, "dim": None}
    assert list(c.edges(data=True)) == [
        ("mu_a", "a", {"kind": "data", "params": ("loc",)}),
        ("sigma_a", "a", {"kind": "data", "params": ("scale",)}),
        ("a", "obs_j", {"kind": "data", "params": ("loc",)}),
    ]


def test_the_input_is_untouched(make_graph):
    g = unrolled(make_graph, J=5)
    before = (list(g.nodes(data=True)), list(g.edges(data=True)), dict(g.graph["plates"]))
    collapse_families(g)
    assert (list(g.nodes(data=True)), list(g.edges(data=True)), dict(g.graph["plates"])) == before


def test_no_family_gives_an_equal_copy(make_graph):
    g = make_graph([Site("x_1", "latent"), Site("x_2", "latent"), Site("y", "observed")])
    c = collapse_families(g)
    assert c is not g and nx.utils.graphs_equal(c, g)
    assert list(collapse_families(g, min_size=2).nodes) == ["x_j", "y"]


def test_a_chain_becomes_a_self_edge(make_graph):
    n = 300
    g = make_graph(
        [*(Site(f"x_{i}", "latent", distribution="Normal") for i in range(n)),
         Site("y", "observed", plates=("data",), distribution="Normal")],
        [*(Edge(f"x_{i - 1}", f"x_{i}", "data", ("loc",)) for i in range(1, n)),
         *(Edge(f"x_{i}", "y", "data", ("loc",)) for i in range(n))],
        plates=[Plate("data", 10)],
    )
    c = collapse_families(g)
    assert list(c.nodes) == ["x_j", "y"]
    assert list(c.edges) == [("x_j", "x_j"), ("x_j", "y")]


def test_members_need_the_same_parent_pattern(make_graph):
    # count_5 does not depend on the switch: it stays on its own
    counts = [Site(f"count_{t}", "observed", distribution="Poisson") for t in range(6)]
    edges = [Edge("rate", f"count_{t}", "data", ("rate",)) for t in range(6)]
    edges += [Edge("switch", f"count_{t}", "control") for t in range(5)]
    g = make_graph([Site("switch", "latent"), Site("rate", "latent"), *counts], edges)
    c = collapse_families(g)
    assert list(c.nodes) == ["switch", "rate", "count_j", "count_5"]
    assert c.nodes["count_j"]["family"] == 5 and c.graph["plates"]["j"]["size"] == 5
    assert set(c.pred["count_j"]) == {"switch", "rate"} and set(c.pred["count_5"]) == {"rate"}


def test_kind_distribution_and_plates_split_families(make_graph):
    g = make_graph(
        [*(Site(f"a_{i}", "latent", distribution="Normal") for i in range(3)),
         *(Site(f"a_{i}", "latent", distribution="Gamma") for i in range(3, 5)),
         *(Site(f"b{i}", "observed", plates=("P",)) for i in range(3)),
         *(Site(f"b{i}", "observed") for i in range(3, 6)),
         *(Site(f"w_{i}", "param") for i in range(4))],
        plates=[Plate("P", 2)],
    )
    c = collapse_families(g)
    # a_0..a_2 collapse (Normal); a_3, a_4 are too few; b0..b2 (in P) and b3..b5 are two
    # families; b0..b2 share the index plate of a_0..a_2 (same indices); params never collapse
    assert list(c.nodes) == ["a_j", "a_3", "a_4", "b_j", "b_k", "w_0", "w_1", "w_2", "w_3"]
    assert c.nodes["b_j"]["plates"] == ("P", "j") and c.nodes["b_k"]["plates"] == ("k",)
    assert c.graph["plates"]["k"]["size"] == 3


def test_families_over_the_same_indices_share_a_plate(make_graph):
    sites, edges = [Site("trans", "latent")], []
    for t in range(4):
        sites += [Site(f"z_{t}", "latent", distribution="Categorical"),
                  Site(f"y_{t}", "observed", distribution="Normal")]
        edges += [Edge("trans", f"z_{t}", "data", ("probs",)),
                  Edge(f"z_{t}", f"y_{t}", "data", ("loc",))]
        if t:
            edges.append(Edge(f"z_{t - 1}", f"z_{t}", "data", ("probs",)))
    c = collapse_families(make_graph(sites, edges))
    assert list(c.nodes) == ["trans", "z_j", "y_j"]
    assert c.nodes["z_j"]["plates"] == ("j",) == c.nodes["y_j"]["plates"]
    assert list(c.edges) == [("trans", "z_j"), ("z_j", "y_j"), ("z_j", "z_j")]


def test_merging_keeps_data_over_control_and_renames_gates(make_graph):
    g = make_graph(
        [Site("z", "latent"), Site("g_0", "latent"), Site("g_1", "latent"), Site("g_2", "latent"),
         *(Site(f"o_{i}", "observed", gated_by=(f"g_{i}",)) for i in range(3))],
        [*(Edge("z", f"g_{i}", "control") for i in range(3)),
         *(Edge(f"g_{i}", f"o_{i}", "data" if i else "control", ("loc",) if i else ())
           for i in range(3))],
    )
    c = collapse_families(g)
    # o_0's parent pattern (control) differs from o_1, o_2 (data): only two members, no family
    assert "o_j" not in c
    g2 = make_graph(
        [Site("z", "latent"), *(Site(f"g_{i}", "latent", gated_by=("z",)) for i in range(3))],
        [Edge("z", f"g_{i}", "control") for i in range(3)],
    )
    c2 = collapse_families(g2)
    assert c2.nodes["g_j"]["gated_by"] == ("z",)
    assert c2.edges["z", "g_j"] == {"kind": "control", "params": ()}


def test_constants_that_differ_between_members_are_shown_as_varying(make_graph):
    g = make_graph([Site(f"y_{i}", "observed", distribution="Normal",
                         dist_args=(("loc", str(i)), ("scale", "1"))) for i in range(3)])
    assert collapse_families(g).nodes["y_j"]["dist_args"] == (("loc", VARIES), ("scale", "1"))


def test_a_site_already_named_like_the_family_keeps_the_members(make_graph):
    g = make_graph([Site("obs_j", "latent"), *(Site(f"obs_{i}", "observed") for i in range(3))])
    assert list(collapse_families(g).nodes) == ["obs_j", "obs_0", "obs_1", "obs_2"]


def test_index_plates_avoid_model_plate_names(make_graph):
    g = make_graph([Site("a", "latent", plates=("j",)), *(Site(f"y_{i}", "observed")
                                                           for i in range(3))],
                   plates=[Plate("j", 2)])
    c = collapse_families(g)
    assert list(c.nodes) == ["a", "y_k"] and c.graph["plates"]["k"]["size"] == 3


seed_hierarchical = load_example("seed_hierarchical:model")[0]  # the seed article's


def test_a_traced_python_loop_collapses():
    g = plategraph.model_graph(seed_hierarchical, 6, jnp.arange(6.0))
    c = collapse_families(g)
    assert list(c.nodes) == ["mu_a", "sigma_a", "a", "obs_j"]
    assert c.nodes["obs_j"]["plates"] == ("j",) and c.nodes["obs_j"]["family"] == 6
    assert list(c.edges) == [("mu_a", "a"), ("sigma_a", "a"), ("a", "obs_j")]
    assert c.graph["plates"]["j"] == {"size": 6, "subsample_size": None, "dim": None}
    assert len(g) == 9  # the input is untouched
    assert len(plategraph.draw(g, collapse=False).graph) == 9


def test_python_loop_hmm_collapses_to_self_edge_and_shared_index_plate():
    def hmm(y):
        trans = numpyro.sample("trans", dist.Dirichlet(jnp.ones((2, 2))).to_event(1))
        z = 0
        for t in range(len(y)):
            z = numpyro.sample(f"z_{t}", dist.Categorical(trans[z]))
            numpyro.sample(f"y_{t}", dist.Normal(z * 1.0, 1), obs=y[t])

    c = collapse_families(plategraph.model_graph(hmm, jnp.zeros(4)))
    assert list(c.nodes) == ["trans", "z_j", "y_j"]
    assert c.nodes["z_j"]["plates"] == ("j",) == c.nodes["y_j"]["plates"]
    assert set(c.edges) == {("trans", "z_j"), ("z_j", "z_j"), ("z_j", "y_j")}


def ar_chain(y):
    """A state-space chain whose first state has a prior of its own."""
    x = numpyro.sample("x_0", dist.Normal(0.0, 1.0))
    rho = numpyro.sample("rho", dist.Uniform(-1.0, 1.0))
    for t in range(1, 12):
        x = numpyro.sample(f"x_{t}", dist.Normal(rho * x, 1.0))
        numpyro.sample(f"y_{t}", dist.Normal(x, 1.0), obs=y[t])


def test_a_chain_whose_first_state_differs_is_that_state_and_the_family_of_the_rest():
    c = collapse_families(plategraph.model_graph(ar_chain, jnp.zeros(12)))
    assert list(c.nodes) == ["x_0", "rho", "x_j", "y_j"]
    assert c.nodes["x_j"]["members"] == tuple(f"x_{t}" for t in range(1, 12))
    assert c.nodes["y_j"]["plates"] == ("j",) == c.nodes["x_j"]["plates"]
    assert c.graph["plates"]["j"]["size"] == 11
    assert set(c.edges) == {("x_0", "x_j"), ("rho", "x_j"), ("x_j", "x_j"), ("x_j", "y_j")}


def random_length():
    k = numpyro.sample("k", dist.Poisson(3.0))
    for i in range(int(k)):
        numpyro.sample(f"c_{i}", dist.Normal(0.0, 1.0))


def test_a_loop_as_long_as_a_sampled_count_is_sized_and_gated_by_it():
    c = collapse_families(plategraph.model_graph(random_length))
    assert list(c.nodes) == ["k", "c_j"]
    assert c.graph["plates"]["j"] == {"size": None, "subsample_size": None, "dim": None,
                                      "size_by": "k"}
    assert c.nodes["c_j"]["gated_by"] == ("k",)


def gated_fixed_loop():
    k = numpyro.sample("k", dist.Poisson(3.0))
    if k > 2:  # the loop exists or not; its length is always 3
        for i in range(3):
            numpyro.sample(f"c_{i}", dist.Normal(0.0, 1.0))


def one_more_than(k_prior=3.0):
    k = numpyro.sample("k", dist.Poisson(k_prior))
    for i in range(k + 1):
        numpyro.sample(f"c_{i}", dist.Normal(0.0, 1.0))


def while_below():
    k = numpyro.sample("k", dist.Poisson(3.0))
    i = 0
    while i < k:  # a random stopping rule
        numpyro.sample(f"c_{i}", dist.Normal(0.0, 1.0))
        i += 1


@pytest.mark.parametrize("model", [random_length, one_more_than, while_below])
def test_the_tracer_records_the_site_a_loop_runs_to(model):
    g = plategraph.model_graph(model)
    members = [n for n in g if n.startswith("c_")]
    assert len(members) >= 3
    assert {g.nodes[n]["sized_by"] for n in members} == {"k"}
    assert g.nodes["k"]["sized_by"] is None
    c = collapse_families(g)
    assert c.graph["plates"]["j"]["size"] is None and c.graph["plates"]["j"]["size_by"] == "k"
    assert c.nodes["c_j"]["gated_by"] == ("k",)


def test_a_fixed_loop_under_a_gate_on_a_count_keeps_its_size(recwarn):
    g = plategraph.model_graph(gated_fixed_loop)
    assert not [w for w in recwarn if w.category is IncompleteTraceWarning]
    assert all(g.nodes[f"c_{i}"]["sized_by"] is None for i in range(3))
    c = collapse_families(g)
    assert c.graph["plates"]["j"] == {"size": 3, "subsample_size": None, "dim": None}
    assert c.nodes["c_j"]["gated_by"] == ("k",)


def test_only_what_the_tracer_recorded_sizes_a_family(make_graph):
    # gated by a count, its tail only: without the tracer's record it is a gated fixed loop
    g = make_graph([Site("k", "latent", distribution="Poisson", discrete=True),
                    Site("c_0", "latent", distribution="Normal"),
                    *(Site(f"c_{i}", "latent", distribution="Normal", gated_by=("k",))
                      for i in range(1, 4))])
    c = collapse_families(g)
    assert c.graph["plates"]["j"]["size"] == 4 and "size_by" not in c.graph["plates"]["j"]
    sized = make_graph([Site("k", "latent", distribution="Poisson", discrete=True),
                        *(Site(f"c_{i}", "latent", distribution="Normal", sized_by="k",
                               gated_by=("k",) if i else ()) for i in range(4))])
    assert collapse_families(sized).graph["plates"]["j"]["size_by"] == "k"


def test_a_loop_gated_by_a_switch_keeps_its_size(make_graph):
    g = make_graph([Site("z", "latent", distribution="Bernoulli", discrete=True),
                    Site("c_0", "latent", distribution="Normal"),
                    *(Site(f"c_{i}", "latent", distribution="Normal", gated_by=("z",))
                      for i in range(1, 4))])
    c = collapse_families(g)
    assert c.graph["plates"]["j"]["size"] == 4 and c.nodes["c_j"]["gated_by"] == ("z",)


def all_or_nothing():
    k = numpyro.sample("k", dist.Categorical(jnp.array([0.5, 0.5])))
    for i in range(3 * int(k)):
        numpyro.sample(f"c_{i}", dist.Normal(0.0, 1.0))


def test_a_traced_loop_seen_only_whole_or_absent_is_named_by_the_warning():
    with pytest.warns(IncompleteTraceWarning, match=r"model 'all_or_nothing': the loop of "
                                                    r"c_0 … c_2 exists only for some values "
                                                    r"of k"):
        g = plategraph.model_graph(all_or_nothing)
    c = collapse_families(g)
    assert c.graph["plates"]["j"]["size"] == 3 and c.nodes["c_j"]["gated_by"] == ("k",)


def test_a_recursions_calls_are_not_a_loop():
    # each call of CART's grow() makes one level_*: the line makes more sites when a split
    # grows the tree, but no call runs a loop
    model, args, kwargs = load_example("bayesian_cart:model")
    g = plategraph.model_graph(model, *args, **kwargs)
    assert all(sized is None for _, sized in g.nodes(data="sized_by"))
