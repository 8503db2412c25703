"""The paper figure: its spec (fixed node size, text sizes at a column's width, distributions
beside or below), real PDF/SVG/PNG files (size, tight box, embedded fonts, stored dpi) and
options."""

from __future__ import annotations

import re
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import load_example

import plategraph
from plategraph.export.paper import figure_spec, render_figure
from plategraph.layout.geometry import Box, Layout
from plategraph.layout.options import COLUMN_WIDTH, TEXT_WIDTH, DrawOptions, parse_width
from plategraph.tracing.records import Edge, Plate, Site

pytestmark = [pytest.mark.dot, pytest.mark.latex]

CLASSICS = ["eight_schools:centered", "radon:model", "lda:model", "matrix_factorization:model",
            "hmm:with_scan"]
COLUMN = "3.3in"


def gallery_graph(ident: str):
    model, args, kwargs = load_example(ident)
    return plategraph.model_graph(model, *args, **kwargs)


def paper_layout(ident: str, **options) -> Layout:
    return plategraph.layout(gallery_graph(ident), theme="paper", labels="math",
                             distributions=True, **options)


@pytest.mark.parametrize("ident", CLASSICS)
def test_classic_models_fit_a_column_at_natural_size(ident):
    spec = figure_spec(paper_layout(ident))
    # never scaled: the figure is as small as its layout, within the column, its text at the
    # type size (9 pt symbols, 8 pt labels and list)
    assert spec.scale == 1.0 and spec.width <= 3.3 * 72
    assert {t.size for t in spec.texts} <= {8.0, 9.0}
    circles = [s for s in spec.shapes if s.kind in ("circle", "double")]
    # a typical symbol sets the figure's one node size; a long name gets a circle of its own
    sizes = [round(s.box.width, 3) for s in circles]
    assert sizes.count(min(sizes)) >= len(sizes) / 2
    assert all("\\sim" not in t.text for t in spec.texts if t.role == "node")
    rows = [t for t in spec.texts if t.role == "distribution"]
    assert len(rows) == len(spec.shapes) - len(paper_layout(ident).plates)
    # the list is beside or below the diagram, never over it
    diagram = Box(0, 0, paper_layout(ident).width, paper_layout(ident).height)
    assert all(not diagram.contains(Box(t.x, t.y, t.x, t.y)) for t in rows)


def test_a_long_name_gets_a_wider_circle_not_smaller_text():
    spec = figure_spec(paper_layout("radon:model"))
    node = {t.text: t for t in spec.texts if t.role == "node"}["log_radon"]
    circle = next(s.box for s in spec.shapes if s.box.contains(Box(node.x, node.y, node.x,
                                                                   node.y)))
    assert node.size == 9.0 and circle.width > 40


def test_distributions_go_below_when_beside_does_not_fit_the_width():
    lay = paper_layout("radon:model")
    below = figure_spec(lay)
    rows = [t for t in below.texts if t.role == "distribution"]
    assert all(t.y < 0 for t in rows)  # under the diagram
    with pytest.warns(plategraph.FigureSizeWarning, match=r"wider than a column \(3\.18 in\)"):
        beside = figure_spec(lay, distributions="beside")
    assert all(t.x > lay.width for t in beside.texts if t.role == "distribution")
    assert beside.width > below.width
    # the text keeps its size wherever the list goes
    assert beside.smallest_text() == below.smallest_text() == 8.0
    assert not [t for t in figure_spec(lay, distributions=False).texts
                if t.role == "distribution"]
    # a small model's list fits beside
    small = figure_spec(paper_layout("eight_schools:centered"))
    assert all(t.x > 0 and t.y > 0 for t in small.texts if t.role == "distribution")


def test_a_figure_too_wide_for_the_column_warns_and_fits_the_text_width():
    lay = paper_layout("crossed_random_effects:model")
    with pytest.warns(plategraph.FigureSizeWarning,
                      match=r"model is 5\.\d\d in × .* at 9 pt \(7 sites, 3 plates\): wider "
                            r"than a column \(3\.18 in\); .*full text width \(6\.49 in\)"
                            r".*figure\*"):
        spec = figure_spec(lay)
    assert COLUMN_WIDTH < spec.width <= TEXT_WIDTH and spec.smallest_text() == 8.0
    # a narrower width asked: the same text, and the warning names that width
    with pytest.warns(plategraph.FigureSizeWarning, match="wider than the 1.50 in asked"):
        narrow = figure_spec(paper_layout("radon:model"), width="1.5in")
    assert narrow.smallest_text() == 8.0 and narrow.scale == 1.0


@pytest.mark.parametrize("fontsize", [7, 10])
def test_fontsize_sets_every_text_and_the_layout(fontsize):
    spec = figure_spec(paper_layout("eight_schools:centered", fontsize=fontsize))
    assert spec.largest_text() == fontsize and spec.smallest_text() == fontsize - 1


def test_math_is_set_as_in_a_paper():
    spec = figure_spec(paper_layout("radon:model"))
    texts = {t.text for t in spec.texts}
    assert {"$\\mu_{a}$", "$\\sigma_{y}$", "$a$", "log_radon"} <= texts
    assert "$\\mu_{a}\\;\\sim\\;$Normal(0, 10)" in texts
    assert "$a\\;\\sim\\;$Normal($\\mu_{a}$, $\\sigma_{a}$)" in texts


def test_minus_signs_are_true_minus_signs(make_graph):
    g = make_graph([Site("x", "latent", distribution="Normal",
                         dist_args=(("loc", "-1"), ("scale", "2")))])
    lay = plategraph.layout(g, theme="paper", labels="math", distributions=True)
    rows = [t.text for t in figure_spec(lay).texts if t.role == "distribution"]
    assert rows == ["$x\\;\\sim\\;$Normal(\u22121, 2)"]


def pdf_page_size(pdf: bytes, tmp_path: Path) -> tuple[float, float]:
    path = tmp_path / "fig.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    width, height = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups()
    return float(width), float(height)


def test_pdf_is_column_wide_with_embedded_fonts_and_reads_back(tmp_path):
    d = plategraph.draw(gallery_graph("radon:model"), theme="paper", width=COLUMN,
                        distributions=True)
    pdf = d.pipe("pdf")
    width, _ = pdf_page_size(pdf, tmp_path)
    spec = figure_spec(d.layout, width=COLUMN, distributions=True)
    assert width == pytest.approx(spec.width, abs=0.1) and width <= 237.6
    fonts = subprocess.run(["pdffonts", str(tmp_path / "fig.pdf")], capture_output=True,
                           text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(" yes " in f and ("TrueType" in f or "Type 1" in f) for f in fonts)
    text = subprocess.run(["pdftotext", str(tmp_path / "fig.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "Normal(" in text and "county = 8" in text and "house = 80" in text
    # the same figure twice is the same bytes
    assert d.pipe("pdf") == pdf


def test_png_stores_its_dpi_and_has_no_blank_margin():
    d = plategraph.draw(gallery_graph("lda:model"), theme="paper", width=COLUMN, dpi=200)
    png = d.pipe("png")
    assert png.startswith(b"\x89PNG")
    chunks = {}
    pos = 8
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        chunks.setdefault(kind, []).append(png[pos + 8:pos + 8 + length])
        pos += 12 + length
    width, height = struct.unpack(">II", chunks[b"IHDR"][0][:8])
    assert width == round(figure_spec(d.layout).width / 72 * 200)
    x_ppm, y_ppm, unit = struct.unpack(">IIB", chunks[b"pHYs"][0])
    assert unit == 1 and round(x_ppm * 0.0254) == 200 == round(y_ppm * 0.0254)
    # tight: ink within two pixels of every side
    import io

    from matplotlib.image import imread

    pixels = imread(io.BytesIO(png))
    ink = (pixels[:, :, :3].min(axis=2) < 0.5) & (pixels[:, :, 3] > 0.5)
    rows = ink.any(axis=1).nonzero()[0]
    cols = ink.any(axis=0).nonzero()[0]
    assert rows[0] <= 3 and cols[0] <= 3
    assert rows[-1] >= height - 4 and cols[-1] >= width - 4
    assert zlib.decompress(b"".join(chunks[b"IDAT"]))  # a real image


def test_svg_has_natural_size_and_is_deterministic():
    d = plategraph.draw(gallery_graph("eight_schools:centered"), theme="paper", width="8cm")
    svg = d.pipe("svg")
    root = ET.fromstring(svg)
    natural = figure_spec(d.layout).width
    assert float(root.get("width").removesuffix("pt")) == pytest.approx(natural, abs=0.01)
    assert d.pipe("svg") == svg


def test_font_option_takes_a_font_file(tmp_path):
    import matplotlib

    dejavu = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSerif.ttf"
    d = plategraph.draw(gallery_graph("lda:model"), theme="paper", font=str(dejavu))
    path = d.save(tmp_path / "fig.pdf")
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    assert "DejaVuSerif" in fonts


def test_default_font_is_the_debian_package_embedded_in_the_pdf(tmp_path):
    # Liberation Serif comes from Debian's fonts-liberation2, which the Makefile installs
    path = plategraph.draw(gallery_graph("radon:model"), theme="paper",
                           distributions=True).save(tmp_path / "fig.pdf")
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    names = [f.split()[0].split("+")[-1] for f in fonts]
    assert "LiberationSerif" in names and "LiberationSerif-Italic" in names
    assert all("CID TrueType" in f for f in fonts if "Liberation" in f)
    # STIX names matplotlib's bundled fonts, the same on every machine
    path = plategraph.draw(gallery_graph("radon:model"), theme="paper",
                           font="STIX").save(tmp_path / "stix.pdf")
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                           check=True).stdout
    assert "STIXGeneral" in fonts and "Liberation" not in fonts


def test_phi_is_an_italic_letter_in_a_text_font(tmp_path):
    # mathtext's \phi is ϕ (U+03D5), which Liberation Serif draws upright even in italic: the
    # paper figure sets it as the letter φ (U+03C6) there; STIX's ϕ is italic and stays
    graph = gallery_graph("lda_topic_weights:model")
    for font, letter, other in (("Liberation Serif", "\u03c6", "\u03d5"),
                                ("STIX", "\u03d5", "\u03c6")):
        path = plategraph.draw(graph, theme="paper", distributions=True,
                               font=font).save(tmp_path / "fig.pdf")
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert text.count(letter) == 3 and other not in text  # node, prior, w's parameter


def test_missing_default_font_falls_back_to_bundled_stix_with_a_warning(monkeypatch):
    from plategraph.export import paper

    monkeypatch.setattr(paper, "font_installed", lambda family: False)
    paper.default_font.cache_clear()
    try:
        with pytest.warns(UserWarning, match="fonts-liberation2.*bundled STIX"):
            rc = paper.font_settings(paper.DEFAULT_FONT)
        assert rc["font.family"] == "STIXGeneral"
    finally:
        paper.default_font.cache_clear()


@pytest.mark.parametrize(("options", "message"), [
    ({"theme": "paper", "width": "3.3 furlongs"}, "width must be a length"),
    ({"theme": "paper", "width": "-2in"}, "width must be a length"),
    ({"theme": "paper", "dpi": 0}, "dpi must be a positive number"),
    ({"theme": "paper", "font": "No Such Font Family"}, "is not installed"),
    ({"theme": "paper", "font": "/nowhere/font.ttf"}, "does not exist"),
    ({"theme": "paper", "distributions": "left"}, "distributions must be"),
    ({"width": "3.3in"}, "options of the paper figure"),
])
def test_bad_options_are_clear_errors(make_graph, options, message):
    g = make_graph([Site("x", "latent", distribution="Normal")])
    with pytest.raises(plategraph.OptionError, match=message):
        plategraph.draw(g, **options)


@pytest.mark.parametrize(("width", "points"), [
    ("3.3in", 237.6), ("8.4cm", 238.11), ("84mm", 238.11), ("240bp", 240.0), (100, 100.0),
    ("240pt", 239.1), ("72.27pt", 72.0), (None, None)])
def test_widths(width, points):
    assert parse_width(width) == (pytest.approx(points, abs=0.01) if points else None)


def test_a_hand_made_layout_draws_every_kind(make_graph, tmp_path):
    g = make_graph(
        [Site("z", "latent", distribution="Bernoulli", gated_by=()),
         Site("m", "deterministic"), Site("w", "param"), Site("pen", "factor"),
         Site("y", "observed", plates=("N",), distribution="Normal",
              dist_args=(("loc", None), ("scale", "1")))],
        [Edge("z", "m", "data", ("value",)), Edge("m", "y", "data", ("loc",)),
         Edge("z", "pen", "control", ())],
        [Plate("N", 3, None, -1)])
    lay = Layout(graph=g, nodes={"z": Box(0, 60, 24, 84), "m": Box(40, 60, 64, 84),
                                 "w": Box(80, 66, 100, 78), "pen": Box(5, 20, 10, 25),
                                 "y": Box(40, 10, 64, 34)},
                 plates={"N": Box(30, 0, 90, 44)}, plate_labels={"N": Box(70, 2, 88, 10)},
                 edges={("z", "m"): [(24, 72), (30, 72), (34, 72), (40, 72)],
                        ("m", "y"): [(52, 60), (52, 50), (52, 40), (52, 34)],
                        ("z", "pen"): [(12, 60), (10, 45), (8, 35), (7.5, 25)]},
                 width=100, height=84, options=DrawOptions(labels="math"))
    spec = figure_spec(lay, distributions=True)
    kinds = [s.kind for s in spec.shapes]
    assert kinds == ["rect", "circle", "double", "square", "circle"]
    assert [c[1] for c in spec.curves] == [False, False, True]  # the control edge dashed
    for fmt in ("pdf", "svg", "png"):
        assert render_figure(spec, fmt)[:4] in (b"%PDF", b"<?xm", b"\x89PNG")


def test_importing_plategraph_does_not_import_matplotlib():
    script = "import sys, plategraph; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "False"


@pytest.mark.slow
@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=8),
                min_size=2, max_size=2, unique=True))
def test_any_site_name_draws(make_graph, names):
    """mathtext's specials ($, \\, ^, {) in names are text, whatever is next to them."""
    a, b = names
    g = make_graph([Site(a, "latent", distribution="Normal", dist_args=(("loc", "0"),)),
                    Site(b, "observed", distribution="Normal", dist_args=(("loc", None),))],
                   [Edge(a, b, "data", ("loc",))])
    lay = Layout(graph=g, nodes={a: Box(0, 40, 24, 64), b: Box(0, 0, 24, 24)}, plates={},
                 plate_labels={}, edges={(a, b): [(12, 40), (12, 35), (12, 30), (12, 24)]},
                 width=24, height=64, options=DrawOptions(labels="math"))
    assert render_figure(figure_spec(lay, distributions=True), "pdf").startswith(b"%PDF")


def test_the_fork_server_warm_up_draws_and_leaves_the_font_to_each_worker():
    # the gallery's fork server imports plategraph._fork_server, which swallows errors of its
    # warm-up; the warm-up itself must work, or every worker pays for its first figure again
    import importlib

    from plategraph.app import _fork_server, pool
    from plategraph.export import paper

    assert "plategraph.app._fork_server" in pool.PRELOAD
    paper.warm_up()
    importlib.reload(_fork_server)
    assert paper.default_font.cache_info().currsize == 0


def test_the_paper_figure_applies_a_theme_dicts_fills_and_the_observed_cue(make_graph):
    g = make_graph([Site("mu", "latent"), Site("y", "observed")],
                   [Edge("mu", "y", "data", ("loc",))])
    spec = figure_spec(plategraph.layout(
        g, theme={"base": "paper", "latent": {"fillcolor": "lightyellow"}},
        observed_style="square"))
    assert [(s.kind, s.fill) for s in spec.shapes] == [("circle", "#ffffe0"), ("box", "#cccccc")]
    assert render_figure(spec, "png")[:4] == b"\x89PNG"
