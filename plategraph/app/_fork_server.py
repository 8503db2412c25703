"""Imported by the gallery's fork server (``pool.PRELOAD``) after the modules it preloads: warms
the paper figure there once, so each fresh worker forked from it does not pay for its first
figure's fonts and mathtext parser again (about 0.35 s a model)."""

from __future__ import annotations

import warnings

from ..export import paper

try:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # said by the worker that draws, not here
        paper.warm_up()
except Exception:  # noqa: BLE001 - a warm-up only: the worker's own figure reports any error
    pass
