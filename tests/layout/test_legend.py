"""The key of a figure (``legend=True``): the kinds it draws, in every output."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from support import load_example

import plategraph
from plategraph.export.paper import figure_spec
from plategraph.layout.legend import KeyEntry, key_entries, place_key

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


def test_the_notebook_svg_draws_the_key_below_the_diagram(spike_and_slab):
    plain = ET.fromstring(plategraph.draw(spike_and_slab).pipe("svg"))
    keyed = ET.fromstring(plategraph.draw(spike_and_slab, legend=True).pipe("svg"))
    key = keyed.find(f"{SVG}g[@id='key']")
    assert key is not None and plain.find(f"{SVG}g[@id='key']") is None
    assert [t.text for t in key.iter(f"{SVG}text")] == [
        "latent", "observed", "gated", "data", "control", "gate"]
    height = float(keyed.get("viewBox").split()[3])
    assert height > float(plain.get("viewBox").split()[3])
    # every symbol lies inside the enlarged picture, below the diagram
    ys = [float(e.get("cy") or e.get("y")) for e in key if e.get("cy") or e.get("y")]
    assert all(float(plain.get("viewBox").split()[3]) <= y <= height for y in ys)


def test_the_paper_figure_draws_the_key(spike_and_slab):
    spec = figure_spec(plategraph.layout(spike_and_slab, theme="paper", legend=True))
    assert [t.text for t in spec.texts if t.role == "key"] == [
        "latent", "observed", "gated", "data", "control", "gate"]
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
