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
from plategraph.layout.engine import TIGHT, compute_drawing, refits
from plategraph.layout.options import COLUMN_WIDTH, TEXT_HEIGHT, DrawOptions

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
    assert spec.width <= COLUMN_WIDTH and spec.height <= TEXT_HEIGHT
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
    assert width <= COLUMN_WIDTH and height <= TEXT_HEIGHT
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
