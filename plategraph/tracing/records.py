"""Frozen records of one traced model: what the tracing layer hands to ``graph.build_graph``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

__all__ = ["Edge", "Plate", "Site", "TraceRecord", "merged_data_args"]

@dataclass(frozen=True)
class Plate:
    """A plate (``numpyro.plate`` or a scan's time axis)."""

    name: str
    size: int
    subsample_size: int | None = None
    dim: int | None = None


@dataclass(frozen=True)
class Site:
    """One site of the model, as the contract's node attributes (docs/design.md)."""

    name: str
    kind: str
    plates: tuple[str, ...] = ()
    distribution: str | None = None
    shape: tuple[int, ...] = ()
    event_shape: tuple[int, ...] = ()
    discrete: bool = False
    gated_by: tuple[str, ...] = ()
    source: str | None = None
    infer: tuple[tuple[str, str], ...] = ()
    # The distribution's parameters in its own order, each with its value as short text when it
    # is a constant, or None when it comes from parent sites (drawing ``a ~ Normal(mu, 1.0)``).
    dist_args: tuple[tuple[str, str | None], ...] = ()
    constraint: str | None = None  # a param site's constraint, as numpyro prints it
    # the distribution object's own class, wrappers unwrapped, as NumPyro names it
    # ("BernoulliProbs" where ``distribution`` is "Bernoulli"; "Unit" for a factor)
    distribution_class: str | None = None
    # Parameters that *are* one parent site's or model argument's value (per element: reshaped,
    # broadcast, indexed by data), by that name; parameters computed from values are left out.
    # A site's own name means its value one step earlier (carried state of a scan). None: not
    # known (records made by hand), and a lone parent is shown by its name.
    param_sources: tuple[tuple[str, str], ...] | None = None
    # Per parameter (``"obs"`` for an observed value): the model arguments that flow into it.
    data_args: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # A TransformedDistribution: the distribution it transforms and its transforms, innermost first.
    base_distribution: str | None = None
    transforms: tuple[str, ...] = ()
    # The site whose value decides how many times the Python loop that made this site runs
    # (``for i in range(int(k))``): the values tried gave the loop different lengths.
    sized_by: str | None = None

    def node_attributes(self) -> dict[str, Any]:
        """The site's node attributes in the graph contract: every field but ``name``, in field
        order, with ``infer``, ``param_sources`` and ``data_args`` as dicts."""
        attrs = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "name"}
        attrs["infer"] = dict(self.infer)
        attrs["param_sources"] = None if self.param_sources is None else dict(self.param_sources)
        attrs["data_args"] = dict(self.data_args)
        return attrs


def merged_data_args(per_site: Iterable[Mapping[str, tuple[str, ...]]]
                     ) -> dict[str, tuple[str, ...]]:
    """Several ``data_args`` (of one site's runs, or of a family's members) as one: per parameter,
    the model arguments of any of them, in order of first appearance.

    >>> merged_data_args([{"loc": ("x",)}, {"loc": ("z", "x"), "obs": ("y",)}])
    {'loc': ('x', 'z'), 'obs': ('y',)}
    """
    merged: dict[str, tuple[str, ...]] = {}
    for data_args in per_site:
        for param, names in data_args.items():
            merged[param] = tuple(dict.fromkeys((*merged.get(param, ()), *names)))
    return merged


@dataclass(frozen=True)
class Edge:
    """``parent → child``; ``kind`` is ``"data"`` or ``"control"``."""

    parent: str
    child: str
    kind: str = "data"
    params: tuple[str, ...] = ()


@dataclass(frozen=True)
class TraceRecord:
    """Everything recorded about one model, in trace order."""

    name: str
    sites: tuple[Site, ...]
    plates: tuple[Plate, ...]
    edges: tuple[Edge, ...] = field(default_factory=tuple)
    # the first run's computation as recorded (a ``tracing.computation.ComputationRecorder``):
    # what ``model_spec`` reads; not part of the graph
    recorded: Any = field(default=None, compare=False, repr=False)
    # in a model whose Python decided on one sampled site with a finite support, each of its
    # values with the run's recorded computation (``trace._alternatives_seen``), else None
    alternatives: Any = field(default=None, compare=False, repr=False)
