"""The model written out: ``model_spec(g)`` → a ``ModelSpec`` of exact SymPy expressions.

``spec[site]`` has ``.indices`` (one ``sympy.Idx`` per plate of the site, outermost first),
``.params`` (``{parameter: expression or None}``) and ``.value`` (a deterministic site's
expression). The contract is in docs/design.md ("The model specification").
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import sympy

from ..exceptions import ModelError
from ..graph.build import model_alternatives, model_call, model_computation
from ..tracing.computation import Computation, Output
from ..tracing.inlining import open_bodies
from .expressions import Elements, Inexpressible
from .numbers import number

__all__ = ["ModelSpec", "SiteSpec", "model_spec"]


@dataclass(frozen=True)
class SiteSpec:
    """One site written out: its plate indices, its parameters' and its value's expressions."""

    name: str
    kind: str
    distribution: str | None
    indices: tuple[sympy.Idx, ...]
    params: dict[str, sympy.Expr | None] = field(default_factory=dict)
    value: sympy.Expr | None = None


class ModelSpec(Mapping):
    """The model's sites written out, in trace order: ``spec[site]`` is a ``SiteSpec``.

    ``to_latex()``, ``to_text()``, ``to_markdown()`` and ``factorization()`` print it; a notebook
    shows it by itself.
    """

    def __init__(self, graph: nx.DiGraph, sites: dict[str, SiteSpec]) -> None:
        self.graph = graph
        self.sites = sites

    def __getitem__(self, name: str) -> SiteSpec:
        return self.sites[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.sites)

    def __len__(self) -> int:
        return len(self.sites)

    def __repr__(self) -> str:
        return f"<plategraph.ModelSpec of '{self.graph.graph.get('name')}': {len(self)} sites>"

    def to_latex(self, **options: Any) -> str:
        """The model as an ``align*`` block, one line a site (see ``spec.printing``)."""
        from .printing import to_latex
        return to_latex(self, **options)

    def to_text(self) -> str:
        """The model in Unicode text, one line a site."""
        from .printing import to_text
        return to_text(self)

    def to_markdown(self) -> str:
        """The model as Markdown: the LaTeX block in ``$$`` (GitHub and Jupyter render it)."""
        from .printing import to_markdown
        return to_markdown(self)

    def factorization(self) -> str:
        """The joint density as a product of the sites' densities (LaTeX)."""
        from .printing import factorization
        return factorization(self)

    def _repr_latex_(self) -> str:
        return "$$" + self.to_latex() + "$$"

    def _repr_markdown_(self) -> str:
        return self.to_markdown()


def plate_index(name: str, size: int) -> sympy.Idx:
    """A plate's index: label the plate's name, range 0…size−1."""
    return sympy.Idx(sympy.Symbol(name, integer=True), size)


def _site_axes(graph: nx.DiGraph, site: str, batch_ndim: int) -> dict[str, int]:
    """Plate name → the array axis of the site's value that runs along it (a scan's time
    plate, ``dim`` None and the site's first, runs along the first: the scan stacks there)."""
    axes = {}
    for n, plate in enumerate(graph.nodes[site]["plates"]):
        dim = graph.graph["plates"].get(plate, {}).get("dim")
        if dim is None and n == 0 and batch_ndim:
            axes[plate] = 0
        elif dim is not None and 0 <= batch_ndim + dim < batch_ndim:
            axes[plate] = batch_ndim + dim
    return axes


class _Builder:
    """Reads one computation against one graph."""

    def __init__(self, graph: nx.DiGraph, computation: Computation) -> None:
        self.graph = graph
        self.indices = {
            p: plate_index(p, rec["size"]) for p, rec in graph.graph["plates"].items()
            if rec.get("size") is not None
        }
        self.by_number = {i.number: i for i in computation.inputs}
        self.elements = Elements(computation, self.input_element, self.site_element)

    def input_element(self, number: int, index: tuple) -> sympy.Expr:
        found = self.by_number[number]
        if found.kind == "plate":  # a subsample's positions read as the full plate's indices
            return index[0]
        if found.kind == "argument" and found.name in self.graph:
            # the name means the site (the contract); the argument's own values have none
            raise Inexpressible(f"argument {found.name!r} named as a site")
        if found.kind == "argument" or found.name not in self.graph:
            # a data argument, or a leaf of a site's pytree (a module's weights): by its axes
            value = self.elements.value(number)
            if value.ndim == 0:
                return sympy.Symbol(found.name)
            return sympy.IndexedBase(found.name)[index]
        return self.site_element(found.name, index)

    def site_element(self, site: str, index: tuple) -> sympy.Expr:
        data = self.graph.nodes[site] if site in self.graph else {}
        shape = tuple(data.get("shape", ()))
        if not shape:
            return sympy.Symbol(site)
        batch = len(shape) - len(tuple(data.get("event_shape", ()) or ()))
        axes = _site_axes(self.graph, site, batch) if data else {}
        if len(index) < len(shape) and set(shape[1:1 + len(shape) - len(index)]) == {1}:
            # a scan stacked the body's value, then numpyro gave it unit axes to the batch rank
            index = (index[0],) + (0,) * (len(shape) - len(index)) + tuple(index[1:])
        plate_axes = set(axes.values())
        parts = [index[axes[p]] for p in data.get("plates", ()) if p in axes]
        parts += [i for a, (i, n) in enumerate(zip(index, shape))
                  if a not in plate_axes and n != 1]
        if not parts:
            return sympy.Symbol(site)
        return sympy.IndexedBase(site)[tuple(parts)]

    def expression(self, site: str, out: Output) -> sympy.Expr | None:
        """The parameter's element at the site's plate indices, or None. A vector parameter
        (event rank 1) is written when it is one row of a value (``theta[d]``, ``phi[z[d, i]]``:
        the element's last index is the vector's) or the same number throughout (a symmetric
        Dirichlet's ``0.5``); other event-shaped parameters are None."""
        shape = self.elements.shape(out.ref)
        if out.event_dim > 1 or len(shape) < out.event_dim:
            return None
        data = self.graph.nodes[site]
        if out.param == "value":
            batch = shape
            base_ndim, reinterpreted = len(shape), 0
        else:
            batch, base_ndim, reinterpreted = out.batch_shape, out.base_batch_ndim, \
                out.reinterpreted
        pshape = shape[:len(shape) - out.event_dim]
        if len(pshape) > base_ndim:
            return None
        axes = {a: p for p, a in _site_axes(self.graph, site, len(batch)).items()}
        if 0 in axes and self.graph.graph["plates"][axes[0]]["dim"] is None and (
                len(pshape) != base_ndim or len(batch) != base_ndim):
            return None  # a scan's stacked parameter not aligned with the batch by rank
        index, free = [], []
        for a, n in enumerate(pshape):
            in_base = base_ndim - len(pshape) + a
            in_site = len(batch) - (base_ndim - reinterpreted) + in_base
            plate = axes.get(in_site) if in_base < base_ndim - reinterpreted else None
            if n == 1:
                index.append(0)
            elif plate is not None and plate in self.indices and plate in data["plates"]:
                index.append(self.indices[plate])
            else:
                k = sympy.Idx(sympy.Dummy("free", integer=True), n)
                free.append(k)
                index.append(k)
        event = [sympy.Idx(sympy.Dummy("event", integer=True), n)
                 for n in shape[len(pshape):]]
        try:
            expr = self.elements.element(out.ref, tuple(index + event))
        except Inexpressible:
            return None
        except RecursionError:
            return None  # deeper than Python's stack (a sum over hundreds of sites): unreadable
        if _larger_than(expr, MAX_NODES):
            return None  # exact but unreadable (a neural network): drawn f(…)
        if any(_reads(expr, k) for k in free):
            return None  # varies along an axis that is no plate
        if event and _reads(expr, event[0]):
            expr = _row(expr, event[0])
        return readable(expr) if expr is not None else None


class _Alternatives:
    """A site made after the model's Python decided on a sampled value, written out across every
    way the model can run: when one site with a finite support decided and a run at each of its
    values recorded its computation (``model_alternatives``), a parameter is the expression each
    run gives, a ``Piecewise`` over the decider's values where they differ (``late_rate if
    switch = 0 else early_rate``); None where any run's is None or none was recorded."""

    def __init__(self, graph: nx.DiGraph, found: tuple | None) -> None:
        self.graph = graph
        self.decider = found[0] if found else None
        self.runs = found[1] if found else []
        self.builders: dict[int, _Builder] = {}

    def expression(self, site: str, param: str) -> sympy.Expr | None:
        if self.decider is None or self.graph.nodes[site]["kind"] == "deterministic":
            return None  # a deterministic's value is held in the other runs, not computed
        pieces: list[tuple[Any, sympy.Expr]] = []
        for n, (value, computation) in enumerate(self.runs):
            out = next((o for o in computation.outputs if o.site == site and o.param == param),
                       None)
            if out is None:
                continue  # the site's gate is closed at this value
            builder = self.builders.get(n)
            if builder is None:
                builder = self.builders[n] = _Builder(self.graph, open_bodies(computation))
            expr = builder.expression(site, out)
            if expr is None:
                return None
            pieces.append((value, expr))
        if not pieces:
            return None
        return case_split(sympy.Symbol(self.decider), [v for v, _ in self.runs], pieces)


def case_split(decider: sympy.Symbol, support: list, pieces: list[tuple[Any, sympy.Expr]]
               ) -> sympy.Expr:
    """One expression per value of ``decider`` (``support`` all its values) as a ``Piecewise``:
    values with the same expression grouped, a group written ``z ≥ a``, ``z ≤ b`` or ``z = v``
    where that names it exactly within the support, the largest group last (``True``): the
    runs tried every value, so no other value is left for it."""
    groups: dict[sympy.Expr, list] = {}
    for value, expr in pieces:
        groups.setdefault(expr, []).append(value)
    if len(groups) == 1:
        return next(iter(groups))
    ordered = sorted(groups.items(), key=lambda item: len(item[1]))
    values = sorted(support)
    cases = []
    for expr, group in ordered[:-1]:
        group = sorted(group)
        if len(group) == 1:
            cond = sympy.Eq(decider, number(group[0]))
        elif group == [v for v in values if v >= group[0]]:
            cond = sympy.Ge(decider, number(group[0]))
        elif group == [v for v in values if v <= group[-1]]:
            cond = sympy.Le(decider, number(group[-1]))
        else:
            cond = sympy.Or(*(sympy.Eq(decider, number(v)) for v in group))
        cases.append((expr, cond))
    return sympy.Piecewise(*cases, (ordered[-1][0], True))


def _reads(expr: sympy.Expr, k: sympy.Idx) -> bool:
    return k in expr.free_symbols or k.label in expr.free_symbols


def _row(expr: sympy.Expr, k: sympy.Idx) -> sympy.Expr | None:
    """``x[…, k]`` → the row ``x[…]`` (``x`` when nothing is left), if ``k`` is read nowhere
    else (piece by piece in a ``Piecewise``); else None."""
    if isinstance(expr, sympy.Piecewise):
        pieces = [(_row(p.expr, k), p.cond) for p in expr.args]
        if any(e is None or _reads(c, k) for e, c in pieces):
            return None
        return sympy.Piecewise(*pieces)
    if not isinstance(expr, sympy.Indexed) or expr.indices[-1] != k or any(
            _reads(i, k) for i in expr.indices[:-1]):
        return None
    rest = expr.indices[:-1]
    name = str(expr.base.label)
    return sympy.IndexedBase(name)[rest] if rest else sympy.Symbol(name)


MAX_NODES = 400  # an expression longer than this is no help to a reader


def _larger_than(expr: sympy.Expr, limit: int) -> bool:
    for n, _ in enumerate(sympy.preorder_traversal(expr)):
        if n >= limit:
            return True
    return False


def readable(expr: sympy.Expr) -> sympy.Expr:
    """As a person writes it: powers of exponentials and sums of logs combined only where that
    is an identity; nothing is rounded."""
    try:
        return sympy.powsimp(expr)
    except (TypeError, ValueError):
        return expr


_NO_PARAMS = ("deterministic", "param")
# each graph's specification, written once: the figure's labels, the gallery's card and the
# user may all ask for it (kept as long as the graph is, as model_call keeps its model)
_SPECS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def model_spec(graph: nx.DiGraph) -> ModelSpec:
    """The model of a graph ``model_graph`` made, written out with exact expressions; written
    once per graph (a second call returns the same ``ModelSpec``).

    >>> spec = model_spec(model_graph(eight_schools, J, sigma, y=y))
    >>> spec["obs"].params
    {'loc': theta[J], 'scale': sigma[J]}
    """
    found = _SPECS.get(graph)
    if found is None:
        found = _SPECS[graph] = _written_out(graph)
    return found


def _written_out(graph: nx.DiGraph) -> ModelSpec:
    """``model_spec``'s work: the recorded computation rewritten as SymPy, site by site."""
    call = model_call(graph)
    name = graph.graph.get("name")
    if call is None:
        raise ModelError(
            f"model '{name}': model_spec needs the graph model_graph made (a graph read from "
            "JSON, copied or collapsed does not know its model); call "
            "plategraph.model_spec(plategraph.model_graph(model, *args, **kwargs))",
            model=name,
        )
    computation = model_computation(graph)
    if computation is not None:
        computation = open_bodies(computation)
    builder = _Builder(graph, computation) if computation is not None else None
    across = _Alternatives(graph, model_alternatives(graph))
    outputs: dict[str, list[Output]] = {}
    for out in computation.outputs if computation is not None else ():
        outputs.setdefault(out.site, []).append(out)
    sites = {}
    for site, data in graph.nodes(data=True):
        indices = tuple(builder.indices[p] if builder else plate_index(
            p, graph.graph["plates"][p]["size"] or 0) for p in data["plates"]
            if (builder is None or p in builder.indices))
        params: dict[str, sympy.Expr | None] = {}
        value = None
        seen: set[str] = set()
        for out in outputs.get(site, ()):
            if out.param in seen:  # a site in a loop: its first record
                continue
            seen.add(out.param)
            decided = computation is not None and computation.before_decision is not None \
                and site not in computation.before_decision  # made after a Python decision
            expr = across.expression(site, out.param) if decided else \
                builder.expression(site, out) if builder else None
            if out.param == "value":
                value = expr
            elif data["kind"] not in _NO_PARAMS:
                params[out.param] = expr
        if data["kind"] not in _NO_PARAMS and site not in outputs:
            # a site the recorded run did not make (another run's branch): written from the
            # runs that made it where every way the model runs was recorded, else named
            params = {name: across.expression(site, name)
                      for name, _ in data.get("dist_args", ())}
        sites[site] = SiteSpec(site, data["kind"], data.get("distribution"), indices, params,
                               value)
    return ModelSpec(graph, sites)


def evaluate(expr: sympy.Expr, values: Mapping[str, Any], at: Mapping[sympy.Symbol, int]
             ) -> float:
    """``expr`` at one element: plate indices by ``at``, names by ``values`` (arrays indexed as
    the expression indexes them). What the exactness tests compare with the traced values."""
    def value_of(base: str, idx: tuple) -> Any:
        return np.asarray(values[base])[tuple(int(i) for i in idx)]

    def walk(e: sympy.Expr) -> sympy.Expr:
        if isinstance(e, sympy.Indexed):
            idx = tuple(walk(i) for i in e.indices)
            return sympy.sympify(float(value_of(str(e.base.label), idx)))
        if isinstance(e, sympy.Idx):
            return sympy.Integer(at[e.label]) if e.label in at else e
        if isinstance(e, sympy.Symbol):
            if e in at:
                return sympy.Integer(at[e])
            if e.name in values:
                return sympy.sympify(float(np.asarray(values[e.name])))
            return e
        if isinstance(e, sympy.Sum):
            term, (k, lo, hi) = e.function, e.limits[0]
            lo, hi = walk(lo), walk(hi)  # a cumulative sum runs to the element's index
            total = sympy.Integer(0)
            for v in range(int(lo), int(hi) + 1):
                inner = sympy.Sum(term, *e.limits[1:]) if len(e.limits) > 1 else term
                total += walk(inner.subs(k, v))
            return total
        if e.args:
            return e.func(*[walk(a) for a in e.args])
        return e

    return float(sympy.N(walk(expr)))
