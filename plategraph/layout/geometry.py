"""Pure: the frozen geometry of one laid-out figure (``Layout``), shared by every exporter.

Coordinates are in points (1/72 in), origin at the bottom left, y pointing up, as in graphviz,
PDF and TikZ; an SVG exporter flips y itself. ``plategraph.layout`` makes a ``Layout``; SVG, PNG,
PDF and TikZ are all drawn from one, so every format of a figure agrees.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import networkx as nx

from .options import DrawOptions

__all__ = ["DIGITS", "Box", "Layout", "Point", "shifted_point"]

Point = tuple[float, float]
DIGITS = 2  # decimals of a coordinate: graphviz gives positions to 0.01 pt


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle ``(x0, y0)``–``(x1, y1)`` with ``x0 <= x1`` and ``y0 <= y1``."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def center(self) -> Point:
        return ((self.x0 + self.x1) / 2, (self.y0 + self.y1) / 2)

    def overlaps(self, other: Box) -> bool:
        """True when the interiors intersect (touching sides do not count)."""
        return (self.x0 < other.x1 and other.x0 < self.x1
                and self.y0 < other.y1 and other.y0 < self.y1)

    def contains(self, other: Box) -> bool:
        """True when ``other`` lies inside this box (sides may touch)."""
        return (self.x0 <= other.x0 and other.x1 <= self.x1
                and self.y0 <= other.y0 and other.y1 <= self.y1)

    def expanded(self, margin: float) -> Box:
        return Box(self.x0 - margin, self.y0 - margin, self.x1 + margin, self.y1 + margin)

    def shifted(self, dx: float, dy: float) -> Box:
        """This box moved by ``(dx, dy)`` (adding ``-0.0`` leaves a coordinate as it is)."""
        return Box(self.x0 + dx, self.y0 + dy, self.x1 + dx, self.y1 + dy)

    def rounded(self) -> Box:
        """This box with its corners rounded to ``DIGITS`` decimals."""
        return Box(round(self.x0, DIGITS), round(self.y0, DIGITS), round(self.x1, DIGITS),
                   round(self.y1, DIGITS))

    @classmethod
    def union(cls, boxes: Sequence[Box]) -> Box:
        """The smallest box holding every box of ``boxes`` (at least one)."""
        return cls(min(b.x0 for b in boxes), min(b.y0 for b in boxes),
                   max(b.x1 for b in boxes), max(b.y1 for b in boxes))


def shifted_point(point: Point, dx: float, dy: float) -> Point:
    """``point`` moved by ``(dx, dy)`` and rounded to ``DIGITS`` decimals."""
    return (round(point[0] + dx, DIGITS), round(point[1] + dy, DIGITS))


@dataclass(frozen=True)
class Layout:
    """One laid-out figure, in points.

    - ``graph``: the graph as drawn (families collapsed, hidden kinds removed, as ``draw`` does);
      node, edge and plate attributes are the contract's (``docs/design.md`` §2).
    - ``nodes[site]``: the node's box (a circle's bounding square).
    - ``plates[name]``: the plate's rectangle; ``plate_labels[name]``: the box of its label text.
      A group of crossed plates that cannot be drawn as overlapping rectangles is drawn as one box
      per combination; such a box's key is the names joined by ``" × "`` and ``combined[key]``
      gives its plate names.
    - ``edges[(parent, child)]``: the drawn path as a chain of cubic Bézier segments
      ``[p0, c1, c2, p1, c1, c2, p2, …]`` (3n + 1 points) from the parent's outline to the arrow
      tip on the child's outline; a straight edge has its control points on the line.
    - ``width``, ``height``: the tight bounding box of everything drawn, from (0, 0).
    - ``options``: the drawing options the layout was made with (``DrawOptions``).
    """

    graph: nx.DiGraph
    nodes: dict[str, Box]
    plates: dict[str, Box]
    plate_labels: dict[str, Box]
    edges: dict[tuple[str, str], list[Point]]
    width: float
    height: float
    combined: dict[str, tuple[str, ...]] = field(default_factory=dict)
    options: DrawOptions = field(default_factory=DrawOptions)
