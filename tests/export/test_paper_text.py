"""The paper figure's text: labels set as plain text in the font that draws them (never parsed
by mathtext), measured by that font so that every label lies inside its node or plate, and
copied from the PDF as written."""

from __future__ import annotations

import subprocess

import matplotlib.mathtext
import pytest
from support import load_example

import plategraph
from plategraph.export.paper import figure_spec, render_figure, text_box
from plategraph.layout.geometry import Box
from plategraph.layout.labels import distribution_label, name_label
from plategraph.layout.typeset import SUB_SCALE, paper_face, typeset

pytestmark = [pytest.mark.dot, pytest.mark.latex]

FONTS = [None, "Computer Modern"]
MODELS = ["radon:model", "eight_schools:centered", "lda:model", "hmm:with_scan",
          "matrix_factorization:model"]


def paper_spec(ident: str, font: str | None, **options):
    model, args, kwargs = load_example(ident)
    graph = plategraph.model_graph(model, *args, **kwargs)
    lay = plategraph.layout(graph, theme="paper", labels="math", distributions=True,
                            font=font, **options)
    return lay, figure_spec(lay, font=font)


@pytest.mark.parametrize("font", FONTS)
@pytest.mark.parametrize("ident", MODELS)
def test_every_label_lies_inside_its_node_or_plate(ident, font):
    lay, spec = paper_spec(ident, font)
    plates = list(lay.plates.values())
    nodes = [s.box for s in spec.shapes if s.kind in ("circle", "double", "box")]
    for text in spec.texts:
        box = text_box(spec, text)
        if text.role == "plate":
            # inside the plate whose label it is, clear of its edges by a point
            assert any(plate.contains(box.expanded(1.0)) for plate in plates), (text, box)
        elif text.role == "node":
            cx, cy = box.center
            node = next(n for n in nodes if n.contains(Box(cx, cy, cx, cy)))
            assert node.x0 <= box.x0 and box.x1 <= node.x1, (text, box, node)


@pytest.mark.parametrize("font", FONTS)
def test_a_plate_as_wide_as_its_label_holds_it(make_graph, font):
    """A plate whose label is wider than what it holds is sized by its label, measured in
    the font that draws it (Computer Modern is wider than graphviz's Times estimate)."""
    from plategraph.tracing.records import Plate, Site

    plates = [Plate("observations_per_county", 1000, None, -1),
              Plate("Wide_Words_MMMMMMM", 10, None, -2)]
    g = make_graph([Site("x", "latent", plates=("observations_per_county",)),
                    Site("y", "latent", plates=("Wide_Words_MMMMMMM",))], plates=plates)
    lay = plategraph.layout(g, theme="paper", labels="math", font=font)
    spec = figure_spec(lay, font=font)
    labels = [t for t in spec.texts if t.role == "plate"]
    assert len(labels) == 2
    for text in labels:
        box = text_box(spec, text)
        assert any(plate.contains(box.expanded(1.0)) for plate in lay.plates.values()), text


def test_labels_are_set_without_mathtext(monkeypatch):
    """A figure whose labels have no more math than names, subscripts and ∼ never calls
    mathtext: its parser is the slow part of a big figure."""
    def refuse(*args, **kwargs):
        raise AssertionError(f"mathtext parsed {args[1:2]}")

    model, args, kwargs = load_example("eight_schools:centered")
    graph = plategraph.model_graph(model, *args, **kwargs)
    monkeypatch.setattr(matplotlib.mathtext.MathTextParser, "parse", refuse)
    for font in FONTS:
        diagram = plategraph.draw(graph, theme="paper", distributions=True, font=font)
        assert diagram.pipe("pdf").startswith(b"%PDF")


def test_a_label_is_runs_of_text_in_the_figure_font():
    face = paper_face("Computer Modern")
    line = typeset(r"$\sigma_{a}\;\sim\;$Normal(0, 10)", face)
    assert line is not None
    texts = [(run.text, run.file, run.scale) for run in line.runs]
    # σ in CMU Serif's italic, its subscript smaller, the words upright in CMU Serif
    assert texts[0] == ("σ", face.italic, 1.0)
    assert texts[1] == ("a", face.italic, SUB_SCALE) and line.runs[1].rise < 0
    assert texts[-1] == ("Normal(0, 10)", face.regular, 1.0)
    # each run starts where the one before it ends
    assert all(a.x < b.x for a, b in zip(line.runs, line.runs[1:]))
    # math beyond a label's is left to mathtext
    assert typeset(r"$\frac{a}{b}$", face) is None


@pytest.mark.parametrize("font", FONTS)
def test_greek_names_and_subscripts_copy_from_the_pdf(make_graph, tmp_path, font):
    from plategraph.tracing.records import Edge, Site

    names = ["mu_a", "sigma_y", "tau", "theta_j", "log_radon"]
    g = make_graph([Site(n, "latent", distribution="Normal", dist_args=(("loc", None),))
                    for n in names],
                   [Edge(a, b, "data", ("loc",)) for a, b in zip(names, names[1:])])
    lay = plategraph.layout(g, theme="paper", labels="math", font=font)
    path = tmp_path / "names.pdf"
    path.write_bytes(render_figure(figure_spec(lay, font=font), "pdf"))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    for copied in ("μa", "σy", "τ", "θj", "log_radon"):
        assert copied in text, (copied, text)


def test_name_labels_of_the_math_dialect_are_all_set_as_text(make_graph):
    from plategraph.tracing.records import Site

    face = paper_face(None)
    names = ["sigma_obs", "x_0", "theta_mu_k", "phi", "Sigma_k", "ℓ", "log_sigma", "a$b$c",
             "back\\slash", "z_{1}", "café"]
    g = make_graph([Site(n, "latent") for n in names])
    for name in names:
        for math in (True, False):
            assert typeset(name_label(name, math=math, dialect="mathtext"), face) is not None
        assert distribution_label(g, name, math=True, dialect="mathtext") is None


def test_the_png_sets_its_text_where_the_pdf_does(tmp_path):
    """The paper figure's text runs in a renderer that counts y from the top (PNG's Agg, as
    SVG's) land where the PDF's do: the PNG's ink against the PDF's, rasterised by poppler at
    the PNG's resolution, differs only at the edges of strokes (about a third of the ink;
    text drawn upside down about the figure's middle makes it nearly all)."""
    import io

    import numpy as np
    from PIL import Image

    model, args, kwargs = load_example("radon:model")
    diagram = plategraph.draw(plategraph.model_graph(model, *args, **kwargs), theme="paper",
                              distributions=True)
    png = Image.open(io.BytesIO(diagram.pipe("png"))).convert("L")
    (tmp_path / "f.pdf").write_bytes(diagram.pipe("pdf"))
    subprocess.run(["pdftoppm", "-r", str(round(png.info["dpi"][0])), "-png", "-singlefile",
                    str(tmp_path / "f.pdf"), str(tmp_path / "f")], check=True)
    ref = Image.open(tmp_path / "f.png").convert("L")
    width, height = min(png.width, ref.width), min(png.height, ref.height)
    ink = np.asarray(png)[:height, :width] < 128
    ref_ink = np.asarray(ref)[:height, :width] < 128
    assert (ink ^ ref_ink).sum() / ref_ink.sum() < 0.6
