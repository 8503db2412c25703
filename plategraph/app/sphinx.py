"""The Sphinx extension: a ``plategraph`` directive that draws a model's plate diagram in the docs.

In ``conf.py``: ``extensions = ["plategraph.sphinx"]``; in a page (reStructuredText or MyST)::

    ```{plategraph} ../gallery/radon.py:model
    :math:
    :distributions:
    :caption: Radon, by county.
    ```

The argument is a model reference as the command line takes it (``path/to/file.py:function``,
relative to the document's folder or to the Sphinx source folder, or ``package.module:function``);
its arguments come from the module's ``examples()``. The model is traced when the page is read
(the page is read again when the model's file changes); HTML builds embed the notebook SVG inline,
LaTeX builds include the paper figure as PDF. A model that fails is a warning naming the model and
its file, and the build goes on.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ..exceptions import PlategraphError
from ..graph.build import model_graph
from ..graph.json_graph import from_json, to_json
from ..layout.options import DrawOptions
from .diagram import Diagram
from .loading import load_model, split_reference, user_code

__all__ = ["PlategraphDirective", "plategraph_diagram", "setup"]

logger = logging.getLogger(__name__)


class plategraph_diagram(nodes.General, nodes.Element):  # noqa: N801  (docutils' node naming)
    """A traced model waiting to be drawn by the builder: ``graph`` (its JSON), ``options``
    (``draw``'s keywords), ``reference``, ``alt``."""


def _theme(value: str | None) -> str:
    return directives.choice(value, ("notebook", "paper")) if value else "notebook"


class PlategraphDirective(SphinxDirective):
    """``.. plategraph:: path/to/file.py:function`` with ``:distributions:``, ``:math:``,
    ``:theme: notebook|paper``, ``:caption:`` and ``:alt:``."""

    required_arguments = 1
    has_content = False
    option_spec = {  # noqa: RUF012  (docutils reads it from the class)
        "distributions": directives.flag,
        "math": directives.flag,
        "theme": _theme,
        "caption": directives.unchanged,
        "alt": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        reference = self.arguments[0]
        path = None
        try:
            target, function = split_reference(reference)
            path = self._model_file(target)
            if path is not None:
                # the page is read again, and the model traced again, when the model changes
                self.env.note_dependency(str(path))
            model, args, kwargs, _ = load_model(f"{path or target}:{function}")
            with user_code(f"model {function!r}"):
                graph = model_graph(model, *args, **kwargs)
        except (PlategraphError, OSError) as err:
            logger.warning("plategraph: model %r in %s could not be drawn: %s",
                           reference, path or reference, err, location=self.get_location(),
                           type="plategraph", subtype="model")
            return []
        options = {"theme": self.options.get("theme", "notebook"),
                   "distributions": "distributions" in self.options,
                   "labels": "math" if "math" in self.options else None}
        alt = self.options.get("alt") or f"plate diagram of {reference}"
        diagram = plategraph_diagram(graph=to_json(graph), options=options, reference=reference,
                                     alt=alt)
        self.set_source_info(diagram)
        figure = nodes.figure("", diagram, classes=["plategraph"])
        caption = self.options.get("caption")
        if caption:
            text, messages = self.state.inline_text(caption, self.lineno)
            figure += nodes.caption(caption, "", *text)
            figure += messages
        return [figure]

    def _model_file(self, target: str) -> Path | None:
        """The model's file: relative to the document's folder, else to the source folder;
        None for a dotted module name."""
        if not (target.endswith(".py") or "/" in target):
            return None
        here = Path(self.env.doc2path(self.env.docname)).parent
        for base in (here, Path(self.env.srcdir)):
            candidate = (base / target.lstrip("/")).resolve()
            if candidate.is_file():
                return candidate
        return here / target  # missing: load_model names it in its error


def _draw(node: plategraph_diagram, fmt: str, **overrides: Any) -> bytes | None:
    """The node's figure as ``fmt`` bytes; a failure is a warning (None)."""
    try:
        options = DrawOptions(**{**node["options"], **overrides})
        return Diagram.of(from_json(node["graph"]), options).pipe(fmt)
    except PlategraphError as err:
        logger.warning("plategraph: model %r could not be drawn as %s: %s", node["reference"],
                       fmt, err, location=node, type="plategraph", subtype="model")
        return None


def visit_html(self: Any, node: plategraph_diagram) -> None:
    svg = _draw(node, "svg")
    if svg is None:
        self.body.append(f'<p class="plategraph-missing">{self.encode(node["alt"])}</p>')
        raise nodes.SkipNode
    text = svg.decode("utf-8")
    # inline, so site names are text of the page (searchable, selectable); the XML prologue
    # is not allowed inside HTML
    start = text.find("<svg")
    text = text[start:] if start >= 0 else text
    label = self.attval(node["alt"])
    text = text.replace("<svg", f'<svg role="img" aria-label="{label}"', 1)
    self.body.append(f'<div class="plategraph-diagram">{text}</div>\n')
    raise nodes.SkipNode


def visit_latex(self: Any, node: plategraph_diagram) -> None:
    # the paper figure: the notebook theme is for screens
    pdf = _draw(node, "pdf", theme="paper", labels=node["options"]["labels"] or "math")
    if pdf is None:
        raise nodes.SkipNode
    name = "plategraph-" + hashlib.sha1(pdf).hexdigest()[:16]
    outdir = Path(self.builder.outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    (outdir / f"{name}.pdf").write_bytes(pdf)
    self.body.append(f"\n\\sphinxincludegraphics{{{{{name}}}.pdf}}\n")
    raise nodes.SkipNode


def visit_text(self: Any, node: plategraph_diagram) -> None:
    """The text builder shows the alternative text."""
    self.add_text(f"[{node['alt']}]")
    raise nodes.SkipNode


def visit_alt(self: Any, node: plategraph_diagram) -> None:
    """Other builders without pictures (man, texinfo) show the alternative text."""
    self.body.append(node["alt"])
    raise nodes.SkipNode


STATIC = Path(__file__).parent / "static"


def _add_static(app: Sphinx) -> None:
    if app.builder.format == "html":
        app.config.html_static_path.append(str(STATIC))


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directive; ``extensions = ["plategraph.sphinx"]`` calls this."""
    app.connect("builder-inited", _add_static)
    app.add_css_file("plategraph.css")
    app.add_js_file("plategraph-viewer.js")  # a "full size" button under each diagram
    app.add_node(plategraph_diagram, html=(visit_html, None), latex=(visit_latex, None),
                 text=(visit_text, None), man=(visit_alt, None),
                 texinfo=(visit_alt, None))
    app.add_directive("plategraph", PlategraphDirective)
    # tracing runs JAX, which must not be forked into parallel readers
    return {"parallel_read_safe": False, "parallel_write_safe": True}
