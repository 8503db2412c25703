"""Pure: a model's computed parameters as the figure's distribution labels write them.

A label shows a parameter the model computes (``Normal(f(a, b, county, floor), σ_y)``) by its
expression when the expression is short (``Normal(b·floor_h + a_{county_h}, σ_y)``); this
module prints those expressions, one text per label dialect, for the drawing to use as given.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx

from ..graph.build import model_call
from ..layout.options import DrawOptions
from ..layout.quoting import html_text
from .build import ModelSpec, model_spec
from .printing import _Writer

__all__ = ["EXPRESSION_LIMIT", "expression_labels", "expression_texts", "with_expressions"]

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
            math = _plain_latex(latex.link(param, latex.expr(expr)))
            texts = {"html": html_text(text.link(param, printed))}
            if math is not None:
                texts["latex"] = math
                figure = _in_line(math)
                if mathtext and _parses(figure):
                    texts["mathtext"] = figure
            found.setdefault(site.name, {})[param] = texts
    return found


# what needs amsmath: the TikZ needs only \usepackage{tikz}, so a label never uses it
_AMS_ONLY = ("\\begin{", "\\text{", "\\tfrac", "\\dfrac", "\\binom", "\\substack",
             "\\operatorname*", "\\mathbb", "\\mathfrak")


def _plain_latex(math: str) -> str | None:
    """``math`` as plain LaTeX sets it (``\\operatorname{logit}`` upright as ``\\mathrm``), or
    None when it needs amsmath (a ``Piecewise``'s ``cases``)."""
    math = math.replace("\\operatorname{", "\\mathrm{")
    return None if any(word in math for word in _AMS_ONLY) else math


def _in_line(math: str) -> str:
    """``math`` set on one line of text, as LaTeX sets inline math: matplotlib stacks a sum's
    limits and grows ``\\left(`` around them, a list line twice as tall as its neighbours."""
    return (math.replace("\\sum_", "{\\sum}_").replace("\\left(", "(")
            .replace("\\right)", ")"))


def _parses(math: str) -> bool:
    """Whether matplotlib's mathtext reads ``math`` (the paper figure's labels are drawn by it)."""
    from matplotlib.mathtext import MathTextParser

    try:
        MathTextParser("path").parse(f"${math}$")
    except ValueError:
        return False
    return True


def expression_texts(graph: nx.DiGraph, options: DrawOptions
                     ) -> dict[str, dict[str, dict[str, str]]]:
    """``expression_labels`` as ``options`` ask (``expressions``; matplotlib's math for the
    paper figure); empty when they show no distributions (``writes_expressions``) and for a
    graph that does not know its model (read from JSON, built by hand)."""
    if not options.writes_expressions or model_call(graph) is None:
        return {}
    return expression_labels(graph, always=options.expressions == "always",
                             mathtext=options.paper)


def with_expressions(shown: nx.DiGraph, expressions: Mapping[str, Any]) -> nx.DiGraph:
    """A drawn graph whose nodes carry their ``expression_labels`` (the labels write them in
    place of ``f(…)``); ``shown`` itself when there are none, else a copy."""
    if not any(node in expressions for node in shown):
        return shown
    out = shown.copy()
    for node in out:
        if node in expressions:
            out.nodes[node]["expression_labels"] = expressions[node]
    return out
