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

from . import compat, json_graph
from .app.compat import get_model_relations, render_model
from .app.diagram import Diagram, draw
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
from .export.mermaid import to_mermaid
from .export.tikz import to_tikz
from .graph.build import build_graph, model_graph
from .graph.collapse import collapse_families
from .layout.dot import to_dot
from .layout.engine import layout
from .layout.geometry import Box, Layout
from .tracing import trace_model

__version__ = "0.1.0"

_LAZY = {"model_spec", "ModelSpec"}  # the spec stage imports SymPy: only when it is used


def __getattr__(name: str) -> object:
    if name in _LAZY:
        from .spec import build
        return getattr(build, name)
    raise AttributeError(f"module 'plategraph' has no attribute {name!r}")

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
