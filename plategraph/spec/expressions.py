"""Pure: the traced computation's steps → one exact SymPy expression per array element.

Each variable is read lazily, element by element: ``element(var, index)`` is the SymPy expression
of ``var[index]``, where ``index`` holds one SymPy expression per array axis (a plate's ``Idx``,
a dummy summation index, a number). Inputs are the model's values (``IndexedBase(site)[…]``,
``Symbol(site)``, data arguments indexed by their axes); a value computed from data and constants
alone that is the same everywhere is that number (how ``a[county]`` drops NumPy's negative-index
wrap-around: the traced data has no negative index). A primitive without a rule raises
``Inexpressible``: the parameter stays ``None``, never a guess.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import sympy

from ..tracing.computation import Computation, Const, Ref, Shaped
from .arrays import ArrayRules, affine
from .numbers import Inexpressible, number, softplus
from .scans import ScanSteps

__all__ = ["Elements", "Inexpressible"]


_UNARY: dict[str, Callable[[sympy.Expr], sympy.Expr]] = {
    "neg": lambda x: -x,
    "exp": sympy.exp,
    "exp2": lambda x: 2 ** x,
    "log": sympy.log,
    "log1p": lambda x: sympy.log(1 + x),
    "expm1": lambda x: sympy.exp(x) - 1,
    "sqrt": sympy.sqrt,
    "rsqrt": lambda x: 1 / sympy.sqrt(x),
    "cbrt": lambda x: sympy.root(x, 3),
    "abs": sympy.Abs,
    "sign": sympy.sign,
    "tanh": sympy.tanh,
    "sinh": sympy.sinh,
    "cosh": sympy.cosh,
    "sin": sympy.sin,
    "cos": sympy.cos,
    "tan": sympy.tan,
    "asin": sympy.asin,
    "acos": sympy.acos,
    "atan": sympy.atan,
    "asinh": sympy.asinh,
    "acosh": sympy.acosh,
    "atanh": sympy.atanh,
    "logistic": lambda x: 1 / (1 + sympy.exp(-x)),
    "erf": sympy.erf,
    "erfc": sympy.erfc,
    "lgamma": sympy.loggamma,
    "digamma": lambda x: sympy.polygamma(0, x),
    "floor": sympy.floor,
    "ceil": sympy.ceiling,
    "square": lambda x: x ** 2,
    "not": sympy.Not,
    "copy": lambda x: x,
    "copy_p": lambda x: x,
    "real": lambda x: x,
    "stop_gradient": lambda x: x,
    "reduce_precision": lambda x: x,
    "optimization_barrier": lambda x: x,
}

_BINARY: dict[str, Callable[[sympy.Expr, sympy.Expr], sympy.Expr]] = {
    "add": lambda a, b: a + b,
    "add_any": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: a ** b,
    "max": sympy.Max,
    "min": sympy.Min,
    "atan2": sympy.atan2,
    "lt": sympy.Lt,
    "le": sympy.Le,
    "gt": sympy.Gt,
    "ge": sympy.Ge,
    "eq": sympy.Eq,
    "ne": sympy.Ne,
    "and": sympy.And,
    "or": sympy.Or,
}


class Elements(ScanSteps, ArrayRules):
    """``element(ref, index)``: the expression of one element of a computed value.

    ``input_element(number, index)`` writes an input's element, ``site_element(name, index)``
    a site's (one sampled inside a ``scan`` or ``cond`` body, labelled there)."""

    def __init__(self, computation: Computation, input_element: Callable[[int, tuple], Any],
                 site_element: Callable[[str, tuple], Any]) -> None:
        self.computation = computation
        self.input_element = input_element
        self.site_element = site_element  # type: ignore[method-assign]
        self.producer = {out: (step, k) for step in computation.steps
                         for k, out in enumerate(step.outputs)}
        self.inputs = {i.number for i in computation.inputs}
        data = {i.number for i in computation.inputs if i.kind == "argument"}
        # which variables are computed from data and constants alone (their values are known)
        self.known: set[int] = set()
        for step in computation.steps:
            if all(isinstance(r, Const) or r in self.known or r in data for r in step.inputs):
                self.known.update(step.outputs)
        self.cache: dict[tuple[int, tuple], sympy.Expr] = {}
        self.uniform: dict[int, sympy.Expr | None] = {}
        self.dummies = itertools.count()
        self.init_scans(computation)

    def shape(self, ref: Ref) -> tuple[int, ...]:
        value = ref.value if isinstance(ref, Const) else self.computation.values[ref]
        return tuple(np.shape(value))

    def value(self, ref: Ref) -> np.ndarray:
        value = ref.value if isinstance(ref, Const) else self.computation.values[ref]
        if isinstance(value, Shaped):
            raise Inexpressible("a value computed from sites read as a number")
        return np.asarray(value)

    def kind(self, ref: Ref) -> str:
        """The dtype's kind (``f``, ``i``, ``b``…) of a value."""
        value = ref.value if isinstance(ref, Const) else self.computation.values[ref]
        return np.dtype(value.dtype).kind if hasattr(value, "dtype") else \
            np.asarray(value).dtype.kind

    def known_value(self, ref: Ref) -> np.ndarray | None:
        """The concrete value when it depends on no site (data and constants only)."""
        if isinstance(ref, Const) or (ref in self.known and not isinstance(
                self.computation.values[ref], Shaped)):
            return self.value(ref)
        return None

    def constant(self, ref: Ref) -> sympy.Expr | None:
        """The one number a known value holds in every element, else None."""
        key = id(ref) if isinstance(ref, Const) else ref
        if key in self.uniform and not isinstance(ref, Const):
            return self.uniform[key]
        found = None
        value = self.known_value(ref)
        if value is not None and value.size and value.dtype.kind in "biuf" and (
                value.size == 1 or bool(np.all(value == value.flat[0]))):
            found = number(value.flat[0])
        if not isinstance(ref, Const):
            self.uniform[key] = found
        return found

    def dummy(self, size: int) -> sympy.Idx:
        return sympy.Idx(sympy.Dummy(f"k{next(self.dummies)}", integer=True), size)

    def element(self, ref: Ref, index: Sequence[Any]) -> sympy.Expr:
        index = tuple(sympy.sympify(i) for i in index)
        shape = self.shape(ref)
        if len(index) != len(shape):
            raise AssertionError(f"index {index} for shape {shape}")
        index = tuple(sympy.Integer(0) if n == 1 else i for i, n in zip(index, shape))
        if isinstance(ref, Const):
            value = self.value(ref)
            if all(i.is_Integer for i in index):
                return number(value[tuple(int(i) for i in index)])
            found = self.constant(ref)
            if found is None:
                return affine(value, index)
            return found
        key = self.cache_key(ref, index)
        hit = self.cache.get(key)
        if hit is not None:
            return hit
        if ref in self.inputs:
            out = self.input_element(ref, index)
        elif ref in self.placeholders:
            out = self.body_input(ref, index)
        else:
            found = self.constant(ref)
            if found is not None:
                out = found
            elif ref in self.known and all(i.is_Integer for i in index) and \
                    self.kind(ref) in "biu" and self.known_value(ref) is not None:
                out = number(self.value(ref)[tuple(int(i) for i in index)])
            else:
                step, k = self.producer[ref]
                out = self.rule(step, k, index)
        self.cache[key] = out
        return out

    # -- rules, one per primitive --------------------------------------------------------------

    def rule(self, step: Any, k: int, index: tuple) -> sympy.Expr:
        name, params, ins = step.primitive, step.params, step.inputs
        if name == "scan":
            return self.rule_scan(step, k, index)
        if name == "plategraph_site":
            return self.site_label(step, index)
        if name in _UNARY:
            return _UNARY[name](self.element(ins[0], self.same(ins[0], index)))
        if name in _BINARY:
            a, b = (self.element(r, self.same(r, index)) for r in ins)
            if name in ("lt", "ge") and b == 0 and self.nonnegative(a):
                return sympy.false if name == "lt" else sympy.true  # NumPy's index wrap-around
            if name in ("eq", "ne", "lt", "le", "gt", "ge") and a == b:
                raise Inexpressible("a value compared with itself (a NaN test)")
            return _BINARY[name](a, b)
        method = getattr(self, "rule_" + name, None)
        if method is None:
            raise Inexpressible(f"primitive {name}")
        return method(params, ins, index)

    def nonnegative(self, e: sympy.Expr) -> bool:
        """Whether ``e`` is a value of a site whose support holds no negative number."""
        if isinstance(e, sympy.Piecewise):  # a carry: the initial value or the site's
            return all(self.nonnegative(p.expr) for p in e.args)
        if e.is_Integer:
            return e >= 0
        name = (str(e.base.label) if isinstance(e, sympy.Indexed)
                else e.name if isinstance(e, sympy.Symbol) else None)
        return name in self.computation.nonnegative

    def same(self, ref: Ref, index: tuple) -> tuple:
        """An elementwise operand's index (a rank-0 operand is broadcast)."""
        return index if self.shape(ref) else ()

    def rule_softplus(self, params: dict, ins: tuple, index: tuple) -> sympy.Expr:
        return softplus(self.element(ins[0], self.same(ins[0], index)))

    def rule_integer_pow(self, params: dict, ins: tuple, index: tuple) -> sympy.Expr:
        return self.element(ins[0], index) ** params["y"]

    def rule_clamp(self, params: dict, ins: tuple, index: tuple) -> sympy.Expr:
        lo, x, hi = (self.element(r, self.same(r, index)) for r in ins)
        return sympy.Min(sympy.Max(x, lo), hi)

    def rule_select_n(self, params: dict, ins: tuple, index: tuple) -> sympy.Expr:
        which = self.element(ins[0], self.same(ins[0], index))
        if isinstance(which, sympy.Piecewise) and len(which.args) == 2 and \
                which.args[0].expr == 1 and which.args[1] == (0, True):
            which = which.args[0].cond  # a predicate made a number (``cond``'s index)
        if which in (sympy.true, sympy.false):
            return self.element(ins[1 + int(bool(which))], index)
        if which.is_Integer:
            if not 0 <= int(which) < len(ins) - 1:
                raise Inexpressible("a branch index out of range (clamped)")
            return self.element(ins[1 + int(which)], index)
        cases = [self.element(r, index) for r in ins[1:]]
        if len(cases) != 2:
            raise Inexpressible("select_n of more than two cases by a variable")
        if not isinstance(which, sympy.logic.boolalg.Boolean):
            which = sympy.Ne(which, 0)
        return sympy.Piecewise((cases[1], which), (cases[0], True))

    def rule_convert_element_type(self, params: dict, ins: tuple, index: tuple) -> sympy.Expr:
        x = self.element(ins[0], index)
        old = self.kind(ins[0])
        new = np.dtype(params["new_dtype"]).kind
        if new == "b":
            return x if old == "b" else sympy.Ne(x, 0)
        if old == "b":
            if x in (sympy.true, sympy.false):
                return sympy.Integer(int(bool(x)))
            return sympy.Piecewise((1, x), (0, True))
        if old in "iu" or new in "fc" or old == new:
            return x
        if x.is_integer:  # a float holding an integer (a count site): truncation changes nothing
            return x
        raise Inexpressible("float to integer conversion")

    def rule_broadcast_in_dim(self, params: dict, ins: tuple, index: tuple) -> sympy.Expr:
        return self.element(ins[0], tuple(index[d] for d in params["broadcast_dimensions"]))

    def rule_squeeze(self, params: dict, ins: tuple, index: tuple) -> sympy.Expr:
        shape = self.shape(ins[0])
        dropped = {d % len(shape) for d in params["dimensions"]}
        rest = iter(index)
        return self.element(ins[0], tuple(0 if d in dropped else next(rest)
                                          for d in range(len(shape))))

    def rule_expand_dims(self, params: dict, ins: tuple, index: tuple) -> sympy.Expr:
        added = set(params["dimensions"])
        return self.element(ins[0], tuple(i for d, i in enumerate(index) if d not in added))

    def rule_reshape(self, params: dict, ins: tuple, index: tuple) -> sympy.Expr:
        old, new = self.shape(ins[0]), tuple(params["new_sizes"])
        if [n for n in old if n != 1] == [n for n in new if n != 1]:  # only unit axes change
            moving = iter(i for i, n in zip(index, new) if n != 1)
            return self.element(ins[0], tuple(0 if n == 1 else next(moving) for n in old))
        if all(i.is_Integer for i in index):
            flat = int(np.ravel_multi_index(tuple(int(i) for i in index), new))
            return self.element(ins[0], np.unravel_index(flat, old))
        raise Inexpressible("reshape that regroups a variable axis")

    def rule_transpose(self, params: dict, ins: tuple, index: tuple) -> sympy.Expr:
        perm = params["permutation"]
        operand = [None] * len(perm)
        for out_axis, in_axis in enumerate(perm):
            operand[in_axis] = index[out_axis]
        return self.element(ins[0], tuple(operand))

    def rule_slice(self, params: dict, ins: tuple, index: tuple) -> sympy.Expr:
        strides = params.get("strides") or (1,) * len(index)
        return self.element(ins[0], tuple(s + i * t for s, i, t in
                                          zip(params["start_indices"], index, strides)))

    def rule_rev(self, params: dict, ins: tuple, index: tuple) -> sympy.Expr:
        shape = self.shape(ins[0])
        return self.element(ins[0], tuple(shape[d] - 1 - i if d in params["dimensions"] else i
                                          for d, i in enumerate(index)))

    def rule_iota(self, params: dict, ins: tuple, index: tuple) -> sympy.Expr:
        return index[params["dimension"]]

    def rule_concatenate(self, params: dict, ins: tuple, index: tuple) -> sympy.Expr:
        axis = params["dimension"]
        at = index[axis]
        if not at.is_Integer:
            raise Inexpressible("concatenation read at a variable position")
        at = int(at)
        for r in ins:
            n = self.shape(r)[axis]
            if at < n:
                return self.element(r, index[:axis] + (at,) + index[axis + 1:])
            at -= n
        raise AssertionError("index past the concatenation")

    def rule_dynamic_slice(self, params: dict, ins: tuple, index: tuple) -> sympy.Expr:
        operand, starts = ins[0], ins[1:]
        shape, sizes = self.shape(operand), params["slice_sizes"]
        out = []
        for d, (start, i) in enumerate(zip(starts, index)):
            known = self.known_value(start)
            if known is None:  # a discrete site as the index: in its support, never clamped
                s = self.element(start, ())
                if not self.nonnegative(s):
                    raise Inexpressible("dynamic slice at a position computed from sites")
                out.append(s + i)
                continue
            s = min(max(int(known), 0), shape[d] - sizes[d])  # XLA clamps the start
            out.append(s + i)
        return self.element(operand, tuple(out))

    def rule_gather(self, params: dict, ins: tuple, index: tuple) -> sympy.Expr:
        dn, sizes = params["dimension_numbers"], params["slice_sizes"]
        if dn.operand_batching_dims:
            raise Inexpressible("batched gather")
        operand, indices = ins
        shape, ishape = self.shape(operand), self.shape(indices)
        known = self.known_value(indices)
        if known is not None:  # data indices: XLA clamps them; the traced ones must need none
            starts = np.moveaxis(known, -1, 0).reshape(len(dn.start_index_map), -1)
            for d, s in zip(dn.start_index_map, starts):
                if s.size and (s.min() < 0 or s.max() > shape[d] - sizes[d]):
                    raise Inexpressible("gather that clamps an index")
        batch = [i for d, i in enumerate(index) if d not in dn.offset_dims]
        offsets = iter(index[d] for d in dn.offset_dims)
        start = {d: self.element(indices, (*batch, pos)) for pos, d in
                 enumerate(dn.start_index_map)}
        if len(ishape) != len(batch) + 1:
            raise Inexpressible("gather with its index vector not last")
        operand_index = []
        for d in range(len(shape)):
            offset = 0 if d in dn.collapsed_slice_dims else next(offsets)
            operand_index.append(start.get(d, 0) + offset)
        return self.element(operand, tuple(operand_index))

    def rule_dot_general(self, params: dict, ins: tuple, index: tuple) -> sympy.Expr:
        (lc, rc), (lb, rb) = params["dimension_numbers"]
        lhs, rhs = ins
        lshape, rshape = self.shape(lhs), self.shape(rhs)
        lfree = [d for d in range(len(lshape)) if d not in lc and d not in lb]
        rfree = [d for d in range(len(rshape)) if d not in rc and d not in rb]
        it = iter(index)
        li: list[Any] = [None] * len(lshape)
        ri: list[Any] = [None] * len(rshape)
        for a, b in zip(lb, rb):
            li[a] = ri[b] = next(it)
        for d in lfree:
            li[d] = next(it)
        for d in rfree:
            ri[d] = next(it)
        limits = []
        for a, b in zip(lc, rc):
            k = self.dummy(lshape[a])
            li[a] = ri[b] = k
            limits.append(k)
        term = self.element(lhs, tuple(li)) * self.element(rhs, tuple(ri))
        return self.summed(term, limits)

    def rule_reduce_sum(self, params: dict, ins: tuple, index: tuple) -> sympy.Expr:
        shape = self.shape(ins[0])
        it = iter(index)
        operand, limits = [], []
        for d in range(len(shape)):
            if d in params["axes"]:
                k = self.dummy(shape[d])
                operand.append(k)
                limits.append(k)
            else:
                operand.append(next(it))
        return self.summed(self.element(ins[0], tuple(operand)), limits)

    def summed(self, term: sympy.Expr, limits: list) -> sympy.Expr:
        """``term`` summed over each dummy index: a sum over one element is that element."""
        for k in limits:
            size = int(k.upper) + 1
            if size == 1:
                term = term.subs(k, 0)
            elif k in term.free_symbols or k.label in term.free_symbols:
                term = sympy.Sum(term, (k, 0, size - 1))
            else:
                term = term * size
        return term

