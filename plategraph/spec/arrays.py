"""Pure: the rules that move elements about — NumPy's basic indexing, tiling, cumulative sums —
and constant ranges read at a variable position (``jnp.arange(n)[i]`` is ``i``). Mixed into
``expressions.Elements``; each rule writes one element exactly or raises ``Inexpressible``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import sympy

from .numbers import Inexpressible

__all__ = ["ArrayRules", "affine"]


class ArrayRules:
    """``rule_<primitive>`` for ``static_take``, ``tile`` and ``cumsum`` (a mixin of
    ``Elements``)."""

    dummies: Any  # Elements': a counter naming dummy indices
    element: Callable[[Any, Any], sympy.Expr]  # Elements': one element of a variable
    shape: Callable[[Any], tuple[int, ...]]  # Elements': a variable's shape

    def rule_static_take(self, params: dict, ins: tuple, index: tuple) -> sympy.Expr:
        """NumPy's basic indexing (``x[:, None]``, ``x[2:]``, ``x[0]``) by its ints, slices,
        ``None`` and ``...``; any other index is None."""
        key = params["index"] if isinstance(params["index"], tuple) else (params["index"],)
        shape = self.shape(ins[0])
        if any(k is not None and k is not Ellipsis and not isinstance(k, (int, np.integer, slice))
               or isinstance(k, bool) for k in key) or sum(k is Ellipsis for k in key) > 1:
            raise Inexpressible("indexing by an array or a mask")
        taking = sum(k is not None and k is not Ellipsis for k in key)
        rest = (slice(None),) * (len(shape) - taking)
        at = key.index(Ellipsis) if Ellipsis in key else len(key)
        key = key[:at] + rest + key[at + 1:]
        out, operand = iter(index), []
        for k in key:
            if k is None:
                next(out)
                continue
            n = shape[len(operand)]
            if isinstance(k, slice):
                start, _, step = k.indices(n)
                operand.append(start + step * next(out))
            else:
                operand.append(int(k) + n if int(k) < 0 else int(k))
        return self.element(ins[0], tuple(operand))

    def rule_tile(self, params: dict, ins: tuple, index: tuple) -> sympy.Expr:
        shape = self.shape(ins[0])
        lead = len(index) - len(shape)  # reps longer than the operand's rank add leading axes
        return self.element(ins[0], tuple(sympy.Mod(i, n) if n > 1 else 0
                                          for i, n in zip(index[lead:], shape)))

    def rule_cumsum(self, params: dict, ins: tuple, index: tuple) -> sympy.Expr:
        """Element ``t`` of a cumulative sum: the operand summed over ``k = 0 … t`` (``t … n−1``
        reversed), ``k`` a dummy index running along the axis."""
        axis, n = params["axis"], self.shape(ins[0])[params["axis"]]
        at = index[axis]
        k = sympy.Idx(sympy.Dummy(f"k{next(self.dummies)}", integer=True), n)
        term = self.element(ins[0], index[:axis] + (k,) + index[axis + 1:])
        lo, hi = (at, n - 1) if params.get("reverse") else (0, at)
        if at.is_Integer:
            return sympy.Add(*(self.element(ins[0], index[:axis] + (v,) + index[axis + 1:])
                               for v in range(int(lo), int(hi) + 1)))
        k = sympy.Idx(sympy.Dummy(f"k{next(self.dummies)}", integer=True), n)
        term = self.element(ins[0], index[:axis] + (k,) + index[axis + 1:])
        if not _reads(term, k):
            return term * (hi - lo + 1)
        return sympy.Sum(term, (k, lo, hi))


def _reads(expr: sympy.Expr, k: sympy.Idx) -> bool:
    return k in expr.free_symbols or k.label in expr.free_symbols


def affine(value: np.ndarray, index: tuple) -> sympy.Expr:
    """A constant array read at variable positions, when it is an exact affine function of
    them (``jnp.arange(n)[i]`` is ``i``): each variable position an ``Idx`` within the axis."""
    fixed = tuple(int(i) if i.is_Integer else slice(None) for i in index)
    free = [i for i in index if not i.is_Integer]
    if any(not isinstance(i, sympy.Idx) or i.lower is None or i.upper is None
           or not 0 <= int(i.lower) <= int(i.upper) < n
           for i, n in zip(index, value.shape) if not i.is_Integer):
        raise Inexpressible("a constant array indexed by a variable")
    part = value[fixed]
    if part.dtype.kind not in "iuf":  # a mask (bool) is read by the comparison that made it
        raise Inexpressible("a constant array indexed by a variable")
    if not np.all(np.isfinite(part)) or not np.array_equal(part, np.round(part)):
        raise Inexpressible("a constant array indexed by a variable")
    whole = part.astype(np.int64)  # integers only: the affine form is then exact arithmetic
    origin = whole[(0,) * whole.ndim]
    steps = [int(whole[tuple(1 if a == d else 0 for a in range(whole.ndim))] - origin)
             if whole.shape[d] > 1 else 0 for d in range(whole.ndim)]
    rebuilt = origin + sum(s * g for s, g in zip(steps, np.indices(whole.shape)))
    if not np.array_equal(rebuilt, whole):
        raise Inexpressible("a constant array indexed by a variable")
    return sympy.Integer(int(origin)) + sum(
        (sympy.Integer(s) * i for s, i in zip(steps, free)), sympy.Integer(0))
