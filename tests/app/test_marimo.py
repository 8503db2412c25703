"""marimo's display protocol: marimo's own formatter shows a Diagram as its SVG, inline, with
the white background that keeps it readable on dark themes."""

from __future__ import annotations

import re

import pytest
from support import load_example

import plategraph

pytestmark = pytest.mark.dot

formatting = pytest.importorskip("marimo._output.formatting")

BACKGROUND = {
    # graphviz's first shape is the page; matplotlib's the figure patch
    "notebook": r'<polygon fill="white" stroke="transparent" points="[^"]*"/>',
    "paper": r'<path d="M 0 [0-9.]+ \nL [0-9.]+ [0-9.]+ \nL [0-9.]+ 0 \nL 0 0 \nz\n" '
             r'style="fill: #ffffff"/>',
}


@pytest.mark.parametrize("theme", ["notebook", "paper"])
def test_marimo_shows_the_svg_on_white(theme):
    model, args, kwargs = load_example("eight_schools:centered")
    diagram = plategraph.draw(plategraph.model_graph(model, *args, **kwargs), theme=theme)
    shown = formatting.try_format(diagram)
    assert shown.traceback is None
    assert shown.mimetype == "text/html"
    assert shown.data.startswith("<svg") and shown.data.rstrip().endswith("</svg>")
    assert "<?xml" not in shown.data and "<!DOCTYPE" not in shown.data
    first_shape = re.search(r"<(polygon|path|rect)[^>]*>", shown.data).group(0)
    assert re.fullmatch(BACKGROUND[theme], first_shape), first_shape
    assert shown.data == diagram._repr_mimebundle_()["image/svg+xml"][
        diagram._repr_mimebundle_()["image/svg+xml"].find("<svg"):]
