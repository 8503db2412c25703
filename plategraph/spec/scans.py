"""Pure: the elements of a ``scan``'s outputs, each read at the step it belongs to.

A ``scan`` step carries its body opened into steps (``tracing.inlining.ScanBody``). Element
``(t, …)`` of a per-step output is the body's output read at step ``t``: the step's ``xs``
slice is ``xs[t, …]``, a site sampled in the body is the site's value at ``t`` (``h[t]``), and
the carry coming into step ``t`` is what the body returned at step ``t − 1`` — the site it
carries on, one step back (``h[t − 1]``), as the contract writes it. The first steps read the
initial carry instead, so an element is a ``Piecewise`` on the time index: its value at
``t = 0`` (and ``t = 1``, … while the carry read still reaches the start), then the general
step. A carry that is computed from itself step after step (a running level) has no such form
within ``MAX_BACK`` steps: ``Inexpressible``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import sympy

from ..tracing.computation import Computation, Step
from .numbers import Inexpressible

__all__ = ["MAX_BACK", "ScanSteps"]

MAX_BACK = 4  # how many steps back a carry may be followed before it must be a site's value


class ScanSteps:
    """What ``Elements`` reads scans by (a mixin: ``element`` and ``site_element`` are its)."""

    context: tuple[tuple[int, sympy.Expr], ...]
    element: Callable[[Any, Any], sympy.Expr]  # Elements': one element of a variable
    site_element: Callable[[str, tuple], sympy.Expr]  # a site's element, by name

    def init_scans(self, computation: Computation) -> None:
        # a body's carry or xs variable → (its scan step, "carry" or "xs", position)
        self.placeholders: dict[int, tuple[Step, str, int]] = {}
        # a variable a body made → the innermost scan whose body made it
        self.owner: dict[int, Step] = {}
        scans = [s for s in computation.steps if s.primitive == "scan" and "body" in s.params]
        scans.sort(key=lambda s: s.params["body"].inside[0] - s.params["body"].inside[1])
        for step in scans:  # the outer ones first: an inner body's variables are its own
            body = step.params["body"]
            for j, n in enumerate(body.carry):
                self.placeholders[n] = (step, "carry", j)
            for j, n in enumerate(body.xs):
                self.placeholders[n] = (step, "xs", j)
            for n in range(*body.inside):
                self.owner[n] = step
        self.context = ()  # (scan, step) of each body being read, innermost last
        self.depth: dict[int, int] = {}

    def cache_key(self, ref: int, index: tuple) -> tuple:
        """A body's variable differs from step to step: its key holds the steps being read."""
        return (ref, index, self.context) if ref in self.owner else (ref, index)

    @contextlib.contextmanager
    def at_step(self, scan: Step, step: sympy.Expr) -> Iterator[None]:
        saved, key = self.context, scan.outputs[0]
        self.context = tuple(c for c in saved if c[0] != key) + ((key, sympy.sympify(step)),)
        try:
            yield
        finally:
            self.context = saved

    def step_of(self, scan: Step) -> sympy.Expr:
        key = scan.outputs[0]
        for owner, step in reversed(self.context):
            if owner == key:
                return step
        raise Inexpressible("a scan body's value read outside its steps")

    def body_input(self, ref: int, index: tuple) -> sympy.Expr:
        """The carry coming into the current step, or the step's ``xs`` slice."""
        scan, kind, j = self.placeholders[ref]
        body = scan.params["body"]
        step = self.step_of(scan)
        if kind == "xs":
            return self.element(scan.inputs[body.num_consts + len(body.carry) + j],
                                (step, *index))
        init, out = scan.inputs[body.num_consts + j], body.outputs[j]
        if step == 0 or (type(out) is int and out == ref):  # the start, or carried unchanged
            return self.element(init, index)
        # a symbolic step is read as a general one (t ≥ 1); rule_scan writes the first apart
        key = scan.outputs[0]
        depth = self.depth.get(key, 0)
        if depth >= MAX_BACK:
            raise Inexpressible("a carry computed from itself step after step")
        self.depth[key] = depth + 1
        try:
            with self.at_step(scan, step - 1):
                return self.element(out, index)
        finally:
            self.depth[key] = depth

    def site_label(self, step: Step, index: tuple) -> sympy.Expr:
        """A site sampled inside a body: the site's value, at the scan's step."""
        site = step.params["site"]
        scan = self.owner.get(step.outputs[0])
        if scan is None:  # a cond's branch outside any scan
            return self.site_element(site, index)
        return self.site_element(site, (self.step_of(scan), *index))

    def rule_scan(self, step: Step, k: int, index: tuple) -> sympy.Expr:
        body = step.params.get("body")
        if body is None or body.reverse:
            raise Inexpressible("a scan whose body is not read (reversed, or a constant one)")
        out = body.outputs[k]
        if k < len(body.carry):  # the carry after the last step
            with self.at_step(step, sympy.Integer(body.length - 1)):
                return self.element(out, index)
        at, rest = index[0], tuple(index[1:])
        if at.is_Integer:
            with self.at_step(step, at):
                return self.element(out, rest)
        idx = [a for a in at.atoms(sympy.Idx)]
        offset = at - idx[0] if len(idx) == 1 else None
        if offset is None or not offset.is_Integer:
            raise Inexpressible("a scan's output read at a step that is no index plus a number")
        idx = idx[0]
        with self.at_step(step, at):
            general = self.element(out, rest)
        cases = []
        for first in range(MAX_BACK + 1):  # the steps whose carry still reaches the start
            position = first - int(offset)
            if position < int(idx.lower) or position > int(idx.upper):
                continue
            with self.at_step(step, sympy.Integer(first)):
                exact = self.element(out, rest)
            if exact == general.xreplace({idx: sympy.Integer(position)}):
                break
            cases.append((exact, sympy.Eq(idx, position)))
        else:
            raise Inexpressible("a scan's first steps differ from the general one too long")
        return sympy.Piecewise(*cases, (general, True)) if cases else general
