"""The tracing layer: run a NumPyro model and record its sites, plates and dependencies."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import networkx as nx

from ..graph import build_graph
from .trace import trace_model

__all__ = ["model_graph", "trace_model"]


def model_graph(model: Callable, *args: Any, **kwargs: Any) -> nx.DiGraph:
    """Trace ``model(*args, **kwargs)`` (seed 0) into the plategraph graph (DESIGN §2).

    >>> g = model_graph(eight_schools, J, sigma, y=y)
    >>> list(g.edges(data="kind"))
    [('mu', 'theta', 'data'), ('tau', 'theta', 'data'), ('theta', 'obs', 'data')]
    """
    return build_graph(trace_model(model, args, kwargs))
