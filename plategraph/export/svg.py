"""Graphviz's SVG made right for browsers: site names as titles, one text run per label line.

Graphviz writes a label with a subscript as separately placed ``<text>`` elements, positioned by
its own font metrics; a browser with other fonts shows gaps (``μ   a``). Here the runs of one
line become one ``<text>`` with ``<tspan>`` children, so the browser sets them as one line
(centred on the node's shape when there is one). Node ``<title>``s are graphviz's ids (``n0``);
they become the site names, edges ``parent->child`` and plates their names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from xml.sax.saxutils import escape

from ..layout.legend import KeyEntry, place_key
from ..layout.quoting import xml_safe

__all__ = ["tidy_svg", "with_key"]

_TEXT = re.compile(r'^<text (?P<attrs>[^>]*)>(?P<body>.*)</text>$')
_ATTR = re.compile(r'([\w:-]+)="([^"]*)"')
_TITLE = re.compile(r"^<title>(?P<title>.*)</title>$")
_GROUP = re.compile(r'^<g id="[^"]*" class="(node|edge|cluster)">$')
_ELLIPSE = re.compile(r'^<ellipse [^>]*\bcx="(?P<cx>[-\d.]+)"[^>]*\brx="(?P<rx>[-\d.]+)"')
_POLYGON = re.compile(r'^<polygon [^>]*\bpoints="(?P<points>[^"]+)"')
# what a run may carry into its <tspan>
_RUN_ATTRS = ("font-family", "font-size", "font-weight", "font-style", "fill", "baseline-shift",
              "text-decoration")


def _attrs(text: str) -> dict[str, str]:
    return dict(_ATTR.findall(text))


def _xml(text: str) -> str:
    return escape(xml_safe(text))


def _title(title: str, names: Mapping[str, str], clusters: Mapping[str, str]) -> str:
    raw = title.replace("&#45;", "-").replace("&gt;", ">")
    if raw in names:
        return _xml(names[raw])
    if raw in clusters:
        return _xml(clusters[raw])
    tail, sep, head = raw.partition("->")
    if sep and tail in names and head in names:
        return _xml(f"{names[tail]}->{names[head]}")
    return title


def _merge(runs: list[tuple[dict[str, str], str]], shape: tuple[float, float] | None) -> str:
    first, body = runs[0]
    attrs = dict(first)
    shifted = "baseline-shift" in attrs
    center = None
    # a label inside its node's shape is centred on it (an xlabel beside it is not)
    if shape is not None and shape[0] <= float(first.get("x", "nan")) <= shape[1]:
        center = (shape[0] + shape[1]) / 2
    if center is not None:
        attrs["text-anchor"] = "middle"
        attrs["x"] = f"{center:.2f}"
    head = {k: v for k, v in attrs.items() if not (shifted and k == "baseline-shift")}
    parts = [f"<text {' '.join(f'{k}={chr(34)}{v}{chr(34)}' for k, v in head.items())}>"]
    runs = [({k: v for k, v in first.items() if k in _RUN_ATTRS}, body), *runs[1:]] \
        if shifted else [({}, body), *runs[1:]]
    for i, (run, text) in enumerate(runs):
        extra = {k: v for k, v in run.items()
                 if k in _RUN_ATTRS and (i == 0 or v != first.get(k) or k == "baseline-shift")}
        if not extra:
            parts.append(text)
            continue
        parts.append(f"<tspan {' '.join(f'{k}={chr(34)}{v}{chr(34)}' for k, v in extra.items())}>"
                     f"{text}</tspan>")
    parts.append("</text>")
    return "".join(parts)


def tidy_svg(svg: bytes, names: Mapping[str, str],
             clusters: Mapping[str, str] | None = None) -> bytes:
    """Graphviz SVG with the titles of nodes (``names``: id → site name), edges and clusters
    (``clusters``: ``cluster_0`` → plate names) readable, and each label line one text run."""
    clusters = clusters or {}
    out: list[str] = []
    pending: list[tuple[dict[str, str], str]] = []
    pending_y: str | None = None
    shape: tuple[float, float] | None = None
    group = ""

    def flush() -> None:
        nonlocal pending, pending_y
        if len(pending) == 1:
            out.append(pending_line[0])
        elif pending:
            out.append(_merge(pending, shape))
        pending, pending_y = [], None
        pending_line.clear()

    pending_line: list[str] = []
    for line in svg.decode("utf-8").split("\n"):
        text = _TEXT.match(line)
        if text:
            attrs = _attrs(text.group("attrs"))
            if pending and attrs.get("y") != pending_y:
                flush()
            pending.append((attrs, text.group("body")))
            pending_line.append(line)
            pending_y = attrs.get("y")
            continue
        flush()
        if found := _GROUP.match(line):
            shape, group = None, found.group(1)
        title = _TITLE.match(line)
        if title:
            line = f"<title>{_title(title.group('title'), names, clusters)}</title>"
        elif group == "node" and shape is None and (found := _ELLIPSE.match(line)):
            cx, rx = float(found.group("cx")), float(found.group("rx"))
            shape = (cx - rx, cx + rx)
        elif group == "node" and shape is None and (found := _POLYGON.match(line)):
            xs = [float(p.split(",")[0]) for p in found.group("points").split()]
            shape = (min(xs), max(xs))
        out.append(line)
    flush()
    return "\n".join(out).encode("utf-8")


# -- the key (legend=True) ----------------------------------------------------------------------

_SIZE = re.compile(r'<svg width="(?P<w>[\d.]+)pt" height="(?P<h>[\d.]+)pt"\s+'
                   r'viewBox="(?P<x>[-\d.]+) (?P<y>[-\d.]+) (?P<vw>[\d.]+) (?P<vh>[\d.]+)"')
KEY_FONT_SIZE = 10.0
KEY_SYMBOL = 28.0  # points: the width of a key's symbol
KEY_ROW = 20.0


def _color(value: str | None, default: str) -> str:
    """A graphviz colour as SVG takes it (graphviz's ``gray80`` is not CSS)."""
    if not value:
        return default
    found = re.fullmatch(r"gr[ae]y(\d{1,3})", value)
    if found:
        level = round(int(found.group(1)) * 255 / 100)
        return f"#{level:02x}{level:02x}{level:02x}"
    return _xml(value)


def _node_symbol(kind: str, x: float, y: float, styles: Mapping[str, Mapping[str, str]]) -> str:
    style = styles.get("latent" if kind == "gated" else kind, {})
    fill = _color(style.get("fillcolor") if "filled" in style.get("style", "") else "white",
                  "white")
    stroke = _color(style.get("color"), "#222222")
    dash = ' stroke-dasharray="5,2"' if kind == "gated" else ""
    if kind == "factor":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="black"/>'
    if kind == "param":
        return (f'<text text-anchor="middle" x="{x:.1f}" y="{y + 3.5:.1f}" '
                f'font-family="Helvetica,sans-Serif" font-size="{KEY_FONT_SIZE:g}" '
                f'fill="{_color(style.get("fontcolor"), "#444444")}">p</text>')
    if style.get("shape") in ("box", "square"):
        rx = ' rx="3"' if "rounded" in style.get("style", "") else ""
        return (f'<rect x="{x - 9:.1f}" y="{y - 7:.1f}" width="18" height="14"{rx} '
                f'fill="{fill}" stroke="{stroke}"{dash}/>')
    out = (f'<ellipse cx="{x:.1f}" cy="{y:.1f}" rx="12" ry="7" fill="{fill}" '
           f'stroke="{stroke}"{dash}/>')
    if style.get("peripheries") == "2":
        out += (f'<ellipse cx="{x:.1f}" cy="{y:.1f}" rx="15" ry="9.5" fill="none" '
                f'stroke="{stroke}"/>')
    return out


def _edge_symbol(kind: str, x: float, y: float, styles: Mapping[str, Mapping[str, str]]) -> str:
    style = {**styles.get("edge", {}), **styles.get(kind, {})}
    stroke = _color(style.get("color"), "#333333")
    dash = ' stroke-dasharray="5,2"' if "dashed" in style.get("style", "") else ""
    x0, x1 = x - KEY_SYMBOL / 2, x + KEY_SYMBOL / 2
    line = (f'<path fill="none" stroke="{stroke}"{dash} '
            f'd="M{x0:.1f},{y:.1f} L{x1 - 6:.1f},{y:.1f}"/>')
    tip = f"{x1:.1f},{y:.1f} {x1 - 7:.1f},{y - 3.5:.1f} {x1 - 7:.1f},{y + 3.5:.1f}"
    if style.get("arrowhead", "").startswith("o"):  # an open arrowhead: a gate
        return line + f'<polygon fill="white" stroke="{stroke}" points="{tip}"/>'
    return line + f'<polygon fill="{stroke}" stroke="{stroke}" points="{tip}"/>'


def with_key(svg: bytes, entries: tuple[KeyEntry, ...],
             styles: Mapping[str, Mapping[str, str]]) -> bytes:
    """Graphviz's SVG with the figure's key (``legend.key_entries``) added below it, each
    entry drawn in the theme's style and named by its kind."""
    text = svg.decode("utf-8")
    size = _SIZE.search(text)
    if size is None or not entries:
        return svg
    vx, vy = float(size.group("x")), float(size.group("y"))
    vw, vh = float(size.group("vw")), float(size.group("vh"))
    places = place_key(entries, left=vx + 8, top=-(vy + vh), width=max(vw - 16, 160.0),
                       symbol=KEY_SYMBOL, row=KEY_ROW,
                       text_width=lambda label: 0.56 * KEY_FONT_SIZE * len(label))
    bottom = min(p.y for p in places) - KEY_ROW / 2 - 4
    right = max(p.text_x + 0.56 * KEY_FONT_SIZE * len(p.entry.label) for p in places) + 8
    width, height = max(vw, right - vx), -bottom - vy
    parts = ['<g id="key" class="key">', "<title>key</title>",
             f'<rect x="{vx:.2f}" y="{vy + vh:.2f}" width="{width:.2f}" '
             f'height="{height - vh:.2f}" fill="white"/>']
    for place in places:
        y = -place.y
        draw = _node_symbol if place.entry.what == "node" else _edge_symbol
        parts.append(draw(place.entry.kind, place.x, y, styles))
        parts.append(f'<text x="{place.text_x:.1f}" y="{y + 3.5:.1f}" '
                     f'font-family="Helvetica,sans-Serif" font-size="{KEY_FONT_SIZE:g}">'
                     f"{_xml(place.entry.label)}</text>")
    parts.append("</g>")
    head = (f'<svg width="{width:.0f}pt" height="{height:.0f}pt"\n'
            f' viewBox="{vx:.2f} {vy:.2f} {width:.2f} {height:.2f}"')
    text = text[:size.start()] + head + text[size.end():]
    end = text.rindex("</svg>")
    return (text[:end] + "\n".join(parts) + "\n" + text[end:]).encode("utf-8")
