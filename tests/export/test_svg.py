"""The notebook SVG: node titles are site names and a label with a subscript is one text run."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

import plategraph
from plategraph.export.svg import tidy_svg
from plategraph.tracing.records import Edge, Plate, Site

pytestmark = pytest.mark.dot
SVG = "{http://www.w3.org/2000/svg}"


def test_titles_are_site_names_and_subscripts_one_run(make_graph):
    g = make_graph(
        [Site("sigma_obs", "latent", distribution="HalfNormal", dist_args=(("scale", "1"),)),
         Site("a<b>", "latent", distribution="Normal"),
         Site("y", "observed", plates=("N",), distribution="Normal",
              dist_args=(("loc", None), ("scale", None)))],
        [Edge("sigma_obs", "y", "data", ("scale",)), Edge("a<b>", "y", "data", ("loc",))],
        [Plate("N", 3, None, -1)])
    svg = plategraph.draw(g, labels="math", distributions=True).pipe("svg")
    root = ET.fromstring(svg)
    groups: dict[str, list[str]] = {}
    for group in root.iter(f"{SVG}g"):
        if group.get("class"):
            groups.setdefault(group.get("class"), []).append(group.find(f"{SVG}title").text)
    assert sorted(groups["node"]) == ["a<b>", "sigma_obs", "y"]
    assert sorted(groups["edge"]) == ["a<b>->y", "sigma_obs->y"]
    assert groups["cluster"] == ["N"]
    texts = [t for t in root.iter(f"{SVG}text")]
    lines = ["".join(t.itertext()) for t in texts]
    # σ with subscript "obs" (no Unicode subscript b): one <text>, the subscript a <tspan>
    assert "σobs ~ HalfNormal(1)" in lines and "y ~ Normal(a<b>, σobs)" in lines
    merged = texts[lines.index("σobs ~ HalfNormal(1)")]
    assert merged.get("text-anchor") == "middle"
    (sub,) = merged.findall(f"{SVG}tspan")
    assert sub.text == "obs" and sub.get("baseline-shift") == "sub"
    assert float(sub.get("font-size")) < float(merged.get("font-size"))


def test_tidy_leaves_single_runs_and_unknown_titles_alone():
    svg = (b'<g id="node1" class="node">\n<title>n0</title>\n'
           b'<ellipse fill="none" stroke="black" cx="27" cy="-18" rx="27" ry="18"/>\n'
           b'<text text-anchor="start" x="10" y="-14" font-size="12.00">x</text>\n</g>\n'
           b'<g id="node2" class="node">\n<title>n9</title>\n</g>')
    out = tidy_svg(svg, {"n0": "x & y"}).decode()
    assert "<title>x &amp; y</title>" in out and "<title>n9</title>" in out
    assert '<text text-anchor="start" x="10" y="-14" font-size="12.00">x</text>' in out
