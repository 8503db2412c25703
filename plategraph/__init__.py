"""plategraph: plate diagrams of NumPyro models, inferred by tracing them.

>>> import plategraph
>>> g = plategraph.model_graph(model, x, y=y)   # networkx.DiGraph (docs/design.md)
>>> plategraph.draw(g)                           # a Diagram; displays itself in Jupyter
<plategraph.Diagram of 'model': 2 nodes, 1 edge>

The package is its pipeline, one folder a stage, data flowing one way: ``tracing`` (run the model,
record sites and dependencies) → ``graph`` (the contract graph and views of it) → ``layout``
(graphviz ranks and routes, plategraph places) → ``export`` (SVG, PDF, TikZ from one layout) →
``app`` (the ``Diagram`` users hold, the NumPyro drop-ins, the command line, the gallery).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from .exceptions import (
    CrossedPlatesWarning,
    DotNotFoundError,
    FigureSizeWarning,
    FormatError,
    GalleryError,
    IncompleteTraceWarning,
    ModelError,
    NotCallableError,
    OptionError,
    OutputError,
    PlategraphError,
    RenderError,
    UnsupportedJaxError,
)
from .layout.engine import layout  # imported now: the subpackage plategraph.layout shares the name

__version__ = "0.1.0"

# Each public name's module, imported when the name is first used: ``import plategraph`` costs
# little beyond its exceptions and the layout, so the command line starts its gallery workers
# before it would have imported JAX (seconds), and the spec stage's SymPy is loaded only when
# asked for.
_LAZY = {
    "compat": ".compat", "json_graph": ".json_graph",
    "get_model_relations": ".app.compat", "render_model": ".app.compat",
    "Diagram": ".app.diagram", "draw": ".app.diagram",
    "to_mermaid": ".export.mermaid", "to_tikz": ".export.tikz",
    "build_graph": ".graph.build", "model_graph": ".graph.build",
    "collapse_families": ".graph.collapse", "to_dot": ".layout.dot",
    "Box": ".layout.geometry", "Layout": ".layout.geometry", "trace_model": ".tracing.trace",
    "model_spec": ".spec.build", "ModelSpec": ".spec.build",
}

if TYPE_CHECKING:  # what static tools see: the same names, imported eagerly
    from . import compat, json_graph
    from .app.compat import get_model_relations, render_model
    from .app.diagram import Diagram, draw
    from .export.mermaid import to_mermaid
    from .export.tikz import to_tikz
    from .graph.build import build_graph, model_graph
    from .graph.collapse import collapse_families
    from .layout.dot import to_dot
    from .layout.geometry import Box, Layout
    from .spec.build import ModelSpec, model_spec
    from .tracing.trace import trace_model


def __getattr__(name: str) -> object:
    where = _LAZY.get(name)
    if where is None:
        raise AttributeError(f"module 'plategraph' has no attribute {name!r}")
    module = importlib.import_module(where, __name__)
    value = module if where == f".{name}" else getattr(module, name)
    globals()[name] = value  # looked up once
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))

__all__ = [
    "CrossedPlatesWarning",
    "FigureSizeWarning",
    "DotNotFoundError",
    "FormatError",
    "GalleryError",
    "IncompleteTraceWarning",
    "ModelError",
    "NotCallableError",
    "OptionError",
    "OutputError",
    "PlategraphError",
    "RenderError",
    "UnsupportedJaxError",
    "Box",
    "Diagram",
    "Layout",
    "ModelSpec",
    "__version__",
    "build_graph",
    "compat",
    "collapse_families",
    "draw",
    "get_model_relations",
    "json_graph",
    "layout",
    "model_graph",
    "model_spec",
    "render_model",
    "to_dot",
    "to_mermaid",
    "to_tikz",
    "trace_model",
]
