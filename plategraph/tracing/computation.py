"""The model's computation as plain steps, from its sites and arguments to each parameter.

Made on demand (by ``plategraph.model_spec``), never while drawing: the model runs once under
NumPyro's handlers to learn its sites' values, then once more under ``jax.make_jaxpr`` with each
sample and deterministic site's value, each data argument and each subsampled plate's indices as
an input. What the distributions receive and what the deterministic sites compute become the
outputs. Calls (``jit``, custom derivatives, checkpoints) are inlined; other higher-order
primitives (``scan``, ``while``, ``cond``) stay single steps. Every step carries its concrete
value, so a later stage can read data-only values (index arrays, masks) without JAX.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jax
import numpy as np
from numpyro import handlers
from numpyro.distributions import constraints as numpyro_constraints
from numpyro.distributions.distribution import validation_enabled
from numpyro.primitives import Messenger

from ._jax import closed_parts, host_evaluate, literal_value, open_jaxpr
from .messengers import transformed_parts, unwrap_distribution

__all__ = ["Computation", "Const", "Input", "Output", "Step", "data_arguments",
           "trace_computation"]

# call-like primitives whose body is inlined: what they compute is their body's computation
_INLINE = ("pjit", "jit", "closed_call", "core_call", "custom_jvp_call", "custom_vjp_call",
           "custom_vjp_call_jaxpr", "remat", "checkpoint", "custom_lin")
_BODY_PARAMS = ("jaxpr", "call_jaxpr", "fun_jaxpr")


@dataclass(frozen=True)
class Const:
    """A constant operand (a literal or a value the model closed over)."""

    value: np.ndarray


Ref = int | Const  # a variable (its number) or a constant


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
    """Inputs, steps in order, outputs, the concrete value of every variable, and the sites
    whose support holds no negative number (a discrete site used as an index)."""

    inputs: tuple[Input, ...]
    steps: tuple[Step, ...]
    outputs: tuple[Output, ...]
    values: dict[int, np.ndarray]
    nonnegative: frozenset[str] = frozenset()


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
        return bool(np.all(np.asarray(support.lower_bound) >= 0))
    except (TypeError, jax.errors.ConcretizationTypeError, jax.errors.TracerArrayConversionError):
        return False  # a bound computed from a site


def _is_data(value: Any) -> bool:
    return (isinstance(value, (np.ndarray, jax.Array)) and np.ndim(value) >= 1
            and np.dtype(value.dtype).kind in "biuf")


def data_arguments(model: Callable, args: tuple, kwargs: dict
                    ) -> tuple[list[tuple[str, Any]], Callable[[list], tuple[tuple, dict]]]:
    """The data arrays among the arguments, named as the graph names them (``x``,
    ``data['x']``, ``args[0]``), and how to rebuild the arguments from replacements of them."""
    try:
        bound = inspect.signature(model).bind(*args, **kwargs)
    except (TypeError, ValueError):
        return [], lambda _: (args, kwargs)
    kinds = {p.name: p.kind for p in bound.signature.parameters.values()}
    items: list[tuple[str, Any]] = []
    for name, value in bound.arguments.items():
        if kinds[name] is inspect.Parameter.VAR_POSITIONAL:
            items.extend((f"{name}[{i}]", v) for i, v in enumerate(value))
        elif kinds[name] is inspect.Parameter.VAR_KEYWORD:
            items.extend(value.items())
        else:
            items.append((name, value))
    slots: list[tuple[str, Any]] = []
    for name, value in items:
        if isinstance(value, (tuple, list, dict)):
            leaves, _ = jax.tree_util.tree_flatten_with_path(value)
            slots.extend((name + jax.tree_util.keystr(path), leaf) for path, leaf in leaves
                         if _is_data(leaf))
        elif _is_data(value):
            slots.append((name, value))

    def rebuild(new: list) -> tuple[tuple, dict]:
        replaced = iter(new)
        fresh = bound.signature.bind_partial()

        def swap(value: Any) -> Any:
            if isinstance(value, (tuple, list, dict)):
                leaves, treedef = jax.tree_util.tree_flatten(value)
                if any(_is_data(leaf) for leaf in leaves):
                    return jax.tree_util.tree_unflatten(
                        treedef, [next(replaced) if _is_data(leaf) else leaf for leaf in leaves])
                return value
            return next(replaced) if _is_data(value) else value

        for name, value in bound.arguments.items():
            if kinds[name] is inspect.Parameter.VAR_POSITIONAL:
                fresh.arguments[name] = tuple(swap(v) for v in value)
            elif kinds[name] is inspect.Parameter.VAR_KEYWORD:
                fresh.arguments[name] = {k: swap(v) for k, v in value.items()}
            else:
                fresh.arguments[name] = swap(value)
        return fresh.args, fresh.kwargs

    return slots, rebuild


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


class _Capture(Messenger):
    """Replaces site values and plate indices by the given ones; records what each
    distribution received and each deterministic computed."""

    def __init__(self, fn: Any, sites: dict, plates: dict) -> None:
        super().__init__(fn)
        self.sites, self.plates = sites, plates
        self.recorded: list[tuple[str, str, Any, int, tuple, int, int]] = []
        self.nonnegative: set[str] = set()

    def process_message(self, msg: dict) -> None:
        name = msg.get("name")
        if msg["type"] == "plate" and name in self.plates:
            msg["value"] = self.plates[name]
        elif msg["type"] == "param":
            if name in self.sites:
                msg["value"] = self.sites[name]
        elif msg["type"] == "deterministic":
            self.recorded.append((name, "value", msg["value"], 0, (), 0, 0))
            if name in self.sites:
                msg["value"] = self.sites[name]
        elif msg["type"] == "sample":
            layout = _batch_layout(msg["fn"])
            for param, value, event_dim in _distribution_params(msg["fn"]):
                self.recorded.append((name, param, value, event_dim, *layout))
            if not msg["is_observed"] and name in self.sites:
                msg["value"] = self.sites[name]
                if _nonnegative_support(msg["fn"]):
                    self.nonnegative.add(name)


def _site_shapes(model: Callable, args: tuple, kwargs: dict, seed: int
                 ) -> tuple[dict[str, Any], dict[str, Any]]:
    """The shapes and dtypes of the latent and deterministic sites and of the subsampled plates'
    indices, from an abstract run (no value is computed: a staged ``scan`` is not compiled)."""
    plates: dict[str, None] = {}

    def run() -> tuple[dict, dict]:
        trace = handlers.trace(handlers.seed(model, seed)).get_trace(*args, **kwargs)
        sites, subsamples = {}, {}
        for name, site in trace.items():
            if site["type"] in ("deterministic", "param") or (site["type"] == "sample"
                                                              and not site["is_observed"]):
                sites[name] = jax.tree_util.tree_map(jax.numpy.asarray, site["value"])
            elif site["type"] == "plate":
                size, subsample = site["args"]
                if subsample is not None and subsample < size:
                    subsamples[name] = site["value"]
                    plates[name] = None
        return sites, subsamples

    return jax.eval_shape(run)


class _Flattener:
    """A closed jaxpr → numbered variables and steps, calls inlined. The values computed from
    data and constants alone are computed; the others are placeholders of their shape and
    dtype (what depends on a site is read symbolically, never by its value)."""

    def __init__(self, data: set[int]) -> None:
        self.steps: list[Step] = []
        self.values: dict[int, np.ndarray] = {}
        self.count = 0
        self.known = set(data)

    def new(self, value: Any, known: bool = False) -> int:
        number = self.count
        self.count += 1
        if known:
            self.known.add(number)
        try:
            self.values[number] = np.asarray(value)
        except TypeError:  # a PRNG key: no number to read
            self.values[number] = value
        return number

    def placeholder(self, aval: Any) -> Any:
        try:
            return np.broadcast_to(np.zeros((), np.dtype(aval.dtype)), aval.shape)
        except TypeError:  # a PRNG key
            return None

    def value(self, ref: Ref) -> Any:  # noqa: D102
        return ref.value if isinstance(ref, Const) else self.values[ref]

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
            body = next((eqn.params[k] for k in _BODY_PARAMS if k in eqn.params), None)
            parts = closed_parts(body) if body is not None else None
            if eqn.primitive.name in _INLINE and parts is not None:
                inner, inner_consts = parts
                inner = open_jaxpr(inner)
                skip = len(ins) - len(inner.invars)  # leading consts some calls pass as operands
                outs = self.run(inner, inner_consts, ins[skip:])
            elif all(isinstance(r, Const) or r in self.known for r in ins):
                values = [self.value(r) for r in ins]
                results = host_evaluate(eqn, values)
                if results is None:
                    results = eqn.primitive.bind(*values, **eqn.params)
                    results = results if eqn.primitive.multiple_results else [results]
                outs = [self.new(v, known=True) for v in results]
                self.steps.append(Step(eqn.primitive.name, dict(eqn.params), tuple(ins),
                                       tuple(outs)))
            else:
                outs = [self.new(self.placeholder(v.aval)) for v in eqn.outvars]
                self.steps.append(Step(eqn.primitive.name, dict(eqn.params), tuple(ins),
                                       tuple(outs)))
            for var, ref in zip(eqn.outvars, outs):
                env[var] = ref
        return [read(a) for a in jaxpr.outvars]


def trace_computation(model: Callable, args: tuple = (), kwargs: dict | None = None, *,
                      seed: int = 0) -> Computation:
    """The computation from ``model``'s sites and data arguments to its parameters."""
    kwargs = dict(kwargs or {})
    with validation_enabled(False):  # checks of values add steps, never parameters
        return _trace_computation(model, args, kwargs, seed)


def _trace_computation(model: Callable, args: tuple, kwargs: dict, seed: int) -> Computation:
    sites, plates = _site_shapes(model, args, kwargs, seed)
    slots, rebuild = data_arguments(model, args, kwargs)
    recorded: list = []
    nonnegative: set[str] = set()

    def staged(site_values: dict, data: list, plate_values: dict) -> list:
        new_args, new_kwargs = rebuild(data)
        capture = _Capture(handlers.seed(model, seed), site_values, plate_values)
        capture(*new_args, **new_kwargs)
        recorded[:] = capture.recorded
        nonnegative.update(capture.nonnegative)
        return [r[2] for r in capture.recorded]

    data = [jax.numpy.asarray(v) for _, v in slots]
    closed = jax.make_jaxpr(staged)(sites, data, plates)
    flat = _Flattener(set())
    inputs: list[Input] = []
    # the inputs in the order make_jaxpr flattened them; a leaf of a site's pytree (a module's
    # parameters) is named by its path below the site
    kinds = ("site", "argument", "plate")
    ordered = []
    for path, value in jax.tree_util.tree_flatten_with_path((sites, data, plates))[0]:
        kind = kinds[path[0].idx]
        name = (slots[path[1].idx][0] if kind == "argument"
                else path[1].key + jax.tree_util.keystr(path[2:]))
        ordered.append((kind, name, value))
    refs: list[Ref] = []
    for kind, name, value in ordered:
        if kind != "argument":  # a site's value is read symbolically: its shape is enough
            value = flat.placeholder(value)
        number = flat.new(value, known=kind == "argument")
        inputs.append(Input(kind, name, number))
        refs.append(number)
    jaxpr, consts = closed_parts(closed)
    outs = flat.run(open_jaxpr(jaxpr), consts, refs)
    outputs = tuple(Output(site, param, ref, event_dim, batch_shape, base_ndim, reinterpreted)
                    for (site, param, _, event_dim, batch_shape, base_ndim, reinterpreted), ref
                    in zip(recorded, outs))
    return Computation(tuple(inputs), tuple(flat.steps), outputs, flat.values,
                       frozenset(nonnegative))
