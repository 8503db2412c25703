"""The only place where text becomes DOT: identifiers, attribute values and HTML-like labels."""

from __future__ import annotations

import re

__all__ = ["attr_list", "html_text", "quote"]

_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$|^-?(\.[0-9]+|[0-9]+(\.[0-9]*)?)$")
_KEYWORDS = {"node", "edge", "graph", "digraph", "subgraph", "strict"}
# characters XML (and so graphviz's HTML-like labels and SVG output) cannot carry
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def quote(value: object) -> str:
    """A DOT ID for ``value``: bare when it is a plain identifier or number, else double-quoted."""
    text = str(value)
    if _ID.match(text) and text.lower() not in _KEYWORDS:
        return text
    text = _UNSAFE.sub("\ufffd", text).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n") + '"'


def html_text(text: str) -> str:
    """``text`` as the content of an HTML-like label: markup escaped, newlines as line breaks.

    Characters XML cannot hold become U+FFFD; runs of spaces stay (as no-break spaces after the
    first) because graphviz would collapse them.
    """
    text = _UNSAFE.sub("\ufffd", text)
    text = (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#39;"))
    text = text.replace("  ", " &#160;")
    return text.replace("\r\n", "<BR/>").replace("\n", "<BR/>").replace("\r", "<BR/>")


def attr_list(attrs: dict[str, object]) -> str:
    """``[a=1 b="x y"]`` in the given order; HTML-like labels (``<...>``) are passed through."""
    parts = []
    for key, value in attrs.items():
        if value is None:
            continue
        text = str(value)
        if key in ("label", "xlabel") and text.startswith("<") and text.endswith(">"):
            parts.append(f"{key}={text}")
        else:
            parts.append(f"{key}={quote(text)}")
    return "[" + " ".join(parts) + "]" if parts else ""
