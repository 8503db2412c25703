"""NumPyro effect handlers that record sites, cut provenance at each site, and label scan bodies."""

from __future__ import annotations

import functools
import sys
import traceback
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

import jax
import numpy as np
import numpyro.distributions as numpyro_dist
from numpyro.contrib.control_flow.cond import cond_wrapper
from numpyro.contrib.control_flow.scan import scan_wrapper
from numpyro.distributions import (
    Distribution,
    ExpandedDistribution,
    Independent,
    TransformedDistribution,
)
from numpyro.distributions.distribution import MaskedDistribution, Unit
from numpyro.distributions.transforms import ComposeTransform, Transform
from numpyro.infer.initialization import init_to_uniform
from numpyro.primitives import Messenger

from ._jax import (
    Previous,
    ProvenanceTrace,
    ProvenanceTracer,
    concrete,
    direct_source,
    is_foreign_tracer,
    label,
    plain_evaluation,
    prng_key,
    provenance,
)
from .source import user_frame, user_source

__all__ = ["BodyLabeler", "DataArg", "RawSite", "Seed", "SiteRecorder", "sample_value",
           "unwrap_distribution"]

_WRAPPERS = (Independent, ExpandedDistribution, MaskedDistribution)


def _caller_source() -> str | None:
    """The user's line that made the site a handler is processing (handler frames skipped)."""
    return user_source(traceback.walk_stack(sys._getframe(3)))


def _caller_frame() -> FrameType | None:
    """The call of the user's code that made the site a handler is processing."""
    found = user_frame(traceback.walk_stack(sys._getframe(3)))
    return None if found is None else found[0]


def unwrap_distribution(fn: Any) -> Any:
    """The distribution inside Independent / ExpandedDistribution / MaskedDistribution wrappers:
    the one whose class NumPyro names a site by (``numpyro.infer.inspect._get_dist_name``)."""
    while isinstance(fn, _WRAPPERS):
        fn = fn.base_dist
    return fn


def transformed_parts(fn: Any) -> tuple[Any, tuple[str, ...]]:
    """The distribution a user wrote inside a ``TransformedDistribution`` (wrappers unwrapped)
    and the names of its transforms, innermost first (``Normal``, ``("Affine", "Exp")``).

    Subclasses with parameters of their own (``LogNormal``) are distributions in their own right
    and stay as they are.
    """
    base = unwrap_distribution(fn)
    names: list[str] = []
    while type(base) is TransformedDistribution:
        parts: list[Any] = []
        for t in base.transforms:
            parts.extend(t.parts if isinstance(t, ComposeTransform) else [t])
        names[:0] = [type(t).__name__.strip("_").removesuffix("Transform") or type(t).__name__
                     for t in parts]
        base = unwrap_distribution(base.base_dist)
    return base, tuple(names)


@dataclass(frozen=True)
class DataArg:
    """A model argument, by its name, as a provenance label (never equal to a site's name);
    ``position`` orders arguments as the model's signature does."""

    name: str
    position: int = 0

    def __str__(self) -> str:
        return self.name


def parameter_sources(fn: Any) -> dict[str, Any]:
    """Each parameter that *is* one site's or argument's value (per element, as ``theta`` or
    ``mu[county]``), by that site's name or ``DataArg``; parameters computed from values
    (``exp(h)``) are left out."""
    base, _ = transformed_parts(fn)
    attrs = vars(base)
    out = {}
    for name in getattr(base, "arg_constraints", {}):
        source = direct_source(attrs.get(name))
        if source is not None:
            out[name] = source
    return out


def distribution_name(fn: Any) -> str:
    """The user-facing class name: ``Bernoulli`` for ``BernoulliProbs`` and ``BernoulliLogits``."""
    name = type(fn).__name__
    for suffix in ("Probs", "Logits"):
        stem = name[: -len(suffix)]
        if name.endswith(suffix) and stem and callable(getattr(numpyro_dist, stem, None)):
            return stem
    return name


def _number(v: Any, digits: int) -> str:
    v = v.item() if hasattr(v, "item") else v
    return str(v) if isinstance(v, (bool, int)) else f"{v:.{digits}g}"


def _vector_text(flat: np.ndarray) -> str:
    """A short vector in full, a long one by its ends: ``[0.33, 0.33, 0.33]``, ``[1, …, 1]``,
    ``[0.1, 0.2, …, 0.9]`` (two significant digits)."""
    items = [_number(v, 2) for v in flat]
    if len(items) > 4:
        items = [items[0], "…", items[-1]] if len(set(items)) == 1 else \
            [items[0], items[1], "…", items[-1]]
    return "[" + ", ".join(items) + "]"


def _constant_text(value: Any, event_dim: int = 0) -> str | None:
    """A constant parameter as a statistician writes it: a number (three significant digits)
    when it is one value broadcast over the batch, the vector itself when the distribution
    takes a vector (``Categorical([0.33, 0.33, 0.33])``, ``Dirichlet([1, …, 1])``), a short
    vector of differing values in full (``Normal([-1, 1], 1)``), else its shape (``array[3, 3]``).
    """
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):
        return None
    if arr.dtype.kind not in "biufc" or arr.size == 0:  # not a number (a str is numpyro's error)
        return None
    if event_dim == 1 and arr.ndim >= 1:
        rows = arr.reshape(-1, arr.shape[-1])
        if bool(np.all(rows == rows[0])):
            return _vector_text(rows[0])
    flat = arr.reshape(-1)
    if event_dim == 0 and (arr.size == 1 or bool(np.all(flat == flat[0]))):
        return _number(flat[0], 3)
    if event_dim == 0 and arr.ndim == 1:
        return _vector_text(flat)
    return f"array{list(arr.shape)}"


@functools.cache
def _pytree_fields(cls: type) -> tuple[frozenset, frozenset]:
    """A distribution class's pytree data fields and aux fields (numpyro's own declaration)."""
    data = getattr(cls, "gather_pytree_data_fields", None)
    aux = getattr(cls, "gather_pytree_aux_fields", None)
    return frozenset(data() if data else ()), frozenset(aux() if aux else ())


def distribution_inputs(fn: Any) -> tuple[dict[str, frozenset], tuple[tuple[str, str | None], ...]]:
    """Provenance per parameter name of a (possibly wrapped) distribution, and its display args.

    Every distribution is walked generically: its pytree data fields (numpyro's declaration of
    what in it is data; private ones too, as a mixture's components) and its other public
    attributes, nested distributions and transforms included. A parameter is named by its path
    of field names without leading underscores: ``loc``, ``mask``,
    ``mixing_distribution.probs``, ``component_distributions[1].loc``; a wrapper's ``base_dist``
    adds nothing to the path (``Independent(Normal(mu, 1))`` has ``loc``), and a transform's
    parameters are named by the field holding the transform (``transforms``). Parameters are read
    before sampling computes lazy ones (so a Bernoulli given ``logits`` does not also report
    ``probs``).
    """
    by_name = _provenance_by_path(fn)
    base, _ = transformed_parts(fn)
    attrs = vars(base)
    constraints = getattr(base, "arg_constraints", {})
    args = tuple(
        (name, None if provenance(attrs[name]) else _constant_text(
            concrete(attrs[name]), getattr(constraints[name], "event_dim", 0)))
        for name in constraints
        if name in attrs
    )
    # attributes a constructor derives from its arguments (OrderedLogistic's ``probs``) are not
    # parameters of their own when the declared parameters already carry their provenance
    declared = frozenset().union(*(by_name.get(name, frozenset()) for name, _ in args))
    declared_names = {name for name, _ in args}
    by_name = {name: prov for name, prov in by_name.items()
               if name in declared_names or not prov <= declared}
    order = {name: i for i, (name, _) in enumerate(args)}
    by_name = dict(sorted(by_name.items(), key=lambda kv: order.get(kv[0], len(order))))
    return by_name, args


def _provenance_by_path(fn: Any) -> dict[str, frozenset]:
    """The provenance of every value inside a distribution, by its path of field names (see
    ``distribution_inputs``), in the order the walk meets them."""
    by_name: dict[str, frozenset] = {}
    seen: set[int] = set()

    def visit(obj: Any, name: str | None) -> None:
        if id(obj) in seen:
            return
        seen.add(id(obj))
        if isinstance(obj, Distribution):
            data, aux = _pytree_fields(type(obj))
            # declared parameters first: a value a wrapper also hands to an inner distribution
            # (HalfCauchy's ``scale`` in its ``_cauchy``) is named as the wrapper declares it
            declared = getattr(obj, "arg_constraints", {})
            items = sorted(vars(obj).items(), key=lambda kv: kv[0] not in declared)
            for attr, value in items:
                # public static fields too: an array there (Multinomial's total_count) is data
                if attr in data or not attr.startswith("_"):
                    field = attr.lstrip("_")
                    visit(value, name if attr == "base_dist"
                          else f"{name}.{field}" if name else field)
            return
        if isinstance(obj, Transform):
            for attr, value in vars(obj).items():
                if not attr.startswith("_") or attr == "_inverse":
                    visit(value, name or attr)
            return
        if isinstance(obj, (list, tuple)):
            indexed = any(isinstance(item, Distribution) for item in obj)
            for i, item in enumerate(obj):
                visit(item, f"{name}[{i}]" if indexed and name else name)
            return
        if isinstance(obj, dict):
            for item in obj.values():
                visit(item, name)
            return
        prov = provenance(obj)
        if prov and name is not None:
            by_name[name] = by_name.get(name, frozenset()) | prov

    visit(fn, None)
    return by_name


def _sample_inputs(msg: dict) -> tuple[dict[str, frozenset], tuple[tuple[str, str | None], ...]]:
    """A sample site's ``distribution_inputs``; ``handlers.scale`` multiplies its log-density,
    so what the scale is computed from is an input too (``scale``, as for a factor)."""
    inputs, dist_args = distribution_inputs(msg["fn"])
    scale = provenance(msg.get("scale"))
    if scale:
        inputs = {**inputs, "scale": inputs.get("scale", frozenset()) | scale}
    return inputs, dist_args


def _shape(value: Any) -> tuple[int, ...]:
    """An array's shape; ``()`` for a pytree of arrays (a neural network's parameters)."""
    leaves = jax.tree_util.tree_leaves(value)
    return tuple(np.shape(value)) if len(leaves) == 1 and leaves[0] is value else ()


@dataclass
class RawSite:
    """What one run saw of one site, before the runs are merged into records."""

    name: str
    kind: str
    plates: tuple[str, ...]
    distribution: str | None
    shape: tuple[int, ...]
    event_shape: tuple[int, ...]
    discrete: bool
    source: str | None
    infer: tuple[tuple[str, str], ...]
    inputs: dict[str, frozenset]
    dist_args: tuple[tuple[str, str | None], ...]
    value: Any = None
    fn: Any = None
    computed: Any = None  # a deterministic's value as the model computed it, even when held
    constraint: str | None = None
    distribution_class: str | None = None
    sources: dict[str, str] = field(default_factory=dict)  # parameter -> the site/argument it is
    data: dict[str, tuple[str, ...]] = field(default_factory=dict)  # parameter -> arguments
    base_distribution: str | None = None  # a TransformedDistribution's base and its transforms
    transforms: tuple[str, ...] = ()
    call: int | None = None  # which call of the user's code made it (``SiteRecorder._call_of``)

    @functools.cached_property
    def fingerprint(self) -> tuple:
        """The distribution and its parameters (or a deterministic's value) as plain arrays,
        to tell whether a decision changed them. Computed only when control flow asks."""
        if self.fn is None:
            return ("value", np.asarray(self.computed)) if self.kind == "deterministic" else ()
        leaves, treedef = jax.tree_util.tree_flatten(concrete(self.fn))
        return (type(self.fn).__name__, str(treedef), tuple(np.asarray(x) for x in leaves))


def sample_value(fn: Any, rng_key: Any, sample_shape: tuple = ()) -> Any:
    """A value of ``fn``; for an improper prior (``ImproperUniform``, ``CircularReparam``'s
    ``_unwrapped`` site), which has no sampler, a value drawn within its support as numpyro's
    ``init_to_uniform`` does."""
    try:
        return fn.sample(rng_key, sample_shape)
    except NotImplementedError:
        site = {"type": "sample", "name": None, "fn": fn, "value": None, "is_observed": False,
                "kwargs": {"rng_key": rng_key, "sample_shape": tuple(sample_shape)}}
        value = init_to_uniform(site)
        if value is None:  # a discrete support: init_to_uniform has no value either
            raise
        return value


def _sample_site_value(msg: dict) -> tuple[Any, list]:
    """A sample site's value and intermediates (see ``sample_value``)."""
    try:
        return msg["fn"](*msg["args"], sample_intermediates=True, **msg["kwargs"])
    except NotImplementedError:
        kwargs = msg["kwargs"]
        return sample_value(msg["fn"], kwargs.get("rng_key"), kwargs.get("sample_shape", ())), []


def _split_data(inputs: dict[str, frozenset]) -> tuple[dict[str, frozenset], dict]:
    """Per parameter: the sites it depends on, and the model arguments (by name, sorted)."""
    sites: dict[str, frozenset] = {}
    data: dict[str, tuple[str, ...]] = {}
    for param, prov in inputs.items():
        args = sorted((p for p in prov if isinstance(p, DataArg)),
                      key=lambda a: (a.position, a.name))
        if args:
            data[param] = tuple(dict.fromkeys(a.name for a in args))
            prov = prov.difference(args)
        if prov:
            sites[param] = prov
    return sites, data


class Seed(Messenger):
    """numpyro's ``seed`` handler, splitting keys by plain evaluation (keys carry no provenance)."""

    def __init__(self, fn: Any, trace: ProvenanceTrace, rng_seed: int) -> None:
        self.trace = trace
        self.rng_key = prng_key(rng_seed)  # (staging PRNGKey costs as much as a small model)
        if self.rng_key is None:
            with plain_evaluation(trace):
                self.rng_key = jax.random.PRNGKey(rng_seed)
        super().__init__(fn)

    def process_message(self, msg: dict) -> None:
        if msg["type"] not in ("sample", "prng_key", "plate", "control_flow"):
            return
        if msg["kwargs"].get("rng_key") is not None or msg["value"] is not None:
            return
        with plain_evaluation(self.trace):
            self.rng_key, msg["kwargs"]["rng_key"] = jax.random.split(self.rng_key)


def _scan_length(args: tuple, length: Any) -> int:
    """The number of steps of a scan: its ``length`` argument, else the leading dimension of
    ``xs`` (static either way; the ``length`` it returns is abstract in an abstract run)."""
    _f, _init, xs, given = args[:4]
    if given is not None:
        return int(given)
    leaves = jax.tree_util.tree_leaves(xs)
    if leaves:
        return int(np.shape(leaves[0])[0])
    return int(np.asarray(concrete(length)))


class BodyLabeler(Messenger):
    """Inside a staged ``scan``/``cond`` body: mark each site's value with the site's label."""

    def __init__(self, fn: Any, sources: dict[str, str | None]) -> None:
        self.sources = sources
        super().__init__(fn)

    def process_message(self, msg: dict) -> None:
        if msg["type"] in ("sample", "deterministic") and msg["name"] not in self.sources:
            self.sources[msg["name"]] = _caller_source()

    def postprocess_message(self, msg: dict) -> None:
        if msg["type"] in ("sample", "deterministic") and is_foreign_tracer(msg["value"]):
            msg["value"] = label(None, msg["value"], msg["name"])


class SiteRecorder(Messenger):
    """Records every site of one run, in order, and cuts provenance at it.

    process_message (runs before sampling): read the distribution's parameters' provenance.
    postprocess_message (runs last): record the site and replace its value by the same value
    labelled ``{site}``, so what the model computes from it later depends on the site itself.
    Control-flow messages (``scan``, ``cond``) get their bodies wrapped in a ``BodyLabeler``.
    """

    def __init__(self, fn: Any, trace: ProvenanceTrace) -> None:
        self.trace = trace
        self.sites: dict[str, RawSite] = {}
        self.plate_sizes: dict[str, tuple[int, int | None]] = {}
        self.plate_dims: dict[str, int | None] = {}
        self.time_plates: dict[str, tuple[str, int]] = {}  # site -> (time plate name, length)
        self.n_scans = 0
        self.body_sources: dict[str, str | None] = {}
        self.current_site: str | None = None
        self.values: dict[str, Any] = {}  # every site's and plate's concrete value, to hold them
        self.created_after_read: list[str] = []  # param sites read (as None), then created
        # the calls of the user's code that made sites, in order (held, so no two share an id)
        self.calls: dict[int, tuple[int, FrameType]] = {}
        super().__init__(fn)

    def _call_of(self, frame: FrameType | None) -> int | None:
        """Which call of the user's code, counted from 0 in this run, ``frame`` is: the sites
        one call made at one line are one loop's, a recursion's are each call's own."""
        if frame is None:
            return None
        return self.calls.setdefault(id(frame), (len(self.calls), frame))[0]

    # -- control flow ------------------------------------------------------------------------
    def _wrap_body(self, f: Any) -> Any:
        sources = self.body_sources

        def body(*args: Any) -> Any:
            return BodyLabeler(f, sources)(*args)

        return body

    def _process_control_flow(self, msg: dict) -> None:
        args = list(msg["args"])
        if msg["fn"] is scan_wrapper:
            args[0] = self._wrap_body(args[0])
        elif msg["fn"] is cond_wrapper:
            args[1], args[2] = self._wrap_body(args[1]), self._wrap_body(args[2])
        msg["args"] = tuple(args)

    def _postprocess_control_flow(self, msg: dict) -> None:
        if msg["fn"] is not scan_wrapper:
            return
        (length, _key, _carry), (pytree_trace, _ys) = msg["value"]
        name = "time" if self.n_scans == 0 else f"time_{self.n_scans}"
        self.n_scans += 1
        steps = _scan_length(msg["args"], length)
        for site in pytree_trace.trace:
            self.time_plates[site] = (name, steps)

    # -- sites -------------------------------------------------------------------------------
    def process_message(self, msg: dict) -> None:
        kind = msg["type"]
        if kind == "control_flow":
            self._process_control_flow(msg)
        elif kind in ("sample", "deterministic", "param"):
            self.current_site = msg["name"]
            if kind == "sample":
                msg["_plategraph_inputs"] = _sample_inputs(msg)
                msg["_plategraph_sources"] = parameter_sources(msg["fn"])
                if msg["value"] is None:
                    # numpyro would sample next; the sample is labelled with the site after,
                    # so draw it without provenance, at JAX's own speed
                    with plain_evaluation(self.trace):
                        msg["value"], msg["intermediates"] = _sample_site_value(msg)
            msg["_plategraph_source"] = self.body_sources.get(msg["name"]) or _caller_source()
            msg["_plategraph_call"] = self._call_of(_caller_frame())

    def postprocess_message(self, msg: dict) -> None:
        kind = msg["type"]
        if kind == "control_flow":
            self._postprocess_control_flow(msg)
        elif kind == "plate":
            self._record_plate(msg)
        elif kind in ("sample", "deterministic", "param"):
            if self._is_new_site(msg):
                self._record_site(msg)
                recorder = self.trace.recorder
                if recorder is not None and kind != "param":
                    recorder.site(kind, msg["name"], msg["fn"] if kind == "sample" else
                                  msg.get("_plategraph_computed", msg["value"]),
                                  observed=bool(msg.get("is_observed")))
                msg["value"] = value = label(self.trace, msg["value"], msg["name"])
                if recorder is not None and type(value) is ProvenanceTracer:
                    recorder.input("site", msg["name"], value)
                elif recorder is not None:  # a pytree (a module's parameters): leaf by leaf
                    for path, leaf in jax.tree_util.tree_flatten_with_path(value)[0]:
                        recorder.input("site", msg["name"] + jax.tree_util.keystr(path), leaf)
            self.current_site = None

    def _record_plate(self, msg: dict) -> None:
        size, subsample_size = msg["args"]
        self.plate_sizes.setdefault(
            msg["name"], (int(size), None if subsample_size in (None, size)
                          else int(subsample_size))
        )
        self.values[msg["name"]] = concrete(msg["value"])
        if self.trace.recorder is not None and subsample_size not in (None, size):
            self.trace.recorder.input("plate", msg["name"], msg["value"])

    def _is_new_site(self, msg: dict) -> bool:
        """Whether ``msg`` makes a site: not a param site read again. numpyro allows a param site
        twice (``numpyro.module`` reads its params, then creates them); the last one is the site,
        in the place of the first. Any other name used twice is the model's error."""
        name = msg["name"]
        if name not in self.sites:
            return True
        if msg["type"] != "param" or self.sites[name].kind != "param":
            raise ValueError(f"site '{name}' is created twice; site names must be unique "
                             "(in a loop, put the index in the name: f\"{name}_{{i}}\")")
        if msg["value"] is None:  # read again: nothing new
            return False
        if self.sites[name].value is None:
            self.created_after_read.append(name)
        return True

    def _record_site(self, msg: dict) -> None:
        name = msg["name"]
        value = concrete(msg["value"])
        self.values[name] = value
        plates = self._site_plates(msg) if msg["type"] != "param" else ()
        self.sites[name] = RawSite(
            name=name,
            plates=plates,
            shape=_shape(value),
            source=msg.get("_plategraph_source"),
            call=msg.get("_plategraph_call"),
            infer=_infer_items(msg),
            value=value,
            **(_sample_fields(msg) if msg["type"] == "sample" else _value_fields(msg)),
        )

    def _site_plates(self, msg: dict) -> tuple[str, ...]:
        """The site's plates, outermost first (a scan's time axis outside the body's plates),
        each registered with its size and dim on first sight."""
        frames = list(reversed(msg.get("cond_indep_stack") or ()))
        for frame in frames:
            self.plate_dims.setdefault(frame.name, frame.dim)
            self.plate_sizes.setdefault(frame.name, (int(frame.size), None))
        plates = tuple(f.name for f in frames)
        if msg["name"] in self.time_plates:
            time_name, steps = self.time_plates[msg["name"]]
            self.plate_sizes.setdefault(time_name, (steps, None))
            self.plate_dims.setdefault(time_name, None)
            plates = (time_name, *plates)
        return plates


def _infer_items(msg: dict) -> tuple[tuple[str, str], ...]:
    """The site's ``infer`` options as sorted text pairs, numpyro's private ones left out."""
    return tuple(sorted((str(k), str(v)) for k, v in (msg.get("infer") or {}).items()
                        if not str(k).startswith("_")))


def _sample_fields(msg: dict) -> dict[str, Any]:
    """The ``RawSite`` fields a sample site's distribution gives (a factor is a ``Unit``)."""
    fn = msg["fn"]
    base = unwrap_distribution(fn)
    inputs, dist_args = msg.get("_plategraph_inputs") or _sample_inputs(msg)
    sources = msg.get("_plategraph_sources") or parameter_sources(fn)
    base_distribution, transforms = None, ()
    if type(base) is TransformedDistribution:
        inner, transforms = transformed_parts(base)
        base_distribution = distribution_name(inner)
    if isinstance(base, Unit):
        kind = "factor"
    elif msg.get("is_observed"):
        kind = "observed"
    else:
        kind = "latent"
    inputs, data = _split_data(inputs)
    if msg.get("is_observed"):
        _, observed_from = _split_data({"obs": provenance(msg["value"])})
        data.update(observed_from)
    return {
        "kind": kind,
        "distribution": None if kind == "factor" else distribution_name(base),
        "event_shape": tuple(fn.event_shape),
        "discrete": bool(getattr(fn.support, "is_discrete", False)),
        "inputs": inputs,
        "dist_args": dist_args,
        "fn": fn,
        "distribution_class": type(base).__name__,
        # a site's own earlier value only as its own parameter (``h[t-1]``)
        "sources": {param: str(source) for param, source in sources.items()
                    if not isinstance(source, Previous) or source == msg["name"]},
        "data": data,
        "base_distribution": base_distribution,
        "transforms": transforms,
    }


def _value_fields(msg: dict) -> dict[str, Any]:
    """The ``RawSite`` fields of a deterministic or param site: what its value is computed from
    (a deterministic's), a param's constraint."""
    kind = msg["type"]
    computed = msg.get("_plategraph_computed", msg["value"])
    prov = provenance(computed) if kind == "deterministic" else frozenset()
    inputs, data = _split_data({"value": prov} if prov else {})
    return {
        "kind": kind,
        "distribution": None,
        "event_shape": (),
        "discrete": False,
        "inputs": inputs,
        "dist_args": (),
        "computed": concrete(computed) if kind == "deterministic" else computed,
        "constraint": str(msg["kwargs"].get("constraint", "")) if kind == "param" else None,
        "data": data,
    }
