"""DOT text: plate boxes, node kinds, options, themes, determinism and golden files."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import node_statements, outputs_in_fresh_processes, plate_boxes

import plategraph
from plategraph.graph.plates import plate_tree
from plategraph.layout.dot import BIG, LAYOUT, LAYOUT_BIG, to_dot
from plategraph.layout.themes import THEMES
from plategraph.tracing.records import Edge, Plate, Site

# -- plate boxes -------------------------------------------------------------------------------


def plated(make_graph, sites, plates):
    return make_graph([Site(name, "latent", plates=tuple(ps)) for name, ps in sites],
                      plates=[Plate(p, 3) for p in plates])


@pytest.mark.parametrize(("sites", "plates", "expected"), [
    pytest.param([("phi", "T"), ("theta", "D"), ("z", "DW"), ("w", "DW")], "TDW",
                 [(0, ("T",), ("phi",)), (0, ("D",), ("theta",)), (1, ("W",), ("z", "w"))],
                 id="nested"),
    pytest.param([("u", "U"), ("v", "I"), ("r", "UI")], "UI",
                 [(0, ("U",), ("u",)), (0, ("I",), ("v",)), (0, ("U", "I"), ("r",))],
                 id="crossed: users × items beside users and items"),
    pytest.param([("phi", "T"), ("theta", "D"), ("z", "DW"), ("u", "U"), ("v", "I"), ("r", "UI")],
                 "TDWUI",
                 [(0, ("T",), ("phi",)), (0, ("D",), ("theta",)), (1, ("W",), ("z",)),
                  (0, ("U",), ("u",)), (0, ("I",), ("v",)), (0, ("U", "I"), ("r",))],
                 id="nested and crossed in one model"),
    pytest.param([("u", "U"), ("r", "UI")], "UI",
                 [(0, ("U",), ("u",)), (1, ("I",), ("r",))],
                 id="every items site is in users: items nests in users"),
    pytest.param([("b", "UI"), ("u", "U")], "IU",
                 [(0, ("U",), ("u",)), (1, ("I",), ("b",))],
                 id="nesting does not depend on the order plates appear"),
    pytest.param([("a", "G"), ("b", "GX"), ("c", "GY"), ("d", "GXY")], "GXY",
                 [(0, ("G",), ("a",)), (1, ("X",), ("b",)), (1, ("Y",), ("c",)),
                  (1, ("X", "Y"), ("d",))],
                 id="crossed inside a common plate"),
    pytest.param([("a", "G"), ("b", "GX"), ("c", "Y"), ("d", "GXY")], "GXY",
                 [(0, ("G",), ("a",)), (1, ("X",), ("b",)), (0, ("Y",), ("c",)),
                  (0, ("G", "X", "Y"), ("d",))],
                 id="X is in G but not in Y: G × X × Y, not X inside G × Y"),
    pytest.param([("a", "PQ"), ("b", "PQ")], "PQ",
                 [(0, ("P",), ()), (1, ("Q",), ("a", "b"))],
                 id="plates with the same sites nest in order of appearance"),
    pytest.param([("x", "T"), ("y", "T"), ("k", "")], "T",
                 [(0, ("T",), ("x", "y"))],
                 id="scan time plate"),
])
def test_plate_boxes(make_graph, sites, plates, expected):
    graph = plated(make_graph, sites, plates)
    assert plate_boxes(plate_tree(graph)) == expected
    assert to_dot(graph).count("subgraph cluster_") == len(expected)  # one cluster a box


PLATE_SETS = st.lists(st.sets(st.sampled_from("ABCDE"), max_size=4), min_size=1, max_size=8)


@settings(max_examples=300, deadline=None)
@given(PLATE_SETS)
def test_plate_boxes_never_clone_or_misnest(make_graph, plate_sets):
    sites = [Site(f"s{i}", "latent", plates=tuple(sorted(ps))) for i, ps in enumerate(plate_sets)]
    graph = make_graph(sites, plates=[Plate(p, 2) for p in "ABCDE"])
    members = {p: {s.name for s in sites if p in s.plates} for p in "ABCDE"}
    where: dict[str, tuple[str, ...]] = {}
    paths: list[frozenset[str]] = []

    def walk(cluster, path):
        for node in cluster.nodes:
            assert node not in where
            where[node] = path
        for child in cluster.children.values():
            assert child.plates and not set(child.plates) & set(path)
            for inner in child.plates:  # each plate of a box is in every plate around it
                for outer in path:
                    assert members[inner] <= members[outer], (inner, outer)
            paths.append(frozenset((*path, *child.plates)))
            walk(child, (*path, *child.plates))

    walk(plate_tree(graph), ())
    assert len(paths) == len(set(paths))  # one box per combination of plates: nothing cloned
    for site in sites:
        assert sorted(where[site.name]) == sorted(site.plates)


def test_plate_labels_in_dot(make_graph):
    g = make_graph(
        [Site("u", "latent", plates=("users",)), Site("v", "latent", plates=("items",)),
         Site("r", "observed", plates=("users", "items")),
         Site("y", "observed", plates=("N",))],
        plates=[Plate("users", 50), Plate("items", 20), Plate("N", 1000, 100, -1)],
    )
    source = to_dot(g)
    assert source.count("subgraph cluster_") == 4
    for label in ("users = 50", "items = 20", "users = 50 × items = 20", "N = 1000 (batch 100)"):
        assert f"label=<{label}>" in source
    assert source.count("labeljust=r labelloc=b") == 4  # bottom right


# -- node kinds --------------------------------------------------------------------------------


def kinds(make_graph):
    return make_graph(
        [Site("w", "param"),
         Site("z", "latent", distribution="Bernoulli", dist_args=(("probs", "0.5"),)),
         Site("mu", "latent", distribution="Normal", gated_by=("z",),
              dist_args=(("loc", "0"), ("scale", "1"))),
         Site("m", "deterministic"),
         Site("obs", "observed", plates=("N",), distribution="Normal",
              dist_args=(("loc", None), ("scale", "1"))),
         Site("pen", "factor")],
        [Edge("w", "m", "data", ("value",)), Edge("mu", "m", "data", ("value",)),
         Edge("m", "obs", "data", ("loc",)), Edge("z", "obs", "control"),
         Edge("mu", "pen", "data", ("log_factor",))],
        plates=[Plate("N", 10, None, -1)],
    )


def ids(source: str) -> dict[str, str]:
    return {name: re.match(r"\s*(n\d+)", line).group(1)
            for name, line in node_statements(source).items()}


def test_every_kind_has_its_conventional_look(make_graph):
    nodes = node_statements(to_dot(kinds(make_graph), params=True))
    assert "shape=ellipse" in nodes["z"] and "fillcolor=white" in nodes["z"]
    assert "peripheries" not in nodes["z"] and "dashed" not in nodes["z"]
    assert 'fillcolor="#c8c8c8"' in nodes["obs"]
    assert "peripheries=2" in nodes["m"]
    assert "shape=plaintext" in nodes["w"]
    assert "shape=square" in nodes["pen"] and "fillcolor=black" in nodes["pen"]
    assert 'label=""' in nodes["pen"] and "xlabel=<pen>" in nodes["pen"]
    assert 'style="dashed,filled"' in nodes["mu"]


@pytest.mark.parametrize("theme", ["notebook", "paper"])
def test_a_factor_never_looks_like_observed_data(make_graph, theme):
    nodes = node_statements(to_dot(kinds(make_graph), theme=theme))
    look = re.compile(r"(shape|fillcolor|style)=(\S+)")
    assert dict(look.findall(nodes["pen"])) != dict(look.findall(nodes["obs"]))
    assert THEMES[theme]["factor"]["fillcolor"] != THEMES[theme]["observed"]["fillcolor"]


def test_params_hidden_by_default_and_control_edges_dashed(make_graph):
    source = to_dot(kinds(make_graph))
    assert "w: param" not in source
    n = ids(source)
    assert re.search(rf"{n['z']} -> {n['obs']} \[style=dashed", source)
    assert (n["z"], n["obs"]) == ("n0", "n3")  # a hidden param takes no node id
    assert re.search(rf"{n['m']} -> {n['obs']} \[tooltip", source)  # data edges solid
    assert "w: param" in to_dot(kinds(make_graph), params=True)


def test_hidden_deterministic_sites_pass_their_parents_on(make_graph):
    g = kinds(make_graph)
    source = to_dot(g, deterministic=False, params=True)
    n = ids(source)
    assert "m" not in n
    assert f"{n['mu']} -> {n['obs']} [tooltip=\"mu → obs: loc\"]" in source
    assert f"{n['w']} -> {n['obs']}" in source
    assert list(g.nodes) == ["w", "z", "mu", "m", "obs", "pen"]  # the input is untouched
    without_params = to_dot(g, deterministic=False)
    n = ids(without_params)
    assert "m" not in n and f"{n['mu']} -> {n['obs']}" in without_params


def test_node_ids_are_synthetic_and_in_trace_order(make_graph):
    names = ["n1", "->", "x y", "graph", "n0"]
    source = to_dot(make_graph([Site(n, "latent") for n in names]))
    assert [re.match(r"\s*(n\d+)", line).group(1) for line in node_statements(source).values()] == [
        "n0", "n1", "n2", "n3", "n4"]
    assert list(node_statements(source)) == names


def test_themes(make_graph):
    g = kinds(make_graph)
    paper = to_dot(g, theme="paper")
    assert "fontname=\"Times-Roman\"" in paper and "#c8c8c8" not in paper
    colours = set(re.findall(r"(?:fill|font)?color=\"?([#\w]+)", paper))
    assert colours <= {"black", "white", "gray80"}, colours  # monochrome
    custom = to_dot(g, theme={"latent": {"fillcolor": "lightyellow"},
                              "plate": {"style": "dashed"}})
    assert "fillcolor=lightyellow" in node_statements(custom)["z"]
    assert "style=dashed" in custom
    assert "fillcolor=lightyellow" not in node_statements(custom)["obs"]
    on_paper = to_dot(g, theme={"base": "paper", "observed": {"fillcolor": "gray60"}})
    assert "Times-Roman" in on_paper and "fillcolor=gray60" in node_statements(on_paper)["obs"]
    assert THEMES["notebook"]["latent"]["fillcolor"] == "white"  # overrides copy, not mutate


@pytest.mark.parametrize("rankdir", ["TB", "LR", "BT", "RL"])
def test_rankdir(make_graph, rankdir):
    assert f"rankdir={rankdir}" in to_dot(kinds(make_graph), rankdir=rankdir)


def test_big_graphs_get_the_fast_layout(make_graph):
    small = to_dot(kinds(make_graph))
    assert all(f"{k}={v}" in small for k, v in LAYOUT.items()) and "splines" not in small
    n = BIG
    chain = make_graph([Site(f"x{i}", "latent") for i in range(n)],
                       [Edge(f"x{i - 1}", f"x{i}") for i in range(1, n)])
    big = to_dot(chain, collapse=False)  # collapsed, the chain is one node
    assert all(f"{k}={v}" in big for k, v in LAYOUT_BIG.items())


# -- determinism -------------------------------------------------------------------------------


def test_dot_text_is_identical_across_processes():
    script = (
        "import sys\n"
        "import plategraph\n"
        "from plategraph.tracing.records import TraceRecord\n"
        "from test_dot import CASES\n"
        "def make(sites, edges=(), plates=(), name='model'):\n"
        "    record = TraceRecord(name, tuple(sites), tuple(plates), tuple(edges))\n"
        "    return plategraph.build_graph(record)\n"
        "for build, options in CASES.values():\n"
        "    sys.stdout.write(plategraph.draw(build(make), **options).source)\n"
    )
    runs = outputs_in_fresh_processes(script, seeds=(1, 2, 3), path=[Path(__file__).parent])
    assert runs[0] == runs[1] == runs[2] and runs[0].count(b"digraph") == len(CASES)


# -- golden files ------------------------------------------------------------------------------


def crossed_and_nested(make_graph):
    return make_graph(
        [Site("sigma", "latent", distribution="HalfNormal", dist_args=(("scale", "1"),)),
         Site("u", "latent", plates=("users",), distribution="Normal",
              dist_args=(("loc", "0"), ("scale", "1"))),
         Site("v", "latent", plates=("items",), distribution="Normal",
              dist_args=(("loc", "0"), ("scale", "1"))),
         Site("r", "observed", plates=("users", "items"), distribution="Normal",
              dist_args=(("loc", None), ("scale", None))),
         Site("theta", "latent", plates=("docs",), distribution="Dirichlet",
              dist_args=(("concentration", "1"),)),
         Site("z", "latent", plates=("docs", "words"), distribution="Categorical",
              dist_args=(("probs", None),), discrete=True),
         Site("y", "observed", plates=("batch",), distribution="Normal",
              dist_args=(("loc", None), ("scale", "1")))],
        [Edge("u", "r", "data", ("loc",)), Edge("v", "r", "data", ("loc",)),
         Edge("sigma", "r", "data", ("scale",)), Edge("theta", "z", "data", ("probs",)),
         Edge("sigma", "y", "data", ("loc",))],
        plates=[Plate("users", 50, None, -2), Plate("items", 20, None, -1),
                Plate("docs", 100, None, -2), Plate("words", 30, None, -1),
                Plate("batch", 1000, 100, -1)],
        name="crossed_and_nested",
    )


def scan(make_graph):
    return make_graph(
        [Site("rho", "latent", distribution="Uniform", dist_args=(("low", "-1"), ("high", "1"))),
         Site("x", "latent", plates=("time",), distribution="Normal",
              dist_args=(("loc", None), ("scale", "1"))),
         Site("y", "observed", plates=("time",), distribution="Normal",
              dist_args=(("loc", None), ("scale", "0.5")))],
        [Edge("rho", "x", "data", ("loc",)), Edge("x", "x", "data", ("loc",)),
         Edge("x", "y", "data", ("loc",))],
        plates=[Plate("time", 100)],
        name="scan",
    )


def unrolled(make_graph):
    return make_graph(
        [Site("mu_a", "latent", distribution="Normal", dist_args=(("loc", "0"), ("scale", "10"))),
         Site("sigma_a", "latent", distribution="HalfCauchy", dist_args=(("scale", "5"),)),
         Site("a", "latent", plates=("groups",), distribution="Normal",
              dist_args=(("loc", None), ("scale", None))),
         *(Site(f"obs_{j}", "observed", distribution="Normal",
                dist_args=(("loc", None), ("scale", "1"))) for j in range(10))],
        [Edge("mu_a", "a", "data", ("loc",)), Edge("sigma_a", "a", "data", ("scale",)),
         *(Edge("a", f"obs_{j}", "data", ("loc",)) for j in range(10))],
        plates=[Plate("groups", 10)],
        name="unrolled",
    )


def with_data(make_graph):
    """Regression with data: ``x`` feeds ``obs`` in ``N``, ``sigma`` feeds ``obs`` too."""
    return make_graph(
        [Site("w", "latent", distribution="Normal", dist_args=(("loc", "0"), ("scale", "1")),
              param_sources=()),
         Site("obs", "observed", plates=("N",), distribution="Normal",
              dist_args=(("loc", None), ("scale", None)), param_sources=(("scale", "sigma"),),
              data_args=(("loc", ("x",)), ("scale", ("sigma",)), ("obs", ("y",))))],
        [Edge("w", "obs", "data", ("loc",))],
        plates=[Plate("N", 100)],
        name="with_data",
    )


def awkward_names(make_graph):
    names = ['say "hi"', "a\\N", "<b>x</b>", "x:y {z}", "two\nlines", "σ_ünï", "]"]
    return make_graph([Site(n, "latent", distribution="Normal") for n in names],
                      [Edge(names[0], n, "data", ("loc",)) for n in names[1:]],
                      name="awkward -> {names}")


CASES = {
    "kinds": (kinds, {"params": True}),
    "kinds_math_distributions": (kinds, {"labels": "math", "distributions": True,
                                         "params": True}),
    "kinds_paper_lr": (kinds, {"theme": "paper", "rankdir": "LR", "deterministic": False}),
    "kinds_custom_theme": (kinds, {"theme": {"latent": {"fillcolor": "lightyellow"},
                                              "control": {"color": "red"}}}),
    "crossed_and_nested": (crossed_and_nested, {"labels": "math", "distributions": True}),
    "scan": (scan, {"labels": "math", "distributions": True}),
    "unrolled": (unrolled, {"labels": "math", "distributions": True}),
    "awkward_names": (awkward_names, {"distributions": True}),
    "data_nodes": (with_data, {"data": True, "distributions": True, "labels": "math"}),
    "data_nodes_paper": (with_data, {"data": True, "theme": "paper"}),
}


@pytest.mark.parametrize("case", CASES)
def test_dot_text_matches_golden(make_graph, assert_golden, case):
    build, options = CASES[case]
    assert_golden(f"drawing/{case}.dot", plategraph.draw(build(make_graph), **options).source)


@pytest.mark.dot
@pytest.mark.parametrize("case", CASES)
def test_real_dot_lays_out_every_golden_case(make_graph, case):
    build, options = CASES[case]
    d = plategraph.draw(build(make_graph), **options)
    root = ET.fromstring(d.pipe("svg"))
    titles = [t.text for t in root.iter("{http://www.w3.org/2000/svg}title")]
    if options.get("theme") == "paper":  # drawn by matplotlib from the layout
        assert root.tag == "{http://www.w3.org/2000/svg}svg" and not titles
    else:  # graphviz's SVG, its node titles the site names
        assert set(titles) & set(map(str, d.graph.nodes))
