"""Sphinx configuration of plategraph's documentation site (``make docs``)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the plategraph of this checkout, installed or not

import plategraph  # noqa: E402
from plategraph.app.loading import gallery_modules, load_module, module_info  # noqa: E402

project = "plategraph"
author = "the plategraph authors"
copyright = "the plategraph authors"  # noqa: A001  (Sphinx's name)
release = version = plategraph.__version__

extensions = ["myst_parser", "sphinx.ext.autodoc", "plategraph.sphinx"]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build"]
myst_heading_anchors = 3
autodoc_member_order = "bysource"
autodoc_typehints = "description"

html_theme = "furo"
html_title = "plategraph"


def gallery_markdown() -> str:
    """The gallery page's entries, made from ``gallery/`` when the page is read: per module its
    title and text, then per model its diagram (the ``plategraph`` directive) and source."""
    parts = []
    for path in gallery_modules(ROOT / "gallery"):
        infos = module_info(load_module(path), path.stem, str(path))
        if infos:
            parts.append(f"## {infos[0].title}\n\n{infos[0].doc}\n")
        for info in infos:
            parts.append(f"### `{info.ident}`\n\n"
                         f"```{{plategraph}} ../gallery/{path.name}:{info.function}\n"
                         f":math:\n:alt: plate diagram of {info.ident}\n```\n\n"
                         f"````python\n{info.source}````\n")
    return "\n".join(parts)


def add_gallery(app, docname: str, source: list[str]) -> None:
    if docname == "gallery":
        source[0] = source[0].replace("<!-- gallery models -->", gallery_markdown())


def setup(app) -> None:
    # each model's file is a dependency of the page (the directive notes it), so a changed
    # gallery module makes the page read again
    app.connect("source-read", add_gallery)
