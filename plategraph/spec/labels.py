"""Pure: a model's computed parameters as the figure's distribution labels write them.

A label shows a parameter the model computes (``Normal(f(a, b, county, floor), σ_y)``) by its
expression when the expression is short (``Normal(b·floor_h + a_{county_h}, σ_y)``); this
module prints those expressions, one text per label dialect, for the drawing to use as given.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Mapping
from typing import Any

import networkx as nx

from ..graph.build import model_call
from ..layout.options import DrawOptions
from ..layout.quoting import html_text
from ..layout.typeset import sets_math
from .build import ModelSpec, model_spec
from .printing import _Writer

__all__ = ["EXPRESSION_LIMIT", "expression_labels", "expression_texts", "with_expressions"]

# the longest expression a label shows, in characters of its text (25 for ``b*floor[h] +
# a[county[h]]``); a longer one is drawn f(…), as a figure's node or list cannot hold a formula
EXPRESSION_LIMIT = 28


def expression_labels(graph: nx.DiGraph, *, always: bool = False, mathtext: bool = False,
                      spec: ModelSpec | None = None, drawn: Collection[Any] | None = None
                      ) -> dict[str, dict[str, dict[str, str]]]:
    """Site → parameter (``"value"`` for a deterministic site) → dialect → the text a label
    writes for it: ``html`` (escaped Unicode text), ``latex`` (math, without ``$``) and, with
    ``mathtext``, matplotlib's math (the LaTeX text when matplotlib can parse it; a parameter
    it cannot parse has no ``mathtext`` text, and the paper figure draws it ``f(…)``).

    Only expressions of at most ``EXPRESSION_LIMIT`` characters, unless ``always``; parameters
    without an expression (``None``), and with ``drawn`` (the nodes drawn) those naming a site
    not drawn (a hidden deterministic site), are left out. ``graph`` is ``model_graph``'s."""
    spec = spec if spec is not None else model_spec(graph)
    text, latex = _Writer(spec, latex=False), _Writer(spec, latex=True)
    found: dict[str, dict[str, dict[str, str]]] = {}
    for site in spec.values():
        exprs: dict[str, Any] = dict(site.params)
        if site.kind == "deterministic":
            exprs = {"value": site.value}
        for param, expr in exprs.items():
            if expr is None or drawn is not None and not _names(expr, spec) <= set(drawn):
                continue
            if _has_cases(expr):  # a case split (a scan's first step) is no label's formula
                continue
            printed = text.expr(expr)
            if not always and len(printed) > EXPRESSION_LIMIT:
                continue
            math = _plain_latex(latex.link(param, latex.expr(expr)))
            texts = {"html": html_text(text.link(param, printed))}
            if math is not None:
                texts["latex"] = math
                if mathtext and _parses(math):
                    texts["mathtext"] = math
            found.setdefault(site.name, {})[param] = texts
    return found


# what needs amsmath: the TikZ needs only \usepackage{tikz}, so a label never uses it
_AMS_ONLY = ("\\begin{", "\\text{", "\\tfrac", "\\dfrac", "\\binom", "\\substack",
             "\\operatorname*", "\\mathbb", "\\mathfrak")


# what a paper's list cannot set at its type size: a superscript (``e^{b}``, ``logit^{-1}``), a
# fraction or a sum's limits is set two sizes down, below the 7 pt a figure's text may be
_TOO_SMALL = ("^", "\\sum", "\\frac")


def _has_cases(expr: Any) -> bool:
    import sympy

    return expr.has(sympy.Piecewise)


def _names(expr: Any, spec: ModelSpec) -> set[str]:
    """The sites an expression reads."""
    import sympy

    names = {str(a.base.label) if isinstance(a, sympy.Indexed) else a.name
             for a in expr.atoms(sympy.Indexed, sympy.Symbol)}
    return {name for name in names if name in spec}


def _plain_latex(math: str) -> str | None:
    """``math`` as plain LaTeX sets it (``\\operatorname{logit}`` upright as ``\\mathrm``), or
    None when it needs amsmath (a ``Piecewise``'s ``cases``) or sets text too small."""
    # brackets of the line's size: \left( grows around a subscript, taller than the text
    math = (math.replace("\\operatorname{", "\\mathrm{").replace("\\left(", "(")
            .replace("\\right)", ")"))
    if any(word in math for word in (*_AMS_ONLY, *_TOO_SMALL)) or _listed_index(math):
        return None
    return math


def _listed_index(math: str) -> bool:
    """Whether a subscript lists indices one of which has its own (``\\beta_{p_{i}, c_{j}}``):
    the second is set two sizes down beside the first, not after a larger word."""
    for start in (i + 2 for i in range(len(math)) if math.startswith("_{", i)):
        depth, end = 1, start
        while end < len(math) and depth:
            depth += {"{": 1, "}": -1}.get(math[end], 0)
            end += 1
        inner, level = math[start:end - 1], 0
        commas = False
        for ch in inner:
            level += {"{": 1, "}": -1}.get(ch, 0)
            commas = commas or (ch == "," and level == 0)
        if commas and "_{" in inner:
            return True
    return False


@functools.lru_cache(maxsize=4096)
def _parses(math: str) -> bool:
    """Whether the paper figure can draw ``math``: as a label's plain text
    (``layout.typeset``, most expressions: a site, an indexed site), else when matplotlib's
    mathtext reads it (slow: never asked of the thousand sites of a big model)."""
    if sets_math(math):
        return True
    from matplotlib.mathtext import MathTextParser

    try:
        MathTextParser("path").parse(f"${math}$")
    except ValueError:
        return False
    return True


def expression_texts(graph: nx.DiGraph, options: DrawOptions, drawn: Collection[Any]
                     ) -> dict[str, dict[str, dict[str, str]]]:
    """``expression_labels`` of the ``drawn`` nodes as ``options`` ask (``expressions``;
    matplotlib's math for the paper figure); empty when they show no distributions
    (``writes_expressions``) and for a graph that does not know its model (read from JSON,
    built by hand)."""
    if not options.writes_expressions or model_call(graph) is None:
        return {}
    return expression_labels(graph, always=options.expressions == "always",
                             mathtext=options.paper, drawn=drawn)


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
