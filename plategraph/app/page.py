"""The gallery page: one card per model of a build's report, from Jinja2 templates (autoescaped).

A card shows the model's own title and text (its function's docstring, else its module's), its
diagram and paper figure at their own size (scrolling when wide, a click opens them full size
with zoom), the names it can be found by (sites, distributions, plates), its specification and
its source highlighted by Pygments. What is searched is in each card's ``data-search``.

>>> from plategraph.app.gallery import GalleryReport
>>> "<article" in index_html(GalleryReport(Path("out"), [], 0.0))
False
"""

from __future__ import annotations

import functools
import re
import urllib.parse
import warnings
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx
from markupsafe import Markup, escape

if TYPE_CHECKING:
    from jinja2 import Environment

    from .gallery import GalleryReport, ModelResult

__all__ = ["FACT_LISTS", "index_html", "model_facts", "prose_html", "valid_facts"]

# a model's facts (``model_facts``): lists of names, and its specification as text
FACT_LISTS = ("sites", "distributions", "plates")
_FIGURE_NAMES = {"svg": "diagram", "png": "diagram", "paper.svg": "paper figure"}
_LINK_NAMES = {"paper.svg": "paper SVG", "paper.pdf": "paper PDF", "tex": "TikZ"}
_LITERAL = re.compile(r"``(.+?)``|`([^`]+)`", re.DOTALL)
_SVG_SIZE = re.compile(r'<svg\b[^>]*?\bwidth="([0-9.]+)(pt|px)?"[^>]*?\bheight="([0-9.]+)(pt|px)?"',
                       re.DOTALL)
WIDE = 560  # px: a card whose diagram is wider than this spans the page's whole width


def model_facts(graph: nx.DiGraph) -> dict[str, Any]:
    """What the page shows and searches of a traced model, taken where it was traced: its site
    names, distributions and plate names in trace order, and its specification as text
    (``model_spec(graph).to_text()``; empty when the model has none or it cannot be written)."""
    from .. import model_spec

    distributions = [d for _, d in graph.nodes(data="distribution") if d]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            spec = model_spec(graph).to_text().strip()
    except TimeoutError:  # the gallery's time limit, raised in here: the model ran too long
        raise
    except Exception:  # noqa: BLE001  a model the spec cannot write still has its card
        spec = ""
    return {"sites": list(graph.nodes), "distributions": list(dict.fromkeys(distributions)),
            "plates": list(graph.graph.get("plates", {})), "spec": spec}


def valid_facts(facts: object) -> bool:
    """Whether a manifest row's ``facts`` has ``model_facts``' shape (the manifest is a file
    anyone can edit)."""
    return (isinstance(facts, dict) and set(facts) <= {*FACT_LISTS, "spec"}
            and isinstance(facts.get("spec", ""), str)
            and all(isinstance(facts.get(k, []), list)
                    and all(isinstance(v, str) for v in facts.get(k, [])) for k in FACT_LISTS))


def prose_html(text: str) -> Markup:
    """A docstring paragraph as HTML: escaped, with ``literals`` shown as code.

    >>> str(prose_html("``mu -> y`` & <b>"))
    '<code>mu -&gt; y</code> &amp; &lt;b&gt;'
    """
    escaped = str(escape(text))
    return Markup(_LITERAL.sub(lambda m: f"<code>{m[1] or m[2]}</code>", escaped))


def _href(name: str) -> str:
    """A file of the output folder as a link: relative and percent-encoded, so that no name
    (``javascript:x.svg``, ``a#b?c.svg``) reads as a scheme, a fragment or a query."""
    return urllib.parse.quote(name, safe="")


def _svg_size(path: Path) -> tuple[int, int] | None:
    """The CSS pixel size an SVG file declares (graphviz and matplotlib write points)."""
    try:
        with path.open("rb") as file:
            head = file.read(4096).decode("utf-8", "replace")
    except OSError:
        return None
    found = _SVG_SIZE.search(head)
    if found is None:
        return None
    scale = 4 / 3 if found[2] in (None, "pt") else 1.0
    return round(float(found[1]) * scale), round(float(found[3]) * scale)


@functools.cache
def _environment() -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(loader=PackageLoader("plategraph.app", "templates"),
                      autoescape=select_autoescape(["html"]), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["prose"] = prose_html
    env.filters["href"] = _href
    return env


@functools.cache
def _highlighter() -> tuple[Any, Any, str]:
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer

    formatter = HtmlFormatter(cssclass="highlight")
    return PythonLexer(), formatter, formatter.get_style_defs(".highlight")


def _highlight(source: str) -> Markup:
    """Python source as Pygments' HTML (which escapes it)."""
    from pygments import highlight

    lexer, formatter, _ = _highlighter()
    return Markup(highlight(source, lexer, formatter))


@functools.cache
def _static(name: str) -> str:
    return resources.files("plategraph.app").joinpath("static", name).read_text(encoding="utf-8")


def _card(row: ModelResult, formats: tuple[str, ...], out_dir: Path) -> dict[str, Any]:
    """What the card template shows of one row."""
    from .gallery import output_names

    # only the model's own files are linked, whatever a manifest said
    own = output_names(row.module, row.function, tuple(row.outputs))
    outputs = {f: n for f, n in row.outputs.items() if row.rendered and own[f] == n}
    figures = []
    for fmt in ("svg" if "svg" in outputs else "png", "paper.svg"):
        if fmt in outputs:
            size = _svg_size(out_dir / outputs[fmt]) if fmt.endswith("svg") else None
            figures.append({"file": outputs[fmt], "name": _FIGURE_NAMES[fmt], "size": size})
    width = figures[0]["size"][0] if figures and figures[0]["size"] else 0
    facts: Mapping[str, Any] = row.facts if valid_facts(row.facts) else {}
    lists = {k: list(facts.get(k, [])) for k in FACT_LISTS}
    search = " ".join([row.ident, row.title, row.doc, *lists["sites"], *lists["distributions"],
                       *lists["plates"], row.source]).lower()
    return {
        "row": row, "figures": figures, "wide": width > WIDE, **lists,
        "spec": facts.get("spec", ""), "search": search,
        "paragraphs": [p for p in row.doc.split("\n\n") if p.strip()],
        "links": [(outputs[f], _LINK_NAMES.get(f, f.upper())) for f in formats if f in outputs],
        "source": _highlight(row.source) if row.source else "",
        "seconds": sum(row.timings.values()) if row.timings else None,
    }


def index_html(report: GalleryReport) -> str:
    """The gallery page; every text it shows is escaped by the templates."""
    failed = len(report.failed)
    return _environment().get_template("index.html").render(
        count=len(report.results),
        failed=f"{failed} failed" if failed else "all rendered",
        cards=[_card(row, report.formats, Path(report.out_dir)) for row in report.results],
        versions=report.versions,
        pygments_css=Markup(_highlighter()[2]),
        # the full-size view the docs' diagrams have too (plategraph.sphinx), in the page itself
        viewer_css=Markup(_static("plategraph.css")),
        viewer_js=Markup(_static("plategraph-viewer.js")),
    ) + "\n"
