"""TikZ output: the picture's text, real pdflatex runs read back with pdftotext, escaping of any
site name, golden .tex files and every gallery model compiled in one document."""

from __future__ import annotations

import re
import subprocess
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import gallery_ids, hand_layout, load_example

import plategraph
from plategraph.export.tikz import tikz_picture
from plategraph.tracing.records import Edge, Site

pytestmark = pytest.mark.latex

GOLDEN_MODELS = ["eight_schools:centered", "lda:model", "radon:model", "hmm:with_scan"]


def pdflatex(tmp_path: Path, source: str, name: str = "fig") -> Path:
    """Compile ``source`` with pdflatex (twice nothing: one run is enough for TikZ); fail with
    the log's error lines when it does not compile."""
    tex = tmp_path / f"{name}.tex"
    tex.write_text(source, encoding="utf-8")
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                          "-no-shell-escape", tex.name], cwd=tmp_path, capture_output=True,
                         text=True, errors="replace", timeout=120)
    if run.returncode != 0:
        errors = [line for line in run.stdout.splitlines() if line.startswith("!")]
        pytest.fail(f"pdflatex failed: {errors or run.stdout[-2000:]}")
    return tmp_path / f"{name}.pdf"


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_picture_reads_like_tikz_bayesnet(make_graph):
    tex = tikz_picture(hand_layout(make_graph))
    lines = tex.splitlines()
    assert lines[0].startswith("% plate diagram of model")
    assert "no TikZ libraries" in lines[1] and "\\usetikzlibrary" not in tex
    assert "\\documentclass" not in tex  # a picture to \input
    # styles defined in the picture itself, in the tikz-bayesnet vocabulary
    for style in ("latent/.style", "obs/.style", "det/.style", "const/.style", "factor/.style",
                  "plate/.style"):
        assert style in tex
    # one line a node, at the layout's centre, holding the symbol
    assert "  \\node[latent] (n0) at (22.0, 92.0) {$\\mu$};" in lines
    assert "  \\node[latent] (n1) at (72.0, 92.0) {$\\sigma_{a}$};" in lines
    assert "  \\node[obs] (n2) at (47.0, 32.0) {$x_{j}$};" in lines
    assert "  \\draw[plate] (20.0, 5.0) rectangle (80.0, 55.0);" in lines
    assert "  \\node[plate label] at (78.0, 7.0) {$J = 8$};" in lines
    assert ("  \\draw[edge] (22.0, 80.0) .. controls (26.0, 65.0) and (40.0, 55.0) .. "
            "(44.0, 44.0);") in lines
    # the distributions beside the diagram, one line a site, a true minus sign in math
    assert "$\\mu \\sim \\mathrm{Normal}(0, -1)$\\\\" in tex
    assert "$x_{j} \\sim \\mathrm{Normal}(\\mu, \\sigma_{a})$};" in tex


def test_standalone_compiles_and_reads_back(make_graph, tmp_path):
    pdf = pdflatex(tmp_path, tikz_picture(hand_layout(make_graph), standalone=True))
    text = squeeze(pdf_text(pdf))
    for expected in ("µ", "σa", "xj", "J=8", "µ∼Normal(0,−1)", "σa∼HalfNormal(5)",
                     "xj∼Normal(µ,σa)"):
        assert expected in text
    # one page, the picture's size (no paper-size margins)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert re.search(r"Pages:\s+1\n", info) and width < 200 and height < 120


def page_size(pdf: Path) -> tuple[float, float]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    width, height = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups()
    return float(width), float(height)


@pytest.mark.parametrize("width", ["3.3in", "8cm", 300, "\\columnwidth", "0.5\\textwidth"])
def test_width_is_a_maximum_never_a_scale(make_graph, tmp_path, width):
    natural = tikz_picture(hand_layout(make_graph), standalone=True)
    tex = tikz_picture(hand_layout(make_graph), standalone=True, width=width)
    assert "\\resizebox" not in tex and tex == natural  # it fits: nothing changes
    assert "font=\\small" in tex and "font=\\footnotesize" in tex
    assert "xj∼Normal(µ,σa)" in squeeze(pdf_text(pdflatex(tmp_path, tex, "fig")))


def test_distributions_go_where_asked_and_below_when_they_do_not_fit(make_graph):
    lay = hand_layout(make_graph)
    beside = tikz_picture(lay, distributions="beside")
    below = tikz_picture(lay, distributions="below")
    assert "\\node[distributions] at (102.0, 110.0)" in beside
    assert "\\node[distributions] at (0.0, -12.0)" in below
    # too narrow for the list beside: below it, the text as it was
    assert tikz_picture(lay, distributions=True, width=150) == below


def test_width_reaches_tikz_from_every_way_in(tmp_path):
    model, args, kwargs = load_example("radon:model")
    graph = plategraph.model_graph(model, *args, **kwargs)
    by_function = plategraph.to_tikz(graph, width="3.3in", distributions=True)
    by_diagram = plategraph.draw(graph, theme="paper", width="3.3in",
                                 distributions=True).pipe("tex").decode()
    assert by_function == by_diagram and "\\node[distributions] at (0.0, -12.0)" in by_function
    with pytest.warns(plategraph.FigureSizeWarning, match="wider than the 1.00 in asked"):
        plategraph.to_tikz(graph, width="1in")
    with pytest.raises(plategraph.OptionError, match="TeX width such as"):
        plategraph.to_tikz(graph, width="wide")
    with pytest.raises(plategraph.OptionError, match="TeX width such as"):
        plategraph.to_tikz(graph, width="-1in")


names = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=12)


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(names, min_size=3, max_size=3, unique=True), names)
def test_any_site_or_plate_name_compiles(make_graph, tmp_path_factory, sites, plate):
    """Every character a name can hold is escaped: pdflatex accepts the document."""
    tmp = tmp_path_factory.mktemp("names")
    lay = hand_layout(make_graph, names=tuple(sites), plate=plate)
    pdflatex(tmp, tikz_picture(lay, standalone=True))


def test_special_characters_read_back(make_graph, tmp_path):
    sites = ("a_b c", "100%", "{x}#$&")
    lay = hand_layout(make_graph, names=sites, plate="π~^")
    pdf = pdflatex(tmp_path, tikz_picture(lay, standalone=True))
    text = squeeze(pdf_text(pdf))
    # every character as written, the underscore too (the typewriter's: the classic text
    # fonts have none)
    for expected in ("a_bc∼Normal(0,−1)", "100%∼HalfNormal(5)", "{x}#$&∼Normal(a_bc,100%)",
                     "π~^=8"):
        assert expected in text


def gallery_tikz(ident: str, **options) -> str:
    model, args, kwargs = load_example(ident)
    graph = plategraph.model_graph(model, *args, **kwargs)
    return plategraph.to_tikz(graph, **options)


@pytest.mark.dot
@pytest.mark.parametrize("ident", GOLDEN_MODELS)
def test_tikz_matches_golden(ident, assert_golden):
    tex = gallery_tikz(ident, distributions=True)
    assert_golden(f"tikz/{ident.replace(':', '__')}.tex", tex)


@pytest.mark.dot
def test_every_gallery_model_compiles(tmp_path):
    """All the gallery's pictures in one document (one pdflatex run), a page each."""
    ids = gallery_ids()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", plategraph.FigureSizeWarning)  # a big page below
        pictures = [gallery_tikz(ident, distributions=True, params=True) for ident in ids]
    body = "\n\\newpage\n".join(f"\\noindent {picture}" for picture in pictures)
    document = ("\\documentclass{article}\n\\usepackage{tikz}\n"
                "\\usepackage[paperwidth=14in,paperheight=14in,margin=0.5in]{geometry}\n"
                f"\\begin{{document}}\n{body}\n\\end{{document}}\n")
    pdf = pdflatex(tmp_path, document, "gallery")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert re.search(rf"Pages:\s+{len(ids)}\n", info)
    text = pdf_text(pdf)
    assert "∼ Dirichlet" in text and "∼ Normal" in text


@pytest.mark.dot
def test_to_tikz_pipe_save_and_cli_agree(make_graph, tmp_path):
    model, args, kwargs = load_example("eight_schools:centered")
    graph = plategraph.model_graph(model, *args, **kwargs)
    tex = plategraph.to_tikz(graph, distributions=True)
    diagram = plategraph.draw(graph, distributions=True)
    assert diagram.pipe("tex").decode() == tex
    assert diagram.save(tmp_path / "fig.tex").read_text() == tex
    document = plategraph.to_tikz(graph, standalone=True, distributions=True)
    assert document.startswith("\\documentclass") and tex.rstrip() in document
    assert "$\\theta \\sim \\mathrm{Normal}(\\mu, \\tau)$" in tex


def test_tikz_applies_a_theme_dicts_fills_and_the_observed_cue(make_graph, tmp_path):
    g = make_graph([Site("z", "latent", distribution="Bernoulli", discrete=True),
                    Site("mu", "latent", gated_by=("z",)), Site("y", "observed")],
                   [Edge("mu", "y", "data", ("loc",))])
    tikz = plategraph.to_tikz(g, theme={"base": "paper", "latent": {"fillcolor": "#ff0000"}},
                              observed_style="double", standalone=True, legend=True)
    assert "fill={rgb,255:red,255;green,0;blue,0}}," in tikz
    assert "obs/.style={latent, fill=gray!25, double, double distance=1pt}," in tikz
    assert "\\draw[gate]" in tikz
    pdflatex(tmp_path, tikz)  # colour expression, gate arrow and key: no TikZ library
