"""The model's computation as plain steps, from its sites and arguments to each parameter.

Recorded during the first run of ``trace_model`` (the run ``model_graph`` makes anyway): the
provenance trace hands every primitive it applies to a site's or an argument's value to a
``ComputationRecorder``, the site recorder hands it each site, and at the end of the run the
recorder numbers what it saw into a ``Computation`` — each sample and deterministic site's
value, each data argument and each subsampled plate's indices an input; what the distributions
received and what the deterministic sites computed the outputs. Only the values computed from
data alone are kept (index arrays, masks), the others by shape and dtype. ``tracing.inlining``
(by ``model_spec``, on demand) opens the bodies of calls, ``cond`` and ``scan``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jax
import numpy as np
from numpyro.distributions import constraints as numpyro_constraints

from ._jax import concrete, value_and_type
from .messengers import transformed_parts, unwrap_distribution

__all__ = ["Computation", "ComputationRecorder", "Const", "Input", "Output", "Shaped", "Step"]


@dataclass(frozen=True)
class Const:
    """A constant operand (a literal or a value the model closed over)."""

    value: np.ndarray


Ref = int | Const  # a variable (its number) or a constant


@dataclass(frozen=True)
class Shaped:
    """A value known by its shape and dtype only (one computed from a site)."""

    shape: tuple[int, ...]
    dtype: Any

    @property
    def ndim(self) -> int:  # noqa: D102
        return len(self.shape)


@dataclass(frozen=True)
class Input:
    """Variable ``number``: a site's value, a data argument or a subsampled plate's indices."""

    kind: str  # "site", "argument" or "plate"
    name: str
    number: int


@dataclass(frozen=True)
class Step:
    """One primitive application: ``outputs = primitive(*inputs, **params)``."""

    primitive: str
    params: dict
    inputs: tuple[Ref, ...]
    outputs: tuple[int, ...]


@dataclass(frozen=True)
class Output:
    """What a site's distribution received as ``param`` (``"value"``: a deterministic's value).

    ``event_dim`` is the parameter's event rank (its constraint's); ``batch_shape`` the site's
    batch shape, ``base_batch_ndim`` the rank of the batch shape the parameter broadcasts to
    (the unwrapped distribution's), ``reinterpreted`` how many of those trailing dims
    ``to_event`` made event dims.
    """

    site: str
    param: str
    ref: Ref
    event_dim: int = 0
    batch_shape: tuple[int, ...] = ()
    base_batch_ndim: int = 0
    reinterpreted: int = 0


@dataclass(frozen=True)
class Computation:
    """Inputs, steps in order, outputs, every variable's value (concrete where it is computed
    from data alone, else ``Shaped``), the sites whose support holds no negative number (a
    discrete site used as an index), and, in a model whose Python control flow decided on a
    sampled value, the sites it made before its first such decision (``None``: it made none).
    Those ran the same code whatever the values; what came after holds for these values only.
    """

    inputs: tuple[Input, ...]
    steps: tuple[Step, ...]
    outputs: tuple[Output, ...]
    values: dict[int, Any]
    nonnegative: frozenset[str] = frozenset()
    before_decision: frozenset[str] | None = None


def _nonnegative_support(fn: Any) -> bool:
    """Whether every value in a discrete distribution's support is at least 0."""
    support = fn.support
    while hasattr(support, "base_constraint"):
        support = support.base_constraint
    if not support.is_discrete:
        return False
    if not hasattr(support, "lower_bound"):
        return support is numpyro_constraints.boolean
    try:
        return bool(np.all(np.asarray(concrete(support.lower_bound)) >= 0))
    except (TypeError, jax.errors.ConcretizationTypeError, jax.errors.TracerArrayConversionError):
        return False  # a bound computed from a site


def _distribution_params(fn: Any) -> list[tuple[str, Any, int]]:
    """``(name, value, event_dim)`` of each parameter the distribution was given (a truncated
    distribution's ``low``/``high`` and its base's)."""
    base, _ = transformed_parts(fn)
    out: list[tuple[str, Any, int]] = []
    seen: set[str] = set()
    while base is not None:
        attrs = vars(base)
        for name, constraint in getattr(base, "arg_constraints", {}).items():
            if name in attrs and name not in seen and attrs[name] is not None:
                seen.add(name)
                out.append((name, attrs[name], getattr(constraint, "event_dim", 0)))
        inner = attrs.get("base_dist")
        base = unwrap_distribution(inner) if inner is not None else None
    return out


def _batch_layout(fn: Any) -> tuple[tuple[int, ...], int, int]:
    """The site's batch shape, its unwrapped distribution's batch rank and how many of those
    dims ``to_event`` reinterpreted."""
    reinterpreted, inner = 0, fn
    while hasattr(inner, "base_dist") and type(inner).__name__ in (
            "Independent", "ExpandedDistribution", "MaskedDistribution"):
        reinterpreted += getattr(inner, "reinterpreted_batch_ndims", 0)
        inner = inner.base_dist
    base, _ = transformed_parts(fn)
    return tuple(fn.batch_shape), len(base.batch_shape), reinterpreted


class ComputationRecorder:
    """What one provenance run applied to sites' and arguments' values, kept as the run met it
    (``step``: one append, the run's hot path) and numbered into a ``Computation`` by ``finish``
    only when a specification is asked for: a graph nobody writes out costs no numbering. Until
    then the run's intermediate values stay alive with the graph."""

    def __init__(self, decisions: list | None = None) -> None:
        # the run's Python decisions as the trace logs them; per site, how many preceded it
        self.decisions = decisions if decisions is not None else []
        self.decided: list[int] = []
        self.first_decision: int | None = None  # the first on a sampled value (``decided_at``)
        self.raw: list[tuple[Any, dict, Any, Any]] = []  # (primitive, params, inputs, outputs)
        self.inputs: list[tuple[str, str, Any]] = []
        self.sites: list[tuple[str, Any]] = []  # (name, distribution) / (name, value computed)
        self.kinds: list[str] = []
        self.watched: dict[int, Any] = {}  # untracked values that are inputs (a plate's indices)
        self.computation: Computation | None = None

    def step(self, primitive: Any, params: dict, inputs: Any, outputs: Any) -> None:
        self.raw.append((primitive, params, inputs, outputs))

    def untracked(self, primitive: Any, params: dict, inputs: Any, outputs: Any) -> None:
        """A primitive on values without provenance: recorded when it reads a watched one."""
        watched = self.watched
        if any(id(x) in watched for x in inputs):
            self.raw.append((primitive, params, inputs, outputs))
            for out in outputs if isinstance(outputs, list) else [outputs]:
                watched[id(out)] = out

    def static_take(self, x: Any, index: Any, out: Any) -> None:
        """``out = x[index]`` by NumPy's indexing (Python ints, slices and ``None``)."""
        self.raw.append(("static_take", {"index": index}, (x,), out))

    def input(self, kind: str, name: str, value: Any) -> None:
        """A site's value (each leaf of a pytree named by its path), a data argument, or a
        subsampled plate's indices (watched: they carry no provenance)."""
        if kind == "plate":
            self.watched[id(value)] = value
        self.inputs.append((kind, name, value))

    def site(self, kind: str, name: str, fn_or_value: Any, observed: bool = False) -> None:
        """A sample site's distribution or a deterministic site's value, as the model made it."""
        self.kinds.append("observed" if observed else kind)
        self.sites.append((name, fn_or_value))
        self.decided.append(len(self.decisions))

    def decided_at(self, first: int) -> None:
        """The run's ``first``-th Python decision was the first on a sampled value."""
        self.first_decision = first

    def finish(self) -> Computation:
        """The run's computation, numbered on the first call (every recorded object is alive
        until then, so its ``id`` names it; of an abstract value only its type is read)."""
        if self.computation is None:
            self.computation = self._numbered()
            self.raw, self.inputs, self.sites, self.kinds, self.watched = [], [], [], [], {}
        return self.computation

    def _numbered(self) -> Computation:
        ids: dict[int, int] = {}
        values: dict[int, Any] = {}
        known: set[int] = set()
        steps: list[Step] = []
        inputs: list[Input] = []

        def new(obj: Any, keep: bool) -> int:
            number = len(values)
            ids[id(obj)] = number
            val, aval = value_and_type(obj)
            if keep and val is not None:
                values[number] = val
                known.add(number)
            else:
                values[number] = Shaped(tuple(aval.shape), aval.dtype)
            return number

        def ref(obj: Any) -> Ref:
            number = ids.get(id(obj))
            if number is not None:
                return number
            val, _ = value_and_type(obj)
            if val is not None:
                return Const(val)
            number = new(obj, False)  # an abstract value of unknown origin: read by no rule
            steps.append(Step("opaque", {}, (), (number,)))
            return number

        for kind, name, value in self.inputs:
            inputs.append(Input(kind, name, new(value, kind == "argument")))
        for primitive, params, ins, outs in self.raw:
            refs = tuple(ref(x) for x in ins)
            keep = all(type(r) is Const or r in known for r in refs)
            numbers = tuple(new(out, keep) for out in (outs if isinstance(outs, list)
                                                       else [outs]))
            name = primitive if type(primitive) is str else primitive.name
            steps.append(Step(name, params, refs, numbers))
        outputs: list[Output] = []
        nonnegative = set()
        for kind, (name, item) in zip(self.kinds, self.sites):
            if kind == "deterministic":
                try:
                    outputs.append(Output(name, "value", ref(item)))
                except TypeError:  # a pytree (a dict of arrays): not written out
                    pass
                continue
            layout = _batch_layout(item)
            for param, value, event_dim in _distribution_params(item):
                outputs.append(Output(name, param, ref(value), event_dim, *layout))
            if kind == "sample" and _nonnegative_support(item):
                nonnegative.add(name)
        before = None if self.first_decision is None else frozenset(
            name for (name, _), made in zip(self.sites, self.decided)
            if made <= self.first_decision)
        return Computation(tuple(inputs), tuple(steps), tuple(outputs), values,
                           frozenset(nonnegative), before)
