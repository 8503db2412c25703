"""plategraph: plate diagrams of NumPyro models, inferred by tracing them.

>>> import plategraph
>>> g = plategraph.model_graph(model, x, y=y)   # networkx.DiGraph, DESIGN §2
>>> plategraph.draw(g)                           # a Diagram; displays itself in Jupyter
"""

from __future__ import annotations

from .collapse import collapse_families
from .compat import get_model_relations, render_model
from .diagram import Diagram, draw
from .dot import to_dot
from .exceptions import (
    CrossedPlatesWarning,
    DotNotFoundError,
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
from .geometry import Box, Layout
from .graph import build_graph
from .layout import layout
from .tikz import to_tikz
from .tracing import model_graph, trace_model

__version__ = "0.1.0"

__all__ = [
    "CrossedPlatesWarning",
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
    "__version__",
    "build_graph",
    "collapse_families",
    "draw",
    "get_model_relations",
    "layout",
    "model_graph",
    "render_model",
    "to_dot",
    "to_tikz",
    "trace_model",
]
