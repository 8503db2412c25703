"""The spec stage: the traced computation → the model written out (exact SymPy expressions per
parameter) and printed as LaTeX, text and Markdown. Imports SymPy: load it only when asked."""

from __future__ import annotations

from .build import ModelSpec, SiteSpec, model_spec

__all__ = ["ModelSpec", "SiteSpec", "model_spec"]
