"""Running `dot`: rendering DOT text, its errors, and a missing binary."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

import plategraph
from plategraph.layout import graphviz

SOURCE = 'digraph m {\n  n0 [label=<μ>]\n  n1 [label="y"]\n  n0 -> n1\n}\n'
MAGIC = {"svg": b"<?xml", "png": b"\x89PNG\r\n\x1a\n", "pdf": b"%PDF-", "dot": b"digraph"}


@pytest.mark.dot
@pytest.mark.parametrize("fmt", ["svg", "png", "pdf"])
def test_pipe_renders_with_dot(fmt):
    data = graphviz.pipe(SOURCE, fmt)
    assert data.startswith(MAGIC[fmt])
    if fmt == "svg":
        root = ET.fromstring(data)
        texts = ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]
        assert texts == ["μ", "y"]


def test_dot_format_needs_no_binary(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert graphviz.pipe(SOURCE, "dot") == SOURCE.encode()


def test_a_missing_dot_says_how_to_install_graphviz(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no `dot` anywhere
    with pytest.raises(plategraph.DotNotFoundError, match="apt-get install graphviz") as info:
        graphviz.pipe(SOURCE, "svg")
    assert isinstance(info.value, plategraph.RenderError)
    assert "brew install graphviz" in str(info.value) and "DOT text" in str(info.value)
    assert info.value.__cause__ is not None


@pytest.mark.dot
def test_dot_errors_carry_dots_message():
    with pytest.raises(plategraph.RenderError, match="dot failed to render svg: .*syntax error"):
        graphviz.pipe("digraph { n0 -> }", "svg")


@pytest.mark.dot
def test_one_run_writes_every_format_as_its_own_run_would():
    rendered = graphviz.outputs(SOURCE, ("svg", "png", "pdf"))
    assert list(rendered) == ["svg", "png", "pdf"]
    for fmt in ("svg", "png"):  # a PDF carries its creation time
        assert rendered[fmt] == graphviz.run(SOURCE, fmt)
    assert rendered["pdf"].startswith(MAGIC["pdf"])
    layout, svg = graphviz.json_and(SOURCE, ("svg",))
    assert [o["name"] for o in layout["objects"]] == ["n0", "n1"]
    assert svg == {"svg": rendered["svg"]}
