"""The layout stage: a graph and drawing options → a ``Layout`` in points.

graphviz ranks and routes (``graphviz`` is the only module that starts it), plategraph places
what graphviz cannot (``placement``: overlapping crossed plates). ``themes``, ``labels`` and
``options`` say how things look and which options exist; ``dot`` writes graphviz's input.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .engine import layout

__all__ = ["layout"]


def __getattr__(name: str) -> object:
    # imported on first use, so that ``layout.options`` alone does not import the tracer and JAX
    if name == "layout":
        from .engine import layout

        return layout
    raise AttributeError(f"module 'plategraph.layout' has no attribute {name!r}")
