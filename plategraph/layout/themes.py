"""Drawing themes: graphviz attributes per node kind, and the paper theme's one node size."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import networkx as nx

from ..exceptions import OptionError
from .labels import GREEK, name_label, shown_name, symbol_parts
from .typeset import Typeface, label_width

__all__ = ["CIRCLE_KINDS", "EDGE_KINDS", "NODE_KINDS", "PAPER_FONT_SIZE", "PAPER_FONT_SIZES",
           "PAPER_LIST_GAP", "PAPER_NODE_SIZE", "PAPER_THEME_KEYS", "THEMES", "THEME_KEYS",
           "hex_color", "is_paper", "paper_node_sizes", "paper_type", "resolve_theme",
           "small_size"]

NODE_KINDS = ("latent", "observed", "deterministic", "param", "factor", "data")
EDGE_KINDS = ("data", "control", "gate")  # the drawn graph's edge kinds
THEME_KEYS = (*NODE_KINDS, "gated", "graph", "node", "edge", "control", "gate", "plate")

_NOTEBOOK: dict[str, dict[str, str]] = {
    "graph": {"fontname": "Helvetica", "fontsize": "11", "nodesep": "0.3", "ranksep": "0.4",
              "bgcolor": "white", "pad": "0.1"},
    "node": {"fontname": "Helvetica", "fontsize": "12", "margin": "0.04,0.02", "height": "0.4"},
    "edge": {"arrowsize": "0.7", "color": "#333333"},
    "latent": {"shape": "ellipse", "style": "filled", "fillcolor": "white", "color": "#222222"},
    "observed": {"shape": "ellipse", "style": "filled", "fillcolor": "#c8c8c8",
                 "color": "#222222"},
    "deterministic": {"shape": "ellipse", "style": "filled", "fillcolor": "white",
                      "peripheries": "2", "color": "#222222"},
    "param": {"shape": "plaintext", "fontcolor": "#444444", "height": "0.2"},
    "factor": {"shape": "square", "style": "filled", "fillcolor": "black", "color": "black",
               "width": "0.15", "height": "0.15", "fixedsize": "true", "label": ""},
    # model arguments (``draw(..., data=True)``): rectangles, as PyMC draws its data
    "data": {"shape": "box", "style": "rounded,filled", "fillcolor": "#eeeeee",
             "color": "#555555", "height": "0.3"},
    "gated": {"style": "dashed,filled"},
    "control": {"style": "dashed", "color": "#777777"},
    # from a gate to what exists only for some of its values: dashed, open arrowhead
    "gate": {"style": "dashed", "arrowhead": "onormal", "color": "#333333"},
    "plate": {"labeljust": "r", "labelloc": "b", "style": "rounded", "color": "#555555",
              "fontsize": "10", "margin": "10"},
}
_PAPER_FONT = "Times-Roman"  # metrics for the layout; the paper renderer sets its own font
_PAPER: dict[str, dict[str, str]] = {
    **{k: dict(v) for k, v in _NOTEBOOK.items()},
    "graph": {**_NOTEBOOK["graph"], "fontname": _PAPER_FONT, "fontsize": "8", "nodesep": "0.25",
              "ranksep": "0.3", "pad": "0"},
    "node": {**_NOTEBOOK["node"], "fontname": _PAPER_FONT, "fontsize": "9"},
    "edge": {"arrowsize": "0.6", "color": "black"},
    # circles of one size, set per figure (paper_node_size); the label is the symbol only
    "latent": {"shape": "circle", "style": "filled", "fillcolor": "white", "color": "black",
               "fixedsize": "true"},
    "observed": {"shape": "circle", "style": "filled", "fillcolor": "gray80", "color": "black",
                 "fixedsize": "true"},
    "deterministic": {"shape": "circle", "style": "filled", "fillcolor": "white",
                      "peripheries": "2", "color": "black", "fixedsize": "true"},
    "param": {"shape": "plaintext", "fontcolor": "black", "height": "0.2"},
    "data": {"shape": "box", "style": "filled", "fillcolor": "white", "color": "black",
             "height": "0.3"},
    "factor": {**_NOTEBOOK["factor"], "fontsize": "8"},
    "control": {"style": "dashed", "color": "black"},
    "gate": {"style": "dashed", "arrowhead": "onormal", "color": "black"},
    "plate": {"labeljust": "r", "labelloc": "b", "style": "solid", "color": "black",
              "fontsize": "8", "fontname": _PAPER_FONT, "margin": "8"},
}
PAPER_NODE_SIZE = 22.0  # points: the smallest circle of a paper figure, at 9 pt type
# a paper figure's type: node symbols at the type size (9 pt, as LaTeX's \small in a 10 pt
# document), plate labels, factor names and the list of distributions one point smaller
# (\footnotesize); never scaled, so every figure of a paper has the same type
PAPER_FONT_SIZE = 9.0
ELLIPSE_FROM = 1.5  # with ellipses, circles are at most this many times the smallest circle
PAPER_FONT_SIZES = (7.0, 10.0)  # the type sizes a paper figure may have (fontsize=)
PAPER_LIST_GAP = 12.0  # points between a paper figure's diagram and its list of distributions
CIRCLE_KINDS = ("latent", "observed", "deterministic")
THEMES: dict[str, dict[str, dict[str, str]]] = {"notebook": _NOTEBOOK, "paper": _PAPER}


def is_paper(theme: str | Mapping[str, Any]) -> bool:
    """True for the paper theme (or a theme dict based on it): nodes of one size, symbol only."""
    if isinstance(theme, str):
        return theme == "paper"
    return isinstance(theme, Mapping) and theme.get("base") == "paper"


def _symbol_width(name: str, *, math: bool, size: float) -> float:
    """An estimate of a node symbol's width in points (serif, ``size`` points)."""
    name = shown_name(name)
    found = symbol_parts(name) if math else None
    if found is None:
        return 0.5 * size * len(name)
    head, parts = found
    width = (0.6 if head in GREEK or len(head) == 1 else 0.5 * len(head)) * size
    sub = sum(1 if part in GREEK else len(part) for part in parts) + 0.5 * (len(parts) - 1)
    return width + 0.5 * 0.7 * size * sub


def _measured_width(name: str, *, math: bool, size: float, face: Typeface | None) -> float:
    """A node symbol's width in points: as ``face`` sets it where that is wider than the
    estimate (Computer Modern is wider than Times), else the estimate, generous for a Times
    face, so that a figure's layout does not change with small differences of its font."""
    estimate = _symbol_width(name, math=math, size=size)
    width = None if face is None else label_width(
        name_label(name, math=math, dialect="mathtext"), face, size)
    return estimate if width is None else max(width, estimate)


def small_size(font_size: float) -> float:
    """The size of a paper figure's small text (plate labels, the list) at ``font_size``."""
    return font_size - 1.0


def paper_type(styles: dict[str, dict[str, str]], font_size: float) -> dict[str, dict[str, str]]:
    """The paper theme's graphviz attributes with its text at ``font_size`` (nodes) and
    ``small_size`` (plates, factors, the graph's labels), so that ``dot`` places the text the
    renderers draw."""
    small = f"{small_size(font_size):g}"
    sized = {"node": f"{font_size:g}", "graph": small, "plate": small, "factor": small}
    return {**styles, **{key: {**styles.get(key, {}), "fontsize": value}
                         for key, value in sized.items()}}


def paper_node_sizes(graph: nx.DiGraph, *, math: bool, font_size: float = PAPER_FONT_SIZE,
                     ellipses: bool = False, face: Typeface | None = None
                     ) -> dict[str, tuple[float, float]]:
    """The width and height of each circle of a paper figure, in points. A figure's circles
    share one size (daft and tikz-bayesnet: node size is a property of the figure) set by a
    typical symbol (the median width), not the longest, so that one long name does not blow up
    every circle; a symbol wider than that gets a circle of its own that holds it, or with
    ``ellipses`` an ellipse of the common height (and the common size is at most
    ``ELLIPSE_FROM`` times the smallest), as tikz-bayesnet users draw long names. Symbols are
    measured in ``face``, the font that draws them (``typeset.paper_face``), else estimated."""
    widths = {str(n): _measured_width(str(n), math=math, size=font_size, face=face)
              for n, kind in graph.nodes(data="kind") if kind in CIRCLE_KINDS}
    if not widths:
        return {}
    ordered = sorted(widths.values())
    typical = ordered[(len(ordered) - 1) // 2]
    smallest = PAPER_NODE_SIZE * font_size / PAPER_FONT_SIZE
    common = max(smallest, round(typical + 8.0))
    if not ellipses:
        return {node: (max(common, round(width + 8.0)),) * 2 for node, width in widths.items()}
    common = min(common, round(ELLIPSE_FROM * smallest))
    # an ellipse holds its text where a circle of the same width would: a little wider than it
    return {node: (common, common) if width + 8.0 <= common
            else (round(1.05 * width + 8.0), common) for node, width in widths.items()}


# what a theme dict based on "paper" may change: the paper figure and TikZ draw themselves
# (matplotlib, TikZ styles), so graphviz attributes would be ignored there
PAPER_THEME_KEYS = ("latent", "observed", "deterministic", "data")
PAPER_THEME_ATTRS = ("fillcolor",)
_GRAY = re.compile(r"^gr[ae]y(\d{1,3})$")


def hex_color(color: str) -> str:
    """A graphviz colour (``#rrggbb``, ``gray80``, a name such as ``lightyellow``) as
    ``#rrggbb``, for the outputs that graphviz does not draw; an OptionError otherwise."""
    text = color.strip().lower()
    if re.fullmatch(r"#[0-9a-f]{6}", text):
        return text
    gray = _GRAY.match(text)
    if gray and int(gray.group(1)) <= 100:
        level = round(int(gray.group(1)) * 255 / 100)
        return f"#{level:02x}{level:02x}{level:02x}"
    from matplotlib.colors import CSS4_COLORS

    if text in CSS4_COLORS:
        return CSS4_COLORS[text].lower()
    raise OptionError(f"unknown colour {color!r}: give '#rrggbb', 'gray0'…'gray100' or a "
                      f"CSS colour name such as 'lightyellow'")


def _check_paper_dict(theme: Mapping[str, Any]) -> None:
    for key, attrs in theme.items():
        if key == "base":
            continue
        if not isinstance(attrs, Mapping):
            continue  # resolve_theme says what a key must map to
        bad = [a for a in attrs if key not in PAPER_THEME_KEYS or a not in PAPER_THEME_ATTRS]
        if bad:
            raise OptionError(
                f"a theme based on 'paper' is drawn by the paper figure and TikZ, which take "
                f"only {', '.join(PAPER_THEME_ATTRS)} of {', '.join(PAPER_THEME_KEYS)}; "
                f"got {key}.{bad[0]}")
        for value in attrs.values():
            hex_color(str(value))


def resolve_theme(theme: str | Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, str]]:
    """A named theme, or the notebook theme updated by ``{kind: {attribute: value}}``; with
    ``"base": "paper"``, only ``fillcolor`` of circles and data boxes (``PAPER_THEME_KEYS``),
    which every paper output draws; anything else is an OptionError, never ignored."""
    if isinstance(theme, str):
        if theme not in THEMES:
            raise OptionError(f"unknown theme {theme!r}; choose one of {', '.join(THEMES)} "
                              "or pass a dict of graphviz attributes per node kind")
        return THEMES[theme]
    if not isinstance(theme, Mapping):
        raise OptionError(f"theme must be a name or a dict; got {type(theme).__name__}")
    base_name = theme.get("base", "notebook")
    if base_name == "paper":
        _check_paper_dict(theme)
    resolved = {k: dict(v) for k, v in resolve_theme(str(base_name)).items()}
    for key, attrs in theme.items():
        if key == "base":
            continue
        if key not in THEME_KEYS:
            raise OptionError(f"unknown theme key {key!r}; keys are {', '.join(THEME_KEYS)}")
        if not isinstance(attrs, Mapping):
            raise OptionError(f"theme key {key!r} must map graphviz attributes to values, "
                              f"e.g. {{\"fillcolor\": \"red\"}}; got {type(attrs).__name__}")
        resolved[key] = {**resolved.get(key, {}), **{str(a): str(v) for a, v in attrs.items()}}
    return resolved
