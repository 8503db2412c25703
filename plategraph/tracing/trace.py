"""Trace a model into records: one provenance run, then re-runs that decide Python control flow.

The algorithm (docs/design.md):

1. Run the model once (seed 0) under a ``ProvenanceTrace`` with a ``SiteRecorder``: every site,
   its plates, the sites each distribution parameter depends on (data edges), and the sites whose
   values Python control flow was decided on (the deciders).
2. For each decider ``s`` (in trace order) and each alternative value ``v`` of it (its finite
   support up to ``MAX_ALTERNATIVES`` values, else a few draws with a fixed seed), run again with
   ``s = v`` and every other site held at its value (deterministic sites and plate subsamples
   included). A site present in one run and not the other is *gated* by ``s``; a site whose
   distribution or parameters changed, and that ``s`` does not reach by data flow, gets a
   *control* edge ``s → t``. Deciders first seen in a re-run are varied in that run's context.
3. The records are the union over all runs: sites in merged trace order, data edges of every run.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import inspect
import warnings
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from typing import Any

import jax
import numpy as np
from numpyro import handlers
from numpyro.distributions import Distribution
from numpyro.primitives import Messenger

from ..exceptions import IncompleteTraceWarning, ModelError, NotCallableError
from ._jax import concrete, is_foreign_tracer, label, run_with_provenance
from .computation import ComputationRecorder
from .loops import loop_lengths
from .messengers import DataArg, RawSite, Seed, SiteRecorder, sample_value
from .records import Edge, Plate, Site, TraceRecord, merged_data_args
from .source import error_source

__all__ = ["Run", "data_of", "decided_together", "first_run", "run_model", "trace_model"]

MAX_ALTERNATIVES = 16  # values tried per decider with a finite support
N_DRAWS = 3  # values drawn per decider without one
MAX_RUNS = 256  # runs per model, the first included
VARIED_KINDS = ("latent", "deterministic")  # deciders whose values are varied in re-runs


@dataclass
class Run:
    """One execution of the model."""

    sites: dict[str, RawSite]
    deciders: list[str]  # sites a Python decision was made on, in order of first decision
    plate_sizes: dict[str, tuple[int, int | None]]
    plate_dims: dict[str, int | None]
    values: dict[str, Any]
    abstract: bool = False  # an abstract run (sampled values unknown; see first_run)
    decisions: tuple[frozenset, ...] = ()  # the distinct sets of sites decided on, in order
    counted: frozenset = frozenset()  # sites Python took an integer from (``range(int(k))``)
    # the first run's computation as recorded, numbered only when model_spec asks
    recorded: ComputationRecorder | None = None


def _unpartial(model: Any) -> Any:
    """The user's function inside partials and handler decorators (``@handlers.reparam(…)``)."""
    while True:
        if isinstance(model, functools.partial):
            model = model.func
        elif isinstance(model, Messenger) and model.fn is not None:
            model = model.fn
        else:
            return model


def model_name(model: Any) -> str:
    """A readable name for a model function, partial or callable object."""
    model = _unpartial(model)
    return getattr(model, "__name__", None) or type(model).__name__


def _holder(held: dict[str, Any]) -> Callable[[dict], Any]:
    """A substitute_fn holding sites and plates at given values, where the shapes still fit."""

    def substitute_fn(msg: dict) -> Any:
        value = held.get(msg["name"])
        if value is None:
            return None
        if msg["type"] == "plate":
            size, subsample_size = msg["args"]
            return value if np.shape(value) == ((subsample_size or size),) else None
        if msg["type"] == "deterministic":
            # held like any site, but what the model computed is what a decision may change
            msg["_plategraph_computed"] = msg["value"]
            return value
        fn = msg.get("fn")
        if msg["type"] != "sample" or fn is None:
            return value
        expected = tuple(msg["kwargs"].get("sample_shape", ())) + tuple(fn.shape())
        shape = np.shape(value)
        # inside a scan body a held series is indexed per step by numpyro itself
        if shape == expected or shape[1:] == expected:
            return value
        return None

    return substitute_fn


@contextlib.contextmanager
def _no_validation() -> Iterator[None]:
    """Turn off numpyro's argument validation for one run, restoring the setting after.

    Validation evaluates every constraint of every distribution; on values that carry provenance
    numpyro skips the check anyway, so it would be pure cost (half of the tracing time).
    """
    previous = Distribution._validate_args
    Distribution.set_default_validate_args(False)
    try:
        yield
    finally:
        Distribution.set_default_validate_args(previous)


def run_model(model: Callable, args: tuple, kwargs: dict, *, seed: int, held: dict[str, Any],
              abstract: bool = False, record: bool = False) -> Run:
    """One run of ``model(*args, **kwargs)`` with the sites and plates in ``held`` at those values.

    A run that holds nothing (the first), or one asked to (``record``), records the model's
    computation too (``Run.recorded``, what ``model_spec`` reads). A model that fails on its
    data labelled with the arguments' names is run again on its own arguments. Every run of a
    trace calls it by this name, so tests can count runs by patching it.
    """
    with _no_validation():
        try:
            return _run_validated(model, args, kwargs, seed=seed, held=held, abstract=abstract,
                                  record=record)
        except (TimeoutError, MemoryError):
            raise
        except Exception:  # noqa: BLE001
            if abstract or not _has_data(model, args, kwargs):
                raise
        # a model may use a NumPy argument as NumPy (``y[mask] = 0``), which an array carrying
        # its name cannot do: run it on its own arguments (the labels then miss that data)
        return _run_validated(model, args, kwargs, seed=seed, held=held, abstract=abstract,
                              data_labels=False, record=record)


def _has_data(model: Callable, args: tuple, kwargs: dict) -> bool:
    leaves = jax.tree_util.tree_leaves((args, kwargs))
    return any(_is_data(leaf) for leaf in leaves)


# Model code to run concretely from its next trace on: its abstract run did not do, or it is
# big (staging costs more per operation the bigger the staged program, so once the first
# concrete run has compiled what the model needs, concrete runs are faster). A closure of the
# same code that could have run abstractly only loses speed, never accuracy.
_CONCRETE_NEXT: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
BIG_MODEL_SITES = 2000


def _code_of(model: Any) -> Any:
    return getattr(_unpartial(model), "__code__", None)


def first_run(model: Callable, args: tuple, kwargs: dict, *, seed: int) -> Run:
    """The first run: abstract when the model allows it, else concrete.

    An abstract run samples nothing and compiles nothing (a fresh process otherwise spends most
    of its first trace compiling JAX's samplers). It gives the same records as a concrete run
    unless Python control flow looks at sampled values; then it stops at the first such
    decision (or fails in JAX's own checks), and the model runs concretely. A model that
    raises in the abstract run is run concretely too, so its error is the real one.

    ``trace_model`` calls it by this name, so tests can spy on it or replace it.
    """
    code = _code_of(model)
    if code is not None and code in _CONCRETE_NEXT:
        return run_model(model, args, kwargs, seed=seed, held={})
    try:
        run = run_model(model, args, kwargs, seed=seed, held={}, abstract=True)
    except (TimeoutError, MemoryError):  # a time limit or the machine, not the values
        raise
    except Exception:  # noqa: BLE001  any other failure here just means: run concretely
        run = None
    if run is None or not _as_good_as_concrete(run):
        if code is not None:
            _CONCRETE_NEXT[code] = True
        return run_model(model, args, kwargs, seed=seed, held={})
    if code is not None and len(run.sites) >= BIG_MODEL_SITES:
        _CONCRETE_NEXT[code] = True
    return _without_values(run)


def _as_good_as_concrete(run: Run) -> bool:
    """Whether an abstract run gives the records of a concrete one: it met no decision to vary,
    and read every constant parameter (it cannot in a scan body)."""
    if any(run.sites[name].kind in VARIED_KINDS for name in run.deciders):
        return False
    return not any(
        text is None and param not in raw.inputs and param not in raw.data
        for raw in run.sites.values() for param, text in raw.dist_args
    )


def _without_values(run: Run) -> Run:
    """An abstract run, marked so, without its abstract values: they must not outlive the run
    (only re-runs, none here, would read them)."""
    run.values = {}
    run.sites = {name: dataclasses.replace(raw, value=None, fn=None, computed=None)
                 for name, raw in run.sites.items()}
    run.abstract = True
    return run


def _run_validated(
    model: Callable, args: tuple, kwargs: dict, *, seed: int, held: dict[str, Any],
    abstract: bool = False, data_labels: bool = True, record: bool = False,
) -> Run:
    record = record or not held

    def attempt(trace: Any, held: dict[str, Any]) -> SiteRecorder:
        fn: Any = model
        if held:
            fn = handlers.substitute(fn, substitute_fn=_holder(held))
        recorder = SiteRecorder(Seed(fn, trace, seed), trace)
        trace.recorder = ComputationRecorder(trace.decisions) if record else None
        try:
            call_args, call_kwargs = (_labelled_arguments(model, args, kwargs, trace)
                                      if data_labels else (args, kwargs))
            recorder(*call_args, **call_kwargs)
        except Exception as err:
            err.__plategraph_site__ = recorder.current_site  # type: ignore[attr-defined]
            raise
        return recorder

    def go(trace: Any) -> SiteRecorder:
        recorder = attempt(trace, held)
        if recorder.created_after_read:
            # numpyro.module reads its parameters, creates them and uses what it created, not
            # the site's value; held at their values they are read, so they flow from the site
            recorder = attempt(trace, {**held, **{name: recorder.values[name]
                                                  for name in recorder.created_after_read}})
        return recorder

    recorder, trace = run_with_provenance(go, abstract=abstract)
    recorded, trace.recorder = trace.recorder, None
    deciders: list[str] = []
    for prov in trace.decisions:
        # decisions on the model's data alone vary nothing: data is not a site
        prov = [p for p in prov if type(p) is str]
        for name in sorted(prov, key=list(recorder.sites).index):
            if name not in deciders:
                deciders.append(name)
    # what the model computed after a Python decision on a sampled value holds for that value
    # only: the sites made after the first such decision are not written out
    first = next((n for n, prov in enumerate(trace.decisions) if any(
        type(p) is str and recorder.sites[p].kind != "observed" for p in prov)), None)
    if recorded is not None and first is not None:
        recorded.decided_at(first)
    return Run(recorder.sites, deciders, recorder.plate_sizes, recorder.plate_dims,
               recorder.values, decisions=tuple(dict.fromkeys(trace.decisions)),
               counted=frozenset(p for p in trace.counted if type(p) is str),
               recorded=recorded)


def _is_data(value: Any) -> bool:
    """An array argument to label with its name: a NumPy/JAX array of numbers (≥ 1-d; a scalar
    shows its value) that is not a tracer of an enclosing JAX transformation."""
    if not isinstance(value, (np.ndarray, jax.Array)) or is_foreign_tracer(value):
        return False
    return np.ndim(value) >= 1 and np.dtype(value.dtype).kind in "biuf"


def _data_label(trace: Any, value: Any, arg: DataArg) -> Any:
    # as the JAX array the model's first jnp operation would make of it (a NumPy array cannot
    # enter a staged program as it is); a JAX array is that already
    out = label(trace, value if isinstance(value, jax.Array) else jax.numpy.asarray(value), arg)
    if trace.recorder is not None:
        trace.recorder.input("argument", arg.name, out)
    return out


_SIGNATURES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _signature(model: Any) -> inspect.Signature:
    """``inspect.signature(model)``, once per model (every run binds the arguments to it)."""
    try:
        signature = _SIGNATURES.get(model)
    except TypeError:  # not weakly referable
        return inspect.signature(model)
    if signature is None:
        signature = inspect.signature(model)
        with contextlib.suppress(TypeError):
            _SIGNATURES[model] = signature
    return signature


def _labelled_arguments(model: Callable, args: tuple, kwargs: dict, trace: Any
                        ) -> tuple[tuple, dict]:
    """The model's arguments with each data array carrying its argument's name as provenance
    (``sigma``; ``data['x']`` inside a dict, ``args[0]`` for ``*args``), so a parameter computed
    from data is labelled by the name the model gave it."""
    try:
        bound = _signature(model).bind(*args, **kwargs)
    except (TypeError, ValueError):
        return args, kwargs
    position = 0

    def labelled(name: str, value: Any) -> Any:
        nonlocal position
        position += 1
        if _is_data(value):
            return _data_label(trace, value, DataArg(name, position))
        if not isinstance(value, (tuple, list, dict)):
            return value
        leaves, treedef = jax.tree_util.tree_flatten_with_path(value)
        if not any(_is_data(leaf) for _, leaf in leaves):
            return value
        return jax.tree_util.tree_unflatten(treedef, [
            _data_label(trace, leaf, DataArg(name + jax.tree_util.keystr(path), position))
            if _is_data(leaf) else leaf
            for path, leaf in leaves])

    kinds = {p.name: p.kind for p in bound.signature.parameters.values()}
    for name, value in list(bound.arguments.items()):
        if kinds[name] is inspect.Parameter.VAR_POSITIONAL:
            bound.arguments[name] = tuple(labelled(f"{name}[{i}]", v) for i, v in enumerate(value))
        elif kinds[name] is inspect.Parameter.VAR_KEYWORD:
            bound.arguments[name] = {k: labelled(k, v) for k, v in value.items()}
        else:
            bound.arguments[name] = labelled(name, value)
    return bound.args, bound.kwargs


def _alternatives(site: RawSite, seed: int) -> list[Any]:
    """Other values to try for a decider: its finite support, else draws from it."""
    current = np.asarray(site.value)
    candidates: list[Any] = []
    if site.kind == "deterministic":
        if current.dtype == bool:
            candidates = [~current]
        elif np.issubdtype(current.dtype, np.integer):
            candidates = [current + 1, current - 1, np.zeros_like(current)]
        else:
            candidates = [-current, current * 2 + 1, np.zeros_like(current)]
    else:
        fn = concrete(site.fn)
        if getattr(fn, "has_enumerate_support", False):
            try:
                support = np.asarray(fn.enumerate_support(expand=False))
            except (NotImplementedError, ValueError, TypeError):
                support = None
            if support is not None:
                values = support.reshape(support.shape[0], -1)[:, 0]
                if len(values) > MAX_ALTERNATIVES:
                    idx = np.unique(np.linspace(0, len(values) - 1, MAX_ALTERNATIVES).round())
                    values = values[idx.astype(int)]
                candidates = [np.broadcast_to(v, current.shape).astype(current.dtype)
                              for v in values]
        if not candidates:
            keys = jax.random.split(jax.random.PRNGKey(seed + 1), N_DRAWS)
            candidates = [np.asarray(sample_value(fn, k)) for k in keys]
    out = []
    for c in candidates:
        c = np.asarray(c)
        if c.shape == current.shape and not np.array_equal(c, current) and not any(
            np.array_equal(c, o) for o in out
        ):
            out.append(c)
    return out


def _same(a: tuple, b: tuple) -> bool:
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
            x, y = np.asarray(x), np.asarray(y)
            if x.shape != y.shape or not np.array_equal(x, y, equal_nan=x.dtype.kind in "fc"):
                return False
        elif isinstance(x, tuple) and isinstance(y, tuple):
            if not _same(x, y):
                return False
        elif x != y:
            return False
    return True


def _data_parents(site: RawSite) -> frozenset:
    return frozenset().union(*site.inputs.values()) if site.inputs else frozenset()


def _merge_order(order: list[str], other: list[str]) -> None:
    """Insert the names of ``other`` missing from ``order`` after their predecessor in ``other``."""
    for i, name in enumerate(other):
        if name in order:
            continue
        pos = 0
        for prev in reversed(other[:i]):
            if prev in order:
                pos = order.index(prev) + 1
                break
        order.insert(pos, name)


def data_of(make: Callable[[], Any]) -> Any:
    """``make()`` (a gallery module's ``examples()``: the data its models are drawn with) with
    JAX's operations on concrete values evaluated as the tracer evaluates a model's: by NumPy
    rules where one applies. Making the examples then compiles nothing; in a fresh process each
    operation and shape would be an XLA compilation of tens of milliseconds (converting each
    array to JAX's default type, mostly)."""
    result, _trace = run_with_provenance(lambda _: make())
    return result


def trace_model(model: Callable, args: tuple = (), kwargs: dict | None = None, *,
                seed: int = 0) -> TraceRecord:
    """Trace ``model(*args, **kwargs)`` into a ``TraceRecord`` (sites, plates, edges)."""
    kwargs = dict(kwargs or {})
    name = _checked_name(model, args, kwargs)
    base = _base_run(model, args, kwargs, seed=seed, name=name)
    found = _vary_deciders(model, args, kwargs, seed, base)
    if found.unfinished:
        warnings.warn(
            f"model '{name}': Python control flow on {', '.join(found.unfinished)} needed more "
            f"than {MAX_RUNS} runs; control edges and gated sites of these may be missing",
            IncompleteTraceWarning,
            stacklevel=3,
        )
    for loop in found.unsure:
        warnings.warn(
            f"model '{name}': {loop}, and the values tried showed it whole or absent: if its "
            "length depends on that value, it is drawn with one of its lengths",
            IncompleteTraceWarning, stacklevel=3)
    _close_gates(found.gated)
    record = _records(name, found.runs, found.gated, found.control, found.sized)
    return dataclasses.replace(record, alternatives=_alternatives_seen(found.runs))


def _checked_name(model: Any, args: tuple, kwargs: dict) -> str:
    """The model's name, once it is known to be callable with these arguments."""
    if not callable(model):
        raise NotCallableError(
            f"a model must be a callable (a function using numpyro.sample); got "
            f"{type(model).__name__} {model!r:.60}",
            model=None,
        )
    name = model_name(model)
    try:
        signature = _signature(model)
    except (TypeError, ValueError):
        return name
    try:
        signature.bind(*args, **kwargs)
    except TypeError as err:
        raise ModelError(
            f"model '{name}' cannot be called with these arguments: {err}", model=name
        ) from err
    return name


def _base_run(model: Callable, args: tuple, kwargs: dict, *, seed: int, name: str) -> Run:
    """The first run, its failure a ``ModelError`` naming the site and the user's line."""
    try:
        base = first_run(model, args, kwargs, seed=seed)
    except Exception as err:
        site = getattr(err, "__plategraph_site__", None)
        source = error_source(err)
        where = "".join(
            [f" at site '{site}'" if site else "", f" ({source})" if source else ""]
        )
        raise ModelError(
            f"model '{name}' raised {type(err).__name__}{where}: {err}",
            model=name, site=site, source=source,
        ) from err
    if not base.sites:
        raise ModelError(
            f"model '{name}' has no sites: it called none of numpyro.sample, numpyro.param, "
            "numpyro.deterministic or numpyro.factor",
            model=name,
        )
    return base


@dataclass
class _Findings:
    """What varying the deciders found: every run, the gates and control edges they showed, and
    the deciders left unvaried for lack of runs."""

    runs: list[Run]
    gated: dict[str, list[str]] = field(default_factory=dict)
    control: list[tuple[str, str]] = field(default_factory=list)
    unfinished: list[str] = field(default_factory=list)
    sized: dict[str, str] = field(default_factory=dict)  # site → the count its loop ran to
    unsure: list[str] = field(default_factory=list)  # loops whose length was not seen to vary


def _vary_deciders(model: Callable, args: tuple, kwargs: dict, seed: int, base: Run) -> _Findings:
    """Step 2 of the algorithm: each decider varied once, in the run it was first met in,
    jointly with the deciders decided on together with it where that shows the same."""
    found = _Findings([base])
    varied: set[str] = set()
    worklist = [(base, s) for s in base.deciders]
    while worklist:
        context, decider = worklist.pop(0)
        if decider in varied:
            continue
        group = decided_together(context, decider, varied)
        if len(group) > 1 and MAX_RUNS - len(found.runs) > N_DRAWS:
            joint = _vary_jointly(model, args, kwargs, seed, context, group)
            if joint is not None:  # nothing changed: the members need no runs of their own
                found.runs.extend(joint)
                varied.update(group)
                continue
        varied.add(decider)
        if context.sites[decider].kind not in VARIED_KINDS:
            continue
        for variant in _vary_alone(model, args, kwargs, seed, context, decider, found):
            worklist.extend((variant, s) for s in variant.deciders if s not in varied)
    return found


def _vary_alone(model: Callable, args: tuple, kwargs: dict, seed: int, context: Run,
                decider: str, found: _Findings) -> list[Run]:
    """The runs with ``decider`` at each of its alternatives and every other site held as in
    ``context``, each compared with ``context`` into ``found``."""
    variants = []
    # the first run's one sampled decider: each run of it records what it computes, so that
    # model_spec can write out what every value computes (``_alternatives_seen``)
    record = context is found.runs[0] and _sampled_deciders(context) == [decider] and \
        _whole_support(context.sites[decider]) is not None
    for value in _alternatives(context.sites[decider], seed):
        if len(found.runs) >= MAX_RUNS:
            found.unfinished.append(decider)
            break
        try:
            variant = run_model(model, args, kwargs, seed=seed,
                                held={**context.values, decider: value}, record=record)
        except Exception:  # noqa: BLE001  a value the model cannot take tells us nothing
            continue
        found.runs.append(variant)
        _compare(context, variant, decider, found.gated, found.control)
        variants.append(variant)
    runs = [context, *variants]
    sized, unsure = loop_lengths(decider, [run.sites for run in runs],
                                 counted=any(decider in run.counted for run in runs))
    for name in sized:
        found.sized.setdefault(name, decider)
    found.unsure.extend(unsure)
    return variants


def _sampled_deciders(run: Run) -> list[str]:
    """The sites of a run Python decided on whose values the model sampled (not data)."""
    return [d for d in run.deciders if run.sites[d].kind == "latent"]


def _alternatives_seen(runs: list[Run]) -> tuple | None:
    """``(decider, ((value, recorded computation), …))`` when every run decided on one sampled
    scalar site alone, with a finite support of at most ``MAX_ALTERNATIVES`` values, and the
    runs tried each value once: then they are every way the model's Python can run. Else None.
    """
    deciders = {d for run in runs for d in _sampled_deciders(run)}
    if len(deciders) != 1 or any(d not in deciders for run in runs for d in run.deciders
                                 if run.sites[d].kind != "observed"):
        return None  # a parameter or a deterministic site decided too: not varied over
    (decider,) = deciders
    support = _whole_support(runs[0].sites[decider])
    if support is None or any(run.recorded is None or decider not in run.values
                              for run in runs):
        return None
    seen = [np.asarray(run.values[decider]).item() for run in runs]
    if sorted(seen) != sorted(support):
        return None
    return decider, tuple(zip(seen, (run.recorded for run in runs)))


def _whole_support(site: RawSite) -> list | None:
    """A scalar site's every value, when its support is finite and at most ``MAX_ALTERNATIVES``
    values (all of them tried), else None."""
    if site.fn is None or np.shape(site.value) != ():
        return None
    fn = concrete(site.fn)
    if not getattr(fn, "has_enumerate_support", False):
        return None
    try:
        support = np.asarray(fn.enumerate_support(expand=False)).reshape(-1)
    except (NotImplementedError, ValueError, TypeError):
        return None
    return support.tolist() if len(support) <= MAX_ALTERNATIVES else None


def decided_together(context: Run, decider: str, varied: set[str]) -> list[str]:
    """The deciders that every Python decision on ``decider`` also looked at, and no other
    decision did (a solver's ``while`` on a value computed from ``a`` and ``b``), when all are
    continuous latents not yet varied; else ``[decider]``. Called by this name, so a benchmark
    can replace it to time varying deciders one by one."""
    together = [p for p in context.decisions if decider in p]
    if not together or any(p != together[0] for p in together):
        return [decider]
    group = [s for s in context.deciders if s in together[0]]
    if any(s in p for p in context.decisions if p != together[0] for s in group) or any(
        s in varied or context.sites[s].kind != "latent"
        or getattr(concrete(context.sites[s].fn), "has_enumerate_support", False)
        for s in group
    ):
        return [decider]
    return group


def _vary_jointly(model: Callable, args: tuple, kwargs: dict, seed: int, context: Run,
                  group: list[str]) -> list[Run] | None:
    """Runs with every member of ``group`` drawn anew at once, when none of them changes which
    sites exist, which decisions are made, or any site but through data flow from all members:
    then varying each alone could not tell the members apart, and ``N_DRAWS`` runs do the work
    of ``N_DRAWS`` per member. ``None`` when something changed: vary them one by one."""
    # each member its own stream of draws: two Normal(0, 1) sites drawn alike never part
    alternatives = [_alternatives(context.sites[s], seed + i) for i, s in enumerate(group)]
    variants = []
    for values in zip(*alternatives):
        held = {**context.values, **dict(zip(group, values))}
        try:
            variant = run_model(model, args, kwargs, seed=seed, held=held)
        except Exception:  # noqa: BLE001  vary them one by one, as a failing value would
            return None
        a, b = context.sites, variant.sites
        if a.keys() != b.keys() or not set(variant.deciders) <= set(context.deciders):
            return None
        for name in a:
            parents = _data_parents(a[name]) | _data_parents(b[name])
            if name not in group and not all(s in parents for s in group) and not _same(
                a[name].fingerprint, b[name].fingerprint
            ):
                return None
        variants.append(variant)
    return variants


def _close_gates(gated: dict[str, list[str]]) -> None:
    """A site that flipping ``D`` reveals or hides exists only where ``D`` exists: ``D``'s own
    gates are its gates too (a tree's leaf below a split below the root split). Each decider is
    varied in one context only, so these gates are not seen directly."""
    changed = True
    while changed:
        changed = False
        for name, gates in gated.items():
            for decider in list(gates):
                for gate in gated.get(decider, ()):
                    if gate != name and gate not in gates:
                        gates.append(gate)
                        changed = True


def _compare(context: Run, variant: Run, decider: str, gated: dict[str, list[str]],
             control: list[tuple[str, str]]) -> None:
    a, b = context.sites, variant.sites
    for name in [*a, *b]:
        if (name in a) != (name in b):
            if decider not in gated.setdefault(name, []):
                gated[name].append(decider)
    for name in a:
        if name == decider or name not in b:
            continue
        if decider in _data_parents(a[name]) | _data_parents(b[name]):
            continue
        if not _same(a[name].fingerprint, b[name].fingerprint) and (decider, name) not in control:
            control.append((decider, name))


def _agreed_sources(raws: list[RawSite]) -> tuple[tuple[str, str], ...]:
    """The parameters that are one site's value in every run where they came from sites (a run
    in which a branch made the parameter a constant does not count: ``mu`` if ``z`` else 0)."""
    out = []
    for param, _ in raws[0].dist_args:
        fed = [r.sources.get(param) for r in raws if dict(r.dist_args).get(param, "") is None]
        if fed and fed[0] is not None and all(source == fed[0] for source in fed):
            out.append((param, fed[0]))
    return tuple(out)


# the fields of a Site that are merged over all runs; the others are the site's first run's
_MERGED_FIELDS = ("gated_by", "param_sources", "data_args", "sized_by")
_FIRST_RUN_FIELDS = tuple(f.name for f in fields(Site) if f.name not in _MERGED_FIELDS)


def _records(name: str, runs: list[Run], gated: dict[str, list[str]],
             control: list[tuple[str, str]], sized: dict[str, str]) -> TraceRecord:
    """Step 3 of the algorithm: the union of all runs, sites in merged trace order."""
    order = list(runs[0].sites)
    for run in runs[1:]:
        _merge_order(order, list(run.sites))
    position = {n: i for i, n in enumerate(order)}
    sites = []
    for site_name in order:
        raws = [run.sites[site_name] for run in runs if site_name in run.sites]
        sites.append(Site(
            **{f: getattr(raws[0], f) for f in _FIRST_RUN_FIELDS},
            gated_by=tuple(sorted(gated.get(site_name, ()), key=position.__getitem__)),
            param_sources=_agreed_sources(raws),
            data_args=tuple(merged_data_args(raw.data for raw in raws).items()),
            sized_by=sized.get(site_name),
        ))
    return TraceRecord(name=name, sites=tuple(sites), plates=_plates(runs),
                       edges=_edges(runs, order, position, control),
                       recorded=runs[0].recorded)


def _edges(runs: list[Run], order: list[str], position: dict[str, int],
           control: list[tuple[str, str]]) -> tuple[Edge, ...]:
    """The data edges of every run, each with the parameters it feeds, and the control edges
    between sites no data edge joins; by child, then parent, in trace order."""
    edges: dict[tuple[str, str], list[str]] = {}
    for child in order:
        for run in runs:
            raw = run.sites.get(child)
            if raw is None:
                continue
            for param, prov in raw.inputs.items():
                for parent in sorted(prov, key=lambda p: position.get(p, -1)):
                    if parent not in position:
                        continue
                    params = edges.setdefault((parent, child), [])
                    if param not in params:
                        params.append(param)
    edge_records = [Edge(p, c, "data", tuple(ps)) for (p, c), ps in edges.items()]
    edge_records += [Edge(p, c, "control", ()) for p, c in control if (p, c) not in edges]
    edge_records.sort(key=lambda e: (position[e.child], position[e.parent]))
    return tuple(edge_records)


def _plates(runs: list[Run]) -> tuple[Plate, ...]:
    """Every plate the model made, in the order it made them (NumPyro's order too, which
    decides which of two crossed plates its drop-in clones), with or without sites."""
    sizes: dict[str, tuple[int, int | None]] = {}
    dims: dict[str, int | None] = {}
    for run in runs:
        for plate, size in run.plate_sizes.items():
            sizes.setdefault(plate, size)
        for plate, dim in run.plate_dims.items():
            dims.setdefault(plate, dim)
    return tuple(Plate(plate, size, subsample, dims.get(plate))
                 for plate, (size, subsample) in sizes.items())
