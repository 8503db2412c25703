"""Every gallery model's paper figure, and every model of the test suite's registry
(benchmarks/realworld), set in a real two-column page: the TikZ ``\\input`` and the PDF
``\\includegraphics`` at natural size compile with pdflatex without an overfull box, and their
text, measured on the compiled page with ``pdftotext -bbox``, is between 7 and 10 pt. Each
figure has a caption of two lines, as in a paper, and its float page holds them both. A figure
that warns (``FigureSizeWarning``) goes in ``figure*`` under the same rules."""

from __future__ import annotations

import re
import subprocess
import warnings
from pathlib import Path

import pytest
import realworld  # benchmarks/realworld: the test suite's shared registry of models
from support import gallery_ids, load_example

import plategraph

pytestmark = [pytest.mark.latex, pytest.mark.dot, pytest.mark.slow]

# The test suite's shared registry of models is benchmarks/realworld (57 models in the style of
# NumPyro's examples, traced by tests/tracing and tests/spec): all of them, in one document (one
# pdflatex run, about a minute and a half for the lot), but one that no layout fits on a page at
# 9 pt: hsgp_birthdays (24 sites in 7 plates, a list of 24 rows). A figure* holds 467 × 512 pt
# (the article's text less a two-line caption), and its list, set in three columns below, takes
# 142 pt of that: the diagram would have to be 467 × 370 pt. Every layout it has is larger
# (turned, in ellipses: 299 × 783 pt; turned, staggered over three rows: 505 × 581 pt;
# staggered over four rows: 754 × 461 pt), even at 7 pt, since its nodes hold scoped names
# (week-trend/alpha). It warns (below).
SUITE_TOO_WIDE = ["gp:hsgp_birthdays"]
SUITE = [ident for ident in realworld.idents() if ident not in SUITE_TOO_WIDE]

LOREM = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor "
         "incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud "
         "exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. ") * 3

# a caption of two lines in a column (80 characters of 10 pt text)
CAPTION = LOREM[:80]

_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                   r"(.*?)</word>")
_PAGE = re.compile(r"<page [^>]*>(.*?)</page>", re.S)


def two_column_page(figures: list[tuple[str, str]]) -> str:
    """A ``\\documentclass[10pt,twocolumn]{article}`` of body text, then each figure
    (``(environment, body)``) alone on a float page, then a line of 10 pt text that tells
    how tall pdftotext measures the document's font."""
    floats = "\n".join(f"\\begin{{{env}}}[p]\\centering\n{body}\n\\end{{{env}}}\\clearpage"
                       for env, body in figures)
    return ("\\documentclass[10pt,twocolumn]{article}\n\\usepackage{tikz}\n"
            "\\usepackage{graphicx}\n\\pagestyle{empty}\n\\begin{document}\n"
            f"{LOREM}\n\\clearpage\n{floats}\n"
            "\\noindent{\\fontsize{10}{12}\\selectfont Reference}\n\\end{document}\n")


def compile_page(folder: Path, source: str) -> tuple[str, list[list[tuple]]]:
    """The log and the words of each page (``(x0, y0, x1, y1, text)``, y down, points)."""
    (folder / "page.tex").write_text(source, encoding="utf-8")
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                          "-no-shell-escape", "page.tex"], cwd=folder, capture_output=True,
                         text=True, errors="replace", timeout=120)
    log = (folder / "page.log").read_text(errors="replace")
    assert run.returncode == 0, [line for line in log.splitlines() if line.startswith("!")]
    bbox = subprocess.run(["pdftotext", "-bbox", "page.pdf", "-"], cwd=folder,
                          capture_output=True, text=True, check=True).stdout
    pages = [[(float(a), float(b), float(c), float(d), text)
              for a, b, c, d, text in _WORD.findall(page)] for page in _PAGE.findall(bbox)]
    return log, pages


def text_sizes(words: list[tuple], points_per_height: float) -> list[float]:
    """The type sizes of a figure's words, subscripts left out (a subscript is set right
    after a taller word, lower and smaller, as in a paper's body text), and symbols
    such as ∼ and × too, whose fonts pdftotext measures by other ascents."""
    sizes = []
    for x0, y0, _x1, y1, text in words:
        if not any(ch.isalnum() for ch in text):
            continue
        height = y1 - y0
        # set after a taller word on the same line, with a lower bottom: a subscript (whose
        # pieces, t − 1, may be words of their own)
        attached = any(-0.6 < x0 - bx1 < 12 and by0 < y0 < by1 < y1
                       and (by1 - by0) > height * 1.15 for bx0, by0, bx1, by1, _ in words)
        if not attached:
            sizes.append(height * points_per_height)
    return sizes


def reference_pdf(folder: Path) -> Path:
    """A paper figure of one node whose symbol is 10 pt: how tall pdftotext measures the
    figure's font."""
    import networkx as nx

    graph = nx.DiGraph(name="reference", plates={})
    graph.add_node("x", kind="latent", plates=())
    path = folder / "reference.pdf"
    plategraph.draw(graph, theme="paper", fontsize=10).save(path)
    return path


def page_dimensions(folder: Path, caption_figure: float) -> tuple[dict[str, float], str]:
    """What pdflatex says a ``[10pt,twocolumn]{article}`` page's ``\\columnwidth``,
    ``\\textwidth`` and ``\\textheight`` are, in big points, and the log of a float page
    holding a figure ``caption_figure`` bp tall with a caption of two lines."""
    source = ("\\documentclass[10pt,twocolumn]{article}\n\\begin{document}\n"
              "\\typeout{columnwidth=\\the\\columnwidth}\\typeout{textwidth=\\the\\textwidth}"
              "\\typeout{textheight=\\the\\textheight}\n"
              f"{LOREM}\\clearpage\n\\begin{{figure}}[p]\\centering"
              f"\\rule{{200bp}}{{{caption_figure:.2f}bp}}\n\\caption{{{CAPTION}}}"
              "\n\\end{figure}\n\\end{document}\n")
    (folder / "dims.tex").write_text(source, encoding="utf-8")
    subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                    "-no-shell-escape", "dims.tex"], cwd=folder, capture_output=True,
                   check=True, timeout=120)
    log = (folder / "dims.log").read_text(errors="replace")
    found = dict(re.findall(r"^(columnwidth|textwidth|textheight)=([\d.]+)pt$", log, re.M))
    return {name: float(points) * 72 / 72.27 for name, points in found.items()}, log


def test_the_page_a_figure_fits_is_the_articles(tmp_path):
    from plategraph.layout.options import COLUMN_WIDTH, FIGURE_HEIGHT, TEXT_HEIGHT, TEXT_WIDTH

    dims, log = page_dimensions(tmp_path, FIGURE_HEIGHT)
    assert dims == {"columnwidth": pytest.approx(COLUMN_WIDTH, abs=0.01),
                    "textwidth": pytest.approx(TEXT_WIDTH, abs=0.01),
                    "textheight": pytest.approx(TEXT_HEIGHT, abs=0.01)}
    # the tallest figure plategraph makes fits its float page with a two-line caption, and a
    # point more does not
    assert "Float too large" not in log
    assert "Float too large" in page_dimensions(tmp_path, FIGURE_HEIGHT + 1.0)[1]


NESTED = 36  # plates nested in one another: 36 × 16 pt of margins alone exceed the text width


def wider_than_a_page():
    """A chain of sites each in one more plate than the one before (``x0`` in ``p0``, ``x1``
    in ``p0`` and ``p1``, …): ``NESTED`` rectangles each strictly inside the one around it,
    with an 8 pt margin on each side, are wider than the text width (467 pt) in any direction
    and at any spacing, so no layout fits it, even at 7 pt."""
    import networkx as nx

    graph = nx.DiGraph(name="nested", plates={f"p{k}": {"size": 2} for k in range(NESTED)})
    for k in range(NESTED):
        graph.add_node(f"x{k}", kind="latent", plates=tuple(f"p{j}" for j in range(k + 1)),
                       distribution="Normal")
        if k:
            graph.add_edge(f"x{k - 1}", f"x{k}", kind="data")
    return graph


@pytest.mark.parametrize("ident", [*SUITE_TOO_WIDE, "wider_than_a_page"])
def test_a_figure_wider_than_the_text_width_says_so(ident):
    if ident == "wider_than_a_page":
        graph, fontsize = wider_than_a_page(), 7
    else:
        model, args, kwargs = realworld.load(ident)
        graph, fontsize = plategraph.model_graph(model, *args, **kwargs), None
    with pytest.warns(plategraph.FigureSizeWarning, match="and than the full text width"):
        plategraph.draw(graph, theme="paper", distributions=True,
                        fontsize=fontsize).pipe("pdf")


def figure_files(graph, folder: Path, stem: str) -> str:
    """The paper figure of ``graph`` as ``stem.pdf`` and ``stem.tex``; the environment it goes
    in: ``figure*`` when plategraph warned that it needs the text width."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", plategraph.FigureSizeWarning)
        diagram = plategraph.draw(graph, theme="paper", distributions=True)
        diagram.save(folder / f"{stem}.pdf")
        diagram.save(folder / f"{stem}.tex")
    wide = [w for w in caught if issubclass(w.category, plategraph.FigureSizeWarning)]
    assert len(caught) == len(wide), [str(w.message) for w in caught]  # nothing else warned
    return "figure*" if wide else "figure"


def overfull_boxes(log: str) -> dict[str, list[str]]:
    """The overfull boxes of the log by the figure they are in: each figure's body starts
    with ``\\typeout{figure NAME}``, and TeX builds a float's box as it reads its body."""
    found: dict[str, list[str]] = {}
    current = ""
    for line in log.splitlines():
        if line.startswith("figure "):
            current = line.removeprefix("figure ").strip()
        elif "Overfull \\hbox" in line or "Overfull \\vbox" in line:
            found.setdefault(current, []).append(line)
    return found


def without_caption(words: list[tuple]) -> list[tuple]:
    """A figure's page's words above its caption (which starts with the page's last word
    ``Figure``, set below the figure)."""
    starts = [y0 for _x0, y0, _x1, _y1, text in words if text == "Figure"]
    return [w for w in words if w[1] < max(starts) - 1.0] if starts else words


def assert_text_sizes(pages: list[list[tuple]]) -> None:
    """Each page's text between 7 and 10 pt, its caption left out; the last two pages are the
    references."""
    *figures, reference, last = pages
    # the reference texts are 10 pt: the document's font (TikZ) and the figure's (PDF)
    tex_scale = 10.0 / (last[0][3] - last[0][1])
    pdf_scale = 10.0 / (reference[0][3] - reference[0][1])
    for i, words in enumerate(figures):
        sizes = text_sizes(without_caption(words), tex_scale if i % 2 == 0 else pdf_scale)
        assert sizes and 7.0 <= min(sizes) and max(sizes) <= 10.0 + 1e-6, sorted(sizes)


def check_page(folder: Path, figures: list[tuple[str, str]]) -> None:
    """Compile ``(environment, stem)`` figures, TikZ and PDF each, in a two-column page, each
    with a two-line caption: no overfull box, no float too large for the page, text between 7
    and 10 pt."""
    reference_pdf(folder)
    floats = [(env, f"\\typeout{{figure {stem}.{kind}}}{body}\n\\caption{{{CAPTION}}}")
              for env, stem in figures
              for kind, body in (("tex", f"\\input{{{stem}.tex}}"),
                                 ("pdf", f"\\includegraphics{{{stem}.pdf}}"))]
    log, pages = compile_page(folder, two_column_page(
        [*floats, ("figure", "\\includegraphics{reference.pdf}")]))
    assert not overfull_boxes(log), overfull_boxes(log)
    assert "Float too large" not in log, [line for line in log.splitlines()
                                          if "Float too large" in line]
    assert len(pages) == 1 + len(floats) + 2
    assert_text_sizes(pages[1:])


@pytest.mark.parametrize("ident", gallery_ids())
def test_gallery_figure_fits_a_two_column_page(ident, tmp_path):
    model, args, kwargs = load_example(ident)
    graph = plategraph.model_graph(model, *args, **kwargs)
    check_page(tmp_path, [(figure_files(graph, tmp_path, "fig"), "fig")])


def test_the_suites_models_fit_a_two_column_page(tmp_path):
    # one document for all of them: one pdflatex run; the log says which figure a box is in
    figures = []
    for i, ident in enumerate(SUITE):
        model, args, kwargs = realworld.load(ident)
        with warnings.catch_warnings():  # what tracing says is tested in tests/tracing
            warnings.simplefilter("ignore")
            graph = plategraph.model_graph(model, *args, **kwargs)
        figures.append((figure_files(graph, tmp_path, f"m{i}"), f"m{i}"))
    # a long row of its list wrapped: a column
    assert ("figure", f"m{SUITE.index('regression:imputation')}") in figures
    assert ("figure", f"m{SUITE.index('gp:multi_output_gp')}") in figures
    # laid out again with their long names in ellipses and their roots staggered: a column
    assert ("figure", f"m{SUITE.index('timeseries:holt_winters')}") in figures
    assert ("figure", f"m{SUITE.index('timeseries:sgt')}") in figures
    check_page(tmp_path, figures)
