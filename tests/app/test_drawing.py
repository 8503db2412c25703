"""Drawing: labels, escaping, plate boxes, collapse, DOT text and real `dot` output."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jax.numpy as jnp
import networkx as nx
import numpyro
import numpyro.distributions as dist
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import load_example, node_statements, outputs_in_fresh_processes, plate_boxes

import plategraph
from plategraph.graph.plates import plate_tree
from plategraph.layout.dot import to_dot
from plategraph.layout.labels import distribution_label, name_label
from plategraph.layout.quoting import html_text, quote
from plategraph.tracing.records import Edge, Plate, Site, TraceRecord

SVG = "{http://www.w3.org/2000/svg}"


def graph_of(sites, edges=(), plates=(), name="model"):
    return plategraph.build_graph(TraceRecord(name, tuple(sites), tuple(plates), tuple(edges)))


def svg_texts(svg: bytes) -> list[str]:
    root = ET.fromstring(svg)
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]



# -- labels and escaping -----------------------------------------------------------------------


@pytest.mark.parametrize(("name", "math", "expected"), [
    ("sigma_a", True, "σₐ"),
    ("sigma_a", False, "sigma_a"),
    ("mu", True, "μ"),
    ("theta_mu", True, 'θ<SUB><FONT POINT-SIZE="9">μ</FONT></SUB>'),
    ("obs_j", True, "obsⱼ"),
    ("Sigma", True, "Σ"),
    ("x<1>", True, "x&lt;1&gt;"),
    ("_private", True, "_private"),
])
def test_name_labels(name, math, expected):
    assert name_label(name, math=math) == expected


def test_distribution_label_shows_parents_and_constants():
    g = graph_of(
        [Site("mu_a", "latent", distribution="Normal", dist_args=(("loc", "0"), ("scale", "10"))),
         Site("sigma_a", "latent", distribution="HalfCauchy", dist_args=(("scale", "5"),)),
         Site("a", "latent", distribution="Normal", dist_args=(("loc", None), ("scale", None)))],
        [Edge("mu_a", "a", "data", ("loc",)), Edge("sigma_a", "a", "data", ("scale",))],
    )
    assert distribution_label(g, "a", math=True) == (
        "a ~ Normal(μₐ, σₐ)")
    assert distribution_label(g, "mu_a", math=False) == "mu_a ~ Normal(0, 10)"


def test_quote_and_html_text_escape_everything_dot_and_html_care_about():
    assert quote("n0") == "n0"
    assert quote("a b") == '"a b"'
    assert quote('say "hi"\\') == '"say \\"hi\\"\\\\"'
    assert quote("graph") == '"graph"'
    assert html_text('<b>&"x"</b>') == "&lt;b&gt;&amp;&quot;x&quot;&lt;/b&gt;"
    assert html_text("a\nb") == "a<BR/>b"


NAMES = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029")
    | st.sampled_from(list('"\\<>&:{}[];=#\'-') + ["\n"]),
    min_size=1, max_size=12,
).filter(lambda s: s.strip() and not s.startswith(" ") and not s.endswith(" ")
         and "\n" not in (s[0], s[-1]) and "\n\n" not in s
         and " \n" not in s and "\n " not in s)


@pytest.mark.dot
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(NAMES, min_size=1, max_size=3, unique=True))
def test_any_site_name_renders_intact_through_real_dot(names):
    sites = [Site(n, "latent", distribution="Normal") for n in names]
    edges = [Edge(names[0], n, "data", ("loc",)) for n in names[1:]]
    g = graph_of(sites, edges, name=names[0])
    svg = plategraph.draw(g, collapse=False).pipe("svg")
    texts = svg_texts(svg)  # parses: no markup was injected
    joined = "\n".join(texts).replace("\xa0", " ")  # runs of spaces are kept as no-break
    for name in names:
        for line in name.split("\n"):
            # the same normalisation on both sides: a name may hold a no-break space itself
            assert line.replace("\xa0", " ").strip() in joined


# -- plates ------------------------------------------------------------------------------------


def test_nested_plates_nest_and_crossed_plates_share_one_box():
    g = graph_of(
        [Site("phi", "latent", plates=("topics",)),
         Site("theta", "latent", plates=("docs",)),
         Site("z", "latent", plates=("docs", "words")),
         Site("u", "latent", plates=("users",)),
         Site("v", "latent", plates=("items",)),
         Site("r", "observed", plates=("users", "items"))],
        plates=[Plate("topics", 3), Plate("docs", 4), Plate("words", 6, dim=-2),
                Plate("users", 5), Plate("items", 7)],
    )
    assert plate_boxes(plate_tree(g)) == [
        (0, ("topics",), ("phi",)),
        (0, ("docs",), ("theta",)),
        (1, ("words",), ("z",)),
        (0, ("users",), ("u",)),
        (0, ("items",), ("v",)),
        (0, ("users", "items"), ("r",)),
    ]
    source = to_dot(g)
    assert source.count("subgraph cluster_") == 6
    assert "label=<users = 5 × items = 7>" in source


def test_partly_crossed_plates_inside_a_common_plate():
    g = graph_of(
        [Site("a", "latent", plates=("g",)), Site("b", "latent", plates=("g", "x")),
         Site("c", "latent", plates=("g", "y")), Site("d", "latent", plates=("g", "x", "y"))],
        plates=[Plate("g", 2), Plate("x", 3), Plate("y", 4)],
    )
    assert plate_boxes(plate_tree(g)) == [
        (0, ("g",), ("a",)),
        (1, ("x",), ("b",)),
        (1, ("y",), ("c",)),
        (1, ("x", "y"), ("d",)),
    ]


def test_plate_labels_show_sizes_and_subsampling():
    g = graph_of([Site("y", "observed", plates=("N",))], plates=[Plate("N", 1000, 100, -1)])
    assert "label=<N = 1000 (batch 100)>" in to_dot(g)


# -- node kinds --------------------------------------------------------------------------------


def kinds_graph():
    return graph_of(
        [Site("w", "param"),
         Site("z", "latent", distribution="Bernoulli"),
         Site("mu", "latent", distribution="Normal", gated_by=("z",)),
         Site("m", "deterministic"),
         Site("obs", "observed", distribution="Normal"),
         Site("pen", "factor")],
        [Edge("w", "m", "data", ("value",)), Edge("mu", "m", "data", ("value",)),
         Edge("m", "obs", "data", ("loc",)), Edge("z", "obs", "control"),
         Edge("mu", "pen", "data", ("log_factor",))],
    )


def test_every_kind_has_its_conventional_look():
    lines = node_statements(to_dot(kinds_graph(), params=True))
    assert "fillcolor=white" in lines["z"] and "peripheries" not in lines["z"]
    assert 'fillcolor="#c8c8c8"' in lines["obs"]
    assert "peripheries=2" in lines["m"]
    assert "shape=plaintext" in lines["w"]
    assert "shape=square" in lines["pen"] and "fillcolor=black" in lines["pen"]
    assert 'label=""' in lines["pen"] and "xlabel=<pen>" in lines["pen"]
    assert 'style="dashed,filled"' in lines["mu"]


def test_control_edges_dashed_params_hidden_by_default_deterministic_bypassed():
    g = kinds_graph()
    source = to_dot(g)
    assert "w: param" not in source
    assert re.search(r"n0 -> n3 \[style=dashed", source)  # z -> obs (w hidden: z is n0)
    hidden = to_dot(g, deterministic=False)
    names = node_statements(hidden)
    assert "m" not in names
    # mu reached obs through m: drawn mu -> obs
    ids = {n: re.match(r"\s*(n\d+)", line).group(1) for n, line in names.items()}
    assert f"{ids['mu']} -> {ids['obs']}" in hidden


def test_options_are_validated_with_the_allowed_values():
    g = kinds_graph()
    with pytest.raises(plategraph.OptionError, match="plain, math"):
        plategraph.draw(g, labels="fancy")
    with pytest.raises(plategraph.OptionError, match="notebook, paper"):
        plategraph.draw(g, theme="neon")
    with pytest.raises(plategraph.OptionError, match="unknown theme key 'latnet'"):
        plategraph.draw(g, theme={"latnet": {"color": "red"}})
    with pytest.raises(plategraph.OptionError, match="TB, LR"):
        plategraph.draw(g, rankdir="sideways")


def test_themes():
    g = kinds_graph()
    paper = plategraph.draw(g, theme="paper").source
    assert "Times-Roman" in paper and "#c8c8c8" not in paper
    custom = plategraph.draw(g, theme={"latent": {"fillcolor": "lightyellow"}}).source
    assert "fillcolor=lightyellow" in node_statements(custom)["z"]


# -- collapse ----------------------------------------------------------------------------------


seed_hierarchical = load_example("seed_hierarchical:model")[0]  # the seed article's


def test_loop_families_collapse_into_one_plated_node():
    g = plategraph.model_graph(seed_hierarchical, 5, jnp.arange(5.0))
    c = plategraph.collapse_families(g)
    assert list(c.nodes) == ["mu_a", "sigma_a", "a", "obs_j"]
    assert c.nodes["obs_j"]["plates"] == ("j",) and c.nodes["obs_j"]["family"] == 5
    assert c.graph["plates"]["j"] == {"size": 5, "subsample_size": None, "dim": None}
    assert set(c.edges) == {("mu_a", "a"), ("sigma_a", "a"), ("a", "obs_j")}
    assert len(g) == 8  # the input is untouched
    assert len(plategraph.draw(g, collapse=False).graph) == 8


def test_python_loop_hmm_collapses_to_self_edge_and_shared_index_plate():
    def hmm(y):
        trans = numpyro.sample("trans", dist.Dirichlet(jnp.ones((2, 2))).to_event(1))
        z = 0
        for t in range(len(y)):
            z = numpyro.sample(f"z_{t}", dist.Categorical(trans[z]))
            numpyro.sample(f"y_{t}", dist.Normal(z * 1.0, 1), obs=y[t])

    c = plategraph.collapse_families(plategraph.model_graph(hmm, jnp.zeros(4)))
    assert list(c.nodes) == ["trans", "z_j", "y_j"]
    assert c.nodes["z_j"]["plates"] == ("j",) == c.nodes["y_j"]["plates"]
    assert set(c.edges) == {("trans", "z_j"), ("z_j", "z_j"), ("z_j", "y_j")}


# -- rendering ---------------------------------------------------------------------------------


@pytest.mark.dot
@pytest.mark.parametrize(("fmt", "magic"), [
    ("svg", b"<?xml"), ("png", b"\x89PNG\r\n\x1a\n"), ("pdf", b"%PDF-"), ("dot", b"digraph")])
def test_pipe_and_save_every_format(tmp_path, fmt, magic):
    d = plategraph.draw(kinds_graph(), labels="math", distributions=True)
    data = d.pipe(fmt)
    assert data.startswith(magic)
    path = d.save(tmp_path / f"model.{fmt}")
    assert path.read_bytes().startswith(magic)
    assert oct(path.stat().st_mode & 0o777) != oct(0o600)
    if fmt == "svg":
        ET.fromstring(data)


def test_unknown_suffix_or_format_lists_the_supported_ones(tmp_path):
    d = plategraph.draw(kinds_graph())
    with pytest.raises(plategraph.FormatError, match="svg, png, pdf, dot"):
        d.save(tmp_path / "model.jpg")
    with pytest.raises(plategraph.FormatError, match="give it a suffix"):
        d.save(tmp_path / "model")
    with pytest.raises(plategraph.FormatError, match="svg, png, pdf, dot"):
        d.pipe("gif")


@pytest.mark.dot
def test_failed_render_leaves_the_existing_file_untouched(tmp_path, monkeypatch):
    target = tmp_path / "model.svg"
    target.write_text("precious")
    d = plategraph.draw(kinds_graph())
    d.source = d.source.replace("digraph", "digraph {{ broken", 1)
    with pytest.raises(plategraph.RenderError, match="dot failed"):
        d.save(target)
    assert target.read_text() == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.svg"]


def test_missing_dot_is_a_clear_error_but_dot_source_still_works(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    d = plategraph.draw(kinds_graph())
    with pytest.raises(plategraph.DotNotFoundError, match="apt-get install graphviz"):
        d.pipe("svg")
    assert d.pipe("dot").startswith(b"digraph")
    assert d.save(tmp_path / "m.dot").read_text().startswith("digraph")


@pytest.mark.dot
def test_mimebundle_is_svg():
    bundle = plategraph.draw(kinds_graph())._repr_mimebundle_()
    assert bundle["image/svg+xml"].lstrip().startswith("<?xml")
    ET.fromstring(bundle["image/svg+xml"].encode())


@pytest.mark.dot
def test_output_is_byte_identical_across_processes(tmp_path):
    script = (
        "import sys\n"
        "import jax.numpy as jnp, plategraph\n"
        "from test_drawing import seed_hierarchical\n"
        "g = plategraph.model_graph(seed_hierarchical, 5, jnp.arange(5.0))\n"
        "d = plategraph.draw(g, labels='math', distributions=True)\n"
        "sys.stdout.buffer.write(d.source.encode() + b'\\0' + d.pipe('svg'))\n"
    )
    runs = outputs_in_fresh_processes(script, path=[Path(__file__).parent])
    assert runs[0] == runs[1] and b"digraph" in runs[0]


def test_build_graph_keeps_trace_order():
    g = graph_of([Site("b", "latent"), Site("a", "latent")], [Edge("b", "a")],
                 plates=[Plate("P", 2)])
    assert list(g.nodes) == ["b", "a"] and isinstance(g, nx.DiGraph)
    assert g.graph["plates"] == {"P": {"size": 2, "subsample_size": None, "dim": None}}
