"""Pure: the numbers and named functions of an expression, as a reader writes them.

A constant is exact: an integer as itself, a float by its shortest repr (a float32 ``0.1`` is
``0.1``), and a float that *is* a known number in its own precision by that number's name
(``log(10)``, ``sqrt(2)``, π). ``softplus`` is ``log(1 + exp(x))`` by the name models use.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import sympy

__all__ = ["Inexpressible", "number", "softplus"]


class Inexpressible(Exception):
    """A value the rules cannot write exactly."""


class softplus(sympy.Function):  # noqa: N801  (named as a reader writes it)
    """``softplus(x) = log(1 + exp(x))``, written as the model wrote it (``jax.nn.softplus``)."""

    @classmethod
    def eval(cls, x: sympy.Expr) -> sympy.Expr | None:
        if x.is_Number:
            return sympy.log(1 + sympy.exp(x))
        return None

    def _eval_rewrite_as_log(self, x: sympy.Expr, **_: Any) -> sympy.Expr:
        return sympy.log(1 + sympy.exp(x))

    def _latex(self, printer: Any) -> str:
        return r"\operatorname{softplus}\left(" + printer._print(self.args[0]) + r"\right)"


def _named_constants() -> dict[float, sympy.Expr]:
    """Constants a model computes that a reader knows by name (``log(10)``, ``sqrt(2)``, π),
    by their float32 and float64 values: a constant equal to one of these in its own precision
    *is* that number as the machine holds it, so writing the name is exact."""
    found: dict[float, sympy.Expr] = {}
    named = [sympy.pi, 2 * sympy.pi, sympy.pi / 2, sympy.sqrt(2 * sympy.pi),
             sympy.log(2 * sympy.pi), sympy.log(2 * sympy.pi) / 2, sympy.E]
    for k in range(2, 101):
        named.append(sympy.log(k))
        if int(k ** 0.5) ** 2 != k:
            named += [sympy.sqrt(k), 1 / sympy.sqrt(k)]
    for expr in reversed(named):  # the first written wins
        value = float(expr)
        found[value] = expr
        found[float(np.float32(value))] = expr
    return found


_NAMED: dict[float, sympy.Expr] = {}


def number(value: Any) -> sympy.Expr:
    """A concrete scalar as SymPy writes it: integers exact, floats by their shortest repr
    (a float32 ``0.1`` is ``0.1``), booleans as ``true``/``false``."""
    value = np.asarray(value).item() if hasattr(value, "dtype") else value
    if isinstance(value, (bool, np.bool_)):
        return sympy.true if value else sympy.false
    if isinstance(value, (int, np.integer)):
        return sympy.Integer(int(value))
    if isinstance(value, float) and value.is_integer():
        return sympy.Integer(int(value))
    if isinstance(value, float):
        if not np.isfinite(value):
            raise Inexpressible(f"constant {value}")
        if not _NAMED:
            _NAMED.update(_named_constants())
        if value in _NAMED:
            return _NAMED[value]
        return sympy.Float(str(np.float32(value)) if float(np.float32(value)) == value
                           else repr(value))
    raise Inexpressible(f"constant {value!r}")
