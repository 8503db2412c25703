"""The tracing stage: run a NumPyro model and record its sites, plates and dependencies."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .records import Edge, Plate, Site, TraceRecord

if TYPE_CHECKING:
    from .trace import trace_model

__all__ = ["Edge", "Plate", "Site", "TraceRecord", "trace_model"]


def __getattr__(name: str) -> object:
    # imported on first use: the tracer imports JAX, which the records do not need
    if name == "trace_model":
        from .trace import trace_model

        return trace_model
    raise AttributeError(f"module 'plategraph.tracing' has no attribute {name!r}")
