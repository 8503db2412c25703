"""Running `dot`: formats, errors, a missing binary, and atomic writes."""

from __future__ import annotations

import os
import stat
import xml.etree.ElementTree as ET

import pytest

import plategraph
from plategraph.app import files
from plategraph.layout import graphviz, options

SOURCE = 'digraph m {\n  n0 [label=<μ>]\n  n1 [label="y"]\n  n0 -> n1\n}\n'
MAGIC = {"svg": b"<?xml", "png": b"\x89PNG\r\n\x1a\n", "pdf": b"%PDF-", "dot": b"digraph"}


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


def test_write_atomic_writes_and_creates_parents(tmp_path):
    target = files.write_atomic(tmp_path / "new" / "dir" / "m.svg", b"<svg/>")
    assert target.read_bytes() == b"<svg/>"
    assert os.listdir(target.parent) == ["m.svg"]


def test_new_files_get_the_usual_mode_and_replaced_files_keep_theirs(tmp_path):
    umask = os.umask(0o027)
    try:
        fresh = files.write_atomic(tmp_path / "fresh.dot", b"x")
    finally:
        os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o640
    kept = tmp_path / "kept.dot"
    kept.write_bytes(b"old")
    kept.chmod(0o604)
    files.write_atomic(kept, b"new")
    assert kept.read_bytes() == b"new" and stat.S_IMODE(kept.stat().st_mode) == 0o604


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "model.svg"
    target.write_bytes(b"precious")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(files.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        files.write_atomic(target, b"new")
    assert target.read_bytes() == b"precious"
    assert os.listdir(tmp_path) == ["model.svg"]


def test_a_leftover_temporary_name_is_skipped(tmp_path):
    target = tmp_path / "m.dot"
    stale = tmp_path / f".m.dot.{os.getpid()}.0.tmp"
    stale.write_bytes(b"stale")
    files.write_atomic(target, b"fresh")
    assert target.read_bytes() == b"fresh" and stale.read_bytes() == b"stale"
