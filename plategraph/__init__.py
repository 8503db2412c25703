"""plategraph: plate diagrams of NumPyro models, inferred by tracing them.

>>> import plategraph
>>> g = plategraph.model_graph(model, x, y=y)   # networkx.DiGraph, DESIGN §2
>>> plategraph.draw(g)                           # a Diagram; displays itself in Jupyter
"""

from __future__ import annotations

from .exceptions import (
    DotNotFoundError,
    FormatError,
    GalleryError,
    IncompleteTraceWarning,
    ModelError,
    NotCallableError,
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
    "PlategraphError",
    "RenderError",
    "UnsupportedJaxError",
    "__version__",
    "build_graph",
    "model_graph",
    "trace_model",
]
