"""Sphinx configuration of plategraph's documentation site (``make docs``)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the plategraph of this checkout, installed or not

import plategraph  # noqa: E402
from plategraph.app.loading import (  # noqa: E402
    docstring_parts,
    gallery_modules,
    load_module,
    module_info,
)

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
    title and text, then per model its own title and text (when its function has a docstring),
    its diagram (the ``plategraph`` directive) and source."""
    parts = []
    for path in gallery_modules(ROOT / "gallery"):
        module = load_module(path)
        title, text = docstring_parts(module)
        parts.append(f"## {title or path.stem}\n\n{text}\n")
        for info in module_info(module, path.stem, str(path)):
            own = f"**{info.title}** {info.doc.split(chr(10) * 2)[0]}\n\n" if (
                info.title != title) else ""
            parts.append(f"### `{info.ident}`\n\n{own}"
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
