"""The recorded computation with the bodies of calls, ``cond`` and ``scan`` opened into steps.

``model_spec`` reads the computation one primitive at a time; a higher-order primitive hides
what it computes in its body. ``open_bodies`` replaces each call (``jit``, custom derivatives,
checkpoints) by its body's steps, each ``cond`` by its branches' steps and a ``select_n`` that
picks the branch the index names (what ``cond`` computes, the branches having no effects), and
gives each ``scan`` a ``ScanBody``: its body's steps on variables standing for the carry and the
``xs`` slice at one step, read by ``spec.expressions`` at the step an element belongs to.
``while`` loops stay single steps: how often their body runs is decided as they run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ._jax import closed_parts, host_evaluate, literal_value, open_jaxpr, scan_counts
from .computation import Computation, Const, Ref, Shaped, Step

__all__ = ["ScanBody", "open_bodies"]

# call-like primitives whose body is inlined: what they compute is their body's computation
_INLINE = ("pjit", "jit", "closed_call", "core_call", "custom_jvp_call", "custom_vjp_call",
           "custom_vjp_call_jaxpr", "remat", "checkpoint", "custom_lin")
_BODY_PARAMS = ("jaxpr", "call_jaxpr", "fun_jaxpr")
# jitted functions of one argument kept as one step by their name (``jax.nn.softplus``)
_NAMED_CALLS = ("softplus",)
# never computed ahead, even on known inputs: a site's label must stay the site
_OPAQUE = ("plategraph_site",)


@dataclass(frozen=True)
class ScanBody:
    """A ``scan``'s body as steps (in the ``params`` of its ``scan`` step, key ``"body"``).

    ``carry`` and ``xs`` are the variables the body reads as the carry coming into a step and
    that step's slice of ``xs`` (the consts are the scan's own operands); ``outputs`` what the
    body returns (the carries, then the per-step outputs ``ys``); ``inside`` the numbers
    ``[first, end)`` of every variable the body's steps made, whose values differ from step to
    step.
    """

    carry: tuple[int, ...]
    xs: tuple[int, ...]
    outputs: tuple[Ref, ...]
    inside: tuple[int, int]
    num_consts: int
    length: int
    reverse: bool


def _body(params: dict) -> Any:
    return next((params[k] for k in _BODY_PARAMS if k in params), None)


class _Flattener:
    """Bodies opened: each becomes steps on numbered variables. What depends on data and
    constants alone is computed; the rest is known by its shape and dtype."""

    def __init__(self, computation: Computation) -> None:
        self.steps: list[Step] = []
        self.values = dict(computation.values)
        self.count = max(self.values, default=-1) + 1
        self.known = {i.number for i in computation.inputs if i.kind == "argument"}
        for step in computation.steps:
            if all(isinstance(r, Const) or r in self.known for r in step.inputs):
                self.known.update(step.outputs)

    def new(self, value: Any, known: bool = False) -> int:
        number = self.count
        self.count += 1
        if known:
            self.known.add(number)
            self.values[number] = value
        else:
            self.values[number] = Shaped(tuple(value.shape), value.dtype)
        return number

    def value(self, ref: Ref) -> Any:  # noqa: D102
        value = ref.value if isinstance(ref, Const) else self.values[ref]
        try:
            return np.asarray(value)
        except TypeError:  # a PRNG key: no number to read
            return value

    def is_known(self, refs: Any) -> bool:  # noqa: D102
        return all(isinstance(r, Const) or r in self.known for r in refs)

    def open(self, name: str, params: dict, ins: list[Ref], avals: list[Any]) -> list[Ref] | None:
        """The steps of one application of a higher-order primitive, its outputs' refs; None
        when it has no body to open (it stays one step)."""
        body = _body(params)
        parts = closed_parts(body) if body is not None else None
        if name in _INLINE and params.get("name") in _NAMED_CALLS and len(ins) == 1:
            outs = [self.new(a) for a in avals]
            self.steps.append(Step(params["name"], {}, tuple(ins), tuple(outs)))
            return outs
        if name in _INLINE and parts is not None:
            inner, consts = parts
            inner = open_jaxpr(inner)
            skip = len(ins) - len(inner.invars)  # leading consts some calls pass as operands
            return self.run(inner, consts, ins[skip:])
        if name == "scan" and parts is not None:
            return self.open_scan(params, ins, avals)
        if name == "cond":
            return self.open_cond(params, ins, avals)
        return None

    def open_scan(self, params: dict, ins: list[Ref], avals: list[Any]) -> list[Ref]:
        nc, nk = scan_counts(params)
        inner, consts = closed_parts(params["jaxpr"])
        inner = open_jaxpr(inner)
        first = self.count
        carry = [self.new(v.aval) for v in inner.invars[nc:nc + nk]]
        xs = [self.new(v.aval) for v in inner.invars[nc + nk:]]
        results = self.run(inner, consts, list(ins[:nc]) + carry + xs)
        body = ScanBody(tuple(carry), tuple(xs), tuple(results), (first, self.count), nc,
                        int(params["length"]), bool(params["reverse"]))
        outs = [self.new(a) for a in avals]
        self.steps.append(Step("scan", {**params, "body": body}, tuple(ins), tuple(outs)))
        return outs

    def open_cond(self, params: dict, ins: list[Ref], avals: list[Any]) -> list[Ref] | None:
        branches = []
        for branch in params["branches"]:
            parts = closed_parts(branch)
            if parts is None:
                return None
            branches.append(self.run(open_jaxpr(parts[0]), parts[1], list(ins[1:])))
        outs = []
        for k, aval in enumerate(avals):  # the output of the branch the index names
            out = self.new(aval)
            self.steps.append(Step("select_n", {}, (ins[0], *(b[k] for b in branches)), (out,)))
            outs.append(out)
        return outs

    def run(self, jaxpr: Any, consts: Any, inputs: list[Ref]) -> list[Ref]:
        env: dict[Any, Ref] = {}
        for var, const in zip(jaxpr.constvars, consts):
            env[var] = Const(np.asarray(const))
        for var, ref in zip(jaxpr.invars, inputs):
            env[var] = ref

        def read(atom: Any) -> Ref:
            found = literal_value(atom)
            return Const(np.asarray(found[0])) if found else env[atom]

        for eqn in jaxpr.eqns:
            ins = [read(a) for a in eqn.invars]
            name = eqn.primitive.name
            known = self.is_known(ins) and name not in _OPAQUE
            outs = None if known and name not in _INLINE else self.open(
                name, eqn.params, ins, [v.aval for v in eqn.outvars])
            if outs is None and known:
                values = [self.value(r) for r in ins]
                results = host_evaluate(eqn, values)
                if results is None:
                    results = eqn.primitive.bind(*values, **eqn.params)
                    results = results if eqn.primitive.multiple_results else [results]
                outs = [self.new(v, known=True) for v in results]
                self.steps.append(Step(name, dict(eqn.params), tuple(ins), tuple(outs)))
            elif outs is None:
                outs = [self.new(v.aval) for v in eqn.outvars]
                self.steps.append(Step(name, dict(eqn.params), tuple(ins), tuple(outs)))
            for var, ref in zip(eqn.outvars, outs):
                env[var] = ref
        return [read(a) for a in jaxpr.outvars]


def open_bodies(computation: Computation) -> Computation:
    """The computation with every call replaced by its body's steps, every ``cond`` by its
    branches' and every ``scan`` given its ``ScanBody``: what such a primitive computes is
    what its body computes."""
    flat = _Flattener(computation)
    for step in computation.steps:
        avals = [flat.values[o] for o in step.outputs]
        known = flat.is_known(step.inputs)
        results = None if known and step.primitive not in _INLINE else flat.open(
            step.primitive, step.params, list(step.inputs), avals)
        if results is None:
            flat.steps.append(step)
            continue
        for result, out in zip(results, step.outputs):
            flat.steps.append(Step("copy", {}, (result,), (out,)))
    return Computation(computation.inputs, tuple(flat.steps), computation.outputs, flat.values,
                       computation.nonnegative, computation.before_decision)
