"""Names exactly as written in every output: any name compiles in pdflatex and reads back from
the TikZ's PDF and the paper figure's PDF; one subscript rule in the notebook SVG, the paper
figure and the TikZ; long names cut with an ellipsis."""

from __future__ import annotations

import re
import subprocess
import unicodedata
import warnings
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

import pytest
import support
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import plategraph
from plategraph.export.paper import figure_spec, render_figure
from plategraph.export.tikz import tikz_picture
from plategraph.layout.labels import MAX_NAME, name_label, symbol_parts
from plategraph.tracing.records import Edge, Site

pytestmark = [pytest.mark.dot, pytest.mark.latex]

# what names are made of: ASCII with all of TeX's and matplotlib's specials, accented Latin
# letters, Greek, super- and subscript digits and a few symbols, and letters followed by
# combining accents (a decomposed "café"); not ł and Ł, which the classic fonts draw as an l
# with a stroke over it, read back as l
SINGLE = ("".join(chr(c) for c in range(0x20, 0x7F)) + "éèêëàâçñöüÉßæøåÆØÅı"
          + "αβγδεζηθικλμνξπρσςτυφχψωΓΔΘΛΞΠΣΦΨΩ" + "²³¹⁰₀₁₂ℓµ…×−")
COMBINING = "\u0301\u0302\u0308\u0300\u0303"
grapheme = st.one_of(
    st.sampled_from(SINGLE),
    st.tuples(st.sampled_from("aeiouxyzAEθσμ"), st.sampled_from(COMBINING)).map("".join))
names = st.lists(grapheme, min_size=1, max_size=10).map("".join).filter(
    lambda name: name.strip() != "")


def pdflatex(tmp: Path, source: str) -> str:
    """Compile ``source`` with pdflatex (fail with its errors) and return the PDF's text."""
    (tmp / "doc.tex").write_text(source, encoding="utf-8")
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                          "-no-shell-escape", "doc.tex"], cwd=tmp, capture_output=True,
                         text=True, errors="replace", timeout=120)
    if run.returncode != 0:
        errors = [line for line in run.stdout.splitlines() if line.startswith("!")]
        pytest.fail(f"pdflatex failed: {errors or run.stdout[-2000:]}")
    return pdf_text(tmp / "doc.pdf")


def pdf_text(pdf: Path) -> str:
    """The PDF's text in its layout (pdftotext's default joins a line ending in "-" to the
    next, as if hyphenated)."""
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


def read_as(text: str) -> str:
    """Text as compared with a PDF's: compatibility forms folded (² is 2, ﬁ is fi, … is ...),
    no white space, LaTeX's typographic quotes as the ASCII ones they print, an accented i as
    the i it is (TeX puts the accent on a dotless ı, which pdftotext reads as such) and TeX's
    glyph "Delta" as the letter Δ (poppler reads it as the increment sign ∆)."""
    text = text.replace("’", "'").replace("‘", "`").replace("\u2206", "\u0394")
    text = unicodedata.normalize("NFD", text)
    text = re.sub("\u0131(?=[\u0300-\u036f])", "i", text)
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", "", text)


# -- TikZ -------------------------------------------------------------------------------------


@settings(max_examples=4, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(names, min_size=30, max_size=30))
def test_any_name_compiles_with_pdflatex_and_reads_back(tmp_path_factory, batch):
    """Thirty names a document, each as the TikZ writes it, in pdflatex's default OT1
    encoding: every one compiles and pdftotext gives it back."""
    lines = [name_label(name, math=False, dialect="latex") for name in batch]
    source = ("\\documentclass{article}\n\\usepackage{tikz}\n\\pagestyle{empty}\n"
              "\\begin{document}\n"
              + "".join(f"\\noindent\\tikz\\node{{{line}}};\\par\n" for line in lines)
              + "\\end{document}\n")
    text = pdflatex(tmp_path_factory.mktemp("names"), source)
    assert read_as(text) == read_as("".join(batch))


@settings(max_examples=3, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(names, min_size=3, max_size=3, unique=True), names)
def test_any_names_in_a_figure_compile_in_a_t1_document(make_graph, tmp_path_factory, sites,
                                                        plate):
    """The whole picture with math labels, in a document with T1 fonts (Latin Modern's, as
    most papers set today; TeX's own T1 fonts are bitmaps without glyph names where cm-super
    is not installed, unreadable to pdftotext whatever the TeX): it compiles and each
    name that is a word reads back (a raised or lowered character, a subscript, can come
    before its line in pdftotext's reading order)."""
    picture = tikz_picture(hand_layout(make_graph, sites, plate))
    source = ("\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage{lmodern}\n"
              "\\usepackage{tikz}\n"
              f"\\begin{{document}}\n{picture}\\end{{document}}\n")
    text = read_as(pdflatex(tmp_path_factory.mktemp("t1"), source))
    for name in sites:
        if symbol_parts(name) is None and not set(name) & set("²³¹⁰₀₁₂"):
            assert read_as(name) in text


def test_unicode_and_accented_names_read_back_from_the_tikz(tmp_path):
    batch = ["σ²", "θ̂", "μ₀", "ℓ", "cafe\u0301", "log_radon", "x^2~y", "$\\frac{$", "a$b$c",
             "50%#1", "{b}", "back\\slash"]
    source = ("\\documentclass{article}\n\\usepackage{tikz}\n\\pagestyle{empty}\n"
              "\\begin{document}\n"
              + "".join(f"\\noindent\\tikz\\node{{{name_label(n, math=True, dialect='latex')}}};"
                        "\\par\n" for n in batch)
              + "\\end{document}\n")
    lines = [line for line in pdflatex(tmp_path, source).splitlines() if line.strip()]
    assert [read_as(line) for line in lines] == [read_as(n) for n in batch]


def test_a_long_name_is_cut_and_compiles(make_graph, tmp_path):
    long = "a_long_name_" * 50  # 600 characters
    lay = hand_layout(make_graph, ("mu", "sigma_a", long), "J")
    assert long in lay.graph  # the graph keeps the name whole
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", plategraph.FigureSizeWarning)
        picture = tikz_picture(lay, standalone=True)
    text = read_as(pdflatex(tmp_path, picture))
    shown = long[:MAX_NAME - 1]
    assert read_as(shown + "…") in text and long[:MAX_NAME] not in text


# -- the paper figure -------------------------------------------------------------------------


@cache
def paper_font_has() -> frozenset[str]:
    """The characters of the default paper font: what a name can show without a fallback."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    font = FT2Font(font_manager.findfont(font_manager.FontProperties(
        family="Liberation Serif")))
    return frozenset(chr(code) for code, _ in font.get_charmap().items())


@settings(max_examples=4, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(names, min_size=3, max_size=3, unique=True), names)
def test_the_paper_figure_draws_any_name_as_written(make_graph, tmp_path_factory, sites,
                                                    plate):
    """No name is read as math markup (``$``, ``\\``, ``^``, ``{``): each is drawn with math
    labels and plain, and a name of the font's characters reads back from the PDF as written."""
    render_figure(figure_spec(hand_layout(make_graph, sites, plate, labels="math"),
                              distributions=True), "pdf")
    pdf = tmp_path_factory.mktemp("paper") / "fig.pdf"
    pdf.write_bytes(render_figure(figure_spec(hand_layout(make_graph, sites, plate,
                                                          labels="plain"),
                                              distributions=False), "pdf"))
    text = read_as(pdf_text(pdf))
    for name in sites:
        if set(unicodedata.normalize("NFC", name)) <= paper_font_has():
            assert read_as(name) in text


@pytest.mark.parametrize("name", ["$\\frac{$", "a$b$c", "x\\", "\\$", "50$ or 60$"])
def test_dollars_and_backslashes_are_text_in_the_paper_figure(make_graph, tmp_path, name):
    for labels in ("plain", "math"):
        lay = hand_layout(make_graph, (name, "sigma_a", "x_j"), "J", labels=labels)
        path = tmp_path / f"{labels}.pdf"
        path.write_bytes(render_figure(figure_spec(lay, distributions=True), "pdf"))
        text = read_as(pdf_text(path))
        assert read_as(name) in text
        assert read_as(name + "∼Normal(0,−1)") in text  # its distribution's line too


# -- one subscript rule -----------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.one_of(names, st.from_regex(r"[a-zA-Z]{1,6}(_[a-zA-Z0-9]{1,4}){0,2}", fullmatch=True),
                 st.from_regex(r"(sigma|mu|σ|θ)(_[a-z0-9]{1,5}){1,2}", fullmatch=True)))
def test_every_dialect_subscripts_the_same_names(name):
    found = symbol_parts(name)
    html = name_label(name, math=True, dialect="html")
    latex = name_label(name, math=True, dialect="latex")
    mathtext = name_label(name, math=True, dialect="mathtext")
    subscripted = found is not None and bool(found[1])
    assert ("<SUB>" in html) == subscripted
    assert (latex.startswith("$") and not latex.startswith("$\\textrm")
            and "_{" in latex) == subscripted
    assert ("$" in mathtext.replace("\\$", "") and "_{" in mathtext) == subscripted


SIBLINGS = ["split_r", "split_rL", "level_rLL", "src_np", "src_jax", "σ_student", "σ_level",
            "sigma_obs"]
SUBSCRIPTED = {"σ_student", "σ_level", "sigma_obs"}


def test_one_subscript_rule_in_the_svg_the_paper_figure_and_the_tikz(make_graph):
    g = make_graph([Site(n, "latent") for n in SIBLINGS],
                   [Edge(a, b, "data", ("loc",)) for a, b in zip(SIBLINGS, SIBLINGS[1:])])
    svg = ET.fromstring(plategraph.draw(g, labels="math").pipe("svg"))
    ns = "{http://www.w3.org/2000/svg}"
    lowered = set()
    for node in svg.iter(f"{ns}g"):
        title = node.find(f"{ns}title")
        if node.get("class") == "node" and title is not None:
            spans = [s for s in node.iter(f"{ns}tspan") if s.get("baseline-shift")]
            if spans:
                lowered.add(title.text)
    assert lowered == SUBSCRIPTED
    spec = figure_spec(plategraph.layout(g, theme="paper"))
    assert {t.text for t in spec.texts if "_{" in t.text} == {
        "$\\sigma_{\\mathrm{student}}$", "$\\sigma_{\\mathrm{level}}$", "$\\sigma_{\\mathrm{obs}}$"}
    tikz = plategraph.to_tikz(g)
    assert len(re.findall(r"\{\$\\sigma_\{\\mathrm\{\w+\}\}\$\};", tikz)) == 3
    assert tikz.count("_{") == 3


# -- helpers ----------------------------------------------------------------------------------


def hand_layout(make_graph, sites, plate, labels="math"):
    """``support.hand_layout`` in the paper theme."""
    return support.hand_layout(make_graph, sites, plate, theme="paper", labels=labels)
