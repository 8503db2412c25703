"""The only place where text becomes DOT: identifiers, attribute values and HTML-like labels."""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = ["attr_list", "html_text", "quote", "xml_safe"]

_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$|^-?(\.[0-9]+|[0-9]+(\.[0-9]*)?)$")
_KEYWORDS = {"node", "edge", "graph", "digraph", "subgraph", "strict"}
# characters XML (and so graphviz's HTML-like labels and SVG output) cannot carry
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_NEWLINE = re.compile("\r\n|\r|\n")
# Graphviz reads backslash escapes (`\N` is the node's name, `\\` a backslash) once in labels,
# twice in tooltips (the SVG writer reads them again) and never in IDs such as the graph's name
# or in plain attributes, where a backslash is kept as written and so shows doubled.
_TOOLTIPS = frozenset({"tooltip", "edgetooltip", "headtooltip", "tailtooltip", "labeltooltip"})
# Values graphviz writes into SVG as text; it leaves what looks like an entity (`&amp;`) as it
# is, so a literal `&` there must be written as an entity.
_SVG_TEXT = _TOOLTIPS | {"label", "xlabel", "headlabel", "taillabel", None}


def xml_safe(text: str) -> str:
    """``text`` with each character XML cannot hold (a site name may have them) as U+FFFD."""
    return _UNSAFE.sub("\ufffd", text)


def quote(value: object, *, attribute: str | None = None) -> str:
    """``value`` as DOT: bare when a plain identifier or number, else a double-quoted string.

    ``attribute`` names the attribute the value is for, so backslashes survive graphviz's escape
    processing of that attribute (``a\\N`` in a label or tooltip stays ``a\\N``, not the node's
    name); in IDs (a graph name) and plain attributes graphviz reads no escapes, so a backslash
    there shows doubled. In IDs, labels and tooltips ``&`` is written as ``&amp;`` (graphviz
    copies entities into SVG as they are). Newlines become ``\\n``; characters XML cannot hold
    become U+FFFD.
    """
    text = str(value)
    if _ID.match(text) and text.lower() not in _KEYWORDS:
        return text
    text = xml_safe(text)
    if attribute in _SVG_TEXT:
        text = text.replace("&", "&amp;")
    text = text.replace("\\", "\\\\\\\\" if attribute in _TOOLTIPS else "\\\\").replace('"', '\\"')
    return '"' + _NEWLINE.sub(lambda _: "\\n", text) + '"'


def html_text(text: str) -> str:
    """``text`` as the content of an HTML-like label: markup escaped, newlines as line breaks.

    ``]`` is written as an entity (graphviz cannot parse a label that starts with one);
    backslashes are doubled (graphviz reads ``\\N`` in labels as the node's name), tabs become
    spaces (graphviz drops them), characters XML cannot hold become U+FFFD, and runs of spaces
    stay (as no-break spaces after the first).
    """
    text = xml_safe(text).replace("\t", " ")
    text = (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#39;").replace("]", "&#93;")
            .replace("\\", "\\\\"))
    text = text.replace("  ", " &#160;")
    return _NEWLINE.sub("<BR/>", text)


def attr_list(attrs: Mapping[str, object]) -> str:
    """``[a=1 b="x y"]`` in the given order, ``None`` values left out.

    A ``label`` or ``xlabel`` written as ``<…>`` is an HTML-like label whose text plategraph made
    with ``html_text``; it is passed through as it is.
    """
    parts = []
    for key, value in attrs.items():
        if value is None:
            continue
        text = str(value)
        if key in ("label", "xlabel") and text.startswith("<") and text.endswith(">"):
            parts.append(f"{key}={text}")
        else:
            parts.append(f"{key}={quote(text, attribute=key)}")
    return "[" + " ".join(parts) + "]" if parts else ""
