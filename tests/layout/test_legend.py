"""The key of a figure (``legend=True``): the kinds it draws, in every output."""

from __future__ import annotations

import io
import re
import subprocess
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image
from support import load_example

import plategraph
from plategraph.export.paper import figure_spec
from plategraph.layout.dot import keyed_dot
from plategraph.layout.legend import KEY_GAP, KeyEntry, key_entries, place_key
from plategraph.layout.options import DrawOptions

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def spike_and_slab():
    model, args, kwargs = load_example("seed_conditional:model")
    return plategraph.model_graph(model, *args, **kwargs)


def test_the_key_names_the_kinds_the_figure_draws(spike_and_slab):
    lay = plategraph.layout(spike_and_slab)
    assert [(e.what, e.label) for e in key_entries(lay.graph)] == [
        ("node", "latent"), ("node", "observed"), ("node", "gated"),
        ("edge", "data"), ("edge", "control"), ("edge", "gate")]
    model, args, kwargs = load_example("linear_regression:model")
    regression = plategraph.model_graph(model, *args, **kwargs)
    with_data = plategraph.layout(regression, data=True)
    assert "data" in [e.label for e in key_entries(with_data.graph) if e.what == "node"]
    assert "gated" not in [e.label for e in key_entries(with_data.graph)]


def test_key_entries_wrap_into_rows():
    entries = tuple(KeyEntry("node", k) for k in ("latent", "observed", "deterministic"))
    places = place_key(entries, left=0, top=0, width=100, symbol=20, row=10,
                       text_width=lambda label: 5 * len(label))
    assert [(p.x, p.y) for p in places] == [(10, -5), (10, -15), (10, -25)]
    wide = place_key(entries, left=0, top=0, width=1000, symbol=20, row=10,
                     text_width=lambda label: 5 * len(label))
    assert [p.y for p in wide] == [-5, -5, -5] and wide[1].x > wide[0].text_x


KINDS = ["latent", "observed", "gated", "data", "control", "gate"]


def test_the_notebook_svg_draws_the_key_below_the_diagram(spike_and_slab):
    plain = ET.fromstring(plategraph.draw(spike_and_slab).pipe("svg"))
    keyed = ET.fromstring(plategraph.draw(spike_and_slab, legend=True).pipe("svg"))
    groups = {g.get("id"): g for g in keyed.iter(f"{SVG}g") if g.get("id", "")[:4] == "key-"}
    assert not [g for g in plain.iter(f"{SVG}g") if g.get("id", "")[:4] == "key-"]
    assert [t.text for g in groups.values() if g.get("id").endswith("-label")
            for t in g.iter(f"{SVG}text")] == KINDS
    # each node kind drawn in its theme's shape, each edge kind as an edge with its arrowhead
    assert next(groups["key-gated"].iter(f"{SVG}ellipse")).get("stroke-dasharray")
    assert next(groups["key-gate-edge"].iter(f"{SVG}path")).get("stroke-dasharray")
    assert next(groups["key-gate-edge"].iter(f"{SVG}polygon")).get("fill") == "none"
    assert next(groups["key-data-edge"].iter(f"{SVG}polygon")).get("fill") != "none"
    height = float(keyed.get("viewBox").split()[3])
    assert height > float(plain.get("viewBox").split()[3]) + 30
    # the diagram's own nodes keep their names and places; the key lies below them
    names = [g.find(f"{SVG}title").text for g in keyed.iter(f"{SVG}g")
             if g.get("class") == "node" and not g.get("id", "").startswith("key-")]
    assert names == ["z", "mu", "sigma", "obs"]


def _gray(data: bytes):
    return np.asarray(Image.open(io.BytesIO(data)).convert("L"))


def test_the_notebook_png_and_pdf_draw_the_key(spike_and_slab, tmp_path):
    keyed = plategraph.draw(spike_and_slab, legend=True)
    pdf = tmp_path / "keyed.pdf"
    keyed.save(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    words = text.split()
    assert [w for w in words if w in KINDS] == KINDS
    assert words.index("obs") < words.index("latent")  # below the diagram
    # the PNG: the diagram drawn as without the key, the key below it
    png, plain = _gray(keyed.pipe("png")), _gray(plategraph.draw(spike_and_slab).pipe("png"))
    height, width = plain.shape
    assert png.shape[0] > height + 40
    diagram = png[:height, :width]
    assert np.mean(diagram != plain) < 0.01
    assert (png[height:] < 128).sum() > 500  # the key's symbols and words
    assert not (plain[-5:] < 128).any()


def test_the_key_of_a_pinned_drawing_keeps_its_plates():
    model, args, kwargs = load_example("crossed_random_effects:model")
    graph = plategraph.model_graph(model, *args, **kwargs)
    keyed = plategraph.draw(graph, legend=True)
    svg = ET.fromstring(keyed.pipe("svg"))
    assert keyed.engine == "neato"
    titles = [g.find(f"{SVG}title").text for g in svg.iter(f"{SVG}g")
              if g.get("class") == "cluster"]
    assert sorted(titles) == sorted(plategraph.layout(graph).plates)
    labels = [t.text for g in svg.iter(f"{SVG}g") if g.get("id", "").startswith("key-")
              and g.get("id").endswith("-label")
              for t in g.iter(f"{SVG}text")]
    assert labels == ["latent", "observed", "data"]


def test_the_paper_figure_draws_the_key(spike_and_slab):
    spec = figure_spec(plategraph.layout(spike_and_slab, theme="paper", legend=True))
    assert [t.text for t in spec.texts if t.role == "key"] == KINDS
    plain = figure_spec(plategraph.layout(spike_and_slab, theme="paper"))
    assert spec.bounds.height > plain.bounds.height
    assert len(spec.curves) == len(plain.curves) + 3
    assert not [t for t in plain.texts if t.role == "key"]


def test_tikz_draws_the_key_with_the_figures_styles(spike_and_slab):
    tikz = plategraph.to_tikz(spike_and_slab, legend=True)
    key = tikz[tikz.index("% the key"):]
    assert "\\node[latent, gated, minimum size=8pt]" in key and "\\draw[gate]" in key
    assert [line.rsplit("{", 1)[1].rstrip("};") for line in key.splitlines()
            if "font=\\footnotesize" in line] == [
        "latent", "observed", "gated", "data", "control", "gate"]
    assert "% the key" not in plategraph.to_tikz(spike_and_slab)


def test_the_key_goes_below_the_graphs_box_not_a_plates():
    laid_out = ('digraph m {\n\tgraph [bb="0.14,1.7764e-15,120.64,153", pad=0.1];\n'
                '\tsubgraph cluster_0 {\n\t\tgraph [bb="26.64,37,120.64,105", label=j];\n'
                '\t\tn1 [pos="60,70"];\n\t}\n\tn0 [pos="35,138"];\n}\n')
    keyed = keyed_dot(laid_out, (KeyEntry("node", "latent"), KeyEntry("edge", "gate")),
                      DrawOptions())
    assert "1.7764e-15" not in keyed and 'bb="26.64,37,120.64,105"' in keyed
    key = keyed.split('n0 [pos="35,138"];')[1]
    ys = [float(y) for y in re.findall(r'pos="[-\d.]+,([-\d.]+)"', key)]
    assert ys and all(y < -KEY_GAP for y in ys)  # every key entry below the graph
    assert "arrowhead=onormal" in keyed and "label=latent" in keyed
