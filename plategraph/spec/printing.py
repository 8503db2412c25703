"""Pure: a ``ModelSpec`` → LaTeX, Unicode text and Markdown, printed by SymPy.

Names read as in the figure (``layout.labels``: ``sigma_a`` is σ with subscript a, other words
upright); each plate gets one index letter (its initial when free, else i, j, k, …), shown once at
the end of its site's line with its range (``c = 1, …, 8``); summation indices are k, l, m, ….
A sum's terms are ordered as a person writes them (``a_{county_h} + b · floor_h``: intercepts,
then indexed effects, then slope × predictor; ``term_rank``). ``inline`` LaTeX is what a
figure's line of text can hold (``\\exp(…)``, a sum with its index beside it, ``invlogit``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sympy
from sympy.printing.latex import LatexPrinter
from sympy.printing.str import StrPrinter

from ..layout.labels import GREEK, name_label

if TYPE_CHECKING:
    from .build import ModelSpec, SiteSpec

__all__ = ["factorization", "index_letters", "term_rank", "to_latex", "to_markdown", "to_text"]

_SUM_LETTERS = "klmnpqrsuvw"


def index_letters(spec: ModelSpec) -> dict[str, str]:
    """Plate name → its index letter: the plate's initial (lower case) when no other plate
    took it and no site or argument is named so, else the first free of i, j, k, …."""
    taken = set(spec.graph.nodes) | {name for _, d in spec.graph.nodes(data=True)
                                     for names in (d.get("data_args") or {}).values()
                                     for name in names}
    letters: dict[str, str] = {}
    for plate in spec.graph.graph["plates"]:
        first = next((c.lower() for c in plate if c.isalpha()), "i")
        choices = [first, *"ijklmnpqrstuvwxyzabcdefgh"]
        letter = next((c for c in choices if c not in letters.values() and c not in taken
                       and c not in _SUM_LETTERS[:2]), "i")
        letters[plate] = letter
    return letters


def _dummy_letter(name: str) -> str:
    digits = "".join(c for c in name if c.isdigit())
    return _SUM_LETTERS[int(digits or 0) % len(_SUM_LETTERS)]


def term_rank(term: sympy.Expr) -> int:
    """Where a term goes in a sum, as papers write one (Gelman & Hill's ``α_{j[i]} + β x_i``):
    a lone scalar (an intercept ``μ``) 0, an indexed value (``a_{county_h}``) 1, a product of
    those (slope × predictor, ``b · floor_h``) 2, a sum over an index 3, anything else (a
    function, a power) 4, a number last (5). Ties keep SymPy's order."""
    coeff, rest = term.as_coeff_Mul()
    if rest == 1 or rest.is_number:
        return 5
    if isinstance(rest, sympy.Symbol):
        return 0
    if isinstance(rest, sympy.Indexed):
        return 1
    if isinstance(rest, sympy.Mul) and all(isinstance(f, (sympy.Symbol, sympy.Indexed))
                                           for f in rest.args):
        return 2
    if isinstance(rest, sympy.Sum) or rest.has(sympy.Sum) and not rest.is_Function:
        return 3
    return 4


class _IndexLetters:
    """What every printer writes alike: a plate's index as its letter, a dummy index as its
    own, a sum's terms in ``term_rank`` order (a positive one first)."""

    letters: dict[str, str]

    def _as_ordered_terms(self, expr: sympy.Expr, order: str | None = None) -> list:
        terms = sorted(super()._as_ordered_terms(expr, order=order),  # type: ignore[misc]
                       key=term_rank)
        # a sum opens with a positive term where it has one: ``1 - φ``, not ``-φ + 1``
        positive = [t for t in terms if not t.could_extract_minus_sign()]
        if positive and terms[0].could_extract_minus_sign():
            terms.remove(positive[0])
            terms.insert(0, positive[0])
        return terms

    def _print_Dummy(self, expr: sympy.Dummy) -> str:
        return _dummy_letter(expr.name)

    def _print_Idx(self, expr: sympy.Idx) -> str:
        name = str(expr.label)
        return self.letters[name] if name in self.letters else self._print(expr.label)

    def _print_Equality(self, expr: sympy.Eq) -> str:
        # a step of a scan (``t = 0`` in the expression) is written 1…n, as the plates' ranges
        lhs, rhs = expr.args
        if isinstance(lhs, sympy.Idx) and rhs.is_Integer:
            return f"{self._print(lhs)} = {self._print(rhs + 1)}"
        parent = getattr(super(), "_print_Equality", None)
        if parent is None:  # the text printer's own is ``Eq(z, 1)``
            return f"{self._print(lhs)} = {self._print(rhs)}"
        return parent(expr)


class SpecLatexPrinter(_IndexLetters, LatexPrinter):
    """SymPy's LaTeX printer with the figure's names and the plates' index letters."""

    def __init__(self, letters: dict[str, str], *, inline: bool = False) -> None:
        # inline: a short fraction on the line (``x / 2``), set at the text's size
        super().__init__({"fold_short_frac": True} if inline else {})
        self.letters, self.inline = letters, inline

    def _print_Symbol(self, expr: sympy.Symbol, style: str = "plain") -> str:
        return name_label(expr.name, math=True, dialect="latex")[1:-1]

    def _print_IndexedBase(self, expr: sympy.IndexedBase) -> str:
        return self._print(expr.label)

    def _print_Indexed(self, expr: sympy.Indexed) -> str:
        base = self._print(expr.base.label)
        if "_{" in base or "^" in base:
            base = "{" + base + "}"
        return base + "_{" + ", ".join(self._print(i) for i in expr.indices) + "}"

    def _print_Mul(self, expr: sympy.Mul) -> str:
        # ``b \cdot \mathrm{floor}_{h}``: a name of several letters beside a factor would read
        # as one word (``bfloor``); single letters are juxtaposed as usual (``\tau \eta_{j}``)
        # (each product decides for itself: an inner one does not inherit an outer's dot)
        words = any(self._print(f).lstrip("{").startswith(r"\mathrm") for f in expr.args)
        saved = self._settings["mul_symbol_latex"]
        self._settings["mul_symbol_latex"] = r" \cdot " if words else " "
        try:
            return super()._print_Mul(expr)
        finally:
            self._settings["mul_symbol_latex"] = saved

    def _print_log(self, expr: sympy.log, exp: str | None = None) -> str:
        # a number or a name needs no brackets: ``\log 10``, ``\log x_{i}``
        (arg,) = expr.args
        if exp is None and (arg.is_Atom or isinstance(arg, sympy.Indexed)):
            return r"\log " + self._print(arg)
        return super()._print_log(expr, exp)

    def _print_ExpBase(self, expr: sympy.Expr, exp: str | None = None) -> str:
        # inline, ``\exp(b)``: a superscript ``e^{b}`` would be set below a figure's 7 pt
        if not self.inline:
            return super()._print_ExpBase(expr, exp)
        return self._do_exponent(r"\exp\left(" + self._print(expr.args[0]) + r"\right)", exp)

    def _print_Sum(self, expr: sympy.Sum) -> str:
        # indices run 0…n−1 in the expression and are written 1…n, as the plates' ranges are
        out = self._print(expr.function)
        if isinstance(expr.function, sympy.Add):
            out = r"\left(" + out + r"\right)"
        if self.inline:  # the index beside the sign, as in a line of text (``{\sum}_{k}``)
            indices = ", ".join(self._print(k) for k, _, _ in expr.limits)
            return r"{\sum}_{" + indices + r"} \, " + out
        for k, lo, hi in reversed(expr.limits):
            out = (r"\sum_{" + self._print(k) + "=" + self._print(lo + 1) + "}^{"
                   + self._print(hi + 1) + "} " + out)
        return out


class SpecStrPrinter(_IndexLetters, StrPrinter):
    """SymPy's text printer with Greek letters and the plates' index letters."""

    printmethod = "_plategraph_str"  # not Idx's own ``_sympystr``, which prints the plate's name

    def __init__(self, letters: dict[str, str]) -> None:
        super().__init__({"full_prec": False})
        self.letters = letters

    def _print_Symbol(self, expr: sympy.Symbol) -> str:
        head, _, tail = expr.name.partition("_")
        if expr.name in GREEK:
            return GREEK[expr.name]
        if head in GREEK and tail:
            return GREEK[head] + "_" + tail
        return expr.name

    def _print_Indexed(self, expr: sympy.Indexed) -> str:
        return (self._print(expr.base.label) + "["
                + ", ".join(self._print(i) for i in expr.indices) + "]")

    def _print_Piecewise(self, expr: sympy.Piecewise) -> str:
        # ``(μ if t = 1 else μ + φ*(h[t - 1] - μ))``, as a reader says it
        *cases, (last, _) = expr.args
        out = " else ".join(f"{self._print(e)} if {self._print(c)}" for e, c in cases)
        out = f"{out} else {self._print(last)}"
        return out if self._print_level <= 1 else f"({out})"  # (a whole argument: no brackets)

    def _print_Sum(self, expr: sympy.Sum) -> str:
        out = self._print(expr.function)
        if isinstance(expr.function, sympy.Add):
            out = "(" + out + ")"
        for k, lo, hi in reversed(expr.limits):  # written 1…n, as the plates' ranges are
            out = f"Σ_{{{self._print(k)}={self._print(lo + 1)}..{self._print(hi + 1)}}} {out}"
        return out


def _inputs(spec: ModelSpec, site: str, param: str) -> list[str]:
    """What a parameter is computed from, by name: the parents feeding it and its data."""
    graph = spec.graph
    names = [p for p, _, e in graph.in_edges(site, data=True) if param in e.get("params", ())]
    names += list((graph.nodes[site].get("data_args") or {}).get(param, ()))
    return list(dict.fromkeys(names))


def one_based(e: Any) -> Any:
    """``e`` as it reads with indices written 1…n: an index used as a number (``i < τ``, a
    cumulative sum's upper limit) is one less than its letter (``i - 1 < τ``); a position
    ``x[i]``, ``x[t - 1]`` reads as it is, and a step ``t = 0`` is the printers' own case."""
    if isinstance(e, sympy.Idx):
        return e - 1
    if isinstance(e, sympy.Indexed):
        return e.func(e.base, *[i if _plain_position(i) else one_based(i) + 1
                                for i in e.indices])
    if isinstance(e, sympy.Eq) and isinstance(e.lhs, sympy.Idx) and e.rhs.is_Integer:
        return e
    if isinstance(e, sympy.Sum):
        return sympy.Sum(one_based(e.function), *[(k, one_based(lo), one_based(hi))
                                                  for k, lo, hi in e.limits])
    if not getattr(e, "args", ()) or not e.has(sympy.Idx):
        return e
    return e.func(*[one_based(a) for a in e.args])


def _plain_position(i: Any) -> bool:
    """An index written as it is: a number, ``t + c``, or one read from data (``county[i]``)."""
    free = [a for a in sympy.preorder_traversal(i) if isinstance(a, sympy.Idx)]
    return (i.is_Integer or isinstance(i, sympy.Idx) or isinstance(i, sympy.Indexed)
            or (i.is_Add and len(i.args) == 2 and any(isinstance(a, sympy.Idx) for a in i.args)
                and any(a.is_Integer for a in i.args)) or not free)


class _Writer:
    """One output's way of writing names, expressions and the parts of a line."""

    def __init__(self, spec: ModelSpec, latex: bool, *, inline: bool = False) -> None:
        self.spec, self.latex, self.inline = spec, latex, inline
        self.letters = index_letters(spec)
        self.printer = (SpecLatexPrinter(self.letters, inline=inline) if latex
                        else SpecStrPrinter(self.letters))

    def expr(self, e: Any) -> str:
        return self.printer.doprint(one_based(e))

    def site(self, s: SiteSpec) -> str:
        target = (sympy.IndexedBase(s.name)[s.indices] if s.indices else sympy.Symbol(s.name))
        return self.expr(target)

    def unknown(self, names: list[str]) -> str:
        inner = ", ".join(self.expr(sympy.Symbol(n)) for n in names)
        if not inner:
            inner = r"\ldots" if self.latex else "…"
        return f"f({inner})"

    def ranges(self, s: SiteSpec) -> str:
        parts = []
        for idx in s.indices:
            letter = self.letters.get(idx.label.name, idx.label.name)
            n = int(idx.upper) + 1
            parts.append(f"{letter} = 1, \\dots, {n}" if self.latex else f"{letter} = 1, …, {n}")
        return ", ".join(parts)

    def link(self, param: str, text: str) -> str:
        """A parameter given on another scale, as papers write it: logits as the probability
        ``logit⁻¹(η)`` (the distribution's argument is a probability either way); inline,
        ``invlogit(η)`` (Gelman & Hill's name for it), as a superscript ``−1`` would be set
        below a figure's 7 pt."""
        if param == "logits" and self.latex and self.inline:
            return r"\mathrm{invlogit}\left(" + text + r"\right)"
        if param == "logits":
            return (r"\operatorname{logit}^{-1}\left(" + text + r"\right)" if self.latex
                    else f"logit⁻¹({text})")
        return text

    def distribution(self, s: SiteSpec) -> str:
        name = s.distribution or "?"
        args = []
        for param, e in s.params.items():
            args.append(self.link(param, self.expr(e)) if e is not None else self.unknown(
                _inputs(self.spec, s.name, param)))
        data = self.spec.graph.nodes[s.name]
        base = data.get("base_distribution")
        name = base or name  # a TransformedDistribution: its base, wrapped in its transforms
        out = (f"\\mathrm{{{name}}}" if self.latex else name) + "(" + ", ".join(args) + ")"
        for transform in data.get("transforms", ()) if base else ():
            out = (f"\\mathrm{{{transform}}}" if self.latex else transform) + "(" + out + ")"
        return out

    def line(self, s: SiteSpec) -> tuple[str, str, str]:
        """``(left side, relation and right side, note)`` of one site's line."""
        left = self.site(s)
        if s.kind == "deterministic":
            right = self.expr(s.value) if s.value is not None else self.unknown(
                [p for p in self.spec.graph.predecessors(s.name)])
            return left, "= " + right, ""
        if s.kind == "param":
            return left, (r"\quad \text{(parameter)}" if self.latex else "(parameter)"), ""
        if s.kind == "factor":
            e = s.params.get("log_factor")
            right = self.expr(e) if e is not None else self.unknown(
                _inputs(self.spec, s.name, "log_factor"))
            word = r"\log \text{factor}" if self.latex else "log factor"
            return word, "= " + right, ""
        rel = r"\sim " if self.latex else "~ "
        note = "observed" if s.kind == "observed" else ""
        return left, rel + self.distribution(s), note


def to_latex(spec: ModelSpec) -> str:
    r"""An ``align*`` block: ``name &\sim \mathrm{Dist}(…), & i &= 1, \dots, N``, one site a
    line, sampled with ``\sim``, deterministic with ``=``, observed ones marked."""
    w = _Writer(spec, latex=True)
    rows = []
    for s in spec.values():
        left, right, note = w.line(s)
        row = f"  {left} &{right}"
        ranges = w.ranges(s)
        tail = " \\quad \\text{(" + note + ")}" if note else ""
        if ranges:
            first, _, rest = ranges.partition(" = ")
            row += f", & {first} &= {rest}{tail}"
        elif tail:
            row += f" & &{tail}"
        rows.append(row)
    return "\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}"


def to_text(spec: ModelSpec) -> str:
    """One line a site in Unicode: ``log_radon[h] ~ Normal(a[county[h]] + b*floor[h], σ_y),
    h = 1, …, 80 (observed)``."""
    w = _Writer(spec, latex=False)
    lines = []
    for s in spec.values():
        left, right, note = w.line(s)
        line = f"{left} {right}"
        ranges = w.ranges(s)
        if ranges:
            line += f",  {ranges}"
        if note:
            line += f"  ({note})"
        lines.append(line)
    return "\n".join(lines) + "\n"


def to_markdown(spec: ModelSpec) -> str:
    """The LaTeX block between ``$$`` lines, as GitHub and Jupyter render math."""
    return "$$\n" + to_latex(spec) + "\n$$\n"


def _conditions(spec: ModelSpec, s: SiteSpec) -> list[sympy.Expr]:
    """The sites a site's density is conditioned on, as the elements its parameters read,
    deterministic sites replaced by what they compute (in order of appearance)."""
    found: list[sympy.Expr] = []

    def add(e: sympy.Expr, depth: int = 0) -> None:
        atoms = sorted(e.atoms(sympy.Indexed, sympy.Symbol), key=sympy.default_sort_key)
        for atom in atoms:
            name = str(atom.base.label) if isinstance(atom, sympy.Indexed) else atom.name
            own = name == s.name and (not isinstance(atom, sympy.Indexed)
                                      or tuple(atom.indices) == tuple(s.indices))
            if name not in spec or own or isinstance(atom, sympy.Dummy):
                continue  # (a scan's site one step back, h[t-1], is a condition of h[t])
            if isinstance(atom, sympy.Symbol) and any(
                    isinstance(a, sympy.Indexed) and str(a.base.label) == name for a in atoms):
                continue
            inner = spec[name]
            if inner.kind == "deterministic" and inner.value is not None and depth < 20:
                value = inner.value
                if isinstance(atom, sympy.Indexed):
                    value = value.xreplace(dict(zip(inner.indices, atom.indices)))
                add(value, depth + 1)
            elif inner.kind not in ("deterministic",) and atom not in found:
                found.append(atom)

    for e in (*s.params.values(), s.value):
        if e is not None:
            add(e)
    if any(e is None for e in s.params.values()):  # unknown recipe: its parents by name
        for parent in spec.graph.predecessors(s.name):
            if parent in spec and not any(
                    (str(a.base.label) if isinstance(a, sympy.Indexed) else str(a)) == parent
                    for a in found):
                found.append(sympy.Symbol(parent))
    return found


def factorization(spec: ModelSpec) -> str:
    r"""The joint density of the sampled sites as a product: ``p(\mu, \tau, \eta, y) = p(\mu)\,
    p(\tau) \prod_{j=1}^{8} p(\eta_j) \prod_{j=1}^{8} p(y_j \mid \mu, \tau, \eta_j)``."""
    w = _Writer(spec, latex=True)
    sampled = [s for s in spec.values() if s.kind in ("latent", "observed")]
    joint = ", ".join(w.expr(sympy.Symbol(s.name)) for s in sampled)
    factors = []
    for s in sampled:
        given = _conditions(spec, s)
        inner = w.site(s) + (r" \mid " + ", ".join(w.expr(g) for g in given) if given else "")
        factor = f"p({inner})"
        for idx in reversed(s.indices):
            letter = w.letters.get(idx.label.name, idx.label.name)
            factor = f"\\prod_{{{letter}=1}}^{{{int(idx.upper) + 1}}} " + factor
        factors.append(factor)
    return f"p({joint}) = " + r"\, ".join(factors)
