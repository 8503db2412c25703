"""Layout → paper figures (PDF, SVG, PNG) through matplotlib, the renderer made for figures.

Two steps, as in daft: ``figure_spec`` turns a ``Layout`` into a plain ``PaperFigure`` (shapes,
curves and texts in points, the scale to the asked width), which tests read without drawing;
``render_figure`` draws a spec with matplotlib. Text is matplotlib mathtext (``labels``'
``mathtext`` dialect): italic symbols, real subscripts, true minus signs. matplotlib is imported
inside the functions that need it, so ``import plategraph`` stays fast.
"""

from __future__ import annotations

import functools
import io
import math
import os
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..exceptions import FormatError, OptionError
from ..layout.fit import INDENT, LINE, Fit, fit_figure, list_lines
from ..layout.geometry import Box, Layout, Point
from ..layout.labels import name_label, plate_box_label
from ..layout.legend import KEY_GAP, key_entries, place_key
from ..layout.options import PLACEMENTS, DrawOptions, parse_width
from ..layout.themes import PAPER_FONT_SIZE, PAPER_LIST_GAP, hex_color, small_size
from ..layout.typeset import (
    Line,
    Run,
    Typeface,
    face_of,
    find_family,
    label_extent,
    quiet_font_logs,
    run_font,
    typeset,
)

__all__ = ["COMPUTER_MODERN", "PaperFigure", "Shape", "Text", "check_font", "default_font",
           "figure_spec", "font_choices", "font_installed",
           "font_settings", "render_figure", "text_box", "warm_up"]

MARGIN = 1.0  # points of blank around everything (so no stroke is cut)
LINE_WIDTH = 0.6
# arrowheads, (length, half-width) in points: filled for data and control edges, open (two
# strokes) for a gate edge
HEAD = {"filled": (4.5, 1.7), "open": (5.5, 3.0)}
DEFAULT_DPI = 300
# Liberation Serif (Debian's fonts-liberation2, installed by the Makefile): Times' metrics, Greek
# included, and TrueType, so it embeds as Type 42. Where it is missing, matplotlib's bundled STIX
# (also Times-like, the same on every machine) stands in, with a warning.
DEFAULT_FONT = "Liberation Serif"
BUNDLED_FONT = "STIX"
DEFAULT_FONT_PACKAGE = "fonts-liberation2"


@dataclass(frozen=True)
class Text:
    """One text, anchored at ``(x, y)`` (``ha``: left/center/right; ``va``: baseline/center/top);
    ``text`` is matplotlib mathtext; ``size`` in points before scaling."""

    x: float
    y: float
    text: str
    size: float
    ha: str = "center"
    va: str = "center"
    role: str = "node"  # node, plate, factor, param, distribution, key


@dataclass(frozen=True)
class Shape:
    """A node or plate outline: ``circle``, ``double`` (deterministic), ``square`` (factor),
    ``box`` (an observed site drawn square) or ``rect`` (plate)."""

    kind: str
    box: Box
    fill: str = "white"
    dashed: bool = False


@dataclass(frozen=True)
class PaperFigure:
    """A figure as plain data, in points, at its natural size (``scale`` is 1: a paper's
    figures keep its type size, never scaled)."""

    bounds: Box
    scale: float
    shapes: list[Shape] = field(default_factory=list)
    # (points, dashed, arrowhead): "filled", or "open" for a gate edge
    curves: list[tuple[list[Point], bool, str]] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    font: str = DEFAULT_FONT

    @property
    def width(self) -> float:
        """Final width in points."""
        return self.bounds.width * self.scale

    @property
    def height(self) -> float:
        return self.bounds.height * self.scale

    def smallest_text(self) -> float:
        """The smallest text of the figure at its final size, in points."""
        return min((t.size * self.scale for t in self.texts), default=float("inf"))

    def largest_text(self) -> float:
        """The largest text of the figure at its final size, in points."""
        return max((t.size * self.scale for t in self.texts), default=0.0)


def check_font(font: str) -> None:
    """Raise OptionError, before anything is drawn, for a font the paper figure cannot use."""
    with quiet_font_logs():
        font_settings(font)


# -- fonts ------------------------------------------------------------------------------------

# "Computer Modern": LaTeX's own look. Text in CMU Serif (Debian's fonts-cmu, installed by the
# Makefile: Computer Modern with Unicode's Latin, Greek and a real underscore, as TrueType) and
# math in matplotlib's bundled cmr10/cmmi10/cmsy10 (mathtext's "cm"), which are TeX's glyphs but
# lack text characters such as the underscore, so they cannot set the names themselves.
COMPUTER_MODERN = "Computer Modern"
CM_TEXT_FONT = "CMU Serif"
CM_FONT_PACKAGE = "fonts-cmu"
# a font must draw every printable ASCII character (site names use them all): TeX's cmr10, for
# one, has a dot accent where the underscore should be
_ASCII = "".join(chr(c) for c in range(0x21, 0x7F))


def font_choices() -> list[str]:
    """The named fonts this machine can draw the paper figure in (``font=``)."""
    named = [(DEFAULT_FONT, DEFAULT_FONT), (COMPUTER_MODERN, CM_TEXT_FONT)]
    return [name for name, family in named
            if font_installed(family)] + [BUNDLED_FONT]


def _choices_hint() -> str:
    return (f"installed choices: {', '.join(repr(c) for c in font_choices())}, or the path "
            "of a .ttf/.otf file")


def font_settings(font: str) -> dict[str, Any]:
    """matplotlib settings for ``font``: the default Liberation Serif, ``"Computer Modern"``
    (CMU Serif text, TeX's math fonts), ``"STIX"`` (matplotlib's bundled STIX fonts), a font
    family matplotlib knows, or a font file (``.ttf``/``.otf``); an OptionError for any other,
    and for a font without every printable ASCII character."""
    from matplotlib import font_manager

    common = {"pdf.fonttype": 42, "ps.fonttype": 42, "svg.fonttype": "path",
              "svg.hashsalt": "plategraph", "axes.unicode_minus": True}
    if not isinstance(font, str) or not font.strip():
        raise OptionError(f"font must be a font's name or the path of a font file; got "
                          f"{font!r} ({_choices_hint()})", "font")
    if font == DEFAULT_FONT:
        font = default_font()
    if font == BUNDLED_FONT:
        return {**common, "font.family": "STIXGeneral", "mathtext.fontset": "stix"}
    if font == COMPUTER_MODERN:
        if not (font_installed(CM_TEXT_FONT)):
            raise OptionError(f"font {COMPUTER_MODERN!r} needs the font {CM_TEXT_FONT} "
                              f"(Debian package {CM_FONT_PACKAGE}), which is not installed; "
                              f"{_choices_hint()}", "font")
        # math beyond a label's (a parameter's expression) in CMU Serif too, so that its
        # letters copy as written; TeX's own fonts only for the symbols CMU Serif lacks
        return {**common, "font.family": CM_TEXT_FONT, "mathtext.fontset": "custom",
                "mathtext.rm": CM_TEXT_FONT, "mathtext.it": f"{CM_TEXT_FONT}:italic",
                "mathtext.bf": f"{CM_TEXT_FONT}:bold", "mathtext.cal": f"{CM_TEXT_FONT}:italic",
                "mathtext.fallback": "cm"}
    if os.path.splitext(font)[1].lower() in (".ttf", ".otf", ".ttc"):
        path = Path(font)
        if not path.is_file():
            raise OptionError(f"font file {font!r} does not exist", "font")
        font_manager.fontManager.addfont(str(path))
        family = font_manager.FontProperties(fname=str(path)).get_name()
        file = str(path)
    else:
        family = font
        if not (font_installed(family)):
            raise OptionError(f"font {font!r} is not installed (matplotlib cannot find it); "
                              f"{_choices_hint()}", "font")
        file = font_manager.findfont(font_manager.FontProperties(family=family))
    _check_ascii(font, file)
    return {**common, "font.family": family, "mathtext.fontset": "custom",
            "mathtext.rm": family, "mathtext.it": f"{family}:italic",
            "mathtext.bf": f"{family}:bold", "mathtext.cal": f"{family}:italic",
            "mathtext.fallback": "stix"}


# the glyph names of ASCII characters that fonts in TeX's own encodings put other glyphs at
# (cmr10's "_" is a dot accent, its "{" an en dash)
_GLYPH_NAMES = {"_": "underscore", "{": "braceleft", "}": "braceright", "\\": "backslash",
                "^": "asciicircum", "~": "asciitilde", "<": "less", ">": "greater", "|": "bar"}


@functools.cache
def _missing_ascii(file: str) -> str:
    """The printable ASCII characters the font file has no glyph for, or the glyph of another
    character at their place."""
    from matplotlib.ft2font import FT2Font

    font = FT2Font(file)
    missing = []
    for ch in _ASCII:
        index = font.get_char_index(ord(ch))
        name = font.get_glyph_name(index) if index and ch in _GLYPH_NAMES else ""
        if not index or (name and not name.startswith(_GLYPH_NAMES[ch])
                         and name != f"uni{ord(ch):04X}" and not name.startswith("glyph")):
            missing.append(ch)
    return "".join(missing)


def _check_ascii(font: str, file: str) -> None:
    """An OptionError for a font that cannot set every printable ASCII character."""
    missing = _missing_ascii(file)
    if missing:
        raise OptionError(f"font {font!r} has no glyph for {' '.join(missing)!r}, which site "
                          f"names use (TeX's cmr10 is such a font: for LaTeX's look use "
                          f"font={COMPUTER_MODERN!r}); {_choices_hint()}", "font")


@functools.cache
def default_font() -> str:
    """The default font, or the bundled STIX where it is not installed (said once a process)."""
    if font_installed(DEFAULT_FONT):
        return DEFAULT_FONT
    warnings.warn(f"the paper font {DEFAULT_FONT} is not installed (Debian package "
                  f"{DEFAULT_FONT_PACKAGE}); using matplotlib's bundled {BUNDLED_FONT}",
                  UserWarning, stacklevel=4)
    return BUNDLED_FONT


def font_installed(family: str) -> bool:
    """Whether matplotlib finds the font family ``family``, made known to it first where it
    was installed after matplotlib listed the fonts (``typeset.find_family``)."""
    return find_family(family) is not None


# the text font's file while ``_fonts`` is in force, looked up once there (a big figure
# measures and draws thousands of texts, each of which asked matplotlib for it)
_FONT_FILES: list[str | None] = []


@contextmanager
def _fonts(font: str) -> Iterator[None]:
    import matplotlib

    with matplotlib.rc_context(font_settings(font)), warnings.catch_warnings(), quiet_font_logs():
        # a character the font lacks is drawn as a box, not an error
        warnings.filterwarnings("ignore", message=r"(?s).*[Gg]lyph.*missing")
        warnings.filterwarnings("ignore", message=r"(?s).*substituting with a dummy symbol")
        _FONT_FILES.append(None)
        try:
            yield
        finally:
            _FONT_FILES.pop()


def _font_file() -> str:
    """The file of the text font (under ``_fonts``). Texts name their font by file: matplotlib
    looks a font up by family again for every new text size, scoring every installed font
    each time, and the file it would find is this one."""
    from matplotlib import font_manager, rcParams

    if _FONT_FILES and _FONT_FILES[-1] is not None:
        return _FONT_FILES[-1]
    found = font_manager.findfont(font_manager.FontProperties(family=rcParams["font.family"]))
    if _FONT_FILES:
        _FONT_FILES[-1] = found
    return found


def _font(size: float) -> Any:
    """The text font at ``size`` points (under ``_fonts``), as a matplotlib FontProperties."""
    from matplotlib.font_manager import FontProperties

    return FontProperties(fname=_font_file(), size=size)


_PHI = re.compile(r"\\phi(?![A-Za-z])")
# the math of a matplotlib string: between dollars that no backslash escapes (labels' mathtext
# escapes every literal dollar, and puts a backslash before math into it)
_MATH = re.compile(r"(?<!\\)\$(.*?)(?<!\\)\$")


def _in_font(text: str) -> str:
    """``text`` for the font in use (under ``_fonts``): mathtext's ``\\phi`` is the symbol ϕ
    (U+03D5), which text fonts such as Liberation Serif draw upright even in italic, so outside
    STIX and TeX's own fonts it is set as the letter φ (U+03C6, ``\\varphi``), italic as every
    other symbol; only in math, never in a name's text."""
    from matplotlib import rcParams

    if rcParams["mathtext.fontset"] in ("stix", "cm"):
        return text
    return _MATH.sub(lambda math: "$" + _PHI.sub(r"\\varphi", math.group(1)) + "$", text)


def _face() -> Typeface:
    """The typeface of the font in use (under ``_fonts``): its regular and italic files, with
    matplotlib's bundled STIX for characters they lack."""
    from matplotlib import rcParams

    return face_of(str(_font_file()), rcParams["font.family"][0])


def _measure(text: str, size: float) -> tuple[float, float, float]:
    """Width, height and descent of ``text`` in points (under ``_fonts``): set as plain-text
    runs (``layout.typeset``) where it has no more math than a label's, else by mathtext;
    text scales with its size, so each string is measured once."""
    from matplotlib import rcParams

    line = typeset(text, _face())
    if line is not None:
        return label_extent(line, size)
    width, height, descent = _measure_unit(text, _font_file(), rcParams["mathtext.fontset"])
    return width * size, height * size, descent * size


@functools.lru_cache(maxsize=4096)
def _measure_unit(text: str, file: str, fontset: str) -> tuple[float, float, float]:
    from matplotlib.textpath import TextToPath

    prop = _font(_UNIT_SIZE)
    ismath = text.count("$") - text.count(r"\$") >= 2
    if not ismath:  # matplotlib draws plain text with each escaped dollar as a dollar
        text = text.replace(r"\$", "$")
    width, height, descent = TextToPath().get_text_width_height_descent(
        text, prop, ismath=ismath)
    return width / _UNIT_SIZE, height / _UNIT_SIZE, descent / _UNIT_SIZE


_UNIT_SIZE = 10.0


# -- spec -------------------------------------------------------------------------------------


def text_box(spec: PaperFigure, text: Text) -> Box:
    """The box a text of the figure covers, in points, measured in the font that draws it."""
    with _fonts(spec.font):
        return _extent(text)


def _extent(text: Text) -> Box:
    width, height, descent = _measure(text.text, text.size)
    x0 = {"left": text.x, "center": text.x - width / 2, "right": text.x - width}[text.ha]
    if text.va == "baseline":
        y0 = text.y - descent
    elif text.va == "top":
        y0 = text.y - height
    else:
        y0 = text.y - height / 2
    return Box(x0, y0, x0 + width, y0 + height)


def figure_spec(lay: Layout, *, width: str | float | None = None,
                distributions: bool | str | None = None,
                font: str | None = None) -> PaperFigure:
    """The paper figure of a layout, as data, with its text at the layout's type size
    (``fontsize``, never scaled): circles holding the symbol, plates with their labels, edges,
    and with ``distributions`` the list ``a ~ Normal(μₐ, σₐ)``, one line a site, ``"beside"``
    or ``"below"`` the diagram (``True``/``"auto"``: as ``layout.fit.fit_figure`` says, the
    same rule as the TikZ). ``width`` is the most the figure may be wide (by default a 10 pt
    two-column article's column, 229.5 pt): a figure that cannot fit it is laid out for the
    full text width, with a ``FigureSizeWarning``."""
    font = font or DEFAULT_FONT
    target = parse_width(width)
    if distributions is None:
        distributions = lay.options.distributions
    if distributions not in (True, False, None, *PLACEMENTS):
        raise OptionError(f"distributions must be True, False or one of "
                          f"{', '.join(PLACEMENTS)}; got {distributions!r}")
    fit = fit_figure(lay, distributions=distributions, width=target)
    placement = fit.placement
    graph = lay.graph
    math = lay.options.math
    with _fonts(font):
        shapes, texts = _diagram(lay, math)
        curves = [_curve(points, graph.edges[edge].get("kind"))
                  for edge, points in lay.edges.items() if len(points) >= 4]
        # what is drawn, not graphviz's box (which has blank around clusters)
        ink = [s.box for s in shapes] + [Box.union([Box(x, y, x, y) for x, y in points])
                                         for points, _, _ in curves]
        diagram = Box.union([*ink, *(_extent(t) for t in texts)] or [Box(0, 0, 1, 1)])
        if placement:
            texts += _distribution_list(lay, diagram, placement, fit)
        bounds = Box.union([diagram, *(_extent(t) for t in texts)])
        if lay.options.legend:
            key_shapes, key_curves, key_texts = _key(lay, bounds)
            shapes += key_shapes
            curves += key_curves
            texts += key_texts
            bounds = Box.union([bounds, *(s.box for s in key_shapes),
                                *(_extent(t) for t in key_texts)])
        bounds = bounds.expanded(MARGIN)
    return PaperFigure(bounds, 1.0, shapes, curves, texts, font)


def _curve(points: list[Point], kind: str | None) -> tuple[list[Point], bool, str]:
    """An edge as drawn: control and gate edges dashed, a gate edge with an open arrowhead."""
    return points, kind in ("control", "gate"), "open" if kind == "gate" else "filled"


def _diagram(lay: Layout, math: bool) -> tuple[list[Shape], list[Text]]:
    """The plates' and nodes' shapes and texts (under ``_fonts``): plates with their labels,
    then the nodes in trace order, then the factors' names."""
    shapes: list[Shape] = []
    texts: list[Text] = []
    factors: list[tuple[Box, str]] = []
    size = lay.options.font_size
    small = small_size(size)
    for key, box in lay.plates.items():
        shapes.append(Shape("rect", box, fill="none"))
        label = lay.plate_labels.get(key)
        if label is not None:
            text = plate_box_label(lay, key, dialect="mathtext", math=math)
            texts.append(Text(label.x1, (label.y0 + label.y1) / 2, _in_font(text), small,
                              "right", "center", "plate"))
    for node, box in lay.nodes.items():
        data = lay.graph.nodes[node]
        kind = data.get("kind", "latent")
        symbol = _in_font(name_label(str(node), math=math, dialect="mathtext"))
        if kind == "factor":
            shapes.append(Shape("square", box, fill="black"))
            factors.append((box, symbol))
        elif kind == "param":
            cx, cy = box.center
            texts.append(Text(cx, cy, symbol, size, "center", "center", "param"))
        else:
            dashed = bool(data.get("gated_by"))
            shapes.append(Shape(_outline(kind, lay.options.observed_style), box,
                                fill=_fill(lay, kind), dashed=dashed))
            cx, cy = box.center
            texts.append(Text(cx, cy, symbol, size, "center", "center", "node"))
    texts.extend(_factor_label(box, symbol, lay) for box, symbol in factors)
    return shapes, texts


def _outline(kind: str, observed_style: str) -> str:
    """A node's outline: a double circle for a deterministic site; an observed site's second
    cue besides its fill (``observed_style``)."""
    if kind == "deterministic":
        return "double"
    if kind == "observed":
        return {"double": "double", "square": "box"}.get(observed_style, "circle")
    return "circle"


def _fill(lay: Layout, kind: str) -> str:
    """A node's fill, as the theme (a dict based on "paper" may change it) says."""
    return hex_color(lay.options.styles.get(kind, {}).get("fillcolor", "white"))


KEY_SYMBOL = 20.0  # points: the width of a symbol in the key
KEY_NODE = 10.0  # points: the diameter of a node in the key
KEY_TIP_GAP = 3.0  # points between an edge's arrow tip in the key and its label


def _key(lay: Layout, above: Box) -> tuple[list[Shape], list[tuple[list[Point], bool, str]],
                                           list[Text]]:
    """The key (``legend=True``) below everything else: each node and edge kind of the figure
    drawn small, named by its kind (under ``_fonts``)."""
    small = small_size(lay.options.font_size)
    places = place_key(key_entries(lay.graph), left=above.x0, top=above.y0 - KEY_GAP,
                       width=max(above.width, 150.0), symbol=KEY_SYMBOL,
                       row=1.6 * small,
                       text_width=lambda label: _measure(label, small)[0])
    shapes: list[Shape] = []
    curves: list[tuple[list[Point], bool, str]] = []
    texts: list[Text] = []
    half = KEY_NODE / 2
    for place in places:
        kind, x, y = place.entry.kind, place.x, place.y
        box = Box(x - half, y - half, x + half, y + half)
        if place.entry.what == "edge":
            # the arrow's tip stops short of the symbol's width: a gap before its label
            x0, x1 = x - KEY_SYMBOL / 2, x + KEY_SYMBOL / 2 - KEY_TIP_GAP
            curves.append(_curve([(x0, y), (x0 + 5, y), (x1 - 5, y), (x1, y)], kind))
        elif kind == "factor":
            shapes.append(Shape("square", Box(x - 2.5, y - 2.5, x + 2.5, y + 2.5),
                                fill="black"))
        elif kind == "param":
            texts.append(Text(x, y, "p", small, "center", "center", "key"))
        elif kind == "gated":
            shapes.append(Shape("circle", box, fill="#ffffff", dashed=True))
        elif kind == "data":
            shapes.append(Shape("box", Box(x - 7, y - half, x + 7, y + half),
                                fill=_fill(lay, kind)))
        else:
            shapes.append(Shape(_outline(kind, lay.options.observed_style), box,
                                fill=_fill(lay, kind)))
        texts.append(Text(place.text_x, y, place.entry.label, small, "left", "center",
                          "key"))
    return shapes, curves, texts


def _distribution_list(lay: Layout, diagram: Box, placement: str, fit: Fit) -> list[Text]:
    """The list of distributions, one row a site, beside or below the diagram, in the
    columns ``fit`` says, a row wider than ``fit.wrap`` points broken after a comma with a
    hanging indent; no lines when no node has a distribution."""
    small = small_size(lay.options.font_size)
    step = LINE * small
    if placement == "beside":
        x, top = diagram.x1 + PAPER_LIST_GAP, diagram.y1
    else:
        x, top = diagram.x0, diagram.y0 - PAPER_LIST_GAP
    rows = list_lines(lay, dialect="mathtext", width=fit.wrap)
    texts = []
    for (first, dx), (end, _) in zip(fit.columns, [*fit.columns[1:], (len(rows), 0.0)]):
        lines = [(i > 0, _in_font(line)) for row in rows[first:end]
                 for i, line in enumerate(row)]
        texts += [Text(x + dx + INDENT * small * hangs, top - small - i * step, line, small,
                       "left", "baseline", "distribution")
                  for i, (hangs, line) in enumerate(lines)]
    return texts


def _factor_label(box: Box, symbol: str, lay: Layout) -> Text:
    """A factor's name beside its square, on the first side where it covers no node and no
    plate label (graphviz's own xlabel place is not part of the layout)."""
    cx, cy = box.center
    small = small_size(lay.options.font_size)
    candidates = [Text(box.x1 + 2, cy, symbol, small, "left", "center", "factor"),
                  Text(box.x0 - 2, cy, symbol, small, "right", "center", "factor"),
                  Text(cx, box.y0 - 2, symbol, small, "center", "top", "factor"),
                  Text(cx, box.y1 + 2 + small, symbol, small, "center", "top",
                       "factor")]
    obstacles = [b for b in [*lay.nodes.values(), *lay.plate_labels.values()] if b != box]
    for text in candidates:
        extent = _extent(text)
        if not any(extent.overlaps(b) for b in obstacles):
            return text
    return candidates[0]


# -- drawing ----------------------------------------------------------------------------------


def render_figure(spec: PaperFigure, fmt: str, *, dpi: int | None = None) -> bytes:
    """Draw a spec as ``pdf``, ``svg`` or ``png`` bytes (PNG at ``dpi``, stored in the file).
    Output is deterministic: no dates, fixed SVG ids."""
    if fmt not in ("pdf", "svg", "png"):
        raise FormatError(f"the paper figure is written as pdf, svg or png; not {fmt!r}")
    dpi = DEFAULT_DPI if dpi is None else dpi
    if not dpi > 0:
        raise OptionError(f"dpi must be a positive number; got {dpi}")
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    s = spec.scale
    b = spec.bounds
    with _fonts(spec.font):
        fig = Figure(figsize=(spec.width / 72, spec.height / 72), dpi=dpi)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(b.x0, b.x1)
        ax.set_ylim(b.y0, b.y1)
        ax.set_axis_off()
        lw = LINE_WIDTH * s
        # add_artist, not add_patch: the limits are set, and add_patch would update the data
        # limits from every patch's path (seconds on a diagram of hundreds of nodes)
        circles: list[tuple[Point, float, float, str, bool]] = []
        for shape in spec.shapes:
            box = shape.box
            style = "--" if shape.dashed else "-"
            if shape.kind == "rect":
                ax.add_artist(Rectangle((box.x0, box.y0), box.width, box.height, fill=False,
                                        lw=lw, ec="black", zorder=1))
            elif shape.kind == "square":
                ax.add_artist(Rectangle((box.x0, box.y0), box.width, box.height, lw=0,
                                        fc="black", zorder=3))
            elif shape.kind == "box":
                inset = lw / (2 * s)
                ax.add_artist(Rectangle((box.x0 + inset, box.y0 + inset), box.width - 2 * inset,
                                        box.height - 2 * inset, fc=shape.fill, ec="black",
                                        lw=lw, ls=style, zorder=3))
            else:
                # a circle, or an ellipse where the layout gave a long name one
                w, h = box.width - lw / s, box.height - lw / s
                circles.append((box.center, w, h, shape.fill, shape.dashed))
                if shape.kind == "double":
                    inset = 6 - lw / s
                    circles.append((box.center, w - inset, h - inset, "none", shape.dashed))
        _add_circles(ax, circles, lw)
        _add_curves(ax, spec.curves, lw, s)
        plain: list[tuple[float, float, Run, float]] = []
        for text in spec.texts:
            line = typeset(text.text, _face())
            if line is None:  # more math than a label's: mathtext sets it
                ax.text(text.x, text.y, text.text, fontproperties=_font(text.size * s),
                        ha=text.ha, va=text.va, zorder=4)
                continue
            x, y = _origin(text, line)
            plain.extend((x + run.x * text.size, y + run.rise * text.size, run, text.size * s)
                         for run in line.runs)
        ax.add_artist(_runs_artist(plain))
        buffer = io.BytesIO()
        metadata = {"pdf": {"CreationDate": None, "Creator": "plategraph", "Producer": None},
                    "svg": {"Date": None, "Creator": "plategraph"},
                    "png": {"Software": "plategraph"}}[fmt]
        fig.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata)
    return buffer.getvalue()


def _add_circles(ax: Any, circles: list[tuple[Point, float, float, str, bool]],
                 lw: float) -> None:
    """The nodes' circles and ellipses (center, width and height in points, fill, dashed) as
    one collection of each style, drawn in order: a figure of a thousand nodes draws one
    shape a thousand times, not a thousand patches."""
    from matplotlib.collections import EllipseCollection

    groups: dict[tuple[str, bool], list[tuple[Point, float, float]]] = {}
    for center, width, height, fill, dashed in circles:
        groups.setdefault((fill, dashed), []).append((center, width, height))
    for (fill, dashed), members in groups.items():
        ax.add_collection(EllipseCollection(
            [w for _, w, _ in members], [h for _, _, h in members], [0.0] * len(members),
            units="xy", offsets=[c for c, _, _ in members], offset_transform=ax.transData,
            facecolors=fill, edgecolors="black", linewidths=lw,
            linestyles="--" if dashed else "-", zorder=3), autolim=False)


def _add_curves(ax: Any, curves: list[tuple[list[Point], bool, str]], lw: float,
                s: float) -> None:
    """The edges as Bézier curves, each ending in its arrowhead (``HEAD``): one
    collection of curves and one of heads a style, not one arrow patch an edge."""
    from matplotlib.collections import PathCollection
    from matplotlib.path import Path as MplPath

    shafts: dict[bool, list[Any]] = {}
    heads: dict[tuple[bool, str], list[Any]] = {}
    for points, dashed, head in curves:
        length, half = HEAD[head]
        shaft, (bx, by), (tx, ty) = _shorten(points, length if head == "filled" else 0.0,
                                             length)
        codes = [MplPath.MOVETO] + [MplPath.CURVE4] * (len(shaft) - 1)
        shafts.setdefault(dashed, []).append(MplPath(shaft, codes))
        dx, dy = tx - bx, ty - by
        norm = math.hypot(dx, dy) or 1.0
        nx_, ny_ = -dy / norm * half, dx / norm * half
        wings = [(bx + nx_, by + ny_), (tx, ty), (bx - nx_, by - ny_)]
        if head == "filled":
            heads.setdefault((dashed, head), []).append(MplPath([*wings, wings[0]], closed=True))
        else:
            heads.setdefault((dashed, head), []).append(MplPath(wings))
    for dashed, paths in shafts.items():
        ax.add_collection(PathCollection(paths, facecolors="none", edgecolors="black",
                                         linewidths=lw, linestyles="--" if dashed else "-",
                                         zorder=2), autolim=False)
    for (_, head), paths in heads.items():
        filled = head == "filled"
        ax.add_collection(PathCollection(paths, facecolors="black" if filled else "none",
                                         edgecolors="black", linewidths=lw,
                                         joinstyle="miter", zorder=2), autolim=False)


def _shorten(points: list[Point], cut: float, head: float
             ) -> tuple[list[Point], Point, Point]:
    """A curve (cubic Bézier segments) without its last ``cut`` points of length, with the
    base and the tip of an arrowhead ``head`` long along its end."""
    *rest, p0, p1, p2, p3 = points

    def split(t: float, a: float, b: float, c: float, d: float) -> tuple[float, float, float]:
        # de Casteljau along one coordinate: the inner points of the part up to t, its end
        q0, q1, q2 = a + (b - a) * t, b + (c - b) * t, c + (d - c) * t
        r0, r1 = q0 + (q1 - q0) * t, q1 + (q2 - q1) * t
        return q0, r0, r0 + (r1 - r0) * t

    def at(t: float) -> list[Point]:  # the segment's first part up to t
        xs, ys = split(t, p0[0], p1[0], p2[0], p3[0]), split(t, p0[1], p1[1], p2[1], p3[1])
        return [p0, *zip(xs, ys)]

    def end(t: float) -> float:  # how far at(t)'s end is from the tip
        return math.hypot(split(t, p0[0], p1[0], p2[0], p3[0])[2] - p3[0],
                          split(t, p0[1], p1[1], p2[1], p3[1])[2] - p3[1])

    @functools.cache  # a filled head's cut is its length: one search for both
    def t_back(distance: float) -> float:  # the last t this far from the tip (to 1/64)
        for i in range(64, -1, -1):
            if end(i / 64) >= distance:
                return i / 64
        return 0.0

    base = at(t_back(head))[-1] if head else p3
    shaft = [*rest, *at(t_back(cut))] if cut else points
    return shaft, base, p3


def _origin(text: Text, line: Line) -> Point:
    """Where a set label's baseline starts, in points, for its anchor."""
    width, height, descent = label_extent(line, text.size)
    x0 = {"left": text.x, "center": text.x - width / 2, "right": text.x - width}[text.ha]
    if text.va == "baseline":
        return x0, text.y
    y0 = text.y - height if text.va == "top" else text.y - height / 2
    return x0, y0 + descent


def _runs_artist(placed: list[tuple[float, float, Run, float]]) -> Any:
    """One matplotlib artist drawing runs of plain text (baseline start in data coordinates,
    size in points) through the renderer's plain-text path: no layout of matplotlib's Text,
    no mathtext, the same glyphs and advances ``layout.typeset`` measured."""
    from matplotlib.artist import Artist

    props: dict[tuple[str, str | None, float], Any] = {}

    class Runs(Artist):
        def draw(self, renderer: Any) -> None:
            gc = renderer.new_gc()
            gc.set_foreground("black")
            # every baseline to display coordinates at once, not a transform a run
            points = self.axes.transData.transform([(x, y) for x, y, _, _ in placed]) \
                if placed else []
            # as matplotlib's Text does: SVG and PNG renderers count y from the top
            height = renderer.get_canvas_width_height()[1] if renderer.flipy() else None
            for (px, py), (_, _, run, size) in zip(points, placed):
                key = (run.file, run.fallback, size * run.scale)
                if key not in props:
                    props[key] = run_font(run, key[2])
                if height is not None:
                    py = height - py
                renderer.draw_text(gc, px, py, run.text, props[key], 0.0, ismath=False)
            gc.restore()

    artist = Runs()
    artist.set_zorder(4)
    return artist


def _warm_math() -> None:
    """mathtext in the default font's settings, measured and drawn at the theme's sizes: its
    fonts (the text font's faces, the STIX fallback) are looked up once for each setting, a
    tenth of a second that the first expression too mathematical for plain text runs (a sum,
    a fraction) would otherwise cost every process forked afterwards."""
    from matplotlib.figure import Figure

    text = r"$\mathrm{invlogit}(\alpha + \sum_{k} x_{n,k} \beta_{k}) / \sqrt{\sigma^{2}}$"
    with _fonts(DEFAULT_FONT):
        _measure(text, PAPER_FONT_SIZE)
        figure = Figure()
        for size in (PAPER_FONT_SIZE, small_size(PAPER_FONT_SIZE)):
            figure.text(0, 0, text, fontproperties=_font(size))
        for fmt in ("svg", "pdf"):
            figure.savefig(io.BytesIO(), format=fmt)


def warm_up() -> None:
    """Draw a two-node figure to SVG and PDF and throw it away: what a process's first paper
    figure loads (the font, mathtext's parser, matplotlib's SVG and PDF writers) is then loaded,
    so processes forked afterwards start with it (the gallery's fork server calls this once)."""
    import networkx as nx

    graph = nx.DiGraph(name="warm_up", plates={"J": {"size": 8}})
    graph.add_node("mu", kind="latent", plates=())
    graph.add_node("x_j", kind="observed", plates=("J",))
    graph.add_edge("mu", "x_j", kind="data")
    lay = Layout(graph=graph, nodes={"mu": Box(0, 60, 24, 84), "x_j": Box(0, 10, 24, 34)},
                 plates={"J": Box(-8, 0, 40, 40)}, plate_labels={"J": Box(10, 2, 38, 10)},
                 edges={("mu", "x_j"): [(12, 60), (12, 50), (12, 44), (12, 34)]},
                 width=48, height=84, options=DrawOptions(labels="math"))
    try:
        spec = figure_spec(lay)
        for fmt in ("svg", "pdf"):
            render_figure(spec, fmt)
        _warm_math()
    finally:
        # each process forked afterwards decides again whether the default font is there, and
        # warns where it draws
        default_font.cache_clear()

