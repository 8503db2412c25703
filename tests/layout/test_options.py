"""Drawing options: output formats, and ``DrawOptions`` checked once where options come in."""

from __future__ import annotations

import pytest

import plategraph
from plategraph.layout import options


@pytest.mark.parametrize(("given", "expected"), [
    ("svg", "svg"), ("SVG", "svg"), (".png", "png"), ("pdf", "pdf"), ("dot", "dot")])
def test_check_format(given, expected):
    assert options.check_format(given) == expected


@pytest.mark.parametrize("bad", ["jpg", "gv", "", "svgz"])
def test_unknown_formats_list_the_supported_ones(bad):
    with pytest.raises(plategraph.FormatError, match="plategraph writes svg, png, pdf, dot"):
        options.check_format(bad)


def test_format_for_path(tmp_path):
    assert options.format_for_path(tmp_path / "a.b" / "model.PDF") == "pdf"
    with pytest.raises(plategraph.FormatError, match=r"model\.jpeg.*svg, png, pdf, dot"):
        options.format_for_path("out/model.jpeg")
    with pytest.raises(plategraph.FormatError, match=r"give it a suffix \(\.svg, \.png"):
        options.format_for_path("model")
