"""The only module that touches JAX's private tracing API: values carrying the sites they came from.

A ``ProvenanceTrace`` runs the model on concrete values, one primitive at a time, like JAX's own
eager evaluation; each value derived from a site is a ``ProvenanceTracer`` holding the concrete
value and the frozenset of site names it depends on. Python conversions (``bool``, ``int``,
``.item()``, …) return the concrete value and log a control decision. Higher-order primitives
(``jit``, ``scan``, ``while``, ``cond``, custom derivatives) get per-output rules from a
dependency analysis of their inner jaxprs, in which the sites sampled inside a traced body are
marked by the identity primitive ``site_label_p`` (see ``label``).
"""

from __future__ import annotations

import contextlib
import gc
import sys
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import jax
import numpy as np

from ..exceptions import UnsupportedJaxError

SUPPORTED_JAX = ((0, 10), (0, 13))  # JAX >=0.10,<0.13: the three latest minor releases


def check_jax_version(version: tuple[int, ...] = jax.__version_info__) -> None:
    """Fail with a clear message on a JAX release whose tracing internals we have not checked."""
    low, high = SUPPORTED_JAX
    if not (low <= tuple(version[:2]) < high):
        found = ".".join(map(str, version))
        newer = (f" (or a plategraph release that supports JAX {found})"
                 if tuple(version[:2]) >= high else "")
        raise UnsupportedJaxError(
            f"plategraph's tracer supports JAX >={low[0]}.{low[1]},<{high[0]}.{high[1]}; "
            f"found JAX {found}. Install a supported version: "
            f"pip install 'jax>={low[0]}.{low[1]},<{high[0]}.{high[1]}'{newer}"
        )


check_jax_version()

import inspect  # noqa: E402

from jax._src import core, dtypes, literals  # noqa: E402  (private API, behind the version check)
from jax._src.interpreters import ad, batching, mlir, pxla  # noqa: E402
from jax._src.lax.control_flow import loops  # noqa: E402

from ._fold import RULES as FOLD_RULES  # noqa: E402

__all__ = [
    "ProvenanceTrace",
    "ProvenanceTracer",
    "concrete",
    "direct_source",
    "is_foreign_tracer",
    "NeedsConcreteValues",
    "Previous",
    "host_evaluate",
    "label",
    "literal_value",
    "plain_evaluation",
    "prng_key",
    "provenance",
    "register_backend_plugins",
    "run_with_provenance",
    "static_take",
    "value_and_type",
]

# ---------------------------------------------------------------------------------------------
# Adapters: what differs between the supported JAX releases, each chosen once, here, by what the
# installed JAX has (never by its version number). Supporting a new release means adding its
# variant of an adapter here (and its test environment, see docs/jax-versions.md).

if getattr(core, "ClosedJaxpr", core.Jaxpr) is not core.Jaxpr:
    # JAX 0.10: a ClosedJaxpr wraps an open Jaxpr and the values of its constvars.
    JAXPR_TYPES: tuple[type, ...] = (core.Jaxpr, core.ClosedJaxpr)

    def open_jaxpr(j: Any) -> Any:
        """The jaxpr of ``j`` whose eqns, invars and outvars the dependency analysis reads."""
        return j.jaxpr if isinstance(j, core.ClosedJaxpr) else j

    def jaxpr_key(j: Any) -> tuple:
        """A hashable key equal for jaxprs that compute the same thing on the same consts."""
        if isinstance(j, core.ClosedJaxpr):
            return ("closed", str(j.jaxpr), tuple(id(c) for c in j.consts))
        return ("open", str(j))

    def closed_parts(j: Any) -> tuple[Any, Sequence[Any]] | None:
        """``(jaxpr, consts)``: the jaxpr read by evaluation and the values of its constvars;
        None for an open jaxpr whose consts are not known."""
        return (j.jaxpr, j.consts) if isinstance(j, core.ClosedJaxpr) else None

else:
    # JAX 0.11 and later: one Jaxpr class carries its consts (``ClosedJaxpr`` is an alias in
    # 0.11, gone in 0.12); its ``invars`` leave out the constvars whose values it carries.
    JAXPR_TYPES = (core.Jaxpr,)

    def open_jaxpr(j: Any) -> Any:
        """The jaxpr of ``j`` whose eqns, invars and outvars the dependency analysis reads."""
        return j

    def jaxpr_key(j: Any) -> tuple:
        """A hashable key equal for jaxprs that compute the same thing on the same consts."""
        return ("jaxpr", str(j), tuple(id(c) for c in j.consts))

    def closed_parts(j: Any) -> tuple[Any, Sequence[Any]] | None:
        """``(jaxpr, consts)``: the jaxpr read by evaluation and the values of its constvars;
        None for an open jaxpr whose consts are not known."""
        return (j, j.consts)


if "ft_in" in inspect.signature(loops._scan_impl).parameters:
    # JAX 0.11 and later: scan's operands are described by a flat tree (consts, carry, xs).
    def scan_counts(params: dict) -> tuple[int, int]:
        """How many of a ``scan``'s operands are consts and how many are carries."""
        consts, carry, _ = params["ft_in"].unpack()
        return len(consts), len(carry)

else:
    # JAX 0.10: scan's params count its consts and carries.
    def scan_counts(params: dict) -> tuple[int, int]:
        """How many of a ``scan``'s operands are consts and how many are carries."""
        return params["num_consts"], params["num_carry"]


class _CallHook:
    """JAX 0.10 hands call primitives (``core.call_p``) to the trace; 0.11 folds them into
    ``eval_jaxpr_p``, a primitive like any other."""

    def process_call(self, primitive: Any, f: Any, tracers: Any, params: dict, /) -> Any:
        with core.set_current_trace(self):
            return f.call_wrapped(*tracers)


class _QddHook:
    """JAX 0.10 asks a trace for the quantity-dependent data of its values (0.11 has none)."""

    def cur_qdd(self, x: Any) -> Any:
        return core.cur_qdd(x.val if isinstance(x, ProvenanceTracer) else x)


TRACE_HOOKS: tuple[type, ...] = (
    *((_CallHook,) if hasattr(core.Trace, "process_call") else ()),
    *((_QddHook,) if hasattr(core, "cur_qdd") else ()),
)

# a value's dependencies: a frozenset of site names (str) and, inside a jaxpr analysis, of input
# positions (int)
EMPTY: frozenset = frozenset()

# ---------------------------------------------------------------------------------------------
# The site label: identity on values, a cut in the dependency analysis.

site_label_p = core.Primitive("plategraph_site")
site_label_p.def_impl(lambda x, *, site: x)
site_label_p.def_abstract_eval(lambda aval, *, site: aval)
mlir.register_lowering(site_label_p, lambda ctx, x, *, site: [x])
batching.primitive_batchers[site_label_p] = lambda args, dims, *, site: (
    site_label_p.bind(args[0], site=site),
    dims[0],
)
ad.primitive_jvps[site_label_p] = lambda primals, tangents, *, site: (
    site_label_p.bind(primals[0], site=site),
    tangents[0],
)


# ---------------------------------------------------------------------------------------------
# Dependency analysis of jaxprs: for each output, the inputs (by position) and site labels it
# depends on. Results are cached per jaxpr object; jaxprs are kept alive by the cache so ids stay
# unique.

_DEPS_CACHE: OrderedDict[int, tuple[Any, list[frozenset]]] = OrderedDict()
_DEPS_CACHE_SIZE = 2048


def _subst(deps: frozenset, env: Sequence[frozenset]) -> frozenset:
    """Replace input positions in ``deps`` by what those inputs depend on; keep site labels."""
    out: set = set()
    for d in deps:
        if type(d) is int:
            out |= env[d]
        else:
            out.add(d)
    return frozenset(out)


def jaxpr_deps(jaxpr: core.Jaxpr) -> list[frozenset]:
    """Per output of ``jaxpr``: the positions of the invars and the site labels it depends on."""
    key = id(jaxpr)
    hit = _DEPS_CACHE.get(key)
    if hit is not None and hit[0] is jaxpr:
        _DEPS_CACHE.move_to_end(key)
        return hit[1]
    env: dict[Any, frozenset] = {v: frozenset((i,)) for i, v in enumerate(jaxpr.invars)}
    for v in jaxpr.constvars:
        env[v] = EMPTY

    def read(atom: Any) -> frozenset:
        return EMPTY if isinstance(atom, core.Literal) else env.get(atom, EMPTY)

    for eqn in jaxpr.eqns:
        outs = eqn_deps(eqn.primitive, [read(a) for a in eqn.invars], eqn.params, len(eqn.outvars))
        for var, deps in zip(eqn.outvars, outs):
            env[var] = deps
    result = [read(v) for v in jaxpr.outvars]
    _DEPS_CACHE[key] = (jaxpr, result)
    if len(_DEPS_CACHE) > _DEPS_CACHE_SIZE:
        _DEPS_CACHE.popitem(last=False)
    return result


def _scan_rule(ins: list[frozenset], params: dict, n_out: int) -> list[frozenset]:
    nc, nk = scan_counts(params)
    body = jaxpr_deps(open_jaxpr(params["jaxpr"]))
    consts, carry, xs = ins[:nc], list(ins[nc : nc + nk]), ins[nc + nk :]
    while True:  # fixpoint: what each carry can depend on after any number of steps
        outs = [_subst(d, consts + carry + xs) for d in body]
        new = [c | o for c, o in zip(carry, outs[:nk])]
        if new == carry:
            return carry + outs[nk:]
        carry = new


def _while_rule(ins: list[frozenset], params: dict, n_out: int) -> list[frozenset]:
    cn, bn = params["cond_nconsts"], params["body_nconsts"]
    cond = jaxpr_deps(open_jaxpr(params["cond_jaxpr"]))[0]
    body = jaxpr_deps(open_jaxpr(params["body_jaxpr"]))
    cconsts, bconsts, carry = ins[:cn], ins[cn : cn + bn], list(ins[cn + bn :])
    while True:  # the predicate decides how often the body runs: it reaches every carry
        pred = _subst(cond, cconsts + carry)
        outs = [_subst(d, bconsts + carry) for d in body]
        new = [c | o | pred for c, o in zip(carry, outs)]
        if new == carry:
            return carry
        carry = new


def _cond_rule(ins: list[frozenset], params: dict, n_out: int) -> list[frozenset]:
    index, ops = ins[0], ins[1:]
    per_branch = [jaxpr_deps(open_jaxpr(b)) for b in params["branches"]]
    outs = []
    for j in range(n_out):
        branch_deps = {deps[j] for deps in per_branch}
        only = next(iter(branch_deps)) if len(branch_deps) == 1 else None
        if only is not None and len(only) == 1 and type(next(iter(only))) is str:
            # every branch returns the same site's value (numpyro's ``cond`` sampling one site
            # in each branch): the output *is* that site, whichever branch ran
            outs.append(only)
            continue
        out = index  # the predicate chose the branch, and every branch counts
        for d in branch_deps:
            out = out | _subst(d, ops)
        outs.append(out)
    return outs


def _label_rule(ins: list[frozenset], params: dict, n_out: int) -> list[frozenset]:
    return [frozenset((params["site"],))]


_RULES: dict[str, Callable[[list[frozenset], dict, int], list[frozenset]]] = {
    "scan": _scan_rule,
    "while": _while_rule,
    "cond": _cond_rule,
    "plategraph_site": _label_rule,
}
_STRUCTURAL = {"scan", "while", "cond"}


def eqn_deps(
    prim: core.Primitive, ins: list[frozenset], params: dict, n_out: int
) -> list[frozenset]:
    """What each output of one primitive application depends on, given its inputs' dependencies."""
    rule = _RULES.get(prim.name)
    if rule is not None:
        return rule(ins, params, n_out)
    for value in params.values():  # call-like primitives (jit, checkpoint, custom_jvp, …)
        inner = open_jaxpr(value) if isinstance(value, JAXPR_TYPES) else None
        if inner is not None and len(inner.invars) == len(ins) and len(inner.outvars) == n_out:
            return [_subst(d, ins) for d in jaxpr_deps(inner)]
    union = EMPTY
    for d in ins:  # (most often one input carries provenance: its set is reused as it is)
        if d and d is not union:
            union = union | d if union else d
    return [union] * n_out


# ---------------------------------------------------------------------------------------------
# Identity analysis: whether a value *is* one site's value (reshaped, broadcast, sliced or indexed
# by data), not something computed from it. ``Normal(h, 1)`` shows ``h``; ``Normal(exp(h), 1)``
# shows ``f(h)``. A "direct" value is ``(source, index_deps)``: the source (an input position or
# a site label) and what the indices used on the way depend on; it stays direct only while no
# index depends on a site (``mu[county]`` is ``mu`` per element, ``mu[z]`` is a function of both).

# one operand passed on as it is, per element; any further operands are indices
IDENTITY_PRIMITIVES = frozenset({
    "reshape", "broadcast_in_dim", "squeeze", "expand_dims", "transpose", "convert_element_type",
    "copy", "copy_p", "slice", "rev", "gather", "dynamic_slice", "device_put", "reduce_precision",
})
_DIRECT_CACHE: OrderedDict[int, tuple[Any, list]] = OrderedDict()


def _direct_of(prim_name: str, ins: list, in_deps: list[frozenset], params: dict,
               n_out: int) -> list:
    """Per output of one primitive application: its direct source, given its inputs'."""
    if prim_name == "plategraph_site":
        return [(params["site"], EMPTY)]
    if prim_name in IDENTITY_PRIMITIVES:
        if not ins or ins[0] is None:
            return [None] * n_out
        source, idx = ins[0]
        return [(source, idx.union(*in_deps[1:]))] + [None] * (n_out - 1)
    if prim_name == "scan":
        return _scan_direct(ins, in_deps, params, n_out)
    if prim_name in _STRUCTURAL:
        return [None] * n_out
    for value in params.values():  # call-like primitives (jit, …)
        inner = open_jaxpr(value) if isinstance(value, JAXPR_TYPES) else None
        if inner is not None and len(inner.invars) == len(ins) and len(inner.outvars) == n_out:
            return [_resolve(d, ins, in_deps) for d in jaxpr_direct(inner)]
    return [None] * n_out


def _resolve(d: Any, ins: list, in_deps: list[frozenset]) -> Any:
    """An inner jaxpr's direct source in terms of the outer inputs (positions substituted)."""
    if d is None:
        return None
    source, idx = d
    idx = _subst(idx, in_deps)
    if type(source) is int:
        outer = ins[source]
        if outer is None:
            return None
        source, idx = outer[0], outer[1] | idx
    return (source, idx)


class Previous(str):
    """A site's value one step earlier: the carry of a scan whose body carries the site on."""

    __slots__ = ()


def _scan_direct(ins: list, in_deps: list[frozenset], params: dict, n_out: int) -> list:
    nc, nk = scan_counts(params)
    body = jaxpr_direct(open_jaxpr(params["jaxpr"]))
    out: list = [None] * nk  # carried state changes from step to step
    for d in body[nk:]:
        if d is None or any(type(i) is int and nc <= i < nc + nk for i in d[1]):
            out.append(None)
        elif type(d[0]) is int and nc <= d[0] < nc + nk:
            # the carry as it came into the step: the site the body carries on, one step back
            # (at the first step the initial carry: h₀ = μ, as the literature writes it)
            carried = body[d[0] - nc]
            site = carried[0] if carried is not None and not carried[1] else None
            out.append((Previous(site), EMPTY) if type(site) is str else None)
        else:  # a const repeated at every step, an ``xs`` slice stacked back, or a body's site
            out.append(_resolve(d, ins, in_deps))
    return out


def jaxpr_direct(jaxpr: core.Jaxpr) -> list:
    """Per output of ``jaxpr``: ``(invar position or site label, index deps)`` when it is that
    input's (or site's) value per element, else None."""
    key = id(jaxpr)
    hit = _DIRECT_CACHE.get(key)
    if hit is not None and hit[0] is jaxpr:
        _DIRECT_CACHE.move_to_end(key)
        return hit[1]
    env: dict[Any, Any] = {v: (i, EMPTY) for i, v in enumerate(jaxpr.invars)}
    deps: dict[Any, frozenset] = {v: frozenset((i,)) for i, v in enumerate(jaxpr.invars)}

    def read(atom: Any) -> Any:
        return None if isinstance(atom, core.Literal) else env.get(atom)

    def read_deps(atom: Any) -> frozenset:
        return EMPTY if isinstance(atom, core.Literal) else deps.get(atom, EMPTY)

    for eqn in jaxpr.eqns:
        in_deps = [read_deps(a) for a in eqn.invars]
        n_out = len(eqn.outvars)
        outs = _direct_of(eqn.primitive.name, [read(a) for a in eqn.invars], in_deps,
                          eqn.params, n_out)
        out_deps = eqn_deps(eqn.primitive, in_deps, eqn.params, n_out)
        for var, d, dd in zip(eqn.outvars, outs, out_deps):
            env[var] = d
            deps[var] = dd
    result = [read(v) for v in jaxpr.outvars]
    _DIRECT_CACHE[key] = (jaxpr, result)
    if len(_DIRECT_CACHE) > _DEPS_CACHE_SIZE:
        _DIRECT_CACHE.popitem(last=False)
    if _DEPS_CACHE.get(key, (None,))[0] is not jaxpr:  # this pass found them too
        _DEPS_CACHE[key] = (jaxpr, [read_deps(v) for v in jaxpr.outvars])
        if len(_DEPS_CACHE) > _DEPS_CACHE_SIZE:
            _DEPS_CACHE.popitem(last=False)
    return result


def _is_direct(d: Any) -> bool:
    """Direct at run time: no index on the way depends on a site (data indices are fine)."""
    return d is not None and not any(type(i) is str for i in d[1])


# ---------------------------------------------------------------------------------------------
# Concrete evaluation of control-flow primitives, compiled once per structure. ``lax.scan`` and
# friends build a new jaxpr object on every call of a model (numpyro wraps the body in a fresh
# closure), so JAX's own cache, keyed by identity, recompiles each time.

_COMPILED: OrderedDict[tuple, Callable] = OrderedDict()
_COMPILED_SIZE = 512


def _param_key(value: Any) -> Any:
    if isinstance(value, JAXPR_TYPES):
        return jaxpr_key(value)
    if isinstance(value, tuple):
        return tuple(_param_key(v) for v in value)
    return value


def _eval_structural(prim: core.Primitive, vals: list, params: dict) -> Any:
    key = (prim.name, tuple((k, _param_key(v)) for k, v in sorted(params.items())))
    try:
        fn = _COMPILED.get(key)
    except TypeError:  # an unhashable parameter: let JAX evaluate it as usual
        return prim.bind(*vals, **params)
    if fn is None:
        fn = jax.jit(lambda *args: prim.bind(*args, **params))
        # keep the params (and so the consts whose ids are in the key) alive with the entry
        _COMPILED[key] = fn
        fn.__plategraph_params__ = params  # type: ignore[attr-defined]
        if len(_COMPILED) > _COMPILED_SIZE:
            _COMPILED.popitem(last=False)
    return fn(*vals)


# ---------------------------------------------------------------------------------------------
# Concrete evaluation without compiling: NumPy rules (``_fold``) for primitives whose inputs are
# all concrete, and for ``jit`` calls (the bodies of ``jax.numpy`` functions) made only of such
# primitives. The results are JAX arrays of the type JAX gives (dtype and weak type).

_FOLDABLE: dict[int, tuple[Any, bool]] = {}
_CALLS = {"jit": "jaxpr", "custom_jvp_call": "call_jaxpr"}


def _foldable(jaxpr: core.Jaxpr) -> bool:
    hit = _FOLDABLE.get(id(jaxpr))
    if hit is not None and hit[0] is jaxpr:
        return hit[1]
    ok = all(
        _foldable(open_jaxpr(eqn.params[_CALLS[eqn.primitive.name]]))
        if eqn.primitive.name in _CALLS else eqn.primitive.name in FOLD_RULES
        for eqn in jaxpr.eqns
    )
    _FOLDABLE[id(jaxpr)] = (jaxpr, ok)  # the jaxpr is kept alive, so its id stays unique
    return ok


def _host_value(x: Any, aval: Any) -> np.ndarray | None:
    if not isinstance(aval, core.ShapedArray) or not isinstance(aval.dtype, np.dtype):
        return None  # PRNG keys and other extended types
    return np.asarray(x, dtype=aval.dtype)


def _fold_rule(name: str, ins: list, params: dict, out_avals: Sequence[Any]) -> list | None:
    rule = FOLD_RULES.get(name)
    if rule is None or any(x is None for x in ins):
        return None
    try:
        with np.errstate(all="ignore"):
            out = rule(*ins, **params)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if out is None or len(out_avals) != 1:
        return None
    out = np.asarray(out)
    aval = out_avals[0]
    if out.shape != aval.shape or not isinstance(aval.dtype, np.dtype):
        return None
    return [out.astype(aval.dtype, copy=False)]


def host_evaluate(eqn: Any, ins: Sequence[Any]) -> list | None:
    """The outputs of one jaxpr equation on concrete inputs by the NumPy rules (no XLA
    program compiled), or None where no rule applies."""
    values = [x if isinstance(x, np.ndarray) else None for x in ins]
    return _fold_rule(eqn.primitive.name, values, eqn.params, [v.aval for v in eqn.outvars])


def _fold_jaxpr(closed: Any, ins: list, *, partial: bool = False) -> list | None:
    """The outputs of ``closed`` on host values ``ins``. ``partial``: an input may be ``None``
    (unknown), and so is every output that depends on one (or that no rule computes)."""
    parts = closed_parts(closed)
    if parts is None:
        return None
    jaxpr, consts = parts
    env: dict[Any, Any] = {}
    for var, c in zip(jaxpr.constvars, consts):
        env[var] = _host_value(c, var.aval)
    for var, x in zip(jaxpr.invars, ins):
        env[var] = x

    def read(atom: Any) -> Any:
        if isinstance(atom, core.Literal):
            return _host_value(atom.val, atom.aval)
        return env[atom]

    for eqn in jaxpr.eqns:
        args = [read(a) for a in eqn.invars]
        name = eqn.primitive.name
        if partial and any(x is None for x in args):
            outs = None
        elif name in _CALLS:
            outs = _fold_jaxpr(eqn.params[_CALLS[name]], args)
        else:
            outs = _fold_rule(name, args, eqn.params, [v.aval for v in eqn.outvars])
        if outs is None:
            if not partial:
                return None
            outs = [None] * len(eqn.outvars)
        for var, out in zip(eqn.outvars, outs):
            env[var] = out
    return [read(v) for v in jaxpr.outvars]


def constant_scan_outputs(vals: list, params: dict, outs: list) -> list:
    """``outs`` of a staged ``scan`` with each output that is the same constant at every step
    (a distribution's constant parameter inside a numpyro ``scan`` body) made concrete."""
    closed = params["jaxpr"]
    n_consts, n_carry = scan_counts(params)
    known = [None if isinstance(v, core.Tracer) else _host_value(v, core.typeof(v))
             for v in vals[:n_consts]]
    body = _fold_jaxpr(closed, known + [None] * (len(open_jaxpr(closed).invars) - n_consts),
                       partial=True)
    if body is None:
        return outs
    outs = list(outs)
    for i in range(n_carry, len(outs)):
        value = body[i]
        if value is not None:
            aval = core.typeof(outs[i])
            stacked = np.broadcast_to(value, aval.shape).astype(aval.dtype)
            outs[i] = jax.device_put(literals.TypedNdArray(stacked, aval))
    return outs


def fold(primitive: core.Primitive, vals: list, params: dict, avals: tuple) -> Any:
    """``primitive`` applied to concrete ``vals`` (of types ``avals``) by NumPy rules, as JAX
    arrays; ``None`` where no rule applies (then JAX evaluates it, compiling)."""
    name = primitive.name
    if name not in FOLD_RULES and name != "jit":
        return None
    constant_key = None
    if not vals and not primitive.multiple_results:  # a plate's indices: made once
        try:
            constant_key = (primitive, tuple(params.items()), jax.config.jax_default_device)
            hit = _CONSTANTS.get(constant_key)
        except TypeError:  # an unhashable parameter
            constant_key = hit = None
        if hit is not None:
            return hit
    kind = (primitive, avals)
    uses = _FOLD_USES[kind] = _FOLD_USES.get(kind, 0) + 1
    if uses > FOLD_LIMIT:
        return None
    ins = [_host_value(v, a) for v, a in zip(vals, avals)]
    if any(x is None for x in ins):
        return None
    if name == "jit":
        closed = params["jaxpr"]
        if not _foldable(open_jaxpr(closed)):
            return None
        outs, out_avals = _fold_jaxpr(closed, ins), closed.out_avals
    else:
        out_avals = _out_avals(primitive, avals, params)
        if out_avals is None:
            return None
        outs = _fold_rule(name, ins, params, out_avals)
    if outs is None:
        return None
    arrays = [_to_device(out, aval) for out, aval in zip(outs, out_avals)]
    if constant_key is not None and arrays[0].size <= MAX_CONSTANT:
        _CONSTANTS[constant_key] = arrays[0]
        if len(_CONSTANTS) > _DEPS_CACHE_SIZE:
            _CONSTANTS.popitem(last=False)
    return arrays if primitive.multiple_results else arrays[0]


# A rule costs a little more than JAX's dispatch of an operation it has compiled (or evaluates
# on a fast path), and a compilation costs as much as thousands of dispatches. So a primitive
# is folded for its first FOLD_LIMIT uses on inputs of one type in a process (a first trace
# compiles nothing), and then left to JAX, which is fastest from then on.
FOLD_LIMIT = 1000
# what a primitive without inputs makes (``iota``: a plate's indices) is the same array every
# time: kept, up to this many elements each (JAX arrays are immutable)
MAX_CONSTANT = 1 << 16
_CONSTANTS: OrderedDict[tuple, Any] = OrderedDict()
_FOLD_USES: dict[tuple, int] = {}
_OUT_AVALS: OrderedDict[tuple, list] = OrderedDict()


def _out_avals(primitive: core.Primitive, avals: tuple, params: dict) -> list | None:
    """JAX's shape and dtype rule for ``primitive`` (cached: it costs more than the rules)."""
    try:
        key: tuple | None = (primitive, avals, tuple(params.items()))
        hit = _OUT_AVALS.get(key)  # type: ignore[arg-type]
    except TypeError:  # an unhashable parameter
        key, hit = None, None
    if hit is not None:
        return hit
    try:
        out, _effects = primitive.abstract_eval(*avals, **params)
    except Exception:  # noqa: BLE001  a rule JAX cannot check here: let JAX evaluate
        return None
    out = list(out) if primitive.multiple_results else [out]
    if key is not None:
        _OUT_AVALS[key] = out
        if len(_OUT_AVALS) > _DEPS_CACHE_SIZE:
            _OUT_AVALS.popitem(last=False)
    return out


def _to_device(out: np.ndarray, aval: Any) -> jax.Array:
    """A host array as the JAX array an eager evaluation would return (dtype, weak type)."""
    if not out.flags.c_contiguous:  # (np.ascontiguousarray would make a scalar 1-d)
        out = np.ascontiguousarray(out)
    if jax.config.jax_default_device is not None:  # a device chosen by the user: JAX's way
        return jax.device_put(literals.TypedNdArray(out, aval))
    # jax.device_put's own checks cost ten times the copy
    device = jax.devices()[0]
    sharding = _SHARDINGS.get(device)
    if sharding is None:
        sharding = _SHARDINGS[device] = jax.sharding.SingleDeviceSharding(device)
    return pxla.batched_device_put(aval, sharding, [out], [device], committed=False)


_SHARDINGS: dict[Any, Any] = {}  # device -> its single-device sharding, made once


def register_backend_plugins() -> None:
    """Find and register JAX's PJRT plugins now, as JAX does before starting its first backend
    (a scan of the installed packages' entry points, 60 ms), without starting one: the gallery's
    fork server does it once for the workers it forks."""
    from jax._src import xla_bridge

    xla_bridge._discover_and_register_pjrt_plugins()


_KEYS: dict[int, jax.Array] = {}


def prng_key(seed: int) -> jax.Array | None:
    """``jax.random.PRNGKey(seed)`` without evaluating anything (made once per seed): JAX's
    threefry key of a seed that fits 32 bits is the two words ``[0, seed]`` (its documented
    layout). ``None`` under another key implementation or seed: call ``PRNGKey`` then."""
    config = jax.config
    if (type(seed) is not int or not 0 <= seed < 1 << 31
            or getattr(config, "jax_enable_custom_prng", True) is not False
            or getattr(config, "jax_default_prng_impl", None) != "threefry2x32"
            or config.jax_default_device is not None):
        return None
    key = _KEYS.get(seed)
    if key is None:
        key = _KEYS[seed] = _to_device(np.array([0, seed], dtype=np.uint32),
                                       core.ShapedArray((2,), np.dtype(np.uint32)))
    return key


# ---------------------------------------------------------------------------------------------
# The trace


BIG_CONSTANT = 1 << 24  # elements; an abstract run stages (does not compute) bigger constants


def _size(shape: tuple) -> int:
    size = 1
    for d in shape:
        if not isinstance(d, (int, np.integer)):
            return 0
        size *= int(d)
    return size


def _makes_big(params: dict) -> bool:
    """True for a primitive that would make a constant too big to compute (a plate's indices)."""
    shape = params.get("shape")
    return isinstance(shape, tuple) and _size(shape) >= BIG_CONSTANT


class ProvenanceTracer(core.Tracer):
    """A concrete value plus the sites it was computed from."""

    __slots__ = ("val", "prov", "direct")

    def __init__(self, trace: ProvenanceTrace, val: Any, prov: frozenset,
                 direct: Any = None) -> None:
        # core.Tracer.__init__, inlined: one is made for every value computed from a site
        self._trace = trace
        self.aval = core.typeof(val)
        self.val = val
        self.prov = prov
        self.direct = direct  # the one site (or argument) whose value this is, per element

    def full_lower(self) -> Any:
        # Under JAX's eager evaluation (see ``plain_evaluation``) the value is used as it is and
        # its provenance dropped: that is how sampling runs at full speed.
        return self.val

    def to_concrete_value(self) -> Any:
        # JAX asks for concrete values both to specialise (static slicing: no decision) and to
        # obtain static shapes (`jnp.zeros(k)`: a decision). Only the latter goes through
        # `concrete_or_error`.
        if sys._getframe(1).f_code.co_name == "concrete_or_error":
            self._trace.decide(self.prov, count=True)
        return core.to_concrete_value(self.val)

    def _decide(self, *, count: bool = False) -> Any:
        if isinstance(self.val, core.Tracer):  # an abstract run: the value is not known
            raise NeedsConcreteValues(f"a Python decision on a value of {sorted(self.prov)}")
        self._trace.decide(self.prov, count=count)
        return self.val

    def __bool__(self) -> bool:
        return bool(self._decide())

    def __int__(self) -> int:
        return int(self._decide(count=True))

    def __index__(self) -> int:
        return int(np.asarray(self._decide(count=True)).__index__())

    def __float__(self) -> float:
        return float(self._decide())

    def __complex__(self) -> complex:
        return complex(self._decide())

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        out = np.asarray(self._decide())
        return out if dtype is None else out.astype(dtype)

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        # ``np.exp(x)`` on a traced value: compute it with jax.numpy so provenance survives
        fn = getattr(jax.numpy, ufunc.__name__, None)
        if method != "__call__" or fn is None or kwargs:
            return NotImplemented
        return fn(*inputs)

    def __format__(self, spec: str) -> str:
        return format(np.asarray(self._decide()), spec) if spec else str(np.asarray(self._decide()))

    def __hash__(self) -> int:  # jax arrays are unhashable; so are we
        raise TypeError(f"unhashable type: {type(self.val).__name__}")

    def item(self, *args: Any) -> Any:
        return np.asarray(self._decide(count=True)).item(*args)

    def tolist(self) -> Any:
        return np.asarray(self._decide()).tolist()

    def __repr__(self) -> str:
        return f"ProvenanceTracer({self.val!r}, from={sorted(map(str, self.prov))})"

    def __getitem__(self, idx: Any) -> Any:
        out = static_take(self, idx)
        return super().__getitem__(idx) if out is None else out


def static_take(x: ProvenanceTracer, idx: Any) -> Any:
    """``x[idx]`` for a concrete ``x`` and an index of Python ints and slices (``y[j]`` on data
    in a model's Python loop): NumPy's indexing of the value and one device put, where JAX would
    apply a slice and a squeeze one by one. The same value, provenance and identity (the result
    *is* ``x``'s source per element); ``None`` for anything else (JAX's own indexing then)."""
    val, trace = x.val, x._trace
    if trace.plain or isinstance(val, core.Tracer) or not isinstance(val, jax.Array):
        return None
    with core.take_current_trace() as current:
        pass
    if current is not trace:  # JAX's indexing would not run on this trace
        return None
    aval = x.aval
    shape = aval.shape
    if not isinstance(aval, core.ShapedArray) or not isinstance(aval.dtype, np.dtype):
        return None
    dim = 0
    for item in idx if type(idx) is tuple else (idx,):
        if item is None:
            continue
        if dim >= len(shape):
            return None
        if type(item) is int:  # (not a bool: that adds an axis)
            if not -shape[dim] <= item < shape[dim]:  # JAX clamps where NumPy raises
                return None
        elif type(item) is not slice or item.step == 0 or any(
                b is not None and type(b) is not int for b in (item.start, item.stop, item.step)):
            return None
        dim += 1
    out = np.asarray(np.asarray(val)[idx])
    out_aval = core.ShapedArray(out.shape, aval.dtype, weak_type=aval.weak_type)
    taken = ProvenanceTracer(trace, _to_device(out, out_aval), x.prov, x.direct)
    if trace.recorder is not None:
        trace.recorder.static_take(x, idx, taken)
    return taken


class NeedsConcreteValues(Exception):
    """An abstract run met a Python decision on a sampled value: run concretely instead."""


class ProvenanceTrace(*TRACE_HOOKS, core.Trace):
    """Evaluates each primitive on the parent trace and unions the inputs' provenance.

    ``decisions`` collects, in order, the provenance of every value that a Python control
    decision was made on; ``counted`` the sites of those Python took an integer from
    (``int(k)``, ``range(k)``, ``k.item()``): a count, perhaps of a loop's steps.

    Concrete (the default): the parent is JAX's eager evaluation. Abstract: the parent is a
    staging trace (``jax.make_jaxpr``), so sampled values and everything computed from them
    are abstract (shape and dtype only) and nothing is compiled, while work on concrete inputs
    alone (the model's data) still runs eagerly. A Python decision on an abstract value raises
    ``NeedsConcreteValues``.
    """

    def __init__(self, parent: core.Trace, *, eager: core.Trace | None = None) -> None:
        super().__init__()
        self.parent = parent
        self.eager = eager or parent  # where primitives on concrete inputs alone run
        self.abstract = eager is not None
        self.plain = 0  # > 0 inside ``plain_evaluation`` of an abstract run
        self.requires_low = False
        self.decisions: list[frozenset] = []
        self.counted: set = set()  # what Python took a number from (``range(int(k))``)
        # what ``model_spec`` needs of the run (``computation.ComputationRecorder``), or None
        self.recorder: Any = None

    def decide(self, prov: frozenset, *, count: bool = False) -> None:
        if prov:
            self.decisions.append(prov)
            if count:
                self.counted.update(prov)

    def stage_value(self, val: Any) -> Any:
        # ``jnp.asarray(data)`` and static indices: give what JAX gives outside any trace, a
        # ``jax.Array`` (with ``.at``, ``.shape``), not the host value JAX would stage from.
        # device_put gives the same type as eager staging without compiling an identity per shape
        if isinstance(val, core.Tracer):
            return val
        if (isinstance(val, (np.ndarray, np.generic, int, float, complex))
                and jax.config.jax_default_device is None):
            # the host value as JAX would canonicalise it, put on the device directly
            # (jax.device_put's checks cost a few times the copy); JAX's own way otherwise
            try:
                aval = core.typeof(val)
                host = _host_value(val, aval)
            except (TypeError, ValueError, OverflowError):
                host = None
            if host is not None:
                return _to_device(host, aval)
        with core.set_current_trace(self.eager):
            return jax.device_put(val)

    def process_primitive(self, primitive: core.Primitive, tracers: Any, params: dict, /) -> Any:
        # The hot path of every run: one pass over the inputs, and the identity analysis only
        # when an input is some site's (or argument's) value as it is.
        vals: list = []
        provs: list[frozenset] = []
        tracked = staged = direct = False
        for t in tracers:
            if type(t) is ProvenanceTracer:
                provs.append(t.prov)
                tracked = True
                if t.direct is not None:
                    direct = True
                t = t.val
            else:
                provs.append(EMPTY)
            if not staged and isinstance(t, core.Tracer):
                staged = True
            vals.append(t)
        name = primitive.name
        structural = name in _STRUCTURAL
        labelled = primitive is site_label_p
        # concrete inputs alone run eagerly (folded where a rule applies), except in plain
        # evaluation and what would be big (``arange(10**9)`` in an abstract run)
        concrete_inputs = not staged and not self.plain and not _makes_big(params)
        parent = self.eager if concrete_inputs else self.parent
        out = avals = None
        if structural and parent is self.eager:
            with core.set_current_trace(parent):
                out = _eval_structural(primitive, vals, params)
        elif labelled:
            out = vals[0]
        elif concrete_inputs and (name in FOLD_RULES or name == "jit"):
            avals = tuple(core.typeof(v) for v in vals)
            out = fold(primitive, vals, params, avals)
        if out is None:
            if parent is not self.eager:  # staged: constants in the form JAX stages them
                vals = [v if isinstance(v, core.Tracer) else dtypes.canonicalize_value(v)
                        for v in vals]
                avals = None
            if avals is None:
                avals = tuple(core.typeof(v) for v in vals)
            out = primitive.bind_with_trace(parent, vals, avals, params)
            if name == "scan" and parent is not self.eager:  # staged, never run
                out = constant_scan_outputs(vals, params, out)
        if self.plain or not (tracked or labelled or structural):
            # (a scan or cond body may sample sites: its outputs depend on them regardless)
            if self.recorder is not None and self.recorder.watched and not self.plain:
                self.recorder.untracked(primitive, params, tracers, out)
            return out
        n_out = len(out) if primitive.multiple_results else 1
        if direct or labelled or name == "scan":
            # (first: the identity analysis of an inner jaxpr finds its dependencies too)
            directs = [(t.direct, EMPTY) if type(t) is ProvenanceTracer and t.direct is not None
                       else None for t in tracers]
            out_directs = [d[0] if _is_direct(d) else None
                           for d in _direct_of(name, directs, provs, params, n_out)]
        else:
            out_directs = [None] * n_out
        out_provs = eqn_deps(primitive, provs, params, n_out)
        if primitive.multiple_results:
            outs = [ProvenanceTracer(self, v, p, d) if p else v
                    for v, p, d in zip(out, out_provs, out_directs)]
        else:
            prov = out_provs[0]
            outs = ProvenanceTracer(self, out, prov, out_directs[0]) if prov else out
        if self.recorder is not None:
            self.recorder.step(primitive, params, tracers, outs)
        return outs

    def process_custom_jvp_call(self, primitive: Any, fun: Any, jvp: Any, tracers: Any, /,
                                **_: Any) -> Any:
        with core.set_current_trace(self):
            return fun.call_wrapped(*tracers)

    def process_custom_vjp_call(self, primitive: Any, fun: Any, fwd: Any, bwd: Any, tracers: Any,
                                /, **_: Any) -> Any:
        with core.set_current_trace(self):
            return fun.call_wrapped(*tracers)


# ---------------------------------------------------------------------------------------------
# What the NumPyro layer needs


def run_with_provenance(fn: Callable[[ProvenanceTrace], Any], *, abstract: bool = False
                        ) -> tuple[Any, ProvenanceTrace]:
    """Call ``fn(trace)`` with a fresh ``ProvenanceTrace`` as JAX's current trace.

    ``abstract=True`` runs it under ``jax.make_jaxpr`` (see ``ProvenanceTrace``): values that
    come from samples are abstract and must not be used after the call returns.
    """
    with core.take_current_trace() as eager:
        pass
    if not abstract:
        trace = ProvenanceTrace(eager)
        with core.set_current_trace(trace):
            return fn(trace), trace

    box: list = []

    def staged() -> tuple:
        with core.take_current_trace() as parent:
            trace = ProvenanceTrace(parent, eager=eager)
        with core.set_current_trace(trace):
            box.append((fn(trace), trace))
        return ()

    # everything staged stays alive until the end of the run, so the collector's full passes
    # would rescan a heap that only grows (a fifth of the time at 10,000 sites)
    collecting = gc.isenabled()
    gc.disable()
    try:
        jax.make_jaxpr(staged)()
    finally:
        if collecting:
            gc.enable()
    return box[0]


@contextlib.contextmanager
def plain_evaluation(trace: ProvenanceTrace) -> Iterator[None]:
    """Evaluate without provenance inside the block (JAX's own fast eager path, or staged in an
    abstract run).

    For work whose result is a site's value, which is labelled with the site afterwards anyway:
    drawing samples and splitting random keys.
    """
    if trace.abstract:
        trace.plain += 1
        try:
            yield
        finally:
            trace.plain -= 1
        return
    with core.set_current_trace(trace.parent):
        yield


def provenance(x: Any) -> frozenset:
    """The sites ``x`` (an array or a pytree of arrays) depends on."""
    if isinstance(x, ProvenanceTracer):
        return x.prov
    leaves = jax.tree_util.tree_leaves(x)
    if len(leaves) == 1 and leaves[0] is x:
        return EMPTY
    out: frozenset = EMPTY
    for leaf in leaves:
        if isinstance(leaf, ProvenanceTracer):
            out = out | leaf.prov
    return out


def direct_source(x: Any) -> Any:
    """The one site (or argument label) whose value ``x`` is, per element, else None."""
    return x.direct if isinstance(x, ProvenanceTracer) else None


def value_and_type(x: Any) -> tuple[Any, Any]:
    """``(value, aval)`` of a value met in a run: the concrete value (None where it is abstract,
    or has no number, as a PRNG key) and its abstract type (shape and dtype)."""
    if type(x) is ProvenanceTracer:
        val, aval = x.val, x.aval
    else:
        val, aval = x, getattr(x, "aval", None)
    if isinstance(val, core.Tracer):
        return None, aval if aval is not None else val.aval
    if aval is None:
        aval = core.typeof(val)
    if not isinstance(aval, core.ShapedArray) or not isinstance(aval.dtype, np.dtype):
        return None, aval
    return val, aval


def literal_value(atom: Any) -> tuple[Any] | None:
    """``(value,)`` when a jaxpr operand is a literal, else None (it is a variable)."""
    return (atom.val,) if isinstance(atom, core.Literal) else None


def concrete(x: Any) -> Any:
    """``x`` with every provenance wrapper removed (a pytree of plain arrays)."""
    if isinstance(x, ProvenanceTracer):
        return x.val
    if isinstance(x, (np.ndarray, jax.Array, int, float, bool)) or x is None:
        return x
    return jax.tree_util.tree_map(
        lambda leaf: leaf.val if isinstance(leaf, ProvenanceTracer) else leaf, x
    )


def is_foreign_tracer(x: Any, trace: ProvenanceTrace | None = None) -> bool:
    """A tracer of another JAX trace (a scan body being staged, a vmap), not a value of the run
    (concrete, or abstract in an abstract run of ``trace``)."""
    if not isinstance(x, core.Tracer) or isinstance(x, ProvenanceTracer):
        return False
    return trace is None or not trace.abstract or x._trace is not trace.parent


def label(trace: ProvenanceTrace | None, value: Any, site: str) -> Any:
    """``value`` as the value of ``site``: its provenance is exactly ``{site}`` (flow stops)."""
    if is_foreign_tracer(value, trace):
        return site_label_p.bind(value, site=site)
    if trace is None:
        return value
    val = concrete(value)
    if isinstance(val, (np.ndarray, jax.Array, np.generic, int, float, bool)):
        return ProvenanceTracer(trace, val if not isinstance(val, (int, float, bool))
                                else np.asarray(val), frozenset((site,)), site)
    if val is not None:  # a pytree (a neural network's parameters): label every leaf
        return jax.tree_util.tree_map(lambda leaf: label(trace, leaf, site), val)
    return val
