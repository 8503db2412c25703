"""Pure: a model's computed parameters as the figure's distribution labels write them.

A label shows a parameter the model computes (``Normal(f(a, b, county, floor), σ_y)``) by its
expression when the expression is short (``Normal(a_{county_h} + b·floor_h, σ_y)``); this
module prints those expressions, one text per label dialect, for the drawing to use as given.
Each is written as the rest of its label: in the notebook with ``labels="math"`` by the figure's
one subscript rule (``symbol_parts``) with indices as subscripts (``floor_h``; an index of an
index in brackets, ``a_{county[h]}``, as Gelman & Hill write ``α_{j[i]}``: graphviz sets a
subscript of a subscript on the same line); in the paper figure and the TikZ as a line of text
holds it (``printing``'s inline LaTeX: ``\\exp(…)``, ``{\\sum}_{k}``, ``invlogit``).
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Collection, Mapping
from typing import Any

import networkx as nx
import sympy
from sympy.printing.precedence import PRECEDENCE

from ..graph.build import model_call
from ..layout.labels import SUB_POINT_SIZE, name_label
from ..layout.options import DrawOptions
from ..layout.quoting import html_text
from ..layout.typeset import sets_math
from .build import ModelSpec, model_spec
from .printing import SpecStrPrinter, _Writer

__all__ = ["EXPRESSION_LIMIT", "LabelHtmlPrinter", "drawn_length", "expression_labels",
           "expression_texts", "with_expressions"]

# the longest expression a label shows, in characters as drawn (21 for ``a_{county[h]} +
# b·floor_h``); a longer one is drawn f(…), as a figure's node or list cannot hold a formula
EXPRESSION_LIMIT = 28

# HTML-like markup in a printed expression, put in after the text around it is escaped: a
# placeholder is a private-use character and the number of its piece
_MARK, _END_MARK = "\ue000", "\ue001"
_PLACEHOLDER = re.compile(_MARK + "([0-9]+)" + _END_MARK)
_SUB_OPEN = f'<SUB><FONT POINT-SIZE="{SUB_POINT_SIZE}">'
_SUB_CLOSE = "</FONT></SUB>"
_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
_NUMBER_TIMES = re.compile(r"(?<![\w.])([0-9.]+)\*")


class LabelHtmlPrinter(SpecStrPrinter):
    """An expression as a notebook label writes it (graphviz's HTML-like markup): with ``math``
    names as ``name_label`` writes them (σ with subscript y), indices as subscripts, products
    with ``·``; without, names and indices as written (``b*floor[h]``). A sum carries its index
    beside its sign (``Σ_k``), as in the other figures."""

    def __init__(self, letters: dict[str, str], *, math: bool) -> None:
        super().__init__(letters)
        self.math, self.pieces, self.depth = math, [], 0

    def markup(self, piece: str) -> str:
        self.pieces.append(piece)
        return f"{_MARK}{len(self.pieces) - 1}{_END_MARK}"

    def doprint(self, expr: Any) -> str:
        self.pieces, self.depth = [], 0
        text = html_text(super().doprint(expr))
        return _PLACEHOLDER.sub(lambda m: self.pieces[int(m.group(1))], text)

    def _print_Symbol(self, expr: Any) -> str:
        return self.markup(name_label(expr.name, math=self.math and not self.depth))

    def _print_Indexed(self, expr: Any) -> str:
        if not self.math:
            return super()._print_Indexed(expr)
        base = name_label(str(expr.base.label), math=not self.depth)
        self.depth += 1
        try:
            inner = ",".join(self._print(i) for i in expr.indices)
        finally:
            self.depth -= 1
        if self.depth:  # an index of an index: in brackets, on the subscript's line
            return self.markup(base) + "[" + inner + "]"
        if base.endswith(_SUB_CLOSE):  # σ_a indexed by j: one subscript, a,j
            return (self.markup(base[:-len(_SUB_CLOSE)] + ",") + inner
                    + self.markup(_SUB_CLOSE))
        return self.markup(base + _SUB_OPEN) + inner + self.markup(_SUB_CLOSE)

    def _print_Mul(self, expr: Any) -> str:
        text = super()._print_Mul(expr)
        # a number beside its factor, as in the LaTeX (``2a``); other factors apart (``b·floor``)
        return _NUMBER_TIMES.sub(r"\1", text).replace("*", "·") if self.math else text

    def _print_Pow(self, expr: Any, rational: bool = False) -> str:
        exp = expr.exp
        if not (self.math and exp.is_Integer and exp not in (1, -1)):
            return super()._print_Pow(expr, rational)
        # superscript digits, as ``logit⁻¹``: every output of the html labels has them
        base = self.parenthesize(expr.base, PRECEDENCE["Pow"], strict=False)
        return base + str(exp).translate(_SUPERSCRIPTS)

    def _print_Sum(self, expr: Any) -> str:
        out = self._print(expr.function)
        if isinstance(expr.function, sympy.Add):
            out = "(" + out + ")"
        indices = ",".join(self._print(k) for k, _, _ in expr.limits)
        if self.math:
            return "Σ" + self.markup(_SUB_OPEN) + indices + self.markup(_SUB_CLOSE) + " " + out
        return f"Σ_{indices} {out}"


def drawn_length(markup: str) -> int:
    """How many characters a label's markup draws (its tags left out, entities one each)."""
    return len(html.unescape(re.sub(r"<[^>]+>", "", markup)))


def expression_labels(graph: nx.DiGraph, *, always: bool = False, mathtext: bool = False,
                      math: bool = True, spec: ModelSpec | None = None,
                      drawn: Collection[Any] | None = None
                      ) -> dict[str, dict[str, dict[str, str]]]:
    """Site → parameter (``"value"`` for a deterministic site) → dialect → the text a label
    writes for it: ``html`` (graphviz's markup, with ``math`` as ``labels="math"`` writes
    names, else as written: ``LabelHtmlPrinter``), ``latex`` (math, without ``$``) and, with
    ``mathtext``, matplotlib's math (the LaTeX text when matplotlib can parse it; a parameter
    it cannot parse has no ``mathtext`` text, and the paper figure draws it ``f(…)``).

    Only expressions of at most ``EXPRESSION_LIMIT`` characters as drawn, unless ``always``;
    parameters without an expression (``None``), and with ``drawn`` (the nodes drawn) those
    naming a site not drawn (a hidden deterministic site), are left out. ``graph`` is
    ``model_graph``'s."""
    spec = spec if spec is not None else model_spec(graph)
    text, latex = _Writer(spec, latex=False), _Writer(spec, latex=True, inline=True)
    shown = LabelHtmlPrinter(text.letters, math=True)
    written = LabelHtmlPrinter(text.letters, math=math) if not math else shown
    drawn = set(drawn) if drawn is not None else None
    # a parameter's texts depend on its name and expression alone: the sites of a loop share
    # them (a thousand ``Normal(a, 1)`` are printed once)
    printed: dict[tuple[str, Any], dict[str, str] | None] = {}

    def texts_of(param: str, expr: Any) -> dict[str, str] | None:
        if drawn is not None and not _names(expr, spec) <= drawn:
            return None
        if _has_cases(expr):  # a case split (a scan's first step) is no label's formula
            return None
        # the same length in every output and either labels option: as math draws it
        if not always and drawn_length(text.link(param, shown.doprint(expr))) > EXPRESSION_LIMIT:
            return None
        tex = _plain_latex(latex.link(param, latex.expr(expr)))
        # the paper figure draws no html: its html only measures the list (``layout.fit``),
        # which the written-out form (``exp(h[t]/2)``), longer than the math, overestimates
        # as a generous estimate should
        html_form = html_text(text.expr(expr)) if mathtext else written.doprint(expr)
        texts = {"html": text.link(param, html_form)}
        if tex is not None:
            # TeX sets a sum's index below the sign's depth, lower than the names'
            # subscripts; with the sign smashed it sits where theirs do (mathtext's does)
            texts["latex"] = tex.replace(r"{\sum}_{", r"{\smash{\sum}}_{")
            if mathtext and _parses(tex):
                texts["mathtext"] = tex
        return texts

    found: dict[str, dict[str, dict[str, str]]] = {}
    for site in spec.values():
        exprs: dict[str, Any] = dict(site.params)
        if site.kind == "deterministic":
            exprs = {"value": site.value}
        for param, expr in exprs.items():
            if expr is None:
                continue
            key = (param, expr)
            if key not in printed:
                printed[key] = texts_of(param, expr)
            if printed[key] is not None:
                found.setdefault(site.name, {})[param] = dict(printed[key])
    return found


# what needs amsmath: the TikZ needs only \usepackage{tikz}, so a label never uses it
_AMS_ONLY = ("\\begin{", "\\text{", "\\tfrac", "\\dfrac", "\\binom", "\\substack",
             "\\operatorname*", "\\mathbb", "\\mathfrak")


# what a paper's list cannot set at its type size: a superscript (``x^{2}``), a fraction or a
# sum's limits below it is set two sizes down, below the 7 pt a figure's text may be (the
# inline printer writes ``\exp``, ``invlogit`` and ``{\sum}_{k}`` instead where it can)
_TOO_SMALL = ("^", "\\sum_", "\\frac")


def _has_cases(expr: Any) -> bool:
    return expr.has(sympy.Piecewise)


def _names(expr: Any, spec: ModelSpec) -> set[str]:
    """The sites an expression reads."""
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
                             mathtext=options.paper, math=options.math, drawn=drawn)


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
