"""Pure: the size of a paper figure at its fixed type size, and where its distributions go.

A paper's figures share its type size, so a figure is never scaled to fit: ``fit_figure``
places the list of distributions beside the diagram when that fits the width asked, else below
it, and when even that is too wide warns (``FigureSizeWarning``) that the figure needs the full
text width (``figure*``); a row of the list wider than the figure is wrapped (``wrap_row``),
and a list below the diagram that would make the figure taller than a page (its text height
less a two-line caption, ``FIGURE_HEIGHT``) is set in columns (``list_columns``).
Before that, the layout stage may lay the figure out again (``engine``) with the options
``refits`` and ``wide_refits`` give (tighter, turned, long names in ellipses, wide ranks
staggered), with ``figure_fit`` as the judge. The PDF and the TikZ of a figure both ask the one
layout, so they agree.
"""

from __future__ import annotations

import html
import re
import warnings
from dataclasses import dataclass

from ..exceptions import FigureSizeWarning
from .geometry import Layout
from .labels import distribution_label, plural
from .options import COLUMN_WIDTH, FIGURE_HEIGHT, PLACEMENTS, TEXT_WIDTH, DrawOptions
from .themes import PAPER_LIST_GAP, small_size

__all__ = ["INDENT", "LINE", "STAGGERS", "TIGHT", "Fit", "beyond_a_page", "estimate_width",
           "figure_fit",
           "fit_figure", "fit_limits", "list_columns", "list_lines", "list_rows", "refits",
           "wide_refits", "wrap_row"]

LINE = 1.35  # line height of the list of distributions, in font sizes
CHAR = 0.5  # the width of an average character of a serif font, in font sizes (generous)
INDENT = 1.5  # the hanging indent of a wrapped row's further lines, in font sizes
MIN_WRAP = 20.0  # font sizes: the narrowest a list beside the diagram is wrapped to
_TAG = re.compile(r"<[^>]*>")
_MARKUP = re.compile(r"\\[a-zA-Z]+|[{}$]")


@dataclass(frozen=True)
class Fit:
    """Where a paper figure's list goes (``None``: no list), the width the figure fits
    (points; the column, or the text width when it did not fit the column), its estimated
    size in points and the width its list's rows are wrapped to."""

    placement: str | None
    limit: float
    width: float
    height: float
    wrap: float | None = None  # the width the list's rows are wrapped to (``wrap_row``)
    # the list's columns: the first row of each and its x offset from the list's left edge
    columns: tuple[tuple[int, float], ...] = ((0, 0.0),)

    @property
    def fits(self) -> bool:
        return self.width <= self.limit


def _plain_row(lay: Layout, node: str) -> str:
    """A drawn site's row of the list as plain text ("" for a site without one)."""
    row = distribution_label(lay.graph, node, math=lay.options.math, dialect="html")
    return html.unescape(_TAG.sub("", row)) if row else ""


def list_rows(lay: Layout) -> list[str]:
    """The list of distributions as plain text, one row a drawn site that has one."""
    rows = (_plain_row(lay, node) for node in lay.graph.nodes if node in lay.nodes)
    return [row for row in rows if row]


def estimate_width(text: str, size: float) -> float:
    """A generous estimate of the width of ``text`` set at ``size`` points."""
    return CHAR * size * len(text)


def _breaks(text: str, dialect: str) -> list[int]:
    """Where a row may be broken: after each ``, `` of an argument list (outside ``$…$`` in
    mathtext, where each symbol is its own math; outside braces in LaTeX, where the row is
    one formula)."""
    if dialect == "html":
        return [m.end() for m in re.finditer(", ", text)]
    found, math, depth, i = [], False, 0, 0
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "$":
            math = not math
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif text.startswith(", ", i) and depth == 0 and not (math and dialect == "mathtext"):
            found.append(i + 2)
        i += 1
    return found


def wrap_row(row: str, plain: str, *, dialect: str, width: float | None,
             size: float) -> list[str]:
    """A row of the list of distributions (in ``dialect``: ``html`` plain text, ``mathtext``
    or ``latex``) broken after commas of its argument lists into lines no wider than ``width``
    points at ``size`` points, the further lines ``INDENT`` narrower (they hang); ``plain`` is
    the row as plain text, which measures the pieces. A piece wider than ``width`` stays whole."""
    if width is None or estimate_width(plain, size) <= width:
        return [row]
    cuts, plain_cuts = _breaks(row, dialect), _breaks(plain, "html")
    pieces = [row[a:b] for a, b in zip([0, *cuts], [*cuts, len(row)])]
    if len(plain_cuts) == len(cuts):
        measured = [plain[a:b] for a, b in zip([0, *plain_cuts], [*plain_cuts, len(plain)])]
    else:  # the dialect's markup hides or adds a comma: measure its own text
        measured = [_MARKUP.sub("", piece) for piece in pieces]
    lines: list[list[int]] = []  # the pieces of each line
    used = 0.0
    for k, text in enumerate(measured):
        room = width - (INDENT * size if lines[1:] else 0.0)
        if lines and used + estimate_width(text.rstrip(), size) <= room:
            lines[-1].append(k)
            used += estimate_width(text, size)
        else:
            lines.append([k])
            used = estimate_width(text, size)
    starts = [0, *cuts]
    texts = []
    for i, line in enumerate(lines):
        text = "".join(pieces[k] for k in line).rstrip()
        if dialect == "latex":  # a row is one formula: closed at each break, opened again
            if i and _in_math(row, starts[line[0]]):
                text = "$" + text
            if i < len(lines) - 1 and _in_math(row, starts[lines[i + 1][0]]):
                text += "$"
        texts.append(text)
    return texts


def _in_math(text: str, end: int) -> bool:
    """Whether LaTeX ``text`` is in math at ``end``: an odd number of unescaped ``$`` before."""
    return len(re.findall(r"(?<!\\)\$", text[:end])) % 2 == 1


def list_columns(lines: list[int], count: int) -> list[int]:
    """The first row of each of at most ``count`` columns a list is set in, its rows (of
    ``lines`` lines each) kept whole and in order, the tallest column as short as it can be."""
    most = max(max(lines, default=0), -(-sum(lines) // max(count, 1)))
    while True:  # the fewest lines a column may hold so that ``count`` columns hold them all
        starts, used = [0], 0
        for i, height in enumerate(lines):
            if used and used + height > most:
                starts.append(i)
                used = 0
            used += height
        if len(starts) <= count:
            return starts
        most += 1


def list_lines(lay: Layout, *, dialect: str, width: float | None) -> list[list[str]]:
    """The list of distributions in ``dialect``, one entry a drawn site that has one, each
    row wrapped to ``width`` points (``wrap_row``)."""
    size = small_size(lay.options.font_size)
    out = []
    for node in lay.graph.nodes:
        if node not in lay.nodes:
            continue
        row = distribution_label(lay.graph, node, math=lay.options.math, dialect=dialect)
        if not row:
            continue
        out.append(wrap_row(row, _plain_row(lay, node), dialect=dialect, width=width, size=size))
    return out


def figure_fit(lay: Layout, *, distributions: bool | str | None, limit: float) -> Fit:
    """Where the list goes so that the figure fits ``limit`` points, and its size (``fits``
    False when no placement fits). ``distributions``: ``True``/``"auto"`` (beside when that
    fits and the list is no taller than the diagram, else below), ``"beside"``, ``"below"``,
    or false for no list. A row wider than the room the list has (the rest of ``limit``
    beside the diagram, or the figure's width below it) is wrapped (``wrap_row``)."""
    placement = "auto" if distributions is True else (distributions or None)
    if placement not in (None, *PLACEMENTS):
        raise ValueError(f"placement {placement!r}")  # options checked it
    small = small_size(lay.options.font_size)
    rows = list_rows(lay) if placement else []
    if not rows:
        placement = None
    room = {"beside": max(limit - lay.width - PAPER_LIST_GAP, MIN_WRAP * small),
            "below": max(limit, lay.width)}

    def set_in(wrap: float, count: int) -> tuple[float, float, tuple[tuple[int, float], ...]]:
        """The list's width, height and columns, its rows wrapped to ``wrap`` points."""
        wrapped = [wrap_row(row, row, dialect="html", width=wrap, size=small) for row in rows]
        starts = list_columns([len(lines) for lines in wrapped], count)
        columns, x, height = [], 0.0, 0
        for first, end in zip(starts, [*starts[1:], len(rows)]):
            widest = max(estimate_width(line, small) + INDENT * small * (i > 0)
                         for lines in wrapped[first:end] for i, line in enumerate(lines))
            columns.append((first, x))
            x += widest + PAPER_LIST_GAP
            height = max(height, sum(len(lines) for lines in wrapped[first:end]))
        return x - PAPER_LIST_GAP, LINE * small * height, tuple(columns)

    def size(where: str | None) -> tuple[float, float, float | None, tuple]:
        if where is None:
            return lay.width, lay.height, None, ((0, 0.0),)
        list_w, list_h, columns = set_in(room[where], 1)
        if where == "beside":
            return (lay.width + PAPER_LIST_GAP + list_w, max(lay.height, list_h), room[where],
                    columns)
        best = max(lay.width, list_w), lay.height + PAPER_LIST_GAP + list_h, room[where], columns
        # a list that makes the figure taller than a page is set in columns, the fewest that
        # bring it within a page, each no narrower than a list beside is wrapped to; fewer
        # columns than the rows over the lines the page has room for cannot do it (wrapping
        # only adds lines), so the search starts there
        room_lines = int((FIGURE_HEIGHT - lay.height - PAPER_LIST_GAP) // (LINE * small))
        first = max(2, -(-len(rows) // room_lines)) if room_lines >= 1 else len(rows) + 1
        for count in range(first, len(rows) + 1):
            wrap = (room[where] - (count - 1) * PAPER_LIST_GAP) / count
            if best[1] <= FIGURE_HEIGHT or wrap < MIN_WRAP * small:
                break
            list_w, list_h, columns = set_in(wrap, count)
            if lay.height + PAPER_LIST_GAP + list_h <= FIGURE_HEIGHT:
                best = (max(lay.width, list_w), lay.height + PAPER_LIST_GAP + list_h, wrap,
                        columns)
        return best

    where = placement
    if placement == "auto":
        beside = size("beside")
        if beside[0] <= limit and beside[1] <= lay.height:
            where = "beside"
        else:
            where = "below" if size("below")[0] <= beside[0] else "beside"
    width, height, wrap, columns = size(where)
    return Fit(where, limit, width, height, wrap=wrap, columns=columns)


def beyond_a_page(lay: Layout, limit: float) -> bool:
    """Whether no layout of these nodes fits ``limit`` points by a page's height: their boxes
    alone, each at least as big as the smallest (a re-layout changes spacing, direction and the
    shape of long names, never a circle below the smallest), cover more than the page. Such a
    figure (a thousand sites drawn one by one) is not laid out again to fit."""
    if not lay.nodes:
        return False
    side = min(min(b.width, b.height) for b in lay.nodes.values())
    return len(lay.nodes) * side * side > limit * FIGURE_HEIGHT


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
    fits = [figure_fit(lay, distributions=distributions, limit=limit)
            for limit in fit_limits(width)]
    # the first width it fits on a page, else the first it fits (as the layout chose)
    fit = next((f for f in fits if f.fits and f.height <= FIGURE_HEIGHT),
               next((f for f in fits if f.fits), fits[-1]))
    if fit.limit > column or not fit.fits:
        name = lay.graph.graph.get("name") or "model"
        text = (f"the plate diagram of {name} is {fit.width / 72:.2f} in × "
                f"{fit.height / 72:.2f} in with its text at {lay.options.font_size:g} pt "
                f"({plural(lay.graph.number_of_nodes(), 'site')}, "
                f"{plural(len(lay.graph.graph.get('plates', {})), 'plate')}): wider than "
                + (f"the {column / 72:.2f} in asked" if width else
                   f"a column ({column / 72:.2f} in)"))
        if fit.fits:
            text += (f"; it is laid out for the full text width ({fit.limit / 72:.2f} in): "
                     "put it in a figure* environment")
        else:
            text += (f" and than the full text width ({fit.limit / 72:.2f} in); draw a part "
                     "of it (var_names=)")
        warnings.warn(text, FigureSizeWarning, stacklevel=3)
    return fit


REFITS = (("spacing",), ("rankdir",), ("rankdir", "spacing"))  # what a re-layout changes
TIGHT = 0.5  # the spacing of a tighter re-layout: half the theme's nodesep and ranksep
STAGGERS = (1, 2, 3, 4)  # the rows a wide rank is spread over by the last re-layouts
_OTHER_DIRECTION = {"TB": "LR", "LR": "TB", "BT": "RL", "RL": "BT"}


def refits(options: DrawOptions, *, turn: bool = True) -> list[DrawOptions]:
    """The options of a paper figure laid out again to fit, in the order they are tried:
    tighter (``spacing``), then (``turn``) in the other direction (``rankdir`` TB ↔ LR), both.
    """
    changes = {"spacing": TIGHT, "rankdir": _OTHER_DIRECTION[options.rankdir]}
    return [options.replace(**{key: changes[key] for key in keys}) for keys in REFITS
            if turn or "rankdir" not in keys]


def wide_refits(options: DrawOptions, *, turn: bool = True) -> list[DrawOptions]:
    """The options of a paper figure laid out again when no ``refits`` fits the text width:
    tighter, long names in ellipses, its wide ranks spread over ``STAGGERS`` rows, in the
    direction asked and (``turn``) the other."""
    directions = [options.rankdir] + ([_OTHER_DIRECTION[options.rankdir]] if turn else [])
    return [options.replace(spacing=TIGHT, ellipses=True, stagger=rows, rankdir=rankdir)
            for rankdir in directions for rows in STAGGERS]
