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
from .graph import build_graph
from .tracing import model_graph, trace_model

__version__ = "0.1.0"

__all__ = [
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
    "Diagram",
    "__version__",
    "build_graph",
    "collapse_families",
    "draw",
    "get_model_relations",
    "model_graph",
    "render_model",
    "to_dot",
    "trace_model",
]
