"""Pure: the size of a paper figure at its fixed type size, and where its distributions go.

A paper's figures share its type size, so a figure is never scaled to fit: ``fit_figure``
places the list of distributions beside the diagram when that fits the width asked, else below
it, and when even that is too wide warns (``FigureSizeWarning``) that the figure needs the full
text width (``figure*``). Before that, the layout stage may lay the figure out again, tighter or
in the other direction (``engine``), with ``figure_fit`` as the judge. The PDF and the TikZ of a
figure both ask the one layout, so they agree.
"""

from __future__ import annotations

import html
import re
import warnings
from dataclasses import dataclass

from ..exceptions import FigureSizeWarning
from .geometry import Layout
from .labels import distribution_label, plural
from .options import COLUMN_WIDTH, PLACEMENTS, TEXT_WIDTH
from .themes import PAPER_LIST_GAP, small_size

__all__ = ["LINE", "Fit", "estimate_width", "figure_fit", "fit_figure", "fit_limits",
           "list_rows"]

LINE = 1.35  # line height of the list of distributions, in font sizes
CHAR = 0.5  # the width of an average character of a serif font, in font sizes (generous)
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Fit:
    """Where a paper figure's list goes (``None``: no list), the width the figure fits
    (points; the column, or the text width when it did not fit the column) and its estimated
    size in points."""

    placement: str | None
    limit: float
    width: float
    height: float

    @property
    def fits(self) -> bool:
        return self.width <= self.limit


def list_rows(lay: Layout) -> list[str]:
    """The list of distributions as plain text, one row a drawn site that has one."""
    rows = (distribution_label(lay.graph, node, math=lay.options.math, dialect="html")
            for node in lay.graph.nodes if node in lay.nodes)
    return [html.unescape(_TAG.sub("", row)) for row in rows if row]


def estimate_width(text: str, size: float) -> float:
    """A generous estimate of the width of ``text`` set at ``size`` points."""
    return CHAR * size * len(text)


def figure_fit(lay: Layout, *, distributions: bool | str | None, limit: float) -> Fit:
    """Where the list goes so that the figure fits ``limit`` points, and its size (``fits``
    False when no placement fits). ``distributions``: ``True``/``"auto"`` (beside when that
    fits and the list is no taller than the diagram, else below), ``"beside"``, ``"below"``,
    or false for no list."""
    placement = "auto" if distributions is True else (distributions or None)
    if placement not in (None, *PLACEMENTS):
        raise ValueError(f"placement {placement!r}")  # options checked it
    small = small_size(lay.options.font_size)
    rows = list_rows(lay) if placement else []
    list_w = max((estimate_width(row, small) for row in rows), default=0.0)
    list_h = LINE * small * len(rows)
    if not rows:
        placement = None

    def size(where: str | None) -> tuple[float, float]:
        if where == "beside":
            return lay.width + PAPER_LIST_GAP + list_w, max(lay.height, list_h)
        if where == "below":
            return max(lay.width, list_w), lay.height + PAPER_LIST_GAP + list_h
        return lay.width, lay.height

    where = placement
    if placement == "auto":
        if size("beside")[0] <= limit and list_h <= lay.height:
            where = "beside"
        else:
            where = "below" if size("below")[0] <= size("beside")[0] else "beside"
    return Fit(where, limit, *size(where))


def fit_limits(width: float | None) -> tuple[float, float]:
    """The widths a paper figure tries to fit, in points: ``width`` or the column, then the
    full text width (``figure*``)."""
    column = width or COLUMN_WIDTH
    return column, max(column, TEXT_WIDTH)


def fit_figure(lay: Layout, *, distributions: bool | str | None,
               width: float | None) -> Fit:
    """Where the list goes and the width the figure fits: ``width`` (points) or the column,
    else the text width, with a ``FigureSizeWarning`` that names the model and its size
    (``figure_fit`` says where the list goes)."""
    column, _ = fit_limits(width)
    for limit in fit_limits(width):
        fit = figure_fit(lay, distributions=distributions, limit=limit)
        if fit.fits:
            break
    if fit.limit > column or not fit.fits:
        name = lay.graph.graph.get("name") or "model"
        text = (f"the plate diagram of {name} is {fit.width / 72:.2f} in × "
                f"{fit.height / 72:.2f} in with its text at {lay.options.font_size:g} pt "
                f"({plural(lay.graph.number_of_nodes(), 'site')}, "
                f"{plural(len(lay.graph.graph.get('plates', {})), 'plate')}): wider than the "
                f"{column / 72:.2f} in asked")
        if fit.fits:
            text += (f"; it is laid out for the full text width ({fit.limit / 72:g} in): "
                     "put it in a figure* environment")
        else:
            text += (f" and than the full text width ({fit.limit / 72:g} in); draw a part of "
                     "it (var_names=)")
        warnings.warn(text, FigureSizeWarning, stacklevel=3)
    return fit
