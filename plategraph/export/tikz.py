"""Layout → TikZ: a ``tikzpicture`` in the tikz-bayesnet vocabulary, one line a node.

The picture defines its own styles (``latent``, ``obs``, ``det``, ``const``, ``factor``,
``plate``, ``edge``) and needs only ``\\usepackage{tikz}``, no TikZ library; coordinates are the
layout's, in points. Its text is in the document's font at the document's own sizes
(``\\small`` and ``\\footnotesize`` at the default 9 pt type), never scaled. All LaTeX escaping
is in ``labels`` (the ``latex`` dialect).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx

from ..layout.fit import INDENT, fit_figure, list_lines
from ..layout.geometry import Layout, Point
from ..layout.labels import latex_text, name_label, plate_box_label
from ..layout.legend import KEY_GAP, key_entries, place_key
from ..layout.options import DrawOptions, max_width
from ..layout.themes import (
    CIRCLE_KINDS,
    PAPER_LIST_GAP,
    PAPER_NODE_SIZE,
    hex_color,
    is_paper,
    small_size,
)

__all__ = ["tikz_picture", "to_tikz"]

STYLE_OF_KIND = {"latent": "latent", "observed": "obs", "deterministic": "det",
                 "param": "const", "factor": "factor"}


def _num(value: float) -> str:
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


def _at(point: Point) -> str:
    return f"({_num(point[0])}, {_num(point[1])})"


def _node_size(lay: Layout) -> float:
    """The size of the figure's circles: the most common box width of circle nodes."""
    sizes: dict[str, int] = {}
    for node, box in lay.nodes.items():
        if lay.graph.nodes[node].get("kind", "latent") in CIRCLE_KINDS:
            key = _num(min(box.width, box.height))
            sizes[key] = sizes.get(key, 0) + 1
    return float(max(sizes, key=sizes.__getitem__)) if sizes else PAPER_NODE_SIZE


def _tikz_color(color: str) -> str:
    """``#rrggbb`` as an xcolor expression (no ``\\definecolor`` needed)."""
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return f"{{rgb,255:red,{r};green,{g};blue,{b}}}"


def _fills(options: DrawOptions) -> dict[str, str]:
    """The fills a theme dict based on "paper" sets, per TikZ style: none for a named theme,
    whose styles are tikz-bayesnet's."""
    if isinstance(options.theme, str):
        return {}
    return {STYLE_OF_KIND.get(kind, kind): f", fill={_tikz_color(hex_color(attrs['fillcolor']))}"
            for kind, attrs in options.theme.items()
            if isinstance(attrs, Mapping) and "fillcolor" in attrs}


# LaTeX's size commands in a 10 pt document, by the points they give
SIZE_COMMANDS = {7: "\\scriptsize", 8: "\\footnotesize", 9: "\\small", 10: "\\normalsize"}


def _size_commands(options: DrawOptions) -> tuple[str, str]:
    """The size commands of a figure's symbols and of its small text (plate labels, the list)
    for its type size: ``\\small`` and ``\\footnotesize`` at 9 pt."""
    size = min(SIZE_COMMANDS, key=lambda points: abs(points - options.font_size))
    return SIZE_COMMANDS[size], SIZE_COMMANDS[max(size - 1, min(SIZE_COMMANDS))]


def _long_names(lay: Layout) -> bool:
    """Whether a long name of the figure has an ellipse (``ellipses``) rather than a circle."""
    return any(box.width - box.height > 0.5 for node, box in lay.nodes.items()
               if lay.graph.nodes[node].get("kind", "latent") in CIRCLE_KINDS)


def _styles(size: float, options: DrawOptions, *, long_names: bool = False) -> list[str]:
    fills = _fills(options)
    text, small = _size_commands(options)
    cue = {"double": ", double, double distance=1pt",
           "square": ", rectangle"}.get(options.observed_style, "")
    return [
        f"latent/.style={{circle, draw, fill=white, inner sep=0pt, minimum size={_num(size)}pt, "
        f"font={text}"
        f"{fills.get('latent', '')}}},",
        f"obs/.style={{latent, fill=gray!25{cue}{fills.get('obs', '')}}},",
        "det/.style={latent, double, double distance=1pt, "
        f"minimum size={_num(size - 2.8)}pt{fills.get('det', '')}}},",
        "gated/.style={dashed},",
        f"const/.style={{rectangle, inner sep=1pt, font={text}}},",
        *([f"long name/.style={{inner sep=0pt, font={text}}},"] if long_names else []),
        "factor/.style={rectangle, fill=black, inner sep=0pt, minimum size=5pt},",
        "plate/.style={draw},",
        f"plate label/.style={{font={small}, inner sep=1pt, anchor=south east}},",
        "edge/.style={->, >=stealth},",
        "control/.style={edge, dashed},",
        "gate/.style={->, >=to, dashed},",
        f"factor label/.style={{font={small}}},",
        f"distributions/.style={{anchor=north west, align=left, inner sep=0pt, font={small}}},",
    ]


def _node_line(lay: Layout, graph: nx.DiGraph, node: str, ident: str, size: float,
               math: bool) -> str:
    data = graph.nodes[node]
    kind = data.get("kind", "latent")
    style = STYLE_OF_KIND.get(kind, "latent")
    box = lay.nodes[node]
    options = [style]
    if data.get("gated_by") and kind not in ("factor", "param"):
        options.append("gated")
    text = name_label(str(node), math=math, dialect="latex")
    if style in ("latent", "obs", "det") and box.width - box.height > 0.5:
        # a long name's ellipse (plain TikZ has no ellipse node): the outline as a path,
        # the name as a node at its centre
        inset = 2.8 if style == "det" else 0.0
        radii = (f"x radius={_num((box.width - inset) / 2)}pt, "
                 f"y radius={_num((box.height - inset) / 2)}pt")
        return (f"\\path[{', '.join(options)}] {_at(box.center)} ellipse [{radii}] "
                f"node[long name] ({ident}) {{{text}}};")
    if style in ("latent", "obs", "det") and abs(min(box.width, box.height) - size) > 0.5:
        options.append(f"minimum size={_num(min(box.width, box.height))}pt")
    if kind == "factor":
        options.append(f"label={{[factor label]right:{text}}}")
        text = ""
    return f"\\node[{', '.join(options)}] ({ident}) at {_at(box.center)} {{{text}}};"


KEY_NODE = {"latent": "latent", "observed": "obs", "deterministic": "det",
            "gated": "latent, gated", "factor": "factor", "param": "const",
            "data": "rectangle, draw, minimum width=12pt, minimum height=8pt"}


def _key(lay: Layout) -> list[str]:
    """The key (``legend=True``) below the diagram: each node and edge kind of the figure
    drawn small with the figure's own styles, named by its kind."""
    places = place_key(key_entries(lay.graph), left=0.0, top=-KEY_GAP,
                       width=max(lay.width, 150.0), symbol=20.0, row=14.0,
                       text_width=lambda label: 4.5 * len(label))
    lines = ["% the key: the kinds of node and edge in this figure"]
    for place in places:
        kind, at = place.entry.kind, _at((place.x, place.y))
        if place.entry.what == "edge":
            style = kind if kind in ("control", "gate") else "edge"
            lines.append(f"\\draw[{style}] {_at((place.x - 10, place.y))} -- "
                         f"{_at((place.x + 10, place.y))};")
        else:
            small = "" if kind in ("factor", "param", "data") else ", minimum size=8pt"
            if kind == "deterministic":
                small = ", minimum size=6pt"
            text = "$p$" if kind == "param" else ""
            lines.append(f"\\node[{KEY_NODE[kind]}{small}] at {at} {{{text}}};")
        lines.append(f"\\node[anchor=west, inner sep=0pt, font=\\footnotesize] at "
                     f"{_at((place.text_x, place.y))} {{{place.entry.label}}};")
    return lines


def _path(points: list[Point]) -> str:
    parts = [_at(points[0])]
    for i in range(1, len(points) - 2, 3):
        c1, c2, end = points[i], points[i + 1], points[i + 2]
        parts.append(f".. controls {_at(c1)} and {_at(c2)} .. {_at(end)}")
    return " ".join(parts)


def tikz_picture(lay: Layout, *, standalone: bool = False,
                 distributions: bool | str | None = None, comment: str | None = None,
                 width: str | float | None = None) -> str:
    """The TikZ of a laid-out figure (see ``to_tikz``); ``distributions`` defaults to the
    layout's option of that name."""
    graph = lay.graph
    math = lay.options.math
    if distributions is None:
        distributions = lay.options.distributions
    fit = fit_figure(lay, distributions=distributions, width=max_width(width))
    placement = fit.placement
    size = _node_size(lay)
    ids = {node: f"n{i}" for i, node in enumerate(graph.nodes)}
    name = str(graph.graph.get("name") or "model")
    lines = [f"% plate diagram of {latex_text(name).replace(chr(10), ' ')}, "
             "drawn by plategraph",
             "% needs \\usepackage{tikz} (no TikZ libraries); coordinates in points"]
    if comment:
        lines.append(f"% {comment}")
    lines.append("\\begin{tikzpicture}[x=1pt, y=1pt,")
    lines.extend(f"  {style}" for style in _styles(size, lay.options,
                                                   long_names=_long_names(lay)))
    lines[-1] = lines[-1].rstrip(",") + "]"
    for key, box in lay.plates.items():
        lines.append(f"  \\draw[plate] {_at((box.x0, box.y0))} rectangle {_at((box.x1, box.y1))};")
        label = lay.plate_labels.get(key)
        if label is not None:
            lines.append(f"  \\node[plate label] at {_at((label.x1, label.y0))} "
                         f"{{{plate_box_label(lay, key, dialect='latex', math=math)}}};")
    for node in graph.nodes:
        if node in lay.nodes:
            lines.append("  " + _node_line(lay, graph, node, ids[node], size, math))
    for (parent, child), points in lay.edges.items():
        kind = graph.edges[parent, child].get("kind")
        style = kind if kind in ("control", "gate") else "edge"
        if len(points) >= 4:
            lines.append(f"  \\draw[{style}] {_path(points)};")
    if placement:
        # a row wider than the figure is broken after a comma, its further lines hanging
        hang = f"\\hspace*{{{_num(INDENT * small_size(lay.options.font_size))}pt}}"
        wrapped = list_lines(lay, dialect="latex", width=fit.wrap)
        x, y = ((lay.width + PAPER_LIST_GAP, lay.height) if placement == "beside"
                else (0.0, -PAPER_LIST_GAP))
        # the columns fit says (one, unless the list would make the figure taller than a page)
        for (first, dx), (end, _) in zip(fit.columns, [*fit.columns[1:], (len(wrapped), 0.0)]):
            rows = [hang * (i > 0) + line for row in wrapped[first:end]
                    for i, line in enumerate(row)]
            if rows:
                lines.append(f"  \\node[distributions] at {_at((x + dx, y))} {{%")
                lines.extend(f"    {row}\\\\" for row in rows[:-1])
                lines.append(f"    {rows[-1]}}};")
    if lay.options.legend:
        lines.extend(f"  {line}" for line in _key(lay))
    lines.append("\\end{tikzpicture}")
    body = "\n".join(lines) + "\n"
    return _document(body) if standalone else body


def _document(picture: str) -> str:
    """A complete LaTeX document whose one page is the picture's size (no extra package:
    ``standalone`` and ``preview`` are not in every TeX installation)."""
    return (
        "\\documentclass{article}\n"
        "\\usepackage{tikz}\n"
        "\\pagestyle{empty}\n"
        "\\newsavebox\\platefigure\n"
        "\\begin{document}\n"
        "\\sbox\\platefigure{%\n"
        f"{picture.rstrip()}%\n"  # no line end inside the box: it would be a space
        "}\n"
        "\\pdfpagewidth=\\wd\\platefigure\n"
        "\\pdfpageheight=\\dimexpr\\ht\\platefigure+\\dp\\platefigure\\relax\n"
        "\\hoffset=-1in \\voffset=-1in\n"
        "\\shipout\\box\\platefigure\n"
        "\\end{document}\n"
    )


def to_tikz(graph: nx.DiGraph, *, standalone: bool = False,
            theme: str | Mapping[str, Any] = "paper", **options: Any) -> str:
    """The plate diagram as TikZ: a ``tikzpicture`` to ``\\input`` into a paper (it needs only
    ``\\usepackage{tikz}``), or with ``standalone=True`` a complete document.

    ``width`` is the most the picture may be wide (by default a 10 pt two-column article's
    column, 229.5 pt, which also fits a 3.3 in column), never a scale: the text
    keeps the document's sizes, the distributions go below the diagram when they do not fit
    beside it, and a figure that cannot fit is laid out for the full text width with a
    ``FigureSizeWarning``. A length (``"3.3in"``, ``"8cm"``, points as a number) or a TeX width
    (``"\\columnwidth"``, ``"0.9\\linewidth"``: taken as that article's, 229.5 pt;
    ``"\\textwidth"``: 469 pt).

    The options are ``draw``'s; the figure is the paper figure (``theme="paper"``): nodes of one
    size holding the symbol, labels in LaTeX math (``$\\sigma_{a}$``), and with
    ``distributions=True`` the distributions listed beside or below the diagram, computed
    parameters written out when short (``expressions``, as in ``draw``).

    >>> tikz = plategraph.to_tikz(g, labels="math")
    >>> print(tikz.splitlines()[0])
    % plate diagram of centered, drawn by plategraph
    >>> _ = Path("model.tex").write_text(tikz)
    """
    from ..layout.drawn import drawn_graph
    from ..layout.engine import compute_drawing

    options.setdefault("labels", "math")
    width = options.pop("width", None)
    limit = max_width(width)  # a bad width is an error before any layout
    if limit is not None and is_paper(theme):  # the width the layout may re-lay out to fit
        options["width"] = limit
    drawing = DrawOptions(theme=theme, **options)  # draw's options, checked as draw checks them
    shown = drawn_graph(graph, drawing)
    if drawing.writes_expressions:  # SymPy is imported only then
        from ..spec.labels import expression_texts, with_expressions

        shown = with_expressions(shown, expression_texts(graph, drawing, shown))
    return tikz_picture(compute_drawing(shown, drawing)[0].layout, standalone=standalone,
                        width=width)

