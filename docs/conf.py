"""Sphinx configuration of plategraph's documentation site (``make docs``)."""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the plategraph of this checkout, installed or not

import plategraph  # noqa: E402
from plategraph.app.loading import examples_of, gallery_modules, load_module  # noqa: E402

project = "plategraph"
author = "the plategraph authors"
copyright = "the plategraph authors"  # noqa: A001  (Sphinx's name)
release = version = plategraph.__version__

extensions = ["myst_parser", "sphinx.ext.autodoc", "plategraph.sphinx"]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build"]
myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence"]
autodoc_member_order = "bysource"
autodoc_typehints = "description"

html_theme = "furo"
html_title = "plategraph"
html_static_path: list[str] = []
html_css_files: list[str] = []
# diagrams are inline SVG with a white background, readable in furo's dark mode too
html_theme_options = {"source_directory": "docs/"}


def gallery_markdown() -> str:
    """The gallery page's entries, made from ``gallery/`` when the page is read: per module its
    title and text, then per model its diagram (the ``plategraph`` directive) and source."""
    parts = []
    for path in gallery_modules(ROOT / "gallery"):
        module = load_module(path)
        lines = (inspect.getdoc(module) or path.stem).splitlines()
        parts.append(f"## {lines[0].strip()}\n\n{chr(10).join(lines[1:]).strip()}\n")
        for name in examples_of(module, str(path)):
            source = inspect.getsource(getattr(module, name))
            ref = f"{path.stem}:{name}"
            parts.append(f"### `{ref}`\n\n```{{plategraph}} ../gallery/{path.name}:{name}\n"
                         f":math:\n:alt: plate diagram of {ref}\n```\n\n"
                         f"````python\n{source}````\n")
    return "\n".join(parts)


def add_gallery(app, docname: str, source: list[str]) -> None:
    if docname == "gallery":
        source[0] = source[0].replace("<!-- gallery models -->", gallery_markdown())


def setup(app) -> None:
    # each model's file is a dependency of the page (the directive notes it), so a changed
    # gallery module makes the page read again
    app.connect("source-read", add_gallery)
