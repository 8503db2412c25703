"""Real-world-style NumPyro models with small synthetic data, for benchmarks and tests.

Modelled on NumPyro's examples and tutorials (``examples/``, ``notebooks/source/``): regression
and hierarchical GLMs, time series written with ``scan``, mixtures and enumeration, Gaussian
processes, neural-network modules, guides with ``numpyro.param`` sites. Each module has an
``examples()`` returning ``{function name: (args, kwargs)}``, as the gallery's modules do; a
model is named ``"module:function"``.

>>> model, args, kwargs = load("regression:ordinal_regression")
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from typing import Any

__all__ = ["MODULES", "idents", "iter_models", "load"]

MODULES = ("regression", "timeseries", "mixtures", "gp", "nn")


def _module(stem: str) -> Any:
    return importlib.import_module(f"{__name__}.{stem}")


def idents() -> list[str]:
    """Every model of the collection, ``"module:function"``, in a fixed order."""
    return [f"{stem}:{fn}" for stem in MODULES for fn in _module(stem).examples()]


def load(ident: str) -> tuple[Callable, tuple, dict]:
    """The model function of ``ident`` with its example arguments."""
    stem, _, fn = ident.partition(":")
    module = _module(stem)
    args, kwargs = module.examples()[fn]
    return getattr(module, fn), args, kwargs


def iter_models() -> Iterator[tuple[str, Callable, tuple, dict]]:
    for ident in idents():
        yield (ident, *load(ident))
