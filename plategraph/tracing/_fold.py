"""NumPy rules for common JAX primitives on concrete values, so that tracing compiles nothing.

JAX evaluates a primitive eagerly by compiling it with XLA, once per primitive, shape and dtype:
tens of milliseconds each, which a fresh process pays for every operation a model applies to its
data (plate indices, index normalisation, basis functions). These rules compute the same values
with NumPy instead. A rule returns ``None`` where it does not apply (the caller then lets JAX
evaluate); the caller casts each result to the dtype JAX's own shape rule gives and checks its
shape, so a rule can only ever be slower, never change a type.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["RULES"]


def _div(x: np.ndarray, y: np.ndarray, **_: Any) -> np.ndarray | None:
    if np.issubdtype(x.dtype, np.integer):
        if np.any(y == 0):
            return None  # XLA's result differs from NumPy's here
        q = np.floor_divide(x, y)  # lax.div rounds toward zero
        return np.where((np.sign(x) != np.sign(y)) & (np.remainder(x, y) != 0), q + 1, q)
    return np.divide(x, y)


def _rem(x: np.ndarray, y: np.ndarray, **_: Any) -> np.ndarray | None:
    if np.issubdtype(x.dtype, np.integer):
        return None if np.any(y == 0) else np.fmod(x, y)
    return np.fmod(x, y)


def _broadcast_in_dim(x: np.ndarray, *, shape: tuple, broadcast_dimensions: tuple,
                      **_: Any) -> np.ndarray:
    in_shape = [1] * len(shape)
    for i, dim in enumerate(broadcast_dimensions):
        in_shape[dim] = x.shape[i]
    return np.broadcast_to(np.reshape(x, in_shape), shape)


def _iota(*, dtype: Any, shape: tuple, dimension: int, **_: Any) -> np.ndarray:
    view = [1] * len(shape)
    view[dimension] = shape[dimension]
    return np.broadcast_to(np.arange(shape[dimension], dtype=dtype).reshape(view), shape)


def _select_n(which: np.ndarray, *cases: np.ndarray) -> np.ndarray:
    if which.dtype == bool:
        return np.where(which, cases[1], cases[0]) if len(cases) == 2 else cases[0]
    return np.choose(which, np.broadcast_arrays(*cases))


def _slice(x: np.ndarray, *, start_indices: tuple, limit_indices: tuple, strides: Any,
           **_: Any) -> np.ndarray:
    strides = strides or (1,) * len(start_indices)
    return x[tuple(slice(a, b, s) for a, b, s in zip(start_indices, limit_indices, strides))]


def _dynamic_slice(x: np.ndarray, *starts: np.ndarray, slice_sizes: tuple,
                   **_: Any) -> np.ndarray | None:
    if len(starts) != x.ndim:
        return None
    index = []
    for start, size, dim in zip(starts, slice_sizes, x.shape):
        s = int(np.clip(int(start), 0, dim - size))  # XLA clamps, as lax documents
        index.append(slice(s, s + size))
    return x[tuple(index)]


def _dynamic_update_slice(x: np.ndarray, update: np.ndarray, *starts: np.ndarray,
                          **_: Any) -> np.ndarray | None:
    if len(starts) != x.ndim:
        return None
    out = np.array(x, copy=True)
    index = []
    for start, size, dim in zip(starts, update.shape, x.shape):
        s = int(np.clip(int(start), 0, dim - size))
        index.append(slice(s, s + size))
    out[tuple(index)] = update
    return out


def _pad(x: np.ndarray, value: np.ndarray, *, padding_config: tuple,
         **_: Any) -> np.ndarray | None:
    if any(lo < 0 or hi < 0 or interior for lo, hi, interior in padding_config):
        return None
    return np.pad(x, [(lo, hi) for lo, hi, _ in padding_config], constant_values=value)


def _dot_general(x: np.ndarray, y: np.ndarray, *, dimension_numbers: tuple,
                 **_: Any) -> np.ndarray | None:
    (x_contract, y_contract), (x_batch, y_batch) = dimension_numbers
    if x_batch or y_batch:
        return None
    return np.tensordot(x, y, axes=(tuple(x_contract), tuple(y_contract)))


def _reduce(fn: Callable) -> Callable:
    def rule(x: np.ndarray, *, axes: tuple, **_: Any) -> np.ndarray:
        return fn(x, axis=tuple(axes))

    return rule


def _unary(fn: Callable) -> Callable:
    return lambda x, **_: fn(x)


def _binary(fn: Callable) -> Callable:
    return lambda x, y, **_: fn(x, y)


RULES: dict[str, Callable[..., np.ndarray | None]] = {
    "convert_element_type": lambda x, *, new_dtype, **_: np.asarray(x).astype(new_dtype),
    "add": _binary(np.add),
    "sub": _binary(np.subtract),
    "mul": _binary(np.multiply),
    "div": _div,
    "rem": _rem,
    "max": _binary(np.maximum),
    "min": _binary(np.minimum),
    "pow": _binary(np.power),
    "atan2": _binary(np.arctan2),
    "and": _binary(np.bitwise_and),
    "or": _binary(np.bitwise_or),
    "xor": _binary(np.bitwise_xor),
    "not": _unary(np.invert),
    "eq": _binary(np.equal),
    "ne": _binary(np.not_equal),
    "lt": _binary(np.less),
    "le": _binary(np.less_equal),
    "gt": _binary(np.greater),
    "ge": _binary(np.greater_equal),
    "neg": _unary(np.negative),
    "abs": _unary(np.abs),
    "sign": _unary(np.sign),
    "floor": _unary(np.floor),
    "ceil": _unary(np.ceil),
    "is_finite": _unary(np.isfinite),
    "exp": _unary(np.exp),
    "exp2": _unary(np.exp2),
    "log": _unary(np.log),
    "log1p": _unary(np.log1p),
    "expm1": _unary(np.expm1),
    "sqrt": _unary(np.sqrt),
    "rsqrt": _unary(lambda x: 1 / np.sqrt(x)),
    "square": _unary(np.square),
    "sin": _unary(np.sin),
    "cos": _unary(np.cos),
    "tan": _unary(np.tan),
    "tanh": _unary(np.tanh),
    "logistic": _unary(lambda x: 1 / (1 + np.exp(-x))),
    "integer_pow": lambda x, *, y, **_: np.power(x, y),
    "broadcast_in_dim": _broadcast_in_dim,
    "reshape": lambda x, *, new_sizes, dimensions=None, **_: (
        np.reshape(x, new_sizes) if dimensions is None else None),
    "squeeze": lambda x, *, dimensions, **_: np.squeeze(x, axis=tuple(dimensions)),
    "expand_dims": lambda x, *, dimensions, **_: np.expand_dims(x, tuple(dimensions)),
    "transpose": lambda x, *, permutation, **_: np.transpose(x, permutation),
    "rev": lambda x, *, dimensions, **_: np.flip(x, tuple(dimensions)),
    "iota": _iota,
    "select_n": _select_n,
    "slice": _slice,
    "dynamic_slice": _dynamic_slice,
    "dynamic_update_slice": _dynamic_update_slice,
    "concatenate": lambda *xs, dimension, **_: np.concatenate(xs, axis=dimension),
    "stack": lambda *xs, axis, **_: np.stack(xs, axis=axis),
    "tile": lambda x, *, reps, **_: np.tile(x, reps),
    "pad": _pad,
    "dot_general": _dot_general,
    "reduce_sum": _reduce(np.sum),
    "reduce_prod": _reduce(np.prod),
    "reduce_max": _reduce(np.max),
    "reduce_min": _reduce(np.min),
    "reduce_and": _reduce(np.all),
    "reduce_or": _reduce(np.any),
    "copy": _unary(np.array),
    "copy_p": _unary(np.array),
}
