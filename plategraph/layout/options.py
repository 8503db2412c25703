"""Every drawing option's allowed values and its check, done once where options come in.

``DrawOptions`` is ``draw``'s options as one frozen object, checked when it is made; the layout,
the exporters, the gallery and the command line all take it as it is. Formats, time limits and
widths have their checks here too.
"""

from __future__ import annotations

import functools
import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from ..exceptions import FormatError, OptionError
from .themes import PAPER_FONT_SIZE, PAPER_FONT_SIZES, is_paper, paper_type, resolve_theme

__all__ = ["DEFAULT_TIMEOUT", "EXPRESSIONS", "FORMATS", "LABEL_MODES", "MAX_TIMEOUT",
           "OBSERVED_STYLES", "PLACEMENTS", "RANKDIRS", "DrawOptions", "check_format",
           "check_timeout", "CAPTION_HEIGHT", "COLUMN_WIDTH", "FIGURE_HEIGHT", "TEXT_HEIGHT",
           "TEXT_WIDTH", "TEX_POINT", "format_for_path",
           "MAX_STAGGER", "max_width", "parse_width", "tex_width"]

FORMATS = ("svg", "png", "pdf", "dot", "tex", "mermaid")
# file suffixes that name a format by another name
SUFFIXES = {"mmd": "mermaid"}
DEFAULT_TIMEOUT = 60.0  # seconds `dot` may take for one diagram
MAX_TIMEOUT = 1e6  # about eleven days: longer limits are mistakes (and overflow timers)
LABEL_MODES = ("plain", "math")
RANKDIRS = ("TB", "LR", "BT", "RL")
PLACEMENTS = ("auto", "beside", "below")  # where a paper figure lists its distributions
# which computed parameters a distribution label writes out: the short ones, all, or none (f(…))
EXPRESSIONS = ("auto", "always", "never")
# how observed nodes differ from latent ones besides their grey fill (daft's names): filled
# only, a double outline, or a square
OBSERVED_STYLES = ("shaded", "double", "square")
OBSERVED_CUES = {"double": {"peripheries": "2"}, "square": {"shape": "square"}}
MAX_STAGGER = 4  # the most rows a rank is spread over
# the page a paper figure fits, in big points (bp, 72 an inch, as everywhere in plategraph):
# ``\documentclass[10pt,twocolumn]{article}`` on letter paper, as pdflatex reports it in TeX
# points (72.27 an inch): ``\columnwidth`` 229.5 pt, ``\textwidth`` 469 pt, ``\textheight``
# 550 pt. A figure fits a column of it by default (which also fits a 3.3 in column of other
# classes), and the full text width (``figure*``) when it cannot fit a column with readable text
TEX_POINT = 72 / 72.27  # a TeX point in big points
COLUMN_WIDTH = 229.5 * TEX_POINT  # 228.64 bp: 3.18 in
TEXT_WIDTH = 469.0 * TEX_POINT  # 467.25 bp: 6.49 in
TEXT_HEIGHT = 550.0 * TEX_POINT  # 547.95 bp: 7.61 in
# a figure never stands on its page alone: its caption takes \abovecaptionskip (10 pt) and two
# lines of 10 pt type (12 pt apart, and the last line's depth), 36 pt, so the most a figure may
# be tall is the text height less that (pdflatex sets a 512 bp figure with a two-line caption
# on a float page, and finds a 513 bp one "too large for page")
CAPTION_HEIGHT = 36.0 * TEX_POINT
FIGURE_HEIGHT = TEXT_HEIGHT - CAPTION_HEIGHT  # 512.08 bp
# the options only the paper figure has
PAPER_ONLY = ("width", "dpi", "font", "fontsize")
WIDTH_EXPECTED = "a length with its unit, such as 3.3in, 8cm, 84mm or 240pt"
# ``pt`` is TeX's point, as in the document the figure goes into; ``bp`` the big point
_UNITS = {"in": 72.0, "cm": 72 / 2.54, "mm": 72 / 25.4, "pt": TEX_POINT, "bp": 1.0}
_WIDTH = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*(in|cm|mm|pt|bp)\s*$")
_TEX_WIDTH = re.compile(
    r"^\s*([0-9]*\.?[0-9]+)?\s*\\(columnwidth|linewidth|textwidth|hsize)\s*$")


@dataclass(frozen=True)
class DrawOptions:
    """``draw``'s options, checked once when made: a bad value is an ``OptionError`` before
    anything is traced or drawn. ``labels`` and ``distributions`` are kept as asked (``labels``
    None: the theme's default, see ``math``).

    >>> DrawOptions(theme="paper").math
    True
    """

    theme: str | Mapping[str, Any] = "notebook"
    rankdir: str = "TB"
    params: bool = False
    deterministic: bool = True
    distributions: bool | str = False
    expressions: str = "auto"
    labels: str | None = None
    collapse: bool = True
    data: bool = False
    width: str | float | None = None
    dpi: int | None = None
    font: str | None = None
    fontsize: float | None = None
    var_names: Sequence[str] | None = None  # kept as a tuple
    ancestors: bool = True
    legend: bool = False
    observed_style: str = "shaded"
    # a factor on the theme's space between nodes and ranks (nodesep, ranksep): below 1 when
    # a paper figure is laid out again, tighter, to fit its width (layout.engine)
    spacing: float = 1.0
    # how a paper figure too wide for the text width is laid out again (layout.engine): the
    # ranks its chains of single edges fan out of or into are spread over ``stagger`` rows
    # (graphviz's ``unflatten``), and a name wider than the figure's circle gets an ellipse
    # of the circle's height (``ellipses``) instead of a circle of its own
    stagger: int = 1
    ellipses: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.stagger, bool) or not isinstance(self.stagger, int) or not (
                1 <= self.stagger <= MAX_STAGGER):
            raise OptionError(f"stagger must be a whole number from 1 to {MAX_STAGGER}; got "
                              f"{self.stagger!r}", "stagger",
                              expected=f"a whole number from 1 to {MAX_STAGGER}")
        if not isinstance(self.ellipses, bool):
            raise OptionError(f"ellipses must be True or False; got {self.ellipses!r}",
                              "ellipses")
        spacing = self.spacing
        if isinstance(spacing, bool) or not isinstance(spacing, (int, float)) or not (
                0 < spacing <= 1):
            raise OptionError(f"spacing must be a number above 0 and at most 1; got {spacing!r}",
                              "spacing", expected="a number above 0 and at most 1")
        low, high = PAPER_FONT_SIZES
        size = self.fontsize
        if size is not None and (isinstance(size, bool) or not isinstance(size, (int, float))
                                 or not low <= size <= high):
            raise OptionError(f"fontsize must be a number of points from {low:g} to {high:g} "
                              f"(a paper's figures have its type size); got {size!r}",
                              "fontsize", expected=f"a number of points from {low:g} to {high:g}")
        try:
            self.styles  # noqa: B018  (resolving the theme checks it)
        except OptionError as err:
            raise OptionError(str(err), "theme") from err
        if self.var_names is not None:
            names = self.var_names
            if isinstance(names, str) or not all(isinstance(n, str) for n in names):
                raise OptionError(f"var_names must be a list of site names, e.g. "
                                  f"var_names=['mu', 'obs']; got {names!r}", "var_names")
            object.__setattr__(self, "var_names", tuple(names))
        if self.observed_style not in OBSERVED_STYLES:
            raise OptionError(f"observed_style must be one of {', '.join(OBSERVED_STYLES)}; "
                              f"got {self.observed_style!r}", "observed_style",
                              expected=f"one of {', '.join(OBSERVED_STYLES)}")
        for flag in ("ancestors", "legend"):
            if not isinstance(getattr(self, flag), bool):
                raise OptionError(f"{flag} must be True or False; got {getattr(self, flag)!r}",
                                  flag)
        if self.labels is not None and self.labels not in LABEL_MODES:
            raise OptionError(f"labels must be one of {', '.join(LABEL_MODES)}; "
                              f"got {self.labels!r}", "labels",
                              expected=f"one of {', '.join(LABEL_MODES)}")
        if self.rankdir not in RANKDIRS:
            raise OptionError(f"rankdir must be one of {', '.join(RANKDIRS)}; "
                              f"got {self.rankdir!r}", "rankdir",
                              expected=f"one of {', '.join(RANKDIRS)}")
        given = [name for name in PAPER_ONLY if getattr(self, name) is not None]
        if given and not self.paper:
            raise OptionError("width, dpi, font and fontsize are options of the paper figure: "
                              "draw(..., theme='paper', width='3.3in')", *given, "theme")
        if self.font is not None and (not isinstance(self.font, str) or not self.font.strip()):
            raise OptionError(f"font must be a font's name (such as 'Computer Modern') or the "
                              f"path of a .ttf/.otf file; got {self.font!r}", "font")
        parse_width(self.width)
        dpi = self.dpi
        if dpi is not None and (isinstance(dpi, bool) or not isinstance(dpi, (int, float))
                                or not dpi > 0):
            raise OptionError(f"dpi must be a positive number; got {dpi!r}", "dpi",
                              expected="a positive number")
        if not (isinstance(self.distributions, bool) or self.distributions in PLACEMENTS):
            raise OptionError(f"distributions must be True, False or one of "
                              f"{', '.join(PLACEMENTS)}; got {self.distributions!r}",
                              "distributions")
        if self.expressions not in EXPRESSIONS:
            raise OptionError(f"expressions must be one of {', '.join(EXPRESSIONS)}; "
                              f"got {self.expressions!r}", "expressions",
                              expected=f"one of {', '.join(EXPRESSIONS)}")

    @property
    def paper(self) -> bool:
        """The paper theme (or a theme dict based on it): nodes of one size, symbol only."""
        return is_paper(self.theme)

    @property
    def writes_expressions(self) -> bool:
        """Whether distribution labels write computed parameters out (``expressions``): the
        spec stage, and SymPy, are needed only then."""
        return bool(self.distributions) and self.expressions != "never"

    @property
    def label_mode(self) -> str:
        """``labels`` as drawn: as asked, else math in the paper theme and plain otherwise."""
        return self.labels or ("math" if self.paper else "plain")

    @property
    def font_size(self) -> float:
        """The paper figure's type size in points (``fontsize``, 9 pt by default)."""
        return float(self.fontsize) if self.fontsize is not None else PAPER_FONT_SIZE

    @property
    def math(self) -> bool:
        return self.label_mode == "math"

    @functools.cached_property
    def styles(self) -> dict[str, dict[str, str]]:
        """The theme's graphviz attributes per key (``latent``, ``plate``, …), observed nodes
        with their second cue (``observed_style``)."""
        styles = resolve_theme(self.theme)
        cue = OBSERVED_CUES.get(getattr(self, "observed_style", "shaded"), {})
        if cue:
            styles = {**styles, "observed": {**styles.get("observed", {}), **cue}}
        if self.paper and getattr(self, "fontsize", None) is not None:
            styles = paper_type(styles, self.font_size)
        if getattr(self, "spacing", 1.0) != 1:
            graph = styles.get("graph", {})
            styles = {**styles, "graph": {**graph, **{
                key: f"{float(graph[key]) * self.spacing:.3g}"
                for key in ("nodesep", "ranksep") if key in graph}}}
        return styles

    def replace(self, **changes: Any) -> DrawOptions:
        """A copy with ``changes``, checked again."""
        return replace(self, **changes)

    def asked(self) -> dict[str, Any]:
        """The options that differ from ``draw``'s defaults, in field order: what a gallery's
        manifest records, and ``DrawOptions(**options.asked()) == options``.

        >>> DrawOptions(theme="paper", width="3.3in").asked()
        {'theme': 'paper', 'width': '3.3in'}
        """
        return {f.name: getattr(self, f.name) for f in fields(self)
                if getattr(self, f.name) != f.default}


def parse_width(width: str | float | None) -> float | None:
    """``"3.3in"``, ``"8.4cm"``, ``"84mm"``, ``"240pt"`` (TeX points, 72.27 an inch, as in
    the document), ``"240bp"`` or a number of big points (72 an inch) → big points.

    >>> parse_width("229.5pt") == COLUMN_WIDTH, parse_width("72bp"), parse_width(72)
    (True, 72.0, 72.0)
    """
    if width is None:
        return None
    if isinstance(width, (int, float)) and not isinstance(width, bool):
        value = float(width)
    else:
        match = _WIDTH.match(str(width))
        if not match:
            raise OptionError(f"width must be a length such as '3.3in', '8cm', '84mm' or "
                              f"'240pt'; got {width!r}", "width", expected=WIDTH_EXPECTED)
        value = float(match.group(1)) * _UNITS[match.group(2)]
    if not value > 0:
        raise OptionError(f"width must be positive; got {width!r}", "width",
                          expected=WIDTH_EXPECTED)
    return value


def max_width(width: str | float | None) -> float | None:
    """The width a paper figure must fit, in points: a length as ``parse_width`` takes, or a
    TeX width, since plategraph cannot ask the document: ``\\columnwidth``, ``\\linewidth``
    and ``\\hsize`` (``0.9\\linewidth``: a fraction of it) are a 10 pt two-column article's
    column, 229.5 pt (``COLUMN_WIDTH``, 228.64 bp); ``\\textwidth`` its text width, 469 pt
    (``TEXT_WIDTH``, 467.25 bp).

    >>> round(max_width(r"0.5\\textwidth"), 2)
    233.62
    """
    if width is None:
        return None
    match = _TEX_WIDTH.match(width) if isinstance(width, str) else None
    if match:
        full = TEXT_WIDTH if match.group(2) == "textwidth" else COLUMN_WIDTH
        value = float(match.group(1) or 1.0) * full
        if not value > 0:
            raise OptionError(f"width must be positive; got {width!r}")
        return value
    try:
        return parse_width(width)
    except OptionError:
        raise OptionError(f"width must be a length such as '3.3in', '8cm' or '240pt', or a TeX "
                          f"width such as '\\columnwidth'; got {width!r}") from None


def tex_width(width: str | float | None) -> str | None:
    """``width`` as a TeX length: a length ``draw`` takes (``"3.3in"``, ``"8cm"``, points as a
    number), or a TeX width macro such as ``\\columnwidth`` or ``"0.9\\linewidth"``."""
    if width is None:
        return None
    match = _TEX_WIDTH.match(width) if isinstance(width, str) else None
    if match:
        return f"{match.group(1) or ''}\\{match.group(2)}"
    try:
        points = parse_width(width)
    except OptionError:
        raise OptionError(f"width must be a length such as '3.3in', '8cm' or '240pt', or a TeX "
                          f"width such as '\\columnwidth'; got {width!r}") from None
    return f"{points:.2f}bp"  # bp: PostScript points, as everywhere else in plategraph


def check_format(fmt: str) -> str:
    """``fmt`` lower-cased, or a FormatError listing what plategraph writes."""
    norm = fmt.lower().lstrip(".")
    norm = SUFFIXES.get(norm, norm)
    if norm not in FORMATS:
        raise FormatError(f"unsupported format {fmt!r}; plategraph writes {', '.join(FORMATS)}")
    return norm


def format_for_path(path: str | os.PathLike[str]) -> str:
    """The output format a file name asks for by its suffix."""
    suffix = Path(path).suffix
    if not suffix:
        raise FormatError(f"cannot tell the format of {os.fspath(path)!r}: give it a suffix "
                          f"({', '.join('.' + f for f in (*FORMATS[:-1], *SUFFIXES))})")
    try:
        return check_format(suffix)
    except FormatError as err:
        raise FormatError(f"{os.fspath(path)}: {err}") from err


def check_timeout(seconds: float | None, *, what: str = "timeout") -> float | None:
    """``seconds`` as a time limit: a number above 0 and at most ``MAX_TIMEOUT``, or None for
    no limit; anything else (0, negative, inf, nan) is an OptionError naming ``what``."""
    if seconds is None:
        return None
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise OptionError(f"{what} must be a number of seconds or None; got {seconds!r}")
    if not (math.isfinite(seconds) and 0 < seconds <= MAX_TIMEOUT):
        raise OptionError(f"{what} must be above 0 and at most {MAX_TIMEOUT:g} seconds; "
                          f"got {seconds!r}")
    return float(seconds)
