"""A paper figure too wide for its width is laid out again to fit: tighter, then in the other
direction; the one layout feeds the PDF and the TikZ, and the text keeps its size."""

from __future__ import annotations

import re
import subprocess
import warnings

import numpyro
import numpyro.distributions as dist
import pytest
from support import load_example

import plategraph
from plategraph.exceptions import OptionError
from plategraph.export.paper import figure_spec
from plategraph.layout.drawn import drawn_graph
from plategraph.layout.engine import compute_drawing
from plategraph.layout.fit import TIGHT, refits
from plategraph.layout.options import COLUMN_WIDTH, FIGURE_HEIGHT, TEXT_WIDTH, DrawOptions

pytestmark = [pytest.mark.dot]


def roots(n: int):
    """``n`` priors side by side, all feeding one observed site in a plate: the wider, the
    more priors."""

    def model(y=None):
        total = 0.0
        for name in "abcdefghijkl"[:n]:
            total = total + numpyro.sample(name, dist.Normal(0.0, 1.0))
        with numpyro.plate("N", 10):
            numpyro.sample("y", dist.Normal(total, 1.0), obs=y)

    model.__name__ = f"roots{n}"
    return model


@pytest.fixture(scope="module")
def seven():
    return plategraph.model_graph(roots(7))


@pytest.fixture(scope="module")
def eight():
    return plategraph.model_graph(roots(8))


def quiet_layout(graph, **options):
    """The paper layout, with any FigureSizeWarning an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", plategraph.FigureSizeWarning)
        return plategraph.layout(graph, theme="paper", **options)


def test_a_figure_slightly_too_wide_is_laid_out_tighter(seven):
    # as asked (a width it fits), seven priors side by side are wider than a column
    asked = quiet_layout(seven, width="10in")
    assert asked.width > COLUMN_WIDTH and asked.options.spacing == 1.0
    fitted = quiet_layout(seven)
    assert fitted.options.spacing == TIGHT and fitted.options.rankdir == "TB"
    assert fitted.width <= COLUMN_WIDTH < asked.width
    # the same direction: the priors still stand on one rank above y
    ys = {round(fitted.nodes[n].center[1]) for n in "abcdefg"}
    assert len(ys) == 1 and ys.pop() > fitted.nodes["y"].center[1]
    # the text keeps its size
    spec = figure_spec(fitted)
    assert spec.largest_text() == 9.0 and spec.smallest_text() == 8.0 and spec.scale == 1.0


def test_a_figure_too_wide_even_when_tighter_is_turned(eight):
    tight = DrawOptions(theme="paper", spacing=TIGHT, width="10in")
    assert compute_drawing(drawn_graph(eight, tight), tight)[0].layout.width > COLUMN_WIDTH
    fitted = quiet_layout(eight, distributions=True)
    assert fitted.options.rankdir == "LR" and fitted.options.spacing == 1.0
    spec = figure_spec(fitted)
    assert spec.width <= COLUMN_WIDTH and spec.height <= FIGURE_HEIGHT
    # left to right: the priors in one column left of y
    xs = {round(fitted.nodes[n].center[0]) for n in "abcdefgh"}
    assert len(xs) == 1 and xs.pop() < fitted.nodes["y"].center[0]


def test_the_pdf_and_the_tikz_are_drawn_from_the_refitted_layout(eight, tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error", plategraph.FigureSizeWarning)
        diagram = plategraph.draw(eight, theme="paper", distributions=True)
        tikz = plategraph.to_tikz(eight, distributions=True)
        diagram.save(tmp_path / "fig.pdf")
    assert diagram.layout.options.rankdir == "LR"
    assert diagram.pipe("tex").decode() == tikz
    # every node of the TikZ where the layout has it
    for i, node in enumerate(diagram.layout.graph.nodes):
        x, y = diagram.layout.nodes[node].center
        assert f"(n{i}) at ({x:.1f}, {y:.1f})" in tikz
    info = subprocess.run(["pdfinfo", str(tmp_path / "fig.pdf")], capture_output=True,
                          text=True, check=True).stdout
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert width <= COLUMN_WIDTH and height <= FIGURE_HEIGHT
    assert abs(width - figure_spec(diagram.layout).width) < 1.0


def test_a_figure_that_fits_is_laid_out_as_asked():
    model, args, kwargs = load_example("radon:model")
    lay = quiet_layout(plategraph.model_graph(model, *args, **kwargs), distributions=True)
    assert lay.options.rankdir == "TB" and lay.options.spacing == 1.0


def test_a_figure_that_fits_nothing_keeps_its_layout_and_says_so():
    # crossed plates are not turned (their placement would read bottom up); tighter is not
    # enough, so the figure is as asked, for the full text width
    model, args, kwargs = load_example("crossed_random_effects:model")
    graph = plategraph.model_graph(model, *args, **kwargs)
    lay = plategraph.layout(graph, theme="paper")
    assert lay.options.rankdir == "TB" and lay.options.spacing == 1.0
    with pytest.warns(plategraph.FigureSizeWarning, match="figure\\*"):
        figure_spec(lay)


def test_refits_are_tighter_then_turned():
    tried = refits(DrawOptions(theme="paper", rankdir="BT"))
    assert [(o.rankdir, o.spacing) for o in tried] == [("BT", TIGHT), ("RL", 1.0),
                                                         ("RL", TIGHT)]
    assert [(o.rankdir, o.spacing) for o in refits(DrawOptions(theme="paper"), turn=False)] \
        == [("TB", TIGHT)]
    tight = DrawOptions(theme="paper", spacing=0.5).styles["graph"]
    paper = DrawOptions(theme="paper").styles["graph"]
    assert float(tight["nodesep"]) == float(paper["nodesep"]) / 2
    assert float(tight["ranksep"]) == float(paper["ranksep"]) / 2
    for bad in (0, 1.5, "tight", True):
        with pytest.raises(OptionError, match="spacing must be a number above 0"):
            DrawOptions(spacing=bad)


def test_the_size_warning_counts_in_words():
    # twelve priors and one plate: too wide for the column even turned, so it warns; one plate
    # is "1 plate"
    graph = plategraph.model_graph(roots(12))
    with pytest.warns(plategraph.FigureSizeWarning, match=r"\(13 sites, 1 plate\)"):
        plategraph.draw(graph, theme="paper", width="1in").pipe("svg")


WORDS = "level trend season noise offset power drift cycle holiday weekday month year".split()


def long_roots(n: int):
    """``n`` priors with long names (``level_smoothing``, …), all feeding one observed site in
    a plate: wide circles side by side, and a long row ``y ~ Normal(f(…), 1)`` in the list."""

    def model(y=None):
        total = 0.0
        for word in WORDS[:n]:
            total = total + numpyro.sample(f"{word}_smoothing", dist.Normal(0.0, 1.0))
        with numpyro.plate("N", 10):
            numpyro.sample("y", dist.Normal(total, 1.0), obs=y)

    model.__name__ = f"long_roots{n}"
    return model


def test_staggered_spreads_siblings_over_rows_and_keeps_every_edge():
    import networkx as nx

    from plategraph.layout.dot import dot_source, staggered

    graph = nx.DiGraph(name="fan", plates={})
    for node in ["a", "b", "c", "p", "u", "v", "w", "q"]:
        graph.add_node(node, kind="latent", plates=())
    # roots a, b, c into q; p fans out to u, v, w, which fan into q
    graph.add_edges_from([("a", "q"), ("b", "q"), ("c", "q"), ("p", "u"), ("p", "v"),
                          ("p", "w"), ("u", "q"), ("v", "q"), ("w", "q")])
    assert staggered(graph, 2) == {("b", "q"): 2, ("p", "v"): 2}
    assert staggered(graph, 3) == {("b", "q"): 2, ("c", "q"): 3, ("p", "v"): 2, ("p", "w"): 3}
    options = DrawOptions(theme="paper", stagger=3)
    source = dot_source(graph, options)
    assert source.count(" -> ") == graph.number_of_edges()
    lay = compute_drawing(graph, options)[0].layout
    assert set(lay.edges) == set(graph.edges)
    # the three roots on three rows, above q
    rows = {round(lay.nodes[n].center[1]) for n in "abc"}
    assert len(rows) == 3 and min(rows) > lay.nodes["q"].center[1]
    for bad in (0, 5, 1.5, True):
        with pytest.raises(OptionError, match="stagger must be a whole number"):
            DrawOptions(stagger=bad)


def test_long_names_get_ellipses_of_the_circles_height():
    from plategraph.layout.themes import ELLIPSE_FROM, PAPER_NODE_SIZE, paper_node_sizes

    graph = plategraph.model_graph(long_roots(4))
    circles = paper_node_sizes(graph, math=True)
    # circles: the long names (the median) make every circle big
    assert all(w == h > 2 * PAPER_NODE_SIZE for w, h in circles.values())
    ellipses = paper_node_sizes(graph, math=True, ellipses=True)
    common = round(ELLIPSE_FROM * PAPER_NODE_SIZE)
    assert ellipses["y"] == (common, common)
    assert all(h == common < w for n, (w, h) in ellipses.items() if n != "y")


def test_a_figure_too_wide_for_the_text_width_has_its_roots_staggered():
    # twelve long-named priors side by side: wider than the text width however laid out by
    # tightening or turning; in ellipses, staggered over rows, it fits the text width
    graph = plategraph.model_graph(long_roots(12))
    with pytest.warns(plategraph.FigureSizeWarning, match="figure\\* environment"):
        diagram = plategraph.draw(graph, theme="paper", distributions=True)
        spec = figure_spec(diagram.layout)
    options = diagram.layout.options
    assert options.ellipses and options.stagger > 1 and options.spacing == TIGHT
    assert spec.width <= TEXT_WIDTH and spec.height <= FIGURE_HEIGHT and spec.smallest_text() == 8.0
    assert set(diagram.layout.edges) == set(diagram.layout.graph.edges)


def test_a_row_wider_than_the_figure_wraps_with_a_hanging_indent():
    from plategraph.layout.fit import INDENT, LINE, estimate_width, figure_fit, list_lines

    graph = plategraph.model_graph(long_roots(6))
    lay = quiet_layout(graph, distributions=True)
    fit = figure_fit(lay, distributions=True, limit=COLUMN_WIDTH)
    assert fit.fits and fit.placement == "below" and fit.wrap == COLUMN_WIDTH
    plain = list_lines(lay, dialect="html", width=fit.wrap)
    *short, long = plain
    assert all(len(row) == 1 for row in short) and len(long) > 1
    # each line within the figure's width, the further ones hanging; nothing lost
    assert estimate_width(long[0], 8.0) <= fit.wrap
    assert all(estimate_width(line, 8.0) + INDENT * 8.0 <= fit.wrap for line in long[1:])
    assert " ".join(long) == plain_row(lay, "y")
    assert fit.height == lay.height + 12.0 + LINE * 8.0 * (len(short) + len(long))
    # the same breaks in the PDF's mathtext and in the TikZ's LaTeX: each line whole markup
    for dialect in ("mathtext", "latex"):
        lines = list_lines(lay, dialect=dialect, width=fit.wrap)[-1]
        assert len(lines) == len(long)
        assert all(line.replace("\\$", "").count("$") % 2 == 0 for line in lines)
    tikz = plategraph.to_tikz(graph, distributions=True)
    assert tikz.count("\\hspace*{12.0pt}") == len(long) - 1


def plain_row(lay, node: str) -> str:
    import html
    import re as regex

    from plategraph.layout.labels import distribution_label

    row = distribution_label(lay.graph, node, math=True, dialect="html")
    return html.unescape(regex.sub(r"<[^>]*>", "", row))


def test_list_columns_keep_rows_whole_and_in_order_the_tallest_short():
    from plategraph.layout.fit import list_columns

    assert list_columns([1, 1, 1, 1], 1) == [0]
    assert list_columns([1, 1, 1, 1], 2) == [0, 2]
    assert list_columns([1, 1, 1, 1, 1], 3) == [0, 2, 4]
    # a wrapped row (3 lines) is never split: its column is the tallest
    assert list_columns([3, 1, 1, 1], 2) == [0, 1]
    assert list_columns([1, 1, 3, 1], 2) == [0, 2]
    # never more columns than rows, nor than asked
    assert list_columns([2], 4) == [0]
    assert list_columns([], 3) == [0]


def listed_layout(sites: int, width: float, height: float):
    """A hand-made layout of ``sites`` latent sites (each listed as ``x_k ~ Normal``) whose
    diagram is ``width`` × ``height`` points: the list's size alone decides where it goes."""
    import networkx as nx

    from plategraph.layout.geometry import Box, Layout

    graph = nx.DiGraph(name="listed", plates={})
    for k in range(sites):
        graph.add_node(f"x{k}", kind="latent", plates=(), distribution="Normal")
    nodes = {f"x{k}": Box(0.0, 0.0, 22.0, 22.0) for k in range(sites)}
    return Layout(graph, nodes, {}, {}, {}, width, height,
                  options=DrawOptions(theme="paper"))


def test_a_list_that_makes_the_figure_taller_than_a_page_is_set_in_columns():
    from plategraph.layout.fit import LINE, figure_fit

    step = LINE * 8.0
    # 40 rows (432 pt) below a 280 pt diagram: 724 pt in one column, 508 pt in two
    fit = figure_fit(listed_layout(40, 400.0, 280.0), distributions=True, limit=504.0)
    assert fit.placement == "below" and fit.fits and fit.height <= FIGURE_HEIGHT
    assert [first for first, _ in fit.columns] == [0, 20]
    assert fit.height == 280.0 + 12.0 + 20 * step
    assert fit.columns[1][1] > 0 and fit.wrap == (504.0 - 12.0) / 2
    # a taller diagram needs more columns: the fewest that bring it within a page
    fit = figure_fit(listed_layout(40, 400.0, 340.0), distributions=True, limit=504.0)
    assert [first for first, _ in fit.columns] == [0, 14, 28]
    assert fit.height <= FIGURE_HEIGHT
    # a list that keeps the figure within a page stays one column
    fit = figure_fit(listed_layout(40, 400.0, 60.0), distributions=True, limit=504.0)
    assert fit.columns == ((0, 0.0),) and fit.height == 60.0 + 12.0 + 40 * step
    # columns narrower than a list beside is wrapped to are not tried: one column, too tall
    fit = figure_fit(listed_layout(40, 200.0, 300.0), distributions="below", limit=200.0)
    assert fit.columns == ((0, 0.0),) and fit.height > FIGURE_HEIGHT


def test_the_pdf_and_the_tikz_set_the_list_in_the_same_columns():
    from plategraph.export.tikz import tikz_picture
    from plategraph.layout.fit import fit_limits

    lay = listed_layout(40, 400.0, 280.0)
    with pytest.warns(plategraph.FigureSizeWarning, match="figure\\*"):
        tikz = tikz_picture(lay, distributions=True)
    nodes = re.findall(r"\\node\[distributions\] at \(([\d.]+), (-?[\d.]+)\)", tikz)
    assert len(nodes) == 2 and nodes[0][1] == nodes[1][1] and float(nodes[1][0]) > 12.0
    with pytest.warns(plategraph.FigureSizeWarning, match="figure\\*"):
        spec = figure_spec(lay, distributions=True)
    listed = [t for t in spec.texts if t.role == "distribution"]
    lefts = sorted({round(t.x, 1) for t in listed})
    assert len(listed) == 40 and len(lefts) == 2
    # the second column starts where the TikZ's does, from the list's left edge
    assert lefts[1] - lefts[0] == pytest.approx(float(nodes[1][0]) - float(nodes[0][0]))
    assert spec.height <= FIGURE_HEIGHT + 20 and spec.width <= fit_limits(None)[1]


def test_a_figure_whose_nodes_cover_more_than_a_page_is_not_laid_out_again():
    """600 unrelated sites: their circles alone cover more than the text width by a page's
    height, so no re-layout can fit it: it is laid out once."""
    from unittest import mock

    from plategraph.layout import engine
    from plategraph.layout.fit import beyond_a_page

    def many():
        for i in range(600):
            numpyro.sample(f"s{i}", dist.Normal(0.0, 1.0))

    graph = plategraph.model_graph(many)
    with mock.patch.object(engine, "_quiet", side_effect=AssertionError("laid out again")):
        lay = plategraph.layout(graph, theme="paper", distributions=True, collapse=False)
    assert beyond_a_page(lay, TEXT_WIDTH)
    small = plategraph.layout(plategraph.model_graph(lambda: numpyro.sample(
        "x", dist.Normal(0.0, 1.0))), theme="paper")
    assert not beyond_a_page(small, COLUMN_WIDTH)


def band_model():
    """Six priors (``a`` … ``e`` and ``offset``, whose name widens its circle) feeding one
    observed site in a plate: 235.5 pt wide as laid out, between a 10 pt two-column article's
    column (229.5 TeX pt, 228.64 bp) and 3.3 in (237.6 bp)."""

    def model(y=None):
        total = 0.0
        for name in [*"abcde", "offset"]:
            total = total + numpyro.sample(name, dist.Normal(0.0, 1.0))
        with numpyro.plate("N", 10):
            numpyro.sample("y", dist.Normal(total, 1.0), obs=y)

    return model


def test_a_figure_wider_than_the_column_but_not_than_3_3_in_is_laid_out_again():
    from plategraph.layout.fit import figure_fit, fit_figure

    graph = plategraph.model_graph(band_model())
    asked = quiet_layout(graph, width="3.3in")  # it fits 3.3 in as laid out
    assert asked.options.spacing == 1.0 and COLUMN_WIDTH < asked.width <= 3.3 * 72
    # the article's column: it does not fit as laid out, and says so when it is kept
    assert not figure_fit(asked, distributions=False, limit=COLUMN_WIDTH).fits
    with pytest.warns(plategraph.FigureSizeWarning,
                      match=r"wider than a column \(3\.18 in\); .*\(6\.49 in\).*figure\*"):
        assert fit_figure(asked, distributions=False, width=None).limit == TEXT_WIDTH
    # by default it is laid out again, tighter, and fits the column without a warning
    fitted = quiet_layout(graph)
    assert fitted.options.spacing == TIGHT and fitted.width <= COLUMN_WIDTH
    assert figure_spec(fitted).width <= COLUMN_WIDTH
