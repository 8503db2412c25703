"""The layout stage: a graph and drawing options → a ``Layout`` in points.

graphviz ranks and routes (``graphviz`` is the only module that starts it), plategraph places
what graphviz cannot (``placement``: overlapping crossed plates). ``themes``, ``labels`` and
``options`` say how things look and which options exist; ``dot`` writes graphviz's input.
"""

from .engine import layout

__all__ = ["layout"]
