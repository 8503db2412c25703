"""`plategraph.draw` and the Diagram users hold: source, pipe, save, notebook display."""

from __future__ import annotations

import os
import re
import stat
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from support import outputs_in_fresh_processes

import plategraph
from plategraph.layout import graphviz
from plategraph.tracing.records import Edge, Plate, Site

MAGIC = {"svg": b"<?xml", "png": b"\x89PNG\r\n\x1a\n", "pdf": b"%PDF-", "dot": b"digraph"}


def unrolled(make_graph, J=5):
    return make_graph(
        [Site("mu", "latent", distribution="Normal", dist_args=(("loc", "0"), ("scale", "1"))),
         *(Site(f"obs_{j}", "observed", distribution="Normal",
                dist_args=(("loc", None), ("scale", "1"))) for j in range(J)),
         Site("w", "param"), Site("pen", "factor", plates=("N",))],
        [*(Edge("mu", f"obs_{j}", "data", ("loc",)) for j in range(J)),
         Edge("w", "pen", "data", ("log_factor",))],
        plates=[Plate("N", 3)],
        name="unrolled",
    )


def test_draw_collapses_by_default_and_keeps_what_it_drew(make_graph):
    g = unrolled(make_graph)
    d = plategraph.draw(g)
    assert isinstance(d, plategraph.Diagram)
    assert list(d.graph.nodes) == ["mu", "obs_j", "w", "pen"]
    assert d.source == plategraph.to_dot(d.graph)
    assert "obs_0" in g and len(g) == 8  # the caller's graph is untouched
    flat = plategraph.draw(g, collapse=False)
    assert list(flat.graph.nodes) == list(g.nodes) and "obs_4: observed" in flat.source
    assert repr(d) == "<plategraph.Diagram of 'unrolled': 4 nodes, 2 edges>"


def test_options_reach_the_dot_text(make_graph):
    g = unrolled(make_graph)
    d = plategraph.draw(g, theme="paper", rankdir="LR", params=True, deterministic=False,
                        distributions=True, labels="math")
    assert d.source == plategraph.to_dot(
        plategraph.collapse_families(g), theme="paper", rankdir="LR", params=True,
        deterministic=False, distributions=True, labels="math")
    # the paper figure's nodes hold the symbol only; the distributions go beside the figure
    assert "label=<μ>" in d.source and "rankdir=LR" in d.source and "w: param" in d.source
    assert "~ Normal" not in d.source


def test_options_are_keyword_only(make_graph):
    with pytest.raises(TypeError):
        plategraph.draw(unrolled(make_graph), "paper")  # type: ignore[misc]


@pytest.mark.dot
@pytest.mark.parametrize("fmt", ["svg", "png", "pdf", "dot"])
def test_pipe_and_save_every_format(make_graph, tmp_path, fmt):
    d = plategraph.draw(unrolled(make_graph), labels="math", distributions=True)
    data = d.pipe(fmt)
    assert data.startswith(MAGIC[fmt])
    path = d.save(tmp_path / f"model.{fmt}")
    # a PDF carries its creation time to the second: two runs may straddle one
    undated = lambda pdf: re.sub(rb"/CreationDate \(D:\d+Z\)", b"", pdf)
    assert isinstance(path, Path) and undated(path.read_bytes()) == undated(data)
    assert sorted(os.listdir(tmp_path)) == [f"model.{fmt}"]
    assert stat.S_IMODE(path.stat().st_mode) != 0o600  # not the temporary file's private mode
    if fmt == "svg":
        root = ET.fromstring(data)
        texts = {"".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")}
        # a label with a subscript is one text run (the subscript a <tspan> in it)
        assert {"μ ~ Normal(0, 1)", "obs_j ~ Normal(μ, 1)", "j = 5", "N = 3"} <= texts


def test_save_format_comes_from_the_suffix_or_is_given(make_graph, tmp_path):
    d = plategraph.draw(unrolled(make_graph))
    assert d.save(tmp_path / "m.DOT").read_text() == d.source
    assert d.save(tmp_path / "m.gv", format="dot").read_text() == d.source
    with pytest.raises(plategraph.FormatError, match="svg, png, pdf, dot"):
        d.save(tmp_path / "m.jpg")
    with pytest.raises(plategraph.FormatError, match="give it a suffix"):
        d.save(tmp_path / "m")
    with pytest.raises(plategraph.FormatError, match="svg, png, pdf, dot"):
        d.pipe("gif")
    assert sorted(os.listdir(tmp_path)) == ["m.DOT", "m.gv"]


@pytest.mark.dot
def test_a_failed_render_leaves_the_existing_file_untouched(make_graph, tmp_path):
    target = tmp_path / "model.svg"
    target.write_text("precious")
    d = plategraph.draw(unrolled(make_graph))
    d.source = d.source.replace("digraph", "digraph {{ broken", 1)
    with pytest.raises(plategraph.RenderError, match="dot failed"):
        d.save(target)
    assert target.read_text() == "precious" and os.listdir(tmp_path) == ["model.svg"]


def test_without_dot_the_source_and_dot_files_still_work(make_graph, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    d = plategraph.draw(unrolled(make_graph))
    with pytest.raises(plategraph.DotNotFoundError, match="apt-get install graphviz"):
        d.pipe("svg")
    with pytest.raises(plategraph.DotNotFoundError, match="install graphviz"):
        d.save(tmp_path / "m.png")
    assert d.pipe("dot").decode() == d.source
    assert d.save(tmp_path / "m.dot").read_text() == d.source
    assert sorted(os.listdir(tmp_path)) == ["m.dot"]


@pytest.mark.dot
def test_it_displays_itself_as_svg(make_graph):
    d = plategraph.draw(unrolled(make_graph))
    bundle = d._repr_mimebundle_()
    assert set(bundle) == {"image/svg+xml", "text/plain"}
    assert bundle["image/svg+xml"].lstrip().startswith("<?xml")
    ET.fromstring(bundle["image/svg+xml"].encode())
    assert bundle["image/svg+xml"] == d.pipe("svg").decode()
    assert d._repr_mimebundle_(include=["image/svg+xml"]) == bundle


@pytest.mark.dot
def test_display_does_not_import_ipython_and_svg_is_identical_across_processes():
    script = (
        "import sys\n"
        "import jax.numpy as jnp\n"
        "import plategraph\n"
        "from plategraph.tracing.records import Edge, Plate, Site, TraceRecord\n"
        "from support import load_example\n"
        "sites = (Site('mu_a', 'latent', distribution='Normal'),\n"
        "         *(Site(f'obs_{j}', 'observed', plates=('P',), distribution='Normal',\n"
        "                dist_args=(('loc', None), ('scale', '1'))) for j in range(4)))\n"
        "edges = tuple(Edge('mu_a', f'obs_{j}', 'data', ('loc',)) for j in range(4))\n"
        "g = plategraph.build_graph(TraceRecord('m', sites, (Plate('P', 3),), edges))\n"
        "d = plategraph.draw(g, labels='math', distributions=True)\n"
        "svg = d._repr_mimebundle_()['image/svg+xml']\n"
        "assert 'IPython' not in sys.modules\n"
        "sys.stdout.write(d.source + '\\0' + svg)\n"
        "# a traced model: tracing, collapsing and drawing all in trace order\n"
        "model = load_example('seed_hierarchical:model')[0]\n"
        "g = plategraph.model_graph(model, 5, jnp.arange(5.0))\n"
        "d = plategraph.draw(g, labels='math', distributions=True)\n"
        "sys.stdout.write('\\0' + d.source + '\\0' + d.pipe('svg').decode())\n"
    )
    runs = outputs_in_fresh_processes(script)
    assert runs[0] == runs[1] and runs[0].count(b"<svg") == 2 and b"obs_j" in runs[0]


@pytest.mark.dot
@pytest.mark.parametrize(("theme", "formats"), [("notebook", ["svg", "png", "dot"]),
                                                ("paper", ["svg", "pdf", "png", "tex"])])
def test_pipe_many_draws_each_format_as_pipe_does_from_one_run(make_graph, monkeypatch, theme,
                                                               formats):
    graph = unrolled(make_graph)
    alone = {fmt: plategraph.draw(graph, theme=theme).pipe(fmt) for fmt in formats}
    runs = []
    run = graphviz._graphviz
    monkeypatch.setattr(graphviz, "_graphviz", lambda command, *a, **k: (
        runs.append(command[0]), run(command, *a, **k))[1])
    assert plategraph.draw(graph, theme=theme).pipe_many(formats) == alone
    assert runs == ["dot"]  # one layout; the notebook's SVG and PNG rendered by its run
