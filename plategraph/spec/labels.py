"""Pure: a model's computed parameters as the figure's distribution labels write them.

A label shows a parameter the model computes (``Normal(f(a, b, county, floor), σ_y)``) by its
expression when the expression is short (``Normal(b·floor_h + a_{county_h}, σ_y)``); this
module prints those expressions, one text per label dialect, for the drawing to use as given.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from ..layout.quoting import html_text
from .build import ModelSpec, model_spec
from .printing import _Writer

__all__ = ["EXPRESSION_LIMIT", "expression_labels"]

# the longest expression a label shows, in characters of its text (25 for ``b*floor[h] +
# a[county[h]]``); a longer one is drawn f(…), as a figure's node or list cannot hold a formula
EXPRESSION_LIMIT = 28


def expression_labels(graph: nx.DiGraph, *, always: bool = False, mathtext: bool = False,
                      spec: ModelSpec | None = None) -> dict[str, dict[str, dict[str, str]]]:
    """Site → parameter (``"value"`` for a deterministic site) → dialect → the text a label
    writes for it: ``html`` (escaped Unicode text), ``latex`` (math, without ``$``) and, with
    ``mathtext``, matplotlib's math (the LaTeX text when matplotlib can parse it; a parameter
    it cannot parse has no ``mathtext`` text, and the paper figure draws it ``f(…)``).

    Only expressions of at most ``EXPRESSION_LIMIT`` characters, unless ``always``; parameters
    without an expression (``None``) are left out. ``graph`` is ``model_graph``'s."""
    spec = spec if spec is not None else model_spec(graph)
    text, latex = _Writer(spec, latex=False), _Writer(spec, latex=True)
    found: dict[str, dict[str, dict[str, str]]] = {}
    for site in spec.values():
        exprs: dict[str, Any] = dict(site.params)
        if site.kind == "deterministic":
            exprs = {"value": site.value}
        for param, expr in exprs.items():
            if expr is None:
                continue
            printed = text.expr(expr)
            if not always and len(printed) > EXPRESSION_LIMIT:
                continue
            math = latex.link(param, latex.expr(expr))
            texts = {"html": html_text(text.link(param, printed)), "latex": math}
            if mathtext and _parses(math):
                texts["mathtext"] = math
            found.setdefault(site.name, {})[param] = texts
    return found


def _parses(math: str) -> bool:
    """Whether matplotlib's mathtext reads ``math`` (the paper figure's labels are drawn by it)."""
    from matplotlib.mathtext import MathTextParser

    try:
        MathTextParser("path").parse(f"${math}$")
    except ValueError:
        return False
    return True
