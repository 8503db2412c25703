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

from ..layout.quoting import xml_safe

__all__ = ["tidy_svg"]

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

