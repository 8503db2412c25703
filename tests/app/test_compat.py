"""Drop-ins for numpyro.render_model and get_model_relations, checked against NumPyro itself."""

from __future__ import annotations

import contextlib
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import graphviz
import jax
import jax.numpy as jnp
import numpyro
import numpyro.distributions as dist
import pytest
from expected import EXPECTED, parse_edges, parse_nodes
from hypothesis import given, settings
from hypothesis import strategies as st
from numpyro import handlers
from numpyro.distributions import constraints, transforms
from numpyro.infer.inspect import generate_graph_specification, render_graph
from numpyro.infer.inspect import get_model_relations as numpyro_relations
from support import gallery_ids, load_example

import plategraph
from plategraph.compat import numpyro_plates
from plategraph.layout.geometry import Box

# Models where NumPyro's answer is right: ours must be the same, key for key, value for value.


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


def crossed(y=None):
    p = numpyro.sample("p", dist.Beta(1, 1))
    with numpyro.plate("users", 3, dim=-2):
        numpyro.sample("u", dist.Normal(0, 1))
    with numpyro.plate("items", 4, dim=-1):
        numpyro.sample("v", dist.Normal(0, 1))
    with numpyro.plate("users", 3, dim=-2), numpyro.plate("items", 4, dim=-1):
        numpyro.sample("r", dist.Bernoulli(p * jnp.ones((3, 4))), obs=y)


def crossed_plates_made_first():
    # NumPyro orders plates as the model makes them: "i" before "j", so "j" is cloned
    plate_i = numpyro.plate("i", 3, dim=-2)
    plate_j = numpyro.plate("j", 4, dim=-1)
    with plate_j:
        beta = numpyro.sample("beta", dist.Normal(0, 1))
    with plate_i:
        alpha = numpyro.sample("alpha", dist.Normal(0, 1))
    with plate_i, plate_j:
        numpyro.sample("obs", dist.Normal(alpha + beta, 1), obs=jnp.zeros((3, 4)))


def three_crossed_plates():
    a = numpyro.plate("a", 2, dim=-3)
    b = numpyro.plate("b", 3, dim=-2)
    c = numpyro.plate("c", 4, dim=-1)
    with a:
        x = numpyro.sample("x", dist.Normal(0, 1))
    with b:
        y = numpyro.sample("y", dist.Normal(0, 1))
    with c:
        z = numpyro.sample("z", dist.Normal(0, 1))
    with a, b:
        u = numpyro.sample("u", dist.Normal(x + y, 1))
    with b, c:
        v = numpyro.sample("v", dist.Normal(y + z, 1))
    with a, b, c:
        numpyro.sample("w", dist.Normal(u + v + x, 1), obs=jnp.zeros((2, 3, 4)))


def plate_without_sites():
    with numpyro.plate("groups", 3):
        w = numpyro.param("w", jnp.ones(3), constraint=constraints.positive)
    numpyro.sample("s", dist.Normal(w.sum(), 1))


def distribution_classes(x):
    # NumPyro names a site by its distribution object's class: BernoulliLogits, BinomialProbs
    p = numpyro.param("p", 0.5, constraint=constraints.unit_interval)
    mu = numpyro.sample("mu", dist.Normal(0, 1))
    with numpyro.plate("N", 4):
        d = numpyro.deterministic("d", mu * x)
        numpyro.factor("f", -(d**2))
        k = numpyro.sample("k", dist.Bernoulli(logits=d))
        numpyro.sample("n", dist.Binomial(10, probs=p * jnp.ones(4)), obs=jnp.ones(4))
        numpyro.sample("m", dist.Multinomial(5, probs=jnp.ones((4, 3)) / 3))
        numpyro.sample("delta", dist.Delta(mu + k))
    numpyro.sample("t", dist.TransformedDistribution(dist.Normal(mu, 1),
                                                     transforms.ExpTransform()))
    numpyro.sample("g", dist.Gamma(2.0, 1.0).expand([2]).to_event(1))


def masks_from_data(y):
    mu = numpyro.sample("mu", dist.Normal(0, 1))
    with numpyro.plate("N", 4):
        numpyro.sample("y", dist.Normal(mu, 1), obs=y,
                       obs_mask=jnp.array([True, False, True, True]))
    with numpyro.plate("M", 4), handlers.mask(mask=jnp.array([True, False, True, True])):
        numpyro.sample("z", dist.Normal(mu, 1), obs=jnp.zeros(4))


def enumerated(y):
    p = numpyro.sample("p", dist.Beta(1, 1))
    z = numpyro.sample("z", dist.Categorical(jnp.stack([p, 1 - p])),
                       infer={"enumerate": "parallel"})
    numpyro.sample("y", dist.Normal(z, 1), obs=y)


def subsampled(x):
    with numpyro.plate("data", 10, subsample_size=5) as idx:
        batch = x[idx]
    numpyro.sample("s", dist.Normal(batch.sum(), 1))


MODELS = {
    "docstring": (docstring_model, (jnp.array([0.5, 1.0, 2.0]),), {}),
    "eight_schools": (eight_schools, (8, jnp.ones(8)), {"y": jnp.zeros(8)}),
    "params_deterministic_factor": (params_deterministic_factor, (jnp.ones((5, 3)),),
                                    {"y": jnp.zeros(5)}),
    "nested_plates": (nested_plates, (), {"y": jnp.ones((4, 6))}),
    "crossed": (crossed, (), {"y": jnp.ones((3, 4))}),
    "crossed_plates_made_first": (crossed_plates_made_first, (), {}),
    "three_crossed_plates": (three_crossed_plates, (), {}),
    "plate_without_sites": (plate_without_sites, (), {}),
    "distribution_classes": (distribution_classes, (jnp.ones(4),), {}),
    "masks_from_data": (masks_from_data, (jnp.ones(4),), {}),
    "enumerated": (enumerated, (0.5,), {}),
    "subsampled": (subsampled, (jnp.arange(10.0),), {}),
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
@pytest.mark.parametrize("name", [name for name in MODELS if "crossed" not in name])
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


# The drawing is plategraph's own (docs/drawing.md): crossed plates as overlapping
# rectangles, never a clone; a factor is not drawn as observed data.


def rendered_geometry(digraph: graphviz.Digraph, fmt: str = "json") -> tuple[dict, dict]:
    """Plate rectangles and node boxes (by plate and site name) as graphviz draws the Digraph:
    its own ``pipe``, so its own engine and flags."""
    return geometry_of(json.loads(digraph.pipe(format=fmt)))


def geometry_of(data: dict) -> tuple[dict, dict]:
    plates, nodes = {}, {}
    for obj in data["objects"]:
        if obj["name"].startswith("cluster_"):
            plates[obj["tooltip"]] = Box(*map(float, obj["bb"].split(",")))
        elif re.fullmatch(r"n\d+", obj["name"]):
            x, y = map(float, obj["pos"].split(","))
            w, h = float(obj["width"]) * 36, float(obj["height"]) * 36
            nodes[obj["tooltip"].split(":")[0]] = Box(x - w, y - h, x + w, y + h)
    return plates, nodes


def test_crossed_plates_are_cloned_in_the_relations_not_in_the_drawing():
    ours = plategraph.get_model_relations(crossed, (), {"y": jnp.ones((3, 4))})
    assert ours["plate_sample"] == {"users": ["u", "r"], "items": ["r"], "items__CLONE": ["v"]}
    assert ours["sample_dist"]["r"] == "BernoulliProbs"
    graph = plategraph.model_graph(crossed, y=jnp.ones((3, 4)))
    assert list(graph.graph["plates"]) == ["users", "items"]
    assert graph.nodes["v"]["plates"] == ("items",)
    digraph = plategraph.render_model(crossed, (), {"y": jnp.ones((3, 4))})
    source = digraph.source
    assert "label=<users = 3>" in source and "label=<items = 4>" in source
    assert "×" not in source and "CLONE" not in source
    plates, nodes = rendered_geometry(digraph)
    assert set(plates) == {"users", "items"}
    assert plates["users"].contains(nodes["r"]) and plates["items"].contains(nodes["r"])


CROSSED_GALLERY = ["matrix_factorization:model", "crossed_random_effects:model",
                   "tensor_factorization:model", "lda_topic_weights:model"]


@pytest.mark.dot
@pytest.mark.parametrize("ident", CROSSED_GALLERY)
def test_render_model_draws_crossed_plates_as_overlapping_rectangles(ident):
    model, args, kwargs = load_example(ident)
    digraph = plategraph.render_model(model, args, kwargs)
    assert isinstance(digraph, graphviz.Digraph) and digraph.engine == "neato"
    graph = plategraph.model_graph(model, *args, **kwargs)
    plates, nodes = rendered_geometry(digraph)
    # one rectangle a plate, holding exactly its sites: none combined, none cloned
    assert set(plates) == set(graph.graph["plates"]) and set(nodes) == set(graph.nodes)
    for site, box in nodes.items():
        for plate, rect in plates.items():
            if plate in graph.nodes[site]["plates"]:
                assert rect.contains(box), (site, plate)
            else:
                assert not rect.overlaps(box), (site, plate)
    assert any(a.overlaps(b) and not a.contains(b) and not b.contains(a)
               for a in plates.values() for b in plates.values())
    # the drawing is draw's: every node where plategraph's layout put it
    lay = plategraph.layout(graph)
    for site, box in nodes.items():
        assert box.center == pytest.approx(lay.nodes[site].center, abs=0.01), site
    # the notebook shows the same picture: one cluster a plate, each site once
    svg = ET.fromstring(digraph._repr_mimebundle_()["image/svg+xml"])
    groups = [g.get("class") for g in svg.iter("{http://www.w3.org/2000/svg}g")]
    assert groups.count("cluster") == len(plates) and groups.count("node") >= len(nodes)
    titles = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}title")]
    assert all(titles.count(site) == 1 for site in nodes)  # each site drawn once, by name


@pytest.mark.dot
def test_a_changed_digraph_is_drawn_by_graphviz_as_changed():
    model, args, kwargs = load_example("matrix_factorization:model")
    digraph = plategraph.render_model(model, args, kwargs)
    before = digraph.pipe(format="svg", encoding="utf-8")
    digraph.attr(label="Figure 1")  # users add to NumPyro's Digraph: graphviz draws it
    after = digraph.pipe(format="svg", encoding="utf-8")
    assert "Figure 1" in after and "Figure 1" not in before
    assert digraph._repr_mimebundle_()["image/svg+xml"] == after


@pytest.mark.dot
def test_matrix_factorisation_by_render_model_puts_r_in_the_overlap():
    model, args, kwargs = load_example("matrix_factorization:model")
    plates, nodes = rendered_geometry(plategraph.render_model(model, args, kwargs))
    users, items = plates["users"], plates["items"]
    overlap = Box(max(users.x0, items.x0), max(users.y0, items.y0),
                  min(users.x1, items.x1), min(users.y1, items.y1))
    assert overlap.contains(nodes["r"])
    assert not items.overlaps(nodes["u"]) and not users.overlaps(nodes["v"])


@pytest.mark.dot
@pytest.mark.parametrize("suffix", ["svg", "png", "pdf"])
def test_render_model_writes_the_whole_file(tmp_path, suffix):
    model, args, kwargs = load_example("crossed_random_effects:model")
    target = tmp_path / f"model.{suffix}"
    digraph = plategraph.render_model(model, args, kwargs, filename=target)
    data = target.read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temporary, no .gv left
    if suffix == "svg":
        root = ET.fromstring(data)
        titles = [t.text for t in root.iter("{http://www.w3.org/2000/svg}title")]
        # site and plate names as titles (plategraph's SVG), one cluster a plate
        assert {"subjects", "items", "replicates", "y"} <= set(titles)
        assert all("×" not in (t or "") for t in titles)
    elif suffix == "png":
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and data.endswith(b"IEND\xaeB`\x82")
        # the file is what graphviz draws from the Digraph's DOT (its own run, not a copy)
        assert data == digraph.pipe(format="png") == digraph.pipe(format="png", neato_no_op=2)
    else:
        assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")


@pytest.mark.dot
def test_the_returned_digraph_renders_and_copies_like_any_digraph(tmp_path):
    model, args, kwargs = load_example("matrix_factorization:model")
    digraph = plategraph.render_model(model, args, kwargs)
    expected = rendered_geometry(digraph)
    # render() and view()'s path: the file graphviz writes is the pinned drawing too
    out = digraph.render(outfile=tmp_path / "model.json")
    assert geometry_of(json.loads(Path(out).read_text())) == expected
    copy = digraph.copy()
    assert type(copy) is type(digraph) and rendered_geometry(copy) == expected
    assert digraph.pipe(format="svg", encoding="utf-8").startswith("<?xml")
    # asked explicitly, graphviz's own flags win: plain neato lays the graph out again
    assert geometry_of(json.loads(digraph.pipe(format="json0", neato_no_op=False))) != expected


def test_render_model_without_graphviz_still_returns_the_digraph(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    digraph = plategraph.render_model(crossed, (), {"y": jnp.ones((3, 4))})
    assert isinstance(digraph, graphviz.Digraph) and digraph.engine == "dot"
    assert "subgraph cluster_0" in digraph.source
    with pytest.raises(graphviz.ExecutableNotFound):  # as NumPyro's Digraph says it
        digraph.pipe(format="svg")


def test_a_factor_is_not_drawn_as_observed_data():
    model, args, kwargs = MODELS["params_deterministic_factor"]
    theirs = numpyro.render_model(model, args, kwargs).source
    assert re.search(r"penalty \[label=penalty fillcolor=grey", theirs)
    ours = plategraph.render_model(model, args, kwargs).source
    penalty = next(line for line in ours.splitlines() if "penalty: factor" in line)
    assert "shape=square" in penalty and "fillcolor=black" in penalty


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_plate_cloning_is_numpyros_on_random_plate_structures(data):
    n_plates = data.draw(st.integers(1, 4), label="plates")
    made = data.draw(st.permutations(range(n_plates)), label="order the model makes them in")
    members = data.draw(st.lists(st.sets(st.integers(0, n_plates - 1)), min_size=3,
                                 max_size=6), label="plates of each site")

    def model():
        plates = {i: numpyro.plate(f"p{i}", 2, dim=-1 - i) for i in made}
        for k, site_plates in enumerate(members):
            with contextlib.ExitStack() as stack:
                for i in sorted(site_plates):
                    stack.enter_context(plates[i])
                numpyro.sample(f"s{k}", dist.Normal(0, 1))

    assert plategraph.get_model_relations(model) == numpyro_relations(model)


# Every gallery model: where NumPyro's get_model_relations runs and its dependencies are right,
# the dicts are equal; where it is wrong or fails, ours is the structure tests/expected.py writes
# out (docs/numpyro.md).

NUMPYRO_WRONG = {
    "hmm:with_scan": "scan: NumPyro makes every site of the body depend on every other "
                     "(y -> z, trans -> y) and puts them in no plate",
    "ar1:model": "scan: NumPyro puts the body's site in no plate",
    "stochastic_volatility:model": "scan: NumPyro makes every site of the body depend on every "
                                   "other (returns -> h) and puts them in no plate",
    "imputation:model": "a site masked out entirely (`.mask(False)`): NumPyro reads relations off "
                        "the log-density, which is zero there, so x_impute has no parents; "
                        "plategraph draws where its parameters come from (mu, sigma)",
}
NUMPYRO_FAILS = {
    "seed_conditional:model": "Python control flow on a sampled value: `if z:`",
    "changepoint:with_if": "Python control flow on a sampled value: `if t < switch:`",
    "random_count:model": "Python control flow on a sampled value: `range(n_bumps)`",
    "bayesian_cart:model": "Python control flow on sampled values: a tree grown by `if split:`",
}


def cond_per_output():
    s = numpyro.sample("s", dist.Normal(0, 1))
    a = numpyro.sample("a", dist.Normal(0, 1))
    b = numpyro.sample("b", dist.Normal(0, 1))
    x, y = jax.lax.cond(s > 0, lambda a, b: (a, b), lambda a, b: (2 * a, 3 * b), a, b)
    numpyro.sample("x", dist.Normal(x, 1), obs=0.0)
    numpyro.sample("y", dist.Normal(y, 1), obs=0.0)


def while_per_carry():
    a = numpyro.sample("a", dist.Normal(0, 1))
    b = numpyro.sample("b", dist.Normal(0, 1))
    _, x, y = jax.lax.while_loop(lambda c: c[0] < 3, lambda c: (c[0] + 1, c[1] * 2, c[2] + 1),
                                 (0, a, b))
    numpyro.sample("x", dist.Normal(x, 1), obs=0.0)
    numpyro.sample("y", dist.Normal(y, 1), obs=0.0)


# (model, NumPyro's sample_sample, ours): NumPyro makes every output of a cond or while_loop
# depend on every input; ours are per output (the predicate reaches both of cond's outputs).
PER_OUTPUT = {
    "cond": (cond_per_output,
             {"s": [], "a": [], "b": [], "x": ["s", "a", "b"], "y": ["s", "a", "b"]},
             {"s": [], "a": [], "b": [], "x": ["s", "a"], "y": ["s", "b"]}),
    "while_loop": (while_per_carry,
                   {"a": [], "b": [], "x": ["a", "b"], "y": ["a", "b"]},
                   {"a": [], "b": [], "x": ["a"], "y": ["b"]}),
}


@pytest.mark.parametrize("name", PER_OUTPUT)
def test_dependencies_are_per_output_where_numpyros_are_not(name):
    model, theirs, ours = PER_OUTPUT[name]
    assert numpyro_relations(model)["sample_sample"] == theirs
    relations = plategraph.get_model_relations(model)
    assert relations["sample_sample"] == ours
    assert {k: v for k, v in relations.items() if k != "sample_sample"} == {
        k: v for k, v in numpyro_relations(model).items() if k != "sample_sample"}


def in_trace_order(relations: dict, order: list[str]) -> dict:
    """NumPyro's relations with ``sample_param`` in trace order: NumPyro's own order there is a
    set's, which changes from process to process."""
    position = {name: i for i, name in enumerate(order)}
    sample_param = {site: sorted(params, key=position.__getitem__)
                    for site, params in relations["sample_param"].items()}
    return {**relations, "sample_param": sample_param}


def documented_relations(ident: str) -> dict:
    """The structural keys of the relations, from the graph written out in tests/expected.py."""
    spec = EXPECTED[ident]
    nodes = parse_nodes(spec["nodes"])
    edges = {(a, b) for a, b, _ in parse_edges(spec["edges"])}
    sample = [name for name, kind, _ in nodes if kind != "param"]
    return {
        "sample_sample": {n: [p for p in sample if p != n and (p, n) in edges] for n in sample},
        "plate_sample": numpyro_plates({plate: [n for n, kind, plates in nodes
                                                if plate in plates and kind != "param"]
                                        for plate in spec["plates"]}),
        "observed": [name for name, kind, _ in nodes if kind in ("observed", "factor")],
    }


@pytest.mark.parametrize("ident", gallery_ids())
def test_gallery_relations_are_numpyros_where_numpyro_is_right(ident):
    model, args, kwargs = load_example(ident)
    ours = plategraph.get_model_relations(model, args, kwargs)
    if ident in NUMPYRO_FAILS:
        with pytest.raises(jax.errors.ConcretizationTypeError):
            numpyro_relations(model, args, kwargs)
    else:
        theirs = numpyro_relations(model, args, kwargs)
        order = [*ours["sample_sample"], *ours["param_constraint"]]
        assert (ours == in_trace_order(theirs, order)) == (ident not in NUMPYRO_WRONG)
    if ident in NUMPYRO_WRONG or ident in NUMPYRO_FAILS:
        documented = documented_relations(ident)
        assert {key: ours[key] for key in documented} == documented


def test_several_params_of_a_site_are_in_trace_order():
    # NumPyro lists them in a set's order, which changes with PYTHONHASHSEED (docs/numpyro.md)
    model, args, kwargs = load_example("param_weights:model")
    ours = plategraph.get_model_relations(model, args, kwargs)["sample_param"]["y"]
    theirs = numpyro_relations(model, args, kwargs)["sample_param"]["y"]
    assert ours == ["w", "noise"] and sorted(theirs) == sorted(ours)


@pytest.mark.dot
@pytest.mark.parametrize("ident", gallery_ids())
def test_numpyros_renderer_draws_our_relations(ident):
    model, args, kwargs = load_example(ident)
    relations = plategraph.get_model_relations(model, args, kwargs)
    spec = generate_graph_specification(relations, render_params=True)
    digraph = render_graph(spec, render_distributions=True)
    for site in [*relations["sample_sample"], *relations["param_constraint"]]:
        # (graphviz quotes a name that is not an ID, as numpyro.module's ``decoder$params``)
        assert re.search(rf'^\s*"?{re.escape(site)}"? \[label=', digraph.source, re.M), site
    root = ET.fromstring(digraph.pipe("svg"))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    clusters = {title.text for title in root.iter("{http://www.w3.org/2000/svg}title")
                if title.text and title.text.startswith("cluster_")}
    assert clusters == {f"cluster_{plate}" for plate in relations["plate_sample"]}
